//! Catalog filters, cart, checkout and orders over HTTP, as any channel uses them.

use crate::helpers::{spawn_app, Who};
use serde_json::{json, Value};

pub fn checkout_body(card: &str) -> Value {
    json!({
        "email": "buyer@example.com",
        "shipping_address": {"name": "Ada Buyer", "line1": "1 Main St", "city": "Springfield", "region": "IL", "postal_code": "62701", "country": "US"},
        "shipping_method": "standard",
        "payment": {"method": "card", "card_number": card, "exp_month": 12, "exp_year": 2099, "cvc": "123"}
    })
}

const GOOD: &str = "4242 4242 4242 4242";

#[tokio::test]
async fn product_listing_filters_sorts_and_counts_facets() {
    let app = spawn_app().await;
    let (status, page) = app
        .get_json("/v1/products?q=coffee&min_price=1000&max_price=5000&in_stock=true&sort=price_asc&per_page=50")
        .await;
    assert_eq!(status, 200);
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for p in items {
        let amount = p["price"]["amount"].as_i64().unwrap();
        assert!((1000..=5000).contains(&amount) && p["stock"].as_u64().unwrap() > 0);
        for field in ["id", "slug", "name", "brand", "category", "price", "stock"] {
            assert!(!p[field].is_null(), "product has {field}");
        }
    }
    let prices: Vec<i64> = items.iter().map(|p| p["price"]["amount"].as_i64().unwrap()).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]));
    assert!(page["facets"]["categories"].as_array().unwrap().iter().all(|f| f["count"].as_u64().unwrap() > 0));
    assert!(!page["facets"]["brands"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn bad_listing_parameters_are_422_naming_the_parameter() {
    let app = spawn_app().await;
    for (query, field) in [
        ("min_price=-1", "min_price"),
        ("per_page=101", "per_page"),
        ("sort=cheapest", "sort"),
        ("min_price=500&max_price=100", "min_price"),
        ("in_stock=perhaps", "in_stock"),
        ("page=0", "page"),
    ] {
        let (status, body) = app.get_json(&format!("/v1/products?{query}")).await;
        assert_eq!(status, 422, "{query}");
        assert_eq!(body["error"]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn a_product_is_found_by_id_or_slug_and_an_unknown_one_is_404() {
    let app = spawn_app().await;
    let p = app.product("coffee", 1).await;
    let (s1, by_id) = app.get_json(&format!("/v1/products/{}", p["id"].as_str().unwrap())).await;
    let (s2, by_slug) = app.get_json(&format!("/v1/products/{}", p["slug"].as_str().unwrap())).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(by_id, by_slug);
    let (status, body) = app.get_json("/v1/products/no-such-product").await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn a_guest_cart_adds_updates_removes_and_refuses_bad_quantities() {
    let app = spawn_app().await;
    let guest = app.guest().await;
    let p = app.product("coffee", 3).await;
    let id = p["id"].as_str().unwrap();

    let (status, cart) =
        app.call("POST", "/v1/cart/items", &guest, Some(json!({"product_id": id, "quantity": 2})), None).await;
    assert_eq!(status, 200, "{cart}");
    assert_eq!(cart["lines"][0]["quantity"], 2);
    assert_eq!(cart["lines"][0]["unit_price"], p["price"]);
    for field in ["id", "product_id", "name", "quantity", "unit_price", "line_total"] {
        assert!(!cart["lines"][0][field].is_null(), "line has {field}");
    }
    for field in ["subtotal", "discount", "shipping", "tax", "total"] {
        assert!(cart["totals"][field]["amount"].is_i64(), "totals have {field}");
    }
    let line = cart["lines"][0]["id"].as_str().unwrap().to_string();

    for (body, field) in [
        (json!({"product_id": id, "quantity": 0}), "quantity"),
        (json!({"product_id": id, "quantity": 100}), "quantity"),
    ] {
        let (status, err) = app.call("POST", "/v1/cart/items", &guest, Some(body), None).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some(field)));
    }
    let (status, _) =
        app.call("POST", "/v1/cart/items", &guest, Some(json!({"product_id": "nope", "quantity": 1})), None).await;
    assert_eq!(status, 404);
    // Seeded stock is at most 119; pin it so "more than the stock" stays within 1..=99.
    app.services.catalog.change(id, &model::ProductChange { price: None, stock: Some(5) }).await.unwrap();
    let (status, err) =
        app.call("PATCH", &format!("/v1/cart/items/{line}"), &guest, Some(json!({"quantity": 6})), None).await;
    assert_eq!(status, 409);
    assert_eq!(err["error"]["code"], "out_of_stock");
    assert_eq!(err["error"]["available"].as_u64(), Some(5));
    let (status, cart) =
        app.call("PATCH", &format!("/v1/cart/items/{line}"), &guest, Some(json!({"quantity": 3})), None).await;
    assert_eq!((status, cart["lines"][0]["quantity"].as_u64()), (200, Some(3)));

    let stranger = app.guest().await;
    let (status, _) = app.call("DELETE", &format!("/v1/cart/items/{line}"), &stranger, None, None).await;
    assert_eq!(status, 404, "another session's line is not found");
    let (status, cart) = app.call("DELETE", &format!("/v1/cart/items/{line}"), &guest, None, None).await;
    assert_eq!((status, cart["lines"].as_array().unwrap().len()), (200, 0));

    let (status, err) = app.call("GET", "/v1/cart", &Who::Nobody, None, None).await;
    assert_eq!((status, err["error"]["code"].as_str()), (401, Some("session_required")));
}

#[tokio::test]
async fn a_refused_discount_code_says_why() {
    let app = spawn_app().await;
    let guest = app.guest().await;
    let p = app.product("outdoor-gear", 1).await;
    app.call("POST", "/v1/cart/items", &guest, Some(json!({"product_id": p["id"], "quantity": 1})), None).await;
    for (code, reason) in
        [("SPRING5", "expired"), ("FLASH50", "used_up"), ("COFFEE15", "not_applicable"), ("NOPE", "unknown")]
    {
        let (status, err) = app.call("POST", "/v1/cart/discount", &guest, Some(json!({"code": code})), None).await;
        assert_eq!(status, 422, "{code}");
        assert_eq!(err["error"]["code"], "discount_rejected");
        assert_eq!(err["error"]["reason"], reason, "{code}");
        assert_eq!(err["error"]["field"], "code");
    }
    let (status, cart) = app.call("POST", "/v1/cart/discount", &guest, Some(json!({"code": "welcome10"})), None).await;
    assert_eq!((status, cart["discount_code"].as_str()), (200, Some("WELCOME10")));
    assert!(cart["totals"]["discount"]["amount"].as_i64().unwrap() > 0);
    let (_, cart) = app.call("DELETE", "/v1/cart/discount", &guest, None, None).await;
    assert!(cart["discount_code"].is_null());
}

#[tokio::test]
async fn what_a_member_adds_on_the_phone_is_in_the_cart_on_the_laptop_and_a_guest_cart_merges_on_login() {
    let app = spawn_app().await;
    let body = app.register("omni@example.com").await;
    let phone = Who::Bearer(body["access_token"].as_str().unwrap().to_string());
    let p = app.product("coffee", 5).await;
    app.call("POST", "/v1/cart/items", &phone, Some(json!({"product_id": p["id"], "quantity": 1})), None).await;

    // The laptop starts as a guest, fills a cart, then signs in.
    let Who::Session(laptop_token) = app.guest().await else { unreachable!() };
    let laptop_guest = Who::Session(laptop_token.clone());
    app.call("POST", "/v1/cart/items", &laptop_guest, Some(json!({"product_id": p["id"], "quantity": 2})), None).await;
    let res = app
        .client
        .post(format!("{}/v1/auth/login", app.address))
        .header("x-session-token", &laptop_token)
        .json(&json!({"email": "omni@example.com", "password": "a good password"}))
        .send()
        .await
        .unwrap();
    let login: Value = res.json().await.unwrap();
    assert_eq!(login["session"]["merged"]["cart"], 1);
    let laptop = Who::Bearer(login["access_token"].as_str().unwrap().to_string());

    let (_, on_laptop) = app.call("GET", "/v1/cart", &laptop, None, None).await;
    let (_, on_phone) = app.call("GET", "/v1/cart", &phone, None, None).await;
    assert_eq!(on_laptop, on_phone);
    assert_eq!(on_phone["lines"][0]["quantity"], 3);
    // The promoted session no longer works as a guest's.
    let (status, _) = app.call("GET", "/v1/cart", &laptop_guest, None, None).await;
    assert_eq!(status, 401);

    // Restoring a session on another device returns it with the cart.
    let session_id = login["session"]["session"]["id"].as_str().unwrap();
    let (status, restored) = app.call("POST", &format!("/v1/sessions/{session_id}/restore"), &phone, None, None).await;
    assert_eq!(status, 200);
    assert_eq!(restored["cart"], on_phone);
    assert!(restored["conversation"].is_array());
}

#[tokio::test]
async fn checkout_places_an_order_once_per_key_and_declines_leave_everything_untouched() {
    let app = spawn_app().await;
    let guest = app.guest().await;
    let p = app.product("coffee", 2).await;
    let id = p["id"].as_str().unwrap();
    app.call("POST", "/v1/cart/items", &guest, Some(json!({"product_id": id, "quantity": 1})), None).await;

    let (status, err) =
        app.call("POST", "/v1/checkout", &guest, Some(checkout_body("4000 0000 0000 0002")), Some("k-declined")).await;
    assert_eq!((status, err["error"]["code"].as_str()), (402, Some("card_declined")));
    let (_, cart) = app.call("GET", "/v1/cart", &guest, None, None).await;
    assert_eq!(cart["lines"].as_array().unwrap().len(), 1);
    let (_, same) = app.get_json(&format!("/v1/products/{id}")).await;
    assert_eq!(same["stock"], p["stock"]);

    let (status, err) = app.call("POST", "/v1/checkout", &guest, Some(checkout_body(GOOD)), None).await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("Idempotency-Key")));

    let (status, placed) = app.call("POST", "/v1/checkout", &guest, Some(checkout_body(GOOD)), Some("k1")).await;
    assert_eq!(status, 201, "{placed}");
    let order = &placed["order"];
    assert_eq!(order["status"], "paid");
    for field in ["id", "status", "lines", "totals", "events"] {
        assert!(!order[field].is_null(), "order has {field}");
    }
    assert_eq!(order["events"][0]["status"], "placed");

    let (status, replay) = app.call("POST", "/v1/checkout", &guest, Some(checkout_body(GOOD)), Some("k1")).await;
    assert_eq!((status, &replay), (201, &placed));
    let mut other = checkout_body(GOOD);
    other["shipping_method"] = json!("express");
    let (status, err) = app.call("POST", "/v1/checkout", &guest, Some(other), Some("k1")).await;
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("idempotency_key_reused")));

    // The guest opens the order with its token; without it, it does not exist.
    let order_id = order["id"].as_str().unwrap();
    let token = placed["access_token"].as_str().unwrap();
    let (status, seen) =
        app.call("GET", &format!("/v1/orders/{order_id}?token={token}"), &Who::Nobody, None, None).await;
    assert_eq!((status, &seen), (200, order));
    let (status, _) = app.call("GET", &format!("/v1/orders/{order_id}?token=wrong"), &Who::Nobody, None, None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn every_bad_checkout_field_is_a_422_naming_it_and_changes_nothing() {
    let app = spawn_app().await;
    let guest = app.guest().await;
    let p = app.product("coffee", 1).await;
    app.call("POST", "/v1/cart/items", &guest, Some(json!({"product_id": p["id"], "quantity": 1})), None).await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("/email", Value::Null, "email"),
        ("/shipping_address/name", json!(""), "shipping_address.name"),
        ("/shipping_address/line1", json!("  "), "shipping_address.line1"),
        ("/shipping_address/city", json!(""), "shipping_address.city"),
        ("/shipping_address/postal_code", json!("!!"), "shipping_address.postal_code"),
        ("/shipping_address/country", json!("Narnia"), "shipping_address.country"),
        ("/shipping_method", json!("teleport"), "shipping_method"),
        ("/payment/method", json!("cash"), "payment.method"),
        ("/payment/card_number", json!("1234"), "payment.card_number"),
        ("/payment/exp_month", json!(13), "payment.exp_month"),
        ("/payment/exp_year", json!(2001), "payment.exp_year"),
        ("/payment/cvc", json!("1"), "payment.cvc"),
    ];
    for (i, (pointer, value, field)) in cases.into_iter().enumerate() {
        let mut body = checkout_body(GOOD);
        *body.pointer_mut(pointer).unwrap() = value;
        let (status, err) = app.call("POST", "/v1/checkout", &guest, Some(body), Some(&format!("bad-{i}"))).await;
        assert_eq!(status, 422, "{field}: {err}");
        assert_eq!(err["error"]["field"], field);
    }
    let (_, cart) = app.call("GET", "/v1/cart", &guest, None, None).await;
    assert_eq!(cart["lines"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn members_reach_only_their_own_orders_and_admins_move_them_along() {
    let app = spawn_app().await;
    let alice = app.member("alice@example.com").await;
    let bob = app.member("bob@example.com").await;
    let p = app.product("coffee", 1).await;
    app.call("POST", "/v1/cart/items", &alice, Some(json!({"product_id": p["id"], "quantity": 1})), None).await;
    let mut body = checkout_body(GOOD);
    body["email"] = Value::Null;
    let (status, placed) = app.call("POST", "/v1/checkout", &alice, Some(body), Some("a")).await;
    assert_eq!(status, 201, "{placed}");
    assert!(placed["access_token"].is_null(), "members need no token");
    let id = placed["order"]["id"].as_str().unwrap();

    let (_, mine) = app.call("GET", "/v1/orders", &alice, None, None).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let (_, theirs) = app.call("GET", "/v1/orders", &bob, None, None).await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    let (status, _) = app.call("GET", &format!("/v1/orders/{id}"), &bob, None, None).await;
    assert_eq!(status, 404);
    let (status, _) = app.call("POST", &format!("/v1/orders/{id}/cancel"), &bob, None, None).await;
    assert_eq!(status, 404);

    let (status, _) = app
        .call("POST", &format!("/v1/admin/orders/{id}/status"), &alice, Some(json!({"status": "shipped"})), None)
        .await;
    assert_eq!(status, 403, "customers are not admins");
    let admin = app.admin().await;
    let (status, shipped) = app
        .call("POST", &format!("/v1/admin/orders/{id}/status"), &admin, Some(json!({"status": "shipped"})), None)
        .await;
    assert_eq!((status, shipped["status"].as_str()), (200, Some("shipped")));
    let (status, err) = app.call("POST", &format!("/v1/orders/{id}/cancel"), &alice, None, None).await;
    assert_eq!(status, 409);
    assert_eq!(err["error"]["code"], "invalid_transition");
    assert_eq!(err["error"]["current_status"], "shipped");
    let (status, err) = app
        .call("POST", &format!("/v1/admin/orders/{id}/status"), &admin, Some(json!({"status": "teleported"})), None)
        .await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("status")));
    let (_, delivered) = app
        .call("POST", &format!("/v1/admin/orders/{id}/status"), &admin, Some(json!({"status": "delivered"})), None)
        .await;
    let events: Vec<&str> =
        delivered["events"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(events, ["placed", "paid", "shipped", "delivered"]);
    let (_, all) = app.call("GET", "/v1/admin/orders?status=delivered", &admin, None, None).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_member_cancels_before_shipping_and_the_stock_comes_back() {
    let app = spawn_app().await;
    let ann = app.member("ann2@example.com").await;
    let p = app.product("coffee", 2).await;
    let id = p["id"].as_str().unwrap();
    app.call("POST", "/v1/cart/items", &ann, Some(json!({"product_id": id, "quantity": 2})), None).await;
    let mut body = checkout_body(GOOD);
    body["email"] = Value::Null;
    let (_, placed) = app.call("POST", "/v1/checkout", &ann, Some(body), Some("c")).await;
    let order_id = placed["order"]["id"].as_str().unwrap();
    let (_, during) = app.get_json(&format!("/v1/products/{id}")).await;
    assert_eq!(during["stock"].as_u64().unwrap(), p["stock"].as_u64().unwrap() - 2);

    let (status, cancelled) = app.call("POST", &format!("/v1/orders/{order_id}/cancel"), &ann, None, None).await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")));
    let (_, after) = app.get_json(&format!("/v1/products/{id}")).await;
    assert_eq!(after["stock"], p["stock"]);
}

#[tokio::test]
async fn an_admin_changes_a_products_price_and_stock_and_customers_may_not() {
    let app = spawn_app().await;
    let product = app.product("books", 1).await;
    let id = product["id"].as_str().unwrap();
    let path = format!("/v1/admin/products/{id}");
    let customer = app.member("reader@example.com").await;
    assert_eq!(app.call("PATCH", &path, &customer, Some(json!({"stock": 5})), None).await.0, 403);

    let admin = app.admin().await;
    for (body, field) in [
        (json!({"price": {"amount": -5, "currency": "USD"}}), "price"),
        (json!({"price": {"amount": 500, "currency": "EUR"}}), "price.currency"),
        (json!({"stock": -1}), "stock"),
    ] {
        let (status, err) = app.call("PATCH", &path, &admin, Some(body.clone()), None).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some(field)), "{body}: {err}");
    }
    assert_eq!(app.call("PATCH", "/v1/admin/products/nope", &admin, Some(json!({"stock": 1})), None).await.0, 404);

    let (status, changed) = app
        .call("PATCH", &path, &admin, Some(json!({"price": {"amount": 1234, "currency": "USD"}, "stock": 7})), None)
        .await;
    assert_eq!(status, 200, "{changed}");
    let (_, shown) = app.get_json(&format!("/v1/products/{id}")).await;
    assert_eq!((shown["price"]["amount"].as_i64(), shown["stock"].as_i64()), (Some(1234), Some(7)));
}
