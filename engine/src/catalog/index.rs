//! An in-memory listing snapshot of every product, so filters, facets, totals, ordering and the
//! page itself cost microseconds instead of scans per request. SurrealDB stays the source of
//! truth: the snapshot is read from it, the text match comes from its BM25 index, and product
//! pages, carts and checkout read stock live. The snapshot reloads in the background when this
//! process changed stock (checkout, cancel) and at least every [`MAX_AGE`], so another
//! instance's changes show up too; a listing's stock may lag by that much.

use super::rows::{ProductRow, PRODUCT_FIELDS};
use crate::store::Store;
use crate::Result;
use model::Product;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use surrealdb::types::SurrealValue;

/// Oldest a snapshot may be before it is reloaded.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Least time between two reloads, so a burst of orders does not reload per order.
const MIN_GAP: Duration = Duration::from_millis(500);
/// Text queries whose BM25 hits are kept (they change only when product text changes).
const TEXT_CACHE_SIZE: usize = 1_024;

/// BM25 score per matching product id.
pub type TextHits = Arc<HashMap<String, f64>>;

/// One product as listings see it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The product, as of the snapshot.
    pub product: Product,
    /// When it was added (unix seconds).
    pub created: i64,
    /// Units sold, net of cancellations (what "best selling" and the recommendation prior use).
    pub sold: u32,
    /// Position of its category in [`Listing::categories`] (counting by number, not by string).
    pub category_ix: usize,
    /// Position of its brand in [`Listing::brands`].
    pub brand_ix: usize,
}

/// Every product, and where each id sits.
#[derive(Debug, Default, Clone)]
pub struct Listing {
    /// All entries.
    pub entries: Vec<Entry>,
    /// Position of each product id in `entries`.
    pub by_id: HashMap<String, usize>,
    /// Distinct category slugs.
    pub categories: Vec<String>,
    /// Distinct brands.
    pub brands: Vec<String>,
}

impl Listing {
    fn push(&mut self, product: Product, created: i64, sold: u32) {
        let ix = |names: &mut Vec<String>, name: &str| match names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                names.push(name.to_string());
                names.len() - 1
            }
        };
        let category_ix = ix(&mut self.categories, product.category.as_str());
        let brand_ix = ix(&mut self.brands, &product.brand);
        self.by_id.insert(product.id.to_string(), self.entries.len());
        self.entries.push(Entry { product, created, sold, category_ix, brand_ix });
    }
}

struct Snapshot {
    entries: Arc<Listing>,
    loaded: Instant,
}

/// The shared index handle (cheap to clone).
#[derive(Clone)]
pub struct ListingIndex {
    store: Store,
    snapshot: Arc<RwLock<Option<Snapshot>>>,
    stale: Arc<AtomicBool>,
    needs_full: Arc<AtomicBool>,
    reloading: Arc<AtomicBool>,
    text_hits: Arc<Mutex<HashMap<String, TextHits>>>,
}

impl std::fmt::Debug for ListingIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListingIndex").finish_non_exhaustive()
    }
}

impl ListingIndex {
    /// An index over `store`, loaded on first use.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            snapshot: Arc::new(RwLock::new(None)),
            stale: Arc::new(AtomicBool::new(false)),
            needs_full: Arc::new(AtomicBool::new(false)),
            reloading: Arc::new(AtomicBool::new(false)),
            text_hits: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Stock or products changed in this process: reload soon.
    pub fn mark_stale(&self) {
        self.stale.store(true, Ordering::Release);
    }

    /// Product text changed: forget cached text matches too.
    pub fn mark_text_changed(&self) {
        self.forget_text_matches();
        self.needs_full.store(true, Ordering::Release);
        self.mark_stale();
    }

    /// Forgets cached text matches (the next search of each text asks SurrealDB again).
    pub fn forget_text_matches(&self) {
        if let Ok(mut cache) = self.text_hits.lock() {
            cache.clear();
        }
    }

