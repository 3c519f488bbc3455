//! The catalog: categories and products, read from the store and mapped to `model` types.
//! Listings match text with SurrealDB's BM25 full-text index, filter, sort, page and count
//! facets over the in-memory [`index::ListingIndex`], and read the page's products by key.

pub mod brands;
pub mod index;
mod picture;
mod rows;
pub(crate) mod stock;

use crate::store::Store;
use crate::{Error, Result};
use index::{Entry, ListingIndex};
use model::{Category, FacetValue, Facets, Product, ProductPage, ProductSearch, Sort};
use rows::{CategoryRow, ProductRow, PRODUCT_FIELDS};
use std::cmp::Ordering;
use std::collections::HashMap;
use surrealdb::types::SurrealValue;

pub use picture::product_svg;
pub use rows::search_text;

/// Read access to products and categories.
#[derive(Clone, Debug)]
pub struct Catalog {
    store: Store,
    index: ListingIndex,
}

#[derive(SurrealValue)]
struct CountRow {
    count: i64,
}

/// The words of a text query: punctuation becomes a space, since the analyzer would otherwise
/// make tokens of it that no product contains (`dutch-oven!` must find "Dutch Oven").
fn search_words(text: &str) -> Option<String> {
    let cleaned: String = text.chars().map(|c| if c.is_alphanumeric() || c == '\'' { c } else { ' ' }).collect();
    let words = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    (!words.is_empty()).then_some(words)
}

/// Which filters a product passes, so each facet can leave out its own.
struct Passes {
    category: bool,
    brand: bool,
    rest: bool,
}

/// The filters resolved against a snapshot: names become positions (`usize::MAX` for a name
/// the snapshot does not have, which nothing matches).
struct Filter {
    category: Option<usize>,
    brand: Option<usize>,
    min: i64,
    max: i64,
    in_stock: bool,
}

impl Filter {
    fn new(search: &ProductSearch, listing: &index::Listing) -> Self {
        let position = |names: &[String], name: &str| names.iter().position(|n| n == name).unwrap_or(usize::MAX);
        Self {
            category: search.category.as_ref().map(|c| position(&listing.categories, c.as_str())),
            brand: search.brand.as_ref().map(|b| position(&listing.brands, b)),
            min: search.min_price.unwrap_or(i64::MIN),
            max: search.max_price.unwrap_or(i64::MAX),
            in_stock: search.in_stock,
        }
    }

    fn passes(&self, e: &Entry) -> Passes {
        let p = &e.product;
        Passes {
            category: self.category.is_none_or(|c| c == e.category_ix),
            brand: self.brand.is_none_or(|b| b == e.brand_ix),
            rest: (self.min..=self.max).contains(&p.price.amount) && (!self.in_stock || p.stock > 0),
        }
    }
}

/// Best sellers first; among equals (a new shop sells nothing yet) the newest first.
fn by_sales(a: &Entry, b: &Entry) -> Ordering {
    b.sold.cmp(&a.sold).then_with(|| b.created.cmp(&a.created))
}

/// How much a shopper's affinities may lift a search result: at most this fraction of its
/// relevance, so a clearly better match still ranks first.
pub const AFFINITY_BLEND: f64 = 0.25;

/// A signed-in shopper's affinities for search ranking, each in 0..=1 (category slug, brand key).
#[derive(Debug, Clone, Default)]
pub struct Affinities {
    /// By category slug.
    pub categories: HashMap<String, f64>,
    /// By brand key (`brands::brand_key`).
    pub brands: HashMap<String, f64>,
}

impl Affinities {
    /// A product's affinity, 0..=1: the stronger of its category's and its brand's.
    pub fn of(&self, product: &Product) -> f64 {
        let category = self.categories.get(product.category.as_str()).copied().unwrap_or(0.0);
        let brand = self.brands.get(&brands::brand_key(&product.brand)).copied().unwrap_or(0.0);
        category.max(brand).clamp(0.0, 1.0)
    }
}

/// A search result's score for this shopper: relevance lifted by at most [`AFFINITY_BLEND`].
pub fn blend(relevance: f64, affinity: f64) -> f64 {
    relevance * (1.0 + AFFINITY_BLEND * affinity.clamp(0.0, 1.0))
}

/// The listing order; every order ends on the unique slug so pages never overlap.
fn order(search: &ProductSearch, a: &(&Entry, f64), b: &(&Entry, f64)) -> Ordering {
    let ((ea, sa), (eb, sb)) = (a, b);
    let (pa, pb) = (&ea.product, &eb.product);
    match (search.sort, search.text.is_some()) {
        (Sort::Relevance, true) => sb.partial_cmp(sa).unwrap_or(Ordering::Equal).then_with(|| by_sales(ea, eb)),
        (Sort::Relevance, false) | (Sort::BestSelling, _) => by_sales(ea, eb),
        (Sort::PriceAsc, _) => pa.price.amount.cmp(&pb.price.amount),
        (Sort::PriceDesc, _) => pb.price.amount.cmp(&pa.price.amount),
        (Sort::Newest, _) => eb.created.cmp(&ea.created),
    }
    .then_with(|| pa.slug.cmp(&pb.slug))
}

