//! The cart as every channel sees it: lines priced from the catalog, an optional discount code
//! and totals computed by the engine (never by a client).

use crate::catalog::ProductId;
use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A line quantity: 1 to 99.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(u32);

/// Why a quantity was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("quantity must be a whole number from 1 to {max}", max = Quantity::MAX)]
pub struct QuantityError;

impl Quantity {
    /// Most of one product a line may hold.
    pub const MAX: u32 = 99;

    /// Parses a requested quantity.
    pub fn parse(raw: i64) -> Result<Self, QuantityError> {
        match u32::try_from(raw) {
            Ok(q) if (1..=Self::MAX).contains(&q) => Ok(Self(q)),
            _ => Err(QuantityError),
        }
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// One product in the cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartLine {
    /// Line id, for `PATCH`/`DELETE /v1/cart/items/{line_id}`.
    pub id: String,
    /// The product.
    pub product_id: ProductId,
    /// Its URL slug.
    pub slug: String,
    /// Its name now.
    pub name: String,
    /// Its picture.
    pub image_url: String,
    /// How many.
    pub quantity: u32,
    /// Catalog price now.
    pub unit_price: Money,
    /// `unit_price × quantity`.
    pub line_total: Money,
    /// Units in stock now (a line above it cannot be checked out).
    pub available: u32,
}

/// Money owed, all computed by the engine in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    /// Sum of line totals.
    pub subtotal: Money,
    /// Taken off by the discount code (zero or positive).
    pub discount: Money,
    /// Shipping for the chosen (or standard) method.
    pub shipping: Money,
    /// Sales tax.
    pub tax: Money,
    /// `subtotal - discount + shipping + tax`.
    pub total: Money,
}

/// A shopper's cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cart {
    /// Cart id.
    pub id: String,
    /// Lines, oldest first.
    pub lines: Vec<CartLine>,
    /// Applied code, if any.
    pub discount_code: Option<String>,
    /// Why the applied code takes nothing off right now (e.g. the cart fell below its minimum).
    pub discount_note: Option<String>,
    /// Totals with standard shipping.
    pub totals: Totals,
    /// Units across all lines.
    pub item_count: u32,
}

impl Cart {
    /// A cart with nothing in it.
    pub fn empty(currency: crate::Currency) -> Self {
        let zero = Money::zero(currency);
        Self {
            id: String::new(),
            lines: Vec::new(),
            discount_code: None,
            discount_note: None,
            totals: Totals { subtotal: zero, discount: zero, shipping: zero, tax: zero, total: zero },
            item_count: 0,
        }
    }
}

/// Why a discount code was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DiscountRejection {
    /// No such code.
    Unknown,
    /// Its validity window has not opened yet.
    NotYetValid,
    /// Its validity window has closed.
    Expired,
    /// The cart is below the code's minimum subtotal.
    BelowMinimum {
        /// Subtotal needed.
        minimum: Money,
    },
    /// Its total usage limit is reached.
    UsedUp,
    /// Once per customer, and this customer used it.
    AlreadyUsed,
    /// Nothing in the cart is eligible (category restriction) or the cart is empty.
    NotApplicable,
}

impl DiscountRejection {
    /// Machine-readable reason.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::NotYetValid => "not_yet_valid",
            Self::Expired => "expired",
            Self::BelowMinimum { .. } => "below_minimum",
            Self::UsedUp => "used_up",
            Self::AlreadyUsed => "already_used",
            Self::NotApplicable => "not_applicable",
        }
    }
}

impl fmt::Display for DiscountRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown => f.write_str("this code does not exist"),
            Self::NotYetValid => f.write_str("this code is not valid yet"),
            Self::Expired => f.write_str("this code has expired"),
            Self::BelowMinimum { minimum } => write!(f, "this code needs a subtotal of at least {minimum}"),
            Self::UsedUp => f.write_str("this code has been used up"),
            Self::AlreadyUsed => f.write_str("you have already used this code"),
            Self::NotApplicable => f.write_str("this code does not apply to anything in your cart"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    #[test]
    fn quantities_outside_1_to_99_are_refused() {
        for bad in [0, -1, 100, i64::MAX] {
            assert_eq!(Quantity::parse(bad), Err(QuantityError), "{bad}");
        }
        assert_eq!(Quantity::parse(99).map(Quantity::get), Ok(99));
    }

    #[test]
    fn a_rejection_names_the_minimum_in_money() {
        let r = DiscountRejection::BelowMinimum { minimum: Money::new(15000, Currency::USD) };
        assert_eq!(r.to_string(), "this code needs a subtotal of at least $150.00");
        assert_eq!(r.code(), "below_minimum");
    }
}
