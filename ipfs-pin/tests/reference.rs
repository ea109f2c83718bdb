//! `ipfs-pin` end to end against the reference service (`pinning-service`),
//! started in-process on 127.0.0.1 with a token and the simulated pinner.
//! Every run is the built binary with a config file in a temporary directory.

#[path = "../../pinning-service/tests/support/mod.rs"]
mod service;
mod support;

use serde_json::Value;
use service::{Service, cid};
use support::{Cli, names, requestids};

const TOKEN: &str = "cli-secret-token";

/// A service with `extra` flags, and a CLI that knows it as `ref`.
async fn started(extra: &[&str]) -> (Service, Cli) {
    let service = Service::start(&[TOKEN], extra).await;
    let cli = Cli::new();
    cli.run(&["service", "add", "ref", service.url(), TOKEN]).await.ok();
    (service, cli)
}

fn status(pin: &Value) -> &str {
    pin["status"].as_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_adds_waits_lists_replaces_and_removes() {
    // Each pin takes two seconds.
    let (_service, cli) = started(&["--simulate-delay", "2s"]).await;
    let (one, two, three) = (cid("one"), cid("two"), cid("three"));

    // The config file is the owner's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cli.config_path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }

    // `add` waits until the pin is pinned; off a terminal it prints the result only.
    let added = cli.run(&["add", &one, "--service", "ref", "--name", "one", "--json"]).await;
    let added = added.ok().json();
    assert_eq!((status(&added), added["pin"]["cid"].as_str()), ("pinned", Some(one.as_str())), "{added}");
    assert_eq!(added["info"]["status_details"], "pinned (simulated backend: no data was fetched or stored)");
    let text = cli.run(&["add", &three, "--service", "ref", "--name", "three", "--meta", "app=cli"]).await;
    let lines: Vec<&str> = text.ok().stdout.lines().collect();
    assert!(lines[0].starts_with("RequestID: "), "{lines:?}");
    assert_eq!(lines[1..4], [format!("CID:       {three}"), "Name:      three".into(), "Status:    pinned".into()]);

    // `--background` returns at once; `wait` waits.
    let queued =
        cli.run(&["add", &format!("/ipfs/{two}"), "--service", "ref", "--name", "two", "--background", "--json"]).await;
    let queued = queued.ok().json();
    assert_eq!((status(&queued), queued["pin"]["cid"].as_str()), ("queued", Some(two.as_str())));
    let two_id = queued["requestid"].as_str().unwrap();
    let pending = cli.run(&["ls", "--service", "ref", "--status", "queued,pinning", "--json"]).await.ok().json();
    assert_eq!(requestids(&pending), [two_id]);
    let waited = cli.run(&["wait", two_id, "--service", "ref", "--json"]).await.ok().json();
    assert_eq!((status(&waited), waited["requestid"].as_str()), ("pinned", Some(two_id)));

    // `ls`: `pinned` by default, newest first, every filter.
    let all = cli.run(&["ls", "--service", "ref", "--json"]).await.ok().json();
    assert_eq!(names(&all), ["one", "three", "two"]);
    assert_eq!(all[0]["pin"]["name"], "two", "newest first: {all}");
    let none = cli.run(&["ls", "--service", "ref", "--status", "failed", "--json"]).await.ok().json();
    assert_eq!(none, serde_json::json!([]));
    let by_cid =
        cli.run(&["ls", "--service", "ref", "--cid", &format!("{one},{two}"), "--cid", &cid("none"), "--json"]).await;
    assert_eq!(names(&by_cid.ok().json()), ["one", "two"]);
    let by_name = cli.run(&["ls", "--service", "ref", "--name", "ONE", "--match", "iexact", "--json"]).await;
    assert_eq!(names(&by_name.ok().json()), ["one"]);
    let by_name = cli.run(&["ls", "--service", "ref", "--name", "ONE", "--json"]).await;
    assert_eq!(by_name.ok().json(), serde_json::json!([]), "exact by default");
    let by_meta = cli.run(&["ls", "--service", "ref", "--meta", "app=cli", "--json"]).await;
    assert_eq!(names(&by_meta.ok().json()), ["three"]);
    let table = cli.run(&["ls", "--service", "ref"]).await;
    let rows: Vec<&str> = table.ok().stdout.lines().collect();
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows[0].starts_with("REQUESTID ") && rows[0].ends_with(" CREATED"), "{rows:?}");
    assert!(rows[1].starts_with(two_id) && rows[1].contains(" pinned ") && rows[1].contains(&two), "{rows:?}");

    // `replace`: a new request for another CID; the old one is gone.
    let one_id = added["requestid"].as_str().unwrap();
    let four = cid("four");
    let replaced =
        cli.run(&["replace", one_id, &four, "--service", "ref", "--name", "four", "--json"]).await.ok().json();
    assert_eq!((status(&replaced), replaced["pin"]["cid"].as_str()), ("pinned", Some(four.as_str())));
    assert_ne!(replaced["requestid"].as_str(), Some(one_id));
    let all = cli.run(&["ls", "--service", "ref", "--json"]).await.ok().json();
    assert_eq!(names(&all), ["four", "three", "two"]);
    cli.run(&["wait", one_id, "--service", "ref"]).await.code(1).stderr_has(&["404", "NOT_FOUND"]);

    // `rm` refuses to remove two pins without `--force`, and removes nothing.
    let refused = cli.run(&["rm", "--service", "ref", "--name", "t", "--match", "partial"]).await;
    refused.code(2).stderr_has(&["2 pins match", "--force"]);
    assert_eq!(refused.stdout, "");
    assert_eq!(requestids(&cli.run(&["ls", "--service", "ref", "--json"]).await.ok().json()).len(), 3);
    let removed = cli.run(&["rm", "--service", "ref", "--name", "t", "--match", "partial", "--force", "--json"]).await;
    assert_eq!(names(&removed.ok().json()), ["three", "two"]);
    let removed = cli.run(&["rm", "--service", "ref", "--cid", &four]).await;
    assert_eq!(removed.ok().stdout, format!("{}\n", replaced["requestid"].as_str().unwrap()));
    assert_eq!(cli.run(&["ls", "--service", "ref", "--json"]).await.ok().json(), serde_json::json!([]));
    let nothing = cli.run(&["rm", "--service", "ref", "--cid", &four]).await;
    nothing.code(0).stderr_has(&["no pinned pins match"]);
}

