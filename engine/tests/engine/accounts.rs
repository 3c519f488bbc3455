//! Accounts that prove their email: verification links, password reset, changing the password
//! or the address, and the throttles on everything that sends mail.

use crate::helpers::{mailed_token, movable_clock, outbox, seeded, seeded_at};
use engine::clock::MovableClock;
use engine::mail::compose::{RESET_MINUTES, VERIFY_HOURS};
use engine::{Error, Services};
use model::{Channel, Email};
use secrecy::SecretString;

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

async fn register(services: &Services, email: &str) -> engine::identity::IssuedTokens {
    services.identity.register(Email::parse(email).unwrap(), secret("first password 1"), "Ann").await.unwrap()
}

/// Time passes beyond a link's lifetime.
fn wait(clock: &MovableClock, secs: u64) {
    clock.advance(std::time::Duration::from_secs(secs + 1));
}

#[tokio::test]
async fn registering_mails_a_verification_link_that_proves_the_address_once() {
    let services = seeded().await;
    let issued = register(&services, "ann@example.com").await;
    assert!(!issued.user.email_verified);
    let mail = outbox(&services.store).await.into_iter().find(|m| m.kind == "verify_email").unwrap();
    assert_eq!(mail.recipient, "ann@example.com");

    let token = mailed_token(&services.store, "ann@example.com", "/verify").await;
    assert!(services.verify_email(&token).await.unwrap().email_verified);
    assert!(services.identity.accounts.by_id(&issued.user.id).await.unwrap().email_verified);

    let again = services.verify_email(&token).await;
    assert!(matches!(again, Err(Error::Invalid { field: "token", .. })), "single use: {again:?}");
    assert!(matches!(services.verify_email(&secret("made-up")).await, Err(Error::Invalid { field: "token", .. })));
}

#[tokio::test]
async fn a_verification_link_expires_and_a_new_one_is_throttled() {
    let clock = movable_clock();
    let services = seeded_at(clock.clone()).await;
    let issued = register(&services, "late@example.com").await;
    let old = mailed_token(&services.store, "late@example.com", "/verify").await;
    wait(&clock, u64::from(VERIFY_HOURS) * 3_600);
    assert!(matches!(services.verify_email(&old).await, Err(Error::Invalid { .. })), "24 h are over");

    services.identity.resend_verification(&issued.user.id).await.unwrap();
    let again = services.identity.resend_verification(&issued.user.id).await;
    assert!(matches!(again, Err(Error::RateLimited { retry_after_secs }) if retry_after_secs <= 60), "{again:?}");

    let fresh = mailed_token(&services.store, "late@example.com", "/verify").await;
    services.verify_email(&fresh).await.unwrap();
    let done = services.identity.resend_verification(&issued.user.id).await;
    assert!(matches!(done, Err(Error::Conflict(_))), "already verified: {done:?}");
}

#[tokio::test]
async fn the_seeded_accounts_need_no_verification() {
    let services = seeded().await;
    let admin =
        services.identity.accounts.by_email(&Email::parse("admin@example.com").unwrap()).await.unwrap().unwrap();
    assert!(admin.email_verified);
    assert!(outbox(&services.store).await.is_empty(), "the seed mails nobody");
}

