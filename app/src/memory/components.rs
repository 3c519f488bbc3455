//! "Recommended for you": product cards, each with the reason it is shown.

use super::api::recommendations;
use crate::catalog::ProductCard;
use leptos::prelude::*;

/// Recommendations for `context` (`home`, `cart`, `product:{id}`) under `title`.
#[component]
pub fn Recommended(context: String, title: &'static str) -> impl IntoView {
    let items = Resource::new(move || context.clone(), recommendations);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Recommendations are a bonus: a failure hides the section rather than the page.
                let items = items.await.unwrap_or_default();
                (!items.is_empty()).then(|| view! {
                    <section class="section recommended" aria-label=title>
                        <h2>{title}</h2>
                        <div class="product-grid">
                            {items.into_iter().map(|r| view! {
                                <div class="recommended__item">
                                    <ProductCard product=r.product/>
                                    <p class="recommended__reason muted">{r.reason}</p>
                                </div>
                            }).collect_view()}
                        </div>
                    </section>
                })
            })}
        </Suspense>
    }
}
