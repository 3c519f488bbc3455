//! Engine integration tests against real embedded SurrealDB (`mem://` and on-disk SurrealKV).

mod catalog;
mod helpers;
mod seed;
mod store;
