//! Refresh tokens: opaque random values stored only as SHA-256 hashes, single use, rotated on
//! every refresh within a family (one family per login). A family lives `JWT_REFRESH_EXPIRY_DAYS`
//! from its login: each successor inherits its predecessor's expiry, so renewing never extends
//! a login for ever. Presenting a token that was already
//! rotated is treated as theft: the whole family is revoked. Except within
//! [`REUSE_GRACE_SECONDS`] of its rotation: two tabs of one browser renew with the same cookie
//! at once, and the loser is told the token was just renewed (409) instead of signing the
//! shopper out everywhere.

use crate::identity::opaque::{hash_of, new_token};
use crate::store::Store;
use crate::{Error, Result};
use secrecy::SecretString;
use surrealdb::types::SurrealValue;

/// How long after its rotation a token presented again is taken for a concurrent renewal by the
/// same client (refused, nothing revoked) rather than theft (its family revoked). It is short:
/// the race it forgives takes one round trip, and a thief replaying a token inside it still
/// gets nothing, while a later replay still revokes the family.
pub const REUSE_GRACE_SECONDS: u32 = 10;

/// Issues, rotates and revokes refresh tokens.
#[derive(Clone)]
pub struct RefreshTokens {
    store: Store,
    ttl_days: u32,
}

/// A successful rotation.
#[derive(Debug)]
pub struct Rotated {
    /// Whose login this is.
    pub user_id: String,
    /// The family the new token joins.
    pub family: String,
    /// The new refresh token.
    pub token: SecretString,
}

#[derive(SurrealValue)]
struct TokenRow {
    family: String,
    user_id: String,
}

#[derive(SurrealValue)]
struct StateRow {
    family: String,
    used: bool,
    /// Rotated within the grace and its family not revoked.
    just_used: bool,
}

impl RefreshTokens {
    /// Tokens valid for `ttl_days`.
    pub fn new(store: Store, ttl_days: u32) -> Self {
        Self { store, ttl_days }
    }

    /// Days a refresh token lives.
    pub fn ttl_days(&self) -> u32 {
        self.ttl_days
    }

    /// A first token for `user_id`, in `family` or (for a new login) a new family; returns the
    /// token and its family.
    pub async fn start(&self, user_id: &str, family: Option<String>) -> Result<(SecretString, String)> {
        let family = family.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let (token, hash) = new_token();
        self.store
            .query(
                "CREATE type::record('refresh_token', $hash) SET family = $family, user_id = $user,
                 expires_at = $now + <duration> $ttl",
            )
            .bind(("hash", hash))
            .bind(("family", family.clone()))
            .bind(("user", user_id.to_string()))
            .bind(("ttl", format!("{}d", self.ttl_days)))
            .await?
            .check()?;
        Ok((token, family))
    }

    /// Spends `token` and returns a new one in its family. An unknown, expired or revoked token
    /// is 401; one spent within [`REUSE_GRACE_SECONDS`] is a 409 that changes nothing; one
    /// spent earlier is 401 and revokes its family. Of concurrent uses of one token, exactly
    /// one succeeds and the others are 409s.
    pub async fn rotate(&self, token: &SecretString) -> Result<Rotated> {
        let hash = hash_of(token);
        let (new, new_hash) = new_token();
        // One transaction: mark the old token used (only if it is live and unused) and create
        // its successor. A concurrent rotation of the same token conflicts and fails whole.
        let outcome = self
            .store
            .query(
                "BEGIN TRANSACTION;
                 LET $old = (UPDATE type::record('refresh_token', $hash) SET used_at = $now
                     WHERE used_at = NONE AND revoked_at = NONE AND expires_at > $now
                     RETURN BEFORE)[0];
                 IF $old != NONE {
                     CREATE type::record('refresh_token', $new_hash) SET family = $old.family,
                         user_id = $old.user_id, expires_at = $old.expires_at;
                 };
                 SELECT family, user_id FROM $old;
                 COMMIT TRANSACTION;",
            )
            .bind(("hash", hash.clone()))
            .bind(("new_hash", new_hash))
            .await
            .and_then(|r| r.check());
        let rotated = match outcome {
            Ok(mut res) => {
                // The SELECT is the statement before COMMIT.
                let select = res.num_statements().saturating_sub(2);
                let rows: Vec<TokenRow> = res.take(select)?;
                rows.into_iter().next()
            }
            Err(e) => {
                tracing::debug!(error = %e, "refresh rotation did not commit");
                None
            }
        };
        match rotated {
            Some(row) => Ok(Rotated { user_id: row.user_id, family: row.family, token: new }),
            None => match self.state(&hash).await? {
                Some(state) if state.just_used => {
                    Err(Error::Conflict("this refresh token was just renewed by another request; use the newest one"))
                }
                Some(state) if state.used => {
                    tracing::warn!(family = %state.family, "refresh token reuse: revoking its family");
                    self.revoke_family(&state.family).await?;
                    Err(Error::Unauthorized)
                }
                _ => Err(Error::Unauthorized),
            },
        }
    }

    /// Revokes the family of `token` (logout). An unknown token is fine: the result is the same.
    pub async fn revoke_family_of(&self, token: &SecretString) -> Result<()> {
        if let Some(state) = self.state(&hash_of(token)).await? {
            self.revoke_family(&state.family).await?;
        }
        Ok(())
    }

    /// Revokes every token of a family.
    pub async fn revoke_family(&self, family: &str) -> Result<()> {
        self.store
            .query("UPDATE refresh_token SET revoked_at = $now WHERE family = $family AND revoked_at = NONE")
            .bind(("family", family.to_string()))
            .await?
            .check()?;
        Ok(())
    }

    async fn state(&self, hash: &str) -> Result<Option<StateRow>> {
        let mut res = self
            .store
            .query(
                "SELECT family, used_at != NONE AS used,
                     used_at != NONE AND revoked_at = NONE AND used_at > $now - <duration> $grace AS just_used
                 FROM type::record('refresh_token', $hash)",
            )
            .bind(("hash", hash.to_string()))
            .bind(("grace", format!("{REUSE_GRACE_SECONDS}s")))
            .await?;
        Ok(res.take(0)?)
    }
}
