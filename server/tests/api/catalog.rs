use crate::helpers::spawn_app;

#[tokio::test]
async fn categories_list_the_seeded_navigation() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/v1/categories").await;
    assert_eq!(status, 200);
    let list = body.as_array().unwrap();
    assert!(list.len() >= 10);
    assert_eq!(list[0]["slug"], "running-shoes");
    assert!(list[0]["product_count"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn products_come_as_a_page_with_money_in_minor_units() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/v1/products").await;
    assert_eq!(status, 200);
    assert!(body["total"].as_u64().unwrap() >= 300);
    assert_eq!((body["page"].as_u64(), body["per_page"].as_u64()), (Some(1), Some(24)));
    let first = &body["items"][0];
    assert!(first["price"]["amount"].is_i64(), "integer minor units: {first}");
    assert_eq!(first["price"]["currency"], "USD");
    for key in ["id", "slug", "name", "brand", "category", "stock", "image_url"] {
        assert!(!first[key].is_null(), "product has {key}");
    }
}

#[tokio::test]
async fn products_filter_by_category_and_search_text() {
    let app = spawn_app().await;
    let (_, coffee) = app.get_json("/v1/products?category=coffee&per_page=100").await;
    let items = coffee["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|p| p["category"] == "coffee"));

    let (_, found) = app.get_json("/v1/products?q=Espresso").await;
    assert!(found["items"][0]["name"].as_str().unwrap().contains("Espresso"), "{found}");
}

#[tokio::test]
async fn a_product_picture_is_an_svg_drawn_from_its_data() {
    let app = spawn_app().await;
    let (_, body) = app.get_json("/v1/products?per_page=1").await;
    let url = body["items"][0]["image_url"].as_str().unwrap().to_string();
    let res = app.get(&url).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let svg = res.text().await.unwrap();
    assert!(svg.starts_with("<svg"));

    assert_eq!(app.get("/images/products/no-such-product.svg").await.status(), 404);
}
