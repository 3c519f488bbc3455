//! One typed configuration, read once at start-up from the environment (and an optional `.env`).
//! A bad value stops the start with one line naming the variable and what it expects.

use secrecy::SecretString;
use std::path::PathBuf;

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (the default).
    Human,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `SURREAL_URL`: `surrealkv://path` (embedded, default `surrealkv://data/shop.db`), `mem://`, or `ws://host:port`.
    pub surreal_url: String,
    /// `AUTO_SEED` (default `true`): seed the catalog when the database is empty at start. Turn off in production.
    pub auto_seed: bool,
    /// `LOG_LEVEL` (default `info`): a tracing filter such as `info` or `server=debug,info`.
    pub log_level: String,
    /// `LOG_FORMAT` (default `human`): `human` or `json`.
    pub log_format: LogFormat,
    /// `JWT_PRIVATE_KEY_PATH` (default `keys/jwt_private.pem`): RS256 signing key.
    pub jwt_private_key_path: PathBuf,
    /// `JWT_PUBLIC_KEY_PATH` (default `keys/jwt_public.pem`): RS256 verification key.
    pub jwt_public_key_path: PathBuf,
    /// `JWT_ALGORITHM` (default and only accepted value `RS256`).
    pub jwt_algorithm: String,
    /// `JWT_EXPIRATION_MINUTES` (default 15, 1..=1440): access-token lifetime.
    pub jwt_expiration_minutes: u32,
    /// `JWT_REFRESH_EXPIRY_DAYS` (default 7, 1..=365): refresh-token lifetime.
    pub jwt_refresh_expiry_days: u32,
    /// `REGISTRATIONS_PER_HOUR` (default 20, 0 turns it off): accounts one client address may register an hour.
    pub registrations_per_hour: u32,
    /// `SESSION_IDLE_DAYS` (default 30, 1..=365): a session unused this long stops working.
    pub session_idle_days: u32,
    /// `GUEST_ORDER_LINK_DAYS` (default 90, 1..=3650): how long a guest's order link works (a
    /// new one can be mailed on request).
    pub guest_order_link_days: u32,
    /// `OPENAI_API_KEY`: enables the LLM assistant brain when set.
    pub openai_api_key: Option<SecretString>,
    /// `OPENAI_BASE_URL`: an OpenAI-compatible endpoint (llama.cpp, vLLM, Ollama ...); enables
    /// the LLM brain too (with any key, local servers do not check it).
    pub openai_base_url: Option<String>,
    /// `MEMORY_HALF_LIFE_DAYS` (default 30, 1..=3650): affinities halve after this many days without signals.
    pub memory_half_life_days: u32,
    /// `OPENAI_MODEL` (default `gpt-4o-mini`).
    pub openai_model: String,
    /// `OPENAI_TIMEOUT_MS` (default 20000): longest wait for the model to start or continue a reply.
    pub openai_timeout_ms: u32,
    /// `OPENAI_MAX_RETRIES` (default 2): retries of a failed model request before the built-in brain answers.
    pub openai_max_retries: u32,
    /// `OPENAI_DAILY_TOKEN_BUDGET` (default 50000): model tokens one shopper (the account, else
    /// the client address) may spend a day.
    pub openai_daily_token_budget: u32,
    /// `RATE_LIMIT_PER_MINUTE` (default 120, 0 turns it off): requests per client address per minute on `/v1`
    /// (a burst of that many, then one every 60 s / limit).
    pub rate_limit_per_minute: u32,
    /// `SERVER_FN_RATE_LIMIT_PER_MINUTE` (default 600, 0 turns it off): the same for the pages'
    /// server functions (`/api/*`); a page view makes several.
    pub server_fn_rate_limit_per_minute: u32,
    /// `PAGE_RATE_LIMIT_PER_MINUTE` (default 300, 0 turns it off): the same for pages (not for
    /// the WASM bundle, styles, pictures or health checks).
    pub page_rate_limit_per_minute: u32,
    /// `TRUSTED_PROXIES` (default none): comma-separated CIDRs whose `X-Forwarded-For` is believed;
    /// without it the client is the peer address. IPv6 clients are limited per /64.
    pub trusted_proxies: engine::client::TrustedProxies,
    /// `COOKIE_SECURE` (`auto`, `always` or `never`; default `auto`): when cookies are `Secure`
    /// with `__Host-` names and HSTS is sent. `auto` believes `X-Forwarded-Proto: https` only
    /// from `TRUSTED_PROXIES`.
    pub cookie_secure: crate::client::CookieSecure,
    /// `ADMIN_EMAIL` (default `admin@waypoint.test`): the seeded admin account.
    pub admin_email: String,
    /// `ADMIN_PASSWORD`: its password; generated and printed once when unset.
    pub admin_password: Option<SecretString>,
    /// `DEMO_EMAIL` (default `demo@waypoint.test`): the seeded demo shopper.
    pub demo_email: String,
    /// `DEMO_PASSWORD`: its password; generated and printed once when unset.
    pub demo_password: Option<SecretString>,
    /// `LEPTOS_CONFIG` (default `Leptos.toml`): the Leptos site settings file.
    pub leptos_config: PathBuf,
    /// `SHIPPING_STANDARD_CENTS`: standard shipping flat rate in cents (default 599).
    pub shipping_standard_cents: u32,
    /// `SHIPPING_EXPRESS_CENTS`: express shipping rate in cents (default 1999).
    pub shipping_express_cents: u32,
    /// `FREE_SHIPPING_THRESHOLD_CENTS`: standard shipping is free from this discounted subtotal (default 7500).
    pub free_shipping_threshold_cents: u32,
    /// `TAX_RATE_BPS`: sales tax in basis points, 825 = 8.25 % (default 800).
    pub tax_rate_bps: u32,
    /// `SHOP_NAME` (default `Waypoint Market`): the shop's name in mail.
    pub shop_name: String,
    /// `PUBLIC_URL` (default `http://` + `LEPTOS_SITE_ADDR`): where shoppers reach the shop, for links in mail.
    pub public_url: String,
    /// `SMTP_URL`: `smtp://user:pass@host:587` (STARTTLS; `?tls=none` for a local relay) or
    /// `smtps://user:pass@host:465`; unset, mail is written to `MAIL_DIR` as `.eml` files.
    pub smtp_url: Option<SecretString>,
    /// `MAIL_FROM` (default `SHOP_NAME <shop@waypoint.test>`): the sender of every message.
    pub mail_from: String,
    /// `MAIL_DIR` (default `data/outbox`): where mail goes without `SMTP_URL`.
    pub mail_dir: PathBuf,
    /// `MAIL_RETRY_FIRST_MS` (default 10000): the wait after a failed delivery, doubled after each further one (up to 30 min).
    pub mail_retry_first_ms: u32,
    /// `RETURN_WINDOW_DAYS` (default 30, 0..=365): days after delivery an unused item can be returned, as the returns policy says.
    pub return_window_days: u32,
    /// `SHIP_TO_COUNTRIES` (default the US, Canada, the UK and the EU's members): comma-separated ISO country codes checkout ships to.
    pub ship_to_countries: Vec<String>,
    /// `MAIL_MAX_ATTEMPTS` (default 10): deliveries tried before a message is dead (admins can retry it).
    pub mail_max_attempts: u32,
}

