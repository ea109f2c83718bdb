//! The lifecycle worker: moves pins `queued → pinning → pinned | failed`
//! through a [`Pinner`], and releases the CIDs of deleted and replaced pins.
//!
//! All of its state is in the store, so it resumes after a crash: at start
//! it puts the pins a dead worker left `pinning` back to `queued`
//! ([`Store::requeue_interrupted`]), and unfinished unpin jobs are still in
//! their table. It claims pins while slots are free, woken by new pins and
//! finished ones and, as a fallback, by a poll: tenants take turns,
//! `concurrency` slots are shared, and a tenant with nothing in progress may
//! use one of `concurrency` more (so one tenant's stuck pins never hold up
//! the others). Deleting or replacing a pin that is `pinning` cancels its
//! work ([`Waker::cancel`]). Each claim is a [`Lease`] of this worker's own
//! holder id, renewed every third of its length while the pin runs, so
//! several workers (replicas) can share one database and a pin of a worker
//! that died is claimed again once its lease runs out.
//!
//! One CID is never pinned and unpinned at the same time: both hold a
//! per-CID lock keyed by the CID's value ([`crate::cids::key`], so two
//! spellings of one CID share it): in-process, then the store's
//! [`Store::lock_cid`] across processes; and an unpin re-checks under it
//! that no pin request (of any tenant) still wants the CID.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ipfs_pinning_models::Status;
use tokio::sync::{Notify, OwnedMutexGuard, Semaphore, watch};
use tokio::task::JoinSet;

use crate::pinner::{PinError, Pinner};
use crate::store::{CidLock, ClaimLimits, Job, Lease, Store, StoreError, UnpinJob};

/// How long a cancelled pin keeps its CID's lock after dropping the backend
/// call (see `run_pin`).
const CANCEL_GRACE: Duration = Duration::from_secs(1);

/// The key of the `info` entry the service writes.
pub const STATUS_DETAILS: &str = "status_details";

/// `info` holding one `status_details` entry.
pub fn details(text: impl Into<String>) -> BTreeMap<String, String> {
    BTreeMap::from([(STATUS_DETAILS.to_owned(), text.into())])
}

/// How the worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Pins in progress at once.
    pub concurrency: usize,
    /// A pin taking longer fails.
    pub pin_timeout: Duration,
    /// Progress reaches the store at most this often per pin.
    pub progress_interval: Duration,
    /// How often the worker looks for work nobody told it about.
    pub poll_interval: Duration,
    /// The pause after the backend was unreachable or the store failed.
    pub retry_delay: Duration,
    /// How long a claim lasts unless renewed (renewed every third of it).
    pub lease: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: 4,
            pin_timeout: Duration::from_secs(3600),
            progress_interval: Duration::from_secs(1),
            poll_interval: Duration::from_secs(1),
            retry_delay: Duration::from_secs(5),
            lease: Duration::from_secs(30),
        }
    }
}

/// Wakes the worker; cheap to clone, handed to the API.
#[derive(Debug, Clone, Default)]
pub struct Waker {
    pins: Arc<Notify>,
    unpins: Arc<Notify>,
    /// The pins being worked on, each with the signal that cancels it.
    running: Arc<Mutex<HashMap<String, Arc<Notify>>>>,
}

/// The cancel signal of one pin in progress; unregisters it when dropped.
struct Running {
    requestid: String,
    signal: Arc<Notify>,
    running: Arc<Mutex<HashMap<String, Arc<Notify>>>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.running.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.requestid);
    }
}

impl Waker {
    /// The pin request `requestid` was deleted or replaced: if the worker is
    /// pinning it, it stops (the backend call is dropped, which cancels it)
    /// and the CID's unpin job may run.
    pub fn cancel(&self, requestid: &str) {
        let signal = self.running.lock().unwrap_or_else(PoisonError::into_inner).get(requestid).cloned();
        if let Some(signal) = signal {
            signal.notify_one();
        }
    }

    fn start_running(&self, requestid: &str) -> Running {
        let signal = Arc::new(Notify::new());
        self.running.lock().unwrap_or_else(PoisonError::into_inner).insert(requestid.to_owned(), Arc::clone(&signal));
        Running { requestid: requestid.to_owned(), signal, running: Arc::clone(&self.running) }
    }

