//! Conversations in SurrealDB: every message, with the intent, parts, actions and shown
//! products of the assistant's replies. Owned like carts (a user's one conversation on every
//! channel, or a guest session's), and moved to the user on promotion (`sessions::promotion`).

use crate::shopper::Shopper;
use crate::store::Store;
use crate::{Error, Result};
use model::{Action, Part, Turn};
use surrealdb::types::SurrealValue;

/// A message to store.
pub struct NewMessage<'a> {
    /// `user` or `assistant`.
    pub role: model::Speaker,
    /// The words.
    pub text: &'a str,
    /// The intent (assistant replies).
    pub intent: Option<&'a str>,
    /// Its confidence.
    pub confidence: Option<f64>,
    /// Structured parts.
    pub parts: &'a [Part],
    /// Actions taken.
    pub actions: &'a [Action],
    /// Product ids shown, in order.
    pub shown: Vec<String>,
    /// `builtin` or `llm` (assistant replies).
    pub brain: Option<&'static str>,
    /// Language-model tokens spent on the reply.
    pub tokens: Option<u64>,
    /// The meter those tokens count against (see [`meter`]).
    pub meter: Option<&'a str>,
}

#[derive(SurrealValue)]
struct MessageRow {
    id: String,
    role: String,
    text: String,
    intent: Option<String>,
    parts_json: String,
    actions_json: String,
    at: String,
}

#[derive(SurrealValue)]
struct LatestRow {
    role: String,
    text: String,
    shown: Vec<String>,
}

/// How many of the latest messages a new message is read against: "the second one" means
/// something recent, and the read stays the same size however long the conversation grows.
const LATEST: i64 = 20;

/// The end of a conversation as a new message needs it, read once: the products shown last and
/// the earlier turns' words. Newest first.
#[derive(Default)]
pub struct Latest(Vec<LatestRow>);

impl Latest {
    /// The products the assistant showed most recently, in order ("the second one").
    pub fn shown(&self) -> Vec<String> {
        self.0
            .iter()
            .find(|r| r.role == model::Speaker::Assistant.as_str() && !r.shown.is_empty())
            .map(|r| r.shown.clone())
            .unwrap_or_default()
    }

    /// The last `limit` messages' roles and words, oldest first (no parts, which can be large).
    pub fn words(&self, limit: usize) -> Vec<(String, String)> {
        self.0.iter().take(limit).rev().map(|r| (r.role.clone(), r.text.clone())).collect()
    }
}

/// The latest messages of the shopper's conversation (before the one being answered).
pub async fn latest(store: &Store, shopper: &Shopper) -> Result<Latest> {
    let mut res = store
        .query("SELECT role, text, shown, at FROM message WHERE owner = $owner ORDER BY at DESC LIMIT $limit")
        .bind(("owner", shopper.scope()))
        .bind(("limit", LATEST))
        .await?;
    Ok(Latest(res.take(0)?))
}

/// Stores `message` in the shopper's conversation; returns its id.
pub async fn store(
    store: &Store,
    shopper: &Shopper,
    session_id: &str,
    channel: &str,
    message: NewMessage<'_>,
) -> Result<String> {
    const CREATE: &str = "CREATE message SET owner = $owner, session_id = $session_id, channel = $channel,
             role = $role, text = $text, intent = $intent, confidence = $confidence, parts_json = $parts,
             actions_json = $actions, shown = $shown, brain = $brain, tokens = $tokens
         RETURN VALUE record::id(id);";
    let mut res = store
        .query(CREATE)
        .bind(("owner", shopper.scope()))
        .bind(("session_id", session_id.to_string()))
        .bind(("channel", channel.to_string()))
        .bind(("role", message.role.as_str()))
        // The schema caps a message at 4000 characters; a long model reply is cut, not lost.
        .bind(("text", message.text.chars().take(4000).collect::<String>()))
        .bind(("intent", message.intent.map(str::to_string)))
        .bind(("confidence", message.confidence))
        .bind(("parts", to_json(message.parts)?))
        .bind(("actions", to_json(message.actions)?))
        .bind(("shown", message.shown))
        .bind(("brain", message.brain.map(str::to_string)))
        .bind(("tokens", message.tokens.map(|t| i64::try_from(t).unwrap_or(i64::MAX))))
        .await?
        .check()?;
    let ids: Vec<String> = res.take(0)?;
    let id = ids.into_iter().next().ok_or(Error::NotFound("message"))?;
    // Only replies that spent tokens touch the meter (most messages skip it).
    if let (Some(meter), Some(tokens)) = (message.meter, message.tokens.filter(|t| *t > 0)) {
        let shard = meter_shard(&shopper.scope());
        crate::store::retry_conflicts(|| add_tokens(store, meter, shard, tokens)).await?;
    }
    Ok(id)
}

