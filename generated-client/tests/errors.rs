//! How responses map to results: documented errors carry the decoded
//! `Failure` and the status; anything else keeps the status and a bounded
//! snippet; transport, timeout and decode failures are distinct; success
//! bodies are decoded leniently. Nothing a server sends makes the client panic.

mod support;

use std::time::{Duration, Instant};

use ipfs_pinning_client::models::{Pin, Status};
use ipfs_pinning_client::{Client, Error, GetPinsQuery, SNIPPET_BYTES};
use reqwest::StatusCode;
use serde_json::json;
use support::{CaptureServer, Reply, pin_status};

fn client(server: &CaptureServer) -> Client {
    Client::builder(server.url(), "token").timeout(Duration::from_secs(10)).build().unwrap()
}

fn pin() -> Pin {
    Pin { cid: "QmCID".into(), name: None, origins: None, meta: None }
}

/// Runs every operation against a server that always answers `reply`.
async fn every_operation(reply: Reply) -> Vec<Error> {
    let server = CaptureServer::always(reply).await;
    let c = client(&server);
    let errors = vec![
        c.get_pins(&GetPinsQuery::default()).await.unwrap_err(),
        c.add_pin(&pin()).await.unwrap_err(),
        c.get_pin_by_request_id("req-1").await.unwrap_err(),
        c.replace_pin_by_request_id("req-1", &pin()).await.unwrap_err(),
        c.delete_pin_by_request_id("req-1").await.unwrap_err(),
    ];
    assert_eq!(server.requests().len(), 5);
    errors
}

#[tokio::test]
async fn documented_error_statuses_carry_the_failure() {
    for (status, reason) in [
        (400, "BAD_REQUEST"),
        (401, "UNAUTHORIZED"),
        (404, "NOT_FOUND"),
        (409, "INSUFFICIENT_FUNDS"),
        // Not listed, but covered by `4XX` and `5XX`.
        (418, "CUSTOM_ERROR_CODE_FOR_MACHINES"),
        (429, "RATE_LIMITED"),
        (500, "INTERNAL_SERVER_ERROR"),
        (503, "UNAVAILABLE"),
    ] {
        for error in every_operation(Reply::failure(status, reason, Some("more details"))).await {
            match &error {
                Error::Api { status: got, body } => {
                    assert_eq!(got.as_u16(), status);
                    assert_eq!(body.error.reason, reason);
                    assert_eq!(body.error.details.as_deref(), Some("more details"));
                }
                other => panic!("{status}: {other:?}"),
            }
            assert_eq!(error.status(), Some(StatusCode::from_u16(status).unwrap()));
            let message = error.to_string();
            assert!(message.contains(&status.to_string()) && message.contains(reason), "{message}");
        }
    }
}

#[tokio::test]
async fn a_failure_without_details_or_with_extra_fields_still_decodes() {
    let reply = Reply::json(404, json!({ "error": { "reason": "NOT_FOUND", "code": 7 }, "trace": "x" }));
    for error in every_operation(reply).await {
        let Error::Api { body, .. } = error else { panic!("{error:?}") };
        assert_eq!((body.error.reason.as_str(), body.error.details), ("NOT_FOUND", None));
    }
}

/// `UnexpectedResponse` with this status and a reason containing `reason`.
fn assert_unexpected(error: &Error, status: u16, reason: &str) -> String {
    match error {
        Error::UnexpectedResponse { status: got, reason: why, snippet, .. } => {
            assert_eq!(got.as_u16(), status, "{error:?}");
            assert!(why.contains(reason), "{why:?} does not mention {reason:?}");
            assert!(snippet.len() <= SNIPPET_BYTES);
            snippet.clone()
        }
        other => panic!("expected UnexpectedResponse {status}, got {other:?}"),
    }
}

#[tokio::test]
async fn an_html_error_page_keeps_status_and_snippet() {
    let html = format!("<!DOCTYPE html><html><body><pre>Internal Server Error</pre>{}</body></html>", "x".repeat(5000));
    for status in [500, 503, 404, 401] {
        for error in every_operation(Reply::raw(status, "text/html; charset=utf-8", html.clone())).await {
            let snippet = assert_unexpected(&error, status, "text/html");
            assert!(snippet.starts_with("<!DOCTYPE html>"), "{snippet}");
            assert_eq!(snippet.len(), SNIPPET_BYTES);
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        }
    }
}

