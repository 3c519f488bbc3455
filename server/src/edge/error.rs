//! The API's error type: a status, a stable code and a safe message as
//! `{"error": {"code", "message", "field"?}}`. Internal details are logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
pub use model::error::{ErrorBody, ErrorDetail, ErrorExtra as Extra};

/// An error as the API answers it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
    // Boxed: most errors carry none, and every `Result<_, ApiError>` stays small.
    extra: Box<Extra>,
}

impl ApiError {
    /// 422 `validation_failed` naming `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            message: format!("{field}: {}", message.into()),
            field: Some(field.to_string()),
            extra: Box::default(),
        }
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", &format!("{what} not found"))
    }

    fn new(status: StatusCode, code: &'static str, message: &str) -> Self {
        Self { status, code, message: message.into(), field: None, extra: Box::default() }
    }

    /// 401 `unauthenticated`: this needs a signed-in user.
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "Sign in to do this.")
    }

    /// 401 `session_required`: a cart or checkout call with neither a session nor a sign-in.
    pub fn session_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "session_required",
            "Start a session with POST /v1/sessions and send its token as X-Session-Token, or sign in.",
        )
    }

    /// 401 `invalid_token`: a token was sent but is not valid (expired, forged, revoked).
    pub fn bad_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_token", "The token is invalid or expired; sign in again.")
    }

    /// 401 `invalid_credentials`: the same answer for an unknown email and a wrong password.
    pub fn bad_credentials() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "Wrong email or password.")
    }

    /// 403 `forbidden`.
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "You are not allowed to do this.")
    }

    /// 403 `cross_site_request`: a cookie-authenticated write from another site.
    pub fn cross_site() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "cross_site_request",
            "Cross-site requests with the shop's cookies are refused.",
        )
    }

    /// 400 `malformed_request`: the body is not the JSON this endpoint takes.
    pub fn malformed(message: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed_request", message)
    }

    /// 500 `internal`, after logging `err` with its cause chain (inside the request's span,
    /// which carries the request id).
    pub fn internal(err: &dyn std::error::Error) -> Self {
        tracing::error!(error = %engine::error::error_chain(err), "request failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "Something went wrong on our side. Quote the x-request-id header if you contact us.".into(),
            field: None,
            extra: Box::default(),
        }
    }
}

impl From<model::FieldError> for ApiError {
    fn from(err: model::FieldError) -> Self {
        Self::invalid(&err.field, err.message)
    }
}

impl From<engine::Error> for ApiError {
    fn from(err: engine::Error) -> Self {
        match err {
            engine::Error::NotFound(what) => Self::not_found(what),
            engine::Error::Invalid { field, message } => Self::invalid(field, message),
            engine::Error::Unauthorized => Self::bad_token(),
            engine::Error::Forbidden => Self::forbidden(),
            engine::Error::Conflict(message) => Self::new(StatusCode::CONFLICT, "conflict", message),
            engine::Error::OutOfStock { product, available } => Self {
                extra: Box::new(Extra { available: Some(available), ..Extra::default() }),
                ..Self::new(StatusCode::CONFLICT, "out_of_stock", &format!("Only {available} of {product} available."))
            },
            engine::Error::InvalidDiscount(reason) => Self {
                field: Some("code".into()),
                extra: Box::new(Extra { reason: Some(reason.code().to_string()), ..Extra::default() }),
                ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "discount_rejected", &capitalized(&reason.to_string()))
            },
            engine::Error::PaymentDeclined(message) => {
                Self::new(StatusCode::PAYMENT_REQUIRED, "card_declined", &message)
            }
            engine::Error::PaymentProvider(detail) => {
                tracing::error!(%detail, "payment provider failed");
                Self::new(
                    StatusCode::BAD_GATEWAY,
                    "payment_unavailable",
                    "Payment is unavailable right now; nothing was charged. Try again shortly.",
                )
            }
            engine::Error::IdempotencyMismatch => Self {
                field: Some("Idempotency-Key".into()),
                ..Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    "This Idempotency-Key was already used with a different request body.",
                )
            },
            engine::Error::IdempotencyInProgress => Self::new(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "A request with this Idempotency-Key is still being processed; retry in a moment.",
            ),
            engine::Error::InvalidTransition { current, requested } => Self {
                extra: Box::new(Extra { current_status: Some(current.as_str().to_string()), ..Extra::default() }),
                ..Self::new(
                    StatusCode::CONFLICT,
                    "invalid_transition",
                    &format!("The order is {} and cannot become {}.", current.as_str(), requested.as_str()),
                )
            },
            engine::Error::RateLimited { retry_after_secs } => Self {
                extra: Box::new(Extra { retry_after: Some(retry_after_secs), ..Extra::default() }),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    &format!("Too many attempts; try again in {retry_after_secs} seconds."),
                )
            },
            // Listed one by one, no catch-all: a new engine variant does not compile until it
            // is mapped here (and in the server functions' `AppError`).
            internal @ (engine::Error::Keys(_)
            | engine::Error::Database(_)
            | engine::Error::Migration { .. }
            | engine::Error::MigrationEdited { .. }
            | engine::Error::PasswordHash(_)
            | engine::Error::Join(_)) => Self::internal(&internal),
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

impl ApiError {
    /// The error's JSON body (for an SSE `error` event, where no status can be sent).
    pub fn into_body(self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                field: self.field,
                extra: *self.extra,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let retry_after = self.extra.retry_after;
        let mut response = (status, Json(self.into_body())).into_response();
        if let Some(secs) = retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}
