//! Everything server-only: the SurrealDB store, the catalog, the seed data and (as the issues land)
//! identity, sessions, cart, checkout, orders, memory and the assistant.
//!
//! No leptos, no axum: the HTTP layers call into [`Services`] and map [`Error`] to their own types.

pub mod catalog;
pub mod error;
pub mod identity;
pub mod seed;
pub mod sessions;
pub mod store;

pub use error::{Error, Result};

use catalog::Catalog;
use identity::{Identity, JwtKeys, TokenIssuer};
use store::Store;

/// One cheap-to-clone handle to every engine service (each holds an `Arc` or a cloneable client).
#[derive(Clone)]
pub struct Services {
    /// The database handle, for readiness checks and shutdown.
    pub store: Store,
    /// Products and categories.
    pub catalog: Catalog,
    /// Accounts and tokens.
    pub identity: Identity,
    /// Guest and user sessions.
    pub sessions: sessions::Sessions,
}

/// Token lifetimes and keys for [`Services::new`].
#[derive(Clone, Debug)]
pub struct IdentitySettings {
    /// RS256 key pair.
    pub keys: JwtKeys,
    /// Access-token lifetime in minutes.
    pub access_minutes: u32,
    /// Refresh-token lifetime in days.
    pub refresh_days: u32,
}

impl IdentitySettings {
    /// A fresh key pair with the default lifetimes (15 minutes, 7 days): for tests and tools.
    pub fn ephemeral() -> Result<Self> {
        Ok(Self { keys: JwtKeys::generate()?, access_minutes: 15, refresh_days: 7 })
    }
}

impl Services {
    /// Builds the services over a connected, migrated store.
    pub fn new(store: Store, identity: IdentitySettings) -> Self {
        let issuer = TokenIssuer::new(identity.keys, identity.access_minutes);
        Self {
            catalog: Catalog::new(store.clone()),
            identity: Identity::new(store.clone(), issuer, identity.refresh_days),
            sessions: sessions::Sessions::new(store.clone()),
            store,
        }
    }
}
