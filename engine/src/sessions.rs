//! Sessions: the shopper's thread through the shop on one channel. Guests get one on first
//! contact (identified by an opaque token, stored only hashed); signing in promotes it into the
//! account (with a new token); a signed-in user can list, restore and end their sessions from
//! any device. A session unused for `SESSION_IDLE_DAYS` stops working.

use crate::identity::opaque::{hash_of, new_token};
use crate::shopper::Shopper;
use crate::store::Store;
use crate::{Error, Result};
use model::{Channel, SessionInfo};
use secrecy::SecretString;
use surrealdb::types::SurrealValue;

mod promotion;

/// Session storage and ownership rules.
#[derive(Clone)]
pub struct Sessions {
    store: Store,
    idle_days: u32,
}

/// A live session resolved from its token.
#[derive(Debug, Clone)]
pub struct ResolvedSession {
    /// What the owner sees.
    pub info: SessionInfo,
    /// The account, once signed in or promoted.
    pub user_id: Option<String>,
}

/// The outcome of [`Sessions::shopper`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShopperLookup {
    /// The principal to act for.
    Found(Shopper),
    /// An account's session without a valid sign-in: sign in again.
    SignInExpired,
    /// No live session (none presented, unknown or ended).
    NoSession,
}

/// What promoting a guest session did.
#[derive(Debug, Clone)]
pub struct Promotion {
    /// The session that now belongs to the user.
    pub session_id: String,
    /// False when it was already promoted (a repeat is a no-op).
    pub promoted: bool,
    /// Per data owner (cart, conversation ...), how many items moved.
    pub merged: Vec<(String, u64)>,
    /// The session's new token, when this call promoted it.
    pub token: Option<SecretString>,
}

/// The session a sign-in continues in.
#[derive(Debug)]
pub struct SignInSession {
    /// The session.
    pub session: SessionInfo,
    /// Its token, when a new session was started for this client or the guest session was
    /// promoted (its token rotates): the client uses it from now on.
    pub new_token: Option<SecretString>,
    /// True when the client's guest session was promoted into the account by this sign-in.
    pub promoted: bool,
    /// Per kind of data (cart, conversation ...), how many items the promotion merged.
    pub merged: Vec<(String, u64)>,
}

#[derive(SurrealValue)]
struct SessionRow {
    id: String,
    user_id: Option<String>,
    channel: String,
    device: String,
    started_at: String,
    last_seen_at: String,
    /// Selected by `resolve` only.
    seen_long_ago: Option<bool>,
}

#[derive(SurrealValue)]
struct NewSession {
    token_hash: String,
    user_id: Option<String>,
    channel: String,
    device: String,
    // The clock's time, not the schema's default: a session started under a moved clock is
    // fresh under that clock.
    started_at: surrealdb::types::Datetime,
    last_seen_at: surrealdb::types::Datetime,
}

const FIELDS: &str = "record::id(id) AS id, user_id, channel, device, <string> started_at AS started_at, \
     <string> last_seen_at AS last_seen_at";

impl SessionRow {
    fn into_resolved(self) -> Result<ResolvedSession> {
        let channel =
            Channel::parse(&self.channel).ok_or_else(|| Error::invalid("session", "stored channel is unknown"))?;
        Ok(ResolvedSession {
            info: SessionInfo {
                id: self.id,
                channel,
                device: self.device,
                started_at: self.started_at,
                last_seen_at: self.last_seen_at,
                guest: self.user_id.is_none(),
            },
            user_id: self.user_id,
        })
    }
}

impl Sessions {
    /// Sessions over `store`; one unused for `idle_days` days stops working.
    pub fn new(store: Store, idle_days: u32) -> Self {
        Self { store, idle_days }
    }

    fn idle(&self) -> String {
        format!("{}d", self.idle_days)
    }

    /// Starts a session (a guest's when `user_id` is `None`) and returns it with its token.
    pub async fn start(
        &self,
        channel: Channel,
        device: &str,
        user_id: Option<&str>,
    ) -> Result<(ResolvedSession, SecretString)> {
        let (token, hash) = new_token();
        let now = self.store.now();
        let row = NewSession {
            token_hash: hash,
            user_id: user_id.map(str::to_string),
            channel: channel.as_str().into(),
            device: device.chars().take(200).collect(),
            started_at: now,
            last_seen_at: now,
        };
        let sql = format!("CREATE session CONTENT $row RETURN {FIELDS}");
        let mut res = self.store.query(sql).bind(("row", row)).await?.check()?;
        let created: Option<SessionRow> = res.take(0)?;
        Ok((created.ok_or(Error::NotFound("session"))?.into_resolved()?, token))
    }

