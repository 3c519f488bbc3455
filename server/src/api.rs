//! The versioned HTTP API under `/v1`, described by the OpenAPI document it serves.

mod auth;
mod catalog;
mod error;
mod json;
mod openapi;
mod params;
mod sessions;

pub use error::{ApiError, ErrorBody, ErrorDetail};

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

/// The `/v1` routes (nested under `/v1` by the caller).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/categories", get(catalog::list_categories))
        .route("/products", get(catalog::list_products))
        .route("/auth/register", post(auth::register))
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/sessions", post(sessions::start).get(sessions::list).delete(sessions::end_others))
        .route("/sessions/{id}/restore", post(sessions::restore))
        .route("/sessions/{id}", axum::routing::delete(sessions::end))
        .route("/openapi.json", get(openapi::document))
        // API clients get JSON for an unknown endpoint, not the shop's HTML 404 page.
        .fallback(|| async { ApiError::not_found("endpoint") })
}
