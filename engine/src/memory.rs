//! Long-term memory: explicit preferences, the history of signals, and the affinity graph they
//! build in SurrealDB (`likes`, `avoids`, `bought_with` edges), all owned like a cart (a user,
//! or a guest's session until it is promoted). Signals are recorded off the request path by one
//! worker ([`Memory::record`]); [`Memory::flush`] waits for it (tests, shutdown). The shopper
//! sees, edits, exports and erases it all ([`Memory::get`], [`Memory::forget`] ...).

pub mod recommend;
pub mod signals;

use crate::catalog::Catalog;
use crate::clock::{rfc3339, Clock};
use crate::shopper::Shopper;
use crate::store::Store;
use crate::{Error, Result};
use model::memory::{MemoryItem, Preferences};
use signals::{owner_record, Signal, SignalKind};
use std::collections::HashMap;
use std::sync::Arc;
use surrealdb::types::{RecordId, SurrealValue};
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
    clock: Arc<dyn Clock>,
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

#[derive(SurrealValue)]
struct PreferenceRow {
    id: String,
    kind: String,
    key: String,
    value: String,
    at: i64,
}

#[derive(SurrealValue)]
struct EdgeRow {
    id: String,
    table: String,
    key: String,
    name: Option<String>,
    score: f64,
    at: i64,
}

#[derive(SurrealValue)]
struct SignalRow {
    id: String,
    kind: String,
    weight: f64,
    product: Option<String>,
    category: Option<String>,
    brand: Option<String>,
    detail: Option<String>,
    channel: Option<String>,
    at: i64,
}

