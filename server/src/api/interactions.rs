//! `/v1/interactions`: a message to the shopping assistant from any channel, answered as one
//! JSON reply or, with `Accept: text/event-stream`, as Server-Sent Events; and the stored
//! conversation.

use crate::caller::{CurrentSession, CurrentShopper};
use crate::edge::ApiJson;
use crate::edge::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use engine::assistant::{Progress, Sink, CONVERSATION_TURNS};
use engine::usecases::Said;
use futures::StreamExt;
use model::chat::{ChatEvent, DoneData, TokenData};
use model::{Channel, Reply, Turn};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use utoipa::{IntoParams, ToSchema};

/// `POST /v1/interactions` body.
#[derive(Deserialize, ToSchema)]
pub struct InteractionRequest {
    /// The caller's own session (optional: the session token already says which).
    session_id: Option<String>,
    /// `web`, `mobile`, `api`, `messaging` or `agent` (default: `X-Channel`, else `api`).
    channel: Option<String>,
    /// What the shopper said, 1 to 1000 characters.
    message: String,
}

/// The stored conversation.
#[derive(Serialize, ToSchema)]
pub struct Conversation {
    /// Oldest first.
    pub items: Vec<Turn>,
}

/// `GET /v1/interactions` parameters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversationQuery {
    /// Accepted for symmetry with `POST`; a shopper has one conversation across their sessions.
    #[allow(dead_code)]
    session_id: Option<String>,
}

/// Sends a message to the assistant. With `Accept: text/event-stream` the answer streams as
/// `typing`, `token` {text}, `part` {…}, `action` {…} and `done` {message_id, intent, confidence}
/// events (`error` {code, message} if it fails); otherwise one JSON reply.
#[utoipa::path(post, path = "/v1/interactions", tag = "assistant", request_body = InteractionRequest,
    responses((status = 200, description = "The reply (JSON or an SSE stream)", body = Reply),
              (status = 401, body = ErrorBody), (status = 422, description = "Empty or too long message, unknown channel", body = ErrorBody)))]
pub async fn interact(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    CurrentSession(session): CurrentSession,
    crate::client::ClientKey(client): crate::client::ClientKey,
    headers: HeaderMap,
    ApiJson(body): ApiJson<InteractionRequest>,
) -> Result<Response, ApiError> {
    let channel = match body.channel.as_deref().filter(|c| !c.is_empty()) {
        Some(raw) => Channel::parse(raw).ok_or_else(|| {
            ApiError::invalid(
                "channel",
                format!("unknown channel `{raw}`; expected web, mobile, api, messaging or agent"),
            )
        })?,
        None => crate::caller::channel(&headers, Channel::Api),
    };
    let own = session.map(|s| s.info.id);
    let asked = body.session_id.filter(|s| !s.is_empty());
    let said = Said {
        client: Some(&client),
        shopper: &shopper,
        own_session: own.as_deref(),
        asked_session: asked.as_deref(),
        channel,
        text: &body.message,
    };
    // Checked (and the session resolved) before any answer starts, so a bad message is a plain 422.
    let interaction = state.services.interact(said).await?;
    let wants_stream =
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/event-stream"));
    if !wants_stream {
        return Ok(Json(interaction.answer(&Sink::none()).await?).into_response());
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Progress>(64);
    // The reply is worked out in its own task; when the client goes away the channel closes,
    // the brain sees it and drops its upstream work (a model's stream).
    let work = tokio::spawn(async move { interaction.answer(&Sink::new(tx)).await });
    let typing = futures::stream::once(async { ChatEvent::Typing });
    let received = futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|p| (p, rx)) });
    let progress = received.map(|p| match p {
        Progress::Token(text) => ChatEvent::Token(TokenData { text }),
        Progress::Part(part) => ChatEvent::Part(part),
        Progress::Action(action) => ChatEvent::Action(action),
    });
    let done = futures::stream::once(async move {
        match work.await {
            Ok(Ok(reply)) => ChatEvent::Done(DoneData::from(&reply)),
            Ok(Err(e)) => ChatEvent::Error(ApiError::from(e).into_body()),
            Err(join) => ChatEvent::Error(ApiError::internal(&join).into_body()),
        }
    });
    let stream = typing.chain(progress).chain(done).map(|e| Ok::<_, Infallible>(sse(&e)));
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
}

/// A chat event as Server-Sent Event.
fn sse(event: &ChatEvent) -> Event {
    Event::default().event(event.name()).data(event.data())
}

/// The caller's conversation with the assistant (one per shopper across sessions and channels).
#[utoipa::path(get, path = "/v1/interactions", tag = "assistant", params(ConversationQuery),
    responses((status = 200, body = Conversation), (status = 401, body = ErrorBody)))]
pub async fn conversation(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    Query(_query): Query<ConversationQuery>,
) -> Result<Json<Conversation>, ApiError> {
    let items = state.services.assistant.conversation(&shopper, CONVERSATION_TURNS).await?;
    Ok(Json(Conversation { items }))
}

/// `POST /v1/interactions/confirm` body.
#[derive(Deserialize, ToSchema)]
pub struct ActionConfirmRequest {
    /// The token of the assistant's confirmation card.
    token: String,
}

/// The shopper's click on a confirmation card the assistant showed: cancels the order, forgets
/// everything or empties the cart, as the card said. A second click replays the first outcome.
#[utoipa::path(post, path = "/v1/interactions/confirm", tag = "assistant", request_body = ActionConfirmRequest,
    responses((status = 200, body = model::ActionOutcome),
              (status = 404, description = "Unknown token, or not this shopper's", body = ErrorBody),
              (status = 409, description = "No longer possible (the order shipped meanwhile)", body = ErrorBody),
              (status = 422, description = "The card expired", body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    ApiJson(body): ApiJson<ActionConfirmRequest>,
) -> Result<Json<model::ActionOutcome>, ApiError> {
    Ok(Json(state.services.assistant.confirm_action(&shopper, &body.token).await?))
}
