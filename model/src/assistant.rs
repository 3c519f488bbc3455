//! The assistant on the wire: a reply's text and structured parts, and the typed actions it
//! took, as every channel receives them.

use crate::cart::Cart;
use crate::catalog::Product;
use crate::order::Order;
use serde::{Deserialize, Serialize};

/// What a message mentions. Prices are in cents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entities {
    /// Category slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Brand as the catalog spells it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// Color, lower case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Size: a number (`10`, `42`) or a letter size (`S`, `M`, `L`, `XL`, `XXL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Lowest price wanted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_price: Option<i64>,
    /// Highest price wanted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_price: Option<i64>,
    /// How many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
    /// "the second one" → 2, "the last one" → -1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinal: Option<i32>,
    /// An order id (upper case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// A discount code (upper case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The words left that describe products ("waterproof trail").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_words: Option<String>,
}

/// A structured piece of a reply, rendered by the shop (prices included), never by a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A wire type built once per reply and serialized; boxing the large variants buys nothing.
#[allow(clippy::large_enum_variant)]
pub enum Part {
    /// Product cards with add-to-cart buttons.
    Products {
        /// The products, in the order referred to ("the second one").
        items: Vec<Product>,
    },
    /// The cart as it is now.
    CartSummary {
        /// The cart.
        cart: Cart,
    },
    /// An order with its tracking events.
    OrderTimeline {
        /// The order.
        order: Order,
    },
    /// The step before paying: the shopper confirms on the checkout page.
    CheckoutPrompt {
        /// Where to confirm.
        href: String,
        /// What the cart totals now, as text.
        total: String,
    },
    /// A one-click confirmation: pays with the card saved by the shopper's last order and ships
    /// to its address. Only the shopper's click on it places the order.
    CheckoutConfirm {
        /// The offer.
        offer: CheckoutOffer,
    },
    /// Something that cannot be undone (cancelling an order, forgetting everything, emptying
    /// the cart), described exactly; only the shopper's click on it does it.
    ConfirmAction {
        /// The card.
        confirmation: ActionConfirmation,
    },
    /// Where an answer came from.
    Source {
        /// e.g. "Shipping policy".
        title: String,
    },
    /// Suggested next messages.
    QuickReplies {
        /// Short texts to send as they are.
        options: Vec<String>,
    },
}

/// What the assistant's confirmation card offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutOffer {
    /// One-time token for `POST /v1/checkout/confirm` (15 minutes, this shopper only).
    pub token: String,
    /// What will be charged.
    pub total: crate::money::Money,
    /// Where it ships.
    pub ship_to: String,
    /// The saved card's last four digits.
    pub card_last4: String,
}

/// A card asking the shopper to confirm an irreversible step the assistant prepared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionConfirmation {
    /// One-time token for `POST /v1/interactions/confirm` (10 minutes, this shopper only).
    pub token: String,
    /// `cancel_order`, `forget_everything` or `empty_cart`.
    pub kind: String,
    /// Exactly what the click will do.
    pub summary: String,
    /// The button's label.
    pub button: String,
}

/// What a confirmed card did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionOutcome {
    /// The card's kind.
    pub kind: String,
    /// What happened, in words.
    pub text: String,
    /// True when this repeats an earlier click on the same card.
    pub replayed: bool,
}

/// A state change the assistant made, recorded with its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Action {
    /// A product was added to the cart.
    CartLineAdded {
        /// Product id.
        product_id: String,
        /// Units added.
        quantity: u32,
    },
    /// A cart line's quantity changed.
    CartLineUpdated {
        /// Line id.
        line_id: String,
        /// New quantity.
        quantity: u32,
    },
    /// A cart line was removed.
    CartLineRemoved {
        /// Line id.
        line_id: String,
    },
    /// A discount code was applied.
    DiscountApplied {
        /// The code.
        code: String,
    },
    /// An order was cancelled.
    OrderCancelled {
        /// Order id.
        order_id: String,
    },
    /// The shopper asked for a person; a request was recorded for staff.
    HandoffRequested {
        /// The request's id.
        request_id: String,
    },
    /// Preferences were remembered or forgotten.
    MemoryUpdated {
        /// What changed, in words ("size 10 in running shoes", "forgot everything").
        summary: String,
    },
}

/// The assistant's answer to one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reply {
    /// The stored message id of this reply.
    pub message_id: String,
    /// The session the conversation belongs to.
    pub session_id: String,
    /// What the shopper was understood to want (wire name, e.g. `product_search`).
    pub intent: String,
    /// How sure, 0..1.
    pub confidence: f64,
    /// What the message mentioned.
    pub entities: Entities,
    /// The answer in words.
    pub text: String,
    /// Cards and other structured parts.
    pub parts: Vec<Part>,
    /// What changed.
    pub actions: Vec<Action>,
}

/// Who said a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Speaker {
    /// The shopper.
    User,
    /// The shopping assistant.
    Assistant,
    /// A person from the shop's team answering a hand-off.
    Staff,
}

impl Speaker {
    /// The wire and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Assistant => "assistant",
            Self::Staff => "staff",
        }
    }

    /// Reads a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "user" => Some(Self::User),
            "assistant" => Some(Self::Assistant),
            "staff" => Some(Self::Staff),
            _ => None,
        }
    }
}

impl PartialEq<&str> for Speaker {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Speaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One stored turn of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Turn {
    /// Message id.
    pub id: String,
    /// Who said it.
    pub role: Speaker,
    /// The words.
    pub text: String,
    /// For assistant turns: the intent it answered.
    pub intent: Option<String>,
    /// Structured parts.
    pub parts: Vec<Part>,
    /// Actions taken.
    pub actions: Vec<Action>,
    /// When (RFC 3339).
    pub at: String,
}

/// Where a request for a person stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum HandoffStatus {
    /// Waiting for the team.
    Open,
    /// Answered.
    Closed,
}

impl HandoffStatus {
    /// The queue's filter as a caller gives it: `open` (also when absent or empty) or
    /// `closed`; anything else is refused naming `status`.
    pub fn parse(raw: Option<&str>) -> Result<Self, crate::FieldError> {
        match raw.unwrap_or_default().trim() {
            "" | "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            other => {
                Err(crate::FieldError::new("status", format!("unknown status `{other}`; expected open or closed")))
            }
        }
    }

    /// The wire and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

impl PartialEq<&str> for HandoffStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for HandoffStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A shopper's request for a person, as the team's queue shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handoff {
    /// Hand-off id.
    pub id: String,
    /// `open` until the team replies, then `closed`.
    pub status: HandoffStatus,
    /// Who asked: the account's email, or `Guest`.
    pub shopper: String,
    /// What they said when they asked.
    pub message: String,
    /// When they asked (RFC 3339).
    pub at: String,
    /// The conversation's last turns, oldest first.
    pub recent: Vec<Turn>,
    /// The team's reply, once sent.
    pub reply: Option<String>,
}
