//! `/v1/cart`: the caller's cart (a guest session's, or the signed-in user's across all their
//! sessions), its lines and its discount code.

use crate::caller::CurrentShopper;
use crate::edge::ApiJson;
use crate::edge::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use model::{Cart, Quantity};
use serde::Deserialize;
use utoipa::ToSchema;

/// `POST /v1/cart/items` body.
#[derive(Deserialize, ToSchema)]
pub struct AddItem {
    /// Product id.
    product_id: String,
    /// 1 to 99 (default 1).
    #[serde(default = "one")]
    quantity: i64,
}

fn one() -> i64 {
    1
}

/// `PATCH /v1/cart/items/{line_id}` body.
#[derive(Deserialize, ToSchema)]
pub struct SetQuantity {
    /// 1 to 99.
    quantity: i64,
}

/// `POST /v1/cart/discount` body.
#[derive(Deserialize, ToSchema)]
pub struct ApplyCode {
    /// The code, any case.
    code: String,
}

fn quantity(raw: i64) -> Result<Quantity, ApiError> {
    Quantity::parse(raw).map_err(|e| ApiError::invalid("quantity", e.to_string()))
}

/// The caller's cart.
#[utoipa::path(get, path = "/v1/cart", tag = "cart",
    responses((status = 200, body = Cart), (status = 401, body = ErrorBody)))]
pub async fn get_cart(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
) -> Result<Json<Cart>, ApiError> {
    Ok(Json(state.services.carts.get(&shopper).await?))
}

/// Adds a product (to its line if it is already in the cart).
#[utoipa::path(post, path = "/v1/cart/items", tag = "cart", request_body = AddItem,
    responses((status = 200, body = Cart), (status = 404, description = "Unknown product", body = ErrorBody),
              (status = 409, description = "Not enough stock; `available` says how many", body = ErrorBody),
              (status = 422, description = "Bad quantity", body = ErrorBody)))]
pub async fn add_item(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    ApiJson(body): ApiJson<AddItem>,
) -> Result<Json<Cart>, ApiError> {
    let quantity = quantity(body.quantity)?;
    if body.product_id.trim().is_empty() {
        return Err(ApiError::invalid("product_id", "is required"));
    }
    Ok(Json(state.services.carts.add(&shopper, body.product_id.trim(), quantity).await?))
}

/// Sets a line's quantity.
#[utoipa::path(patch, path = "/v1/cart/items/{line_id}", tag = "cart", request_body = SetQuantity,
    params(("line_id" = String, Path, description = "Cart line id")),
    responses((status = 200, body = Cart), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_quantity(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    Path(line_id): Path<String>,
    ApiJson(body): ApiJson<SetQuantity>,
) -> Result<Json<Cart>, ApiError> {
    let quantity = quantity(body.quantity)?;
    Ok(Json(state.services.carts.set_quantity(&shopper, &line_id, quantity).await?))
}

/// Removes a line.
#[utoipa::path(delete, path = "/v1/cart/items/{line_id}", tag = "cart",
    params(("line_id" = String, Path, description = "Cart line id")),
    responses((status = 200, body = Cart), (status = 404, body = ErrorBody)))]
pub async fn remove_item(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    Path(line_id): Path<String>,
) -> Result<Json<Cart>, ApiError> {
    Ok(Json(state.services.carts.remove(&shopper, &line_id).await?))
}

/// Applies a discount code; a refusal says why (`reason`).
#[utoipa::path(post, path = "/v1/cart/discount", tag = "cart", request_body = ApplyCode,
    responses((status = 200, body = Cart),
              (status = 422, description = "Refused: `reason` is unknown, not_yet_valid, expired, below_minimum, used_up, already_used or not_applicable", body = ErrorBody)))]
pub async fn apply_discount(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    ApiJson(body): ApiJson<ApplyCode>,
) -> Result<Json<Cart>, ApiError> {
    Ok(Json(state.services.carts.apply_discount(&shopper, &body.code).await?))
}

/// Removes the discount code.
#[utoipa::path(delete, path = "/v1/cart/discount", tag = "cart", responses((status = 200, body = Cart)))]
pub async fn remove_discount(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
) -> Result<Json<Cart>, ApiError> {
    Ok(Json(state.services.carts.remove_discount(&shopper).await?))
}
