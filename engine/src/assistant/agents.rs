//! The specialized agents: each answers one family of intents by calling the shop's own
//! services with the shopper's principal (never an id from the message), and says what it did
//! as typed actions. Prices in replies come from the shop's `Money`, never computed here.

pub mod memory;

use super::confirmations;
use super::nlu::{Entities, Intent};
use crate::cart::Carts;
use crate::catalog::Catalog;
use crate::orders::{OrderViewer, Orders};
use crate::shopper::Shopper;
use crate::store::Store;
use crate::{Error, Result};
use model::{Action, Part, Product, ProductSearch, Quantity, SearchParams};

/// What an agent produced.
#[derive(Debug, Default)]
pub struct Answer {
    /// The words.
    pub text: String,
    /// Structured parts.
    pub parts: Vec<Part>,
    /// What changed.
    pub actions: Vec<Action>,
    /// Products shown, in order (for "the second one" next turn).
    pub shown: Vec<String>,
}

impl Answer {
    /// An answer of words only.
    pub fn say(text: impl Into<String>) -> Self {
        Self { text: text.into(), ..Self::default() }
    }

    fn suggest(mut self, options: &[&str]) -> Self {
        self.parts.push(Part::QuickReplies { options: options.iter().map(|o| (*o).to_string()).collect() });
        self
    }
}

/// What every agent may use.
pub struct Tools<'a> {
    /// Products.
    pub catalog: &'a Catalog,
    /// Carts.
    pub carts: &'a Carts,
    /// Orders.
    pub orders: &'a Orders,
    /// Checkout (for the one-click confirmation).
    pub checkout: &'a crate::checkout::Checkout,
    /// The database (hand-offs).
    pub store: &'a Store,
    /// The shop's policies and FAQ.
    pub policies: &'a crate::policies::Policies,
    /// What the shop remembers about the shopper.
    pub memory: &'a crate::memory::Memory,
    /// Who is asking.
    pub shopper: &'a Shopper,
    /// The session the message came in on.
    pub session_id: &'a str,
    /// The language-model token meter this message counts against (see `conversation::meter`).
    pub meter: &'a str,
    /// Products shown last, in order.
    pub shown: &'a [String],
}

impl<'a> Tools<'a> {
    /// The same services and shopper with another list of shown products.
    pub fn with_shown<'b>(&'b self, shown: &'b [String]) -> Tools<'b> {
        Tools { shown, ..*self }
    }
}

/// Index into `shown` for an ordinal (1-based, -1 = last).
fn pick(shown: &[String], ordinal: Option<i32>) -> Option<&String> {
    match ordinal? {
        -1 => shown.last(),
        n if n >= 1 => shown.get(usize::try_from(n - 1).ok()?),
        _ => None,
    }
}

/// The catalog search an utterance asks for.
fn search_for(e: &Entities) -> Result<ProductSearch> {
    let words = e.product_words.clone();
    let params = SearchParams {
        // A category alone is a filter; words beyond it are the text query.
        q: words.filter(|w| !w.trim().is_empty()),
        category: e.category.clone(),
        brand: e.brand.clone(),
        min_price: e.min_price.map(|p| p.to_string()),
        max_price: e.max_price.map(|p| p.to_string()),
        in_stock: None,
        sort: None,
        page: None,
        per_page: Some("4".into()),
    };
    params.parse().map_err(|e| Error::Invalid { field: "message", message: e.message })
}

fn cards(products: Vec<Product>) -> Answer {
    let shown = products.iter().map(|p| p.id.0.clone()).collect();
    Answer { parts: vec![Part::Products { items: products }], shown, ..Answer::default() }
}

