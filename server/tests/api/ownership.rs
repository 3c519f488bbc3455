//! Who may call what (broken object- and function-level authorization): every admin route and
//! every route that acts on a signed-in account, called by nobody, by a customer and by an
//! admin. A new route of either kind gets its row here.

use crate::helpers::spawn_app;
use crate::helpers::Who;
use serde_json::{json, Value};

/// (method, path, body): routes only admins may call.
fn admin_routes() -> Vec<(&'static str, &'static str, Option<Value>)> {
    vec![
        ("GET", "/v1/admin/orders", None),
        ("POST", "/v1/admin/orders/ANY/status", Some(json!({"status": "shipped"}))),
        ("PATCH", "/v1/admin/products/ANY", Some(json!({"stock": 1}))),
        ("GET", "/v1/admin/handoffs", None),
        ("POST", "/v1/admin/handoffs/ANY/reply", Some(json!({"text": "hi"}))),
        ("GET", "/v1/admin/outbox", None),
        ("POST", "/v1/admin/outbox/ANY/retry", None),
    ]
}

/// (method, path, body): routes that act on the signed-in account and need a sign-in.
fn account_routes() -> Vec<(&'static str, &'static str, Option<Value>)> {
    vec![
        ("GET", "/v1/auth/me", None),
        ("POST", "/v1/auth/verify-email/resend", None),
        ("POST", "/v1/auth/password", Some(json!({"current_password": "x", "new_password": "yyyyyyyy"}))),
        ("POST", "/v1/auth/email", Some(json!({"email": "new@example.com", "password": "x"}))),
        ("DELETE", "/v1/auth/account", Some(json!({"password": "x"}))),
        ("GET", "/v1/orders", None),
        ("GET", "/v1/sessions", None),
    ]
}

/// Routes that act only on the caller's own shopper (the guest session or the signed-in user,
/// never an id from the request: their ownership tests are in their own files), with where.
const SHOPPER_ROUTES: &[(&str, &str)] = &[
    ("GET", "/v1/cart"),
    ("POST", "/v1/cart/items"),
    ("PATCH", "/v1/cart/items/ANY"),
    ("DELETE", "/v1/cart/items/ANY"),
    ("POST", "/v1/cart/discount"),
    ("DELETE", "/v1/cart/discount"),
    ("POST", "/v1/checkout"),
    ("POST", "/v1/checkout/confirm"),
    ("POST", "/v1/interactions"),
    ("GET", "/v1/interactions"),
    ("POST", "/v1/interactions/confirm"),
    ("GET", "/v1/orders/ANY"),
    ("POST", "/v1/orders/ANY/cancel"),
    ("POST", "/v1/orders/guest-links"),
    ("POST", "/v1/sessions"),
    ("DELETE", "/v1/sessions"),
    ("POST", "/v1/sessions/ANY/restore"),
    ("DELETE", "/v1/sessions/ANY"),
    ("GET", "/v1/memory"),
    ("DELETE", "/v1/memory"),
    ("PUT", "/v1/memory/preferences"),
    ("GET", "/v1/memory/export"),
    ("DELETE", "/v1/memory/ANY"),
    ("GET", "/v1/recommendations"),
];

/// Routes anyone may call: the catalog, signing in and its links, health.
const PUBLIC_ROUTES: &[(&str, &str)] = &[
    ("GET", "/v1/categories"),
    ("GET", "/v1/products"),
    ("GET", "/v1/products/ANY"),
    ("POST", "/v1/auth/register"),
    ("POST", "/v1/auth/login"),
    ("POST", "/v1/auth/refresh"),
    ("POST", "/v1/auth/logout"),
    ("POST", "/v1/auth/verify-email"),
    ("POST", "/v1/auth/password-reset"),
    ("POST", "/v1/auth/password-reset/confirm"),
    ("GET", "/health"),
    ("GET", "/ready"),
];

