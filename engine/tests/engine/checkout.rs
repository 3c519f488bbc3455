//! Checkout and orders: payment, idempotency, stock that is never oversold, the status machine
//! and who may see an order.

use crate::cart::{guest, member, product, qty};
use crate::helpers::{count, seeded, set_stock};
use engine::orders::OrderViewer;
use engine::shopper::Shopper;
use engine::{Error, Services};
use model::{AddressInput, CheckoutRequest, OrderStatus, PaymentInput};
use secrecy::SecretString;

pub fn request(card: &str) -> CheckoutRequest {
    CheckoutRequest {
        email: Some("buyer@example.com".into()),
        shipping_address: AddressInput {
            name: "Ada Buyer".into(),
            line1: "1 Main St".into(),
            line2: None,
            city: "Springfield".into(),
            region: Some("IL".into()),
            postal_code: "62701".into(),
            country: "US".into(),
        },
        shipping_method: "standard".into(),
        payment: PaymentInput {
            method: "card".into(),
            card_number: card.into(),
            exp_month: Some(12),
            exp_year: Some(2099),
            cvc: Some("123".into()),
        },
    }
}

const GOOD: &str = "4242 4242 4242 4242";
const DECLINED: &str = "4000 0000 0000 0002";

async fn stock_of(services: &Services, id: &str) -> i64 {
    let mut res = services.store.client().query(format!("SELECT VALUE stock FROM product:{id}")).await.unwrap();
    res.take::<Vec<i64>>(0).unwrap()[0]
}

/// A member's paid order of one unit of `product_id`, placed through checkout with the test card.
pub async fn member_order(services: &Services, member: &Shopper, product_id: &str, key: &str) -> model::Order {
    services.carts.add(member, product_id, qty(1)).await.unwrap();
    let mut body = request("4242 4242 4242 4242");
    body.email = None;
    services.checkout.place(member, key, &body).await.unwrap().placed.order
}

#[tokio::test]
async fn a_guest_checks_out_and_stock_cart_and_order_agree() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "coffee", 3).await;
    services.carts.add(&shopper, p.id.as_str(), qty(2)).await.unwrap();
    let cart = services.carts.get(&shopper).await.unwrap();

    let outcome = services.checkout.place(&shopper, "key-1", &request(GOOD)).await.unwrap();

    let order = &outcome.placed.order;
    assert!(!outcome.replayed);
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.email, "buyer@example.com");
    assert_eq!(order.totals, cart.totals);
    assert_eq!(order.card_last4, "4242");
    assert_eq!(order.events.iter().map(|e| e.status).collect::<Vec<_>>(), vec![OrderStatus::Placed, OrderStatus::Paid]);
    assert_eq!(stock_of(&services, p.id.as_str()).await, i64::from(p.stock) - 2);
    assert!(services.carts.get(&shopper).await.unwrap().lines.is_empty());
    // The guest reaches the order with its token, and nobody reaches it without one.
    let token = SecretString::from(outcome.placed.access_token.clone().unwrap());
    assert_eq!(services.orders.get(&OrderViewer::Guest(token), &order.id).await.unwrap(), *order);
    let wrong = OrderViewer::Guest(SecretString::from("not-the-token"));
    assert!(matches!(services.orders.get(&wrong, &order.id).await, Err(Error::NotFound("order"))));
}

#[tokio::test]
async fn a_declined_card_changes_nothing_and_frees_the_key() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "coffee", 1).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();

    let err = services.checkout.place(&shopper, "key-d", &request(DECLINED)).await.unwrap_err();

    assert!(matches!(err, Error::PaymentDeclined(_)), "{err:?}");
    assert_eq!(stock_of(&services, p.id.as_str()).await, i64::from(p.stock));
    assert_eq!(services.carts.get(&shopper).await.unwrap().item_count, 1);
    assert_eq!(count(&services.store, "orders", "true").await, 0);
    // Fixing the card and retrying with the same key works.
    let mut fixed = request(GOOD);
    fixed.payment.card_number = GOOD.into();
    services.checkout.place(&shopper, "key-d", &fixed).await.unwrap();
}

