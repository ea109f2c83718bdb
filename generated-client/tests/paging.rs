//! `list_all` against simulated servers that page as the spec says and as
//! deployed servers do instead, and `wait_for` against scripted pins.

mod support;

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use futures_util::StreamExt;
use ipfs_pinning_client::models::{PinStatus, Status};
use ipfs_pinning_client::{Client, Error, GetPinsQuery, ListAllError, WaitError};
use serde_json::{Value, json};
use support::{CaptureServer, Captured, Reply, pin_status};

fn created(i: usize) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(1_600_000_000_000 + 1000 * i as i64).unwrap()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Pins `req-0` (oldest) .. `req-{n-1}` (newest), one second apart.
fn pins(n: usize) -> Vec<Value> {
    (0..n).map(|i| pin_status(&format!("req-{i}"), "pinned", &stamp(created(i)), &format!("Qm{i}"))).collect()
}

#[derive(Clone, Copy)]
struct Behaviour {
    newest_first: bool,
    /// `count` is the page size (not the total).
    count_is_page_size: bool,
    /// `before`/`after` are ignored.
    ignore_cursor: bool,
    /// A fixed `count`, whatever the page.
    fixed_count: Option<i64>,
}

const SPEC: Behaviour =
    Behaviour { newest_first: true, count_is_page_size: false, ignore_cursor: false, fixed_count: None };

/// A server that filters and pages `pins` with `behaviour`.
fn simulate(pins: Vec<Value>, behaviour: Behaviour) -> impl Fn(&Captured) -> Reply + Send + Sync + 'static {
    move |request| {
        let query = request.query_map();
        let time =
            |name: &str| query.get(name).map(|v| DateTime::parse_from_rfc3339(&v[0]).unwrap().with_timezone(&Utc));
        let limit: usize = query.get("limit").map_or(10, |v| v[0].parse().unwrap());
        let (before, after) = if behaviour.ignore_cursor { (None, None) } else { (time("before"), time("after")) };
        let mut matching: Vec<&Value> = pins
            .iter()
            .filter(|p| {
                let at = DateTime::parse_from_rfc3339(p["created"].as_str().unwrap()).unwrap().with_timezone(&Utc);
                before.is_none_or(|b| at < b) && after.is_none_or(|a| at > a)
            })
            .collect();
        if behaviour.newest_first {
            matching.reverse();
        }
        let total = matching.len();
        let page: Vec<&Value> = matching.into_iter().take(limit).collect();
        let count =
            behaviour.fixed_count.unwrap_or(if behaviour.count_is_page_size { page.len() } else { total } as i64);
        Reply::json(200, json!({ "count": count, "results": page }))
    }
}

async fn collect(client: &Client, query: GetPinsQuery) -> (Vec<PinStatus>, Vec<ListAllError>) {
    let items: Vec<Result<PinStatus, ListAllError>> = client.list_all(query).collect().await;
    let mut pins = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        match item {
            Ok(pin) => pins.push(pin),
            Err(e) => errors.push(e),
        }
    }
    (pins, errors)
}

fn ids(pins: &[PinStatus]) -> Vec<String> {
    pins.iter().map(|p| p.requestid.clone()).collect()
}

fn expected_ids(range: impl Iterator<Item = usize>) -> Vec<String> {
    range.map(|i| format!("req-{i}")).collect()
}

fn client(server: &CaptureServer) -> Client {
    Client::new(server.url(), "token").unwrap()
}

#[tokio::test]
async fn pages_backwards_with_before_as_the_spec_says() {
    let server = CaptureServer::start(simulate(pins(95), SPEC)).await;
    let (pins, errors) = collect(&client(&server), GetPinsQuery::default().limit(10)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ids(&pins), expected_ids((0..95).rev()));
    let requests = server.requests();
    assert_eq!(requests.len(), 10, "the last page is short and count says it is all");
    assert_eq!(requests[0].target, "/pins?limit=10");
    for (k, request) in requests.iter().enumerate().skip(1) {
        // `before` = the oldest `created` of the previous page.
        let oldest = stamp(created(95 - 10 * k));
        assert_eq!(request.query_map()["before"], [oldest.replace(".000", "")]);
    }
}

