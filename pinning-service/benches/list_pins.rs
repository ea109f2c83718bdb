//! `GET /pins` latency of the reference service with 10,000 pins.
//!
//! ```sh
//! cargo bench -p pinning-service --bench list_pins            # 10,000 pins, 500 requests a query
//! cargo bench -p pinning-service --bench list_pins -- 2000 100 # pins, requests a query
//! ```
//!
//! Starts the service in-process (simulated backend, no delay) on 127.0.0.1
//! with a fresh SQLite file, adds the pins through `POST /pins` from 32
//! concurrent clients (one tenant), waits until the worker has pinned all of
//! them, then sends each query below one request at a time with the
//! generated client and prints p50/p90/p99/max of the round trip (client
//! encoding and decoding included). A second tenant with a few pins is there
//! so that every query is also scoped by tenant.
//!
//! Every answer is checked (the right `count` and number of results), so a
//! fast wrong answer cannot pass as a result.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use cid::Cid;
use cid::multihash::Multihash;
use clap::Parser;
use futures_util::{StreamExt, TryStreamExt};
use ipfs_pinning_client::models::{Pin, PinMeta, Status, TextMatchingStrategy};
use ipfs_pinning_client::{Client, GetPinsQuery};
use pinning_service::app;
use pinning_service::config::Args;
use sha2::{Digest, Sha256};

const TOKEN: &str = "bench-token-0123456789";
const OTHER_TOKEN: &str = "bench-other-token";
/// Pins added at once.
const CONCURRENCY: usize = 32;
/// Requests before measuring, per query.
const WARM_UP: usize = 20;

#[tokio::main]
async fn main() {
    let mut numbers = std::env::args().skip(1).filter(|arg| !arg.starts_with('-')).map(|arg| {
        arg.parse::<usize>().unwrap_or_else(|_| panic!("usage: list_pins [PINS [REQUESTS]]; `{arg}` is not a number"))
    });
    let pins = numbers.next().unwrap_or(10_000);
    let requests = numbers.next().unwrap_or(500);
    assert!(pins >= 20, "at least 20 pins");

    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("bench.db");
    let args = Args::parse_from([
        "pinning-service".as_ref(),
        "--listen".as_ref(),
        "127.0.0.1:0".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        "--token".as_ref(),
        TOKEN.as_ref(),
        "--token".as_ref(),
        OTHER_TOKEN.as_ref(),
    ]);
    let running = app::start(&args).await.expect("the service starts");
    let url = format!("http://{}", running.local_addr());
    let client = Client::new(&url, TOKEN).expect("a client");
    let other = Client::new(&url, OTHER_TOKEN).expect("a client");

    println!("list_pins: {pins} pins, {requests} requests a query, service at {url}");
    let started = Instant::now();
    futures_util::stream::iter(0..pins)
        .map(|i| {
            let client = &client;
            async move { client.add_pin(&pin(i)).await.map(|_| ()) }
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect::<()>()
        .await
        .expect("every pin is added");
    let elapsed = started.elapsed();
    println!(
        "  POST /pins: {pins} adds in {:.2} s ({:.0}/s, {CONCURRENCY} concurrent)",
        elapsed.as_secs_f64(),
        pins as f64 / elapsed.as_secs_f64()
    );
    for i in 0..5 {
        other.add_pin(&pin(pins + i)).await.expect("the other tenant's pin is added");
    }
    wait_until_pinned(&client, pins).await;

    // The `created` of the pin 90% of the way down the newest-first list:
    // the cursor of a deep page.
    let deep_before = created_of_newest(&client, pins * 9 / 10).await;

    let sample = pin(pins / 2);
    let queries: Vec<(&str, GetPinsQuery, usize, usize)> = vec![
        ("default (pinned, limit 10)", GetPinsQuery::default(), pins, 10),
        ("limit 1000", GetPinsQuery::default().limit(1000), pins, 1000),
        ("cid (1 of 10k)", GetPinsQuery::default().cid([sample.cid.clone()]), 1, 1),
        (
            "name exact",
            GetPinsQuery::default().name(sample.name.clone().unwrap()).r#match(TextMatchingStrategy::Exact),
            1,
            1,
        ),
        (
            "name ipartial (1 in 10)",
            GetPinsQuery::default().name("NAME-7").r#match(TextMatchingStrategy::Ipartial),
            count_matching(pins, |i| name(i).contains("name-7")),
            10,
        ),
        (
            "meta {shard: 3} (1 in 16)",
            GetPinsQuery::default().meta(PinMeta::from([("shard".to_owned(), "3".to_owned())])),
            count_matching(pins, |i| i % 16 == 3),
            10,
        ),
        (
            "deep page (before = 90%)",
            GetPinsQuery::default().before(deep_before).limit(100),
            pins - pins * 9 / 10 - 1,
            100,
        ),
        ("status queued (none)", GetPinsQuery::default().status([Status::Queued]), 0, 0),
        (
            "all four statuses, after",
            GetPinsQuery::default()
                .status([Status::Queued, Status::Pinning, Status::Pinned, Status::Failed])
                .after(deep_before),
            pins * 9 / 10,
            10,
        ),
    ];

    println!("  GET /pins round trips, ms ({requests} requests each, after {WARM_UP} to warm up):");
    println!("  {:<30} {:>8} {:>8} {:>8} {:>8}", "query", "p50", "p90", "p99", "max");
    for (label, query, count, results) in &queries {
        let mut times = Vec::with_capacity(requests);
        for round in 0..WARM_UP + requests {
            let sent = Instant::now();
            let page = client.get_pins(query).await.unwrap_or_else(|e| panic!("{label}: {e}")).into_inner();
            let took = sent.elapsed();
            assert_eq!(page.count as usize, *count, "{label}: count");
            assert_eq!(page.results.len(), (*results).min(*count), "{label}: results");
            if round >= WARM_UP {
                times.push(took);
            }
        }
        times.sort();
        println!(
            "  {:<30} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
            label,
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 90.0)),
            ms(percentile(&times, 99.0)),
            ms(*times.last().expect("at least one request")),
        );
    }
    println!("  peak resident memory of the process: {}", peak_rss());
    running.shutdown().await;
}

