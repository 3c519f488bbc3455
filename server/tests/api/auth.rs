use crate::helpers::{spawn_app, TestApp};
use serde_json::{json, Value};

fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn register_answers_the_tokens_and_sets_http_only_cookies() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            "/v1/auth/register",
            &json!({"email": " Ann@Example.com", "password": "a good password", "name": "Ann"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let cookies = set_cookies(&res);
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("access_token=") && c.contains("HttpOnly") && c.contains("SameSite=Lax")));
    assert!(cookies.iter().any(|c| c.starts_with("refresh_token=") && c.contains("Path=/v1/auth")));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["email"], "ann@example.com");
    assert_eq!(body["user"]["role"], "customer");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 40);

    let me = app
        .client
        .get(format!("{}/v1/auth/me", app.address))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["user"]["id"], body["user"]["id"]);
}

#[tokio::test]
async fn registration_errors_name_the_field_and_a_taken_email_is_409() {
    let app = spawn_app().await;
    app.register("ann@example.com").await;
    let cases = [
        (json!({"email": "ANN@example.com", "password": "a good password", "name": "Ann"}), 409, None),
        (json!({"email": "not-an-email", "password": "a good password", "name": "Ann"}), 422, Some("email")),
        (json!({"email": "b@example.com", "password": "short", "name": "B"}), 422, Some("password")),
        (json!({"email": "b@example.com", "password": "a good password"}), 422, Some("name")),
        (json!({"email": "b@example.com", "password": 12345678, "name": "B"}), 422, Some("password")),
    ];
    for (body, status, field) in cases {
        let res = app.post_json("/v1/auth/register", &body).await;
        assert_eq!(res.status(), status, "{body}");
        let err: Value = res.json().await.unwrap();
        if let Some(field) = field {
            assert_eq!(err["error"]["field"], field, "{body}: {err}");
        }
    }
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_401() {
    let app = spawn_app().await;
    app.register("ann@example.com").await;
    let wrong =
        app.post_json("/v1/auth/login", &json!({"email": "ann@example.com", "password": "wrong password"})).await;
    let unknown =
        app.post_json("/v1/auth/login", &json!({"email": "zed@example.com", "password": "wrong password"})).await;
    assert_eq!((wrong.status().as_u16(), unknown.status().as_u16()), (401, 401));
    let (wrong, unknown): (Value, Value) = (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["error"]["code"], "invalid_credentials");
}

#[tokio::test]
async fn the_seeded_admin_can_log_in_with_the_configured_password() {
    let app = spawn_app().await;
    let res = app
        .post_json("/v1/auth/login", &json!({"email": "admin@waypoint.test", "password": "admin-password-for-tests"}))
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["role"], "admin");
}

#[tokio::test]
async fn refresh_rotates_and_a_replayed_token_is_refused() {
    let app = spawn_app().await;
    let first = app.register("ann@example.com").await;
    let old = first["refresh_token"].clone();
    let res = app.post_json("/v1/auth/refresh", &json!({"refresh_token": old})).await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    assert_ne!(second["refresh_token"], old);

    // At once, the old token is a concurrent renewal's loser: refused, nothing revoked.
    let concurrent = app.post_json("/v1/auth/refresh", &json!({"refresh_token": old})).await;
    assert_eq!(concurrent.status(), 409);
    let body: Value = concurrent.json().await.unwrap();
    assert_eq!(body["error"]["code"], "conflict");
    // Later, it is a replay.
    app.clock.advance(std::time::Duration::from_secs(60));
    let replay = app.post_json("/v1/auth/refresh", &json!({"refresh_token": old})).await;
    assert_eq!(replay.status(), 401);
    let after = app.post_json("/v1/auth/refresh", &json!({"refresh_token": second["refresh_token"]})).await;
    assert_eq!(after.status(), 401, "the replay revoked the whole family");
}

