//! Server-only glue (the one `cfg(feature = "ssr")` module): reaching the engine from server
//! functions, resolving the caller through the engine's one resolver (`engine::callers`, over
//! the shop's cookie policy in `model::cookies`), mapping engine errors to [`AppError`], and
//! response status for pages.

pub use model::cookies;

use crate::error::AppError;
use engine::Services;
use leptos::prelude::*;

/// The engine services provided to every request by the server.
pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| {
        tracing::error!("engine services missing from the Leptos context");
        AppError::Internal { request_id: request_id() }
    })
}

/// This request's id (set by the server's request-id layer), for error messages.
pub fn request_id() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get("x-request-id")?.to_str().ok().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// Sets the HTTP status of the page being rendered (e.g. 404 for the not-found page).
pub fn set_status(code: u16) {
    if let (Some(res), Ok(status)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code)) {
        res.set_status(status);
    }
}

/// The page's Content-Security-Policy: scripts only from the shop itself or carrying this
/// response's nonce (Leptos puts it on its hydration and streaming scripts), WebAssembly allowed
/// to compile, nothing inline that is not nonced, no plugins, no framing, forms only to the shop.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets [`content_security_policy`] with this render's nonce on the page's response.
pub fn set_content_security_policy() {
    if let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(value) = http::HeaderValue::from_str(&content_security_policy(&nonce)) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// The request's headers (empty outside a request).
pub fn request_headers() -> http::HeaderMap {
    use_context::<http::request::Parts>().map(|p| p.headers).unwrap_or_default()
}

/// How the browser reached us (https or not), as the server's client layer decided.
pub fn transport() -> cookies::Transport {
    use_context::<http::request::Parts>().map(|p| cookies::Transport::of(&p.extensions)).unwrap_or_default()
}

/// The client's network address (the throttles' key), or `unknown` outside a request.
pub fn client_address() -> String {
    use_context::<http::request::Parts>()
        // Resolved once per request by the server's `client::resolve` layer (TRUSTED_PROXIES).
        .and_then(|p| p.extensions.get::<engine::client::ClientAddress>().map(|c| c.key()))
        .unwrap_or_else(|| "unknown".into())
}

/// The credentials this request presents (tokens in headers or cookies).
pub fn presented() -> cookies::Presented {
    cookies::Presented::from_headers(&request_headers(), transport())
}

/// A presented token that is not valid (expired, forged, revoked).
fn sign_in_expired() -> AppError {
    AppError::Unauthorized("Your sign-in has expired; sign in again.".into())
}

/// The signed-in user's token claims, from the bearer header or the access cookie. No token is
/// `None`; a bad one is an error (never a silent guest).
pub fn current_claims() -> Result<Option<engine::identity::AccessClaims>, AppError> {
    services()?.callers.user(&presented()).map_err(|_| sign_in_expired())
}

/// The signed-in user's claims, or 401.
pub fn require_claims() -> Result<engine::identity::AccessClaims, AppError> {
    current_claims()?.ok_or_else(|| AppError::Unauthorized("Sign in to see this.".into()))
}

/// Who is shopping here (see `engine::callers::Callers::shopper`).
async fn shopper_lookup() -> Result<engine::sessions::ShopperLookup, AppError> {
    services()?.callers.shopper(&presented()).await.map_err(|e| match e {
        engine::Error::Unauthorized => sign_in_expired(),
        other => other.into(),
    })
}

/// Who is shopping: the signed-in user, else this browser's guest session; `None` when the
/// browser has no live session (or its account session has no valid sign-in).
pub async fn current_shopper() -> Result<Option<engine::shopper::Shopper>, AppError> {
    Ok(match shopper_lookup().await? {
        engine::sessions::ShopperLookup::Found(shopper) => Some(shopper),
        _ => None,
    })
}

/// The shopper for a cart change: as [`current_shopper`], but a browser without a session gets
/// a new guest session (and its cookie) instead of an error. An account session whose sign-in
/// expired is asked to sign in again rather than silently getting a separate guest cart.
pub async fn shopper_for_change() -> Result<engine::shopper::Shopper, AppError> {
    use engine::sessions::ShopperLookup;
    match shopper_lookup().await? {
        ShopperLookup::Found(shopper) => Ok(shopper),
        ShopperLookup::SignInExpired => Err(sign_in_expired()),
        ShopperLookup::NoSession => {
            let headers = request_headers();
            let device = cookies::device(&headers);
            let (session, token) = services()?.sessions.start(model::Channel::Web, &device, None).await?;
            set_cookie(&cookies::session_cookie(secrecy::ExposeSecret::expose_secret(&token), transport()));
            Ok(engine::shopper::Shopper::Guest { session_id: session.info.id })
        }
    }
}

/// A requested quantity, or 422 naming `quantity`.
pub fn quantity(raw: i64) -> Result<model::Quantity, AppError> {
    model::Quantity::parse(raw).map_err(|e| AppError::Invalid { field: "quantity".into(), message: e.to_string() })
}

/// Who is looking at an order: a guest's token wins, else the signed-in owner. Anyone else
/// gets "not found", never a hint that the order exists.
pub fn order_viewer(token: Option<String>) -> Result<engine::orders::OrderViewer, AppError> {
    use engine::orders::OrderViewer;
    match (token.filter(|t| !t.is_empty()), current_claims()?) {
        (Some(token), _) => Ok(OrderViewer::Guest(token.into())),
        (None, Some(claims)) => Ok(OrderViewer::Member(claims.sub)),
        (None, None) => Err(AppError::NotFound("order".into())),
    }
}

/// The signed-in admin's claims; 401 when signed out, 403 for anyone else.
pub fn require_admin() -> Result<engine::identity::AccessClaims, AppError> {
    let claims = require_claims()?;
    if claims.role == model::Role::Admin {
        Ok(claims)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Appends a `Set-Cookie` header to the server function's response.
pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value))
    {
        res.append_header(http::header::SET_COOKIE, value);
    }
}

