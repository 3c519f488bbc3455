use engine::store::Store;
use engine::{Error, Services};
use model::Channel;

async fn services() -> Services {
    Services::new(Store::in_memory().await.unwrap(), engine::Settings::ephemeral().unwrap())
}

#[tokio::test]
async fn a_guest_session_resolves_by_its_token_and_an_unknown_token_does_not() {
    let s = services().await;
    let (session, token) = s.sessions.start(Channel::Mobile, "ShopApp/2.1 (iPhone)", None).await.unwrap();
    assert!(session.info.guest);
    let resolved = s.sessions.resolve(&token).await.unwrap().unwrap();
    assert_eq!(resolved.info.id, session.info.id);
    assert_eq!(resolved.info.channel, Channel::Mobile);
    assert!(s.sessions.resolve(&"made-up".to_string().into()).await.unwrap().is_none());
}

#[tokio::test]
async fn promotion_moves_a_guest_session_into_the_account_once() {
    let s = services().await;
    let (guest, token) = s.sessions.start(Channel::Web, "Firefox", None).await.unwrap();
    let first = s.sessions.promote(&token, "user-1").await.unwrap().unwrap();
    assert_eq!((first.session_id.as_str(), first.promoted), (guest.info.id.as_str(), true));
    assert!(s.sessions.resolve(&token).await.unwrap().is_none(), "the guest's token stops working");
    let token = first.token.expect("a new token");
    let resolved = s.sessions.resolve(&token).await.unwrap().unwrap();
    assert_eq!(resolved.user_id.as_deref(), Some("user-1"));
    assert!(!resolved.info.guest, "no longer usable as a guest");

    let again = s.sessions.promote(&token, "user-1").await.unwrap().unwrap();
    assert!(!again.promoted && again.token.is_none(), "a second promotion is a no-op");
    let stolen = s.sessions.promote(&token, "user-2").await.unwrap().unwrap();
    assert!(!stolen.promoted, "another account cannot take a promoted session");
    assert_eq!(s.sessions.list("user-2").await.unwrap(), vec![]);
}

#[tokio::test]
async fn a_user_sees_and_ends_only_their_own_sessions() {
    let s = services().await;
    let (phone, phone_token) = s.sessions.start(Channel::Mobile, "Phone", Some("ann")).await.unwrap();
    let (laptop, _) = s.sessions.start(Channel::Web, "Laptop", Some("ann")).await.unwrap();
    let (bobs, _) = s.sessions.start(Channel::Web, "Bob's", Some("bob")).await.unwrap();

    let listed: Vec<String> = s.sessions.list("ann").await.unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&phone.info.id) && listed.contains(&laptop.info.id));

    assert!(matches!(s.sessions.owned("ann", &bobs.info.id).await, Err(Error::NotFound(_))));
    assert!(matches!(s.sessions.restore("ann", &bobs.info.id).await, Err(Error::NotFound(_))));
    assert!(matches!(s.sessions.end("ann", &bobs.info.id).await, Err(Error::NotFound(_))));
    assert_eq!(s.sessions.list("bob").await.unwrap().len(), 1, "bob's session survived");

    let restored = s.sessions.restore("ann", &phone.info.id).await.unwrap();
    assert_eq!(restored.device, "Phone");

    s.sessions.end("ann", &phone.info.id).await.unwrap();
    assert!(s.sessions.resolve(&phone_token).await.unwrap().is_none(), "an ended session's token is dead");
    assert_eq!(s.sessions.end_others("ann", Some(&laptop.info.id)).await.unwrap(), 0);
    let (_, _) = s.sessions.start(Channel::Api, "cli", Some("ann")).await.unwrap();
    assert_eq!(s.sessions.end_others("ann", Some(&laptop.info.id)).await.unwrap(), 1);
    assert_eq!(s.sessions.list("ann").await.unwrap().len(), 1);
}

#[tokio::test]
async fn signing_out_a_device_by_its_session_also_ends_its_login_without_the_refresh_cookie() {
    let s = services().await;
    let issued = s
        .identity
        .register(model::Email::parse("out@example.com").unwrap(), "a long password".to_string().into(), "Out")
        .await
        .unwrap();
    let signed_in = s.continue_signed_in(&issued, None, Channel::Web, "laptop").await.unwrap();
    let token = signed_in.new_token.unwrap();

    // The web's sign-out reaches the server with the session cookie only.
    s.sessions.end_by_token(&issued.user.id, &token).await.unwrap();

    assert!(s.sessions.resolve(&token).await.unwrap().is_none());
    assert!(matches!(s.identity.refresh(&issued.refresh_token).await, Err(Error::Unauthorized)), "the login ended too");
}

#[tokio::test]
async fn a_session_unused_for_its_idle_days_stops_working() {
    let clock = crate::helpers::movable_clock();
    let commerce = engine::CommerceSettings { clock: clock.clone(), ..engine::CommerceSettings::default() };
    let s = Services::new(
        Store::in_memory().await.unwrap(),
        engine::Settings { commerce, ..engine::Settings::ephemeral().unwrap() },
    );
    let (_, old_token) = s.sessions.start(Channel::Web, "Old tablet", Some("ann")).await.unwrap();
    clock.advance(std::time::Duration::from_secs(31 * 86_400));
    let (fresh, fresh_token) = s.sessions.start(Channel::Web, "Laptop", Some("ann")).await.unwrap();
    assert!(s.sessions.resolve(&old_token).await.unwrap().is_none(), "30 idle days are over");
    assert!(s.sessions.resolve(&fresh_token).await.unwrap().is_some());
    let listed: Vec<String> = s.sessions.list("ann").await.unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(listed, vec![fresh.info.id]);
}