    /// A pin was queued.
    pub fn pin_queued(&self) {
        self.pins.notify_one();
    }

    /// A pin was deleted or replaced, or finished pinning.
    pub fn unpin_queued(&self) {
        self.unpins.notify_one();
    }
}

/// The running worker.
pub struct Worker {
    waker: Waker,
    shutdown: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

struct Shared {
    store: Arc<dyn Store>,
    pinner: Arc<dyn Pinner>,
    config: WorkerConfig,
    waker: Waker,
    locks: CidLocks,
    lease: Lease,
    /// The requests this worker is pinning (their leases are renewed).
    held: Mutex<BTreeSet<String>>,
    shutdown: watch::Receiver<bool>,
}

impl Worker {
    /// Requeues pins a previous run left `pinning`, then starts the worker.
    pub async fn start(
        store: Arc<dyn Store>,
        pinner: Arc<dyn Pinner>,
        config: WorkerConfig,
    ) -> Result<Self, StoreError> {
        let resumed = store
            .requeue_interrupted(details(format!("{} (resumed after a restart)", pinner.queued_details())))
            .await?;
        if resumed > 0 {
            tracing::info!(resumed, "requeued pins interrupted by the previous run");
        }
        let (shutdown, shutdown_rx) = watch::channel(false);
        let waker = Waker::default();
        let shared = Arc::new(Shared {
            store,
            pinner,
            config: config.clone(),
            waker: waker.clone(),
            locks: CidLocks::default(),
            lease: Lease::fresh(config.lease),
            held: Mutex::new(BTreeSet::new()),
            shutdown: shutdown_rx,
        });
        tracing::info!(holder = %shared.lease.holder, lease = ?shared.lease.duration, "worker started");
        let mut tasks = JoinSet::new();
        tasks.spawn(renew_loop(Arc::clone(&shared)));
        tasks.spawn(pin_loop(Arc::clone(&shared)));
        tasks.spawn(unpin_loop(shared));
        // Work left by the previous run starts at once.
        waker.pin_queued();
        waker.unpin_queued();
        Ok(Worker { waker, shutdown, tasks })
    }

    /// A handle that wakes this worker.
    pub fn waker(&self) -> Waker {
        self.waker.clone()
    }

    /// Stops claiming work; pins in progress go back to `queued` (they
    /// resume at the next start) and the worker's tasks end.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        while let Some(result) = self.tasks.join_next().await {
            if let Err(error) = result {
                tracing::error!(%error, "a worker task ended abnormally");
            }
        }
    }
}

/// Resolves when shutdown is requested (or the worker is gone).
async fn stopping(mut shutdown: watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Claims pins while slots are free. The store decides whose turn it is
/// ([`Store::claim_next_fair`]): `concurrency` slots are shared, and a tenant
/// with nothing in progress may use one of `concurrency` more, so one
/// tenant's stuck pins never hold up the others.
async fn pin_loop(shared: Arc<Shared>) {
    let pool = shared.config.concurrency.max(1);
    let limits = ClaimLimits { pool: pool as u64, most: 2 * pool as u64 };
    let slots = Arc::new(Semaphore::new(2 * pool));
    let mut jobs = JoinSet::new();
    // Set when the backend was unreachable: no new claims until then.
    let pause = Arc::new(Mutex::new(None::<tokio::time::Instant>));
    loop {
        while let Some(result) = jobs.try_join_next() {
            if let Err(error) = result {
                tracing::error!(%error, "a pin job ended abnormally");
            }
        }
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = stopping(shared.shutdown.clone()) => break,
        };
        let paused_until = pause.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(until) = paused_until {
            tokio::select! {
                () = tokio::time::sleep_until(until) => {}
                () = stopping(shared.shutdown.clone()) => break,
            }
        }
        let claimed =
            shared.store.claim_next_fair(&shared.lease, details(shared.pinner.pinning_details(&[])), limits).await;
        match claimed {
            Ok(Some(job)) => {
                shared.held.lock().unwrap_or_else(PoisonError::into_inner).insert(job.requestid.clone());
                let shared = Arc::clone(&shared);
                let pause = Arc::clone(&pause);
                jobs.spawn(async move {
                    let requestid = job.requestid.clone();
                    let unavailable = run_pin(&shared, job).await;
                    shared.held.lock().unwrap_or_else(PoisonError::into_inner).remove(&requestid);
                    if unavailable {
                        let until = tokio::time::Instant::now() + shared.config.retry_delay;
                        *pause.lock().unwrap_or_else(PoisonError::into_inner) = Some(until);
                    }
                    drop(slot);
                });
            }
            Ok(None) => {
                drop(slot);
                tokio::select! {
                    () = shared.waker.pins.notified() => {}
                    () = tokio::time::sleep(shared.config.poll_interval) => {}
                    () = stopping(shared.shutdown.clone()) => break,
                }
            }
            Err(error) => {
                drop(slot);
                tracing::error!(%error, "cannot claim a queued pin");
                tokio::select! {
                    () = tokio::time::sleep(shared.config.retry_delay) => {}
                    () = stopping(shared.shutdown.clone()) => break,
                }
            }
        }
    }
    // Jobs see the shutdown themselves and put their pins back in the queue.
    while let Some(result) = jobs.join_next().await {
        if let Err(error) = result {
            tracing::error!(%error, "a pin job ended abnormally");
        }
    }
}

