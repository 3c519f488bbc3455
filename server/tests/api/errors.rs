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

/// Server functions and pages were not limited at all, and `X-Forwarded-For` had no policy.
#[tokio::test]
async fn server_functions_and_pages_are_limited_per_client_and_forwarded_for_needs_a_trusted_proxy() {
    let app = spawn_app_with(&[("SERVER_FN_RATE_LIMIT_PER_MINUTE", "2"), ("PAGE_RATE_LIMIT_PER_MINUTE", "2")]).await;
    let page = || app.client.get(format!("{}/login", app.address));
    let with_forwarded = |ip: &str| page().header("x-forwarded-for", ip.to_string());
    assert_eq!(with_forwarded("198.51.100.1").send().await.unwrap().status(), 200);
    // Without TRUSTED_PROXIES the header is the client's own claim: it buys no new bucket.
    assert_eq!(with_forwarded("198.51.100.2").send().await.unwrap().status(), 200);
    let refused = with_forwarded("198.51.100.3").send().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(app.get("/pkg/nothing.css").await.status(), 404, "static files are not limited");
    assert_eq!(app.get("/health").await.status(), 200);
    // Server functions have their own bucket; the refusal is JSON and writes nothing.
    let call = || app.client.post(format!("{}/api/shop_promises", app.address)).send();
    let statuses = [call().await.unwrap().status(), call().await.unwrap().status()];
    assert!(statuses.iter().all(|s| s.as_u16() != 429), "{statuses:?}");
    let refused = call().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.json::<serde_json::Value>().await.unwrap()["error"]["code"], "rate_limited");

    // Behind a trusted proxy each forwarded client has its own bucket.
    let proxied =
        spawn_app_with(&[("PAGE_RATE_LIMIT_PER_MINUTE", "1"), ("TRUSTED_PROXIES", "127.0.0.1/32, ::1")]).await;
    let page =
        |ip: &str| proxied.client.get(format!("{}/login", proxied.address)).header("x-forwarded-for", ip.to_string());
    assert_eq!(page("198.51.100.1").send().await.unwrap().status(), 200);
    assert_eq!(page("198.51.100.1").send().await.unwrap().status(), 429);
    assert_eq!(page("198.51.100.2").send().await.unwrap().status(), 200);
    // An IPv6 client is one client across its /64.
    assert_eq!(page("2001:db8:1:2::10").send().await.unwrap().status(), 200);
    assert_eq!(page("2001:db8:1:2:ffff::99").send().await.unwrap().status(), 429);
}

#[tokio::test]
async fn a_client_over_the_api_rate_limit_gets_a_429_with_retry_after() {
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
