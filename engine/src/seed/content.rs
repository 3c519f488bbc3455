//! Store policies, FAQ entries and discount codes for the seed.

use surrealdb::types::{Datetime, RecordId, SurrealValue};

#[derive(SurrealValue)]
pub(super) struct PolicySeed {
    id: RecordId,
    topic: String,
    title: String,
    body: String,
}

#[derive(SurrealValue)]
pub(super) struct FaqSeed {
    id: RecordId,
    topic: String,
    question: String,
    answer: String,
    position: i64,
}

#[derive(SurrealValue)]
pub(super) struct DiscountSeed {
    id: RecordId,
    code: String,
    description: String,
    kind: String,
    percent_off: Option<i64>,
    amount_off: Option<i64>,
    currency: String,
    min_subtotal: i64,
    starts_at: Option<Datetime>,
    ends_at: Option<Datetime>,
    usage_limit: Option<i64>,
    used_count: i64,
    once_per_customer: bool,
    category: Option<String>,
}

// Texts that quote a number or a promise take it from the settings checkout uses: each
// `{placeholder}` is filled in by `crate::terms::ShopTerms::render` when the text is shown, so
// the assistant can never quote a rate the checkout does not charge.
const POLICIES: [(&str, &str, &str); 5] = [
    ("shipping", "Shipping", "Standard shipping takes 3 to 5 business days and costs {standard_shipping}; orders of {free_shipping_from} or more (after discounts) ship free. Express shipping takes 1 to 2 business days and costs {express_shipping}. We ship to {countries}."),
    ("returns", "Returns and refunds", "You can return unused items in their original packaging within {return_days} days of delivery for a full refund. To start a return, ask the assistant for a person and give your order number; the team answers in your chat and by mail. Refunds go back to the card you paid with. Opened skincare and coffee can be returned only if faulty."),
    ("payment", "Payment methods", "We accept {cards} cards. Your card is charged when the order is placed, and a declined card leaves your cart untouched. Prices are in US dollars; a sales tax of {tax_rate} of the subtotal after discounts is added at checkout."),
    ("warranty", "Warranty", "Every product carries a one-year warranty against defects in materials and workmanship; electronics and furniture carry two years. Ask the assistant for a person with your order number and a description of the fault, and we will repair, replace or refund the item. Normal wear, accidents and misuse are not covered."),
    ("privacy", "Privacy", "We collect only what we need to run your account, fulfil orders and personalize the shop: your contact details, orders, and what you browse and tell the assistant. We never sell personal data. You can see what we remember about you, export it, or erase it at any time from your account; order records are kept as required for accounting."),
];

const FAQS: [(&str, &str, &str); 12] = [
    ("shipping", "How long does delivery take?", "Standard delivery takes 3 to 5 business days and express 1 to 2 business days after dispatch."),
    ("shipping", "Is shipping free?", "Standard shipping is free on orders of {free_shipping_from} or more after discounts, and {standard_shipping} below that. Express shipping is {express_shipping}."),
    ("shipping", "Do you ship internationally?", "We ship to {countries}."),
    ("returns", "How do I return an item?", "Ask the assistant for a person and give your order number. Unused items in their original packaging can be returned within {return_days} days of delivery."),
    ("returns", "When will I get my refund?", "Once your return reaches our warehouse, to the card you paid with."),
    ("payment", "Which cards do you accept?", "{cards}."),
    ("payment", "When is my card charged?", "When you place the order. If the card is declined, nothing is charged and your cart stays as it was."),
    ("warranty", "What does the warranty cover?", "Defects in materials and workmanship for one year, two years for electronics and furniture. Accidental damage and normal wear are not covered."),
    ("privacy", "Can I delete what you know about me?", "Yes. The What we remember page in your account shows everything we keep for personalization; you can delete any item, export it all, or forget everything."),
    ("privacy", "Do you sell my data?", "No. We use your data only to run your account, deliver your orders and personalize the shop for you."),
    ("orders", "Can I cancel an order?", "Yes, until it ships. Open it under Your orders (a guest order from the link in its receipt) and choose Cancel order, or ask the assistant to cancel it and confirm on the card it shows: nothing is cancelled before you click. The stock goes back and the full amount is refunded to your card."),
    ("orders", "How do I empty my cart?", "Remove the lines on the cart page, or ask the assistant to empty it and confirm on the card it shows: nothing is removed before you click."),
];

pub(super) fn policies() -> Vec<PolicySeed> {
    POLICIES
        .iter()
        .map(|(topic, title, body)| PolicySeed {
            id: RecordId::new("policy", *topic),
            topic: (*topic).into(),
            title: (*title).into(),
            body: (*body).into(),
        })
        .collect()
}

pub(super) fn faqs() -> Vec<FaqSeed> {
    FAQS.iter()
        .zip(1..)
        .map(|((topic, question, answer), position)| FaqSeed {
            id: RecordId::new("faq", format!("{topic}-{position}")),
            topic: (*topic).into(),
            question: (*question).into(),
            answer: (*answer).into(),
            position,
        })
        .collect()
}

/// Six codes covering every rule the cart must enforce: percentage, fixed amount, free
/// shipping, minimum subtotal, validity window (one expired), usage limit (one used up),
/// once per customer and a category restriction.
pub(super) fn discounts(now_unix: i64) -> Vec<DiscountSeed> {
    let base = |code: &str, description: &str, kind: &str| DiscountSeed {
        id: RecordId::new("discount", code),
        code: code.into(),
        description: description.into(),
        kind: kind.into(),
        percent_off: None,
        amount_off: None,
        currency: "USD".into(),
        min_subtotal: 0,
        starts_at: None,
        ends_at: None,
        usage_limit: None,
        used_count: 0,
        once_per_customer: false,
        category: None,
    };
    const YEAR: i64 = 365 * 24 * 3600;
    let ago = |secs: i64| Datetime::from_timestamp(now_unix - secs, 0);
    vec![
        DiscountSeed {
            percent_off: Some(10),
            once_per_customer: true,
            ..base("WELCOME10", "10% off your first order", "percent")
        },
        DiscountSeed {
            amount_off: Some(2000),
            min_subtotal: 15000,
            ..base("SAVE20", "$20 off orders of $150 or more", "fixed")
        },
        DiscountSeed {
            min_subtotal: 3500,
            ..base("FREESHIP", "Free standard shipping on orders of $35 or more", "free_shipping")
        },
        DiscountSeed {
            percent_off: Some(15),
            category: Some("coffee".into()),
            ..base("COFFEE15", "15% off coffee", "percent")
        },
        DiscountSeed {
            amount_off: Some(500),
            starts_at: ago(2 * YEAR),
            ends_at: ago(YEAR),
            ..base("SPRING5", "$5 off, spring sale (ended)", "fixed")
        },
        DiscountSeed {
            percent_off: Some(50),
            usage_limit: Some(100),
            used_count: 100,
            ..base("FLASH50", "50% off, first 100 orders only (used up)", "percent")
        },
    ]
}
