//! Everything server-only: the SurrealDB store, the catalog, the seed data and (as the issues land)
//! identity, sessions, cart, checkout, orders, memory and the assistant.
//!
//! No leptos, no axum: the HTTP layers call into [`Services`] and map [`Error`] to their own types.

pub mod catalog;
pub mod error;
pub mod identity;
pub mod seed;
pub mod store;

pub use error::{Error, Result};

use catalog::Catalog;
use store::Store;

/// One cheap-to-clone handle to every engine service (each holds an `Arc` or a cloneable client).
#[derive(Clone)]
pub struct Services {
    /// The database handle, for readiness checks and shutdown.
    pub store: Store,
    /// Products and categories.
    pub catalog: Catalog,
}

impl Services {
    /// Builds the services over a connected, migrated store.
    pub fn new(store: Store) -> Self {
        Self { catalog: Catalog::new(store.clone()), store }
    }
}
