//! Security headers and cookie hardening: a nonced Content-Security-Policy on every page (the
//! hydration scripts carry the same nonce), HSTS and `__Host-` cookies only over https as
//! `COOKIE_SECURE` decides, and `X-Forwarded-Proto` believed only from `TRUSTED_PROXIES`.

use crate::helpers::{spawn_app, spawn_app_with};
use serde_json::json;

fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("a nonce in the policy") + 7;
    csp[start..].split('\'').next().unwrap().to_string()
}

#[tokio::test]
async fn every_page_has_a_nonced_policy_and_its_scripts_carry_that_nonce() {
    let app = spawn_app().await;
    let mut seen = Vec::new();
    for path in ["/", "/category/coffee", "/no/such/page"] {
        let res = app.client.get(format!("{}{path}", app.address)).header("accept", "text/html").send().await.unwrap();
        let csp = res
            .headers()
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("no policy on {path}"))
            .to_str()
            .unwrap()
            .to_string();
        for directive in ["default-src 'self'", "'wasm-unsafe-eval'", "object-src 'none'", "frame-ancestors 'none'"] {
            assert!(csp.contains(directive), "{path}: {directive} missing from {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let nonce = nonce_of(&csp);
        assert!(nonce.len() >= 16, "{nonce}");
        let html = res.text().await.unwrap();
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path} has scripts");
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts,
            "{path}: every script carries this response's nonce"
        );
        seen.push(nonce);
    }
    seen.dedup();
    assert_eq!(seen.len(), 3, "a new nonce per response");
    // Plain http: no HSTS.
    assert!(app.get("/").await.headers().get("strict-transport-security").is_none());
}

async fn login_cookies(app: &crate::helpers::TestApp, proto: Option<&str>) -> (Vec<String>, bool) {
    app.register("secure-cookies@example.com").await;
    let mut req = app
        .client
        .post(format!("{}/v1/auth/login", app.address))
        .json(&json!({"email": "secure-cookies@example.com", "password": "a good password"}));
    if let Some(proto) = proto {
        req = req.header("x-forwarded-proto", proto);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    let hsts = res.headers().get("strict-transport-security").is_some();
    (res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect(), hsts)
}

#[tokio::test]
async fn an_untrusted_peer_saying_https_gets_plain_cookies_and_no_hsts() {
    let app = spawn_app().await;
    let (cookies, hsts) = login_cookies(&app, Some("https")).await;
    assert!(!hsts);
    assert!(cookies.iter().any(|c| c.starts_with("access_token=") && !c.contains("Secure")), "{cookies:?}");
}

#[tokio::test]
async fn behind_a_trusted_https_proxy_cookies_are_host_prefixed_and_secure_with_hsts() {
    let app = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let (cookies, hsts) = login_cookies(&app, Some("https")).await;
    assert!(hsts, "HSTS over https");
    let access = cookies.iter().find(|c| c.starts_with("__Host-access_token=")).expect("__Host- access cookie");
    assert!(access.contains("Secure") && access.contains("Path=/"), "{access}");
    let refresh = cookies.iter().find(|c| c.starts_with("__Secure-refresh_token=")).expect("__Secure- refresh cookie");
    assert!(refresh.contains("Secure") && refresh.contains("Path=/v1/auth"));
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=")), "{cookies:?}");
    assert!(!cookies.iter().any(|c| c.starts_with("access_token=")), "{cookies:?}");

    // The prefixed cookie is what signs the browser in; a plain one (which a subdomain or a
    // plain-http page could have planted) is not read over https.
    let access_token = access.split(';').next().unwrap().trim_start_matches("__Host-access_token=").to_string();
    let me = |cookie: String| {
        app.client
            .get(format!("{}/v1/auth/me", app.address))
            .header("x-forwarded-proto", "https")
            .header("cookie", cookie)
            .send()
    };
    assert_eq!(me(format!("__Host-access_token={access_token}")).await.unwrap().status(), 200);
    assert_eq!(me(format!("access_token={access_token}")).await.unwrap().status(), 401);
}

#[tokio::test]
async fn cookie_secure_always_and_never_override_what_the_request_says() {
    let always = spawn_app_with(&[("COOKIE_SECURE", "always")]).await;
    let (cookies, hsts) = login_cookies(&always, None).await;
    assert!(hsts && cookies.iter().any(|c| c.starts_with("__Host-access_token=")), "{cookies:?}");

    let never = spawn_app_with(&[("COOKIE_SECURE", "never"), ("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let (cookies, hsts) = login_cookies(&never, Some("https")).await;
    assert!(!hsts && cookies.iter().any(|c| c.starts_with("access_token=") && !c.contains("Secure")), "{cookies:?}");
}
