//! The outbox's data layer: messages waiting to be sent, written by the transaction of the
//! event that causes them ([`queue`], a step of that transaction), claimed one at a time under a lease
//! (so several server instances can drain one outbox), and marked sent, retried or dead.

use crate::store::tx::Tx;
use crate::store::Store;
use crate::{Error, Result};
use std::sync::Arc;
use surrealdb::types::SurrealValue;
use tokio::sync::Notify;

/// Queues `mail` as a step of the event's own transaction (no event without its mail, no
/// mail without its event). With `only_if`, the name of a boolean the transaction set before
/// with `LET`, the mail is queued only when it is true (the event may turn out not to happen).
/// One message per transaction.
pub(crate) fn queue(tx: &mut Tx, mail: Option<Mail>, only_if: Option<&'static str>) {
    let condition = match only_if {
        Some(flag) => format!("$mail != NONE AND ${flag}"),
        None => "$mail != NONE".to_string(),
    };
    tx.push(&format!("IF {condition} {{ CREATE outbox CONTENT $mail; }};")).bind("mail", mail);
}

/// How long a claimed message is the claimer's before another worker may try it (a worker
/// that died mid-send leaves it to be sent again: at least once, never lost). Longer than the
/// SMTP transport's 20 s timeout, so a slow send is never sent twice by two live workers.
const LEASE_SECONDS: u32 = 30;

/// The kinds of message the shop sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// An order was placed.
    OrderReceipt,
    /// An order shipped.
    OrderShipped,
    /// An order was cancelled.
    OrderCancelled,
    /// An order was refunded.
    OrderRefunded,
    /// The team answered a request for a person.
    HandoffReply,
    /// Prove an email address.
    VerifyEmail,
    /// Choose a new password.
    PasswordReset,
    /// New links to a guest's orders.
    OrderLinks,
}

impl MailKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderReceipt => "order_receipt",
            Self::OrderShipped => "order_shipped",
            Self::OrderCancelled => "order_cancelled",
            Self::OrderRefunded => "order_refunded",
            Self::HandoffReply => "handoff_reply",
            Self::VerifyEmail => "verify_email",
            Self::PasswordReset => "password_reset",
            Self::OrderLinks => "order_links",
        }
    }
}

/// A composed message, as queued.
#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct Mail {
    /// A [`MailKind`]'s name.
    pub kind: String,
    /// The address it goes to.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: String,
}

/// Where a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// Delivered to the mail server.
    Sent,
    /// Failed every attempt; an admin may retry it.
    Dead,
}

impl OutboxStatus {
    /// The list filter as a caller gives it (`dead` when absent); anything else is refused
    /// naming `status`.
    pub fn parse(raw: Option<&str>) -> Result<Self> {
        match raw.unwrap_or_default() {
            "" | "dead" => Ok(Self::Dead),
            "pending" => Ok(Self::Pending),
            "sent" => Ok(Self::Sent),
            other => Err(Error::invalid("status", format!("unknown status `{other}`; expected dead, pending or sent"))),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Dead => "dead",
        }
    }
}

/// A message claimed for sending.
#[derive(Debug, Clone, SurrealValue)]
pub struct Claimed {
    /// Outbox id (also the message's `Message-ID`, so a resend is recognisable).
    pub id: String,
    /// The address it goes to.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: String,
    /// Attempts before this one.
    pub attempts: i64,
}

#[derive(SurrealValue)]
struct ListedRow {
    id: String,
    kind: String,
    recipient: String,
    subject: String,
    status: String,
    attempts: i64,
    last_error: Option<String>,
    created_at: String,
    sent_at: Option<String>,
}

const LISTED_FIELDS: &str = "record::id(id) AS id, kind, recipient, subject, status, attempts, last_error, \
     <string> created_at AS created_at, <string> sent_at AS sent_at";

/// The outbox: cheap to clone; wakes the worker when a transaction queued something.
#[derive(Clone, Debug)]
pub struct Outbox {
    store: Store,
    wake: Arc<Notify>,
}

impl Outbox {
    /// The outbox over `store`.
    pub fn new(store: Store) -> Self {
        Self { store, wake: Arc::new(Notify::new()) }
    }

