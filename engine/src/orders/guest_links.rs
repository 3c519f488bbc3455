//! Guest order links. The token in a guest's link is an HMAC of the order id and the moment the
//! link was issued, under a key derived from the server's signing key, so no copy of it is kept
//! anywhere: the order stores only the token's hash and when the link expires, and a replayed
//! checkout answer derives the same token again. Asking for a new link issues a new moment (the
//! old link stops working).

use crate::identity::opaque::hash_of;
use crate::identity::JwtKeys;
use crate::store::Store;
use crate::Result;
use base64::Engine as _;
use secrecy::SecretString;
use std::sync::Arc;

/// Issues and re-derives guest order links; they are valid for `days` from issue.
#[derive(Clone)]
pub struct GuestLinks {
    key: Arc<aws_lc_rs::hmac::Key>,
    days: u32,
}

impl std::fmt::Debug for GuestLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuestLinks").field("days", &self.days).finish_non_exhaustive()
    }
}

/// A link just issued: the token for the shopper and what the order stores.
pub(crate) struct IssuedLink {
    /// Goes into the link (and the answer), never into the database.
    pub token: SecretString,
    /// `access_hash` on the order.
    pub hash: String,
    /// `access_issued` on the order (unix seconds): what re-derives the token.
    pub issued: i64,
}

impl GuestLinks {
    /// Links under `keys`' derived secret, valid for `days` (`GUEST_ORDER_LINK_DAYS`).
    pub fn new(keys: &JwtKeys, days: u32) -> Self {
        Self { key: Arc::new(keys.mac_key("guest-order-link")), days: days.max(1) }
    }

    /// Days a link stays valid.
    pub fn days(&self) -> u32 {
        self.days
    }

    /// A new link for `order_id`, issued at `now` (unix seconds; the order stores its expiry as
    /// the database's now plus [`Self::days`]).
    pub(crate) fn issue(&self, order_id: &str, now: i64) -> IssuedLink {
        let token = self.token(order_id, now);
        IssuedLink { hash: hash_of(&token), token, issued: now }
    }

    /// The `<duration>` a link lives, for the database.
    pub(crate) fn lifetime(&self) -> String {
        format!("{}d", self.days)
    }

    /// The token of a guest order's current, unexpired link (for a replayed checkout answer and
    /// the status notices); `None` for a member's order, an expired link, or one issued before
    /// links were derived.
    pub(crate) async fn current(&self, store: &Store, order_id: &str) -> Result<Option<SecretString>> {
        let mut res = store
            .query(
                "SELECT VALUE access_issued FROM type::record('orders', $id)
                 WHERE user_id = NONE AND access_expires_at > $now",
            )
            .bind(("id", order_id.to_string()))
            .await?;
        let issued: Option<Option<i64>> = res.take(0)?;
        Ok(issued.flatten().map(|issued| self.token(order_id, issued)))
    }

    /// The token of the link issued for `order_id` at `issued`.
    pub(crate) fn token(&self, order_id: &str, issued: i64) -> SecretString {
        let tag = aws_lc_rs::hmac::sign(&self.key, format!("{order_id}\0{issued}").as_bytes());
        SecretString::from(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn a_token_is_re_derived_exactly_and_differs_per_order_issue_and_key() {
        let keys = JwtKeys::generate().unwrap();
        let links = GuestLinks::new(&keys, 90);
        let link = links.issue("A1", 1_000);
        assert_eq!(links.token("A1", 1_000).expose_secret(), link.token.expose_secret());
        assert_eq!(link.hash, hash_of(&link.token));
        assert_eq!(links.lifetime(), "90d");
        assert_ne!(links.token("A1", 1_001).expose_secret(), link.token.expose_secret());
        assert_ne!(links.token("A2", 1_000).expose_secret(), link.token.expose_secret());
        let other = GuestLinks::new(&JwtKeys::generate().unwrap(), 90);
        assert_ne!(other.token("A1", 1_000).expose_secret(), link.token.expose_secret(), "another server key");
    }
}
