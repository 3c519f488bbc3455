//! The assistant's one-click checkout: a member whose last order saved a payment method is
//! offered a confirmation card, and their click places the order with that method.

use super::idempotency::{self, Claim};
use super::{Checkout, CheckoutOutcome, Delivery, Pay};
use crate::identity::opaque::new_token;
use crate::shopper::Shopper;
use crate::{Error, Result};
use secrecy::ExposeSecret;
use surrealdb::types::SurrealValue;

#[derive(SurrealValue)]
struct SavedRow {
    id: String,
    payment_method: String,
    card_last4: String,
    address: crate::orders::record::AddressRow,
}

/// Where and how a member paid last.
struct SavedPayment {
    id: String,
    payment_method: String,
    card_last4: String,
    address: model::Address,
}

impl Checkout {
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
            .query(
                "CREATE type::record('checkout_confirmation', $hash) SET owner = $owner, from_order = $order,
                     total = $total, expires_at = $now + 15m",
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
            .query(
                "SELECT owner, from_order, total, expires_at > $now AS live
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
            .query(format!(
                "SELECT record::id(id) AS id, payment_method, card_last4, address, placed_at FROM orders
                 WHERE user_id = $user AND placed_by = $placed_by AND payment_method != NONE {filter}
                 ORDER BY placed_at DESC LIMIT 1"
            ))
            .bind(("user", user.to_string()))
            .bind(("placed_by", Shopper::member(user).scope()))
            .bind(("order", order.unwrap_or_default().to_string()))
            .await?;
        let row: Option<SavedRow> = res.take(0)?;
        Ok(row.map(|r| SavedPayment {
            id: r.id,
            payment_method: r.payment_method,
            card_last4: r.card_last4,
            address: r.address.into(),
        }))
    }
}
