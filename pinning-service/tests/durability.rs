//! Durability: what the service acknowledged is still there after `kill -9`,
//! and pins keep their states across graceful restarts, both of the real
//! binary (SIGTERM) and in-process (`Running::shutdown`, then `start`).

#[path = "support/process.rs"]
mod process;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ipfs_pinning_client::models::{PinStatus, Status};
use ipfs_pinning_client::{Client, GetPinsQuery};
use process::{Process, everything};
use support::{Service, assert_not_found, bounded, cid, eventually, ids, listed, meta, pin};
use tokio::task::JoinSet;

const TOKEN: &str = "durability-token";

/// The bound of every test.
const TEST_LIMIT: Duration = Duration::from_secs(180);

/// What a load of adds got before the service went away.
struct Load {
    /// Every pin answered with 202.
    acknowledged: Vec<PinStatus>,
    /// The cids of adds sent without an answer (at most one per task).
    unanswered: Vec<String>,
}

/// Adds pins from `tasks` concurrent clients, each one after the other, until
/// a request fails; `stop` is called (with the count so far) once at least
/// `threshold` adds are acknowledged, and the tasks then run until the
/// service is gone.
async fn load_until<F, Fut>(url: &str, tasks: usize, threshold: usize, stop: F) -> Load
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let unanswered = Arc::new(Mutex::new(Vec::new()));
    let mut workers = JoinSet::new();
    for task in 0..tasks {
        let client = support::client(url, TOKEN);
        let acknowledged = Arc::clone(&acknowledged);
        let unanswered = Arc::clone(&unanswered);
        workers.spawn(async move {
            for index in 0.. {
                let new = pin(&cid(&format!("load {task} {index}")), Some(&format!("load-{task}-{index}")));
                match client.add_pin(&new).await {
                    Ok(added) => {
                        assert_eq!(added.pin, new, "the 202 answer echoes the pin");
                        acknowledged.lock().unwrap().push(added);
                    }
                    Err(_) => {
                        unanswered.lock().unwrap().push(new.cid);
                        return;
                    }
                }
            }
        });
    }
    let acked = Arc::clone(&acknowledged);
    eventually("enough acknowledged adds", Duration::from_secs(60), || {
        let count = acked.lock().unwrap().len();
        async move { (count >= threshold).then_some(()) }
    })
    .await;
    stop().await;
    bounded(Duration::from_secs(60), async {
        while let Some(result) = workers.join_next().await {
            result.expect("a load task panicked");
        }
    })
    .await;
    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    let unanswered = std::mem::take(&mut *unanswered.lock().unwrap());
    Load { acknowledged, unanswered }
}

