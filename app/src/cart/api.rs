//! Server functions for the cart: the same `engine::cart` calls as `/v1/cart`, for the
//! signed-in user or this browser's guest session.

use crate::error::AppError;
use leptos::prelude::*;
use model::Cart;

/// The shopper's cart (empty for a browser without a session yet).
#[server]
pub async fn get_cart() -> Result<Cart, AppError> {
    let shopper = crate::ssr::current_shopper().await?;
    Ok(crate::ssr::services()?.carts.get_or_empty(shopper.as_ref()).await?)
}

/// Adds a product to the cart.
#[server]
pub async fn add_to_cart(product_id: String, quantity: i64) -> Result<Cart, AppError> {
    let quantity = crate::ssr::quantity(quantity)?;
    let shopper = crate::ssr::shopper_for_change().await?;
    Ok(crate::ssr::services()?.carts.add(&shopper, &product_id, quantity).await?)
}

/// Sets a line's quantity.
#[server]
pub async fn set_cart_quantity(line_id: String, quantity: i64) -> Result<Cart, AppError> {
    let quantity = crate::ssr::quantity(quantity)?;
    let shopper = crate::ssr::shopper_for_change().await?;
    Ok(crate::ssr::services()?.carts.set_quantity(&shopper, &line_id, quantity).await?)
}

/// Removes a line.
#[server]
pub async fn remove_from_cart(line_id: String) -> Result<Cart, AppError> {
    let shopper = crate::ssr::shopper_for_change().await?;
    Ok(crate::ssr::services()?.carts.remove(&shopper, &line_id).await?)
}

/// Applies a discount code; a refusal comes back as `Invalid { field: "code" }` with the reason.
#[server]
pub async fn apply_discount_code(code: String) -> Result<Cart, AppError> {
    let shopper = crate::ssr::shopper_for_change().await?;
    Ok(crate::ssr::services()?.carts.apply_discount(&shopper, &code).await?)
}

/// Removes the discount code.
#[server]
pub async fn remove_discount_code() -> Result<Cart, AppError> {
    let shopper = crate::ssr::shopper_for_change().await?;
    Ok(crate::ssr::services()?.carts.remove_discount(&shopper).await?)
}
