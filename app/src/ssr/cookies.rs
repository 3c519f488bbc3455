//! The shop's cookies, shared by the REST API and the server functions: names, attributes
//! (`HttpOnly`, `SameSite=Lax`, `Secure` over https, a path-scoped refresh cookie) and reading.

use http::{header, HeaderMap};
use secrecy::{ExposeSecret, SecretString};

/// Cookie holding the access token (whole site, sent with page loads and server functions).
pub const ACCESS_COOKIE: &str = "access_token";
/// Cookie holding the refresh token (only sent to `/v1/auth`).
pub const REFRESH_COOKIE: &str = "refresh_token";
/// Path the refresh cookie is scoped to.
pub const REFRESH_PATH: &str = "/v1/auth";
/// Readable hint (no secret in it) that this browser holds a sign-in, with the access token's
/// lifetime in seconds as its value: the page's script renews the access cookie before it lapses.
pub const SIGNED_IN_COOKIE: &str = "signed_in";
/// Cookie carrying a browser's session token.
pub const SESSION_COOKIE: &str = "session";
/// How long a browser keeps its session cookie.
const SESSION_DAYS: u64 = 30;

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// The bearer token, or else the access cookie.
pub fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        if scheme.eq_ignore_ascii_case("bearer") {
            return Some(token.trim().to_string());
        }
    }
    cookie(headers, ACCESS_COOKIE)
}

/// `Set-Cookie` values for a signed-in browser.
pub fn login_cookies(access: &str, access_secs: u64, refresh: &str, refresh_secs: u64, secure: bool) -> [String; 3] {
    let flags = if secure { "; Secure" } else { "" };
    [
        format!("{ACCESS_COOKIE}={access}; HttpOnly; SameSite=Lax; Path=/; Max-Age={access_secs}{flags}"),
        format!(
            "{REFRESH_COOKIE}={refresh}; HttpOnly; SameSite=Lax; Path={REFRESH_PATH}; Max-Age={refresh_secs}{flags}"
        ),
        format!("{SIGNED_IN_COOKIE}={access_secs}; SameSite=Lax; Path=/; Max-Age={refresh_secs}{flags}"),
    ]
}

/// `Set-Cookie` values that delete the token cookies and the hint.
pub fn logout_cookies(secure: bool) -> [String; 3] {
    let flags = if secure { "; Secure" } else { "" };
    [
        format!("{ACCESS_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{flags}"),
        format!("{REFRESH_COOKIE}=; HttpOnly; SameSite=Lax; Path={REFRESH_PATH}; Max-Age=0{flags}"),
        format!("{SIGNED_IN_COOKIE}=; SameSite=Lax; Path=/; Max-Age=0{flags}"),
    ]
}

/// `Set-Cookie` for a browser's session token.
pub fn session_cookie(token: &SecretString, secure: bool) -> String {
    let flags = if secure { "; Secure" } else { "" };
    let max_age = SESSION_DAYS * 24 * 3600;
    format!("{SESSION_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{flags}", token.expose_secret())
}

/// The client's device, from its user agent (shortened to 200 characters).
pub fn device(headers: &HeaderMap) -> String {
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("unknown device");
    agent.chars().take(200).collect()
}

/// True when the client reached us over https (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p.eq_ignore_ascii_case("https"))
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
        assert_eq!(presented_token(&h).as_deref(), Some("abc"));
        assert_eq!(presented_token(&headers(&[("cookie", "a=1; access_token=xyz")])).as_deref(), Some("xyz"));
        assert_eq!(presented_token(&headers(&[])), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_the_refresh_cookie_is_path_scoped() {
        let [access, refresh, hint] = login_cookies("a", 900, "r", 604800, true);
        assert!(access.contains("HttpOnly") && access.contains("SameSite=Lax") && access.contains("Secure"));
        assert!(refresh.contains("Path=/v1/auth") && refresh.contains("Max-Age=604800"));
        // The hint holds no secret: only the access token's lifetime.
        assert!(hint.starts_with("signed_in=900;") && !hint.contains("HttpOnly"));
        assert!(!login_cookies("a", 1, "r", 1, false)[0].contains("Secure"));
    }
}
