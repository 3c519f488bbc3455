use crate::helpers::{spawn_app, TestApp};
use serde_json::{json, Value};

const PASSWORD: &str = "a good password";

#[tokio::test]
async fn a_guest_session_is_promoted_on_registration_and_a_repeat_is_a_no_op() {
    let app = spawn_app().await;
    let res =
        app.client.post(format!("{}/v1/sessions", app.address)).header("x-channel", "mobile").send().await.unwrap();
    assert_eq!(res.status(), 201);
    let guest: Value = res.json().await.unwrap();
    let token = guest["session_token"].as_str().unwrap().to_string();
    assert_eq!(guest["session"]["channel"], "mobile");
    assert_eq!(guest["session"]["guest"], true);

    let res = app
        .client
        .post(format!("{}/v1/auth/register", app.address))
        .header("x-session-token", &token)
        .json(&json!({"email": "ann@example.com", "password": PASSWORD, "name": "Ann"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["session"]["promoted"], true);
    assert_eq!(body["session"]["session"]["id"], guest["session"]["id"]);
    assert_eq!(body["session"]["session"]["guest"], false);
    let rotated = body["session"]["session_token"].as_str().expect("the promoted session has a new token").to_string();
    assert_ne!(rotated, token, "the guest's token rotates on promotion");
    let (status, _) = app.call("GET", "/v1/cart", &crate::helpers::Who::Session(token.clone()), None, None).await;
    assert_eq!(status, 401, "the guest token no longer works");

    // Signing in again with the session's new token: nothing to promote, same session.
    let again = app
        .client
        .post(format!("{}/v1/auth/login", app.address))
        .header("x-session-token", &rotated)
        .json(&json!({"email": "ann@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["session"]["promoted"], false);
    assert_eq!(again["session"]["session"]["id"], guest["session"]["id"]);
}

async fn login(app: &crate::helpers::TestApp, email: &str) -> Value {
    let res = app
        .client
        .post(format!("{}/v1/auth/login", app.address))
        .header("user-agent", "TestPhone/1.0")
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_user_lists_restores_and_ends_sessions_across_devices_but_never_anothers() {
    let app = spawn_app().await;
    app.register("ann@example.com").await;
    app.register("bob@example.com").await;
    let phone = login(&app, "ann@example.com").await;
    let laptop = login(&app, "ann@example.com").await;
    let bob = login(&app, "bob@example.com").await;
    let bearer = laptop["access_token"].as_str().unwrap().to_string();
    let laptop_token = laptop["session"]["session_token"].as_str().unwrap().to_string();

    let res = app
        .client
        .get(format!("{}/v1/sessions", app.address))
        .bearer_auth(&bearer)
        .header("x-session-token", &laptop_token)
        .send()
        .await
        .unwrap();
    let list: Value = res.json().await.unwrap();
    let ids: Vec<&str> = list["items"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 3, "register, phone and laptop: {list}");
    assert_eq!(list["current"], laptop["session"]["session"]["id"]);
    assert_eq!(list["items"][0]["device"], "TestPhone/1.0");

    let phone_id = phone["session"]["session"]["id"].as_str().unwrap();
    let restored = app
        .client
        .post(format!("{}/v1/sessions/{phone_id}/restore", app.address))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), 200);

    let bobs_id = bob["session"]["session"]["id"].as_str().unwrap();
    for req in [
        app.client.post(format!("{}/v1/sessions/{bobs_id}/restore", app.address)),
        app.client.delete(format!("{}/v1/sessions/{bobs_id}", app.address)),
    ] {
        let res = req.bearer_auth(&bearer).send().await.unwrap();
        assert_eq!(res.status(), 404, "another user's session is not found");
        let body: Value = res.json().await.unwrap();
        assert!(!body.to_string().contains("TestPhone"), "no data leaks: {body}");
    }

    let end =
        app.client.delete(format!("{}/v1/sessions/{phone_id}", app.address)).bearer_auth(&bearer).send().await.unwrap();
    assert_eq!(end.status(), 204);
    let others = app
        .client
        .delete(format!("{}/v1/sessions", app.address))
        .bearer_auth(&bearer)
        .header("x-session-token", &laptop_token)
        .send()
        .await
        .unwrap();
    let others: Value = others.json().await.unwrap();
    assert_eq!(others["ended"], 1, "the registration session ended; the laptop stays");

    let bob_list = app
        .client
        .get(format!("{}/v1/sessions", app.address))
        .bearer_auth(bob["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let bob_list: Value = bob_list.json().await.unwrap();
    assert_eq!(bob_list["items"].as_array().unwrap().len(), 2, "bob's sessions were untouched");
}

async fn session_rows(app: &TestApp) -> usize {
    let mut res = app.services.store.client().query("RETURN count(SELECT id FROM session)").await.unwrap();
    let count: Option<i64> = res.take(0).unwrap();
    count.unwrap_or_default() as usize
}

#[tokio::test]
async fn browsing_without_a_cookie_writes_no_session_until_the_visitor_acts() {
    let app = spawn_app().await;
    let before = session_rows(&app).await;
    for path in ["/", "/category/coffee", "/cart"] {
        let res = app.client.get(format!("{}{path}", app.address)).header("accept", "text/html").send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            res.headers().get_all("set-cookie").iter().all(|v| !v.to_str().unwrap().starts_with("session=")),
            "a page view sets no session cookie ({path})"
        );
    }
    assert_eq!(session_rows(&app).await, before, "a page view writes no session row");

    // The first action that needs one (the product page's add-to-cart form) starts the session
    // and sets its cookie.
    let product = app.services.catalog.featured(1).await.unwrap().remove(0);
    let page = app.get(&format!("/product/{}", product.slug)).await.text().await.unwrap();
    let start = page.find("action=\"/api/add_to_cart").expect("the add-to-cart form") + 8;
    let action = page[start..].split('"').next().unwrap().to_string();
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = no_redirects
        .post(format!("{}{action}", app.address))
        .form(&[("product_id", product.id.as_str()), ("quantity", "1")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert_eq!(session_rows(&app).await, before + 1);

    // The browser's next page sees its cart and gets no second session.
    let token = cookie.trim_start_matches("session=").split(';').next().unwrap().to_string();
    let again = app
        .client
        .get(format!("{}/cart", app.address))
        .header("accept", "text/html")
        .header("cookie", format!("session={token}"))
        .send()
        .await
        .unwrap();
    assert!(
        again.headers().get_all("set-cookie").iter().all(|v| !v.to_str().unwrap().starts_with("session=")),
        "no second session"
    );
    assert!(again.text().await.unwrap().contains(&product.name), "the cart page shows the added product");
    assert_eq!(session_rows(&app).await, before + 1);
}

#[tokio::test]
async fn logout_ends_the_session_it_came_from() {
    let app = spawn_app().await;
    app.register("ann@example.com").await;
    let phone = login(&app, "ann@example.com").await;
    let laptop = login(&app, "ann@example.com").await;
    let phone_token = phone["session"]["session_token"].as_str().unwrap();
    let res = app
        .client
        .post(format!("{}/v1/auth/logout", app.address))
        .bearer_auth(phone["access_token"].as_str().unwrap())
        .header("x-session-token", phone_token)
        .json(&json!({"refresh_token": phone["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let list = app
        .client
        .get(format!("{}/v1/sessions", app.address))
        .bearer_auth(laptop["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let list: Value = list.json().await.unwrap();
    let ids: Vec<&str> = list["items"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&phone["session"]["session"]["id"].as_str().unwrap()), "{list}");
    assert!(ids.contains(&laptop["session"]["session"]["id"].as_str().unwrap()));
}

#[tokio::test]
async fn ending_a_device_session_also_ends_that_devices_login() {
    let app = spawn_app().await;
    app.register("two@example.com").await;
    let login = || async {
        let res = app
            .client
            .post(format!("{}/v1/auth/login", app.address))
            .json(&json!({"email": "two@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        res.json::<Value>().await.unwrap()
    };
    let (laptop, phone, tablet) = (login().await, login().await, login().await);
    let laptop_session = laptop["session"]["session"]["id"].as_str().unwrap();

    // The phone signs the laptop out.
    let res = app
        .client
        .delete(format!("{}/v1/sessions/{laptop_session}", app.address))
        .bearer_auth(phone["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let refresh = |body: &Value| {
        let token = body["refresh_token"].clone();
        let app = &app;
        async move { app.post_json("/v1/auth/refresh", &json!({"refresh_token": token})).await.status() }
    };
    assert_eq!(refresh(&laptop).await, 401, "the laptop's login ended with its session");

    // The phone signs out everywhere else: the tablet's login ends, the phone's stays.
    let res = app
        .client
        .delete(format!("{}/v1/sessions", app.address))
        .bearer_auth(phone["access_token"].as_str().unwrap())
        .header("x-session-token", phone["session"]["session_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(refresh(&tablet).await, 401);
    assert_eq!(refresh(&phone).await, 200);
}
