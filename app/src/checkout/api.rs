//! Server functions for checkout: the same `engine::checkout` call as `POST /v1/checkout`.
// `place_order` takes the form's fields flat so a plain HTML form posts them; the server-function
// macro also generates its browser-side twin, which an attribute on the function does not reach.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;
use model::PlacedOrder;

/// What checkout will charge, per shipping method, computed by the engine.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    /// The cart.
    pub cart: model::Cart,
    /// Totals with standard shipping.
    pub standard: model::Totals,
    /// Totals with express shipping.
    pub express: model::Totals,
}

/// The cart with its totals for each shipping method.
#[server]
pub async fn checkout_quote() -> Result<Quote, AppError> {
    let shopper = crate::ssr::shopper_for_change().await?;
    let carts = crate::ssr::services()?.carts;
    let priced = carts.priced(&shopper).await?;
    Ok(Quote {
        standard: carts.totals_for(&priced, model::ShippingMethod::Standard),
        express: carts.totals_for(&priced, model::ShippingMethod::Express),
        cart: priced.cart,
    })
}

/// A fresh idempotency key for one checkout form (a double submit reuses it).
#[server]
pub async fn new_checkout_key() -> Result<String, AppError> {
    Ok(engine::checkout::idempotency::new_key())
}

/// Places the order from the shopper's cart. Flat fields so a plain form posts them.
#[server]
pub async fn place_order(
    key: String,
    email: Option<String>,
    name: String,
    line1: String,
    line2: Option<String>,
    city: String,
    region: Option<String>,
    postal_code: String,
    country: String,
    shipping_method: String,
    card_number: String,
    exp_month: Option<String>,
    exp_year: Option<String>,
    cvc: Option<String>,
) -> Result<PlacedOrder, AppError> {
    let number = |field: &str, raw: Option<String>| -> Result<Option<u32>, AppError> {
        match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| AppError::Invalid { field: field.into(), message: "must be a number".into() }),
        }
    };
    let request = model::CheckoutRequest {
        email,
        shipping_address: model::AddressInput { name, line1, line2, city, region, postal_code, country },
        shipping_method,
        payment: model::PaymentInput {
            method: "card".into(),
            card_number,
            exp_month: number("payment.exp_month", exp_month)?,
            exp_year: number("payment.exp_year", exp_year)?,
            cvc,
        },
    };
    let shopper = crate::ssr::shopper_for_change().await?;
    let outcome = crate::ssr::services()?.checkout.place(&shopper, &key, &request).await?;
    Ok(outcome.placed)
}
