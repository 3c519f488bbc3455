//! Server functions for memory: the same `engine::memory` calls as `/v1/memory` and
//! `/v1/recommendations`.

use crate::error::AppError;
use leptos::prelude::*;
use model::memory::{Recommendation, Remembered};

/// Recommendations for the page's `context` (`home`, `cart`, `product:{id}`) and this shopper.
#[server]
pub async fn recommendations(context: String) -> Result<Vec<Recommendation>, AppError> {
    let context = model::memory::RecommendationContext::parse(Some(&context))?;
    let shopper = crate::ssr::current_shopper().await?;
    Ok(crate::ssr::services()?.recommendations(shopper.as_ref(), &context).await?)
}

/// What the shop remembers about this shopper (nothing for a browser without a session).
#[server]
pub async fn get_memory() -> Result<Remembered, AppError> {
    let Some(shopper) = crate::ssr::current_shopper().await? else { return Ok(Remembered::default()) };
    Ok(crate::ssr::services()?.memory_page(&shopper).await?)
}

/// Saves the preferences form: comma-separated lists; sizes and budgets as `category: value`
/// (budgets in dollars).
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn save_preferences(
    sizes: String,
    budgets: String,
    brands_liked: String,
    brands_avoided: String,
    colors_liked: String,
    colors_avoided: String,
    avoid: String,
) -> Result<Remembered, AppError> {
    let form = model::memory::PreferencesForm {
        sizes,
        budgets,
        brands_liked,
        brands_avoided,
        colors_liked,
        colors_avoided,
        avoid,
    };
    let prefs = form.parse()?;
    let shopper = crate::ssr::shopper_for_change().await?;
    Ok(crate::ssr::services()?.save_preferences(&shopper, &prefs).await?)
}

/// Deletes one remembered item.
#[server]
pub async fn delete_memory_item(id: String) -> Result<(), AppError> {
    let services = crate::ssr::services()?;
    let shopper = crate::ssr::current_shopper().await?.ok_or_else(|| AppError::NotFound("memory item".into()))?;
    Ok(services.memory.delete_item(&shopper, &id).await?)
}

/// Forgets everything (orders stay).
#[server]
pub async fn forget_memory() -> Result<(), AppError> {
    let services = crate::ssr::services()?;
    if let Some(shopper) = crate::ssr::current_shopper().await? {
        services.memory.forget(&shopper).await?;
    }
    Ok(())
}
