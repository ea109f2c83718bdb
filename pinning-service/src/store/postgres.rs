//! [`Store`] on PostgreSQL, shared by several replicas of the service.
//!
//! What makes replicas safe on one database:
//! - Claims: `SELECT ... FOR UPDATE SKIP LOCKED` picks the oldest claimable
//!   pin no other transaction is claiming, and the claim is a lease
//!   (`holder`, `lease_until`) the holder's worker renews while it pins. A
//!   pin whose lease ran out (its replica died) is claimable again; a
//!   replica that starts leaves the pins of live replicas alone.
//! - `created`: one row per tenant in `tenants` holds the newest value; a
//!   new pin takes [`next_created`](super::next_created) of it (whole
//!   milliseconds) in an upsert that locks that row, so writers of one
//!   tenant on any replica queue there and `created`
//!   stays unique and increasing per tenant (`UNIQUE (tenant, created)` is
//!   the safety net). Deletes never move it back.
//! - CIDs: [`Store::lock_cid`] is a session advisory lock on the CID, held on
//!   a connection of a separate pool while the worker pins or unpins it.
//!
//! Every write is one statement or one transaction, committed with
//! PostgreSQL's defaults (`synchronous_commit = on`): a pin acknowledged
//! with 202 is on disk. A list is one statement (the count and the page see
//! one snapshot). Timestamps are microseconds since the Unix epoch
//! (`BIGINT`), as in SQLite, from the replica's clock; leases tolerate clock
//! skew far below their length.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use ipfs_pinning_models::Status;
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::filter::{Filter, bind_all};
use super::lookups::{FetchMany, Lookups};
use super::migrations::{self, Migration};
use super::sql::{
    COLUMN_COST, Dialect, budgeted, common_methods, fill_created_counts, fold, levels, micros, micros_to_datetime,
    to_json,
};
use super::{
    CidLock, Clock, Lease, ListPage, ListQuery, MAX_LIMIT, NewPin, PinRecord, Quota, Store, StoreError, StoreFuture,
    TenantId, stored_bytes, system_clock,
};
use reads::Reads;

/// The schema, step by step (see [`migrations`]).
pub(super) const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, description: "pins, meta, per-tenant clocks, unpin jobs, settings, leases", sql: SCHEMA_1 },
    Migration { version: 2, description: "pins counted per tenant, status and created bucket", sql: SCHEMA_2 },
    Migration { version: 3, description: "notifications of changed and deleted pins", sql: SCHEMA_3 },
];

const SCHEMA_1: &str = r#"
-- Per tenant: the newest `created` (the clock of its pins), how many pins
-- and bytes it stores (for quotas), and its last turn in round-robin claims.
CREATE TABLE tenants (
    tenant       TEXT COLLATE "C" PRIMARY KEY,
    last_created BIGINT NOT NULL,
    pins         BIGINT NOT NULL DEFAULT 0,
    bytes        BIGINT NOT NULL DEFAULT 0,
    last_claim   BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE pins (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant      TEXT COLLATE "C" NOT NULL,
    requestid   TEXT COLLATE "C" NOT NULL UNIQUE,
    cid         TEXT COLLATE "C" NOT NULL,
    cid_key     TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C",
    name_folded TEXT COLLATE "C",
    origins     TEXT,
    meta        TEXT,
    status      TEXT COLLATE "C" NOT NULL CHECK (status IN ('queued', 'pinning', 'pinned', 'failed')),
    info        TEXT NOT NULL,
    created     BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    bytes       BIGINT NOT NULL,
    holder      TEXT COLLATE "C",
    lease_until BIGINT,
    UNIQUE (tenant, created)
);
CREATE INDEX pins_tenant_status_created ON pins (tenant, status, created);
CREATE INDEX pins_tenant_cid_created ON pins (tenant, cid_key, created);
CREATE INDEX pins_tenant_name ON pins (tenant, name);
CREATE INDEX pins_tenant_name_folded ON pins (tenant, name_folded);
CREATE INDEX pins_queued ON pins (created, id) WHERE status = 'queued';
CREATE INDEX pins_leases ON pins (lease_until) WHERE status = 'pinning';
CREATE INDEX pins_cid ON pins (cid_key);

CREATE TABLE pin_meta (
    pin_id BIGINT NOT NULL REFERENCES pins (id) ON DELETE CASCADE,
    key    TEXT COLLATE "C" NOT NULL,
    value  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pin_id, key)
);
CREATE INDEX pin_meta_key_value ON pin_meta (key, value, pin_id);

