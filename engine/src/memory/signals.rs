//! Signals: what a shopper did, weighted, and how each one moves their affinities. A signal is
//! written with its affinity updates in one transaction: the edge's score decays to now and the
//! signal's weight is added (never a rescan of the history).

use crate::catalog::brands::brand_key;
use crate::store::Store;
use crate::Result;
use surrealdb::types::{RecordId, SurrealValue};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalKind {
    /// A product page was opened.
    View,
    /// A search or a filtered listing.
    Search,
    /// Added to the cart.
    CartAdd,
    /// Removed from the cart.
    CartRemove,
    /// Bought.
    Purchase,
    /// An order was cancelled.
    Cancel,
    /// Returned or refunded.
    Return,
    /// Stated liking ("I love Patagonia").
    Like,
    /// Stated dislike ("no Nike").
    Dislike,
    /// A message to the assistant (history only; its intent is the detail).
    Assistant,
}

impl SignalKind {
    /// The weight a signal adds to each affinity it touches. Tuned on the offline evaluation
    /// (`engine/tests/engine/memory.rs`): purchases dominate, a view is a hint, a return counts
    /// against, a stated dislike outweighs several purchases.
    pub fn weight(self) -> f64 {
        match self {
            Self::View | Self::Search => 1.0,
            Self::CartAdd => 3.0,
            Self::CartRemove => -1.0,
            Self::Purchase => 5.0,
            Self::Cancel => -2.0,
            Self::Return => -4.0,
            Self::Like => 4.0,
            Self::Dislike => -6.0,
            Self::Assistant => 0.0,
        }
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::Search => "search",
            Self::CartAdd => "cart_add",
            Self::CartRemove => "cart_remove",
            Self::Purchase => "purchase",
            Self::Cancel => "cancel",
            Self::Return => "return",
            Self::Like => "like",
            Self::Dislike => "dislike",
            Self::Assistant => "assistant",
        }
    }

    /// Whether the product itself gets an affinity edge (views and searches only move the
    /// category and brand, which keeps a heavy browser's edges few).
    fn touches_product(self) -> bool {
        !matches!(self, Self::View | Self::Search | Self::Assistant)
    }
}

/// One thing a shopper did.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// What.
    pub kind: SignalKind,
    /// The product, if any.
    pub product: Option<String>,
    /// Its category slug (filled from the catalog when only the product is known).
    pub category: Option<String>,
    /// Its brand (likewise).
    pub brand: Option<String>,
    /// The search words or the assistant's intent.
    pub detail: Option<String>,
    /// `web`, `mobile`, `api`, ...
    pub channel: Option<String>,
}

impl Signal {
    /// A signal about a product.
    pub fn product(kind: SignalKind, product_id: &str) -> Self {
        Self { kind, product: Some(product_id.to_string()), category: None, brand: None, detail: None, channel: None }
    }

    /// A signal about a category and/or brand without a product (searches, stated likes).
    pub fn about(kind: SignalKind, category: Option<String>, brand: Option<String>, detail: Option<String>) -> Self {
        Self { kind, product: None, category, brand, detail, channel: None }
    }
}

/// `user:<id>` / `session:<id>` as a record.
pub fn owner_record(owner: &str) -> RecordId {
    let (table, key) = owner.split_once(':').unwrap_or(("session", owner));
    RecordId::new(table, key)
}

/// A score decayed from `at` to `now` with `half_life` seconds.
pub fn decayed(score: f64, at: i64, now: i64, half_life: f64) -> f64 {
    let age = (now - at).max(0) as f64;
    score * 0.5f64.powf(age / half_life)
}

#[derive(SurrealValue)]
struct Target {
    out: RecordId,
    w: f64,
}

#[derive(SurrealValue)]
struct SignalRow {
    owner: String,
    kind: String,
    weight: f64,
    product: Option<String>,
    category: Option<String>,
    brand: Option<String>,
    detail: Option<String>,
    channel: Option<String>,
    at: i64,
}

