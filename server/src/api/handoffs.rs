//! The team's queue of hand-offs (admins): `GET /v1/admin/handoffs?status=open|closed` and
//! `POST /v1/admin/handoffs/{id}/reply` {text}, the same engine calls as the dashboard.

use crate::caller::AdminUser;
use crate::edge::ApiJson;
use crate::edge::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use engine::assistant::handoffs::HandoffStatus;
use model::Handoff;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A list of hand-offs.
#[derive(Serialize, ToSchema)]
pub struct HandoffList {
    /// Newest first.
    pub items: Vec<Handoff>,
}

/// Which hand-offs to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HandoffFilter {
    /// `open` (the default) or `closed`.
    status: Option<String>,
}

/// `POST /v1/admin/handoffs/{id}/reply` body.
#[derive(Deserialize, ToSchema)]
pub struct HandoffReply {
    /// The reply, 1 to 2000 characters; it appears in the shopper's chat from "our team".
    text: String,
}

/// Requests for a person, newest first, each with the conversation's last turns (admins).
#[utoipa::path(get, path = "/v1/admin/handoffs", tag = "admin", params(HandoffFilter),
    responses((status = 200, body = HandoffList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
    Query(filter): Query<HandoffFilter>,
) -> Result<Json<HandoffList>, ApiError> {
    let status = HandoffStatus::parse(filter.status.as_deref())?;
    Ok(Json(HandoffList { items: state.services.assistant.handoffs(status).await? }))
}

/// Answers a request: the reply joins the shopper's conversation and the request closes (admins).
#[utoipa::path(post, path = "/v1/admin/handoffs/{id}/reply", tag = "admin", request_body = HandoffReply,
    params(("id" = String, Path)),
    responses((status = 200, body = Handoff), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "Already answered", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reply(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<HandoffReply>,
) -> Result<Json<Handoff>, ApiError> {
    let staff = state.services.identity.accounts.by_id(&admin.claims.sub).await?;
    Ok(Json(state.services.assistant.reply_to_handoff(&id, &staff.name, &body.text).await?))
}
