//! Catalog pages: home, category, search results and product detail.

use super::api::{get_product, list_featured_products, list_products};
use super::components::{stock_label, ProductGrid};
use crate::error::AppError;
use crate::layout::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::{Product, ProductPage as Page};

/// Home: a welcome band and the featured products.
#[component]
pub fn HomePage() -> impl IntoView {
    let featured = Resource::new(|| (), |_| list_featured_products());
    view! {
        <Title text=format!("{} · Gear, coffee and books, with an assistant that knows the shop", crate::SHOP_NAME)/>
        <section class="hero">
            <h1>"Everything for the trail, the desk and the kitchen"</h1>
            <p>"Hand-picked running shoes, jackets, coffee, books and more. Free standard shipping on orders of $75 or more."</p>
        </section>
        <section class="section">
            <h2>"Featured products"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading products…"</p> }>
                {move || Suspend::new(async move {
                    match featured.await {
                        Ok(products) => view! { <ProductGrid products/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One category's products, with pages.
#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok());
    let listing = Resource::new(move || (slug(), page()), |(slug, page)| list_products(Some(slug), None, page));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading products…"</p> }>
            {move || Suspend::new(async move {
                let slug = slug();
                match listing.await {
                    Ok(result) => {
                        let heading = slug.replace('-', " ");
                        view! {
                            <Title text=format!("{} · {}", title_case(&heading), crate::SHOP_NAME)/>
                            <h1 class="page-title">{title_case(&heading)}</h1>
                            <Listing result base=format!("/category/{slug}?")/>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Full-text search results for `?q=`.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok());
    let listing = Resource::new(move || (q(), page()), |(q, page)| list_products(None, Some(q), page));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Searching…"</p> }>
            {move || Suspend::new(async move {
                let q = q();
                match listing.await {
                    Ok(result) => view! {
                        <Title text=format!("Search: {q} · {}", crate::SHOP_NAME)/>
                        <h1 class="page-title">{format!("Results for “{q}”")}</h1>
                        <Listing result base=format!("/search?q={}&", encode_query(&q))/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A product's own page.
#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let product = Resource::new(move || params.read().get("slug").unwrap_or_default(), get_product);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading product…"</p> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(product) => view! { <ProductDetail product/> }.into_any(),
                    Err(AppError::NotFound(_)) => view! { <crate::layout::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductDetail(product: Product) -> impl IntoView {
    let stock = stock_label(&product);
    view! {
        <Title text=format!("{} · {}", product.name, crate::SHOP_NAME)/>
        <article class="product-detail">
            <img class="product-detail__image" src=product.image_url.clone() alt=product.name.clone() width="400" height="400"/>
            <div class="product-detail__info">
                <p class="product-card__brand">{product.brand.clone()}</p>
                <h1>{product.name.clone()}</h1>
                <p class="product-card__rating">{format!("★ {:.1} · {} reviews", product.rating, product.review_count)}</p>
                <p class="price price--large">{product.price.to_string()}</p>
                <p class="stock">{stock}</p>
                <p>{product.description.clone()}</p>
                <dl class="attributes">
                    {product.attributes.iter().map(|a| view! {
                        <dt>{title_case(&a.name)}</dt><dd>{a.value.clone()}</dd>
                    }).collect_view()}
                </dl>
                <a class="link" href=format!("/category/{}", product.category)>"More in this category"</a>
            </div>
        </article>
    }
}

/// Result count, grid and previous/next links.
#[component]
fn Listing(result: Page, base: String) -> impl IntoView {
    let pages = result.total.div_ceil(u64::from(result.per_page.max(1)));
    let page = u64::from(result.page);
    let prev = (page > 1).then(|| format!("{base}page={}", page - 1));
    let next = (page < pages).then(|| format!("{base}page={}", page + 1));
    view! {
        <p class="muted result-count">{format!("{} products", result.total)}</p>
        <ProductGrid products=result.items/>
        <nav class="pager" aria-label="Pages">
            {prev.map(|href| view! { <a class="button button--ghost" href=href rel="prev">"← Previous"</a> })}
            <span class="muted">{format!("Page {page} of {}", pages.max(1))}</span>
            {next.map(|href| view! { <a class="button button--ghost" href=href rel="next">"Next →"</a> })}
        </nav>
    }
}

fn title_case(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Percent-encodes a query value for a link.
fn encode_query(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
