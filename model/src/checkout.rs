//! Checkout input: the wire request every channel sends and its validation into typed details,
//! each failure naming the field (`shipping_address.postal_code`, `payment.card_number` ...).

use crate::identity::Email;
use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `POST /v1/checkout` body as sent. Every field defaults, so a missing one is reported by
/// name by [`CheckoutRequest::parse`] rather than as a JSON error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutRequest {
    /// Contact email: required for guests, ignored for signed-in users (their account's is used).
    pub email: Option<String>,
    /// Where to ship.
    pub shipping_address: AddressInput,
    /// `standard` or `express`.
    pub shipping_method: String,
    /// How to pay.
    pub payment: PaymentInput,
}

/// A postal address as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddressInput {
    /// Recipient.
    pub name: String,
    /// Street and number.
    pub line1: String,
    /// Apartment, suite ...
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State, province or region.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code, e.g. `US`.
    pub country: String,
}

/// Payment as sent. Only cards for now.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentInput {
    /// `card`.
    pub method: String,
    /// Card number; spaces and dashes are ignored.
    pub card_number: String,
    /// 1 to 12.
    pub exp_month: Option<u32>,
    /// Four digits.
    pub exp_year: Option<u32>,
    /// 3 or 4 digits.
    pub cvc: Option<String>,
}

// Card data never reaches a log through `{:?}`.
impl fmt::Debug for PaymentInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentInput").field("method", &self.method).finish_non_exhaustive()
    }
}

/// A validated address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    /// Recipient.
    pub name: String,
    /// Street and number.
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Region.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
}

/// Shipping speed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ShippingMethod {
    /// Flat rate, free above the threshold.
    #[default]
    Standard,
    /// Faster, always charged.
    Express,
}

impl ShippingMethod {
    /// Parses the wire name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "standard" => Some(Self::Standard),
            "express" => Some(Self::Express),
            _ => None,
        }
    }

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Express => "express",
        }
    }
}

/// A card that passed format checks (not yet the bank's).
#[derive(Clone, PartialEq, Eq)]
pub struct Card {
    /// Digits only.
    pub number: String,
    /// Expiry month, when given.
    pub exp_month: Option<u32>,
    /// Expiry year, when given.
    pub exp_year: Option<u32>,
}

impl Card {
    /// Last four digits, the only part ever stored or shown.
    pub fn last4(&self) -> &str {
        &self.number[self.number.len().saturating_sub(4)..]
    }
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Card(…{})", self.last4())
    }
}

/// A checkout that passed every field check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutDetails {
    /// Guest contact email (signed-in users use their account's).
    pub email: Option<Email>,
    /// Where to ship.
    pub address: Address,
    /// How fast.
    pub shipping_method: ShippingMethod,
    /// How to pay.
    pub card: Card,
}

fn required(field: &'static str, raw: &str, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(FieldError::new(field, format!("must be at most {max} characters of text")));
    }
    Ok(value.to_string())
}

fn optional(field: &'static str, raw: &Option<String>, max: usize) -> Result<Option<String>, FieldError> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => required(field, v, max).map(Some),
    }
}

/// True when `code` is an assigned ISO 3166-1 alpha-2 country code.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && COUNTRY_CODES.split(' ').any(|c| c == code)
}

fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl AddressInput {
    /// Validates the address; fields are named `shipping_address.<field>`.
    pub fn parse(&self) -> Result<Address, FieldError> {
        let country = self.country.trim().to_ascii_uppercase();
        if country.is_empty() {
            return Err(FieldError::new("shipping_address.country", "is required"));
        }
        if !is_country_code(&country) {
            return Err(FieldError::new(
                "shipping_address.country",
                format!("`{}` is not an ISO 3166-1 alpha-2 country code (e.g. US, DE)", self.country.trim()),
            ));
        }
        let postal_code = required("shipping_address.postal_code", &self.postal_code, 16)?;
        if !postal_code.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') {
            return Err(FieldError::new(
                "shipping_address.postal_code",
                "may hold only letters, digits, spaces and hyphens",
            ));
        }
        Ok(Address {
            name: required("shipping_address.name", &self.name, 100)?,
            line1: required("shipping_address.line1", &self.line1, 200)?,
            line2: optional("shipping_address.line2", &self.line2, 200)?,
            city: required("shipping_address.city", &self.city, 100)?,
            region: optional("shipping_address.region", &self.region, 100)?,
            postal_code: postal_code.to_ascii_uppercase(),
            country,
        })
    }
}