CREATE TABLE unpin_jobs (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cid             TEXT COLLATE "C" NOT NULL,
    after_requestid TEXT COLLATE "C",
    attempts        BIGINT NOT NULL DEFAULT 0,
    not_before      BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);

-- Per tenant and status: how many pins (kept by the triggers below), so a
-- list filtered by status alone counts in constant time.
CREATE TABLE status_counts (
    tenant TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    pins   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, status)
);
CREATE FUNCTION pins_count_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE status_counts SET pins = pins - 1 WHERE tenant = OLD.tenant AND status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO status_counts (tenant, status, pins) VALUES (NEW.tenant, NEW.status, 1)
        ON CONFLICT (tenant, status) DO UPDATE SET pins = status_counts.pins + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER pins_count_insert_delete AFTER INSERT OR DELETE ON pins
    FOR EACH ROW EXECUTE FUNCTION pins_count_status();
CREATE TRIGGER pins_count_update AFTER UPDATE OF status ON pins
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION pins_count_status();
"#;

/// Per tenant, status and bucket of `created` at each level (see
/// [`levels!`]): how many pins, so a list filtered by status and
/// `before`/`after` counts in time bounded whatever the number of pins. The
/// trigger runs after `pins_count_*` (triggers fire in name order), so a
/// writer holds the `status_counts` row of a tenant and status before it
/// touches its buckets: the buckets add no lock order of their own. A bucket
/// that falls to zero pins goes.
const SCHEMA_2: &str = concat!(
    r#"
CREATE TABLE created_counts (
    tenant TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    level  INTEGER NOT NULL,
    bucket BIGINT NOT NULL,
    pins   BIGINT NOT NULL,
    PRIMARY KEY (tenant, status, level, bucket)
);
CREATE FUNCTION pins_created_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE created_counts c SET pins = c.pins - 1 FROM "#,
    levels!(),
    r#" l
        WHERE c.tenant = OLD.tenant AND c.status = OLD.status AND c.level = l.level
          AND c.bucket = OLD.created >> l.shift;
        DELETE FROM created_counts c USING "#,
    levels!(),
    r#" l
        WHERE c.tenant = OLD.tenant AND c.status = OLD.status AND c.level = l.level
          AND c.bucket = OLD.created >> l.shift AND c.pins = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO created_counts (tenant, status, level, bucket, pins)
        SELECT NEW.tenant, NEW.status, l.level, NEW.created >> l.shift, 1 FROM "#,
    levels!(),
    r#" l
        ON CONFLICT (tenant, status, level, bucket) DO UPDATE SET pins = created_counts.pins + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER pins_created_count_insert_delete AFTER INSERT OR DELETE ON pins
    FOR EACH ROW EXECUTE FUNCTION pins_created_count();
CREATE TRIGGER pins_created_count_update AFTER UPDATE OF status ON pins
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION pins_created_count();
"#,
    fill_created_counts!(),
    ";"
);

/// A notification on [`notifications::CHANNEL`](super::notifications::CHANNEL)
/// with the `requestid` of every pin deleted or changed in what `get`
/// answers (not a lease renewal), sent when the transaction commits: the
/// replicas' read caches drop it. A new pin needs none (no cache can hold an
/// id that did not exist).
const SCHEMA_3: &str = r#"
CREATE FUNCTION pins_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pinning_service_pins', OLD.requestid);
    RETURN NULL;
END
$$;
CREATE TRIGGER pins_notify_delete AFTER DELETE ON pins
    FOR EACH ROW EXECUTE FUNCTION pins_notify_change();
CREATE TRIGGER pins_notify_update AFTER UPDATE ON pins
    FOR EACH ROW WHEN (
        (OLD.tenant, OLD.requestid, OLD.status, OLD.created, OLD.cid, OLD.name, OLD.origins, OLD.meta, OLD.info)
        IS DISTINCT FROM
        (NEW.tenant, NEW.requestid, NEW.status, NEW.created, NEW.cid, NEW.name, NEW.origins, NEW.meta, NEW.info)
    ) EXECUTE FUNCTION pins_notify_change();
