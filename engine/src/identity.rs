//! Identity: accounts with argon2id passwords, RS256 access tokens, and rotating refresh tokens
//! grouped in families (one family per login).

pub mod accounts;
pub mod keys;
pub(crate) mod opaque;
pub mod password;
pub mod refresh;
pub mod tokens;

pub use accounts::Accounts;
pub use keys::JwtKeys;
pub use model::Role;
pub use refresh::RefreshTokens;
pub use tokens::{AccessClaims, TokenIssuer};

use crate::store::Store;
use crate::Result;
use model::{Email, User};
use secrecy::SecretString;

/// What a successful register, login or refresh hands the client.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    /// The signed-in account.
    pub user: User,
    /// RS256 JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Opaque, single-use refresh token.
    pub refresh_token: SecretString,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The login (refresh-token family) these tokens belong to; the session a sign-in
    /// continues records it, so ending that session ends this login.
    pub family: String,
}

/// Accounts plus tokens: the one place sign-in rules live, for every channel.
#[derive(Clone)]
pub struct Identity {
    /// Account storage and password checks.
    pub accounts: Accounts,
    /// Access-token signing and validation.
    pub tokens: TokenIssuer,
    /// Refresh-token rotation and revocation.
    pub refresh: RefreshTokens,
}

impl Identity {
    /// Identity over `store`, signing with `issuer`; refresh tokens live `refresh_days`.
    pub fn new(store: Store, issuer: TokenIssuer, refresh_days: u32) -> Self {
        Self {
            accounts: Accounts::new(store.clone()),
            tokens: issuer,
            refresh: RefreshTokens::new(store, refresh_days),
        }
    }

    /// Creates an account and signs it in (a new token family).
    pub async fn register(&self, email: Email, password: SecretString, name: &str) -> Result<IssuedTokens> {
        let user = self.accounts.register(email, password, name).await?;
        self.issue(user, None).await
    }

    /// Checks the password and signs in (a new token family).
    pub async fn login(&self, email: &str, password: SecretString) -> Result<IssuedTokens> {
        let user = self.accounts.authenticate(email, password).await?;
        self.issue(user, None).await
    }

    /// Rotates a refresh token into a new pair in the same family.
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<IssuedTokens> {
        let rotated = self.refresh.rotate(refresh_token).await?;
        let user = self.accounts.by_id(&rotated.user_id).await?;
        let access = self.tokens.issue(&user)?;
        Ok(IssuedTokens {
            user,
            access_token: access.token,
            refresh_token: rotated.token,
            expires_in: access.expires_in,
            family: rotated.family,
        })
    }

    /// Ends the login the refresh token belongs to (its whole family).
    pub async fn logout(&self, refresh_token: &SecretString) -> Result<()> {
        self.refresh.revoke_family_of(refresh_token).await
    }

    async fn issue(&self, user: User, family: Option<String>) -> Result<IssuedTokens> {
        let (refresh_token, family) = self.refresh.start(&user.id, family).await?;
        let access = self.tokens.issue(&user)?;
        Ok(IssuedTokens { user, access_token: access.token, refresh_token, expires_in: access.expires_in, family })
    }
}
