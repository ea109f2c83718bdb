use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::*;
use crate::pinner::{Progress, Simulated};
use crate::store::{ListQuery, NewPin, PinRecord, SqliteStore, TenantId};

const CID_A: &str = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
const CID_B: &str = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

/// A backend under the test's control: it records every call, holds each pin
/// until the test releases it (when gated), and answers scripted outcomes.
struct Scripted {
    calls: Mutex<Vec<String>>,
    gate: Semaphore,
    outcomes: Mutex<HashMap<String, VecDeque<Result<String, PinError>>>>,
    progress: Option<String>,
    active: AtomicUsize,
    most_active: AtomicUsize,
}

impl Scripted {
    fn new(gated: bool) -> Arc<Self> {
        Arc::new(Scripted {
            calls: Mutex::new(Vec::new()),
            gate: Semaphore::new(if gated { 0 } else { Semaphore::MAX_PERMITS }),
            outcomes: Mutex::new(HashMap::new()),
            progress: None,
            active: AtomicUsize::new(0),
            most_active: AtomicUsize::new(0),
        })
    }

    fn with_progress(text: &str) -> Arc<Self> {
        let mut pinner = Arc::into_inner(Self::new(true)).unwrap();
        pinner.progress = Some(text.to_owned());
        Arc::new(pinner)
    }

    fn script(&self, cid: &str, outcomes: Vec<Result<String, PinError>>) {
        self.outcomes.lock().unwrap().insert(cid.to_owned(), outcomes.into());
    }

    fn release(&self, pins: usize) {
        self.gate.add_permits(pins);
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl Pinner for Scripted {
    fn backend(&self) -> &'static str {
        "scripted"
    }

    fn delegates(&self) -> &[String] {
        &[]
    }

    fn queued_details(&self) -> String {
        "waiting".to_owned()
    }

    fn pinning_details(&self, origins: &[String]) -> String {
        format!("working with {} origin(s)", origins.len())
    }

    fn pin<'a>(
        &'a self,
        cid: &'a str,
        _origins: &'a [String],
        progress: &'a Progress,
    ) -> BoxFuture<'a, Result<String, PinError>> {
        async move {
            self.calls.lock().unwrap().push(format!("pin {cid}"));
            let now = self.active.fetch_add(1, Ordering::SeqCst) + 1;
            self.most_active.fetch_max(now, Ordering::SeqCst);
            if let Some(text) = &self.progress {
                progress.send_replace(Some(text.clone()));
            }
            let _ = self.gate.acquire().await.map(|permit| permit.forget());
            self.active.fetch_sub(1, Ordering::SeqCst);
            let scripted = self.outcomes.lock().unwrap().get_mut(cid).and_then(VecDeque::pop_front);
            scripted.unwrap_or_else(|| Ok(format!("pinned {cid}")))
        }
        .boxed()
    }

    fn unpin<'a>(&'a self, cid: &'a str) -> BoxFuture<'a, Result<(), PinError>> {
        async move {
            self.calls.lock().unwrap().push(format!("unpin {cid}"));
            Ok(())
        }
        .boxed()
    }
}

fn fast_config() -> WorkerConfig {
    WorkerConfig {
        concurrency: 4,
        pin_timeout: Duration::from_secs(30),
        progress_interval: Duration::from_millis(10),
        poll_interval: Duration::from_millis(50),
        retry_delay: Duration::from_millis(100),
        lease: Duration::from_secs(30),
    }
}

struct Fixture {
    store: Arc<dyn Store>,
    dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("pins.db")).await.unwrap());
    Fixture { store, dir }
}

fn alice() -> TenantId {
    TenantId::from_token("alice")
}

fn new_pin(cid: &str) -> NewPin {
    NewPin { cid: cid.to_owned(), name: None, origins: None, meta: None, info: details("waiting") }
}

impl Fixture {
    async fn add(&self, worker: &Worker, cid: &str) -> PinRecord {
        let record = self.store.create(&alice(), new_pin(cid)).await.unwrap();
        worker.waker().pin_queued();
        record
    }

    async fn get(&self, record: &PinRecord) -> PinRecord {
        self.store.get(&alice(), &record.requestid).await.unwrap().unwrap()
    }

    async fn status(&self, record: &PinRecord) -> Status {
        self.get(record).await.status
    }
}

