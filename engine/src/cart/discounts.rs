//! Discount codes: the stored rule and the one function that decides whether a code applies to
//! a cart now, and if not, why (expired, below minimum, used up, not applicable ...).

use super::pricing::{eligible_subtotal, DiscountEffect, PricedLine};
use crate::store::tx::Tx;
use model::{Currency, DiscountRejection, Money};
use surrealdb::types::SurrealValue;

/// Projection matching [`DiscountRow`].
pub(crate) const DISCOUNT_FIELDS: &str = "code, kind, percent_off, amount_off, min_subtotal, \
     (IF starts_at = NONE THEN NONE ELSE time::unix(starts_at) END) AS starts_at, \
     (IF ends_at = NONE THEN NONE ELSE time::unix(ends_at) END) AS ends_at, \
     usage_limit, used_count, once_per_customer, category";

/// A discount code as stored (times as unix seconds).
#[derive(Debug, Clone, SurrealValue)]
pub struct DiscountRow {
    /// Upper-case code.
    pub code: String,
    /// `percent`, `fixed` or `free_shipping`.
    pub kind: String,
    /// For `percent`.
    pub percent_off: Option<i64>,
    /// For `fixed`, minor units.
    pub amount_off: Option<i64>,
    /// Minimum subtotal, minor units.
    pub min_subtotal: i64,
    /// Valid from.
    pub starts_at: Option<i64>,
    /// Valid until.
    pub ends_at: Option<i64>,
    /// Total redemptions allowed.
    pub usage_limit: Option<i64>,
    /// Redemptions so far.
    pub used_count: i64,
    /// One redemption per customer.
    pub once_per_customer: bool,
    /// Only this category's products are eligible.
    pub category: Option<String>,
}

/// Normalizes what a shopper typed into the stored form of a code.
pub fn normalize_code(raw: &str) -> String {
    raw.trim().to_ascii_uppercase()
}

/// An email as one customer: trimmed, lower case, and without a `+tag` in its local part, so
/// `Ann+promo@Example.com ` and `ann@example.com` are one customer.
pub fn customer_email(email: &str) -> String {
    let email = email.trim().to_lowercase();
    match email.split_once('@') {
        Some((local, domain)) => format!("{}@{domain}", local.split('+').next().unwrap_or(local)),
        None => email,
    }
}

/// Who redeemed a once-per-customer code, as its redemptions are keyed: a member by their
/// account (so changing the address changes nothing) and by their address (so a guest checkout
/// with it counts too), a guest by their address.
pub fn customer_keys(user_id: Option<&str>, email: &str) -> Vec<String> {
    let mut keys: Vec<String> = user_id.map(|u| crate::shopper::Shopper::member(u).scope()).into_iter().collect();
    if !email.trim().is_empty() {
        keys.push(format!("email:{}", customer_email(email)));
    }
    keys
}

/// What a refused redemption throws.
const USED_UP: &str = "discount:used_up";

/// Redeems `code` as a step of the order's transaction: one use more, refused ([`used_up`])
/// when a racing order took the last one; a once-per-customer
/// code records the customer under each of their keys.
pub(crate) fn redeem(tx: &mut Tx, code: &str, user_id: Option<&str>, email: &str, order_id: &str) {
    tx.push(
        "LET $redeemed = (UPDATE type::record('discount', $code) SET used_count += 1
             WHERE usage_limit = NONE OR used_count < usage_limit RETURN once_per_customer);
         IF array::len($redeemed) = 0 { THROW $used_up };
         IF $redeemed[0].once_per_customer {
             FOR $customer IN $customer_keys {
                 CREATE discount_redemption SET code = $code, customer = $customer, order_id = $redeemed_by;
             };
         };",
    )
    .bind("code", code.to_string())
    .bind("customer_keys", customer_keys(user_id, email))
    .bind("redeemed_by", order_id.to_string())
    .bind("used_up", USED_UP);
}

/// True when a [`redeem`] was refused because the code's last use was taken.
pub(crate) fn used_up(failure: &crate::store::failure::Failure) -> bool {
    matches!(failure, crate::store::failure::Failure::Thrown(text) if text == USED_UP)
}