/// Writes `signal` for `owner` at `now` and moves the affinities it touches, in one transaction.
pub async fn apply(store: &Store, owner: &str, signal: &Signal, now: i64, half_life: f64) -> Result<()> {
    let w = signal.kind.weight();
    let mut targets = Vec::new();
    if w != 0.0 {
        if let (Some(p), true) = (&signal.product, signal.kind.touches_product()) {
            targets.push(Target { out: RecordId::new("product", p.as_str()), w });
        }
        if let Some(c) = &signal.category {
            targets.push(Target { out: RecordId::new("category", c.as_str()), w });
        }
        if let Some(b) = signal.brand.as_deref().map(brand_key).filter(|k| !k.is_empty()) {
            targets.push(Target { out: RecordId::new("brand", b), w });
        }
    }
    let row = SignalRow {
        owner: owner.to_string(),
        kind: signal.kind.as_str().to_string(),
        weight: w,
        product: signal.product.clone(),
        category: signal.category.clone(),
        brand: signal.brand.clone(),
        detail: signal.detail.as_ref().map(|d| d.chars().take(200).collect()),
        channel: signal.channel.clone(),
        at: now,
    };
    if targets.is_empty() {
        // History only (an assistant message, a search without a filter): one write, no edges.
        store.query("CREATE signal CONTENT $row").bind(("row", row)).await?.check()?;
        return Ok(());
    }
    store
        .query(
            "BEGIN TRANSACTION;
             CREATE signal CONTENT $row;
             FOR $t IN $targets {
                 -- A brand the catalog does not carry has no record and gets no affinity; the
                 -- shopper's words stay in the signal (history), never in the catalog's brands.
                 IF record::tb($t.out) != 'brand' OR record::exists($t.out) {
                     LET $e = (SELECT id, score, at FROM likes WHERE in = $who AND out = $t.out LIMIT 1)[0];
                     IF $e != NONE {
                         UPDATE $e.id SET score = $e.score * math::pow(0.5, math::max([0, $at - $e.at]) / $half) + $t.w, at = $at;
                     } ELSE {
                         LET $out = $t.out;
                         RELATE $who->likes->$out SET score = $t.w, at = $at;
                     };
                 };
             };
             COMMIT TRANSACTION;",
        )
        .bind(("row", row))
        .bind(("targets", targets))
        .bind(("who", owner_record(owner)))
        .bind(("at", now))
        .bind(("half", half_life))
        .await?
        .check()?;
    Ok(())
}

/// Products bought in one order: each pair's `bought_with` count goes up, both ways.
pub async fn bought_together(store: &Store, products: &[String]) -> Result<()> {
    let mut pairs = Vec::new();
    for a in products {
        for b in products {
            if a != b {
                pairs.push((RecordId::new("product", a.as_str()), RecordId::new("product", b.as_str())));
            }
        }
    }
    if pairs.is_empty() {
        return Ok(());
    }
    store
        .query(
            "BEGIN TRANSACTION;
             FOR $p IN $pairs {
                 LET $from = $p[0];
                 LET $to = $p[1];
                 LET $e = (SELECT id FROM bought_with WHERE in = $from AND out = $to LIMIT 1)[0];
                 IF $e != NONE { UPDATE $e.id SET count += 1; } ELSE { RELATE $from->bought_with->$to SET count = 1; };
             };
             COMMIT TRANSACTION;",
        )
        .bind(("pairs", pairs))
        .await?
        .check()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_halves_every_half_life() {
        let day = 86_400;
        assert!((decayed(8.0, 0, 30 * day, 30.0 * day as f64) - 4.0).abs() < 1e-9);
        assert!((decayed(8.0, 0, 60 * day, 30.0 * day as f64) - 2.0).abs() < 1e-9);
        assert_eq!(decayed(8.0, 100, 50, 10.0), 8.0, "a clock that went back does not grow a score");
    }
}
