//! The one worker that drains the outbox: each due message is claimed, sent, and marked sent;
//! a failure is tried again with exponential backoff, and after the last attempt (or at once,
//! for a permanent refusal) the message is dead until an admin retries it. Messages live in
//! the database, so nothing queued is lost when the process stops or is killed; one cut off
//! mid-send is sent again when its lease lapses.

use super::outbox::Outbox;
use super::transport::{MailError, Mailer};
use std::sync::Arc;
use std::time::Duration;

/// How often and how patiently a message is tried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Wait after the first failure; doubled after each further one.
    pub first_delay: Duration,
    /// Longest wait between two attempts.
    pub max_delay: Duration,
    /// Attempts in all before the message is dead.
    pub max_attempts: u32,
    /// How often the outbox is looked at when nothing woke the worker (other instances' mail,
    /// retries coming due).
    pub poll: Duration,
}

impl Default for RetryPolicy {
    /// 10 s, 20 s, 40 s … up to 30 minutes between attempts, 10 attempts (about 2.5 hours).
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(30 * 60),
            max_attempts: 10,
            poll: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The wait after `failed` attempts, or `None` when there is no attempt left.
    pub fn delay_after(&self, failed: u32) -> Option<Duration> {
        if failed >= self.max_attempts {
            return None;
        }
        let factor = 2u32.saturating_pow(failed.saturating_sub(1));
        Some(self.first_delay.saturating_mul(factor).min(self.max_delay))
    }
}

/// Drains the outbox through a [`Mailer`].
#[derive(Debug, Clone)]
pub struct MailWorker {
    outbox: Outbox,
    mailer: Arc<dyn Mailer>,
    policy: RetryPolicy,
}

impl MailWorker {
    /// A worker sending `outbox`'s messages through `mailer`.
    pub fn new(outbox: Outbox, mailer: Arc<dyn Mailer>, policy: RetryPolicy) -> Self {
        Self { outbox, mailer, policy }
    }

    /// Runs until the task is dropped.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move { self.run().await })
    }

    async fn run(self) {
        loop {
            let sent = match self.drain_once().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %crate::error::error_chain(&e), "outbox: could not read the queue");
                    0
                }
            };
            if sent > 0 {
                continue;
            }
            let wait = match self.outbox.next_due_in().await {
                Ok(Some(secs)) => Duration::from_secs_f64(secs).min(self.policy.poll),
                _ => self.policy.poll,
            };
            tokio::select! {
                _ = self.outbox.woken() => {}
                _ = tokio::time::sleep(wait.max(Duration::from_millis(10))) => {}
            }
        }
    }

    /// Tries every message due now once; returns how many attempts were made.
    pub async fn drain_once(&self) -> crate::Result<usize> {
        let due = self.outbox.due(20).await?;
        let mut tried = 0;
        for id in due {
            let Some(mail) = self.outbox.claim(&id).await? else { continue };
            tried += 1;
            let failed = u32::try_from(mail.attempts).unwrap_or(0) + 1;
            match self.mailer.send(&mail).await {
                Ok(()) => {
                    self.outbox.mark_sent(&id).await?;
                    tracing::info!(outbox = %id, attempt = failed, "mail sent");
                }
                Err(e) => {
                    let retry = match &e {
                        MailError::Permanent(_) => None,
                        MailError::Transient(_) => self.policy.delay_after(failed),
                    };
                    self.outbox.mark_failed(&id, &e.to_string(), retry.map(|d| d.as_secs_f64())).await?;
                    match retry {
                        Some(d) => {
                            tracing::warn!(outbox = %id, attempt = failed, error = %e, retry_in_ms = d.as_millis() as u64, "mail not sent; will retry")
                        }
                        None => {
                            tracing::error!(outbox = %id, attempt = failed, error = %e, "mail not sent; dead (an admin can retry it)")
                        }
                    }
                }
            }
        }
        Ok(tried)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_then_gives_up() {
        let p = RetryPolicy {
            first_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(60),
            max_attempts: 5,
            poll: Duration::from_secs(1),
        };
        let delays: Vec<_> = (1..=5).map(|n| p.delay_after(n).map(|d| d.as_secs())).collect();
        assert_eq!(delays, vec![Some(10), Some(20), Some(40), Some(60), None]);
    }
}
