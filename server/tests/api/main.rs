//! Server integration tests: the real router over a fresh in-memory SurrealDB, reached over
//! HTTP on a free port.
// Test crates: a panic is how a test reports failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod catalog;
mod commerce;
mod errors;
mod health;
mod helpers;
mod interactions;
mod leptos_config;
mod mail;
mod memory;
mod openapi;
mod ownership;
mod pages;
mod process;
mod security_headers;
mod sessions;
