//! Cart pieces used on other pages: the add-to-cart form, the header's cart link and the
//! totals table (shared by the cart and checkout pages).

use super::api::{get_cart, AddToCart};
use super::cart_version;
use leptos::prelude::*;
use model::{Product, Totals};

/// Quantity picker and "Add to cart" for a product page.
#[component]
pub fn AddToCartButton(product: Product) -> impl IntoView {
    let action = ServerAction::<AddToCart>::new();
    let version = cart_version();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            version.bump();
        }
    });
    let max = product.stock.clamp(1, 10);
    if product.is_sold_out() {
        return view! { <p class="stock stock--out">"Sold out: check back soon."</p> }.into_any();
    }
    view! {
        <ActionForm action=action attr:class="add-to-cart">
            <input type="hidden" name="product_id" value=product.id.to_string()/>
            <label for="add-quantity">"Quantity"</label>
            <select id="add-quantity" name="quantity">
                {(1..=max).map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> }).collect_view()}
            </select>
            <button type="submit" class="button" disabled=move || action.pending().get()>"Add to cart"</button>
        </ActionForm>
        <p class="add-to-cart__result" role="status">
            {move || match action.value().get() {
                Some(Ok(cart)) => view! {
                    <span class="notice--ok">{format!("Added. {} in your cart · ", cart.item_count)}</span>
                    <a class="link" href="/cart">"View cart"</a>
                }.into_any(),
                Some(Err(e)) => view! { <span class="form__error" role="alert">{e.to_string()}</span> }.into_any(),
                None => ().into_any(),
            }}
        </p>
    }
    .into_any()
}

/// The header's cart link with the number of items.
#[component]
pub fn CartLink() -> impl IntoView {
    let version = cart_version();
    let auth = use_context::<crate::account::AuthVersion>();
    let cart = Resource::new(move || (version.get(), auth.map(|a| a.0.get())), |_| get_cart());
    let count = move || cart.get().and_then(|c| c.ok()).map_or(0, |c| c.item_count);
    view! {
        <a class="cart-icon" href="/cart" title="Cart">
            <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path d="M3 4h2l2.4 10.2a2 2 0 0 0 2 1.6h7.7a2 2 0 0 0 1.9-1.4L21 8H6.2" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/><circle cx="10" cy="20" r="1.5" fill="currentColor"/><circle cx="17" cy="20" r="1.5" fill="currentColor"/></svg>
            <Suspense fallback=|| view! { <span class="cart-icon__count">"0"</span> }>
                <span class="cart-icon__count" data-testid="cart-count">{move || count().to_string()}</span>
                <span class="visually-hidden">" items in the cart"</span>
            </Suspense>
        </a>
    }
}

/// Subtotal, discount, shipping, tax and total.
#[component]
pub fn TotalsTable(totals: Totals, #[prop(optional)] shipping_label: Option<&'static str>) -> impl IntoView {
    view! {
        <dl class="totals">
            <dt>"Subtotal"</dt><dd data-total="subtotal">{totals.subtotal.to_string()}</dd>
            {(totals.discount.amount > 0).then(|| view! {
                <dt>"Discount"</dt><dd data-total="discount">{format!("−{}", totals.discount)}</dd>
            })}
            <dt>{shipping_label.unwrap_or("Shipping (standard)")}</dt>
            <dd data-total="shipping">{if totals.shipping.amount == 0 { "Free".to_string() } else { totals.shipping.to_string() }}</dd>
            <dt>"Tax"</dt><dd data-total="tax">{totals.tax.to_string()}</dd>
            <dt class="totals__grand">"Total"</dt><dd class="totals__grand" data-total="total">{totals.total.to_string()}</dd>
        </dl>
    }
}
