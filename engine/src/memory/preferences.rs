//! Stated preferences (sizes, budgets, liked and avoided brands and colours, things to avoid):
//! read, replaced and changed.

use super::signals::{owner_record, Signal, SignalKind};
use super::Memory;
use crate::clock::rfc3339;
use crate::shopper::Shopper;
use crate::{Error, Result};
use model::memory::{MemoryItem, Preferences};
use surrealdb::types::{RecordId, SurrealValue};

#[derive(SurrealValue)]
pub(super) struct PreferenceRow {
    id: String,
    kind: String,
    key: String,
    value: String,
    at: i64,
}

impl Memory {
    /// The shopper's stated preferences.
    pub async fn preferences(&self, shopper: &Shopper) -> Result<Preferences> {
        Ok(to_preferences(&self.preference_rows(shopper).await?))
    }

    pub(super) async fn preference_rows(&self, shopper: &Shopper) -> Result<Vec<PreferenceRow>> {
        let mut res = self
            .store
            .query("SELECT record::id(id) AS id, kind, key, value, at FROM preference WHERE owner = $owner ORDER BY kind, key")
            .bind(("owner", shopper.scope()))
            .await?;
        Ok(res.take(0)?)
    }

    /// Replaces the shopper's preferences with `prefs` (already parsed); liked and avoided
    /// brands also become `likes` signals and `avoids` edges.
    pub async fn set_preferences(&self, shopper: &Shopper, prefs: &Preferences) -> Result<()> {
        let before = self.preferences(shopper).await?;
        self.replace_preferences(shopper, &before, prefs).await
    }

    /// [`Memory::set_preferences`] when the caller already read what they replace (`before`).
    async fn replace_preferences(&self, shopper: &Shopper, before: &Preferences, prefs: &Preferences) -> Result<()> {
        let mut rows: Vec<(String, String, String)> = Vec::new();
        for (k, v) in &prefs.sizes {
            rows.push(("size".into(), k.clone(), v.clone()));
        }
        for (k, v) in &prefs.budgets {
            rows.push(("budget".into(), k.clone(), v.to_string()));
        }
        for (list, kind, value) in [
            (&prefs.brands_liked, "brand", "like"),
            (&prefs.brands_avoided, "brand", "avoid"),
            (&prefs.colors_liked, "color", "like"),
            (&prefs.colors_avoided, "color", "avoid"),
            (&prefs.avoid, "constraint", "avoid"),
        ] {
            for k in list {
                rows.push((kind.into(), k.clone(), value.into()));
            }
        }
        let avoided: Vec<RecordId> =
            prefs.brands_avoided.iter().map(|b| RecordId::new("brand", crate::catalog::brands::brand_key(b))).collect();
        self.store
            .query(
                "BEGIN TRANSACTION;
                 DELETE preference WHERE owner = $owner;
                 FOR $r IN $rows { CREATE preference SET owner = $owner, kind = $r[0], key = $r[1], value = $r[2], at = $at; };
                 DELETE avoids WHERE in = $who AND out NOTINSIDE $avoided;
                 -- Only brands the catalog carries get an edge (their records are the catalog's).
                 FOR $b IN $avoided {
                     IF record::exists($b) AND (SELECT id FROM avoids WHERE in = $who AND out = $b) = [] {
                         RELATE $who->avoids->$b SET at = $at;
                     };
                 };
                 COMMIT TRANSACTION;",
            )
            .bind(("owner", shopper.scope()))
            .bind(("who", owner_record(&shopper.scope())))
            .bind(("rows", rows))
            .bind(("avoided", avoided))
            .bind(("at", self.store.clock().now_unix()))
            .await?
            .check()?;
        self.changed(&shopper.scope());
        // A newly stated like or dislike moves the brand's affinity like any signal.
        for b in prefs.brands_liked.iter().filter(|b| !before.brands_liked.contains(b)) {
            self.record(shopper, Signal::about(SignalKind::Like, None, Some(b.clone()), Some("stated".into()))).await;
        }
        for b in prefs.brands_avoided.iter().filter(|b| !before.brands_avoided.contains(b)) {
            self.record(shopper, Signal::about(SignalKind::Dislike, None, Some(b.clone()), Some("stated".into())))
                .await;
        }
        Ok(())
    }

    /// `update_memory`: applies one change to the stated preferences.
    pub async fn change(&self, shopper: &Shopper, change: impl FnOnce(&mut Preferences)) -> Result<Preferences> {
        let before = self.preferences(shopper).await?;
        let mut prefs = before.clone();
        change(&mut prefs);
        let prefs = prefs.parse().map_err(|e| Error::Invalid { field: "preferences", message: e.to_string() })?;
        // Nothing to write when the change changed nothing ("forget what?").
        if prefs != before {
            self.replace_preferences(shopper, &before, &prefs).await?;
        }
        Ok(prefs)
    }
}

pub(super) fn to_preferences(rows: &[PreferenceRow]) -> Preferences {
    let mut p = Preferences::default();
    for r in rows {
        match (r.kind.as_str(), r.value.as_str()) {
            ("size", v) => {
                p.sizes.insert(r.key.clone(), v.to_string());
            }
            ("budget", v) => {
                p.budgets.insert(r.key.clone(), v.parse().unwrap_or(0));
            }
            ("brand", "like") => p.brands_liked.push(r.key.clone()),
            ("brand", _) => p.brands_avoided.push(r.key.clone()),
            ("color", "like") => p.colors_liked.push(r.key.clone()),
            ("color", _) => p.colors_avoided.push(r.key.clone()),
            (_, _) => p.avoid.push(r.key.clone()),
        }
    }
    p
}

pub(super) fn preference_item(r: &PreferenceRow) -> MemoryItem {
    let scope = |k: &str| if k == "*" { String::new() } else { format!(" in {k}") };
    let label = match (r.kind.as_str(), r.value.as_str()) {
        ("size", v) => format!("Size {v}{}", scope(&r.key)),
        ("budget", v) => {
            let cents: i64 = v.parse().unwrap_or(0);
            format!("Budget {}{}", model::Money::new(cents, model::Currency::USD), scope(&r.key))
        }
        ("brand", "like") => format!("Likes {}", r.key),
        ("brand", _) => format!("Avoids {}", r.key),
        ("color", "like") => format!("Likes {}", r.key),
        ("color", _) => format!("Avoids {}", r.key),
        (_, _) => format!("No {}", r.key),
    };
    MemoryItem {
        id: format!("preference:{}", r.id),
        kind: model::memory::MemoryKind::Preference,
        label,
        reason: "you told us".into(),
        score: None,
        at: rfc3339(r.at),
    }
}
