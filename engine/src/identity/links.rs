//! One-time account links' data layer: a verification link proves an address (the account's,
//! or a new one it moves to), a reset link sets a new password. Each token is random, stored
//! only as its SHA-256, single-use and short-lived; spending one and its effect commit together,
//! and the mail carrying a new one is queued in the same transaction as the link.

use crate::mail::{compose, outbox, Mail};
use crate::store::failure::{classify, Constraint, Failure};
use crate::store::tx::Tx;
use crate::store::Store;
use crate::{Error, Result};
use surrealdb::types::SurrealValue;

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Prove an email address.
    VerifyEmail,
    /// Choose a new password.
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::PasswordReset => "password_reset",
        }
    }

    fn lifetime(self) -> String {
        match self {
            Self::VerifyEmail => format!("{}h", compose::VERIFY_HOURS),
            Self::PasswordReset => format!("{}m", compose::RESET_MINUTES),
        }
    }
}

/// The refusal for a link that is unknown, spent or expired (one answer for all three).
fn dead_link() -> Error {
    Error::invalid("token", "this link is invalid, expired or was already used; ask for a new one")
}

/// Stores a new link (`hash`) for `user_id` proving `email` and, when there is one, queues the
/// `mail` carrying it, in one transaction (an operator's link is printed, not mailed).
pub(crate) async fn create(
    store: &Store,
    purpose: Purpose,
    hash: &str,
    user_id: &str,
    email: &str,
    mail: Option<Mail>,
) -> Result<()> {
    let mut tx = Tx::begin();
    tx.push(
        "CREATE type::record('account_token', $hash) SET purpose = $purpose, user_id = $user, email = $email,
             expires_at = $now + <duration> $lifetime;",
    )
    .bind("hash", hash.to_string())
    .bind("purpose", purpose.as_str())
    .bind("user", user_id.to_string())
    .bind("email", email.to_string())
    .bind("lifetime", purpose.lifetime());
    outbox::queue(&mut tx, mail, None);
    tx.commit(store).await?.check()?;
    Ok(())
}

/// The account a live link of `purpose` belongs to, without spending it.
pub(crate) async fn peek(store: &Store, purpose: Purpose, hash: &str) -> Result<String> {
    let mut res = store
        .query(
            "SELECT VALUE user_id FROM type::record('account_token', $hash)
             WHERE purpose = $purpose AND used_at = NONE AND expires_at > $now",
        )
        .bind(("hash", hash.to_string()))
        .bind(("purpose", purpose.as_str()))
        .await?;
    let user: Option<String> = res.take(0)?;
    user.ok_or_else(dead_link)
}

/// Spends a verification link: the account's email becomes the address it proves, verified
/// now, and every other verification link of the account dies. Returns the account id. An
/// address taken by another account meanwhile is 409 and spends nothing.
pub(crate) async fn spend_verification(store: &Store, hash: &str) -> Result<String> {
    let result = store
        .query(
            "BEGIN TRANSACTION;
             LET $t = (UPDATE type::record('account_token', $hash) SET used_at = $now
                 WHERE purpose = 'verify_email' AND used_at = NONE AND expires_at > $now RETURN AFTER)[0];
             IF $t != NONE {
                 UPDATE type::record('user', $t.user_id) SET email = $t.email, email_verified_at = $now;
                 UPDATE account_token SET used_at = $now
                     WHERE user_id = $t.user_id AND purpose = 'verify_email' AND used_at = NONE;
             };
             RETURN $t.user_id;
             COMMIT TRANSACTION;",
        )
        .bind(("hash", hash.to_string()))
        .await?
        .check();
    let mut res = match result {
        Ok(res) => res,
        Err(e) if classify(&e) == Failure::Unique(Constraint::UserEmail) => {
            return Err(Error::Conflict("that email address now belongs to another account"))
        }
        Err(e) => return Err(e.into()),
    };
    let user: Option<String> = res.take(res.num_statements().saturating_sub(2))?;
    user.ok_or_else(dead_link)
}

#[derive(SurrealValue)]
struct ResetRow {
    user_id: Option<String>,
}

/// Spends a reset link: the account gets `password_hash`, every other reset link dies, every
/// login is revoked and every session ends, all in one transaction. A reset also proves the
/// address it was mailed to. Returns the account id.
pub(crate) async fn spend_reset(store: &Store, hash: &str, password_hash: &str) -> Result<String> {
    let mut res = store
        .query(
            "BEGIN TRANSACTION;
             LET $t = (UPDATE type::record('account_token', $hash) SET used_at = $now
                 WHERE purpose = 'password_reset' AND used_at = NONE AND expires_at > $now RETURN AFTER)[0];
             IF $t != NONE {
                 UPDATE type::record('user', $t.user_id) SET password_hash = $password_hash,
                     email_verified_at = IF email = $t.email THEN email_verified_at ?? $now
                         ELSE email_verified_at END;
                 UPDATE account_token SET used_at = $now
                     WHERE user_id = $t.user_id AND purpose = 'password_reset' AND used_at = NONE;
                 UPDATE refresh_token SET revoked_at = $now WHERE user_id = $t.user_id AND revoked_at = NONE;
                 UPDATE session SET ended_at = $now WHERE user_id = $t.user_id AND ended_at = NONE;
             };
             RETURN { user_id: $t.user_id };
             COMMIT TRANSACTION;",
        )
        .bind(("hash", hash.to_string()))
        .bind(("password_hash", password_hash.to_string()))
        .await?
        .check()?;
    let row: Option<ResetRow> = res.take(res.num_statements().saturating_sub(2))?;
    row.and_then(|r| r.user_id).ok_or_else(dead_link)
}

/// Sets a new password hash (a signed-in change, after the current password was checked).
pub(crate) async fn set_password(store: &Store, user_id: &str, password_hash: &str) -> Result<()> {
    store
        .query("UPDATE type::record('user', $id) SET password_hash = $hash")
        .bind(("id", user_id.to_string()))
        .bind(("hash", password_hash.to_string()))
        .await?
        .check()?;
    Ok(())
}
