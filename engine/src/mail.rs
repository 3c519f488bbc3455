//! Mail the shop sends: messages composed from the shop's own events ([`compose`]), an outbox
//! written in the same transaction as the event that causes each one ([`outbox`]), one worker
//! that drains it with retries ([`worker`]), and the transports ([`transport`]: SMTP through
//! lettre, or `.eml` files for a shop run locally).

pub mod compose;
pub mod outbox;
pub mod transport;
pub mod worker;

pub use compose::{Composer, MailSettings};
pub use outbox::{Mail, MailKind, Outbox, OutboxStatus};
pub use transport::{FileMailer, MailError, Mailer, SmtpMailer};
pub use worker::{MailWorker, RetryPolicy};

/// What a service needs to send mail with its events: the composer and the outbox.
#[derive(Debug, Clone)]
pub struct Letters {
    /// Writes the messages.
    pub composer: Composer,
    /// Queues them (and wakes the worker after a commit).
    pub outbox: Outbox,
}
