//! Seed data: a catalog that reads like a real shop, store policies and FAQ, discount codes and
//! the admin and demo accounts. Idempotent: rows that exist are left as they are (stock and
//! prices an admin changed are never reset), missing ones are added.

mod accounts;
mod catalog_data;
mod content;
mod products;

use crate::identity::Role;
use crate::store::Store;
use crate::Result;

pub use accounts::{AccountSpec, GeneratedCredential};

/// What to seed beyond the fixed data.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// The admin account.
    pub admin: AccountSpec,
    /// The demo shopper.
    pub demo: AccountSpec,
}

/// What a seed run did.
#[derive(Debug, Default)]
pub struct SeedReport {
    /// Products added by this run (0 on a second run).
    pub products_added: u64,
    /// Products in the catalog after the run.
    pub products_total: u64,
    /// Passwords generated for accounts created by this run; show them once.
    pub generated: Vec<GeneratedCredential>,
}

/// True when the catalog is empty: the server seeds itself then (unless told not to).
pub async fn is_empty(store: &Store) -> Result<bool> {
    Ok(crate::catalog::Catalog::new(store.clone()).product_count().await? == 0)
}

/// Grows the catalog to at least `target` products with generated editions of the seed lines
/// (benchmarks and evaluations only; the shop never calls it). Returns how many were added.
pub async fn grow_catalog(store: &Store, target: usize) -> Result<u64> {
    let catalog = crate::catalog::Catalog::new(store.clone());
    let before = catalog.product_count().await?;
    let missing = target.saturating_sub(usize::try_from(before).unwrap_or(usize::MAX));
    for chunk in products::editions(missing).chunks(1_000) {
        store.query("INSERT IGNORE INTO product $products").bind(("products", chunk.to_vec())).await?.check()?;
    }
    crate::catalog::brands::sync(store).await?;
    Ok(catalog.product_count().await?.saturating_sub(before))
}

/// Brings the policy and FAQ texts to the ones this version ships (they are the shop's own
/// words, versioned with the code, and their numbers come from the settings when shown), so an
/// existing database never keeps a promise the code no longer makes.
pub async fn refresh_content(store: &Store) -> Result<()> {
    store
        .query(
            "BEGIN TRANSACTION;
             FOR $p IN $policies { UPSERT $p.id CONTENT $p; };
             FOR $f IN $faqs { UPSERT $f.id CONTENT $f; };
             COMMIT TRANSACTION;",
        )
        .bind(("policies", content::policies()))
        .bind(("faqs", content::faqs()))
        .await?
        .check()?;
    // Start-up is also when brand records left by older versions are put right.
    crate::catalog::brands::sync(store).await
}

/// Adds whatever seed data is missing.
pub async fn run(store: &Store, options: &SeedOptions) -> Result<SeedReport> {
    let catalog = crate::catalog::Catalog::new(store.clone());
    let before = catalog.product_count().await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    // INSERT IGNORE skips rows whose id already exists: the seed never overwrites live data.
    store
        .query(
            "BEGIN TRANSACTION;
             INSERT IGNORE INTO category $categories;
             INSERT IGNORE INTO product $products;
             INSERT IGNORE INTO policy $policies;
             INSERT IGNORE INTO faq $faqs;
             INSERT IGNORE INTO discount $discounts;
             COMMIT TRANSACTION;",
        )
        .bind(("categories", products::categories()))
        .bind(("products", products::products()))
        .bind(("policies", content::policies()))
        .bind(("faqs", content::faqs()))
        .bind(("discounts", content::discounts(now)))
        .await?
        .check()?;
    crate::catalog::brands::sync(store).await?;
    let mut generated = Vec::new();
    generated.extend(accounts::ensure(store, &options.admin, Role::Admin).await?);
    generated.extend(accounts::ensure(store, &options.demo, Role::Customer).await?);
    let after = catalog.product_count().await?;
    Ok(SeedReport { products_added: after.saturating_sub(before), products_total: after, generated })
}
