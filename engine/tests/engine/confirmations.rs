//! The assistant never destroys on a misunderstanding: questions about cancelling, erasing or
//! emptying are answered from the FAQ, and the requests themselves prepare a card that only the
//! shopper's click carries out (once; a second click replays, a stale card is refused, another
//! shopper's card is not found).

use crate::cart::{guest, member, product, qty};
use crate::checkout::member_order;
use crate::helpers::{count, seeded};
use engine::shopper::Shopper;
use engine::{Error, Services};
use model::{ActionConfirmation, Channel, OrderStatus, Part, Reply};

async fn say(services: &Services, shopper: &Shopper, text: &str) -> Reply {
    services.assistant.process_message(shopper, "s1", Channel::Web, text).await.unwrap()
}

fn card(reply: &Reply) -> Option<ActionConfirmation> {
    reply.parts.iter().find_map(|p| match p {
        Part::ConfirmAction { confirmation } => Some(confirmation.clone()),
        _ => None,
    })
}

#[tokio::test]
async fn questions_about_destroying_something_are_answered_with_their_source_and_change_nothing() {
    let services = seeded().await;
    let shopper = member(&services, "asker3@example.com").await;
    let p = product(&services, "coffee", 3).await;
    let order = member_order(&services, &shopper, p.id.as_str(), "q").await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
    let prefs = model::memory::Preferences { avoid: vec!["leather".into()], ..Default::default() };
    services.memory.set_preferences(&shopper, &prefs).await.unwrap();

    let questions = include_str!("../data/destructive_questions.tsv");
    let mut asked = 0;
    for line in questions.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (intent, question) = line.split_once('\t').unwrap();
        let reply = say(&services, &shopper, question).await;
        assert_eq!(reply.intent, "faq", "{question:?} (read as {intent}) is a question: {}", reply.text);
        assert!(card(&reply).is_none() && reply.actions.is_empty(), "{question:?} acted: {reply:?}");
        assert!(
            reply.parts.iter().any(|p| matches!(p, Part::Source { title } if title.starts_with("FAQ"))),
            "{question:?} is answered from the FAQ: {reply:?}"
        );
        asked += 1;
    }
    assert!(asked >= 15);
    let still = services.orders.get(&engine::orders::OrderViewer::Admin, &order.id).await.unwrap();
    assert_eq!(still.status, OrderStatus::Paid, "no order was cancelled");
    assert_eq!(services.carts.get(&shopper).await.unwrap().lines.len(), 1, "the cart is as it was");
    assert!(!services.memory.preferences(&shopper).await.unwrap().is_empty(), "nothing was forgotten");
}

#[tokio::test]
async fn cancelling_from_chat_needs_the_shoppers_click_on_a_card_naming_the_order_and_its_total() {
    let services = seeded().await;
    let shopper = member(&services, "canceller@example.com").await;
    let p = product(&services, "coffee", 3).await;
    let order = member_order(&services, &shopper, p.id.as_str(), "c").await;

    let reply = say(&services, &shopper, "cancel my order").await;
    let card = card(&reply).expect("a confirmation card");
    assert_eq!(card.kind, "cancel_order");
    assert!(
        card.summary.contains(&order.id) && card.summary.contains(&order.totals.total.to_string()),
        "{}",
        card.summary
    );
    let before = services.orders.get(&engine::orders::OrderViewer::Admin, &order.id).await.unwrap();
    assert_eq!(before.status, OrderStatus::Paid, "nothing happens before the click");

    // Another shopper holding the token gets nothing.
    let other = member(&services, "other-canceller@example.com").await;
    assert!(matches!(services.assistant.confirm_action(&other, &card.token).await, Err(Error::NotFound(_))));

    let done = services.assistant.confirm_action(&shopper, &card.token).await.unwrap();
    assert!(!done.replayed && done.text.contains(&order.id));
    let after = services.orders.get(&engine::orders::OrderViewer::Admin, &order.id).await.unwrap();
    assert_eq!(after.status, OrderStatus::Cancelled);
    let again = services.assistant.confirm_action(&shopper, &card.token).await.unwrap();
    assert!(again.replayed, "a second click replays");
    assert_eq!(again.text, done.text);
}

#[tokio::test]
async fn a_stale_card_is_refused_and_a_made_up_one_is_not_found() {
    let clock = crate::helpers::movable_clock();
    let services = crate::helpers::seeded_at(clock.clone()).await;
    let shopper = member(&services, "stale@example.com").await;
    let p = product(&services, "coffee", 3).await;
    services.carts.add(&shopper, p.id.as_str(), qty(2)).await.unwrap();
    let reply = say(&services, &shopper, "empty my cart").await;
    let card = card(&reply).expect("a card");
    assert_eq!(card.kind, "empty_cart");
    assert!(card.summary.contains(&p.name), "{}", card.summary);
    clock.advance(std::time::Duration::from_secs(
        u64::from(engine::assistant::confirmations::LIFETIME_MINUTES) * 60 + 1,
    ));
    let stale = services.assistant.confirm_action(&shopper, &card.token).await;
    assert!(matches!(stale, Err(Error::Invalid { field: "token", .. })), "{stale:?}");
    assert_eq!(services.carts.get(&shopper).await.unwrap().lines.len(), 1, "the cart is untouched");
    assert!(matches!(services.assistant.confirm_action(&shopper, "made-up").await, Err(Error::NotFound(_))));
}

#[tokio::test]
async fn emptying_the_cart_removes_exactly_what_the_card_named() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let coffee = product(&services, "coffee", 3).await;
    services.carts.add(&shopper, coffee.id.as_str(), qty(1)).await.unwrap();
    let card = card(&say(&services, &shopper, "clear my cart").await).expect("a card");
    // Added after the card was shown: the card did not name it, so it stays.
    let book = product(&services, "books", 3).await;
    services.carts.add(&shopper, book.id.as_str(), qty(1)).await.unwrap();

    let done = services.assistant.confirm_action(&shopper, &card.token).await.unwrap();
    assert!(done.text.contains("1 item"), "{}", done.text);
    let cart = services.carts.get(&shopper).await.unwrap();
    assert_eq!(cart.lines.iter().map(|l| l.product_id.to_string()).collect::<Vec<_>>(), vec![book.id.as_str()]);
    assert_eq!(count(&services.store, "assistant_confirmation", "used_at != NONE").await, 1);
}

#[tokio::test]
async fn a_shipped_order_gets_no_card_and_one_that_ships_before_the_click_is_refused() {
    let services = seeded().await;
    let shopper = member(&services, "late-cancel@example.com").await;
    let p = product(&services, "coffee", 3).await;
    let order = member_order(&services, &shopper, p.id.as_str(), "l").await;
    let shown = card(&say(&services, &shopper, "cancel my order").await).expect("a card");
    services.orders.set_status(&order.id, OrderStatus::Shipped).await.unwrap();

    let refused = services.assistant.confirm_action(&shopper, &shown.token).await;
    assert!(matches!(refused, Err(Error::InvalidTransition { .. })), "{refused:?}");
    let reply = say(&services, &shopper, "cancel my order").await;
    assert!(card(&reply).is_none() && reply.text.contains("can't be cancelled"), "{}", reply.text);
}
