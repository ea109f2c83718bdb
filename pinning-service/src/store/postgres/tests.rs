//! The store suite on PostgreSQL, and what only replicas sharing one
//! database need: claims, `created` and CID locks across store instances
//! (each one a replica's pools), and live leases left alone at start.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use futures_util::FutureExt;

use super::*;
use crate::store::suite::{
    CID_A, CID_B, Fixture, START, claim_all_at_once, frozen, lease_a, lease_b, store_suite, tenant,
};

#[path = "../../../tests/support/postgres.rs"]
pub(super) mod cluster;

/// A fresh database on the test cluster; `None` when PostgreSQL is not
/// available outside CI (see `cluster::shared`).
pub(super) async fn database() -> Option<String> {
    Some(cluster::shared()?.fresh_database().await)
}

/// The suite's fixture: a store on a fresh database.
async fn fixture() -> Option<Fixture> {
    let url = database().await?;
    let clock = Arc::new(AtomicI64::new(START));
    let store = PostgresStore::connect_with_clock(&url, frozen(&clock)).await.unwrap();
    let pool = store.pool().clone();
    let reopen_clock = Arc::clone(&clock);
    Some(Fixture {
        store: Arc::new(store),
        clock,
        reopen: Box::new(move || {
            let url = url.clone();
            let clock = frozen(&reopen_clock);
            async move { Ok(Arc::new(PostgresStore::connect_with_clock(&url, clock).await?) as Arc<dyn Store>) }
                .boxed_local()
        }),
        execute: Box::new(move |sql| {
            let pool = pool.clone();
            async move {
                sqlx::raw_sql(&sql).execute(&pool).await.unwrap();
            }
            .boxed_local()
        }),
        schema_99: "INSERT INTO schema_migrations (version, description) VALUES (99, 'from the future')",
        keep: Box::new(()),
    })
}

store_suite!(fixture);

/// Two replicas: two stores (two sets of pools) on one database, one clock.
async fn replicas() -> Option<(PostgresStore, PostgresStore, Arc<AtomicI64>)> {
    let url = database().await?;
    let clock = Arc::new(AtomicI64::new(START));
    let one = PostgresStore::connect_with_clock(&url, frozen(&clock));
    let two = PostgresStore::connect_with_clock(&url, frozen(&clock));
    // Both migrate at once: one waits for the other.
    let (one, two) = tokio::join!(one, two);
    Some((one.unwrap(), two.unwrap(), clock))
}

fn pin(cid: &str) -> NewPin {
    NewPin { cid: cid.to_owned(), name: None, origins: None, meta: None, info: BTreeMap::new() }
}

#[tokio::test]
async fn created_is_unique_and_increasing_per_tenant_across_replicas() {
    let Some((one, two, _clock)) = replicas().await else { return };
    let (one, two) = (Arc::new(one), Arc::new(two));
    let alice = tenant("alice");
    // The clock stands still: every value past the first is made by the per-tenant counter.
    let mut writers = Vec::new();
    for writer in 0..16 {
        let store = if writer % 2 == 0 { Arc::clone(&one) } else { Arc::clone(&two) };
        let alice = alice.clone();
        writers.push(tokio::spawn(async move {
            let mut made = Vec::new();
            for _ in 0..20 {
                let record = store.create(&alice, pin(CID_A)).await.unwrap();
                made.push(record.created);
            }
            made
        }));
    }
    let mut all = Vec::new();
    for writer in writers {
        let made = writer.await.unwrap();
        // Each writer's own pins are increasing (each create follows the previous one).
        assert!(made.windows(2).all(|pair| pair[0] < pair[1]), "{made:?}");
        all.extend(made);
    }
    let distinct: BTreeSet<_> = all.iter().collect();
    assert_eq!(distinct.len(), 320, "duplicate `created` values");
    let page = two.list(&alice, &ListQuery::new(Vec::new(), 1000)).await.unwrap();
    assert_eq!(page.count, 320);
    assert!(page.results.windows(2).all(|pair| pair[0].created > pair[1].created));
}

#[tokio::test]
async fn replicas_never_claim_one_pin_twice() {
    let Some((one, two, _clock)) = replicas().await else { return };
    claim_all_at_once(&[Arc::new(one), Arc::new(two)], 80).await;
}

