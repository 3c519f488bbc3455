//! `/v1/orders`: a shopper's orders and their tracking, cancellation, and the admin's status
//! moves under `/v1/admin/orders`.

use crate::caller::{AdminUser, AuthUser, MaybeUser};
use crate::edge::ApiJson;
use crate::edge::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use engine::orders::OrderViewer;
use engine::orders::ADMIN_LIST_LIMIT;
use model::{Order, OrderStatus};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A list of orders.
#[derive(Serialize, ToSchema)]
pub struct OrderList {
    /// Newest first.
    pub items: Vec<Order>,
}

/// How a guest opens their order.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GuestAccess {
    /// The `access_token` checkout gave a guest.
    token: Option<String>,
}

/// `POST /v1/orders/guest-links` body.
#[derive(Deserialize, ToSchema)]
pub struct GuestLinksRequest {
    /// The email the orders were placed with.
    email: String,
}

/// `POST /v1/admin/orders/{id}/status` body.
#[derive(Deserialize, ToSchema)]
pub struct StatusChange {
    /// `paid`, `shipped`, `delivered`, `cancelled` or `refunded`.
    status: String,
}

/// Filter for the admin list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminFilter {
    /// Only this status.
    status: Option<String>,
}

/// Who is looking: a guest token wins (it opens exactly one order), else the signed-in user.
fn viewer(user: MaybeUser, access: GuestAccess) -> Result<OrderViewer, ApiError> {
    match (access.token.filter(|t| !t.is_empty()), user.0) {
        (Some(token), _) => Ok(OrderViewer::Guest(SecretString::from(token))),
        (None, Some(user)) => Ok(OrderViewer::Member(user.claims.sub)),
        (None, None) => Err(ApiError::unauthenticated()),
    }
}

/// The signed-in user's orders.
#[utoipa::path(get, path = "/v1/orders", tag = "orders",
    responses((status = 200, body = OrderList), (status = 401, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<OrderList>, ApiError> {
    Ok(Json(OrderList { items: state.services.orders.list(&user.claims.sub).await? }))
}

/// One order with its tracking events: the owner's, or a guest's with `?token=`.
#[utoipa::path(get, path = "/v1/orders/{id}", tag = "orders", params(("id" = String, Path), GuestAccess),
    responses((status = 200, body = Order), (status = 404, description = "No such order, or not yours", body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: MaybeUser,
    Path(id): Path<String>,
    Query(access): Query<GuestAccess>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(state.services.orders.get(&viewer(user, access)?, &id).await?))
}

/// Cancels an order that has not shipped; stock goes back and the payment is refunded.
#[utoipa::path(post, path = "/v1/orders/{id}/cancel", tag = "orders", params(("id" = String, Path), GuestAccess),
    responses((status = 200, body = Order), (status = 404, body = ErrorBody),
              (status = 409, description = "Too late: `current_status` says where it is", body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    user: MaybeUser,
    Path(id): Path<String>,
    Query(access): Query<GuestAccess>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(state.services.orders.cancel(&viewer(user, access)?, &id).await?))
}

/// Every order, newest first (admins).
#[utoipa::path(get, path = "/v1/admin/orders", tag = "admin", params(AdminFilter),
    responses((status = 200, body = OrderList), (status = 403, body = ErrorBody)))]
pub async fn admin_list(
    State(state): State<AppState>,
    _admin: AdminUser,
    Query(filter): Query<AdminFilter>,
) -> Result<Json<OrderList>, ApiError> {
    let status = OrderStatus::filter(filter.status.as_deref())?;
    Ok(Json(OrderList { items: state.services.orders.list_all(status, ADMIN_LIST_LIMIT).await? }))
}

/// Moves an order along `placed -> paid -> shipped -> delivered` (or cancels/refunds it).
#[utoipa::path(post, path = "/v1/admin/orders/{id}/status", tag = "admin", request_body = StatusChange,
    params(("id" = String, Path)),
    responses((status = 200, body = Order), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "Not allowed from the current status (`current_status`)", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn admin_set_status(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StatusChange>,
) -> Result<Json<Order>, ApiError> {
    let status = OrderStatus::parse_field(&body.status, "status")?;
    Ok(Json(state.services.orders.set_status(&id, status).await?))
}

/// Mails new links to the guest orders placed with an address (the earlier links stop working).
/// The answer is 202 either way: it never tells whether an address has orders.
#[utoipa::path(post, path = "/v1/orders/guest-links", tag = "orders", request_body = GuestLinksRequest,
    responses((status = 202, body = super::auth::Accepted), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn mail_guest_links(
    State(state): State<AppState>,
    crate::client::ClientKey(client): crate::client::ClientKey,
    ApiJson(body): ApiJson<GuestLinksRequest>,
) -> Result<axum::response::Response, ApiError> {
    state.services.orders.mail_guest_links(&body.email, &client).await?;
    Ok(super::auth::accepted("If guest orders were placed with this address, new links to them are on their way."))
}