/// product_search, recommendation: within the shopper's stated budget, without what they avoid.
pub async fn find_products(t: &Tools<'_>, intent: Intent, e: &Entities) -> Result<Answer> {
    let mut search = search_for(e)?;
    let prefs = t.memory.preferences(t.shopper).await?;
    let mut heeded = Vec::new();
    if search.max_price.is_none() {
        let scope = search.category.as_ref().map(|c| c.as_str().to_string()).unwrap_or_else(|| "*".into());
        if let Some(budget) = prefs.budgets.get(&scope).or_else(|| prefs.budgets.get("*")) {
            search.max_price = Some(*budget);
            heeded.push(format!("within your budget of {}", model::Money::new(*budget, model::Currency::USD)));
        }
    }
    // Ask for more than is shown, so what the shopper avoids can be left out.
    let shown = search.page.per_page();
    search.page = model::PageRequest::parse(Some(search.page.page()), Some(shown * 3)).unwrap_or(search.page);
    if intent == Intent::Recommendation {
        search.sort = model::Sort::BestSelling;
        search.in_stock = true;
        // "What do you recommend" carries no product words worth matching.
        if e.category.is_none() && e.brand.is_none() {
            search.text = None;
        }
    }
    let mut page = t.catalog.list(&search).await?;
    if page.items.is_empty() && search.text.is_some() && (search.category.is_some() || search.brand.is_some()) {
        // The words matched nothing within the filter: the filter alone still helps.
        page = t.catalog.list(&ProductSearch { text: None, ..search.clone() }).await?;
    }
    let before = page.items.len();
    let mut left_out = Vec::new();
    page.items.retain(|p| match crate::memory::recommend::avoided(p, &prefs) {
        Some(why) => {
            if !left_out.contains(&why) {
                left_out.push(why);
            }
            false
        }
        None => true,
    });
    page.total = page.total.saturating_sub((before - page.items.len()) as u64);
    page.items.truncate(shown as usize);
    if !left_out.is_empty() {
        heeded.push(format!("leaving out {} as you asked", left_out.join(", ")));
    }
    if let Some(size) =
        search.category.as_ref().and_then(|c| prefs.sizes.get(c.as_str())).or_else(|| prefs.sizes.get("*"))
    {
        heeded.push(format!("pick size {size} on the product page"));
    }
    if page.items.is_empty() {
        return Ok(Answer::say(
            "I couldn't find anything matching that. Try fewer words, another category or a wider price range.",
        )
        .suggest(&["Show me running shoes", "What do you recommend?"]));
    }
    let lead = match intent {
        Intent::Recommendation => "Here are our best-rated picks".to_string(),
        _ => format!("I found {} products", page.total),
    };
    let first = &page.items[0];
    let mut answer = cards(page.items.clone());
    let heeded = if heeded.is_empty() { String::new() } else { format!(" ({})", heeded.join("; ")) };
    answer.text = format!(
        "{lead}{heeded}. The first is {} by {} at {}. Say \"add the second one\" or ask about any of them.",
        first.name, first.brand, first.price
    );
    Ok(answer.suggest(&["Add the first one", "Tell me more about the second one", "Compare the first two"]))
}

/// product_details.
pub async fn describe(t: &Tools<'_>, e: &Entities) -> Result<Answer> {
    let Some(id) = pick(t.shown, e.ordinal.or(Some(1)).filter(|_| !t.shown.is_empty())) else {
        return Ok(Answer::say("Which product do you mean? Search first, then say \"the second one\".")
            .suggest(&["Show me jackets", "What do you recommend?"]));
    };
    let p = t.catalog.by_id(id).await?;
    let stock = match p.stock {
        0 => "sold out".to_string(),
        n if n <= Product::LOW_STOCK => format!("only {n} left"),
        _ => "in stock".to_string(),
    };
    let attrs: Vec<String> = p.attributes.iter().map(|a| format!("{}: {}", a.name, a.value)).collect();
    let mut answer = cards(vec![p.clone()]);
    answer.text =
        format!("{} by {} costs {} and is {stock}. {} {}", p.name, p.brand, p.price, attrs.join(", "), p.description);
    Ok(answer.suggest(&["Add it to my cart", "Show me similar ones"]))
}

