//! The SQLite schema and its migrations (the version is `PRAGMA user_version`).

use sqlx::Sqlite;
use sqlx::sqlite::SqlitePool;

use crate::store::sql::{FILL_CREATED_COUNTS, levels};
use crate::store::{GENERATED_TOKEN_DIGEST, StoreError, TenantId};

/// The schema version this binary writes and understands.
pub(super) const SCHEMA_VERSION: i64 = 4;

pub(super) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS pins (
    id          INTEGER PRIMARY KEY,
    tenant      TEXT    NOT NULL,
    requestid   TEXT    NOT NULL UNIQUE,
    cid         TEXT    NOT NULL,
    cid_key     TEXT    NOT NULL,
    name        TEXT,
    name_folded TEXT,
    origins     TEXT,
    meta        TEXT,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'pinning', 'pinned', 'failed')),
    info        TEXT    NOT NULL,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    holder      TEXT,
    lease_until INTEGER,
    UNIQUE (tenant, created)
);
CREATE INDEX IF NOT EXISTS pins_tenant_status_created ON pins (tenant, status, created);
CREATE INDEX IF NOT EXISTS pins_tenant_cid_created ON pins (tenant, cid_key, created);
CREATE INDEX IF NOT EXISTS pins_tenant_name ON pins (tenant, name);
CREATE INDEX IF NOT EXISTS pins_tenant_name_folded ON pins (tenant, name_folded);
CREATE INDEX IF NOT EXISTS pins_status_created ON pins (status, created);
CREATE INDEX IF NOT EXISTS pins_cid ON pins (cid_key);

