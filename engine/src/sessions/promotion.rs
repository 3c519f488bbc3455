//! Signing in promotes a guest session into the account, in one transaction: the session
//! becomes the user's (with a new token) and everything the session holds moves with it (cart,
//! conversation, memory). This module is that transaction's one home: the steps' SurrealQL lives
//! here, and every owner and cart key is computed from typed shoppers and bound as a parameter.

use super::PromotionRow;
use crate::shopper::Shopper;
use crate::store::Store;
use crate::Result;

/// What a guest session holds that moves to the account. Each step runs with `$promoted` true
/// when this call promoted the session, and ends by setting `$merged_<name>` to how many items
/// it moved.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// The guest cart's lines join the member's cart. A product already there adds up, capped
    /// by stock (but never below what the member had) and by 99; other lines move over as they
    /// are, keeping their ids. The member's own code wins; otherwise the guest's comes along.
    Cart,
    /// The guest's messages become the user's conversation, and their requests for a person
    /// follow (so the team's reply reaches the account).
    Conversation,
    /// The guest's signals, preferences and affinities become the user's. Preferences the user
    /// already has win; affinities to the same thing add up, both decayed to now with the
    /// half-life in force (`memory_config`).
    Memory,
}

impl Step {
    const ALL: [Step; 3] = [Step::Cart, Step::Conversation, Step::Memory];

    fn name(self) -> &'static str {
        match self {
            Step::Cart => "cart",
            Step::Conversation => "conversation",
            Step::Memory => "memory",
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Step::Cart => CART,
            Step::Conversation => CONVERSATION,
            Step::Memory => MEMORY,
        }
    }
}

const CART: &str = "LET $guest_lines = IF $promoted THEN (SELECT id, product, quantity FROM cart_line WHERE cart = $guest_cart) ELSE [] END;
     FOR $g IN $guest_lines {
         LET $mine = (SELECT id, quantity FROM cart_line WHERE cart = $member_cart AND product = $g.product)[0];
         IF $mine != NONE {
             UPDATE $mine.id SET quantity = math::min([$mine.quantity + $g.quantity, math::max([$g.product.stock, $mine.quantity]), 99]);
             DELETE $g.id;
         } ELSE {
             UPDATE $g.id SET cart = $member_cart;
         };
     };
     LET $guest_code = (SELECT VALUE discount_code FROM type::record('cart', $guest_cart))[0];
     IF array::len($guest_lines) > 0 OR $guest_code != NONE {
         UPSERT type::record('cart', $member_cart) SET owner = $member_owner, updated_at = $now,
             discount_code = discount_code ?? $guest_code;
     };
     DELETE type::record('cart', $guest_cart);
     LET $merged_cart = array::len($guest_lines);";

const CONVERSATION: &str = "LET $moved_messages = IF $promoted THEN (UPDATE message SET owner = $member_owner
         WHERE owner = $guest_owner RETURN VALUE id) ELSE [] END;
     IF $promoted { UPDATE handoff SET owner = $member_owner WHERE owner = $guest_owner; };
     LET $merged_conversation = array::len($moved_messages);";

const MEMORY: &str = "LET $moved_signals = IF $promoted THEN (UPDATE signal SET owner = $member_owner WHERE owner = $guest_owner RETURN VALUE id) ELSE [] END;
     IF $promoted {
         FOR $p IN (SELECT * FROM preference WHERE owner = $guest_owner) {
             IF (SELECT id FROM preference WHERE owner = $member_owner AND kind = $p.kind AND key = $p.key) = [] {
                 UPDATE $p.id SET owner = $member_owner;
             } ELSE {
                 DELETE $p.id;
             };
         };
         LET $half = (SELECT VALUE half_life_secs FROM ONLY memory_config:current) ?? 2592000.0;
         LET $at = time::unix($now);
         LET $guest = type::record('session', $session_id);
         LET $member = type::record('user', $user);
         FOR $e IN (SELECT * FROM likes WHERE in = $guest) {
             LET $score = $e.score * math::pow(0.5, math::max([0, $at - $e.at]) / $half);
             LET $mine = (SELECT id, score, at FROM likes WHERE in = $member AND out = $e.out LIMIT 1)[0];
             IF $mine != NONE {
                 UPDATE $mine.id SET score = $mine.score * math::pow(0.5, math::max([0, $at - $mine.at]) / $half) + $score, at = $at;
             } ELSE {
                 LET $out = $e.out;
                 RELATE $member->likes->$out SET score = $score, at = $at;
             };
             DELETE $e.id;
         };
         FOR $e IN (SELECT * FROM avoids WHERE in = $guest) {
             LET $out = $e.out;
             IF (SELECT id FROM avoids WHERE in = $member AND out = $out) = [] { RELATE $member->avoids->$out SET at = $e.at; };
             DELETE $e.id;
         };
     };
     LET $merged_memory = array::len($moved_signals);";

/// Promotes the live guest session `session_id` (presented with the token hashed as `hash`) into
/// `user_id`'s account, giving it the token hashed as `new_hash`. Nothing moves when the session
/// is already an account's (`promoted` false); an ended or unknown one is `None`.
pub(super) async fn run(
    store: &Store,
    session_id: &str,
    hash: String,
    new_hash: String,
    user_id: &str,
) -> Result<Option<PromotionRow>> {
    let guest = Shopper::guest(session_id);
    let member = Shopper::member(user_id);
    let mut sql = String::from(
        "BEGIN TRANSACTION;
         LET $found = (SELECT VALUE record::id(id) FROM type::record('session', $session_id)
             WHERE token_hash = $hash AND ended_at = NONE)[0];
         LET $promoted = (UPDATE type::record('session', $session_id)
             SET user_id = $user, promoted_at = $now, token_hash = $new_hash
             WHERE token_hash = $hash AND ended_at = NONE AND user_id = NONE RETURN VALUE id)[0] != NONE;\n",
    );
    for step in Step::ALL {
        sql.push_str(step.sql());
        sql.push('\n');
    }
    let merged: Vec<String> =
        Step::ALL.iter().map(|s| format!("{{ name: '{0}', count: $merged_{0} }}", s.name())).collect();
    sql.push_str(&format!(
        "RETURN {{ found: $found, promoted: $promoted, merged: [{}] }};\nCOMMIT TRANSACTION;",
        merged.join(", ")
    ));
    let mut res = store
        .query(sql)
        .bind(("session_id", session_id.to_string()))
        .bind(("hash", hash))
        .bind(("new_hash", new_hash))
        .bind(("user", user_id.to_string()))
        .bind(("guest_owner", guest.scope()))
        .bind(("member_owner", member.scope()))
        .bind(("guest_cart", guest.cart_key()))
        .bind(("member_cart", member.cart_key()))
        .await?
        .check()?;
    let last = res.num_statements().saturating_sub(2);
    Ok(res.take(last)?)
}
