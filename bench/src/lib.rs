//! Shared benchmark helpers: start the real application on a free loopback port over a fresh
//! in-memory database, and summarize latency samples.

use anyhow::Context;
use std::time::Duration;

/// The running shop and its base URL.
pub struct Shop {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The engine behind it, to arrange data.
    pub services: engine::Services,
}

/// Starts the whole application (release build, `mem://`, seeded) on a free port.
pub async fn start_shop() -> anyhow::Result<Shop> {
    start_shop_with(&[]).await
}

/// [`start_shop`] with more settings (`name`, value).
pub async fn start_shop_with(extra: &[(&str, String)]) -> anyhow::Result<Shop> {
    let keys = std::env::temp_dir().join(format!("waypoint-bench-keys-{}", std::process::id()));
    let mut vars = vec![
        ("SURREAL_URL", "mem://".to_string()),
        ("ADMIN_PASSWORD", "bench-admin-password".to_string()),
        ("DEMO_PASSWORD", "bench-demo-password".to_string()),
        // The limiters stay on (their cost is part of what is measured) but never refuse: the
        // load comes from one address.
        ("RATE_LIMIT_PER_MINUTE", "1000000".to_string()),
        ("SERVER_FN_RATE_LIMIT_PER_MINUTE", "1000000".to_string()),
        ("PAGE_RATE_LIMIT_PER_MINUTE", "1000000".to_string()),
        ("LOG_LEVEL", "error".to_string()),
        ("JWT_PRIVATE_KEY_PATH", keys.join("private.pem").display().to_string()),
        ("JWT_PUBLIC_KEY_PATH", keys.join("public.pem").display().to_string()),
    ];
    vars.extend(extra.iter().cloned());
    let config =
        server::Config::from_lookup(|name| vars.iter().rev().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))?;
    // The shop's errors (LOG_LEVEL=error) reach the terminal, so a failed run says why.
    server::telemetry::init(&config);
    let leptos = leptos::prelude::get_configuration(Some(concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml")))
        .context("reading Leptos.toml")?;
    let mut options = leptos.leptos_options;
    options.site_addr = "127.0.0.1:0".parse()?;
    let app = server::Application::build(&config, options).await?;
    let base = format!("http://{}", app.local_addr()?);
    let services = app.services().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    Ok(Shop { base, services })
}

/// Median and 99th percentile of `samples`.
pub fn summarize(mut samples: Vec<Duration>) -> (Duration, Duration) {
    if samples.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
