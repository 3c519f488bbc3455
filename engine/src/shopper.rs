//! Who is shopping: a signed-in user (from a verified access token) or a guest session. Cart,
//! checkout and orders take a [`Shopper`], never an id from a request body.

/// The principal a commerce call acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shopper {
    /// A signed-in user: one cart across all their sessions and channels.
    Member {
        /// Account id, from the verified token.
        user_id: String,
    },
    /// A guest: the cart belongs to the session.
    Guest {
        /// Session id, from the verified session token.
        session_id: String,
    },
}

impl Shopper {
    /// The signed-in user `user_id`.
    pub fn member(user_id: &str) -> Self {
        Shopper::Member { user_id: user_id.to_string() }
    }

    /// The guest session `session_id`.
    pub fn guest(session_id: &str) -> Self {
        Shopper::Guest { session_id: session_id.to_string() }
    }

    /// Record key of this shopper's cart.
    pub fn cart_key(&self) -> String {
        match self {
            Shopper::Member { user_id } => format!("u_{user_id}"),
            Shopper::Guest { session_id } => format!("s_{session_id}"),
        }
    }

    /// Stable name of the principal (`user:…` / `session:…`): the owner key of its cart,
    /// conversation, memory and idempotency records, always computed here and bound as a
    /// parameter, never put together inside SurrealQL.
    pub fn scope(&self) -> String {
        match self {
            Shopper::Member { user_id } => format!("user:{user_id}"),
            Shopper::Guest { session_id } => format!("session:{session_id}"),
        }
    }

    /// The account id, for a member.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Shopper::Member { user_id } => Some(user_id),
            Shopper::Guest { .. } => None,
        }
    }
}
