//! Idempotency keys for checkout: the first request with a key claims it; a repeat with the same
//! body replays the stored response, a different body is refused, and a repeat while the first
//! is still running is told so. The record completes in the order's own transaction.
//!
//! A claim also fixes what every attempt of that request reuses: the order id and the key the
//! payment provider deduplicates charges by. So a retry after a timeout or a crash between the
//! charge and the commit reaches the same charge, never a second one.

use crate::store::Store;
use crate::{Error, Result};
use surrealdb::types::SurrealValue;

/// How long a claimed key stays locked to its first request (a crashed request frees it then).
const LOCK_SECONDS: i64 = 60;

/// What claiming a key found.
#[derive(Debug)]
pub enum Claim {
    /// The key is ours now: go ahead, as this attempt.
    Fresh(Attempt),
    /// The same request already completed: this is its response body.
    Replay(String),
}

/// What every attempt of one claimed request shares.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The order it places.
    pub order_id: String,
    /// The payment provider's idempotency key for its charge: derived from the client's key,
    /// its scope and the order id, so it is the same for every attempt of this claim and new
    /// for a claim made after a released one (whose charge failed or was refunded).
    pub payment_key: String,
}

impl Attempt {
    fn new(scope: &str, key: &str) -> Self {
        let order_id = uuid::Uuid::new_v4().simple().to_string()[..16].to_ascii_uppercase();
        Self::of(scope, key, order_id)
    }

    fn of(scope: &str, key: &str, order_id: String) -> Self {
        let seed = format!("{scope}\0{key}\0{order_id}");
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, seed.as_bytes());
        Self { payment_key: format!("wm-{}", hex::encode(&digest.as_ref()[..16])), order_id }
    }
}

#[derive(SurrealValue)]
struct KeyRow {
    request_hash: String,
    state: String,
    response: Option<String>,
    locked: bool,
    order_id: Option<String>,
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
    let attempt = Attempt::new(scope, key);
    let created = store
        .query(
            "CREATE idempotency SET scope = $scope, key = $key, request_hash = $hash, state = 'pending',
                 order_id = $order_id, payment_key = $payment_key, locked_until = $now + <duration> $lock",
        )
        .bind(("scope", scope.to_string()))
        .bind(("key", key.to_string()))
        .bind(("hash", hash.to_string()))
        .bind(("order_id", attempt.order_id.clone()))
        .bind(("payment_key", attempt.payment_key.clone()))
        .bind(("lock", format!("{LOCK_SECONDS}s")))
        .await?
        .check();
    match created {
        Ok(_) => return Ok(Claim::Fresh(attempt)),
        Err(e) if e.to_string().contains("idempotency_scope_key") => {}
        Err(e) => return Err(e.into()),
    }
    let mut res = store
        .query(
            "SELECT request_hash, state, response, locked_until > $now AS locked, order_id
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
        // A pending claim whose request died (or timed out at the provider): take it over, if
        // nobody else just did, as the same attempt.
        _ => {
            let attempt = match row.order_id {
                Some(order_id) => Attempt::of(scope, key, order_id),
                None => Attempt::new(scope, key),
            };
            let mut res = store
                .query(
                    "UPDATE idempotency SET locked_until = $now + <duration> $lock
                     WHERE scope = $scope AND key = $key AND state = 'pending' AND locked_until <= $now
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
                Ok(Claim::Fresh(attempt))
            }
        }
    }
}

/// Frees a claimed key after a request that changed nothing (declined card, empty cart ...),
/// so the shopper can fix the problem and retry with the same key.
pub async fn release(store: &Store, scope: &str, key: &str) {
    let released = store
        .query("DELETE idempotency WHERE scope = $scope AND key = $key AND state = 'pending'")
        .bind(("scope", scope.to_string()))
        .bind(("key", key.to_string()))
        .await
        .and_then(|r| r.check());
    if let Err(e) = released {
        tracing::warn!(error = %e, "could not release an idempotency key; it frees itself when its lock expires");
    }
}

/// Unlocks a claimed key whose outcome is unknown (the payment provider timed out: the card may
/// have been charged). The claim stays, so the shopper's retry is the same attempt and reaches
/// the same charge; reconciliation refunds it if no retry comes.
pub async fn unlock(store: &Store, scope: &str, key: &str) {
    let unlocked = store
        .query("UPDATE idempotency SET locked_until = $now WHERE scope = $scope AND key = $key AND state = 'pending'")
        .bind(("scope", scope.to_string()))
        .bind(("key", key.to_string()))
        .await
        .and_then(|r| r.check());
    if let Err(e) = unlocked {
        tracing::warn!(error = %e, "could not unlock an idempotency key; it frees itself when its lock expires");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attempt_of_a_claim_shares_its_payment_key_and_a_new_claim_gets_another() {
        let first = Attempt::new("user:a", "k1");
        let retry = Attempt::of("user:a", "k1", first.order_id.clone());
        assert_eq!(first.payment_key, retry.payment_key);
        assert_ne!(Attempt::new("user:a", "k1").payment_key, first.payment_key, "a claim after a release");
        assert_ne!(Attempt::of("user:b", "k1", first.order_id.clone()).payment_key, first.payment_key);
    }
}
