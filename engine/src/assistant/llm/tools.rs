//! The agents as JSON-schema tools for the model, one tool per agent action, and the parsing
//! of the model's arguments, which are validated like any user input: a bad argument is an
//! error naming it, sent back to the model, and changes nothing. No tool takes a shopper,
//! user or session: those come from the verified session only.

use super::super::agents::{self, Answer, Context};
use super::super::nlu::{Entities, Intent};
use crate::Result;
use serde::Deserialize;
use serde_json::{json, Value};

/// A tool call the model made, parsed and validated.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// search_products / recommend_products.
    Search {
        /// Filters and words.
        entities: Entities,
        /// Best-rated in stock rather than best match.
        recommend: bool,
    },
    /// product_details.
    Details {
        /// 1-based position in the latest product list.
        position: i32,
    },
    /// compare_products.
    Compare {
        /// Positions.
        first: i32,
        /// Positions.
        second: i32,
    },
    /// add_to_cart.
    Add {
        /// Position in the latest product list.
        position: i32,
        /// 1..=99.
        quantity: u32,
    },
    /// update_cart_item.
    Update {
        /// 1-based position in the cart.
        line: i32,
        /// 1..=99.
        quantity: u32,
    },
    /// remove_cart_item.
    Remove {
        /// 1-based position in the cart.
        line: i32,
    },
    /// view_cart.
    ViewCart,
    /// Prepare emptying the cart (a card).
    EmptyCart,
    /// apply_discount.
    ApplyDiscount {
        /// Upper case.
        code: String,
    },
    /// prepare_checkout.
    Checkout,
    /// order_status / order_history / cancel_order.
    Orders {
        /// Which of the three.
        intent: Intent,
        /// The order, if named.
        order_id: Option<String>,
    },
    /// shop_policy.
    Policy {
        /// shipping, returns, payment, warranty or privacy.
        topic: String,
    },
    /// request_human.
    Handoff {
        /// What the shopper needs.
        summary: String,
    },
    /// remember_preference / forget_me.
    Memory {
        /// Remember (true) or forget.
        remember: bool,
        /// What the shopper said, in their words.
        statement: String,
    },
}

/// Why a tool call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCall {
    /// The argument (or `name` / `arguments`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

fn bad(field: &str, message: impl Into<String>) -> BadCall {
    BadCall { field: field.to_string(), message: message.into() }
}

const POLICY_TOPICS: [&str; 5] = ["shipping", "returns", "payment", "warranty", "privacy"];

fn function(name: &str, description: &str, properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false,
            },
        },
    })
}

