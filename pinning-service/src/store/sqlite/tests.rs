use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use chrono::{Duration as ChronoDuration, Utc};
use futures_util::FutureExt;
use ipfs_pinning_models::{Status, TextMatchingStrategy};

use super::*;
use crate::store::suite::{CID_A, CID_B, Fixture, START, all_statuses, frozen, lease_a, store_suite, tenant};

async fn open(dir: &tempfile::TempDir, clock: &Arc<AtomicI64>) -> SqliteStore {
    SqliteStore::open_with_clock(&dir.path().join("pins.db"), frozen(clock)).await.unwrap()
}

/// The suite's fixture: a fresh SQLite file in a temporary directory.
async fn fixture() -> Option<Fixture> {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(AtomicI64::new(START));
    let store = open(&dir, &clock).await;
    let path = dir.path().join("pins.db");
    let writer = store.writer.clone();
    let reopen_clock = Arc::clone(&clock);
    Some(Fixture {
        store: Arc::new(store),
        clock,
        reopen: Box::new(move || {
            let path = path.clone();
            let clock = frozen(&reopen_clock);
            async move { Ok(Arc::new(SqliteStore::open_with_clock(&path, clock).await?) as Arc<dyn Store>) }
                .boxed_local()
        }),
        execute: Box::new(move |sql| {
            let writer = writer.clone();
            async move {
                sqlx::raw_sql(&sql).execute(&writer).await.unwrap();
            }
            .boxed_local()
        }),
        schema_99: "PRAGMA user_version = 99",
        keep: Box::new(dir),
    })
}

store_suite!(fixture);

/// A file of schema version 1 (before leases) is migrated in place: its
/// `pinning` pins are requeued and claimable under a lease.
#[tokio::test]
async fn a_version_1_file_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pins.db");
    {
        let options = SqliteConnectOptions::new().filename(&path).create_if_missing(true);
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
        sqlx::raw_sql(SCHEMA_V1).execute(&pool).await.unwrap();
        sqlx::raw_sql(
            "INSERT INTO pins (tenant, requestid, cid, status, info, created, updated)
             VALUES ('t', 'old-pin', 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG', 'pinning', '{}', 5, 5);",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
    let store = SqliteStore::open(&path).await.unwrap();
    let version: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&store.writer).await.unwrap();
    assert_eq!(version, super::schema::SCHEMA_VERSION);
    assert_eq!(store.requeue_interrupted(BTreeMap::new()).await.unwrap(), 1);
    let job = store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, "old-pin");
    assert!(store.finish("old-pin", &lease_a().holder, Status::Pinned, BTreeMap::new()).await.unwrap());
    store.close().await;
}

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_full_sync() {
    let f = open(&tempfile::tempdir().unwrap(), &Arc::new(AtomicI64::new(START))).await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&f.reader).await.unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&f.writer).await.unwrap();
    assert_eq!(sync, 2, "FULL");
}

/// A count by status alone reads the per-status counters (`status_counts`
/// by its primary key), one by status and time those per bucket
/// (`created_counts`, by its primary key too).
const COUNTERS: &str = "status_counts";

