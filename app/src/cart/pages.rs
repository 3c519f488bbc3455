//! `/cart`: lines with quantity steppers and remove, the discount code with the reason for a
//! refusal, and live totals.

use super::api::{get_cart, ApplyDiscountCode, RemoveDiscountCode, RemoveFromCart, SetCartQuantity};
use super::cart_version;
use super::components::TotalsTable;
use crate::error::AppError;
use crate::layout::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use model::{Cart, CartLine};

/// The cart page.
#[component]
pub fn CartPage() -> impl IntoView {
    let version = cart_version();
    let auth = use_context::<crate::account::AuthVersion>();
    let cart = Resource::new(move || (version.get(), auth.map(|a| a.0.get())), |_| get_cart());
    let set_quantity = ServerAction::<SetCartQuantity>::new();
    let remove = ServerAction::<RemoveFromCart>::new();
    let apply = ServerAction::<ApplyDiscountCode>::new();
    let unapply = ServerAction::<RemoveDiscountCode>::new();
    // Any successful change reloads the cart here and in the header.
    Effect::new(move |_| {
        let changed = [
            set_quantity.value().get().map(|r| r.is_ok()),
            remove.value().get().map(|r| r.is_ok()),
            apply.value().get().map(|r| r.is_ok()),
            unapply.value().get().map(|r| r.is_ok()),
        ];
        if changed.contains(&Some(true)) {
            version.bump();
        }
    });
    let line_error = move || {
        [set_quantity.value().get(), remove.value().get()]
            .into_iter()
            .flatten()
            .find_map(|r| r.err())
            .map(|e| view! { <p class="form__error" role="alert">{e.to_string()}</p> })
    };
    view! {
        <Title text=format!("Your cart · {}", crate::SHOP_NAME)/>
        <h1 class="page-title">"Your cart"</h1>
        {line_error}
        <Suspense fallback=|| view! { <p class="loading">"Loading your cart…"</p> }>
            {move || Suspend::new(async move {
                match cart.await {
                    Ok(cart) if cart.lines.is_empty() => view! {
                        <section class="notice">
                            <p>"Your cart is empty."</p>
                            <p><a class="link" href="/">"Keep shopping"</a></p>
                        </section>
                    }.into_any(),
                    Ok(cart) => view! { <CartView cart set_quantity remove apply unapply/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CartView(
    cart: Cart,
    set_quantity: ServerAction<SetCartQuantity>,
    remove: ServerAction<RemoveFromCart>,
    apply: ServerAction<ApplyDiscountCode>,
    unapply: ServerAction<RemoveDiscountCode>,
) -> impl IntoView {
    let code_error = move || match apply.value().get() {
        Some(Err(AppError::Invalid { message, .. })) => Some(message),
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    view! {
        <div class="cart">
            <ul class="cart__lines">
                {cart.lines.into_iter().map(|line| view! { <LineRow line set_quantity remove/> }).collect_view()}
            </ul>
            <aside class="cart__summary">
                <h2>"Summary"</h2>
                {match cart.discount_code.clone() {
                    Some(code) => view! {
                        <p class="discount">
                            "Code " <strong data-testid="applied-code">{code}</strong>
                            <button class="button button--ghost button--small" on:click=move |_| { unapply.dispatch(RemoveDiscountCode {}); }>"Remove"</button>
                        </p>
                        {cart.discount_note.clone().map(|note| view! { <p class="form__error">{note}</p> })}
                    }.into_any(),
                    None => view! {
                        <ActionForm action=apply attr:class="discount-form">
                            <label for="discount-code">"Discount code"</label>
                            <input id="discount-code" name="code" autocomplete="off" maxlength="32" required/>
                            <button type="submit" class="button button--ghost" disabled=move || apply.pending().get()>"Apply"</button>
                        </ActionForm>
                    }.into_any(),
                }}
                {move || code_error().map(|e| view! { <p class="form__error" role="alert" data-testid="code-error">{e}</p> })}
                <TotalsTable totals=cart.totals/>
                <a class="button button--block" href="/checkout">"Check out"</a>
            </aside>
        </div>
    }
}

#[component]
fn LineRow(
    line: CartLine,
    set_quantity: ServerAction<SetCartQuantity>,
    remove: ServerAction<RemoveFromCart>,
) -> impl IntoView {
    let (id_dec, id_inc, id_rm) = (line.id.clone(), line.id.clone(), line.id.clone());
    let q = line.quantity;
    let no_fewer = q <= 1;
    let no_more = q >= line.available || q >= 99;
    view! {
        <li class="cart-line" data-line-id=line.id.clone()>
            <a href=format!("/product/{}", line.slug)><img src=line.image_url.clone() alt="" width="80" height="80"/></a>
            <div class="cart-line__info">
                <a class="cart-line__name" href=format!("/product/{}", line.slug)>{line.name.clone()}</a>
                <p class="muted">{format!("{} each", line.unit_price)}</p>
                {(q > line.available).then(|| view! {
                    <p class="form__error">{format!("Only {} left: lower the quantity to check out.", line.available)}</p>
                })}
            </div>
            <div class="stepper" role="group" aria-label="Quantity">
                <button class="stepper__button" aria-label="One fewer" disabled=no_fewer
                    on:click=move |_| { set_quantity.dispatch(SetCartQuantity { line_id: id_dec.clone(), quantity: i64::from(q) - 1 }); }>"−"</button>
                <span class="stepper__value" data-testid="line-quantity">{q.to_string()}</span>
                <button class="stepper__button" aria-label="One more" disabled=no_more
                    on:click=move |_| { set_quantity.dispatch(SetCartQuantity { line_id: id_inc.clone(), quantity: i64::from(q) + 1 }); }>"+"</button>
            </div>
            <p class="cart-line__total price">{line.line_total.to_string()}</p>
            <button class="button button--ghost button--small" on:click=move |_| { remove.dispatch(RemoveFromCart { line_id: id_rm.clone() }); }>"Remove"</button>
        </li>
    }
}
