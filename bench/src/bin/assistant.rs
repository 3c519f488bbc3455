//! The assistant's built-in brain over `POST /v1/interactions` with `Accept: text/event-stream`:
//! time from sending the request to the first SSE event and to the `done` event, at 1 and at 50
//! concurrent conversations, next to a bare route in the same run.
//!
//! `cargo run --release -p bench --bin assistant` (see bench/README.md).

use bench::{ms, start_shop, summarize};
use futures::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant};

const MESSAGES: [&str; 6] = [
    "show me waterproof jackets under $200",
    "add the second one",
    "what's in my cart?",
    "how long does shipping take?",
    "recommend a good coffee",
    "compare the first two",
];
const ROUNDS: usize = 4;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let shop = start_shop().await?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    for conversations in [1usize, 50] {
        let mut tokens = Vec::new();
        for _ in 0..conversations {
            let res = client.post(format!("{}/v1/sessions", shop.base)).send().await?;
            let body: serde_json::Value = res.json().await?;
            tokens.push(body["session_token"].as_str().unwrap_or_default().to_string());
        }
        let started = Instant::now();
        let tasks: Vec<_> = tokens
            .into_iter()
            .map(|token| {
                let (client, base) = (client.clone(), shop.base.clone());
                tokio::spawn(async move {
                    let mut first = Vec::new();
                    let mut done = Vec::new();
                    for _ in 0..ROUNDS {
                        for message in MESSAGES {
                            let (f, d) = converse(&client, &base, &token, message).await?;
                            first.push(f);
                            done.push(d);
                        }
                    }
                    Ok::<_, anyhow::Error>((first, done))
                })
            })
            .collect();
        let (mut first, mut done) = (Vec::new(), Vec::new());
        for t in tasks {
            let (f, d) = t.await??;
            first.extend(f);
            done.extend(d);
        }
        let n = first.len();
        let rate = n as f64 / started.elapsed().as_secs_f64();
        let (f50, f99) = summarize(first);
        let (d50, d99) = summarize(done);
        let bare = bare_route(&client, &shop.base).await?;
        println!(
            "{conversations} concurrent conversation(s), {n} messages ({rate:.0}/s): first event median {} p99 {}; whole reply median {} p99 {}; bare /health median {}",
            ms(f50), ms(f99), ms(d50), ms(d99), ms(bare)
        );
    }
    Ok(())
}

/// One message: (time to the first SSE event, time to `done`).
async fn converse(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    message: &str,
) -> anyhow::Result<(Duration, Duration)> {
    let t = Instant::now();
    let res = client
        .post(format!("{base}/v1/interactions"))
        .header("x-session-token", token)
        .header("accept", "text/event-stream")
        .json(&json!({ "message": message }))
        .send()
        .await?;
    anyhow::ensure!(res.status() == 200, "{}", res.status());
    let mut stream = res.bytes_stream();
    let mut first = None;
    let mut seen = String::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        first.get_or_insert_with(|| t.elapsed());
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if seen.contains("event: done") {
            break;
        }
    }
    anyhow::ensure!(seen.contains("event: done"), "no done event");
    Ok((first.unwrap_or_default(), t.elapsed()))
}

async fn bare_route(client: &reqwest::Client, base: &str) -> anyhow::Result<Duration> {
    let mut samples = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        client.get(format!("{base}/health")).send().await?.bytes().await?;
        samples.push(t.elapsed());
    }
    Ok(summarize(samples).0)
}