/// Every query shape of `GET /pins` is answered from an index: the plan
/// `SEARCH`es `pins` by tenant and never `SCAN`s a table.
#[tokio::test]
async fn list_queries_use_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let f = open(&dir, &Arc::new(AtomicI64::new(START))).await;
    let alice = tenant("alice");
    let now = Utc::now();
    // Each shape and the indexes that must lead its count and its page (the
    // starting statistics steer the planner to the selective one; a page of
    // several statuses walks the tenant's pins newest first and stops at the
    // limit).
    let shapes: Vec<(&str, [&str; 2], ListQuery)> = vec![
        ("default", [COUNTERS, "pins_tenant_status_created"], ListQuery::new(vec![Status::Pinned], 10)),
        ("every status", [COUNTERS, "sqlite_autoindex_pins_2"], all_statuses(10)),
        (
            "two statuses",
            [COUNTERS, "sqlite_autoindex_pins_2"],
            ListQuery::new(vec![Status::Queued, Status::Pinning], 10),
        ),
        (
            "cids",
            ["pins_tenant_cid_created", "pins_tenant_cid_created"],
            ListQuery { cids: vec![CID_A.to_owned(), CID_B.to_owned()], ..all_statuses(10) },
        ),
        (
            "name exact",
            ["pins_tenant_name", "pins_tenant_name"],
            ListQuery {
                name: Some(("x".to_owned(), TextMatchingStrategy::Exact)),
                ..ListQuery::new(vec![Status::Pinned], 10)
            },
        ),
        (
            "name iexact",
            ["pins_tenant_name_folded", "pins_tenant_name_folded"],
            ListQuery { name: Some(("x".to_owned(), TextMatchingStrategy::Iexact)), ..all_statuses(10) },
        ),
        (
            "name ipartial",
            ["pins_tenant_status_created", "pins_tenant_status_created"],
            ListQuery {
                name: Some(("x".to_owned(), TextMatchingStrategy::Ipartial)),
                ..ListQuery::new(vec![Status::Pinned], 10)
            },
        ),
        (
            "before and after",
            [COUNTERS, "pins_tenant_status_created"],
            ListQuery {
                before: Some(now),
                after: Some(now - ChronoDuration::days(1)),
                ..ListQuery::new(vec![Status::Pinned], 10)
            },
        ),
        (
            "meta",
            ["pin_meta_key_value", "pin_meta_key_value"],
            ListQuery {
                meta: BTreeMap::from([("app_id".to_owned(), "1".to_owned()), ("region".to_owned(), "eu".to_owned())]),
                ..all_statuses(10)
            },
        ),
    ];
    for (label, [count_index, list_index], query) in shapes {
        let mut filter = Filter::of(Dialect::Sqlite, &alice, &query);
        let (count_sql, count_args) = filter.count();
        let count_plan = plan(&f, &count_sql, &count_args).await;
        let page_sql = filter.page_sql(10);
        let list_plan = plan(&f, &page_sql, &filter.args).await;
        for (which, index, plan) in [("count", count_index, count_plan), ("list", list_index, list_plan)] {
            let needle = if index == COUNTERS { "PRIMARY KEY (".to_owned() } else { format!("INDEX {index} (") };
            let uses = |line: &String| line.starts_with("SEARCH") && line.contains(&needle);
            assert!(plan.iter().any(uses), "{label} ({which}) is not led by {index}: {plan:#?}");
            let scans = |line: &String| line.starts_with("SCAN") && line != "SCAN CONSTANT ROW";
            assert!(!plan.iter().any(scans), "{label} ({which}) scans a table: {plan:#?}");
        }
    }
}