#[tokio::test]
async fn every_documented_route_is_classified_here() {
    // The route table is the OpenAPI document's list of paths, so this sees every route: a new
    // one fails here until it has its row.
    let app = spawn_app().await;
    let (_, doc) = app.get_json("/v1/openapi.json").await;
    let known: Vec<(String, String)> = admin_routes()
        .into_iter()
        .chain(account_routes())
        .map(|(m, p, _)| (m, p))
        .chain(SHOPPER_ROUTES.iter().copied())
        .chain(PUBLIC_ROUTES.iter().copied())
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let mut documented = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let path: String = path
            .split('/')
            .map(|segment| if segment.starts_with('{') { "ANY" } else { segment })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            documented += 1;
            let key = (method.to_uppercase(), path.clone());
            assert!(known.contains(&key), "{} {} has no row in the ownership tables", key.0, key.1);
        }
    }
    assert_eq!(documented, known.len(), "every row names a documented route");
}

#[tokio::test]
async fn admin_routes_refuse_anonymous_callers_and_customers() {
    let app = spawn_app().await;
    let customer = app.register("plain@example.com").await["access_token"].as_str().unwrap().to_string();
    for (method, path, body) in admin_routes() {
        let (anonymous, _) = app.call(method, path, &Who::Nobody, body.clone(), None).await;
        assert_eq!(anonymous, 401, "{method} {path} without a sign-in");
        let (status, err) = app.call(method, path, &Who::Bearer(customer.clone()), body, None).await;
        assert_eq!((status, err["error"]["code"].as_str()), (403, Some("forbidden")), "{method} {path} as a customer");
    }
}

#[tokio::test]
async fn account_routes_need_a_sign_in() {
    let app = spawn_app().await;
    for (method, path, body) in account_routes() {
        let (status, _) = app.call(method, path, &Who::Nobody, body, None).await;
        assert_eq!(status, 401, "{method} {path} without a sign-in");
    }
}

#[tokio::test]
async fn a_verification_link_proves_only_its_own_account() {
    let app = spawn_app().await;
    let ann = app.register("ann-own@example.com").await;
    let bob = app.register("bob-own@example.com").await;
    // Bob's token (a session cookie, a bearer token) never verifies Ann, and a link is only
    // ever the mailed one: a made-up token is refused whoever sends it.
    let bob_token = bob["access_token"].as_str().unwrap().to_string();
    let (status, _) = app
        .call("POST", "/v1/auth/verify-email", &Who::Bearer(bob_token), Some(json!({"token": "forged"})), None)
        .await;
    assert_eq!(status, 422);
    let ann_id = ann["user"]["id"].as_str().unwrap();
    assert!(!app.services.identity.accounts.by_id(ann_id).await.unwrap().email_verified);
}

#[tokio::test]
async fn an_assistant_confirmation_card_works_only_for_its_shopper_and_only_once() {
    let app = spawn_app().await;
    let ann = app.register("card-ann@example.com").await["access_token"].as_str().unwrap().to_string();
    let bob = app.register("card-bob@example.com").await["access_token"].as_str().unwrap().to_string();
    let (ann, bob) = (Who::Bearer(ann), Who::Bearer(bob));
    let (status, reply) =
        app.call("POST", "/v1/interactions", &ann, Some(json!({"message": "forget everything about me"})), None).await;
    assert_eq!(status, 200);
    let card = reply["parts"].as_array().unwrap().iter().find(|p| p["type"] == "confirm_action").expect("a card");
    let token = card["confirmation"]["token"].as_str().unwrap();
    assert_eq!(card["confirmation"]["kind"], "forget_everything");

    let body = || Some(json!({"token": token}));
    assert_eq!(app.call("POST", "/v1/interactions/confirm", &Who::Nobody, body(), None).await.0, 401);
    assert_eq!(
        app.call("POST", "/v1/interactions/confirm", &bob, body(), None).await.0,
        404,
        "Bob cannot use Ann's card"
    );
    let (status, done) = app.call("POST", "/v1/interactions/confirm", &ann, body(), None).await;
    assert_eq!((status, done["replayed"].as_bool()), (200, Some(false)));
    let (status, again) = app.call("POST", "/v1/interactions/confirm", &ann, body(), None).await;
    assert_eq!((status, again["replayed"].as_bool()), (200, Some(true)));
    assert_eq!(app.call("POST", "/v1/interactions/confirm", &ann, Some(json!({})), None).await.0, 422);
}