/// Renews the leases of the pins in progress, every third of the lease.
async fn renew_loop(shared: Arc<Shared>) {
    let period = shared.lease.duration / 3;
    loop {
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            () = stopping(shared.shutdown.clone()) => break,
        }
        let held: Vec<String> = shared.held.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect();
        match shared.store.renew_leases(&shared.lease, &held).await {
            Ok(kept) if (kept as usize) < held.len() => {
                tracing::debug!(kept, held = held.len(), "some pins in progress were deleted, replaced or taken over");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot renew the leases of the pins in progress"),
        }
    }
}

/// Takes the lock of `cid`'s value: the in-process one, then the store's.
async fn lock_cid(shared: &Shared, cid: &str) -> Result<(CidGuard, CidLock), StoreError> {
    let key = crate::cids::key(cid);
    let local = shared.locks.lock(&key).await;
    let shared_lock = shared.store.lock_cid(&key).await?;
    Ok((local, shared_lock))
}

/// Pins one claimed request; `true` when the backend was unreachable.
async fn run_pin(shared: &Shared, job: Job) -> bool {
    let lock = tokio::select! {
        lock = lock_cid(shared, &job.cid) => lock,
        () = stopping(shared.shutdown.clone()) => {
            let info = details(format!("{} (interrupted by a shutdown)", shared.pinner.queued_details()));
            finish(shared, &job, Status::Queued, info).await;
            return false;
        }
    };
    let (local, shared_lock) = match lock {
        Ok(lock) => lock,
        Err(error) => {
            tracing::error!(cid = %job.cid, %error, "cannot lock a CID to pin it");
            let info = details(format!("{} (queued again: storage unavailable)", shared.pinner.queued_details()));
            finish(shared, &job, Status::Queued, info).await;
            return true;
        }
    };
    let unavailable = pin_locked(shared, &job).await;
    shared_lock.release().await;
    drop(local);
    unavailable
}

