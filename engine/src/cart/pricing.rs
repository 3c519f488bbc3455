//! Totals, computed in one place in integer minor units: line subtotals, discount, shipping,
//! tax and grand total. Rounding is explicit: half away from zero, once per amount.

use model::{Currency, Money, ShippingMethod, Totals};

/// Shop-wide pricing settings (from the server's config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricingSettings {
    /// Currency every price is in.
    pub currency: Currency,
    /// Standard shipping flat rate, minor units.
    pub standard_shipping: i64,
    /// Express shipping rate, minor units (never free).
    pub express_shipping: i64,
    /// Standard shipping is free when the discounted subtotal reaches this, minor units.
    pub free_shipping_threshold: i64,
    /// Sales tax in basis points (825 = 8.25 %), applied to the discounted subtotal.
    pub tax_rate_bps: u32,
}

impl Default for PricingSettings {
    fn default() -> Self {
        Self {
            currency: Currency::USD,
            standard_shipping: 599,
            express_shipping: 1_999,
            free_shipping_threshold: 7_500,
            tax_rate_bps: 800,
        }
    }
}

/// One line as pricing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    /// Catalog price now, minor units.
    pub unit_price: i64,
    /// Units.
    pub quantity: u32,
    /// The product's category, for category-restricted codes.
    pub category: String,
}

impl PricedLine {
    /// `unit_price × quantity` (quantities are ≤ 99 and prices fit comfortably, so no overflow
    /// is possible for stored products; saturate rather than wrap all the same).
    pub fn total(&self) -> i64 {
        self.unit_price.saturating_mul(i64::from(self.quantity))
    }
}

/// What a valid discount code does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiscountEffect {
    /// Percent off the eligible lines.
    Percent {
        /// 1..=100.
        percent: u32,
        /// Only lines of this category are eligible.
        category: Option<String>,
    },
    /// A fixed amount off, at most the eligible lines' total.
    Fixed {
        /// Minor units.
        amount: i64,
        /// Only lines of this category are eligible.
        category: Option<String>,
    },
    /// Standard shipping costs nothing.
    FreeShipping,
}

/// `numerator / denominator` rounded half away from zero (both non-negative here).
pub fn div_round(numerator: i128, denominator: i128) -> i64 {
    if denominator == 0 {
        return 0;
    }
    let q = (numerator * 2 + denominator) / (denominator * 2);
    i64::try_from(q).unwrap_or(i64::MAX)
}

/// Total of the lines a code may discount.
pub fn eligible_subtotal(lines: &[PricedLine], category: Option<&str>) -> i64 {
    lines.iter().filter(|l| category.is_none_or(|c| l.category == c)).map(PricedLine::total).sum()
}

