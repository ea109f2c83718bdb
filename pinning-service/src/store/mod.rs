//! Storage of pin requests, behind the small [`Store`] trait, with two
//! implementations on sqlx's runtime `sqlx::query` calls (no compile-time
//! checked macros, so building needs no database):
//!
//! - [`SqliteStore`] (`sqlite.rs`): one embedded SQLite file in WAL mode, for
//!   one process (the default).
//! - [`PostgresStore`] (`postgres.rs`): a PostgreSQL database that several
//!   replicas of the service share.
//!
//! [`open`] picks one from a [`DbLocation`] (`--db`). Both apply their
//! versioned migrations at start ([`migrations`]) and refuse a database of a
//! newer schema; `sql.rs` holds the SQL they share (statements, rows) and
//! `filter.rs` the `WHERE` clause of a list.
//!
//! What the trait promises, whatever the backend:
//! - Every request-facing method is scoped by a [`TenantId`]: a tenant never
//!   reads, lists, replaces or deletes another tenant's pins.
//! - `created` is unique per tenant and never changes; within a tenant it
//!   increases with every new pin, in whole milliseconds (see
//!   [`next_created`]).
//! - CIDs are compared by value: a store keeps [`crate::cids::key`] of each
//!   pin's CID beside the text and filters and counts by it.
//! - `replace` and `delete` are single transactions; a deleted or replaced
//!   pin leaves an unpin job behind (see [`UnpinJob`]), in the same
//!   transaction, so the backend data is released even across a crash.
//! - A claimed pin is held by a [`Lease`] its worker renews; a pin whose lease
//!   ran out can be claimed by any worker, and a worker whose lease is gone
//!   can no longer record progress or an outcome for it.

pub mod cache;
mod filter;
pub mod location;
mod lookups;
pub mod migrations;
pub mod notifications;
mod postgres;
mod sql;
mod sqlite;
#[cfg(test)]
mod suite;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use ipfs_pinning_models::{Status, TextMatchingStrategy};
use sha2::{Digest, Sha256};

pub use cache::{CachedStore, ReadCache};
pub use location::DbLocation;
pub use postgres::PostgresStore;
pub use sql::FILL_CREATED_COUNTS;
pub use sqlite::{SqliteOptions, SqliteStore};

/// The setting holding the digest ([`TenantId`]) of the access token the
/// service generated when none was given: the token itself is printed once
/// and never stored.
pub const GENERATED_TOKEN_DIGEST: &str = "generated_access_token_sha256";

/// Microseconds since the Unix epoch, now (tests freeze it).
pub type Clock = std::sync::Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    std::sync::Arc::new(|| chrono::Utc::now().timestamp_micros())
}

/// Largest `limit` of one list query (the spec's `maximum` of `limit`).
pub const MAX_LIMIT: u32 = 1000;

/// The future every [`Store`] method returns.
pub type StoreFuture<'a, T> = BoxFuture<'a, Result<T, StoreError>>;

/// A storage failure. The API answers these with a 5XX `Failure`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Locked(String),
    /// The tenant's quota does not allow the pin (answered `409`).
    #[error("{0}")]
    QuotaExceeded(String),
    /// One failure answered to every lookup of a batch ([`lookups`]).
    #[error(transparent)]
    Shared(std::sync::Arc<StoreError>),
    #[error(
        "the database schema is version {found}, newer than this binary understands ({supported}); \
         run a newer pinning-service"
    )]
    SchemaTooNew { found: i64, supported: i64 },
}

impl StoreError {
    /// Whether the storage is unreachable or busy for now (locked by
    /// another writer, a full connection pool, a database restarting):
    /// answered `503` with `Retry-After`, not `500`. A lost or refused
    /// connection and a closed pool count; a backend recognizes its own
    /// codes ([`sqlite::is_busy_code`]: `SQLITE_BUSY`, `SQLITE_LOCKED` and
    /// their extended codes; [`postgres::is_unavailable_code`]: connection
    /// exceptions, shutdowns and restarts, too many connections).
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Shared(error) => error.is_busy(),
            StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)) => true,
            StoreError::Database(sqlx::Error::Database(error)) => error.code().is_some_and(|code| {
                if error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some() {
                    postgres::is_unavailable_code(&code)
                } else {
                    sqlite::is_busy_code(&code)
                }
            }),
            _ => false,
        }
    }
}

