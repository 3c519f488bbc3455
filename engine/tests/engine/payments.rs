//! Money that is never taken twice or kept without an order, and guest order links that are
//! never stored: the provider's idempotency key survives retries, timeouts and crashes between
//! the charge and the commit; reconciliation gives back a charge that never became an order;
//! a guest's link is stored only hashed (also in replayed answers), expires and can be mailed
//! again.

use crate::cart::{guest, product, qty};
use crate::checkout::request;
use crate::helpers::{count, outbox, seed_options};
use engine::clock::MovableClock;
use engine::orders::OrderViewer;
use engine::payments::{Charge, PaymentError, PaymentProvider, TestPaymentProvider};
use engine::store::Store;
use engine::{Error, Services};
use futures::future::BoxFuture;
use model::{Card, Money};
use secrecy::SecretString;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

const GOOD: &str = "4242 4242 4242 4242";

/// How the next charge call misbehaves after the test provider has made the charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    /// Answers normally.
    Answer,
    /// Charges, then reports the provider unreachable (a timeout after the money moved).
    TimeOut,
    /// Charges, then never answers (the process dies before the commit).
    Hang,
}

/// The test-mode provider, with a switch for what the next charge does after charging.
#[derive(Debug)]
struct Flaky {
    inner: TestPaymentProvider,
    next: AtomicU32,
}

impl Flaky {
    fn new() -> Arc<Self> {
        Arc::new(Self { inner: TestPaymentProvider::default(), next: AtomicU32::new(0) })
    }

    fn then(&self, after: After) {
        self.next.store(after as u32, Ordering::SeqCst);
    }

    fn after(&self) -> After {
        match self.next.swap(After::Answer as u32, Ordering::SeqCst) {
            1 => After::TimeOut,
            2 => After::Hang,
            _ => After::Answer,
        }
    }
}

impl PaymentProvider for Flaky {
    fn charge<'a>(
        &'a self,
        card: &'a Card,
        amount: Money,
        reference: &'a str,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Charge, PaymentError>> {
        Box::pin(async move {
            let charge = self.inner.charge(card, amount, reference, idempotency_key).await?;
            match self.after() {
                After::Answer => Ok(charge),
                After::TimeOut => Err(PaymentError::Unavailable("the provider timed out".into())),
                After::Hang => std::future::pending().await,
            }
        })
    }

    fn charge_saved<'a>(
        &'a self,
        method: &'a str,
        amount: Money,
        reference: &'a str,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Charge, PaymentError>> {
        self.inner.charge_saved(method, amount, reference, idempotency_key)
    }

    fn find_charge<'a>(&'a self, idempotency_key: &'a str) -> BoxFuture<'a, Result<Option<Charge>, PaymentError>> {
        self.inner.find_charge(idempotency_key)
    }

    fn refund<'a>(&'a self, charge_id: &'a str) -> BoxFuture<'a, Result<(), PaymentError>> {
        self.inner.refund(charge_id)
    }

    fn accepted_cards(&self) -> &'static [&'static str] {
        self.inner.accepted_cards()
    }
}

async fn shop_with(payments: Arc<Flaky>, clock: Arc<MovableClock>) -> Services {
    let store = Store::in_memory().await.unwrap();
    engine::seed::run(&store, &seed_options()).await.unwrap();
    let commerce = engine::CommerceSettings { payments, clock, ..engine::CommerceSettings::default() };
    Services::new(store, engine::Settings { commerce, ..engine::Settings::ephemeral().unwrap() })
}

/// A shop paying through `payments`, and a guest with one coffee in the cart.
async fn a_guest_with_a_cart(payments: Arc<Flaky>) -> (Services, engine::shopper::Shopper, Arc<MovableClock>) {
    let clock = crate::helpers::movable_clock();
    let services = shop_with(payments, clock.clone()).await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "coffee", 2).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
    (services, shopper, clock)
}

