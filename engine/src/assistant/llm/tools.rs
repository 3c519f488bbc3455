//! The agents as JSON-schema tools for the model, one tool per agent action, and the parsing
//! of the model's arguments, which are validated like any user input: a bad argument is an
//! error naming it, sent back to the model, and changes nothing. No tool takes a shopper,
//! user or session: those come from the verified session only.

mod args;
mod schemas;

pub use args::parse;
pub use schemas::schemas;

use super::super::agents::{self, Answer, Context};
use super::super::nlu::{Entities, Intent};
use crate::Result;

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
