//! The OpenAPI 3.1 document for `/v1`, generated from the handlers and model types.

use axum::Json;
use utoipa::OpenApi;

/// The API description. Every `/v1` handler joins `paths` here.
#[derive(OpenApi)]
#[openapi(
    info(title = "Waypoint Market API", version = "1", description = "The shop's versioned HTTP API, shared by every channel."),
    paths(
        super::catalog::list_categories, super::catalog::list_products, super::catalog::get_product,
        super::cart::get_cart, super::cart::add_item, super::cart::set_quantity, super::cart::remove_item,
        super::cart::apply_discount, super::cart::remove_discount,
        super::checkout::checkout, super::checkout::confirm,
        super::interactions::interact, super::interactions::conversation, super::interactions::confirm,
        super::orders::list, super::orders::get, super::orders::cancel, super::orders::admin_list, super::orders::admin_set_status,
        super::orders::mail_guest_links,
        super::handoffs::list, super::handoffs::reply, super::catalog::admin_change_product,
        super::auth::register, super::auth::login, super::auth::refresh, super::auth::logout, super::auth::me,
        super::auth::verify_email, super::auth::resend_verification, super::auth::password_reset,
        super::auth::password_reset_confirm, super::auth::change_password, super::auth::change_email, super::auth::delete_account,
        super::outbox::list, super::outbox::retry,
        super::sessions::start, super::sessions::list, super::sessions::restore, super::sessions::end, super::sessions::end_others,
        super::memory::get, super::memory::put_preferences, super::memory::delete_item, super::memory::forget,
        super::memory::export, super::memory::recommendations,
        crate::health::health, crate::health::ready
    ),
    components(schemas(crate::edge::ErrorBody, crate::health::Health)),
    tags((name = "catalog", description = "Products and categories"), (name = "auth", description = "Accounts and tokens"), (name = "sessions", description = "Guest and user sessions on every channel"), (name = "cart", description = "The caller's cart: a guest session's, or the user's on every channel"), (name = "checkout", description = "Placing orders, idempotently"), (name = "orders", description = "Orders and their tracking"), (name = "admin", description = "Running the shop (admins only)"), (name = "assistant", description = "The shopping assistant, on any channel"), (name = "memory", description = "What the shop remembers about the caller, and recommendations"), (name = "operations", description = "Liveness and readiness"))
)]
pub struct ApiDoc;

/// `GET /v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
