//! Checkout: validate, price the cart, charge the card, then in ONE transaction take the stock
//! (conditional decrements, so nothing is ever oversold), redeem the code, create the order,
//! empty the cart and complete the idempotency record. Conflicts are retried; a failure after
//! the charge refunds it. Every charge is written down first and keyed for the provider by the
//! request's idempotency claim, so retries reach the same charge and reconciliation refunds
//! one that never became an order.

mod attempts;
pub mod idempotency;

use crate::cart::{Carts, PricedCart};
use crate::catalog::index::ListingIndex;
use crate::clock::Clock;
use crate::identity::opaque::new_token;
use crate::orders::GuestLinks;
use crate::payments::{self as payment, PaymentError, PaymentProvider};
use crate::shopper::Shopper;
use crate::store::failure::{self, Constraint, Failure};
use crate::store::Store;
use crate::{Error, Result};
use idempotency::{Attempt, Claim};
use model::{CheckoutRequest, DiscountRejection, PlacedOrder};
use secrecy::ExposeSecret;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use surrealdb::types::SurrealValue;

/// Attempts at the order transaction before giving up on write conflicts.
const MAX_ATTEMPTS: u32 = 16;

/// A payment attempt this old is over whatever happened to its request (its claim's lock is
/// 60 s, the provider's timeouts shorter): reconciliation may decide it.
const RECONCILE_AFTER_SECS: u64 = 600;

/// The checkout service.
#[derive(Clone, Debug)]
pub struct Checkout {
    store: Store,
    carts: Carts,
    payments: Arc<dyn PaymentProvider>,
    clock: Arc<dyn Clock>,
    listing: ListingIndex,
    memory: crate::memory::SignalSender,
    letters: crate::mail::Letters,
    terms: Arc<crate::terms::Terms>,
    links: GuestLinks,
}

/// What reconciliation did with one stale attempt.
enum Settled {
    Refunded,
    Closed,
    Deferred,
}

/// What one reconciliation round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Charges without an order given back.
    pub refunded: usize,
    /// Attempts closed with nothing to give back (no charge was made, or an order holds it).
    pub closed: usize,
    /// Left for a later round (a retry is running, or the provider could not be asked).
    pub deferred: usize,
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

#[derive(SurrealValue)]
struct SavedRow {
    id: String,
    payment_method: String,
    card_last4: String,
    address: crate::orders::AddressRow,
}

/// Where and how a member paid last.
struct SavedPayment {
    id: String,
    payment_method: String,
    card_last4: String,
    address: model::Address,
}

/// Why the order transaction did not commit.
enum TxFailure {
    OutOfStock(usize),
    DiscountUsedUp,
    DiscountAlreadyUsed,
    Conflict,
    Other(Error),
}

