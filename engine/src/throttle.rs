//! Throttles for actions a client could repeat to harm someone (mail floods, guessing): a
//! fixed-window counter per action and subject, kept in the database so every server instance
//! counts the same hits.

use crate::store::Store;
use crate::{Error, Result};
use std::time::Duration;
use surrealdb::types::SurrealValue;

/// One throttled action: at most `limit` hits per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Names the action in the counter's key.
    pub action: &'static str,
    /// Hits allowed per window.
    pub limit: u32,
    /// The window.
    pub window: Duration,
}

/// Verification mail: one a minute per account.
pub const VERIFY_RESEND: Limit = Limit { action: "verify-resend", limit: 1, window: Duration::from_secs(60) };
/// Verification mail: five a day per account.
pub const VERIFY_RESEND_DAILY: Limit =
    Limit { action: "verify-resend-day", limit: 5, window: Duration::from_secs(24 * 3600) };
/// Password-reset mail: three per quarter hour per email address.
pub const RESET_PER_EMAIL: Limit = Limit { action: "reset-email", limit: 3, window: Duration::from_secs(15 * 60) };
/// Password-reset requests: ten per quarter hour per client address.
pub const RESET_PER_CLIENT: Limit = Limit { action: "reset-client", limit: 10, window: Duration::from_secs(15 * 60) };

/// Guest order links mailed again: three per quarter hour per email address.
pub const GUEST_LINKS_PER_EMAIL: Limit =
    Limit { action: "guest-links-email", limit: 3, window: Duration::from_secs(15 * 60) };
/// Guest order link requests: ten per quarter hour per client address.
pub const GUEST_LINKS_PER_CLIENT: Limit =
    Limit { action: "guest-links-client", limit: 10, window: Duration::from_secs(15 * 60) };

/// Registrations from one client address per hour (`REGISTRATIONS_PER_HOUR`), for a limit of `n`.
pub fn registrations(n: u32) -> Limit {
    Limit { action: "register-client", limit: n, window: Duration::from_secs(3600) }
}

/// Failed sign-ins: ten per quarter hour per email address, then even the right password waits.
pub const LOGIN_FAILURES: Limit = Limit { action: "login-fail", limit: 10, window: Duration::from_secs(15 * 60) };

#[derive(SurrealValue)]
struct Outcome {
    allowed: bool,
    retry_after: i64,
}

/// Counts a hit of `limit` for `subject`; over the limit it is [`Error::RateLimited`] with the
/// seconds until the window ends, and the hit is not counted.
pub async fn hit(store: &Store, limit: Limit, subject: &str) -> Result<()> {
    let key = format!("{}:{subject}", limit.action);
    let mut res = store
        .query(
            "BEGIN TRANSACTION;
             LET $t = (SELECT window_start, hits FROM type::record('throttle', $key))[0];
             LET $fresh = $t = NONE OR $t.window_start + <duration> $window <= $now;
             LET $allowed = $fresh OR $t.hits < $limit;
             IF $fresh {
                 UPSERT type::record('throttle', $key) SET window_start = $now, hits = 1;
             } ELSE IF $allowed {
                 UPDATE type::record('throttle', $key) SET hits += 1;
             };
             RETURN {
                 allowed: $allowed,
                 retry_after: IF $allowed THEN 0
                     ELSE time::unix($t.window_start + <duration> $window) - time::unix($now) END
             };
             COMMIT TRANSACTION;",
        )
        .bind(("key", key))
        .bind(("window", format!("{}s", limit.window.as_secs())))
        .bind(("limit", i64::from(limit.limit)))
        .await?
        .check()?;
    let outcome: Option<Outcome> = res.take(res.num_statements().saturating_sub(2))?;
    match outcome {
        Some(o) if !o.allowed => {
            Err(Error::RateLimited { retry_after_secs: u64::try_from(o.retry_after.max(1)).unwrap_or(1) })
        }
        _ => Ok(()),
    }
}

/// [`Error::RateLimited`] when `subject` already used up `limit` in the current window; counts
/// nothing (pair with [`hit`] for the attempts that count, e.g. failures only).
pub async fn check(store: &Store, limit: Limit, subject: &str) -> Result<()> {
    let key = format!("{}:{subject}", limit.action);
    let mut res = store
        .query(
            "LET $t = (SELECT window_start, hits FROM type::record('throttle', $key))[0];
             RETURN IF $t != NONE AND $t.window_start + <duration> $window > $now AND $t.hits >= $limit
                 THEN time::unix($t.window_start + <duration> $window) - time::unix($now) ELSE NONE END;",
        )
        .bind(("key", key))
        .bind(("window", format!("{}s", limit.window.as_secs())))
        .bind(("limit", i64::from(limit.limit)))
        .await?;
    let wait: Option<i64> = res.take(1)?;
    match wait {
        Some(secs) => Err(Error::RateLimited { retry_after_secs: u64::try_from(secs.max(1)).unwrap_or(1) }),
        None => Ok(()),
    }
}
