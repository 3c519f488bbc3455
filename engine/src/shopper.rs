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
    /// Record key of this shopper's cart.
    pub fn cart_key(&self) -> String {
        match self {
            Shopper::Member { user_id } => format!("u_{user_id}"),
            Shopper::Guest { session_id } => format!("s_{session_id}"),
        }
    }

    /// Stable name of the principal, for idempotency scopes and ownership.
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
