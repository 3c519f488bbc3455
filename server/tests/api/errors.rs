use crate::helpers::spawn_app;

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
