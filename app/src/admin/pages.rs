//! `/admin/orders`: every order with its status, and a button for each move the status machine
//! allows from there. `/admin/products`: prices and stock. `/admin/handoffs`: shoppers' requests for a person, with their
//! conversation, and a reply that reaches their chat.

use super::api::{
    admin_handoffs, admin_open_handoffs, admin_orders, admin_products, AdminChangeProduct, AdminReplyHandoff,
    AdminSetOrderStatus,
};
use crate::error::AppError;
use crate::layout::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::{Handoff, HandoffStatus, Money, Order, OrderStatus, Product, Speaker};

/// The orders dashboard.
#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").filter(|s| !s.is_empty());
    let set_status = ServerAction::<AdminSetOrderStatus>::new();
    let orders = Resource::new(move || (status(), set_status.version().get()), |(status, _)| admin_orders(status));
    view! {
        <Title text=format!("Orders · Admin · {}", crate::SHOP_NAME)/>
        <AdminNav/>
        <h1 class="page-title">"Orders"</h1>
        <nav class="admin-filter" aria-label="Filter by status">
            <a class="facet__value" href="/admin/orders">"All"</a>
            {OrderStatus::ALL.into_iter().map(|s| view! {
                <a class="facet__value" href=format!("/admin/orders?status={}", s.as_str())>{s.label()}</a>
            }).collect_view()}
        </nav>
        {move || refusal(set_status.value().get())}
        <Suspense fallback=|| view! { <p class="loading">"Loading orders…"</p> }>
            {move || Suspend::new(async move {
                listing(orders.await, "No orders.", |list| view! {
                    <ul class="orders">
                        {list.into_iter().map(|order| view! { <AdminOrderRow order set_status/> }).collect_view()}
                    </ul>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn AdminOrderRow(order: Order, set_status: ServerAction<AdminSetOrderStatus>) -> impl IntoView {
    let moves: Vec<OrderStatus> = OrderStatus::ALL.into_iter().filter(|s| order.status.can_become(*s)).collect();
    let id = order.id.clone();
    view! {
        <li class="orders__item" data-order-id=order.id.clone()>
            <strong>{order.id.clone()}</strong>
            <span class="muted">{order.email.clone()}</span>
            <span class="muted">{order.placed_at.get(..16).unwrap_or_default().replace('T', " ")}</span>
            <span class=format!("badge badge--{}", order.status.as_str()) data-testid="admin-order-status">{order.status.label()}</span>
            <span class="price">{order.totals.total.to_string()}</span>
            <span class="admin-moves">
                {moves.into_iter().map(|next| {
                    let id = id.clone();
                    view! {
                        <button class="button button--ghost button--small" disabled=move || set_status.pending().get()
                            on:click=move |_| { set_status.dispatch(AdminSetOrderStatus { id: id.clone(), status: next.as_str().to_string() }); }>
                            {format!("Mark {}", next.label().to_lowercase())}
                        </button>
                    }
                }).collect_view()}
            </span>
        </li>
    }
}

/// The dashboard's sections.
#[component]
fn AdminNav() -> impl IntoView {
    view! {
        <nav class="admin-nav" aria-label="Dashboard">
            <a class="header-link" href="/admin/orders">"Orders"</a>
            <a class="header-link" href="/admin/products">"Products"</a>
            <a class="header-link" href="/admin/handoffs">"Requests for a person"</a>
        </nav>
    }
}

/// A dashboard action's refusal, shown above the list.
fn refusal<T>(outcome: Option<Result<T, AppError>>) -> Option<impl IntoView> {
    match outcome {
        Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.to_string()}</p> }),
        _ => None,
    }
}

/// A dashboard list: `empty` when there is nothing, the admins-only notice when refused.
fn listing<T>(loaded: Result<Vec<T>, AppError>, empty: &'static str, shown: impl FnOnce(Vec<T>) -> AnyView) -> AnyView {
    match loaded {
        Ok(list) if list.is_empty() => view! { <p class="empty">{empty}</p> }.into_any(),
        Ok(list) => shown(list),
        Err(AppError::Forbidden) | Err(AppError::Unauthorized(_)) => view! { <AdminsOnly/> }.into_any(),
        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
    }
}

/// What a signed-out visitor or a customer sees on a dashboard page.
#[component]
fn AdminsOnly() -> impl IntoView {
    view! {
        <section class="notice"><p>"This page is for the shop's admins. "<a class="link" href="/login">"Sign in"</a>" with an admin account."</p></section>
    }
}

/// The team's queue of requests for a person.
#[component]
pub fn AdminHandoffsPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").filter(|s| !s.is_empty());
    let reply = ServerAction::<AdminReplyHandoff>::new();
    let requests = Resource::new(move || (status(), reply.version().get()), |(status, _)| admin_handoffs(status));
    view! {
        <Title text=format!("Requests for a person · Admin · {}", crate::SHOP_NAME)/>
        <AdminNav/>
        <h1 class="page-title">"Requests for a person"</h1>
        <nav class="admin-filter" aria-label="Filter by status">
            <a class="facet__value" href="/admin/handoffs">"Open"</a>
            <a class="facet__value" href="/admin/handoffs?status=closed">"Answered"</a>
        </nav>
        {move || refusal(reply.value().get())}
        <Suspense fallback=|| view! { <p class="loading">"Loading requests…"</p> }>
            {move || Suspend::new(async move {
                listing(requests.await, "No requests here.", |list| view! {
                    <ul class="handoffs">
                        {list.into_iter().map(|handoff| view! { <HandoffView handoff reply/> }).collect_view()}
                    </ul>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn HandoffView(handoff: Handoff, reply: ServerAction<AdminReplyHandoff>) -> impl IntoView {
    let who = |role: &Speaker| match role {
        Speaker::User => "Shopper",
        Speaker::Staff => "Team",
        Speaker::Assistant => "Assistant",
    };
    let id = handoff.id.clone();
    view! {
        <li class="handoffs__item" data-handoff-id=handoff.id.clone()>
            <p>
                <strong>{handoff.shopper.clone()}</strong>" "
                <span class="muted">{handoff.at.get(..16).unwrap_or_default().replace('T', " ")}</span>" "
                <span class=format!("badge badge--{}", handoff.status)>{if handoff.status == HandoffStatus::Open { "Open" } else { "Answered" }}</span>
            </p>
            <blockquote class="handoffs__message">{handoff.message.clone()}</blockquote>
            <ol class="handoffs__turns" aria-label="Conversation">
                {handoff.recent.iter().map(|t| view! {
                    <li class=format!("handoffs__turn handoffs__turn--{}", t.role)><span class="muted">{who(&t.role)}": "</span>{t.text.clone()}</li>
                }).collect_view()}
            </ol>
            {match handoff.reply.clone() {
                Some(text) => view! { <p class="handoffs__reply"><span class="muted">"Replied: "</span>{text}</p> }.into_any(),
                None => view! {
                    <ActionForm action=reply attr:class="handoffs__form">
                        <input type="hidden" name="id" value=id/>
                        <label class="field">
                            <span>"Reply to the shopper"</span>
                            <textarea name="text" required maxlength="2000" rows="3"></textarea>
                        </label>
                        <button class="button" type="submit" disabled=move || reply.pending().get()>"Send reply"</button>
                    </ActionForm>
                }.into_any(),
            }}
        </li>
    }
}

/// The header's way into the dashboard for an admin, with the number of requests for a person
/// waiting (a link of its own, straight to them).
#[component]
pub fn AdminLinks() -> impl IntoView {
    let waiting = Resource::new(|| (), |()| admin_open_handoffs());
    view! {
        <a class="header-link" href="/admin/orders">"Admin"</a>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                waiting.await.ok().filter(|n| *n > 0).map(|n| {
                    let label = if n == 1 { "1 request for a person waiting".to_string() } else { format!("{n} requests for a person waiting") };
                    view! { <a class="badge badge--open header-badge" href="/admin/handoffs" aria-label=label.clone() title=label>{n}</a> }
                })
            })}
        </Suspense>
    }
}

/// Prices and stock: find products, change them in place.
#[component]
pub fn AdminProductsPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").filter(|s| !s.is_empty());
    let change = ServerAction::<AdminChangeProduct>::new();
    let products = Resource::new(move || (q(), change.version().get()), |(q, _)| admin_products(q));
    view! {
        <Title text=format!("Products · Admin · {}", crate::SHOP_NAME)/>
        <AdminNav/>
        <h1 class="page-title">"Products"</h1>
        <form class="admin-search" action="/admin/products" method="get" role="search">
            <label class="visually-hidden" for="admin-q">"Find products"</label>
            <input id="admin-q" type="search" name="q" placeholder="Name, brand or category" value=q/>
            <button class="button button--ghost" type="submit">"Find"</button>
        </form>
        {move || refusal(change.value().get())}
        <Suspense fallback=|| view! { <p class="loading">"Loading products…"</p> }>
            {move || Suspend::new(async move {
                listing(products.await, "No products match.", |list| view! {
                    <ul class="admin-products">
                        {list.into_iter().map(|product| view! { <AdminProductRow product change/> }).collect_view()}
                    </ul>
                }.into_any())
            })}
        </Suspense>
    }
}

/// An amount as typed in a price field: `12.99` (no symbol).
fn major_units(m: Money) -> String {
    let scale = 10i64.pow(m.currency.exponent());
    if scale == 1 {
        return m.amount.to_string();
    }
    format!("{}.{:0width$}", m.amount / scale, m.amount % scale, width = m.currency.exponent() as usize)
}

#[component]
fn AdminProductRow(product: Product, change: ServerAction<AdminChangeProduct>) -> impl IntoView {
    let price_id = format!("price-{}", product.id.as_str());
    let stock_id = format!("stock-{}", product.id.as_str());
    let id = product.id.to_string();
    view! {
        <li class="admin-products__item" data-product-id=product.id.to_string()>
            <a class="link" href=format!("/product/{}", product.slug)>{product.name.clone()}</a>
            <span class="muted">{product.brand.clone()}</span>
            <ActionForm action=change attr:class="admin-products__form">
                <input type="hidden" name="id" value=id/>
                <label for=price_id.clone()>"Price"</label>
                <input id=price_id type="text" inputmode="decimal" name="price" size="8" value=major_units(product.price)/>
                <label for=stock_id.clone()>"Stock"</label>
                <input id=stock_id type="number" min="0" name="stock" value=product.stock.to_string()/>
                <button class="button button--small" type="submit" disabled=move || change.pending().get()>"Save"</button>
            </ActionForm>
        </li>
    }
}
