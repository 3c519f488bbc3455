//! Mail: the outbox is written in the event's own transaction, the worker delivers through a
//! real SMTP server (aiosmtpd, started by the test), retries with backoff, gives up into a dead
//! state an admin can retry, and loses nothing across a restart.

use crate::cart::{guest, member, product, qty};
use crate::checkout::request;
use crate::helpers::{outbox, seeded};
use engine::mail::{MailWorker, OutboxStatus, RetryPolicy, SmtpMailer};
use engine::Services;
use model::OrderStatus;
use smtp_sink::{Behaviour, SmtpSink};
use std::sync::Arc;
use std::time::Duration;

fn quick() -> RetryPolicy {
    RetryPolicy {
        first_delay: Duration::from_millis(30),
        max_delay: Duration::from_millis(200),
        max_attempts: 3,
        poll: Duration::from_millis(20),
    }
}

fn worker(services: &Services, sink: &SmtpSink, policy: RetryPolicy) -> MailWorker {
    let from = engine::mail::transport::parse_from("Waypoint Market <shop@waypoint.test>").unwrap();
    MailWorker::new(services.outbox.clone(), Arc::new(SmtpMailer::from_url(&sink.url(), from).unwrap()), policy)
}

/// Drains until nothing is pending (or two seconds passed).
async fn drain(worker: &MailWorker, services: &Services) {
    for _ in 0..100 {
        worker.drain_once().await.unwrap();
        if services.outbox.list(OutboxStatus::Pending, 10).await.unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn guest_order(services: &Services) -> model::PlacedOrder {
    let (shopper, _) = guest(services).await;
    let p = product(services, "coffee", 2).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
    services.checkout.place(&shopper, "mail-key", &request("4242 4242 4242 4242")).await.unwrap().placed
}

#[tokio::test]
async fn a_placed_order_queues_its_receipt_and_a_declined_one_queues_nothing() {
    let services = seeded().await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "coffee", 2).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
    assert!(services.checkout.place(&shopper, "declined", &request("4000 0000 0000 0002")).await.is_err());
    assert!(outbox(&services.store).await.is_empty(), "no order, no receipt");

    let placed = services.checkout.place(&shopper, "paid", &request("4242 4242 4242 4242")).await.unwrap().placed;

    let queued = outbox(&services.store).await;
    assert_eq!(queued.len(), 1);
    let receipt = &queued[0];
    assert_eq!(
        (receipt.kind.as_str(), receipt.recipient.as_str(), receipt.status.as_str()),
        ("order_receipt", "buyer@example.com", "pending")
    );
    let text = receipt.body_text.as_deref().unwrap();
    let token = placed.access_token.unwrap();
    assert!(
        text.contains(&format!("/orders/{}?token={token}", placed.order.id)),
        "the guest link opens the order: {text}"
    );
    assert!(text.contains(&p.name) && text.contains(&placed.order.totals.total.to_string()));
    assert!(text.contains("Ada Buyer") && text.contains("62701 Springfield"), "the address: {text}");
}

#[tokio::test]
async fn the_worker_delivers_through_a_real_smtp_server_and_keeps_no_body_once_sent() {
    let services = seeded().await;
    let sink = SmtpSink::start();
    let placed = guest_order(&services).await;

    let worker = worker(&services, &sink, quick());
    drain(&worker, &services).await;

    let got = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt_tos, vec!["buyer@example.com"]);
    assert!(got[0].subject.contains(&placed.order.id));
    assert!(got[0].from.contains("shop@waypoint.test"));
    assert!(got[0].link("http://127.0.0.1:8000/orders/").unwrap().contains("?token="));
    assert!(got[0].html.contains("<table>"), "an HTML part too");
    assert!(!got[0].html.contains("<img"), "no tracking pixels");
    let row = &outbox(&services.store).await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 1));
    assert!(row.body_text.is_none() && row.body_html.is_none(), "the guest link is not kept after sending");
    assert!(got[0].message_id.contains(&row.id), "the Message-ID names the outbox row");
}

#[tokio::test]
async fn a_transient_refusal_is_retried_with_backoff_until_it_is_delivered() {
    let services = seeded().await;
    let sink = SmtpSink::start_with(Behaviour::FailFirst(2));
    guest_order(&services).await;

    let worker = worker(&services, &sink, quick());
    worker.drain_once().await.unwrap();
    let first = &outbox(&services.store).await[0];
    assert_eq!((first.status.as_str(), first.attempts), ("pending", 1), "kept for another attempt");
    worker.drain_once().await.unwrap();
    assert_eq!(outbox(&services.store).await[0].attempts, 1, "not due yet: the backoff holds it back");
    drain(&worker, &services).await;

    assert_eq!(sink.wait_for(1, Duration::from_secs(5)).await.len(), 1);
    let row = &outbox(&services.store).await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 3));
}

