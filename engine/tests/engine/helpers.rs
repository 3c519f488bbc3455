//! Shared set-up: a migrated, seeded in-memory store.

use engine::clock::MovableClock;
use engine::seed::{AccountSpec, SeedOptions};
use engine::store::Store;
use engine::Services;
use secrecy::SecretString;
use std::sync::Arc;
use surrealdb::types::SurrealValue;

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
    seeded_at(Arc::new(MovableClock::default())).await
}

/// A seeded shop whose time is `clock` (a test moves it forward instead of back-dating rows).
pub async fn seeded_at(clock: Arc<MovableClock>) -> Services {
    let store = Store::in_memory().await.unwrap();
    engine::seed::run(&store, &seed_options()).await.unwrap();
    let commerce = engine::CommerceSettings { clock, ..engine::CommerceSettings::default() };
    Services::new(store, engine::Settings { commerce, ..engine::Settings::ephemeral().unwrap() })
}

/// A clock for [`seeded_at`], and the test's handle to move it.
pub fn movable_clock() -> Arc<MovableClock> {
    Arc::new(MovableClock::default())
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

/// A queued message, read straight from the outbox (tests only: the worker is what sends).
#[derive(Debug, Clone, SurrealValue)]
pub struct Queued {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: Option<String>,
    pub body_html: Option<String>,
    pub status: String,
    pub attempts: i64,
}

/// Every message in the outbox, oldest first.
pub async fn outbox(store: &Store) -> Vec<Queued> {
    let mut res = store
        .client()
        .query(
            "SELECT record::id(id) AS id, kind, recipient, subject, body_text, body_html, status, attempts, created_at
             FROM outbox ORDER BY created_at",
        )
        .await
        .unwrap();
    res.take(0).unwrap()
}

/// The token of the newest queued link `/path?token=…` mailed to `to`.
pub async fn mailed_token(store: &Store, to: &str, path: &str) -> SecretString {
    let marker = format!("{path}?token=");
    let mail = outbox(store)
        .await
        .into_iter()
        .rev()
        .find(|m| m.recipient == to && m.body_text.as_deref().is_some_and(|t| t.contains(&marker)))
        .unwrap_or_else(|| panic!("no {path} link was mailed to {to}"));
    let text = mail.body_text.unwrap();
    let start = text.find(&marker).unwrap() + marker.len();
    SecretString::from(text[start..].split_whitespace().next().unwrap().to_string())
}

/// Puts `units` of product `id` in stock, as an admin would (the listing sees it at once).
pub async fn set_stock(services: &Services, id: &str, units: i64) {
    services.catalog.change(id, &model::ProductChange { price: None, stock: Some(units) }).await.unwrap();
}

/// Reprices product `id` to `cents` (in its currency), as an admin would.
pub async fn set_price(services: &Services, id: &str, cents: i64) {
    let price = Some(model::Money::new(cents, services.catalog.by_id(id).await.unwrap().price.currency));
    services.catalog.change(id, &model::ProductChange { price, stock: None }).await.unwrap();
}