"#;

const PG: Dialect = Dialect::Postgres;

/// The key of the advisory lock that serializes migrations of replicas
/// starting at once ("pinning-service migrations" in ASCII, truncated).
const MIGRATION_LOCK: i64 = 0x7069_6e6e_696e_6701;

/// How long a request waits for a connection before it is answered 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections of the request and worker pool.
const MAX_CONNECTIONS: u32 = 16;

/// Connections holding CID locks (one per CID being pinned or unpinned).
const MAX_LOCK_CONNECTIONS: u32 = 16;

/// Connections of the lists planned once (see [`GENERIC_PLANS`]).
const MAX_GENERIC_CONNECTIONS: u32 = 8;

/// The session setting of the connections that run the statements whose
/// plan does not depend on their arguments, but which PostgreSQL would plan
/// again at every execution: `get`'s lookups (on connections of their own,
/// see [`reads`]) and the lists counted from counters (by status alone, or by
/// status and `before`/`after`).
///
/// In the default mode (`auto`), after 5 executions PostgreSQL keeps a
/// statement's generic plan only if it does not look dearer than the plans
/// made for the values; with the arguments unknown, it estimates
/// `requestid = ANY($1)` at 10 ids and each range of `created` at 0.5% of the
/// rows (5,000 pins at 1M), so it never does, and plans each execution anew
/// (`pg_stat_statements`, 100k pins, 16 clients: plans = calls):
/// - a lookup: 80 µs of planning for 45 µs of execution;
/// - the default list: 180 µs of planning for 40 µs of execution;
/// - a list counted by time, which sums bucket counters at 8 levels and counts
///   the pins of one bucket: 9 index probes, 0.1 ms to run at 1M pins but 0.3
///   to 0.6 ms to plan (`EXPLAIN (ANALYZE)`); its latency grew with the table
///   (3.2 ms at 1k, 9.5 ms at 1M, p50 under 16 clients).
///
/// The generic plans are the plans every execution wants: index probes,
/// whatever the ids or the bounds. (Lists filtered by CID or name settle on
/// their generic plans in the default mode already.)
const GENERIC_PLANS: (&str, &str) = ("plan_cache_mode", "force_generic_plan");

/// A new pin in one statement: the tenant's clock moves and its usage
/// grows (the row lock serializes writers of a tenant), the pin is inserted
/// with that clock, and so is its meta. The clock's rule is
/// [`next_created`](super::next_created)'s: `$2` is now cut to whole
/// milliseconds, and a newest value not behind it moves on to its next
/// whole millisecond. `$1` tenant, `$2` now (ms), `$3`
/// requestid, `$4` cid, `$5` name, `$6` folded name, `$7` origins, `$8`
/// meta, `$9` info, `$10`/`$11` meta keys/values, `$12` the CID's key,
/// `$13` bytes.
const CREATE: &str = "
WITH clock AS (
    INSERT INTO tenants (tenant, last_created, pins, bytes) VALUES ($1, $2, 1, $13)
    ON CONFLICT (tenant) DO UPDATE SET
        last_created = GREATEST(
            tenants.last_created - ((tenants.last_created % 1000) + 1000) % 1000 + 1000,
            EXCLUDED.last_created
        ),
        pins = tenants.pins + 1,
        bytes = tenants.bytes + EXCLUDED.bytes
    RETURNING last_created
), pin AS (
    INSERT INTO pins (tenant, requestid, cid, cid_key, name, name_folded, origins, meta, status, info, created,
                      updated, bytes)
    SELECT $1, $3, $4, $12, $5, $6, $7, $8, 'queued', $9, clock.last_created, $2, $13 FROM clock
    RETURNING id, created
), meta AS (
    INSERT INTO pin_meta (pin_id, key, value)
    SELECT pin.id, entry.key, entry.value FROM pin, UNNEST($10::text[], $11::text[]) AS entry (key, value)
)
SELECT created FROM pin";