#[tokio::test]
async fn a_password_reset_for_an_unknown_address_looks_the_same_and_mails_nobody() {
    let services = seeded().await;
    services.identity.request_password_reset("nobody@example.com", "127.0.0.1").await.unwrap();
    assert!(outbox(&services.store).await.is_empty());
    let bad = services.identity.request_password_reset("not an email", "127.0.0.1").await;
    assert!(matches!(bad, Err(Error::Invalid { field: "email", .. })));
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_login_and_session() {
    let services = seeded().await;
    let issued = register(&services, "reset@example.com").await;
    let session = services.continue_signed_in(&issued, None, Channel::Api, "laptop").await.unwrap();
    let session_token = session.new_token.unwrap();

    services.identity.request_password_reset(" Reset@Example.com ", "127.0.0.1").await.unwrap();
    let token = mailed_token(&services.store, "reset@example.com", "/reset").await;
    let weak = services.identity.confirm_password_reset(&token, secret("short")).await;
    assert!(matches!(weak, Err(Error::Invalid { field: "password", .. })), "{weak:?}");
    services.identity.confirm_password_reset(&token, secret("a brand new password")).await.unwrap();

    assert!(matches!(
        services.identity.login("reset@example.com", secret("first password 1")).await,
        Err(Error::Unauthorized)
    ));
    services.identity.login("reset@example.com", secret("a brand new password")).await.unwrap();
    assert!(
        matches!(services.identity.refresh(&issued.refresh_token).await, Err(Error::Unauthorized)),
        "the old login is revoked"
    );
    assert!(services.sessions.resolve(&session_token).await.unwrap().is_none(), "the old session ended");
    let reused = services.identity.confirm_password_reset(&token, secret("yet another password")).await;
    assert!(matches!(reused, Err(Error::Invalid { field: "token", .. })), "single use");
    assert!(
        services.identity.accounts.by_id(&issued.user.id).await.unwrap().email_verified,
        "the reset proved the address"
    );
}

#[tokio::test]
async fn a_reset_link_expires_after_its_half_hour() {
    let clock = movable_clock();
    let services = seeded_at(clock.clone()).await;
    register(&services, "slow@example.com").await;
    services.identity.request_password_reset("slow@example.com", "127.0.0.1").await.unwrap();
    let token = mailed_token(&services.store, "slow@example.com", "/reset").await;
    wait(&clock, u64::from(RESET_MINUTES) * 60);
    let late = services.identity.confirm_password_reset(&token, secret("a brand new password")).await;
    assert!(matches!(late, Err(Error::Invalid { field: "token", .. })));
    services.identity.login("slow@example.com", secret("first password 1")).await.unwrap();
}

#[tokio::test]
async fn password_resets_are_throttled_per_address_and_per_client() {
    let services = seeded().await;
    register(&services, "flood@example.com").await;
    for i in 0..3 {
        services.identity.request_password_reset("flood@example.com", &format!("10.0.0.{i}")).await.unwrap();
    }
    let fourth = services.identity.request_password_reset("flood@example.com", "10.0.0.9").await;
    assert!(matches!(fourth, Err(Error::RateLimited { .. })), "{fourth:?}");
    // An unknown address is throttled the same way: the limit tells nothing about accounts.
    for i in 0..3 {
        services.identity.request_password_reset("ghost@example.com", &format!("10.0.1.{i}")).await.unwrap();
    }
    assert!(matches!(
        services.identity.request_password_reset("ghost@example.com", "10.0.1.9").await,
        Err(Error::RateLimited { .. })
    ));
    for i in 0..10 {
        services.identity.request_password_reset(&format!("p{i}@example.com"), "192.0.2.1").await.unwrap();
    }
    let client = services.identity.request_password_reset("p99@example.com", "192.0.2.1").await;
    assert!(matches!(client, Err(Error::RateLimited { .. })), "ten per client: {client:?}");
    let mails = outbox(&services.store).await.into_iter().filter(|m| m.kind == "password_reset").count();
    assert_eq!(mails, 3);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one() {
    let services = seeded().await;
    let issued = register(&services, "change@example.com").await;
    let wrong =
        services.identity.change_password(&issued.user.id, secret("not it at all"), secret("new password 2")).await;
    assert!(matches!(wrong, Err(Error::Invalid { field: "current_password", .. })));
    services
        .identity
        .change_password(&issued.user.id, secret("first password 1"), secret("new password 2"))
        .await
        .unwrap();
    services.identity.login("change@example.com", secret("new password 2")).await.unwrap();
}

#[tokio::test]
async fn a_new_address_takes_effect_only_when_its_link_is_opened() {
    let services = seeded().await;
    let issued = register(&services, "move@example.com").await;
    register(&services, "taken@example.com").await;
    let id = &issued.user.id;
    let wrong = services
        .identity
        .request_email_change(id, secret("nope nope nope"), Email::parse("new@example.com").unwrap())
        .await;
    assert!(matches!(wrong, Err(Error::Invalid { field: "password", .. })));
    let taken = services
        .identity
        .request_email_change(id, secret("first password 1"), Email::parse("taken@example.com").unwrap())
        .await;
    assert!(matches!(taken, Err(Error::Conflict(_))));

    services
        .identity
        .request_email_change(id, secret("first password 1"), Email::parse("new@example.com").unwrap())
        .await
        .unwrap();
    assert_eq!(services.identity.accounts.by_id(id).await.unwrap().email.as_str(), "move@example.com", "not yet");
    let token = mailed_token(&services.store, "new@example.com", "/verify").await;
    let moved = services.verify_email(&token).await.unwrap();
    assert_eq!((moved.email.as_str(), moved.email_verified), ("new@example.com", true));
    services.identity.login("new@example.com", secret("first password 1")).await.unwrap();
}

#[tokio::test]
async fn an_operator_reset_link_works_once_and_is_never_mailed() {
    let services = seeded().await;
    let admin = Email::parse("admin@example.com").unwrap();
    let link = services.identity.reset_link_for_operator(&admin).await.unwrap();
    assert!(outbox(&services.store).await.is_empty());
    let token = secret(link.split("token=").nth(1).unwrap());
    services.identity.confirm_password_reset(&token, secret("operator chose this")).await.unwrap();
    services.identity.login("admin@example.com", secret("operator chose this")).await.unwrap();
    assert!(matches!(
        services.identity.reset_link_for_operator(&Email::parse("who@example.com").unwrap()).await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test]
async fn ten_failed_sign_ins_hold_back_even_the_right_password_for_that_address() {
    let services = seeded().await;
    register(&services, "guessed@example.com").await;
    for _ in 0..10 {
        let wrong = services.identity.login("guessed@example.com", secret("wrong password")).await;
        assert!(matches!(wrong, Err(Error::Unauthorized)));
    }
    let held = services.identity.login("Guessed@Example.com ", secret("first password 1")).await;
    assert!(matches!(held, Err(Error::RateLimited { retry_after_secs }) if retry_after_secs <= 900), "{held:?}");
    // Another address is not affected.
    register(&services, "other-login@example.com").await;
    services.identity.login("other-login@example.com", secret("first password 1")).await.unwrap();
}

/// The account page offered no way to leave. Deleting needs the password; afterwards nothing of
/// the person remains but their orders, kept as records of sale and anonymised.
#[tokio::test]
async fn deleting_an_account_needs_the_password_and_keeps_only_anonymised_orders() {
    let services = seeded().await;
    let shopper = crate::cart::member(&services, "leaving@example.com").await;
    let user_id = shopper.user_id().unwrap().to_string();
    let p = crate::cart::product(&services, "coffee", 3).await;
    let order = crate::checkout::member_order(&services, &shopper, p.id.as_str(), "leave-1").await;
    services.carts.add(&shopper, p.id.as_str(), crate::cart::qty(1)).await.unwrap();
    services.memory.record_view(&shopper, p.id.as_str(), Some("web")).await;
    services.assistant.process_message(&shopper, "", Channel::Web, "show me coffee").await.unwrap();
    services.memory.flush().await;
    let owned = "owner = 'user:".to_string() + &user_id + "'";
    assert!(crate::helpers::count(&services.store, "signal", &owned).await > 0);

    let wrong = services.delete_account(&user_id, secret("not my password")).await;
    assert!(matches!(wrong, Err(Error::Invalid { field: "password", .. })), "{wrong:?}");
    assert!(services.identity.accounts.by_id(&user_id).await.is_ok(), "a wrong password changes nothing");

    services.delete_account(&user_id, secret("correct horse battery")).await.unwrap();
    assert!(matches!(services.identity.accounts.by_id(&user_id).await, Err(Error::NotFound(_))));
    let login = services.identity.login("leaving@example.com", secret("correct horse battery")).await;
    assert!(matches!(login, Err(Error::Unauthorized)));
    for table in ["signal", "message", "preference", "cart", "handoff"] {
        assert_eq!(crate::helpers::count(&services.store, table, &owned).await, 0, "{table}");
    }
    let by_user = "user_id = '".to_string() + &user_id + "'";
    for table in ["refresh_token", "session", "account_token"] {
        assert_eq!(crate::helpers::count(&services.store, table, &by_user).await, 0, "{table}");
    }
    let kept = services.orders.get(&engine::orders::OrderViewer::Admin, &order.id).await.unwrap();
    assert_eq!((kept.totals.total, kept.lines.len()), (order.totals.total, order.lines.len()), "the sale stands");
    assert_eq!(kept.email, engine::identity::deletion::ANONYMOUS_EMAIL);
    assert_eq!(kept.shipping_address.country, order.shipping_address.country, "the taxed country stays");
    assert!(!format!("{kept:?}").contains("Ada Buyer") && !format!("{kept:?}").contains("1 Main St"), "{kept:?}");
    assert!(services.orders.list(&user_id).await.unwrap().is_empty());
    // A second deletion finds nothing to delete.
    let again = services.delete_account(&user_id, secret("correct horse battery")).await;
    assert!(matches!(again, Err(Error::NotFound(_))), "{again:?}");
}