/// compare_products.
pub async fn compare(t: &Tools<'_>, e: &Entities) -> Result<Answer> {
    let first = e.ordinal.unwrap_or(1);
    let second = if first == -1 { t.shown.len() as i32 - 1 } else { first + 1 };
    let (Some(a), Some(b)) = (pick(t.shown, Some(first)), pick(t.shown, Some(second)).or_else(|| t.shown.get(1)))
    else {
        return Ok(
            Answer::say("Show me some products first, then I can compare them.").suggest(&["Show me headphones"])
        );
    };
    let (a, b) = (t.catalog.by_id(a).await?, t.catalog.by_id(b).await?);
    let cheaper = if a.price.amount <= b.price.amount { &a } else { &b };
    let mut answer = cards(vec![a.clone(), b.clone()]);
    let price_line = if a.price.amount == b.price.amount {
        format!("Both cost {}.", a.price)
    } else {
        format!("{} costs {}; {} costs {}. {} is cheaper.", a.name, a.price, b.name, b.price, cheaper.name)
    };
    // What tells them apart, from the catalog's own facts (no reviews exist to quote).
    let differs: Vec<String> = a
        .attributes
        .iter()
        .filter_map(|x| {
            let other = b.attributes.iter().find(|y| y.name.eq_ignore_ascii_case(&x.name))?;
            (other.value != x.value).then(|| format!("{}: {} vs {}", x.name, x.value, other.value))
        })
        .collect();
    answer.text = if differs.is_empty() { price_line } else { format!("{price_line} {}.", differs.join("; ")) };
    Ok(answer)
}

/// add_to_cart: the product named by ordinal, else the only or first shown, else a search.
pub async fn add(t: &Tools<'_>, e: &Entities) -> Result<Answer> {
    let id = match pick(t.shown, e.ordinal) {
        Some(id) => Some(id.clone()),
        None if e.product_words.is_some() || e.category.is_some() => {
            t.catalog.list(&search_for(e)?).await?.items.first().map(|p| p.id.0.clone())
        }
        None => t.shown.first().cloned(),
    };
    let Some(id) = id else {
        return Ok(Answer::say("What should I add? Search for something first.").suggest(&["Show me coffee"]));
    };
    let quantity = e.quantity.unwrap_or(1);
    let q = Quantity::parse(i64::from(quantity)).map_err(|err| Error::invalid("quantity", err.to_string()))?;
    let product = t.catalog.by_id(&id).await?;
    match t.carts.add(t.shopper, &id, q).await {
        Ok(cart) => {
            let mut answer = Answer::say(format!(
                "Added {quantity} × {} to your cart. You have {} items; the total is {}.",
                product.name, cart.item_count, cart.totals.total
            ));
            answer.actions.push(Action::CartLineAdded { product_id: id, quantity });
            answer.parts.push(Part::CartSummary { cart });
            Ok(answer.suggest(&["Check out", "Keep shopping"]))
        }
        Err(Error::OutOfStock { available, .. }) => {
            Ok(Answer::say(format!("Sorry, only {available} of {} are available.", product.name)))
        }
        Err(other) => Err(other),
    }
}

/// The cart line a message refers to: by ordinal in the cart, by words, or the only line.
async fn cart_line(t: &Tools<'_>, e: &Entities) -> Result<Option<model::CartLine>> {
    let cart = t.carts.get(t.shopper).await?;
    if let Some(n) = e.ordinal {
        let ix = if n == -1 { cart.lines.len().checked_sub(1) } else { usize::try_from(n - 1).ok() };
        return Ok(ix.and_then(|i| cart.lines.get(i).cloned()));
    }
    if let Some(line) = line_named(&cart, e) {
        return Ok(Some(line));
    }
    Ok(if cart.lines.len() == 1 { cart.lines.first().cloned() } else { None })
}