/// Polls `check` until it holds (10 s at most).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn simulated_pins_go_queued_pinning_pinned_after_the_delay() {
    let f = fixture().await;
    let pinner = Arc::new(Simulated::new(
        Duration::from_millis(300),
        vec![crate::pinner::DEFAULT_SIMULATED_DELEGATE.to_owned()],
    ));
    let worker = Worker::start(Arc::clone(&f.store), pinner, fast_config()).await.unwrap();
    let started = std::time::Instant::now();
    let record = f.add(&worker, CID_A).await;
    assert_eq!(record.status, Status::Queued);
    eventually("pinning", || async { f.status(&record).await == Status::Pinning }).await;
    let pinning = f.get(&record).await;
    assert!(pinning.info[STATUS_DETAILS].contains("nothing is fetched"), "{pinning:?}");
    eventually("pinned", || async { f.status(&record).await == Status::Pinned }).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    let pinned = f.get(&record).await;
    assert!(pinned.info[STATUS_DETAILS].contains("no data was fetched"), "{pinned:?}");
    assert_eq!(pinned.created, record.created, "created never changes");
    worker.shutdown().await;
}

#[tokio::test]
async fn failures_timeouts_and_progress_reach_the_store() {
    let f = fixture().await;
    let pinner = Scripted::with_progress("42 blocks fetched");
    pinner.script(CID_B, vec![Err(PinError::Failed("no such block".to_owned()))]);
    let config = WorkerConfig { pin_timeout: Duration::from_millis(400), ..fast_config() };
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), config).await.unwrap();
    // Held at the gate past the timeout: fails, after showing its progress.
    let slow = f.add(&worker, CID_A).await;
    eventually("progress", || async { f.get(&slow).await.info[STATUS_DETAILS] == "42 blocks fetched" }).await;
    eventually("timed out", || async { f.status(&slow).await == Status::Failed }).await;
    assert_eq!(f.get(&slow).await.info[STATUS_DETAILS], "timed out after 400ms");
    // A backend failure: `failed`, with the backend's reason.
    let failing = f.add(&worker, CID_B).await;
    pinner.release(1);
    eventually("failed", || async { f.status(&failing).await == Status::Failed }).await;
    assert_eq!(f.get(&failing).await.info[STATUS_DETAILS], "no such block");
    worker.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_backend_requeues_and_retries() {
    let f = fixture().await;
    let pinner = Scripted::new(false);
    pinner.script(
        CID_A,
        vec![
            Err(PinError::Unavailable("connection refused".to_owned())),
            Err(PinError::Unavailable("connection refused".to_owned())),
        ],
    );
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), fast_config()).await.unwrap();
    let record = f.add(&worker, CID_A).await;
    eventually("pinned", || async { f.status(&record).await == Status::Pinned }).await;
    assert_eq!(pinner.calls(), vec![format!("pin {CID_A}"); 3]);
    worker.shutdown().await;
}

#[tokio::test]
async fn at_most_concurrency_pins_run_at_once() {
    let f = fixture().await;
    let pinner = Scripted::new(true);
    let config = WorkerConfig { concurrency: 2, ..fast_config() };
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), config).await.unwrap();
    let mut records = Vec::new();
    for i in 0..5 {
        // Distinct CIDs (pins of one CID would also wait for its lock).
        let cid = format!("cid-{i}");
        records.push(f.add(&worker, &cid).await);
    }
    eventually("two pinning", || async { pinner.active.load(Ordering::SeqCst) == 2 }).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let page = f.store.list(&alice(), &ListQuery::new(vec![Status::Pinning], 10)).await.unwrap();
    assert_eq!(page.count, 2);
    let page = f.store.list(&alice(), &ListQuery::new(vec![Status::Queued], 10)).await.unwrap();
    assert_eq!(page.count, 3);
    pinner.release(5);
    for record in &records {
        eventually("pinned", || async { f.status(record).await == Status::Pinned }).await;
    }
    assert_eq!(pinner.most_active.load(Ordering::SeqCst), 2);
    // Oldest first.
    let calls = pinner.calls();
    assert_eq!(calls[2], "pin cid-2");
    worker.shutdown().await;
}

#[tokio::test]
async fn shutdown_requeues_pins_in_progress_and_a_restart_finishes_them() {
    let f = fixture().await;
    let pinner = Scripted::new(true);
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), fast_config()).await.unwrap();
    let record = f.add(&worker, CID_A).await;
    eventually("pinning", || async { f.status(&record).await == Status::Pinning }).await;
    worker.shutdown().await;
    let stopped = f.get(&record).await;
    assert_eq!(stopped.status, Status::Queued);
    assert!(stopped.info[STATUS_DETAILS].contains("interrupted by a shutdown"));

    let pinner = Scripted::new(false);
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), fast_config()).await.unwrap();
    eventually("pinned", || async { f.status(&record).await == Status::Pinned }).await;
    assert_eq!(pinner.calls(), [format!("pin {CID_A}")]);
    worker.shutdown().await;
}