/// A variable that could not be used, and what it should look like. Never echoes secrets.
#[derive(Debug, thiserror::Error)]
#[error("{var}: expected {expected}, got `{got}`")]
pub struct ConfigError {
    /// The environment variable.
    pub var: &'static str,
    /// What it must be.
    pub expected: &'static str,
    /// What it was (only for non-secret variables).
    pub got: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `get` (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let string = |name: &str, default: &str| var(name).unwrap_or_else(|| default.to_string());
        let number = |name: &'static str, default: u32, range: Range, expected: &'static str| {
            bounded_number(name, var(name), default, range, expected)
        };
        let secret = |name: &str| var(name).map(SecretString::from);
        // The defaults live once, in the engine's settings; the variables only override them.
        let defaults = EngineDefaults::new();

        let surreal_url = string("SURREAL_URL", "surrealkv://data/shop.db");
        let known = ["mem://", "surrealkv://", "ws://", "wss://", "http://", "https://"];
        if !known.iter().any(|scheme| surreal_url.starts_with(scheme)) {
            return Err(ConfigError {
                var: "SURREAL_URL",
                expected: "a URL starting with surrealkv://, mem://, ws:// or wss://",
                got: surreal_url,
            });
        }
        let auto_seed = match var("AUTO_SEED").map(|v| v.to_ascii_lowercase()) {
            None => true,
            Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => true,
            Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => false,
            Some(got) => return Err(ConfigError { var: "AUTO_SEED", expected: "true or false", got }),
        };
        let log_level = string("LOG_LEVEL", "info");
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            return Err(ConfigError {
                var: "LOG_LEVEL",
                expected: "a level (error, warn, info, debug, trace) or a filter like `server=debug,info`",
                got: log_level,
            });
        }
        let log_format = match string("LOG_FORMAT", "human").to_ascii_lowercase().as_str() {
            "human" | "text" | "pretty" => LogFormat::Human,
            "json" => LogFormat::Json,
            other => return Err(ConfigError { var: "LOG_FORMAT", expected: "human or json", got: other.into() }),
        };
        let jwt_algorithm = string("JWT_ALGORITHM", "RS256");
        if jwt_algorithm != "RS256" {
            return Err(ConfigError {
                var: "JWT_ALGORITHM",
                expected: "RS256 (the only algorithm the shop signs with)",
                got: jwt_algorithm,
            });
        }
        let email = |name: &'static str, default: &str| {
            let value = string(name, default).to_lowercase();
            let ok = value.len() <= 254 && value.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
            if ok {
                Ok(value)
            } else {
                Err(ConfigError { var: name, expected: "an email address", got: value })
            }
        };
        let password = |name: &'static str| match secret(name) {
            Some(p) if p_len(&p) < 8 => {
                Err(ConfigError { var: name, expected: "at least 8 characters", got: "(hidden)".into() })
            }
            other => Ok(other),
        };
        let shop_name = string("SHOP_NAME", &defaults.commerce.mail.shop_name);
        let site_addr = string("LEPTOS_SITE_ADDR", "127.0.0.1:8000");
        let public_url = string("PUBLIC_URL", &format!("http://{site_addr}")).trim_end_matches('/').to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError { var: "PUBLIC_URL", expected: "an http:// or https:// address", got: public_url });
        }
        let mail_from = string("MAIL_FROM", &format!("{shop_name} <shop@waypoint.test>"));
        if engine::mail::transport::parse_from(&mail_from).is_err() {
            return Err(ConfigError { var: "MAIL_FROM", expected: "an address, or `Name <address>`", got: mail_from });
        }
        let smtp_url = secret("SMTP_URL");
        if let Some(url) = &smtp_url {
            use secrecy::ExposeSecret;
            let url = url.expose_secret();
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                // The value may hold a password: it is not echoed.
                return Err(ConfigError {
                    var: "SMTP_URL",
                    expected: "smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]",
                    got: "(hidden)".into(),
                });
            }
        }
        let ship_to_countries = match var("SHIP_TO_COUNTRIES") {
            None => engine::terms::DEFAULT_COUNTRIES.iter().map(|c| (*c).to_string()).collect(),
            Some(raw) => {
                let codes: Vec<String> =
                    raw.split(',').map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()).collect();
                if codes.is_empty() || !codes.iter().all(|c| model::checkout::is_country_code(c)) {
                    return Err(ConfigError {
                        var: "SHIP_TO_COUNTRIES",
                        expected: "comma-separated ISO 3166-1 alpha-2 codes, e.g. US,CA,GB",
                        got: raw,
                    });
                }
                codes
            }
        };
        let trusted_proxies =
            engine::client::TrustedProxies::parse(&string("TRUSTED_PROXIES", "")).map_err(|got| ConfigError {
                var: "TRUSTED_PROXIES",
                expected: "comma-separated CIDRs or addresses, e.g. 10.0.0.0/8,::1",
                got,
            })?;
        let limit =
            |name: &'static str, default: u32| number(name, default, 0..=1_000_000, "a whole number (0 turns it off)");
        let raw = string("COOKIE_SECURE", "auto");
        let cookie_secure = crate::client::CookieSecure::parse(&raw).ok_or(ConfigError {
            var: "COOKIE_SECURE",
            expected: "auto, always or never",
            got: raw.clone(),
        })?;
        Ok(Self {
            trusted_proxies,
            cookie_secure,
            server_fn_rate_limit_per_minute: limit("SERVER_FN_RATE_LIMIT_PER_MINUTE", 600)?,
            page_rate_limit_per_minute: limit("PAGE_RATE_LIMIT_PER_MINUTE", 300)?,
            ship_to_countries,
            return_window_days: number(
                "RETURN_WINDOW_DAYS",
                defaults.commerce.terms.return_window_days,
                0..=365,
                "whole days from 0 to 365",
            )?,
            shop_name,
            public_url,
            smtp_url,
            mail_from,
            mail_dir: string("MAIL_DIR", "data/outbox").into(),
            mail_retry_first_ms: number(
                "MAIL_RETRY_FIRST_MS",
                millis(defaults.retry.first_delay),
                10..=3_600_000,
                "milliseconds from 10 to 3600000",
            )?,
            mail_max_attempts: number(
                "MAIL_MAX_ATTEMPTS",
                defaults.retry.max_attempts,
                1..=100,
                "a whole number from 1 to 100",
            )?,
            surreal_url,
            auto_seed,
            log_level,
            log_format,
            jwt_private_key_path: string("JWT_PRIVATE_KEY_PATH", "keys/jwt_private.pem").into(),
            jwt_public_key_path: string("JWT_PUBLIC_KEY_PATH", "keys/jwt_public.pem").into(),
            jwt_algorithm,
            jwt_expiration_minutes: number(
                "JWT_EXPIRATION_MINUTES",
                defaults.identity.access_minutes,
                1..=1440,
                "whole minutes from 1 to 1440",
            )?,
            jwt_refresh_expiry_days: number(
                "JWT_REFRESH_EXPIRY_DAYS",
                defaults.identity.refresh_days,
                1..=365,
                "whole days from 1 to 365",
            )?,
            registrations_per_hour: number(
                "REGISTRATIONS_PER_HOUR",
                defaults.identity.registrations_per_hour,
                0..=1_000_000,
                "a whole number (0 turns it off)",
            )?,
            session_idle_days: number(
                "SESSION_IDLE_DAYS",
                defaults.identity.session_idle_days,
                1..=365,
                "whole days from 1 to 365",
            )?,
            guest_order_link_days: number(
                "GUEST_ORDER_LINK_DAYS",
                defaults.commerce.guest_link_days,
                1..=3650,
                "whole days from 1 to 3650",
            )?,
            openai_api_key: secret("OPENAI_API_KEY"),
            openai_base_url: var("OPENAI_BASE_URL"),
            openai_model: string("OPENAI_MODEL", &defaults.llm.model),
            memory_half_life_days: number(
                "MEMORY_HALF_LIFE_DAYS",
                whole(defaults.commerce.memory.half_life_days),
                1..=3650,
                "whole days from 1 to 3650",
            )?,
            openai_timeout_ms: number(
                "OPENAI_TIMEOUT_MS",
                millis(defaults.llm.timeout),
                100..=600_000,
                "milliseconds from 100 to 600000",
            )?,
            openai_max_retries: number(
                "OPENAI_MAX_RETRIES",
                defaults.llm.max_retries,
                0..=10,
                "a whole number from 0 to 10",
            )?,
            openai_daily_token_budget: number(
                "OPENAI_DAILY_TOKEN_BUDGET",
                u32::try_from(defaults.llm.daily_token_budget).unwrap_or(u32::MAX),
                0..=100_000_000,
                "a whole number of tokens",
            )?,
            rate_limit_per_minute: limit("RATE_LIMIT_PER_MINUTE", 120)?,
            admin_email: email("ADMIN_EMAIL", "admin@waypoint.test")?,
            admin_password: password("ADMIN_PASSWORD")?,
            demo_email: email("DEMO_EMAIL", "demo@waypoint.test")?,
            demo_password: password("DEMO_PASSWORD")?,
            leptos_config: string("LEPTOS_CONFIG", "Leptos.toml").into(),
            shipping_standard_cents: number(
                "SHIPPING_STANDARD_CENTS",
                cents(defaults.commerce.pricing.standard_shipping),
                0..=1_000_000,
                "whole cents",
            )?,
            shipping_express_cents: number(
                "SHIPPING_EXPRESS_CENTS",
                cents(defaults.commerce.pricing.express_shipping),
                0..=1_000_000,
                "whole cents",
            )?,
            free_shipping_threshold_cents: number(
                "FREE_SHIPPING_THRESHOLD_CENTS",
                cents(defaults.commerce.pricing.free_shipping_threshold),
                0..=100_000_000,
                "whole cents",
            )?,
            tax_rate_bps: number(
                "TAX_RATE_BPS",
                defaults.commerce.pricing.tax_rate_bps,
                0..=10_000,
                "basis points from 0 to 10000 (825 = 8.25 %)",
            )?,
        })
    }
}