/// The cart line whose product the message names, if any.
fn line_named(cart: &model::Cart, e: &Entities) -> Option<model::CartLine> {
    let words: Vec<String> = e.product_words.as_deref()?.split(' ').map(super::nlu::text::stem).collect();
    cart.lines
        .iter()
        .find(|l| {
            let name = l.name.to_lowercase();
            words.iter().any(|w| w.len() > 2 && name.contains(w.as_str()))
        })
        .cloned()
}

/// update_cart.
pub async fn update(t: &Tools<'_>, e: &Entities) -> Result<Answer> {
    let Some(line) = cart_line(t, e).await? else {
        return Ok(
            Answer::say("Which item should I change? Say \"make the second one 3\".").suggest(&["What's in my cart?"])
        );
    };
    let Some(quantity) = e.quantity else {
        return Ok(Answer::say(format!("How many {} would you like?", line.name)));
    };
    let q = Quantity::parse(i64::from(quantity)).map_err(|err| Error::invalid("quantity", err.to_string()))?;
    match t.carts.set_quantity(t.shopper, &line.id, q).await {
        Ok(cart) => {
            let mut answer =
                Answer::say(format!("Done: {quantity} × {}. Your total is {}.", line.name, cart.totals.total));
            answer.actions.push(Action::CartLineUpdated { line_id: line.id, quantity });
            answer.parts.push(Part::CartSummary { cart });
            Ok(answer)
        }
        Err(Error::OutOfStock { available, .. }) => {
            Ok(Answer::say(format!("Only {available} of {} are available.", line.name)))
        }
        Err(other) => Err(other),
    }
}

/// remove_from_cart.
pub async fn remove(t: &Tools<'_>, e: &Entities, text: &str) -> Result<Answer> {
    // "Empty my cart" names no line: it is about all of them (a card, not a removal).
    if e.ordinal.is_none() && wants_everything_gone(text) {
        let cart = t.carts.get(t.shopper).await?;
        if line_named(&cart, e).is_none() {
            return empty_cart(t).await;
        }
    }
    let Some(line) = cart_line(t, e).await? else {
        return Ok(Answer::say("Which item should I remove?").suggest(&["What's in my cart?"]));
    };
    let cart = t.carts.remove(t.shopper, &line.id).await?;
    let mut answer = Answer::say(format!("Removed {} from your cart.", line.name));
    answer.actions.push(Action::CartLineRemoved { line_id: line.id });
    answer.parts.push(Part::CartSummary { cart });
    Ok(answer)
}

/// True when a removal names no item but the whole cart ("empty my cart", "clear the basket").
fn wants_everything_gone(text: &str) -> bool {
    let t = format!(" {} ", text.to_lowercase());
    [" empty ", " clear ", " everything", " all ", " whole "].iter().any(|w| t.contains(w))
}

/// Emptying the cart from chat: a card naming what goes; only the shopper's click removes it.
async fn empty_cart(t: &Tools<'_>) -> Result<Answer> {
    let cart = t.carts.get(t.shopper).await?;
    if cart.lines.is_empty() {
        return Ok(Answer::say("Your cart is already empty."));
    }
    let names: Vec<String> = cart.lines.iter().map(|l| format!("{} × {}", l.quantity, l.name)).collect();
    let summary =
        format!("Empty your cart: remove {} ({} in all, {}).", names.join(", "), cart.item_count, cart.totals.total);
    let step = confirmations::Step::EmptyCart { line_ids: cart.lines.iter().map(|l| l.id.clone()).collect() };
    let card = confirmations::prepare(t.store, t.shopper, step, summary, "Empty my cart").await?;
    let mut answer = Answer::say("Here is what emptying your cart removes. Confirm on the card if you want it.");
    answer.parts.push(Part::ConfirmAction { confirmation: card });
    answer.parts.push(Part::CartSummary { cart });
    Ok(answer)
}

/// view_cart.
pub async fn show_cart(t: &Tools<'_>) -> Result<Answer> {
    let cart = t.carts.get(t.shopper).await?;
    if cart.lines.is_empty() {
        return Ok(Answer::say("Your cart is empty.").suggest(&["What do you recommend?"]));
    }
    let mut answer = Answer::say(format!("You have {} items; the total is {}.", cart.item_count, cart.totals.total));
    answer.parts.push(Part::CartSummary { cart });
    Ok(answer.suggest(&["Check out"]))
}

