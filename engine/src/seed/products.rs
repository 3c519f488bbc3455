//! Turns the seed catalog data into product rows: one per (line, variant), with stable ids,
//! slugs and stock derived from the product's own name so every run makes the same shop.

use super::catalog_data::{CategoryData, CATEGORIES};
use crate::catalog::search_text;
use surrealdb::types::{RecordId, SurrealValue};

#[derive(Clone, SurrealValue)]
pub(super) struct AttributeSeed {
    pub name: String,
    pub value: String,
}

#[derive(Clone, SurrealValue)]
pub(super) struct ProductSeed {
    pub id: RecordId,
    pub slug: String,
    pub name: String,
    pub brand: String,
    pub category: String,
    pub description: String,
    pub price_amount: i64,
    pub currency: String,
    pub stock: i64,
    pub attributes: Vec<AttributeSeed>,
    pub tags: Vec<String>,
    pub search_text: String,
}

#[derive(SurrealValue)]
pub(super) struct CategorySeed {
    id: RecordId,
    slug: String,
    name: String,
    description: String,
    position: i64,
}

pub(super) fn categories() -> Vec<CategorySeed> {
    CATEGORIES
        .iter()
        .zip(0..)
        .map(|(c, position)| CategorySeed {
            id: RecordId::new("category", c.slug),
            slug: c.slug.into(),
            name: c.name.into(),
            description: c.description.into(),
            position,
        })
        .collect()
}

pub(super) fn products() -> Vec<ProductSeed> {
    CATEGORIES.iter().flat_map(category_products).collect()
}

fn category_products(cat: &'static CategoryData) -> impl Iterator<Item = ProductSeed> {
    cat.lines.iter().flat_map(move |line| {
        cat.variants.iter().map(move |&(variant, pct)| {
            let name = format!("{} — {variant}", line.name);
            let slug = slugify(&format!("{} {} {variant}", line.brand, line.name));
            let h = fnv(&slug);
            let mut attributes = vec![
                AttributeSeed { name: cat.axis.into(), value: variant.into() },
                AttributeSeed { name: "material".into(), value: line.material.into() },
            ];
            if cat.slug == "running-shoes" {
                attributes.push(AttributeSeed { name: "sizes".into(), value: "US 6 to 13".into() });
            }
            let tags: Vec<String> = line.tags.iter().map(|t| (*t).to_string()).collect();
            let description = format!("{} This one comes in {}.", line.description, variant.to_lowercase());
            ProductSeed {
                id: RecordId::new("product", format!("p{:010x}", h & 0xff_ffff_ffff)),
                price_amount: round_price(line.price * (100 + pct) / 100),
                currency: "USD".into(),
                stock: stock_level(h),
                search_text: search_text(&name, line.brand, cat.slug, &tags, &description),
                attributes,
                tags,
                description,
                category: cat.slug.into(),
                brand: line.brand.into(),
                slug,
                name,
            }
        })
    })
}

/// `count` extra products for load tests and evaluations: the seed lines again as numbered
/// editions with their own ids, slugs, prices and stock (same brands, categories and words, so
/// search and facets behave as on a grown real catalog).
pub(super) fn editions(count: usize) -> Vec<ProductSeed> {
    let base = products();
    (0..count)
        .map(|i| {
            let p = &base[i % base.len()];
            let edition = i / base.len() + 2;
            let name = format!("{} (edition {edition})", p.name);
            let slug = format!("{}-edition-{edition}", p.slug);
            let h = fnv(&slug);
            ProductSeed {
                id: RecordId::new("product", format!("p{:010x}", h & 0xff_ffff_ffff)),
                price_amount: round_price(p.price_amount * (85 + (h % 30) as i64) / 100),
                stock: stock_level(h),
                search_text: search_text(&name, &p.brand, &p.category, &p.tags, &p.description),
                attributes: p
                    .attributes
                    .iter()
                    .map(|a| AttributeSeed { name: a.name.clone(), value: a.value.clone() })
                    .collect(),
                currency: p.currency.clone(),
                tags: p.tags.clone(),
                description: p.description.clone(),
                category: p.category.clone(),
                brand: p.brand.clone(),
                slug,
                name,
            }
        })
        .collect()
}

/// Retail-style price: whole dollars minus one cent (e.g. 4999), never below 99.
fn round_price(cents: i64) -> i64 {
    ((cents + 50) / 100 * 100 - 1).max(99)
}

/// Mostly healthy stock, some low (1..=5) and some sold out, so every stock state shows up.
fn stock_level(h: u64) -> i64 {
    match h % 100 {
        0..=7 => 0,
        8..=22 => (h >> 24) as i64 % 5 + 1,
        _ => (h >> 24) as i64 % 110 + 10,
    }
}

fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// FNV-1a: a stable hash across runs and platforms (std's hasher is randomly seeded).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_seed_has_over_300_products_in_at_least_10_categories() {
        let products = products();
        assert!(products.len() >= 300, "{}", products.len());
        let cats: HashSet<_> = products.iter().map(|p| p.category.clone()).collect();
        assert!(cats.len() >= 10);
    }

    #[test]
    fn ids_and_slugs_are_unique_and_url_safe() {
        let products = products();
        let ids: HashSet<String> = products.iter().map(|p| format!("{:?}", p.id)).collect();
        let slugs: HashSet<_> = products.iter().map(|p| p.slug.clone()).collect();
        assert_eq!(ids.len(), products.len());
        assert_eq!(slugs.len(), products.len());
        for p in &products {
            assert!(p.slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", p.slug);
        }
    }

    #[test]
    fn some_products_are_sold_out_and_some_are_low() {
        let products = products();
        assert!(products.iter().any(|p| p.stock == 0));
        assert!(products.iter().any(|p| (1..=5).contains(&p.stock)));
        assert!(products.iter().all(|p| p.price_amount > 0 && p.price_amount % 100 == 99));
    }

    #[test]
    fn slugify_collapses_punctuation() {
        assert_eq!(slugify("Kuro Blades Chef's Knife 8in  — Red"), "kuro-blades-chef-s-knife-8in-red");
    }
}