/// Opens the store `location` names, migrated to the current schema
/// (`sqlite.busy_timeout` applies to an SQLite file only, the quota to both),
/// with a [`ReadCache`] of `read_cache` pins in front of `get` unless `None`
/// (on PostgreSQL it follows other replicas' writes through [`notifications`]).
pub async fn open(
    location: &DbLocation,
    sqlite: SqliteOptions,
    read_cache: Option<usize>,
) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    use std::sync::Arc;
    Ok(match (location, read_cache) {
        (DbLocation::Sqlite(path), None) => Arc::new(SqliteStore::open_with(path, sqlite).await?),
        (DbLocation::Postgres(url), None) => Arc::new(PostgresStore::connect_with(url, sqlite.quota).await?),
        // One process writes an SQLite file: this one, through the cache.
        (DbLocation::Sqlite(path), Some(pins)) => Arc::new(CachedStore::new(
            Arc::new(SqliteStore::open_with(path, sqlite).await?),
            Arc::new(ReadCache::new(pins)),
        )),
        (DbLocation::Postgres(url), Some(pins)) => {
            let cache = Arc::new(ReadCache::new(pins));
            let listener = notifications::Listener::start(url, Arc::clone(&cache))?;
            let store = PostgresStore::connect_with(url, sqlite.quota).await?;
            Arc::new(CachedStore::new(Arc::new(store), cache).following(listener))
        }
    })
}

/// Per-tenant limits on what a tenant stores, a setting of the store:
/// `create` and `replace` refuse with [`StoreError::QuotaExceeded`], inside
/// their transaction, a pin that would take the tenant past either.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quota {
    /// Pin requests at most (any status).
    pub max_pins: Option<u64>,
    /// [`stored_bytes`] of all its pin requests at most.
    pub max_bytes: Option<u64>,
}

impl Quota {
    /// Whether a tenant storing `pins` pins of `bytes` bytes may go to
    /// `pins + more_pins` of `bytes + more_bytes` (a replace adds no pin).
    pub fn check(&self, pins: u64, bytes: u64, more_pins: u64, more_bytes: u64) -> Result<(), StoreError> {
        if let Some(max) = self.max_pins
            && pins.saturating_add(more_pins) > max
        {
            return Err(StoreError::QuotaExceeded(format!(
                "this access token has {pins} pin request(s), its quota is {max}; delete some first"
            )));
        }
        if let Some(max) = self.max_bytes
            && bytes.saturating_add(more_bytes) > max
        {
            return Err(StoreError::QuotaExceeded(format!(
                "this pin ({more_bytes} bytes) would take this access token's pins to {} bytes; its quota is {max}",
                bytes.saturating_add(more_bytes)
            )));
        }
        Ok(())
    }
}

/// What a pin costs its tenant's byte quota: the bytes of its CID and name,
/// and of `origins` and `meta` as stored JSON (the SQLite schema's upgrade
/// computes the same in SQL).
pub fn stored_bytes(cid: &str, name: Option<&str>, origins_json: Option<&str>, meta_json: Option<&str>) -> u64 {
    [Some(cid), name, origins_json, meta_json].iter().flatten().map(|text| text.len() as u64).sum()
}

/// Who owns a pin: derived from the access token (a SHA-256 digest of it), so
/// the database never holds a token and the same token finds its pins again
/// after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

impl TenantId {
    /// The tenant of an access token.
    pub fn from_token(token: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"pinning-service tenant\0");
        hasher.update(token.as_bytes());
        // Every request authenticates: one table-driven encoding, not a
        // `format!` a byte.
        TenantId(hex::encode(hasher.finalize()))
    }

    /// The tenant of a stored digest ([`as_str`](Self::as_str)'s form);
    /// `None` unless it is 64 lower-case hex digits.
    pub fn from_digest(digest: &str) -> Option<Self> {
        let well_formed =
            digest.len() == 64 && digest.bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
        well_formed.then(|| TenantId(digest.to_owned()))
    }

    /// The stored form (64 hex digits).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A pin request as the service stores it: the `Pin` object exactly as
/// given (`None` stays `None`, an empty list stays empty), plus the first
/// `info` to show while it is queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPin {
    pub cid: String,
    pub name: Option<String>,
    pub origins: Option<Vec<String>>,
    pub meta: Option<BTreeMap<String, String>>,
    pub info: BTreeMap<String, String>,
}

/// A stored pin request and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinRecord {
    pub requestid: String,
    pub status: Status,
    pub created: DateTime<Utc>,
    pub cid: String,
    pub name: Option<String>,
    pub origins: Option<Vec<String>>,
    pub meta: Option<BTreeMap<String, String>>,
    pub info: BTreeMap<String, String>,
}