/// The tools, as the chat-completions `tools` array.
pub fn schemas() -> Value {
    let position = json!({ "type": "integer", "minimum": 1, "maximum": 20, "description": "1-based position in the latest product list" });
    let line =
        json!({ "type": "integer", "minimum": 1, "maximum": 100, "description": "1-based position in the cart" });
    let quantity = json!({ "type": "integer", "minimum": 1, "maximum": 99 });
    let filters = json!({
        "query": { "type": "string", "maxLength": 200, "description": "words describing the product" },
        "category": { "type": "string", "description": "category slug, e.g. running-shoes" },
        "brand": { "type": "string" },
        "min_price": { "type": "string", "description": "lowest price in the shop's currency, e.g. \"50\"" },
        "max_price": { "type": "string", "description": "highest price, e.g. \"79.99\"" },
    });
    let order_id = json!({ "order_id": { "type": "string", "maxLength": 40 } });
    json!([
        function("search_products", "Search the catalog; returns a numbered product list.", filters.clone(), &[]),
        function(
            "recommend_products",
            "Best-rated products in stock, optionally within a category or brand.",
            filters,
            &[]
        ),
        function(
            "product_details",
            "Details of one product from the latest list.",
            json!({ "position": position }),
            &["position"]
        ),
        function(
            "compare_products",
            "Compare two products from the latest list.",
            json!({ "first": position, "second": position }),
            &["first", "second"]
        ),
        function(
            "add_to_cart",
            "Add a product from the latest list to the shopper's cart.",
            json!({ "position": position, "quantity": quantity }),
            &["position"]
        ),
        function(
            "update_cart_item",
            "Set the quantity of a cart line.",
            json!({ "line": line, "quantity": quantity }),
            &["line", "quantity"]
        ),
        function("remove_cart_item", "Remove a cart line.", json!({ "line": line }), &["line"]),
        function(
            "empty_cart",
            "Prepare emptying the whole cart: shows the shopper a confirmation card. Never empties it by itself.",
            json!({}),
            &[]
        ),
        function("view_cart", "The shopper's cart with totals.", json!({}), &[]),
        function(
            "apply_discount",
            "Apply a discount code to the cart.",
            json!({ "code": { "type": "string", "maxLength": 40 } }),
            &["code"]
        ),
        function(
            "prepare_checkout",
            "Prepare checkout: shows a confirmation card or the checkout page link. Never places the order.",
            json!({}),
            &[]
        ),
        function(
            "order_status",
            "Status and tracking of the shopper's order (latest if none named).",
            order_id.clone(),
            &[]
        ),
        function("order_history", "The shopper's recent orders.", json!({}), &[]),
        function(
            "cancel_order",
            "Prepare cancelling the shopper's order if it has not shipped: shows a confirmation card. Never cancels by itself.",
            order_id,
            &[]
        ),
        function(
            "shop_policy",
            "The shop's policy text on a topic.",
            json!({ "topic": { "type": "string", "enum": POLICY_TOPICS } }),
            &["topic"]
        ),
        function(
            "request_human",
            "Ask a person from the team to take over.",
            json!({ "summary": { "type": "string", "maxLength": 500 } }),
            &["summary"]
        ),
        function(
            "remember_preference",
            "Remember a preference the shopper stated.",
            json!({ "statement": { "type": "string", "maxLength": 300 } }),
            &["statement"]
        ),
        function(
            "forget_me",
            "Forget one thing the shop remembers (\"that I like red\"), or prepare forgetting everything (\"everything\"): that shows a confirmation card and erases nothing by itself.",
            json!({ "statement": { "type": "string", "maxLength": 300 } }),
            &["statement"]
        ),
    ])
}

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

/// Runs a parsed call through the agent that owns it, with the shopper's own principal.
pub async fn run(t: &Context<'_>, call: &Call) -> Result<Answer> {
    let ordinal = |position: &i32| Entities { ordinal: Some(*position), ..Entities::default() };
    match call {
        Call::Search { entities, recommend } => {
            let intent = if *recommend { Intent::Recommendation } else { Intent::ProductSearch };
            agents::find_products(t, intent, entities).await
        }
        Call::Details { position } => match t.shown.get(index(*position)) {
            Some(_) => agents::describe(t, &ordinal(position)).await,
            None => Ok(not_listed(*position)),
        },
        Call::Compare { first, second } => {
            let (Some(a), Some(b)) = (t.shown.get(index(*first)), t.shown.get(index(*second))) else {
                return Ok(not_listed(if t.shown.get(index(*first)).is_none() { *first } else { *second }));
            };
            let pair = [a.clone(), b.clone()];
            agents::compare(&t.with_shown(&pair), &ordinal(&1)).await
        }
        Call::Add { position, quantity } => match t.shown.get(index(*position)) {
            Some(_) => {
                agents::add(t, &Entities { ordinal: Some(*position), quantity: Some(*quantity), ..Entities::default() })
                    .await
            }
            None => Ok(not_listed(*position)),
        },
        Call::Update { line, quantity } => {
            agents::update(t, &Entities { ordinal: Some(*line), quantity: Some(*quantity), ..Entities::default() })
                .await
        }
        Call::Remove { line } => agents::remove(t, &ordinal(line), "").await,
        Call::ViewCart => agents::show_cart(t).await,
        Call::EmptyCart => agents::remove(t, &Entities::default(), "empty the cart").await,
        Call::ApplyDiscount { code } => {
            agents::apply_code(t, &Entities { code: Some(code.clone()), ..Entities::default() }).await
        }
        Call::Checkout => agents::prepare_checkout(t).await,
        Call::Orders { intent, order_id } => {
            agents::orders(t, *intent, &Entities { order_id: order_id.clone(), ..Entities::default() }).await
        }
        Call::Policy { topic } => agents::support(t, Intent::Faq, topic).await,
        Call::Handoff { summary } => agents::handoff(t, summary).await,
        Call::Memory { remember, statement } => agents::memory::from_statement(t, *remember, statement).await,
    }
}

