//! [`Store`] on one embedded SQLite file (WAL mode, `synchronous = FULL`).
//!
//! One process at a time: opening takes an exclusive lock on
//! `<database>.lock` (`exclusive.rs`), and a second process is refused.
//!
//! Writes go through a pool of exactly one connection and `BEGIN IMMEDIATE`
//! transactions, so writers queue in-process instead of failing with
//! `SQLITE_BUSY`; reads use a separate pool and, thanks to WAL, never wait
//! for the writer. `get` reads on the caller's own thread (`reads.rs`). A commit returns after the WAL is synced, so a pin
//! acknowledged with 202 survives `kill -9` (and a power cut).
//!
//! Schema (version 4, in `PRAGMA user_version`; `schema.rs` migrates older ones):
//! - `pins`: one row per pin request. `created` is microseconds since the
//!   Unix epoch (whole milliseconds since 2026-12: see
//!   [`next_created`](super::next_created)), `UNIQUE (tenant, created)`;
//!   `cid` is the text the client sent and `cid_key` its canonical form
//!   ([`crate::cids::key`]), which filters and reference counts compare;
//!   `name_folded` is the name in
//!   lower case (Unicode), for the case-insensitive match strategies;
//!   `origins`, `meta` and `info` are JSON text as given; `bytes` is what the
//!   pin costs its tenant's byte quota ([`stored_bytes`]); `holder` and
//!   `lease_until` (µs) the claim of a `pinning` pin.
//! - `status_counts`: per tenant and status, how many pins (kept by triggers).
//! - `created_counts`: per tenant, status and bucket of `created` at 8
//!   levels, how many pins (kept by triggers), for `before`/`after` counts.
//! - `tenants`: per tenant, its pins and bytes (kept by triggers) and its
//!   last turn in the worker's round robin.
//! - `pin_meta`: one row per `meta` key of a pin, for the AND-match filter.
//! - `unpin_jobs`: CIDs released by deletes and replaces (see [`UnpinJob`]).
//! - `settings`: small key/value state (the generated access token).
//!
//! Every list filter is a `WHERE` clause on an indexed column, behind the
//! `tenant` column that leads every index; `tests::list_queries_use_indexes`
//! checks the query plans.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use ipfs_pinning_models::Status;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, Sqlite};

use super::filter::{Filter, bind_all};
use super::lookups::{FetchMany, Lookups};
use super::sql::{Dialect, budgeted, common_methods, fold, found, micros, micros_to_datetime, statements, to_json};
use super::{
    CidLock, Clock, Lease, ListPage, ListQuery, MAX_LIMIT, NewPin, PinRecord, Quota, Store, StoreError, StoreFuture,
    TenantId, stored_bytes, system_clock,
};

/// Settings of [`SqliteStore::open_with`].
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// How long a statement waits for another connection's lock before it
    /// fails with `SQLITE_BUSY` (answered `503` with `Retry-After`).
    pub busy_timeout: Duration,
    /// Per-tenant limits, checked inside `create` and `replace`.
    pub quota: Quota,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions { busy_timeout: Duration::from_secs(5), quota: Quota::default() }
    }
}

/// Whether an SQLite result code (primary or extended, as sqlx reports it)
/// means the database is busy or locked for now: `SQLITE_BUSY` (5) and
/// `SQLITE_LOCKED` (6) with every extended code built on them
/// (`SQLITE_BUSY_RECOVERY` 261, `SQLITE_BUSY_SNAPSHOT` 517,
/// `SQLITE_BUSY_TIMEOUT` 773, `SQLITE_LOCKED_SHAREDCACHE` 262, ...).
pub(super) fn is_busy_code(code: &str) -> bool {
    code.parse::<i64>().is_ok_and(|code| matches!(code & 0xff, 5 | 6))
}