/// [`run_pin`] under the CID's lock.
async fn pin_locked(shared: &Shared, job: &Job) -> bool {
    let pinning = shared.pinner.pinning_details(&job.origins);
    if !job.origins.is_empty() {
        record(shared.store.update_progress(&job.requestid, &shared.lease.holder, details(pinning)).await, job);
    }
    tracing::info!(requestid = %job.requestid, cid = %job.cid, backend = shared.pinner.backend(), "pinning");
    let (progress, progress_rx) = watch::channel(None);
    let running = shared.waker.start_running(&job.requestid);
    let pinned = tokio::time::timeout(shared.config.pin_timeout, shared.pinner.pin(&job.cid, &job.origins, &progress));
    let outcome = tokio::select! {
        outcome = pinned => Some(outcome),
        () = forward_progress(shared, &job.requestid, progress_rx) => None,
        () = stopping(shared.shutdown.clone()) => None,
        () = running.signal.notified() => {
            tracing::info!(requestid = %job.requestid, cid = %job.cid, "pin cancelled: deleted or replaced while pinning");
            drop(running);
            // The backend learns of the cancellation when the dropped call's
            // connection closes; the CID's lock is kept a little longer so an
            // unpin never overtakes a pin that is still winding down there.
            tokio::time::sleep(CANCEL_GRACE).await;
            // The request is gone: nothing to record; its CID's unpin job may run now.
            shared.waker.unpin_queued();
            shared.waker.pin_queued();
            return false;
        }
    };
    drop(running);
    let (status, info, unavailable) = match outcome {
        None => (
            Status::Queued,
            details(format!(
                "{} (interrupted by a shutdown; resumes at the next start)",
                shared.pinner.queued_details()
            )),
            false,
        ),
        Some(Ok(Ok(done))) => (Status::Pinned, details(done), false),
        Some(Ok(Err(PinError::Failed(reason)))) => {
            crate::ops::backend_error(shared.pinner.backend(), "pin");
            (Status::Failed, details(reason), false)
        }
        Some(Ok(Err(PinError::Unavailable(reason)))) => {
            crate::ops::backend_error(shared.pinner.backend(), "pin");
            (Status::Queued, details(format!("queued again: backend unavailable ({reason})")), true)
        }
        Some(Err(_)) => (
            Status::Failed,
            details(format!("timed out after {}", humantime::format_duration(shared.config.pin_timeout))),
            false,
        ),
    };
    tracing::info!(requestid = %job.requestid, %status, details = %info[STATUS_DETAILS], "pin done");
    finish(shared, job, status, info).await;
    // A replace waiting for this pin may now release the CID it replaced,
    // and a slot is free for the next claim.
    shared.waker.unpin_queued();
    shared.waker.pin_queued();
    unavailable
}

/// Writes the outcome of a pin, retrying a failing store a few times (if it
/// keeps failing, the pin stays `pinning` until its lease runs out, and is
/// then claimed again).
async fn finish(shared: &Shared, job: &Job, status: Status, info: BTreeMap<String, String>) {
    for attempt in 1..=3 {
        match shared.store.finish(&job.requestid, &shared.lease.holder, status, info.clone()).await {
            Ok(true) => return,
            Ok(false) => {
                tracing::info!(requestid = %job.requestid, "pin was deleted, replaced or taken over while pinning");
                return;
            }
            Err(error) => {
                tracing::error!(requestid = %job.requestid, attempt, %error, "cannot record a pin's outcome");
                tokio::time::sleep(shared.config.retry_delay).await;
            }
        }
    }
}

fn record(result: Result<bool, StoreError>, job: &Job) {
    if let Err(error) = result {
        tracing::warn!(requestid = %job.requestid, %error, "cannot record pin progress");
    }
}

/// Writes the backend's progress reports to the store, at most once per
/// interval; never returns.
async fn forward_progress(shared: &Shared, requestid: &str, mut progress: watch::Receiver<Option<String>>) {
    loop {
        if progress.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
        let latest = progress.borrow_and_update().clone();
        if let Some(text) = latest {
            let result = shared.store.update_progress(requestid, &shared.lease.holder, details(text)).await;
            if let Err(error) = result {
                tracing::warn!(%requestid, %error, "cannot record pin progress");
            }
        }
        tokio::time::sleep(shared.config.progress_interval).await;
    }
}

async fn unpin_loop(shared: Arc<Shared>) {
    let mut running = JoinSet::new();
    let in_progress = Arc::new(Mutex::new(BTreeSet::new()));
    loop {
        tokio::select! {
            () = shared.waker.unpins.notified() => {}
            () = tokio::time::sleep(shared.config.poll_interval) => {}
            () = stopping(shared.shutdown.clone()) => break,
        }
        while running.try_join_next().is_some() {}
        let jobs = match shared.store.ready_unpins(64).await {
            Ok(jobs) => jobs,
            Err(error) => {
                tracing::error!(%error, "cannot read unpin jobs");
                continue;
            }
        };
        for job in jobs {
            let fresh = in_progress.lock().unwrap_or_else(PoisonError::into_inner).insert(job.id);
            if fresh {
                let shared = Arc::clone(&shared);
                let in_progress = Arc::clone(&in_progress);
                running.spawn(async move {
                    let id = job.id;
                    tokio::select! {
                        () = run_unpin(&shared, job) => {}
                        () = stopping(shared.shutdown.clone()) => {}
                    }
                    in_progress.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
                });
            }
        }
    }
    running.shutdown().await;
}

