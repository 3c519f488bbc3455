//! Sessions on the wire: the channel a session came from and what its owner sees of it.

use serde::{Deserialize, Serialize};

/// Where a session started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    /// The web shop in a browser.
    Web,
    /// A mobile app.
    Mobile,
    /// Any other API client.
    Api,
    /// A messaging channel.
    Messaging,
    /// An AI agent acting for the shopper.
    Agent,
}

impl Channel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Mobile => "mobile",
            Self::Api => "api",
            Self::Messaging => "messaging",
            Self::Agent => "agent",
        }
    }

    /// Parses a channel name (case-insensitive).
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "web" => Some(Self::Web),
            "mobile" => Some(Self::Mobile),
            "api" => Some(Self::Api),
            "messaging" => Some(Self::Messaging),
            "agent" => Some(Self::Agent),
            _ => None,
        }
    }
}

/// A session as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// Session id.
    pub id: String,
    /// Channel it started on.
    pub channel: Channel,
    /// Device description (from the client's user agent).
    pub device: String,
    /// RFC 3339 start time.
    pub started_at: String,
    /// RFC 3339 time of the last request in it.
    pub last_seen_at: String,
    /// True for a guest session (no account yet).
    pub guest: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_parse_case_insensitively_and_refuse_unknown_ones() {
        assert_eq!(Channel::parse(" Mobile "), Some(Channel::Mobile));
        assert_eq!(Channel::parse("fax"), None);
        assert_eq!(serde_json::to_string(&Channel::Web).unwrap(), r#""web""#);
    }
}

/// A signed-in user's live sessions on every device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    /// Most recently seen first.
    pub items: Vec<SessionInfo>,
    /// The session this request came from, if it is one of them.
    pub current: Option<String>,
}

/// A restored session with what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestoredSession {
    /// The session.
    pub session: SessionInfo,
    /// The user's cart (one cart across all their sessions and channels).
    pub cart: crate::Cart,
    /// The recent conversation with the assistant (the user's, across sessions), oldest first.
    pub conversation: Vec<crate::Turn>,
}
