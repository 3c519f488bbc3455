//! Server functions for the chat panel: the same `engine::assistant` calls as
//! `/v1/interactions`, for the signed-in user or this browser's guest session.

use crate::error::AppError;
use leptos::prelude::*;
use model::{Reply, Turn};

/// The shopper's conversation so far (empty for a browser without a session).
#[server]
pub async fn my_conversation() -> Result<Vec<Turn>, AppError> {
    let services = crate::ssr::services()?;
    match crate::ssr::current_shopper().await? {
        Some(shopper) => Ok(services.assistant.conversation(&shopper, 50).await?),
        None => Ok(Vec::new()),
    }
}

/// Sends a message to the assistant and returns its reply.
#[server]
pub async fn send_to_assistant(message: String) -> Result<Reply, AppError> {
    let shopper = crate::ssr::shopper_for_change().await?;
    let session_id = crate::ssr::browser_session_id().await?.unwrap_or_default();
    let services = crate::ssr::services()?;
    Ok(services.assistant.process_message(&shopper, &session_id, model::Channel::Web, &message).await?)
}
