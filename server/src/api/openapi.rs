//! The OpenAPI 3.1 document for `/v1`, generated from the handlers and model types.

use axum::Json;
use utoipa::OpenApi;

/// The API description. Every `/v1` handler joins `paths` here.
#[derive(OpenApi)]
#[openapi(
    info(title = "Waypoint Market API", version = "1", description = "The shop's versioned HTTP API, shared by every channel."),
    paths(
        super::catalog::list_categories, super::catalog::list_products,
        super::auth::register, super::auth::login, super::auth::refresh, super::auth::logout, super::auth::me,
        super::sessions::start, super::sessions::list, super::sessions::restore, super::sessions::end, super::sessions::end_others,
        crate::health::health, crate::health::ready
    ),
    components(schemas(super::ErrorBody, crate::health::Health)),
    tags((name = "catalog", description = "Products and categories"), (name = "auth", description = "Accounts and tokens"), (name = "sessions", description = "Guest and user sessions on every channel"), (name = "operations", description = "Liveness and readiness"))
)]
pub struct ApiDoc;

/// `GET /v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
