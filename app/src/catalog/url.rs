//! The listing's state in the URL (shareable, back button works): `q`, `category`, `brand`,
//! `min_price`/`max_price` in whole dollars (what a shopper types), `in_stock`, `sort`, `page`.

use model::SearchParams;

/// The query pairs of the current listing URL, in a fixed order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingUrl {
    /// Path without the query, e.g. `/search` or `/category/coffee`.
    pub path: String,
    /// `(name, value)` pairs, empty values dropped.
    pub pairs: Vec<(String, String)>,
}

/// Parameter names a listing URL carries.
pub const NAMES: [&str; 8] = ["q", "category", "brand", "min_price", "max_price", "in_stock", "sort", "page"];

impl ListingUrl {
    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// This URL with `name` set to `value` (or removed when `None`), back on page 1.
    pub fn with(&self, name: &str, value: Option<&str>) -> String {
        let mut pairs: Vec<(String, String)> =
            self.pairs.iter().filter(|(k, _)| k != name && k != "page").cloned().collect();
        if let Some(v) = value {
            pairs.push((name.to_string(), v.to_string()));
        }
        Self::render(&self.path, &pairs)
    }

    /// This URL on page `page`.
    pub fn page(&self, page: u64) -> String {
        let mut pairs: Vec<(String, String)> = self.pairs.iter().filter(|(k, _)| k != "page").cloned().collect();
        if page > 1 {
            pairs.push(("page".into(), page.to_string()));
        }
        Self::render(&self.path, &pairs)
    }

    fn render(path: &str, pairs: &[(String, String)]) -> String {
        if pairs.is_empty() {
            return path.to_string();
        }
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        format!("{path}?{}", query.join("&"))
    }

    /// The API search these parameters ask for (dollars become cents; a value that is not a
    /// number is passed on as typed, so the server's error names it).
    pub fn to_search(&self, category: Option<String>) -> SearchParams {
        let get = |name: &str| self.get(name).map(str::to_string);
        let cents = |name: &str| self.get(name).map(|d| dollars_to_cents(d).unwrap_or_else(|| d.to_string()));
        SearchParams {
            q: get("q"),
            category: category.or_else(|| get("category")),
            brand: get("brand"),
            min_price: cents("min_price"),
            max_price: cents("max_price"),
            in_stock: get("in_stock").map(|v| if v == "on" { "true".into() } else { v }),
            sort: get("sort"),
            page: get("page"),
            per_page: None,
        }
    }
}

/// `"20"` or `"19.99"` dollars as cents; `None` for anything else.
pub fn dollars_to_cents(text: &str) -> Option<String> {
    model::parse_major_units(text).map(|cents| cents.to_string())
}

/// Percent-encodes a query value.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_become_cents_exactly() {
        assert_eq!(dollars_to_cents("20").as_deref(), Some("2000"));
        assert_eq!(dollars_to_cents("$19.9").as_deref(), Some("1990"));
        assert_eq!(dollars_to_cents("0.05").as_deref(), Some("5"));
        assert_eq!(dollars_to_cents("-3").as_deref(), Some("-300"));
        assert_eq!(dollars_to_cents("ten"), None);
        assert_eq!(dollars_to_cents("1.999"), None);
    }

    #[test]
    fn changing_a_filter_goes_back_to_page_one_and_keeps_the_rest() {
        let url = ListingUrl {
            path: "/search".into(),
            pairs: vec![("q".into(), "trail shoes".into()), ("page".into(), "3".into())],
        };
        assert_eq!(url.with("brand", Some("Northwind")), "/search?q=trail+shoes&brand=Northwind");
        assert_eq!(url.page(2), "/search?q=trail+shoes&page=2");
        assert_eq!(url.page(1), "/search?q=trail+shoes");
    }
}
