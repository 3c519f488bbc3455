//! `/v1/sessions`: start a guest session (API clients), and a signed-in user's list, restore
//! and end of their sessions on every channel.

use crate::caller::{self, AuthUser, Credentials, CurrentSession};
use crate::edge::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use model::cookies;
use model::{Channel, RestoredSession, SessionInfo, SessionList};
use secrecy::ExposeSecret;
use serde::Serialize;
use utoipa::ToSchema;

/// A new session and its token.
#[derive(Serialize, ToSchema)]
pub struct StartedSession {
    /// The session.
    pub session: SessionInfo,
    /// Send it back as `X-Session-Token` (browsers get it as the `session` cookie too).
    pub session_token: String,
}

/// Ended sessions.
#[derive(Serialize, ToSchema)]
pub struct Ended {
    /// How many sessions ended.
    pub ended: u64,
}

/// Starts a guest session (channel from `X-Channel`, default `api`).
#[utoipa::path(post, path = "/v1/sessions", tag = "sessions", responses((status = 201, body = StartedSession)))]
pub async fn start(
    State(state): State<AppState>,
    crate::client::Via(transport): crate::client::Via,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let channel = caller::channel(&headers, Channel::Api);
    let (started, token) = state.services.sessions.start(channel, &cookies::device(&headers), None).await?;
    let cookie = cookies::session_cookie(token.expose_secret(), transport);
    let body = StartedSession { session: started.info, session_token: token.expose_secret().to_string() };
    Ok((StatusCode::CREATED, AppendHeaders([(header::SET_COOKIE, cookie)]), Json(body)).into_response())
}

/// The signed-in user's live sessions.
#[utoipa::path(get, path = "/v1/sessions", tag = "sessions",
    responses((status = 200, body = SessionList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Credentials(presented): Credentials,
) -> Result<Json<SessionList>, ApiError> {
    Ok(Json(state.services.my_sessions(&user.claims.sub, &presented).await?))
}

/// Continues one of the user's sessions here. Another user's session is 404.
#[utoipa::path(post, path = "/v1/sessions/{id}/restore", tag = "sessions",
    responses((status = 200, body = RestoredSession), (status = 404, body = ErrorBody)))]
pub async fn restore(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<RestoredSession>, ApiError> {
    Ok(Json(state.services.restore_session(&user.claims.sub, &id).await?))
}

/// Ends one of the user's sessions ("sign out this device"). Another user's session is 404.
#[utoipa::path(delete, path = "/v1/sessions/{id}", tag = "sessions",
    responses((status = 204, description = "Ended"), (status = 404, body = ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.services.sessions.end(&user.claims.sub, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the user except the one this request came from.
#[utoipa::path(delete, path = "/v1/sessions", tag = "sessions", responses((status = 200, body = Ended)))]
pub async fn end_others(
    State(state): State<AppState>,
    user: AuthUser,
    CurrentSession(current): CurrentSession,
) -> Result<Json<Ended>, ApiError> {
    let keep = current.as_ref().map(|c| c.info.id.as_str());
    let ended = state.services.sessions.end_others(&user.claims.sub, keep).await?;
    Ok(Json(Ended { ended }))
}
