//! `GET /images/products/{slug}.svg`: product pictures drawn from catalog data.

use crate::edge::ApiError;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;

/// The picture of the product with that slug.
pub async fn product_picture(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let slug = file.strip_suffix(".svg").ok_or_else(|| ApiError::not_found("picture"))?;
    let product = state.services.catalog.by_slug(slug).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            // An SVG opened directly must not run anything.
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'"),
        ],
        engine::catalog::product_svg(&product),
    ))
}