impl PaymentInput {
    /// Validates the card's format; `today` is (year, month) for the expiry check.
    pub fn parse(&self, today: (u32, u32)) -> Result<Card, FieldError> {
        match self.method.trim() {
            "card" => {}
            "" => return Err(FieldError::new("payment.method", "is required; use `card`")),
            other => return Err(FieldError::new("payment.method", format!("`{other}` is not accepted; use `card`"))),
        }
        let raw = self.card_number.trim();
        if raw.is_empty() {
            return Err(FieldError::new("payment.card_number", "is required"));
        }
        if !raw.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-') {
            return Err(FieldError::new("payment.card_number", "may hold only digits, spaces and dashes"));
        }
        let number: String = raw.chars().filter(char::is_ascii_digit).collect();
        if !(12..=19).contains(&number.len()) || !luhn_ok(&number) {
            return Err(FieldError::new("payment.card_number", "is not a valid card number"));
        }
        if let Some(m) = self.exp_month {
            if !(1..=12).contains(&m) {
                return Err(FieldError::new("payment.exp_month", "must be 1 to 12"));
            }
        }
        if let Some(y) = self.exp_year {
            if !(2000..=2100).contains(&y) {
                return Err(FieldError::new("payment.exp_year", "must be a four-digit year"));
            }
            if (y, self.exp_month.unwrap_or(12)) < today {
                return Err(FieldError::new("payment.exp_year", "the card has expired"));
            }
        }
        if let Some(cvc) = self.cvc.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            if !(3..=4).contains(&cvc.len()) || !cvc.chars().all(|c| c.is_ascii_digit()) {
                return Err(FieldError::new("payment.cvc", "must be 3 or 4 digits"));
            }
        }
        Ok(Card { number, exp_month: self.exp_month, exp_year: self.exp_year })
    }
}

impl CheckoutRequest {
    /// Validates every field; `guest` makes the email required. The error names the field.
    pub fn parse(&self, guest: bool, today: (u32, u32)) -> Result<CheckoutDetails, FieldError> {
        let email = match (guest, self.email.as_deref().map(str::trim).filter(|e| !e.is_empty())) {
            (true, None) => return Err(FieldError::new("email", "is required to check out as a guest")),
            (true, Some(e)) => Some(Email::parse(e).map_err(|err| FieldError::new("email", err.to_string()))?),
            (false, _) => None,
        };
        let address = self.shipping_address.parse()?;
        let shipping_method = match self.shipping_method.trim() {
            "" => return Err(FieldError::new("shipping_method", "is required: standard or express")),
            raw => ShippingMethod::parse(raw).ok_or_else(|| {
                FieldError::new("shipping_method", format!("`{raw}` is not a method; use standard or express"))
            })?,
        };
        let card = self.payment.parse(today)?;
        Ok(CheckoutDetails { email, address, shipping_method, card })
    }
}

/// Every assigned ISO 3166-1 alpha-2 code.
const COUNTRY_CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ \
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ \
FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM \
JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT \
MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB \
SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (u32, u32) = (2026, 11);

    fn valid() -> CheckoutRequest {
        CheckoutRequest {
            email: Some("Guest@Example.com".into()),
            shipping_address: AddressInput {
                name: "Ada Lovelace".into(),
                line1: "12 St James's Square".into(),
                line2: None,
                city: "London".into(),
                region: None,
                postal_code: "sw1y 4jh".into(),
                country: "gb".into(),
            },
            shipping_method: "standard".into(),
            payment: PaymentInput {
                method: "card".into(),
                card_number: "4242 4242 4242 4242".into(),
                exp_month: Some(12),
                exp_year: Some(2030),
                cvc: Some("123".into()),
            },
        }
    }

    #[test]
    fn a_valid_request_is_normalized() {
        let d = valid().parse(true, TODAY).unwrap();
        assert_eq!(d.email.unwrap().as_str(), "guest@example.com");
        assert_eq!(d.address.country, "GB");
        assert_eq!(d.address.postal_code, "SW1Y 4JH");
        assert_eq!(d.card.number, "4242424242424242");
        assert_eq!(format!("{:?}", d.card), "Card(…4242)");
    }

    #[test]
    fn every_bad_field_is_named() {
        type Breaker = fn(&mut CheckoutRequest);
        let cases: Vec<(Breaker, &str)> = vec![
            (|r| r.email = None, "email"),
            (|r| r.email = Some("nope".into()), "email"),
            (|r| r.shipping_address.name = " ".into(), "shipping_address.name"),
            (|r| r.shipping_address.line1 = String::new(), "shipping_address.line1"),
            (|r| r.shipping_address.city = "x".repeat(101), "shipping_address.city"),
            (|r| r.shipping_address.postal_code = "12$45".into(), "shipping_address.postal_code"),
            (|r| r.shipping_address.country = "XX".into(), "shipping_address.country"),
            (|r| r.shipping_address.country = "USA".into(), "shipping_address.country"),
            (|r| r.shipping_method = "overnight".into(), "shipping_method"),
            (|r| r.payment.method = "cash".into(), "payment.method"),
            (|r| r.payment.card_number = "4242 4242 4242 4241".into(), "payment.card_number"),
            (|r| r.payment.card_number = "4242x".into(), "payment.card_number"),
            (|r| r.payment.exp_month = Some(13), "payment.exp_month"),
            (|r| r.payment.exp_year = Some(2025), "payment.exp_year"),
            (|r| r.payment.cvc = Some("12".into()), "payment.cvc"),
        ];
        for (break_it, field) in cases {
            let mut r = valid();
            break_it(&mut r);
            assert_eq!(r.parse(true, TODAY).unwrap_err().field, field);
        }
    }

    #[test]
    fn signed_in_shoppers_need_no_email() {
        let mut r = valid();
        r.email = None;
        assert!(r.parse(false, TODAY).unwrap().email.is_none());
    }

    #[test]
    fn the_country_list_is_complete() {
        assert_eq!(COUNTRY_CODES.split(' ').count(), 249);
        assert!(is_country_code("US") && is_country_code("DE") && !is_country_code("UK"));
    }

    #[test]
    fn debug_output_never_shows_the_card_number() {
        assert!(!format!("{:?}", valid()).contains("4242"));
    }
}
