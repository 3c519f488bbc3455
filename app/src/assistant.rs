//! The shopping assistant in the page: a chat panel on every page whose replies stream in
//! token by token (Server-Sent Events into signals), its conversation (kept across reloads and
//! sign-in), product cards with add-to-cart, quick replies, and the cart badge following what
//! the assistant changed.

mod api;
mod components;
pub mod stream;

pub use api::my_conversation;
pub use components::ChatPanel;
