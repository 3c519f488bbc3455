//! `/orders` (history) and `/orders/:id` (detail, tracking timeline, cancel).

use super::api::{get_order, my_orders, CancelOrder, RequestOrderLinks};
use crate::cart::TotalsTable;
use crate::error::AppError;
use crate::layout::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::Order;

/// The signed-in user's order history.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let orders = Resource::new(|| (), |_| my_orders());
    view! {
        <Title text=format!("Your orders · {}", crate::SHOP_NAME)/>
        <h1 class="page-title">"Your orders"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading your orders…"</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(None) => view! {
                        <section class="notice">
                            <p><a class="link" href="/login">"Sign in"</a>" to see your orders. Guest orders are reached through the link shown after checkout and mailed with the receipt, and join your account when you register with the same email."</p>
                            <p><a class="link" href="/order-links">"Lost the link to a guest order?"</a></p>
                        </section>
                    }.into_any(),
                    Ok(Some(list)) if list.is_empty() => view! {
                        <section class="notice"><p>"No orders yet."</p><p><a class="link" href="/">"Start shopping"</a></p></section>
                    }.into_any(),
                    Ok(Some(list)) => view! {
                        <ul class="orders">
                            {list.into_iter().map(|o| view! {
                                <li class="orders__item" data-order-id=o.id.clone()>
                                    <a class="link" href=format!("/orders/{}", o.id)>{format!("Order {}", o.id)}</a>
                                    <span class="muted">{short_time(&o.placed_at)}</span>
                                    <span class=format!("badge badge--{}", o.status.as_str())>{o.status.label()}</span>
                                    <span class="price">{o.totals.total.to_string()}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One order.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let token = move || query.read().get("token");
    let just_placed = move || query.read().get("placed").is_some();
    let cancel = ServerAction::<CancelOrder>::new();
    let order = Resource::new(move || (id(), token(), cancel.version().get()), |(id, token, _)| get_order(id, token));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the order…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(order) => view! { <OrderDetail order just_placed=just_placed() token=token() cancel/> }.into_any(),
                    Err(AppError::NotFound(_)) if token().is_some() => view! { <ExpiredLink/> }.into_any(),
                    Err(AppError::NotFound(_)) => view! { <crate::layout::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A guest link that opens nothing (expired, replaced by a newer one, or mistyped).
#[component]
fn ExpiredLink() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(404);
    view! {
        <Title text=format!("Order link expired · {}", crate::SHOP_NAME)/>
        <section class="notice">
            <h1>"This order link no longer works"</h1>
            <p>"Guest order links work for a while after checkout, and a newer link replaces the older ones."</p>
            <p><a class="link" href="/order-links">"Get new links to your orders"</a></p>
        </section>
    }
}

/// `/order-links`: a guest asks for new links to the orders placed with their email.
#[component]
pub fn OrderLinksPage() -> impl IntoView {
    let action = ServerAction::<RequestOrderLinks>::new();
    let value = action.value();
    view! {
        <Title text=format!("Your guest orders · {}", crate::SHOP_NAME)/>
        <section class="auth-card">
            <h1>"Find your guest orders"</h1>
            {move || match value.get() {
                Some(Ok(())) => view! {
                    <p class="notice notice--ok" role="status">
                        "If guest orders were placed with this address, new links to them are on their way. Earlier links stop working."
                    </p>
                }.into_any(),
                _ => view! {
                    <ActionForm action=action attr:class="form">
                        <p class="muted">"We mail new links to the orders placed with your email."</p>
                        <label for="links-email">"Email"</label>
                        <input id="links-email" type="email" name="email" autocomplete="email" required/>
                        {move || match value.get() {
                            Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.to_string()}</p> }),
                            _ => None,
                        }}
                        <button type="submit" class="button" disabled=move || action.pending().get()>"Mail me the links"</button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OrderDetail(
    order: Order,
    just_placed: bool,
    token: Option<String>,
    cancel: ServerAction<CancelOrder>,
) -> impl IntoView {
    let id = order.id.clone();
    let a = order.shipping_address.clone();
    view! {
        <Title text=format!("Order {} · {}", order.id, crate::SHOP_NAME)/>
        {just_placed.then(|| view! {
            <section class="notice notice--ok" role="status">
                <h1>"Thank you! Your order is placed."</h1>
                <p>{format!("A receipt goes to {}.", order.email)}</p>
                {token.is_some().then(|| view! { <p class="muted">"Bookmark this page to follow your order, or register with the same email and it joins your account."</p> })}
            </section>
        })}
        <article class="order" data-order-id=order.id.clone()>
            <h2>{format!("Order {}", order.id)}</h2>
            <p>
                <span class=format!("badge badge--{}", order.status.as_str()) data-testid="order-status">{order.status.label()}</span>
                <span class="muted">{format!(" · placed {} · card ending {}", short_time(&order.placed_at), order.card_last4)}</span>
            </p>
            <ol class="timeline" aria-label="Tracking">
                {order.events.iter().map(|e| view! {
                    <li class="timeline__event"><strong>{e.status.label()}</strong><span class="muted">{format!(" {}", short_time(&e.at))}</span></li>
                }).collect_view()}
            </ol>
            <ul class="summary-lines">
                {order.lines.iter().map(|l| view! {
                    <li><a class="link" href=format!("/product/{}", l.slug)>{format!("{} × {}", l.quantity, l.name)}</a><span>{l.line_total.to_string()}</span></li>
                }).collect_view()}
            </ul>
            {order.discount_code.clone().map(|c| view! { <p class="muted">{format!("Code {c}")}</p> })}
            <TotalsTable totals=order.totals shipping_label=if order.shipping_method == model::ShippingMethod::Express { "Shipping (express)" } else { "Shipping (standard)" }/>
            <h3>"Shipping to"</h3>
            <address>
                {a.name}<br/>{a.line1}<br/>{a.line2.map(|l| view! { {l}<br/> })}
                {format!("{} {} {}", a.postal_code, a.city, a.region.unwrap_or_default())}<br/>{a.country}
            </address>
            {order.can_cancel.then(|| view! {
                <button class="button button--ghost" disabled=move || cancel.pending().get()
                    on:click=move |_| { cancel.dispatch(CancelOrder { id: id.clone(), token: token.clone() }); }>
                    "Cancel order"
                </button>
            })}
            {move || match cancel.value().get() {
                Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.to_string()}</p> }),
                _ => None,
            }}
        </article>
    }
}

/// `2026-11-26T15:04:05Z` as `2026-11-26 15:04`.
fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..16).map(|s| s.replace('T', " ")).unwrap_or_else(|| rfc3339.to_string())
}
