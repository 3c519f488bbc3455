//! Resolves each request's client once: its address (the peer, or what `TRUSTED_PROXIES`
//! forwarded for), put in the request's extensions as `engine::client::ClientAddress` where the
//! rate limits, the throttles and the server functions read it; and whether the browser talks
//! to us over https (`COOKIE_SECURE`), put there as the cookies' `Transport`. Over https every
//! response also carries HSTS.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use engine::client::{client_address, ClientAddress, TrustedProxies};
use model::cookies::Transport;
use std::net::SocketAddr;
use std::sync::Arc;

/// `COOKIE_SECURE`: when cookies are `Secure` (and `__Host-` named) and HSTS is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CookieSecure {
    /// When the request came over https: through a trusted proxy that says so in
    /// `X-Forwarded-Proto` (the server itself speaks plain http). An untrusted peer's header is
    /// ignored.
    #[default]
    Auto,
    /// Always (the shop is only ever reached over https).
    Always,
    /// Never (local development over plain http).
    Never,
}

impl CookieSecure {
    /// Parses `auto`, `always` or `never`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(Self::Auto),
            "always" => Some(Self::Always),
            "never" => Some(Self::Never),
            _ => None,
        }
    }
}

/// What the layer needs to decide.
#[derive(Debug, Clone, Default)]
pub struct ClientPolicy {
    /// Whose `X-Forwarded-*` headers are believed.
    pub trusted: TrustedProxies,
    /// When the transport counts as https.
    pub cookie_secure: CookieSecure,
}

/// HSTS for a year, subdomains included, once a response went out over https.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The middleware. Without a peer address (a router driven in-process) no address is inserted
/// and the peer counts as untrusted.
pub async fn resolve(State(policy): State<Arc<ClientPolicy>>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    if let Some(peer) = peer {
        // Several headers are joined in order, as if they were one list.
        let forwarded: Vec<&str> =
            request.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
        let client = client_address(peer, forwarded.as_deref(), &policy.trusted);
        request.extensions_mut().insert(ClientAddress(client));
    }
    let secure = match policy.cookie_secure {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => peer.is_some_and(|p| policy.trusted.contains(p)) && forwarded_https(request.headers()),
    };
    request.extensions_mut().insert(Transport { secure });
    let mut response = next.run(request).await;
    if secure {
        response.headers_mut().insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

/// True when the (first) proxy says the browser used https.
fn forwarded_https(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// A handler's view of the caller's address, as the throttles key it (IPv6 by its /64).
pub struct ClientKey(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientKey {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        // `resolve` runs on every route; only a router driven in-process has no address.
        Ok(Self(parts.extensions.get::<ClientAddress>().map_or_else(|| "unknown".to_string(), |c| c.key())))
    }
}

/// A handler's view of how the browser reached us, for the cookies it sets.
pub struct Via(pub Transport);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Via {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(Transport::of(&parts.extensions)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_secure_parses_its_three_words_only() {
        assert_eq!(CookieSecure::parse(" Always "), Some(CookieSecure::Always));
        assert_eq!(CookieSecure::parse("never"), Some(CookieSecure::Never));
        assert_eq!(CookieSecure::parse("auto"), Some(CookieSecure::Auto));
        assert_eq!(CookieSecure::parse("yes"), None);
    }

    #[test]
    fn only_the_first_forwarded_proto_counts() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-forwarded-proto", HeaderValue::from_static("https, http"));
        assert!(forwarded_https(&h));
        h.insert("x-forwarded-proto", HeaderValue::from_static("http"));
        assert!(!forwarded_https(&h));
    }
}
