//! Start-up: connect and migrate the store, seed an empty catalog, announce generated passwords.

use crate::Config;
use anyhow::Context;
use engine::identity::JwtKeys;
use engine::seed::{AccountSpec, SeedOptions, SeedReport};
use engine::store::Store;
use engine::{IdentitySettings, Services};
use secrecy::ExposeSecret;

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
/// `AUTO_SEED` allows, seeds it.
pub async fn services(config: &Config) -> anyhow::Result<Services> {
    let (store, report) = Store::connect(&config.surreal_url)
        .await
        .with_context(|| format!("opening the database at SURREAL_URL={}", redact_url(&config.surreal_url)))?;
    tracing::info!(schema_version = report.current, applied = ?report.applied, "database ready");
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
    let identity = IdentitySettings {
        keys,
        access_minutes: config.jwt_expiration_minutes,
        refresh_days: config.jwt_refresh_expiry_days,
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
        ..engine::CommerceSettings::default()
    };
    let mut services = Services::with_commerce(store, identity, commerce);
    services.memory.publish_settings().await.context("recording the memory settings")?;
    if let Some(llm) = llm_settings(config) {
        tracing::info!(model = %llm.model, base_url = ?llm.base_url, "the assistant answers through a language model");
        services.assistant = services.assistant.with_llm(llm);
    }
    Ok(services)
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
    settings.session_token_budget = u64::from(config.openai_session_token_budget);
    Some(settings)
}

/// Seeds whatever is missing (the `seed` command).
pub async fn seed(config: &Config) -> anyhow::Result<SeedReport> {
    let (store, _) = Store::connect(&config.surreal_url).await.context("opening the database")?;
    let report = engine::seed::run(&store, &seed_options(config)).await.context("seeding the database")?;
    announce(&report);
    Ok(report)
}

/// Prints generated passwords once, to the terminal only: they never go to the log.
fn announce(report: &SeedReport) {
    tracing::info!(added = report.products_added, total = report.products_total, "catalog seeded");
    for cred in &report.generated {
        println!(
            "\n  Created account {} with password: {}\n  (shown once; set ADMIN_PASSWORD / DEMO_PASSWORD to choose your own)\n",
            cred.email,
            cred.password.expose_secret()
        );
    }
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
