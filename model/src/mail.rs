//! Mail as the admins see it: the outbox's messages and where each one is.

use serde::{Deserialize, Serialize};

/// One message of the shop's outbox (its envelope; bodies are never listed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    /// Outbox id.
    pub id: String,
    /// `order_receipt`, `order_shipped`, `order_cancelled`, `order_refunded`, `handoff_reply`,
    /// `verify_email` or `password_reset`.
    pub kind: String,
    /// The address it goes to.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// `pending`, `sent` or `dead`.
    pub status: String,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was queued (RFC 3339).
    pub created_at: String,
    /// When the mail server accepted it.
    pub sent_at: Option<String>,
}
