//! Several replicas of the service on one PostgreSQL database: pins added
//! through two replicas at once, one of them killed with SIGKILL in the
//! middle, and the database restarting under load.
//!
//! The cluster comes from `PINNING_TEST_POSTGRES_URL` (CI) or is started
//! here with `initdb` (see `support/postgres.rs`); without either these
//! tests fail under `CI=true` and are skipped elsewhere.

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/process.rs"]
mod process;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ipfs_pinning_client::models::{PinStatus, Status};
use ipfs_pinning_client::{Client, Error};
use postgres::Cluster;
use process::{Process, everything};
use support::{bounded, cid, eventually, ids, pin};
use tokio::task::JoinSet;

const TOKEN: &str = "replicas-token-0123456789";

/// The bound of every test.
const TEST_LIMIT: Duration = Duration::from_secs(240);

/// Short leases, so a killed replica's pins are taken over within seconds.
const REPLICA_FLAGS: &[&str] = &["--simulate-delay", "300ms", "--pin-concurrency", "3", "--pin-lease", "2s"];

/// What the adds of a load got.
#[derive(Default)]
struct Outcomes {
    /// Every pin answered with 202.
    acknowledged: Vec<PinStatus>,
    /// The CIDs of adds that got no answer, or an error: they may or may not be stored.
    unsure: Vec<String>,
    /// `503` answers, each with its `Failure` reason.
    unavailable: Vec<String>,
    /// Any other failure (there must be none).
    unexpected: Vec<String>,
}

/// Adds pins through `clients` (round robin over the tasks) until `stop` is
/// set; each task sends one add after the other.
struct Load {
    outcomes: Arc<Mutex<Outcomes>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    tasks: JoinSet<()>,
}

