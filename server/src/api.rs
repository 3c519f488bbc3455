//! The versioned HTTP API under `/v1`, described by the OpenAPI document it serves. The route
//! table below is the document's list of paths too (utoipa-axum's `OpenApiRouter`): a handler
//! is routed and documented by the same line, from its `#[utoipa::path]` annotation.

mod auth;
mod cart;
mod catalog;
mod checkout;
mod handoffs;
mod interactions;
mod memory;
mod openapi;
mod orders;
mod outbox;
mod sessions;

use crate::edge::ApiError;
use crate::AppState;
use axum::routing::{any, get};
use axum::{Json, Router};
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The API's routes at their full paths (`/v1/...`, and the documented `/health` and `/ready`)
/// with `/v1/openapi.json` serving the document they make.
pub fn routes() -> Router<AppState> {
    let (router, document) = documented().split_for_parts();
    let document = Arc::new(document);
    router
        .route("/v1/openapi.json", get(move || async move { Json(document.as_ref().clone()) }))
        // API clients get JSON for an unknown endpoint, not the shop's HTML 404 page.
        .route("/v1", any(unknown_endpoint))
        .route("/v1/{*rest}", any(unknown_endpoint))
}

async fn unknown_endpoint() -> ApiError {
    ApiError::not_found("endpoint")
}

/// Every documented route: one `routes!` per path, its methods' handlers together.
fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(catalog::list_categories))
        .routes(routes!(catalog::list_products))
        .routes(routes!(catalog::get_product))
        .routes(routes!(cart::get_cart))
        .routes(routes!(cart::add_item))
        .routes(routes!(cart::set_quantity, cart::remove_item))
        .routes(routes!(cart::apply_discount, cart::remove_discount))
        .routes(routes!(checkout::checkout))
        .routes(routes!(checkout::confirm))
        .routes(routes!(interactions::interact, interactions::conversation))
        .routes(routes!(interactions::confirm))
        .routes(routes!(orders::list))
        .routes(routes!(orders::mail_guest_links))
        .routes(routes!(orders::get))
        .routes(routes!(orders::cancel))
        .routes(routes!(orders::admin_list))
        .routes(routes!(orders::admin_set_status))
        .routes(routes!(catalog::admin_change_product))
        .routes(routes!(handoffs::list))
        .routes(routes!(handoffs::reply))
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::verify_email))
        .routes(routes!(auth::resend_verification))
        .routes(routes!(auth::password_reset))
        .routes(routes!(auth::password_reset_confirm))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::change_email))
        .routes(routes!(auth::delete_account))
        .routes(routes!(outbox::list))
        .routes(routes!(outbox::retry))
        .routes(routes!(sessions::start, sessions::list, sessions::end_others))
        .routes(routes!(sessions::restore))
        .routes(routes!(sessions::end))
        .routes(routes!(memory::get, memory::forget))
        .routes(routes!(memory::put_preferences))
        .routes(routes!(memory::export))
        .routes(routes!(memory::delete_item))
        .routes(routes!(memory::recommendations))
        .routes(routes!(crate::health::health))
        .routes(routes!(crate::health::ready))
}