#[tokio::test]
async fn checkout_with_a_reused_idempotency_key_replays_the_first_order() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "coffee", 2).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();

    let first = services.checkout.place(&shopper, "same", &request(GOOD)).await.unwrap();
    let again = services.checkout.place(&shopper, "same", &request(GOOD)).await.unwrap();

    assert!(again.replayed);
    assert_eq!(again.placed, first.placed);
    assert_eq!(count(&services.store, "orders", "true").await, 1);
    assert_eq!(stock_of(&services, p.id.as_str()).await, i64::from(p.stock) - 1);

    let mut other = request(GOOD);
    other.shipping_method = "express".into();
    let err = services.checkout.place(&shopper, "same", &other).await.unwrap_err();
    assert!(matches!(err, Error::IdempotencyMismatch), "{err:?}");
}

#[tokio::test]
async fn a_concurrent_duplicate_is_told_the_first_is_in_progress_or_replays_it() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "coffee", 2).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
    let body = request(GOOD);

    let (a, b) = tokio::join!(
        services.checkout.place(&shopper, "race", &body),
        services.checkout.place(&shopper, "race", &body)
    );

    let results = [a, b];
    let placed = results.iter().filter(|r| matches!(r, Ok(o) if !o.replayed)).count();
    assert_eq!(placed, 1, "{results:?}");
    assert!(results.iter().all(|r| matches!(r, Ok(_) | Err(Error::IdempotencyInProgress))), "{results:?}");
    assert_eq!(count(&services.store, "orders", "true").await, 1);
}

#[tokio::test]
async fn two_hundred_buyers_racing_for_ten_units_make_exactly_ten_orders() {
    let services = seeded().await;
    let p = product(&services, "coffee", 1).await;
    set_stock(&services, p.id.as_str(), 10).await;
    let mut buyers = Vec::new();
    for _ in 0..200 {
        let (shopper, _) = guest(&services).await;
        services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
        buyers.push(shopper);
    }

    let handles: Vec<_> = buyers
        .into_iter()
        .enumerate()
        .map(|(i, shopper)| {
            let services = services.clone();
            tokio::spawn(async move { services.checkout.place(&shopper, &format!("buyer-{i}"), &request(GOOD)).await })
        })
        .collect();
    let mut won = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(_) => won += 1,
            Err(Error::OutOfStock { available: 0, .. }) => {}
            Err(other) => panic!("a losing buyer must hear 'out of stock', got {other:?}"),
        }
    }

    assert_eq!(won, 10);
    assert_eq!(count(&services.store, "orders", "true").await, 10);
    assert_eq!(stock_of(&services, p.id.as_str()).await, 0);
}

#[tokio::test]
async fn bad_fields_are_named_and_an_empty_cart_cannot_check_out() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let mut bad = request(GOOD);
    bad.shipping_address.country = "ZZ".into();
    let err = services.checkout.place(&shopper, "k", &bad).await.unwrap_err();
    assert!(matches!(err, Error::Invalid { field: "shipping_address.country", .. }), "{err:?}");
    let err = services.checkout.place(&shopper, "k", &request(GOOD)).await.unwrap_err();
    assert!(matches!(err, Error::Invalid { field: "cart", .. }), "{err:?}");
    let err = services.checkout.place(&shopper, "", &request(GOOD)).await.unwrap_err();
    assert!(matches!(err, Error::Invalid { field: "Idempotency-Key", .. }), "{err:?}");
}

