//! Catalog DTOs: products and categories as every channel sees them.

use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A product's public id (stable, URL-safe, distinct from its slug).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductId(String);

impl ProductId {
    /// The id as stored (the key of the product's record).
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id's text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for ProductId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A category slug: lower-case ASCII letters, digits and single hyphens, 1..=64 chars.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategorySlug(String);

/// Why a slug was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be 1 to 64 lower-case letters, digits or single hyphens (e.g. `running-shoes`)")]
pub struct SlugError;

impl CategorySlug {
    /// Parses a slug; surrounding whitespace is trimmed and upper case is lowered.
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        let s = raw.trim().to_ascii_lowercase();
        let valid = !s.is_empty()
            && s.len() <= 64
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self(s))
        } else {
            Err(SlugError)
        }
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CategorySlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A category in the navigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    /// URL slug, also the category's id.
    pub slug: CategorySlug,
    /// Display name.
    pub name: String,
    /// One line for the category page.
    pub description: String,
    /// Products currently listed in it.
    pub product_count: u32,
}

/// One named attribute of a product (color, size, capacity, material ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attribute {
    /// Attribute name, e.g. `color`.
    pub name: String,
    /// Its value, e.g. `Forest green`.
    pub value: String,
}

/// A product as listed and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Product {
    /// Stable id.
    pub id: ProductId,
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Brand name.
    pub brand: String,
    /// Category slug.
    pub category: CategorySlug,
    /// Marketing description, plain text.
    pub description: String,
    /// Current price.
    pub price: Money,
    /// Units available to sell.
    pub stock: u32,
    /// Color, size, material and the like.
    pub attributes: Vec<Attribute>,
    /// Search tags.
    pub tags: Vec<String>,
    /// Path of the product picture, served by the shop itself.
    pub image_url: String,
}

impl Product {
    /// Stock at or below this is shown as "only N left".
    pub const LOW_STOCK: u32 = 5;

    /// True when nothing is left to sell.
    pub fn is_sold_out(&self) -> bool {
        self.stock == 0
    }

    /// True when a few are left.
    pub fn is_low_stock(&self) -> bool {
        self.stock > 0 && self.stock <= Self::LOW_STOCK
    }
}

/// One page of a product listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductPage {
    /// Products on this page.
    pub items: Vec<Product>,
    /// Matching products across all pages.
    pub total: u64,
    /// 1-based page number.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Counts per category and brand for this query.
    pub facets: crate::search::Facets,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_parse_normalizes_case_and_whitespace() {
        assert_eq!(CategorySlug::parse(" Running-Shoes ").unwrap().as_str(), "running-shoes");
    }

    #[test]
    fn slug_parse_rejects_what_would_break_a_url() {
        for bad in ["", "-a", "a-", "a--b", "a b", "café", "a/b", &"x".repeat(65)] {
            assert_eq!(CategorySlug::parse(bad), Err(SlugError), "{bad:?}");
        }
    }

    #[test]
    fn product_id_serializes_as_a_plain_string() {
        assert_eq!(serde_json::to_string(&ProductId::new("p1")).unwrap(), r#""p1""#);
    }
}

/// An admin's change to a product: its price, its stock, or both (absent fields stay).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductChange {
    /// The new price, in the product's currency; 1 minor unit to 1,000,000.00.
    pub price: Option<crate::Money>,
    /// Units in stock, 0 to 1,000,000.
    pub stock: Option<i64>,
}

/// The highest price an admin can set, in minor units.
pub const MAX_PRICE_MINOR: i64 = 100_000_000;
/// The most units an admin can put in stock.
pub const MAX_STOCK: i64 = 1_000_000;
