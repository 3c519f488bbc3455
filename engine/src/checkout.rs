//! Checkout: validate, price the cart, charge the card, then in ONE transaction take the stock
//! (conditional decrements, so nothing is ever oversold), redeem the code, create the order,
//! empty the cart and complete the idempotency record. Conflicts are retried; a failure after
//! the charge refunds it. Every charge is written down first and keyed for the provider by the
//! request's idempotency claim, so retries reach the same charge and reconciliation refunds
//! one that never became an order.

mod attempts;
mod confirmation;
pub mod idempotency;
mod order_tx;
mod reconcile;

use crate::orders::record::NewOrder;
use order_tx::TxFailure;
pub use reconcile::Reconciled;

use crate::cart::Carts;
use crate::catalog::index::ListingIndex;
use crate::orders::GuestLinks;
use crate::payments::{PaymentError, PaymentProvider};
use crate::shopper::Shopper;
use crate::store::Store;
use crate::{Error, Result};
use idempotency::{Attempt, Claim};
use model::{CheckoutRequest, DiscountRejection, PlacedOrder};
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;

/// Attempts at the order transaction before giving up on write conflicts.
const MAX_ATTEMPTS: u32 = 16;

/// The checkout service.
#[derive(Clone, Debug)]
pub struct Checkout {
    store: Store,
    carts: Carts,
    payments: Arc<dyn PaymentProvider>,
    listing: ListingIndex,
    memory: crate::memory::SignalSender,
    letters: crate::mail::Letters,
    terms: Arc<crate::terms::Terms>,
    links: GuestLinks,
}

/// What a checkout answered, and whether it was a replay of an earlier identical request.
#[derive(Debug, Clone)]
pub struct CheckoutOutcome {
    /// The order (with the guest's access token on first placement).
    pub placed: PlacedOrder,
    /// True when this repeats an earlier request with the same key.
    pub replayed: bool,
}

/// How an order is paid.
#[derive(Clone, Copy)]
enum Pay<'a> {
    /// A card typed at checkout.
    Card(&'a model::Card),
    /// A payment method saved by an earlier order: (method reference, last four digits).
    Saved(&'a str, &'a str),
}

impl Pay<'_> {
    fn last4(&self) -> &str {
        match self {
            Pay::Card(card) => card.last4(),
            Pay::Saved(_, last4) => last4,
        }
    }
}

/// What an order ships to and how fast.
struct Delivery<'a> {
    address: &'a model::Address,
    method: model::ShippingMethod,
}

