//! Server functions for orders: the same `engine::orders` calls as `/v1/orders`.

use crate::error::AppError;
use leptos::prelude::*;
use model::Order;

/// The signed-in user's orders (none for a guest: the page then offers to sign in).
#[server]
pub async fn my_orders() -> Result<Option<Vec<Order>>, AppError> {
    let Some(claims) = crate::ssr::current_claims()? else { return Ok(None) };
    Ok(Some(crate::ssr::services()?.orders.list(&claims.sub).await?))
}

/// One order: with a guest's token, or the signed-in owner's. Anyone else: not found.
#[server]
pub async fn get_order(id: String, token: Option<String>) -> Result<Order, AppError> {
    let viewer = crate::ssr::order_viewer(token)?;
    Ok(crate::ssr::services()?.orders.get(&viewer, &id).await?)
}

/// Cancels an order that has not shipped.
#[server]
pub async fn cancel_order(id: String, token: Option<String>) -> Result<Order, AppError> {
    let viewer = crate::ssr::order_viewer(token)?;
    Ok(crate::ssr::services()?.orders.cancel(&viewer, &id).await?)
}

/// Mails new links to the guest orders placed with `email` (the same answer whether or not
/// there are any).
#[server]
pub async fn request_order_links(email: String) -> Result<(), AppError> {
    let client = crate::ssr::client_address();
    Ok(crate::ssr::services()?.orders.mail_guest_links(&email, &client).await?)
}
