//! Recommendations with reasons: every in-stock product of the listing snapshot scored against
//! the shopper's affinities (decayed to now), stated preferences and co-purchases, with
//! popularity as the prior (and the whole answer for a shopper the shop knows nothing about).
//! Avoided brands, colors, materials and over-budget items never appear.

use super::signals::{brand_key, decayed, owner_record};
use super::Memory;
use crate::catalog::index::Entry;
use crate::shopper::Shopper;
use crate::Result;
use model::memory::{Preferences, Recommendation, RecommendationContext};
use std::collections::HashMap;
use surrealdb::types::{RecordId, SurrealValue};

/// How many products a recommendation list holds.
pub const LIMIT: usize = 10;

#[derive(SurrealValue)]
struct Affinity {
    table: String,
    key: String,
    score: f64,
    at: i64,
}

#[derive(SurrealValue)]
struct CoPurchase {
    from: String,
    to: String,
    count: i64,
}

/// What is known about the shopper, loaded in one round trip.
#[derive(Default)]
struct Profile {
    category: HashMap<String, f64>,
    brand: HashMap<String, f64>,
    product: HashMap<String, f64>,
    avoided_brands: Vec<String>,
    bought: Vec<String>,
    preferences: Preferences,
}

/// "running-shoes" → "Running shoes".
pub fn category_name(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut c = words.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn popularity(e: &Entry) -> f64 {
    f64::from(e.product.rating) * (1.0 + f64::from(e.product.review_count)).ln()
}

fn normalized(map: &HashMap<String, f64>) -> HashMap<String, f64> {
    let top = map.values().fold(0.0f64, |m, v| m.max(v.abs()));
    if top == 0.0 {
        return HashMap::new();
    }
    map.iter().map(|(k, v)| (k.clone(), v / top)).collect()
}

/// What stated preference rules the product out, if any: an avoided brand, color or material.
pub fn avoided(product: &model::Product, p: &Preferences) -> Option<String> {
    let brand = brand_key(&product.brand);
    if p.brands_avoided.iter().any(|b| brand_key(b) == brand) {
        return Some(product.brand.clone());
    }
    let color = product
        .attributes
        .iter()
        .filter(|a| a.name.eq_ignore_ascii_case("color") || a.name.eq_ignore_ascii_case("colour"))
        .map(|a| a.value.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(c) = p.colors_avoided.iter().find(|c| color.contains(c.as_str())) {
        return Some(c.clone());
    }
    if !p.avoid.is_empty() {
        let text = format!(
            "{} {} {} {}",
            product.name,
            product.description,
            product.tags.join(" "),
            product.attributes.iter().map(|a| a.value.as_str()).collect::<Vec<_>>().join(" ")
        )
        .to_lowercase();
        // "no leather" also rules out "faux leather": a shopper who said it would rather not see it.
        if let Some(w) = p.avoid.iter().find(|w| text.contains(w.as_str())) {
            return Some(w.clone());
        }
    }
    None
}

/// Whether the shopper's preferences or stated aversions rule the product out (budget included).
fn ruled_out(e: &Entry, p: &Preferences, avoided_brands: &[String]) -> bool {
    let product = &e.product;
    if avoided_brands.contains(&brand_key(&product.brand)) || avoided(product, p).is_some() {
        return true;
    }
    let budget = p.budgets.get(product.category.as_str()).or_else(|| p.budgets.get("*"));
    budget.is_some_and(|b| product.price.amount > *b)
}

impl Memory {
    async fn profile(&self, shopper: &Shopper) -> Result<Profile> {
        let now = self.clock.now_unix();
        let mut res = self
            .store
            .db()
            .query(
                "SELECT record::tb(out) AS table, <string> record::id(out) AS key, score, at FROM likes WHERE in = $who;
                 SELECT VALUE <string> record::id(out) FROM avoids WHERE in = $who;
                 SELECT VALUE product FROM signal WHERE owner = $owner AND kind = 'purchase' AND product != NONE;",
            )
            .bind(("who", owner_record(&shopper.scope())))
            .bind(("owner", shopper.scope()))
            .await?;
        let edges: Vec<Affinity> = res.take(0)?;
        let avoided_brands: Vec<String> = res.take(1)?;
        let bought: Vec<String> = res.take(2)?;
        let mut profile =
            Profile { avoided_brands, bought, preferences: self.preferences(shopper).await?, ..Profile::default() };
        for e in edges {
            let score = decayed(e.score, e.at, now, self.half_life);
            let map = match e.table.as_str() {
                "category" => &mut profile.category,
                "brand" => &mut profile.brand,
                _ => &mut profile.product,
            };
            map.insert(e.key, score);
        }
        Ok(profile)
    }

    /// The shopper's positive category and brand affinities, scaled to 0..=1, for search ranking.
    pub async fn search_affinities(&self, shopper: &Shopper) -> Result<crate::catalog::Affinities> {
        let profile = self.profile(shopper).await?;
        let scaled = |map: &HashMap<String, f64>| {
            normalized(map).into_iter().filter(|(_, v)| *v > 0.0).collect::<HashMap<_, _>>()
        };
        Ok(crate::catalog::Affinities { categories: scaled(&profile.category), brands: scaled(&profile.brand) })
    }

    async fn bought_with(&self, products: &[String]) -> Result<Vec<CoPurchase>> {
        if products.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<RecordId> = products.iter().map(|p| RecordId::new("product", p.as_str())).collect();
        let mut res = self
            .store
            .db()
            .query(
                "SELECT <string> record::id(in) AS from, <string> record::id(out) AS to, count FROM bought_with WHERE in IN $ids",
            )
            .bind(("ids", ids))
            .await?;
        Ok(res.take(0)?)
    }

    /// Up to [`LIMIT`] products for `shopper` (None: nobody known) in `context`, best first,
    /// each with a reason. `cart` lists the product ids in the shopper's cart.
    pub async fn recommend(
        &self,
        shopper: Option<&Shopper>,
        context: &RecommendationContext,
        cart: &[String],
    ) -> Result<Vec<Recommendation>> {
        let listing = self.catalog.index().entries().await?;
        let profile = match shopper {
            Some(s) => self.profile(s).await?,
            None => Profile::default(),
        };
        let focus: Option<&Entry> = match context {
            RecommendationContext::Product(id) => listing.by_id.get(id).and_then(|i| listing.entries.get(*i)),
            _ => None,
        };
        // Co-purchases of what the context is about: the product, the cart, else what they bought.
        let seeds: Vec<String> = match (context, focus) {
            (RecommendationContext::Product(_), Some(f)) => vec![f.product.id.0.clone()],
            (RecommendationContext::Cart, _) => cart.to_vec(),
            _ => profile.bought.iter().rev().take(20).cloned().collect(),
        };
        let mut co: HashMap<String, (f64, String)> = HashMap::new();
        for c in self.bought_with(&seeds).await? {
            let entry = co.entry(c.to).or_insert((0.0, c.from.clone()));
            entry.0 += c.count as f64;
        }
        let co_top = co.values().fold(0.0f64, |m, (v, _)| m.max(*v));
        let (category, brand, product) =
            (normalized(&profile.category), normalized(&profile.brand), normalized(&profile.product));
        let top_pop = listing.entries.iter().map(popularity).fold(0.0f64, f64::max).max(1e-9);
        let excluded = |id: &str| {
            cart.iter().any(|c| c == id)
                || profile.bought.iter().any(|b| b == id)
                || focus.is_some_and(|f| f.product.id.0 == id)
        };
        let name_of = |id: &str| {
            listing
                .by_id
                .get(id)
                .and_then(|i| listing.entries.get(*i))
                .map(|e| e.product.name.clone())
                .unwrap_or_default()
        };
        let prefs = &profile.preferences;
        let mut scored: Vec<(f64, f64, usize, String)> = Vec::new();
        for (ix, e) in listing.entries.iter().enumerate() {
            let p = &e.product;
            if p.stock == 0 || excluded(&p.id.0) || ruled_out(e, prefs, &profile.avoided_brands) {
                continue;
            }
            let pop = popularity(e) / top_pop;
            let mut terms: Vec<(f64, String)> =
                vec![(pop, format!("Popular in {}", category_name(p.category.as_str())))];
            if let Some(v) = category.get(p.category.as_str()) {
                terms.push((3.0 * v, format!("Because you like {}", category_name(p.category.as_str()))));
            }
            if let Some(v) = brand.get(&brand_key(&p.brand)) {
                terms.push((2.0 * v, format!("Because you like {}", p.brand)));
            }
            if prefs.brands_liked.iter().any(|b| brand_key(b) == brand_key(&p.brand)) {
                terms.push((2.0, format!("You told us you like {}", p.brand)));
            }
            if let Some(v) = product.get(&p.id.0) {
                terms.push((1.0 * v, "You looked at this before".into()));
            }
            if let Some((count, from)) = co.get(&p.id.0) {
                let why = match context {
                    RecommendationContext::Home => format!("Because you bought {}", name_of(from)),
                    _ => format!("Often bought with {}", name_of(from)),
                };
                terms.push((3.0 * count / co_top.max(1.0), why));
            }
            if let Some(f) = focus {
                if f.product.category == p.category {
                    terms.push((4.0, format!("Similar to {}", f.product.name)));
                }
            }
            let total: f64 = terms.iter().map(|(v, _)| v).sum();
            let reason = terms.into_iter().max_by(|a, b| a.0.total_cmp(&b.0)).map(|(_, r)| r).unwrap_or_default();
            scored.push((total, pop, ix, reason));
        }
        let by_rank = |a: &(f64, f64, usize, String), b: &(f64, f64, usize, String)| {
            b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2))
        };
        if scored.len() > LIMIT {
            scored.select_nth_unstable_by(LIMIT, by_rank);
            scored.truncate(LIMIT);
        }
        scored.sort_by(by_rank);
        Ok(scored
            .into_iter()
            .map(|(_, _, ix, reason)| Recommendation { product: listing.entries[ix].product.clone(), reason })
            .collect())
    }
}
