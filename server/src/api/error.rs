//! The API's error type: a status, a stable code and a safe message as
//! `{"error": {"code", "message", "field"?}}`. Internal details are logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// An error as the API answers it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `validation_failed`.
    pub code: &'static str,
    /// Human-readable message, safe to show.
    pub message: String,
    /// The offending field or parameter, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    /// 422 `validation_failed` naming `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            message: format!("{field}: {}", message.into()),
            field: Some(field.to_string()),
        }
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> Self {
        Self { status: StatusCode::NOT_FOUND, code: "not_found", message: format!("{what} not found"), field: None }
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
        }
    }
}

impl From<engine::Error> for ApiError {
    fn from(err: engine::Error) -> Self {
        match err {
            engine::Error::NotFound(what) => Self::not_found(what),
            engine::Error::Invalid { field, message } => Self::invalid(field, message),
            other => Self::internal(&other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.code, message: self.message, field: self.field } };
        (self.status, Json(body)).into_response()
    }
}
