//! The catalog: categories and products, read from the store and mapped to `model` types.
//! Listings filter, sort, page and count facets in SurrealDB, with its BM25 full-text index.

mod picture;
mod rows;

use crate::store::Store;
use crate::{Error, Result};
use model::{Category, FacetValue, Facets, Product, ProductPage, ProductSearch, Sort};
use rows::{BrandCountRow, CategoryCountRow, CategoryRow, ProductRow, PRODUCT_FIELDS};
use surrealdb::types::SurrealValue;

pub use picture::product_svg;
pub use rows::search_text;

/// Read access to products and categories.
#[derive(Clone, Debug)]
pub struct Catalog {
    store: Store,
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

/// A filter a facet leaves out of its own counts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Facet {
    Category,
    Brand,
}

/// `WHERE …` for `search`, without the `skip` facet's own filter.
fn where_clause(search: &ProductSearch, skip: Option<Facet>) -> String {
    let mut filters = Vec::new();
    if search.text.is_some() {
        filters.push("search_text @1@ $text");
    }
    if search.category.is_some() && skip != Some(Facet::Category) {
        filters.push("category = $category");
    }
    if search.brand.is_some() && skip != Some(Facet::Brand) {
        filters.push("brand = $brand");
    }
    if search.min_price.is_some() {
        filters.push("price_amount >= $min_price");
    }
    if search.max_price.is_some() {
        filters.push("price_amount <= $max_price");
    }
    if search.in_stock {
        filters.push("stock > 0");
    }
    if filters.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", filters.join(" AND "))
    }
}

/// Extra projection and `ORDER BY` for a sort. Every order ends on the unique slug so pages
/// never overlap.
fn ordering(search: &ProductSearch) -> (&'static str, &'static str) {
    match (search.sort, search.text.is_some()) {
        (Sort::Relevance, true) => (", search::score(1) AS score", "score DESC, rating DESC, slug"),
        (Sort::Relevance, false) | (Sort::Rating, _) => ("", "rating DESC, review_count DESC, slug"),
        (Sort::PriceAsc, _) => ("", "price_amount ASC, slug"),
        (Sort::PriceDesc, _) => ("", "price_amount DESC, slug"),
        (Sort::Newest, _) => (", created_at", "created_at DESC, slug"),
    }
}

fn facet_values(mut values: Vec<FacetValue>) -> Vec<FacetValue> {
    values.retain(|v| v.count > 0);
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    values
}

impl Catalog {
    /// The catalog over `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// All categories in navigation order, with how many products each lists.
    pub async fn categories(&self) -> Result<Vec<Category>> {
        // One grouped count over the category index rather than a count per category.
        let mut res = self
            .store
            .db()
            .query(
                "SELECT slug, name, description, position, 0 AS product_count FROM category ORDER BY position, name;
                 SELECT category, count() AS count FROM product GROUP BY category;",
            )
            .await?;
        let rows: Vec<CategoryRow> = res.take(0)?;
        let counts: Vec<CategoryCountRow> = res.take(1)?;
        rows.into_iter()
            .map(|mut row| {
                row.product_count = counts.iter().find(|c| c.category == row.slug).map_or(0, |c| c.count);
                row.into_model()
            })
            .collect()
    }