#[tokio::test]
async fn a_crash_mid_pin_is_resumed_at_the_next_start() {
    let f = fixture().await;
    // As a crashed run leaves it: claimed, `pinning`, nobody working on it.
    let record = f.store.create(&alice(), new_pin(CID_A)).await.unwrap();
    let crashed = crate::store::Lease::fresh(Duration::from_secs(30));
    f.store.claim_next(&crashed, details("working")).await.unwrap().unwrap();
    assert_eq!(f.status(&record).await, Status::Pinning);
    let pinner = Scripted::new(false);
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), fast_config()).await.unwrap();
    eventually("pinned", || async { f.status(&record).await == Status::Pinned }).await;
    assert_eq!(pinner.calls(), [format!("pin {CID_A}")]);
    worker.shutdown().await;
    drop(f.dir);
}

#[tokio::test]
async fn deleting_releases_the_cid_unless_another_pin_wants_it() {
    let f = fixture().await;
    let pinner = Scripted::new(false);
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), fast_config()).await.unwrap();
    let mine = f.add(&worker, CID_A).await;
    let theirs = f.store.create(&TenantId::from_token("bob"), new_pin(CID_A)).await.unwrap();
    worker.waker().pin_queued();
    eventually("pinned", || async { f.status(&mine).await == Status::Pinned }).await;
    assert!(f.store.delete(&alice(), &mine.requestid).await.unwrap());
    worker.waker().unpin_queued();
    eventually("unpin job done", || async { f.store.ready_unpins(10).await.unwrap().is_empty() }).await;
    assert!(!pinner.calls().contains(&format!("unpin {CID_A}")), "bob still wants it");
    assert!(f.store.delete(&TenantId::from_token("bob"), &theirs.requestid).await.unwrap());
    worker.waker().unpin_queued();
    eventually("unpinned", || async { pinner.calls().contains(&format!("unpin {CID_A}")) }).await;
    worker.shutdown().await;
}

#[tokio::test]
async fn a_pin_deleted_while_pinning_is_released_after_it_lands() {
    let f = fixture().await;
    let pinner = Scripted::new(true);
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), fast_config()).await.unwrap();
    let record = f.add(&worker, CID_A).await;
    eventually("pinning", || async { f.status(&record).await == Status::Pinning }).await;
    assert!(f.store.delete(&alice(), &record.requestid).await.unwrap());
    worker.waker().unpin_queued();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The unpin waits for the pin in progress (the CID's lock) ...
    assert_eq!(pinner.calls(), [format!("pin {CID_A}")]);
    pinner.release(1);
    // ... and then releases what it fetched.
    eventually("unpinned", || async { pinner.calls() == [format!("pin {CID_A}"), format!("unpin {CID_A}")] }).await;
    worker.shutdown().await;
}

#[tokio::test]
async fn a_replaced_cid_is_released_only_after_the_replacement_is_pinned() {
    let f = fixture().await;
    let pinner = Scripted::new(true);
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), fast_config()).await.unwrap();
    let old = f.add(&worker, CID_A).await;
    pinner.release(1);
    eventually("pinned", || async { f.status(&old).await == Status::Pinned }).await;
    let new = f.store.replace(&alice(), &old.requestid, new_pin(CID_B)).await.unwrap().unwrap();
    worker.waker().pin_queued();
    worker.waker().unpin_queued();
    eventually("replacement pinning", || async { f.status(&new).await == Status::Pinning }).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!pinner.calls().contains(&format!("unpin {CID_A}")), "released too early");
    pinner.release(1);
    eventually("old CID released", || async { pinner.calls().contains(&format!("unpin {CID_A}")) }).await;
    assert_eq!(f.status(&new).await, Status::Pinned);
    worker.shutdown().await;
}