/// apply_discount.
pub async fn apply_code(t: &Tools<'_>, e: &Entities) -> Result<Answer> {
    let Some(code) = &e.code else {
        return Ok(Answer::say("Which code? Type it, for example \"apply WELCOME10\"."));
    };
    match t.carts.apply_discount(t.shopper, code).await {
        Ok(cart) => {
            let mut answer = Answer::say(format!(
                "Applied {code}: {} off. Your total is {}.",
                cart.totals.discount, cart.totals.total
            ));
            answer.actions.push(Action::DiscountApplied { code: code.clone() });
            answer.parts.push(Part::CartSummary { cart });
            Ok(answer)
        }
        Err(Error::InvalidDiscount(reason)) => Ok(Answer::say(format!("I couldn't apply {code}: {reason}."))),
        Err(other) => Err(other),
    }
}

/// checkout: never places the order from chat. A member who paid before gets a one-click
/// confirmation card (their click places the order); everyone else a link to the checkout page.
pub async fn prepare_checkout(t: &Tools<'_>) -> Result<Answer> {
    let cart = t.carts.get(t.shopper).await?;
    if cart.lines.is_empty() {
        return Ok(Answer::say("Your cart is empty, so there's nothing to check out yet."));
    }
    if let Some(offer) = t.checkout.offer_confirmation(t.shopper).await? {
        let mut answer = Answer::say(format!(
            "Ready when you are: {} with standard shipping to {}, paid with your card ending {}. Press \"Place order\" on the card to confirm, or check out on the checkout page to change anything.",
            offer.total, offer.ship_to, offer.card_last4
        ));
        answer.parts.push(Part::CartSummary { cart });
        answer.parts.push(Part::CheckoutConfirm { offer });
        return Ok(answer);
    }
    let total = cart.totals.total.to_string();
    let mut answer = Answer::say(format!(
        "Your cart comes to {total}. Confirm your address and payment on the checkout page; nothing is charged until you do."
    ));
    answer.parts.push(Part::CartSummary { cart });
    answer.parts.push(Part::CheckoutPrompt { href: "/checkout".into(), total });
    Ok(answer)
}

/// order_status, order_history, cancel_order.
pub async fn orders(t: &Tools<'_>, intent: Intent, e: &Entities) -> Result<Answer> {
    let Some(user) = t.shopper.user_id() else {
        return Ok(Answer::say(
            "Sign in to see your orders. A guest order opens from the link on its confirmation page.",
        ));
    };
    let viewer = OrderViewer::Member(user.to_string());
    let list = t.orders.list(user).await?;
    let target = match &e.order_id {
        Some(id) => match t.orders.get(&viewer, id).await {
            Ok(order) => Some(order),
            Err(Error::NotFound(_)) => return Ok(Answer::say(format!("I can't find an order {id} on your account."))),
            Err(other) => return Err(other),
        },
        None => list.first().cloned(),
    };
    match intent {
        Intent::OrderHistory => {
            if list.is_empty() {
                return Ok(Answer::say("You haven't ordered anything yet."));
            }
            let lines: Vec<String> =
                list.iter().take(5).map(|o| format!("{} ({}, {})", o.id, o.status.label(), o.totals.total)).collect();
            Ok(Answer::say(format!("Your orders, newest first: {}.", lines.join("; "))))
        }
        Intent::CancelOrder => {
            let Some(order) = target else { return Ok(Answer::say("You have no orders to cancel.")) };
            if !order.status.is_cancellable() {
                return Ok(Answer::say(format!(
                    "Order {} is {} and can't be cancelled any more; you can return it once it arrives.",
                    order.id,
                    order.status.as_str()
                )));
            }
            // Nothing is cancelled here: the card says exactly what will happen, and only the
            // shopper's click on it does it.
            let summary = format!(
                "Cancel order {} ({}, placed {}): nothing ships, the stock goes back and {} is refunded to the card ending {}.",
                order.id,
                order.totals.total,
                order.placed_at.get(..10).unwrap_or_default(),
                order.totals.total,
                order.card_last4
            );
            let card = confirmations::prepare(
                t.store,
                t.shopper,
                confirmations::Step::CancelOrder { order_id: order.id.clone() },
                summary,
                &format!("Cancel order {}", order.id),
            )
            .await?;
            let mut answer = Answer::say(format!(
                "Here is what cancelling order {} does. Confirm on the card if you want it.",
                order.id
            ));
            answer.parts.push(Part::ConfirmAction { confirmation: card });
            answer.parts.push(Part::OrderTimeline { order });
            Ok(answer)
        }
        _ => {
            let Some(order) = target else { return Ok(Answer::say("You have no orders yet.")) };
            let mut answer = Answer::say(format!(
                "Order {} is {} (placed {}).",
                order.id,
                order.status.label().to_lowercase(),
                order.placed_at.get(..10).unwrap_or_default()
            ));
            answer.parts.push(Part::OrderTimeline { order });
            Ok(answer)
        }
    }
}

