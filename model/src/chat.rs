//! The streamed chat events of `POST /v1/interactions` (`Accept: text/event-stream`), one enum
//! for the server that writes them and the WASM reader that applies them: each event is an SSE
//! `event:` name and a JSON `data:` line.

use crate::assistant::{Action, Entities, Part, Reply};
use crate::error::ErrorBody;
use serde::{Deserialize, Serialize};

/// One event of a streamed reply, in the order they come: `typing`, then `token`, `part` and
/// `action` as the reply is worked out, and `done` (or `error`) last.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// The assistant started on the reply.
    Typing,
    /// Words of the reply.
    Token(TokenData),
    /// A structured part (a product card, a checkout summary ...).
    Part(Part),
    /// A state change (a line added, an order cancelled ...).
    Action(Action),
    /// The reply is complete.
    Done(DoneData),
    /// The reply failed; the same body an API error has.
    Error(ErrorBody),
}

/// `token` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenData {
    /// The words.
    pub text: String,
}

/// `done` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoneData {
    /// The stored message id of the reply.
    pub message_id: String,
    /// What the shopper was understood to want.
    pub intent: String,
    /// How sure, 0..1.
    pub confidence: f64,
    /// What the message mentioned.
    pub entities: Entities,
}

impl From<&Reply> for DoneData {
    fn from(reply: &Reply) -> Self {
        Self {
            message_id: reply.message_id.clone(),
            intent: reply.intent.clone(),
            confidence: reply.confidence,
            entities: reply.entities.clone(),
        }
    }
}

/// An event whose data does not read as its name says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("chat event `{name}`: {message}")]
pub struct ChatEventError {
    /// The event's name.
    pub name: String,
    /// What is wrong.
    pub message: String,
}

impl ChatEvent {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Typing => "typing",
            Self::Token(_) => "token",
            Self::Part(_) => "part",
            Self::Action(_) => "action",
            Self::Done(_) => "done",
            Self::Error(_) => "error",
        }
    }

    /// The SSE data: the event's JSON.
    pub fn data(&self) -> String {
        let json = match self {
            Self::Typing => Ok("{}".to_string()),
            Self::Token(d) => serde_json::to_string(d),
            Self::Part(d) => serde_json::to_string(d),
            Self::Action(d) => serde_json::to_string(d),
            Self::Done(d) => serde_json::to_string(d),
            Self::Error(d) => serde_json::to_string(d),
        };
        // These types always serialize; an empty object is the safe answer if one ever did not.
        json.unwrap_or_else(|_| "{}".into())
    }

    /// Reads an event from its SSE name and data. `Ok(None)` for a name this client does not
    /// know (a newer server may send more; they are skipped).
    pub fn parse(name: &str, data: &str) -> Result<Option<Self>, ChatEventError> {
        fn read<T: serde::de::DeserializeOwned>(name: &str, data: &str) -> Result<T, ChatEventError> {
            serde_json::from_str(data).map_err(|e| ChatEventError { name: name.into(), message: e.to_string() })
        }
        Ok(Some(match name {
            "typing" => Self::Typing,
            "token" => Self::Token(read(name, data)?),
            "part" => Self::Part(read(name, data)?),
            "action" => Self::Action(read(name, data)?),
            "done" => Self::Done(read(name, data)?),
            "error" => Self::Error(read(name, data)?),
            _ => return Ok(None),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorDetail, ErrorExtra};

    #[test]
    fn every_event_reads_back_as_written() {
        let events = [
            ChatEvent::Typing,
            ChatEvent::Token(TokenData { text: "Hi \"there\"".into() }),
            ChatEvent::Done(DoneData {
                message_id: "m1".into(),
                intent: "greeting".into(),
                confidence: 0.9,
                entities: Entities::default(),
            }),
            ChatEvent::Error(ErrorBody {
                error: ErrorDetail {
                    code: "rate_limited".into(),
                    message: "Slow down".into(),
                    field: None,
                    extra: ErrorExtra { retry_after: Some(3), ..ErrorExtra::default() },
                },
            }),
        ];
        for event in events {
            let back = ChatEvent::parse(event.name(), &event.data()).unwrap();
            assert_eq!(back, Some(event));
        }
        assert_eq!(ChatEvent::parse("later", "{}").unwrap(), None, "an unknown event is skipped");
        assert!(ChatEvent::parse("token", "{\"words\":1}").is_err(), "bad data is an error, not a guess");
        assert_eq!(ChatEvent::Token(TokenData { text: "a".into() }).data(), r#"{"text":"a"}"#);
    }
}
