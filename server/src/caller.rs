//! Who is calling, as axum extractors over the engine's one resolver (`engine::callers`): the
//! credentials a request presents are read once by the shop's cookie policy
//! (`model::cookies::Presented`), and each extractor asks the engine one question about them.
//! A browser browsing without a cookie has no session (nothing is written for a page view); its
//! first action that needs one (a cart change, a chat message) starts it.

use crate::edge::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use engine::callers::Callers;
use engine::identity::AccessClaims;
use engine::sessions::{ResolvedSession, ShopperLookup};
use model::cookies::{Presented, Transport};
use model::{Channel, Role};

/// The credentials this request presents (read once, then kept in its extensions).
pub fn presented(parts: &mut Parts) -> Presented {
    if let Some(presented) = parts.extensions.get::<Presented>() {
        return presented.clone();
    }
    let presented = Presented::from_headers(&parts.headers, Transport::of(&parts.extensions));
    parts.extensions.insert(presented.clone());
    presented
}

/// The credentials themselves, for an engine call that resolves them (sign-out, the session list).
#[derive(Debug, Clone)]
pub struct Credentials(pub Presented);

impl FromRequestParts<AppState> for Credentials {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Credentials(presented(parts)))
    }
}

/// A request with a valid access token.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The token's claims; `sub` is the user id.
    pub claims: AccessClaims,
}

/// A request that may or may not carry a token. A token that is present but invalid is a 401,
/// never a silent downgrade to guest.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<AuthUser>);

/// A request from an admin.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let claims = state.services.callers.user(&presented(parts))?;
        Ok(MaybeUser(claims.map(|claims| AuthUser { claims })))
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        MaybeUser::from_request_parts(parts, state).await?.0.ok_or_else(ApiError::unauthenticated)
    }
}

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if user.claims.role == Role::Admin {
            Ok(AdminUser(user))
        } else {
            Err(ApiError::forbidden())
        }
    }
}

/// The live session the request belongs to, if it presented one (`X-Session-Token` or the
/// session cookie). A stale token (ended or unknown session) is no session.
#[derive(Debug, Clone)]
pub struct CurrentSession(pub Option<ResolvedSession>);

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Resolved once per request, however many extractors ask.
        if let Some(resolved) = parts.extensions.get::<CurrentSession>() {
            return Ok(resolved.clone());
        }
        let resolved = CurrentSession(state.services.callers.session(&presented(parts)).await?);
        parts.extensions.insert(resolved.clone());
        Ok(resolved)
    }
}

/// The channel a client says it is (`X-Channel`), else `default`.
pub fn channel(headers: &HeaderMap, default: Channel) -> Channel {
    headers.get("x-channel").and_then(|v| v.to_str().ok()).and_then(Channel::parse).unwrap_or(default)
}

/// The principal of a commerce request: the signed-in user (from a valid access token) or the
/// guest session. A session that belongs to a user but comes without the user's token is
/// refused: the session token alone never acts for an account.
#[derive(Debug, Clone)]
pub struct CurrentShopper(pub engine::shopper::Shopper);

impl FromRequestParts<AppState> for CurrentShopper {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let MaybeUser(user) = MaybeUser::from_request_parts(parts, state).await?;
        let user = user.map(|u| u.claims);
        // A member's token says who it is; only a guest needs the session read.
        let session = match &user {
            Some(_) => None,
            None => CurrentSession::from_request_parts(parts, state).await?.0,
        };
        match Callers::shopper_of(user.as_ref(), session.as_ref()) {
            ShopperLookup::Found(shopper) => Ok(CurrentShopper(shopper)),
            ShopperLookup::SignInExpired => Err(ApiError::unauthenticated()),
            ShopperLookup::NoSession => Err(ApiError::session_required()),
        }
    }
}
