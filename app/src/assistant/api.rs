//! Server functions for the chat panel: the stored conversation, from the same
//! `engine::assistant` call as `GET /v1/interactions`. Messages go to `/v1/interactions` as a
//! stream (see `stream.rs`).

use crate::error::AppError;
use leptos::prelude::*;
use model::Turn;

/// The shopper's conversation so far (empty for a browser without a session).
#[server]
pub async fn my_conversation() -> Result<Vec<Turn>, AppError> {
    let services = crate::ssr::services()?;
    match crate::ssr::current_shopper().await? {
        Some(shopper) => Ok(services.assistant.conversation(&shopper, 50).await?),
        None => Ok(Vec::new()),
    }
}