/// faq and return_or_refund: answers from the seeded policies and FAQ, naming the source.
pub async fn support(t: &Tools<'_>, intent: Intent, text: &str) -> Result<Answer> {
    let lowered = text.to_lowercase();
    if let Some(answer) = faq_answer(t, &lowered).await? {
        return Ok(answer);
    }
    let topic = if intent == Intent::ReturnOrRefund
        || ["return", "refund", "exchange", "send back"].iter().any(|w| lowered.contains(w))
    {
        "returns"
    } else if ["warranty", "guarantee", "broken", "defect"].iter().any(|w| lowered.contains(w)) {
        "warranty"
    } else if ["pay", "card", "paypal", "apple pay"].iter().any(|w| lowered.contains(w)) {
        "payment"
    } else if ["data", "privacy", "information", "personal"].iter().any(|w| lowered.contains(w)) {
        "privacy"
    } else {
        "shipping"
    };
    let Some(policy) = t.policies.on(topic).await? else {
        return Ok(Answer::say("I don't have that policy at hand; a person can help."));
    };
    let mut answer = Answer::say(t.checkout.facts().render(&policy.body));
    answer.parts.push(Part::Source { title: policy.title });
    Ok(answer)
}

/// The FAQ entry a question about an irreversible step asks for (how to cancel, how to erase
/// one's data, how to empty the cart), with its question as the source.
async fn faq_answer(t: &Tools<'_>, lowered: &str) -> Result<Option<Answer>> {
    let has = |words: &[&str]| words.iter().any(|w| lowered.contains(w));
    let needle = if has(&["cancel"]) {
        "cancel an order"
    } else if has(&["cart", "basket"]) && has(&["empty", "clear", "remove everything", "remove all"]) {
        "empty my cart"
    } else if has(&["delete", "erase", "forget", "remove", "wipe"])
        && has(&["data", "about me", "know", "history", "remember", "preferences", "profile"])
    {
        "delete what you know"
    } else {
        return Ok(None);
    };
    Ok(t.policies.faq(needle).await?.map(|faq| {
        let mut answer = Answer::say(t.checkout.facts().render(&faq.answer));
        answer.parts.push(Part::Source { title: format!("FAQ: {}", faq.question) });
        answer
    }))
}

/// human_handoff: records the request for staff.
pub async fn handoff(t: &Tools<'_>, text: &str) -> Result<Answer> {
    let id = super::conversation::request_handoff(t.store, t.shopper, t.session_id, text).await?;
    let mut answer = Answer::say("I've asked a person from our team to pick this up; they'll reply here.");
    answer.actions.push(Action::HandoffRequested { request_id: id });
    Ok(answer)
}
