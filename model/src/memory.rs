//! What the shop remembers about a shopper, as they see and edit it, and recommendations with
//! their reasons. Amounts are cents.

use crate::catalog::Product;
use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Explicit preferences, as stated in the UI or to the assistant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// Size per category slug (`*` for any category), e.g. `{"running-shoes": "10"}`.
    #[serde(default)]
    pub sizes: BTreeMap<String, String>,
    /// Budget per category slug (`*` for any), in cents.
    #[serde(default)]
    pub budgets: BTreeMap<String, i64>,
    /// Favourite brands.
    #[serde(default)]
    pub brands_liked: Vec<String>,
    /// Brands never to show.
    #[serde(default)]
    pub brands_avoided: Vec<String>,
    /// Favourite colors.
    #[serde(default)]
    pub colors_liked: Vec<String>,
    /// Colors never to show.
    #[serde(default)]
    pub colors_avoided: Vec<String>,
    /// Materials or diets to avoid, e.g. `leather`, `gluten`.
    #[serde(default)]
    pub avoid: Vec<String>,
}

/// Longest preference key or value.
pub const MAX_PREFERENCE: usize = 60;

fn word(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if v.chars().count() > MAX_PREFERENCE {
        return Err(FieldError::new(field, format!("must be at most {MAX_PREFERENCE} characters")));
    }
    if v.chars().any(char::is_control) {
        return Err(FieldError::new(field, "must not contain control characters"));
    }
    Ok(v.to_string())
}

fn words(field: &str, values: &[String]) -> Result<Vec<String>, FieldError> {
    if values.len() > 50 {
        return Err(FieldError::new(field, "at most 50 entries"));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let w = word(&format!("{field}[{i}]"), v)?;
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&w)) {
            out.push(w);
        }
    }
    Ok(out)
}

impl Preferences {
    /// Checks every entry (lengths, non-negative budgets, nothing both liked and avoided);
    /// returns the cleaned preferences (trimmed, colors and avoid-words lower case, no duplicates).
    pub fn parse(self) -> Result<Self, FieldError> {
        let mut sizes = BTreeMap::new();
        for (category, size) in &self.sizes {
            let c = word("sizes", category)?.to_lowercase();
            sizes.insert(c.clone(), word(&format!("sizes.{c}"), size)?);
        }
        let mut budgets = BTreeMap::new();
        for (category, cents) in &self.budgets {
            let c = word("budgets", category)?.to_lowercase();
            if *cents < 0 {
                return Err(FieldError::new(&format!("budgets.{c}"), "must not be negative"));
            }
            budgets.insert(c, *cents);
        }
        let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
        let parsed = Self {
            sizes,
            budgets,
            brands_liked: words("brands_liked", &self.brands_liked)?,
            brands_avoided: words("brands_avoided", &self.brands_avoided)?,
            colors_liked: lower(words("colors_liked", &self.colors_liked)?),
            colors_avoided: lower(words("colors_avoided", &self.colors_avoided)?),
            avoid: lower(words("avoid", &self.avoid)?),
        };
        if let Some(b) =
            parsed.brands_liked.iter().find(|b| parsed.brands_avoided.iter().any(|a| a.eq_ignore_ascii_case(b)))
        {
            return Err(FieldError::new("brands_avoided", format!("{b} is also in brands_liked")));
        }
        if let Some(c) = parsed.colors_liked.iter().find(|c| parsed.colors_avoided.contains(c)) {
            return Err(FieldError::new("colors_avoided", format!("{c} is also in colors_liked")));
        }
        Ok(parsed)
    }

    /// Nothing stated.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The preferences form of the "What we remember" page: comma-separated lists; sizes and
/// budgets as `category: value` (a value alone applies to every category), budgets in dollars.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreferencesForm {
    /// e.g. `running-shoes: 10, M`.
    pub sizes: String,
    /// e.g. `jackets: 200, 80`.
    pub budgets: String,
    /// Comma-separated.
    pub brands_liked: String,
    /// Comma-separated.
    pub brands_avoided: String,
    /// Comma-separated.
    pub colors_liked: String,
    /// Comma-separated.
    pub colors_avoided: String,
    /// Comma-separated.
    pub avoid: String,
}

fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn pairs(field: &str, text: &str) -> Result<Vec<(String, String)>, FieldError> {
    list(text)
        .into_iter()
        .map(|item| match item.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => {
                Ok((k.trim().to_lowercase().replace(' ', "-"), v.trim().to_string()))
            }
            Some(_) => Err(FieldError::new(field, format!("“{item}” needs a category and a value"))),
            None => Ok(("*".to_string(), item)),
        })
        .collect()
}

impl PreferencesForm {
    /// The preferences the form states, checked like [`Preferences::parse`].
    pub fn parse(&self) -> Result<Preferences, FieldError> {
        let mut budgets = BTreeMap::new();
        for (category, amount) in pairs("budgets", &self.budgets)? {
            let cents = crate::money::parse_major_units(amount.trim_start_matches('$'))
                .ok_or_else(|| FieldError::new("budgets", format!("“{amount}” is not an amount like 80 or 79.99")))?;
            budgets.insert(category, cents);
        }
        Preferences {
            sizes: pairs("sizes", &self.sizes)?.into_iter().collect(),
            budgets,
            brands_liked: list(&self.brands_liked),
            brands_avoided: list(&self.brands_avoided),
            colors_liked: list(&self.colors_liked),
            colors_avoided: list(&self.colors_avoided),
            avoid: list(&self.avoid),
        }
        .parse()
    }
}

