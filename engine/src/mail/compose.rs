//! The shop's messages, each in plain text and HTML: order receipt, shipped / cancelled /
//! refunded notices, the team's reply to a hand-off, email verification, password reset and a
//! guest's new order links.
//! No tracking pixels, no remote images; every link points at the shop's own public address.

use super::outbox::{Mail, MailKind};
use model::{Money, Order, OrderStatus};
use std::fmt::Write as _;
use std::sync::Arc;

/// What every message says about the shop.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The shop's name, in subjects and signatures (`SHOP_NAME`).
    pub shop_name: String,
    /// Where shoppers reach the shop, for links in mail (`PUBLIC_URL`, no trailing slash).
    pub public_url: String,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self { shop_name: "Waypoint Market".into(), public_url: "http://127.0.0.1:8000".into() }
    }
}

/// Composes messages; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Composer {
    settings: Arc<MailSettings>,
}

/// Hours a verification link lives.
pub const VERIFY_HOURS: u32 = 24;
/// Minutes a password-reset link lives.
pub const RESET_MINUTES: u32 = 30;

impl Composer {
    /// A composer for the shop `settings` describe.
    pub fn new(settings: MailSettings) -> Self {
        let public_url = settings.public_url.trim_end_matches('/').to_string();
        Self { settings: Arc::new(MailSettings { public_url, ..settings }) }
    }

    /// The shop's public address, for links.
    pub fn public_url(&self) -> &str {
        &self.settings.public_url
    }

    /// The receipt for a placed order; `guest_token` makes its link open the order without an
    /// account.
    pub fn receipt(&self, order: &Order, guest_token: Option<&str>) -> Mail {
        let link = self.order_link(&order.id, guest_token);
        let subject = format!("Your {} order {}", self.settings.shop_name, order.id);
        let mut text =
            format!("Thank you for your order.\n\nOrder {} (placed {})\n\n", order.id, day(&order.placed_at));
        let mut rows = String::new();
        for line in &order.lines {
            let _ = writeln!(text, "  {} x {}  {}", line.quantity, line.name, line.line_total);
            let _ = write!(
                rows,
                "<tr><td>{} &times; {}</td><td style=\"text-align:right\">{}</td></tr>",
                line.quantity,
                escape(&line.name),
                line.line_total
            );
        }
        let t = &order.totals;
        let mut sums = vec![("Subtotal", t.subtotal.to_string())];
        if t.discount.amount > 0 {
            let code = order.discount_code.as_deref().unwrap_or("discount");
            sums.push(("Discount", format!("-{} ({code})", t.discount)));
        }
        sums.push(("Shipping", format!("{} ({})", t.shipping, order.shipping_method.as_str())));
        sums.push(("Tax", t.tax.to_string()));
        sums.push(("Total", t.total.to_string()));
        text.push('\n');
        for (label, value) in &sums {
            let _ = writeln!(text, "  {label}: {value}");
            let _ = write!(rows, "<tr><td>{label}</td><td style=\"text-align:right\">{}</td></tr>", escape(value));
        }
        let address = address_lines(order);
        let _ = write!(
            text,
            "\nShipping to:\n  {}\n\nPaid with the card ending {}.\n\nSee your order and follow its delivery:\n{link}\n",
            address.join("\n  "),
            order.card_last4
        );
        let html_address: Vec<String> = address.iter().map(|l| escape(l)).collect();
        let html = format!(
            "<p>Thank you for your order.</p><h2>Order {id}</h2><table>{rows}</table>\
             <p><strong>Shipping to</strong><br>{addr}</p><p>Paid with the card ending {last4}.</p>\
             <p><a href=\"{link}\">See your order and follow its delivery</a></p>",
            id = escape(&order.id),
            addr = html_address.join("<br>"),
            last4 = escape(&order.card_last4),
            link = escape(&link),
        );
        self.mail(MailKind::OrderReceipt, &order.email, subject, text, html)
    }

    /// The notice for an order that moved to `status`, when that is news to the shopper
    /// (shipped, cancelled, refunded); `None` for the others. `guest_token` (a guest order's
    /// current link) makes its link open the order without an account.
    pub fn status_notice(&self, order: &Order, status: OrderStatus, guest_token: Option<&str>) -> Option<Mail> {
        let (kind, headline, detail) = match status {
            OrderStatus::Shipped => (MailKind::OrderShipped, "is on its way", "It has left our warehouse."),
            OrderStatus::Cancelled => (
                MailKind::OrderCancelled,
                "was cancelled",
                "Nothing will ship, and the full amount goes back to your card.",
            ),
            OrderStatus::Refunded => {
                (MailKind::OrderRefunded, "was refunded", "The full amount goes back to your card.")
            }
            _ => return None,
        };
        // A guest's order opens with its current link; a member's through the account.
        let link = self.order_link(&order.id, guest_token);
        let subject = format!("Your {} order {} {headline}", self.settings.shop_name, order.id);
        let see = if guest_token.is_some() { "See your order" } else { "Signed in, you can see it here" };
        let text = format!(
            "Your order {id} ({total}) {headline}. {detail}\n\n{see}: {link}\n",
            id = order.id,
            total = order.totals.total,
        );
        let html = format!(
            "<p>Your order {id} ({total}) {headline}. {detail}</p><p><a href=\"{link}\">See your order</a></p>",
            id = escape(&order.id),
            total = order.totals.total,
            link = escape(&link),
        );
        Some(self.mail(kind, &order.email, subject, text, html))
    }

