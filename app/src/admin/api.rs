//! Server functions for the dashboard: the same engine calls as `/v1/admin/orders`.

use crate::error::AppError;
use leptos::prelude::*;
use model::Order;

/// Every order, newest first, optionally of one status.
#[server]
pub async fn admin_orders(status: Option<String>) -> Result<Vec<Order>, AppError> {
    crate::ssr::require_admin()?;
    let status =
        match status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(model::OrderStatus::parse(s).ok_or_else(|| AppError::Invalid {
                field: "status".into(),
                message: format!("unknown status `{s}`"),
            })?),
        };
    Ok(crate::ssr::services()?.orders.list_all(status, 200).await?)
}

/// Moves an order to `status` (the status machine decides what is allowed).
#[server]
pub async fn admin_set_order_status(id: String, status: String) -> Result<Order, AppError> {
    crate::ssr::require_admin()?;
    let status = model::OrderStatus::parse(&status)
        .ok_or_else(|| AppError::Invalid { field: "status".into(), message: format!("unknown status `{status}`") })?;
    Ok(crate::ssr::services()?.orders.set_status(&id, status).await?)
}
