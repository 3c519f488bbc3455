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

#[tokio::test]
async fn mail_acknowledged_before_a_kill_is_delivered_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    // The mail server is down during the first run: nothing listens on this port.
    let down = format!("smtp://127.0.0.1:{}?tls=none", free_port());
    let mut first = server(dir.path(), port).env("SMTP_URL", &down).env("MAIL_RETRY_FIRST_MS", "1000").spawn().unwrap();
    wait_ready(port, &mut first).await;
    let res = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/v1/auth/register"))
        .json(&serde_json::json!({"email": "kept@example.com", "password": "a good password", "name": "Kept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "acknowledged");
    first.kill().unwrap(); // SIGKILL: no shutdown of any kind
    first.wait().unwrap();

    let sink = smtp_sink::SmtpSink::start();
    let mut second = server(dir.path(), port).env("SMTP_URL", sink.url()).spawn().unwrap();
    wait_ready(port, &mut second).await;
    // A kill in the middle of an attempt leaves the message leased for 30 s, then it is retried.
    let got = sink.wait_for(1, Duration::from_secs(60)).await;
    let out = terminate(second);
    let log = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(got.len(), 1, "the verification mail survived the kill:\n{log}");
    assert_eq!(got[0].rcpt_tos, vec!["kept@example.com"]);
    assert!(got[0].text.contains("/verify?token="));
}

#[tokio::test]
async fn generated_passwords_go_to_a_private_file_and_an_operator_can_reset_a_lost_one() {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut first = server(dir.path(), port).env_remove("ADMIN_PASSWORD").env_remove("DEMO_PASSWORD").spawn().unwrap();
    wait_ready(port, &mut first).await;
    let out = terminate(first);
    let log = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);

    let file = dir.path().join("data/initial-credentials.txt");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "only its owner reads it");
    let written = std::fs::read_to_string(&file).unwrap();
    let admin_line = written.lines().find(|l| l.starts_with("admin@waypoint.test ")).unwrap();
    let password = admin_line.split(' ').nth(1).unwrap();
    assert_eq!(password.len(), 20);
    assert!(!log.contains(password), "the password is never in the output or the log");
    assert!(log.contains("initial-credentials.txt"), "the file's path is logged:\n{log}");

    let link = server(dir.path(), port).args(["admin", "reset-password", "admin@waypoint.test"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&link.stdout);
    assert!(link.status.success(), "{stdout}{}", String::from_utf8_lossy(&link.stderr));
    assert!(stdout.contains(&format!("http://127.0.0.1:{port}/reset?token=")), "{stdout}");

    let mut set = server(dir.path(), port)
        .args(["admin", "reset-password", "admin@waypoint.test", "--stdin"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    set.stdin.take().unwrap().write_all(b"an operator's new password\n").unwrap();
    let out = set.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let mut again = server(dir.path(), port).spawn().unwrap();
    wait_ready(port, &mut again).await;
    let login = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@waypoint.test", "password": "an operator's new password"}))
        .send()
        .await
        .unwrap();
    terminate(again);
    assert_eq!(login.status(), 200);
}
