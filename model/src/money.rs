//! Money as integer minor units with an ISO 4217 currency: never floats.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The currencies the shop prices in. Each knows its minor-unit exponent and symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Currency {
    /// US dollar, 2 decimals.
    USD,
    /// Euro, 2 decimals.
    EUR,
    /// Pound sterling, 2 decimals.
    GBP,
    /// Japanese yen, no minor unit.
    JPY,
}

impl Currency {
    /// Parses an ISO 4217 code (case-insensitive, surrounding spaces ignored).
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        match code.trim().to_ascii_uppercase().as_str() {
            "USD" => Ok(Self::USD),
            "EUR" => Ok(Self::EUR),
            "GBP" => Ok(Self::GBP),
            "JPY" => Ok(Self::JPY),
            _ => Err(MoneyError::UnknownCurrency(code.trim().to_string())),
        }
    }

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::USD => "USD",
            Self::EUR => "EUR",
            Self::GBP => "GBP",
            Self::JPY => "JPY",
        }
    }

    /// Number of decimal digits of the minor unit (cents: 2).
    pub fn exponent(self) -> u32 {
        match self {
            Self::JPY => 0,
            _ => 2,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Self::USD => "$",
            Self::EUR => "€",
            Self::GBP => "£",
            Self::JPY => "¥",
        }
    }
}

/// Why a money value could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The currency code is not one the shop prices in.
    #[error("unknown currency `{0}`; expected one of USD, EUR, GBP, JPY")]
    UnknownCurrency(String),
    /// Amounts in different currencies were combined.
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(&'static str, &'static str),
    /// The amount does not fit in 64 bits of minor units.
    #[error("amount out of range")]
    Overflow,
    /// A price must not be negative.
    #[error("amount must not be negative")]
    Negative,
}

/// An amount in integer minor units (cents) of one currency.
///
/// Serialized as `{"amount": 12999, "currency": "USD"}`, the shape every channel relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// Minor units (cents for USD).
    pub amount: i64,
    /// ISO 4217 currency code.
    pub currency: Currency,
}

impl Money {
    /// Money from minor units.
    pub const fn new(amount: i64, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }

    /// A price: minor units that must not be negative.
    pub fn price(amount: i64, currency: Currency) -> Result<Self, MoneyError> {
        if amount < 0 {
            return Err(MoneyError::Negative);
        }
        Ok(Self::new(amount, currency))
    }

    /// Sum of two amounts of the same currency.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self.amount.checked_add(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// This amount times a whole quantity.
    pub fn checked_mul(self, quantity: i64) -> Result<Money, MoneyError> {
        let amount = self.amount.checked_mul(quantity).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency.code(), other.currency.code()))
        }
    }
}

/// An amount written in major units of a two-decimal currency (`19.99`, `$20`, `€5`, `-3`) as
/// minor units; `None` for anything that is not such a number. For what people type, not for
/// stored prices (those are minor units already).
pub fn parse_major_units(text: &str) -> Option<i64> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let t = t.trim_start_matches(['$', '€', '£']).trim_end_matches('€');
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || frac.len() > 2 || !digits(whole) || !digits(frac) {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    let amount = whole.checked_mul(100)?.checked_add(frac)?;
    Some(if negative { -amount } else { amount })
}

/// Human form for pages and messages: `$1,299.99`, `-€5.00`, `¥1,200`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = self.currency.exponent();
        let sign = if self.amount < 0 { "-" } else { "" };
        let abs = self.amount.unsigned_abs();
        let scale = 10u64.pow(exp);
        let (whole, frac) = (abs / scale, abs % scale);
        let digits = whole.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "{sign}{}{grouped}", self.currency.symbol())?;
        if exp > 0 {
            write!(f, ".{frac:0width$}", width = exp as usize)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_serializes_as_minor_units_and_code() {
        let json = serde_json::to_string(&Money::new(12999, Currency::USD)).unwrap();
        assert_eq!(json, r#"{"amount":12999,"currency":"USD"}"#);
    }

    #[test]
    fn display_groups_thousands_and_pads_cents() {
        assert_eq!(Money::new(129_999, Currency::USD).to_string(), "$1,299.99");
        assert_eq!(Money::new(5, Currency::EUR).to_string(), "€0.05");
        assert_eq!(Money::new(-500, Currency::GBP).to_string(), "-£5.00");
        assert_eq!(Money::new(1200, Currency::JPY).to_string(), "¥1,200");
        assert_eq!(Money::new(100_000_000, Currency::USD).to_string(), "$1,000,000.00");
    }

    #[test]
    fn adding_different_currencies_is_an_error() {
        let err = Money::new(1, Currency::USD).checked_add(Money::new(1, Currency::EUR));
        assert_eq!(err, Err(MoneyError::CurrencyMismatch("USD", "EUR")));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        assert_eq!(Money::new(i64::MAX, Currency::USD).checked_mul(2), Err(MoneyError::Overflow));
        let sum = Money::new(i64::MAX, Currency::USD).checked_add(Money::new(1, Currency::USD));
        assert_eq!(sum, Err(MoneyError::Overflow));
    }

    #[test]
    fn currency_parse_is_case_insensitive_and_rejects_unknown_codes() {
        assert_eq!(Currency::parse(" usd "), Ok(Currency::USD));
        assert!(matches!(Currency::parse("XYZ"), Err(MoneyError::UnknownCurrency(c)) if c == "XYZ"));
    }

    #[test]
    fn typed_amounts_become_minor_units_exactly() {
        assert_eq!(parse_major_units("20"), Some(2000));
        assert_eq!(parse_major_units("$19.9"), Some(1990));
        assert_eq!(parse_major_units("0.05"), Some(5));
        assert_eq!(parse_major_units("-3.50"), Some(-350));
        assert_eq!(parse_major_units("€5"), Some(500));
        for bad in ["ten", "1.999", "", "$", "1.x", "1e3"] {
            assert_eq!(parse_major_units(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_price_cannot_be_negative() {
        assert_eq!(Money::price(-1, Currency::USD), Err(MoneyError::Negative));
        assert_eq!(Money::price(0, Currency::USD), Ok(Money::zero(Currency::USD)));
    }
}
