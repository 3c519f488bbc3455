//! Server functions for the chat panel: the stored conversation, from the same
//! `engine::assistant` call as `GET /v1/interactions`. Messages go to `/v1/interactions` as a
//! stream (see `stream.rs`).

use crate::error::AppError;
use leptos::prelude::*;
use model::{ActionOutcome, PlacedOrder, Turn};

/// The shopper's conversation so far (empty for a browser without a session).
#[server]
pub async fn my_conversation() -> Result<Vec<Turn>, AppError> {
    let services = crate::ssr::services()?;
    match crate::ssr::current_shopper().await? {
        Some(shopper) => Ok(services.assistant.conversation(&shopper, engine::assistant::CONVERSATION_TURNS).await?),
        None => Ok(Vec::new()),
    }
}

/// Gives this browser a guest session if it has none yet (browsing writes none), so its first
/// chat message has a conversation to land in.
#[server]
pub async fn start_chat_session() -> Result<(), AppError> {
    crate::ssr::shopper_for_change().await.map(|_| ())
}

/// The shopper's click on the assistant's confirmation card: places that order.
#[server]
pub async fn confirm_assistant_checkout(token: String) -> Result<PlacedOrder, AppError> {
    let shopper = crate::ssr::shopper_for_change().await?;
    Ok(crate::ssr::services()?.checkout.confirm(&shopper, &token).await?.placed)
}

/// The shopper's click on a card for an irreversible step (cancel an order, forget everything,
/// empty the cart): does what the card said, once.
#[server]
pub async fn confirm_assistant_action(token: String) -> Result<ActionOutcome, AppError> {
    let shopper = crate::ssr::shopper_for_change().await?;
    Ok(crate::ssr::services()?.assistant.confirm_action(&shopper, &token).await?)
}
