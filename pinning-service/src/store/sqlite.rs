//! [`Store`] on one embedded SQLite file (WAL mode, `synchronous = FULL`).
//!
//! One process at a time: opening takes an exclusive lock on
//! `<database>.lock` (`exclusive.rs`), and a second process is refused.
//!
//! Writes go through a pool of exactly one connection and `BEGIN IMMEDIATE`
//! transactions, so writers queue in-process instead of failing with
//! `SQLITE_BUSY`; reads use a separate pool and, thanks to WAL, never wait
//! for the writer. A commit returns after the WAL is synced, so a pin
//! acknowledged with 202 survives `kill -9` (and a power cut).
//!
//! Schema (version 2, in `PRAGMA user_version`; `schema.rs` migrates older ones):
//! - `pins`: one row per pin request. `created` is microseconds since the
//!   Unix epoch (whole milliseconds since 2026-12: see
//!   [`next_created`](super::next_created)), `UNIQUE (tenant, created)`;
//!   `cid` is the text the client sent and `cid_key` its canonical form
//!   ([`crate::cids::key`]), which filters and reference counts compare;
//!   `name_folded` is the name in
//!   lower case (Unicode), for the case-insensitive match strategies;
//!   `origins`, `meta` and `info` are JSON text as given; `bytes` is what the
//!   pin costs its tenant's byte quota ([`stored_bytes`]).
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
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, TryStreamExt};
use ipfs_pinning_models::{Status, TextMatchingStrategy};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite};

use super::{
    ClaimLimits, Job, ListPage, ListQuery, MAX_LIMIT, NewPin, PinRecord, Quota, Stats, Store, StoreError, StoreFuture,
    TenantId, UnpinJob, stored_bytes,
};

/// The columns every pin query selects, in the order [`record`] reads them.
const COLUMNS: &str = "p.requestid, p.status, p.created, p.cid, p.name, p.origins, p.meta, p.info";