impl Load {
    fn start(label: &str, clients: &[Client], tasks: usize) -> Load {
        let outcomes = Arc::new(Mutex::new(Outcomes::default()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut set = JoinSet::new();
        for task in 0..tasks {
            let client = clients[task % clients.len()].clone();
            let outcomes = Arc::clone(&outcomes);
            let stop = Arc::clone(&stop);
            let label = label.to_owned();
            set.spawn(async move {
                for index in 0.. {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        return;
                    }
                    let new = pin(&cid(&format!("{label} {task} {index}")), Some(&format!("{label}-{task}-{index}")));
                    let result = client.add_pin(&new).await;
                    let lost_replica = matches!(result, Err(Error::Transport(_) | Error::Timeout(_)));
                    {
                        let mut outcomes = outcomes.lock().unwrap();
                        match result {
                            Ok(added) => outcomes.acknowledged.push(added),
                            Err(Error::Api { status, body }) if status.as_u16() == 503 => {
                                outcomes.unsure.push(new.cid);
                                outcomes.unavailable.push(body.error.reason);
                            }
                            // The replica this task talks to was killed.
                            Err(Error::Transport(_) | Error::Timeout(_)) => outcomes.unsure.push(new.cid),
                            Err(other) => {
                                outcomes.unsure.push(new.cid);
                                outcomes.unexpected.push(other.to_string());
                            }
                        }
                    }
                    if lost_replica {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            });
        }
        Load { outcomes, stop, tasks: set }
    }

    fn acknowledged(&self) -> usize {
        self.outcomes.lock().unwrap().acknowledged.len()
    }

    /// Waits until `more` adds beyond those acknowledged so far are acknowledged.
    async fn wait_for(&self, more: usize, what: &str) {
        let target = self.acknowledged() + more;
        eventually(what, Duration::from_secs(90), || async { (self.acknowledged() >= target).then_some(()) }).await;
    }

    async fn finish(mut self) -> Outcomes {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        bounded(Duration::from_secs(90), async {
            while let Some(result) = self.tasks.join_next().await {
                result.expect("a load task panicked");
            }
        })
        .await;
        std::mem::take(&mut *self.outcomes.lock().unwrap())
    }
}

/// Waits until every stored pin is `pinned` as `client` sees it, and checks
/// that every acknowledged pin is there exactly once, unchanged, and that
/// nothing but unsure adds is stored besides them. Returns every stored pin.
async fn all_pinned_exactly_once(client: &Client, outcomes: &Outcomes) -> BTreeMap<String, PinStatus> {
    let acknowledged = ids(&outcomes.acknowledged);
    assert_eq!(acknowledged.len(), outcomes.acknowledged.len(), "a requestid was handed out twice");
    let stored = eventually("every acknowledged pin pinned", Duration::from_secs(120), || async {
        let stored = everything(client).await;
        let done = acknowledged.iter().all(|id| stored.contains_key(id))
            && stored.values().all(|pin| pin.status == Status::Pinned);
        done.then_some(stored)
    })
    .await;
    for added in &outcomes.acknowledged {
        let got = &stored[&added.requestid];
        assert_eq!((&got.pin, got.created), (&added.pin, added.created), "{}", added.requestid);
    }
    for (requestid, extra) in stored.iter().filter(|(id, _)| !acknowledged.contains(*id)) {
        assert!(outcomes.unsure.contains(&extra.pin.cid), "pin {requestid} was never sent");
    }
    // Each CID was sent once, so a pin listed twice would show as a CID twice.
    let cids: BTreeSet<&str> = stored.values().map(|pin| pin.pin.cid.as_str()).collect();
    assert_eq!(cids.len(), stored.len(), "a pin is stored twice");
    stored
}

/// The holder id a replica's worker logged at start.
fn holder_of(process: &Process) -> String {
    let log = process.log_tail();
    log.lines()
        .find_map(|line| line.split("holder=").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no `worker started` line in the log:\n{log}"))
        .to_owned()
}

/// Requests held by each holder (pins `pinning` under a lease).
async fn holders(db: &sqlx::PgPool) -> BTreeMap<String, BTreeSet<String>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT holder, requestid FROM pins WHERE status = 'pinning' AND holder IS NOT NULL")
            .fetch_all(db)
            .await
            .expect("read the claims");
    let mut held: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (holder, requestid) in rows {
        held.entry(holder).or_default().insert(requestid);
    }
    held
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_add_at_once_and_one_killed_mid_way_loses_nothing() {
    let Some(cluster) = postgres::shared() else { return };
    let url = cluster.fresh_database().await;
    let db = sqlx::PgPool::connect(&url).await.expect("a connection to the test database");
    let dir = tempfile::tempdir().expect("a temporary directory");
    bounded(TEST_LIMIT, async {
        let one = Process::spawn(url.as_ref(), TOKEN, &dir.path().join("one.log"), REPLICA_FLAGS).await;
        let two = Process::spawn(url.as_ref(), TOKEN, &dir.path().join("two.log"), REPLICA_FLAGS).await;
        let (one_holder, two_holder) = (holder_of(&one), holder_of(&two));
        assert_ne!(one_holder, two_holder);
        let survivor = two.client();
        let load = Load::start("replicas", &[one.client(), two.client()], 8);
        load.wait_for(40, "adds acknowledged through both replicas").await;
        // Mid-way: both replicas are pinning when one of them dies.
        let held = eventually("both replicas pinning", Duration::from_secs(60), || async {
            let held = holders(&db).await;
            (held.contains_key(&one_holder) && held.contains_key(&two_holder)).then_some(held)
        })
        .await;
        let status = one.kill_9().await;
        assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9), "{status}");
        let orphans = holders(&db).await.remove(&one_holder).unwrap_or_default();
        assert!(!orphans.is_empty(), "the killed replica held no pin when it died (before: {held:?})");
        // The load goes on through the survivor (the killed replica's
        // clients fail) and the killed replica's pins are taken over.
        load.wait_for(40, "adds acknowledged by the survivor").await;
        let outcomes = load.finish().await;
        assert!(outcomes.unexpected.is_empty(), "unexpected failures: {:?}", outcomes.unexpected);
        let stored = all_pinned_exactly_once(&survivor, &outcomes).await;
        eprintln!(
            "replicas: {} acknowledged, {} unsure, {} stored, {} held by the killed replica, all pinned once",
            outcomes.acknowledged.len(),
            outcomes.unsure.len(),
            stored.len(),
            orphans.len()
        );
        // The killed replica's pins were taken over (all stored pins are pinned).
        assert!(orphans.iter().all(|requestid| stored.contains_key(requestid)), "{orphans:?}");
        assert!(holders(&db).await.is_empty(), "claims left behind");
        two.terminate().await;
    })
    .await;
}

/// Stops `cluster` (in a blocking task: it waits for the server to exit).
async fn stop(mut cluster: Cluster) -> Cluster {
    tokio::task::spawn_blocking(move || {
        cluster.stop();
        cluster
    })
    .await
    .expect("the cluster stops")
}

async fn resume(mut cluster: Cluster) -> Cluster {
    tokio::task::spawn_blocking(move || {
        cluster.resume();
        cluster
    })
    .await
    .expect("the cluster starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_under_load_gives_503s_then_recovers_with_nothing_lost() {
    let Some(cluster) = postgres::own() else { return };
    let url = cluster.fresh_database().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    bounded(TEST_LIMIT, async {
        let service = Process::spawn(url.as_ref(), TOKEN, &dir.path().join("service.log"), REPLICA_FLAGS).await;
        let client = service.client();
        let load = Load::start("restart", std::slice::from_ref(&client), 4);
        load.wait_for(30, "adds before the restart").await;
        let cluster = stop(cluster).await;
        // Down for longer than a request waits for a connection (5 s).
        tokio::time::sleep(Duration::from_secs(8)).await;
        let failed = load.outcomes.lock().unwrap().unavailable.len();
        let cluster = resume(cluster).await;
        load.wait_for(30, "adds after the restart").await;
        let outcomes = load.finish().await;
        assert!(failed > 0, "no 503 while the database was down");
        assert!(
            outcomes.unavailable.iter().all(|reason| reason == "STORAGE_UNAVAILABLE"),
            "{:?}",
            outcomes.unavailable
        );
        assert!(outcomes.unexpected.is_empty(), "not 503s: {:?}; log:\n{}", outcomes.unexpected, service.log_tail());
        let stored = all_pinned_exactly_once(&client, &outcomes).await;
        eprintln!(
            "restart: {} acknowledged, {} answered 503 ({failed} while down), {} stored, all pinned once",
            outcomes.acknowledged.len(),
            outcomes.unavailable.len(),
            stored.len()
        );
        // Reads work again too.
        assert_eq!(
            client.get_pin_by_request_id(&outcomes.acknowledged[0].requestid).await.unwrap().status,
            Status::Pinned
        );
        service.terminate().await;
        drop(cluster);
    })
    .await;
}