/// Removes a pin, takes it off its tenant's usage and leaves its unpin
/// job, in one statement; returns the CID. `$1` tenant, `$2` requestid, `$3`
/// the request the unpin waits for.
const DELETE: &str = "
WITH gone AS (
    DELETE FROM pins WHERE tenant = $1 AND requestid = $2 RETURNING cid, bytes
), usage AS (
    UPDATE tenants SET pins = tenants.pins - 1, bytes = tenants.bytes - gone.bytes FROM gone WHERE tenants.tenant = $1
)
INSERT INTO unpin_jobs (cid, after_requestid) SELECT cid, $3 FROM gone RETURNING cid";

/// Whether a PostgreSQL error code (SQLSTATE) means the database is
/// unavailable for now: connection exceptions (class 08), an administrator
/// or crash shutdown, a server starting up (57P01-57P03), too many
/// connections (53300), and a transaction rolled back to resolve a
/// deadlock or a serialization failure (40P01, 40001: worth retrying).
pub(super) fn is_unavailable_code(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "53300" | "57P01" | "57P02" | "57P03" | "40001" | "40P01")
}

/// The PostgreSQL [`Store`].
pub struct PostgresStore {
    pool: PgPool,
    /// `get`, coalesced.
    lookups: Lookups,
    quota: Quota,
    /// Connections that hold advisory locks of CIDs.
    locks: PgPool,
    /// Connections that plan each statement once, generically, for the
    /// lists counted from counters (see [`GENERIC_PLANS`]).
    generic: PgPool,
    /// The lookups' connections (generic plans too).
    reads: Arc<Reads>,
    clock: Clock,
}

impl PostgresStore {
    /// Connects to the database at `url` (a `postgres://` URL) and migrates
    /// it to the current schema.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, Quota::default()).await
    }

    /// [`connect`](Self::connect) with per-tenant limits, checked inside
    /// `create` and `replace`.
    pub async fn connect_with(url: &str, quota: Quota) -> Result<Self, StoreError> {
        let mut store = Self::connect_with_clock(url, system_clock()).await?;
        store.quota = quota;
        Ok(store)
    }

    /// [`connect`](Self::connect) with a custom clock (tests freeze it).
    pub async fn connect_with_clock(url: &str, clock: Clock) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url.parse()?;
        let options = options.application_name("pinning-service");
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await?;
        migrate(&pool).await?;
        let locks = PgPoolOptions::new()
            .max_connections(MAX_LOCK_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options.clone());
        // No ping before each use (sqlx's default): it is one more round trip
        // per statement; a connection that died fails its statement instead
        // (a 503, like the restart it comes from) and leaves the pool.
        let generic = PgPoolOptions::new()
            .max_connections(MAX_GENERIC_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .test_before_acquire(false)
            .connect_lazy_with(options.clone().options([GENERIC_PLANS]));
        let lookups_options = options.options([GENERIC_PLANS]).application_name(reads::APPLICATION_NAME);
        let reads = Arc::new(Reads::new(lookups_options, ACQUIRE_TIMEOUT));
        let lookups = Lookups::new(lookup_many(Arc::clone(&reads)));
        Ok(PostgresStore { pool, lookups, quota: Quota::default(), locks, generic, reads, clock })
    }

    /// The pool (tests and benchmarks reach the tables through it).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn create_in(
        &self,
        conn: &mut sqlx::PgConnection,
        tenant: &TenantId,
        requestid: String,
        pin: NewPin,
    ) -> Result<PinRecord, StoreError> {
        let (keys, values): (Vec<&str>, Vec<&str>) =
            pin.meta.iter().flatten().map(|(key, value)| (key.as_str(), value.as_str())).unzip();
        let origins = pin.origins.as_ref().map(to_json).transpose()?;
        let meta = pin.meta.as_ref().map(to_json).transpose()?;
        let bytes = stored_bytes(&pin.cid, pin.name.as_deref(), origins.as_deref(), meta.as_deref());
        if self.quota != Quota::default() {
            // The tenant's row, locked until the caller's transaction ends, so
            // its writers on every replica check the quota one at a time (a
            // replace has already taken the old pin off the usage).
            sqlx::query("INSERT INTO tenants (tenant, last_created) VALUES ($1, 0) ON CONFLICT (tenant) DO NOTHING")
                .bind(tenant.as_str())
                .execute(&mut *conn)
                .await?;
            let (pins, used): (i64, i64) =
                sqlx::query_as("SELECT pins, bytes FROM tenants WHERE tenant = $1 FOR UPDATE")
                    .bind(tenant.as_str())
                    .fetch_one(&mut *conn)
                    .await?;
            self.quota.check(u64::try_from(pins).unwrap_or(0), u64::try_from(used).unwrap_or(0), 1, bytes)?;
        }
        let created: i64 = sqlx::query_scalar(CREATE)
            .bind(tenant.as_str())
            .bind(super::next_created((self.clock)(), None))
            .bind(&requestid)
            .bind(&pin.cid)
            .bind(pin.name.as_deref())
            .bind(pin.name.as_deref().map(fold))
            .bind(&origins)
            .bind(&meta)
            .bind(to_json(&pin.info)?)
            .bind(keys)
            .bind(values)
            .bind(crate::cids::key(&pin.cid))
            .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
            .fetch_one(&mut *conn)
            .await?;
        Ok(PinRecord {
            requestid,
            status: Status::Queued,
            created: micros_to_datetime(created)?,
            cid: pin.cid,
            name: pin.name,
            origins: pin.origins,
            meta: pin.meta,
            info: pin.info,
        })
    }
}

