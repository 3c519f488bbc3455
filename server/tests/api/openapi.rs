use crate::helpers::spawn_app;

#[tokio::test]
async fn the_openapi_document_is_3_1_and_describes_the_v1_endpoints() {
    let app = spawn_app().await;
    let (status, doc) = app.get_json("/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    for path in [
        "/v1/categories",
        "/v1/products",
        "/v1/products/{key}",
        "/v1/cart",
        "/v1/orders",
        "/v1/orders/{id}",
        "/v1/admin/orders",
        "/health",
        "/ready",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} is documented");
    }
    for path in [
        "/v1/cart/items",
        "/v1/cart/discount",
        "/v1/checkout",
        "/v1/orders/{id}/cancel",
        "/v1/admin/orders/{id}/status",
    ] {
        assert!(doc["paths"][path]["post"].is_object(), "{path} is documented");
    }
    for schema in
        ["Cart", "CartLine", "Totals", "Order", "OrderEvent", "PlacedOrder", "CheckoutRequest", "Product", "Facets"]
    {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema} is in the document");
    }
    let params: Vec<_> = doc["paths"]["/v1/products"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(params, ["q", "category", "brand", "min_price", "max_price", "in_stock", "sort", "page", "per_page"]);
    assert!(doc["components"]["schemas"]["Money"].is_object());
}