#[tokio::test]
async fn a_starting_replica_requeues_only_pins_whose_lease_ran_out() {
    let Some((one, two, clock)) = replicas().await else { return };
    let alice = tenant("alice");
    let live = one.create(&alice, pin(CID_A)).await.unwrap();
    let dead = one.create(&alice, pin(CID_B)).await.unwrap();
    // Replica one holds `live`; a replica that died held `dead`.
    assert_eq!(one.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap().requestid, live.requestid);
    assert_eq!(one.claim_next(&lease_b(), BTreeMap::new()).await.unwrap().unwrap().requestid, dead.requestid);
    clock.fetch_add(4_000_000, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(one.renew_leases(&lease_a(), std::slice::from_ref(&live.requestid)).await.unwrap(), 1);
    clock.fetch_add(2_000_000, std::sync::atomic::Ordering::SeqCst);
    // Replica two starts: only the dead replica's pin goes back to the queue.
    assert_eq!(two.requeue_interrupted(BTreeMap::new()).await.unwrap(), 1);
    assert_eq!(two.get(&alice, &live.requestid).await.unwrap().unwrap().status, Status::Pinning);
    assert_eq!(two.get(&alice, &dead.requestid).await.unwrap().unwrap().status, Status::Queued);
    assert!(one.finish(&live.requestid, &lease_a().holder, Status::Pinned, BTreeMap::new()).await.unwrap());
}

#[tokio::test]
async fn a_cid_lock_excludes_other_replicas_until_released() {
    let Some((one, two, _clock)) = replicas().await else { return };
    let held = one.lock_cid(CID_A).await.unwrap();
    let waiting = two.lock_cid(CID_A);
    tokio::pin!(waiting);
    let early = tokio::time::timeout(std::time::Duration::from_millis(300), &mut waiting).await;
    assert!(early.is_err(), "two replicas held one CID's lock at once");
    // Another CID is not held up.
    let other = tokio::time::timeout(std::time::Duration::from_secs(10), two.lock_cid(CID_B)).await;
    other.expect("another CID's lock is free").unwrap().release().await;
    held.release().await;
    let taken = tokio::time::timeout(std::time::Duration::from_secs(10), waiting).await;
    let second = taken.expect("the lock passes on once released").unwrap();
    // A lock dropped without `release` is given back too.
    drop(second);
    let again = tokio::time::timeout(std::time::Duration::from_secs(10), one.lock_cid(CID_A)).await;
    again.expect("a dropped lock is released").unwrap().release().await;
}

#[tokio::test]
async fn migrations_are_recorded_once() {
    let Some((one, _two, _clock)) = replicas().await else { return };
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
        .fetch_all(one.pool())
        .await
        .unwrap();
    assert_eq!(versions, (1..=migrations::latest(MIGRATIONS)).collect::<Vec<_>>());
}

#[tokio::test]
async fn quotas_hold_under_concurrent_creates_on_two_replicas() {
    let Some(url) = database().await else { return };
    let quota = Quota { max_pins: Some(5), max_bytes: None };
    let one = Arc::new(PostgresStore::connect_with(&url, quota).await.unwrap());
    let two = Arc::new(PostgresStore::connect_with(&url, quota).await.unwrap());
    let alice = tenant("alice");
    let mut writers = Vec::new();
    for writer in 0..12 {
        let store = if writer % 2 == 0 { Arc::clone(&one) } else { Arc::clone(&two) };
        let alice = alice.clone();
        writers.push(tokio::spawn(async move { store.create(&alice, pin(CID_A)).await }));
    }
    let mut made = Vec::new();
    for writer in writers {
        match writer.await.unwrap() {
            Ok(record) => made.push(record),
            Err(StoreError::QuotaExceeded(_)) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(made.len(), 5, "the quota of 5 pins was not kept");
    // A replace fits (it frees its pin's slot); a delete makes room.
    assert!(one.replace(&alice, &made[0].requestid, pin(CID_B)).await.unwrap().is_some());
    assert!(matches!(two.create(&alice, pin(CID_B)).await, Err(StoreError::QuotaExceeded(_))));
    assert!(two.delete(&alice, &made[1].requestid).await.unwrap());
    two.create(&alice, pin(CID_B)).await.unwrap();
    assert_eq!(one.list(&alice, &ListQuery::new(Vec::new(), 100)).await.unwrap().count, 5);
}

/// Lists counted from counters run on the connections with generic plans
/// (see `GENERIC_PLANS`), opened only when one comes, and so do lookups, on
/// connections of their own; every other statement keeps the default
/// planning.
#[tokio::test]
async fn lookups_and_lists_counted_from_counters_run_on_connections_with_generic_plans() {
    let Some(url) = database().await else { return };
    let store = PostgresStore::connect(&url).await.unwrap();
    let alice = tenant("alice");
    let first = store.create(&alice, pin(CID_A)).await.unwrap();
    store.create(&alice, pin(CID_B)).await.unwrap();
    let mut by_cid = ListQuery::new(Vec::new(), 10);
    by_cid.cids = vec![CID_A.to_owned()];
    assert_eq!(store.list(&alice, &by_cid).await.unwrap().count, 1);
    assert_eq!(store.generic.size(), 0, "a list counting its rows needs no generic plans");

    let mut query = ListQuery::new(Vec::new(), 10);
    query.after = Some(first.created);
    let page = store.list(&alice, &query).await.unwrap();
    assert_eq!(page.count, 1);
    assert_eq!(store.generic.size(), 1);
    assert_eq!(store.list(&alice, &ListQuery::new(Vec::new(), 10)).await.unwrap().count, 2);
    let mode = |pool: &PgPool| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, String>("SHOW plan_cache_mode").fetch_one(&pool).await.unwrap() }
    };
    assert_eq!(mode(&store.generic).await, "force_generic_plan");
    assert_eq!(mode(&store.pool).await, "auto");

    assert_eq!(store.reads.idle(), 0, "no lookup yet");
    assert_eq!(store.get(&alice, &first.requestid).await.unwrap().unwrap().cid, CID_A);
    assert_eq!(store.reads.idle(), 1, "the lookup's connection is kept");
    assert_eq!(store.reads.setting("plan_cache_mode").await, "force_generic_plan");

    // With the lists' connections closed, those lists fail; lookups do not.
    store.generic.close().await;
    assert!(store.list(&alice, &ListQuery::new(Vec::new(), 10)).await.is_err());
    assert_eq!(store.list(&alice, &by_cid).await.unwrap().count, 1);
    assert!(store.get(&alice, &first.requestid).await.unwrap().is_some());
    // With the lookups' connections closed, a lookup fails as unavailable.
    store.reads.close().await;
    let error = store.get(&alice, &first.requestid).await.unwrap_err();
    assert!(error.is_busy(), "{error}");
}

/// A lookup connection that died (its backend ended, as in a database
/// restart) fails its lookup as unavailable and is not kept: the next lookup
/// opens a new one.
#[tokio::test]
async fn a_lookup_connection_that_died_is_replaced() {
    let Some(url) = database().await else { return };
    let store = PostgresStore::connect(&url).await.unwrap();
    let alice = tenant("alice");
    let made = store.create(&alice, pin(CID_A)).await.unwrap();
    assert!(store.get(&alice, &made.requestid).await.unwrap().is_some());
    let backends = "SELECT pid FROM pg_stat_activity
                    WHERE datname = current_database() AND application_name = 'pinning-service lookups'";
    let pids: Vec<i32> = sqlx::query_scalar(backends).fetch_all(store.pool()).await.unwrap();
    assert_eq!(pids.len(), 1, "one lookup connection");
    // Ended, and gone (the call waits up to 10 s for it).
    sqlx::query("SELECT pg_terminate_backend($1, 10000)").bind(pids[0]).execute(store.pool()).await.unwrap();
    let error = store.get(&alice, &made.requestid).await.unwrap_err();
    assert!(error.is_busy(), "a dead connection is a 503: {error}");
    assert_eq!(store.reads.idle(), 0, "the dead connection is not kept");
    assert_eq!(store.get(&alice, &made.requestid).await.unwrap().unwrap().requestid, made.requestid);
    assert_eq!(store.reads.idle(), 1);
    let now: Vec<i32> = sqlx::query_scalar(backends).fetch_all(store.pool()).await.unwrap();
    assert_eq!(now.len(), 1);
    assert_ne!(now[0], pids[0], "a new connection");
}