/// A batch of lookups probes the `requestid` index once per id.
#[tokio::test]
async fn batched_lookups_probe_the_requestid_index() {
    let f = open(&tempfile::tempdir().unwrap(), &Arc::new(AtomicI64::new(START))).await;
    let ids = super::super::filter::Arg::Text(r#"["a","b"]"#.to_owned());
    let plan = plan(&f, statements::LOOKUP_MANY_SQLITE, &[ids]).await;
    assert!(
        plan.iter().any(|line| line.starts_with("SEARCH p USING INDEX sqlite_autoindex_pins_1 (requestid=?)")),
        "{plan:#?}"
    );
    assert!(!plan.iter().any(|line| line.starts_with("SCAN p")), "{plan:#?}");
}

/// A direct lookup (`reads.rs`) probes the `requestid` index too.
#[tokio::test]
async fn direct_lookups_probe_the_requestid_index() {
    let f = open(&tempfile::tempdir().unwrap(), &Arc::new(AtomicI64::new(START))).await;
    let args = [super::super::filter::Arg::Text("a".to_owned()), super::super::filter::Arg::Text("t".to_owned())];
    let plan = plan(&f, reads::LOOKUP, &args).await;
    assert!(
        plan.iter().any(|line| line.starts_with("SEARCH p USING INDEX sqlite_autoindex_pins_1 (requestid=?)")),
        "{plan:#?}"
    );
}

/// Direct lookups read beside an open write transaction (WAL: no waiting),
/// see only what was committed, only the tenant's own pins, and the commit
/// as soon as it returns; once the store is closed they step aside.
#[tokio::test]
async fn direct_lookups_read_committed_pins_beside_an_open_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, &Arc::new(AtomicI64::new(START))).await;
    let (alice, bob) = (tenant("alice"), tenant("bob"));
    let pin = |cid: &str| NewPin {
        cid: cid.to_owned(),
        name: Some("n".to_owned()),
        origins: Some(Vec::new()),
        meta: Some(BTreeMap::from([("k".to_owned(), "v".to_owned())])),
        info: BTreeMap::from([("status_details".to_owned(), "queued".to_owned())]),
    };
    let first = store.create(&alice, pin(CID_A)).await.unwrap();
    let direct = |requestid: &str, tenant: &TenantId| store.reads.get(tenant, requestid).map(Result::unwrap);
    assert_eq!(direct(&first.requestid, &alice), Some(Some(first.clone())));
    assert_eq!(direct(&first.requestid, &bob), Some(None));

    let mut tx = store.begin_write().await.unwrap();
    let second = store.create_in(&mut tx, &alice, pin(CID_B), None).await.unwrap();
    assert_eq!(direct(&first.requestid, &alice), Some(Some(first.clone())), "a reader never waits for the writer");
    assert_eq!(direct(&second.requestid, &alice), Some(None), "nothing uncommitted is seen");
    tx.commit().await.unwrap();
    assert_eq!(direct(&second.requestid, &alice), Some(Some(second.clone())));
    assert_eq!(store.get(&alice, &second.requestid).await.unwrap(), Some(second));

    store.close().await;
    assert_eq!(direct(&first.requestid, &alice), None);
    assert!(store.get(&alice, &first.requestid).await.is_err());
}

async fn plan(store: &SqliteStore, sql: &str, args: &[super::super::filter::Arg]) -> Vec<String> {
    let explain = format!("EXPLAIN QUERY PLAN {sql}");
    let rows = bind_all(sqlx::query(&explain), args).fetch_all(&store.reader).await.unwrap();
    rows.iter().map(|row| row.try_get::<String, _>(3).unwrap()).collect()
}

#[test]
fn busy_and_locked_codes_count_with_their_extended_codes() {
    // SQLITE_BUSY, _RECOVERY, _SNAPSHOT, _TIMEOUT; SQLITE_LOCKED, _SHAREDCACHE, _VTAB.
    for code in ["5", "261", "517", "773", "6", "262", "518"] {
        assert!(super::is_busy_code(code), "{code}");
    }
    // SQLITE_ERROR, SQLITE_CONSTRAINT_UNIQUE (2067), SQLITE_IOERR_READ (266), junk.
    for code in ["1", "2067", "266", "", "busy"] {
        assert!(!super::is_busy_code(code), "{code}");
    }
}

