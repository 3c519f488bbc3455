//! The shop's terms as its texts quote them: shipping rates, the free-shipping threshold, the tax
//! rate, the return window, the cards the payment provider takes and the countries checkout
//! ships to. Policy and FAQ texts hold `{placeholders}` filled from here when shown, and checkout
//! enforces the same countries, so a promise and the checkout never disagree.

use crate::cart::pricing::PricingSettings;
use model::Money;

/// The promises every page's footer makes.
pub const FOOTER: &str =
    "Free standard shipping from {free_shipping_from} · {return_days}-day returns · 1-year warranty on everything";

/// The EU's members, the UK, the US and Canada: the default shipping countries.
pub const DEFAULT_COUNTRIES: &[&str] = &[
    "US", "CA", "GB", "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// What the shop promises beyond pricing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// Days after delivery an unused item can be returned (`RETURN_WINDOW_DAYS`).
    pub return_window_days: u32,
    /// ISO 3166-1 alpha-2 codes checkout ships to (`SHIP_TO_COUNTRIES`), upper case.
    pub countries: Vec<String>,
}

impl Default for Terms {
    fn default() -> Self {
        Self { return_window_days: 30, countries: DEFAULT_COUNTRIES.iter().map(|c| (*c).to_string()).collect() }
    }
}

impl Terms {
    /// True when checkout ships to `country` (an upper-case code).
    pub fn ships_to(&self, country: &str) -> bool {
        self.countries.iter().any(|c| c == country)
    }
}

/// Everything a shop text may quote, gathered from the settings checkout uses.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// Shipping and tax.
    pub pricing: &'a PricingSettings,
    /// Returns and countries.
    pub terms: &'a Terms,
    /// The card brands the payment provider accepts.
    pub cards: &'a [&'static str],
}

impl Facts<'_> {
    /// `template` with each `{placeholder}` filled in; an unknown one is left as it is.
    pub fn render(&self, template: &str) -> String {
        let money = |amount| Money::new(amount, self.pricing.currency).to_string();
        let bps = self.pricing.tax_rate_bps;
        let tax = if bps.is_multiple_of(100) {
            format!("{} %", bps / 100)
        } else {
            format!("{}.{:02} %", bps / 100, bps % 100)
        };
        let pairs = [
            ("{standard_shipping}", money(self.pricing.standard_shipping)),
            ("{express_shipping}", money(self.pricing.express_shipping)),
            ("{free_shipping_from}", money(self.pricing.free_shipping_threshold)),
            ("{tax_rate}", tax),
            ("{return_days}", self.terms.return_window_days.to_string()),
            ("{cards}", list(self.cards.iter().map(|c| (*c).to_string()).collect())),
            ("{countries}", list(self.terms.countries.iter().map(|c| country_name(c)).collect())),
        ];
        let mut out = template.to_string();
        for (placeholder, value) in pairs {
            out = out.replace(placeholder, &value);
        }
        out
    }
}

/// `a, b and c`.
fn list(items: Vec<String>) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The English name of a country code the shop ships to by default, else the code itself.
fn country_name(code: &str) -> String {
    let name = match code {
        "US" => "the United States",
        "CA" => "Canada",
        "GB" => "the United Kingdom",
        "AT" => "Austria",
        "BE" => "Belgium",
        "BG" => "Bulgaria",
        "HR" => "Croatia",
        "CY" => "Cyprus",
        "CZ" => "Czechia",
        "DK" => "Denmark",
        "EE" => "Estonia",
        "FI" => "Finland",
        "FR" => "France",
        "DE" => "Germany",
        "GR" => "Greece",
        "HU" => "Hungary",
        "IE" => "Ireland",
        "IT" => "Italy",
        "LV" => "Latvia",
        "LT" => "Lithuania",
        "LU" => "Luxembourg",
        "MT" => "Malta",
        "NL" => "the Netherlands",
        "PL" => "Poland",
        "PT" => "Portugal",
        "RO" => "Romania",
        "SK" => "Slovakia",
        "SI" => "Slovenia",
        "ES" => "Spain",
        "SE" => "Sweden",
        other => other,
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_from_the_settings() {
        let pricing = PricingSettings { express_shipping: 1999, tax_rate_bps: 825, ..PricingSettings::default() };
        let terms = Terms { return_window_days: 14, countries: vec!["US".into(), "CA".into()] };
        let facts = Facts { pricing: &pricing, terms: &terms, cards: &["Visa", "Mastercard"] };
        let text = facts.render("{express_shipping}; {tax_rate}; {return_days} days; {cards}; {countries}; {other}");
        assert_eq!(text, "$19.99; 8.25 %; 14 days; Visa and Mastercard; the United States and Canada; {other}");
    }
}