/// Microseconds since the Unix epoch, now.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

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
        Self::open_inner(path, settings, Arc::new(|| Utc::now().timestamp_micros())).await
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
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        schema::migrate(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Ok(SqliteStore { writer, reader, clock, quota: settings.quota, lock: std::sync::Mutex::new(Some(lock)) })
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

/// The case folding of the `iexact` and `ipartial` strategies.
fn fold(text: &str) -> String {
    text.to_lowercase()
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|error| StoreError::Corrupt(error.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::Corrupt(format!("column `{column}`: {error}")))
}

fn micros_to_datetime(micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {micros} µs is out of range")))
}

/// Microseconds of an instant, rounded down, and whether it was exact.
fn split_micros(at: &DateTime<Utc>) -> (i64, bool) {
    let nanos = at.timestamp_subsec_nanos();
    let micros = at.timestamp().saturating_mul(1_000_000).saturating_add(i64::from(nanos / 1000));
    (micros, nanos % 1000 == 0)
}

/// `created < before`, in stored microseconds: `created < ceil(before)`.
fn before_bound(before: &DateTime<Utc>) -> i64 {
    let (micros, exact) = split_micros(before);
    if exact { micros } else { micros.saturating_add(1) }
}

/// `created > after`, in stored microseconds: `created > floor(after)`.
fn after_bound(after: &DateTime<Utc>) -> i64 {
    split_micros(after).0
}

fn record(row: &SqliteRow) -> Result<PinRecord, StoreError> {
    let status: String = row.try_get(1)?;
    let origins: Option<String> = row.try_get(5)?;
    let meta: Option<String> = row.try_get(6)?;
    let info: String = row.try_get(7)?;
    Ok(PinRecord {
        requestid: row.try_get(0)?,
        status: status.parse().map_err(|error| StoreError::Corrupt(format!("column `status`: {error}")))?,
        created: micros_to_datetime(row.try_get(2)?)?,
        cid: row.try_get(3)?,
        name: row.try_get(4)?,
        origins: origins.map(|text| from_json("origins", &text)).transpose()?,
        meta: meta.map(|text| from_json("meta", &text)).transpose()?,
        info: from_json("info", &info)?,
    })
}

/// Up to this many `meta` pairs, each is its own indexed subquery; more are
/// matched in one join against the pairs as a JSON object.
const META_PAIRS_INLINE: usize = 16;

/// A value bound to a `?` of a dynamically built query.
enum Arg {
    Text(String),
    Int(i64),
}

/// The `WHERE` clause (without the keyword) and its arguments for `query`.
fn filters(tenant: &TenantId, query: &ListQuery) -> (String, Vec<Arg>) {
    let mut sql = String::from("p.tenant = ?");
    let mut args = vec![Arg::Text(tenant.as_str().to_owned())];
    let mut any_of = |sql: &mut String, column: &str, values: Vec<String>| {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        sql.push_str(&format!(" AND {column} IN ({marks})"));
        args.extend(values.into_iter().map(Arg::Text));
    };
    any_of(&mut sql, "p.status", query.statuses.iter().map(|status| status.as_str().to_owned()).collect());
    any_of(&mut sql, "p.cid_key", query.cids.iter().map(|cid| crate::cids::key(cid)).collect());
    if let Some((name, strategy)) = &query.name {
        // Partial matches use `instr`, not LIKE: the name is a literal
        // substring, so `%`, `_` and `\` in it need no escaping at all.
        let (clause, value) = match strategy {
            TextMatchingStrategy::Exact => ("p.name = ?", name.clone()),
            TextMatchingStrategy::Iexact => ("p.name_folded = ?", fold(name)),
            TextMatchingStrategy::Partial => ("instr(p.name, ?) > 0", name.clone()),
            TextMatchingStrategy::Ipartial => ("instr(p.name_folded, ?) > 0", fold(name)),
        };
        sql.push_str(" AND ");
        sql.push_str(clause);
        args.push(Arg::Text(value));
    }
    if let Some(before) = &query.before {
        sql.push_str(" AND p.created < ?");
        args.push(Arg::Int(before_bound(before)));
    }
    if let Some(after) = &query.after {
        sql.push_str(" AND p.created > ?");
        args.push(Arg::Int(after_bound(after)));
    }
    if query.meta.len() <= META_PAIRS_INLINE {
        for (key, value) in &query.meta {
            sql.push_str(" AND p.id IN (SELECT m.pin_id FROM pin_meta m WHERE m.key = ? AND m.value = ?)");
            args.push(Arg::Text(key.clone()));
            args.push(Arg::Text(value.clone()));
        }
    } else {
        // One clause for any number of pairs (the spec allows 1000): a
        // clause per pair would pass SQLite's expression depth limit (1000).
        // The pins having every pair are those with as many matching rows
        // as there are pairs (keys are unique per pin).
        sql.push_str(
            " AND p.id IN (SELECT m.pin_id FROM json_each(?) j \
             JOIN pin_meta m ON m.key = j.key AND m.value = j.value \
             GROUP BY m.pin_id HAVING COUNT(*) = ?)",
        );
        args.push(Arg::Text(serde_json::to_string(&query.meta).unwrap_or_default()));
        args.push(Arg::Int(i64::try_from(query.meta.len()).unwrap_or(i64::MAX)));
    }
    (sql, args)
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Text(text) => query.bind(text.as_str()),
            Arg::Int(int) => query.bind(*int),
        };
    }
    query
}

/// The SQL of one page of `query` (also used by the query-plan test).
fn list_sql(where_clause: &str) -> String {
    format!(
        "SELECT {COLUMNS}, p.bytes + length(CAST(p.info AS BLOB)) FROM pins p \
         WHERE {where_clause} ORDER BY p.created DESC LIMIT ?"
    )
}

/// The index of the list query's last column: what a row costs the page's byte budget.
const COLUMN_COST: usize = 8;

fn count_sql(where_clause: &str) -> String {
    format!("SELECT COUNT(*) FROM pins p WHERE {where_clause}")
}

impl Store for SqliteStore {
    fn create<'a>(&'a self, tenant: &'a TenantId, pin: NewPin) -> StoreFuture<'a, PinRecord> {
        async move {
            let mut tx = self.begin_write().await?;
            let record = self.create_in(&mut tx, tenant, pin, None).await?;
            tx.commit().await?;
            Ok(record)
        }
        .boxed()
    }

