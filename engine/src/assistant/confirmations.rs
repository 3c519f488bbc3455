//! Confirmation cards for what cannot be undone: cancelling an order, forgetting everything,
//! emptying the cart. The assistant (either brain) only prepares one; the shopper's click spends
//! its one-time token (owner-bound, [`LIFETIME_MINUTES`] minutes), a second click replays the
//! first outcome, and a stale card is refused. This is the cards' data layer and their effects.

use crate::cart::Carts;
use crate::identity::opaque::{hash_of, new_token};
use crate::memory::Memory;
use crate::orders::{OrderViewer, Orders};
use crate::shopper::Shopper;
use crate::store::Store;
use crate::{Error, Result};
use model::{ActionConfirmation, ActionOutcome};
use secrecy::{ExposeSecret, SecretString};
use surrealdb::types::SurrealValue;

/// How long a card can be clicked.
pub const LIFETIME_MINUTES: u32 = 10;

/// What a card does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Cancel this order (restock, refund).
    CancelOrder {
        /// The order.
        order_id: String,
    },
    /// Erase the shopper's memory (orders stay).
    ForgetEverything,
    /// Remove exactly these cart lines (the cart as the card showed it).
    EmptyCart {
        /// The lines.
        line_ids: Vec<String>,
    },
}

impl Step {
    fn kind(&self) -> &'static str {
        match self {
            Step::CancelOrder { .. } => "cancel_order",
            Step::ForgetEverything => "forget_everything",
            Step::EmptyCart { .. } => "empty_cart",
        }
    }
}

/// Stores a card for `step` owned by `shopper` and returns it.
pub async fn prepare(
    store: &Store,
    shopper: &Shopper,
    step: Step,
    summary: String,
    button: &str,
) -> Result<ActionConfirmation> {
    let (token, hash) = new_token();
    let (order_id, line_ids) = match &step {
        Step::CancelOrder { order_id } => (Some(order_id.clone()), None),
        Step::ForgetEverything => (None, None),
        Step::EmptyCart { line_ids } => (None, Some(line_ids.clone())),
    };
    store
        .query(
            "CREATE type::record('assistant_confirmation', $hash) SET owner = $owner, kind = $kind,
                 order_id = $order_id, line_ids = $line_ids, expires_at = $now + <duration> $lifetime",
        )
        .bind(("hash", hash))
        .bind(("owner", shopper.scope()))
        .bind(("kind", step.kind()))
        .bind(("order_id", order_id))
        .bind(("line_ids", line_ids))
        .bind(("lifetime", format!("{LIFETIME_MINUTES}m")))
        .await?
        .check()?;
    Ok(ActionConfirmation {
        token: token.expose_secret().to_string(),
        kind: step.kind().to_string(),
        summary,
        button: button.to_string(),
    })
}

#[derive(SurrealValue)]
struct CardRow {
    kind: String,
    order_id: Option<String>,
    line_ids: Option<Vec<String>>,
    outcome: Option<String>,
}

/// What a click needs to act on the shopper's behalf.
pub struct Effects<'a> {
    /// Orders, for cancelling.
    pub orders: &'a Orders,
    /// Memory, for forgetting.
    pub memory: &'a Memory,
    /// Carts, for emptying.
    pub carts: &'a Carts,
}

/// The shopper's click on a card: does what it said, once. Another shopper's card or an
/// unknown token is 404; an expired card is 422 naming `token`; a card whose step can no
/// longer be done (the order shipped meanwhile) answers that refusal and can be clicked again.
pub async fn confirm(store: &Store, effects: &Effects<'_>, shopper: &Shopper, token: &str) -> Result<ActionOutcome> {
    let hash = hash_of(&SecretString::from(token.to_string()));
    let mut res = store
        .query(
            "BEGIN TRANSACTION;
             LET $card = (SELECT * FROM type::record('assistant_confirmation', $hash))[0];
             LET $claimed = (UPDATE type::record('assistant_confirmation', $hash) SET used_at = $now
                 WHERE owner = $owner AND used_at = NONE AND expires_at > $now RETURN VALUE id)[0] != NONE;
             RETURN {
                 card: IF $card.owner = $owner THEN { kind: $card.kind, order_id: $card.order_id,
                     line_ids: $card.line_ids, outcome: $card.outcome } END,
                 claimed: $claimed
             };
             COMMIT TRANSACTION;",
        )
        .bind(("hash", hash.clone()))
        .bind(("owner", shopper.scope()))
        .await?
        .check()?;
    #[derive(SurrealValue)]
    struct Claim {
        card: Option<CardRow>,
        claimed: bool,
    }
    let claim: Option<Claim> = res.take(res.num_statements().saturating_sub(2))?;
    let Some(Claim { card: Some(card), claimed }) = claim else { return Err(Error::NotFound("confirmation")) };
    if !claimed {
        return match card.outcome {
            Some(text) => Ok(ActionOutcome { kind: card.kind, text, replayed: true }),
            None => {
                Err(Error::invalid("token", "this card has expired (or is being confirmed); ask the assistant again"))
            }
        };
    }
    match perform(effects, shopper, &card).await {
        Ok(text) => {
            store
                .query("UPDATE type::record('assistant_confirmation', $hash) SET outcome = $text")
                .bind(("hash", hash))
                .bind(("text", text.clone()))
                .await?
                .check()?;
            Ok(ActionOutcome { kind: card.kind, text, replayed: false })
        }
        Err(e) => {
            // Nothing was done: the card may be clicked again (it still expires on time).
            store
                .query("UPDATE type::record('assistant_confirmation', $hash) SET used_at = NONE")
                .bind(("hash", hash))
                .await?
                .check()?;
            Err(e)
        }
    }
}

async fn perform(effects: &Effects<'_>, shopper: &Shopper, card: &CardRow) -> Result<String> {
    match card.kind.as_str() {
        "cancel_order" => {
            let user = shopper.user_id().ok_or(Error::NotFound("confirmation"))?;
            let order_id = card.order_id.as_deref().ok_or(Error::NotFound("order"))?;
            let order = effects.orders.cancel(&OrderViewer::Member(user.to_string()), order_id).await?;
            Ok(format!("Order {} is cancelled; {} is being refunded to your card.", order.id, order.totals.total))
        }
        "forget_everything" => {
            effects.memory.forget(shopper).await?;
            Ok("Done: your preferences, your history and what you like are forgotten. Your orders stay, as records of sale.".into())
        }
        "empty_cart" => {
            let mut removed = 0;
            for line in card.line_ids.iter().flatten() {
                match effects.carts.remove(shopper, line).await {
                    Ok(_) => removed += 1,
                    // Removed meanwhile (another tab): nothing left to do for that line.
                    Err(Error::NotFound(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(format!("Your cart is empty ({removed} {} removed).", if removed == 1 { "item" } else { "items" }))
        }
        _ => Err(Error::NotFound("confirmation")),
    }
}
