//! The engine's error type: domain outcomes callers act on, plus infrastructure failures.

/// Result with the engine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong in the engine. Domain variants are safe to show; infrastructure variants
/// are logged at the boundary and shown as a generic message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing asked for does not exist (or is not the caller's to see).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Input that passed the wire format but breaks a rule; `field` names the culprit.
    #[error("{field}: {message}")]
    Invalid {
        /// Field or parameter at fault.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// Credentials or token not accepted. One message for every cause, so it leaks nothing.
    #[error("invalid credentials or token")]
    Unauthorized,
    /// The caller is signed in but may not do this.
    #[error("not allowed")]
    Forbidden,
    /// The request clashes with existing data (e.g. a registered email).
    #[error("{0}")]
    Conflict(&'static str),
    /// More was asked of a product than is in stock.
    #[error("only {available} of {product} left")]
    OutOfStock {
        /// The product's name.
        product: String,
        /// Units that can still be had.
        available: u32,
    },
    /// A discount code was refused; the reason is safe to show.
    #[error("discount code refused: {0}")]
    InvalidDiscount(model::DiscountRejection),
    /// The payment provider declined the card; nothing was charged or changed.
    #[error("card declined: {0}")]
    PaymentDeclined(String),
    /// The payment provider could not be reached or failed.
    #[error("payment provider failed: {0}")]
    PaymentProvider(String),
    /// An idempotency key was reused with a different request.
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyMismatch,
    /// A request with the same idempotency key is still being processed.
    #[error("a request with this Idempotency-Key is still in progress")]
    IdempotencyInProgress,
    /// An order status change the status machine does not allow.
    #[error("order is {current} and cannot become {requested}", current = .current.as_str(), requested = .requested.as_str())]
    InvalidTransition {
        /// Where the order is.
        current: model::OrderStatus,
        /// Where it was asked to go.
        requested: model::OrderStatus,
    },
    /// The caller did this too often; they may try again after `retry_after_secs`.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until another attempt is allowed.
        retry_after_secs: u64,
    },
    /// Token keys could not be read, written or used.
    #[error("token keys: {0}")]
    Keys(String),
    /// The database failed or returned something the row types do not match.
    #[error("database error")]
    Database(#[source] Box<surrealdb::Error>),
    /// A migration could not be applied; the server must not start on a half-built schema.
    #[error("migration {version} ({name}) failed")]
    Migration {
        /// Version that failed.
        version: u32,
        /// Its name.
        name: &'static str,
        /// The database's error.
        #[source]
        source: Box<surrealdb::Error>,
    },
    /// An applied migration's text changed since it ran here: the schema would no longer be what
    /// the code says it is.
    #[error(
        "migration {version} ({name}) was edited after this database applied it; restore its text and put the change in a new migration"
    )]
    MigrationEdited {
        /// The edited migration.
        version: u32,
        /// Its name.
        name: &'static str,
    },
    /// Password hashing failed (bad parameters or a poisoned worker).
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    /// A blocking task was cancelled or panicked.
    #[error("background task failed")]
    Join(#[from] tokio::task::JoinError),
}

// Boxed: surrealdb's error is large and would make every engine `Result` as large.
impl From<surrealdb::Error> for Error {
    fn from(err: surrealdb::Error) -> Self {
        Self::Database(Box::new(err))
    }
}

impl Error {
    /// An [`Error::Invalid`] for `field`.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }
}

/// `err: cause: cause ...` on one line.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
