//! The real `server` binary as an operator runs it: configuration errors, graceful shutdown on
//! SIGTERM, and an embedded database that survives the restart without being seeded twice.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_server");
const LEPTOS_TOML: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml");

fn server(db_dir: &Path, port: u16) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SURREAL_URL", format!("surrealkv://{}", db_dir.join("shop.db").display()))
        .env("LEPTOS_CONFIG", LEPTOS_TOML)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("ADMIN_PASSWORD", "admin-password-for-tests")
        .env("DEMO_PASSWORD", "demo-password-for-tests")
        .env("LOG_LEVEL", "info")
        .current_dir(db_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn wait_ready(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(res) = reqwest::get(format!("http://127.0.0.1:{port}/ready")).await {
            if res.status() == 200 {
                return;
            }
        }
        assert!(child.try_wait().unwrap().is_none(), "server exited before it was ready");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("server not ready in 60 s");
}

fn terminate(child: Child) -> Output {
    let status = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(status.success());
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly_and_a_restart_keeps_the_data_without_reseeding() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();

    let mut first = server(dir.path(), port).spawn().unwrap();
    wait_ready(port, &mut first).await;
    let out = terminate(first);
    let log = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "clean exit on SIGTERM: {:?}\n{log}", out.status);
    assert!(log.contains("seeding"), "the empty database was seeded:\n{log}");
    assert!(log.contains("stopped"), "{log}");

    let mut second = server(dir.path(), port).spawn().unwrap();
    wait_ready(port, &mut second).await;
    let body: serde_json::Value =
        reqwest::get(format!("http://127.0.0.1:{port}/v1/products")).await.unwrap().json().await.unwrap();
    let out = terminate(second);
    let log = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(body["total"].as_u64().unwrap() >= 300, "the catalog survived the restart");
    assert!(!log.contains("seeding"), "a restart does not seed again:\n{log}");
    assert!(!log.contains("applied migration"), "a restart applies no migration:\n{log}");
    assert!(out.status.success());
}

#[tokio::test]
async fn a_bad_setting_stops_the_start_with_one_line_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let out = server(dir.path(), free_port()).env("JWT_EXPIRATION_MINUTES", "soon").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr.trim(), "error: JWT_EXPIRATION_MINUTES: expected whole minutes from 1 to 1440, got `soon`");
    assert!(!stderr.contains("panicked"));
}

#[tokio::test]
async fn json_logs_are_one_object_per_line_and_carry_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = server(dir.path(), port).env("SURREAL_URL", "mem://").env("LOG_FORMAT", "json").spawn().unwrap();
    wait_ready(port, &mut child).await;
    let client = reqwest::Client::new();
    let res = client
        .get(format!("http://127.0.0.1:{port}/v1/categories"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let out = terminate(child);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(!lines.is_empty());
    assert!(
        lines.iter().any(|l| l.to_string().contains("trace-me-42")),
        "the request's log line names its id:\n{stdout}"
    );
}
