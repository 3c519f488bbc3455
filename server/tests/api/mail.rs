//! Mail over HTTP, through a real SMTP server started by the test: verification, password reset
//! (which never tells whether an account exists), the throttles, and the admins' outbox.

use crate::helpers::{spawn_app_with, TestApp};
use serde_json::{json, Value};
use smtp_sink::{Behaviour, SmtpSink};
use std::time::Duration;

async fn app_with(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    spawn_app_with(&[("SMTP_URL", url.as_str()), ("PUBLIC_URL", "http://shop.test")]).await
}

/// The token of the newest link `prefix…?token=` received for `to`.
async fn received_token(sink: &SmtpSink, to: &str, prefix: &str, count: usize) -> String {
    let got = sink.wait_for(count, Duration::from_secs(10)).await;
    let mail = got
        .iter()
        .rev()
        .find(|m| m.rcpt_tos.iter().any(|r| r == to))
        .unwrap_or_else(|| panic!("no mail to {to}: {got:?}"));
    let link = mail.link(prefix).unwrap_or_else(|| panic!("no {prefix} link in {}", mail.text));
    link.split("token=").nth(1).unwrap().to_string()
}

#[tokio::test]
async fn a_registration_is_verified_by_the_link_that_reached_the_mailbox() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let registered = app.register("ann@example.com").await;
    assert_eq!(registered["user"]["email_verified"], false);

    let token = received_token(&sink, "ann@example.com", "http://shop.test/verify?token=", 1).await;
    let res = app.post_json("/v1/auth/verify-email", &json!({"token": token})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["user"]["email_verified"], true);

    let again = app.post_json("/v1/auth/verify-email", &json!({"token": token})).await;
    assert_eq!(again.status(), 422);
    assert_eq!(again.json::<Value>().await.unwrap()["error"]["field"], "token");
    let missing = app.post_json("/v1/auth/verify-email", &json!({})).await;
    assert_eq!(missing.status(), 422);
}

#[tokio::test]
async fn a_resend_needs_a_sign_in_and_is_throttled_with_retry_after() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let anonymous = app.post_json("/v1/auth/verify-email/resend", &json!({})).await;
    assert_eq!(anonymous.status(), 401);
    let body = app.register("resend@example.com").await;
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(app.post_bearer("/v1/auth/verify-email/resend", token, &json!({})).await.status(), 202);
    let second = app.post_bearer("/v1/auth/verify-email/resend", token, &json!({})).await;
    assert_eq!(second.status(), 429);
    let wait: u64 = second.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    assert_eq!(second.json::<Value>().await.unwrap()["error"]["code"], "rate_limited");
    assert_eq!(sink.wait_for(2, Duration::from_secs(10)).await.len(), 2, "the registration's link and one more");
}

#[tokio::test]
async fn a_password_reset_answers_the_same_for_everyone_and_the_mailed_link_sets_a_new_password() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let body = app.register("forgot@example.com").await;
    let old_refresh = body["refresh_token"].as_str().unwrap().to_string();

    let unknown = app.post_json("/v1/auth/password-reset", &json!({"email": "nobody@example.com"})).await;
    let known = app.post_json("/v1/auth/password-reset", &json!({"email": "forgot@example.com"})).await;
    assert_eq!((unknown.status(), known.status()), (reqwest::StatusCode::ACCEPTED, reqwest::StatusCode::ACCEPTED));
    assert_eq!(
        unknown.json::<Value>().await.unwrap(),
        known.json::<Value>().await.unwrap(),
        "nothing tells them apart"
    );

    let token = received_token(&sink, "forgot@example.com", "http://shop.test/reset?token=", 2).await;
    let weak = app.post_json("/v1/auth/password-reset/confirm", &json!({"token": token, "password": "short"})).await;
    assert_eq!(weak.status(), 422);
    let done =
        app.post_json("/v1/auth/password-reset/confirm", &json!({"token": token, "password": "my new password"})).await;
    assert_eq!(done.status(), 204);

    let old =
        app.post_json("/v1/auth/login", &json!({"email": "forgot@example.com", "password": "a good password"})).await;
    assert_eq!(old.status(), 401);
    let new =
        app.post_json("/v1/auth/login", &json!({"email": "forgot@example.com", "password": "my new password"})).await;
    assert_eq!(new.status(), 200);
    let refresh = app.post_json("/v1/auth/refresh", &json!({"refresh_token": old_refresh})).await;
    assert_eq!(refresh.status(), 401, "the reset revoked the earlier login");
    assert_eq!(sink.messages().iter().filter(|m| m.rcpt_tos == ["nobody@example.com"]).count(), 0);
}

#[tokio::test]
async fn changing_the_password_and_the_email_over_the_api() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let body = app.register("mover@example.com").await;
    let token = body["access_token"].as_str().unwrap();
    let wrong = app
        .post_bearer(
            "/v1/auth/password",
            token,
            &json!({"current_password": "nope nope", "new_password": "second password"}),
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(wrong.json::<Value>().await.unwrap()["error"]["field"], "current_password");
    let ok = app
        .post_bearer(
            "/v1/auth/password",
            token,
            &json!({"current_password": "a good password", "new_password": "second password"}),
        )
        .await;
    assert_eq!(ok.status(), 204);

    let moved = app
        .post_bearer("/v1/auth/email", token, &json!({"email": "moved@example.com", "password": "second password"}))
        .await;
    assert_eq!(moved.status(), 202);
    let link = received_token(&sink, "moved@example.com", "http://shop.test/verify?token=", 2).await;
    let verified = app.post_json("/v1/auth/verify-email", &json!({"token": link})).await;
    assert_eq!(verified.json::<Value>().await.unwrap()["user"]["email"], "moved@example.com");
}

#[tokio::test]
async fn admins_list_dead_mail_and_retry_it_and_customers_cannot() {
    let sink = SmtpSink::start_with(Behaviour::Reject);
    let app = app_with(&sink).await;
    let customer = app.register("dead@example.com").await;
    let customer = customer["access_token"].as_str().unwrap();
    let admin = app.admin_token().await;

    let mut dead = Value::Null;
    for _ in 0..100 {
        let res = app
            .client
            .get(format!("{}/v1/admin/outbox?status=dead", app.address))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        dead = res.json().await.unwrap();
        if !dead["items"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let item = &dead["items"][0];
    assert_eq!((item["kind"].as_str(), item["recipient"].as_str()), (Some("verify_email"), Some("dead@example.com")));
    assert!(item.get("body_text").is_none(), "bodies (one-time links) are never listed");

    let id = item["id"].as_str().unwrap();
    let as_customer =
        app.client.get(format!("{}/v1/admin/outbox", app.address)).bearer_auth(customer).send().await.unwrap();
    assert_eq!(as_customer.status(), 403);
    let retry_as_customer = app.post_bearer(&format!("/v1/admin/outbox/{id}/retry"), customer, &json!({})).await;
    assert_eq!(retry_as_customer.status(), 403);
    let bad = app
        .client
        .get(format!("{}/v1/admin/outbox?status=lost", app.address))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert_eq!(app.post_bearer("/v1/admin/outbox/unknown/retry", &admin, &json!({})).await.status(), 404);

    let retried = app.post_bearer(&format!("/v1/admin/outbox/{id}/retry"), &admin, &json!({})).await;
    assert_eq!(retried.status(), 200);
    let body: Value = retried.json().await.unwrap();
    assert_eq!(body["status"], "pending");
}
