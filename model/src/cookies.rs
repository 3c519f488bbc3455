//! The shop's cookie policy, one module for the REST API, the server functions and the WASM
//! side: names, attributes (`HttpOnly`, `SameSite=Lax`, a path-scoped refresh cookie; over https
//! `Secure` and the `__Host-` / `__Secure-` name prefixes, so no subdomain or plain-http page can
//! plant or overwrite them), and reading what a request presents (cookies, bearer and session
//! headers) into [`Presented`] for the engine's caller resolver.

use http::{header, HeaderMap};

/// Path the refresh cookie is scoped to.
pub const REFRESH_PATH: &str = "/v1/auth";
/// Readable hint (no secret in it) that this browser holds a sign-in, with the access token's
/// lifetime in seconds as its value: the page's script renews the access cookie before it lapses.
pub const SIGNED_IN_COOKIE: &str = "signed_in";
/// How long a browser keeps its session cookie.
const SESSION_DAYS: u64 = 30;

/// How this request reached the shop, as the server decided it (`COOKIE_SECURE`; put in the
/// request's extensions by the server's client layer): over https, cookies are `Secure` and
/// carry the prefixed names. Absent, it is plain http.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Transport {
    /// The browser talks to us over https.
    pub secure: bool,
}

impl Transport {
    /// The transport recorded in `extensions`.
    pub fn of(extensions: &http::Extensions) -> Self {
        extensions.get::<Transport>().copied().unwrap_or_default()
    }

    /// Cookie holding a browser's session token.
    pub fn session(self) -> &'static str {
        if self.secure {
            "__Host-session"
        } else {
            "session"
        }
    }

    /// Cookie holding the access token (whole site, sent with page loads and server functions).
    pub fn access(self) -> &'static str {
        if self.secure {
            "__Host-access_token"
        } else {
            "access_token"
        }
    }

    /// Cookie holding the refresh token (only sent to `/v1/auth`, so `__Secure-`, not `__Host-`).
    pub fn refresh(self) -> &'static str {
        if self.secure {
            "__Secure-refresh_token"
        } else {
            "refresh_token"
        }
    }

    fn flags(self) -> &'static str {
        if self.secure {
            "; Secure"
        } else {
            ""
        }
    }
}

/// Every name a token cookie may carry (the cross-site guard looks for any of them).
pub const TOKEN_COOKIES: [&str; 6] =
    ["session", "access_token", "refresh_token", "__Host-session", "__Host-access_token", "__Secure-refresh_token"];

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| cookie_in(v, name))
}

/// Header carrying an API client's session token.
pub const SESSION_HEADER: &str = "x-session-token";

/// The credentials a request presents, read by the one rule every edge shares: the bearer
/// header, else the access cookie; the `X-Session-Token` header, else the session cookie.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Presented {
    /// An access token (JWT), unverified.
    pub access_token: Option<String>,
    /// A session token, unverified.
    pub session_token: Option<String>,
}

impl Presented {
    /// What `headers` present over `transport`.
    pub fn from_headers(headers: &HeaderMap, transport: Transport) -> Self {
        Self { access_token: presented_token(headers, transport), session_token: presented_session(headers, transport) }
    }
}

// Tokens are secrets: a log line or an error message must never show them.
impl std::fmt::Debug for Presented {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Presented")
            .field("access_token", &self.access_token.as_ref().map(|_| "<redacted>"))
            .field("session_token", &self.session_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The session token: the `X-Session-Token` header first, else the session cookie.
pub fn presented_session(headers: &HeaderMap, transport: Transport) -> Option<String> {
    headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| cookie(headers, transport.session()))
        .filter(|t| !t.is_empty())
}

/// The bearer token, or else the access cookie.
pub fn presented_token(headers: &HeaderMap, transport: Transport) -> Option<String> {
    if let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        if scheme.eq_ignore_ascii_case("bearer") {
            return Some(token.trim().to_string());
        }
    }
    cookie(headers, transport.access())
}

/// `Set-Cookie` values for a signed-in browser.
pub fn login_cookies(access: &str, access_secs: u64, refresh: &str, refresh_secs: u64, t: Transport) -> [String; 3] {
    let flags = t.flags();
    [
        format!("{}={access}; HttpOnly; SameSite=Lax; Path=/; Max-Age={access_secs}{flags}", t.access()),
        format!(
            "{}={refresh}; HttpOnly; SameSite=Lax; Path={REFRESH_PATH}; Max-Age={refresh_secs}{flags}",
            t.refresh()
        ),
        format!("{SIGNED_IN_COOKIE}={access_secs}; SameSite=Lax; Path=/; Max-Age={refresh_secs}{flags}"),
    ]
}

