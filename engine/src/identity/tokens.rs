//! RS256 access tokens: issue with `iss`, `aud`, `sub`, `exp`, `iat`, `jti`, `typ`, `role` and a
//! `kid` header; validation pins RS256 and checks issuer, audience, type and expiry.

use super::JwtKeys;
use crate::{Error, Result};
use jsonwebtoken::{Algorithm, Header, Validation};
use model::{Role, User};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The `typ` of an access token; anything else is refused where an access token is expected.
pub const ACCESS: &str = "access";

/// What a valid access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user id.
    pub sub: String,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    /// Issued at, seconds since the epoch.
    pub iat: u64,
    /// Unique token id.
    pub jti: String,
    /// Token type: always `access` here.
    pub typ: String,
    /// The user's role when the token was issued.
    pub role: Role,
}

/// A signed access token and its lifetime.
#[derive(Debug, Clone)]
pub struct SignedAccess {
    /// The JWT.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: u64,
}

/// Signs and validates access tokens.
#[derive(Clone)]
pub struct TokenIssuer {
    keys: Arc<JwtKeys>,
    issuer: String,
    audience: String,
    ttl_secs: u64,
}

impl TokenIssuer {
    /// Issuer name and audience stamped into every token.
    pub const ISSUER: &'static str = "waypoint-market";
    /// The audience: this shop's API.
    pub const AUDIENCE: &'static str = "waypoint-market-api";

    /// Tokens valid for `ttl_minutes`.
    pub fn new(keys: JwtKeys, ttl_minutes: u32) -> Self {
        Self {
            keys: Arc::new(keys),
            issuer: Self::ISSUER.into(),
            audience: Self::AUDIENCE.into(),
            ttl_secs: u64::from(ttl_minutes) * 60,
        }
    }

    /// A signed access token for `user`.
    pub fn issue(&self, user: &User) -> Result<SignedAccess> {
        let now = now_secs();
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user.id.clone(),
            exp: now + self.ttl_secs,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            typ: ACCESS.into(),
            role: user.role,
        };
        self.sign(&claims).map(|token| SignedAccess { token, expires_in: self.ttl_secs })
    }

    /// Signs arbitrary claims with the shop's key (tests craft wrong ones with it).
    pub fn sign(&self, claims: &AccessClaims) -> Result<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.keys.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.keys.encoding).map_err(|e| Error::Keys(format!("signing: {e}")))
    }

    /// Validates an access token: RS256 only (no `none`, no HMAC with the public key), our
    /// issuer and audience, `typ` access, not expired (no leeway).
    pub fn validate(&self, token: &str) -> Result<AccessClaims> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.keys.decoding, &validation)
            .map_err(|_| Error::Unauthorized)?;
        if data.claims.typ != ACCESS {
            return Err(Error::Unauthorized);
        }
        Ok(data.claims)
    }

    /// Seconds an access token lives.
    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}
