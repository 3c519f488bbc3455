//! The caller's session: read from `X-Session-Token` (API clients) or the `session` cookie
//! (browsers). A browser browsing without a cookie has no session (nothing is written for a
//! page view); its first action that needs one (a cart change, a chat message) starts it.

use crate::auth::cookie;
use crate::edge::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use engine::sessions::ResolvedSession;
use model::Channel;
use secrecy::SecretString;

pub use app::ssr::cookies::{device, session_cookie, Transport};
/// Header carrying an API client's session token.
pub const SESSION_HEADER: &str = "x-session-token";

/// The presented session token, header first.
pub fn presented(headers: &HeaderMap, transport: Transport) -> Option<SecretString> {
    headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| cookie(headers, transport.session()))
        .filter(|t| !t.is_empty())
        .map(SecretString::from)
}

/// The live session the request belongs to, if it presented one. A stale token (ended or
/// unknown session) is no session: the client simply starts a new one.
#[derive(Debug, Clone)]
pub struct CurrentSession(pub Option<ResolvedSession>);

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Resolved once per request, however many extractors ask.
        if let Some(resolved) = parts.extensions.get::<CurrentSession>() {
            return Ok(resolved.clone());
        }
        let resolved = match presented(&parts.headers, Transport::of(&parts.extensions)) {
            Some(token) => CurrentSession(state.services.sessions.resolve(&token).await?),
            None => CurrentSession(None),
        };
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
        use engine::sessions::ShopperLookup;
        let crate::auth::MaybeUser(user) = crate::auth::MaybeUser::from_request_parts(parts, state).await?;
        let user = user.map(|u| u.claims.sub);
        let session = match &user {
            Some(_) => None,
            None => CurrentSession::from_request_parts(parts, state).await?.0,
        };
        match engine::sessions::Sessions::shopper_of(user.as_deref(), session.as_ref()) {
            ShopperLookup::Found(shopper) => Ok(CurrentShopper(shopper)),
            ShopperLookup::SignInExpired => Err(ApiError::unauthenticated()),
            ShopperLookup::NoSession => Err(ApiError::session_required()),
        }
    }
}
