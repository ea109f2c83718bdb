//! What an operator expects (issue 10, section 3): `/healthz`, `/readyz` and
//! `/metrics` without a token, request ids, and one access log line per
//! request, as JSON with `--log-format json`.

mod support;

use std::process::Stdio;
use std::time::Duration;

use ipfs_pinning_client::GetPinsQuery;
use support::{Service, bounded, cid, pin};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const TOKEN: &str = "operator-test-token";
const TEST_LIMIT: Duration = Duration::from_secs(120);

fn http() -> reqwest::Client {
    ipfs_pinning_client::install_crypto_provider();
    reqwest::Client::builder().timeout(support::REQUEST_TIMEOUT).build().unwrap()
}

async fn json(response: reqwest::Response) -> serde_json::Value {
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness_answer_without_a_token() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[TOKEN], &[]).await;
        let http = http();
        let healthz = http.get(format!("{}/healthz", service.url())).send().await.unwrap();
        assert_eq!(healthz.status(), 200);
        assert_eq!(json(healthz).await["status"], "ok");
        let readyz = http.get(format!("{}/readyz", service.url())).send().await.unwrap();
        assert_eq!(readyz.status(), 200);
        let body = json(readyz).await;
        assert_eq!((body["status"].as_str(), body["database"].as_str()), (Some("ready"), Some("writable")), "{body}");
        // The spec's paths still want a token.
        let pins = http.get(format!("{}/pins", service.url())).send().await.unwrap();
        assert_eq!(pins.status(), 401);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_with_a_503_failure_when_the_database_takes_no_writes() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[TOKEN], &[]).await;
        // Another connection holds the write lock: the probe's write cannot commit.
        let blocker = rusqlite_like_lock(&service.db()).await;
        let readyz = http().get(format!("{}/readyz", service.url())).send().await.unwrap();
        let status = readyz.status();
        let retry_after = readyz.headers().get("retry-after").cloned();
        let body = json(readyz).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["error"]["reason"], "NOT_READY", "{body}");
        assert!(retry_after.is_some(), "a 503 says when to retry");
        drop(blocker);
    })
    .await;
}

/// Holds SQLite's write lock on `db` from a second connection until dropped.
async fn rusqlite_like_lock(db: &std::path::Path) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut connection).await.unwrap();
    connection
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_pins_and_the_queue() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[TOKEN], &["--simulate-delay", "1h"]).await;
        let client = service.client(TOKEN);
        client.add_pin(&pin(&cid("metrics one"), None)).await.unwrap();
        client.get_pins(&GetPinsQuery::default()).await.unwrap();
        let text = http().get(format!("{}/metrics", service.url())).send().await.unwrap().text().await.unwrap();
        for expected in [
            "http_requests_total{method=\"POST\",route=\"/pins\",status=\"202\"}",
            "http_requests_total{method=\"GET\",route=\"/pins\",status=\"200\"}",
            "http_request_duration_seconds_bucket{method=\"GET\",route=\"/pins\",le=\"0.005\"}",
            "pinning_pins{status=\"pinning\"}",
            "pinning_queue_depth",
            "pinning_oldest_queued_age_seconds",
        ] {
            assert!(text.contains(expected), "`{expected}` missing from /metrics:\n{text}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_is_one_json_access_log_line_with_its_request_id() {
    bounded(TEST_LIMIT, async {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_pinning-service"))
            .args(["--listen", "127.0.0.1:0", "--token", TOKEN, "--log-format", "json", "--db"])
            .arg(dir.path().join("pins.db"))
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = stdout.next_line().await.unwrap().unwrap();
        let url = line.strip_prefix("pinning-service listening on ").unwrap().split_whitespace().next().unwrap();
        let response = http()
            .get(format!("{url}/pins/no-such-request"))
            .bearer_auth(TOKEN)
            .header("x-request-id", "req-abc-123")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        assert_eq!(response.headers()["x-request-id"], "req-abc-123");
        let generated = http().get(format!("{url}/healthz")).send().await.unwrap();
        assert!(!generated.headers()["x-request-id"].is_empty(), "a request without an id gets one");
        child.start_kill().unwrap();
        let _ = child.wait().await;
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut access = Vec::new();
        while let Ok(Some(line)) = stderr.next_line().await {
            let event: serde_json::Value =
                serde_json::from_str(&line).unwrap_or_else(|error| panic!("not a JSON log line ({error}): {line}"));
            if event["target"] == "pinning_service::access" {
                access.push(event);
            }
        }
        assert_eq!(access.len(), 2, "{access:?}");
        let first = &access[0];
        assert_eq!(first["level"], "INFO");
        assert_eq!(first["method"], "GET");
        assert_eq!(first["route"], "/pins/{requestid}");
        assert_eq!(first["status"], 404);
        assert_eq!(first["request_id"], "req-abc-123");
        assert!(first["latency_ms"].as_f64().is_some(), "{first}");
    })
    .await;
}
