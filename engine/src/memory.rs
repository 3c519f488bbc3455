//! Long-term memory: explicit preferences, the history of signals, and the affinity graph they
//! build in SurrealDB (`likes`, `avoids`, `bought_with` edges), all owned like a cart (a user,
//! or a guest's session until it is promoted). Signals are recorded off the request path by one
//! worker ([`Memory::record`]); [`Memory::flush`] waits for it (tests, shutdown). The shopper
//! sees, edits, exports and erases it all ([`Memory::get`], [`Memory::forget`] ...).

mod page;
mod preferences;
pub mod recommend;
pub mod signals;

use crate::catalog::Catalog;
use crate::shopper::Shopper;
use crate::store::Store;
use crate::Result;
use signals::{Signal, SignalKind};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Signals the memory page shows (the export has all).
pub const PAGE_HISTORY: u32 = 50;

/// The one thing carts, checkout and orders may do with the memory: record what a shopper did.
/// A narrow handle, so those services cannot read or change anything else the shop remembers.
#[derive(Clone)]
pub struct SignalSender(Memory);

impl SignalSender {
    /// Records a signal (see [`Memory::record`]).
    pub async fn record(&self, shopper: &Shopper, signal: Signal) {
        self.0.record(shopper, signal).await;
    }

    /// Records an order's products as bought (see [`Memory::record_order`]).
    pub async fn record_order(&self, shopper: &Shopper, products: &[String], channel: Option<&str>) {
        self.0.record_order(shopper, products, channel).await;
    }
}

impl std::fmt::Debug for SignalSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignalSender")
    }
}

/// Memory settings.
#[derive(Debug, Clone, Copy)]
pub struct MemorySettings {
    /// Affinities halve in this many days without new signals.
    pub half_life_days: f64,
}

impl Default for MemorySettings {
    fn default() -> Self {
        Self { half_life_days: 30.0 }
    }
}

enum Job {
    Signal(String, Signal),
    BoughtTogether(Vec<String>),
    Flush(oneshot::Sender<()>),
}

/// The memory service.
#[derive(Clone)]
pub struct Memory {
    store: Store,
    catalog: Catalog,
    half_life: f64,
    queue: Option<mpsc::Sender<Job>>,
    /// Shoppers' profiles as recommendations read them, dropped whenever their memory changes
    /// here and after [`PROFILE_TTL`] (another instance may have changed it).
    profiles: Arc<std::sync::Mutex<ProfileCache>>,
}

/// Cached profiles, and a change count per shopper so a profile read while their memory changed
/// is not cached.
#[derive(Default)]
struct ProfileCache {
    fresh: HashMap<String, (i64, Arc<recommend::Profile>)>,
    changes: HashMap<String, u64>,
}

/// Seconds a cached profile is trusted without a change seen by this process.
const PROFILE_TTL: i64 = 60;
/// Profiles kept at most; past it the cache starts over.
const PROFILE_CACHE: usize = 10_000;

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory").field("half_life", &self.half_life).finish_non_exhaustive()
    }
}

/// Jobs waiting beyond this are written by the request itself rather than dropped.
const QUEUE: usize = 10_000;

impl Memory {
    /// The service; with a Tokio runtime present, starts the worker that records signals.
    pub fn new(store: Store, catalog: Catalog, settings: MemorySettings) -> Self {
        let mut memory = Self {
            store,
            catalog,
            half_life: settings.half_life_days * 86_400.0,
            queue: None,
            profiles: Arc::default(),
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (tx, rx) = mpsc::channel(QUEUE);
            runtime.spawn(memory.clone().work(rx));
            memory.queue = Some(tx);
        }
        memory
    }

    /// The half-life in force, for promotion (which runs inside the sessions' transaction).
    pub async fn publish_settings(&self) -> Result<()> {
        self.store
            .query("UPSERT memory_config:current SET half_life_secs = $half")
            .bind(("half", self.half_life))
            .await?
            .check()?;
        Ok(())
    }

    async fn work(self, mut rx: mpsc::Receiver<Job>) {
        while let Some(job) = rx.recv().await {
            self.run(job).await;
        }
    }

    async fn run(&self, job: Job) {
        let result = match job {
            Job::Signal(owner, signal) => self.apply(&owner, signal).await,
            Job::BoughtTogether(products) => signals::bought_together(&self.store, &products).await,
            Job::Flush(done) => {
                let _ = done.send(());
                Ok(())
            }
        };
        if let Err(e) = result {
            tracing::error!(error = %crate::error::error_chain(&e), "recording a signal failed");
        }
    }

