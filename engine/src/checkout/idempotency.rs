//! Idempotency keys for checkout: the first request with a key claims it; a repeat with the same
//! body replays the stored response, a different body is refused, and a repeat while the first
//! is still running is told so. The record completes in the order's own transaction.

use crate::store::Store;
use crate::{Error, Result};
use surrealdb::types::SurrealValue;

/// How long a claimed key stays locked to its first request (a crashed request frees it then).
const LOCK_SECONDS: i64 = 60;

/// What claiming a key found.
#[derive(Debug)]
pub enum Claim {
    /// The key is ours now: go ahead.
    Fresh,
    /// The same request already completed: this is its response body.
    Replay(String),
}

#[derive(SurrealValue)]
struct KeyRow {
    request_hash: String,
    state: String,
    response: Option<String>,
    locked: bool,
}

/// Validates the client's key: 1 to 255 visible ASCII characters.
pub fn parse_key(raw: &str) -> Result<String> {
    let key = raw.trim();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid("Idempotency-Key", "must be 1 to 255 visible ASCII characters (a UUID is ideal)"));
    }
    Ok(key.to_string())
}

/// A fresh key for a client that has none (the web checkout form).
pub fn new_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// SHA-256 of the request, hex.
pub fn request_hash(body: &[u8]) -> String {
    hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body))
}

/// Claims `key` in `scope` for a request hashing to `hash`.
pub async fn claim(store: &Store, scope: &str, key: &str, hash: &str) -> Result<Claim> {
    let created = store
        .db()
        .query(
            "CREATE idempotency SET scope = $scope, key = $key, request_hash = $hash, state = 'pending',
                 locked_until = time::now() + <duration> $lock",
        )
        .bind(("scope", scope.to_string()))
        .bind(("key", key.to_string()))
        .bind(("hash", hash.to_string()))
        .bind(("lock", format!("{LOCK_SECONDS}s")))
        .await?
        .check();
    match created {
        Ok(_) => return Ok(Claim::Fresh),
        Err(e) if e.to_string().contains("idempotency_scope_key") => {}
        Err(e) => return Err(e.into()),
    }
    let mut res = store
        .db()
        .query(
            "SELECT request_hash, state, response, locked_until > time::now() AS locked
             FROM idempotency WHERE scope = $scope AND key = $key",
        )
        .bind(("scope", scope.to_string()))
        .bind(("key", key.to_string()))
        .await?;
    let row: Option<KeyRow> = res.take(0)?;
    let Some(row) = row else { return Err(Error::IdempotencyInProgress) };
    if row.request_hash != hash {
        return Err(Error::IdempotencyMismatch);
    }
    match (row.state.as_str(), row.response) {
        ("done", Some(response)) => Ok(Claim::Replay(response)),
        _ if row.locked => Err(Error::IdempotencyInProgress),
        // A pending claim whose request died: take it over, if nobody else just did.
        _ => {
            let mut res = store
                .db()
                .query(
                    "UPDATE idempotency SET locked_until = time::now() + <duration> $lock
                     WHERE scope = $scope AND key = $key AND state = 'pending' AND locked_until <= time::now()
                     RETURN VALUE id",
                )
                .bind(("scope", scope.to_string()))
                .bind(("key", key.to_string()))
                .bind(("lock", format!("{LOCK_SECONDS}s")))
                .await?
                .check()?;
            let taken: Vec<surrealdb::types::Value> = res.take(0)?;
            if taken.is_empty() {
                Err(Error::IdempotencyInProgress)
            } else {
                Ok(Claim::Fresh)
            }
        }
    }
}

/// Frees a claimed key after a request that changed nothing (declined card, empty cart ...),
/// so the shopper can fix the problem and retry with the same key.
pub async fn release(store: &Store, scope: &str, key: &str) {
    let released = store
        .db()
        .query("DELETE idempotency WHERE scope = $scope AND key = $key AND state = 'pending'")
        .bind(("scope", scope.to_string()))
        .bind(("key", key.to_string()))
        .await
        .and_then(|r| r.check());
    if let Err(e) = released {
        tracing::warn!(error = %e, "could not release an idempotency key; it frees itself when its lock expires");
    }
}