fn index(position: i32) -> usize {
    usize::try_from(position - 1).unwrap_or(usize::MAX)
}

fn not_listed(position: i32) -> Answer {
    Answer::say(format!("There is no product at position {position} in the latest list; search first."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_in_the_schema_parses_with_valid_arguments() {
        let valid = [
            ("search_products", r#"{"query":"trail shoes","max_price":"80"}"#),
            ("recommend_products", "{}"),
            ("product_details", r#"{"position":2}"#),
            ("compare_products", r#"{"first":1,"second":2}"#),
            ("add_to_cart", r#"{"position":1,"quantity":2}"#),
            ("update_cart_item", r#"{"line":1,"quantity":3}"#),
            ("remove_cart_item", r#"{"line":1}"#),
            ("view_cart", ""),
            ("empty_cart", "{}"),
            ("apply_discount", r#"{"code":"welcome10"}"#),
            ("prepare_checkout", "{}"),
            ("order_status", r#"{"order_id":"ord-123"}"#),
            ("order_history", "{}"),
            ("cancel_order", "{}"),
            ("shop_policy", r#"{"topic":"Returns"}"#),
            ("request_human", r#"{"summary":"damaged parcel"}"#),
            ("remember_preference", r#"{"statement":"I'm a size 10"}"#),
            ("forget_me", r#"{"statement":"everything"}"#),
        ];
        let names: Vec<String> = schemas()
            .as_array()
            .map(|a| a.iter().filter_map(|t| t["function"]["name"].as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), valid.len());
        for (name, raw) in valid {
            assert!(names.iter().any(|n| n == name), "{name} is not in the schema");
            assert!(parse(name, raw).is_ok(), "{name} {raw}: {:?}", parse(name, raw));
        }
        assert_eq!(
            parse("apply_discount", r#"{"code":"welcome10"}"#),
            Ok(Call::ApplyDiscount { code: "WELCOME10".into() })
        );
        match parse("search_products", r#"{"max_price":"79.99","min_price":10}"#) {
            Ok(Call::Search { entities, .. }) => {
                assert_eq!((entities.min_price, entities.max_price), (Some(1000), Some(7999)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_arguments_name_the_field() {
        let cases = [
            ("add_to_cart", r#"{"position":0}"#, "position"),
            ("add_to_cart", r#"{"position":1,"quantity":100}"#, "quantity"),
            ("add_to_cart", r#"{"position":1,"user_id":"user:someone"}"#, "arguments"),
            ("add_to_cart", r#"{"position":"#, "arguments"),
            ("update_cart_item", r#"{"line":1}"#, "quantity"),
            ("apply_discount", r#"{"code":"DROP TABLE; --"}"#, "code"),
            ("order_status", r#"{"order_id":"../../admin"}"#, "order_id"),
            ("search_products", r#"{"max_price":"-5"}"#, "max_price"),
            ("search_products", r#"{"min_price":"90","max_price":"10"}"#, "min_price"),
            ("shop_policy", r#"{"topic":"system prompt"}"#, "topic"),
            ("place_order", "{}", "name"),
        ];
        for (name, raw, field) in cases {
            match parse(name, raw) {
                Err(e) => assert_eq!(e.field, field, "{name} {raw}: {}", e.message),
                Ok(call) => panic!("{name} {raw} was accepted as {call:?}"),
            }
        }
    }
}
