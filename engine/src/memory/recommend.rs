//! Recommendations with reasons: every in-stock product of the listing snapshot scored against
//! the shopper's affinities (decayed to now), stated preferences and co-purchases, with
//! popularity as the prior (and the whole answer for a shopper the shop knows nothing about).
//! Avoided brands, colors, materials and over-budget items never appear.

use super::signals::{decayed, owner_record};
use super::Memory;
use crate::catalog::brands::brand_key;
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

/// The strongest reason a product is recommended.
#[derive(Debug, Clone, Copy)]
enum Why {
    Popular,
    /// Nothing known and nothing sold yet: only what is true, that it is there to buy.
    Available,
    Category,
    Brand,
    StatedBrand,
    Seen,
    BoughtWith,
    Similar,
}

/// What is known about the shopper, loaded in one round trip. Affinities are decayed to the
/// load time and scaled to -1..=1 by the strongest of their kind (cached, so scaled once).
#[derive(Debug, Default)]
pub(super) struct Profile {
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

/// The prior: the shop's own sales (units net of cancellations), damped so a runaway best seller
/// does not drown every affinity.
fn popularity(e: &Entry) -> f64 {
    (1.0 + f64::from(e.sold)).ln()
}

fn normalize(map: &mut HashMap<String, f64>) {
    let top = map.values().fold(0.0f64, |m, v| m.max(v.abs()));
    if top == 0.0 {
        map.clear();
    }
    map.values_mut().for_each(|v| *v /= top);
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

impl Memory {
    /// The shopper's profile, from the cache while it is fresh.
    async fn profile(&self, shopper: &Shopper) -> Result<std::sync::Arc<Profile>> {
        let owner = shopper.scope();
        let now = self.store.clock().now_unix();
        let changes_before = {
            let cache = self.cache();
            if let Some((at, profile)) = cache.fresh.get(&owner) {
                if now - at < super::PROFILE_TTL {
                    return Ok(profile.clone());
                }
            }
            cache.changes.get(&owner).copied()
        };
        let profile = std::sync::Arc::new(self.load_profile(shopper).await?);
        let mut cache = self.cache();
        // A change during the read may be missing from it: use it once, do not keep it.
        if cache.changes.get(&owner).copied() == changes_before {
            if cache.fresh.len() >= super::PROFILE_CACHE {
                cache.fresh.clear();
            }
            cache.fresh.insert(owner, (now, profile.clone()));
        }
        Ok(profile)
    }

    async fn load_profile(&self, shopper: &Shopper) -> Result<Profile> {
        let now = self.store.clock().now_unix();
        let mut res = self
            .store
            .query(
                "SELECT record::tb(out) AS table, <string> record::id(out) AS key, score, at FROM likes WHERE in = $who;
                 SELECT VALUE <string> record::id(out) FROM avoids WHERE in = $who;
                 SELECT VALUE product FROM signal WHERE owner = $owner AND kind = 'purchase' AND product != NONE;
                 SELECT record::id(id) AS id, kind, key, value, at FROM preference WHERE owner = $owner;",
            )
            .bind(("who", owner_record(&shopper.scope())))
            .bind(("owner", shopper.scope()))
            .await?;
        let edges: Vec<Affinity> = res.take(0)?;
        let avoided_brands: Vec<String> = res.take(1)?;
        let bought: Vec<String> = res.take(2)?;
        let preferences = super::preferences::to_preferences(&res.take::<Vec<super::preferences::PreferenceRow>>(3)?);
        let mut profile = Profile { avoided_brands, bought, preferences, ..Profile::default() };
        for e in edges {
            let score = decayed(e.score, e.at, now, self.half_life);
            let map = match e.table.as_str() {
                "category" => &mut profile.category,
                "brand" => &mut profile.brand,
                _ => &mut profile.product,
            };
            map.insert(e.key, score);
        }
        normalize(&mut profile.category);
        normalize(&mut profile.brand);
        normalize(&mut profile.product);
        Ok(profile)
    }

    /// The shopper's positive category and brand affinities, scaled to 0..=1, for search ranking.
    pub async fn search_affinities(&self, shopper: &Shopper) -> Result<crate::catalog::Affinities> {
        let profile = self.profile(shopper).await?;
        let scaled =
            |map: &HashMap<String, f64>| map.iter().filter(|(_, v)| **v > 0.0).map(|(k, v)| (k.clone(), *v)).collect();
        Ok(crate::catalog::Affinities { categories: scaled(&profile.category), brands: scaled(&profile.brand) })
    }

    async fn bought_with(&self, products: &[String]) -> Result<Vec<CoPurchase>> {
        if products.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<RecordId> = products.iter().map(|p| RecordId::new("product", p.as_str())).collect();
        let mut res = self
            .store
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
            None => std::sync::Arc::default(),
        };
        let focus: Option<&Entry> = match context {
            RecommendationContext::Product(id) => listing.by_id.get(id).and_then(|i| listing.entries.get(*i)),
            _ => None,
        };
        // Co-purchases of what the context is about: the product, the cart, else what they bought.
        let seeds: Vec<String> = match (context, focus) {
            (RecommendationContext::Product(_), Some(f)) => vec![f.product.id.to_string()],
            (RecommendationContext::Cart, _) => cart.to_vec(),
            _ => profile.bought.iter().rev().take(20).cloned().collect(),
        };
        let mut co: HashMap<String, (f64, String)> = HashMap::new();
        for c in self.bought_with(&seeds).await? {
            let entry = co.entry(c.to).or_insert((0.0, c.from.clone()));
            entry.0 += c.count as f64;
        }
        let co_top = co.values().fold(0.0f64, |m, (v, _)| m.max(*v));
        let (category, brand, product) = (&profile.category, &profile.brand, &profile.product);
        let top_pop = listing.entries.iter().map(popularity).fold(0.0f64, f64::max).max(1e-9);
        // Looked up for each of the catalog's products: a set, not a scan of the purchases.
        let left_out: std::collections::HashSet<&str> = cart
            .iter()
            .chain(profile.bought.iter())
            .map(String::as_str)
            .chain(focus.map(|f| f.product.id.as_str()))
            .collect();
        let excluded = |id: &str| left_out.contains(id);
        let name_of = |id: &str| {
            listing
                .by_id
                .get(id)
                .and_then(|i| listing.entries.get(*i))
                .map(|e| e.product.name.clone())
                .unwrap_or_default()
        };
        let prefs = &profile.preferences;
        // Per brand and category position, once per request: the loop below only indexes.
        let brand_keys: Vec<String> = listing.brands.iter().map(|b| brand_key(b)).collect();
        let avoided_brand: Vec<bool> = brand_keys
            .iter()
            .map(|k| profile.avoided_brands.contains(k) || prefs.brands_avoided.iter().any(|b| brand_key(b) == *k))
            .collect();
        let liked_brand: Vec<bool> =
            brand_keys.iter().map(|k| prefs.brands_liked.iter().any(|b| brand_key(b) == *k)).collect();
        let brand_aff: Vec<Option<f64>> = brand_keys.iter().map(|k| brand.get(k).copied()).collect();
        let category_aff: Vec<Option<f64>> = listing.categories.iter().map(|c| category.get(c).copied()).collect();
        let budget: Vec<Option<i64>> = listing
            .categories
            .iter()
            .map(|c| prefs.budgets.get(c).or_else(|| prefs.budgets.get("*")).copied())
            .collect();
        let checks_text = !prefs.colors_avoided.is_empty() || !prefs.avoid.is_empty();
        let mut scored: Vec<(f64, f64, usize, Why)> = Vec::new();
        for (ix, e) in listing.entries.iter().enumerate() {
            let p = &e.product;
            if p.stock == 0
                || avoided_brand[e.brand_ix]
                || budget[e.category_ix].is_some_and(|b| p.price.amount > b)
                || excluded(p.id.as_str())
                || (checks_text && avoided(p, prefs).is_some())
            {
                continue;
            }
            let pop = popularity(e) / top_pop;
            let mut best = (pop, if pop > 0.0 { Why::Popular } else { Why::Available });
            let mut total = pop;
            let mut add = |value: f64, why: Why| {
                total += value;
                if value > best.0 {
                    best = (value, why);
                }
            };
            if let Some(v) = category_aff[e.category_ix] {
                add(3.0 * v, Why::Category);
            }
            if let Some(v) = brand_aff[e.brand_ix] {
                add(2.0 * v, Why::Brand);
            }
            if liked_brand[e.brand_ix] {
                add(2.0, Why::StatedBrand);
            }
            if let Some(v) = product.get(p.id.as_str()) {
                add(*v, Why::Seen);
            }
            if let Some((count, _)) = co.get(p.id.as_str()) {
                add(3.0 * count / co_top.max(1.0), Why::BoughtWith);
            }
            if focus.is_some_and(|f| f.product.category == p.category) {
                add(4.0, Why::Similar);
            }
            scored.push((total, pop, ix, best.1));
        }
        let by_rank = |a: &(f64, f64, usize, Why), b: &(f64, f64, usize, Why)| {
            b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2))
        };
        if scored.len() > LIMIT {
            scored.select_nth_unstable_by(LIMIT, by_rank);
            scored.truncate(LIMIT);
        }
        scored.sort_by(by_rank);
        Ok(scored
            .into_iter()
            .map(|(_, _, ix, why)| {
                let p = &listing.entries[ix].product;
                let reason = match why {
                    Why::Popular => format!("Popular in {}", category_name(p.category.as_str())),
                    Why::Available => format!("In stock in {}", category_name(p.category.as_str())),
                    Why::Category => format!("Because you like {}", category_name(p.category.as_str())),
                    Why::Brand => format!("Because you like {}", p.brand),
                    Why::StatedBrand => format!("You told us you like {}", p.brand),
                    Why::Seen => "You looked at this before".to_string(),
                    Why::BoughtWith => {
                        let from = co.get(p.id.as_str()).map(|(_, from)| name_of(from)).unwrap_or_default();
                        match context {
                            RecommendationContext::Home => format!("Because you bought {from}"),
                            _ => format!("Often bought with {from}"),
                        }
                    }
                    Why::Similar => {
                        format!("Similar to {}", focus.map(|f| f.product.name.as_str()).unwrap_or_default())
                    }
                };
                Recommendation { product: p.clone(), reason }
            })
            .collect())
    }
}
