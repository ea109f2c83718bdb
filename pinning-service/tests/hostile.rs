//! Hostile input and load (issue 10, section 2): every refusal is a
//! `Failure` with a status the spec allows, never a 500 carrying internals.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ipfs_pinning_client::GetPinsQuery;
use ipfs_pinning_client::models::{Pin, Status};
use support::{Service, api_error, bounded, cid, pin};

const ALICE: &str = "alice-hostile-token";
const TEST_LIMIT: Duration = Duration::from_secs(120);

fn http() -> reqwest::Client {
    ipfs_pinning_client::install_crypto_provider();
    reqwest::Client::builder().timeout(support::REQUEST_TIMEOUT).build().unwrap()
}

/// Status, headers and JSON body of a response.
async fn answer(response: reqwest::Response) -> (u16, http::HeaderMap, serde_json::Value) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"));
    (status, headers, body)
}

/// `POST /pins` of `pin` as raw JSON, with `token`: status, headers, body.
async fn post_pin(service: &Service, token: &str, pin: &Pin) -> (u16, http::HeaderMap, serde_json::Value) {
    let response = http()
        .post(format!("{}/pins", service.url()))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(serde_json::to_string(pin).unwrap())
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// No `Failure` names SQL, sqlx or SQLite.
fn assert_no_internals(body: &serde_json::Value) {
    let text = body.to_string().to_lowercase();
    for word in ["select", "sqlite", "sqlx", "database error", "where "] {
        assert!(!text.contains(word), "`{word}` in a Failure: {body}");
    }
}

fn all() -> GetPinsQuery {
    GetPinsQuery::default().status(Status::ALL).limit(1000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meta_filter_with_1000_pairs_answers_200() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        let client = service.client(ALICE);
        let pairs: BTreeMap<String, String> = (0..1000).map(|i| (format!("k{i}"), format!("v{i}"))).collect();
        let mut every = pin(&cid("every pair"), Some("every"));
        every.meta = Some(pairs.clone());
        let every = client.add_pin(&every).await.unwrap();
        let mut most = pin(&cid("all but one pair"), Some("most"));
        most.meta = Some(pairs.iter().skip(1).map(|(k, v)| (k.clone(), v.clone())).collect());
        client.add_pin(&most).await.unwrap();
        let started = Instant::now();
        let page = client.get_pins(&all().meta(pairs)).await.unwrap_or_else(|error| panic!("{error}"));
        eprintln!("GET /pins with a 1000-pair meta filter answered in {:.2?}", started.elapsed());
        let page = page.into_inner();
        assert_eq!(page.count, 1);
        assert_eq!(page.results[0].requestid, every.requestid);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_database_is_a_503_with_retry_after_and_no_sql() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &["--db-busy-timeout", "200ms"]).await;
        // Another connection holds SQLite's write lock.
        let mut blocker = {
            use sqlx::Connection;
            sqlx::SqliteConnection::connect(&format!("sqlite://{}", service.db().display())).await.unwrap()
        };
        sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut blocker).await.unwrap();
        let (status, headers, body) = post_pin(&service, ALICE, &pin(&cid("busy"), None)).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["error"]["reason"], "STORAGE_UNAVAILABLE", "{body}");
        assert_eq!(headers.get("retry-after").map(|v| v.to_str().unwrap()), Some("1"));
        assert_no_internals(&body);
        sqlx::raw_sql("ROLLBACK").execute(&mut blocker).await.unwrap();
        // Free again: the same request is accepted.
        let added = service.client(ALICE).add_pin(&pin(&cid("busy"), None)).await;
        assert!(added.is_ok(), "{added:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cid_filter_matches_every_spelling_of_a_cid() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        let client = service.client(ALICE);
        let base32 = cid("spellings");
        let parsed = cid::Cid::try_from(base32.as_str()).unwrap();
        let base16 = parsed.to_string_of_base(cid::multibase::Base::Base16Lower).unwrap();
        let base58 = parsed.to_string_of_base(cid::multibase::Base::Base58Btc).unwrap();
        let added = client.add_pin(&pin(&base16, Some("sent in base16"))).await.unwrap();
        assert_eq!(added.pin.cid, base16, "the text sent is echoed");
        for spelling in [&base32, &base16, &base58] {
            let page = client.get_pins(&all().cid(vec![spelling.clone()])).await.unwrap().into_inner();
            assert_eq!(page.count, 1, "cid={spelling}");
            assert_eq!(page.results[0].requestid, added.requestid);
        }
    })
    .await;
}

