//! `GET /v1/categories`, `GET /v1/products` (search, filters, sort, facets) and
//! `GET /v1/products/{id or slug}`.

use crate::caller::AdminUser;
use crate::caller::CurrentShopper;
use crate::edge::ApiJson;
use crate::edge::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use engine::usecases::ProductKey;
use model::{Category, Channel, Product, ProductChange, ProductPage, SearchParams};

/// Every category in navigation order, with product counts.
#[utoipa::path(get, path = "/v1/categories", tag = "catalog",
    responses((status = 200, description = "All categories", body = [Category])))]
pub async fn list_categories(State(state): State<AppState>) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(state.services.catalog.categories().await?))
}

/// The documented parameters of `GET /v1/products` (parsed by `model::SearchParams`, which
/// names the bad one).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ProductParams {
    /// Full-text query over name, brand, category, tags and description (BM25 ranked).
    q: Option<String>,
    /// Category slug, e.g. `running-shoes`.
    category: Option<String>,
    /// Exact brand name.
    brand: Option<String>,
    /// Lowest price in cents, inclusive (not negative).
    min_price: Option<i64>,
    /// Highest price in cents, inclusive (not below `min_price`).
    max_price: Option<i64>,
    /// Only products in stock.
    in_stock: Option<bool>,
    /// `relevance` (default), `price_asc`, `price_desc`, `newest` or `best_selling` (units sold, net of cancellations).
    sort: Option<String>,
    /// 1-based page number (default 1).
    page: Option<u32>,
    /// Page size, 1 to 100 (default 24).
    per_page: Option<u32>,
}

/// A page of products with facet counts per category and brand.
#[utoipa::path(get, path = "/v1/products", tag = "catalog", params(ProductParams),
    responses(
        (status = 200, description = "One page of products", body = ProductPage),
        (status = 422, description = "A parameter is invalid; `field` names it", body = ErrorBody),
    ))]
pub async fn list_products(
    State(state): State<AppState>,
    shopper: Result<CurrentShopper, ApiError>,
    Query(params): Query<SearchParams>,
) -> Result<Json<ProductPage>, ApiError> {
    let search = params.parse()?;
    // Anyone may list; a known shopper's results lean (a little) toward what they like.
    let shopper = shopper.ok().map(|s| s.0);
    Ok(Json(state.services.search(shopper.as_ref(), &search, Channel::Api).await?))
}

/// One product by id or slug.
#[utoipa::path(get, path = "/v1/products/{key}", tag = "catalog",
    params(("key" = String, Path, description = "Product id or slug")),
    responses((status = 200, body = Product), (status = 404, body = ErrorBody)))]
pub async fn get_product(
    State(state): State<AppState>,
    shopper: Result<CurrentShopper, ApiError>,
    Path(key): Path<String>,
) -> Result<Json<Product>, ApiError> {
    let shopper = shopper.ok().map(|s| s.0);
    Ok(Json(state.services.view_product(shopper.as_ref(), ProductKey::IdOrSlug(&key), Channel::Api).await?))
}

/// Changes a product's price and/or stock (admins). Listings on this server show it at once.
#[utoipa::path(patch, path = "/v1/admin/products/{id}", tag = "admin", request_body = ProductChange,
    params(("id" = String, Path)),
    responses((status = 200, body = Product), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "A bad price, currency or stock, named in `field`", body = ErrorBody)))]
pub async fn admin_change_product(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<ProductChange>,
) -> Result<Json<Product>, ApiError> {
    Ok(Json(state.services.catalog.change(&id, &change).await?))
}