    /// One page of products matching `search`, with facet counts.
    pub async fn list(&self, search: &ProductSearch) -> Result<ProductPage> {
        let search = &ProductSearch { text: search.text.as_deref().and_then(search_words), ..search.clone() };
        let filter = where_clause(search, None);
        let (extra, order) = ordering(search);
        let sql = format!(
            "SELECT {PRODUCT_FIELDS}{extra} FROM product {filter} ORDER BY {order} LIMIT $limit START $start;
             SELECT count() FROM product {filter} GROUP ALL;
             SELECT category, count() AS count FROM product {} GROUP BY category;
             SELECT brand, count() AS count FROM product {} GROUP BY brand;",
            where_clause(search, Some(Facet::Category)),
            where_clause(search, Some(Facet::Brand)),
        );
        let page = search.page;
        let mut res = self
            .store
            .db()
            .query(sql)
            .bind(("text", search.text.clone().unwrap_or_default()))
            .bind(("category", search.category.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default()))
            .bind(("brand", search.brand.clone().unwrap_or_default()))
            .bind(("min_price", search.min_price.unwrap_or(0)))
            .bind(("max_price", search.max_price.unwrap_or(i64::MAX)))
            .bind(("limit", i64::from(page.per_page())))
            .bind(("start", i64::try_from(page.offset()).unwrap_or(i64::MAX)))
            .await?;
        let rows: Vec<ProductRow> = res.take(0)?;
        let count: Option<CountRow> = res.take(1)?;
        let categories: Vec<CategoryCountRow> = res.take(2)?;
        let brands: Vec<BrandCountRow> = res.take(3)?;
        let count_of = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(ProductPage {
            items: rows.into_iter().map(ProductRow::into_model).collect::<Result<_>>()?,
            total: count.map_or(0, |c| count_of(c.count)),
            page: page.page(),
            per_page: page.per_page(),
            facets: Facets {
                categories: facet_values(
                    categories
                        .into_iter()
                        .map(|c| FacetValue { value: c.category, count: count_of(c.count) })
                        .collect(),
                ),
                brands: facet_values(
                    brands.into_iter().map(|b| FacetValue { value: b.brand, count: count_of(b.count) }).collect(),
                ),
            },
        })
    }

    /// How SurrealDB plans the listing query for `search` (`EXPLAIN` output), for index checks.
    pub async fn explain(&self, search: &ProductSearch) -> Result<String> {
        let search = &ProductSearch { text: search.text.as_deref().and_then(search_words), ..search.clone() };
        let (extra, order) = ordering(search);
        let sql = format!(
            "SELECT {PRODUCT_FIELDS}{extra} FROM product {} ORDER BY {order} LIMIT 24 EXPLAIN FULL",
            where_clause(search, None)
        );
        let mut res = self
            .store
            .db()
            .query(sql)
            .bind(("text", search.text.clone().unwrap_or_default()))
            .bind(("category", search.category.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default()))
            .bind(("brand", search.brand.clone().unwrap_or_default()))
            .bind(("min_price", search.min_price.unwrap_or(0)))
            .bind(("max_price", search.max_price.unwrap_or(i64::MAX)))
            .await?;
        let plan: surrealdb::types::Value = res.take(0)?;
        Ok(format!("{plan:?}"))
    }

    /// Products for the home page: the best rated that are in stock, at most `limit`.
    pub async fn featured(&self, limit: u32) -> Result<Vec<Product>> {
        let sql = format!(
            "SELECT {PRODUCT_FIELDS} FROM product WHERE stock > 0
             ORDER BY rating DESC, review_count DESC, slug LIMIT $limit"
        );
        let mut res = self.store.db().query(sql).bind(("limit", i64::from(limit))).await?;
        let rows: Vec<ProductRow> = res.take(0)?;
        rows.into_iter().map(ProductRow::into_model).collect()
    }

    /// One product by its slug.
    pub async fn by_slug(&self, slug: &str) -> Result<Product> {
        let sql = format!("SELECT {PRODUCT_FIELDS} FROM product WHERE slug = $slug LIMIT 1");
        let mut res = self.store.db().query(sql).bind(("slug", slug.to_string())).await?;
        let row: Option<ProductRow> = res.take(0)?;
        row.ok_or(Error::NotFound("product"))?.into_model()
    }

    /// One product by its id (a direct key read).
    pub async fn by_id(&self, id: &str) -> Result<Product> {
        let sql = format!("SELECT {PRODUCT_FIELDS} FROM type::record('product', $id)");
        let mut res = self.store.db().query(sql).bind(("id", id.to_string())).await?;
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

    /// Number of products in the catalog.
    pub async fn product_count(&self) -> Result<u64> {
        let mut res = self.store.db().query("SELECT count() FROM product GROUP ALL").await?;
        let row: Option<CountRow> = res.take(0)?;
        Ok(row.map_or(0, |c| u64::try_from(c.count).unwrap_or(0)))
    }
}
