//! The catalog: categories and products, read from the store and mapped to `model` types.

mod picture;
mod rows;

use crate::store::Store;
use crate::{Error, Result};
use model::{Category, CategorySlug, PageRequest, Product, ProductPage};
use rows::{CategoryRow, ProductRow, PRODUCT_FIELDS};
use surrealdb::types::SurrealValue;

pub use picture::product_svg;
pub use rows::search_text;

/// What a product listing asks for; every part already validated.
#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    /// Full-text query over name, brand, category, tags and description.
    pub text: Option<String>,
    /// Only this category.
    pub category: Option<CategorySlug>,
    /// Which page.
    pub page: PageRequest,
}

/// Read access to products and categories.
#[derive(Clone, Debug)]
pub struct Catalog {
    store: Store,
}

#[derive(SurrealValue)]
struct CountRow {
    count: i64,
}

impl Catalog {
    /// The catalog over `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// All categories in navigation order, with how many products each lists.
    pub async fn categories(&self) -> Result<Vec<Category>> {
        let mut res = self
            .store
            .db()
            .query(
                "SELECT slug, name, description, position,
                        count(SELECT id FROM product WHERE category = $parent.slug) AS product_count
                 FROM category ORDER BY position, name",
            )
            .await?;
        let rows: Vec<CategoryRow> = res.take(0)?;
        rows.into_iter().map(CategoryRow::into_model).collect()
    }

    /// One page of products, best match first for a text query, else best rated first.
    pub async fn list(&self, query: &ProductQuery) -> Result<ProductPage> {
        let text = query.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let mut filters = Vec::new();
        if text.is_some() {
            filters.push("search_text @1@ $text");
        }
        if query.category.is_some() {
            filters.push("category = $category");
        }
        let filter = if filters.is_empty() { String::new() } else { format!("WHERE {}", filters.join(" AND ")) };
        let (score, order) = if text.is_some() {
            (", search::score(1) AS score", "score DESC, rating DESC, slug")
        } else {
            ("", "rating DESC, review_count DESC, slug")
        };
        let sql = format!(
            "SELECT {PRODUCT_FIELDS}{score} FROM product {filter} ORDER BY {order} LIMIT $limit START $start;
             SELECT count() FROM product {filter} GROUP ALL;"
        );
        let page = query.page;
        let mut res = self
            .store
            .db()
            .query(sql)
            .bind(("text", text.unwrap_or_default().to_string()))
            .bind(("category", query.category.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default()))
            .bind(("limit", i64::from(page.per_page())))
            .bind(("start", i64::try_from(page.offset()).unwrap_or(i64::MAX)))
            .await?;
        let rows: Vec<ProductRow> = res.take(0)?;
        let count: Option<CountRow> = res.take(1)?;
        Ok(ProductPage {
            items: rows.into_iter().map(ProductRow::into_model).collect::<Result<_>>()?,
            total: count.map_or(0, |c| u64::try_from(c.count).unwrap_or(0)),
            page: page.page(),
            per_page: page.per_page(),
        })
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

    /// Number of products in the catalog.
    pub async fn product_count(&self) -> Result<u64> {
        let mut res = self.store.db().query("SELECT count() FROM product GROUP ALL").await?;
        let row: Option<CountRow> = res.take(0)?;
        Ok(row.map_or(0, |c| u64::try_from(c.count).unwrap_or(0)))
    }
}