/// On a terminal, `add` shows a live line (request id, elapsed time, status,
/// `info.status_details`) on stderr and clears it; stdout gets the result only.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_add_shows_a_live_status_line() {
    let (_service, cli) = started(&["--simulate-delay", "1s"]).await;
    let (run, screen) = cli.run_on_terminal(&["add", &cid("live"), "--service", "ref"]).await;
    run.code(0);
    let id = run.stdout.lines().next().unwrap().strip_prefix("RequestID: ").unwrap();
    assert!(screen.contains(&format!("pin {id} [0s] ")), "{screen:?}");
    assert!(screen.contains("] pinning: pinning (simulated backend: nothing is fetched"), "{screen:?}");
    assert!(screen.ends_with("\r\x1b[2K"), "the line is cleared at the end: {screen:?}");
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_are_added_listed_counted_and_removed_without_showing_tokens() {
    let (service, cli) = started(&[]).await;

    // The token from a file, and from standard input.
    let file = cli.file("token", &format!("{TOKEN}\n"));
    cli.run(&["service", "add", "from-file", &format!("{}/", service.url()), "--token-file", file.to_str().unwrap()])
        .await
        .ok();
    cli.run_with_stdin(&["service", "add", "from-stdin", service.url()], Some(&format!("{TOKEN}\n"))).await.ok();
    for name in ["ref", "from-file", "from-stdin"] {
        cli.run(&["add", &cid(name), "--service", name, "--name", name]).await.ok();
    }
    let config = std::fs::read_to_string(cli.config_path()).unwrap();
    assert_eq!(config.matches(TOKEN).count(), 3, "{config}");

    // `service ls`: names and URLs, sorted; never a token.
    let listed = cli.run(&["service", "ls"]).await;
    let url = service.url();
    assert_eq!(
        listed.ok().stdout,
        format!("NAME        URL\nfrom-file   {url}\nfrom-stdin  {url}\nref         {url}\n")
    );
    let listed = cli.run(&["service", "ls", "--json"]).await.ok().json();
    assert_eq!(
        listed,
        serde_json::json!([
            { "name": "from-file", "url": url },
            { "name": "from-stdin", "url": url },
            { "name": "ref", "url": url },
        ])
    );

    // `--stat` asks each service for its pin counts.
    cli.run(&["add", &cid("queued"), "--service", "ref", "--background"]).await.ok();
    let stat = cli.run(&["service", "ls", "--stat", "--json"]).await.ok().json();
    let pinned = stat[0]["stat"]["pin_count"]["pinned"].as_u64().unwrap();
    let queued = &stat[0]["stat"]["pin_count"];
    assert_eq!(stat[0]["stat"]["status"], "valid", "{stat}");
    // One tenant: every name sees the same three pinned pins (the fourth may be pinned by now).
    assert!((3..=4).contains(&pinned), "{stat}");
    assert_eq!(queued["queued"].as_u64().unwrap() + queued["pinning"].as_u64().unwrap() + pinned, 4, "{stat}");
    let text = cli.run(&["service", "ls", "--stat"]).await;
    assert!(text.ok().stdout.starts_with("NAME        URL"), "{}", text.stdout);
    assert!(text.stdout.lines().next().unwrap().ends_with("QUEUED  PINNING  PINNED  FAILED"), "{}", text.stdout);

    // Refusals are usage errors (exit 2) and change nothing.
    cli.run(&["service", "add", "ref", service.url(), TOKEN]).await.code(2).stderr_has(&["exists already"]);
    cli.run(&["service", "add", "x", &format!("{}/pins", service.url()), TOKEN]).await.code(2).stderr_has(&["/pins"]);
    cli.run(&["service", "add", "x", "ftp://127.0.0.1", TOKEN]).await.code(2).stderr_has(&["http"]);
    cli.run_with_stdin(&["service", "add", "x", service.url()], Some("\n")).await.code(2).stderr_has(&["empty"]);
    cli.run(&["service", "add", "x", service.url(), "two words"]).await.code(2).stderr_has(&["spaces"]);
    cli.run(&["service", "add", "x", service.url(), "--token-file", "/nonexistent/token"]).await.code(2);
    cli.run(&["service", "rm", "nope"]).await.code(2).stderr_has(&["unknown service `nope`"]);
    assert_eq!(std::fs::read_to_string(cli.config_path()).unwrap(), config);

    // An unknown service is a usage error for every command that needs one.
    cli.run(&["service", "rm", "ref"]).await.ok();
    for args in [
        &["ls", "--service", "ref"][..],
        &["add", "bafy", "--service", "ref"],
        &["rm", "--service", "ref"],
        &["wait", "r", "--service", "ref"],
        &["replace", "r", "bafy", "--service", "ref"],
    ] {
        cli.run(args).await.code(2).stderr_has(&["unknown service `ref` (known services: from-file, from-stdin)"]);
    }
    for run in [cli.run(&["service", "ls", "--stat"]).await, cli.run(&["service", "ls", "--stat", "--json"]).await] {
        assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN), "{run:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_exits_1_with_the_services_reason() {
    let (service, cli) = started(&[]).await;
    cli.run(&["service", "add", "wrong", service.url(), "not-the-token"]).await.ok();
    let refused = cli.run(&["ls", "--service", "wrong"]).await;
    refused.code(1).stderr_has(&["listing pins: the service answered 401 Unauthorized: UNAUTHORIZED"]);
    assert_eq!(refused.stdout, "");
    cli.run(&["add", &cid("x"), "--service", "wrong"]).await.code(1).stderr_has(&["adding the pin", "401"]);

    // `service ls --stat` lists every service, marks the one that failed, and exits 1.
    let stat = cli.run(&["service", "ls", "--stat", "--json"]).await;
    let stat = stat.code(1).stderr_has(&["service `wrong`: counting pins: the service answered 401"]).json();
    assert_eq!(stat[0]["stat"]["status"], "valid");
    assert_eq!(stat[1]["stat"]["status"], "invalid");
    assert!(!stat.to_string().contains("not-the-token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_pin_and_a_timeout_exit_1() {
    // Pins take ten seconds, and fail after one.
    let (_service, cli) = started(&["--simulate-delay", "10s", "--pin-timeout", "1s"]).await;
    let failed = cli.run(&["add", &cid("slow"), "--service", "ref", "--name", "slow"]).await;
    failed.code(1).stderr_has(&["the service failed to pin", &cid("slow")]);
    assert!(failed.stdout.contains("Status:    failed\n"), "{}", failed.stdout);
    let json = cli.run(&["add", &cid("slow2"), "--service", "ref", "--json"]).await;
    assert_eq!(status(&json.code(1).json()), "failed");

    let queued = cli.run(&["add", &cid("slow3"), "--service", "ref", "--background", "--json"]).await.ok().json();
    let id = queued["requestid"].as_str().unwrap();
    let timed_out = cli.run(&["wait", id, "--service", "ref", "--timeout", "300ms"]).await;
    timed_out.code(1).stderr_has(&[&format!("pin {id} is still "), "it stays on the service"]);
    assert_eq!(timed_out.stdout, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_ten_cids_are_asked_for_in_batches_and_origins_are_sent() {
    let (_service, cli) = started(&[]).await;
    let cids: Vec<String> = (0..12).map(|i| cid(&format!("batch-{i}"))).collect();
    for (i, cid) in cids.iter().enumerate() {
        let origin = format!("/ip4/203.0.113.{i}/tcp/4001/p2p/12D3KooWRtoQC64cUBLUH6S2DZARoaBypcRVNycRoqzjvNn6UKAG");
        cli.run(&["add", cid, "--service", "ref", "--background", "--origin", &origin]).await.ok();
    }
    let all = cids.join(",");
    let listed =
        cli.run(&["ls", "--service", "ref", "--cid", &all, "--status", "queued,pinning,pinned", "--json"]).await;
    let listed = listed.ok().json();
    let mut got: Vec<&str> = listed.as_array().unwrap().iter().map(|p| p["pin"]["cid"].as_str().unwrap()).collect();
    got.sort();
    let mut want: Vec<&str> = cids.iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(got, want);
    assert!(listed.as_array().unwrap().iter().all(|p| p["pin"]["origins"].as_array().unwrap().len() == 1), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_that_is_not_there_exits_1_with_the_transport_error() {
    let cli = Cli::new();
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    cli.run(&["service", "add", "gone", &format!("http://127.0.0.1:{port}"), TOKEN]).await.ok();
    let run = cli.run(&["ls", "--service", "gone"]).await;
    run.code(1).stderr_has(&["listing pins: the request failed", "onnect"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_and_completions_are_printed() {
    let cli = Cli::new();
    cli.run(&[]).await.code(2);
    cli.run(&["ls"]).await.code(2).stderr_has(&["--service"]);
    cli.run(&["ls", "--service", "x", "--status", "done"]).await.code(2);
    cli.run(&["--help"]).await.ok();
    // A broken config file is a configuration error.
    std::fs::create_dir_all(cli.config_path().parent().unwrap()).unwrap();
    std::fs::write(cli.config_path(), "not json").unwrap();
    cli.run(&["service", "ls"]).await.code(2).stderr_has(&["is not valid"]);

    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = cli.run(&["completions", shell]).await;
        assert!(run.ok().stdout.contains("ipfs-pin") && run.stdout.contains("replace"), "{shell}");
    }
    cli.run(&["completions", "tcsh"]).await.code(2);
}