impl From<engine::Error> for AppError {
    fn from(err: engine::Error) -> Self {
        match err {
            engine::Error::NotFound(what) => AppError::NotFound(what.into()),
            engine::Error::Invalid { field, message } => AppError::Invalid { field: field.into(), message },
            engine::Error::Unauthorized => AppError::Unauthorized("Your sign-in is not valid; sign in again.".into()),
            engine::Error::Forbidden => AppError::Forbidden,
            engine::Error::Conflict(message) => AppError::Conflict(message.into()),
            engine::Error::OutOfStock { product, available } => {
                AppError::Conflict(format!("Only {available} of {product} available."))
            }
            engine::Error::InvalidDiscount(reason) => {
                AppError::Invalid { field: "code".into(), message: reason.to_string() }
            }
            engine::Error::PaymentDeclined(message) => AppError::PaymentDeclined(message),
            engine::Error::IdempotencyMismatch => AppError::Invalid {
                field: "Idempotency-Key".into(),
                message: "this checkout was already submitted with other details; reload the page".into(),
            },
            engine::Error::IdempotencyInProgress => {
                AppError::Conflict("Your order is already being placed; wait a moment.".into())
            }
            engine::Error::RateLimited { retry_after_secs } => AppError::RateLimited { retry_after_secs },
            engine::Error::InvalidTransition { current, .. } => {
                AppError::Conflict(format!("This order is {} and can no longer be changed that way.", current.as_str()))
            }
            // Listed one by one, no catch-all: a new engine variant does not compile until it
            // is mapped here (and in the API's `ApiError`).
            internal @ (engine::Error::PaymentProvider(_)
            | engine::Error::Keys(_)
            | engine::Error::Database(_)
            | engine::Error::Migration { .. }
            | engine::Error::MigrationEdited { .. }
            | engine::Error::PasswordHash(_)
            | engine::Error::Join(_)) => {
                let request_id = request_id();
                // Logged once here, at the boundary, with its cause chain; the page gets the id.
                tracing::error!(%request_id, error = %engine::error::error_chain(&internal), "server function failed");
                AppError::Internal { request_id }
            }
        }
    }
}

/// Signs this browser in (one engine call that also continues or promotes its session) and
/// sets the sign-in cookies.
pub async fn sign_in_browser(
    services: &engine::Services,
    how: engine::usecases::SignIn<'_>,
) -> Result<model::User, AppError> {
    use secrecy::ExposeSecret;
    let headers = request_headers();
    let transport = transport();
    let refresh_secs = u64::from(services.identity.refresh.ttl_days()) * 24 * 3600;
    let presented = cookies::presented_session(&headers, transport).map(secrecy::SecretString::from);
    let device = cookies::device(&headers);
    let arrival =
        engine::usecases::Arrival { presented: presented.as_ref(), channel: model::Channel::Web, device: &device };
    let engine::usecases::SignedIn { issued, session } = services.sign_in(how, arrival).await?;
    for cookie in cookies::login_cookies(
        &issued.access_token,
        issued.expires_in,
        issued.refresh_token.expose_secret(),
        refresh_secs,
        transport,
    ) {
        set_cookie(&cookie);
    }
    if let Some(token) = session.new_token {
        set_cookie(&cookies::session_cookie(token.expose_secret(), transport));
    }
    Ok(issued.user)
}
