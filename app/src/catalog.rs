//! The catalog UI: home, category, search and product pages, their components and the server
//! functions they call.

mod api;
mod components;
mod pages;
pub mod url;

pub use api::{get_product, list_categories, list_featured_products, search_products};
pub use components::{ProductCard, ProductGrid};
pub use pages::{CategoryPage, HomePage, ProductDetailPage, SearchPage};