/// What kind of thing a [`MemoryItem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MemoryKind {
    /// Something the shopper stated (a size, a budget, a brand to avoid).
    Preference,
    /// A learned leaning toward a product, category or brand.
    Affinity,
    /// One recorded event (a view, a search, a purchase).
    Signal,
}

/// One remembered thing with the id to delete it by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemoryItem {
    /// For `DELETE /v1/memory/{id}`.
    pub id: String,
    /// `preference`, `affinity` or `signal`.
    pub kind: MemoryKind,
    /// What it is, in words ("Size 10 in Running shoes", "Likes Patagonia").
    pub label: String,
    /// Why the shop holds it ("you said so", "3 purchases, 5 views").
    pub reason: String,
    /// Affinity strength now (after decay); signals: their weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// When (RFC 3339).
    pub at: String,
}

/// Everything remembered about the shopper (named `Memory` in the API document; the engine's
/// memory service is `engine::memory::Memory`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Memory))]
pub struct Remembered {
    /// Stated preferences.
    pub preferences: Preferences,
    /// The same, one item each (to delete one).
    pub preference_items: Vec<MemoryItem>,
    /// Strongest affinities first.
    pub affinities: Vec<MemoryItem>,
    /// Latest signals first (the export has all of them).
    pub history: Vec<MemoryItem>,
}

/// A recommended product and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    /// The product.
    pub product: Product,
    /// e.g. "Because you bought Trail Runner 2", "Popular in Coffee".
    pub reason: String,
}

/// `GET /v1/recommendations`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendations {
    /// Best first.
    pub items: Vec<Recommendation>,
}

/// Where recommendations are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecommendationContext {
    /// The home page.
    Home,
    /// A product page: similar and bought-together items.
    Product(String),
    /// The cart: what goes with it.
    Cart,
}

impl RecommendationContext {
    /// `home`, `cart` or `product:{id}`.
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
        match raw.map(str::trim).unwrap_or("home") {
            "" | "home" => Ok(Self::Home),
            "cart" => Ok(Self::Cart),
            other => match other.strip_prefix("product:") {
                Some(id) if !id.is_empty() && id.len() <= 120 => Ok(Self::Product(id.to_string())),
                _ => Err(FieldError::new("context", "must be home, cart or product:{id}")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_are_cleaned_and_contradictions_refused() {
        let p = Preferences {
            sizes: BTreeMap::from([("Running-Shoes".into(), " 10 ".into())]),
            colors_liked: vec!["Red".into(), "red".into()],
            ..Preferences::default()
        }
        .parse()
        .unwrap();
        assert_eq!(p.sizes.get("running-shoes").map(String::as_str), Some("10"));
        assert_eq!(p.colors_liked, vec!["red"]);
        let both = Preferences {
            brands_liked: vec!["Acme".into()],
            brands_avoided: vec!["acme".into()],
            ..Preferences::default()
        };
        assert_eq!(both.parse().unwrap_err().field, "brands_avoided");
        let negative = Preferences { budgets: BTreeMap::from([("*".into(), -1)]), ..Preferences::default() };
        assert_eq!(negative.parse().unwrap_err().field, "budgets.*");
        let long = Preferences { avoid: vec!["x".repeat(61)], ..Preferences::default() };
        assert_eq!(long.parse().unwrap_err().field, "avoid[0]");
    }

    #[test]
    fn the_form_reads_lists_and_category_pairs() {
        let form = PreferencesForm {
            sizes: "running-shoes: 10, M".into(),
            budgets: "jackets: $200, 80.50".into(),
            avoid: " leather ,, wool ".into(),
            ..PreferencesForm::default()
        };
        let p = form.parse().unwrap();
        assert_eq!(p.sizes.get("running-shoes").map(String::as_str), Some("10"));
        assert_eq!(p.sizes.get("*").map(String::as_str), Some("M"));
        assert_eq!((p.budgets.get("jackets"), p.budgets.get("*")), (Some(&20000), Some(&8050)));
        assert_eq!(p.avoid, vec!["leather", "wool"]);
        let bad = PreferencesForm { budgets: "jackets: lots".into(), ..PreferencesForm::default() };
        assert_eq!(bad.parse().unwrap_err().field, "budgets");
        let bad = PreferencesForm { sizes: ": 10".into(), ..PreferencesForm::default() };
        assert_eq!(bad.parse().unwrap_err().field, "sizes");
    }

    #[test]
    fn a_context_is_home_cart_or_a_product() {
        assert_eq!(RecommendationContext::parse(None), Ok(RecommendationContext::Home));
        assert_eq!(RecommendationContext::parse(Some("cart")), Ok(RecommendationContext::Cart));
        assert_eq!(RecommendationContext::parse(Some("product:p1")), Ok(RecommendationContext::Product("p1".into())));
        assert_eq!(RecommendationContext::parse(Some("product:")).unwrap_err().field, "context");
        assert_eq!(RecommendationContext::parse(Some("garden")).unwrap_err().field, "context");
    }
}
