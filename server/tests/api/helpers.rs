//! `spawn_app()`: the whole application on port 0 over `mem://`, a client for it (`TestApp`, every
//! call the tests make) and `Who` a request speaks for (nobody, a guest session, a bearer).

use leptos::prelude::LeptosOptions;
use reqwest::{Client, Response};
use serde_json::{json, Value};
use server::{Application, Config};
use std::collections::HashMap;
use std::sync::OnceLock;

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub services: engine::Services,
    /// The server's clock: a test moves it forward instead of back-dating rows.
    pub clock: std::sync::Arc<engine::clock::MovableClock>,
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
    let clock = std::sync::Arc::new(engine::clock::MovableClock::default());
    let app = Application::build_at(&test_config(extra), leptos_options(), clock.clone()).await.unwrap();
    let address = format!("http://{}", app.local_addr().unwrap());
    let services = app.services().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp { address, client: Client::new(), services, clock }
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

/// Who a request speaks for.
#[derive(Clone)]
pub enum Who {
    Nobody,
    Session(String),
    Bearer(String),
}

/// Calls by endpoint and by who is asking: the one place tests reach the server.
impl TestApp {
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        who: &Who,
        body: Option<Value>,
        key: Option<&str>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", self.address);
        let mut req = self.client.request(method.parse().unwrap(), url);
        match who {
            Who::Nobody => {}
            Who::Session(t) => req = req.header("x-session-token", t),
            Who::Bearer(t) => req = req.bearer_auth(t),
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn guest(&self) -> Who {
        let (status, body) = self.call("POST", "/v1/sessions", &Who::Nobody, None, None).await;
        assert_eq!(status, 201);
        Who::Session(body["session_token"].as_str().unwrap().to_string())
    }

    pub async fn member(&self, email: &str) -> Who {
        let body = self.register(email).await;
        Who::Bearer(body["access_token"].as_str().unwrap().to_string())
    }

    pub async fn admin(&self) -> Who {
        let (status, body) = self
            .call(
                "POST",
                "/v1/auth/login",
                &Who::Nobody,
                Some(json!({"email": "admin@waypoint.test", "password": "admin-password-for-tests"})),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        Who::Bearer(body["access_token"].as_str().unwrap().to_string())
    }

    /// An in-stock product of `category` with at least `stock` units.
    pub async fn product(&self, category: &str, stock: u64) -> Value {
        let (_, page) = self.get_json(&format!("/v1/products?category={category}&per_page=100&in_stock=true")).await;
        page["items"].as_array().unwrap().iter().find(|p| p["stock"].as_u64().unwrap() >= stock).unwrap().clone()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client.post(format!("{}{path}", self.address)).json(body).send().await.unwrap()
    }

    pub async fn register(&self, email: &str) -> Value {
        let res = self
            .post_json("/v1/auth/register", &json!({"email": email, "password": "a good password", "name": "Ann"}))
            .await;
        assert_eq!(res.status(), 201);
        res.json().await.unwrap()
    }

    pub async fn post_bearer(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client.post(format!("{}{path}", self.address)).bearer_auth(token).json(body).send().await.unwrap()
    }

    pub async fn admin_token(&self) -> String {
        let res = self
            .post_json(
                "/v1/auth/login",
                &json!({"email": "admin@waypoint.test", "password": "admin-password-for-tests"}),
            )
            .await;
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_string()
    }
}
