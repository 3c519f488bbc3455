//! Who is calling: extractors for "authenticated user", "maybe a user" and "admin", the token
//! cookies a browser carries, and the cross-site guard for cookie-authenticated writes.

use crate::api::ApiError;
use crate::AppState;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use engine::identity::AccessClaims;
use model::Role;

pub use app::ssr::cookies::{
    cookie, is_https, login_cookies, logout_cookies, presented_token, ACCESS_COOKIE, REFRESH_COOKIE,
};

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
        let Some(token) = presented_token(&parts.headers) else { return Ok(MaybeUser(None)) };
        let claims = state.services.identity.tokens.validate(&token).map_err(|_| ApiError::bad_token())?;
        Ok(MaybeUser(Some(AuthUser { claims })))
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

/// Refuses state-changing requests that carry the shop's cookies but come from another site.
///
/// Browsers attach cookies to cross-site form posts; SameSite=Lax stops most, and this closes
/// the rest (including Leptos server functions, which have no CSRF token of their own). A
/// request with an `Authorization` header is not cookie-authenticated and passes.
pub async fn reject_cross_site_writes(request: Request, next: Next) -> Response {
    let method = request.method();
    let writes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let headers = request.headers();
    // The guest session cookie counts too: it carries a guest's cart.
    let uses_cookies = [ACCESS_COOKIE, REFRESH_COOKIE, app::ssr::cookies::SESSION_COOKIE]
        .iter()
        .any(|name| cookie(headers, name).is_some());
    if writes && uses_cookies && !headers.contains_key(header::AUTHORIZATION) && !same_origin(headers) {
        return ApiError::cross_site().into_response();
    }
    next.run(request).await
}

/// True when `Origin` (or, lacking it, `Referer`) names the host the request was sent to.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else { return false };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let authority = source.split_once("://").map(|(_, rest)| rest.split('/').next().unwrap_or("")).unwrap_or("");
    !authority.is_empty() && authority.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_compares_the_origin_authority_with_the_host() {
        assert!(same_origin(&headers(&[("host", "shop.test:8000"), ("origin", "http://shop.test:8000")])));
        assert!(!same_origin(&headers(&[("host", "shop.test"), ("origin", "https://evil.test")])));
        assert!(!same_origin(&headers(&[("host", "shop.test")])), "no origin, no referer: refused");
        assert!(same_origin(&headers(&[("host", "shop.test"), ("referer", "https://shop.test/account")])));
    }
}
