//! Shared set-up: a migrated, seeded in-memory store.

use engine::seed::{AccountSpec, SeedOptions};
use engine::store::Store;
use engine::Services;
use secrecy::SecretString;

pub fn seed_options() -> SeedOptions {
    SeedOptions {
        admin: AccountSpec {
            email: "Admin@Example.com".into(),
            name: "Admin".into(),
            password: Some(SecretString::from("admin-password-1")),
        },
        demo: AccountSpec { email: "demo@example.com".into(), name: "Demo Shopper".into(), password: None },
    }
}

pub async fn seeded() -> Services {
    let store = Store::in_memory().await.unwrap();
    engine::seed::run(&store, &seed_options()).await.unwrap();
    Services::new(store, engine::IdentitySettings::ephemeral().unwrap())
}

/// Rows in `table` matching `filter` (a SurrealQL condition, `true` for all).
pub async fn count(store: &Store, table: &str, filter: &str) -> u64 {
    let mut res = store.client().query(format!("RETURN count(SELECT id FROM {table} WHERE {filter})")).await.unwrap();
    let n: Option<i64> = res.take(0).unwrap();
    n.unwrap_or(0) as u64
}

/// The database's schema as the database reports it.
pub async fn schema(store: &Store) -> surrealdb::types::Value {
    let mut res = store.client().query("INFO FOR DB").await.unwrap();
    res.take::<Option<surrealdb::types::Value>>(0).unwrap().unwrap()
}
