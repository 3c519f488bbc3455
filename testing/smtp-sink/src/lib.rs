//! A real SMTP server for tests: `smtp_sink.py` (aiosmtpd, installed by `scripts/install-tools.sh`
//! into the tools' Python) started on a free port of 127.0.0.1, and the messages it received,
//! decoded by Python's own email parser.

use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// One received message.
#[derive(Debug, Clone, Deserialize)]
pub struct Received {
    /// The envelope's recipients.
    pub rcpt_tos: Vec<String>,
    /// The `From` header.
    pub from: String,
    /// The `To` header.
    pub to: String,
    /// The decoded subject.
    pub subject: String,
    /// The `Message-ID` header.
    pub message_id: String,
    /// The plain-text part, decoded.
    pub text: String,
    /// The HTML part, decoded.
    pub html: String,
}

impl Received {
    /// The first link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let start = self.text.find(prefix)?;
        let rest = &self.text[start..];
        Some(rest.split_whitespace().next().unwrap_or(rest).to_string())
    }
}

/// How the sink answers.
#[derive(Debug, Clone, Copy, Default)]
pub enum Behaviour {
    /// Accepts everything.
    #[default]
    Accept,
    /// Answers the first `n` messages with 451 (transient), then accepts.
    FailFirst(u32),
    /// Answers everything with 550 (permanent).
    Reject,
}

/// A running sink; stopped when dropped.
pub struct SmtpSink {
    child: Child,
    _stdin: Option<ChildStdin>,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    dir: tempfile::TempDir,
}

/// The Python that has aiosmtpd: `SMTP_SINK_PYTHON`, else the tools' virtualenv.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("SMTP_SINK_PYTHON") {
        return p.into();
    }
    let tools = std::env::var_os("TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/shop-tools"));
    tools.join("venv/bin/python")
}

impl SmtpSink {
    /// A sink that accepts every message.
    pub fn start() -> Self {
        Self::start_with(Behaviour::Accept)
    }

    /// A sink that answers as `behaviour` says.
    ///
    /// # Panics
    /// When Python or aiosmtpd is missing (run `scripts/install-tools.sh`).
    #[allow(clippy::expect_used)]
    pub fn start_with(behaviour: Behaviour) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder for received mail");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp_sink.py");
        let mut command = Command::new(python());
        command.arg(script).arg(dir.path()).arg("--watch-stdin");
        match behaviour {
            Behaviour::Accept => {}
            Behaviour::FailFirst(n) => {
                command.arg("--fail-first").arg(n.to_string());
            }
            Behaviour::Reject => {
                command.arg("--reject");
            }
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting smtp_sink.py (is aiosmtpd installed? run scripts/install-tools.sh)");
        let stdout = child.stdout.take().expect("the sink's stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the sink's first line");
        let port = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("smtp_sink.py did not start: {line:?}"));
        let stdin = child.stdin.take();
        Self { child, _stdin: stdin, port, dir }
    }

    /// `SMTP_URL` for this sink (plain SMTP: it is on loopback).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Every message received so far, in order.
    pub fn messages(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "json"));
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter_map(|s| serde_json::from_str(&s).ok())
            .collect()
    }

    /// Waits (up to `timeout`) until at least `n` messages arrived, and returns them all.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.messages();
            if got.len() >= n || Instant::now() >= deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
