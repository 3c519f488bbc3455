//! Carts: prices from the catalog, quantity and stock rules, discount codes, and the guest cart
//! merging into the member's on promotion.

use crate::helpers::{count, seeded, set_stock};
use engine::shopper::Shopper;
use engine::{Error, Services};
use model::{Channel, DiscountRejection, Email, Product, Quantity};
use secrecy::SecretString;

pub async fn guest(services: &Services) -> (Shopper, SecretString) {
    let (session, token) = services.sessions.start(Channel::Web, "test", None).await.unwrap();
    (Shopper::Guest { session_id: session.info.id }, token)
}

pub async fn member(services: &Services, email: &str) -> Shopper {
    let issued = services
        .identity
        .register(Email::parse(email).unwrap(), SecretString::from("correct horse battery"), "Member")
        .await
        .unwrap();
    Shopper::Member { user_id: issued.user.id }
}

/// An in-stock product of `category` with at least `min_stock` units.
pub async fn product(services: &Services, category: &str, min_stock: u32) -> Product {
    let search =
        model::SearchParams { category: Some(category.into()), per_page: Some("100".into()), ..Default::default() };
    let page = services.catalog.list(&search.parse().unwrap()).await.unwrap();
    page.items.into_iter().find(|p| p.stock >= min_stock).expect("a product with enough stock")
}

pub fn qty(n: i64) -> Quantity {
    Quantity::parse(n).unwrap()
}

#[tokio::test]
async fn adding_prices_lines_from_the_catalog_and_merges_the_same_product() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let coffee = product(&services, "coffee", 5).await;

    services.carts.add(&shopper, coffee.id.as_str(), qty(1)).await.unwrap();
    let cart = services.carts.add(&shopper, coffee.id.as_str(), qty(2)).await.unwrap();

    assert_eq!(cart.lines.len(), 1);
    assert_eq!(cart.lines[0].quantity, 3);
    assert_eq!(cart.lines[0].unit_price, coffee.price);
    assert_eq!(cart.lines[0].line_total.amount, coffee.price.amount * 3);
    assert_eq!(cart.totals.subtotal.amount, coffee.price.amount * 3);
    assert_eq!(cart.item_count, 3);
}

#[tokio::test]
async fn more_than_the_stock_is_refused_with_the_available_quantity_and_changes_nothing() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "outdoor-gear", 1).await;
    set_stock(&services, p.id.as_str(), 7).await;
    let err = services.carts.add(&shopper, p.id.as_str(), qty(8)).await.unwrap_err();
    assert!(matches!(err, Error::OutOfStock { available: 7, .. }), "{err:?}");
    assert!(services.carts.get(&shopper).await.unwrap().lines.is_empty());
}

#[tokio::test]
async fn a_line_never_holds_more_than_99() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "coffee", 1).await;
    set_stock(&services, p.id.as_str(), 500).await;
    services.carts.add(&shopper, p.id.as_str(), qty(99)).await.unwrap();
    let err = services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap_err();
    assert!(matches!(err, Error::Invalid { field: "quantity", .. }), "{err:?}");
}

#[tokio::test]
async fn lines_are_updated_and_removed_only_in_their_own_cart() {
    let services = seeded().await;
    let (mine, _) = guest(&services).await;
    let (theirs, _) = guest(&services).await;
    let p = product(&services, "coffee", 5).await;
    let cart = services.carts.add(&mine, p.id.as_str(), qty(1)).await.unwrap();
    let line = cart.lines[0].id.clone();

    assert!(matches!(services.carts.set_quantity(&theirs, &line, qty(2)).await, Err(Error::NotFound(_))));
    assert!(matches!(services.carts.remove(&theirs, &line).await, Err(Error::NotFound(_))));

    let cart = services.carts.set_quantity(&mine, &line, qty(4)).await.unwrap();
    assert_eq!(cart.lines[0].quantity, 4);
    let cart = services.carts.remove(&mine, &line).await.unwrap();
    assert!(cart.lines.is_empty());
}

#[tokio::test]
async fn discount_codes_apply_and_refusals_say_why() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let reason = |e: Error| match e {
        Error::InvalidDiscount(r) => r,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // Empty cart: nothing to discount.
    assert_eq!(
        reason(services.carts.apply_discount(&shopper, "WELCOME10").await.unwrap_err()),
        DiscountRejection::NotApplicable
    );

    let tent = product(&services, "outdoor-gear", 1).await;
    services.carts.add(&shopper, tent.id.as_str(), qty(1)).await.unwrap();
    assert_eq!(reason(services.carts.apply_discount(&shopper, "NOPE").await.unwrap_err()), DiscountRejection::Unknown);
    assert_eq!(
        reason(services.carts.apply_discount(&shopper, "coffee15").await.unwrap_err()),
        DiscountRejection::NotApplicable
    );
    let expired = services
        .store
        .client()
        .query("SELECT VALUE code FROM discount WHERE ends_at != NONE AND ends_at < time::now()")
        .await
        .unwrap()
        .take::<Vec<String>>(0)
        .unwrap();
    assert_eq!(
        reason(services.carts.apply_discount(&shopper, &expired[0]).await.unwrap_err()),
        DiscountRejection::Expired
    );
    let used_up = services
        .store
        .client()
        .query("SELECT VALUE code FROM discount WHERE usage_limit != NONE AND used_count >= usage_limit")
        .await
        .unwrap()
        .take::<Vec<String>>(0)
        .unwrap();
    assert_eq!(
        reason(services.carts.apply_discount(&shopper, &used_up[0]).await.unwrap_err()),
        DiscountRejection::UsedUp
    );

    let cart = services.carts.apply_discount(&shopper, " welcome10 ").await.unwrap();
    assert_eq!(cart.discount_code.as_deref(), Some("WELCOME10"));
    let expected = (tent.price.amount * 10 + 50) / 100;
    assert_eq!(cart.totals.discount.amount, expected);
    assert_eq!(
        cart.totals.total.amount,
        cart.totals.subtotal.amount - cart.totals.discount.amount
            + cart.totals.shipping.amount
            + cart.totals.tax.amount
    );
    let cart = services.carts.remove_discount(&shopper).await.unwrap();
    assert_eq!((cart.discount_code, cart.totals.discount.amount), (None, 0));
}

