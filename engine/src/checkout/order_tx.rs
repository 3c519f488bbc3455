//! The order transaction: the response drafted, then in ONE transaction the stock taken
//! (conditional decrements), the code redeemed, the order written, the cart emptied and the
//! idempotency record completed; its failures read as what they mean for the buyer.

use super::{attempts, Checkout, Delivery, Pay};
use crate::cart::{discounts, PricedCart};
use crate::catalog::stock;
use crate::mail::outbox;
use crate::orders::record::NewOrder;
use crate::shopper::Shopper;
use crate::store::failure::{self, Constraint, Failure};
use crate::store::tx::Tx;
use crate::Error;
use model::PlacedOrder;
use secrecy::ExposeSecret;

/// Why the order transaction did not commit.
pub(super) enum TxFailure {
    OutOfStock(usize),
    DiscountUsedUp,
    DiscountAlreadyUsed,
    Conflict,
    Other(Error),
}

impl Checkout {
    /// The response as the shopper will see it (also stored for idempotent replays).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn draft(
        &self,
        order_id: &str,
        email: &str,
        delivery: &Delivery<'_>,
        pay: Pay<'_>,
        cart: &PricedCart,
        totals: &model::Totals,
        guest_token: Option<&secrecy::SecretString>,
    ) -> PlacedOrder {
        let now = crate::clock::rfc3339(self.store.clock().now_unix());
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
    pub(super) async fn commit(
        &self,
        shopper: &Shopper,
        scope: &str,
        key: &str,
        payment_key: &str,
        cart: &PricedCart,
        email: &str,
        order: NewOrder,
        placed: &PlacedOrder,
    ) -> std::result::Result<(), TxFailure> {
        let order_id = placed.order.id.as_str();
        // The stored answer never holds the guest's token: a replay derives it again.
        let stored = PlacedOrder { access_token: None, ..placed.clone() };
        let response = match serde_json::to_string(&stored) {
            Ok(r) => r,
            Err(e) => return Err(TxFailure::Other(Error::invalid("order", e.to_string()))),
        };
        let mut tx = Tx::begin();
        for (i, line) in cart.cart.lines.iter().enumerate() {
            stock::take(&mut tx, i, line.product_id.as_str(), line.quantity);
        }
        if let (Some(_), Some(code)) = (&cart.effect, &cart.cart.discount_code) {
            discounts::redeem(&mut tx, code, shopper.user_id(), email, order_id);
        }
        // The receipt is queued by the order's own transaction: no order without its mail; and
        // the charge is the order's from the same commit.
        let receipt = self.letters.composer.receipt(&placed.order, placed.access_token.as_deref());
        outbox::queue(&mut tx, Some(receipt), None);
        attempts::settle(&mut tx, payment_key);
        tx.push(
            "CREATE type::record('orders', $order_id) CONTENT $order;
             UPDATE type::record('orders', $order_id) SET placed_at = <datetime> $placed_at,
                 access_expires_at = IF access_hash = NONE { NONE } ELSE { $now + <duration> $link_lifetime };
             FOR $line IN $lines { DELETE type::record('cart_line', $line) WHERE cart = $cart; };
             UPDATE type::record('cart', $cart) SET discount_code = NONE, updated_at = $now;
             UPDATE idempotency SET state = 'done', order_id = $order_id, response = $response
                 WHERE scope = $scope AND key = $key;",
        )
        .bind("order_id", order_id.to_string())
        .bind("order", order)
        .bind("cart", shopper.cart_key())
        .bind("lines", cart.cart.lines.iter().map(|l| l.id.clone()).collect::<Vec<_>>())
        .bind("scope", scope.to_string())
        .bind("key", key.to_string())
        .bind("placed_at", placed.order.placed_at.clone())
        .bind("link_lifetime", self.links.lifetime())
        .bind("response", response);
        let mut res = tx
            .commit(&self.store)
            .await
            .map_err(|e| tx_failure(&failure::classify(&e)).unwrap_or(TxFailure::Other(e.into())))?;
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
}

/// What the order transaction's failure means for the buyer (`None`: an unexpected failure).
fn tx_failure(failure: &Failure) -> Option<TxFailure> {
    if let Some(line) = stock::out_of_stock(failure) {
        return Some(TxFailure::OutOfStock(line));
    }
    match failure {
        Failure::Thrown(_) => discounts::used_up(failure).then_some(TxFailure::DiscountUsedUp),
        Failure::Unique(Constraint::DiscountRedemptionOnce) => Some(TxFailure::DiscountAlreadyUsed),
        Failure::Conflict => Some(TxFailure::Conflict),
        _ => None,
    }
}