impl Checkout {
    /// Checkout over the store and carts, charging through `payments`.
    // Built once, by `Services`; its collaborators become narrower with the architecture work.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        carts: Carts,
        payments: Arc<dyn PaymentProvider>,
        clock: Arc<dyn Clock>,
        listing: ListingIndex,
        memory: crate::memory::SignalSender,
        letters: crate::mail::Letters,
        terms: crate::terms::Terms,
        links: GuestLinks,
    ) -> Self {
        Self { store, carts, payments, clock, listing, memory, letters, terms: Arc::new(terms), links }
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
            .parse(account_email.is_none(), self.clock.year_month())
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
        let link = shopper.user_id().is_none().then(|| self.links.issue(&order_id, self.clock.now_unix()));
        let placed = self.draft(&order_id, email, delivery, pay, &cart, &totals, link.as_ref().map(|l| &l.token));
        let order_json = order_content(shopper, &placed.order, &charge, link.as_ref());
        let mut tries = 0;
        let outcome = loop {
            tries += 1;
            match self.commit(shopper, scope, key, payment_key, &cart, email, order_json.clone(), &placed).await {
                Ok(()) => {
                    self.listing.mark_stale();
                    self.letters.outbox.wake();
                    let products: Vec<String> = placed.order.lines.iter().map(|l| l.product_id.0.clone()).collect();
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

    /// One reconciliation round: every payment attempt older than ten minutes that no order
    /// holds is given back (its charge, found through the provider by its key, is refunded)
    /// and its idempotency claim released, so a later retry starts afresh.
    pub async fn reconcile(&self) -> Result<Reconciled> {
        let mut done = Reconciled::default();
        for stale in attempts::stale(&self.store, RECONCILE_AFTER_SECS, 100).await? {
            let settled = match attempts::judge(&self.store, &stale).await? {
                attempts::Verdict::Ordered => Settled::Closed,
                attempts::Verdict::InUse => Settled::Deferred,
                attempts::Verdict::Orphaned => self.settle_orphan(&stale).await?,
            };
            match settled {
                Settled::Refunded => done.refunded += 1,
                Settled::Closed => done.closed += 1,
                Settled::Deferred => done.deferred += 1,
            }
        }
        Ok(done)
    }

    /// Gives back an orphaned attempt's charge (from its record, else asked of the provider by
    /// its key), or closes it when nothing was charged.
    async fn settle_orphan(&self, stale: &attempts::Stale) -> Result<Settled> {
        let charge = match &stale.charge_id {
            Some(id) => Ok(Some(id.clone())),
            None => self.payments.find_charge(&stale.payment_key).await.map(|c| c.map(|c| c.id)),
        };
        Ok(match charge {
            Ok(Some(charge_id)) if self.give_back(&stale.payment_key, &charge_id, &stale.order_id).await => {
                tracing::warn!(order = %stale.order_id, charge = %charge_id, "refunded a charge that never became an order");
                Settled::Refunded
            }
            Ok(Some(_)) => Settled::Deferred,
            Ok(None) => {
                attempts::forget(&self.store, &stale.payment_key).await?;
                Settled::Closed
            }
            Err(e) => {
                tracing::warn!(order = %stale.order_id, error = %e, "could not ask the provider about a charge; next round");
                Settled::Deferred
            }
        })
    }

    /// Reconciles now and then every `every`, until the task is dropped.
    pub fn spawn_reconciliation(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let checkout = self.clone();
        tokio::spawn(async move {
            loop {
                match checkout.reconcile().await {
                    Ok(done) if done != Reconciled::default() => tracing::info!(?done, "payments reconciled"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %crate::error::error_chain(&e), "payment reconciliation failed"),
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    /// The response as the shopper will see it (also stored for idempotent replays).
    #[allow(clippy::too_many_arguments)]
    fn draft(
        &self,
        order_id: &str,
        email: &str,
        delivery: &Delivery<'_>,
        pay: Pay<'_>,
        cart: &PricedCart,
        totals: &model::Totals,
        guest_token: Option<&secrecy::SecretString>,
    ) -> PlacedOrder {
        let now = crate::clock::rfc3339(self.clock.now_unix());
        let lines = cart
            .cart
            .lines
            .iter()
            .map(|l| model::OrderLine {
                product_id: l.product_id.clone(),
                slug: l.slug.clone(),
                name: l.name.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                line_total: l.line_total,
            })
            .collect();
        PlacedOrder {
            order: model::Order {
                id: order_id.to_string(),
                status: model::OrderStatus::Paid,
                email: email.to_string(),
                lines,
                discount_code: cart.effect.as_ref().and(cart.cart.discount_code.clone()),
                totals: *totals,
                shipping_address: delivery.address.clone(),
                shipping_method: delivery.method,
                card_last4: pay.last4().to_string(),
                events: vec![
                    model::OrderEvent { status: model::OrderStatus::Placed, at: now.clone() },
                    model::OrderEvent { status: model::OrderStatus::Paid, at: now.clone() },
                ],
                placed_at: now,
                can_cancel: true,
            },
            access_token: guest_token.map(|t| t.expose_secret().to_string()),
        }
    }

    /// The order transaction. Every statement's outcome is checked by the database itself
    /// (THROW on a failed conditional write), so a partial order can never commit.
    #[allow(clippy::too_many_arguments)]
    async fn commit(
        &self,
        shopper: &Shopper,
        scope: &str,
        key: &str,
        payment_key: &str,
        cart: &PricedCart,
        email: &str,
        order: serde_json::Value,
        placed: &PlacedOrder,
    ) -> std::result::Result<(), TxFailure> {
        let order_id = placed.order.id.as_str();
        let mut sql = String::from("BEGIN TRANSACTION;\n");
        for i in 0..cart.cart.lines.len() {
            sql.push_str(&format!(
                "LET $taken_{i} = (UPDATE type::record('product', $p{i}) SET stock -= $q{i}, units_sold += $q{i} WHERE stock >= $q{i} RETURN VALUE id);
                 IF array::len($taken_{i}) = 0 {{ THROW 'checkout:out_of_stock:{i}' }};\n"
            ));
        }
        let redeem = cart.effect.is_some() && cart.cart.discount_code.is_some();
        if redeem {
            sql.push_str(
                "LET $redeemed = (UPDATE type::record('discount', $code) SET used_count += 1
                     WHERE usage_limit = NONE OR used_count < usage_limit RETURN once_per_customer);
                 IF array::len($redeemed) = 0 { THROW 'checkout:discount_used_up' };
                 IF $redeemed[0].once_per_customer {
                     FOR $customer IN $customer_keys {
                         CREATE discount_redemption SET code = $code, customer = $customer, order_id = $order_id;
                     };
                 };\n",
            );
        }
        // The receipt is queued by the order's own transaction: no order without its mail; and
        // the charge is the order's from the same commit.
        sql.push_str(crate::mail::outbox::INSERT);
        sql.push_str(attempts::SETTLE);
        sql.push_str(
            "CREATE type::record('orders', $order_id) CONTENT $order;
             UPDATE type::record('orders', $order_id) SET placed_at = <datetime> $placed_at,
                 access_expires_at = IF access_hash = NONE { NONE } ELSE { time::now() + <duration> $link_lifetime };
             FOR $line IN $lines { DELETE type::record('cart_line', $line) WHERE cart = $cart; };
             UPDATE type::record('cart', $cart) SET discount_code = NONE, updated_at = time::now();
             UPDATE idempotency SET state = 'done', order_id = $order_id, response = $response
                 WHERE scope = $scope AND key = $key;
             COMMIT TRANSACTION;",
        );
        // The stored answer never holds the guest's token: a replay derives it again.
        let stored = PlacedOrder { access_token: None, ..placed.clone() };
        let response = match serde_json::to_string(&stored) {
            Ok(r) => r,
            Err(e) => return Err(TxFailure::Other(Error::invalid("order", e.to_string()))),
        };
        let mut query = self
            .store
            .db()
            .query(sql)
            .bind(("order_id", order_id.to_string()))
            .bind(("order", without_nulls(order)))
            .bind(("cart", shopper.cart_key()))
            .bind(("lines", cart.cart.lines.iter().map(|l| l.id.clone()).collect::<Vec<_>>()))
            .bind(("code", cart.cart.discount_code.clone().unwrap_or_default()))
            .bind(("customer_keys", crate::cart::discounts::customer_keys(shopper.user_id(), email)))
            .bind(("scope", scope.to_string()))
            .bind(("key", key.to_string()))
            .bind(("placed_at", placed.order.placed_at.clone()))
            .bind(("payment_key", payment_key.to_string()))
            .bind(("link_lifetime", self.links.lifetime()))
            .bind(("mail", self.letters.composer.receipt(&placed.order, placed.access_token.as_deref())))
            .bind(("response", response));
        for (i, line) in cart.cart.lines.iter().enumerate() {
            query = query
                .bind((format!("p{i}"), line.product_id.0.clone()))
                .bind((format!("q{i}"), i64::from(line.quantity)));
        }
        let mut res =
            query.await.map_err(|e| tx_failure(&failure::classify(&e)).unwrap_or(TxFailure::Other(e.into())))?;
        let errors = res.take_errors();
        if errors.is_empty() {
            return Ok(());
        }
        let failures: Vec<Failure> = errors.values().map(failure::classify).collect();
        Err(failures.iter().find_map(tx_failure).unwrap_or_else(|| {
            // Report the statement that failed, not the ones skipped because of it.
            let mut errors: Vec<_> = errors.into_values().collect();
            errors.sort_by_key(|e| failure::classify(e) == Failure::Skipped);
            TxFailure::Other(errors.into_iter().next().map_or(Error::Conflict("checkout failed"), Error::from))
        }))
    }

    async fn account_email(&self, user_id: &str) -> Result<String> {
        crate::identity::accounts::email_of(&self.store, user_id).await?.ok_or(Error::Unauthorized)
    }

    /// For a member whose latest order saved a payment method: a one-time confirmation to pay
    /// for the cart as it is now with that method, shipped standard to that order's address
    /// (valid 15 minutes). `None` when there is nothing to offer (a guest, no such order, an
    /// empty cart or a code that no longer applies).
    pub async fn offer_confirmation(&self, shopper: &Shopper) -> Result<Option<model::CheckoutOffer>> {
        let Some(user) = shopper.user_id() else { return Ok(None) };
        let cart = self.carts.priced(shopper).await?;
        if cart.cart.lines.is_empty() || cart.rejection.is_some() {
            return Ok(None);
        }
        let Some(saved) = self.saved_payment(user, None).await? else { return Ok(None) };
        let total = self.carts.totals_for(&cart, model::ShippingMethod::Standard).total;
        let (token, hash) = new_token();
        self.store
            .db()
            .query(
                "CREATE type::record('checkout_confirmation', $hash) SET owner = $owner, from_order = $order,
                     total = $total, expires_at = time::now() + 15m",
            )
            .bind(("hash", hash))
            .bind(("owner", shopper.scope()))
            .bind(("order", saved.id.clone()))
            .bind(("total", total.amount))
            .await?
            .check()?;
        Ok(Some(model::CheckoutOffer {
            token: token.expose_secret().to_string(),
            total,
            ship_to: format!(
                "{}, {} {}, {}",
                saved.address.name, saved.address.postal_code, saved.address.city, saved.address.country
            ),
            card_last4: saved.card_last4,
        }))
    }

    /// Places the order a confirmation describes: the shopper's click on the assistant's card.
    /// Only the shopper it was minted for may use it, within 15 minutes, and only while the cart
    /// still costs what the card said; a second click replays the first order.
    pub async fn confirm(&self, shopper: &Shopper, token: &str) -> Result<CheckoutOutcome> {
        let hash = crate::identity::opaque::hash_of(&secrecy::SecretString::from(token.to_string()));
        #[derive(SurrealValue)]
        struct OfferRow {
            owner: String,
            from_order: String,
            total: i64,
            live: bool,
        }
        let mut res = self
            .store
            .db()
            .query(
                "SELECT owner, from_order, total, expires_at > time::now() AS live
                 FROM type::record('checkout_confirmation', $hash)",
            )
            .bind(("hash", hash.clone()))
            .await?;
        let offer: Option<OfferRow> = res.take(0)?;
        let offer = offer.filter(|o| o.owner == shopper.scope()).ok_or(Error::NotFound("confirmation"))?;
        let user = shopper.user_id().ok_or(Error::NotFound("confirmation"))?;
        let scope = shopper.scope();
        let key = format!("confirm-{hash}");
        // A repeat click replays the order it already placed, even after expiry.
        let attempt = match idempotency::claim(&self.store, &scope, &key, &hash).await? {
            Claim::Replay(response) => return self.replayed(shopper, &response, "token").await,
            Claim::Fresh(attempt) => attempt,
        };
        let result = async {
            if !offer.live {
                return Err(Error::invalid("token", "this confirmation has expired; ask the assistant again"));
            }
            let saved =
                self.saved_payment(user, Some(&offer.from_order)).await?.ok_or(Error::NotFound("confirmation"))?;
            let cart = self.carts.priced(shopper).await?;
            let now = self.carts.totals_for(&cart, model::ShippingMethod::Standard).total;
            if now.amount != offer.total {
                return Err(Error::Conflict("your cart changed since the assistant prepared this; ask again"));
            }
            let email = self.account_email(user).await?;
            let delivery = Delivery { address: &saved.address, method: model::ShippingMethod::Standard };
            let method = saved.payment_method.clone();
            let pay = Pay::Saved(&method, &saved.card_last4);
            self.place_claimed(shopper, &scope, &key, &attempt, &delivery, pay, &email).await
        }
        .await;
        self.end_claim(&result, &scope, &key).await;
        result.map(|placed| CheckoutOutcome { placed, replayed: false })
    }

    /// The member's latest order with a saved payment method (or the given one of theirs).
    /// Only an order the member placed signed in counts: a guest order that joined the account
    /// carries a card someone else may have typed.
    async fn saved_payment(&self, user: &str, order: Option<&str>) -> Result<Option<SavedPayment>> {
        let filter = if order.is_some() { "AND record::id(id) = $order" } else { "" };
        let mut res = self
            .store
            .db()
            .query(format!(
                "SELECT record::id(id) AS id, payment_method, card_last4, address, placed_at FROM orders
                 WHERE user_id = $user AND placed_by = $placed_by AND payment_method != NONE {filter}
                 ORDER BY placed_at DESC LIMIT 1"
            ))
            .bind(("user", user.to_string()))
            .bind(("placed_by", format!("user:{user}")))
            .bind(("order", order.unwrap_or_default().to_string()))
            .await?;
        let row: Option<SavedRow> = res.take(0)?;
        Ok(row.map(|r| SavedPayment {
            id: r.id,
            payment_method: r.payment_method,
            card_last4: r.card_last4,
            address: model::Address {
                name: r.address.name,
                line1: r.address.line1,
                line2: r.address.line2,
                city: r.address.city,
                region: r.address.region,
                postal_code: r.address.postal_code,
                country: r.address.country,
            },
        }))
    }
}

/// The order's row: the order as the shopper sees it, plus who owns it and the payment
/// references that stay server-side.
fn order_content(
    shopper: &Shopper,
    order: &model::Order,
    charge: &payment::Charge,
    link: Option<&crate::orders::guest_links::IssuedLink>,
) -> serde_json::Value {
    let a = &order.shipping_address;
    let totals = &order.totals;
    json!({
        "user_id": shopper.user_id(),
        // Whose memory a cancellation or refund informs (a guest's session has no user id).
        "placed_by": shopper.scope(),
        "email": order.email,
        "status": order.status.as_str(),
        "lines": order.lines.iter().map(|l| json!({
            "product_id": l.product_id.0, "slug": l.slug, "name": l.name,
            "quantity": l.quantity, "unit_price": l.unit_price.amount,
        })).collect::<Vec<_>>(),
        "currency": totals.total.currency.code(),
        "subtotal": totals.subtotal.amount,
        "discount": totals.discount.amount,
        "shipping": totals.shipping.amount,
        "tax": totals.tax.amount,
        "total": totals.total.amount,
        "discount_code": order.discount_code,
        "address": {
            "name": a.name, "line1": a.line1, "line2": a.line2, "city": a.city,
            "region": a.region, "postal_code": a.postal_code, "country": a.country,
        },
        "shipping_method": order.shipping_method.as_str(),
        "card_last4": order.card_last4,
        "payment_ref": charge.id,
        "payment_method": charge.method,
        "access_hash": link.map(|l| l.hash.clone()),
        "access_issued": link.map(|l| l.issued),
        "events": order.events.iter().map(|e| json!({ "status": e.status.as_str(), "at": e.at })).collect::<Vec<_>>(),
    })
}

/// SurrealDB reads JSON `null` as NULL, which an `option<…>` field refuses: leave such keys out.
fn without_nulls(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect()
        }
        serde_json::Value::Array(items) => items.into_iter().map(without_nulls).collect(),
        other => other,
    }
}

/// What the order transaction's failure means for the buyer (`None`: an unexpected failure).
fn tx_failure(failure: &Failure) -> Option<TxFailure> {
    match failure {
        Failure::Thrown(text) => {
            if let Some(line) = text.strip_prefix("checkout:out_of_stock:") {
                let digits: String = line.chars().take_while(char::is_ascii_digit).collect();
                return Some(TxFailure::OutOfStock(digits.parse().unwrap_or(0)));
            }
            (text == "checkout:discount_used_up").then_some(TxFailure::DiscountUsedUp)
        }
        Failure::Unique(Constraint::DiscountRedemptionOnce) => Some(TxFailure::DiscountAlreadyUsed),
        Failure::Conflict => Some(TxFailure::Conflict),
        _ => None,
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
