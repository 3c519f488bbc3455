//! The stored order: one record shape that checkout writes and orders read back, with the
//! line, address and event rows it is made of, and the mapping to and from `model::Order`.

use crate::payments::Charge;
use crate::shopper::Shopper;
use crate::{Error, Result};
use model::{Address, Currency, Money, Order, OrderEvent, OrderLine, OrderStatus, ProductId, ShippingMethod, Totals};
// `Value` is named by the derive's expansion of `#[surreal(flatten)]`.
use surrealdb::types::{SurrealValue, Value};

/// One order line as stored (the unit price at the time of the order).
#[derive(Debug, Clone, SurrealValue)]
pub(crate) struct LineRow {
    pub product_id: String,
    pub slug: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: i64,
}

/// A shipping address as stored.
#[derive(Debug, Clone, SurrealValue)]
pub(crate) struct AddressRow {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
}

impl From<&Address> for AddressRow {
    fn from(a: &Address) -> Self {
        Self {
            name: a.name.clone(),
            line1: a.line1.clone(),
            line2: a.line2.clone(),
            city: a.city.clone(),
            region: a.region.clone(),
            postal_code: a.postal_code.clone(),
            country: a.country.clone(),
        }
    }
}

impl From<AddressRow> for Address {
    fn from(a: AddressRow) -> Self {
        Self {
            name: a.name,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
        }
    }
}

/// A status change in the order's history.
#[derive(Debug, Clone, SurrealValue)]
pub(crate) struct EventRow {
    pub status: String,
    pub at: String,
}

/// What the shopper's order is, as stored: the fields written at checkout and read back.
#[derive(Debug, Clone, SurrealValue)]
pub(crate) struct OrderRecord {
    status: String,
    email: String,
    lines: Vec<LineRow>,
    currency: String,
    subtotal: i64,
    discount: i64,
    shipping: i64,
    tax: i64,
    total: i64,
    discount_code: Option<String>,
    address: AddressRow,
    shipping_method: String,
    card_last4: String,
    events: Vec<EventRow>,
}

impl OrderRecord {
    fn of(order: &Order) -> Self {
        let totals = &order.totals;
        Self {
            status: order.status.as_str().to_string(),
            email: order.email.clone(),
            lines: order
                .lines
                .iter()
                .map(|l| LineRow {
                    product_id: l.product_id.to_string(),
                    slug: l.slug.clone(),
                    name: l.name.clone(),
                    quantity: i64::from(l.quantity),
                    unit_price: l.unit_price.amount,
                })
                .collect(),
            currency: totals.total.currency.code().to_string(),
            subtotal: totals.subtotal.amount,
            discount: totals.discount.amount,
            shipping: totals.shipping.amount,
            tax: totals.tax.amount,
            total: totals.total.amount,
            discount_code: order.discount_code.clone(),
            address: AddressRow::from(&order.shipping_address),
            shipping_method: order.shipping_method.as_str().to_string(),
            card_last4: order.card_last4.clone(),
            events: order
                .events
                .iter()
                .map(|e| EventRow { status: e.status.as_str().to_string(), at: e.at.clone() })
                .collect(),
        }
    }
}

/// A new order's row: the order as the shopper sees it, plus who owns it and the payment
/// references that stay server-side.
#[derive(Debug, Clone, SurrealValue)]
pub(crate) struct NewOrder {
    #[surreal(flatten)]
    record: OrderRecord,
    user_id: Option<String>,
    /// Whose memory a cancellation or refund informs (a guest's session has no user id).
    placed_by: String,
    payment_ref: String,
    payment_method: String,
    access_hash: Option<String>,
    access_issued: Option<i64>,
}

impl NewOrder {
    /// The row for `order`, placed by `shopper`, paid by `charge`; a guest's order carries the
    /// hash of its link.
    pub(crate) fn new(
        shopper: &Shopper,
        order: &Order,
        charge: &Charge,
        link: Option<&super::guest_links::IssuedLink>,
    ) -> Self {
        Self {
            record: OrderRecord::of(order),
            user_id: shopper.user_id().map(str::to_string),
            placed_by: shopper.scope(),
            payment_ref: charge.id.clone(),
            payment_method: charge.method.clone(),
            access_hash: link.map(|l| l.hash.clone()),
            access_issued: link.map(|l| l.issued),
        }
    }
}

/// An order read back: the record with its id and when it was placed.
#[derive(Debug, SurrealValue)]
pub(crate) struct OrderRow {
    id: String,
    placed_at: String,
    #[surreal(flatten)]
    record: OrderRecord,
}

/// What [`OrderRow`] selects.
pub(crate) const ORDER_FIELDS: &str = "record::id(id) AS id, status, email, lines, currency, subtotal, discount, \
     shipping, tax, total, discount_code, address, shipping_method, card_last4, events, <string> placed_at AS placed_at";

impl OrderRow {
    /// The order as the shopper sees it.
    pub(crate) fn into_model(self) -> Result<Order> {
        let Self { id, placed_at, record: r } = self;
        let corrupt = |what: &str| Error::invalid("order", format!("stored order {id} has an invalid {what}"));
        let currency = Currency::parse(&r.currency).map_err(|_| corrupt("currency"))?;
        let status = OrderStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?;
        let shipping_method = ShippingMethod::parse(&r.shipping_method).ok_or_else(|| corrupt("shipping method"))?;
        let money = |amount| Money::new(amount, currency);
        let lines = r
            .lines
            .into_iter()
            .map(|l| {
                let quantity = u32::try_from(l.quantity).unwrap_or(0);
                OrderLine {
                    product_id: ProductId::new(l.product_id),
                    slug: l.slug,
                    name: l.name,
                    quantity,
                    unit_price: money(l.unit_price),
                    line_total: money(l.unit_price.saturating_mul(i64::from(quantity))),
                }
            })
            .collect();
        let events = r
            .events
            .into_iter()
            .filter_map(|e| OrderStatus::parse(&e.status).map(|status| OrderEvent { status, at: e.at }))
            .collect();
        Ok(Order {
            id,
            status,
            email: r.email,
            lines,
            discount_code: r.discount_code,
            totals: Totals {
                subtotal: money(r.subtotal),
                discount: money(r.discount),
                shipping: money(r.shipping),
                tax: money(r.tax),
                total: money(r.total),
            },
            shipping_address: r.address.into(),
            shipping_method,
            card_last4: r.card_last4,
            events,
            placed_at,
            can_cancel: status.is_cancellable(),
        })
    }
}
