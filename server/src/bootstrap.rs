//! Start-up: connect and migrate the store, seed an empty catalog, announce generated passwords.

use crate::Config;
use anyhow::Context;
use engine::clock::Clock;
use engine::identity::JwtKeys;
use engine::seed::{AccountSpec, SeedOptions, SeedReport};
use engine::store::Store;
use engine::{IdentitySettings, Services};
use secrecy::ExposeSecret;
use std::sync::Arc;

/// The seed's accounts as configured.
pub fn seed_options(config: &Config) -> SeedOptions {
    SeedOptions {
        admin: AccountSpec {
            email: config.admin_email.clone(),
            name: "Shop Admin".into(),
            password: config.admin_password.clone(),
        },
        demo: AccountSpec {
            email: config.demo_email.clone(),
            name: "Demo Shopper".into(),
            password: config.demo_password.clone(),
        },
    }
}

/// Connects to `SURREAL_URL`, applies migrations and, when the catalog is empty and
/// `AUTO_SEED` allows, seeds it; the services then read time from `clock`.
pub async fn services(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Services> {
    let (store, report) = Store::connect(&config.surreal_url)
        .await
        .with_context(|| format!("opening the database at SURREAL_URL={}", redact_url(&config.surreal_url)))?;
    tracing::info!(schema_version = report.current, applied = ?report.applied, "database ready");
    engine::seed::refresh_content(&store).await.context("bringing the policy and FAQ texts up to date")?;
    if config.auto_seed && engine::seed::is_empty(&store).await? {
        tracing::info!("empty catalog: seeding (set AUTO_SEED=false to skip)");
        let report = engine::seed::run(&store, &seed_options(config)).await.context("seeding the database")?;
        announce(&report);
    }
    let (keys, generated) = JwtKeys::load_or_generate(&config.jwt_private_key_path, &config.jwt_public_key_path)
        .context("loading the token keys (JWT_PRIVATE_KEY_PATH, JWT_PUBLIC_KEY_PATH)")?;
    if generated {
        tracing::info!(kid = %keys.kid, "no token keys found: generated a new RS256 pair");
    }
    let services = Services::new(store, settings(config, keys, clock));
    services.memory.publish_settings().await.context("recording the memory settings")?;
    Ok(services)
}

/// The engine's settings from the configuration: the one place a variable becomes a setting.
fn settings(config: &Config, keys: JwtKeys, clock: Arc<dyn Clock>) -> engine::Settings {
    let identity = IdentitySettings {
        keys,
        access_minutes: config.jwt_expiration_minutes,
        refresh_days: config.jwt_refresh_expiry_days,
        session_idle_days: config.session_idle_days,
        registrations_per_hour: config.registrations_per_hour,
    };
    let commerce = engine::CommerceSettings {
        pricing: engine::cart::pricing::PricingSettings {
            currency: model::Currency::USD,
            standard_shipping: i64::from(config.shipping_standard_cents),
            express_shipping: i64::from(config.shipping_express_cents),
            free_shipping_threshold: i64::from(config.free_shipping_threshold_cents),
            tax_rate_bps: config.tax_rate_bps,
        },
        memory: engine::memory::MemorySettings { half_life_days: f64::from(config.memory_half_life_days) },
        mail: engine::mail::MailSettings { shop_name: config.shop_name.clone(), public_url: config.public_url.clone() },
        terms: engine::terms::Terms {
            return_window_days: config.return_window_days,
            countries: config.ship_to_countries.clone(),
        },
        guest_link_days: config.guest_order_link_days,
        clock,
        ..engine::CommerceSettings::default()
    };
    let llm = llm_settings(config);
    if let Some(llm) = &llm {
        tracing::info!(model = %llm.model, base_url = ?llm.base_url, "the assistant answers through a language model");
    }
    engine::Settings { identity, commerce, llm }
}

/// The outbox's worker: SMTP when `SMTP_URL` is set, else `.eml` files under `MAIL_DIR`.
pub fn mail_worker(config: &Config, services: &Services) -> anyhow::Result<engine::mail::MailWorker> {
    use engine::mail::{FileMailer, Mailer, SmtpMailer};
    let from = engine::mail::transport::parse_from(&config.mail_from).map_err(|e| anyhow::anyhow!("MAIL_FROM: {e}"))?;
    let mailer: std::sync::Arc<dyn Mailer> = match &config.smtp_url {
        Some(url) => std::sync::Arc::new(
            SmtpMailer::from_url(url.expose_secret(), from).map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?,
        ),
        None => {
            tracing::info!(dir = %config.mail_dir.display(), "no SMTP_URL: mail is written as .eml files");
            std::sync::Arc::new(FileMailer::new(config.mail_dir.clone(), from))
        }
    };
    let policy = engine::mail::RetryPolicy {
        first_delay: std::time::Duration::from_millis(u64::from(config.mail_retry_first_ms)),
        max_attempts: config.mail_max_attempts,
        ..engine::mail::RetryPolicy::default()
    };
    Ok(engine::mail::MailWorker::new(services.outbox.clone(), mailer, policy))
}

/// The language-model brain's settings, when a key or an OpenAI-compatible server is configured.
pub fn llm_settings(config: &Config) -> Option<engine::assistant::llm::LlmSettings> {
    if config.openai_api_key.is_none() && config.openai_base_url.is_none() {
        return None;
    }
    let key = config.openai_api_key.clone().unwrap_or_else(|| secrecy::SecretString::from("none"));
    let mut settings =
        engine::assistant::llm::LlmSettings::new(config.openai_base_url.clone(), key, config.openai_model.clone());
    settings.timeout = std::time::Duration::from_millis(u64::from(config.openai_timeout_ms));
    settings.max_retries = config.openai_max_retries;
    settings.daily_token_budget = u64::from(config.openai_daily_token_budget);
    Some(settings)
}

/// Seeds whatever is missing (the `seed` command).
pub async fn seed(config: &Config) -> anyhow::Result<SeedReport> {
    let (store, _) = Store::connect(&config.surreal_url).await.context("opening the database")?;
    let report = engine::seed::run(&store, &seed_options(config)).await.context("seeding the database")?;
    announce(&report);
    Ok(report)
}

/// Where generated passwords go when the output is not a terminal.
pub const CREDENTIALS_FILE: &str = "data/initial-credentials.txt";

/// Hands generated passwords to the operator once, never to the log: printed when the output is
/// a terminal, otherwise (a service manager, a container log) appended to a file only its owner
/// can read, whose path is logged.
fn announce(report: &SeedReport) {
    use std::io::IsTerminal;
    tracing::info!(added = report.products_added, total = report.products_total, "catalog seeded");
    if report.generated.is_empty() {
        return;
    }
    let lines: String =
        report.generated.iter().map(|c| format!("{} {}\n", c.email, c.password.expose_secret())).collect();
    if std::io::stdout().is_terminal() {
        println!("\n  Created accounts (email password), shown once; set ADMIN_PASSWORD / DEMO_PASSWORD to choose your own:\n{lines}");
        return;
    }
    match write_private(std::path::Path::new(CREDENTIALS_FILE), &lines) {
        Ok(()) => tracing::warn!(
            path = CREDENTIALS_FILE,
            "generated passwords written to a file only its owner can read; delete it once read"
        ),
        Err(e) => {
            tracing::error!(path = CREDENTIALS_FILE, error = %e, "could not write the generated passwords; set ADMIN_PASSWORD / DEMO_PASSWORD and seed again")
        }
    }
}

/// Appends `text` to `path`, creating it readable by its owner only.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())
}