    /// Tells the worker a committed transaction queued mail.
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }

    /// Resolves when something was queued since the last call.
    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Messages of `status`, newest first (the admins' view).
    pub async fn list(&self, status: OutboxStatus, limit: u32) -> Result<Vec<model::OutboxMessage>> {
        let mut res = self
            .store
            .query(format!(
                "SELECT {LISTED_FIELDS} FROM outbox WHERE status = $status ORDER BY created_at DESC LIMIT $limit"
            ))
            .bind(("status", status.as_str()))
            .bind(("limit", i64::from(limit)))
            .await?;
        let rows: Vec<ListedRow> = res.take(0)?;
        Ok(rows.into_iter().map(ListedRow::into_model).collect())
    }

    /// Sends a dead message again: it becomes pending with its attempts reset. An unknown id is
    /// 404; a message that is not dead is 409 and changes nothing.
    pub async fn retry(&self, id: &str) -> Result<model::OutboxMessage> {
        let mut res = self
            .store
            .query(format!(
                "UPDATE type::record('outbox', $id) SET status = 'pending', attempts = 0,
                     next_attempt_at = $now, lease_until = NONE WHERE status = 'dead';
                 SELECT {LISTED_FIELDS} FROM type::record('outbox', $id);"
            ))
            .bind(("id", id.to_string()))
            .await?
            .check()?;
        let moved: Vec<surrealdb::types::Value> = res.take(0)?;
        let row: Option<ListedRow> = res.take(1)?;
        let row = row.ok_or(Error::NotFound("message"))?;
        if moved.is_empty() {
            return Err(Error::Conflict("only a dead message can be retried"));
        }
        self.wake();
        Ok(row.into_model())
    }

    /// Ids of pending messages due now, oldest due first.
    pub(crate) async fn due(&self, limit: u32) -> Result<Vec<String>> {
        let mut res = self
            .store
            .query(
                "SELECT VALUE record::id(id) FROM outbox WHERE status = 'pending' AND next_attempt_at <= $now
                     AND (lease_until = NONE OR lease_until < $now) ORDER BY next_attempt_at LIMIT $limit",
            )
            .bind(("limit", i64::from(limit)))
            .await?;
        Ok(res.take(0)?)
    }

    /// Seconds until the next pending message is due, if any is waiting.
    pub(crate) async fn next_due_in(&self) -> Result<Option<f64>> {
        let mut res = self
            .store
            .query(
                "RETURN (SELECT VALUE time::millis(next_attempt_at) - time::millis($now) FROM outbox
                     WHERE status = 'pending' ORDER BY next_attempt_at LIMIT 1)[0]",
            )
            .await?;
        let millis: Option<i64> = res.take(0)?;
        Ok(millis.map(|ms| ms.max(0) as f64 / 1000.0))
    }

    /// Takes message `id` for one attempt, unless another worker holds it or it is no longer
    /// pending.
    pub(crate) async fn claim(&self, id: &str) -> Result<Option<Claimed>> {
        let mut res = self
            .store
            .query(
                "UPDATE type::record('outbox', $id) SET lease_until = $now + <duration> $lease
                     WHERE status = 'pending' AND (lease_until = NONE OR lease_until < $now)
                     RETURN record::id(id) AS id, recipient, subject, body_text ?? '' AS body_text,
                         body_html ?? '' AS body_html, attempts",
            )
            .bind(("id", id.to_string()))
            .bind(("lease", format!("{LEASE_SECONDS}s")))
            .await?
            .check()?;
        let rows: Vec<Claimed> = res.take(0)?;
        Ok(rows.into_iter().next())
    }

    /// Delivered: the body (which may hold a one-time link) is dropped, the envelope kept.
    pub(crate) async fn mark_sent(&self, id: &str) -> Result<()> {
        self.store
            .query(
                "UPDATE type::record('outbox', $id) SET status = 'sent', sent_at = $now, attempts += 1,
                     lease_until = NONE, body_text = NONE, body_html = NONE, last_error = NONE",
            )
            .bind(("id", id.to_string()))
            .await?
            .check()?;
        Ok(())
    }

    /// A failed attempt: tried again after `retry_in` seconds, or dead when `None`.
    pub(crate) async fn mark_failed(&self, id: &str, error: &str, retry_in: Option<f64>) -> Result<()> {
        let error: String = error.chars().take(500).collect();
        let sql = match retry_in {
            Some(_) => {
                "UPDATE type::record('outbox', $id) SET attempts += 1, last_error = $error, lease_until = NONE,
                     next_attempt_at = $now + <duration> $delay"
            }
            None => {
                "UPDATE type::record('outbox', $id) SET attempts += 1, last_error = $error, lease_until = NONE,
                     status = 'dead'"
            }
        };
        let delay = format!("{}ms", (retry_in.unwrap_or(0.0) * 1000.0).round() as u64);
        self.store
            .query(sql)
            .bind(("id", id.to_string()))
            .bind(("error", error))
            .bind(("delay", delay))
            .await?
            .check()?;
        Ok(())
    }
}

impl ListedRow {
    fn into_model(self) -> model::OutboxMessage {
        model::OutboxMessage {
            id: self.id,
            kind: self.kind,
            recipient: self.recipient,
            subject: self.subject,
            status: self.status,
            attempts: u32::try_from(self.attempts).unwrap_or(0),
            last_error: self.last_error,
            created_at: self.created_at,
            sent_at: self.sent_at,
        }
    }
}
