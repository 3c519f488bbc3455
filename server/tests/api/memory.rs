//! `/v1/memory` and `/v1/recommendations` over HTTP: signals from the API channel, editing
//! preferences with field errors, ownership, export and forgetting.

use crate::helpers::spawn_app;
use crate::helpers::Who;
use serde_json::json;

#[tokio::test]
async fn a_shoppers_memory_is_built_from_their_requests_and_is_theirs_to_edit_export_and_erase() {
    let app = spawn_app().await;
    let shopper = app.member("memory@example.com").await;
    let (_, page) = app.call("GET", "/v1/products?category=coffee&per_page=3", &shopper, None, None).await;
    let coffee = page["items"][0]["id"].as_str().unwrap().to_string();
    let (status, _) = app.call("GET", &format!("/v1/products/{coffee}"), &shopper, None, None).await;
    assert_eq!(status, 200);

    let (status, err) =
        app.call("PUT", "/v1/memory/preferences", &shopper, Some(json!({"budgets": {"coffee": -5}})), None).await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("budgets.coffee")));
    let (status, err) =
        app.call("PUT", "/v1/memory/preferences", &shopper, Some(json!({"favourite": ["x"]})), None).await;
    assert_eq!(status, 422, "unknown fields are refused: {err}");
    let prefs = json!({"sizes": {"running-shoes": "10"}, "brands_avoided": ["Nobody Brand"], "avoid": ["Leather"]});
    let (status, memory) = app.call("PUT", "/v1/memory/preferences", &shopper, Some(prefs), None).await;
    assert_eq!(status, 200, "{memory}");
    assert_eq!(memory["preferences"]["avoid"], json!(["leather"]));
    assert_eq!(memory["preference_items"].as_array().unwrap().len(), 3);

    let (status, memory) = app.call("GET", "/v1/memory", &shopper, None, None).await;
    assert_eq!(status, 200);
    let history = memory["history"].as_array().unwrap();
    assert!(history.iter().any(|h| h["label"].as_str().unwrap().starts_with("view")), "{memory}");
    assert!(history.iter().any(|h| h["label"].as_str().unwrap().starts_with("search")), "{memory}");
    assert!(memory["affinities"].as_array().unwrap().iter().any(|a| a["label"] == "Category: Coffee"), "{memory}");

    let (status, recs) = app.call("GET", "/v1/recommendations?context=home", &shopper, None, None).await;
    assert_eq!(status, 200);
    let items = recs["items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    assert!(items
        .iter()
        .all(|i| !i["reason"].as_str().unwrap().is_empty() && i["product"]["stock"].as_u64() > Some(0)));
    let (status, err) = app.call("GET", "/v1/recommendations?context=garden", &shopper, None, None).await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("context")));
    let (status, recs) =
        app.call("GET", &format!("/v1/recommendations?context=product:{coffee}"), &Who::Nobody, None, None).await;
    assert_eq!(status, 200, "anyone gets recommendations");
    assert!(recs["items"].as_array().unwrap().iter().all(|i| i["product"]["id"] != coffee.as_str()));

    // Someone else can neither see nor delete any of it.
    let other = app.member("other@example.com").await;
    let item = memory["preference_items"][0]["id"].as_str().unwrap().to_string();
    let (status, other_memory) = app.call("GET", "/v1/memory", &other, None, None).await;
    assert_eq!(status, 200);
    assert!(other_memory["history"].as_array().unwrap().is_empty());
    let (status, _) = app.call("DELETE", &format!("/v1/memory/{item}"), &other, None, None).await;
    assert_eq!(status, 404);
    let (status, _) = app.call("DELETE", &format!("/v1/memory/{item}"), &shopper, None, None).await;
    assert_eq!(status, 204);

    let res = app
        .client
        .get(format!("{}/v1/memory/export", app.address))
        .bearer_auth(match &shopper {
            Who::Bearer(t) => t.clone(),
            _ => unreachable!(),
        })
        .send()
        .await
        .unwrap();
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let export: serde_json::Value = res.json().await.unwrap();
    assert_eq!(export["preference_items"].as_array().unwrap().len(), 2);

    let (status, _) = app.call("DELETE", "/v1/memory", &shopper, None, None).await;
    assert_eq!(status, 204);
    let (_, memory) = app.call("GET", "/v1/memory", &shopper, None, None).await;
    assert!(memory["history"].as_array().unwrap().is_empty() && memory["affinities"].as_array().unwrap().is_empty());
    let (status, _) = app.call("GET", "/v1/memory", &Who::Nobody, None, None).await;
    assert_eq!(status, 401);
}