/// The schema of version 1 (before CIDs were compared by value), as that
/// version created it.
const SCHEMA_V1: &str = r#"
CREATE TABLE pins (
    id          INTEGER PRIMARY KEY,
    tenant      TEXT    NOT NULL,
    requestid   TEXT    NOT NULL UNIQUE,
    cid         TEXT    NOT NULL,
    name        TEXT,
    name_folded TEXT,
    origins     TEXT,
    meta        TEXT,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'pinning', 'pinned', 'failed')),
    info        TEXT    NOT NULL,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    UNIQUE (tenant, created)
);
CREATE INDEX pins_tenant_status_created ON pins (tenant, status, created);
CREATE INDEX pins_tenant_cid_created ON pins (tenant, cid, created);
CREATE INDEX pins_tenant_name ON pins (tenant, name);
CREATE INDEX pins_tenant_name_folded ON pins (tenant, name_folded);
CREATE INDEX pins_status_created ON pins (status, created);
CREATE INDEX pins_cid ON pins (cid);
CREATE TABLE pin_meta (
    pin_id INTEGER NOT NULL REFERENCES pins (id) ON DELETE CASCADE,
    key    TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    PRIMARY KEY (pin_id, key)
) WITHOUT ROWID;
CREATE INDEX pin_meta_key_value ON pin_meta (key, value, pin_id);
CREATE TABLE unpin_jobs (
    id              INTEGER PRIMARY KEY,
    cid             TEXT    NOT NULL,
    after_requestid TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    not_before      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
PRAGMA user_version = 1;
"#;

#[tokio::test]
async fn a_version_1_database_is_upgraded_and_compares_cids_by_value() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pins.db");
    {
        let mut old = sqlx::SqliteConnection::connect_with(
            &sqlx::sqlite::SqliteConnectOptions::new().filename(&path).create_if_missing(true),
        )
        .await
        .unwrap();
        sqlx::raw_sql(SCHEMA_V1).execute(&mut old).await.unwrap();
        let alice = tenant("alice");
        let bob = tenant("bob");
        // CID_B as bafy… for alice, as base16 for bob.
        let base16 = "f01701220c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a";
        for (id, tenant, cid, name) in
            [(1, &alice, CID_B, Some("a")), (2, &bob, base16, None), (3, &alice, CID_A, Some("b"))]
        {
            sqlx::query(
                "INSERT INTO pins (id, tenant, requestid, cid, name, status, info, created, updated)
                 VALUES (?, ?, ?, ?, ?, 'pinned', '{}', ?, ?)",
            )
            .bind(id)
            .bind(tenant.as_str())
            .bind(format!("request-{id}"))
            .bind(cid)
            .bind(name)
            .bind(1_700_000_000_000_000_i64 + id)
            .bind(1_700_000_000_000_000_i64 + id)
            .execute(&mut old)
            .await
            .unwrap();
        }
        sqlx::query("INSERT INTO settings (key, value) VALUES ('generated_access_token', 'clear-token-of-v1')")
            .execute(&mut old)
            .await
            .unwrap();
        old.close().await.unwrap();
    }
    let store = SqliteStore::open(&path).await.unwrap();
    // The token in clear became its digest.
    let settings: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM settings").fetch_all(&store.reader).await.unwrap();
    assert_eq!(
        settings,
        [(crate::store::GENERATED_TOKEN_DIGEST.to_owned(), tenant("clear-token-of-v1").as_str().to_owned())]
    );
    let version: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&store.writer).await.unwrap();
    assert_eq!(version, super::schema::SCHEMA_VERSION);
    // Bob's base16 pin is found by the bafy… spelling, and the text he sent is kept.
    let by_cid = ListQuery { cids: vec![CID_B.to_owned()], ..all_statuses(10) };
    let page = store.list(&tenant("bob"), &by_cid).await.unwrap();
    assert_eq!(page.count, 1);
    assert!(page.results[0].cid.starts_with("f0170"), "{:?}", page.results[0]);
    assert!(store.cid_in_use("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi").await.unwrap());
    // Usage was counted for the quotas: alice 2 pins, bob 1.
    let usage: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT tenant, pins, bytes FROM tenants ORDER BY pins").fetch_all(&store.reader).await.unwrap();
    assert_eq!(usage.iter().map(|row| row.1).collect::<Vec<_>>(), [1, 2]);
    assert!(usage.iter().all(|row| row.2 > 40), "{usage:?}");
}
