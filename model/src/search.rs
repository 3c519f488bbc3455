//! Product search requests (filters, sort, paging) and their facets: one parser for the REST
//! query string, the catalog page's URL and the assistant.

use crate::catalog::CategorySlug;
use crate::paging::PageRequest;
use crate::FieldError;
use serde::{Deserialize, Serialize};

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sort {
    /// Best text match first (best rated first when there is no text).
    #[default]
    Relevance,
    /// Cheapest first.
    PriceAsc,
    /// Dearest first.
    PriceDesc,
    /// Most recently added first.
    Newest,
    /// Most units sold first (net of cancellations): the shop's own sales, not invented ratings.
    BestSelling,
}

impl Sort {
    /// Every sort, in menu order.
    pub const ALL: [Sort; 5] = [Sort::Relevance, Sort::PriceAsc, Sort::PriceDesc, Sort::Newest, Sort::BestSelling];

    /// Parses the wire name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::PriceAsc => "price_asc",
            Sort::PriceDesc => "price_desc",
            Sort::Newest => "newest",
            Sort::BestSelling => "best_selling",
        }
    }

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Best match",
            Sort::PriceAsc => "Price: low to high",
            Sort::PriceDesc => "Price: high to low",
            Sort::Newest => "Newest",
            Sort::BestSelling => "Best selling",
        }
    }
}

/// A validated product search. Prices are minor units of the shop currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSearch {
    /// Full-text query (trimmed, non-empty, at most 200 characters).
    pub text: Option<String>,
    /// Only this category.
    pub category: Option<CategorySlug>,
    /// Only this brand (exact name).
    pub brand: Option<String>,
    /// Lowest price, inclusive.
    pub min_price: Option<i64>,
    /// Highest price, inclusive.
    pub max_price: Option<i64>,
    /// Only products with stock.
    pub in_stock: bool,
    /// Order.
    pub sort: Sort,
    /// Which page.
    pub page: PageRequest,
}

/// Raw search parameters as they arrive in a query string (all text, all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchParams {
    /// `q`
    pub q: Option<String>,
    /// `category`
    pub category: Option<String>,
    /// `brand`
    pub brand: Option<String>,
    /// `min_price` (minor units)
    pub min_price: Option<String>,
    /// `max_price` (minor units)
    pub max_price: Option<String>,
    /// `in_stock` (`true`/`false`/`1`/`0`)
    pub in_stock: Option<String>,
    /// `sort`
    pub sort: Option<String>,
    /// `page`
    pub page: Option<String>,
    /// `per_page`
    pub per_page: Option<String>,
}

fn present(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn price(field: &'static str, raw: &Option<String>) -> Result<Option<i64>, FieldError> {
    let Some(s) = present(raw) else { return Ok(None) };
    let value: i64 =
        s.parse().map_err(|_| FieldError::new(field, format!("expected a whole number of cents, got `{s}`")))?;
    if value < 0 {
        return Err(FieldError::new(field, "must not be negative"));
    }
    Ok(Some(value))
}

fn whole(field: &'static str, raw: &Option<String>) -> Result<Option<u32>, FieldError> {
    let Some(s) = present(raw) else { return Ok(None) };
    s.parse().map(Some).map_err(|_| FieldError::new(field, format!("expected a whole number, got `{s}`")))
}

impl SearchParams {
    /// Parameters from `(name, value)` pairs; unknown names are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut p = Self::default();
        for (name, value) in pairs {
            let slot = match name {
                "q" => &mut p.q,
                "category" => &mut p.category,
                "brand" => &mut p.brand,
                "min_price" => &mut p.min_price,
                "max_price" => &mut p.max_price,
                "in_stock" => &mut p.in_stock,
                "sort" => &mut p.sort,
                "page" => &mut p.page,
                "per_page" => &mut p.per_page,
                _ => continue,
            };
            *slot = Some(value.to_string());
        }
        p
    }

    /// Validates every parameter; the error names the first one at fault.
    pub fn parse(&self) -> Result<ProductSearch, FieldError> {
        let text = present(&self.q).map(str::to_string);
        if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
            return Err(FieldError::new("q", "must be at most 200 characters"));
        }
        let category = present(&self.category)
            .map(|c| CategorySlug::parse(c).map_err(|e| FieldError::new("category", e.to_string())))
            .transpose()?;
        let brand = present(&self.brand).map(str::to_string);
        if brand.as_ref().is_some_and(|b| b.chars().count() > 100) {
            return Err(FieldError::new("brand", "must be at most 100 characters"));
        }
        let min_price = price("min_price", &self.min_price)?;
        let max_price = price("max_price", &self.max_price)?;
        if let (Some(min), Some(max)) = (min_price, max_price) {
            if min > max {
                return Err(FieldError::new("min_price", "must not be greater than max_price"));
            }
        }
        let in_stock = match present(&self.in_stock) {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => return Err(FieldError::new("in_stock", format!("expected true or false, got `{other}`"))),
        };
        let sort = match present(&self.sort) {
            None => Sort::default(),
            Some(s) => Sort::parse(s).ok_or_else(|| {
                FieldError::new(
                    "sort",
                    format!("unknown sort `{s}`; expected relevance, price_asc, price_desc, newest or best_selling"),
                )
            })?,
        };
        let page = PageRequest::parse(whole("page", &self.page)?, whole("per_page", &self.per_page)?)
            .map_err(|e| FieldError::new(e.field(), e.to_string()))?;
        Ok(ProductSearch { text, category, brand, min_price, max_price, in_stock, sort, page })
    }
}

