//! Per-client rate limits on everything a client can call: `/v1` (`RATE_LIMIT_PER_MINUTE`), the
//! pages' server functions `/api/*` (`SERVER_FN_RATE_LIMIT_PER_MINUTE`) and pages
//! (`PAGE_RATE_LIMIT_PER_MINUTE`), each its own GCRA bucket (governor) per client address
//! (IPv6 per /64, see `engine::client`). Static files and health checks are not limited.
//! Refusals are 429 with `Retry-After`: JSON in the API's error shape, plain text for pages.

use crate::edge::{ErrorBody, ErrorDetail};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use engine::client::{limit_key, ClientAddress};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Every this many checks, buckets that refilled completely are dropped (memory stays bounded
/// by the clients of the last minute or so).
const PRUNE_EVERY: u64 = 4096;

/// What a path is, for limiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Api,
    ServerFn,
    Page,
    Free,
}

fn class(path: &str) -> Class {
    let last = path.rsplit('/').next().unwrap_or_default();
    if path == "/v1" || path.starts_with("/v1/") {
        Class::Api
    } else if path.starts_with("/api/") {
        Class::ServerFn
    } else if path.starts_with("/pkg/") || path.starts_with("/images/") || path == "/health" || path == "/ready" {
        Class::Free
    } else if last.contains('.') {
        // favicon.ico, robots.txt, style sheets: files, not pages.
        Class::Free
    } else {
        Class::Page
    }
}

/// The shop's limiters (one bucket per client per class; a class set to 0 is not limited).
pub struct Limits {
    api: Option<DefaultKeyedRateLimiter<IpAddr>>,
    server_fn: Option<DefaultKeyedRateLimiter<IpAddr>>,
    page: Option<DefaultKeyedRateLimiter<IpAddr>>,
    checks: AtomicU64,
}

/// A client may burst `per_minute` requests; one more is allowed every `60 s / per_minute`.
fn limiter(per_minute: u32) -> Option<DefaultKeyedRateLimiter<IpAddr>> {
    NonZeroU32::new(per_minute).map(|n| DefaultKeyedRateLimiter::keyed(Quota::per_minute(n)))
}

impl Limits {
    /// Limits of `api`, `server_fn` and `page` requests per client per minute.
    pub fn new(api: u32, server_fn: u32, page: u32) -> Arc<Self> {
        Arc::new(Self {
            api: limiter(api),
            server_fn: limiter(server_fn),
            page: limiter(page),
            checks: AtomicU64::new(0),
        })
    }

    fn for_class(&self, class: Class) -> Option<&DefaultKeyedRateLimiter<IpAddr>> {
        match class {
            Class::Api => self.api.as_ref(),
            Class::ServerFn => self.server_fn.as_ref(),
            Class::Page => self.page.as_ref(),
            Class::Free => None,
        }
    }

    /// `None` when the request may go on, else the seconds to wait.
    fn check(&self, class: Class, client: IpAddr) -> Option<u64> {
        let limiter = self.for_class(class)?;
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            for l in [&self.api, &self.server_fn, &self.page].into_iter().flatten() {
                l.retain_recent();
                l.shrink_to_fit();
            }
        }
        match limiter.check_key(&limit_key(client)) {
            Ok(()) => None,
            Err(not_until) => Some(not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1)),
        }
    }
}

/// The middleware: counts the request against its class's bucket for its client.
pub async fn limit(State(limits): State<Arc<Limits>>, request: Request, next: Next) -> Response {
    let class = class(request.uri().path());
    let client = request.extensions().get::<ClientAddress>().map(|c| c.0);
    let Some(wait) = client.and_then(|client| limits.check(class, client)) else {
        return next.run(request).await;
    };
    let message = format!("Too many requests; try again in {wait} seconds.");
    let mut response = if class == Class::Page {
        (StatusCode::TOO_MANY_REQUESTS, message).into_response()
    } else {
        let detail = ErrorDetail { code: "rate_limited".into(), message, field: None, extra: Default::default() };
        (StatusCode::TOO_MANY_REQUESTS, Json(ErrorBody { error: detail })).into_response()
    };
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fall_into_their_classes() {
        assert_eq!(class("/v1/products"), Class::Api);
        assert_eq!(class("/api/add_to_cart"), Class::ServerFn);
        assert_eq!(class("/"), Class::Page);
        assert_eq!(class("/product/trail-runner"), Class::Page);
        for free in ["/pkg/app.wasm", "/images/products/x.svg", "/health", "/ready", "/favicon.ico"] {
            assert_eq!(class(free), Class::Free, "{free}");
        }
    }

    #[test]
    fn each_client_and_each_class_has_its_own_bucket() {
        let limits = Limits::new(2, 0, 1);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert_eq!(limits.check(Class::Api, a), None);
        assert_eq!(limits.check(Class::Api, a), None);
        assert!(limits.check(Class::Api, a).is_some_and(|wait| (1..=30).contains(&wait)));
        assert_eq!(limits.check(Class::Api, b), None, "another client is not held back");
        assert_eq!(limits.check(Class::Page, a), None, "pages have their own bucket");
        assert!(limits.check(Class::Page, a).is_some());
        for _ in 0..100 {
            assert_eq!(limits.check(Class::ServerFn, a), None, "0 turns a class off");
        }
        // One IPv6 subscriber rotating through its /64 is one client.
        let v6 = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(limits.check(Class::Page, v6("2001:db8::1")), None);
        assert!(limits.check(Class::Page, v6("2001:db8::2")).is_some());
    }
}
