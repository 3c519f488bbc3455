//! The error every server function returns: safe to show, typed, and serializable to the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What a page can be told about a failure. Internal details never get here: they are logged
/// on the server and the page gets the request id to quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// Bad input; `field` names the culprit.
    #[error("{field}: {message}")]
    Invalid {
        /// Field or parameter at fault.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Not signed in, or the credentials were wrong; the message says which.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// Clashes with existing data (e.g. an email already registered).
    #[error("{0}")]
    Conflict(String),
    /// The card was declined; nothing was charged or changed.
    #[error("{0}")]
    PaymentDeclined(String),
    /// Done too often; try again after `retry_after_secs`.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until another attempt is allowed.
        retry_after_secs: u64,
    },
    /// The server failed; details are in its log under `request_id`.
    #[error("something went wrong on our side (request {request_id})")]
    Internal {
        /// The request id to quote to support.
        request_id: String,
    },
    /// The call did not reach the server or its answer could not be read.
    #[error("the shop could not be reached; check your connection and try again")]
    Transport(String),
}

impl From<model::FieldError> for AppError {
    fn from(err: model::FieldError) -> Self {
        AppError::Invalid { field: err.field, message: err.message }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                AppError::Invalid { field: "arguments".into(), message }
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}
