//! Who is calling: the one resolver every edge uses, from the credentials a request presents
//! (`model::cookies::Presented`) to the signed-in user, the session and the shopper.

use crate::identity::{AccessClaims, TokenIssuer};
use crate::sessions::{ResolvedSession, Sessions, ShopperLookup};
use crate::shopper::Shopper;
use crate::{Error, Result};
use model::cookies::Presented;
use secrecy::SecretString;

/// Resolves callers; cheap to clone.
#[derive(Clone)]
pub struct Callers {
    tokens: TokenIssuer,
    sessions: Sessions,
}

impl Callers {
    /// A resolver validating access tokens with `tokens` and reading sessions from `sessions`.
    pub fn new(tokens: TokenIssuer, sessions: Sessions) -> Self {
        Self { tokens, sessions }
    }

    /// The signed-in user's claims: `None` without a token, [`Error::Unauthorized`] for a token
    /// that is present but not valid (never a silent downgrade to guest).
    pub fn user(&self, presented: &Presented) -> Result<Option<AccessClaims>> {
        match &presented.access_token {
            Some(token) => self.tokens.validate(token).map(Some).map_err(|_| Error::Unauthorized),
            None => Ok(None),
        }
    }

    /// The signed-in user's claims when the token is valid, else `None`: for sign-out, which an
    /// expired token must not stop.
    pub fn user_if_valid(&self, presented: &Presented) -> Option<AccessClaims> {
        self.user(presented).ok().flatten()
    }

    /// The live session the request presented, if any. A stale token (ended or unknown session)
    /// is no session: the client simply starts a new one.
    pub async fn session(&self, presented: &Presented) -> Result<Option<ResolvedSession>> {
        match session_token(presented) {
            Some(token) => self.sessions.resolve(&token).await,
            None => Ok(None),
        }
    }

    /// Who the request shops as: the signed-in user, else its guest session (see
    /// [`Callers::shopper_of`]). A member's token says who it is; only a guest's session is read.
    pub async fn shopper(&self, presented: &Presented) -> Result<ShopperLookup> {
        let user = self.user(presented)?;
        let session = match &user {
            Some(_) => None,
            None => self.session(presented).await?,
        };
        Ok(Self::shopper_of(user.as_ref(), session.as_ref()))
    }

    /// The rule itself, for an edge that resolved the two halves separately (and caches them
    /// per request): a session that belongs to an account but comes without the account's
    /// sign-in never acts for the account.
    pub fn shopper_of(user: Option<&AccessClaims>, session: Option<&ResolvedSession>) -> ShopperLookup {
        if let Some(user) = user {
            return ShopperLookup::Found(Shopper::Member { user_id: user.sub.clone() });
        }
        match session {
            Some(session) if session.user_id.is_none() => {
                ShopperLookup::Found(Shopper::Guest { session_id: session.info.id.clone() })
            }
            Some(_) => ShopperLookup::SignInExpired,
            None => ShopperLookup::NoSession,
        }
    }
}

/// The presented session token as a secret.
pub fn session_token(presented: &Presented) -> Option<SecretString> {
    presented.session_token.clone().filter(|t| !t.is_empty()).map(SecretString::from)
}