/// The SQLite [`Store`].
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// `get` on the caller's thread (`reads.rs`)...
    reads: reads::Reads,
    /// ...and, when that would wait, coalesced through `reader`.
    lookups: Lookups,
    clock: Clock,
    quota: Quota,
    /// This process's claim on the file, released by [`Store::close`] (or on drop).
    lock: std::sync::Mutex<Option<exclusive::ExclusiveLock>>,
}

impl SqliteStore {
    /// Opens (creating when missing) the database file at `path`, migrates
    /// it to the current schema, and sets WAL mode.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, SqliteOptions::default()).await
    }

    /// [`open`](Self::open) with these settings.
    pub async fn open_with(path: &Path, settings: SqliteOptions) -> Result<Self, StoreError> {
        Self::open_inner(path, settings, system_clock()).await
    }

    /// [`open`](Self::open) with a custom clock (tests freeze it to check
    /// that `created` stays unique).
    pub async fn open_with_clock(path: &Path, clock: Clock) -> Result<Self, StoreError> {
        Self::open_inner(path, SqliteOptions::default(), clock).await
    }

    async fn open_inner(path: &Path, settings: SqliteOptions, clock: Clock) -> Result<Self, StoreError> {
        let lock = exclusive::lock(path)?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(settings.busy_timeout);
        // No ping before each use (sqlx's default): it is one more hand-off
        // to the connection's thread and back, and a connection to a file
        // does not drop.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        schema::migrate(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let lookups = Lookups::new(lookup_many(reader.clone()));
        Ok(SqliteStore {
            writer,
            reader,
            reads: reads::Reads::new(path),
            lookups,
            clock,
            quota: settings.quota,
            lock: std::sync::Mutex::new(Some(lock)),
        })
    }

    /// Inserts `pin` inside `tx`, after checking the quota; `replacing` is
    /// the stored bytes of the pin a replace removes (it frees its slot).
    async fn create_in(
        &self,
        tx: &mut sqlx::Transaction<'static, Sqlite>,
        tenant: &TenantId,
        pin: NewPin,
        replacing: Option<u64>,
    ) -> Result<PinRecord, StoreError> {
        let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(created) FROM pins WHERE tenant = ?")
            .bind(tenant.as_str())
            .fetch_one(&mut **tx)
            .await?;
        let now = (self.clock)();
        let created = super::next_created(now, newest);
        let created_at = micros_to_datetime(created)?;
        let requestid = uuid::Uuid::new_v4().to_string();
        let origins = pin.origins.as_ref().map(to_json).transpose()?;
        let meta = pin.meta.as_ref().map(to_json).transpose()?;
        let bytes = stored_bytes(&pin.cid, pin.name.as_deref(), origins.as_deref(), meta.as_deref());
        if self.quota != Quota::default() {
            let usage: Option<(i64, i64)> = sqlx::query_as("SELECT pins, bytes FROM tenants WHERE tenant = ?")
                .bind(tenant.as_str())
                .fetch_optional(&mut **tx)
                .await?;
            let (pins, used) = usage
                .map_or((0, 0), |(pins, bytes)| (u64::try_from(pins).unwrap_or(0), u64::try_from(bytes).unwrap_or(0)));
            match replacing {
                Some(freed) => self.quota.check(pins.saturating_sub(1), used.saturating_sub(freed), 1, bytes)?,
                None => self.quota.check(pins, used, 1, bytes)?,
            }
        }
        let inserted = sqlx::query(
            "INSERT INTO pins (tenant, requestid, cid, cid_key, name, name_folded, origins, meta, status, info,
                               created, updated, bytes)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)",
        )
        .bind(tenant.as_str())
        .bind(&requestid)
        .bind(&pin.cid)
        .bind(crate::cids::key(&pin.cid))
        .bind(pin.name.as_deref())
        .bind(pin.name.as_deref().map(fold))
        .bind(&origins)
        .bind(&meta)
        .bind(to_json(&pin.info)?)
        .bind(created)
        .bind(now)
        .bind(
            i64::try_from(stored_bytes(&pin.cid, pin.name.as_deref(), origins.as_deref(), meta.as_deref()))
                .unwrap_or(i64::MAX),
        )
        .execute(&mut **tx)
        .await?;
        let id = inserted.last_insert_rowid();
        for (key, value) in pin.meta.iter().flatten() {
            sqlx::query("INSERT INTO pin_meta (pin_id, key, value) VALUES (?, ?, ?)")
                .bind(id)
                .bind(key)
                .bind(value)
                .execute(&mut **tx)
                .await?;
        }
        Ok(PinRecord {
            requestid,
            status: Status::Queued,
            created: created_at,
            cid: pin.cid,
            name: pin.name,
            origins: pin.origins,
            meta: pin.meta,
            info: pin.info,
        })
    }

    /// Removes a pin inside `tx`, leaving an unpin job for its CID; the
    /// removed CID, or `None` when the tenant has no such pin.
    async fn delete_in(
        tx: &mut sqlx::Transaction<'static, Sqlite>,
        tenant: &TenantId,
        requestid: &str,
        unpin_after: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        let cid: Option<String> =
            sqlx::query_scalar("DELETE FROM pins WHERE tenant = ? AND requestid = ? RETURNING cid")
                .bind(tenant.as_str())
                .bind(requestid)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some(cid) = &cid {
            sqlx::query("INSERT INTO unpin_jobs (cid, after_requestid) VALUES (?, ?)")
                .bind(cid)
                .bind(unpin_after)
                .execute(&mut **tx)
                .await?;
        }
        Ok(cid)
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Sqlite>, StoreError> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// The pins of many `requestid`s in one query (see [`Lookups`]).
fn lookup_many(reader: SqlitePool) -> FetchMany {
    std::sync::Arc::new(move |requestids| {
        let reader = reader.clone();
        async move {
            let rows =
                sqlx::query(statements::LOOKUP_MANY_SQLITE).bind(to_json(&requestids)?).fetch_all(&reader).await?;
            rows.iter().map(found).collect()
        }
        .boxed()
    })
}

impl Store for SqliteStore {
    common_methods!(reader, writer, Dialect::Sqlite);

    fn get<'a>(&'a self, tenant: &'a TenantId, requestid: &'a str) -> StoreFuture<'a, Option<PinRecord>> {
        async move {
            // A plain call, not `block_in_place` (which hands this thread's
            // other tasks to another thread, the hop this avoids): the read
            // never waits for a lock (see `reads.rs`).
            match self.reads.get(tenant, requestid) {
                Some(answer) => answer,
                None => self.lookups.get(tenant, requestid).await,
            }
        }
        .boxed()
    }

    fn create<'a>(&'a self, tenant: &'a TenantId, pin: NewPin) -> StoreFuture<'a, PinRecord> {
        async move {
            let mut tx = self.begin_write().await?;
            let record = self.create_in(&mut tx, tenant, pin, None).await?;
            tx.commit().await?;
            Ok(record)
        }
        .boxed()
    }

    fn list<'a>(&'a self, tenant: &'a TenantId, query: &'a ListQuery) -> StoreFuture<'a, ListPage> {
        async move {
            let mut filter = Filter::of(Dialect::Sqlite, tenant, query);
            // One read transaction: the count and the page see one snapshot.
            let mut tx = self.reader.begin().await?;
            let (count_sql, count_args) = filter.count();
            let count: i64 = bind_all(sqlx::query(&count_sql), &count_args).fetch_one(&mut *tx).await?.try_get(0)?;
            let page_sql = filter.page_sql(i64::from(query.limit.clamp(1, MAX_LIMIT)));
            let rows = bind_all(sqlx::query(&page_sql), &filter.args).fetch_all(&mut *tx).await?;
            tx.commit().await?;
            let results = budgeted(&rows, query.max_bytes)?;
            Ok(ListPage { count: u64::try_from(count).unwrap_or(0), results })
        }
        .boxed()
    }

    fn replace<'a>(
        &'a self,
        tenant: &'a TenantId,
        requestid: &'a str,
        pin: NewPin,
    ) -> StoreFuture<'a, Option<PinRecord>> {
        async move {
            let mut tx = self.begin_write().await?;
            // The replacement's requestid is made inside `create_in`; the
            // unpin job must wait for it, so create first, then delete.
            let exists: Option<i64> = sqlx::query_scalar("SELECT bytes FROM pins WHERE tenant = ? AND requestid = ?")
                .bind(tenant.as_str())
                .bind(requestid)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(freed) = exists else {
                return Ok(None);
            };
            let freed = u64::try_from(freed).unwrap_or(0);
            let record = self.create_in(&mut tx, tenant, pin, Some(freed)).await?;
            Self::delete_in(&mut tx, tenant, requestid, Some(&record.requestid)).await?;
            tx.commit().await?;
            Ok(Some(record))
        }
        .boxed()
    }

    fn delete<'a>(&'a self, tenant: &'a TenantId, requestid: &'a str) -> StoreFuture<'a, bool> {
        async move {
            let mut tx = self.begin_write().await?;
            let deleted = Self::delete_in(&mut tx, tenant, requestid, None).await?;
            tx.commit().await?;
            Ok(deleted.is_some())
        }
        .boxed()
    }

    fn renew_leases<'a>(&'a self, lease: &'a Lease, requestids: &'a [String]) -> StoreFuture<'a, u64> {
        async move {
            if requestids.is_empty() {
                return Ok(0);
            }
            let marks = vec!["?"; requestids.len()].join(", ");
            let sql = format!(
                "UPDATE pins SET lease_until = ? WHERE holder = ? AND status = 'pinning' AND requestid IN ({marks})"
            );
            let mut query =
                sqlx::query(&sql).bind((self.clock)().saturating_add(micros(lease.duration))).bind(&lease.holder);
            for requestid in requestids {
                query = query.bind(requestid);
            }
            Ok(query.execute(&self.writer).await?.rows_affected())
        }
        .boxed()
    }

    fn requeue_interrupted(&self, info: BTreeMap<String, String>) -> StoreFuture<'_, u64> {
        async move {
            // One process per file: whoever held these is gone.
            let done = sqlx::query(
                "UPDATE pins SET status = 'queued', info = ?, updated = ?, holder = NULL, lease_until = NULL
                 WHERE status = 'pinning'",
            )
            .bind(to_json(&info)?)
            .bind((self.clock)())
            .execute(&self.writer)
            .await?;
            Ok(done.rows_affected())
        }
        .boxed()
    }

    fn lock_cid<'a>(&'a self, _cid: &'a str) -> StoreFuture<'a, CidLock> {
        async move { Ok(CidLock::local()) }.boxed()
    }

    fn setting_or_insert<'a>(&'a self, key: &'a str, candidate: String) -> StoreFuture<'a, String> {
        async move {
            let mut tx = self.begin_write().await?;
            sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(&candidate)
                .execute(&mut *tx)
                .await?;
            let value: String =
                sqlx::query_scalar("SELECT value FROM settings WHERE key = ?").bind(key).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(value)
        }
        .boxed()
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        async move {
            self.reads.close();
            self.reader.close().await;
            // Keep the planner's statistics fresh (SQLite's recommendation),
            // then fold the WAL back into the database file, so a stopped
            // service leaves one self-contained file. `optimize` runs here,
            // not on each connection's close: it may write, and a write after
            // the checkpoint left the WAL behind.
            for pragma in ["PRAGMA analysis_limit = 400", "PRAGMA optimize", "PRAGMA wal_checkpoint(TRUNCATE)"] {
                if let Err(error) = sqlx::query(pragma).execute(&self.writer).await {
                    tracing::warn!(%error, pragma, "at shutdown");
                }
            }
            self.writer.close().await;
            drop(self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take());
        }
        .boxed()
    }
}

mod exclusive;
mod reads;
mod schema;
#[cfg(test)]
mod tests;
