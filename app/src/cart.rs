//! The cart in the UI: add-to-cart on product pages, the header's cart link with its count,
//! and the cart page with steppers, remove, discount code and live totals.

mod api;
mod components;
mod pages;

pub use api::AddToCart;
pub use api::{add_to_cart, apply_discount_code, get_cart, remove_discount_code, remove_from_cart, set_cart_quantity};
pub use components::{AddToCartButton, CartLink, TotalsTable};
pub use pages::CartPage;

use leptos::prelude::*;

/// Bumped after every cart change so the header count and the cart page reload.
#[derive(Clone, Copy)]
pub struct CartVersion(pub RwSignal<u32>);

impl CartVersion {
    /// Marks the cart as changed.
    pub fn bump(self) {
        self.0.update(|v| *v += 1);
    }

    /// The current version (tracked), for resources.
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

/// The cart version from context (a detached one outside the app, e.g. in tests).
pub fn cart_version() -> CartVersion {
    use_context::<CartVersion>().unwrap_or(CartVersion(RwSignal::new(0)))
}
