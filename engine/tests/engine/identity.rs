use base64::Engine as _;
use engine::clock::MovableClock;
use engine::identity::keys::generate_pem;
use engine::identity::tokens::AccessClaims;
use engine::identity::{JwtKeys, TokenIssuer};
use engine::store::Store;
use engine::{Error, IdentitySettings, Services};
use model::{Email, Role};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

async fn services_with_keys() -> (Services, String) {
    services_with_keys_at(crate::helpers::movable_clock()).await
}

/// [`services_with_keys`] on `clock`.
async fn services_with_keys_at(clock: Arc<MovableClock>) -> (Services, String) {
    let (private_pem, public_pem) = generate_pem().unwrap();
    let keys = JwtKeys::from_pem(private_pem.as_bytes(), public_pem.as_bytes()).unwrap();
    let store = Store::in_memory().await.unwrap();
    let identity = IdentitySettings {
        keys,
        access_minutes: 15,
        refresh_days: 7,
        session_idle_days: 30,
        registrations_per_hour: 20,
    };
    let commerce = engine::CommerceSettings { clock, ..engine::CommerceSettings::default() };
    (Services::new(store, engine::Settings { identity, commerce, llm: None }), public_pem)
}

async fn registered(services: &Services) -> engine::identity::IssuedTokens {
    services
        .identity
        .register(Email::parse("Ann@Example.com").unwrap(), secret("a long enough password"), "Ann")
        .await
        .unwrap()
}

#[tokio::test]
async fn register_normalizes_the_email_and_signs_the_customer_in() {
    let (services, _) = services_with_keys().await;
    let issued = registered(&services).await;
    assert_eq!(issued.user.email.as_str(), "ann@example.com");
    assert_eq!(issued.user.role, Role::Customer);
    let claims = services.identity.tokens.validate(&issued.access_token).unwrap();
    assert_eq!(claims.sub, issued.user.id);
    assert_eq!(issued.expires_in, 15 * 60);
}

#[tokio::test]
async fn the_same_email_in_another_case_is_a_conflict() {
    let (services, _) = services_with_keys().await;
    registered(&services).await;
    let again =
        services.identity.register(Email::parse("ANN@example.com").unwrap(), secret("another password"), "Ann 2").await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
}

#[tokio::test]
async fn a_short_or_huge_password_is_refused_naming_the_field() {
    let (services, _) = services_with_keys().await;
    for bad in ["short", &"x".repeat(129)] {
        let res = services.identity.register(Email::parse("b@example.com").unwrap(), secret(bad), "B").await;
        assert!(matches!(res, Err(Error::Invalid { field: "password", .. })), "{res:?}");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_email_fail_the_same_way() {
    let (services, _) = services_with_keys().await;
    registered(&services).await;
    let wrong = services.identity.login("ann@example.com", secret("not the password")).await;
    let unknown = services.identity.login("nobody@example.com", secret("a long enough password")).await;
    assert!(matches!(wrong, Err(Error::Unauthorized)));
    assert!(matches!(unknown, Err(Error::Unauthorized)));
    let ok = services.identity.login(" ANN@example.com ", secret("a long enough password")).await.unwrap();
    assert_eq!(ok.user.email.as_str(), "ann@example.com");
}

fn b64(json: &serde_json::Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string())
}

#[tokio::test]
async fn forged_wrong_and_expired_tokens_are_all_refused() {
    let (services, public_pem) = services_with_keys().await;
    let issued = registered(&services).await;
    let tokens = &services.identity.tokens;
    let good = tokens.validate(&issued.access_token).unwrap();

    // Tampered payload under the original signature.
    let parts: Vec<&str> = issued.access_token.split('.').collect();
    let mut forged_claims = serde_json::to_value(&good).unwrap();
    forged_claims["role"] = "admin".into();
    let tampered = format!("{}.{}.{}", parts[0], b64(&forged_claims), parts[2]);

    // alg: none.
    let none = format!("{}.{}.", b64(&serde_json::json!({"alg": "none", "typ": "JWT"})), b64(&forged_claims));

    // HS256 signed with the public key as the HMAC secret.
    let hs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &good,
        &jsonwebtoken::EncodingKey::from_secret(public_pem.as_bytes()),
    )
    .unwrap();

    let with = |edit: fn(&mut AccessClaims)| {
        let mut claims = good.clone();
        edit(&mut claims);
        tokens.sign(&claims).unwrap()
    };
    let wrong_aud = with(|c| c.aud = "someone-else".into());
    let wrong_iss = with(|c| c.iss = "evil".into());
    let refresh_typ = with(|c| c.typ = "refresh".into());
    let expired = with(|c| {
        c.iat -= 3600;
        c.exp = c.iat + 60;
    });
    // Signed by another key pair entirely.
    let other = TokenIssuer::new(JwtKeys::generate().unwrap(), 15).sign(&good).unwrap();

    for (name, token) in [
        ("tampered", tampered),
        ("alg none", none),
        ("HS256 with the public key", hs256),
        ("wrong aud", wrong_aud),
        ("wrong iss", wrong_iss),
        ("typ refresh", refresh_typ),
        ("expired", expired),
        ("other key", other),
        ("refresh token as access token", issued.refresh_token.expose_secret().to_string()),
        ("garbage", "not.a.jwt".into()),
    ] {
        assert!(matches!(tokens.validate(&token), Err(Error::Unauthorized)), "{name} must be refused");
    }
}