    /// The team's reply to a request for a person, with a link back to the chat.
    pub fn handoff_reply(&self, to: &str, reply: &str) -> Mail {
        let link = format!("{}/?chat=open", self.settings.public_url);
        let subject = format!("{} replied to your question", self.settings.shop_name);
        let text = format!("Our team answered you:\n\n{reply}\n\nContinue the conversation: {link}\n");
        let html = format!(
            "<p>Our team answered you:</p><blockquote>{}</blockquote><p><a href=\"{}\">Continue the conversation</a></p>",
            escape(reply).replace('\n', "<br>"),
            escape(&link)
        );
        self.mail(MailKind::HandoffReply, to, subject, text, html)
    }

    /// The link that proves `to` belongs to the account.
    pub fn verify_email(&self, to: &str, name: &str, token: &str) -> Mail {
        let link = format!("{}/verify?token={token}", self.settings.public_url);
        let subject = format!("Confirm your email for {}", self.settings.shop_name);
        let text = format!(
            "Hello {name},\n\nplease confirm that this is your email address by opening this link \
             (valid {VERIFY_HOURS} hours):\n\n{link}\n\nIf you did not ask for this, ignore this message.\n"
        );
        let html = format!(
            "<p>Hello {name},</p><p>please confirm that this is your email address (the link is valid \
             {VERIFY_HOURS} hours):</p><p><a href=\"{link}\">Confirm my email</a></p>\
             <p>If you did not ask for this, ignore this message.</p>",
            name = escape(name),
            link = escape(&link)
        );
        self.mail(MailKind::VerifyEmail, to, subject, text, html)
    }

    /// The link that sets a new password.
    pub fn password_reset(&self, to: &str, name: &str, token: &str) -> Mail {
        let link = format!("{}/reset?token={token}", self.settings.public_url);
        let subject = format!("Reset your {} password", self.settings.shop_name);
        let text = format!(
            "Hello {name},\n\nsomeone (hopefully you) asked to reset your password. Choose a new one here \
             (valid {RESET_MINUTES} minutes, once):\n\n{link}\n\nIf you did not ask for this, ignore this \
             message: your password stays as it is.\n"
        );
        let html = format!(
            "<p>Hello {name},</p><p>someone (hopefully you) asked to reset your password. The link is valid \
             {RESET_MINUTES} minutes, once:</p><p><a href=\"{link}\">Choose a new password</a></p>\
             <p>If you did not ask for this, ignore this message: your password stays as it is.</p>",
            name = escape(name),
            link = escape(&link)
        );
        self.mail(MailKind::PasswordReset, to, subject, text, html)
    }

    /// New links to the guest orders placed with `to` (id, day placed, total, token), newest
    /// first; the earlier links stop working.
    pub fn order_links(&self, to: &str, orders: &[(String, String, Money, String)]) -> Mail {
        let subject = format!("Your {} orders", self.settings.shop_name);
        let mut text = String::from(
            "Here are new links to the orders placed with this address. Earlier links no longer work.\n\n",
        );
        let mut items = String::new();
        for (id, placed_at, total, token) in orders {
            let link = self.order_link(id, Some(token));
            let _ = writeln!(text, "Order {id} ({}, {total}):\n{link}\n", day(placed_at));
            let _ = write!(
                items,
                "<li><a href=\"{}\">Order {}</a> ({}, {})</li>",
                escape(&link),
                escape(id),
                escape(day(placed_at)),
                total
            );
        }
        let _ = writeln!(text, "If you did not ask for these, you can ignore this message.");
        let html = format!(
            "<p>Here are new links to the orders placed with this address. Earlier links no longer work.</p>\
             <ul>{items}</ul><p>If you did not ask for these, you can ignore this message.</p>"
        );
        self.mail(MailKind::OrderLinks, to, subject, text, html)
    }

    fn order_link(&self, order_id: &str, guest_token: Option<&str>) -> String {
        match guest_token {
            Some(token) => format!("{}/orders/{order_id}?token={token}", self.settings.public_url),
            None => format!("{}/orders/{order_id}", self.settings.public_url),
        }
    }

    fn mail(&self, kind: MailKind, to: &str, subject: String, text: String, html: String) -> Mail {
        let shop = &self.settings.shop_name;
        Mail {
            kind: kind.as_str().to_string(),
            recipient: to.to_string(),
            subject,
            body_text: format!("{text}\n-- \n{shop}\n{}\n", self.settings.public_url),
            body_html: format!(
                "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">{html}<hr><p>{}<br>{}</p></body></html>",
                escape(shop),
                escape(&self.settings.public_url)
            ),
        }
    }
}

fn address_lines(order: &Order) -> Vec<String> {
    let a = &order.shipping_address;
    let mut lines = vec![a.name.clone(), a.line1.clone()];
    lines.extend(a.line2.clone());
    let region = a.region.as_deref().map(|r| format!(", {r}")).unwrap_or_default();
    lines.push(format!("{} {}{region}", a.postal_code, a.city));
    lines.push(a.country.clone());
    lines
}

/// `2026-11-26T15:04:05Z` as `2026-11-26`.
fn day(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

/// Text made safe inside HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_bodies_escape_what_shoppers_and_staff_typed() {
        let mail = Composer::default().handoff_reply("a@b.test", "<script>alert(1)</script> & more");
        assert!(mail.body_html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(!mail.body_html.contains("<script>"));
        assert!(mail.body_text.contains("<script>alert(1)</script> & more"), "plain text stays as typed");
    }

    #[test]
    fn links_point_at_the_public_address_without_a_double_slash() {
        let composer = Composer::new(MailSettings { shop_name: "Shop".into(), public_url: "https://s.test/".into() });
        let mail = composer.verify_email("a@b.test", "Ann", "tok");
        assert!(mail.body_text.contains("https://s.test/verify?token=tok"));
        assert!(mail.subject.contains("Shop"));
        assert!(!mail.body_html.contains("<img"), "no tracking pixels");
    }
}
