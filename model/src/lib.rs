//! Typed models shared by the WASM frontend and the server.
//!
//! Only serde and thiserror here (utoipa behind the `openapi` feature): never leptos, tokio or
//! surrealdb, so the browser bundle stays small and the wire format is defined in one place.

pub mod catalog;
pub mod identity;
pub mod money;
pub mod paging;
pub mod session;

pub use catalog::{Attribute, Category, CategorySlug, Product, ProductId, ProductPage};
pub use identity::{Email, EmailError, Role, User};
pub use money::{Currency, Money, MoneyError};
pub use paging::{PageRequest, PagingError};
pub use session::{Channel, SessionInfo};