/// After a stop: every acknowledged pin is there (same cid, name, created),
/// and nothing else is but at most the unanswered adds. Returns every pin.
async fn check_survivors(client: &Client, load: &Load) -> BTreeMap<String, PinStatus> {
    for added in &load.acknowledged {
        let got = client
            .get_pin_by_request_id(&added.requestid)
            .await
            .unwrap_or_else(|error| panic!("acknowledged pin {} is lost: {error}", added.requestid));
        assert_eq!((&got.pin, got.created), (&added.pin, added.created), "{}", added.requestid);
    }
    let stored = everything(client).await;
    let acknowledged = ids(&load.acknowledged);
    assert!(acknowledged.iter().all(|id| stored.contains_key(id)), "list_all misses acknowledged pins");
    for (requestid, extra) in stored.iter().filter(|(id, _)| !acknowledged.contains(*id)) {
        assert!(
            load.unanswered.contains(&extra.pin.cid),
            "pin {requestid} ({}) was neither acknowledged nor in flight",
            extra.pin.cid
        );
    }
    stored
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_pins_survive_sigkill_under_load() {
    bounded(TEST_LIMIT, async {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("pins.db");
        let log = dir.path().join("service.log");
        // Pins take 20ms, so some are `pinning` when the process dies.
        let service = Process::spawn(db.as_os_str(), TOKEN, &log, &["--simulate-delay", "20ms"]).await;
        let url = service.url().to_owned();
        let killed = Arc::new(Mutex::new(None));
        let killed_status = Arc::clone(&killed);
        let load = load_until(&url, 8, 300, || async move {
            let status = service.kill_9().await;
            *killed_status.lock().unwrap() = Some(status);
        })
        .await;
        let status = killed.lock().unwrap().take().expect("the service was killed");
        assert_eq!(status.signal(), Some(9), "the service died of SIGKILL: {status:?}");
        assert!(load.acknowledged.len() >= 300);

        let restarted = Process::spawn(db.as_os_str(), TOKEN, &log, &[]).await;
        let client = restarted.client();
        let stored = check_survivors(&client, &load).await;
        let survivors = load.acknowledged.iter().filter(|p| stored.contains_key(&p.requestid)).count();
        println!(
            "SIGKILL under load: {} adds acknowledged, {survivors} of them survived; {} stored in all \
             ({} adds were in flight)",
            load.acknowledged.len(),
            stored.len(),
            load.unanswered.len()
        );
        assert_eq!(survivors, load.acknowledged.len());

        // Pins the crash interrupted (queued or pinning) are resumed and finish.
        let total = stored.len();
        eventually("every surviving pin to be pinned", Duration::from_secs(60), || {
            let client = client.clone();
            async move {
                let (count, _) = listed(&client, &GetPinsQuery::default().limit(1)).await;
                (usize::try_from(count).unwrap() == total).then_some(())
            }
        })
        .await;
        let status = restarted.terminate().await;
        assert!(status.success(), "{status:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_pins_survive_sigterm_under_load() {
    bounded(TEST_LIMIT, async {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("pins.db");
        let log = dir.path().join("service.log");
        let service = Process::spawn(db.as_os_str(), TOKEN, &log, &["--simulate-delay", "20ms"]).await;
        let url = service.url().to_owned();
        let exited = Arc::new(Mutex::new(None));
        let exit_status = Arc::clone(&exited);
        let load = load_until(&url, 8, 100, || async move {
            let status = service.terminate().await;
            *exit_status.lock().unwrap() = Some(status);
        })
        .await;
        let status = exited.lock().unwrap().take().expect("the service stopped");
        assert!(status.success(), "a SIGTERM is a clean exit: {status:?}");

        let restarted = Process::spawn(db.as_os_str(), TOKEN, &log, &[]).await;
        let client = restarted.client();
        let stored = check_survivors(&client, &load).await;
        println!(
            "SIGTERM under load: {} adds acknowledged, {} stored ({} adds unanswered)",
            load.acknowledged.len(),
            stored.len(),
            load.unanswered.len()
        );
        let status = restarted.terminate().await;
        assert!(status.success(), "{status:?}");
    })
    .await;
}

/// Adds `count` pins with `meta` of this run, returning them in order.
async fn add_some(client: &Client, label: &str, count: usize) -> Vec<PinStatus> {
    let mut added = Vec::new();
    for index in 0..count {
        let mut new = pin(&cid(&format!("{label} {index}")), Some(&format!("{label}-{index}")));
        new.meta = Some(meta(&[("label", label)]));
        added.push(client.add_pin(&new).await.unwrap());
    }
    added
}

/// The status of each of `pins`, by requestid.
async fn statuses(client: &Client, pins: &[PinStatus]) -> Vec<Status> {
    let mut out = Vec::new();
    for pin in pins {
        out.push(client.get_pin_by_request_id(&pin.requestid).await.unwrap().status);
    }
    out
}

/// Waits until, of `pins`, exactly one is `pinning` and the others are `queued`
/// (the state of a service pinning one at a time, for an hour each).
async fn one_pinning_rest_queued(client: &Client, pins: &[PinStatus]) {
    let mut last = Vec::new();
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            last = statuses(client, pins).await;
            let pinning = last.iter().filter(|s| **s == Status::Pinning).count();
            let queued = last.iter().filter(|s| **s == Status::Queued).count();
            if pinning == 1 && queued == pins.len() - 1 {
                return;
            }
            tokio::time::sleep(support::POLL).await;
        }
    })
    .await;
    assert!(found.is_ok(), "expected one pinning and the rest queued, last seen {last:?}");
}

/// Every one of `pins` is as it was added: same cid, name, meta, created.
async fn unchanged(client: &Client, pins: &[PinStatus], status: Option<Status>) {
    for pin in pins {
        let got = client.get_pin_by_request_id(&pin.requestid).await.unwrap();
        assert_eq!((&got.pin, got.created), (&pin.pin, pin.created), "{}", pin.requestid);
        if let Some(status) = status {
            assert_eq!(got.status, status, "{}", pin.requestid);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_and_states_survive_sigterm_restarts_of_the_binary() {
    bounded(TEST_LIMIT, async {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("pins.db");
        let log = dir.path().join("service.log");

        // Run 1: five pins, pinned at once.
        let service = Process::spawn(db.as_os_str(), TOKEN, &log, &["--simulate-delay", "0s"]).await;
        let client = service.client();
        let pinned = add_some(&client, "first", 5).await;
        for pin in &pinned {
            client.wait_for(&pin.requestid, &[Status::Pinned], Duration::from_secs(20)).await.unwrap();
        }
        let deleted = client.add_pin(&pin(&cid("deleted before restart"), None)).await.unwrap();
        client.delete_pin_by_request_id(&deleted.requestid).await.unwrap();
        let status = service.terminate().await;
        assert!(status.success(), "{status:?}");
        // A graceful stop folds the WAL back into the database file.
        let wal = dir.path().join("pins.db-wal");
        let wal_size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert_eq!(wal_size, 0, "{} is left with {wal_size} bytes", wal.display());

        // Run 2: pins take an hour, one at a time. The pinned ones stay pinned;
        // three new ones: one pinning, two queued.
        let service =
            Process::spawn(db.as_os_str(), TOKEN, &log, &["--simulate-delay", "1h", "--pin-concurrency", "1"]).await;
        let client = service.client();
        unchanged(&client, &pinned, Some(Status::Pinned)).await;
        assert_not_found(client.get_pin_by_request_id(&deleted.requestid).await, "a pin deleted before the restart");
        let waiting = add_some(&client, "second", 3).await;
        one_pinning_rest_queued(&client, &waiting).await;
        let status = service.terminate().await;
        assert!(status.success(), "SIGTERM while a pin is in progress: {status:?}");

        // Run 3: the same settings. The interrupted pin went back to the queue:
        // still exactly one pinning (none left behind as `pinning`).
        let service =
            Process::spawn(db.as_os_str(), TOKEN, &log, &["--simulate-delay", "1h", "--pin-concurrency", "1"]).await;
        let client = service.client();
        unchanged(&client, &pinned, Some(Status::Pinned)).await;
        unchanged(&client, &waiting, None).await;
        one_pinning_rest_queued(&client, &waiting).await;
        assert_eq!(listed(&client, &GetPinsQuery::default()).await.1, ids(&pinned), "the default list: pinned only");
        let status = service.terminate().await;
        assert!(status.success(), "{status:?}");

        // Run 4: no delay. The queued ones get finished; nothing else changed.
        let service = Process::spawn(db.as_os_str(), TOKEN, &log, &["--simulate-delay", "0s"]).await;
        let client = service.client();
        for pin in &waiting {
            let done = client.wait_for(&pin.requestid, &[Status::Pinned], Duration::from_secs(20)).await.unwrap();
            assert_eq!((&done.pin, done.created), (&pin.pin, pin.created));
        }
        unchanged(&client, &pinned, Some(Status::Pinned)).await;
        let all: BTreeSet<String> = ids(pinned.iter().chain(&waiting));
        assert_eq!(listed(&client, &GetPinsQuery::default()).await, (8, all));
        let status = service.terminate().await;
        assert!(status.success(), "{status:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_and_states_survive_in_process_restarts() {
    bounded(TEST_LIMIT, async {
        let mut service = Service::start(&[TOKEN], &["--simulate-delay", "0s"]).await;
        let client = service.client(TOKEN);
        let pinned = add_some(&client, "first", 4).await;
        for pin in &pinned {
            client.wait_for(&pin.requestid, &[Status::Pinned], Duration::from_secs(20)).await.unwrap();
        }

        service.restart(&["--simulate-delay", "1h", "--pin-concurrency", "1"]).await;
        let client = service.client(TOKEN);
        unchanged(&client, &pinned, Some(Status::Pinned)).await;
        let waiting = add_some(&client, "second", 3).await;
        one_pinning_rest_queued(&client, &waiting).await;
        // A replace and a delete before the restart stick too.
        let replaced_away = &pinned[0];
        let replacement =
            client.replace_pin_by_request_id(&replaced_away.requestid, &pin(&cid("replacement"), None)).await.unwrap();
        client.delete_pin_by_request_id(&pinned[1].requestid).await.unwrap();

        service.restart(&["--simulate-delay", "1h", "--pin-concurrency", "1"]).await;
        let client = service.client(TOKEN);
        unchanged(&client, &pinned[2..], Some(Status::Pinned)).await;
        unchanged(&client, &waiting, None).await;
        assert_not_found(client.get_pin_by_request_id(&pinned[0].requestid).await, "replaced before the restart");
        assert_not_found(client.get_pin_by_request_id(&pinned[1].requestid).await, "deleted before the restart");
        // The replacement is queued behind the three: still one pinning at a time.
        let mut in_progress = waiting.clone();
        in_progress.push(replacement.clone());
        one_pinning_rest_queued(&client, &in_progress).await;

        service.restart(&["--simulate-delay", "0s"]).await;
        let client = service.client(TOKEN);
        for pin in &in_progress {
            let done = client.wait_for(&pin.requestid, &[Status::Pinned], Duration::from_secs(20)).await.unwrap();
            assert_eq!((&done.pin, done.created), (&pin.pin, pin.created));
        }
        let want: BTreeSet<String> = ids(pinned[2..].iter().chain(&in_progress));
        assert_eq!(listed(&client, &GetPinsQuery::default()).await, (6, want));
        service.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_token_is_kept_across_restarts() {
    bounded(TEST_LIMIT, async {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("pins.db");
        let args = support::args(&db, &[], &[]);
        let running = pinning_service::app::start(&args).await.unwrap();
        let token = running.generated_token().expect("no --token: a generated one").to_owned();
        let client = support::client(&format!("http://{}", running.local_addr()), &token);
        let added = client.add_pin(&pin(&cid("generated token"), None)).await.unwrap();
        bounded(Duration::from_secs(60), running.shutdown()).await;
        // Stopped means stopped: the address no longer answers.
        match client.get_pin_by_request_id(&added.requestid).await {
            Err(ipfs_pinning_client::Error::Transport(_)) => {}
            other => panic!("a stopped service answered: {other:?}"),
        }

        let running = pinning_service::app::start(&args).await.unwrap();
        // Issue 10 (2.6): printed only when first generated; the database keeps
        // its digest, which still lets the token in (this assertion used to
        // expect the token again).
        assert_eq!(running.generated_token(), None, "the token is shown only when it is generated");
        let client = support::client(&format!("http://{}", running.local_addr()), &token);
        let got = client.get_pin_by_request_id(&added.requestid).await.unwrap();
        assert_eq!((&got.pin, got.created), (&added.pin, added.created));
        bounded(Duration::from_secs(60), running.shutdown()).await;
    })
    .await;
}
