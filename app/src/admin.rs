//! The admin dashboard inside the app: orders to move along their status machine, prices and
//! stock, and shoppers'
//! requests for a person to answer in their chat. Admins only
//! (the role comes from the verified token; everyone else is refused by the server functions).

mod api;
mod pages;

pub use api::{
    admin_change_product, admin_handoffs, admin_open_handoffs, admin_orders, admin_products, admin_reply_handoff,
    admin_set_order_status,
};
pub use pages::{AdminHandoffsPage, AdminLinks, AdminOrdersPage, AdminProductsPage};