/// The `i`th pin of the bench: a distinct CIDv1 (raw, sha2-256 of `i`), a
/// name, and two meta entries.
fn pin(i: usize) -> Pin {
    let digest = Sha256::digest(i.to_le_bytes());
    let hash = Multihash::<64>::wrap(0x12, &digest).expect("a sha2-256 multihash");
    Pin {
        cid: Cid::new_v1(0x55, hash).to_string(),
        name: Some(name(i)),
        origins: None,
        meta: Some(PinMeta::from([("app".to_owned(), "bench".to_owned()), ("shard".to_owned(), (i % 16).to_string())])),
    }
}

fn name(i: usize) -> String {
    format!("name-{i}")
}

fn count_matching(pins: usize, matches: impl Fn(usize) -> bool) -> usize {
    (0..pins).filter(|&i| matches(i)).count()
}

/// Polls until the tenant has `pins` pinned pins (two minutes at most).
async fn wait_until_pinned(client: &Client, pins: usize) {
    let started = Instant::now();
    loop {
        let page = client.get_pins(&GetPinsQuery::default().limit(1)).await.expect("a page").into_inner();
        if page.count as usize == pins {
            println!("  worker: all {pins} pinned {:.2} s after the last add", started.elapsed().as_secs_f64());
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "only {} of {pins} pinned after 2 minutes", page.count);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `created` of the `n`th newest pin (0-based), found by paging.
async fn created_of_newest(client: &Client, n: usize) -> DateTime<Utc> {
    let mut before: Option<DateTime<Utc>> = None;
    let mut skipped = 0;
    loop {
        let mut query = GetPinsQuery::default().limit(1000);
        if let Some(before) = before {
            query = query.before(before);
        }
        let page = client.get_pins(&query).await.expect("a page").into_inner();
        if skipped + page.results.len() > n {
            return page.results[n - skipped].created;
        }
        skipped += page.results.len();
        before = Some(page.results.last().expect("enough pins").created);
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// `VmHWM` from /proc/self/status (Linux), or "unknown".
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find(|line| line.starts_with("VmHWM:")).map(|line| line[6..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}
