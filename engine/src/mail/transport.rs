//! Transports behind a narrow trait: SMTP through lettre (`smtp://` with STARTTLS, `smtps://`
//! with implicit TLS) and, for a shop run locally without `SMTP_URL`, `.eml` files a person can
//! open.

use super::outbox::Claimed;
use futures::future::BoxFuture;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt::Debug;
use std::path::PathBuf;
use std::time::Duration;

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Worth another attempt (connection refused, timeout, a 4xx reply).
    #[error("{0}")]
    Transient(String),
    /// Will fail every time (a 5xx reply, an address that cannot be parsed).
    #[error("{0}")]
    Permanent(String),
}

/// Delivers one message.
pub trait Mailer: Send + Sync + Debug {
    /// Sends `mail`; `Ok` once the next hop accepted it.
    fn send<'a>(&'a self, mail: &'a Claimed) -> BoxFuture<'a, Result<(), MailError>>;
}

/// The RFC 5322 message for `mail` from `from`: plain text and HTML alternatives, and a
/// `Message-ID` made of the outbox id so a repeated delivery is recognisable as one message.
fn message(from: &Mailbox, mail: &Claimed) -> Result<Message, MailError> {
    let to: Mailbox = mail.recipient.parse().map_err(|e| MailError::Permanent(format!("recipient address: {e}")))?;
    let domain = from.email.domain().to_string();
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}@{domain}>", mail.id)))
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.body_text.clone()))
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.body_html.clone())),
        )
        .map_err(|e| MailError::Permanent(format!("building the message: {e}")))
}

/// Parses `MAIL_FROM` (`Name <address>` or a bare address).
pub fn parse_from(raw: &str) -> Result<Mailbox, String> {
    raw.parse::<Mailbox>().map_err(|e| e.to_string())
}

/// SMTP through lettre, one pooled transport per process.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Debug for SmtpMailer {
    // Never prints the URL: it holds the SMTP password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A transport for `url`: `smtp://[user:pass@]host[:port]` upgrades with STARTTLS (required;
    /// `?tls=opportunistic` to allow plain when the server offers none, `?tls=none` for a relay
    /// on a trusted network such as 127.0.0.1), `smtps://…` uses implicit TLS. The error never
    /// contains the password.
    pub fn from_url(url: &str, from: Mailbox) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url(url)?)
            .map_err(|e| format!("cannot use this SMTP URL: {}", strip_url(&e.to_string())))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Self { transport, from })
    }
}

/// The URL in lettre's dialect: ours requires STARTTLS on `smtp://` unless told otherwise.
fn lettre_url(url: &str) -> Result<String, String> {
    let (scheme, _) = url.split_once("://").ok_or("expected smtp://host:port or smtps://host:port")?;
    if scheme == "smtps" {
        return Ok(url.to_string());
    }
    if scheme != "smtp" {
        return Err(format!("unknown scheme `{scheme}`; expected smtp or smtps"));
    }
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    let tls = params.iter().find_map(|p| p.strip_prefix("tls=")).map(str::to_string);
    params.retain(|p| !p.starts_with("tls="));
    match tls.as_deref() {
        None | Some("required") => params.push("tls=required"),
        Some("opportunistic") => params.push("tls=opportunistic"),
        Some("none") => {}
        Some(other) => return Err(format!("unknown tls=`{other}`; expected required, opportunistic or none")),
    }
    Ok(if params.is_empty() { base.to_string() } else { format!("{base}?{}", params.join("&")) })
}

/// An error text with anything URL-like (which could carry a password) removed.
fn strip_url(text: &str) -> String {
    text.split_whitespace().filter(|w| !w.contains("://")).collect::<Vec<_>>().join(" ")
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, mail: &'a Claimed) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            let message = message(&self.from, mail)?;
            self.transport.send(message).await.map(|_| ()).map_err(|e| {
                let text = strip_url(&e.to_string());
                if e.is_permanent() {
                    MailError::Permanent(text)
                } else {
                    MailError::Transient(text)
                }
            })
        })
    }
}

/// Writes each message as `<outbox id>.eml` under a folder and logs its path: the embedded
/// default, so a person running the shop locally can open the verification link.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl FileMailer {
    /// Messages go to `dir` (created when missing).
    pub fn new(dir: impl Into<PathBuf>, from: Mailbox) -> Self {
        Self { dir: dir.into(), from }
    }
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, mail: &'a Claimed) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            let message = message(&self.from, mail)?;
            let io = |e: std::io::Error| MailError::Transient(format!("writing to {}: {e}", self.dir.display()));
            tokio::fs::create_dir_all(&self.dir).await.map_err(io)?;
            let path = self.dir.join(format!("{}.eml", mail.id));
            tokio::fs::write(&path, message.formatted()).await.map_err(io)?;
            tracing::info!(path = %path.display(), subject = %mail.subject, "mail written (no SMTP_URL set)");
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_require_starttls_unless_told_otherwise() {
        assert_eq!(lettre_url("smtp://u:p@mail.test:587").unwrap(), "smtp://u:p@mail.test:587?tls=required");
        assert_eq!(lettre_url("smtp://127.0.0.1:2525?tls=none").unwrap(), "smtp://127.0.0.1:2525");
        assert_eq!(lettre_url("smtp://h?tls=opportunistic").unwrap(), "smtp://h?tls=opportunistic");
        assert_eq!(lettre_url("smtps://u:p@h:465").unwrap(), "smtps://u:p@h:465");
        assert!(lettre_url("http://h").is_err());
        assert!(lettre_url("smtp://h?tls=maybe").is_err());
    }

    #[test]
    fn a_bad_smtp_url_is_refused_without_its_password() {
        let from = parse_from("Shop <shop@example.test>").unwrap();
        let err = SmtpMailer::from_url("smtp://user:hunter22@", from).unwrap_err();
        assert!(!err.contains("hunter22"), "{err}");
    }
}