/// The pins of many `requestid`s in one query (see [`Lookups`]).
fn lookup_many(reads: Arc<Reads>) -> FetchMany {
    Arc::new(move |requestids| {
        let reads = Arc::clone(&reads);
        async move { reads.fetch(requestids).await }.boxed()
    })
}

async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    // Replicas starting at once migrate one after the other.
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(MIGRATION_LOCK).execute(&mut *tx).await?;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version     BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )
    .execute(&mut *tx)
    .await?;
    let found: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetch_one(&mut *tx).await?;
    for step in migrations::pending(MIGRATIONS, found)? {
        sqlx::raw_sql(step.sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)")
            .bind(step.version)
            .bind(step.description)
            .execute(&mut *tx)
            .await?;
        tracing::info!(version = step.version, description = step.description, "PostgreSQL schema migrated");
    }
    tx.commit().await?;
    Ok(())
}

/// The advisory lock key of a CID: a 64-bit hash of it (a collision only
/// makes two CIDs wait for each other).
const CID_LOCK_KEY: &str = "hashtextextended('pinning-service cid ' || $1, 0)";

impl Store for PostgresStore {
    common_methods!(pool, pool, PG);

    fn get<'a>(&'a self, tenant: &'a TenantId, requestid: &'a str) -> StoreFuture<'a, Option<PinRecord>> {
        self.lookups.get(tenant, requestid).boxed()
    }

    fn create<'a>(&'a self, tenant: &'a TenantId, pin: NewPin) -> StoreFuture<'a, PinRecord> {
        async move {
            let requestid = uuid::Uuid::new_v4().to_string();
            if self.quota == Quota::default() {
                // One statement: its own transaction.
                let mut conn = self.pool.acquire().await?;
                return self.create_in(&mut conn, tenant, requestid, pin).await;
            }
            let mut tx = self.pool.begin().await?;
            let record = self.create_in(&mut tx, tenant, requestid, pin).await?;
            tx.commit().await?;
            Ok(record)
        }
        .boxed()
    }

    fn list<'a>(&'a self, tenant: &'a TenantId, query: &'a ListQuery) -> StoreFuture<'a, ListPage> {
        async move {
            let mut filter = Filter::of(PG, tenant, query);
            // The count's placeholders are the filter's first ones (tenant,
            // then statuses), so one list of arguments serves both.
            let (count_sql, _) = filter.count();
            let page_sql = filter.page_sql(i64::from(query.limit.clamp(1, MAX_LIMIT)));
            // One statement, one snapshot: the page's rows, each with the
            // count after them (one row of NULLs and the count when the page
            // is empty). Placeholders may repeat in PostgreSQL.
            let sql = format!(
                "SELECT page.*, total.count FROM ({count_sql}) AS total (count)
                 LEFT JOIN LATERAL ({page_sql}) AS page ON true"
            );
            let pool = if filter.counts_from_counters() { &self.generic } else { &self.pool };
            let rows = bind_all(sqlx::query(&sql), &filter.args).fetch_all(pool).await?;
            let count: i64 = rows.first().map(|row| row.try_get(COLUMN_COST + 1)).transpose()?.unwrap_or(0);
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
            let replacement = uuid::Uuid::new_v4().to_string();
            let mut tx = self.pool.begin().await?;
            // The old pin's unpin job waits for the replacement. A second
            // replace of the same pin waits on the row lock here and then
            // finds it gone.
            let removed: Option<String> = sqlx::query_scalar(DELETE)
                .bind(tenant.as_str())
                .bind(requestid)
                .bind(&replacement)
                .fetch_optional(&mut *tx)
                .await?;
            if removed.is_none() {
                return Ok(None);
            }
            let record = self.create_in(&mut tx, tenant, replacement, pin).await?;
            tx.commit().await?;
            Ok(Some(record))
        }
        .boxed()
    }

    fn delete<'a>(&'a self, tenant: &'a TenantId, requestid: &'a str) -> StoreFuture<'a, bool> {
        async move {
            let removed: Option<String> = sqlx::query_scalar(DELETE)
                .bind(tenant.as_str())
                .bind(requestid)
                .bind(None::<String>)
                .fetch_optional(&self.pool)
                .await?;
            Ok(removed.is_some())
        }
        .boxed()
    }

    fn renew_leases<'a>(&'a self, lease: &'a Lease, requestids: &'a [String]) -> StoreFuture<'a, u64> {
        async move {
            if requestids.is_empty() {
                return Ok(0);
            }
            let done = sqlx::query(
                "UPDATE pins SET lease_until = $1 WHERE holder = $2 AND status = 'pinning' AND requestid = ANY($3)",
            )
            .bind((self.clock)().saturating_add(micros(lease.duration)))
            .bind(&lease.holder)
            .bind(requestids)
            .execute(&self.pool)
            .await?;
            Ok(done.rows_affected())
        }
        .boxed()
    }

    fn requeue_interrupted(&self, info: BTreeMap<String, String>) -> StoreFuture<'_, u64> {
        async move {
            // Only pins whose holder stopped renewing: live replicas keep theirs.
            let done = sqlx::query(
                "UPDATE pins SET status = 'queued', info = $1, updated = $2, holder = NULL, lease_until = NULL
                 WHERE status = 'pinning' AND lease_until < $2",
            )
            .bind(to_json(&info)?)
            .bind((self.clock)())
            .execute(&self.pool)
            .await?;
            Ok(done.rows_affected())
        }
        .boxed()
    }

    fn lock_cid<'a>(&'a self, cid: &'a str) -> StoreFuture<'a, CidLock> {
        async move {
            let mut conn = self.locks.acquire().await?;
            sqlx::query(&format!("SELECT pg_advisory_lock({CID_LOCK_KEY})")).bind(cid).execute(&mut *conn).await?;
            let cid = cid.to_owned();
            Ok(CidLock::new(
                async move {
                    let unlocked = sqlx::query(&format!("SELECT pg_advisory_unlock({CID_LOCK_KEY})"))
                        .bind(&cid)
                        .execute(&mut *conn)
                        .await;
                    if let Err(error) = unlocked {
                        // Closing the session releases its locks, if it still has any.
                        tracing::warn!(%cid, %error, "cannot release a CID lock; closing its connection");
                        let _ = conn.close().await;
                    }
                }
                .boxed(),
            ))
        }
        .boxed()
    }

    fn setting_or_insert<'a>(&'a self, key: &'a str, candidate: String) -> StoreFuture<'a, String> {
        async move {
            // Replicas starting at once agree on the first value stored. The
            // statement's snapshot may predate a value another replica
            // committed while this insert waited for it: then look again.
            loop {
                let value: Option<String> = sqlx::query_scalar(
                    "WITH added AS (
                        INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING
                        RETURNING value
                     )
                     SELECT value FROM added UNION ALL SELECT value FROM settings WHERE key = $1 LIMIT 1",
                )
                .bind(key)
                .bind(&candidate)
                .fetch_optional(&self.pool)
                .await?;
                if let Some(value) = value {
                    return Ok(value);
                }
            }
        }
        .boxed()
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        async move {
            self.locks.close().await;
            self.reads.close().await;
            self.generic.close().await;
            self.pool.close().await;
        }
        .boxed()
    }
}

mod reads;

#[cfg(test)]
mod cache_tests;
#[cfg(test)]
mod tests;
