//! The assistant over `POST /v1/interactions` with `Accept: text/event-stream`, at 1 and at 50
//! concurrent conversations, next to a bare route in the same run:
//! - built-in brain: time from sending the request to the first SSE event and to `done`;
//! - language-model brain against `fake-openai` with a fixed delay before its first chunk: the
//!   orchestrator's overhead on time to first token = the client's time to the first `token`
//!   event minus that delay.
//!
//! `cargo run --release -p bench --bin assistant` (see bench/README.md).

use bench::{ms, start_shop, start_shop_with, summarize, Shop};
use fake_openai::{FakeOpenAi, Reply};
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
/// Rounds of the conversation per shopper: more when alone, so the p99 rests on 120 messages.
fn rounds(conversations: usize) -> usize {
    if conversations == 1 {
        20
    } else {
        4
    }
}
/// The fake model's own latency before its first chunk.
const MODEL_DELAY: Duration = Duration::from_millis(25);

/// One message's timings.
struct Timing {
    first_event: Duration,
    first_token: Duration,
    done: Duration,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;

    let shop = start_shop().await?;
    println!("built-in brain:");
    for conversations in [1usize, 50] {
        let (timings, rate) = run(&client, &shop, conversations).await?;
        let (f50, f99) = summarize(timings.iter().map(|t| t.first_event).collect());
        let (d50, d99) = summarize(timings.iter().map(|t| t.done).collect());
        let bare = bare_route(&client, &shop.base).await?;
        println!(
            "  {conversations} concurrent conversation(s), {} messages ({rate:.0}/s): first event median {} p99 {}; whole reply median {} p99 {}; bare /health median {}",
            timings.len(), ms(f50), ms(f99), ms(d50), ms(d99), ms(bare)
        );
    }

    let fake = FakeOpenAi::start(Vec::new()).await?;
    fake.always(Reply::words(
        "Here are a few good options for you. The first is light and packs small, the second is the warmest, \
         and the third is the best value. Tell me which one to add to your cart.",
    ))
    .first_chunk_delay(MODEL_DELAY);
    let shop = start_shop_with(&[
        ("OPENAI_BASE_URL", fake.base_url.clone()),
        ("OPENAI_API_KEY", "bench".into()),
        ("OPENAI_SESSION_TOKEN_BUDGET", "100000000".into()),
    ])
    .await?;
    println!("language-model brain (fake model, {} before its first chunk):", ms(MODEL_DELAY));
    for conversations in [1usize, 50] {
        let (timings, rate) = run(&client, &shop, conversations).await?;
        let overhead: Vec<Duration> = timings.iter().map(|t| t.first_token.saturating_sub(MODEL_DELAY)).collect();
        let (o50, o99) = summarize(overhead);
        let (f50, f99) = summarize(timings.iter().map(|t| t.first_event).collect());
        let bare = bare_route(&client, &shop.base).await?;
        println!(
            "  {conversations} concurrent conversation(s), {} messages ({rate:.0}/s): overhead on first token median {} p99 {}; first event median {} p99 {}; bare /health median {}",
            timings.len(), ms(o50), ms(o99), ms(f50), ms(f99), ms(bare)
        );
    }
    anyhow::ensure!(
        fake.requests().len() >= (rounds(1) + rounds(50) * 50) * MESSAGES.len(),
        "every message reached the model"
    );
    Ok(())
}

/// `conversations` guests each sending every message [`rounds`] times after one untimed warm-up
/// message (it opens the connections); the timings and messages/s.
async fn run(client: &reqwest::Client, shop: &Shop, conversations: usize) -> anyhow::Result<(Vec<Timing>, f64)> {
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
                converse(&client, &base, &token, "hello").await?;
                let mut timings = Vec::new();
                for _ in 0..rounds(conversations) {
                    for message in MESSAGES {
                        timings.push(converse(&client, &base, &token, message).await?);
                    }
                }
                Ok::<_, anyhow::Error>(timings)
            })
        })
        .collect();
    let mut timings = Vec::new();
    for t in tasks {
        timings.extend(t.await??);
    }
    let rate = timings.len() as f64 / started.elapsed().as_secs_f64();
    Ok((timings, rate))
}

/// One message, timed to its first SSE event, first `token` event and `done`.
async fn converse(client: &reqwest::Client, base: &str, token: &str, message: &str) -> anyhow::Result<Timing> {
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
    let (mut first_event, mut first_token) = (None, None);
    let mut seen = String::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        first_event.get_or_insert_with(|| t.elapsed());
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if first_token.is_none() && seen.contains("event: token") {
            first_token = Some(t.elapsed());
        }
        if seen.contains("event: done") {
            break;
        }
    }
    anyhow::ensure!(seen.contains("event: done"), "no done event");
    Ok(Timing {
        first_event: first_event.unwrap_or_default(),
        first_token: first_token.unwrap_or_default(),
        done: t.elapsed(),
    })
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
