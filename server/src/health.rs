//! `GET /health` (the process is alive) and `GET /ready` (the database answers).

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

/// Liveness or readiness, as JSON.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// The database's state, on `/ready` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
}

/// The process is up.
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok", database: None })
}

/// The process can serve: the database answers a query.
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses((status = 200, body = Health), (status = 503, description = "Database unavailable", body = Health)))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    if state.services.store.is_ready().await {
        (StatusCode::OK, Json(Health { status: "ok", database: Some("ok") }))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "unavailable", database: Some("unavailable") }))
    }
}
