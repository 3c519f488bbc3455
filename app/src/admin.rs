//! The admin dashboard inside the app: orders to move along their status machine. Admins only
//! (the role comes from the verified token; everyone else is refused by the server functions).

mod api;
mod pages;

pub use api::{admin_orders, admin_set_order_status};
pub use pages::AdminOrdersPage;