#[tokio::test]
async fn a_code_that_stops_qualifying_stays_but_takes_nothing_off_and_says_why() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let tent = product(&services, "outdoor-gear", 2).await;
    // Priced so two of them clear SAVE20's $150 minimum.
    crate::helpers::set_price(&services, tent.id.as_str(), 9_999).await;
    services.carts.add(&shopper, tent.id.as_str(), qty(2)).await.unwrap();
    let cart = services.carts.apply_discount(&shopper, "SAVE20").await.unwrap();
    assert_eq!(cart.totals.discount.amount, 2_000);
    crate::helpers::set_price(&services, tent.id.as_str(), 100).await;
    let cart = services.carts.get(&shopper).await.unwrap();
    assert_eq!(cart.discount_code.as_deref(), Some("SAVE20"));
    assert_eq!(cart.totals.discount.amount, 0);
    assert!(cart.discount_note.unwrap().contains("$150.00"));
}

#[tokio::test]
async fn promotion_merges_the_guest_cart_into_the_members_cart_once() {
    let services = seeded().await;
    let member_shopper = member(&services, "merge@example.com").await;
    let Shopper::Member { user_id } = member_shopper.clone() else { unreachable!() };
    let shared = product(&services, "coffee", 10).await;
    let only_guest = product(&services, "outdoor-gear", 1).await;
    services.carts.add(&member_shopper, shared.id.as_str(), qty(2)).await.unwrap();

    let (guest_shopper, token) = guest(&services).await;
    services.carts.add(&guest_shopper, shared.id.as_str(), qty(3)).await.unwrap();
    services.carts.add(&guest_shopper, only_guest.id.as_str(), qty(1)).await.unwrap();
    services.carts.apply_discount(&guest_shopper, "WELCOME10").await.unwrap();

    let promotion = services.sessions.promote(&token, &user_id).await.unwrap().unwrap();
    assert!(promotion.promoted);
    assert!(promotion.merged.contains(&("cart".to_string(), 2)), "{:?}", promotion.merged);

    let cart = services.carts.get(&member_shopper).await.unwrap();
    let qty_of = |id: &str| cart.lines.iter().find(|l| l.product_id.as_str() == id).map(|l| l.quantity);
    assert_eq!(qty_of(shared.id.as_str()), Some(5));
    assert_eq!(qty_of(only_guest.id.as_str()), Some(1));
    assert_eq!(cart.lines.len(), 2);
    assert_eq!(cart.discount_code.as_deref(), Some("WELCOME10"));
    assert!(services.carts.get(&guest_shopper).await.unwrap().lines.is_empty());

    let rotated = promotion.token.clone().expect("the promoted session's new token");
    let again = services.sessions.promote(&rotated, &user_id).await.unwrap().unwrap();
    assert!(!again.promoted);
    assert!(again.merged.iter().all(|(_, n)| *n == 0), "{:?}", again.merged);
    assert_eq!(services.carts.get(&member_shopper).await.unwrap(), cart);
    assert_eq!(count(&services.store, "cart_line", "true").await, 2);
}

#[tokio::test]
async fn merged_quantities_are_capped_by_stock() {
    let services = seeded().await;
    let member_shopper = member(&services, "cap@example.com").await;
    let Shopper::Member { user_id } = member_shopper.clone() else { unreachable!() };
    let p = product(&services, "coffee", 1).await;
    set_stock(&services, p.id.as_str(), 4).await;
    services.carts.add(&member_shopper, p.id.as_str(), qty(3)).await.unwrap();
    let (guest_shopper, token) = guest(&services).await;
    services.carts.add(&guest_shopper, p.id.as_str(), qty(3)).await.unwrap();

    services.sessions.promote(&token, &user_id).await.unwrap();

    assert_eq!(services.carts.get(&member_shopper).await.unwrap().lines[0].quantity, 4);
}

#[tokio::test]
async fn a_members_cart_is_the_same_on_every_session() {
    let services = seeded().await;
    let shopper = member(&services, "omni@example.com").await;
    let p = product(&services, "coffee", 2).await;
    services.carts.add(&shopper, p.id.as_str(), qty(2)).await.unwrap();
    // Another device is the same principal: the cart key depends on the user only.
    let other_device = shopper.clone();
    assert_eq!(services.carts.get(&other_device).await.unwrap().item_count, 2);
}