/// Every byte SQLite wrote for `db` (the file, its WAL and shared memory).
fn database_bytes(db: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        bytes.extend(std::fs::read(&path).unwrap_or_default());
    }
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_never_reach_the_database_and_a_generated_one_is_shown_once() {
    bounded(TEST_LIMIT, async {
        let mut service = Service::start(&[], &[]).await;
        let token = service.running().generated_token().expect("generated at the first start").to_owned();
        let added = service.client(&token).add_pin(&pin(&cid("token"), None)).await.unwrap();
        service.restart(&[]).await;
        assert_eq!(service.running().generated_token(), None, "shown once only");
        let got = service.client(&token).get_pin_by_request_id(&added.requestid).await.unwrap();
        assert_eq!(got.requestid, added.requestid, "the generated token still works");
        service.shutdown().await;
        let bytes = database_bytes(&service.db());
        assert!(!bytes.is_empty());
        let found = bytes.windows(token.len()).any(|window| window == token.as_bytes());
        assert!(!found, "the generated token is in the database in clear");

        // Tokens given on the command line are not stored either.
        let given = Service::start(&[ALICE], &[]).await;
        given.client(ALICE).add_pin(&pin(&cid("given"), None)).await.unwrap();
        let bytes = database_bytes(&given.db());
        assert!(!bytes.windows(ALICE.len()).any(|window| window == ALICE.as_bytes()));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_tokens_are_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let args = support::args(&dir.path().join("pins.db"), &["short-token"], &[]);
    match pinning_service::app::start(&args).await {
        Ok(_) => panic!("started with an 11-character token"),
        Err(error) => {
            let message = error.to_string();
            assert!(message.contains("--token") && message.contains("16"), "{message}");
            assert!(!message.contains("short-token"), "the message quotes the token: {message}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_on_the_same_database_refuses_to_start() {
    bounded(TEST_LIMIT, async {
        let first = Service::start(&[ALICE], &["--simulate-delay", "1h"]).await;
        let client = first.client(ALICE);
        let added = client.add_pin(&pin(&cid("in flight"), None)).await.unwrap();
        support::eventually("pinning", Duration::from_secs(10), || async {
            let got = client.get_pin_by_request_id(&added.requestid).await.unwrap();
            (got.status == Status::Pinning).then_some(())
        })
        .await;
        // The real binary, as a second process on the same file.
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_pinning-service"))
            .args(["--listen", "127.0.0.1:0", "--token", ALICE, "--db"])
            .arg(first.db())
            .env_remove("RUST_LOG")
            .kill_on_drop(true)
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "a second process started: {stderr}");
        assert!(stderr.contains("another pinning-service"), "{stderr}");
        assert!(stderr.contains(&format!("process {}", std::process::id())), "names the owner: {stderr}");
        // And in-process, the same refusal.
        let args = support::args(&first.db(), &[ALICE], &[]);
        let error = pinning_service::app::start(&args).await.err().expect("refused in-process too");
        assert!(error.to_string().contains("another pinning-service"), "{error}");
        // The first one's pin was not requeued by either attempt.
        let got = client.get_pin_by_request_id(&added.requestid).await.unwrap();
        assert_eq!(got.status, Status::Pinning);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origins_must_be_multiaddrs_ending_in_a_peer_id() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        let client = service.client(ALICE);
        let good = "/ip4/203.0.113.9/tcp/4001/p2p/12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf";
        for bad in ["/ip4/203.0.113.9/tcp/4001", "not a multiaddr", "ip4/1.2.3.4/p2p/QmPeer", "/p2p/"] {
            let mut new = pin(&cid("origins"), None);
            new.origins = Some(vec![good.to_owned(), bad.to_owned()]);
            let (status, _, body) = post_pin(&service, ALICE, &new).await;
            assert_eq!(status, 400, "{bad}: {body}");
            assert_eq!(body["error"]["reason"], "INVALID_BODY", "{body}");
            assert!(body["error"]["details"].as_str().unwrap().starts_with("origins[1]"), "{body}");
        }
        let mut fine = pin(&cid("origins"), None);
        fine.origins = Some(vec![good.to_owned()]);
        client.add_pin(&fine).await.expect("a p2p multiaddr is a good origin");
    })
    .await;
}

/// A pin whose `meta` holds one value of `bytes` bytes.
fn pin_with_meta(seed: &str, bytes: usize) -> Pin {
    let mut new = pin(&cid(seed), Some(seed));
    new.meta = Some(BTreeMap::from([("blob".to_owned(), "x".repeat(bytes))]));
    new
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meta_over_the_byte_cap_is_a_400() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        // The spec's 1000 pairs, each value 100 bytes: about 110 KB of JSON,
        // over the default 64 KiB.
        let mut big = pin(&cid("big meta"), None);
        big.meta = Some((0..1000).map(|i| (format!("key{i:04}"), "v".repeat(100))).collect());
        let (status, _, body) = post_pin(&service, ALICE, &big).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"]["reason"], "INVALID_BODY");
        let details = body["error"]["details"].as_str().unwrap();
        assert!(details.starts_with("meta:") && details.contains("65536"), "{details}");
        eprintln!("refused: {details}");
        // Just under the cap is fine.
        let (status, _, body) = post_pin(&service, ALICE, &pin_with_meta("fits", 60 * 1024)).await;
        assert_eq!(status, 202, "{body}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_page_stays_within_its_byte_budget_and_paging_finds_everything() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &["--max-page-bytes", "100000"]).await;
        let client = service.client(ALICE);
        for i in 0..20 {
            client.add_pin(&pin_with_meta(&format!("page {i}"), 20_000)).await.unwrap();
        }
        let response = http()
            .get(format!("{}/pins?status=queued,pinning,pinned,failed&limit=1000", service.url()))
            .bearer_auth(ALICE)
            .send()
            .await
            .unwrap();
        let text = response.text().await.unwrap();
        let page: serde_json::Value = serde_json::from_str(&text).unwrap();
        let results = page["results"].as_array().unwrap().len();
        eprintln!("one page: {results} of 20 pins of 20 kB meta, {} bytes (budget 100000)", text.len());
        assert_eq!(page["count"], 20, "count is every match");
        assert!((1..20).contains(&results), "{results} results");
        assert!(text.len() < 130_000, "{} bytes", text.len());
        // Paging with `before` still finds every pin once.
        let all: Vec<_> = futures_util::StreamExt::collect::<Vec<_>>(client.list_all(all())).await;
        assert_eq!(all.len(), 20);
        assert!(all.iter().all(Result::is_ok));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotas_of_pins_and_bytes_are_409_failures_per_tenant() {
    const BOB: &str = "bob-hostile-token-012";
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE, BOB], &["--quota-pins", "3", "--quota-bytes", "30000"]).await;
        let alice = service.client(ALICE);
        let mut kept = Vec::new();
        for i in 0..3 {
            kept.push(alice.add_pin(&pin(&cid(&format!("quota {i}")), None)).await.unwrap());
        }
        let (status, failure) = api_error(alice.add_pin(&pin(&cid("quota 3"), None)).await);
        assert_eq!(status, 409, "{failure:?}");
        assert_eq!(failure.error.reason, "QUOTA_EXCEEDED");
        eprintln!("fourth pin: {status} {:?}", failure.error.details);
        // Another tenant has its own quota.
        service.client(BOB).add_pin(&pin(&cid("bob's"), None)).await.unwrap();
        // A replace at the quota is allowed (it adds no pin) ...
        let replaced = alice.replace_pin_by_request_id(&kept[0].requestid, &pin(&cid("quota r"), None)).await.unwrap();
        // ... and a delete frees a slot.
        alice.delete_pin_by_request_id(&replaced.requestid).await.unwrap();
        alice.add_pin(&pin(&cid("quota 4"), None)).await.unwrap();
        // Bytes: bob may store 30000 bytes.
        let bob = service.client(BOB);
        bob.add_pin(&pin_with_meta("bob big", 20_000)).await.unwrap();
        let (status, failure) = api_error(bob.add_pin(&pin_with_meta("bob more", 20_000)).await);
        assert_eq!((status, failure.error.reason.as_str()), (409, "QUOTA_EXCEEDED"), "{failure:?}");
        eprintln!("bytes over quota: {status} {:?}", failure.error.details);
    })
    .await;
}