#[tokio::test]
async fn error_bodies_that_are_not_a_failure() {
    // Truncated JSON (the framing is right, the JSON is not).
    for error in every_operation(Reply::raw(409, "application/json", r#"{"error":{"reas"#)).await {
        assert_unexpected(&error, 409, "not a `Failure`");
    }
    // Empty.
    for error in every_operation(Reply::raw(401, "application/json", "")).await {
        assert_unexpected(&error, 401, "not a `Failure`");
    }
    for error in every_operation(Reply::empty(503)).await {
        assert_unexpected(&error, 503, "not a `Failure`");
    }
    // JSON, but another shape.
    for error in every_operation(Reply::json(400, json!({ "message": "bad" }))).await {
        let snippet = assert_unexpected(&error, 400, "not a `Failure`");
        assert_eq!(snippet, r#"{"message":"bad"}"#);
    }
    // A Failure under the wrong content type.
    let failure = json!({ "error": { "reason": "NOT_FOUND" } }).to_string();
    for error in every_operation(Reply::raw(404, "text/plain", failure)).await {
        assert_unexpected(&error, 404, "text/plain");
    }
    // Bytes that are not UTF-8.
    for error in every_operation(Reply::raw(500, "application/octet-stream", vec![0xff, 0xfe, 0x00, 0x80])).await {
        let snippet = assert_unexpected(&error, 500, "application/octet-stream");
        assert!(snippet.contains('\u{fffd}'));
    }
}

#[tokio::test]
async fn a_status_the_spec_does_not_document() {
    // 3xx is neither a success nor a documented error (and has no Location to follow).
    for error in every_operation(Reply::failure(300, "MOVED", None)).await {
        assert_unexpected(&error, 300, "documents no body");
    }
}

/// `Decode` with this status and a reason containing `reason`.
fn assert_decode(error: &Error, status: u16, reason: &str) {
    match error {
        Error::Decode { status: got, reason: why, snippet, .. } => {
            assert_eq!(got.as_u16(), status, "{error:?}");
            assert!(why.contains(reason), "{why:?} does not mention {reason:?}");
            assert!(snippet.len() <= SNIPPET_BYTES);
        }
        other => panic!("expected Decode {status}, got {other:?}"),
    }
}

/// The operations with a success body (`delete` has none).
async fn operations_with_bodies(reply: Reply) -> Vec<Error> {
    let server = CaptureServer::always(reply).await;
    let c = client(&server);
    vec![
        c.get_pins(&GetPinsQuery::default()).await.unwrap_err(),
        c.add_pin(&pin()).await.unwrap_err(),
        c.get_pin_by_request_id("req-1").await.unwrap_err(),
        c.replace_pin_by_request_id("req-1", &pin()).await.unwrap_err(),
    ]
}

#[tokio::test]
async fn success_bodies_that_cannot_be_decoded() {
    for error in operations_with_bodies(Reply::raw(200, "text/html", "<html>hi</html>")).await {
        assert_decode(&error, 200, "text/html");
    }
    // Valid JSON under a content type that says otherwise.
    let body = pin_status("req-1", "queued", "2020-07-27T17:32:28Z", "Qm").to_string();
    for error in operations_with_bodies(Reply::raw(200, "text/plain", body)).await {
        assert_decode(&error, 200, "text/plain");
    }
    for error in operations_with_bodies(Reply::raw(202, "application/json", r#"{"requestid":"req-1","sta"#)).await {
        assert_decode(&error, 202, "not valid JSON");
    }
    for error in operations_with_bodies(Reply::raw(200, "application/json", "")).await {
        assert_decode(&error, 200, "empty");
    }
    for error in operations_with_bodies(Reply::empty(204)).await {
        assert_decode(&error, 204, "empty");
    }
    for error in operations_with_bodies(Reply::json(200, json!([1, 2, 3]))).await {
        assert_decode(&error, 200, "invalid type");
        assert!(error.to_string().contains("[1,2,3]"), "{error}");
    }
}

#[tokio::test]
async fn a_body_cut_short_by_the_connection_is_a_transport_error() {
    let reply = Reply::Truncated {
        status: 200,
        content_type: "application/json".into(),
        declared: 500,
        body: br#"{"count":1,"results":[{"requestid":"#.to_vec(),
    };
    for error in operations_with_bodies(reply).await {
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        assert!(error.status().is_none());
    }
}

#[tokio::test]
async fn a_server_that_hangs_is_a_timeout() {
    let server = CaptureServer::always(Reply::Hang).await;
    let c = Client::builder(server.url(), "token").timeout(Duration::from_millis(300)).build().unwrap();
    let started = Instant::now();
    let error = c.get_pins(&GetPinsQuery::default()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    let error = c.delete_pin_by_request_id("req-1").await.unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_body_that_stops_coming_is_a_timeout() {
    // Headers and the start of the body, then nothing, and the connection stays open.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let holder = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        let _ = stream.read(&mut buffer).await;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"count\":")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(60)).await;
    });
    let c = Client::builder(url, "token").timeout(Duration::from_millis(300)).build().unwrap();
    let error = c.get_pins(&GetPinsQuery::default()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    holder.abort();
}

#[tokio::test]
async fn nobody_listening_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = Client::new(url, "token").unwrap().get_pins(&GetPinsQuery::default()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.to_string().starts_with("the request failed"), "{error}");
}

#[tokio::test]
async fn any_success_status_with_the_expected_body_is_success() {
    let body = pin_status("req-9", "pinning", "2020-07-27T17:32:28.276Z", "QmCID");
    for status in [200, 201, 202, 203] {
        let server = CaptureServer::always(Reply::json(status, body.clone())).await;
        let c = client(&server);
        assert_eq!(c.add_pin(&pin()).await.unwrap().requestid, "req-9");
        assert_eq!(c.replace_pin_by_request_id("req-1", &pin()).await.unwrap().status, Status::Pinning);
        assert_eq!(c.get_pin_by_request_id("req-9").await.unwrap().pin.cid, "QmCID");
    }
    // No content type at all is accepted too.
    let server =
        CaptureServer::always(Reply::Respond { status: 200, headers: vec![], body: body.to_string().into() }).await;
    client(&server).get_pin_by_request_id("req-9").await.unwrap();
}

#[tokio::test]
async fn success_bodies_are_decoded_leniently() {
    let status = json!({
        "requestid": "req-1",
        "status": "pinned",
        "created": "2020-07-27T17:32:28+02:00",
        "pin": { "cid": "QmCID", "name": null, "origins": null, "meta": null, "vendor": { "x": 1 } },
        "delegates": [],
        "info": null,
        "extra": [1, 2, 3],
    });
    let server = CaptureServer::always(Reply::json(200, status.clone())).await;
    let got = client(&server).get_pin_by_request_id("req-1").await.unwrap();
    assert_eq!(got.created.to_rfc3339(), "2020-07-27T15:32:28+00:00");
    assert!(got.delegates.is_empty() && got.info.is_none() && got.pin.name.is_none());

    // Constraints are never enforced on what a server sends.
    let long = json!({
        "requestid": "req-2",
        "status": "queued",
        "created": "2020-07-27T17:32:28Z",
        "pin": { "cid": "QmCID", "name": "n".repeat(400), "origins": vec!["/same"; 30] },
        "delegates": vec!["/dup"; 25],
        "info": { "status_details": "Queue position: 7 of 9" },
    });
    let page = json!({ "count": -1, "results": [long, status] });
    let server = CaptureServer::always(Reply::json(200, page)).await;
    let got = client(&server).get_pins(&GetPinsQuery::default()).await.unwrap();
    assert_eq!((got.count, got.results.len(), got.skipped.len()), (-1, 2, 0));
    assert_eq!(got.results[0].pin.name.as_ref().map(String::len), Some(400));
}

#[tokio::test]
async fn an_unknown_status_is_reported_not_fatal_to_the_page() {
    let expired = pin_status("req-2", "expired", "2020-07-27T17:32:29Z", "QmTwo");
    let page = json!({
        "count": 3,
        "results": [
            pin_status("req-3", "pinned", "2020-07-27T17:32:30Z", "QmThree"),
            expired,
            pin_status("req-1", "queued", "2020-07-27T17:32:28Z", "QmOne"),
            { "requestid": "req-0", "status": "queued", "pin": { "cid": "QmZero" }, "delegates": [] },
        ],
    });
    let server = CaptureServer::always(Reply::json(200, page)).await;
    let got = client(&server).get_pins(&GetPinsQuery::default()).await.unwrap();
    let ids: Vec<&str> = got.results.iter().map(|p| p.requestid.as_str()).collect();
    assert_eq!(ids, ["req-3", "req-1"]);
    assert_eq!(got.count, 3, "count is left as the server sent it");
    assert_eq!(got.skipped.len(), 2);
    assert_eq!(got.skipped[0].path, "results[1]");
    assert!(got.skipped[0].reason.contains("unknown variant `expired`"), "{}", got.skipped[0].reason);
    assert_eq!(got.skipped[0].raw, expired);
    assert_eq!(got.skipped[1].path, "results[3]");
    assert!(got.skipped[1].reason.contains("missing field `created`"), "{}", got.skipped[1].reason);
    assert_eq!(got.skipped[1].to_string(), format!("results[3]: {}", got.skipped[1].reason));

    // A single pin with an unknown status is a decode error that keeps the body.
    let server =
        CaptureServer::always(Reply::json(200, pin_status("req-2", "expired", "2020-07-27T17:32:29Z", "Qm"))).await;
    let error = client(&server).get_pin_by_request_id("req-2").await.unwrap_err();
    assert_decode(&error, 200, "unknown variant `expired`");
    let Error::Decode { snippet, .. } = &error else { unreachable!() };
    assert!(snippet.contains(r#""status":"expired""#), "{snippet}");
}

#[tokio::test]
async fn a_page_whose_envelope_is_broken_fails_whole() {
    for page in
        [json!({ "results": [] }), json!({ "count": 1, "results": "nope" }), json!({ "count": "1", "results": [] })]
    {
        let server = CaptureServer::always(Reply::json(200, page)).await;
        let error = client(&server).get_pins(&GetPinsQuery::default()).await.unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }
}

#[tokio::test]
async fn a_body_beyond_the_limit_is_refused() {
    let huge = vec![b' '; ipfs_pinning_client::MAX_BODY_BYTES + 10];
    let server = CaptureServer::always(Reply::raw(200, "application/json", huge.clone())).await;
    let error = client(&server).get_pin_by_request_id("req-1").await.unwrap_err();
    assert_decode(&error, 200, "larger than");
    let server = CaptureServer::always(Reply::raw(500, "application/json", huge)).await;
    let error = client(&server).get_pin_by_request_id("req-1").await.unwrap_err();
    assert_unexpected(&error, 500, "larger than");
}
