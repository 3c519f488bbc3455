//! Payment behind a narrow trait. The built-in test provider behaves like a card processor's
//! test mode: well-known test numbers succeed or decline, nothing real is charged.

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
    fn charge<'a>(
        &'a self,
        card: &'a Card,
        amount: Money,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Charge, PaymentError>>;

    /// Charges `amount` to a payment method saved by an earlier charge.
    fn charge_saved<'a>(
        &'a self,
        method: &'a str,
        amount: Money,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Charge, PaymentError>>;

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
    charges: Mutex<HashMap<String, (Money, bool)>>,
}

impl TestPaymentProvider {
    fn record(&self, amount: Money, reference: &str, method: String) -> Result<Charge, PaymentError> {
        let id = format!("ch_test_{}", uuid::Uuid::new_v4().simple());
        let mut charges = self.charges.lock().map_err(|_| PaymentError::Unavailable("ledger".into()))?;
        charges.insert(id.clone(), (amount, false));
        tracing::info!(charge = %id, order = reference, amount = amount.amount, "test card charged");
        Ok(Charge { id, method })
    }
}

impl PaymentProvider for TestPaymentProvider {
    fn charge<'a>(
        &'a self,
        card: &'a Card,
        amount: Money,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Charge, PaymentError>> {
        Box::pin(async move {
            match card.number.as_str() {
                "4242424242424242" | "5555555555554444" => {
                    self.record(amount, reference, format!("pm_test_{}", card.last4()))
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
    ) -> BoxFuture<'a, Result<Charge, PaymentError>> {
        Box::pin(async move {
            // Test mode: the saved methods of the accepted test cards work again.
            match method {
                "pm_test_4242" | "pm_test_4444" => self.record(amount, reference, method.to_string()),
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

    fn refund<'a>(&'a self, charge_id: &'a str) -> BoxFuture<'a, Result<(), PaymentError>> {
        Box::pin(async move {
            let mut charges = self.charges.lock().map_err(|_| PaymentError::Unavailable("ledger".into()))?;
            match charges.get_mut(charge_id) {
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
