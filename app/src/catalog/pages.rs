//! Catalog pages: home, category, search results and product detail.

use super::api::{get_product, list_featured_products, search_products};
use super::components::{stock_label, ProductGrid};
use super::url::{ListingUrl, NAMES};
use crate::error::AppError;
use crate::layout::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::{Product, ProductPage, Sort};

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
        <crate::memory::Recommended context="home".to_string() title="Recommended for you"/>
        <section class="section" aria-label="Featured products">
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

/// One category's products, with facets, sort and pages in the URL.
#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    view! {
        {move || {
            let slug = slug();
            let heading = title_case(&slug.replace('-', " "));
            view! {
                <Title text=format!("{heading} · {}", crate::SHOP_NAME)/>
                <h1 class="page-title">{heading}</h1>
                <Listing path=format!("/category/{slug}") category=Some(slug)/>
            }
        }}
    }
}

/// Full-text search results for `?q=`, with facets, sort and pages in the URL.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    view! {
        <Title text=move || format!("Search: {} · {}", q(), crate::SHOP_NAME)/>
        <h1 class="page-title">{move || if q().is_empty() { "All products".to_string() } else { format!("Results for “{}”", q()) }}</h1>
        <Listing path="/search".to_string() category=None/>
    }
}

/// A product's own page.
#[component]
pub fn ProductDetailPage() -> impl IntoView {
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
                <p class="price price--large">{product.price.to_string()}</p>
                <p class="stock">{stock}</p>
                <p>{product.description.clone()}</p>
                <crate::cart::AddToCartButton product=product.clone()/>
                <dl class="attributes">
                    {product.attributes.iter().map(|a| view! {
                        <dt>{title_case(&a.name)}</dt><dd>{a.value.clone()}</dd>
                    }).collect_view()}
                </dl>
                <a class="link" href=format!("/category/{}", product.category)>"More in this category"</a>
            </div>
        </article>
        <crate::memory::Recommended context=format!("product:{}", product.id.as_str()) title="Recommended for you"/>
    }
}

/// Filters (facets, price, stock, sort) beside the results and their pages; all state is in the
/// URL, so every view is a link that can be shared and the back button works.
#[component]
fn Listing(path: String, category: Option<String>) -> impl IntoView {
    let query = use_query_map();
    let url = {
        let path = path.clone();
        move || ListingUrl {
            path: path.clone(),
            pairs: NAMES
                .iter()
                .filter_map(|name| query.read().get(name).filter(|v| !v.is_empty()).map(|v| (name.to_string(), v)))
                .collect(),
        }
    };
    let listing = {
        let url = url.clone();
        let category = category.clone();
        Resource::new(move || url().to_search(category.clone()), search_products)
    };
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading products…"</p> }>
            {move || {
                let url = url();
                let category = category.clone();
                Suspend::new(async move {
                    match listing.await {
                        Ok(result) => view! { <Results result url in_category=category.is_some()/> }.into_any(),
                        Err(AppError::Invalid { field, message }) => view! {
                            <p class="notice notice--error" role="alert">{format!("{field}: {message}")}</p>
                            <a class="link" href=url.path.clone()>"Clear the filters"</a>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Results(result: ProductPage, url: ListingUrl, in_category: bool) -> impl IntoView {
    let pages = result.total.div_ceil(u64::from(result.per_page.max(1)));
    let page = u64::from(result.page);
    let prev = (page > 1).then(|| url.page(page - 1));
    let next = (page < pages).then(|| url.page(page + 1));
    let brand = url.get("brand").map(str::to_string);
    let chosen_category = url.get("category").map(str::to_string);
    let hidden =
        |name: &'static str| url.get(name).map(|v| view! { <input type="hidden" name=name value=v.to_string()/> });
    view! {
        <div class="listing">
            <aside class="filters" aria-label="Filters">
                {(!in_category).then(|| view! {
                    <section class="facet" data-facet="category">
                        <h2>"Category"</h2>
                        <ul>
                            {result.facets.categories.iter().map(|f| {
                                let on = chosen_category.as_deref() == Some(f.value.as_str());
                                let href = url.with("category", (!on).then_some(f.value.as_str()));
                                view! { <li><a class=if on { "facet__value facet__value--on" } else { "facet__value" } href=href aria-current=on.then_some("true")>
                                    {f.value.replace('-', " ")}<span class="muted">{format!(" ({})", f.count)}</span></a></li> }
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                <section class="facet" data-facet="brand">
                    <h2>"Brand"</h2>
                    <ul>
                        {result.facets.brands.iter().take(15).map(|f| {
                            let on = brand.as_deref() == Some(f.value.as_str());
                            let href = url.with("brand", (!on).then_some(f.value.as_str()));
                            view! { <li><a class=if on { "facet__value facet__value--on" } else { "facet__value" } href=href aria-current=on.then_some("true")>
                                {f.value.clone()}<span class="muted">{format!(" ({})", f.count)}</span></a></li> }
                        }).collect_view()}
                    </ul>
                </section>
                // A plain GET form: it works before hydration, and its result is a URL.
                <form class="facet form" method="get" action=url.path.clone()>
                    {hidden("q")}{hidden("category")}{hidden("brand")}
                    <h2>"Price"</h2>
                    <div class="form__row">
                        <span><label for="min-price">"Min $"</label>
                            <input id="min-price" name="min_price" inputmode="decimal" size="5" value=url.get("min_price").unwrap_or_default().to_string()/></span>
                        <span><label for="max-price">"Max $"</label>
                            <input id="max-price" name="max_price" inputmode="decimal" size="5" value=url.get("max_price").unwrap_or_default().to_string()/></span>
                    </div>
                    <label class="radio"><input type="checkbox" name="in_stock" value="true" checked=url.get("in_stock").is_some()/>" In stock only"</label>
                    <label for="sort">"Sort by"</label>
                    <select id="sort" name="sort">
                        {Sort::ALL.into_iter().map(|s| {
                            let selected = url.get("sort").unwrap_or("relevance") == s.as_str();
                            view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button">"Apply"</button>
                </form>
            </aside>
            <div class="listing__results">
                <p class="muted result-count">{format!("{} products", result.total)}</p>
                <ProductGrid products=result.items/>
                <nav class="pager" aria-label="Pages">
                    {prev.map(|href| view! { <a class="button button--ghost" href=href rel="prev">"← Previous"</a> })}
                    <span class="muted">{format!("Page {page} of {}", pages.max(1))}</span>
                    {next.map(|href| view! { <a class="button button--ghost" href=href rel="next">"Next →"</a> })}
                </nav>
            </div>
        </div>
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
