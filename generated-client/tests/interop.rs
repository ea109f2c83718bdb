//! Interop with a server nobody here wrote: the npm package
//! `mock-ipfs-pinning-service@0.4.2`. The harness (`mock_service/`) installs
//! it with npm under the target directory when it is not there yet, starts it
//! on 127.0.0.1 with a token, and kills it afterwards.
//!
//! Deviations of that server from the spec, and what the client does:
//!
//! | the server | the client |
//! |---|---|
//! | any `meta` query answers 500 with an HTML page | `Error::UnexpectedResponse` (status 500, `text/html`, snippet) |
//! | repeated query keys (`cid=a&cid=b`) answer 500 with an HTML page | never sent: `cid` and `status` are `explode: false`, sent once comma-joined, which the server understands |
//! | `count` is the page size, not the total | `get_pins` returns it as sent; `list_all` asks for another page whenever a page is full |
//! | results come oldest first | `list_all` sees the order and pages forwards with `after` |
//! | `match=iexact/partial/ipartial` is ignored (always exact) | sent as the spec says; the answer is the server's exact match |
//! | no `status` filter means every status (the spec: only `pinned`) | returned as sent |
//! | pinning a cid again returns the existing request (the spec: a new `requestid`) | returned as sent; the lifecycle uses a fresh cid each run |
//! | `DELETE` answers 202 with `Content-Type: application/json` and no body | `Ok(())`: a success without a documented body ignores the body |
//! | 404 bodies carry a stack trace in `details` | decoded as a `Failure` like any other |

mod mock_service;
#[path = "../examples/lifecycle/steps.rs"]
mod steps;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use futures_util::StreamExt;
use ipfs_pinning_client::models::{Pin, PinStatus, Status, TextMatchingStrategy};
use ipfs_pinning_client::{Client, Error, GetPinsQuery, ListAllError};
use mock_service::{Mock, TOKEN};

fn pin(cid: &str, name: Option<&str>) -> Pin {
    Pin { cid: cid.to_owned(), name: name.map(str::to_owned), origins: None, meta: None }
}

/// Adds `n` pins with distinct cids, a few milliseconds apart (the service
/// stamps `created` in milliseconds, and paging needs distinct stamps).
async fn add_pins(client: &Client, n: usize, prefix: &str) -> Vec<PinStatus> {
    let mut added = Vec::new();
    for i in 0..n {
        added.push(client.add_pin(&pin(&format!("{prefix}{i}"), Some(&format!("pinned-{prefix}{i}")))).await.unwrap());
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    added
}

fn quick() -> steps::Options {
    steps::Options { meta: false, attempts: 2, pause: Duration::from_millis(50) }
}

#[tokio::test]
async fn the_lifecycle_passes_without_meta() {
    let mock = Mock::start();
    let mut log = String::new();
    let result = steps::run(&mock.client(), &quick(), &mut log).await;
    assert_eq!(result, Ok(()), "{log}");
    let steps: Vec<&str> = log.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(steps, ["add", "get", "list", "replace", "get old", "get new", "delete", "get deleted"], "{log}");
    assert!(log.contains("new pin listed"), "{log}");
    // Nothing is left behind.
    let page = mock.client().get_pins(&GetPinsQuery::default()).await.unwrap();
    assert_eq!(page.results.len(), 0, "{page:?}");
}

#[tokio::test]
async fn the_lifecycle_with_meta_reports_the_servers_500() {
    let mock = Mock::start();
    let mut log = String::new();
    let options = steps::Options { meta: true, ..quick() };
    let error = steps::run(&mock.client(), &options, &mut log).await.unwrap_err();
    assert!(error.starts_with("list: the server answered 500 Internal Server Error (text/html"), "{error}");
    assert!(log.contains("cleanup: delete req-1: deleted"), "{log}");
}

#[tokio::test]
async fn the_example_runs_as_a_program() {
    let mock = Mock::start();
    let example = example_binary();
    let output = Command::new(&example).args(["--url", &mock.url, "--token", TOKEN, "--no-meta"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        stdout.contains("get deleted: ") && stdout.ends_with("ok: the lifecycle went as the spec says\n"),
        "{stdout}"
    );

    // Anything unexpected is a non-zero exit: here the meta filter's 500, and a wrong token.
    let output = Command::new(&example).args(["--url", &mock.url, "--token", TOKEN]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("FAILED: list: "), "{output:?}");
    let output = Command::new(&example).args(["--url", &mock.url, "--token", "wrong", "--no-meta"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("401"), "{output:?}");
}

/// The example's binary, built by Cargo now (a no-op when `cargo test` built it already).
fn example_binary() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "ipfs-pinning-client", "--example", "lifecycle"])
        .status()
        .unwrap();
    assert!(status.success(), "building the example failed");
    // tests run from target/<profile>/deps; examples are in target/<profile>/examples.
    let deps = std::env::current_exe().unwrap().parent().unwrap().to_owned();
    let example = deps.parent().unwrap().join("examples").join(format!("lifecycle{}", std::env::consts::EXE_SUFFIX));
    assert!(example.exists(), "{} is missing", example.display());
    example
}

#[tokio::test]
async fn list_all_pages_through_more_than_25_pins() {
    let mock = Mock::start();
    let client = mock.client();
    let added = add_pins(&client, 32, "QmMany").await;
    let mut expected: Vec<String> = added.iter().map(|p| p.requestid.clone()).collect();
    expected.sort();

    for limit in [None, Some(10), Some(7), Some(1)] {
        let query = GetPinsQuery { limit, ..GetPinsQuery::default() };
        let items: Vec<Result<PinStatus, ListAllError>> = client.list_all(query).collect().await;
        let mut got: Vec<String> = items.into_iter().map(|item| item.unwrap().requestid).collect();
        got.sort();
        assert_eq!(got, expected, "limit {limit:?}");
    }
}

