//! The shopping assistant in the page: a chat panel on every page, its conversation (kept
//! across reloads and sign-in), product cards with add-to-cart, quick replies, and the cart
//! badge following what the assistant changed.

mod api;
mod components;

pub use api::{my_conversation, send_to_assistant};
pub use components::ChatPanel;