#[tokio::test]
async fn a_full_last_page_costs_one_more_request() {
    let server = CaptureServer::start(simulate(pins(30), SPEC)).await;
    let (pins, errors) = collect(&client(&server), GetPinsQuery::default().limit(10)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(pins.len(), 30);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn the_default_page_size_is_the_spec_maximum() {
    let server = CaptureServer::start(simulate(pins(25), SPEC)).await;
    let (pins, _) = collect(&client(&server), GetPinsQuery::default()).await;
    assert_eq!(pins.len(), 25);
    assert_eq!(server.single().target, "/pins?limit=1000");
}

#[tokio::test]
async fn a_count_that_is_the_page_size_does_not_stop_early() {
    let behaviour = Behaviour { count_is_page_size: true, ..SPEC };
    let server = CaptureServer::start(simulate(pins(25), behaviour)).await;
    let (pins, errors) = collect(&client(&server), GetPinsQuery::default().limit(10)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ids(&pins), expected_ids((0..25).rev()));
}

#[tokio::test]
async fn oldest_first_servers_are_paged_forwards_with_after() {
    // As mock-ipfs-pinning-service@0.4.2 does: oldest first, count = page size.
    let behaviour = Behaviour { newest_first: false, count_is_page_size: true, ..SPEC };
    let server = CaptureServer::start(simulate(pins(27), behaviour)).await;
    let (pins, errors) = collect(&client(&server), GetPinsQuery::default().limit(10)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ids(&pins), expected_ids(0..27));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests[1].query_map().contains_key("after"), "{:?}", requests[1]);
}

#[tokio::test]
async fn the_order_is_learned_even_from_pages_of_one() {
    for newest_first in [true, false] {
        let behaviour = Behaviour { newest_first, count_is_page_size: true, ..SPEC };
        let server = CaptureServer::start(simulate(pins(4), behaviour)).await;
        let (pins, errors) = collect(&client(&server), GetPinsQuery::default().limit(1)).await;
        assert!(errors.is_empty(), "{errors:?}");
        let mut got = ids(&pins);
        got.sort();
        assert_eq!(got, expected_ids(0..4), "newest_first: {newest_first}");
        assert!(server.requests().len() <= 7, "{}", server.requests().len());
    }
}

#[tokio::test]
async fn a_server_that_ignores_the_cursor_stalls_with_an_error() {
    let behaviour = Behaviour { ignore_cursor: true, ..SPEC };
    let server = CaptureServer::start(simulate(pins(50), behaviour)).await;
    let (pins, errors) = collect(&client(&server), GetPinsQuery::default().limit(10)).await;
    assert_eq!(pins.len(), 10, "no duplicates");
    assert_eq!(errors.len(), 1);
    match &errors[0] {
        ListAllError::Stalled { yielded: 10, count: 50, reason } => assert!(reason.contains("already listed")),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_count_that_never_shrinks_still_terminates() {
    let behaviour = Behaviour { fixed_count: Some(1_000_000), ..SPEC };
    let server = CaptureServer::start(simulate(pins(23), behaviour)).await;
    let (pins, errors) = collect(&client(&server), GetPinsQuery::default().limit(10)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(pins.len(), 23);
    assert_eq!(server.requests().len(), 4, "three pages, then an empty one");
}

#[tokio::test]
async fn unknown_items_are_reported_and_paging_goes_on() {
    let mut all = pins(25);
    // The oldest item of the second page (newest first, limit 10) is `req-5`.
    all[5]["status"] = json!("expired");
    all[17]["status"] = json!("archived");
    let server = CaptureServer::start(simulate(all, SPEC)).await;
    let (pins, errors) = collect(&client(&server), GetPinsQuery::default().limit(10)).await;
    let expected: Vec<String> =
        expected_ids((0..25).rev()).into_iter().filter(|id| id != "req-5" && id != "req-17").collect();
    assert_eq!(ids(&pins), expected);
    let skipped: Vec<String> = errors
        .iter()
        .map(|e| match e {
            ListAllError::Skipped(item) => item.raw["requestid"].as_str().unwrap().to_owned(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(skipped, ["req-17", "req-5"], "each reported once");
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_with_the_error() {
    let calls = AtomicUsize::new(0);
    let sim = simulate(pins(40), SPEC);
    let server = CaptureServer::start(move |request| {
        if calls.fetch_add(1, Ordering::SeqCst) == 2 {
            Reply::raw(500, "text/html", "<html>oops</html>")
        } else {
            sim(request)
        }
    })
    .await;
    let (pins, errors) = collect(&client(&server), GetPinsQuery::default().limit(10)).await;
    assert_eq!(pins.len(), 20);
    assert_eq!(errors.len(), 1);
    assert!(
        matches!(&errors[0], ListAllError::Request(Error::UnexpectedResponse { status, .. }) if status.as_u16() == 500),
        "{errors:?}"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn the_callers_filters_go_with_every_page() {
    let after = created(3);
    let server = CaptureServer::start(simulate(pins(30), SPEC)).await;
    let query = GetPinsQuery::default().status([Status::Pinned, Status::Failed]).name("x").after(after).limit(10);
    let (pins, errors) = collect(&client(&server), query).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ids(&pins), expected_ids((4..30).rev()));
    for request in server.requests() {
        let query = request.query_map();
        assert_eq!(query["status"], ["pinned,failed"]);
        assert_eq!(query["name"], ["x"]);
        assert_eq!(query["after"], [stamp(after).replace(".000", "")]);
    }
}

#[tokio::test]
async fn nothing_to_list_and_invalid_queries() {
    let server = CaptureServer::start(simulate(Vec::new(), SPEC)).await;
    let (pins, errors) = collect(&client(&server), GetPinsQuery::default()).await;
    assert!(pins.is_empty() && errors.is_empty());
    assert_eq!(server.requests().len(), 1);

    let server = CaptureServer::start(simulate(Vec::new(), SPEC)).await;
    let (pins, errors) = collect(&client(&server), GetPinsQuery::default().limit(0)).await;
    assert!(pins.is_empty());
    assert!(matches!(errors.as_slice(), [ListAllError::Request(Error::Validation(_))]), "{errors:?}");
    assert!(server.requests().is_empty());
}

/// A pin whose status goes through `statuses`, one per poll (the last repeats).
fn scripted(statuses: &'static [&'static str]) -> impl Fn(&Captured) -> Reply + Send + Sync + 'static {
    let polls = Mutex::new(0usize);
    move |_| {
        let mut n = polls.lock().unwrap();
        let status = statuses[(*n).min(statuses.len() - 1)];
        *n += 1;
        if status == "gone" {
            Reply::failure(404, "NOT_FOUND", None)
        } else {
            Reply::json(200, pin_status("req-1", status, "2020-07-27T17:32:28Z", "Qm"))
        }
    }
}

#[tokio::test]
async fn wait_for_polls_until_a_wanted_status() {
    let server = CaptureServer::start(scripted(&["queued", "pinning", "pinned"])).await;
    let started = Instant::now();
    let pin =
        client(&server).wait_for("req-1", &[Status::Pinned, Status::Failed], Duration::from_secs(20)).await.unwrap();
    assert_eq!(pin.status, Status::Pinned);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.target == "/pins/req-1"));
    // Backoff: 250 ms, then 500 ms.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(700) && elapsed < Duration::from_secs(5), "{elapsed:?}");

    let server = CaptureServer::start(scripted(&["queued", "failed"])).await;
    let pin =
        client(&server).wait_for("req-1", &[Status::Pinned, Status::Failed], Duration::from_secs(20)).await.unwrap();
    assert_eq!(pin.status, Status::Failed);

    let server = CaptureServer::start(scripted(&["pinned"])).await;
    client(&server).wait_for("req-1", &[Status::Pinned], Duration::ZERO).await.unwrap();
    assert_eq!(server.requests().len(), 1, "a status already reached needs one poll");
}

#[tokio::test]
async fn wait_for_with_shows_every_poll_and_may_wait_without_a_deadline() {
    let server = CaptureServer::start(scripted(&["queued", "pinning", "failed"])).await;
    let mut seen = Vec::new();
    let pin = client(&server)
        .wait_for_with("req-1", &[Status::Pinned, Status::Failed], None, |pin| seen.push(pin.status))
        .await
        .unwrap();
    assert_eq!(pin.status, Status::Failed);
    assert_eq!(seen, [Status::Queued, Status::Pinning, Status::Failed]);

    // A deadline too far away to represent is no deadline, not a panic.
    let server = CaptureServer::start(scripted(&["queued", "pinned"])).await;
    let pin = client(&server).wait_for("req-1", &[Status::Pinned], Duration::MAX).await.unwrap();
    assert_eq!(pin.status, Status::Pinned);
}

#[tokio::test]
async fn wait_for_times_out_with_the_last_status() {
    let server = CaptureServer::start(scripted(&["queued"])).await;
    let started = Instant::now();
    let error = client(&server).wait_for("req-1", &[Status::Pinned], Duration::from_millis(600)).await.unwrap_err();
    let elapsed = started.elapsed();
    match &error {
        WaitError::Timeout { last, waited } => {
            assert_eq!(last.status, Status::Queued);
            assert!(*waited >= Duration::from_millis(600), "{waited:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    // Polls at 0, 250 ms and the deadline.
    assert_eq!(server.requests().len(), 3);
    assert!(error.to_string().contains("still queued"), "{error}");
}

#[tokio::test]
async fn wait_for_stops_on_an_error() {
    let server = CaptureServer::start(scripted(&["queued", "gone"])).await;
    let error = client(&server).wait_for("req-1", &[Status::Pinned], Duration::from_secs(20)).await.unwrap_err();
    assert!(
        matches!(&error, WaitError::Request(Error::Api { status, body }) if status.as_u16() == 404 && body.error.reason == "NOT_FOUND"),
        "{error:?}"
    );
    let seen: HashSet<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(seen.len(), 1);
}