/// Totals for `lines` with an optional applied discount and a shipping method.
pub fn totals(
    lines: &[PricedLine],
    discount: Option<&DiscountEffect>,
    method: ShippingMethod,
    settings: &PricingSettings,
) -> Totals {
    let subtotal: i64 = lines.iter().map(PricedLine::total).sum();
    let discount_amount = match discount {
        Some(DiscountEffect::Percent { percent, category }) => {
            div_round(i128::from(eligible_subtotal(lines, category.as_deref())) * i128::from(*percent), 100)
        }
        Some(DiscountEffect::Fixed { amount, category }) => {
            (*amount).min(eligible_subtotal(lines, category.as_deref()))
        }
        Some(DiscountEffect::FreeShipping) | None => 0,
    }
    .clamp(0, subtotal);
    let discounted = subtotal - discount_amount;
    let shipping = match method {
        _ if lines.is_empty() => 0,
        ShippingMethod::Express => settings.express_shipping,
        ShippingMethod::Standard
            if matches!(discount, Some(DiscountEffect::FreeShipping))
                || discounted >= settings.free_shipping_threshold =>
        {
            0
        }
        ShippingMethod::Standard => settings.standard_shipping,
    };
    let tax = div_round(i128::from(discounted) * i128::from(settings.tax_rate_bps), 10_000);
    let money = |amount| Money::new(amount, settings.currency);
    Totals {
        subtotal: money(subtotal),
        discount: money(discount_amount),
        shipping: money(shipping),
        tax: money(tax),
        total: money(discounted + shipping + tax),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(unit_price: i64, quantity: u32, category: &str) -> PricedLine {
        PricedLine { unit_price, quantity, category: category.into() }
    }

    fn amounts(t: Totals) -> [i64; 5] {
        [t.subtotal.amount, t.discount.amount, t.shipping.amount, t.tax.amount, t.total.amount]
    }

    const S: PricingSettings = PricingSettings {
        currency: Currency::USD,
        standard_shipping: 599,
        express_shipping: 1_999,
        free_shipping_threshold: 5_000,
        tax_rate_bps: 800,
    };

    #[test]
    fn a_small_cart_pays_flat_shipping_and_tax_on_goods() {
        let t = totals(&[line(1_250, 2, "coffee")], None, ShippingMethod::Standard, &S);
        assert_eq!(amounts(t), [2_500, 0, 599, 200, 3_299]);
    }

    #[test]
    fn shipping_is_free_from_the_threshold_but_express_is_always_charged() {
        let lines = [line(5_000, 1, "coffee")];
        assert_eq!(amounts(totals(&lines, None, ShippingMethod::Standard, &S)), [5_000, 0, 0, 400, 5_400]);
        assert_eq!(amounts(totals(&lines, None, ShippingMethod::Express, &S)), [5_000, 0, 1_999, 400, 7_399]);
    }

    #[test]
    fn the_threshold_applies_after_the_discount() {
        let pct = DiscountEffect::Percent { percent: 10, category: None };
        let t = totals(&[line(5_000, 1, "coffee")], Some(&pct), ShippingMethod::Standard, &S);
        assert_eq!(amounts(t), [5_000, 500, 599, 360, 5_459]);
    }

    #[test]
    fn percentages_round_half_away_from_zero_once() {
        // 15 % of 1,999 = 299.85 -> 300; tax 8 % of 1,699 = 135.92 -> 136.
        let pct = DiscountEffect::Percent { percent: 15, category: None };
        let t = totals(&[line(1_999, 1, "coffee")], Some(&pct), ShippingMethod::Standard, &S);
        assert_eq!(amounts(t), [1_999, 300, 599, 136, 2_434]);
        assert_eq!(div_round(5, 10), 1);
        assert_eq!(div_round(4, 10), 0);
    }

    #[test]
    fn a_category_code_discounts_only_its_category() {
        let pct = DiscountEffect::Percent { percent: 15, category: Some("coffee".into()) };
        let lines = [line(2_000, 1, "coffee"), line(10_000, 1, "tents")];
        assert_eq!(totals(&lines, Some(&pct), ShippingMethod::Standard, &S).discount.amount, 300);
    }

    #[test]
    fn a_fixed_amount_never_exceeds_what_it_applies_to() {
        let fixed = DiscountEffect::Fixed { amount: 2_000, category: None };
        let t = totals(&[line(1_500, 1, "coffee")], Some(&fixed), ShippingMethod::Standard, &S);
        assert_eq!(amounts(t), [1_500, 1_500, 599, 0, 599]);
    }

    #[test]
    fn free_shipping_codes_cover_standard_only() {
        let free = DiscountEffect::FreeShipping;
        let lines = [line(1_000, 1, "coffee")];
        assert_eq!(totals(&lines, Some(&free), ShippingMethod::Standard, &S).shipping.amount, 0);
        assert_eq!(totals(&lines, Some(&free), ShippingMethod::Express, &S).shipping.amount, 1_999);
    }

    #[test]
    fn an_empty_cart_costs_nothing() {
        assert_eq!(amounts(totals(&[], None, ShippingMethod::Express, &S)), [0; 5]);
    }
}