/// Releases the CID of a deleted or replaced pin, by reference count over
/// the CID's value: while any pin request (any tenant, any spelling) still
/// wants it, nothing is released. The backend got the CID as each client
/// spelled it, and may hold `Qm…` and `bafy…` of one CID as two pins, so a
/// job whose spelling no other request uses waits (re-checked every 60 poll
/// intervals) until the CID is unused and then releases its own spelling;
/// a job whose spelling is still used is done (the last request with that
/// spelling leaves its own job).
async fn run_unpin(shared: &Shared, job: UnpinJob) {
    let (local, shared_lock) = match lock_cid(shared, &job.cid).await {
        Ok(lock) => lock,
        Err(error) => {
            tracing::error!(cid = %job.cid, %error, "cannot lock a CID to unpin it");
            return;
        }
    };
    unpin_locked(shared, job).await;
    shared_lock.release().await;
    drop(local);
}

/// [`run_unpin`] under the CID's lock.
async fn unpin_locked(shared: &Shared, job: UnpinJob) {
    let in_use = match shared.store.cid_in_use(&job.cid).await {
        Ok(true) => shared.store.cid_spelling_in_use(&job.cid).await.map(Some),
        Ok(false) => Ok(None),
        Err(error) => Err(error),
    };
    let result = match in_use {
        Ok(Some(true)) => Ok(()),
        Ok(Some(false)) => {
            let recheck = shared.config.poll_interval * 60;
            tracing::debug!(cid = %job.cid, "another spelling of this CID is still pinned; the release waits");
            if let Err(error) = shared.store.postpone_unpin(job.id, recheck).await {
                tracing::error!(cid = %job.cid, %error, "cannot postpone an unpin");
            }
            return;
        }
        Ok(None) => {
            tracing::info!(cid = %job.cid, backend = shared.pinner.backend(), "unpinning");
            shared.pinner.unpin(&job.cid).await
        }
        Err(error) => {
            tracing::error!(cid = %job.cid, %error, "cannot check whether a CID is still pinned");
            return;
        }
    };
    let stored = match result {
        Ok(()) => shared.store.complete_unpin(job.id).await,
        Err(error) => {
            crate::ops::backend_error(shared.pinner.backend(), "unpin");
            let delay = Duration::from_secs(1 << job.attempts.min(9)).min(Duration::from_secs(600));
            tracing::warn!(cid = %job.cid, %error, retry_in = %humantime::format_duration(delay), "unpin failed");
            shared.store.postpone_unpin(job.id, delay).await
        }
    };
    if let Err(error) = stored {
        tracing::error!(cid = %job.cid, %error, "cannot record an unpin");
    }
}

/// One async lock per CID, dropped from the map when nobody holds or waits for it.
#[derive(Debug, Clone, Default)]
pub struct CidLocks(Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>);

/// Holds the lock of one CID.
pub struct CidGuard {
    guard: Option<OwnedMutexGuard<()>>,
    cid: String,
    locks: CidLocks,
}

impl CidLocks {
    /// Waits for, and takes, the lock of `cid`.
    pub async fn lock(&self, cid: &str) -> CidGuard {
        let mutex = {
            let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(map.entry(cid.to_owned()).or_default())
        };
        CidGuard { guard: Some(mutex.lock_owned().await), cid: cid.to_owned(), locks: self.clone() }
    }

    /// How many CIDs have a lock entry (held or awaited).
    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether no CID has a lock entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for CidGuard {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut map = self.locks.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.get(&self.cid).is_some_and(|mutex| Arc::strong_count(mutex) == 1) {
            map.remove(&self.cid);
        }
    }
}

#[cfg(test)]
mod tests;
