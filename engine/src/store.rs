//! The SurrealDB store: one connection for the process, versioned migrations, row helpers.
//!
//! `SURREAL_URL` picks the engine through `engine::any`: `surrealkv://path` (embedded, on disk),
//! `mem://` (tests) or `ws://host:port` (a SurrealDB server or cluster).

pub mod failure;
mod migrations;
pub(crate) mod tx;

use crate::clock::{Clock, SystemClock};
use crate::Result;
use std::borrow::Cow;
use std::sync::Arc;
use surrealdb::engine::any::Any;
use surrealdb::method::Query;
use surrealdb::types::Datetime;
use surrealdb::Surreal;

pub use migrations::{MigrationReport, MIGRATIONS};

/// Namespace and database every instance uses, so any server instance sees the same data.
const NAMESPACE: &str = "shop";
const DATABASE: &str = "shop";

/// A cheap-to-clone handle on the database.
///
/// The client sits behind an `Arc` because cloning a `Surreal` handle opens a new database
/// session; one shared session is what we want. The store carries the shop's clock so every
/// query reads the same time as the Rust code around it.
#[derive(Clone, Debug)]
pub struct Store {
    db: Arc<Surreal<Any>>,
    clock: Arc<dyn Clock>,
}

impl Store {
    /// Connects to `url`, selects the shop's namespace and database, and applies pending
    /// migrations. Embedded SurrealKV gets an explicit `sync=every` (fsync on every commit)
    /// unless the URL already sets `sync`, so an acknowledged write survives a crash.
    pub async fn connect(url: &str) -> Result<(Self, MigrationReport)> {
        let url = with_durable_sync(url);
        let db = surrealdb::engine::any::connect(url.as_str()).await?;
        db.use_ns(NAMESPACE).use_db(DATABASE).await?;
        let store = Self { db: Arc::new(db), clock: Arc::new(SystemClock) };
        let report = migrations::apply(&store).await?;
        Ok((store, report))
    }

    /// A fresh in-memory store, migrated: the tests' database.
    pub async fn in_memory() -> Result<Self> {
        Ok(Self::connect("mem://").await?.0)
    }

    /// The same database read through `clock` (the services' clock: tests pin or move it).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The clock the store binds as `$now`.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The clock's time as a database datetime.
    pub(crate) fn now(&self) -> Datetime {
        let micros = self.clock.now_micros();
        let nanos = u32::try_from(micros.rem_euclid(1_000_000) * 1_000).unwrap_or(0);
        Datetime::from_timestamp(micros.div_euclid(1_000_000), nanos).unwrap_or_default()
    }

    /// A query with `$now` bound to the clock: the data layers' one way in. Time-dependent
    /// SurrealQL reads `$now`, never `time::now()`, so a test that moves the clock moves it
    /// for the database too.
    pub(crate) fn query<'a>(&'a self, sql: impl Into<Cow<'a, str>>) -> Query<'a, Any> {
        let sql = sql.into();
        // Bound only where it is read: most queries never ask the time, and a bound variable
        // costs every query its conversion.
        let reads_time = sql.contains("$now");
        let query = self.db.query(sql);
        if reads_time {
            query.bind(("now", self.now()))
        } else {
            query
        }
    }

    /// The client, for the migrations (which run before any clock is chosen).
    pub(crate) fn db(&self) -> &Surreal<Any> {
        &self.db
    }

    /// The raw client, for integration tests and operator tooling. Services go through the
    /// repositories in this crate, never through this.
    pub fn client(&self) -> &Surreal<Any> {
        &self.db
    }

    /// True when the database answers a query (readiness).
    pub async fn is_ready(&self) -> bool {
        match self.db.query("RETURN true").await {
            Ok(mut res) => matches!(res.take::<Option<bool>>(0), Ok(Some(true))),
            Err(_) => false,
        }
    }
}

/// Adds `sync=every` to a SurrealKV URL that does not choose a sync mode itself.
fn with_durable_sync(url: &str) -> String {
    let is_surrealkv = url.starts_with("surrealkv://");
    if !is_surrealkv || url.contains("sync=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sync=every")
}

/// True when `err` is a transaction conflict the database says can be retried.
pub fn is_retryable(err: &crate::Error) -> bool {
    err.failure() == Some(failure::Failure::Conflict)
}

/// Runs `op` again (up to 5 times, with a short growing pause) while it fails with a retryable
/// transaction conflict: two requests of one shopper (a double click, two tabs) touching the
/// same rows must both succeed, not fail one of them with a 500.
pub async fn retry_conflicts<T, F, Fut>(mut op: F) -> crate::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = crate::Result<T>>,
{
    let mut attempt = 0u64;
    loop {
        match op().await {
            Err(e) if is_retryable(&e) && attempt < 5 => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(3 * attempt)).await;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_durable_sync;

    #[test]
    fn surrealkv_urls_get_fsync_on_every_commit_unless_they_choose() {
        assert_eq!(with_durable_sync("surrealkv://data/shop.db"), "surrealkv://data/shop.db?sync=every");
        assert_eq!(with_durable_sync("surrealkv://d?x=1"), "surrealkv://d?x=1&sync=every");
        assert_eq!(with_durable_sync("surrealkv://d?sync=1s"), "surrealkv://d?sync=1s");
        assert_eq!(with_durable_sync("mem://"), "mem://");
        assert_eq!(with_durable_sync("ws://db:8000"), "ws://db:8000");
    }
}
