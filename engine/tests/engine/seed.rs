use crate::helpers::{count, seed_options, seeded};
use engine::store::Store;

#[tokio::test]
async fn seeding_twice_adds_nothing_the_second_time() {
    let store = Store::in_memory().await.unwrap();
    let first = engine::seed::run(&store, &seed_options()).await.unwrap();
    let second = engine::seed::run(&store, &seed_options()).await.unwrap();
    assert!(first.products_added >= 300);
    assert_eq!(second.products_added, 0);
    assert_eq!(second.products_total, first.products_total);
    assert!(second.generated.is_empty(), "no account is created twice");
    assert_eq!(count(&store, "user", "true").await, 2);
}

#[tokio::test]
async fn a_missing_password_is_generated_once_and_a_given_one_is_used() {
    let store = Store::in_memory().await.unwrap();
    let report = engine::seed::run(&store, &seed_options()).await.unwrap();
    let emails: Vec<_> = report.generated.iter().map(|g| g.email.as_str()).collect();
    assert_eq!(emails, ["demo@example.com"], "only the demo password was left to generate");
}

#[tokio::test]
async fn the_seed_brings_policies_faq_and_at_least_five_discount_codes() {
    let services = seeded().await;
    let store = &services.store;
    assert_eq!(count(store, "policy", "true").await, 5);
    assert!(count(store, "faq", "true").await >= 5);
    assert!(count(store, "discount", "true").await >= 5);
}

#[tokio::test]
async fn seed_emails_are_stored_lower_cased() {
    let services = seeded().await;
    assert_eq!(count(&services.store, "user", "email = 'admin@example.com'").await, 1);
}