CREATE TABLE IF NOT EXISTS pin_meta (
    pin_id INTEGER NOT NULL REFERENCES pins (id) ON DELETE CASCADE,
    key    TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    PRIMARY KEY (pin_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pin_meta_key_value ON pin_meta (key, value, pin_id);

CREATE TABLE IF NOT EXISTS unpin_jobs (
    id              INTEGER PRIMARY KEY,
    cid             TEXT    NOT NULL,
    after_requestid TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    not_before      INTEGER NOT NULL DEFAULT 0
);

-- Per tenant: how many pins and bytes it stores (kept by the triggers
-- below, for quotas) and when the worker last took one of its pins (for
-- round-robin claims).
CREATE TABLE IF NOT EXISTS tenants (
    tenant     TEXT    PRIMARY KEY,
    pins       INTEGER NOT NULL DEFAULT 0,
    bytes      INTEGER NOT NULL DEFAULT 0,
    last_claim INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS pins_usage_insert AFTER INSERT ON pins BEGIN
    INSERT OR IGNORE INTO tenants (tenant) VALUES (NEW.tenant);
    UPDATE tenants SET pins = pins + 1, bytes = bytes + NEW.bytes WHERE tenant = NEW.tenant;
END;
CREATE TRIGGER IF NOT EXISTS pins_usage_delete AFTER DELETE ON pins BEGIN
    UPDATE tenants SET pins = pins - 1, bytes = bytes - OLD.bytes WHERE tenant = OLD.tenant;
END;

-- Per tenant and status: how many pins (kept by the triggers below), so a
-- list filtered by status alone counts in constant time.
CREATE TABLE IF NOT EXISTS status_counts (
    tenant TEXT    NOT NULL,
    status TEXT    NOT NULL,
    pins   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, status)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS pins_status_insert AFTER INSERT ON pins BEGIN
    INSERT INTO status_counts (tenant, status, pins) VALUES (NEW.tenant, NEW.status, 1)
    ON CONFLICT (tenant, status) DO UPDATE SET pins = pins + 1;
END;
CREATE TRIGGER IF NOT EXISTS pins_status_delete AFTER DELETE ON pins BEGIN
    UPDATE status_counts SET pins = pins - 1 WHERE tenant = OLD.tenant AND status = OLD.status;
END;
CREATE TRIGGER IF NOT EXISTS pins_status_update AFTER UPDATE OF status ON pins WHEN OLD.status <> NEW.status BEGIN
    UPDATE status_counts SET pins = pins - 1 WHERE tenant = OLD.tenant AND status = OLD.status;
    INSERT INTO status_counts (tenant, status, pins) VALUES (NEW.tenant, NEW.status, 1)
    ON CONFLICT (tenant, status) DO UPDATE SET pins = pins + 1;
END;

CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#;

/// Per tenant, status and bucket of `created` at each level (see
/// [`levels!`]): how many pins (kept by the triggers), so a list filtered by
/// status and `before`/`after` counts in time bounded whatever the number of
/// pins. A bucket that falls to zero pins goes.
const CREATED_COUNTS: &str = concat!(
    "CREATE TABLE IF NOT EXISTS created_counts (
    tenant TEXT    NOT NULL,
    status TEXT    NOT NULL,
    level  INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    pins   INTEGER NOT NULL,
    PRIMARY KEY (tenant, status, level, bucket)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS pins_created_insert AFTER INSERT ON pins BEGIN ",
    counted!(),
    " END;
CREATE TRIGGER IF NOT EXISTS pins_created_delete AFTER DELETE ON pins BEGIN ",
    uncounted!(),
    " END;
CREATE TRIGGER IF NOT EXISTS pins_created_update AFTER UPDATE OF status ON pins WHEN OLD.status <> NEW.status BEGIN ",
    uncounted!(),
    counted!(),
    " END;"
);

/// The trigger statements counting the `NEW` pin in its buckets.
macro_rules! counted {
    () => {
        concat!(
            "INSERT INTO created_counts (tenant, status, level, bucket, pins)
             SELECT NEW.tenant, NEW.status, l.level, NEW.created >> l.shift, 1 FROM ",
            levels!(),
            " l WHERE true ON CONFLICT (tenant, status, level, bucket) DO UPDATE SET pins = pins + 1;"
        )
    };
}
use counted;

/// The trigger statements taking the `OLD` pin out of its buckets (and
/// removing those left empty).
macro_rules! uncounted {
    () => {
        concat!(
            "UPDATE created_counts SET pins = pins - 1 WHERE tenant = OLD.tenant AND status = OLD.status
                 AND (level, bucket) IN (SELECT l.level, OLD.created >> l.shift FROM ",
            levels!(),
            " l);
             DELETE FROM created_counts WHERE tenant = OLD.tenant AND status = OLD.status AND pins = 0
                 AND (level, bucket) IN (SELECT l.level, OLD.created >> l.shift FROM ",
            levels!(),
            " l);"
        )
    };
}
use uncounted;

/// Creates the schema, or brings an older one up to [`SCHEMA_VERSION`].
pub(super) async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    let found: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(pool).await?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    if found == 1 {
        upgrade_from_1(&mut tx).await?;
    }
    if (1..3).contains(&found) {
        // Version 2 → 3: the leases of claims (see `Store::claim_next`), and
        // pins counted per tenant and status (filled in below).
        sqlx::raw_sql("ALTER TABLE pins ADD COLUMN holder TEXT; ALTER TABLE pins ADD COLUMN lease_until INTEGER;")
            .execute(&mut *tx)
            .await?;
    }
    sqlx::raw_sql(SCHEMA).execute(&mut *tx).await?;
    sqlx::raw_sql(CREATED_COUNTS).execute(&mut *tx).await?;
    if (1..4).contains(&found) {
        // Version 3 → 4: pins counted per tenant, status and `created` bucket.
        sqlx::raw_sql(FILL_CREATED_COUNTS).execute(&mut *tx).await?;
    }
    if found == 1 {
        sqlx::raw_sql(
            "INSERT INTO tenants (tenant, pins, bytes)
             SELECT tenant, COUNT(*), SUM(bytes) FROM pins GROUP BY tenant",
        )
        .execute(&mut *tx)
        .await?;
    }
    if (1..3).contains(&found) {
        sqlx::raw_sql(
            "INSERT INTO status_counts (tenant, status, pins)
             SELECT tenant, status, COUNT(*) FROM pins GROUP BY tenant, status",
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::raw_sql(&format!("PRAGMA user_version = {SCHEMA_VERSION}")).execute(&mut *tx).await?;
    if found < SCHEMA_VERSION {
        tracing::info!(from = found, to = SCHEMA_VERSION, "SQLite schema migrated");
    }
    // `ANALYZE sqlite_schema` creates `sqlite_stat1` when missing, and
    // (again, after the insert) makes this connection load it.
    sqlx::raw_sql("ANALYZE sqlite_schema").execute(&mut *tx).await?;
    let analyzed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'pins'").fetch_one(&mut *tx).await?;
    if analyzed == 0 {
        sqlx::raw_sql(STARTING_STATISTICS).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The query planner's statistics until SQLite gathers real ones (`PRAGMA
/// optimize` at shutdown re-analyzes a table once its size is far from these).
/// Without any, SQLite guesses that every index is as selective as any other
/// and answers `name=x&match=exact` by walking all of a tenant's pinned pins
/// in `created` order (14 ms with 10k pins, against 0.3 ms through the name
/// index). These describe the shape the indexes are for: a million pins of
/// a hundred tenants, statuses not selective, names and CIDs nearly unique,
/// meta values shared by many pins.
const STARTING_STATISTICS: &str = "
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('pins', NULL, '1000000'),
    ('pins', 'sqlite_autoindex_pins_1', '1000000 1'),
    ('pins', 'sqlite_autoindex_pins_2', '1000000 10000 1'),
    ('pins', 'pins_tenant_status_created', '1000000 10000 2500 1'),
    ('pins', 'pins_tenant_cid_created', '1000000 10000 2 1'),
    ('pins', 'pins_tenant_name', '1000000 10000 2'),
    ('pins', 'pins_tenant_name_folded', '1000000 10000 2'),
    ('pins', 'pins_status_created', '1000000 250000 1'),
    ('pins', 'pins_cid', '1000000 2'),
    ('pin_meta', 'sqlite_autoindex_pin_meta_1', '2000000 2 1'),
    ('pin_meta', 'pin_meta_key_value', '2000000 100000 20000 1');
ANALYZE sqlite_schema;
";

/// Version 1 → 2: `pins.cid_key` (CIDs compared by value, see
/// [`crate::cids::key`]) and `pins.bytes` (for quotas), filled in for the
/// rows there are; the generated access token replaced by its digest; the CID indexes move to `cid_key` (the schema recreates
/// them) and the `tenants` table is filled from the pins (by the caller,
/// after the schema has created it).
async fn upgrade_from_1(tx: &mut sqlx::Transaction<'static, Sqlite>) -> Result<(), StoreError> {
    sqlx::raw_sql(
        "ALTER TABLE pins ADD COLUMN cid_key TEXT NOT NULL DEFAULT '';
         ALTER TABLE pins ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
         UPDATE pins SET bytes = length(CAST(cid AS BLOB)) + coalesce(length(CAST(name AS BLOB)), 0)
             + coalesce(length(CAST(origins AS BLOB)), 0) + coalesce(length(CAST(meta AS BLOB)), 0);",
    )
    .execute(&mut **tx)
    .await?;
    let cids: Vec<String> = sqlx::query_scalar("SELECT DISTINCT cid FROM pins").fetch_all(&mut **tx).await?;
    for cid in cids {
        sqlx::query("UPDATE pins SET cid_key = ? WHERE cid = ?")
            .bind(crate::cids::key(&cid))
            .bind(&cid)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::raw_sql("DROP INDEX IF EXISTS pins_tenant_cid_created; DROP INDEX IF EXISTS pins_cid;")
        .execute(&mut **tx)
        .await?;
    // Version 1 kept the generated access token in clear: keep its digest only.
    let clear: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = 'generated_access_token'")
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(token) = clear {
        sqlx::query("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)")
            .bind(GENERATED_TOKEN_DIGEST)
            .bind(TenantId::from_token(&token).as_str())
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM settings WHERE key = 'generated_access_token'").execute(&mut **tx).await?;
    }
    Ok(())
}