fn count_by<'a>(values: impl Iterator<Item = &'a str>) -> Vec<FacetValue> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    counts.into_iter().map(|(value, count)| FacetValue { value: value.to_string(), count }).collect()
}

fn facet_values(mut values: Vec<FacetValue>) -> Vec<FacetValue> {
    values.retain(|v| v.count > 0);
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    values
}

impl Catalog {
    /// The catalog over `store`.
    pub fn new(store: Store) -> Self {
        Self { index: ListingIndex::new(store.clone()), store }
    }

    /// The listing index (checkout and orders mark it stale when they move stock).
    pub fn index(&self) -> &ListingIndex {
        &self.index
    }

    /// All categories in navigation order, with how many products each lists.
    pub async fn categories(&self) -> Result<Vec<Category>> {
        let mut res = self
            .store
            .query("SELECT slug, name, description, position, 0 AS product_count FROM category ORDER BY position, name")
            .await?;
        let rows: Vec<CategoryRow> = res.take(0)?;
        let listing = self.index.entries().await?;
        let counts: HashMap<String, u64> = count_by(listing.entries.iter().map(|e| e.product.category.as_str()))
            .into_iter()
            .map(|f| (f.value, f.count))
            .collect();
        rows.into_iter()
            .map(|mut row| {
                row.product_count = counts.get(&row.slug).map_or(0, |&c| i64::try_from(c).unwrap_or(i64::MAX));
                row.into_model()
            })
            .collect()
    }

    /// One page of products matching `search`, with facet counts.
    pub async fn list(&self, search: &ProductSearch) -> Result<ProductPage> {
        self.list_for(search, None).await
    }

    /// [`Catalog::list`] with text relevance blended with a shopper's affinities ([`blend`]).
    pub async fn list_for(&self, search: &ProductSearch, affinities: Option<&Affinities>) -> Result<ProductPage> {
        let search = &ProductSearch { text: search.text.as_deref().and_then(search_words), ..search.clone() };
        let listing = self.index.entries().await?;
        // With text, only the BM25 hits are candidates; without, every product is.
        let hits = match &search.text {
            Some(t) => Some(self.index.text_hits(t).await?),
            None => None,
        };
        let candidates: Vec<(&Entry, f64)> = match &hits {
            Some(hits) => hits
                .iter()
                .filter_map(|(id, score)| listing.by_id.get(id).map(|&i| (&listing.entries[i], *score)))
                .map(|(e, score)| match affinities {
                    Some(a) => (e, blend(score, a.of(&e.product))),
                    None => (e, score),
                })
                .collect(),
            None => listing.entries.iter().map(|e| (e, 0.0)).collect(),
        };
        let filter = Filter::new(search, &listing);
        let mut matching: Vec<(&Entry, f64)> = Vec::new();
        let (mut by_category, mut by_brand) = (vec![0u64; listing.categories.len()], vec![0u64; listing.brands.len()]);
        for (e, score) in candidates {
            let p = filter.passes(e);
            if !p.rest {
                continue;
            }
            if p.brand {
                by_category[e.category_ix] += 1;
            }
            if p.category {
                by_brand[e.brand_ix] += 1;
                if p.brand {
                    matching.push((e, score));
                }
            }
        }
        let facet = |names: &[String], counts: Vec<u64>| {
            facet_values(names.iter().zip(counts).map(|(n, count)| FacetValue { value: n.clone(), count }).collect())
        };
        let page = search.page;
        let total = matching.len() as u64;
        let start = usize::try_from(page.offset()).unwrap_or(usize::MAX).min(matching.len());
        let end = start.saturating_add(page.per_page() as usize).min(matching.len());
        // Only the page needs full ordering: partition around its end, then sort the front.
        if end > 0 && end < matching.len() {
            matching.select_nth_unstable_by(end - 1, |a, b| order(search, a, b));
        }
        matching.truncate(end);
        matching.sort_by(|a, b| order(search, a, b));
        Ok(ProductPage {
            items: matching[start..].iter().map(|(e, _)| e.product.clone()).collect(),
            total,
            page: page.page(),
            per_page: page.per_page(),
            facets: Facets {
                categories: facet(&listing.categories, by_category),
                brands: facet(&listing.brands, by_brand),
            },
        })
    }

