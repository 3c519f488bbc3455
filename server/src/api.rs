//! The versioned HTTP API under `/v1`, described by the OpenAPI document it serves.

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
use axum::routing::{get, patch, post};
use axum::Router;

/// The `/v1` routes (nested under `/v1` by the caller).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/categories", get(catalog::list_categories))
        .route("/products", get(catalog::list_products))
        .route("/products/{key}", get(catalog::get_product))
        .route("/cart", get(cart::get_cart))
        .route("/cart/items", post(cart::add_item))
        .route("/cart/items/{line_id}", patch(cart::set_quantity).delete(cart::remove_item))
        .route("/cart/discount", post(cart::apply_discount).delete(cart::remove_discount))
        .route("/checkout", post(checkout::checkout))
        .route("/checkout/confirm", post(checkout::confirm))
        .route("/interactions", post(interactions::interact).get(interactions::conversation))
        .route("/interactions/confirm", post(interactions::confirm))
        .route("/orders", get(orders::list))
        .route("/orders/guest-links", post(orders::mail_guest_links))
        .route("/orders/{id}", get(orders::get))
        .route("/orders/{id}/cancel", post(orders::cancel))
        .route("/admin/orders", get(orders::admin_list))
        .route("/admin/orders/{id}/status", post(orders::admin_set_status))
        .route("/admin/products/{id}", patch(catalog::admin_change_product))
        .route("/admin/handoffs", get(handoffs::list))
        .route("/admin/handoffs/{id}/reply", post(handoffs::reply))
        .route("/auth/register", post(auth::register))
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/auth/verify-email", post(auth::verify_email))
        .route("/auth/verify-email/resend", post(auth::resend_verification))
        .route("/auth/password-reset", post(auth::password_reset))
        .route("/auth/password-reset/confirm", post(auth::password_reset_confirm))
        .route("/auth/password", post(auth::change_password))
        .route("/auth/email", post(auth::change_email))
        .route("/auth/account", axum::routing::delete(auth::delete_account))
        .route("/admin/outbox", get(outbox::list))
        .route("/admin/outbox/{id}/retry", post(outbox::retry))
        .route("/sessions", post(sessions::start).get(sessions::list).delete(sessions::end_others))
        .route("/sessions/{id}/restore", post(sessions::restore))
        .route("/sessions/{id}", axum::routing::delete(sessions::end))
        .route("/memory", get(memory::get).delete(memory::forget))
        .route("/memory/preferences", axum::routing::put(memory::put_preferences))
        .route("/memory/export", get(memory::export))
        .route("/memory/{item}", axum::routing::delete(memory::delete_item))
        .route("/recommendations", get(memory::recommendations))
        .route("/openapi.json", get(openapi::document))
        // API clients get JSON for an unknown endpoint, not the shop's HTML 404 page.
        .fallback(|| async { ApiError::not_found("endpoint") })
}