impl Memory {
    /// The service; with a Tokio runtime present, starts the worker that records signals.
    pub fn new(store: Store, catalog: Catalog, clock: Arc<dyn Clock>, settings: MemorySettings) -> Self {
        let mut memory = Self {
            store,
            catalog,
            clock,
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
            .db()
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
        let written = signals::apply(&self.store, owner, &signal, self.clock.now_unix(), self.half_life).await;
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

    /// The shopper's stated preferences.
    pub async fn preferences(&self, shopper: &Shopper) -> Result<Preferences> {
        Ok(to_preferences(&self.preference_rows(shopper).await?))
    }

    async fn preference_rows(&self, shopper: &Shopper) -> Result<Vec<PreferenceRow>> {
        let mut res = self
            .store
            .db()
            .query("SELECT record::id(id) AS id, kind, key, value, at FROM preference WHERE owner = $owner ORDER BY kind, key")
            .bind(("owner", shopper.scope()))
            .await?;
        Ok(res.take(0)?)
    }

    /// Replaces the shopper's preferences with `prefs` (already parsed); liked and avoided
    /// brands also become `likes` signals and `avoids` edges.
    pub async fn set_preferences(&self, shopper: &Shopper, prefs: &Preferences) -> Result<()> {
        let before = self.preferences(shopper).await?;
        self.replace_preferences(shopper, &before, prefs).await
    }

    /// [`Memory::set_preferences`] when the caller already read what they replace (`before`).
    async fn replace_preferences(&self, shopper: &Shopper, before: &Preferences, prefs: &Preferences) -> Result<()> {
        let mut rows: Vec<(String, String, String)> = Vec::new();
        for (k, v) in &prefs.sizes {
            rows.push(("size".into(), k.clone(), v.clone()));
        }
        for (k, v) in &prefs.budgets {
            rows.push(("budget".into(), k.clone(), v.to_string()));
        }
        for (list, kind, value) in [
            (&prefs.brands_liked, "brand", "like"),
            (&prefs.brands_avoided, "brand", "avoid"),
            (&prefs.colors_liked, "color", "like"),
            (&prefs.colors_avoided, "color", "avoid"),
            (&prefs.avoid, "constraint", "avoid"),
        ] {
            for k in list {
                rows.push((kind.into(), k.clone(), value.into()));
            }
        }
        let avoided: Vec<RecordId> =
            prefs.brands_avoided.iter().map(|b| RecordId::new("brand", crate::catalog::brands::brand_key(b))).collect();
        self.store
            .db()
            .query(
                "BEGIN TRANSACTION;
                 DELETE preference WHERE owner = $owner;
                 FOR $r IN $rows { CREATE preference SET owner = $owner, kind = $r[0], key = $r[1], value = $r[2], at = $now; };
                 DELETE avoids WHERE in = $who AND out NOTINSIDE $avoided;
                 -- Only brands the catalog carries get an edge (their records are the catalog's).
                 FOR $b IN $avoided {
                     IF record::exists($b) AND (SELECT id FROM avoids WHERE in = $who AND out = $b) = [] {
                         RELATE $who->avoids->$b SET at = $now;
                     };
                 };
                 COMMIT TRANSACTION;",
            )
            .bind(("owner", shopper.scope()))
            .bind(("who", owner_record(&shopper.scope())))
            .bind(("rows", rows))
            .bind(("avoided", avoided))
            .bind(("now", self.clock.now_unix()))
            .await?
            .check()?;
        self.changed(&shopper.scope());
        // A newly stated like or dislike moves the brand's affinity like any signal.
        for b in prefs.brands_liked.iter().filter(|b| !before.brands_liked.contains(b)) {
            self.record(shopper, Signal::about(SignalKind::Like, None, Some(b.clone()), Some("stated".into()))).await;
        }
        for b in prefs.brands_avoided.iter().filter(|b| !before.brands_avoided.contains(b)) {
            self.record(shopper, Signal::about(SignalKind::Dislike, None, Some(b.clone()), Some("stated".into())))
                .await;
        }
        Ok(())
    }

    /// `update_memory`: applies one change to the stated preferences.
    pub async fn change(&self, shopper: &Shopper, change: impl FnOnce(&mut Preferences)) -> Result<Preferences> {
        let before = self.preferences(shopper).await?;
        let mut prefs = before.clone();
        change(&mut prefs);
        let prefs = prefs.parse().map_err(|e| Error::Invalid { field: "preferences", message: e.to_string() })?;
        // Nothing to write when the change changed nothing ("forget what?").
        if prefs != before {
            self.replace_preferences(shopper, &before, &prefs).await?;
        }
        Ok(prefs)
    }

    /// Everything remembered, as the shopper sees it (history: the latest `history` signals).
    pub async fn get(&self, shopper: &Shopper, history: u32) -> Result<model::memory::Memory> {
        let rows = self.preference_rows(shopper).await?;
        let now = self.clock.now_unix();
        let mut res = self
            .store
            .db()
            .query(
                "SELECT record::id(id) AS id, record::tb(out) AS table, <string> record::id(out) AS key, out.name AS name, score, at
                     FROM likes WHERE in = $who;
                 SELECT record::id(id) AS id, kind, weight, product, category, brand, detail, channel, at
                     FROM signal WHERE owner = $owner ORDER BY at DESC LIMIT $limit;
                 SELECT 'category' AS table, category AS key, kind, count() AS n FROM signal
                     WHERE owner = $owner AND category != NONE GROUP BY table, key, kind;
                 SELECT 'brand' AS table, brand AS key, kind, count() AS n FROM signal
                     WHERE owner = $owner AND brand != NONE GROUP BY table, key, kind;
                 SELECT 'product' AS table, product AS key, kind, count() AS n FROM signal
                     WHERE owner = $owner AND product != NONE GROUP BY table, key, kind;",
            )
            .bind(("who", owner_record(&shopper.scope())))
            .bind(("owner", shopper.scope()))
            .bind(("limit", i64::from(history)))
            .await?;
        let edges: Vec<EdgeRow> = res.take(0)?;
        let signal_rows: Vec<SignalRow> = res.take(1)?;
        // Why each affinity exists: its signals counted by kind ("2 purchases, 5 views").
        let mut counts: HashMap<(String, String), Vec<(String, i64)>> = HashMap::new();
        for statement in 2..=4 {
            let rows: Vec<CountRow> = res.take(statement)?;
            for r in rows {
                let key = if r.table == "brand" { crate::catalog::brands::brand_key(&r.key) } else { r.key };
                counts.entry((r.table, key)).or_default().push((r.kind, r.n));
            }
        }
        let mut affinities: Vec<MemoryItem> = edges
            .into_iter()
            .map(|e| {
                let score = signals::decayed(e.score, e.at, now, self.half_life);
                let name = e.name.clone().unwrap_or_else(|| e.key.clone());
                let label = match e.table.as_str() {
                    "category" => format!("Category: {name}"),
                    "brand" => format!("Brand: {name}"),
                    _ => format!("Product: {name}"),
                };
                let reason = counts
                    .get(&(e.table.clone(), e.key.clone()))
                    .map(|c| reason_from(c))
                    .unwrap_or_else(|| "from what you did here".into());
                MemoryItem {
                    id: format!("likes:{}", e.id),
                    kind: "affinity".into(),
                    label,
                    reason,
                    score: Some((score * 100.0).round() / 100.0),
                    at: rfc3339(e.at),
                }
            })
            .collect();
        affinities.sort_by(|a, b| b.score.unwrap_or(0.0).total_cmp(&a.score.unwrap_or(0.0)));
        let listing = self.catalog.index().entries().await?;
        let name_of =
            |id: &str| listing.by_id.get(id).and_then(|i| listing.entries.get(*i)).map(|e| e.product.name.clone());
        let history =
            signal_rows.into_iter().map(|s| signal_item(&s, s.product.as_deref().and_then(name_of))).collect();
        Ok(model::memory::Memory {
            preferences: to_preferences(&rows),
            preference_items: rows.iter().map(preference_item).collect(),
            affinities,
            history,
        })
    }

    /// All of it as JSON: what the page shows plus every signal.
    pub async fn export(&self, shopper: &Shopper) -> Result<model::memory::Memory> {
        self.get(shopper, u32::MAX / 2).await
    }

    /// Deletes one item (`preference:…`, `likes:…`, `signal:…`) the shopper owns; anything else
    /// is not found.
    pub async fn delete_item(&self, shopper: &Shopper, item: &str) -> Result<()> {
        let (table, key) = item.split_once(':').ok_or(Error::NotFound("memory item"))?;
        let condition = match table {
            "preference" | "signal" => "owner = $owner",
            "likes" => "in = $who",
            _ => return Err(Error::NotFound("memory item")),
        };
        let mut res = self
            .store
            .db()
            .query(format!("DELETE type::record($table, $key) WHERE {condition} RETURN BEFORE"))
            .bind(("table", table.to_string()))
            .bind(("key", key.to_string()))
            .bind(("owner", shopper.scope()))
            .bind(("who", owner_record(&shopper.scope())))
            .await?
            .check()?;
        let deleted: Vec<surrealdb::types::Value> = res.take(0)?;
        self.changed(&shopper.scope());
        if deleted.is_empty() {
            return Err(Error::NotFound("memory item"));
        }
        Ok(())
    }

    /// Forgets everything: preferences, signals, affinities and avoids. Orders stay: they are
    /// records of sale.
    pub async fn forget(&self, shopper: &Shopper) -> Result<()> {
        // Signals still queued would re-create what is being erased.
        self.flush().await;
        self.store
            .db()
            .query(
                "BEGIN TRANSACTION;
                 DELETE preference WHERE owner = $owner;
                 DELETE signal WHERE owner = $owner;
                 DELETE likes WHERE in = $who;
                 DELETE avoids WHERE in = $who;
                 COMMIT TRANSACTION;",
            )
            .bind(("owner", shopper.scope()))
            .bind(("who", owner_record(&shopper.scope())))
            .await?
            .check()?;
        self.changed(&shopper.scope());
        Ok(())
    }
}

#[derive(SurrealValue)]
struct CountRow {
    table: String,
    key: String,
    kind: String,
    n: i64,
}

/// "2 purchases, 5 views, 1 return": the signals behind an affinity, the weightiest first.
fn reason_from(counts: &[(String, i64)]) -> String {
    const ORDER: [(&str, &str, &str); 9] = [
        ("like", "time you said you like it", "times you said you like it"),
        ("dislike", "time you said you don't", "times you said you don't"),
        ("purchase", "purchase", "purchases"),
        ("return", "return", "returns"),
        ("cancel", "cancelled order", "cancelled orders"),
        ("cart_add", "cart add", "cart adds"),
        ("cart_remove", "removal from the cart", "removals from the cart"),
        ("view", "view", "views"),
        ("search", "search", "searches"),
    ];
    let parts: Vec<String> = ORDER
        .iter()
        .filter_map(|(kind, one, many)| {
            let n: i64 = counts.iter().filter(|(k, _)| k == kind).map(|(_, n)| n).sum();
            (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
        })
        .collect();
    if parts.is_empty() {
        "from what you did here".into()
    } else {
        parts.join(", ")
    }
}

fn to_preferences(rows: &[PreferenceRow]) -> Preferences {
    let mut p = Preferences::default();
    for r in rows {
        match (r.kind.as_str(), r.value.as_str()) {
            ("size", v) => {
                p.sizes.insert(r.key.clone(), v.to_string());
            }
            ("budget", v) => {
                p.budgets.insert(r.key.clone(), v.parse().unwrap_or(0));
            }
            ("brand", "like") => p.brands_liked.push(r.key.clone()),
            ("brand", _) => p.brands_avoided.push(r.key.clone()),
            ("color", "like") => p.colors_liked.push(r.key.clone()),
            ("color", _) => p.colors_avoided.push(r.key.clone()),
            (_, _) => p.avoid.push(r.key.clone()),
        }
    }
    p
}

fn preference_item(r: &PreferenceRow) -> MemoryItem {
    let scope = |k: &str| if k == "*" { String::new() } else { format!(" in {k}") };
    let label = match (r.kind.as_str(), r.value.as_str()) {
        ("size", v) => format!("Size {v}{}", scope(&r.key)),
        ("budget", v) => {
            let cents: i64 = v.parse().unwrap_or(0);
            format!("Budget {}{}", model::Money::new(cents, model::Currency::USD), scope(&r.key))
        }
        ("brand", "like") => format!("Likes {}", r.key),
        ("brand", _) => format!("Avoids {}", r.key),
        ("color", "like") => format!("Likes {}", r.key),
        ("color", _) => format!("Avoids {}", r.key),
        (_, _) => format!("No {}", r.key),
    };
    MemoryItem {
        id: format!("preference:{}", r.id),
        kind: "preference".into(),
        label,
        reason: "you told us".into(),
        score: None,
        at: rfc3339(r.at),
    }
}

fn signal_item(s: &SignalRow, product_name: Option<String>) -> MemoryItem {
    let what = product_name
        .or_else(|| s.product.clone())
        .or_else(|| s.detail.clone())
        .or_else(|| s.brand.clone())
        .or_else(|| s.category.clone());
    let label = match what {
        Some(w) => format!("{} {w}", s.kind.replace('_', " ")),
        None => s.kind.replace('_', " "),
    };
    MemoryItem {
        id: format!("signal:{}", s.id),
        kind: "signal".into(),
        label,
        reason: format!("on {}", s.channel.as_deref().unwrap_or("the shop")),
        score: Some(s.weight),
        at: rfc3339(s.at),
    }
}
