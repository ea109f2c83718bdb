//! Hostile input and load (issue 10, section 2): every refusal is a
//! `Failure` with a status the spec allows, never a 500 carrying internals.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ipfs_pinning_client::GetPinsQuery;
use ipfs_pinning_client::models::Status;
use support::{Service, bounded, cid, pin};

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
        let response = http()
            .post(format!("{}/pins", service.url()))
            .bearer_auth(ALICE)
            .header("content-type", "application/json")
            .body(serde_json::to_string(&pin(&cid("busy"), None)).unwrap())
            .send()
            .await
            .unwrap();
        let (status, headers, body) = answer(response).await;
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
