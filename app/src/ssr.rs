//! Server-only glue (the one `cfg(feature = "ssr")` module): reaching the engine from server
//! functions, mapping engine errors to [`AppError`], and response status for pages.

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

impl From<engine::Error> for AppError {
    fn from(err: engine::Error) -> Self {
        match err {
            engine::Error::NotFound(what) => AppError::NotFound(what.into()),
            engine::Error::Invalid { field, message } => AppError::Invalid { field: field.into(), message },
            internal => {
                let request_id = request_id();
                // Logged once here, at the boundary, with its cause chain; the page gets the id.
                tracing::error!(%request_id, error = %engine::error::error_chain(&internal), "server function failed");
                AppError::Internal { request_id }
            }
        }
    }
}
