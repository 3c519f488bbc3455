//! The outbox (admins): `GET /v1/admin/outbox?status=dead|pending|sent` and
//! `POST /v1/admin/outbox/{id}/retry` for a message that failed every attempt.

use crate::caller::AdminUser;
use crate::edge::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use engine::mail::OutboxStatus;
use model::OutboxMessage;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Messages listed at most.
const LISTED: u32 = 100;

/// A list of outbox messages.
#[derive(Serialize, ToSchema)]
pub struct OutboxList {
    /// Newest first (at most 100).
    pub items: Vec<OutboxMessage>,
}

/// Which messages to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxFilter {
    /// `dead` (the default), `pending` or `sent`.
    status: Option<String>,
}

/// The outbox's messages of one status, newest first, without their bodies (admins).
#[utoipa::path(get, path = "/v1/admin/outbox", tag = "admin", params(OutboxFilter),
    responses((status = 200, body = OutboxList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
    Query(filter): Query<OutboxFilter>,
) -> Result<Json<OutboxList>, ApiError> {
    let status = OutboxStatus::parse(filter.status.as_deref())?;
    Ok(Json(OutboxList { items: state.services.outbox.list(status, LISTED).await? }))
}

/// Sends a dead message again, from its first attempt (admins).
#[utoipa::path(post, path = "/v1/admin/outbox/{id}/retry", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = OutboxMessage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "The message is not dead", body = ErrorBody)))]
pub async fn retry(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<String>,
) -> Result<Json<OutboxMessage>, ApiError> {
    Ok(Json(state.services.outbox.retry(&id).await?))
}
