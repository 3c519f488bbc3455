//! `/v1/memory`: what the shop remembers about the caller (preferences, affinities, history),
//! to see, edit, export and erase; and `/v1/recommendations` with a reason per product.

use crate::caller::CurrentShopper;
use crate::edge::ApiJson;
use crate::edge::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use model::memory::{Preferences, RecommendationContext, Recommendations, Remembered};
use serde::Deserialize;
use utoipa::IntoParams;

/// The caller's memory: stated preferences, strongest affinities with their reasons, and the
/// latest signals.
#[utoipa::path(get, path = "/v1/memory", tag = "memory",
    responses((status = 200, body = Remembered), (status = 401, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
) -> Result<Json<Remembered>, ApiError> {
    Ok(Json(state.services.memory_page(&shopper).await?))
}

/// Replaces the caller's stated preferences.
#[utoipa::path(put, path = "/v1/memory/preferences", tag = "memory", request_body = Preferences,
    responses((status = 200, body = Remembered), (status = 401, body = ErrorBody),
              (status = 422, description = "An entry is invalid; `field` names it", body = ErrorBody)))]
pub async fn put_preferences(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    ApiJson(prefs): ApiJson<Preferences>,
) -> Result<Json<Remembered>, ApiError> {
    let prefs = prefs.parse()?;
    Ok(Json(state.services.save_preferences(&shopper, &prefs).await?))
}

/// Deletes one remembered item (a preference, an affinity or a signal) by the id the memory
/// lists; another shopper's item is not found.
#[utoipa::path(delete, path = "/v1/memory/{item}", tag = "memory",
    params(("item" = String, Path, description = "e.g. `preference:abc`, `likes:def`, `signal:ghi`")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_item(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    Path(item): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.services.memory.delete_item(&shopper, &item).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Forgets everything: preferences, signals and affinities. Orders stay (records of sale).
#[utoipa::path(delete, path = "/v1/memory", tag = "memory",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn forget(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
) -> Result<StatusCode, ApiError> {
    state.services.memory.forget(&shopper).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// All of it as a JSON download: the page's contents plus every signal.
#[utoipa::path(get, path = "/v1/memory/export", tag = "memory",
    responses((status = 200, body = Remembered), (status = 401, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
) -> Result<impl IntoResponse, ApiError> {
    let memory = state.services.export_memory(&shopper).await?;
    Ok(([(header::CONTENT_DISPOSITION, "attachment; filename=\"waypoint-memory.json\"")], Json(memory)))
}

/// `GET /v1/recommendations` parameters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecommendationQuery {
    /// `home` (default), `cart` or `product:{id}`.
    context: Option<String>,
}

/// Products for the caller with a reason each; without a session, what is popular and in stock.
#[utoipa::path(get, path = "/v1/recommendations", tag = "memory", params(RecommendationQuery),
    responses((status = 200, body = Recommendations), (status = 422, body = ErrorBody)))]
pub async fn recommendations(
    State(state): State<AppState>,
    shopper: Result<CurrentShopper, ApiError>,
    Query(query): Query<RecommendationQuery>,
) -> Result<Json<Recommendations>, ApiError> {
    let context = RecommendationContext::parse(query.context.as_deref())?;
    let shopper = shopper.ok().map(|s| s.0);
    Ok(Json(Recommendations { items: state.services.recommendations(shopper.as_ref(), &context).await? }))
}