/// `server admin reset-password EMAIL [--stdin]`: prints a one-time reset link (30 minutes)
/// for the account, or with `--stdin` sets the password read from standard input; either way
/// every login of the account ends.
pub async fn admin(config: &Config, args: &[String]) -> anyhow::Result<()> {
    let (Some("reset-password"), Some(email)) = (args.first().map(String::as_str), args.get(1)) else {
        anyhow::bail!("usage: server admin reset-password EMAIL [--stdin]");
    };
    let email = model::Email::parse(email).map_err(|e| anyhow::anyhow!("EMAIL: {e}"))?;
    let services = services(config, Arc::new(engine::clock::SystemClock)).await?;
    if args.iter().any(|a| a == "--stdin") {
        let mut password = String::new();
        std::io::stdin().read_line(&mut password).context("reading the new password from standard input")?;
        let password = secrecy::SecretString::from(password.trim_end_matches(['\r', '\n']).to_string());
        services.identity.set_password_for_operator(&email, password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("Password changed for {email}; every device it was signed in on is signed out.");
    } else {
        let link = services.identity.reset_link_for_operator(&email).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("One-time link for {email} (valid 30 minutes, once):\n{link}");
    }
    Ok(())
}

/// A database URL without credentials, for messages.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://***{}", &url[..scheme], &url[at..]),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn credentials_in_a_database_url_are_hidden() {
        assert_eq!(super::redact_url("ws://root:secret@db:8000"), "ws://***@db:8000");
        assert_eq!(super::redact_url("surrealkv://data/shop.db"), "surrealkv://data/shop.db");
    }
}
