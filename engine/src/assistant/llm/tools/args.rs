//! The model's tool arguments, parsed and validated like any user input: a bad argument is an
//! error naming it (sent back to the model), and changes nothing.

use super::{bad, BadCall, Call, POLICY_TOPICS};
use crate::assistant::nlu::{Entities, Intent};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchArgs {
    query: Option<String>,
    category: Option<String>,
    brand: Option<String>,
    min_price: Option<Value>,
    max_price: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionArgs {
    position: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareArgs {
    first: i64,
    second: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddArgs {
    position: i64,
    quantity: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineArgs {
    line: i64,
    quantity: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeArgs {
    code: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderArgs {
    order_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicArgs {
    topic: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SummaryArgs {
    summary: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementArgs {
    statement: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoArgs {}

fn args<T: serde::de::DeserializeOwned>(raw: &str) -> std::result::Result<T, BadCall> {
    // Some servers send "" for a call without arguments.
    let raw = if raw.trim().is_empty() { "{}" } else { raw };
    serde_json::from_str(raw).map_err(|e| bad("arguments", format!("not valid arguments for this tool: {e}")))
}

fn in_range(field: &str, value: i64, max: i64) -> std::result::Result<i32, BadCall> {
    if (1..=max).contains(&value) {
        i32::try_from(value).map_err(|_| bad(field, "is out of range"))
    } else {
        Err(bad(field, format!("must be between 1 and {max}")))
    }
}

fn quantity(value: Option<i64>) -> std::result::Result<u32, BadCall> {
    let q = in_range("quantity", value.unwrap_or(1), 99)?;
    u32::try_from(q).map_err(|_| bad("quantity", "must be between 1 and 99"))
}

/// Text argument: trimmed, non-empty, at most `max` characters, no control characters.
fn text(field: &str, value: &str, max: usize) -> std::result::Result<String, BadCall> {
    let value = value.trim();
    if value.is_empty() {
        return Err(bad(field, "is empty"));
    }
    if value.chars().count() > max {
        return Err(bad(field, format!("must be at most {max} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(bad(field, "contains control characters"));
    }
    Ok(value.to_string())
}

/// An identifier-like argument (order id, code): letters, digits, `-` and `_`, upper-cased.
fn identifier(field: &str, value: &str) -> std::result::Result<String, BadCall> {
    let value = text(field, value, 40)?;
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(bad(field, "may contain only letters, digits, '-' and '_'"));
    }
    Ok(value.to_ascii_uppercase())
}

/// A price in the shop's currency ("79.99" or 79.99) as cents.
fn price(field: &str, value: Option<Value>) -> std::result::Result<Option<i64>, BadCall> {
    let raw = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err(bad(field, "must be an amount like \"79.99\"")),
    };
    let cents = model::money::parse_major_units(raw.trim().trim_start_matches('$'))
        .ok_or_else(|| bad(field, "must be an amount like \"79.99\""))?;
    if cents < 0 {
        return Err(bad(field, "must not be negative"));
    }
    Ok(Some(cents))
}

/// Parses the model's call of `name` with `raw` JSON arguments.
pub fn parse(name: &str, raw: &str) -> std::result::Result<Call, BadCall> {
    Ok(match name {
        "search_products" | "recommend_products" => {
            let a: SearchArgs = args(raw)?;
            let entities = Entities {
                product_words: a.query.as_deref().map(|q| text("query", q, 200)).transpose()?,
                category: a.category.as_deref().map(|c| text("category", c, 60)).transpose()?.map(|c| c.to_lowercase()),
                brand: a.brand.as_deref().map(|b| text("brand", b, 60)).transpose()?,
                min_price: price("min_price", a.min_price)?,
                max_price: price("max_price", a.max_price)?,
                ..Entities::default()
            };
            if let (Some(lo), Some(hi)) = (entities.min_price, entities.max_price) {
                if lo > hi {
                    return Err(bad("min_price", "must not be above max_price"));
                }
            }
            Call::Search { entities, recommend: name == "recommend_products" }
        }
        "product_details" => Call::Details { position: in_range("position", args::<PositionArgs>(raw)?.position, 20)? },
        "compare_products" => {
            let a: CompareArgs = args(raw)?;
            Call::Compare { first: in_range("first", a.first, 20)?, second: in_range("second", a.second, 20)? }
        }
        "add_to_cart" => {
            let a: AddArgs = args(raw)?;
            Call::Add { position: in_range("position", a.position, 20)?, quantity: quantity(a.quantity)? }
        }
        "update_cart_item" => {
            let a: LineArgs = args(raw)?;
            let Some(q) = a.quantity else { return Err(bad("quantity", "is required")) };
            Call::Update { line: in_range("line", a.line, 100)?, quantity: quantity(Some(q))? }
        }
        "remove_cart_item" => {
            let a: LineArgs = args(raw)?;
            if a.quantity.is_some() {
                return Err(bad("quantity", "is not an argument of remove_cart_item"));
            }
            Call::Remove { line: in_range("line", a.line, 100)? }
        }
        "view_cart" => args::<NoArgs>(raw).map(|_| Call::ViewCart)?,
        "empty_cart" => args::<NoArgs>(raw).map(|_| Call::EmptyCart)?,
        "apply_discount" => Call::ApplyDiscount { code: identifier("code", &args::<CodeArgs>(raw)?.code)? },
        "prepare_checkout" => args::<NoArgs>(raw).map(|_| Call::Checkout)?,
        "order_status" | "cancel_order" => {
            let a: OrderArgs = args(raw)?;
            let order_id = a
                .order_id
                .as_deref()
                .filter(|o| !o.trim().is_empty())
                .map(|o| identifier("order_id", o))
                .transpose()?;
            let intent = if name == "cancel_order" { Intent::CancelOrder } else { Intent::OrderStatus };
            Call::Orders { intent, order_id }
        }
        "order_history" => {
            args::<NoArgs>(raw).map(|_| Call::Orders { intent: Intent::OrderHistory, order_id: None })?
        }
        "shop_policy" => {
            let topic = args::<TopicArgs>(raw)?.topic.trim().to_lowercase();
            if !POLICY_TOPICS.contains(&topic.as_str()) {
                return Err(bad("topic", format!("must be one of {}", POLICY_TOPICS.join(", "))));
            }
            Call::Policy { topic }
        }
        "request_human" => Call::Handoff { summary: text("summary", &args::<SummaryArgs>(raw)?.summary, 500)? },
        "remember_preference" | "forget_me" => {
            let a: StatementArgs = args(raw)?;
            Call::Memory { remember: name == "remember_preference", statement: text("statement", &a.statement, 300)? }
        }
        other => return Err(bad("name", format!("there is no tool named `{other}`"))),
    })
}
