//! Orders in the UI: history for signed-in shoppers, and an order's page (also reachable by a
//! guest through the link checkout gave them) with its tracking timeline and cancel button.

mod api;
mod pages;

pub use api::{cancel_order, get_order, my_orders, request_order_links};
pub use pages::{OrderLinksPage, OrderPage, OrdersPage};