    /// The live session for `token`. Unknown or ended: `None`.
    ///
    /// A read: a page fires several requests at once and each resolves the session, so writing
    /// "last seen" on every one would make them conflict. It is written at most once a minute,
    /// best effort (a conflict there only means another request just wrote it).
    pub async fn resolve(&self, token: &SecretString) -> Result<Option<ResolvedSession>> {
        let sql = format!(
            "SELECT {FIELDS}, last_seen_at < $now - 1m AS seen_long_ago FROM session
             WHERE token_hash = $hash AND ended_at = NONE AND last_seen_at > $now - <duration> $idle"
        );
        let mut res = self.store.query(sql).bind(("hash", hash_of(token))).bind(("idle", self.idle())).await?;
        let rows: Vec<SessionRow> = res.take(0)?;
        let Some(row) = rows.into_iter().next() else { return Ok(None) };
        if row.seen_long_ago == Some(true) {
            let touched = self
                .store
                .query("UPDATE type::record('session', $id) SET last_seen_at = $now")
                .bind(("id", row.id.clone()))
                .await
                .and_then(|r| r.check());
            if let Err(e) = touched {
                tracing::debug!(error = %e, "could not mark a session seen; another request did");
            }
        }
        row.into_resolved().map(Some)
    }

    /// Moves the guest session of `token` into `user_id`'s account, with everything it owns,
    /// in one transaction, and gives it a new token (the guest's stops working: whoever saw it
    /// before the sign-in cannot ride the signed-in session). A session already promoted (or not
    /// a guest's) is left as it is.
    pub async fn promote(&self, token: &SecretString, user_id: &str) -> Result<Option<Promotion>> {
        let (new, new_hash) = new_token();
        let hash = hash_of(token);
        let mut found = self
            .store
            .query("SELECT VALUE record::id(id) FROM session WHERE token_hash = $hash AND ended_at = NONE")
            .bind(("hash", hash.clone()))
            .await?;
        let found: Option<String> = found.take::<Vec<String>>(0)?.into_iter().next();
        let Some(session_id) = found else { return Ok(None) };
        // The transaction checks the token again: a concurrent sign-in may have promoted it.
        let outcome = promotion::run(&self.store, &session_id, hash, new_hash, user_id).await?;
        Ok(outcome.and_then(|o| {
            let merged = o.merged.into_iter().map(|m| (m.name, u64::try_from(m.count).unwrap_or(0))).collect();
            let token = o.promoted.then(|| new.clone());
            o.found.map(|session_id| Promotion { session_id, promoted: o.promoted, merged, token })
        }))
    }

    /// After `user_id` signed in: promotes the guest session the client came with, keeps a
    /// session that is already theirs, or starts a new one on `channel`.
    pub async fn continue_for(
        &self,
        user_id: &str,
        presented: Option<&SecretString>,
        channel: Channel,
        device: &str,
    ) -> Result<SignInSession> {
        if let Some(token) = presented {
            if let Some(current) = self.resolve(token).await? {
                match current.user_id.as_deref() {
                    None => {
                        if let Some(p) = self.promote(token, user_id).await? {
                            let session = self.owned(user_id, &p.session_id).await?;
                            return Ok(SignInSession {
                                session,
                                new_token: p.token,
                                promoted: p.promoted,
                                merged: p.merged,
                            });
                        }
                    }
                    Some(owner) if owner == user_id => {
                        return Ok(SignInSession {
                            session: current.info,
                            new_token: None,
                            promoted: false,
                            merged: vec![],
                        });
                    }
                    // Someone else's session on this device: leave it, start this user's own.
                    Some(_) => {}
                }
            }
        }
        let (started, token) = self.start(channel, device, Some(user_id)).await?;
        Ok(SignInSession { session: started.info, new_token: Some(token), promoted: false, merged: vec![] })
    }

    /// The user's live sessions, most recently seen first.
    pub async fn list(&self, user_id: &str) -> Result<Vec<SessionInfo>> {
        let sql = format!(
            "SELECT {FIELDS} FROM session WHERE user_id = $user AND ended_at = NONE
                 AND last_seen_at > $now - <duration> $idle ORDER BY last_seen_at DESC"
        );
        let mut res = self.store.query(sql).bind(("user", user_id.to_string())).bind(("idle", self.idle())).await?;
        let rows: Vec<SessionRow> = res.take(0)?;
        rows.into_iter().map(|r| r.into_resolved().map(|s| s.info)).collect()
    }

