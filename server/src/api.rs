//! The versioned HTTP API under `/v1`, described by the OpenAPI document it serves.

mod catalog;
mod error;
mod openapi;
mod params;

pub use error::{ApiError, ErrorBody, ErrorDetail};

use crate::AppState;
use axum::routing::get;
use axum::Router;

/// The `/v1` routes (nested under `/v1` by the caller).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/categories", get(catalog::list_categories))
        .route("/products", get(catalog::list_products))
        .route("/openapi.json", get(openapi::document))
        // API clients get JSON for an unknown endpoint, not the shop's HTML 404 page.
        .fallback(|| async { ApiError::not_found("endpoint") })
}