/// Deleting acts on the caller's own account only: the account is the bearer's, whatever the
/// body says, and the password must be that account's.
#[tokio::test]
async fn an_account_is_deleted_only_by_its_own_sign_in_and_password() {
    let app = spawn_app().await;
    let ann = app.register("ann-delete@example.com").await;
    let bob = app.register("bob-delete@example.com").await;
    let bob_token = Who::Bearer(bob["access_token"].as_str().unwrap().to_string());
    let (ann_id, bob_id) = (ann["user"]["id"].as_str().unwrap(), bob["user"]["id"].as_str().unwrap());
    let wrong = json!({"password": "not the password"});
    let (status, err) = app.call("DELETE", "/v1/auth/account", &bob_token, Some(wrong), None).await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("password")));
    assert!(app.services.identity.accounts.by_id(bob_id).await.is_ok(), "a wrong password deletes nothing");
    // Naming Ann in the body changes nothing: the bearer's own account is the one deleted.
    let body = json!({"password": "a good password", "user_id": ann_id});
    let (status, _) = app.call("DELETE", "/v1/auth/account", &bob_token, Some(body), None).await;
    assert_eq!(status, 204);
    assert!(app.services.identity.accounts.by_id(bob_id).await.is_err(), "Bob's account is gone");
    assert!(app.services.identity.accounts.by_id(ann_id).await.is_ok(), "Ann's account stands");
    let (status, _) = app.call("GET", "/v1/auth/me", &bob_token, None, None).await;
    assert_eq!(status, 401, "the deleted account's token no longer works");
}

/// Asking for guest order links is open to anyone, so it must hand nothing to the asker: the
/// answer is the same for an address with orders and one without, and the links go only to the
/// address the orders were placed with, never into the answer.
#[tokio::test]
async fn guest_order_links_go_only_to_the_orders_own_address() {
    let app = spawn_app().await;
    let guest = app.guest().await;
    let p = app.product("coffee", 1).await;
    app.call("POST", "/v1/cart/items", &guest, Some(json!({"product_id": p["id"], "quantity": 1})), None).await;
    let (status, placed) = app
        .call("POST", "/v1/checkout", &guest, Some(crate::commerce::checkout_body("4242 4242 4242 4242")), Some("k"))
        .await;
    assert_eq!(status, 201);
    let order_id = placed["order"]["id"].as_str().unwrap();

    let bob = app.member("bob-links@example.com").await;
    let ask = |email: &str| json!({ "email": email });
    let (status, theirs) = app.call("POST", "/v1/orders/guest-links", &bob, Some(ask("buyer@example.com")), None).await;
    let (status_none, nobodys) =
        app.call("POST", "/v1/orders/guest-links", &Who::Nobody, Some(ask("nobody@example.com")), None).await;
    assert_eq!((status, status_none), (202, 202));
    assert_eq!(theirs, nobodys, "the answer says nothing about the address");
    assert!(!theirs.to_string().contains(order_id), "{theirs}");
    let (status, err) = app.call("POST", "/v1/orders/guest-links", &Who::Nobody, Some(ask("nope")), None).await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("email")));

    let mut res = app
        .services
        .store
        .client()
        .query("SELECT VALUE recipient FROM outbox WHERE kind = 'order_links'")
        .await
        .unwrap();
    let recipients: Vec<String> = res.take(0).unwrap();
    assert_eq!(recipients, vec!["buyer@example.com".to_string()]);
}
