//! Server functions for the catalog pages: thin calls into `engine::catalog`.

use crate::error::AppError;
use leptos::prelude::*;
use model::{Category, Product, ProductPage, SearchParams};

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

/// One page of a search or category listing, with facets. Prices are in cents, as in the API.
#[server]
pub async fn search_products(params: SearchParams) -> Result<ProductPage, AppError> {
    let search = params.parse()?;
    let shopper = crate::ssr::current_shopper().await?;
    Ok(crate::ssr::services()?.search(shopper.as_ref(), &search, model::Channel::Web).await?)
}

/// One product by its slug.
#[server]
pub async fn get_product(slug: String) -> Result<Product, AppError> {
    use engine::usecases::ProductKey;
    let shopper = crate::ssr::current_shopper().await?;
    Ok(crate::ssr::services()?.view_product(shopper.as_ref(), ProductKey::Slug(&slug), model::Channel::Web).await?)
}