impl ProductSearch {
    /// The search as query-string pairs (defaults left out), for shareable URLs.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(t) = &self.text {
            out.push(("q", t.clone()));
        }
        if let Some(c) = &self.category {
            out.push(("category", c.to_string()));
        }
        if let Some(b) = &self.brand {
            out.push(("brand", b.clone()));
        }
        if let Some(p) = self.min_price {
            out.push(("min_price", p.to_string()));
        }
        if let Some(p) = self.max_price {
            out.push(("max_price", p.to_string()));
        }
        if self.in_stock {
            out.push(("in_stock", "true".into()));
        }
        if self.sort != Sort::default() {
            out.push(("sort", self.sort.as_str().into()));
        }
        if self.page.page() != 1 {
            out.push(("page", self.page.page().to_string()));
        }
        if self.page.per_page() != PageRequest::DEFAULT_PER_PAGE {
            out.push(("per_page", self.page.per_page().to_string()));
        }
        out
    }
}

/// One value of a facet with how many products match it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetValue {
    /// The value to filter by (category slug or brand name).
    pub value: String,
    /// Matching products with every other filter applied.
    pub count: u64,
}

/// Counts per category and brand for the current query. Each facet applies every filter but
/// its own, so the counts say what choosing another value would give.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facets {
    /// Per category slug, largest first.
    pub categories: Vec<FacetValue>,
    /// Per brand, largest first.
    pub brands: Vec<FacetValue>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> SearchParams {
        SearchParams::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn each_bad_parameter_is_named() {
        for (pairs, field) in [
            (&[("min_price", "-1")][..], "min_price"),
            (&[("max_price", "ten")][..], "max_price"),
            (&[("min_price", "500"), ("max_price", "100")][..], "min_price"),
            (&[("per_page", "101")][..], "per_page"),
            (&[("page", "0")][..], "page"),
            (&[("sort", "cheapest")][..], "sort"),
            (&[("in_stock", "maybe")][..], "in_stock"),
            (&[("category", "a b")][..], "category"),
        ] {
            assert_eq!(params(pairs).parse().unwrap_err().field, field, "{pairs:?}");
        }
    }

    #[test]
    fn a_search_survives_its_own_url() {
        let search = params(&[
            ("q", "trail shoes"),
            ("brand", "Northwind"),
            ("min_price", "1000"),
            ("sort", "price_desc"),
            ("page", "2"),
            ("in_stock", "1"),
        ])
        .parse()
        .unwrap();
        let pairs = search.to_pairs();
        let back = SearchParams::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back.parse().unwrap(), search);
    }

    #[test]
    fn empty_parameters_mean_defaults() {
        let search = params(&[("q", "  "), ("sort", ""), ("min_price", "")]).parse().unwrap();
        assert_eq!(search, ProductSearch::default());
    }
}
