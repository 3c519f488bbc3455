//! The tools as the model sees them: one JSON-schema function per agent action.

use super::POLICY_TOPICS;
use serde_json::{json, Value};

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