/// Rows one meter is spread over. Guests behind one address (a NAT, an office) share a meter;
/// on one row their replies, answered at once, would keep conflicting. A shopper always writes
/// the same row (their own replies come one after another), and a read sums at most this many.
const METER_SHARDS: u64 = 8;

/// The row of `meter` that shopper `scope` writes (a fixed fold: the same on every server).
fn meter_shard(scope: &str) -> i64 {
    let folded = scope.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    i64::try_from(folded % METER_SHARDS).unwrap_or(0)
}

async fn add_tokens(store: &Store, meter: &str, shard: i64, tokens: u64) -> Result<()> {
    store
        .query(
            "UPSERT type::record('llm_usage', [$meter, $shard]) SET meter = $meter, tokens = (tokens ?? 0) + $tokens",
        )
        .bind(("meter", meter.to_string()))
        .bind(("shard", shard))
        .bind(("tokens", i64::try_from(tokens).unwrap_or(i64::MAX)))
        .await?
        .check()?;
    Ok(())
}

/// The last `limit` turns of the shopper's conversation, oldest first.
pub async fn recent(store: &Store, shopper: &Shopper, limit: u32) -> Result<Vec<Turn>> {
    recent_of(store, &shopper.scope(), limit).await
}

/// [`recent`] for an owner scope (`user:…` / `session:…`).
pub(crate) async fn recent_of(store: &Store, owner: &str, limit: u32) -> Result<Vec<Turn>> {
    let mut res = store
        .query(
            "SELECT * FROM (SELECT record::id(id) AS id, role, text, intent, parts_json, actions_json,
                 <string> at AS at, at AS sort_at FROM message WHERE owner = $owner ORDER BY sort_at DESC LIMIT $limit)
             ORDER BY sort_at ASC",
        )
        .bind(("owner", owner.to_string()))
        .bind(("limit", i64::from(limit)))
        .await?;
    let rows: Vec<MessageRow> = res.take(0)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let Some(role) = model::Speaker::parse(&r.role) else {
                // Only this code writes messages; a row it cannot read is skipped, not shown wrong.
                tracing::warn!(message = %r.id, role = %r.role, "a stored message has an unknown role");
                return None;
            };
            Some(Turn {
                parts: serde_json::from_str(&r.parts_json).unwrap_or_default(),
                actions: serde_json::from_str(&r.actions_json).unwrap_or_default(),
                id: r.id,
                role,
                text: r.text,
                intent: r.intent,
                at: r.at,
            })
        })
        .collect())
}

/// The key of a language-model token meter: one per shopper per UTC day, the shopper being the
/// account when signed in, else the client's address (a guest opening new sessions, or several
/// tabs, still spends one budget), else (an in-process caller with no address) the guest session.
pub fn meter(shopper: &Shopper, client: Option<&str>, now_unix: i64) -> String {
    let day = now_unix.div_euclid(86_400);
    match (shopper, client) {
        (Shopper::Guest { .. }, Some(client)) => format!("client:{client}:{day}"),
        // `user:<id>` or `session:<id>`.
        _ => format!("{}:{day}", shopper.scope()),
    }
}

/// Language-model tokens spent on `meter` (the sum of its few rows).
pub async fn tokens_spent(store: &Store, meter: &str) -> Result<u64> {
    let mut res = store
        .query("RETURN math::sum(SELECT VALUE tokens FROM llm_usage WHERE meter = $meter)")
        .bind(("meter", meter.to_string()))
        .await?;
    let spent: Option<i64> = res.take(0)?;
    Ok(spent.and_then(|s| u64::try_from(s).ok()).unwrap_or(0))
}

/// Records a request for a person to take over; returns its id.
pub async fn request_handoff(store: &Store, shopper: &Shopper, session_id: &str, message: &str) -> Result<String> {
    let mut res = store
        .query(
            "CREATE handoff SET owner = $owner, session_id = $session_id, message = $message, status = 'open'
             RETURN VALUE record::id(id)",
        )
        .bind(("owner", shopper.scope()))
        .bind(("session_id", session_id.to_string()))
        .bind(("message", message.chars().take(4000).collect::<String>()))
        .await?
        .check()?;
    let ids: Vec<String> = res.take(0)?;
    ids.into_iter().next().ok_or(Error::NotFound("handoff"))
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::invalid("message", e.to_string()))
}
