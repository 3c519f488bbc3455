//! The cross-site guard for cookie-authenticated writes (and for every server function).

use crate::edge::ApiError;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use model::cookies::{cookie, TOKEN_COOKIES};

/// Refuses state-changing requests that a browser sent from another site.
///
/// Browsers attach cookies to cross-site form posts; SameSite=Lax stops most, and this closes
/// the rest, including Leptos server functions (which have no CSRF token of their own):
/// - a server function (`/api/*`) is refused whenever `Origin` names another origin, or, when
///   there is no `Origin`, `Sec-Fetch-Site` says the request came from another site, cookies or
///   not: a cross-site form must not sign a browser in (login CSRF) either;
/// - any other write that carries the shop's cookies is refused unless `Origin` (or `Referer`)
///   names this host. A request with an `Authorization` header is not cookie-authenticated and
///   passes: API clients on other origins use bearer tokens.
pub async fn reject_cross_site_writes(request: Request, next: Next) -> Response {
    let method = request.method();
    let writes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !writes {
        return next.run(request).await;
    }
    let headers = request.headers();
    let server_function = request.uri().path().starts_with("/api/");
    // The guest session cookie counts too: it carries a guest's cart.
    let uses_cookies = TOKEN_COOKIES.iter().any(|name| cookie(headers, name).is_some());
    let refused = if server_function {
        from_another_site(headers)
    } else {
        uses_cookies
            && !headers.contains_key(header::AUTHORIZATION)
            && (!same_origin(headers) || from_another_site(headers))
    };
    if refused {
        return ApiError::cross_site().into_response();
    }
    next.run(request).await
}

/// True when the browser says the request comes from another origin: `Origin` names another
/// host, or (without `Origin`) `Sec-Fetch-Site` is `cross-site` or `same-site`. A request with
/// neither header (not a browser, or a browser's same-origin navigation) is not flagged.
fn from_another_site(headers: &HeaderMap) -> bool {
    if headers.contains_key(header::ORIGIN) {
        return !same_origin(headers);
    }
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).unwrap_or("");
    matches!(fetch_site, "cross-site" | "same-site")
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

    #[test]
    fn another_site_shows_in_origin_or_else_in_sec_fetch_site() {
        assert!(from_another_site(&headers(&[("host", "shop.test"), ("origin", "https://evil.test")])));
        assert!(from_another_site(&headers(&[("host", "shop.test"), ("origin", "null")])), "a sandboxed or file page");
        assert!(!from_another_site(&headers(&[("host", "shop.test"), ("origin", "http://shop.test")])));
        assert!(from_another_site(&headers(&[("host", "shop.test"), ("sec-fetch-site", "cross-site")])));
        assert!(from_another_site(&headers(&[("host", "shop.test"), ("sec-fetch-site", "same-site")])));
        assert!(!from_another_site(&headers(&[("host", "shop.test"), ("sec-fetch-site", "same-origin")])));
        assert!(!from_another_site(&headers(&[("host", "shop.test")])), "not a browser: nothing to go by");
    }
}
