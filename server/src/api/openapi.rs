//! The OpenAPI 3.1 document's frame for `/v1`; the paths are added by the route table.

use utoipa::OpenApi;

/// The API description's frame (title, shared schemas, tags); its paths come from the route
/// table in `api.rs`, which routes and documents each handler in one line.
#[derive(OpenApi)]
#[openapi(
    info(title = "Waypoint Market API", version = "1", description = "The shop's versioned HTTP API, shared by every channel."),
    components(schemas(crate::edge::ErrorBody, crate::health::Health)),
    tags((name = "catalog", description = "Products and categories"), (name = "auth", description = "Accounts and tokens"), (name = "sessions", description = "Guest and user sessions on every channel"), (name = "cart", description = "The caller's cart: a guest session's, or the user's on every channel"), (name = "checkout", description = "Placing orders, idempotently"), (name = "orders", description = "Orders and their tracking"), (name = "admin", description = "Running the shop (admins only)"), (name = "assistant", description = "The shopping assistant, on any channel"), (name = "memory", description = "What the shop remembers about the caller, and recommendations"), (name = "operations", description = "Liveness and readiness"))
)]
pub struct ApiDoc;
