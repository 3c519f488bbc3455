//! What the shopper sees of their memory ("What we remember"): preferences, the strongest
//! affinities with the signals behind them, the latest signals; the export, and erasing one item
//! or everything.

use super::preferences::{preference_item, to_preferences};
use super::signals::{self, owner_record};
use super::Memory;
use crate::clock::rfc3339;
use crate::shopper::Shopper;
use crate::{Error, Result};
use model::memory::MemoryItem;
use std::collections::HashMap;
use surrealdb::types::SurrealValue;

#[derive(SurrealValue)]
struct EdgeRow {
    id: String,
    table: String,
    key: String,
    name: Option<String>,
    score: f64,
    at: i64,
}

#[derive(SurrealValue)]
struct SignalRow {
    id: String,
    kind: String,
    weight: f64,
    product: Option<String>,
    category: Option<String>,
    brand: Option<String>,
    detail: Option<String>,
    channel: Option<String>,
    at: i64,
}

#[derive(SurrealValue)]
struct CountRow {
    table: String,
    key: String,
    kind: String,
    n: i64,
}

impl Memory {
    /// Everything remembered, as the shopper sees it (history: the latest `history` signals).
    pub async fn get(&self, shopper: &Shopper, history: u32) -> Result<model::memory::Remembered> {
        let rows = self.preference_rows(shopper).await?;
        let now = self.store.clock().now_unix();
        let mut res = self
            .store
            .query(
                "SELECT record::id(id) AS id, record::tb(out) AS table, <string> record::id(out) AS key, out.name AS name, score, at
                     FROM likes WHERE in = $who;
                 SELECT record::id(id) AS id, kind, weight, product, category, brand, detail, channel, at
                     FROM signal WHERE owner = $owner ORDER BY at DESC LIMIT $limit;
                 SELECT 'category' AS table, category AS key, kind, count() AS n FROM signal
                     WHERE owner = $owner AND category != NONE GROUP BY table, key, kind;
                 SELECT 'brand' AS table, brand AS key, kind, count() AS n FROM signal
                     WHERE owner = $owner AND brand != NONE GROUP BY table, key, kind;
                 SELECT 'product' AS table, product AS key, kind, count() AS n FROM signal
                     WHERE owner = $owner AND product != NONE GROUP BY table, key, kind;",
            )
            .bind(("who", owner_record(&shopper.scope())))
            .bind(("owner", shopper.scope()))
            .bind(("limit", i64::from(history)))
            .await?;
        let edges: Vec<EdgeRow> = res.take(0)?;
        let signal_rows: Vec<SignalRow> = res.take(1)?;
        // Why each affinity exists: its signals counted by kind ("2 purchases, 5 views").
        let mut counts: HashMap<(String, String), Vec<(String, i64)>> = HashMap::new();
        for statement in 2..=4 {
            let rows: Vec<CountRow> = res.take(statement)?;
            for r in rows {
                let key = if r.table == "brand" { crate::catalog::brands::brand_key(&r.key) } else { r.key };
                counts.entry((r.table, key)).or_default().push((r.kind, r.n));
            }
        }
        let mut affinities: Vec<MemoryItem> = edges
            .into_iter()
            .map(|e| {
                let score = signals::decayed(e.score, e.at, now, self.half_life);
                let name = e.name.clone().unwrap_or_else(|| e.key.clone());
                let label = match e.table.as_str() {
                    "category" => format!("Category: {name}"),
                    "brand" => format!("Brand: {name}"),
                    _ => format!("Product: {name}"),
                };
                let reason = counts
                    .get(&(e.table.clone(), e.key.clone()))
                    .map(|c| reason_from(c))
                    .unwrap_or_else(|| "from what you did here".into());
                MemoryItem {
                    id: format!("likes:{}", e.id),
                    kind: model::memory::MemoryKind::Affinity,
                    label,
                    reason,
                    score: Some((score * 100.0).round() / 100.0),
                    at: rfc3339(e.at),
                }
            })
            .collect();
        affinities.sort_by(|a, b| b.score.unwrap_or(0.0).total_cmp(&a.score.unwrap_or(0.0)));
        let listing = self.catalog.index().entries().await?;
        let name_of =
            |id: &str| listing.by_id.get(id).and_then(|i| listing.entries.get(*i)).map(|e| e.product.name.clone());
        let history =
            signal_rows.into_iter().map(|s| signal_item(&s, s.product.as_deref().and_then(name_of))).collect();
        Ok(model::memory::Remembered {
            preferences: to_preferences(&rows),
            preference_items: rows.iter().map(preference_item).collect(),
            affinities,
            history,
        })
    }