/// `Set-Cookie` values that delete the token cookies and the hint.
pub fn logout_cookies(t: Transport) -> [String; 3] {
    let flags = t.flags();
    [
        format!("{}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{flags}", t.access()),
        format!("{}=; HttpOnly; SameSite=Lax; Path={REFRESH_PATH}; Max-Age=0{flags}", t.refresh()),
        format!("{SIGNED_IN_COOKIE}=; SameSite=Lax; Path=/; Max-Age=0{flags}"),
    ]
}

/// `Set-Cookie` for a browser's session token.
pub fn session_cookie(token: &str, t: Transport) -> String {
    let max_age = SESSION_DAYS * 24 * 3600;
    format!("{}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{}", t.session(), t.flags())
}

/// The value of cookie `name` in a `document.cookie` string (the WASM side reads the
/// [`SIGNED_IN_COOKIE`] hint this way).
pub fn cookie_in(cookies: &str, name: &str) -> Option<String> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// What the page's script writes to drop the [`SIGNED_IN_COOKIE`] hint.
pub const SIGNED_IN_CLEARED: &str = "signed_in=; Path=/; Max-Age=0; SameSite=Lax";

/// The client's device, from its user agent (shortened to 200 characters).
pub fn device(headers: &HeaderMap) -> String {
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("unknown device");
    agent.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_bearer_header_wins_over_the_cookie() {
        let h = headers(&[("authorization", "Bearer abc"), ("cookie", "access_token=xyz")]);
        let http = Transport::default();
        assert_eq!(presented_token(&h, http).as_deref(), Some("abc"));
        assert_eq!(presented_token(&headers(&[("cookie", "a=1; access_token=xyz")]), http).as_deref(), Some("xyz"));
        assert_eq!(presented_token(&headers(&[]), http), None);
        // Over https only the prefixed cookie counts: a plain one may have been planted.
        let https = Transport { secure: true };
        assert_eq!(presented_token(&headers(&[("cookie", "access_token=xyz")]), https), None);
        let prefixed = headers(&[("cookie", "__Host-access_token=xyz")]);
        assert_eq!(presented_token(&prefixed, https).as_deref(), Some("xyz"));
    }

    #[test]
    fn the_session_header_wins_over_the_session_cookie_and_debug_hides_tokens() {
        let http = Transport::default();
        let both = headers(&[("x-session-token", "h"), ("cookie", "session=c; access_token=a")]);
        let presented = Presented::from_headers(&both, http);
        assert_eq!(presented.session_token.as_deref(), Some("h"));
        assert_eq!(presented.access_token.as_deref(), Some("a"));
        let shown = format!("{presented:?}");
        assert!(!shown.contains("\"h\"") && !shown.contains("\"a\"") && shown.contains("redacted"), "{shown}");
        assert_eq!(presented_session(&headers(&[("cookie", "session=c")]), http).as_deref(), Some("c"));
        assert_eq!(cookie_in("a=1; signed_in=900", SIGNED_IN_COOKIE).as_deref(), Some("900"));
        assert_eq!(cookie_in("signed_in=", SIGNED_IN_COOKIE), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_the_refresh_cookie_is_path_scoped() {
        let https = Transport { secure: true };
        let [access, refresh, hint] = login_cookies("a", 900, "r", 604800, https);
        assert!(access.starts_with("__Host-access_token=a;"), "{access}");
        assert!(access.contains("HttpOnly") && access.contains("SameSite=Lax") && access.contains("Secure"));
        assert!(access.contains("Path=/"), "__Host- cookies need Path=/");
        assert!(refresh.starts_with("__Secure-refresh_token=r;") && refresh.contains("Path=/v1/auth"));
        assert!(refresh.contains("Max-Age=604800") && refresh.contains("Secure"));
        // The hint holds no secret: only the access token's lifetime.
        assert!(hint.starts_with("signed_in=900;") && !hint.contains("HttpOnly"));
        let plain = login_cookies("a", 1, "r", 1, Transport::default());
        assert!(plain[0].starts_with("access_token=a;") && !plain[0].contains("Secure"));
        let session = session_cookie("s", https);
        assert!(session.starts_with("__Host-session=s;") && session.contains("Secure"));
    }
}
