//! Recommendations for a shopper with 5,000 signals over a 10,000-product catalog
//! (`GET /v1/recommendations` for home, a product and the cart, at 1 and 16 concurrent
//! clients), next to a bare route in the same run; and what recording a signal costs the
//! request that causes it (queueing it) against writing it (the worker's job).
//!
//! `cargo run --release -p bench --bin memory` (see bench/README.md).

use bench::{ms, start_shop, summarize};
use engine::memory::signals::{Signal, SignalKind};
use engine::shopper::Shopper;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CATALOG: usize = 10_000;
const SIGNALS: usize = 5_000;
const REQUESTS: usize = 400;
const RUNS: usize = 3;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let shop = start_shop().await?;
    let services = &shop.services;
    engine::seed::grow_catalog(&services.store, CATALOG).await?;
    services.catalog.index().mark_text_changed();
    services.catalog.index().reload().await?;
    let listing = services.catalog.index().entries().await?;

    let email = model::Email::parse("bench-memory@example.com").map_err(|e| anyhow::anyhow!("{e}"))?;
    let issued = services.identity.register(email, "bench memory password".to_string().into(), "Bench").await?;
    let token = issued.access_token.clone();
    let shopper = Shopper::Member { user_id: issued.user.id.clone() };

    // 5,000 signals: mostly three favourite categories, some anywhere; views, searches, cart
    // adds and purchases in a shopper's proportions; orders of three bought together.
    let favourite: Vec<&engine::catalog::index::Entry> = listing
        .entries
        .iter()
        .filter(|e| ["coffee", "jackets", "books"].contains(&e.product.category.as_str()))
        .collect();
    let started = Instant::now();
    let mut bought = Vec::new();
    for i in 0..SIGNALS {
        let pick = if i % 5 == 4 {
            &listing.entries[(i * 7919) % listing.entries.len()]
        } else {
            favourite[(i * 104_729) % favourite.len()]
        };
        let id = pick.product.id.to_string();
        let signal = match i % 20 {
            0..=13 => Signal::product(SignalKind::View, &id),
            14..=16 => Signal::about(
                SignalKind::Search,
                Some(pick.product.category.as_str().to_string()),
                None,
                Some("bench".into()),
            ),
            17..=18 => Signal::product(SignalKind::CartAdd, &id),
            _ => {
                bought.push(id.clone());
                if bought.len() == 3 {
                    services.memory.record_order(&shopper, &std::mem::take(&mut bought), Some("api")).await;
                }
                continue;
            }
        };
        services.memory.record(&shopper, signal).await;
    }
    services.memory.flush().await;
    let history = services.memory.export(&shopper).await?.history.len();
    println!(
        "catalog {} products; {history} signals recorded and written in {:.1} s",
        listing.entries.len(),
        started.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::builder().pool_max_idle_per_host(32).build()?;
    let product = favourite[0].product.id.to_string();
    services.carts.add(&shopper, &product, model::Quantity::parse(1).map_err(|e| anyhow::anyhow!("{e}"))?).await?;
    services.memory.flush().await;
    let scenarios = [
        ("bare route GET /health", "/health".to_string()),
        ("recommendations, home", "/v1/recommendations?context=home".to_string()),
        ("recommendations, product page", format!("/v1/recommendations?context=product:{product}")),
        ("recommendations, cart", "/v1/recommendations?context=cart".to_string()),
    ];
    for clients in [1usize, 16] {
        let mut bare = Duration::ZERO;
        for (name, path) in &scenarios {
            let mut runs = Vec::new();
            for _ in 0..RUNS {
                runs.push(load(&client, &format!("{}{path}", shop.base), &token, clients).await?);
            }
            runs.sort_by_key(|r| r.1);
            let (median, p99) = runs[RUNS / 2];
            if bare.is_zero() {
                bare = median;
            }
            println!(
                "{clients} client(s), {name}: median {} p99 {} (median run by p99; median x{:.1} the bare route's)",
                ms(median),
                ms(p99),
                median.as_secs_f64() / bare.as_secs_f64().max(1e-9)
            );
        }
    }

    // The uncached cost: the shopper's memory changes before every request (as when they just
    // did something), so each one reads their profile from the database again.
    let mut uncached = Vec::new();
    let url = format!("{}/v1/recommendations?context=home", shop.base);
    for _ in 0..REQUESTS {
        services.memory.changed(&shopper.scope());
        let t = Instant::now();
        let res = client.get(&url).bearer_auth(&token).send().await?;
        anyhow::ensure!(res.status().is_success(), "{}", res.status());
        res.bytes().await?;
        uncached.push(t.elapsed());
    }
    let (u50, u99) = summarize(uncached);
    println!("1 client, recommendations, home, profile read every time: median {} p99 {}", ms(u50), ms(u99));

    // What a request pays to record a signal (queueing) against the write itself.
    let mut queued = Vec::new();
    for i in 0..1_000 {
        let id = &listing.entries[(i * 31) % listing.entries.len()].product.id.as_str();
        let t = Instant::now();
        services.memory.record(&shopper, Signal::product(SignalKind::View, id)).await;
        queued.push(t.elapsed());
    }
    services.memory.flush().await;
    let mut written = Vec::new();
    for i in 0..300 {
        let id = &listing.entries[(i * 37) % listing.entries.len()].product.id.as_str();
        let t = Instant::now();
        services.memory.apply(&shopper.scope(), Signal::product(SignalKind::CartAdd, id)).await?;
        written.push(t.elapsed());
    }
    let (q50, q99) = summarize(queued);
    let (w50, w99) = summarize(written);
    println!(
        "recording a signal on the request: median {} p99 {}; writing it (worker): median {} p99 {}",
        ms(q50),
        ms(q99),
        ms(w50),
        ms(w99)
    );
    Ok(())
}

/// `clients` concurrent clients sending `REQUESTS` requests in all; (median, p99).
async fn load(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    clients: usize,
) -> anyhow::Result<(Duration, Duration)> {
    let url = Arc::new(url.to_string());
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, url, token) = (client.clone(), url.clone(), token.to_string());
            tokio::spawn(async move {
                let mut samples = Vec::new();
                for _ in 0..REQUESTS / clients {
                    let t = Instant::now();
                    let res = client.get(url.as_str()).bearer_auth(&token).send().await?;
                    anyhow::ensure!(res.status().is_success(), "{} {}", res.status(), url);
                    res.bytes().await?;
                    samples.push(t.elapsed());
                }
                Ok::<_, anyhow::Error>(samples)
            })
        })
        .collect();
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await??);
    }
    Ok(summarize(samples))
}
