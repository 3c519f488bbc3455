//! Payment behind a narrow trait. The built-in test provider behaves like a card processor's
//! test mode: well-known test numbers succeed or decline, nothing real is charged. Every charge
//! carries an idempotency key (as a card processor's `Idempotency-Key` header): a repeat with the
//! same key returns the first charge instead of making another, and a charge can be looked up
//! by its key (what reconciliation asks after a crash).

use futures::future::BoxFuture;
use model::{Card, Money};
use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Mutex;

/// A successful charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// The provider's reference, kept on the order for refunds.
    pub id: String,
    /// A reusable reference to the payment method (like a card processor's saved payment
    /// method: no card data), kept on the order so the shopper can pay with it again.
    pub method: String,
}

/// Why a payment call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The card was declined; the message is safe to show.
    #[error("{0}")]
    Declined(String),
    /// The provider failed or could not be reached.
    #[error("{0}")]
    Unavailable(String),
}

/// Charges and refunds cards.
pub trait PaymentProvider: Send + Sync + Debug {
    /// Charges `amount` to `card`; `reference` is the order id, for the provider's records.
    /// A repeat with the same `idempotency_key` returns the first charge.
    fn charge<'a>(
        &'a self,
        card: &'a Card,
        amount: Money,
        reference: &'a str,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Charge, PaymentError>>;

    /// Charges `amount` to a payment method saved by an earlier charge (same key rule).
    fn charge_saved<'a>(
        &'a self,
        method: &'a str,
        amount: Money,
        reference: &'a str,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Charge, PaymentError>>;

    /// The charge made with `idempotency_key`, if one was.
    fn find_charge<'a>(&'a self, idempotency_key: &'a str) -> BoxFuture<'a, Result<Option<Charge>, PaymentError>>;

    /// Gives a charge back in full (a cancelled or failed order).
    fn refund<'a>(&'a self, charge_id: &'a str) -> BoxFuture<'a, Result<(), PaymentError>>;

    /// The card brands this provider takes, as the shop's texts name them.
    fn accepted_cards(&self) -> &'static [&'static str];
}

/// The test-mode provider: `4242 4242 4242 4242` and `5555 5555 5555 4444` succeed,
/// `4000 0000 0000 0002` is declined, `4000 0000 0000 9995` has insufficient funds, and any
/// other number is declined as not a test card.
#[derive(Debug, Default)]
pub struct TestPaymentProvider {
    ledger: Mutex<Ledger>,
}

#[derive(Debug, Default)]
struct Ledger {
    /// Charge id to (amount, refunded).
    charges: HashMap<String, (Money, bool)>,
    /// Idempotency key to the charge it made.
    by_key: HashMap<String, Charge>,
}

impl TestPaymentProvider {
    fn record(&self, amount: Money, reference: &str, method: String, key: &str) -> Result<Charge, PaymentError> {
        let mut ledger = self.ledger.lock().map_err(|_| PaymentError::Unavailable("ledger".into()))?;
        if let Some(first) = ledger.by_key.get(key) {
            return Ok(first.clone());
        }
        let id = format!("ch_test_{}", uuid::Uuid::new_v4().simple());
        ledger.charges.insert(id.clone(), (amount, false));
        let charge = Charge { id, method };
        ledger.by_key.insert(key.to_string(), charge.clone());
        tracing::info!(charge = %charge.id, order = reference, amount = amount.amount, "test card charged");
        Ok(charge)
    }

    /// (charges made, of which refunded): what tests check for double charges.
    pub fn counts(&self) -> (usize, usize) {
        self.ledger.lock().map_or((0, 0), |l| (l.charges.len(), l.charges.values().filter(|c| c.1).count()))
    }
}

impl PaymentProvider for TestPaymentProvider {
    fn charge<'a>(
        &'a self,
        card: &'a Card,
        amount: Money,
        reference: &'a str,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Charge, PaymentError>> {
        Box::pin(async move {
            match card.number.as_str() {
                "4242424242424242" | "5555555555554444" => {
                    self.record(amount, reference, format!("pm_test_{}", card.last4()), idempotency_key)
                }
                "4000000000009995" => Err(PaymentError::Declined("Your card has insufficient funds.".into())),
                "4000000000000002" => Err(PaymentError::Declined("Your card was declined.".into())),
                _ => Err(PaymentError::Declined(
                    "Your card was declined. This shop runs in test mode: use 4242 4242 4242 4242.".into(),
                )),
            }
        })
    }

    fn charge_saved<'a>(
        &'a self,
        method: &'a str,
        amount: Money,
        reference: &'a str,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Charge, PaymentError>> {
        Box::pin(async move {
            // Test mode: the saved methods of the accepted test cards work again.
            match method {
                "pm_test_4242" | "pm_test_4444" => self.record(amount, reference, method.to_string(), idempotency_key),
                _ => Err(PaymentError::Declined(
                    "The saved card was declined; pay with a card on the checkout page.".into(),
                )),
            }
        })
    }

    fn accepted_cards(&self) -> &'static [&'static str] {
        // Its test numbers: 4242… is a Visa, 5555… a Mastercard.
        &["Visa", "Mastercard"]
    }

    fn find_charge<'a>(&'a self, idempotency_key: &'a str) -> BoxFuture<'a, Result<Option<Charge>, PaymentError>> {
        Box::pin(async move {
            let ledger = self.ledger.lock().map_err(|_| PaymentError::Unavailable("ledger".into()))?;
            Ok(ledger.by_key.get(idempotency_key).cloned())
        })
    }

    fn refund<'a>(&'a self, charge_id: &'a str) -> BoxFuture<'a, Result<(), PaymentError>> {
        Box::pin(async move {
            let mut ledger = self.ledger.lock().map_err(|_| PaymentError::Unavailable("ledger".into()))?;
            match ledger.charges.get_mut(charge_id) {
                Some((_, refunded)) => {
                    *refunded = true;
                    Ok(())
                }
                // A charge from before a restart: the ledger is in memory, the id format is ours.
                None if charge_id.starts_with("ch_test_") => Ok(()),
                None => Err(PaymentError::Unavailable(format!("unknown charge {charge_id}"))),
            }
        })
    }
}