/// Whether `code` applies to `lines` at `now` (unix seconds); `used_by_customer` says whether
/// this customer already redeemed it. The checks run in the order a shopper can act on.
pub fn check(
    code: &DiscountRow,
    lines: &[PricedLine],
    now: i64,
    used_by_customer: bool,
    currency: Currency,
) -> Result<DiscountEffect, DiscountRejection> {
    if code.starts_at.is_some_and(|t| now < t) {
        return Err(DiscountRejection::NotYetValid);
    }
    if code.ends_at.is_some_and(|t| now >= t) {
        return Err(DiscountRejection::Expired);
    }
    if code.usage_limit.is_some_and(|limit| code.used_count >= limit) {
        return Err(DiscountRejection::UsedUp);
    }
    if code.once_per_customer && used_by_customer {
        return Err(DiscountRejection::AlreadyUsed);
    }
    if lines.is_empty() || eligible_subtotal(lines, code.category.as_deref()) == 0 {
        return Err(DiscountRejection::NotApplicable);
    }
    let subtotal: i64 = lines.iter().map(PricedLine::total).sum();
    if subtotal < code.min_subtotal {
        return Err(DiscountRejection::BelowMinimum { minimum: Money::new(code.min_subtotal, currency) });
    }
    let percent = code.percent_off.and_then(|p| u32::try_from(p).ok());
    match (code.kind.as_str(), percent, code.amount_off) {
        ("percent", Some(percent), _) => Ok(DiscountEffect::Percent { percent, category: code.category.clone() }),
        ("fixed", _, Some(amount)) => Ok(DiscountEffect::Fixed { amount, category: code.category.clone() }),
        ("free_shipping", _, _) => Ok(DiscountEffect::FreeShipping),
        // The schema's asserts make this unreachable; refuse rather than guess an amount.
        _ => Err(DiscountRejection::NotApplicable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn code(kind: &str) -> DiscountRow {
        DiscountRow {
            code: "TEST".into(),
            kind: kind.into(),
            percent_off: Some(10),
            amount_off: Some(500),
            min_subtotal: 0,
            starts_at: None,
            ends_at: None,
            usage_limit: None,
            used_count: 0,
            once_per_customer: false,
            category: None,
        }
    }

    fn cart(category: &str, unit_price: i64) -> Vec<PricedLine> {
        vec![PricedLine { unit_price, quantity: 1, category: category.into() }]
    }

    fn verdict(row: &DiscountRow, lines: &[PricedLine], used: bool) -> Result<DiscountEffect, DiscountRejection> {
        check(row, lines, NOW, used, Currency::USD)
    }

    #[test]
    fn each_kind_has_its_effect() {
        let lines = cart("coffee", 2_000);
        assert_eq!(
            verdict(&code("percent"), &lines, false),
            Ok(DiscountEffect::Percent { percent: 10, category: None })
        );
        assert_eq!(verdict(&code("fixed"), &lines, false), Ok(DiscountEffect::Fixed { amount: 500, category: None }));
        assert_eq!(verdict(&code("free_shipping"), &lines, false), Ok(DiscountEffect::FreeShipping));
    }

    #[test]
    fn the_validity_window_is_enforced_at_both_ends() {
        let lines = cart("coffee", 2_000);
        let early = DiscountRow { starts_at: Some(NOW + 1), ..code("percent") };
        let late = DiscountRow { ends_at: Some(NOW), ..code("percent") };
        let inside = DiscountRow { starts_at: Some(NOW), ends_at: Some(NOW + 1), ..code("percent") };
        assert_eq!(verdict(&early, &lines, false), Err(DiscountRejection::NotYetValid));
        assert_eq!(verdict(&late, &lines, false), Err(DiscountRejection::Expired));
        assert!(verdict(&inside, &lines, false).is_ok());
    }

    #[test]
    fn a_minimum_subtotal_names_the_minimum() {
        let row = DiscountRow { min_subtotal: 15_000, ..code("fixed") };
        assert_eq!(
            verdict(&row, &cart("coffee", 14_999), false),
            Err(DiscountRejection::BelowMinimum { minimum: Money::new(15_000, Currency::USD) })
        );
        assert!(verdict(&row, &cart("coffee", 15_000), false).is_ok());
    }

    #[test]
    fn one_customer_whatever_the_case_spaces_or_plus_tag() {
        assert_eq!(customer_email(" Ann+Promo@Example.COM "), "ann@example.com");
        assert_eq!(customer_keys(Some("u1"), "A+b@x.test"), vec!["user:u1", "email:a@x.test"]);
        assert_eq!(customer_keys(None, "a@x.test"), vec!["email:a@x.test"]);
    }

    #[test]
    fn usage_limits_total_and_per_customer() {
        let lines = cart("coffee", 2_000);
        let used_up = DiscountRow { usage_limit: Some(100), used_count: 100, ..code("percent") };
        let once = DiscountRow { once_per_customer: true, ..code("percent") };
        assert_eq!(verdict(&used_up, &lines, false), Err(DiscountRejection::UsedUp));
        assert_eq!(verdict(&once, &lines, true), Err(DiscountRejection::AlreadyUsed));
        assert!(verdict(&once, &lines, false).is_ok());
    }

    #[test]
    fn a_category_code_needs_an_eligible_line_and_an_empty_cart_gets_nothing() {
        let row = DiscountRow { category: Some("coffee".into()), ..code("percent") };
        assert_eq!(verdict(&row, &cart("tents", 2_000), false), Err(DiscountRejection::NotApplicable));
        assert!(verdict(&row, &cart("coffee", 2_000), false).is_ok());
        assert_eq!(verdict(&code("percent"), &[], false), Err(DiscountRejection::NotApplicable));
    }

    #[test]
    fn codes_are_matched_case_insensitively() {
        assert_eq!(normalize_code("  welcome10 "), "WELCOME10");
    }
}
