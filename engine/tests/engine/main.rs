//! Engine integration tests against real embedded SurrealDB (`mem://` and on-disk SurrealKV).
// Test crates: a panic is how a test reports failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod assistant;
mod cart;
mod catalog;
mod checkout;
mod confirmations;
mod helpers;
mod identity;
mod llm;
mod mail;
mod memory;
mod nlu;
mod payments;
mod seed;
mod sessions;
mod store;
mod terms;
