//! The team's queue of hand-offs: requests for a person that the assistant recorded, each shown
//! with the conversation's last turns, and answered by a reply that lands in the shopper's
//! conversation (role `staff`, so it shows in their chat on every channel) and closes the request.

use super::conversation;
use crate::mail::{outbox, Letters};
use crate::store::tx::Tx;
use crate::store::Store;
use crate::{Error, Result};
use model::Handoff;
use surrealdb::types::SurrealValue;

/// Turns of the conversation shown with each request.
const RECENT_TURNS: u32 = 6;
/// Requests listed at most (newest first).
const LISTED: i64 = 50;
/// Longest reply from the team, in characters.
pub const MAX_REPLY: usize = 2_000;

pub use model::HandoffStatus;

#[derive(SurrealValue)]
struct HandoffRow {
    id: String,
    owner: String,
    message: String,
    status: String,
    at: String,
    reply: Option<String>,
    email: Option<String>,
}

/// The request's fields, and for a member's the account's email.
const FIELDS: &str = "record::id(id) AS id, owner, message, status, <string> at AS at, at AS sort_at, reply,
    IF record::tb(type::record(owner)) = 'user' THEN type::record(owner).email END AS email";

/// Requests of `status`, newest first, each with the conversation's last turns.
pub async fn list(store: &Store, status: HandoffStatus) -> Result<Vec<Handoff>> {
    let mut res = store
        .query(format!("SELECT {FIELDS} FROM handoff WHERE status = $status ORDER BY sort_at DESC LIMIT $limit"))
        .bind(("status", status.as_str()))
        .bind(("limit", LISTED))
        .await?;
    let rows: Vec<HandoffRow> = res.take(0)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(with_turns(store, row).await?);
    }
    Ok(out)
}

/// How many requests wait for the team (the dashboard's badge).
pub async fn open_count(store: &Store) -> Result<u64> {
    let mut res = store.query("RETURN count(SELECT id FROM handoff WHERE status = 'open')").await?;
    let counted: Option<i64> = res.take(0)?;
    Ok(counted.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

async fn one(store: &Store, id: &str) -> Result<Handoff> {
    let mut res =
        store.query(format!("SELECT {FIELDS} FROM type::record('handoff', $id)")).bind(("id", id.to_string())).await?;
    let row: Option<HandoffRow> = res.take(0)?;
    with_turns(store, row.ok_or(Error::NotFound("handoff"))?).await
}

async fn with_turns(store: &Store, row: HandoffRow) -> Result<Handoff> {
    let recent = conversation::recent_of(store, &row.owner, RECENT_TURNS).await?;
    let status = match row.status.as_str() {
        "closed" => HandoffStatus::Closed,
        // Only this module writes it: `open` until the team replies.
        _ => HandoffStatus::Open,
    };
    Ok(Handoff {
        id: row.id,
        status,
        shopper: row.email.unwrap_or_else(|| "Guest".to_string()),
        message: row.message,
        at: row.at,
        recent,
        reply: row.reply,
    })
}

/// Answers the open request `id` as `staff` (the team member's name): the reply joins the
/// shopper's conversation, the request closes and (for a member) the reply is mailed to them,
/// in one transaction. An unknown request is 404; one already answered (by someone else a
/// moment ago, say) is 409 and changes nothing.
pub async fn reply(store: &Store, letters: &Letters, id: &str, staff: &str, text: &str) -> Result<Handoff> {
    let text = super::bounded_text("text", text, MAX_REPLY)?;
    // A guest left no address; they read the reply in their chat.
    let mail = asker_email(store, id).await?.map(|to| letters.composer.handoff_reply(&to, text));
    let queues_mail = mail.is_some();
    let mut tx = Tx::begin();
    tx.push(
        "LET $h = (UPDATE type::record('handoff', $id) SET status = 'closed', reply = $text,
             replied_by = $staff, replied_at = $now WHERE status = 'open' RETURN AFTER)[0];
         LET $answered = $h != NONE;
         IF $answered {
             CREATE message SET owner = $h.owner, session_id = $h.session_id, channel = 'dashboard',
                 role = 'staff', text = $text, shown = [];
         };",
    )
    .bind("id", id.to_string())
    .bind("text", text.to_string())
    .bind("staff", staff.to_string());
    outbox::queue(&mut tx, mail, Some("answered"));
    tx.push("RETURN $answered;");
    let mut res = tx.commit(store).await?.check()?;
    let answered: Option<bool> = res.take(res.num_statements().saturating_sub(2))?;
    if answered != Some(true) {
        // Tells the two refusals apart (404 unknown, 409 answered already).
        one(store, id).await?;
        return Err(Error::Conflict("this hand-off was already answered"));
    }
    if queues_mail {
        letters.outbox.wake();
    }
    one(store, id).await
}

/// The address of the member who asked for a person (none for a guest or an unknown request).
async fn asker_email(store: &Store, id: &str) -> Result<Option<String>> {
    let mut res = store
        .query(
            "LET $owner = (SELECT VALUE owner FROM type::record('handoff', $id))[0];
             RETURN IF $owner != NONE AND record::tb(type::record($owner)) = 'user' THEN
                 type::record($owner).email
             END;",
        )
        .bind(("id", id.to_string()))
        .await?;
    Ok(res.take(1)?)
}
