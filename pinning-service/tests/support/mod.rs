//! Shared by the integration tests: the service started in-process on
//! 127.0.0.1 with a temporary database, the generated client, CIDs, and
//! bounded waits (a bug fails a test instead of hanging it).

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cid::Cid;
use cid::multihash::Multihash;
use clap::Parser;
use ipfs_pinning_client::models::{Failure, Pin, PinStatus};
use ipfs_pinning_client::{Client, Error, GetPinsQuery};
use pinning_service::app::{Running, start};
use pinning_service::config::Args;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The longest one HTTP request of a test may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The pause between two polls of [`eventually`].
pub const POLL: Duration = Duration::from_millis(20);

/// The command line of an in-process service: 127.0.0.1 on an ephemeral port,
/// the database `db`, these tokens, and `extra` flags.
pub fn args(db: &Path, tokens: &[&str], extra: &[&str]) -> Args {
    let mut argv: Vec<OsString> =
        vec!["pinning-service".into(), "--listen".into(), "127.0.0.1:0".into(), "--db".into(), db.into()];
    for token in tokens {
        argv.push("--token".into());
        argv.push((*token).into());
    }
    argv.extend(extra.iter().map(OsString::from));
    Args::parse_from(argv)
}

/// The service, started in-process on a database in its own temporary directory.
pub struct Service {
    dir: TempDir,
    tokens: Vec<String>,
    running: Option<Running>,
    url: String,
}

impl Service {
    /// Starts a service with these tokens (each a tenant) and `extra` flags.
    pub async fn start(tokens: &[&str], extra: &[&str]) -> Service {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut service = Service {
            dir,
            tokens: tokens.iter().map(|t| (*t).to_owned()).collect(),
            running: None,
            url: String::new(),
        };
        service.launch(extra).await;
        service
    }

    async fn launch(&mut self, extra: &[&str]) {
        let tokens: Vec<&str> = self.tokens.iter().map(String::as_str).collect();
        let args = args(&self.db(), &tokens, extra);
        let running = start(&args).await.unwrap_or_else(|error| panic!("the service did not start: {error}"));
        let addr = running.local_addr();
        assert!(addr.ip().is_loopback(), "the service listens on {addr}, not on 127.0.0.1");
        self.url = format!("http://{addr}");
        self.running = Some(running);
    }

    /// Stops the service gracefully ([`Running::shutdown`]) and starts it again
    /// on the same database with the same tokens and these `extra` flags.
    pub async fn restart(&mut self, extra: &[&str]) {
        self.shutdown().await;
        self.launch(extra).await;
    }

    /// Stops the service gracefully (the database stays until the value is dropped).
    pub async fn shutdown(&mut self) {
        if let Some(running) = self.running.take() {
            bounded(Duration::from_secs(60), running.shutdown()).await;
        }
    }

    /// The database file.
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("pins.db")
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The running service.
    pub fn running(&self) -> &Running {
        self.running.as_ref().expect("the service is running")
    }

    /// A client of the service authenticating with `token`.
    pub fn client(&self, token: &str) -> Client {
        client(&self.url, token)
    }
}

/// A client of the service at `url` authenticating with `token`.
pub fn client(url: &str, token: &str) -> Client {
    Client::builder(url, token).timeout(REQUEST_TIMEOUT).build().expect("a client")
}

/// A CIDv1 (raw codec, SHA-256) of `seed`: `bafkrei…`.
pub fn cid(seed: &str) -> String {
    Cid::new_v1(0x55, multihash(seed)).to_string()
}

/// A CIDv0 (dag-pb, SHA-256) of `seed`: `Qm…`.
pub fn cid_v0(seed: &str) -> String {
    Cid::new_v0(multihash(seed)).expect("a SHA-256 multihash makes a CIDv0").to_string()
}

fn multihash(seed: &str) -> Multihash<64> {
    Multihash::wrap(0x12, &Sha256::digest(seed.as_bytes())).expect("a 32-byte digest fits")
}

/// A pin of `cid` with an optional name, no origins and no meta.
pub fn pin(cid: &str, name: Option<&str>) -> Pin {
    Pin { cid: cid.to_owned(), name: name.map(str::to_owned), origins: None, meta: None }
}

/// A `meta` map from pairs.
pub fn meta(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect()
}

/// Runs `future`, failing the test when it takes longer than `limit`.
pub async fn bounded<T>(limit: Duration, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(limit, future).await.unwrap_or_else(|_| panic!("not done within {limit:?}"))
}

/// Polls `probe` until it returns `Some`, failing the test after `limit`.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out after {limit:?} waiting for {what}");
        tokio::time::sleep(POLL).await;
    }
}

/// The requestids of some pins.
pub fn ids<'a>(pins: impl IntoIterator<Item = &'a PinStatus>) -> BTreeSet<String> {
    pins.into_iter().map(|pin| pin.requestid.clone()).collect()
}

/// One page of `query`: `count` and the requestids of the results, checking
/// that nothing was skipped and no requestid is listed twice.
pub async fn page(client: &Client, query: &GetPinsQuery) -> (i32, Vec<PinStatus>) {
    let page = client.get_pins(query).await.unwrap_or_else(|error| panic!("GET /pins {query:?}: {error}"));
    assert!(page.skipped.is_empty(), "undecodable items: {:?}", page.skipped);
    let page = page.into_inner();
    assert_eq!(ids(&page.results).len(), page.results.len(), "a requestid is listed twice: {:?}", page.results);
    (page.count, page.results)
}

/// `count` and the set of requestids of one page of `query`.
pub async fn listed(client: &Client, query: &GetPinsQuery) -> (i32, BTreeSet<String>) {
    let (count, results) = page(client, query).await;
    (count, ids(&results))
}

/// The status and `Failure` of a call that must fail with a documented error.
pub fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, Failure) {
    match result {
        Err(Error::Api { status, body }) => (status.as_u16(), body),
        other => panic!("expected an error status with a Failure body, got {other:?}"),
    }
}

/// Asserts the call failed with 404 `NOT_FOUND`.
pub fn assert_not_found<T: std::fmt::Debug>(result: Result<T, Error>, what: &str) {
    let (status, failure) = api_error(result);
    assert_eq!(status, 404, "{what}: {failure:?}");
    assert_eq!(failure.error.reason, "NOT_FOUND", "{what}: {failure:?}");
}
