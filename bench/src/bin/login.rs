//! Login throughput against the argon2 ceiling, and whether other requests keep their latency
//! while logins are flooded (argon2 must never block the async workers).
//!
//! `cargo run --release -p bench --bin login` (see bench/README.md). Loopback only; every loop
//! is bounded in count and time.

use bench::{ms, start_shop, summarize};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const FLOOD_CLIENTS: usize = 16;
const FLOOD_FOR: Duration = Duration::from_secs(10);
const PROBES: usize = 400;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let shop = start_shop().await?;
    let client = reqwest::Client::new();
    let login = json!({"email": "bench@example.com", "password": "bench password 1"});
    let res = client
        .post(format!("{}/v1/auth/register", shop.base))
        .json(&json!({"email": "bench@example.com", "password": "bench password 1", "name": "Bench"}))
        .send()
        .await?;
    anyhow::ensure!(res.status() == 201, "register failed: {}", res.status());

    // 1. One login at a time: the cost of one verification (plus the request around it).
    let mut single = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let res = client.post(format!("{}/v1/auth/login", shop.base)).json(&login).send().await?;
        anyhow::ensure!(res.status() == 200, "login failed: {}", res.status());
        single.push(t.elapsed());
    }
    let (one_login, _) = summarize(single);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let ceiling = cores as f64 / one_login.as_secs_f64();

    // 2. Latency of a bare route and a catalog route with nothing else going on.
    let idle_health = probe(&client, &format!("{}/health", shop.base)).await?;
    let idle_catalog = probe(&client, &format!("{}/v1/categories", shop.base)).await?;

    // 3. The same probes while FLOOD_CLIENTS clients log in as fast as they can.
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let flood: Vec<_> = (0..FLOOD_CLIENTS)
        .map(|_| {
            let (client, url, body, stop, done) =
                (client.clone(), format!("{}/v1/auth/login", shop.base), login.clone(), stop.clone(), done.clone());
            tokio::spawn(async move {
                let deadline = Instant::now() + FLOOD_FOR + Duration::from_secs(30);
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    if let Ok(res) = client.post(&url).json(&body).send().await {
                        if res.status() == 200 {
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await; // let the flood build up
    let started = Instant::now();
    let before = done.load(Ordering::Relaxed);
    let busy_health = probe(&client, &format!("{}/health", shop.base)).await?;
    let busy_catalog = probe(&client, &format!("{}/v1/categories", shop.base)).await?;
    let remaining = FLOOD_FOR.saturating_sub(started.elapsed());
    tokio::time::sleep(remaining).await;
    let logins = done.load(Ordering::Relaxed) - before;
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    futures::future::join_all(flood).await;

    let throughput = logins as f64 / elapsed;
    println!("cores: {cores}");
    println!("one login, sequential (median of 20): {}", ms(one_login));
    println!("argon2 ceiling (cores / one login): {ceiling:.1} logins/s");
    println!(
        "flood: {FLOOD_CLIENTS} clients for {elapsed:.1} s: {logins} logins = {throughput:.1} logins/s ({:.0}% of the ceiling)",
        100.0 * throughput / ceiling
    );
    for (name, idle, busy) in
        [("GET /health", idle_health, busy_health), ("GET /v1/categories", idle_catalog, busy_catalog)]
    {
        println!(
            "{name}: idle median {} p99 {}; during the flood median {} p99 {} (median x{:.1})",
            ms(idle.0),
            ms(idle.1),
            ms(busy.0),
            ms(busy.1),
            busy.0.as_secs_f64() / idle.0.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}

/// PROBES sequential GETs of `url`: (median, p99).
async fn probe(client: &reqwest::Client, url: &str) -> anyhow::Result<(Duration, Duration)> {
    let mut samples = Vec::with_capacity(PROBES);
    for _ in 0..PROBES {
        let t = Instant::now();
        let res = client.get(url).send().await?;
        anyhow::ensure!(res.status() == 200, "{url}: {}", res.status());
        res.bytes().await?;
        samples.push(t.elapsed());
    }
    Ok(summarize(samples))
}