#[tokio::test]
async fn a_once_per_customer_code_is_redeemed_once_and_counted() {
    let services = seeded().await;
    let p = product(&services, "coffee", 4).await;
    for (i, expect_ok) in [(0, true), (1, false)] {
        let (shopper, _) = guest(&services).await;
        services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
        services.carts.apply_discount(&shopper, "WELCOME10").await.unwrap();
        let result = services.checkout.place(&shopper, &format!("w{i}"), &request(GOOD)).await;
        if expect_ok {
            assert_eq!(result.unwrap().placed.order.discount_code.as_deref(), Some("WELCOME10"));
        } else {
            assert!(matches!(result, Err(Error::InvalidDiscount(model::DiscountRejection::AlreadyUsed))), "{result:?}");
        }
    }
    assert_eq!(count(&services.store, "discount_redemption", "code = 'WELCOME10'").await, 1);
    assert_eq!(count(&services.store, "discount", "code = 'WELCOME10' AND used_count = 1").await, 1);
}

#[tokio::test]
async fn members_see_only_their_orders_and_cancelling_restocks() {
    let services = seeded().await;
    let alice = member(&services, "alice@example.com").await;
    let bob = member(&services, "bob@example.com").await;
    let p = product(&services, "coffee", 2).await;
    services.carts.add(&alice, p.id.as_str(), qty(2)).await.unwrap();
    let mut body = request(GOOD);
    body.email = None;
    let order = services.checkout.place(&alice, "a1", &body).await.unwrap().placed.order;
    assert_eq!(order.email, "alice@example.com");
    let (Shopper::Member { user_id: alice_id }, Shopper::Member { user_id: bob_id }) = (&alice, &bob) else {
        unreachable!()
    };

    assert_eq!(services.orders.list(alice_id).await.unwrap().len(), 1);
    assert!(services.orders.list(bob_id).await.unwrap().is_empty());
    let bobs_view = OrderViewer::Member(bob_id.clone());
    assert!(matches!(services.orders.get(&bobs_view, &order.id).await, Err(Error::NotFound(_))));
    assert!(matches!(services.orders.cancel(&bobs_view, &order.id).await, Err(Error::NotFound(_))));

    let cancelled = services.orders.cancel(&OrderViewer::Member(alice_id.clone()), &order.id).await.unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(cancelled.events.last().unwrap().status, OrderStatus::Cancelled);
    assert_eq!(stock_of(&services, p.id.as_str()).await, i64::from(p.stock));
    let err = services.orders.cancel(&OrderViewer::Member(alice_id.clone()), &order.id).await.unwrap_err();
    assert!(matches!(err, Error::InvalidTransition { current: OrderStatus::Cancelled, .. }), "{err:?}");
}

#[tokio::test]
async fn admins_move_orders_along_the_status_machine_only() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "coffee", 1).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
    let order = services.checkout.place(&shopper, "s", &request(GOOD)).await.unwrap().placed.order;

    let shipped = services.orders.set_status(&order.id, OrderStatus::Shipped).await.unwrap();
    assert!(!shipped.can_cancel);
    let err = services.orders.set_status(&order.id, OrderStatus::Cancelled).await.unwrap_err();
    assert!(matches!(err, Error::InvalidTransition { current: OrderStatus::Shipped, .. }), "{err:?}");
    let delivered = services.orders.set_status(&order.id, OrderStatus::Delivered).await.unwrap();
    let statuses: Vec<_> = delivered.events.iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec![OrderStatus::Placed, OrderStatus::Paid, OrderStatus::Shipped, OrderStatus::Delivered]);
}

