//! `spawn_app()`: the whole application on port 0 over `mem://`, and a client for it.

use leptos::prelude::LeptosOptions;
use reqwest::{Client, Response};
use server::{Application, Config};
use std::collections::HashMap;
use std::sync::OnceLock;

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub services: engine::Services,
}

/// The Leptos settings from the workspace's Leptos.toml, on a free port.
pub fn leptos_options() -> LeptosOptions {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml");
    let mut options = leptos::prelude::get_configuration(Some(path)).unwrap().leptos_options;
    options.site_addr = "127.0.0.1:0".parse().unwrap();
    options
}

/// One RS256 key pair per test process, generated on first use.
fn key_paths() -> &'static (String, String) {
    static KEYS: OnceLock<(String, String)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("waypoint-test-keys-{}", std::process::id()));
        let (private, public) = (dir.join("private.pem"), dir.join("public.pem"));
        engine::identity::JwtKeys::load_or_generate(&private, &public).unwrap();
        (private.display().to_string(), public.display().to_string())
    })
}

/// Where mail goes when a test sets no SMTP server (never the source tree).
fn mail_dir() -> &'static str {
    static DIR: OnceLock<String> = OnceLock::new();
    DIR.get_or_init(|| {
        std::env::temp_dir().join(format!("waypoint-test-mail-{}", std::process::id())).display().to_string()
    })
}

/// Test settings: an in-memory database, known passwords, and `extra` on top.
pub fn test_config(extra: &[(&str, &str)]) -> Config {
    let (private, public) = key_paths();
    let mut vars: HashMap<&str, &str> = HashMap::from([
        ("SURREAL_URL", "mem://"),
        ("JWT_PRIVATE_KEY_PATH", private.as_str()),
        ("JWT_PUBLIC_KEY_PATH", public.as_str()),
        ("ADMIN_PASSWORD", "admin-password-for-tests"),
        ("DEMO_PASSWORD", "demo-password-for-tests"),
        // Tests make many requests from one address; the limit has its own test.
        ("RATE_LIMIT_PER_MINUTE", "0"),
        ("SERVER_FN_RATE_LIMIT_PER_MINUTE", "0"),
        ("PAGE_RATE_LIMIT_PER_MINUTE", "0"),
        ("MAIL_DIR", mail_dir()),
        ("MAIL_RETRY_FIRST_MS", "50"),
    ]);
    vars.extend(extra.iter().copied());
    Config::from_lookup(|name| vars.get(name).map(|v| v.to_string())).unwrap()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let app = Application::build(&test_config(extra), leptos_options()).await.unwrap();
    let address = format!("http://{}", app.local_addr().unwrap());
    let services = app.services().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp { address, client: Client::new(), services }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.address)).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.json().await.unwrap())
    }
}