#[tokio::test]
async fn the_servers_paging_deviations_as_the_client_sees_them() {
    let mock = Mock::start();
    let client = mock.client();
    let added = add_pins(&client, 12, "QmPage").await;

    // `count` is the page size, and results come oldest first.
    let page = client.get_pins(&GetPinsQuery::default().limit(5)).await.unwrap();
    assert_eq!((page.count, page.results.len()), (5, 5));
    let got: Vec<&str> = page.results.iter().map(|p| p.requestid.as_str()).collect();
    let oldest: Vec<&str> = added[..5].iter().map(|p| p.requestid.as_str()).collect();
    assert_eq!(got, oldest);

    // No status filter: every status, not only `pinned` (these are `queued`).
    let queued = client.add_pin(&pin("QmQueued", Some("plain"))).await.unwrap();
    assert_eq!(queued.status, Status::Queued);
    let page = client.get_pins(&GetPinsQuery::default().limit(1000)).await.unwrap();
    assert_eq!(page.results.len(), 13);
    assert!(page.results.iter().any(|p| p.requestid == queued.requestid));

    // Several cids and statuses, sent once comma-joined, are understood.
    let query = GetPinsQuery::default().cid(["QmPage0", "QmPage3"]).status([Status::Pinned, Status::Queued]);
    let page = client.get_pins(&query).await.unwrap();
    let mut cids: Vec<&str> = page.results.iter().map(|p| p.pin.cid.as_str()).collect();
    cids.sort();
    assert_eq!(cids, ["QmPage0", "QmPage3"]);
}

#[tokio::test]
async fn the_servers_filter_deviations_as_the_client_sees_them() {
    let mock = Mock::start();
    let client = mock.client();
    client.add_pin(&pin("QmCase", Some("pinned-CaseName"))).await.unwrap();

    // Any meta filter: a 500 HTML page, reported with its status and snippet.
    let query = GetPinsQuery::default()
        .meta([("k".to_owned(), "v".to_owned())].into_iter().collect::<std::collections::BTreeMap<_, _>>());
    match client.get_pins(&query).await.unwrap_err() {
        Error::UnexpectedResponse { status, content_type, snippet, .. } => {
            assert_eq!(status.as_u16(), 500);
            assert!(content_type.unwrap().starts_with("text/html"));
            assert!(snippet.starts_with("<!DOCTYPE html>"), "{snippet}");
        }
        other => panic!("{other:?}"),
    }

    // Repeated keys (what `explode: true` would send) get the same 500 page;
    // the client sends `cid` once, comma-joined (see the paging test).
    let raw = reqwest::Client::new()
        .get(format!("{}/pins?cid=QmCase&cid=QmOther", mock.url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 500);

    // `match` other than exact is ignored: always an exact, case-sensitive match.
    let exact = GetPinsQuery::default().name("pinned-CaseName").r#match(TextMatchingStrategy::Exact);
    assert_eq!(client.get_pins(&exact).await.unwrap().results.len(), 1);
    for strategy in [TextMatchingStrategy::Iexact, TextMatchingStrategy::Ipartial] {
        let query = GetPinsQuery::default().name("pinned-casename").r#match(strategy);
        assert_eq!(client.get_pins(&query).await.unwrap().results.len(), 0, "{strategy}");
    }
    let partial = GetPinsQuery::default().name("CaseName").r#match(TextMatchingStrategy::Partial);
    assert_eq!(client.get_pins(&partial).await.unwrap().results.len(), 0);
}

#[tokio::test]
async fn the_servers_errors_and_odd_answers() {
    let mock = Mock::start();
    let client = mock.client();

    // A wrong token: 401 with a Failure.
    let wrong = Client::new(&mock.url, "wrong").unwrap();
    match wrong.get_pins(&GetPinsQuery::default()).await.unwrap_err() {
        Error::Api { status, body } => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(body.error.reason, "access token is invalid");
        }
        other => panic!("{other:?}"),
    }

    // An unknown request: 404 with a stack trace as details.
    match client.get_pin_by_request_id("req-404").await.unwrap_err() {
        Error::Api { status, body } => {
            assert_eq!((status.as_u16(), body.error.reason.as_str()), (404, "NotFound"));
            assert!(body.error.details.is_some());
        }
        other => panic!("{other:?}"),
    }

    // Pinning a cid again answers the existing request, not a new one.
    let first = client.add_pin(&pin("QmAgain", None)).await.unwrap();
    let again = client.add_pin(&pin("QmAgain", None)).await.unwrap();
    assert_eq!(first.requestid, again.requestid);

    // DELETE answers 202 with a JSON content type and no body: Ok(()).
    client.delete_pin_by_request_id(&first.requestid).await.unwrap();
    assert!(matches!(
        client.delete_pin_by_request_id(&first.requestid).await,
        Err(Error::Api { status, .. }) if status.as_u16() == 404
    ));

    // The status a pin's name asks for (the service's test hook), as wait_for sees it.
    let pinned = client.add_pin(&pin("QmWait", Some("pinned-wait"))).await.unwrap();
    let done = client.wait_for(&pinned.requestid, &[Status::Pinned], Duration::from_secs(5)).await.unwrap();
    assert_eq!(done.status, Status::Pinned);
    let queued = client.add_pin(&pin("QmStuck", Some("queued-stuck"))).await.unwrap();
    let stuck = client.wait_for(&queued.requestid, &[Status::Pinned], Duration::from_millis(400)).await.unwrap_err();
    assert!(matches!(stuck, ipfs_pinning_client::WaitError::Timeout { ref last, .. } if last.status == Status::Queued));
}