#[tokio::test]
async fn cid_locks_serialize_one_cid_and_forget_it_afterwards() {
    let locks = CidLocks::default();
    let first = locks.lock("a").await;
    let other = locks.lock("b").await;
    assert_eq!(locks.len(), 2);
    let waiting = tokio::spawn({
        let locks = locks.clone();
        async move {
            let _second = locks.lock("a").await;
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiting.is_finished(), "took a held lock");
    drop(first);
    waiting.await.unwrap();
    drop(other);
    assert!(locks.is_empty());
}

/// Issue 10 (2.3): `bafy…` and its base16 spelling `f01…` are one CID, so
/// one tenant's delete does not release what another tenant still pins.
#[tokio::test]
async fn two_spellings_of_one_cid_are_one_cid_for_unpinning() {
    const BASE16: &str = "f01701220c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a";
    assert_eq!(crate::cids::key(BASE16), CID_B, "the same CID");
    let f = fixture().await;
    let pinner = Scripted::new(false);
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), fast_config()).await.unwrap();
    let mine = f.add(&worker, CID_B).await;
    let bob = TenantId::from_token("bob");
    let theirs = f.store.create(&bob, new_pin(BASE16)).await.unwrap();
    worker.waker().pin_queued();
    eventually("pinned", || async { f.status(&mine).await == Status::Pinned }).await;
    eventually("theirs pinned", || async {
        f.store.get(&bob, &theirs.requestid).await.unwrap().unwrap().status == Status::Pinned
    })
    .await;
    assert!(f.store.delete(&alice(), &mine.requestid).await.unwrap());
    worker.waker().unpin_queued();
    eventually("unpin job done", || async { f.store.ready_unpins(10).await.unwrap().is_empty() }).await;
    assert!(
        !pinner.calls().iter().any(|call| call.starts_with("unpin")),
        "bob still pins the same CID in base16: {:?}",
        pinner.calls()
    );
    assert!(f.store.delete(&bob, &theirs.requestid).await.unwrap());
    worker.waker().unpin_queued();
    eventually("unpinned", || async { pinner.calls().contains(&format!("unpin {BASE16}")) }).await;
    // The backend may hold each spelling as a pin of its own: alice's
    // spelling is released too, once the CID is unused (at the re-check,
    // 60 poll intervals: 3 s here).
    eventually("both spellings released", || async {
        pinner.calls().contains(&format!("unpin {CID_B}")) && f.store.ready_unpins(10).await.unwrap().is_empty()
    })
    .await;
    worker.shutdown().await;
}

/// Issue 10 (2.5): four stuck pins of one tenant do not hold up another's.
#[tokio::test]
async fn one_tenants_stuck_pins_do_not_hold_up_another_tenants() {
    let f = fixture().await;
    let pinner = Scripted::new(true);
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), fast_config()).await.unwrap();
    let mut stuck = Vec::new();
    for i in 0..4 {
        stuck.push(f.add(&worker, &format!("stuck-{i}")).await);
    }
    eventually("four pinning", || async { pinner.active.load(Ordering::SeqCst) == 4 }).await;
    let bob = TenantId::from_token("bob");
    let theirs = f.store.create(&bob, new_pin("bobs-cid")).await.unwrap();
    worker.waker().pin_queued();
    eventually("bob's pin started", || async {
        f.store.get(&bob, &theirs.requestid).await.unwrap().unwrap().status == Status::Pinning
    })
    .await;
    assert!(pinner.calls().contains(&"pin bobs-cid".to_owned()));
    for record in &stuck {
        assert_eq!(f.status(record).await, Status::Pinning, "alice's are still stuck");
    }
    // Alice cannot start a fifth while the pool is full.
    let fifth = f.add(&worker, "stuck-5").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(f.status(&fifth).await, Status::Queued);
    worker.shutdown().await;
}

/// Issue 10 (2.5): deleting a pin that is `pinning` cancels its work.
#[tokio::test]
async fn cancelling_a_deleted_pin_stops_its_work_and_releases_the_cid() {
    let f = fixture().await;
    let pinner = Scripted::new(true);
    let worker = Worker::start(Arc::clone(&f.store), pinner.clone(), fast_config()).await.unwrap();
    let record = f.add(&worker, CID_A).await;
    eventually("pinning", || async { pinner.active.load(Ordering::SeqCst) == 1 }).await;
    assert!(f.store.delete(&alice(), &record.requestid).await.unwrap());
    worker.waker().cancel(&record.requestid);
    worker.waker().unpin_queued();
    // The gate never opens: the unpin (which needs the CID's lock, held by
    // the pin while it runs) can only happen because the pin was dropped.
    eventually("unpinned", || async { pinner.calls() == [format!("pin {CID_A}"), format!("unpin {CID_A}")] }).await;
    worker.shutdown().await;
}
