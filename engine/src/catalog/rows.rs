//! Row types for the catalog tables and their mapping to `model` types (the repository edge).

use crate::{Error, Result};
use model::{Attribute, Category, CategorySlug, Currency, Money, Product, ProductId};
use surrealdb::types::SurrealValue;

/// Projection every product query selects, matching [`ProductRow`].
pub(super) const PRODUCT_FIELDS: &str = "record::id(id) AS id, slug, name, brand, category, description, \
     price_amount, currency, stock, attributes, tags";

#[derive(SurrealValue)]
pub(super) struct AttributeRow {
    pub name: String,
    pub value: String,
}

#[derive(SurrealValue)]
pub(super) struct ProductRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub brand: String,
    pub category: String,
    pub description: String,
    pub price_amount: i64,
    pub currency: String,
    pub stock: i64,
    pub attributes: Vec<AttributeRow>,
    pub tags: Vec<String>,
    /// Unix seconds of `created_at`, when the query selects it (the listing snapshot does).
    pub created: Option<i64>,
    /// Units sold net of cancellations, when the query selects it (the listing snapshot does;
    /// it orders listings and is the recommendations' prior, and is never shown).
    pub units_sold: Option<i64>,
}

impl ProductRow {
    pub(super) fn into_model(self) -> Result<Product> {
        // Rows passed the schema's asserts; a failure here means the schema and code disagree.
        let corrupt =
            |what: &str| Error::invalid("product", format!("stored product {} has an invalid {what}", self.id));
        let currency = Currency::parse(&self.currency).map_err(|_| corrupt("currency"))?;
        let category = CategorySlug::parse(&self.category).map_err(|_| corrupt("category"))?;
        let image_url = format!("/images/products/{}.svg", self.slug);
        Ok(Product {
            price: Money::price(self.price_amount, currency).map_err(|_| corrupt("price"))?,
            stock: u32::try_from(self.stock).map_err(|_| corrupt("stock"))?,
            attributes: self.attributes.into_iter().map(|a| Attribute { name: a.name, value: a.value }).collect(),
            id: ProductId::new(self.id),
            category,
            image_url,
            slug: self.slug,
            name: self.name,
            brand: self.brand,
            description: self.description,
            tags: self.tags,
        })
    }
}

#[derive(SurrealValue)]
pub(super) struct CategoryRow {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub product_count: i64,
}

impl CategoryRow {
    pub(super) fn into_model(self) -> Result<Category> {
        Ok(Category {
            slug: CategorySlug::parse(&self.slug)
                .map_err(|_| Error::invalid("category", format!("stored slug {} is invalid", self.slug)))?,
            name: self.name,
            description: self.description,
            product_count: u32::try_from(self.product_count).unwrap_or(0),
        })
    }
}

/// The text the full-text index covers. The name is repeated so a name match outranks a
/// passing mention in another product's description.
pub fn search_text(name: &str, brand: &str, category: &str, tags: &[String], description: &str) -> String {
    format!("{name} {name} {brand} {} {} {description}", category.replace('-', " "), tags.join(" "))
}
