//! Other replicas' writes, as PostgreSQL notifications, for the
//! [`ReadCache`]: a trigger (migration 3 in `postgres.rs`) sends the
//! `requestid` of every pin whose visible state changes or that goes, on
//! [`CHANNEL`], when the writing transaction commits; one connection of each
//! replica listens and invalidates those pins.
//!
//! A notification sent while no one listens is lost for good, so the cache
//! is only used while the listener is connected: it starts suspended, is
//! resumed (from empty) once `LISTEN` has succeeded, and is suspended
//! (emptied, bypassed) as soon as the connection fails; a new connection is
//! tried every [`RETRY`] until it listens again.
//!
//! A connection can also die without a word (a network cut without a reset
//! looks like silence). So the replica sends itself a heartbeat on the same
//! channel every [`HEARTBEAT`], from another connection: PostgreSQL
//! delivers notifications in commit order, so when a heartbeat comes back,
//! every write committed before it was sent has been invalidated. The cache
//! answers only within [`STALENESS`] of the last heartbeat sent that came
//! back; past that, lookups go to the database until one does.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};

use super::StoreError;
use super::cache::ReadCache;

/// The notification channel of changed and deleted pins (the payload is the `requestid`).
pub const CHANNEL: &str = "pinning_service_pins";

/// The `application_name` of the listening connection.
pub const APPLICATION_NAME: &str = "pinning-service listener";

/// How long the listener waits before it connects again after a failure.
const RETRY: Duration = Duration::from_millis(250);

/// How often a replica sends itself a heartbeat.
pub const HEARTBEAT: Duration = Duration::from_millis(250);

/// How far the cache may lag other replicas' writes at most, even when its
/// connection dies silently: it answers only this long after sending the
/// last heartbeat that came back.
pub const STALENESS: Duration = Duration::from_secs(2);

/// The payload of a heartbeat starts with this (a `requestid` never does):
/// then the replica's id and the sending time in nanoseconds (see
/// [`ReadCache::nanos_now`]).
const HEARTBEAT_PREFIX: &str = "heartbeat ";

/// A task that keeps `cache` in step with the database's notifications; it
/// stops when this is dropped.
pub struct Listener {
    task: tokio::task::JoinHandle<()>,
    pid: Arc<AtomicU32>,
}

impl Listener {
    /// Starts listening to the database at `url` (the cache stays
    /// suspended until it does).
    pub fn start(url: &str, cache: Arc<ReadCache>) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url.parse()?;
        let options = options.application_name(APPLICATION_NAME);
        cache.bound_staleness(STALENESS);
        cache.suspend();
        let pid = Arc::new(AtomicU32::new(0));
        let task = tokio::spawn(listen(options, cache, Arc::clone(&pid)));
        Ok(Listener { task, pid })
    }

    /// The process id of the listening connection's server process, while
    /// it listens (tests end it with `pg_terminate_backend`).
    pub fn backend_pid(&self) -> Option<u32> {
        Some(self.pid.load(Ordering::Acquire)).filter(|pid| *pid != 0)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn listen(options: PgConnectOptions, cache: Arc<ReadCache>, pid: Arc<AtomicU32>) {
    // Pools of one connection, never closed for idleness or age: the
    // listener's connection, replaced only when it fails, and the heartbeats'.
    let single = || {
        PgPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(options.clone())
    };
    let (pool, beats) = (single(), single());
    let me = uuid::Uuid::new_v4().to_string();
    let mut failures = 0_u32;
    loop {
        let heartbeats = async {
            let mut every = tokio::time::interval(HEARTBEAT);
            loop {
                every.tick().await;
                let payload = format!("{HEARTBEAT_PREFIX}{me} {}", cache.nanos_now());
                // A heartbeat that cannot be sent is one that never comes
                // back: the cache stops answering in time by itself.
                let _ = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(&beats).await;
            }
        };
        let listened = tokio::select! {
            listened = listening(&pool, &cache, &pid, &me) => listened,
            () = heartbeats => Ok(()),
        };
        match listened {
            Ok(()) => failures = 0,
            Err(error) => {
                failures = failures.saturating_add(1);
                // Once per outage, not at every retry.
                if failures == 1 {
                    tracing::warn!(%error, "the read cache is off until the notification connection is back");
                }
            }
        }
        pid.store(0, Ordering::Release);
        cache.suspend();
        tokio::time::sleep(RETRY).await;
    }
}

/// Listens until the connection fails; the cache is in use meanwhile.
async fn listening(pool: &sqlx::PgPool, cache: &ReadCache, pid: &AtomicU32, me: &str) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    // A lost connection ends this listener; the loop above makes the next.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    let backend: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut listener).await?;
    // From here on every commit's notification reaches this connection:
    // what the cache held before may be stale, so it starts over.
    cache.resume();
    pid.store(u32::try_from(backend).unwrap_or(0), Ordering::Release);
    tracing::info!("the read cache follows other replicas' writes");
    while let Some(notification) = listener.try_recv().await? {
        match notification.payload().strip_prefix(HEARTBEAT_PREFIX) {
            None => cache.invalidate(notification.payload()),
            Some(beat) => {
                // Only this replica's own heartbeats: their times are its clock's.
                let sent = beat.strip_prefix(me).and_then(|rest| rest.trim().parse::<u64>().ok());
                if let Some(sent) = sent {
                    cache.confirm(cache.instant_at(sent));
                }
            }
        }
    }
    tracing::warn!("the notification connection was lost; the read cache is off until it is back");
    Ok(())
}
