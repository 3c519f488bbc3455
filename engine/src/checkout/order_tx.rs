//! The order transaction: the response drafted, then in ONE transaction the stock taken
//! (conditional decrements), the code redeemed, the order written, the cart emptied and the
//! idempotency record completed; its failures read as what they mean for the buyer.

use super::{attempts, Checkout, Delivery, Pay};
use crate::cart::PricedCart;
use crate::payments as payment;
use crate::shopper::Shopper;
use crate::store::failure::{self, Constraint, Failure};
use crate::Error;
use model::PlacedOrder;
use secrecy::ExposeSecret;
use serde_json::json;

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
                 access_expires_at = IF access_hash = NONE { NONE } ELSE { $now + <duration> $link_lifetime };
             FOR $line IN $lines { DELETE type::record('cart_line', $line) WHERE cart = $cart; };
             UPDATE type::record('cart', $cart) SET discount_code = NONE, updated_at = $now;
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
}

/// The order's row: the order as the shopper sees it, plus who owns it and the payment
/// references that stay server-side.
pub(super) fn order_content(
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
