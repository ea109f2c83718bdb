//! Connection limits (issue 10, 2.1): stalled request heads are closed, open
//! connections are capped, slow requests time out with a `Failure`, and
//! normal requests keep answering meanwhile.

mod support;

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use ipfs_pinning_client::GetPinsQuery;
use support::{Service, bounded};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOKEN: &str = "connections-test-token";
const TEST_LIMIT: Duration = Duration::from_secs(120);

/// Sockets that send half a request head and stall.
const STALLED: usize = 400;

/// Half a request head: no blank line, so the server waits for more.
const HALF_HEAD: &[u8] = b"GET /pins HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer conn";

async fn stalled_sockets(addr: std::net::SocketAddr, count: usize) -> Vec<TcpStream> {
    let mut sockets = Vec::with_capacity(count);
    for _ in 0..count {
        let mut socket = TcpStream::connect(addr).await.expect("connect");
        socket.write_all(HALF_HEAD).await.expect("write half a head");
        sockets.push(socket);
    }
    sockets
}

/// Whether the server closes `socket` within `limit` (it may answer first).
async fn closed_by_server(mut socket: TcpStream, limit: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, socket.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_request_heads_are_closed_while_requests_keep_answering() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[TOKEN], &["--header-read-timeout", "1s"]).await;
        let addr = service.running().local_addr();
        let started = Instant::now();
        let sockets = stalled_sockets(addr, STALLED).await;
        // Normal requests answer while the stalled sockets are open.
        let client = service.client(TOKEN);
        for _ in 0..20 {
            client.get_pins(&GetPinsQuery::default()).await.expect("a normal request answers");
        }
        let closed = join_all(sockets.into_iter().map(|socket| closed_by_server(socket, Duration::from_secs(10))))
            .await
            .into_iter()
            .filter(|closed| *closed)
            .count();
        let elapsed = started.elapsed();
        eprintln!("{closed} of {STALLED} stalled sockets closed by the server within {elapsed:.2?}");
        assert_eq!(closed, STALLED, "every stalled socket is closed by the server");
        // And the service still answers.
        client.get_pins(&GetPinsQuery::default()).await.expect("the service answers after");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_wait_until_one_closes() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[TOKEN], &["--max-connections", "4", "--header-read-timeout", "30s"]).await;
        let addr = service.running().local_addr();
        let sockets = stalled_sockets(addr, 4).await;
        let client = service.client(TOKEN);
        let waiting = tokio::time::timeout(Duration::from_millis(700), client.get_pins(&GetPinsQuery::default())).await;
        assert!(waiting.is_err(), "a fifth connection is not served while four are open: {waiting:?}");
        drop(sockets);
        client.get_pins(&GetPinsQuery::default()).await.expect("served once the others closed");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_does_not_arrive_in_time_is_a_408_failure() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[TOKEN], &["--request-timeout", "1s"]).await;
        let mut socket = TcpStream::connect(service.running().local_addr()).await.unwrap();
        let head = format!(
            "POST /pins HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"cid\":"
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        let started = Instant::now();
        let mut answer = Vec::new();
        let _ = socket.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer);
        eprintln!("answered after {:.2?}", started.elapsed());
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let failure: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: {answer}"));
        assert_eq!(failure["error"]["reason"], "REQUEST_TIMEOUT", "{answer}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_kept_alive_connection_is_closed_after_the_header_read_timeout() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[TOKEN], &["--header-read-timeout", "1s"]).await;
        let mut socket = TcpStream::connect(service.running().local_addr()).await.unwrap();
        socket.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
        let mut answer = [0u8; 4096];
        let read = socket.read(&mut answer).await.unwrap();
        assert!(answer[..read].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer[..read]));
        // Kept alive, then idle: closed by the server about a second later.
        let started = Instant::now();
        assert!(closed_by_server(socket, Duration::from_secs(10)).await);
        let idle = started.elapsed();
        eprintln!("idle kept-alive connection closed after {idle:.2?}");
        assert!(idle >= Duration::from_millis(500), "closed too soon: {idle:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_service_cannot_finish_in_time_is_a_503_failure() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[TOKEN], &["--request-timeout", "1s", "--db-busy-timeout", "30s"]).await;
        // Another connection holds the write lock longer than the request may take.
        let mut blocker = {
            use sqlx::Connection;
            sqlx::SqliteConnection::connect(&format!("sqlite://{}", service.db().display())).await.unwrap()
        };
        sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut blocker).await.unwrap();
        ipfs_pinning_client::install_crypto_provider();
        let started = Instant::now();
        let response = reqwest::Client::new()
            .post(format!("{}/pins", service.url()))
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .body(serde_json::json!({ "cid": support::cid("slow") }).to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let retry_after = response.headers().get("retry-after").cloned();
        let body: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        eprintln!("answered {status} after {:.2?}", started.elapsed());
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["error"]["reason"], "REQUEST_TIMEOUT", "{body}");
        assert!(retry_after.is_some());
        sqlx::raw_sql("ROLLBACK").execute(&mut blocker).await.unwrap();
    })
    .await;
}
