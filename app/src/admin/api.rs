//! Server functions for the dashboard: the same engine calls as `/v1/admin/orders`,
//! `/v1/admin/products/{id}` and `/v1/admin/handoffs`.

use crate::error::AppError;
use leptos::prelude::*;
use model::{Handoff, Order, Product};

/// Every order, newest first, optionally of one status.
#[server]
pub async fn admin_orders(status: Option<String>) -> Result<Vec<Order>, AppError> {
    crate::ssr::require_admin()?;
    let status = model::OrderStatus::filter(status.as_deref())?;
    Ok(crate::ssr::services()?.orders.list_all(status, engine::orders::ADMIN_LIST_LIMIT).await?)
}

/// Moves an order to `status` (the status machine decides what is allowed).
#[server]
pub async fn admin_set_order_status(id: String, status: String) -> Result<Order, AppError> {
    crate::ssr::require_admin()?;
    let status = model::OrderStatus::parse_field(&status, "status")?;
    Ok(crate::ssr::services()?.orders.set_status(&id, status).await?)
}

/// Requests for a person, newest first: `open` (the default) or `closed`.
#[server]
pub async fn admin_handoffs(status: Option<String>) -> Result<Vec<Handoff>, AppError> {
    crate::ssr::require_admin()?;
    let status = engine::assistant::handoffs::HandoffStatus::parse(status.as_deref())?;
    Ok(crate::ssr::services()?.assistant.handoffs(status).await?)
}

/// Answers request `id`: the reply joins the shopper's conversation, signed with the admin's name.
#[server]
pub async fn admin_reply_handoff(id: String, text: String) -> Result<Handoff, AppError> {
    let claims = crate::ssr::require_admin()?;
    let services = crate::ssr::services()?;
    let staff = services.identity.accounts.by_id(&claims.sub).await?;
    Ok(services.assistant.reply_to_handoff(&id, &staff.name, &text).await?)
}

/// How many requests for a person wait for the team (the header's badge for admins).
#[server]
pub async fn admin_open_handoffs() -> Result<u64, AppError> {
    crate::ssr::require_admin()?;
    Ok(crate::ssr::services()?.assistant.open_handoffs().await?)
}

/// Products matching `q` (all when empty), up to 50, for the catalog page of the dashboard.
#[server]
pub async fn admin_products(q: Option<String>) -> Result<Vec<Product>, AppError> {
    crate::ssr::require_admin()?;
    let params = model::SearchParams {
        q: q.filter(|q| !q.trim().is_empty()),
        per_page: Some("50".into()),
        ..Default::default()
    };
    let search = params.parse()?;
    Ok(crate::ssr::services()?.catalog.list(&search).await?.items)
}

/// Sets a product's price (major units, as typed: `12.99`) and/or stock; an empty field stays.
#[server]
pub async fn admin_change_product(id: String, price: String, stock: String) -> Result<Product, AppError> {
    crate::ssr::require_admin()?;
    let services = crate::ssr::services()?;
    // Prices are typed in the shop's currency (the engine refuses another product's).
    let currency = services.carts.pricing().currency;
    let price = match price.trim() {
        "" => None,
        typed => Some(model::Money::new(
            model::parse_major_units(typed).ok_or_else(|| AppError::Invalid {
                field: "price".into(),
                message: format!("`{typed}` is not an amount like 12.99"),
            })?,
            currency,
        )),
    };
    let stock = match stock.trim() {
        "" => None,
        typed => Some(typed.parse::<i64>().map_err(|_| AppError::Invalid {
            field: "stock".into(),
            message: format!("`{typed}` is not a whole number"),
        })?),
    };
    Ok(services.catalog.change(&id, &model::ProductChange { price, stock }).await?)
}
