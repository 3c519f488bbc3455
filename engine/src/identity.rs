//! Identity: password hashing now; tokens, roles and accounts arrive with the accounts issue.

pub mod password;

/// The two roles an account can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A shopper.
    Customer,
    /// Runs the shop from the dashboard.
    Admin,
}

impl Role {
    /// The role's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Admin => "admin",
        }
    }
}
