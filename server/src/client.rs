//! Resolves each request's client address once (the peer, or what `TRUSTED_PROXIES` forwarded
//! for) and puts it in the request's extensions as `engine::client::ClientAddress`, where the
//! rate limits, the throttles and the server functions read it.

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use engine::client::{client_address, ClientAddress, TrustedProxies};
use std::net::SocketAddr;
use std::sync::Arc;

/// The middleware. Without a peer address (a router driven in-process) nothing is inserted.
pub async fn resolve(State(trusted): State<Arc<TrustedProxies>>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        // Several headers are joined in order, as if they were one list.
        let forwarded: Vec<&str> =
            request.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
        let client = client_address(peer.ip(), forwarded.as_deref(), &trusted);
        request.extensions_mut().insert(ClientAddress(client));
    }
    next.run(request).await
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
