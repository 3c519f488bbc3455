//! The caller's session: read from `X-Session-Token` (API clients) or the `session` cookie
//! (browsers); a browser's first page load starts a guest session and sets the cookie.

use crate::api::ApiError;
use crate::auth::cookie;
use crate::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use engine::sessions::ResolvedSession;
use model::Channel;
use secrecy::{ExposeSecret, SecretString};

pub use app::ssr::cookies::{device, session_cookie, SESSION_COOKIE};
/// Header carrying an API client's session token.
pub const SESSION_HEADER: &str = "x-session-token";

/// The presented session token, header first.
pub fn presented(headers: &HeaderMap) -> Option<SecretString> {
    headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| cookie(headers, SESSION_COOKIE))
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
        let resolved = match presented(&parts.headers) {
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

/// Gives a browser a guest session on its first page load (a GET that accepts HTML and has no
/// session cookie). Failing to start one never fails the page: it is logged and retried later.
pub async fn ensure_browser_session(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let is_page = request.method() == Method::GET
        && headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    if !is_page || presented(headers).is_some() {
        return next.run(request).await;
    }
    let started = state.services.sessions.start(Channel::Web, &device(headers), None).await;
    let token = match started {
        Ok((_, token)) => token,
        Err(e) => {
            tracing::error!(error = %engine::error::error_chain(&e), "could not start a guest session");
            return next.run(request).await;
        }
    };
    // The page being rendered sees the new session as if the browser had sent it.
    let cookie_pair = format!("{SESSION_COOKIE}={}", token.expose_secret());
    if let Ok(value) = HeaderValue::from_str(&cookie_pair) {
        request.headers_mut().append(header::COOKIE, value);
    }
    let secure = crate::auth::is_https(request.headers());
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&session_cookie(&token, secure)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
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