#[tokio::test]
async fn a_message_that_keeps_failing_goes_dead_and_an_admins_retry_sends_it() {
    let services = seeded().await;
    guest_order(&services).await;
    let down = SmtpSink::start_with(Behaviour::FailFirst(100));

    let failing = worker(&services, &down, quick());
    drain(&failing, &services).await;

    let dead = services.outbox.list(OutboxStatus::Dead, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].attempts, dead[0].kind.as_str()), (3, "order_receipt"));
    assert!(dead[0].last_error.as_deref().unwrap().contains("451"), "{:?}", dead[0].last_error);
    assert!(matches!(services.outbox.retry("nope").await, Err(engine::Error::NotFound(_))));

    let retried = services.outbox.retry(&dead[0].id).await.unwrap();
    assert_eq!((retried.status.as_str(), retried.attempts), ("pending", 0));
    assert!(matches!(services.outbox.retry(&dead[0].id).await, Err(engine::Error::Conflict(_))), "only dead ones");
    let up = SmtpSink::start();
    drain(&worker(&services, &up, quick()), &services).await;
    assert_eq!(up.wait_for(1, Duration::from_secs(5)).await.len(), 1);
    assert!(services.outbox.list(OutboxStatus::Dead, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_permanent_refusal_is_dead_at_once() {
    let services = seeded().await;
    guest_order(&services).await;
    let sink = SmtpSink::start_with(Behaviour::Reject);
    worker(&services, &sink, quick()).drain_once().await.unwrap();
    let dead = services.outbox.list(OutboxStatus::Dead, 10).await.unwrap();
    assert_eq!(dead.len(), 1, "a 550 will not change: no point retrying");
    assert_eq!(dead[0].attempts, 1);
}

#[tokio::test]
async fn mail_queued_before_a_restart_is_delivered_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("db").display());
    {
        let (store, _) = engine::store::Store::connect(&url).await.unwrap();
        engine::seed::run(&store, &crate::helpers::seed_options()).await.unwrap();
        let services = Services::new(store, engine::Settings::ephemeral().unwrap());
        guest_order(&services).await;
        // The process stops here before any worker ran.
    }
    let store = reopen(&url).await;
    let services = Services::new(store, engine::Settings::ephemeral().unwrap());
    let sink = SmtpSink::start();
    drain(&worker(&services, &sink, quick()), &services).await;
    let got = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    assert!(got[0].subject.contains("order"));
}

async fn reopen(url: &str) -> engine::store::Store {
    for _ in 0..50 {
        if let Ok((store, _)) = engine::store::Store::connect(url).await {
            return store;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not reopen {url}");
}

#[tokio::test]
async fn shipped_cancelled_and_refunded_orders_are_announced_and_other_moves_are_not() {
    let services = seeded().await;
    let shopper = member(&services, "notices@example.com").await;
    let order =
        crate::checkout::member_order(&services, &shopper, product(&services, "coffee", 3).await.id.as_str(), "n1")
            .await;
    services.orders.set_status(&order.id, OrderStatus::Shipped).await.unwrap();
    services.orders.set_status(&order.id, OrderStatus::Delivered).await.unwrap();
    services.orders.set_status(&order.id, OrderStatus::Refunded).await.unwrap();
    let second =
        crate::checkout::member_order(&services, &shopper, product(&services, "books", 3).await.id.as_str(), "n2")
            .await;
    services
        .orders
        .cancel(&engine::orders::OrderViewer::Member(shopper.user_id().unwrap().into()), &second.id)
        .await
        .unwrap();
    // An illegal move is refused and announces nothing.
    assert!(services.orders.set_status(&second.id, OrderStatus::Shipped).await.is_err());

    let kinds: Vec<String> = outbox(&services.store)
        .await
        .into_iter()
        .filter(|m| m.recipient == "notices@example.com")
        .map(|m| m.kind)
        .collect();
    assert_eq!(
        kinds,
        vec!["verify_email", "order_receipt", "order_shipped", "order_refunded", "order_receipt", "order_cancelled"]
    );
}

#[tokio::test]
async fn a_guests_status_notice_carries_the_orders_current_link() {
    let services = seeded().await;
    let placed = guest_order(&services).await;
    services.orders.set_status(&placed.order.id, OrderStatus::Shipped).await.unwrap();
    let notice = outbox(&services.store).await.into_iter().find(|m| m.kind == "order_shipped").unwrap();
    let link = format!("/orders/{}?token={}", placed.order.id, placed.access_token.as_deref().unwrap());
    assert!(notice.body_text.as_deref().unwrap().contains(&link), "{:?}", notice.body_text);
    assert!(notice.body_html.as_deref().unwrap().contains(&link));
}

#[tokio::test]
async fn the_teams_reply_to_a_member_is_mailed_with_a_link_back_to_the_chat() {
    use engine::assistant::handoffs::HandoffStatus;
    let services = seeded().await;
    let shopper = member(&services, "asker2@example.com").await;
    services
        .assistant
        .process_message(&shopper, "s1", model::Channel::Web, "let me talk to a real person")
        .await
        .unwrap();
    let open = services.assistant.handoffs(HandoffStatus::Open).await.unwrap();
    services.assistant.reply_to_handoff(&open[0].id, "Ada", "Your parcel left today <3").await.unwrap();

    let mail = outbox(&services.store).await.into_iter().find(|m| m.kind == "handoff_reply").unwrap();
    assert_eq!(mail.recipient, "asker2@example.com");
    let text = mail.body_text.unwrap();
    assert!(text.contains("Your parcel left today <3") && text.contains("/?chat=open"), "{text}");
    assert!(mail.body_html.unwrap().contains("Your parcel left today &lt;3"));
}
