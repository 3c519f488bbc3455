//! Identity on the wire: validated email and password inputs, roles and the public user.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A normalized email address: trimmed, lower-cased, `local@domain.tld`, at most 254 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Email(String);

/// Why an email was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be an email address like ann@example.com")]
pub struct EmailError;

impl Email {
    /// Parses and normalizes (`Ann@Example.com ` becomes `ann@example.com`).
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim().to_lowercase();
        let Some((local, domain)) = s.split_once('@') else { return Err(EmailError) };
        let valid = s.len() <= 254
            && !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'));
        if valid {
            Ok(Self(s))
        } else {
            Err(EmailError)
        }
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Password length rules (checked before hashing; never logged).
pub mod password_rules {
    /// Fewest characters accepted.
    pub const MIN: usize = 8;
    /// Most characters accepted (bounds the hashing work an attacker can ask for).
    pub const MAX: usize = 128;

    /// Why a new password was refused, or `None` when it is acceptable.
    pub fn problem(password: &str) -> Option<String> {
        let n = password.chars().count();
        if n < MIN {
            Some(format!("must be at least {MIN} characters"))
        } else if n > MAX {
            Some(format!("must be at most {MAX} characters"))
        } else {
            None
        }
    }
}

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// A shopper.
    Customer,
    /// Runs the shop from the dashboard.
    Admin,
}

impl Role {
    /// The role's name as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Admin => "admin",
        }
    }

    /// Parses a stored role name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "customer" => Some(Self::Customer),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// An account as shown to its owner and to other channels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Stable account id.
    pub id: String,
    /// Login email.
    pub email: Email,
    /// Display name.
    pub name: String,
    /// `customer` or `admin`.
    pub role: Role,
    /// True once the owner opened a verification link mailed to `email`.
    #[serde(default)]
    pub email_verified: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
    }

    #[test]
    fn email_rejects_what_is_not_an_address() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "a b@example.com",
            "ann@.com",
            "ann@example..com",
            "<a>@x.com",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError), "{bad:?}");
        }
    }

    #[test]
    fn password_length_is_bounded_both_ways() {
        assert!(password_rules::problem("short").unwrap().contains("at least 8"));
        assert!(password_rules::problem(&"x".repeat(129)).unwrap().contains("at most 128"));
        assert_eq!(password_rules::problem("eight ch"), None);
        assert_eq!(password_rules::problem(&"é".repeat(128)), None, "characters, not bytes");
    }

    #[test]
    fn roles_round_trip_as_lower_case_names() {
        assert_eq!(serde_json::to_string(&Role::Admin).unwrap(), r#""admin""#);
        assert_eq!(Role::parse("customer"), Some(Role::Customer));
        assert_eq!(Role::parse("root"), None);
    }
}