#[tokio::test]
async fn a_refresh_rotates_and_reusing_the_old_token_revokes_the_family() {
    let clock = crate::helpers::movable_clock();
    let (services, _) = services_with_keys_at(clock.clone()).await;
    let first = registered(&services).await;
    let second = services.identity.refresh(&first.refresh_token).await.unwrap();
    assert_ne!(second.refresh_token.expose_secret(), first.refresh_token.expose_secret());
    assert_eq!(second.user, first.user);

    // The first token again, past the grace for concurrent renewals: theft is assumed, the family dies.
    rotated_a_while_ago(&clock);
    assert!(matches!(services.identity.refresh(&first.refresh_token).await, Err(Error::Unauthorized)));
    assert!(
        matches!(services.identity.refresh(&second.refresh_token).await, Err(Error::Unauthorized)),
        "the rotated token died with its family"
    );
}

#[tokio::test]
async fn another_login_is_another_family_and_survives_a_theft_elsewhere() {
    let clock = crate::helpers::movable_clock();
    let (services, _) = services_with_keys_at(clock.clone()).await;
    let phone = registered(&services).await;
    let laptop = services.identity.login("ann@example.com", secret("a long enough password")).await.unwrap();
    services.identity.refresh(&phone.refresh_token).await.unwrap();
    rotated_a_while_ago(&clock);
    let _ = services.identity.refresh(&phone.refresh_token).await; // reuse: phone family revoked
    assert!(services.identity.refresh(&laptop.refresh_token).await.is_ok());
}

#[tokio::test]
async fn of_concurrent_uses_of_one_refresh_token_exactly_one_succeeds() {
    let (services, _) = services_with_keys().await;
    let issued = registered(&services).await;
    let attempts = (0..4).map(|_| {
        let services = services.clone();
        let token = issued.refresh_token.clone();
        tokio::spawn(async move { services.identity.refresh(&token).await })
    });
    let results = futures::future::join_all(attempts).await;
    let ok = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
    assert_eq!(ok, 1, "{results:?}");
    // The others were told the token was just renewed (two tabs at once), and nothing was revoked.
    let renewed_elsewhere = results.iter().filter(|r| matches!(r, Ok(Err(Error::Conflict(_))))).count();
    assert_eq!(renewed_elsewhere, 3, "{results:?}");
    let winner = results.into_iter().find_map(|r| r.ok().and_then(Result::ok)).unwrap();
    assert!(services.identity.refresh(&winner.refresh_token).await.is_ok(), "the sign-in survives");
}

#[tokio::test]
async fn a_token_presented_again_within_the_grace_changes_nothing() {
    let (services, _) = services_with_keys().await;
    let first = registered(&services).await;
    let second = services.identity.refresh(&first.refresh_token).await.unwrap();
    // Another tab, a moment later, with the cookie it read before the renewal.
    assert!(matches!(services.identity.refresh(&first.refresh_token).await, Err(Error::Conflict(_))));
    assert!(matches!(services.identity.refresh(&first.refresh_token).await, Err(Error::Conflict(_))));
    let third = services.identity.refresh(&second.refresh_token).await.unwrap();
    assert_eq!(third.family, first.family);
    // A revoked family's tokens are refused, grace or not.
    services.identity.logout(&third.refresh_token).await.unwrap();
    assert!(matches!(services.identity.refresh(&second.refresh_token).await, Err(Error::Unauthorized)));
}

/// A minute passes: every spent refresh token's rotation is past the reuse grace.
fn rotated_a_while_ago(clock: &MovableClock) {
    clock.advance(std::time::Duration::from_secs(60));
}

#[tokio::test]
async fn logout_revokes_the_login() {
    let (services, _) = services_with_keys().await;
    let issued = registered(&services).await;
    services.identity.logout(&issued.refresh_token).await.unwrap();
    assert!(matches!(services.identity.refresh(&issued.refresh_token).await, Err(Error::Unauthorized)));
}

#[tokio::test]
async fn renewing_never_extends_a_login_past_its_lifetime_from_the_sign_in() {
    let clock = crate::helpers::movable_clock();
    let (services, _) = services_with_keys_at(clock.clone()).await;
    let first = registered(&services).await;
    let mut token = first.refresh_token.clone();
    for _ in 0..3 {
        token = services.identity.refresh(&token).await.unwrap().refresh_token;
    }
    let mut res = services
        .store
        .client()
        .query("SELECT VALUE <string> expires_at FROM refresh_token WHERE family = $family")
        .bind(("family", first.family.clone()))
        .await
        .unwrap();
    let expiries: std::collections::BTreeSet<String> = res.take::<Vec<String>>(0).unwrap().into_iter().collect();
    assert_eq!(expiries.len(), 1, "every renewal inherits the login's expiry: {expiries:?}");

    // Once the login's lifetime is over, the newest token is refused too.
    clock.advance(std::time::Duration::from_secs(7 * 86_400 + 1));
    assert!(matches!(services.identity.refresh(&token).await, Err(Error::Unauthorized)));
}