/// Starts a checkout whose charge never answers and drops it once the card is charged (like a
/// process killed between the charge and the commit).
async fn cut_off_after_the_charge(
    services: &Services,
    payments: &Flaky,
    shopper: &engine::shopper::Shopper,
    key: &'static str,
    body: &model::CheckoutRequest,
) {
    payments.then(After::Hang);
    let (services, shopper, body) = (services.clone(), shopper.clone(), body.clone());
    let request = tokio::spawn(async move { services.checkout.place(&shopper, key, &body).await });
    for _ in 0..1000 {
        if payments.inner.counts().0 > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    request.abort();
    assert!(request.await.unwrap_err().is_cancelled(), "the request was cut off");
    assert_eq!(payments.inner.counts(), (1, 0), "the card was charged");
}

/// An hour passes: every payment attempt is older than reconciliation's ten minutes, and every
/// idempotency lock has lapsed (what time does to a crashed request).
fn let_time_pass(clock: &MovableClock) {
    clock.advance(std::time::Duration::from_secs(3_600));
}

#[tokio::test]
async fn a_retry_after_the_provider_timed_out_reaches_the_same_charge_not_a_second() {
    let payments = Flaky::new();
    let (services, shopper, clock) = a_guest_with_a_cart(payments.clone()).await;

    payments.then(After::TimeOut);
    let err = services.checkout.place(&shopper, "key-t", &request(GOOD)).await.unwrap_err();
    assert!(matches!(err, Error::PaymentProvider(_)), "{err:?}");
    assert_eq!(payments.inner.counts(), (1, 0), "the card was charged before the timeout");
    assert_eq!(count(&services.store, "orders", "true").await, 0);

    // The shopper retries at once with the same key: the same attempt, the same charge.
    let placed = services.checkout.place(&shopper, "key-t", &request(GOOD)).await.unwrap();
    assert!(!placed.replayed);
    assert_eq!(payments.inner.counts(), (1, 0), "no second charge");
    assert_eq!(count(&services.store, "orders", "true").await, 1);
    assert_eq!(count(&services.store, "payment_attempt", "true").await, 0, "the order holds the charge");
    let_time_pass(&clock);
    assert_eq!(services.checkout.reconcile().await.unwrap(), Default::default(), "nothing to give back");
    assert_eq!(payments.inner.counts(), (1, 0));
}

#[tokio::test]
async fn a_crash_between_the_charge_and_the_commit_is_retried_onto_the_same_charge() {
    let payments = Flaky::new();
    let (services, shopper, clock) = a_guest_with_a_cart(payments.clone()).await;

    // The request dies after the charge (its future is dropped mid-flight, like a killed process).
    let body = request(GOOD);
    cut_off_after_the_charge(&services, &payments, &shopper, "key-c", &body).await;
    let err = services.checkout.place(&shopper, "key-c", &body).await.unwrap_err();
    assert!(matches!(err, Error::IdempotencyInProgress), "the claim is locked a while: {err:?}");

    // Once the lock lapses, the retry takes the claim over as the same attempt.
    clock.advance(std::time::Duration::from_secs(61));
    let placed = services.checkout.place(&shopper, "key-c", &body).await.unwrap();
    assert_eq!(payments.inner.counts(), (1, 0), "the order holds the first charge; none other was made");
    assert!(placed.placed.order.totals.total.amount > 0);
    assert_eq!(count(&services.store, "orders", "true").await, 1);
}

#[tokio::test]
async fn reconciliation_refunds_a_charge_that_never_became_an_order_and_frees_the_key() {
    let payments = Flaky::new();
    let (services, shopper, clock) = a_guest_with_a_cart(payments.clone()).await;

    let body = request(GOOD);
    cut_off_after_the_charge(&services, &payments, &shopper, "key-r", &body).await;
    // A young attempt is left alone: its request may still be running.
    assert_eq!(services.checkout.reconcile().await.unwrap(), Default::default());
    assert_eq!(payments.inner.counts(), (1, 0));

    let_time_pass(&clock);
    let done = services.checkout.reconcile().await.unwrap();
    assert_eq!((done.refunded, done.closed, done.deferred), (1, 0, 0));
    assert_eq!(payments.inner.counts(), (1, 1), "the orphaned charge was given back");
    assert_eq!(count(&services.store, "payment_attempt", "true").await, 0);
    assert_eq!(services.checkout.reconcile().await.unwrap(), Default::default(), "once");

    // The key is free again: a retry is a new attempt with a new charge, and one order.
    let placed = services.checkout.place(&shopper, "key-r", &body).await.unwrap();
    assert!(!placed.replayed);
    assert_eq!(payments.inner.counts(), (2, 1));
    assert_eq!(count(&services.store, "orders", "true").await, 1);
}

#[tokio::test]
async fn an_attempt_that_charged_nothing_is_closed_without_a_refund() {
    let payments = Flaky::new();
    let (services, shopper, clock) = a_guest_with_a_cart(payments.clone()).await;
    // A declined card leaves no attempt behind.
    let err = services.checkout.place(&shopper, "key-n", &request("4000 0000 0000 0002")).await.unwrap_err();
    assert!(matches!(err, Error::PaymentDeclined(_)));
    assert_eq!(count(&services.store, "payment_attempt", "true").await, 0);
    // An attempt written down before a charge that never happened (the process died first).
    services
        .store
        .client()
        .query(
            "CREATE payment_attempt:`wm-never` SET order_id = 'NEVER', scope = 'session:x', key = 'k',
                 amount = 100, currency = 'USD', state = 'charging'",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    let_time_pass(&clock);
    let done = services.checkout.reconcile().await.unwrap();
    assert_eq!((done.refunded, done.closed), (0, 1));
    assert_eq!(payments.inner.counts(), (0, 0));
}

#[tokio::test]
async fn a_guest_link_is_stored_only_hashed_replays_without_a_stored_token_and_expires() {
    let (services, shopper, clock) = a_guest_with_a_cart(Flaky::new()).await;
    let first = services.checkout.place(&shopper, "key-g", &request(GOOD)).await.unwrap();
    let token = first.placed.access_token.clone().unwrap();
    let id = first.placed.order.id.clone();

    // No copy of the token anywhere in the database: not the order, not the stored answer.
    let mut res = services.store.client().query("SELECT * FROM orders; SELECT * FROM idempotency").await.unwrap();
    let orders: surrealdb::types::Value = res.take(0).unwrap();
    let claims: surrealdb::types::Value = res.take(1).unwrap();
    for stored in [format!("{orders:?}"), format!("{claims:?}")] {
        assert!(!stored.contains(&token), "the token is stored in the clear: {stored}");
    }
    // The replay still hands the guest their link, derived again.
    let again = services.checkout.place(&shopper, "key-g", &request(GOOD)).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.placed.access_token.as_deref(), Some(token.as_str()));

    let viewer = OrderViewer::Guest(SecretString::from(token.clone()));
    assert_eq!(services.orders.get(&viewer, &id).await.unwrap().id, id);
    // An expired link opens nothing (GUEST_ORDER_LINK_DAYS after it was issued).
    clock.advance(std::time::Duration::from_secs(90 * 86_400 + 1));
    assert!(matches!(services.orders.get(&viewer, &id).await, Err(Error::NotFound("order"))));
}

#[tokio::test]
async fn a_guest_asks_for_new_links_and_only_the_new_ones_open_the_orders() {
    let (services, shopper, _) = a_guest_with_a_cart(Flaky::new()).await;
    let placed = services.checkout.place(&shopper, "key-l", &request(GOOD)).await.unwrap().placed;
    let old = OrderViewer::Guest(SecretString::from(placed.access_token.clone().unwrap()));

    // Another address, or one without orders, gets the same answer and no mail.
    services.orders.mail_guest_links("nobody@example.com", "client-1").await.unwrap();
    let before = outbox(&services.store).await.len();
    services.orders.mail_guest_links("  Buyer@Example.com ", "client-1").await.unwrap();
    let mails = outbox(&services.store).await;
    assert_eq!(mails.len(), before + 1, "one mail, to the address the orders were placed with");
    let mail = mails.last().unwrap();
    assert_eq!((mail.kind.as_str(), mail.recipient.as_str()), ("order_links", "buyer@example.com"));
    let text = mail.body_text.clone().unwrap();
    let marker = format!("/orders/{}?token=", placed.order.id);
    let start = text.find(&marker).expect("a link to the order") + marker.len();
    let fresh = text[start..].split_whitespace().next().unwrap().to_string();
    assert_ne!(fresh, *placed.access_token.as_ref().unwrap());

    let new = OrderViewer::Guest(SecretString::from(fresh));
    assert_eq!(services.orders.get(&new, &placed.order.id).await.unwrap().id, placed.order.id);
    assert!(matches!(services.orders.get(&old, &placed.order.id).await, Err(Error::NotFound("order"))), "replaced");

    // Bad input names its field; a flood is throttled per address.
    let err = services.orders.mail_guest_links("not an email", "client-1").await.unwrap_err();
    assert!(matches!(err, Error::Invalid { field: "email", .. }), "{err:?}");
    services.orders.mail_guest_links("buyer@example.com", "client-2").await.unwrap();
    services.orders.mail_guest_links("buyer@example.com", "client-3").await.unwrap();
    let err = services.orders.mail_guest_links("buyer@example.com", "client-4").await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
}
