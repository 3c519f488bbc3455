//! Catalog read paths at 10,000 products under 32 concurrent clients, each compared with a bare
//! JSON route (`GET /health`) in the same binary and the same run: product by id, a filtered
//! listing, and full-text search.
//!
//! `cargo run --release -p bench --bin catalog` (see bench/README.md). Loopback only; every
//! loop is bounded in time.

use bench::{ms, start_shop, summarize};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CATALOG: usize = 10_000;
const CLIENTS: usize = 32;
const RUN_FOR: Duration = Duration::from_secs(4);
const RUNS: usize = 3;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let shop = start_shop().await?;
    let added = engine::seed::grow_catalog(&shop.services.store, CATALOG).await?;
    shop.services.catalog.index().mark_text_changed();
    shop.services.catalog.index().reload().await?;
    let total = shop.services.catalog.product_count().await?;
    println!("catalog: {total} products ({added} generated for the benchmark); {CLIENTS} clients, {RUNS} runs of {RUN_FOR:?} each");
    let ids: Vec<String> = shop.services.catalog.featured(50).await?.into_iter().map(|p| p.id.into_string()).collect();
    let categories = ["coffee", "jackets", "books", "kitchen"];
    let searches =
        ["coffee", "waterproof+jacket", "trail+running+shoes", "dutch+oven", "wireless+headphones", "notebook"];

    let scenarios: Vec<(&str, Vec<String>)> = vec![
        ("bare route GET /health", vec!["/health".to_string()]),
        ("product by id", ids.iter().map(|id| format!("/v1/products/{id}")).collect()),
        (
            "filtered listing (category + price range + in stock, price sort)",
            categories
                .iter()
                .map(|c| {
                    format!("/v1/products?category={c}&min_price=1000&max_price=20000&in_stock=true&sort=price_asc")
                })
                .collect(),
        ),
        (
            "full-text search, popular queries (BM25 relevance)",
            searches.iter().map(|q| format!("/v1/products?q={q}")).collect(),
        ),
        ("full-text search, every query new (no cached match)", fresh_queries()),
    ];

    let client = reqwest::Client::builder().pool_max_idle_per_host(CLIENTS).build()?;
    let mut bare = Duration::ZERO;
    for (name, paths) in scenarios {
        let urls: Arc<Vec<String>> = Arc::new(paths.iter().map(|p| format!("{}{p}", shop.base)).collect());
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            // Cold scenario: no run may profit from an earlier run's cached matches.
            shop.services.catalog.index().forget_text_matches();
            runs.push(load(&client, urls.clone()).await?);
        }
        runs.sort_by_key(|r| r.1);
        let (median, p99, rate) = runs[RUNS / 2];
        if bare.is_zero() {
            bare = median;
        }
        println!(
            "{name}: median {} p99 {} at {rate:.0} req/s (median run by p99; median x{:.1} the bare route's)",
            ms(median),
            ms(p99),
            median.as_secs_f64() / bare.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}

/// Two-word queries from the catalog's own vocabulary, each used once (more than a run sends),
/// so every request pays for SurrealDB's full-text match.
fn fresh_queries() -> Vec<String> {
    const WORDS: [&str; 70] = [
        "coffee",
        "jacket",
        "shoes",
        "running",
        "trail",
        "waterproof",
        "wool",
        "cotton",
        "leather",
        "steel",
        "ceramic",
        "espresso",
        "beans",
        "ground",
        "headphones",
        "wireless",
        "backpack",
        "tent",
        "stove",
        "book",
        "novel",
        "toy",
        "puzzle",
        "cream",
        "serum",
        "desk",
        "chair",
        "lamp",
        "mat",
        "yoga",
        "kettle",
        "pan",
        "knife",
        "oven",
        "black",
        "blue",
        "green",
        "red",
        "small",
        "large",
        "kids",
        "travel",
        "light",
        "warm",
        "rain",
        "hiking",
        "organic",
        "blend",
        "roast",
        "dark",
        "medium",
        "bluetooth",
        "noise",
        "cancelling",
        "daypack",
        "litre",
        "bottle",
        "insulated",
        "hoodie",
        "fleece",
        "socks",
        "gloves",
        "cookbook",
        "paperback",
        "hardcover",
        "building",
        "blocks",
        "board",
        "game",
        "moisturizer",
    ];
    let mut out = Vec::new();
    for (i, a) in WORDS.iter().enumerate() {
        for b in &WORDS[i + 1..] {
            out.push(format!("/v1/products?q={a}+{b}&sort=relevance"));
        }
        out.push(format!("/v1/products?q={a}&per_page=23"));
    }
    out
}

/// CLIENTS clients cycle through `urls` for RUN_FOR: (median, p99, requests per second).
async fn load(client: &reqwest::Client, urls: Arc<Vec<String>>) -> anyhow::Result<(Duration, Duration, f64)> {
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (client, urls) = (client.clone(), urls.clone());
            tokio::spawn(async move {
                let mut samples = Vec::new();
                let deadline = Instant::now() + RUN_FOR;
                // Clients start far apart so they do not repeat one another's queries.
                let mut i = c * (urls.len() / CLIENTS).max(1);
                while Instant::now() < deadline {
                    let url = &urls[i % urls.len()];
                    let t = Instant::now();
                    let res = client.get(url).send().await?;
                    anyhow::ensure!(res.status() == 200, "{url}: {}", res.status());
                    res.bytes().await?;
                    samples.push(t.elapsed());
                    i += 1;
                }
                Ok::<_, anyhow::Error>(samples)
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let rate = all.len() as f64 / started.elapsed().as_secs_f64();
    let (median, p99) = summarize(all);
    Ok((median, p99, rate))
}
