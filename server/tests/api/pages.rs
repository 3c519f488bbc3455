use crate::helpers::spawn_app;

#[tokio::test]
async fn the_home_page_is_server_rendered_with_featured_products_and_categories() {
    let app = spawn_app().await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let featured = app.services.catalog.featured(12).await.unwrap();
    assert!(html.contains(&featured[0].name), "the best-rated product is on the page");
    assert!(html.contains(&featured[0].price.to_string()));
    assert!(html.contains("/category/running-shoes"), "category navigation is rendered");
    assert!(html.contains("/pkg/shop.js"), "the hydration script is linked");
}

#[tokio::test]
async fn category_search_and_product_pages_render() {
    let app = spawn_app().await;
    let coffee = app.get("/category/coffee").await.text().await.unwrap();
    assert!(coffee.contains("Ethiopia Yirgacheffe"));

    let search = app.get("/search?q=dutch+oven").await.text().await.unwrap();
    assert!(search.contains("Enamel Dutch Oven"));

    let product = app.services.catalog.featured(1).await.unwrap().remove(0);
    let page = app.get(&format!("/product/{}", product.slug)).await.text().await.unwrap();
    assert!(page.contains(&product.description));
}

#[tokio::test]
async fn an_unknown_page_is_a_404() {
    let app = spawn_app().await;
    assert_eq!(app.get("/no/such/page").await.status(), 404);
}

#[tokio::test]
async fn the_footer_promises_the_threshold_and_return_window_checkout_uses() {
    let app =
        crate::helpers::spawn_app_with(&[("FREE_SHIPPING_THRESHOLD_CENTS", "5000"), ("RETURN_WINDOW_DAYS", "14")])
            .await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("Free standard shipping from $50.00 · 14-day returns"), "the footer quotes the settings");
    assert!(!html.contains("shipping over $75"), "no hard-coded threshold");
}
