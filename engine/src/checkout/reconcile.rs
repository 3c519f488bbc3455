//! Reconciliation: a charge whose order never committed (a crash between the charge and the
//! order transaction) is found by its payment attempt and given back, now and then.

use super::{attempts, Checkout};
use crate::Result;
use std::time::Duration;

/// A payment attempt this old is over whatever happened to its request (its claim's lock is
/// 60 s, the provider's timeouts shorter): reconciliation may decide it.
const RECONCILE_AFTER_SECS: u64 = 600;

/// What reconciliation did with one stale attempt.
enum Settled {
    Refunded,
    Closed,
    Deferred,
}

/// What one reconciliation round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Charges without an order given back.
    pub refunded: usize,
    /// Attempts closed with nothing to give back (no charge was made, or an order holds it).
    pub closed: usize,
    /// Left for a later round (a retry is running, or the provider could not be asked).
    pub deferred: usize,
}

impl Checkout {
    /// One reconciliation round: every payment attempt older than ten minutes that no order
    /// holds is given back (its charge, found through the provider by its key, is refunded)
    /// and its idempotency claim released, so a later retry starts afresh.
    pub async fn reconcile(&self) -> Result<Reconciled> {
        let mut done = Reconciled::default();
        for stale in attempts::stale(&self.store, RECONCILE_AFTER_SECS, 100).await? {
            let settled = match attempts::judge(&self.store, &stale).await? {
                attempts::Verdict::Ordered => Settled::Closed,
                attempts::Verdict::InUse => Settled::Deferred,
                attempts::Verdict::Orphaned => self.settle_orphan(&stale).await?,
            };
            match settled {
                Settled::Refunded => done.refunded += 1,
                Settled::Closed => done.closed += 1,
                Settled::Deferred => done.deferred += 1,
            }
        }
        Ok(done)
    }

    /// Gives back an orphaned attempt's charge (from its record, else asked of the provider by
    /// its key), or closes it when nothing was charged.
    async fn settle_orphan(&self, stale: &attempts::Stale) -> Result<Settled> {
        let charge = match &stale.charge_id {
            Some(id) => Ok(Some(id.clone())),
            None => self.payments.find_charge(&stale.payment_key).await.map(|c| c.map(|c| c.id)),
        };
        Ok(match charge {
            Ok(Some(charge_id)) if self.give_back(&stale.payment_key, &charge_id, &stale.order_id).await => {
                tracing::warn!(order = %stale.order_id, charge = %charge_id, "refunded a charge that never became an order");
                Settled::Refunded
            }
            Ok(Some(_)) => Settled::Deferred,
            Ok(None) => {
                attempts::forget(&self.store, &stale.payment_key).await?;
                Settled::Closed
            }
            Err(e) => {
                tracing::warn!(order = %stale.order_id, error = %e, "could not ask the provider about a charge; next round");
                Settled::Deferred
            }
        })
    }

    /// Reconciles now and then every `every`, until the task is dropped.
    pub fn spawn_reconciliation(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let checkout = self.clone();
        tokio::spawn(async move {
            loop {
                match checkout.reconcile().await {
                    Ok(done) if done != Reconciled::default() => tracing::info!(?done, "payments reconciled"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %crate::error::error_chain(&e), "payment reconciliation failed"),
                }
                tokio::time::sleep(every).await;
            }
        })
    }
}