#[tokio::test]
async fn guest_orders_join_an_account_with_their_email_only_once_it_is_verified() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "coffee", 1).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
    let mut body = request(GOOD);
    body.email = Some("Later@Example.com".into());
    let placed = services.checkout.place(&shopper, "g", &body).await.unwrap().placed;

    // Someone else registers that address: they see none of the guest's orders.
    let issued = services
        .identity
        .register(model::Email::parse("later@example.com").unwrap(), SecretString::from("long enough pw"), "Later")
        .await
        .unwrap();
    services.continue_signed_in(&issued, None, model::Channel::Api, "test").await.unwrap();
    let member = OrderViewer::Member(issued.user.id.clone());
    assert!(services.orders.list(&issued.user.id).await.unwrap().is_empty());
    assert!(matches!(services.orders.get(&member, &placed.order.id).await, Err(Error::NotFound(_))));
    assert!(matches!(services.orders.cancel(&member, &placed.order.id).await, Err(Error::NotFound(_))));

    // Whoever opens the link mailed to the address proves it, and the orders join.
    let token = crate::helpers::mailed_token(&services.store, "later@example.com", "/verify").await;
    let verified = services.verify_email(&token).await.unwrap();
    assert!(verified.email_verified);
    assert_eq!(services.orders.list(&issued.user.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_sign_in_that_promotes_the_guest_session_that_ordered_claims_its_orders_without_verification() {
    let services = seeded().await;
    let (shopper, token) = guest(&services).await;
    let p = product(&services, "coffee", 1).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
    let mut body = request(GOOD);
    body.email = Some("other@example.com".into());
    services.checkout.place(&shopper, "g", &body).await.unwrap();

    let issued = services
        .identity
        .register(model::Email::parse("own@example.com").unwrap(), SecretString::from("long enough pw"), "Own")
        .await
        .unwrap();
    services.continue_signed_in(&issued, Some(&token), model::Channel::Web, "test").await.unwrap();

    assert_eq!(services.orders.list(&issued.user.id).await.unwrap().len(), 1, "the session that ordered is theirs");
}

#[tokio::test]
async fn the_one_click_offer_never_uses_a_card_from_a_guest_order_that_joined_the_account() {
    let services = seeded().await;
    let (shopper, token) = guest(&services).await;
    let p = product(&services, "coffee", 2).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
    services.checkout.place(&shopper, "g", &request(GOOD)).await.unwrap();
    let issued = services
        .identity
        .register(model::Email::parse("claimer@example.com").unwrap(), SecretString::from("long enough pw"), "C")
        .await
        .unwrap();
    services.continue_signed_in(&issued, Some(&token), model::Channel::Web, "test").await.unwrap();
    let member = Shopper::Member { user_id: issued.user.id.clone() };
    assert_eq!(services.orders.list(&issued.user.id).await.unwrap().len(), 1);
    services.carts.add(&member, p.id.as_str(), qty(1)).await.unwrap();

    assert!(services.checkout.offer_confirmation(&member).await.unwrap().is_none(), "that card was typed as a guest");
}

#[tokio::test]
async fn a_once_per_customer_code_knows_the_customer_by_account_and_by_normalised_email() {
    let services = seeded().await;
    let p = product(&services, "coffee", 6).await;
    let redeem = |shopper: engine::shopper::Shopper, email: Option<&'static str>, key: &'static str| {
        let services = services.clone();
        let p = p.clone();
        async move {
            services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
            let mut body = request(GOOD);
            body.email = email.map(str::to_string);
            services.carts.apply_discount(&shopper, "WELCOME10").await?;
            services.checkout.place(&shopper, key, &body).await.map(|_| ())
        }
    };
    let already =
        |r: &Result<(), Error>| matches!(r, Err(Error::InvalidDiscount(model::DiscountRejection::AlreadyUsed)));

    // A guest with a +tag and odd case, then the same address plainly: one customer.
    let (first, _) = guest(&services).await;
    redeem(first, Some(" Ann+Promo@Example.com "), "g1").await.unwrap();
    let (second, _) = guest(&services).await;
    assert!(already(&redeem(second, Some("ann@example.com"), "g2").await));

    // A member: their account and their address both count, and a new address changes nothing.
    let member = crate::cart::member(&services, "bea@example.com").await;
    redeem(member.clone(), None, "m1").await.unwrap();
    let (guest_bea, _) = guest(&services).await;
    assert!(already(&redeem(guest_bea, Some("bea+again@example.com"), "g3").await));
    let user = member.user_id().unwrap().to_string();
    services
        .store
        .client()
        .query("UPDATE type::record('user', $id) SET email = 'bea-new@example.com'")
        .bind(("id", user))
        .await
        .unwrap();
    assert!(already(&redeem(member, None, "m2").await), "the account is the customer, whatever its address");
}
