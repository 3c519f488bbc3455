//! The cart from chat: add what was shown, change or remove a line, empty it (on the shopper's
//! click), show it, apply a code, and prepare (never place) the checkout.

use super::products::{pick, search_for};
use super::*;

/// add_to_cart: the product named by ordinal, else the only or first shown, else a search.
pub async fn add(t: &Context<'_>, e: &Entities) -> Result<Answer> {
    let id = match pick(t.shown, e.ordinal) {
        Some(id) => Some(id.clone()),
        None if e.product_words.is_some() || e.category.is_some() => {
            t.catalog.list(&search_for(e)?).await?.items.first().map(|p| p.id.to_string())
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
async fn cart_line(t: &Context<'_>, e: &Entities) -> Result<Option<model::CartLine>> {
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
    let words: Vec<String> = e.product_words.as_deref()?.split(' ').map(crate::assistant::nlu::text::stem).collect();
    cart.lines
        .iter()
        .find(|l| {
            let name = l.name.to_lowercase();
            words.iter().any(|w| w.len() > 2 && name.contains(w.as_str()))
        })
        .cloned()
}

/// update_cart.
pub async fn update(t: &Context<'_>, e: &Entities) -> Result<Answer> {
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
pub async fn remove(t: &Context<'_>, e: &Entities, text: &str) -> Result<Answer> {
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
async fn empty_cart(t: &Context<'_>) -> Result<Answer> {
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
pub async fn show_cart(t: &Context<'_>) -> Result<Answer> {
    let cart = t.carts.get(t.shopper).await?;
    if cart.lines.is_empty() {
        return Ok(Answer::say("Your cart is empty.").suggest(&["What do you recommend?"]));
    }
    let mut answer = Answer::say(format!("You have {} items; the total is {}.", cart.item_count, cart.totals.total));
    answer.parts.push(Part::CartSummary { cart });
    Ok(answer.suggest(&["Check out"]))
}

/// apply_discount.
pub async fn apply_code(t: &Context<'_>, e: &Entities) -> Result<Answer> {
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
pub async fn prepare_checkout(t: &Context<'_>) -> Result<Answer> {
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
