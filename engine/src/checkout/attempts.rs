//! Payment attempts' data layer: every charge is written down before it is made (`charging`),
//! deleted by the order's own transaction ([`settle`]), and otherwise left for reconciliation to
//! find: a charge that never became an order is refunded, whatever crashed or timed out between.

use super::idempotency::Attempt;
use crate::store::tx::Tx;
use crate::store::Store;
use crate::Result;
use model::Money;
use surrealdb::types::SurrealValue;

/// The statement the order transaction adds (with `$payment_key` bound): the charge is an
/// order's now.
const SETTLE: &str = "DELETE type::record('payment_attempt', $payment_key);";

/// Closes the attempt as a step of the order's transaction: the charge is the order's from
/// the same commit.
pub(crate) fn settle(tx: &mut Tx, payment_key: &str) {
    tx.push(SETTLE).bind("payment_key", payment_key.to_string());
}

/// A charge that outlived its request without becoming an order.
#[derive(Debug, SurrealValue)]
pub(crate) struct Stale {
    /// The provider's idempotency key (also the record's id).
    pub payment_key: String,
    pub order_id: String,
    pub scope: String,
    pub key: String,
    /// Known when the charge answered before the failure.
    pub charge_id: Option<String>,
}

/// Writes down the charge `attempt` is about to make (a retry of the same attempt keeps the
/// first record and its age).
pub(crate) async fn announce(store: &Store, attempt: &Attempt, scope: &str, key: &str, amount: Money) -> Result<()> {
    store
        .query(
            "UPSERT type::record('payment_attempt', $payment_key) SET order_id = $order_id, scope = $scope,
                 key = $key, amount = $amount, currency = $currency, state = 'charging'",
        )
        .bind(("payment_key", attempt.payment_key.clone()))
        .bind(("order_id", attempt.order_id.clone()))
        .bind(("scope", scope.to_string()))
        .bind(("key", key.to_string()))
        .bind(("amount", amount.amount))
        .bind(("currency", amount.currency.code().to_string()))
        .await?
        .check()?;
    Ok(())
}

/// Records that the charge went through as `charge_id` but no order will hold it (it is being
/// refunded; if that fails, reconciliation tries again).
pub(crate) async fn charged(store: &Store, payment_key: &str, charge_id: &str) -> Result<()> {
    store
        .query("UPDATE type::record('payment_attempt', $payment_key) SET state = 'charged', charge_id = $charge")
        .bind(("payment_key", payment_key.to_string()))
        .bind(("charge", charge_id.to_string()))
        .await?
        .check()?;
    Ok(())
}

/// Forgets an attempt that charged nothing (declined) or whose charge was given back.
pub(crate) async fn forget(store: &Store, payment_key: &str) -> Result<()> {
    store.query(SETTLE).bind(("payment_key", payment_key.to_string())).await?.check()?;
    Ok(())
}

/// Attempts older than `older_than_secs` (their requests are long over), oldest first.
pub(crate) async fn stale(store: &Store, older_than_secs: u64, limit: u32) -> Result<Vec<Stale>> {
    let mut res = store
        .query(
            "SELECT record::id(id) AS payment_key, order_id, scope, key, charge_id FROM payment_attempt
             WHERE created_at < $now - <duration> $age ORDER BY created_at LIMIT $limit",
        )
        .bind(("age", format!("{older_than_secs}s")))
        .bind(("limit", i64::from(limit)))
        .await?;
    Ok(res.take(0)?)
}

/// What reconciling one stale attempt may do, decided by the database in one transaction.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Its order exists: the charge is the order's (the record was a leftover).
    Ordered,
    /// A retry of the same request holds the claim right now: look again next round.
    InUse,
    /// No order and nobody retrying: the claim (if any) is released, so a retry starts a new
    /// attempt with a new payment key; the charge, if there is one, must be refunded.
    Orphaned,
}

/// Decides what `stale` is, releasing its idempotency claim when it is orphaned.
pub(crate) async fn judge(store: &Store, stale: &Stale) -> Result<Verdict> {
    let mut res = store
        .query(
            "BEGIN TRANSACTION;
             LET $ordered = record::exists(type::record('orders', $order_id));
             LET $claim = (SELECT state, locked_until > $now AS locked FROM idempotency
                 WHERE scope = $scope AND key = $key AND payment_key = $payment_key)[0];
             LET $verdict = IF $ordered { 'ordered' } ELSE IF $claim != NONE AND $claim.locked { 'in_use' } ELSE { 'orphaned' };
             IF $verdict = 'ordered' { DELETE type::record('payment_attempt', $payment_key) };
             IF $verdict = 'orphaned' {
                 DELETE idempotency WHERE scope = $scope AND key = $key AND payment_key = $payment_key AND state = 'pending'
             };
             RETURN $verdict;
             COMMIT TRANSACTION;",
        )
        .bind(("order_id", stale.order_id.clone()))
        .bind(("scope", stale.scope.clone()))
        .bind(("key", stale.key.clone()))
        .bind(("payment_key", stale.payment_key.clone()))
        .await?
        .check()?;
    let verdict: Option<String> = res.take(res.num_statements().saturating_sub(2))?;
    Ok(match verdict.as_deref() {
        Some("ordered") => Verdict::Ordered,
        Some("in_use") => Verdict::InUse,
        _ => Verdict::Orphaned,
    })
}
