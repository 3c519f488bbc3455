//! `/checkout`: contact, address, shipping method and card, with each refused field's message
//! next to it; success goes to the order's page.

use super::api::{checkout_quote, new_checkout_key, PlaceOrder};
use crate::cart::{cart_version, TotalsTable};
use crate::error::AppError;
use crate::layout::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// The checkout page.
#[component]
pub fn CheckoutPage() -> impl IntoView {
    let version = cart_version();
    let quote = Resource::new(move || version.get(), |_| checkout_quote());
    let express = RwSignal::new(false);
    let user = Resource::new(|| (), |_| crate::account::current_account());
    let key = Resource::new(|| (), |_| new_checkout_key());
    let action = ServerAction::<PlaceOrder>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(placed)) = action.value().get() {
            version.bump();
            let href = match placed.access_token {
                Some(token) => format!("/orders/{}?token={token}&placed=1", placed.order.id),
                None => format!("/orders/{}?placed=1", placed.order.id),
            };
            navigate(&href, Default::default());
        }
    });
    let value = action.value();
    let error_for = move |field: &'static str| {
        move || match value.get() {
            Some(Err(AppError::Invalid { field: f, message })) if f == field => {
                Some(view! { <p class="form__error" role="alert" data-error-for=field>{message}</p> })
            }
            _ => None,
        }
    };
    let form_error = move || match value.get() {
        Some(Err(AppError::Invalid { field, message }))
            if !field.contains('.') && field != "email" && field != "shipping_method" =>
        {
            Some(format!("{field}: {message}"))
        }
        Some(Err(AppError::Invalid { .. })) | Some(Ok(_)) | None => None,
        Some(Err(e)) => Some(e.to_string()),
    };
    view! {
        <Title text=format!("Checkout · {}", crate::SHOP_NAME)/>
        <h1 class="page-title">"Checkout"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (quote, user, key) = (quote.await, user.await, key.await);
                let (quote, key) = match (quote, key) {
                    (Ok(quote), Ok(key)) => (quote, key),
                    (Err(e), _) | (_, Err(e)) => return view! { <ErrorNotice error=e/> }.into_any(),
                };
                let cart = quote.cart.clone();
                let (standard, fast) = (quote.standard, quote.express);
                if cart.lines.is_empty() {
                    return view! {
                        <section class="notice"><p>"Your cart is empty."</p><p><a class="link" href="/">"Keep shopping"</a></p></section>
                    }.into_any();
                }
                let guest = !matches!(user, Ok(Some(_)));
                view! {
                    <div class="checkout">
                        <ActionForm action=action attr:class="form checkout__form">
                            <input type="hidden" name="key" value=key/>
                            {guest.then(|| view! {
                                <fieldset>
                                    <legend>"Contact"</legend>
                                    <label for="co-email">"Email"</label>
                                    <input id="co-email" type="email" name="email" autocomplete="email" required/>
                                    {error_for("email")}
                                    <p class="muted form__hint">"We send the receipt here. " <a class="link" href="/login">"Sign in"</a>" to use your account."</p>
                                </fieldset>
                            })}
                            <fieldset>
                                <legend>"Shipping address"</legend>
                                <Field id="co-name" name="name" label="Full name" autocomplete="name" max=100 required=true error=error_for("shipping_address.name")/>
                                <Field id="co-line1" name="line1" label="Address" autocomplete="address-line1" max=200 required=true error=error_for("shipping_address.line1")/>
                                <Field id="co-line2" name="line2" label="Apartment, suite (optional)" autocomplete="address-line2" max=200 required=false error=error_for("shipping_address.line2")/>
                                <Field id="co-city" name="city" label="City" autocomplete="address-level2" max=100 required=true error=error_for("shipping_address.city")/>
                                <Field id="co-region" name="region" label="State / region (optional)" autocomplete="address-level1" max=100 required=false error=error_for("shipping_address.region")/>
                                <Field id="co-postal" name="postal_code" label="Postal code" autocomplete="postal-code" max=16 required=true error=error_for("shipping_address.postal_code")/>
                                <Field id="co-country" name="country" label="Country code" autocomplete="country" max=2 required=true error=error_for("shipping_address.country")/>
                            </fieldset>
                            <fieldset>
                                <legend>"Shipping"</legend>
                                <label class="radio"><input type="radio" name="shipping_method" value="standard" checked on:change=move |_| express.set(false)/>
                                    {format!(" Standard (3–5 days): {}", if standard.shipping.amount == 0 { "free".to_string() } else { standard.shipping.to_string() })}</label>
                                <label class="radio"><input type="radio" name="shipping_method" value="express" on:change=move |_| express.set(true)/>
                                    {format!(" Express (1–2 days): {}", fast.shipping)}</label>
                                {error_for("shipping_method")}
                            </fieldset>
                            <fieldset>
                                <legend>"Payment"</legend>
                                <p class="muted form__hint">"Test mode: use 4242 4242 4242 4242 (any future expiry, any CVC). 4000 0000 0000 0002 is declined."</p>
                                <label for="co-card">"Card number"</label>
                                <input id="co-card" name="card_number" inputmode="numeric" autocomplete="cc-number" maxlength="23" required/>
                                {error_for("payment.card_number")}
                                <div class="form__row">
                                    <span>
                                        <label for="co-exp-month">"Exp. month"</label>
                                        <input id="co-exp-month" name="exp_month" inputmode="numeric" autocomplete="cc-exp-month" maxlength="2" placeholder="MM"/>
                                    </span>
                                    <span>
                                        <label for="co-exp-year">"Exp. year"</label>
                                        <input id="co-exp-year" name="exp_year" inputmode="numeric" autocomplete="cc-exp-year" maxlength="4" placeholder="YYYY"/>
                                    </span>
                                    <span>
                                        <label for="co-cvc">"CVC"</label>
                                        <input id="co-cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="4"/>
                                    </span>
                                </div>
                                {error_for("payment.exp_month")}
                                {error_for("payment.exp_year")}
                                {error_for("payment.cvc")}
                            </fieldset>
                            {move || form_error().map(|e| view! { <p class="notice notice--error" role="alert" data-testid="checkout-error">{e}</p> })}
                            <button type="submit" class="button button--block" disabled=move || action.pending().get()>
                                {move || if action.pending().get() {
                                    "Placing your order…".to_string()
                                } else {
                                    format!("Pay {}", if express.get() { fast.total } else { standard.total })
                                }}
                            </button>
                        </ActionForm>
                        <aside class="cart__summary">
                            <h2>"Order summary"</h2>
                            <ul class="summary-lines">
                                {cart.lines.iter().map(|l| view! {
                                    <li><span>{format!("{} × {}", l.quantity, l.name)}</span><span>{l.line_total.to_string()}</span></li>
                                }).collect_view()}
                            </ul>
                            {cart.discount_code.clone().map(|c| view! { <p class="muted">{format!("Code {c} applied")}</p> })}
                            {move || if express.get() {
                                view! { <TotalsTable totals=fast shipping_label="Shipping (express)"/> }
                            } else {
                                view! { <TotalsTable totals=standard shipping_label="Shipping (standard)"/> }
                            }}
                        </aside>
                    </div>
                }.into_any()
            })}
        </Suspense>
    }
}

/// A labelled text input with the server's message for it underneath.
#[component]
fn Field<E: IntoView + 'static>(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    max: u32,
    required: bool,
    error: impl Fn() -> Option<E> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input id=id name=name autocomplete=autocomplete maxlength=max.to_string() required=required/>
        {error}
    }
}