impl Checkout {
    /// Checkout over the store and carts, charging through `payments`.
    // Built once, by `Services`; its collaborators become narrower with the architecture work.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        carts: Carts,
        payments: Arc<dyn PaymentProvider>,
        listing: ListingIndex,
        memory: crate::memory::SignalSender,
        letters: crate::mail::Letters,
        terms: crate::terms::Terms,
        links: GuestLinks,
    ) -> Self {
        Self { store, carts, payments, listing, memory, letters, terms: Arc::new(terms), links }
    }

    /// What the shop's texts may quote: the pricing, terms and cards this checkout uses.
    pub fn facts(&self) -> crate::terms::Facts<'_> {
        crate::terms::Facts { pricing: self.carts.pricing(), terms: &self.terms, cards: self.payments.accepted_cards() }
    }

    /// Places an order from the shopper's cart. `key` is the client's Idempotency-Key.
    pub async fn place(&self, shopper: &Shopper, key: &str, request: &CheckoutRequest) -> Result<CheckoutOutcome> {
        let key = idempotency::parse_key(key)?;
        let account_email = match shopper.user_id() {
            Some(user) => Some(self.account_email(user).await?),
            None => None,
        };
        let details = request
            .parse(account_email.is_none(), self.store.clock().year_month())
            .map_err(|e| Error::Invalid { field: field_name(&e.field), message: e.message })?;
        let body = serde_json::to_vec(request).map_err(|e| Error::invalid("body", e.to_string()))?;
        let scope = shopper.scope();
        let attempt = match idempotency::claim(&self.store, &scope, &key, &idempotency::request_hash(&body)).await? {
            Claim::Replay(response) => return self.replayed(shopper, &response, "Idempotency-Key").await,
            Claim::Fresh(attempt) => attempt,
        };
        let email =
            account_email.or_else(|| details.email.as_ref().map(|e| e.as_str().to_string())).unwrap_or_default();
        let delivery = Delivery { address: &details.address, method: details.shipping_method };
        let result =
            self.place_claimed(shopper, &scope, &key, &attempt, &delivery, Pay::Card(&details.card), &email).await;
        self.end_claim(&result, &scope, &key).await;
        result.map(|placed| CheckoutOutcome { placed, replayed: false })
    }

    /// After a failed attempt: the claim is released when nothing was charged (or the charge was
    /// given back), so the shopper can fix the problem and retry; when the provider did not
    /// answer, the card may have been charged, so the claim stays (unlocked) and the retry is the
    /// same attempt, reaching that charge instead of making a second.
    async fn end_claim<T>(&self, result: &Result<T>, scope: &str, key: &str) {
        match result {
            Ok(_) => {}
            Err(Error::PaymentProvider(_)) => idempotency::unlock(&self.store, scope, key).await,
            Err(_) => idempotency::release(&self.store, scope, key).await,
        }
    }

    /// A stored answer, replayed: a guest's order link is derived again (it is never stored).
    async fn replayed(&self, shopper: &Shopper, response: &str, field: &'static str) -> Result<CheckoutOutcome> {
        let mut placed: PlacedOrder = serde_json::from_str(response)
            .map_err(|e| Error::invalid(field, format!("stored response unreadable: {e}")))?;
        if shopper.user_id().is_none() {
            let token = self.links.current(&self.store, &placed.order.id).await?;
            placed.access_token = token.map(|t| t.expose_secret().to_string());
        }
        Ok(CheckoutOutcome { placed, replayed: true })
    }

    #[allow(clippy::too_many_arguments)]
    async fn place_claimed(
        &self,
        shopper: &Shopper,
        scope: &str,
        key: &str,
        attempt: &Attempt,
        delivery: &Delivery<'_>,
        pay: Pay<'_>,
        email: &str,
    ) -> Result<PlacedOrder> {
        let country = delivery.address.country.as_str();
        if !self.terms.ships_to(country) {
            let facts = self.facts();
            return Err(Error::invalid(
                "shipping_address.country",
                format!("we don't ship to {country}; we ship to {}", facts.render("{countries}")),
            ));
        }
        let cart = self.carts.priced(shopper).await?;
        if cart.cart.lines.is_empty() {
            return Err(Error::invalid("cart", "is empty; add something before checking out"));
        }
        if let Some(reason) = cart.rejection.clone() {
            return Err(Error::InvalidDiscount(reason));
        }
        for line in &cart.cart.lines {
            if line.quantity > line.available {
                return Err(Error::OutOfStock { product: line.name.clone(), available: line.available });
            }
        }
        let totals = self.carts.totals_for(&cart, delivery.method);
        let order_id = attempt.order_id.clone();
        let payment_key = attempt.payment_key.as_str();
        // Written down before the card is charged: whatever happens next, the charge is found.
        attempts::announce(&self.store, attempt, scope, key, totals.total).await?;
        let charged = match pay {
            Pay::Card(card) => self.payments.charge(card, totals.total, &order_id, payment_key).await,
            Pay::Saved(method, _) => self.payments.charge_saved(method, totals.total, &order_id, payment_key).await,
        };
        let charge = match charged {
            Ok(charge) => charge,
            Err(PaymentError::Declined(message)) => {
                attempts::forget(&self.store, payment_key).await?;
                return Err(Error::PaymentDeclined(message));
            }
            // Maybe charged: the attempt stays for the retry or for reconciliation.
            Err(PaymentError::Unavailable(message)) => return Err(Error::PaymentProvider(message)),
        };

        // Guests reach their order with a link; members through their account.
        let link = shopper.user_id().is_none().then(|| self.links.issue(&order_id, self.store.clock().now_unix()));
        let placed = self.draft(&order_id, email, delivery, pay, &cart, &totals, link.as_ref().map(|l| &l.token));
        let row = NewOrder::new(shopper, &placed.order, &charge, link.as_ref());
        let mut tries = 0;
        let outcome = loop {
            tries += 1;
            match self.commit(shopper, scope, key, payment_key, &cart, email, row.clone(), &placed).await {
                Ok(()) => {
                    self.listing.mark_stale();
                    self.letters.outbox.wake();
                    let products: Vec<String> = placed.order.lines.iter().map(|l| l.product_id.to_string()).collect();
                    self.memory.record_order(shopper, &products, None).await;
                    break Ok(placed.clone());
                }
                Err(TxFailure::Conflict) if tries < MAX_ATTEMPTS => {
                    // Another checkout touched the same stock: back off a little and retry.
                    tokio::time::sleep(Duration::from_millis(5 * u64::from(tries) + rand::random::<u64>() % 10)).await;
                }
                Err(TxFailure::Conflict) => {
                    // Still contended after every retry: if the stock is gone meanwhile, that is
                    // the answer; otherwise the shopper may simply try again.
                    let short = self.carts.get(shopper).await.ok().and_then(|c| {
                        c.lines.into_iter().find(|l| l.quantity > l.available).map(|l| (l.name, l.available))
                    });
                    break Err(match short {
                        Some((product, available)) => Error::OutOfStock { product, available },
                        None => Error::Conflict("the shop is busy; please try again"),
                    });
                }
                Err(TxFailure::OutOfStock(i)) => {
                    let line = &cart.cart.lines[i.min(cart.cart.lines.len() - 1)];
                    let available = self
                        .carts
                        .get(shopper)
                        .await
                        .ok()
                        .and_then(|c| c.lines.iter().find(|l| l.id == line.id).map(|l| l.available))
                        .unwrap_or(0);
                    break Err(Error::OutOfStock { product: line.name.clone(), available });
                }
                Err(TxFailure::DiscountUsedUp) => break Err(Error::InvalidDiscount(DiscountRejection::UsedUp)),
                Err(TxFailure::DiscountAlreadyUsed) => {
                    break Err(Error::InvalidDiscount(DiscountRejection::AlreadyUsed))
                }
                Err(TxFailure::Other(e)) => break Err(e),
            }
        };
        if outcome.is_err() {
            self.give_back(payment_key, &charge.id, &order_id).await;
        }
        outcome
    }

    /// Refunds a charge no order holds. Should the refund fail, the attempt stays `charged` and
    /// reconciliation tries again.
    async fn give_back(&self, payment_key: &str, charge_id: &str, order_id: &str) -> bool {
        if let Err(e) = attempts::charged(&self.store, payment_key, charge_id).await {
            tracing::error!(order = %order_id, error = %e, "could not record a charge to give back");
        }
        match self.payments.refund(charge_id).await {
            Ok(()) => {
                if let Err(e) = attempts::forget(&self.store, payment_key).await {
                    tracing::warn!(order = %order_id, error = %e, "refunded; the attempt record stays for reconciliation");
                }
                true
            }
            Err(e) => {
                tracing::error!(order = %order_id, error = %e, "refund failed; reconciliation retries it");
                false
            }
        }
    }

    async fn account_email(&self, user_id: &str) -> Result<String> {
        crate::identity::accounts::email_of(&self.store, user_id).await?.ok_or(Error::Unauthorized)
    }
}

/// Maps a model field name to the engine's static field names.
fn field_name(field: &str) -> &'static str {
    const FIELDS: &[&str] = &[
        "email",
        "shipping_address.name",
        "shipping_address.line1",
        "shipping_address.line2",
        "shipping_address.city",
        "shipping_address.region",
        "shipping_address.postal_code",
        "shipping_address.country",
        "shipping_method",
        "payment.method",
        "payment.card_number",
        "payment.exp_month",
        "payment.exp_year",
        "payment.cvc",
    ];
    FIELDS.iter().find(|f| **f == field).copied().unwrap_or("body")
}