/// The filters of `GET /pins`, already defaulted and validated by the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Any of these CIDs, compared by value ([`crate::cids::key`]: `Qm…`,
    /// `bafy…` and `f01…` of one CID match each other); empty means any CID.
    pub cids: Vec<String>,
    /// The name filter and how to match it.
    pub name: Option<(String, TextMatchingStrategy)>,
    /// Any of these statuses; empty means any status (the API turns an
    /// absent `status` into `[pinned]` before it gets here).
    pub statuses: Vec<Status>,
    /// Only pins created strictly before this instant.
    pub before: Option<DateTime<Utc>>,
    /// Only pins created strictly after this instant.
    pub after: Option<DateTime<Utc>>,
    /// At most this many results (1..=[`MAX_LIMIT`]; larger values are capped).
    pub limit: u32,
    /// Every pair must be in the pin's `meta` (AND); empty means no filter.
    pub meta: BTreeMap<String, String>,
    /// A byte budget for the page: results stop before the one that would
    /// take the sum of [`stored_bytes`] plus `info`'s JSON past it (one result
    /// is always given). `count` still counts every match, so clients see
    /// a short page and go on with `before`.
    pub max_bytes: u64,
}

impl ListQuery {
    /// A query with no filters but the status ones: newest first, `limit` results.
    pub fn new(statuses: Vec<Status>, limit: u32) -> Self {
        ListQuery {
            cids: Vec::new(),
            name: None,
            statuses,
            before: None,
            after: None,
            limit,
            meta: BTreeMap::new(),
            max_bytes: u64::MAX,
        }
    }
}

/// One page of a list: `count` is the number of pins matching the filters
/// (ignoring `limit`), `results` the newest `limit` of them, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage {
    pub count: u64,
    pub results: Vec<PinRecord>,
}

/// Who holds the pins a worker claims, and for how long each claim lasts
/// unless renewed ([`Store::renew_leases`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// Unique per running worker (a fresh UUID at every start).
    pub holder: String,
    /// How long a claim lasts after it is made or renewed.
    pub duration: std::time::Duration,
}

impl Lease {
    /// A lease of a new, unique holder.
    pub fn fresh(duration: std::time::Duration) -> Self {
        Lease { holder: uuid::Uuid::new_v4().to_string(), duration }
    }
}

/// The lock of one CID across every process sharing the database (see
/// [`Store::lock_cid`]); released by [`CidLock::release`] or when dropped.
#[must_use = "the lock is released when dropped"]
pub struct CidLock {
    release: Option<BoxFuture<'static, ()>>,
}

impl CidLock {
    /// A lock with nothing to release (a backend of one process, where the
    /// worker's in-process lock is all there is).
    pub fn local() -> Self {
        CidLock { release: None }
    }

    /// A lock that `release` gives back.
    pub fn new(release: BoxFuture<'static, ()>) -> Self {
        CidLock { release: Some(release) }
    }

    /// Gives the lock back.
    pub async fn release(mut self) {
        if let Some(release) = self.release.take() {
            release.await;
        }
    }
}

impl Drop for CidLock {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(release);
            }
        }
    }
}

/// How many requests may be `pinning` when the worker claims another (see
/// [`Store::claim_next_fair`]): `pool` for anyone, `most` for a tenant that
/// has none `pinning`, so one tenant's stuck pins never hold every slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimLimits {
    pub pool: u64,
    pub most: u64,
}

impl ClaimLimits {
    /// No limit.
    pub const UNLIMITED: ClaimLimits = ClaimLimits { pool: u64::MAX, most: u64::MAX };
}

/// A pin the worker has claimed (moved from `queued` to `pinning`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub requestid: String,
    pub cid: String,
    pub origins: Vec<String>,
}

/// A CID that may no longer be needed by the backend: left behind by a delete
/// or a replace. The worker unpins it from the backend unless some pin
/// request (of any tenant) still wants it. A job made by a replace waits
/// until the replacement has finished pinning, so blocks common to both pins
/// are never released in between (the point of replace, in the spec).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpinJob {
    pub id: i64,
    pub cid: String,
    /// How many attempts have failed so far.
    pub attempts: u32,
}

/// Counts for `/metrics`, over every tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// How many pin requests are in each status (statuses with none may be missing).
    pub pins_by_status: BTreeMap<Status, u64>,
    /// `created` of the oldest `queued` pin request.
    pub oldest_queued: Option<DateTime<Utc>>,
}