    /// One of the user's live sessions. Another user's session is `NotFound`, never its data.
    pub async fn owned(&self, user_id: &str, session_id: &str) -> Result<SessionInfo> {
        let sql =
            format!("SELECT {FIELDS} FROM type::record('session', $id) WHERE user_id = $user AND ended_at = NONE");
        let mut res =
            self.store.query(sql).bind(("id", session_id.to_string())).bind(("user", user_id.to_string())).await?;
        let row: Option<SessionRow> = res.take(0)?;
        Ok(row.ok_or(Error::NotFound("session"))?.into_resolved()?.info)
    }

    /// Continues one of the user's sessions here: it is marked seen and returned.
    pub async fn restore(&self, user_id: &str, session_id: &str) -> Result<SessionInfo> {
        self.store
            .query(
                "UPDATE type::record('session', $id) SET last_seen_at = $now WHERE user_id = $user AND ended_at = NONE",
            )
            .bind(("id", session_id.to_string()))
            .bind(("user", user_id.to_string()))
            .await?
            .check()?;
        self.owned(user_id, session_id).await
    }

    /// Records the login (refresh-token family) a session continues with.
    pub async fn attach_login(&self, session_id: &str, family: &str) -> Result<()> {
        self.store
            .query("UPDATE type::record('session', $id) SET token_family = $family")
            .bind(("id", session_id.to_string()))
            .bind(("family", family.to_string()))
            .await?
            .check()?;
        Ok(())
    }

    /// Ends one of the user's sessions: its token stops working and so does the login it was
    /// signed in with (that device's refresh tokens are revoked in the same transaction).
    pub async fn end(&self, user_id: &str, session_id: &str) -> Result<()> {
        self.owned(user_id, session_id).await?;
        self.store
            .query(
                "BEGIN TRANSACTION;
                 LET $families = (UPDATE type::record('session', $id) SET ended_at = $now
                     WHERE user_id = $user RETURN VALUE token_family);
                 UPDATE refresh_token SET revoked_at = $now
                     WHERE family IN $families AND family != NONE AND revoked_at = NONE;
                 COMMIT TRANSACTION;",
            )
            .bind(("id", session_id.to_string()))
            .bind(("user", user_id.to_string()))
            .await?
            .check()?;
        Ok(())
    }

    /// Ends the session of `token` if it is the user's (sign-out on that device), and the login
    /// it was signed in with: the refresh tokens of that family are revoked in the same
    /// transaction, whether or not the client could send its refresh cookie (the web's is scoped
    /// to `/v1/auth` and never reaches a server function).
    pub async fn end_by_token(&self, user_id: &str, token: &SecretString) -> Result<()> {
        self.store
            .query(
                "BEGIN TRANSACTION;
                 LET $families = (UPDATE session SET ended_at = $now
                     WHERE token_hash = $hash AND user_id = $user AND ended_at = NONE RETURN VALUE token_family);
                 UPDATE refresh_token SET revoked_at = $now
                     WHERE family IN $families AND family != NONE AND revoked_at = NONE;
                 COMMIT TRANSACTION;",
            )
            .bind(("hash", hash_of(token)))
            .bind(("user", user_id.to_string()))
            .await?
            .check()?;
        Ok(())
    }

    /// Ends every live session of the user except `keep`, and the logins they were signed in
    /// with; returns how many sessions ended.
    pub async fn end_others(&self, user_id: &str, keep: Option<&str>) -> Result<u64> {
        let mut res = self
            .store
            .query(
                "BEGIN TRANSACTION;
                 LET $ended = (UPDATE session SET ended_at = $now
                     WHERE user_id = $user AND ended_at = NONE AND record::id(id) != $keep RETURN token_family);
                 LET $families = $ended.token_family;
                 UPDATE refresh_token SET revoked_at = $now
                     WHERE family IN $families AND family != NONE AND revoked_at = NONE;
                 RETURN array::len($ended);
                 COMMIT TRANSACTION;",
            )
            .bind(("user", user_id.to_string()))
            .bind(("keep", keep.unwrap_or_default().to_string()))
            .await?
            .check()?;
        let last = res.num_statements().saturating_sub(2);
        let ended: Option<i64> = res.take(last)?;
        Ok(u64::try_from(ended.unwrap_or(0)).unwrap_or(0))
    }
}

#[derive(SurrealValue)]
struct PromotionRow {
    found: Option<String>,
    promoted: bool,
    merged: Vec<MergedRow>,
}

#[derive(SurrealValue)]
struct MergedRow {
    name: String,
    count: i64,
}
