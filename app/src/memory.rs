//! The memory UI: "Recommended for you" (home, product and cart pages) and the "What we
//! remember" page where the shopper sees, edits, exports or erases what the shop keeps.

mod api;
mod components;
mod pages;

pub use api::{delete_memory_item, forget_memory, get_memory, recommendations, save_preferences};
pub use components::Recommended;
pub use pages::MemoryPage;
