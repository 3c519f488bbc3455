//! Orders as every channel sees them: lines and totals frozen at checkout, a status machine and
//! the tracking events that record every transition.

use crate::cart::Totals;
use crate::catalog::ProductId;
use crate::checkout::{Address, ShippingMethod};
use crate::money::Money;
use serde::{Deserialize, Serialize};

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderStatus {
    /// Accepted, payment not yet captured.
    Placed,
    /// Payment captured.
    Paid,
    /// Handed to the carrier.
    Shipped,
    /// Arrived.
    Delivered,
    /// Called off before shipping; stock went back.
    Cancelled,
    /// Money returned.
    Refunded,
}

impl OrderStatus {
    /// Every status.
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Placed,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
    ];

    /// Parses the wire name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }

    /// The status a request names in `field`, or the error naming the field and the choices.
    pub fn parse_field(raw: &str, field: &str) -> Result<Self, crate::FieldError> {
        Self::parse(raw).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|s| s.as_str()).collect();
            crate::FieldError::new(
                field,
                format!("unknown status `{}`; expected one of {}", raw.trim(), names.join(", ")),
            )
        })
    }

    /// An optional `status` filter: absent or empty is every status.
    pub fn filter(raw: Option<&str>) -> Result<Option<Self>, crate::FieldError> {
        raw.filter(|s| !s.trim().is_empty()).map(|s| Self::parse_field(s, "status")).transpose()
    }

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
            Self::Refunded => "refunded",
        }
    }

    /// Label for pages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Placed => "Placed",
            Self::Paid => "Paid",
            Self::Shipped => "Shipped",
            Self::Delivered => "Delivered",
            Self::Cancelled => "Cancelled",
            Self::Refunded => "Refunded",
        }
    }

    /// The transitions the shop allows: `placed -> paid -> shipped -> delivered`, cancel only
    /// before shipping, refund once paid.
    pub fn can_become(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (Placed, Paid)
                | (Paid, Shipped)
                | (Shipped, Delivered)
                | (Placed | Paid, Cancelled)
                | (Paid | Shipped | Delivered, Refunded)
        )
    }

    /// True while the shopper may still cancel.
    pub fn is_cancellable(self) -> bool {
        self.can_become(OrderStatus::Cancelled)
    }
}

/// One product bought, priced as it was at checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    /// The product.
    pub product_id: ProductId,
    /// Its slug.
    pub slug: String,
    /// Its name at checkout.
    pub name: String,
    /// How many.
    pub quantity: u32,
    /// Price at checkout.
    pub unit_price: Money,
    /// `unit_price × quantity`.
    pub line_total: Money,
}

/// One tracking event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    /// The status entered.
    pub status: OrderStatus,
    /// When (RFC 3339).
    pub at: String,
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    /// Order id.
    pub id: String,
    /// Current status.
    pub status: OrderStatus,
    /// Contact email.
    pub email: String,
    /// What was bought.
    pub lines: Vec<OrderLine>,
    /// Discount code used, if any.
    pub discount_code: Option<String>,
    /// What was charged.
    pub totals: Totals,
    /// Where it goes.
    pub shipping_address: Address,
    /// How fast.
    pub shipping_method: ShippingMethod,
    /// Last four digits of the card.
    pub card_last4: String,
    /// Every status change, oldest first.
    pub events: Vec<OrderEvent>,
    /// When it was placed (RFC 3339).
    pub placed_at: String,
    /// True while it can still be cancelled.
    pub can_cancel: bool,
}

/// What checkout answers: the order, plus for a guest the token that opens it later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlacedOrder {
    /// The order.
    pub order: Order,
    /// For guests: `GET /v1/orders/{id}?token=…` opens the order without an account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;

    #[test]
    fn the_status_machine_moves_forward_only() {
        assert!(Placed.can_become(Paid) && Paid.can_become(Shipped) && Shipped.can_become(Delivered));
        assert!(!Shipped.can_become(Paid) && !Delivered.can_become(Shipped) && !Placed.can_become(Shipped));
    }

    #[test]
    fn cancelling_is_only_possible_before_shipping() {
        assert!(Placed.is_cancellable() && Paid.is_cancellable());
        assert!(!Shipped.is_cancellable() && !Delivered.is_cancellable() && !Cancelled.is_cancellable());
    }

    #[test]
    fn refunds_need_a_payment_and_end_the_order() {
        assert!(Paid.can_become(Refunded) && Delivered.can_become(Refunded));
        assert!(!Placed.can_become(Refunded) && !Cancelled.can_become(Refunded));
        assert!(super::OrderStatus::ALL.iter().all(|s| !Refunded.can_become(*s)));
    }
}
