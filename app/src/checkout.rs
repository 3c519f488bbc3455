//! Checkout in the UI: the address, shipping and card form with per-field errors, placing the
//! order idempotently, and on to its confirmation.

mod api;
mod pages;

pub use api::{new_checkout_key, place_order};
pub use pages::CheckoutPage;
