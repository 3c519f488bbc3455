//! Product cards and grids.

use leptos::prelude::*;
use model::Product;

/// A product tile: picture, brand, name, price and stock state (no ratings until real reviews exist).
#[component]
pub fn ProductCard(product: Product) -> impl IntoView {
    let href = format!("/product/{}", product.slug);
    let stock = stock_label(&product);
    let stock_class = stock_class(&product);
    view! {
        <article class="product-card" data-product-id=product.id.to_string()>
            <a href=href.clone() class="product-card__image">
                <img src=product.image_url.clone() alt=product.name.clone() width="400" height="400" loading="lazy"/>
            </a>
            <div class="product-card__body">
                <p class="product-card__brand">{product.brand.clone()}</p>
                <h3 class="product-card__name"><a href=href>{product.name.clone()}</a></h3>
                <p class="product-card__footer">
                    <span class="price">{product.price.to_string()}</span>
                    <span class=stock_class>{stock}</span>
                </p>
            </div>
        </article>
    }
}

/// A responsive grid of product cards.
#[component]
pub fn ProductGrid(products: Vec<Product>) -> impl IntoView {
    if products.is_empty() {
        return view! { <p class="empty">"No products match. Try fewer words or another category."</p> }.into_any();
    }
    view! {
        <div class="product-grid">
            {products.into_iter().map(|product| view! { <ProductCard product/> }).collect_view()}
        </div>
    }
    .into_any()
}

/// "In stock", "Only 3 left" or "Sold out".
pub fn stock_label(product: &Product) -> String {
    if product.is_sold_out() {
        "Sold out".into()
    } else if product.is_low_stock() {
        format!("Only {} left", product.stock)
    } else {
        "In stock".into()
    }
}

fn stock_class(product: &Product) -> &'static str {
    if product.is_sold_out() {
        "stock stock--out"
    } else if product.is_low_stock() {
        "stock stock--low"
    } else {
        "stock stock--in"
    }
}