    fn get<'a>(&'a self, tenant: &'a TenantId, requestid: &'a str) -> StoreFuture<'a, Option<PinRecord>> {
        async move {
            let row = sqlx::query(&format!("SELECT {COLUMNS} FROM pins p WHERE p.tenant = ? AND p.requestid = ?"))
                .bind(tenant.as_str())
                .bind(requestid)
                .fetch_optional(&self.reader)
                .await?;
            row.as_ref().map(record).transpose()
        }
        .boxed()
    }

    fn list<'a>(&'a self, tenant: &'a TenantId, query: &'a ListQuery) -> StoreFuture<'a, ListPage> {
        async move {
            let (where_clause, mut args) = filters(tenant, query);
            // One read transaction: the count and the page see one snapshot.
            let mut tx = self.reader.begin().await?;
            let count_sql = count_sql(&where_clause);
            let count: i64 = bind_all(sqlx::query(&count_sql), &args).fetch_one(&mut *tx).await?.try_get(0)?;
            let list_sql = list_sql(&where_clause);
            args.push(Arg::Int(i64::from(query.limit.clamp(1, MAX_LIMIT))));
            let mut results = Vec::new();
            let mut spent: u64 = 0;
            {
                let mut rows = bind_all(sqlx::query(&list_sql), &args).fetch(&mut *tx);
                while let Some(row) = rows.try_next().await? {
                    let cost: i64 = row.try_get(COLUMN_COST)?;
                    spent = spent.saturating_add(u64::try_from(cost).unwrap_or(0));
                    if spent > query.max_bytes && !results.is_empty() {
                        break;
                    }
                    results.push(record(&row)?);
                }
            }
            tx.commit().await?;
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

    fn claim_next_fair(&self, info: BTreeMap<String, String>, limits: ClaimLimits) -> StoreFuture<'_, Option<Job>> {
        async move {
            let info = to_json(&info)?;
            let mut tx = self.begin_write().await?;
            // The tenant whose turn it is: among those with a queued pin that
            // the limits let start one, the one served longest ago (then the
            // one whose oldest queued pin is oldest).
            let tenant: Option<String> = sqlx::query_scalar(
                "WITH busy AS (SELECT COUNT(*) AS n FROM pins WHERE status = 'pinning')
                 SELECT t.tenant FROM tenants t, busy
                 WHERE EXISTS (SELECT 1 FROM pins q WHERE q.tenant = t.tenant AND q.status = 'queued')
                   AND (busy.n < ? OR (busy.n < ? AND NOT EXISTS (
                        SELECT 1 FROM pins w WHERE w.tenant = t.tenant AND w.status = 'pinning')))
                 ORDER BY t.last_claim,
                          (SELECT MIN(q.created) FROM pins q WHERE q.tenant = t.tenant AND q.status = 'queued')
                 LIMIT 1",
            )
            .bind(i64::try_from(limits.pool).unwrap_or(i64::MAX))
            .bind(i64::try_from(limits.most).unwrap_or(i64::MAX))
            .fetch_optional(&mut *tx)
            .await?;
            let Some(tenant) = tenant else { return Ok(None) };
            let row = sqlx::query(
                "UPDATE pins SET status = 'pinning', info = ?, updated = ?
                 WHERE id = (SELECT id FROM pins WHERE tenant = ? AND status = 'queued' ORDER BY created, id LIMIT 1)
                 RETURNING requestid, cid, origins",
            )
            .bind(info)
            .bind((self.clock)())
            .bind(&tenant)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { return Ok(None) };
            sqlx::query("UPDATE tenants SET last_claim = (SELECT MAX(last_claim) FROM tenants) + 1 WHERE tenant = ?")
                .bind(&tenant)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            let origins: Option<String> = row.try_get(2)?;
            Ok(Some(Job {
                requestid: row.try_get(0)?,
                cid: row.try_get(1)?,
                origins: origins.map(|text| from_json("origins", &text)).transpose()?.unwrap_or_default(),
            }))
        }
        .boxed()
    }

    fn update_progress<'a>(&'a self, requestid: &'a str, info: BTreeMap<String, String>) -> StoreFuture<'a, bool> {
        async move {
            let done = sqlx::query("UPDATE pins SET info = ?, updated = ? WHERE requestid = ? AND status = 'pinning'")
                .bind(to_json(&info)?)
                .bind((self.clock)())
                .bind(requestid)
                .execute(&self.writer)
                .await?;
            Ok(done.rows_affected() == 1)
        }
        .boxed()
    }

    fn finish<'a>(
        &'a self,
        requestid: &'a str,
        status: Status,
        info: BTreeMap<String, String>,
    ) -> StoreFuture<'a, bool> {
        async move {
            let done = sqlx::query(
                "UPDATE pins SET status = ?, info = ?, updated = ? WHERE requestid = ? AND status = 'pinning'",
            )
            .bind(status.as_str())
            .bind(to_json(&info)?)
            .bind((self.clock)())
            .bind(requestid)
            .execute(&self.writer)
            .await?;
            Ok(done.rows_affected() == 1)
        }
        .boxed()
    }

    fn requeue_interrupted(&self, info: BTreeMap<String, String>) -> StoreFuture<'_, u64> {
        async move {
            let done = sqlx::query("UPDATE pins SET status = 'queued', info = ?, updated = ? WHERE status = 'pinning'")
                .bind(to_json(&info)?)
                .bind((self.clock)())
                .execute(&self.writer)
                .await?;
            Ok(done.rows_affected())
        }
        .boxed()
    }

    fn ready_unpins(&self, limit: u32) -> StoreFuture<'_, Vec<UnpinJob>> {
        async move {
            let rows = sqlx::query(
                "SELECT j.id, j.cid, j.attempts FROM unpin_jobs j
                 WHERE j.not_before <= ?
                   AND (j.after_requestid IS NULL OR NOT EXISTS (
                        SELECT 1 FROM pins p
                        WHERE p.requestid = j.after_requestid AND p.status IN ('queued', 'pinning')))
                 ORDER BY j.id LIMIT ?",
            )
            .bind((self.clock)())
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await?;
            rows.iter()
                .map(|row| {
                    let attempts: i64 = row.try_get(2)?;
                    Ok(UnpinJob {
                        id: row.try_get(0)?,
                        cid: row.try_get(1)?,
                        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                    })
                })
                .collect()
        }
        .boxed()
    }

    fn cid_in_use<'a>(&'a self, cid: &'a str) -> StoreFuture<'a, bool> {
        async move {
            let used: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pins WHERE cid_key = ? AND status <> 'failed')")
                    .bind(crate::cids::key(cid))
                    .fetch_one(&self.reader)
                    .await?;
            Ok(used)
        }
        .boxed()
    }

    fn cid_spelling_in_use<'a>(&'a self, cid: &'a str) -> StoreFuture<'a, bool> {
        async move {
            let used: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM pins WHERE cid_key = ? AND cid = ? AND status <> 'failed')",
            )
            .bind(crate::cids::key(cid))
            .bind(cid)
            .fetch_one(&self.reader)
            .await?;
            Ok(used)
        }
        .boxed()
    }

    fn complete_unpin(&self, id: i64) -> StoreFuture<'_, ()> {
        async move {
            sqlx::query("DELETE FROM unpin_jobs WHERE id = ?").bind(id).execute(&self.writer).await?;
            Ok(())
        }
        .boxed()
    }

    fn postpone_unpin(&self, id: i64, delay: Duration) -> StoreFuture<'_, ()> {
        async move {
            let delay = i64::try_from(delay.as_micros()).unwrap_or(i64::MAX);
            sqlx::query("UPDATE unpin_jobs SET attempts = attempts + 1, not_before = ? WHERE id = ?")
                .bind((self.clock)().saturating_add(delay))
                .bind(id)
                .execute(&self.writer)
                .await?;
            Ok(())
        }
        .boxed()
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

    fn check_writable(&self) -> StoreFuture<'_, ()> {
        async move {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ('last_readiness_check', ?)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind((self.clock)().to_string())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .boxed()
    }

    fn stats(&self) -> StoreFuture<'_, Stats> {
        async move {
            let rows = sqlx::query("SELECT status, COUNT(*) FROM pins GROUP BY status").fetch_all(&self.reader).await?;
            let mut stats = Stats::default();
            for row in rows {
                let status: String = row.try_get(0)?;
                let count: i64 = row.try_get(1)?;
                let status =
                    status.parse().map_err(|error| StoreError::Corrupt(format!("column `status`: {error}")))?;
                stats.pins_by_status.insert(status, u64::try_from(count).unwrap_or(0));
            }
            let oldest: Option<i64> = sqlx::query_scalar("SELECT MIN(created) FROM pins WHERE status = 'queued'")
                .fetch_one(&self.reader)
                .await?;
            stats.oldest_queued = oldest.map(micros_to_datetime).transpose()?;
            Ok(stats)
        }
        .boxed()
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        async move {
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
mod schema;
#[cfg(test)]
mod tests;
