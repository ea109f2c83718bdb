//! `ipfs-pin` end to end against a service nobody here wrote: the npm
//! package `mock-ipfs-pinning-service@0.4.2`, installed and started by the
//! client's harness (`generated-client/tests/mock_service/`). Its test hook
//! sets a pin's status from the start of its name (`pinned-…`, `failed-…`,
//! `queued-…`), and it deviates from the spec in ways the CLI must absorb:
//! `count` is the page size (`service ls --stat` counts anyway), results come
//! oldest first (`ls` still lists newest first), a missing `status` filter
//! lists every status (`ls` always sends one), and any `meta` filter answers
//! 500 with an HTML page (reported, exit 1).

#[path = "../../generated-client/tests/mock_service/mod.rs"]
mod mock_service;
mod support;

use mock_service::{Mock, TOKEN};
use serde_json::{Value, json};
use support::{Cli, names};

fn status(pin: &Value) -> &str {
    pin["status"].as_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_against_the_npm_mock_service() {
    let mock = Mock::start();
    let cli = Cli::new();
    cli.run(&["service", "add", "mock", &mock.url, TOKEN]).await.ok();

    // `add` waits for the status the name asks for: pinned (exit 0), failed (exit 1), or
    // never (the timeout, exit 1).
    let one = cli.run(&["add", "QmOne", "--service", "mock", "--name", "pinned-one", "--json"]).await.ok().json();
    assert_eq!(status(&one), "pinned", "{one}");
    let failed = cli.run(&["add", "QmTwo", "--service", "mock", "--name", "failed-two"]).await;
    failed.code(1).stderr_has(&["the service failed to pin QmTwo"]);
    assert!(failed.stdout.contains("Status:    failed\n"), "{}", failed.stdout);
    let stuck = cli.run(&["add", "QmThree", "--service", "mock", "--name", "queued-three", "--timeout", "1s"]).await;
    stuck.code(1).stderr_has(&["is still queued after 1s"]);
    let four =
        cli.run(&["add", "QmFour", "--service", "mock", "--name", "pinned-four", "--background", "--json"]).await;
    let four = four.ok().json();
    let four_id = four["requestid"].as_str().unwrap();
    let waited = cli.run(&["wait", four_id, "--service", "mock", "--json"]).await.ok().json();
    assert_eq!(status(&waited), "pinned");

    // `ls`: pinned only by default (the service would list every status), newest first
    // (the service sends oldest first).
    let pinned = cli.run(&["ls", "--service", "mock", "--json"]).await.ok().json();
    assert_eq!(names(&pinned), ["pinned-four", "pinned-one"]);
    assert_eq!(pinned[0]["pin"]["name"], "pinned-four", "{pinned}");
    let others = cli.run(&["ls", "--service", "mock", "--status", "queued", "--status", "failed", "--json"]).await;
    assert_eq!(names(&others.ok().json()), ["failed-two", "queued-three"]);
    let by_cid =
        cli.run(&["ls", "--service", "mock", "--cid", "QmOne,QmTwo", "--status", "pinned,failed", "--json"]).await;
    assert_eq!(names(&by_cid.ok().json()), ["failed-two", "pinned-one"]);
    let table = cli.run(&["ls", "--service", "mock"]).await;
    assert_eq!(table.ok().stdout.lines().count(), 3, "{}", table.stdout);

    // `service ls --stat` counts although `count` is the page size.
    let stat = cli.run(&["service", "ls", "--stat", "--json"]).await.ok().json();
    assert_eq!(
        stat,
        json!([{ "name": "mock", "url": mock.url, "stat": {
            "status": "valid",
            "pin_count": { "queued": 1, "pinning": 0, "pinned": 2, "failed": 1 },
        }}])
    );

    // `replace`.
    let one_id = one["requestid"].as_str().unwrap();
    let five = cli.run(&["replace", one_id, "QmFive", "--service", "mock", "--name", "pinned-five", "--json"]).await;
    let five = five.ok().json();
    assert_eq!((status(&five), five["pin"]["cid"].as_str()), ("pinned", Some("QmFive")));
    let pinned = cli.run(&["ls", "--service", "mock", "--json"]).await.ok().json();
    assert_eq!(names(&pinned), ["pinned-five", "pinned-four"]);

    // `rm`: two matches need `--force`.
    cli.run(&["rm", "--service", "mock"]).await.code(2).stderr_has(&["2 pins match", "--force"]);
    let removed = cli.run(&["rm", "--service", "mock", "--force", "--json"]).await.ok().json();
    assert_eq!(names(&removed), ["pinned-five", "pinned-four"]);
    assert_eq!(cli.run(&["ls", "--service", "mock", "--json"]).await.ok().json(), json!([]));
    let removed = cli.run(&["rm", "--service", "mock", "--status", "failed"]).await;
    assert!(removed.ok().stdout.lines().count() == 1, "{}", removed.stdout);

    // Its 500 for any `meta` filter, reported with the status and the page's start.
    let meta = cli.run(&["ls", "--service", "mock", "--meta", "k=v"]).await;
    meta.code(1).stderr_has(&["listing pins: the server answered 500 Internal Server Error (text/html"]);

    // A wrong token: its 401 and reason.
    cli.run(&["service", "add", "wrong", &mock.url, "not-the-token"]).await.ok();
    let refused = cli.run(&["ls", "--service", "wrong"]).await;
    refused.code(1).stderr_has(&["the service answered 401 Unauthorized: access token is invalid"]);

    cli.run(&["service", "rm", "wrong"]).await.ok();
    cli.run(&["service", "rm", "mock"]).await.ok();
    assert_eq!(cli.run(&["service", "ls", "--json"]).await.ok().json(), json!([]));
}
