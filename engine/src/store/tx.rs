//! A transaction made of steps from several features. Each feature appends its own
//! statements and bindings through a named function of its data layer (`outbox::queue`,
//! `attempts::settle`, `discounts::redeem`), so no SurrealQL text leaves the module that owns
//! it; the composing service only orders the steps.

use super::Store;
use surrealdb::types::{SurrealValue, Value};
use surrealdb::IndexedResults;

/// Statements between `BEGIN` and `COMMIT`, and the values they are bound to.
#[derive(Debug)]
pub(crate) struct Tx {
    sql: String,
    vars: Vec<(String, Value)>,
}

impl Tx {
    /// An empty transaction.
    pub(crate) fn begin() -> Self {
        Self { sql: String::from("BEGIN TRANSACTION;\n"), vars: Vec::new() }
    }

    /// Appends statements (each ending in `;`).
    pub(crate) fn push(&mut self, statements: &str) -> &mut Self {
        self.sql.push_str(statements);
        self.sql.push('\n');
        self
    }

    /// Binds `$name` for the whole transaction.
    pub(crate) fn bind(&mut self, name: impl Into<String>, value: impl SurrealValue) -> &mut Self {
        self.vars.push((name.into(), value.into_value()));
        self
    }

    /// Commits (with `$now` bound to the store's clock); the results are indexed by statement
    /// as usual, `BEGIN` not counted.
    pub(crate) async fn commit(mut self, store: &Store) -> surrealdb::Result<IndexedResults> {
        self.sql.push_str("COMMIT TRANSACTION;");
        let mut query = store.query(self.sql);
        for var in self.vars {
            query = query.bind(var);
        }
        query.await
    }
}
