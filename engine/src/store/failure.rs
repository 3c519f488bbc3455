//! Database failures classified once: what a SurrealDB error means to the engine (a retryable
//! conflict, a named unique constraint, a `THROW`, a statement skipped after another failed),
//! so no service matches error messages itself.

use surrealdb::types::QueryError;

/// What a database failure means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A transaction conflict the database says can be retried.
    Conflict,
    /// A unique index refused a duplicate.
    Unique(Constraint),
    /// A `THROW` in SurrealQL, with the thrown text.
    Thrown(String),
    /// A statement skipped (or a commit refused) because an earlier statement of its
    /// transaction failed: the consequence, not the cause.
    Skipped,
    /// Anything else (a bug, a lost connection).
    Other,
}

/// The unique indexes whose refusals the engine turns into answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    /// `user_email`: one account per address.
    UserEmail,
    /// `discount_redemption_once`: a customer redeems a code once.
    DiscountRedemptionOnce,
    /// `idempotency_scope_key`: one record per idempotency key and caller.
    IdempotencyKey,
    /// Another index, by name.
    Other(String),
}

impl Constraint {
    fn named(name: &str) -> Self {
        match name {
            "user_email" => Self::UserEmail,
            "discount_redemption_once" => Self::DiscountRedemptionOnce,
            "idempotency_scope_key" => Self::IdempotencyKey,
            other => Self::Other(other.to_string()),
        }
    }
}

/// Classifies `err`: by the error's kind where the database gives one, else by its message
/// (an index violation has no kind of its own; a transaction's skipped statements report it in
/// the text).
pub fn classify(err: &surrealdb::Error) -> Failure {
    let message = err.message();
    match err.query_details() {
        Some(QueryError::TransactionConflict) => return Failure::Conflict,
        Some(QueryError::NotExecuted | QueryError::Cancelled) => return Failure::Skipped,
        _ => {}
    }
    if err.is_thrown() {
        return Failure::Thrown(message.strip_prefix("An error occurred: ").unwrap_or(message).to_string());
    }
    classify_message(message)
}

/// The same classification from a message alone (errors of one statement in a response).
pub fn classify_message(message: &str) -> Failure {
    if message.contains("can be retried") {
        return Failure::Conflict;
    }
    if let Some(rest) = message.split("An error occurred: ").nth(1) {
        return Failure::Thrown(rest.to_string());
    }
    if let Some(rest) = message.split("Database index `").nth(1) {
        if let Some((name, _)) = rest.split_once('`') {
            return Failure::Unique(Constraint::named(name));
        }
    }
    if message.contains("was not executed") || message.contains("Cannot COMMIT") {
        return Failure::Skipped;
    }
    Failure::Other
}

impl crate::Error {
    /// What a database failure means; `None` for an error that is not the database's.
    pub fn failure(&self) -> Option<Failure> {
        match self {
            crate::Error::Database(e) => Some(classify(e)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_in_the_databases_wire_format_are_classified() {
        // The texts SurrealDB 3 sends (its error wire snapshot).
        let unique = "Database index `user_email` already contains 'a@b.test', with record `user:x`";
        assert_eq!(classify_message(unique), Failure::Unique(Constraint::UserEmail));
        assert_eq!(
            classify_message("Database index `likes_pair` already contains [a, b]"),
            Failure::Unique(Constraint::Other("likes_pair".into()))
        );
        assert_eq!(
            classify_message("An error occurred: catalog:out_of_stock:2"),
            Failure::Thrown("catalog:out_of_stock:2".into())
        );
        assert_eq!(classify_message("This transaction can be retried"), Failure::Conflict);
        assert_eq!(classify_message("The query was not executed due to a failed transaction"), Failure::Skipped);
        assert_eq!(classify_message("something else"), Failure::Other);
    }
}
