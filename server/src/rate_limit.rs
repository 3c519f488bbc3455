//! Per-client rate limit on `/v1` (`RATE_LIMIT_PER_MINUTE`, keyed by the peer address), answered
//! with the API's JSON error shape and a `Retry-After` header.

use crate::api::{ErrorBody, ErrorDetail};
use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use governor::middleware::StateInformationMiddleware;
use std::sync::Arc;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::PeerIpKeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

/// The limiter layer, or `None` when the limit is 0 (off).
///
/// A client may burst `per_minute` requests; one more is allowed every `60 s / per_minute`.
/// Behind a reverse proxy every client shares the proxy's address: put the limit in the proxy
/// there, or set 0 here.
pub fn layer(per_minute: u32) -> Option<GovernorLayer<PeerIpKeyExtractor, StateInformationMiddleware, Body>> {
    if per_minute == 0 {
        return None;
    }
    let config = GovernorConfigBuilder::default()
        .per_millisecond((60_000 / u64::from(per_minute)).max(1))
        .burst_size(per_minute)
        .use_headers()
        .finish()?;
    Some(GovernorLayer::new(Arc::new(config)).error_handler(too_many_requests))
}

fn too_many_requests(err: GovernorError) -> Response<Body> {
    let (status, message, wait, headers) = match err {
        GovernorError::TooManyRequests { wait_time, headers } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many requests; try again in {wait_time} seconds."),
            Some(wait_time),
            headers,
        ),
        GovernorError::UnableToExtractKey => {
            (StatusCode::INTERNAL_SERVER_ERROR, "Could not identify the client.".to_string(), None, None)
        }
        GovernorError::Other { code, msg, headers } => {
            (code, msg.unwrap_or_else(|| "Request refused.".into()), None, headers)
        }
    };
    let code = if status == StatusCode::TOO_MANY_REQUESTS { "rate_limited" } else { "internal" };
    let mut response =
        (status, Json(ErrorBody { error: ErrorDetail { code, message, field: None, extra: Default::default() } }))
            .into_response();
    if let Some(headers) = headers {
        response.headers_mut().extend(headers);
    }
    if let Some(wait) = wait {
        if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}
