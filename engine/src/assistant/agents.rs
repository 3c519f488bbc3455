//! The specialized agents: each answers one family of intents by calling the shop's own
//! services with the shopper's principal (never an id from the message), and says what it did
//! as typed actions. Prices in replies come from the shop's `Money`, never computed here.

mod cart_lines;
pub mod memory;
mod orders;
mod products;
mod support;

pub use cart_lines::{add, apply_code, prepare_checkout, remove, show_cart, update};
pub use orders::orders;
pub use products::{compare, describe, find_products};
pub use support::{handoff, support};

use super::confirmations;
use super::nlu::{Entities, Intent};
use crate::cart::Carts;
use crate::catalog::Catalog;
use crate::orders::{OrderViewer, Orders};
use crate::shopper::Shopper;
use crate::store::Store;
use crate::{Error, Result};
use model::{Action, Part, Product, ProductSearch, Quantity, SearchParams};

/// What an agent produced.
#[derive(Debug, Default)]
pub struct Answer {
    /// The words.
    pub text: String,
    /// Structured parts.
    pub parts: Vec<Part>,
    /// What changed.
    pub actions: Vec<Action>,
    /// Products shown, in order (for "the second one" next turn).
    pub shown: Vec<String>,
}

impl Answer {
    /// An answer of words only.
    pub fn say(text: impl Into<String>) -> Self {
        Self { text: text.into(), ..Self::default() }
    }

    fn suggest(mut self, options: &[&str]) -> Self {
        self.parts.push(Part::QuickReplies { options: options.iter().map(|o| (*o).to_string()).collect() });
        self
    }
}

/// What every agent may use.
pub struct Context<'a> {
    /// Products.
    pub catalog: &'a Catalog,
    /// Carts.
    pub carts: &'a Carts,
    /// Orders.
    pub orders: &'a Orders,
    /// Checkout (for the one-click confirmation).
    pub checkout: &'a crate::checkout::Checkout,
    /// The database (hand-offs).
    pub store: &'a Store,
    /// The shop's policies and FAQ.
    pub policies: &'a crate::policies::Policies,
    /// What the shop remembers about the shopper.
    pub memory: &'a crate::memory::Memory,
    /// Who is asking.
    pub shopper: &'a Shopper,
    /// The session the message came in on.
    pub session_id: &'a str,
    /// The language-model token meter this message counts against (see `conversation::meter`).
    pub meter: &'a str,
    /// Products shown last, in order.
    pub shown: &'a [String],
}

impl<'a> Context<'a> {
    /// The same services and shopper with another list of shown products.
    pub fn with_shown<'b>(&'b self, shown: &'b [String]) -> Context<'b> {
        Context { shown, ..*self }
    }
}
