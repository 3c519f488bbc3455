//! `POST /v1/checkout`: places an order from the caller's cart, exactly once per Idempotency-Key.

use crate::caller::CurrentShopper;
use crate::edge::ApiJson;
use crate::edge::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use model::{CheckoutRequest, PlacedOrder};

/// Places an order. Send a fresh `Idempotency-Key` (a UUID) per order and reuse it for retries:
/// the same key and body replay the first response, a different body is refused.
#[utoipa::path(post, path = "/v1/checkout", tag = "checkout", request_body = CheckoutRequest,
    params(("Idempotency-Key" = String, Header, description = "Client-chosen key, 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The order (`Idempotent-Replayed: true` on a replay)", body = PlacedOrder),
        (status = 402, description = "`card_declined`: nothing was charged, cart and stock untouched", body = ErrorBody),
        (status = 409, description = "`out_of_stock` (with `available`) or `idempotency_in_progress`", body = ErrorBody),
        (status = 422, description = "A field is invalid (`field` names it), the cart is empty, the code no longer applies, or the key was used for another body", body = ErrorBody),
    ))]
pub async fn checkout(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CheckoutRequest>,
) -> Result<Response, ApiError> {
    let Some(key) = headers.get("idempotency-key") else {
        return Err(ApiError::invalid("Idempotency-Key", "header is required (a fresh UUID per order)"));
    };
    let key = key.to_str().map_err(|_| ApiError::invalid("Idempotency-Key", "must be visible ASCII"))?;
    let outcome = state.services.checkout.place(&shopper, key, &body).await?;
    Ok(placed(outcome))
}

/// `POST /v1/checkout/confirm` body.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ConfirmRequest {
    /// The token of the assistant's confirmation card.
    token: String,
}

/// Places the order an assistant confirmation card describes (the shopper's click): the cart as
/// it is, paid with the card saved by the shopper's last order, shipped standard to its address.
/// A second call with the same token replays the first order.
#[utoipa::path(post, path = "/v1/checkout/confirm", tag = "checkout", request_body = ConfirmRequest,
    responses((status = 201, body = PlacedOrder), (status = 402, body = ErrorBody),
              (status = 404, description = "Unknown token, or not this shopper's", body = ErrorBody),
              (status = 409, description = "The cart changed since the card was made", body = ErrorBody),
              (status = 422, description = "The confirmation expired", body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    CurrentShopper(shopper): CurrentShopper,
    ApiJson(body): ApiJson<ConfirmRequest>,
) -> Result<Response, ApiError> {
    let outcome = state.services.checkout.confirm(&shopper, body.token.trim()).await?;
    Ok(placed(outcome))
}

/// 201 with the order; a replay says so in `Idempotent-Replayed: true`.
fn placed(outcome: engine::checkout::CheckoutOutcome) -> Response {
    let mut response = (StatusCode::CREATED, Json(outcome.placed)).into_response();
    if outcome.replayed {
        response.headers_mut().insert(HeaderName::from_static("idempotent-replayed"), HeaderValue::from_static("true"));
    }
    response
}