    /// The current entries. The first call loads them; later calls return the snapshot at once
    /// and, when it is stale or old, start one background reload.
    pub async fn entries(&self) -> Result<Arc<Listing>> {
        let current = self.snapshot.read().ok().and_then(|s| s.as_ref().map(|s| (s.entries.clone(), s.loaded)));
        let Some((entries, loaded)) = current else {
            let fresh = Arc::new(self.load().await?);
            self.install(fresh.clone());
            return Ok(fresh);
        };
        let due = (self.stale.load(Ordering::Acquire) && loaded.elapsed() >= MIN_GAP) || loaded.elapsed() >= MAX_AGE;
        if due && !self.reloading.swap(true, Ordering::AcqRel) {
            let this = self.clone();
            let current = entries.clone();
            tokio::spawn(async move {
                this.stale.store(false, Ordering::Release);
                // Stock is what changes between full loads: refresh just that when we can.
                let refreshed = if this.needs_full.swap(false, Ordering::AcqRel) {
                    this.load().await
                } else {
                    this.refresh_stock(&current).await
                };
                match refreshed {
                    Ok(fresh) => this.install(Arc::new(fresh)),
                    Err(e) => {
                        this.stale.store(true, Ordering::Release);
                        tracing::warn!(error = %crate::error::error_chain(&e), "listing index reload failed; keeping the last one");
                    }
                }
                this.reloading.store(false, Ordering::Release);
            });
        }
        Ok(entries)
    }

    /// Reloads now and waits for it (tests, and after bulk changes).
    pub async fn reload(&self) -> Result<()> {
        self.needs_full.store(false, Ordering::Release);
        let fresh = self.load().await?;
        self.stale.store(false, Ordering::Release);
        self.install(Arc::new(fresh));
        Ok(())
    }

    /// BM25 scores of every product matching `text` (already normalized), from SurrealDB's
    /// full-text index; cached per text until product text changes.
    pub async fn text_hits(&self, text: &str) -> Result<TextHits> {
        if let Some(hit) = self.text_hits.lock().ok().and_then(|c| c.get(text).cloned()) {
            return Ok(hit);
        }
        let mut res = self.store.query(TEXT_QUERY).bind(("text", text.to_string())).await?;
        #[derive(SurrealValue)]
        struct Hit {
            id: String,
            score: f64,
        }
        let rows: Vec<Hit> = res.take(0)?;
        let hits: TextHits = Arc::new(rows.into_iter().map(|h| (h.id, h.score)).collect());
        if let Ok(mut cache) = self.text_hits.lock() {
            if cache.len() >= TEXT_CACHE_SIZE {
                cache.clear();
            }
            cache.insert(text.to_string(), hits.clone());
        }
        Ok(hits)
    }

    async fn load(&self) -> Result<Listing> {
        let mut res = self
            .store
            .query(format!("SELECT {PRODUCT_FIELDS}, time::unix(created_at) AS created, units_sold FROM product"))
            .await?;
        let rows: Vec<ProductRow> = res.take(0)?;
        let mut listing = Listing::default();
        for row in rows {
            let created = row.created.unwrap_or(0);
            let sold = row.units_sold.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
            listing.push(row.into_model()?, created, sold);
        }
        Ok(listing)
    }

    /// `current` with today's stock; a full load instead when products came or went.
    async fn refresh_stock(&self, current: &Listing) -> Result<Listing> {
        #[derive(SurrealValue)]
        struct StockRow {
            id: String,
            stock: i64,
            units_sold: i64,
        }
        // Sales move with stock (the same order transaction), so both refresh together.
        let mut res = self.store.query("SELECT record::id(id) AS id, stock, units_sold FROM product").await?;
        let rows: Vec<StockRow> = res.take(0)?;
        if rows.len() != current.entries.len() || rows.iter().any(|r| !current.by_id.contains_key(&r.id)) {
            return self.load().await;
        }
        let mut fresh = current.clone();
        for row in rows {
            if let Some(&i) = fresh.by_id.get(&row.id) {
                fresh.entries[i].product.stock = u32::try_from(row.stock).unwrap_or(0);
                fresh.entries[i].sold = u32::try_from(row.units_sold).unwrap_or(0);
            }
        }
        Ok(fresh)
    }

    fn install(&self, entries: Arc<Listing>) {
        if let Ok(mut slot) = self.snapshot.write() {
            *slot = Some(Snapshot { entries, loaded: Instant::now() });
        }
    }
}

/// The text match: every hit with its BM25 score (ordering and paging happen in memory).
pub const TEXT_QUERY: &str =
    "SELECT record::id(id) AS id, search::score(1) AS score FROM product WHERE search_text @1@ $text";