    /// Products by id, in the order given (unknown ids are left out): direct key reads.
    pub async fn by_ids(&self, ids: &[String]) -> Result<Vec<Product>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<surrealdb::types::RecordId> =
            ids.iter().map(|id| surrealdb::types::RecordId::new("product", id.as_str())).collect();
        let mut res = self.store.query(format!("SELECT {PRODUCT_FIELDS} FROM $keys")).bind(("keys", keys)).await?;
        let rows: Vec<ProductRow> = res.take(0)?;
        let mut found: HashMap<String, Product> =
            rows.into_iter().map(|r| r.into_model().map(|p| (p.id.to_string(), p))).collect::<Result<_>>()?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// How SurrealDB plans the queries a listing runs (`EXPLAIN FULL`): the full-text match for
    /// `text` and the page read by key.
    pub async fn explain(&self, text: &str) -> Result<(String, String)> {
        let mut res = self
            .store
            .query(format!("{} EXPLAIN FULL; SELECT {PRODUCT_FIELDS} FROM $keys EXPLAIN FULL;", index::TEXT_QUERY))
            .bind(("text", search_words(text).unwrap_or_default()))
            .bind(("keys", vec![surrealdb::types::RecordId::new("product", "p0")]))
            .await?;
        let text_plan: surrealdb::types::Value = res.take(0)?;
        let page_plan: surrealdb::types::Value = res.take(1)?;
        Ok((format!("{text_plan:?}"), format!("{page_plan:?}")))
    }

    /// Products for the home page: the best selling that are in stock, at most `limit`.
    pub async fn featured(&self, limit: u32) -> Result<Vec<Product>> {
        let listing = self.index.entries().await?;
        let mut in_stock: Vec<&Entry> = listing.entries.iter().filter(|e| e.product.stock > 0).collect();
        in_stock.sort_by(|a, b| by_sales(a, b).then_with(|| a.product.slug.cmp(&b.product.slug)));
        in_stock.truncate(limit as usize);
        // Shown with live stock: the home page is where a sold-out item must not linger.
        let ids: Vec<String> = in_stock.iter().map(|e| e.product.id.to_string()).collect();
        Ok(self.by_ids(&ids).await?.into_iter().filter(|p| p.stock > 0).collect())
    }

    /// One product by its slug.
    pub async fn by_slug(&self, slug: &str) -> Result<Product> {
        let sql = format!("SELECT {PRODUCT_FIELDS} FROM product WHERE slug = $slug LIMIT 1");
        let mut res = self.store.query(sql).bind(("slug", slug.to_string())).await?;
        let row: Option<ProductRow> = res.take(0)?;
        row.ok_or(Error::NotFound("product"))?.into_model()
    }

    /// One product by its id (a direct key read).
    pub async fn by_id(&self, id: &str) -> Result<Product> {
        let sql = format!("SELECT {PRODUCT_FIELDS} FROM type::record('product', $id)");
        let mut res = self.store.query(sql).bind(("id", id.to_string())).await?;
        let row: Option<ProductRow> = res.take(0)?;
        row.ok_or(Error::NotFound("product"))?.into_model()
    }

    /// One product by id or, failing that, by slug (`GET /v1/products/{id or slug}`).
    pub async fn by_id_or_slug(&self, key: &str) -> Result<Product> {
        if key.is_empty() || key.len() > 120 {
            return Err(Error::NotFound("product"));
        }
        match self.by_id(key).await {
            Err(Error::NotFound(_)) => self.by_slug(key).await,
            other => other,
        }
    }

    /// An admin changes a product's price and/or stock. Bad values are refused naming the field
    /// (`price`, `price.currency`, `stock`) and change nothing; an unknown product is 404. This
    /// process's listings show the change at once (the snapshot reloads before this returns);
    /// other instances' within their refresh interval. Carts and checkout read prices and stock
    /// live, so they follow at once everywhere.
    pub async fn change(&self, id: &str, change: &model::ProductChange) -> Result<Product> {
        if change.price.is_none() && change.stock.is_none() {
            return Err(Error::invalid("price", "name a price or a stock to change"));
        }
        if let Some(stock) = change.stock {
            if !(0..=model::MAX_STOCK).contains(&stock) {
                return Err(Error::invalid("stock", "must be from 0 to 1,000,000"));
            }
        }
        let current = self.by_id(id).await?;
        if let Some(price) = change.price {
            if price.currency != current.price.currency {
                return Err(Error::invalid(
                    "price.currency",
                    format!("must stay {} (the product's currency)", current.price.currency.code()),
                ));
            }
            if !(1..=model::MAX_PRICE_MINOR).contains(&price.amount) {
                return Err(Error::invalid("price", "must be from 1 minor unit to 1,000,000.00"));
            }
        }
        self.store
            .query(
                "UPDATE type::record('product', $id) SET
                     price_amount = $price ?? price_amount,
                     stock = $stock ?? stock",
            )
            .bind(("id", id.to_string()))
            .bind(("price", change.price.map(|p| p.amount)))
            .bind(("stock", change.stock))
            .await?
            .check()?;
        self.index.reload().await?;
        self.by_id(id).await
    }

    /// Number of products in the catalog.
    pub async fn product_count(&self) -> Result<u64> {
        let mut res = self.store.query("SELECT count() FROM product GROUP ALL").await?;
        let row: Option<CountRow> = res.take(0)?;
        Ok(row.map_or(0, |c| u64::try_from(c.count).unwrap_or(0)))
    }
}