    /// All of it as JSON: what the page shows plus every signal.
    pub async fn export(&self, shopper: &Shopper) -> Result<model::memory::Remembered> {
        self.get(shopper, u32::MAX / 2).await
    }

    /// Deletes one item (`preference:…`, `likes:…`, `signal:…`) the shopper owns; anything else
    /// is not found.
    pub async fn delete_item(&self, shopper: &Shopper, item: &str) -> Result<()> {
        let (table, key) = item.split_once(':').ok_or(Error::NotFound("memory item"))?;
        let condition = match table {
            "preference" | "signal" => "owner = $owner",
            "likes" => "in = $who",
            _ => return Err(Error::NotFound("memory item")),
        };
        let mut res = self
            .store
            .query(format!("DELETE type::record($table, $key) WHERE {condition} RETURN BEFORE"))
            .bind(("table", table.to_string()))
            .bind(("key", key.to_string()))
            .bind(("owner", shopper.scope()))
            .bind(("who", owner_record(&shopper.scope())))
            .await?
            .check()?;
        let deleted: Vec<surrealdb::types::Value> = res.take(0)?;
        self.changed(&shopper.scope());
        if deleted.is_empty() {
            return Err(Error::NotFound("memory item"));
        }
        Ok(())
    }

    /// Forgets everything: preferences, signals, affinities and avoids. Orders stay: they are
    /// records of sale.
    pub async fn forget(&self, shopper: &Shopper) -> Result<()> {
        // Signals still queued would re-create what is being erased.
        self.flush().await;
        self.store
            .query(
                "BEGIN TRANSACTION;
                 DELETE preference WHERE owner = $owner;
                 DELETE signal WHERE owner = $owner;
                 DELETE likes WHERE in = $who;
                 DELETE avoids WHERE in = $who;
                 COMMIT TRANSACTION;",
            )
            .bind(("owner", shopper.scope()))
            .bind(("who", owner_record(&shopper.scope())))
            .await?
            .check()?;
        self.changed(&shopper.scope());
        Ok(())
    }
}

/// "2 purchases, 5 views, 1 return": the signals behind an affinity, the weightiest first.
fn reason_from(counts: &[(String, i64)]) -> String {
    const ORDER: [(&str, &str, &str); 9] = [
        ("like", "time you said you like it", "times you said you like it"),
        ("dislike", "time you said you don't", "times you said you don't"),
        ("purchase", "purchase", "purchases"),
        ("return", "return", "returns"),
        ("cancel", "cancelled order", "cancelled orders"),
        ("cart_add", "cart add", "cart adds"),
        ("cart_remove", "removal from the cart", "removals from the cart"),
        ("view", "view", "views"),
        ("search", "search", "searches"),
    ];
    let parts: Vec<String> = ORDER
        .iter()
        .filter_map(|(kind, one, many)| {
            let n: i64 = counts.iter().filter(|(k, _)| k == kind).map(|(_, n)| n).sum();
            (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
        })
        .collect();
    if parts.is_empty() {
        "from what you did here".into()
    } else {
        parts.join(", ")
    }
}

fn signal_item(s: &SignalRow, product_name: Option<String>) -> MemoryItem {
    let what = product_name
        .or_else(|| s.product.clone())
        .or_else(|| s.detail.clone())
        .or_else(|| s.brand.clone())
        .or_else(|| s.category.clone());
    let label = match what {
        Some(w) => format!("{} {w}", s.kind.replace('_', " ")),
        None => s.kind.replace('_', " "),
    };
    MemoryItem {
        id: format!("signal:{}", s.id),
        kind: model::memory::MemoryKind::Signal,
        label,
        reason: format!("on {}", s.channel.as_deref().unwrap_or("the shop")),
        score: Some(s.weight),
        at: rfc3339(s.at),
    }
}
