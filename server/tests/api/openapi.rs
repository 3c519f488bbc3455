use crate::helpers::spawn_app;

#[tokio::test]
async fn the_openapi_document_is_3_1_and_describes_the_v1_endpoints() {
    let app = spawn_app().await;
    let (status, doc) = app.get_json("/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    for path in ["/v1/categories", "/v1/products", "/health", "/ready"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} is documented");
    }
    let params: Vec<_> = doc["paths"]["/v1/products"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(params, ["q", "category", "page", "per_page"]);
    assert!(doc["components"]["schemas"]["Money"].is_object());
}
