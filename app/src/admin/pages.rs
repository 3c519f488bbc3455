//! `/admin/orders`: every order with its status, and a button for each move the status machine
//! allows from there.

use super::api::{admin_orders, AdminSetOrderStatus};
use crate::error::AppError;
use crate::layout::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::{Order, OrderStatus};

/// The orders dashboard.
#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").filter(|s| !s.is_empty());
    let set_status = ServerAction::<AdminSetOrderStatus>::new();
    let orders = Resource::new(move || (status(), set_status.version().get()), |(status, _)| admin_orders(status));
    view! {
        <Title text=format!("Orders · Admin · {}", crate::SHOP_NAME)/>
        <h1 class="page-title">"Orders"</h1>
        <nav class="admin-filter" aria-label="Filter by status">
            <a class="facet__value" href="/admin/orders">"All"</a>
            {OrderStatus::ALL.into_iter().map(|s| view! {
                <a class="facet__value" href=format!("/admin/orders?status={}", s.as_str())>{s.label()}</a>
            }).collect_view()}
        </nav>
        {move || match set_status.value().get() {
            Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.to_string()}</p> }),
            _ => None,
        }}
        <Suspense fallback=|| view! { <p class="loading">"Loading orders…"</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No orders."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="orders">
                            {list.into_iter().map(|order| view! { <AdminOrderRow order set_status/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(AppError::Forbidden) | Err(AppError::Unauthorized(_)) => view! {
                        <section class="notice"><p>"This page is for the shop's admins. "<a class="link" href="/login">"Sign in"</a>" with an admin account."</p></section>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
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
