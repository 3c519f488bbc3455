//! `GET /v1/categories` and `GET /v1/products`.

use super::params::parse_opt;
use super::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use engine::catalog::ProductQuery;
use model::{Category, CategorySlug, PageRequest, ProductPage};
use serde::Deserialize;
use std::collections::HashMap;

/// Every category in navigation order, with product counts.
#[utoipa::path(get, path = "/v1/categories", tag = "catalog",
    responses((status = 200, description = "All categories", body = [Category])))]
pub async fn list_categories(State(state): State<AppState>) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(state.services.catalog.categories().await?))
}

/// The documented parameters of `GET /v1/products` (parsed by hand to name the bad one).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ProductParams {
    /// Full-text query over name, brand, category, tags and description.
    q: Option<String>,
    /// Category slug, e.g. `running-shoes`.
    category: Option<String>,
    /// 1-based page number (default 1).
    page: Option<u32>,
    /// Page size, 1 to 100 (default 24).
    per_page: Option<u32>,
}

/// A page of products: best match first for `q`, else best rated first.
#[utoipa::path(get, path = "/v1/products", tag = "catalog", params(ProductParams),
    responses(
        (status = 200, description = "One page of products", body = ProductPage),
        (status = 422, description = "A parameter is invalid; `field` names it", body = ErrorBody),
    ))]
pub async fn list_products(
    State(state): State<AppState>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<ProductPage>, ApiError> {
    let get = |name: &str| raw.get(name).map(String::as_str);
    let page = parse_opt::<u32>("page", get("page"), "a whole number from 1")?;
    let per_page = parse_opt::<u32>("per_page", get("per_page"), "a whole number from 1 to 100")?;
    let page = PageRequest::parse(page, per_page).map_err(|e| ApiError::invalid(e.field(), e.to_string()))?;
    let category = get("category")
        .filter(|c| !c.trim().is_empty())
        .map(|c| CategorySlug::parse(c).map_err(|e| ApiError::invalid("category", e.to_string())))
        .transpose()?;
    let text = get("q").map(str::to_string);
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(ApiError::invalid("q", "must be at most 200 characters"));
    }
    let query = ProductQuery { text, category, page };
    Ok(Json(state.services.catalog.list(&query).await?))
}