#[tokio::test]
async fn a_browser_refreshes_and_logs_out_with_its_cookie() {
    let app = spawn_app().await;
    let body = app.register("ann@example.com").await;
    let cookie = format!("refresh_token={}", body["refresh_token"].as_str().unwrap());
    let origin = app.address.clone();
    let refreshed = app
        .client
        .post(format!("{}/v1/auth/refresh", app.address))
        .header("cookie", &cookie)
        .header("origin", &origin)
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);
    let new: Value = refreshed.json().await.unwrap();
    let cookie = format!("refresh_token={}", new["refresh_token"].as_str().unwrap());
    let out = app
        .client
        .post(format!("{}/v1/auth/logout", app.address))
        .header("cookie", &cookie)
        .header("origin", &origin)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    let cleared = set_cookies(&out);
    assert_eq!(cleared.len(), 3, "both token cookies and the hint are cleared: {cleared:?}");
    assert!(cleared.iter().all(|c| c.contains("Max-Age=0")));
    let again = app.post_json("/v1/auth/refresh", &json!({"refresh_token": new["refresh_token"]})).await;
    assert_eq!(again.status(), 401);
}

#[tokio::test]
async fn a_cookie_authenticated_write_from_another_site_is_refused() {
    let app = spawn_app().await;
    let body = app.register("ann@example.com").await;
    let cookie = format!("refresh_token={}", body["refresh_token"].as_str().unwrap());
    for origin in [Some("https://evil.example"), None] {
        let mut req = app.client.post(format!("{}/v1/auth/logout", app.address)).header("cookie", &cookie);
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403, "origin {origin:?}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["code"], "cross_site_request");
    }
    // The login survived the refused logouts.
    let res = app.post_json("/v1/auth/refresh", &json!({"refresh_token": body["refresh_token"]})).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn me_needs_a_valid_token() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/v1/auth/me").await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthenticated")));
    let res = app.client.get(format!("{}/v1/auth/me", app.address)).bearer_auth("garbage").send().await.unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_token");
}

/// The sign-in server function's path, as the login page's form posts to it.
async fn sign_in_path(app: &TestApp) -> String {
    let html = app.get("/login").await.text().await.unwrap();
    let start = html.find("action=\"/api/sign_in").expect("the login form posts to the sign-in server function") + 8;
    html[start..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_cross_site_form_cannot_sign_a_browser_in_even_without_cookies() {
    let app = spawn_app().await;
    app.register("victim-own@example.com").await;
    let path = sign_in_path(&app).await;
    let form = [("email", "victim-own@example.com"), ("password", "a good password")];
    let post = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut req = app.client.post(format!("{}{path}", app.address)).form(&form);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(s) = fetch_site {
            req = req.header("sec-fetch-site", s);
        }
        req.send()
    };

    for (origin, site) in
        [(Some("http://evil.test"), Some("cross-site")), (None, Some("cross-site")), (Some("null"), None)]
    {
        let res = post(origin, site).await.unwrap();
        assert_eq!(res.status(), 403, "origin {origin:?}, sec-fetch-site {site:?}");
        assert!(res.headers().get_all("set-cookie").iter().next().is_none(), "no cookies are set");
    }
    let same = post(Some(app.address.as_str()), Some("same-origin")).await.unwrap();
    assert_ne!(same.status(), 403, "the shop's own page signs in");
}

#[tokio::test]
async fn registrations_from_one_address_are_throttled() {
    let app = crate::helpers::spawn_app_with(&[("REGISTRATIONS_PER_HOUR", "2")]).await;
    app.register("first-reg@example.com").await;
    app.register("second-reg@example.com").await;
    let third = app
        .post_json(
            "/v1/auth/register",
            &json!({"email": "third-reg@example.com", "password": "a good password", "name": "T"}),
        )
        .await;
    assert_eq!(third.status(), 429);
    assert!(third.headers().contains_key("retry-after"));
    assert!(app
        .services
        .identity
        .accounts
        .by_email(&model::Email::parse("third-reg@example.com").unwrap())
        .await
        .unwrap()
        .is_none());
}