/// Storage of pin requests. Methods return boxed futures so the service can
/// hold an `Arc<dyn Store>` and pick the backend at run time.
pub trait Store: Send + Sync + 'static {
    /// Stores a new `queued` pin request with a fresh `requestid` and
    /// `created`; [`StoreError::QuotaExceeded`] when the store's [`Quota`]
    /// does not allow it.
    fn create<'a>(&'a self, tenant: &'a TenantId, pin: NewPin) -> StoreFuture<'a, PinRecord>;

    /// The tenant's pin request `requestid`, if it has one.
    fn get<'a>(&'a self, tenant: &'a TenantId, requestid: &'a str) -> StoreFuture<'a, Option<PinRecord>>;

    /// The tenant's pin requests matching `query`, newest first.
    fn list<'a>(&'a self, tenant: &'a TenantId, query: &'a ListQuery) -> StoreFuture<'a, ListPage>;

    /// In one transaction: removes the tenant's pin request `requestid` and
    /// stores `pin` as a new request. `None` (and no change) when the tenant
    /// has no such request; [`StoreError::QuotaExceeded`] when the
    /// replacement's bytes do not fit the store's [`Quota`].
    fn replace<'a>(
        &'a self,
        tenant: &'a TenantId,
        requestid: &'a str,
        pin: NewPin,
    ) -> StoreFuture<'a, Option<PinRecord>>;

    /// Removes the tenant's pin request `requestid`; `false` when there was none.
    fn delete<'a>(&'a self, tenant: &'a TenantId, requestid: &'a str) -> StoreFuture<'a, bool>;

    /// [`claim_next_fair`](Self::claim_next_fair) without limits.
    fn claim_next<'a>(&'a self, lease: &'a Lease, info: BTreeMap<String, String>) -> StoreFuture<'a, Option<Job>> {
        self.claim_next_fair(lease, info, ClaimLimits::UNLIMITED)
    }

    /// Moves a claimable request to `pinning` with `info`, held by `lease`,
    /// and returns it; concurrent claims (from any process) never return the
    /// same request. First a request `pinning` under a lease that ran out
    /// (its worker died), then a `queued` one: tenants take turns (round
    /// robin: the tenant with a queued request whose last claim is the
    /// oldest goes next, ties to the one whose oldest queued request is
    /// older), and each tenant's requests go oldest first. The limits count
    /// the requests `lease.holder` has `pinning`: a tenant may start one
    /// while it has fewer than `limits.pool`, or fewer than `limits.most` and
    /// none of that tenant's. `None` when no tenant may.
    fn claim_next_fair<'a>(
        &'a self,
        lease: &'a Lease,
        info: BTreeMap<String, String>,
        limits: ClaimLimits,
    ) -> StoreFuture<'a, Option<Job>>;

    /// Extends the claims of `requestids` that `lease.holder` still holds
    /// to `lease.duration` from now; returns how many it still holds.
    fn renew_leases<'a>(&'a self, lease: &'a Lease, requestids: &'a [String]) -> StoreFuture<'a, u64>;

    /// Replaces the `info` of a request that is still `pinning` under
    /// `holder`'s claim; `false` when it is not (deleted, replaced, or
    /// claimed by another worker after the lease ran out).
    fn update_progress<'a>(
        &'a self,
        requestid: &'a str,
        holder: &'a str,
        info: BTreeMap<String, String>,
    ) -> StoreFuture<'a, bool>;

    /// Moves a request `pinning` under `holder`'s claim to `status`
    /// (`pinned`, `failed`, or back to `queued`) with `info`, and ends the
    /// claim; `false` when it is no longer `pinning` under that claim.
    fn finish<'a>(
        &'a self,
        requestid: &'a str,
        holder: &'a str,
        status: Status,
        info: BTreeMap<String, String>,
    ) -> StoreFuture<'a, bool>;

    /// At start-up: puts the requests left `pinning` by workers that are
    /// gone back to `queued` with `info`, and returns how many there were.
    /// SQLite (one process per file): every `pinning` request. PostgreSQL
    /// (replicas): only those whose lease ran out; those of live replicas
    /// are left to them.
    fn requeue_interrupted(&self, info: BTreeMap<String, String>) -> StoreFuture<'_, u64>;

    /// Waits for, and takes, the lock of `cid` (the worker passes the
    /// canonical [`crate::cids::key`]) that every process sharing the
    /// database respects (PostgreSQL: an advisory lock on it; SQLite,
    /// one process: nothing beyond the worker's in-process lock). The worker
    /// holds it while pinning or unpinning the CID.
    fn lock_cid<'a>(&'a self, cid: &'a str) -> StoreFuture<'a, CidLock>;

    /// Up to `limit` unpin jobs that may run now, oldest first.
    fn ready_unpins(&self, limit: u32) -> StoreFuture<'_, Vec<UnpinJob>>;

    /// Whether any pin request of any tenant that is not `failed` is for
    /// `cid`, compared by value ([`crate::cids::key`]).
    fn cid_in_use<'a>(&'a self, cid: &'a str) -> StoreFuture<'a, bool>;

    /// Whether any pin request of any tenant that is not `failed` has
    /// exactly the text `cid` (this spelling of the CID).
    fn cid_spelling_in_use<'a>(&'a self, cid: &'a str) -> StoreFuture<'a, bool>;

    /// Removes a finished unpin job.
    fn complete_unpin(&self, id: i64) -> StoreFuture<'_, ()>;

    /// Leaves a failed unpin job for a later attempt, no earlier than `delay` from now.
    fn postpone_unpin(&self, id: i64, delay: std::time::Duration) -> StoreFuture<'_, ()>;

    /// The stored setting `key`; when there is none, stores `candidate` and
    /// returns it.
    fn setting_or_insert<'a>(&'a self, key: &'a str, candidate: String) -> StoreFuture<'a, String>;

    /// For `/readyz`: commits a small write (to a place no request reads),
    /// so an error means the database does not take writes now.
    fn check_writable(&self) -> StoreFuture<'_, ()>;

    /// For `/metrics`: pin requests by status, and the oldest queued one.
    fn stats(&self) -> StoreFuture<'_, Stats>;

    /// Flushes and closes the database.
    fn close(&self) -> BoxFuture<'_, ()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_are_stable_distinct_digests() {
        let a = TenantId::from_token("token-a");
        assert_eq!(a, TenantId::from_token("token-a"));
        assert_ne!(a, TenantId::from_token("token-b"));
        assert_eq!(a.as_str().len(), 64);
        assert!(!a.as_str().contains("token"));
        assert!(a.as_str().bytes().all(|byte| byte.is_ascii_hexdigit()));
        // The stored form never changes: databases hold these digests.
        assert_eq!(a.as_str(), "e994ced890eb3b56d6496265f9baa80f8d75bd16e59969bef4c0d9a99937c160");
    }
}

