//! Orders: reading them (owner, guest token or admin), the status machine with a tracking event
//! per transition, cancellation with restock and refund, guest orders joining an account, and a
//! guest's order links mailed again.

pub(crate) mod guest_links;
pub(crate) mod record;
pub use guest_links::GuestLinks;

use crate::catalog::index::ListingIndex;
use crate::catalog::stock;
use crate::identity::opaque::hash_of;
use crate::memory::signals::{Signal, SignalKind};
use crate::payments::PaymentProvider;
use crate::shopper::Shopper;
use crate::store::tx::Tx;
use crate::store::Store;
use crate::{Error, Result};
use model::{Currency, Money, Order, OrderStatus};
use record::{OrderRow, ORDER_FIELDS};
use secrecy::SecretString;
use std::sync::Arc;
use surrealdb::types::SurrealValue;

/// Orders the dashboard and `GET /v1/admin/orders` list at once.
pub const ADMIN_LIST_LIMIT: u32 = 200;

/// Who is reading or acting on an order.
#[derive(Debug, Clone)]
pub enum OrderViewer {
    /// A signed-in user: only their own orders.
    Member(String),
    /// Whoever holds the order's guest access token.
    Guest(SecretString),
    /// An admin: every order.
    Admin,
}

/// What shows that guest orders belong to an account.
#[derive(Debug, Clone, Copy)]
pub enum Proof<'a> {
    /// The account proved it owns this address (orders placed with it join).
    VerifiedEmail(&'a str),
    /// The account's sign-in promoted the guest session that placed them (`session:<id>`).
    PlacedBy(&'a str),
}

/// Orders over the store.
#[derive(Clone, Debug)]
pub struct Orders {
    store: Store,
    payments: Arc<dyn PaymentProvider>,
    listing: ListingIndex,
    memory: crate::memory::SignalSender,
    letters: crate::mail::Letters,
    links: GuestLinks,
}

/// `WHERE …` restricting to what `viewer` may see, with the value it binds as `$who`.
fn visible_to(viewer: &OrderViewer) -> (&'static str, String) {
    match viewer {
        OrderViewer::Member(user) => ("WHERE user_id = $who", user.clone()),
        OrderViewer::Guest(token) => ("WHERE access_hash = $who AND access_expires_at > $now", hash_of(token)),
        OrderViewer::Admin => ("", String::new()),
    }
}

impl Orders {
    /// Orders over `store`, refunding through `payments`.
    pub fn new(
        store: Store,
        payments: Arc<dyn PaymentProvider>,
        listing: ListingIndex,
        memory: crate::memory::SignalSender,
        letters: crate::mail::Letters,
        links: GuestLinks,
    ) -> Self {
        Self { store, payments, listing, memory, letters, links }
    }

    /// A user's orders, newest first.
    pub async fn list(&self, user_id: &str) -> Result<Vec<Order>> {
        let sql = format!("SELECT {ORDER_FIELDS} FROM orders WHERE user_id = $user ORDER BY placed_at DESC LIMIT 200");
        let mut res = self.store.query(sql).bind(("user", user_id.to_string())).await?;
        let rows: Vec<OrderRow> = res.take(0)?;
        rows.into_iter().map(OrderRow::into_model).collect()
    }

    /// Every order, newest first (admin dashboard), optionally of one status; at most `limit`.
    pub async fn list_all(&self, status: Option<OrderStatus>, limit: u32) -> Result<Vec<Order>> {
        let filter = if status.is_some() { "WHERE status = $status" } else { "" };
        let sql = format!("SELECT {ORDER_FIELDS} FROM orders {filter} ORDER BY placed_at DESC LIMIT $limit");
        let mut res = self
            .store
            .query(sql)
            .bind(("status", status.map(|s| s.as_str()).unwrap_or_default()))
            .bind(("limit", i64::from(limit)))
            .await?;
        let rows: Vec<OrderRow> = res.take(0)?;
        rows.into_iter().map(OrderRow::into_model).collect()
    }

    /// One order, if `viewer` may see it; otherwise `NotFound` (never a hint that it exists).
    pub async fn get(&self, viewer: &OrderViewer, order_id: &str) -> Result<Order> {
        let (condition, who) = visible_to(viewer);
        let sql = format!("SELECT {ORDER_FIELDS} FROM type::record('orders', $id) {condition}");
        let mut res = self.store.query(sql).bind(("id", order_id.to_string())).bind(("who", who)).await?;
        let row: Option<OrderRow> = res.take(0)?;
        row.ok_or(Error::NotFound("order"))?.into_model()
    }

    /// Cancels an order the viewer may see, if it has not shipped: stock goes back and the
    /// payment is refunded.
    pub async fn cancel(&self, viewer: &OrderViewer, order_id: &str) -> Result<Order> {
        self.get(viewer, order_id).await?;
        self.transition(order_id, OrderStatus::Cancelled).await
    }

    /// Moves an order to `next` (admin), recording a tracking event; the status machine decides.
    pub async fn set_status(&self, order_id: &str, next: OrderStatus) -> Result<Order> {
        self.transition(order_id, next).await
    }

    async fn transition(&self, order_id: &str, next: OrderStatus) -> Result<Order> {
        let current = self.get(&OrderViewer::Admin, order_id).await?;
        if !current.status.can_become(next) {
            return Err(Error::InvalidTransition { current: current.status, requested: next });
        }
        // Conditional on the status we judged, so two racing transitions cannot both apply.
        let restock = next == OrderStatus::Cancelled;
        // The notice is queued by the transition's own transaction: no move goes unannounced.
        let guest_link = self.links.current(&self.store, order_id).await?;
        let token = guest_link.as_ref().map(secrecy::ExposeSecret::expose_secret);
        let mail = self.letters.composer.status_notice(&current, next, token);
        let queues_mail = mail.is_some();
        let mut tx = Tx::begin();
        tx.push(
            "LET $moved = (UPDATE type::record('orders', $id)
                 SET status = $next, events += { status: $next, at: <string> $now }
                 WHERE status = $current RETURN VALUE lines);
             LET $did_move = array::len($moved) > 0;",
        )
        .bind("id", order_id.to_string())
        .bind("next", next.as_str())
        .bind("current", current.status.as_str());
        if restock {
            stock::give_back(&mut tx, "moved");
        }
        crate::mail::outbox::queue(&mut tx, mail, Some("did_move"));
        tx.push("RETURN array::len($moved);");
        let mut res = tx.commit(&self.store).await?.check()?;
        let last = res.num_statements().saturating_sub(2);
        let moved: Option<i64> = res.take(last)?;
        if moved.unwrap_or(0) == 0 {
            let now = self.get(&OrderViewer::Admin, order_id).await?;
            return Err(Error::InvalidTransition { current: now.status, requested: next });
        }
        if restock {
            self.listing.mark_stale();
        }
        if queues_mail {
            self.letters.outbox.wake();
        }
        if matches!(next, OrderStatus::Cancelled | OrderStatus::Refunded) {
            self.refund(order_id).await;
            self.remember_undone(order_id, next).await;
        }
        self.get(&OrderViewer::Admin, order_id).await
    }

    /// A cancelled or returned order counts against its products in the buyer's memory: the
    /// account's once the order joined one, else the guest session's that placed it.
    async fn remember_undone(&self, order_id: &str, next: OrderStatus) {
        #[derive(SurrealValue)]
        struct Buyer {
            user_id: Option<String>,
            placed_by: Option<String>,
            products: Vec<String>,
        }
        let buyer = async {
            let mut res = self
                .store
                .query("SELECT user_id, placed_by, lines.product_id AS products FROM ONLY type::record('orders', $id)")
                .bind(("id", order_id.to_string()))
                .await?;
            Ok::<_, Error>(res.take::<Option<Buyer>>(0)?)
        }
        .await;
        let Ok(Some(Buyer { user_id, placed_by, products })) = buyer else { return };
        let guest = placed_by.as_deref().and_then(|p| p.strip_prefix("session:"));
        let shopper = match (user_id, guest) {
            (Some(user_id), _) => Shopper::Member { user_id },
            (None, Some(session_id)) => Shopper::Guest { session_id: session_id.to_string() },
            (None, None) => return,
        };
        let kind = if next == OrderStatus::Cancelled { SignalKind::Cancel } else { SignalKind::Return };
        for p in products {
            self.memory.record(&shopper, Signal::product(kind, &p)).await;
        }
    }

    /// Gives the order's payment back. A failure is logged for an operator; the order's status
    /// already says the money is owed back.
    async fn refund(&self, order_id: &str) {
        let charge = async {
            let mut res = self
                .store
                .query("SELECT VALUE payment_ref FROM type::record('orders', $id)")
                .bind(("id", order_id.to_string()))
                .await?;
            let refs: Vec<String> = res.take(0)?;
            Ok::<_, Error>(refs.into_iter().next())
        };
        match charge.await {
            Ok(Some(charge)) => {
                if let Err(e) = self.payments.refund(&charge).await {
                    tracing::error!(order = order_id, error = %e, "refund failed; needs an operator");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(order = order_id, error = %crate::error::error_chain(&e), "refund lookup failed"),
        }
    }

    /// Guest orders that `proof` shows to be `user_id`'s join the account (on sign-in and on
    /// verification). Without proof, nothing joins: registering someone else's address shows
    /// none of their orders.
    pub async fn claim_guest_orders(&self, user_id: &str, proof: Proof<'_>) -> Result<u64> {
        let (condition, value) = match proof {
            Proof::VerifiedEmail(email) => ("email = $value", email),
            Proof::PlacedBy(placed_by) => ("placed_by = $value", placed_by),
        };
        let mut res = self
            .store
            .query(format!("UPDATE orders SET user_id = $user WHERE {condition} AND user_id = NONE RETURN VALUE id"))
            .bind(("user", user_id.to_string()))
            .bind(("value", value.to_string()))
            .await?
            .check()?;
        let claimed: Vec<surrealdb::types::Value> = res.take(0)?;
        Ok(claimed.len() as u64)
    }

    /// Mails new links to the guest orders placed with `email` (the latest 20 that have not
    /// joined an account); the earlier links stop working. The answer is the same whether or
    /// not there are any, so nobody learns where someone shops. Throttled per address and per
    /// `client`.
    pub async fn mail_guest_links(&self, email: &str, client: &str) -> Result<()> {
        let email = model::Email::parse(email).map_err(|e| Error::invalid("email", e.to_string()))?;
        crate::throttle::hit(&self.store, crate::throttle::GUEST_LINKS_PER_CLIENT, client).await?;
        crate::throttle::hit(&self.store, crate::throttle::GUEST_LINKS_PER_EMAIL, email.as_str()).await?;
        #[derive(SurrealValue)]
        struct GuestOrder {
            id: String,
            placed_at: String,
            total: i64,
            currency: String,
            access_issued: Option<i64>,
        }
        let mut res = self
            .store
            .query(
                "SELECT record::id(id) AS id, <string> placed_at AS placed_at, total, currency, access_issued FROM orders
                 WHERE email = $email AND user_id = NONE AND access_hash != NONE ORDER BY placed_at DESC LIMIT 20",
            )
            .bind(("email", email.as_str().to_string()))
            .await?;
        let found: Vec<GuestOrder> = res.take(0)?;
        if found.is_empty() {
            return Ok(());
        }
        let now = self.store.clock().now_unix();
        let mut links = Vec::new();
        let mut listed = Vec::new();
        for order in found {
            // Always a later moment than the link it replaces, so the old token changes.
            let link = self.links.issue(&order.id, now.max(order.access_issued.unwrap_or(0) + 1));
            let currency = Currency::parse(&order.currency)
                .map_err(|_| Error::invalid("currency", "stored currency is unknown"))?;
            let total = Money::new(order.total, currency);
            listed.push((
                order.id.clone(),
                order.placed_at,
                total,
                secrecy::ExposeSecret::expose_secret(&link.token).to_string(),
            ));
            links.push(serde_json::json!({ "id": order.id, "hash": link.hash, "issued": link.issued }));
        }
        let mail = self.letters.composer.order_links(email.as_str(), &listed);
        // The new links and their mail in one transaction: no link without its mail.
        let mut tx = Tx::begin();
        tx.push(
            "FOR $l IN $links {
                 UPDATE type::record('orders', $l.id) SET access_hash = $l.hash, access_issued = $l.issued,
                     access_expires_at = $now + <duration> $lifetime;
             };",
        )
        .bind("links", links)
        .bind("lifetime", self.links.lifetime());
        crate::mail::outbox::queue(&mut tx, Some(mail), None);
        tx.commit(&self.store).await?.check()?;
        self.letters.outbox.wake();
        Ok(())
    }
}