type Range = std::ops::RangeInclusive<u32>;

/// The engine's default settings, which the variables override.
struct EngineDefaults {
    identity: engine::IdentityDefaults,
    commerce: engine::CommerceSettings,
    llm: engine::assistant::llm::LlmSettings,
    retry: engine::mail::RetryPolicy,
}

impl EngineDefaults {
    fn new() -> Self {
        Self {
            identity: engine::IdentityDefaults::default(),
            commerce: engine::CommerceSettings::default(),
            llm: engine::assistant::llm::LlmSettings::new(
                None,
                SecretString::from(String::new()),
                engine::assistant::llm::DEFAULT_MODEL,
            ),
            retry: engine::mail::RetryPolicy::default(),
        }
    }
}

fn millis(d: std::time::Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

fn cents(minor: i64) -> u32 {
    u32::try_from(minor).unwrap_or(0)
}

fn whole(days: f64) -> u32 {
    // Defaults are small whole numbers; the cast only drops a fraction there is none of.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = days.round().max(0.0) as u32;
    n
}

/// `raw` as a number in `range`, `default` when unset.
fn bounded_number(
    name: &'static str,
    raw: Option<String>,
    default: u32,
    range: Range,
    expected: &'static str,
) -> Result<u32, ConfigError> {
    match raw {
        None => Ok(default),
        Some(raw) => {
            raw.parse::<u32>().ok().filter(|n| range.contains(n)).ok_or(ConfigError { var: name, expected, got: raw })
        }
    }
}

fn p_len(secret: &SecretString) -> usize {
    use secrecy::ExposeSecret;
    secret.expose_secret().chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    /// Backticked upper-case names in the first column of the README's configuration tables.
    fn documented_variables() -> std::collections::BTreeSet<String> {
        let readme = include_str!("../../README.md");
        let start = readme.find("## Configuration").expect("the README has a Configuration section");
        let section = &readme[start + 3..];
        let section = &section[..section.find("\n## ").unwrap_or(section.len())];
        section
            .lines()
            .filter_map(|line| line.strip_prefix("| "))
            .filter_map(|row| row.split(" |").next())
            .flat_map(|first| first.split('`').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>())
            .filter(|name| {
                name.len() > 2 && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            })
            .collect()
    }

    #[test]
    fn every_variable_the_server_reads_is_in_the_readme_and_every_one_there_is_read() {
        let asked = std::sync::Mutex::new(std::collections::BTreeSet::new());
        let _ = Config::from_lookup(|name| {
            asked.lock().unwrap().insert(name.to_string());
            None
        });
        let read = asked.into_inner().unwrap();
        let documented = documented_variables();
        let undocumented: Vec<_> = read.difference(&documented).collect();
        assert!(undocumented.is_empty(), "read but not in the README's configuration table: {undocumented:?}");
        let unread: Vec<_> = documented.difference(&read).collect();
        assert!(unread.is_empty(), "in the README's configuration table but never read: {unread:?}");
    }

    #[test]
    fn defaults_give_an_embedded_durable_shop() {
        let config = with(&[]).unwrap();
        assert_eq!(config.surreal_url, "surrealkv://data/shop.db");
        assert!(config.auto_seed);
        assert_eq!((config.jwt_expiration_minutes, config.jwt_refresh_expiry_days), (15, 7));
        assert_eq!(config.log_format, LogFormat::Human);
    }

    #[test]
    fn a_bad_value_names_the_variable_and_what_it_expects() {
        let err = with(&[("JWT_EXPIRATION_MINUTES", "soon")]).unwrap_err();
        assert_eq!(err.to_string(), "JWT_EXPIRATION_MINUTES: expected whole minutes from 1 to 1440, got `soon`");
        assert_eq!(with(&[("LOG_LEVEL", "[[[")]).unwrap_err().var, "LOG_LEVEL");
        assert_eq!(with(&[("SURREAL_URL", "mongodb://x")]).unwrap_err().var, "SURREAL_URL");
        assert_eq!(with(&[("JWT_ALGORITHM", "HS256")]).unwrap_err().var, "JWT_ALGORITHM");
        assert_eq!(with(&[("AUTO_SEED", "maybe")]).unwrap_err().var, "AUTO_SEED");
        assert_eq!(with(&[("TRUSTED_PROXIES", "10.0.0.0/8,proxy")]).unwrap_err().var, "TRUSTED_PROXIES");
        assert_eq!(with(&[("PAGE_RATE_LIMIT_PER_MINUTE", "-1")]).unwrap_err().var, "PAGE_RATE_LIMIT_PER_MINUTE");
        assert_eq!(with(&[("RATE_LIMIT_PER_MINUTE", "-1")]).unwrap_err().var, "RATE_LIMIT_PER_MINUTE");
    }

    #[test]
    fn a_short_password_is_refused_without_echoing_it() {
        let err = with(&[("ADMIN_PASSWORD", "hunter2")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
        assert_eq!(err.var, "ADMIN_PASSWORD");
    }

    #[test]
    fn mail_settings_default_to_the_site_address_and_hide_a_bad_smtp_url() {
        let config = with(&[("LEPTOS_SITE_ADDR", "127.0.0.1:9000")]).unwrap();
        assert_eq!(config.public_url, "http://127.0.0.1:9000");
        assert_eq!(config.mail_from, "Waypoint Market <shop@waypoint.test>");
        assert!(config.smtp_url.is_none());
        let err = with(&[("SMTP_URL", "imap://me:hunter22@mail")]).unwrap_err();
        assert_eq!(err.var, "SMTP_URL");
        assert!(!err.to_string().contains("hunter22"));
        assert_eq!(with(&[("MAIL_FROM", "not an address")]).unwrap_err().var, "MAIL_FROM");
        assert_eq!(with(&[("PUBLIC_URL", "shop.test")]).unwrap_err().var, "PUBLIC_URL");
    }

    #[test]
    fn shipping_countries_are_checked_codes() {
        assert_eq!(with(&[("SHIP_TO_COUNTRIES", " us, ca ")]).unwrap().ship_to_countries, vec!["US", "CA"]);
        assert_eq!(with(&[("SHIP_TO_COUNTRIES", "US,Narnia")]).unwrap_err().var, "SHIP_TO_COUNTRIES");
        assert!(with(&[]).unwrap().ship_to_countries.contains(&"DE".to_string()));
    }

    #[test]
    fn emails_are_lower_cased() {
        assert_eq!(with(&[("ADMIN_EMAIL", "Boss@Example.COM")]).unwrap().admin_email, "boss@example.com");
    }
}