/// The `created` of a tenant's new pin, in microseconds since the epoch:
/// the clock (`now_micros`) cut to whole milliseconds, or the first whole
/// millisecond after the tenant's newest pin when the clock has not moved
/// past it (several pins in one millisecond, or a clock step backwards).
///
/// Whole milliseconds because clients page with `before`/`after` set to a
/// `created` they were sent, and JavaScript's `Date` (the JS client's) keeps
/// only milliseconds: with finer values, its `after` = a pin's `created`
/// would list that pin again, and `before` could skip pins created in the
/// same millisecond. The cost: a tenant creating more than 1000 pins a
/// second sees `created` run ahead of the clock until it slows down.
pub(crate) fn next_created(now_micros: i64, newest: Option<i64>) -> i64 {
    let now = now_micros - now_micros.rem_euclid(1000);
    match newest {
        Some(newest) if newest >= now => newest - newest.rem_euclid(1000) + 1000,
        _ => now,
    }
}

#[cfg(test)]
mod created_tests {
    use super::next_created;

    #[test]
    fn created_is_the_clock_cut_to_milliseconds_or_the_next_free_millisecond() {
        assert_eq!(next_created(1_700_000_000_123_456, None), 1_700_000_000_123_000);
        assert_eq!(next_created(1_700_000_000_123_456, Some(1_700_000_000_122_000)), 1_700_000_000_123_000);
        // Same millisecond as the newest pin, or a clock step backwards.
        assert_eq!(next_created(1_700_000_000_123_999, Some(1_700_000_000_123_000)), 1_700_000_000_124_000);
        assert_eq!(next_created(1_700_000_000_000_000, Some(1_700_000_000_500_000)), 1_700_000_000_501_000);
        // A database written in microseconds goes on at the next whole millisecond.
        assert_eq!(next_created(1_700_000_000_123_000, Some(1_700_000_000_123_456)), 1_700_000_000_124_000);
        assert_eq!(next_created(-1_500, None), -2_000);
    }
}
