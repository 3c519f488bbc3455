//! Server functions for the catalog pages: thin calls into `engine::catalog`.

use crate::error::AppError;
use leptos::prelude::*;
use model::{Category, Product, ProductPage};

/// Every category, in navigation order.
#[server]
pub async fn list_categories() -> Result<Vec<Category>, AppError> {
    Ok(crate::ssr::services()?.catalog.categories().await?)
}

/// The home page's featured products.
#[server]
pub async fn list_featured_products() -> Result<Vec<Product>, AppError> {
    Ok(crate::ssr::services()?.catalog.featured(12).await?)
}

/// One page of products, optionally in one category and/or matching a text query.
#[server]
pub async fn list_products(
    category: Option<String>,
    q: Option<String>,
    page: Option<u32>,
) -> Result<ProductPage, AppError> {
    let invalid = |field: &str, message: String| AppError::Invalid { field: field.into(), message };
    let category =
        category.map(|c| model::CategorySlug::parse(&c).map_err(|e| invalid("category", e.to_string()))).transpose()?;
    let page = model::PageRequest::parse(page, None).map_err(|e| invalid(e.field(), e.to_string()))?;
    let query = engine::catalog::ProductQuery { text: q, category, page };
    Ok(crate::ssr::services()?.catalog.list(&query).await?)
}

/// One product by its slug.
#[server]
pub async fn get_product(slug: String) -> Result<Product, AppError> {
    Ok(crate::ssr::services()?.catalog.by_slug(&slug).await?)
}