    /// Writes one signal now (the worker's job; the offline evaluation calls it directly too).
    pub async fn apply(&self, owner: &str, mut signal: Signal) -> Result<()> {
        if let Some(id) = &signal.product {
            let listing = self.catalog.index().entries().await?;
            if let Some(entry) = listing.by_id.get(id).and_then(|i| listing.entries.get(*i)) {
                signal.category.get_or_insert_with(|| entry.product.category.as_str().to_string());
                signal.brand.get_or_insert_with(|| entry.product.brand.clone());
            }
        }
        // Only a weighted signal about something in the catalog moves an edge (or, as a purchase,
        // the bought list); history alone (an assistant message, a search by words) leaves the
        // cached profile as it is.
        let moves_profile = signal.kind.weight() != 0.0
            && (signal.product.is_some() || signal.category.is_some() || signal.brand.is_some());
        let written = signals::apply(&self.store, owner, &signal, self.store.clock().now_unix(), self.half_life).await;
        if moves_profile {
            self.changed(owner);
        }
        written
    }

    async fn enqueue(&self, job: Job) {
        match &self.queue {
            Some(tx) => match tx.try_send(job) {
                Ok(()) => {}
                // Full or stopped: the caller writes it itself rather than lose it.
                Err(mpsc::error::TrySendError::Full(job) | mpsc::error::TrySendError::Closed(job)) => {
                    self.run(job).await
                }
            },
            None => self.run(job).await,
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, ProfileCache> {
        // A poisoned lock only means a panic mid-insert; the map is still usable.
        self.profiles.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A handle that can only record signals, for the services that produce them.
    pub fn sender(&self) -> SignalSender {
        SignalSender(self.clone())
    }

    /// Drops the cached profile of `owner` (`user:…` / `session:…`): its memory changed.
    pub fn changed(&self, owner: &str) {
        let mut cache = self.cache();
        cache.fresh.remove(owner);
        if cache.changes.len() >= PROFILE_CACHE {
            cache.changes.clear();
        }
        *cache.changes.entry(owner.to_string()).or_default() += 1;
    }

    /// Records what `shopper` did, off the request path.
    pub async fn record(&self, shopper: &Shopper, signal: Signal) {
        self.enqueue(Job::Signal(shopper.scope(), signal)).await;
    }

    /// Records a product page view.
    pub async fn record_view(&self, shopper: &Shopper, product_id: &str, channel: Option<&str>) {
        let mut s = Signal::product(SignalKind::View, product_id);
        s.channel = channel.map(str::to_string);
        self.record(shopper, s).await;
    }

    /// Records a search: its words as history, its category or brand filter as a hint.
    pub async fn record_search(&self, shopper: &Shopper, search: &model::ProductSearch, channel: Option<&str>) {
        if search.text.is_none() && search.category.is_none() && search.brand.is_none() {
            return;
        }
        let mut s = Signal::about(
            SignalKind::Search,
            search.category.as_ref().map(|c| c.as_str().to_string()),
            search.brand.clone(),
            search.text.clone(),
        );
        s.channel = channel.map(str::to_string);
        self.record(shopper, s).await;
    }

    /// A search for this shopper: relevance blended with their affinities (bounded, see
    /// `catalog::blend`), and the search recorded.
    pub async fn search(
        &self,
        shopper: &Shopper,
        search: &model::ProductSearch,
        channel: Option<&str>,
    ) -> Result<model::ProductPage> {
        let page = if search.text.is_some() && search.sort == model::Sort::Relevance {
            let affinities = self.search_affinities(shopper).await?;
            self.catalog.list_for(search, Some(&affinities)).await?
        } else {
            self.catalog.list(search).await?
        };
        self.record_search(shopper, search, channel).await;
        Ok(page)
    }

    /// Records an order's products as bought together.
    pub async fn record_order(&self, shopper: &Shopper, products: &[String], channel: Option<&str>) {
        for p in products {
            let mut s = Signal::product(SignalKind::Purchase, p);
            s.channel = channel.map(str::to_string);
            self.record(shopper, s).await;
        }
        if products.len() > 1 {
            self.enqueue(Job::BoughtTogether(products.to_vec())).await;
        }
    }

    /// Waits until every signal recorded before this call is written.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        self.enqueue(Job::Flush(tx)).await;
        let _ = rx.await;
    }
}
