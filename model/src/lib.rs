//! Typed models shared by the WASM frontend and the server.
//!
//! Only serde (and serde_json for the chat stream's events), thiserror and http's header types here (utoipa behind the `openapi` feature): never leptos, tokio or
//! surrealdb, so the browser bundle stays small and the wire format is defined in one place.

use serde::{Deserialize, Serialize};

pub mod assistant;
pub mod cart;
pub mod catalog;
pub mod chat;
pub mod checkout;
pub mod cookies;
pub mod error;
pub mod identity;
pub mod mail;
pub mod memory;
pub mod money;
pub mod order;
pub mod paging;
pub mod search;
pub mod session;

pub use assistant::{
    Action, ActionConfirmation, ActionOutcome, CheckoutOffer, Entities, Handoff, HandoffStatus, Part, Reply, Speaker,
    Turn,
};
pub use cart::{Cart, CartLine, DiscountRejection, Quantity, QuantityError, Totals};
pub use catalog::{
    Attribute, Category, CategorySlug, Product, ProductChange, ProductId, ProductPage, MAX_PRICE_MINOR, MAX_STOCK,
};
pub use checkout::{Address, AddressInput, Card, CheckoutDetails, CheckoutRequest, PaymentInput, ShippingMethod};
pub use identity::{Email, EmailError, Role, User};
pub use mail::OutboxMessage;
pub use money::{parse_major_units, Currency, Money, MoneyError};
pub use order::{Order, OrderEvent, OrderLine, OrderStatus, PlacedOrder};
pub use paging::{PageRequest, PagingError};
pub use search::{FacetValue, Facets, ProductSearch, SearchParams, Sort};
pub use session::{Channel, RestoredSession, SessionInfo, SessionList};

/// A field that failed validation and why; every channel turns it into a 422 naming `field`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field or parameter at fault, e.g. `shipping_address.postal_code`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// A failure of `field`.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_string(), message: message.into() }
    }
}
