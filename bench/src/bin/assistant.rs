//! The assistant over `POST /v1/interactions` with `Accept: text/event-stream`, at 1 and at 50
//! concurrent conversations, next to a bare route in the same run:
//! - built-in brain: time from sending the request to the first SSE event and to `done`;
//! - language-model brain against `fake-openai` with a fixed delay before its first chunk: the
//!   orchestrator's overhead on time to first token = the client's time to the first `token`
//!   event minus that delay.
//!
//! Fifty conversations run two ways: as shoppers do, each reading the reply and typing the next
//! message (a think time drawn from 0.5-1.5 s, several times quicker than people type, so the
//! conversations overlap at random), and as a saturation test where every conversation sends its
//! next message the moment the last one is done (50 messages always in flight: the capacity of
//! the machine, and the queueing when it is exceeded).
//!
//! `cargo run --release -p bench --bin assistant [builtin|llm]` (see bench/README.md); a phase
//! named on the command line runs alone (to profile it).

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
/// One load: how many conversations, and the pause before each message (None: none at all).
#[derive(Clone, Copy)]
struct Load {
    conversations: usize,
    think: Option<(u64, u64)>,
}

impl Load {
    const ALONE: Self = Self { conversations: 1, think: None };
    /// Fifty shoppers reading and typing: 0.5-1.5 s before each message.
    const SHOPPERS: Self = Self { conversations: 50, think: Some((500, 1500)) };
    /// Fifty conversations with no pause: always 50 messages in flight.
    const SATURATED: Self = Self { conversations: 50, think: None };

    fn describe(self) -> String {
        match (self.conversations, self.think) {
            (1, _) => "1 conversation".into(),
            (n, Some((lo, hi))) => format!("{n} conversations, {lo}-{hi} ms think time"),
            (n, None) => format!("{n} conversations, no think time (saturation)"),
        }
    }
}

/// A small deterministic generator for think times (xorshift64*), seeded per conversation.
struct Dice(u64);

impl Dice {
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        lo + self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % (hi - lo + 1)
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
    let only = std::env::args().nth(1);
    let phase = |name: &str| only.as_deref().is_none_or(|o| o == name);

    if phase("builtin") {
        builtin(&client).await?;
    }
    if phase("llm") {
        llm(&client).await?;
    }
    Ok(())
}

/// The built-in brain: time to the first SSE event and to `done`.
async fn builtin(client: &reqwest::Client) -> anyhow::Result<()> {
    let shop = start_shop().await?;
    println!("built-in brain:");
    for load in [Load::ALONE, Load::SHOPPERS, Load::SATURATED] {
        let (timings, rate) = run(client, &shop, load).await?;
        let (f50, f99) = summarize(timings.iter().map(|t| t.first_event).collect());
        let (d50, d99) = summarize(timings.iter().map(|t| t.done).collect());
        let bare = bare_route(client, &shop.base).await?;
        println!(
            "  {}, {} messages ({rate:.0}/s): first event median {} p99 {}; whole reply median {} p99 {}; bare /health median {}",
            load.describe(), timings.len(), ms(f50), ms(f99), ms(d50), ms(d99), ms(bare)
        );
    }
    Ok(())
}

/// The language-model brain against the fake model: the overhead on time to first token.
async fn llm(client: &reqwest::Client) -> anyhow::Result<()> {
    let fake = FakeOpenAi::start(Vec::new()).await?;
    fake.always(Reply::words(
        "Here are a few good options for you. The first is light and packs small, the second is the warmest, \
         and the third is the best value. Tell me which one to add to your cart.",
    ))
    .first_chunk_delay(MODEL_DELAY);
    let shop = start_shop_with(&[
        ("OPENAI_BASE_URL", fake.base_url.clone()),
        ("OPENAI_API_KEY", "bench".into()),
        ("OPENAI_DAILY_TOKEN_BUDGET", "100000000".into()),
    ])
    .await?;
    println!("language-model brain (fake model, {} before its first chunk):", ms(MODEL_DELAY));
    let mut sent = 0;
    for load in [Load::ALONE, Load::SHOPPERS, Load::SATURATED] {
        let (timings, rate) = run(client, &shop, load).await?;
        sent += timings.len();
        let overhead: Vec<Duration> = timings.iter().map(|t| t.first_token.saturating_sub(MODEL_DELAY)).collect();
        let (o50, o99) = summarize(overhead);
        let (f50, f99) = summarize(timings.iter().map(|t| t.first_event).collect());
        let bare = bare_route(client, &shop.base).await?;
        println!(
            "  {}, {} messages ({rate:.0}/s): overhead on first token median {} p99 {}; first event median {} p99 {}; bare /health median {}",
            load.describe(), timings.len(), ms(o50), ms(o99), ms(f50), ms(f99), ms(bare)
        );
    }
    anyhow::ensure!(fake.requests().len() >= sent, "every message reached the model");
    Ok(())
}

/// `load.conversations` guests each sending every message [`rounds`] times after one untimed
/// warm-up message (it opens the connections), pausing before each as `load` says; the timings
/// and messages/s.
async fn run(client: &reqwest::Client, shop: &Shop, load: Load) -> anyhow::Result<(Vec<Timing>, f64)> {
    let conversations = load.conversations;
    let mut tokens = Vec::new();
    for _ in 0..conversations {
        let res = client.post(format!("{}/v1/sessions", shop.base)).send().await?;
        let body: serde_json::Value = res.json().await?;
        tokens.push(body["session_token"].as_str().unwrap_or_default().to_string());
    }
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, token)| {
            let (client, base) = (client.clone(), shop.base.clone());
            let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1));
            tokio::spawn(async move {
                converse(&client, &base, &token, "hello").await?;
                let mut timings = Vec::new();
                for _ in 0..rounds(conversations) {
                    for message in MESSAGES {
                        if let Some((lo, hi)) = load.think {
                            tokio::time::sleep(Duration::from_millis(dice.between(lo, hi))).await;
                        }
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
    // A stream that ends otherwise says why in its last event (`error` {code, message}).
    let last = seen.trim_end().rsplit("\n\n").next().unwrap_or_default().to_string();
    anyhow::ensure!(seen.contains("event: done"), "no done event; the stream ended with: {last}");
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
