use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn bad_paging_parameters_get_a_422_naming_the_parameter() {
    let app = spawn_app().await;
    for (query, field) in [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=ten", "per_page"),
        ("page=0", "page"),
        ("page=-3", "page"),
        ("category=Not%20A%20Slug!", "category"),
    ] {
        let (status, body) = app.get_json(&format!("/v1/products?{query}")).await;
        assert_eq!(status, 422, "{query}");
        assert_eq!(body["error"]["code"], "validation_failed", "{query}");
        assert_eq!(body["error"]["field"], field, "{query}");
        assert!(body["error"]["message"].as_str().unwrap().starts_with(field), "{query}: {body}");
    }
}

#[tokio::test]
async fn an_unknown_api_path_is_a_json_404() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn a_client_over_the_rate_limit_gets_a_429_with_retry_after_and_pages_are_not_limited() {
    let app = spawn_app_with(&[("RATE_LIMIT_PER_MINUTE", "3")]).await;
    for _ in 0..3 {
        assert_eq!(app.get("/v1/categories").await.status(), 200);
    }
    let res = app.get("/v1/categories").await;
    assert_eq!(res.status(), 429);
    let retry_after: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after <= 20, "one request comes back every 20 s: {retry_after}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(app.get("/health").await.status(), 200, "health checks are never limited");
}
