//! The read cache of a replica on PostgreSQL: other replicas' writes reach
//! it through notifications, and it is never used while it cannot hear them.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ipfs_pinning_models::Status;

use super::tests::database;
use super::*;
use crate::store::notifications::{CHANNEL, Listener, STALENESS};
use crate::store::suite::{CID_A, CID_B, HOLDER_A, lease_a, tenant};
use crate::store::{CachedStore, DbLocation, ReadCache};

/// How long another replica's write may take to reach the cache (its
/// notification arrives in milliseconds; this is for a loaded machine).
const NOTICE: Duration = Duration::from_secs(10);

fn pin(cid: &str) -> NewPin {
    NewPin { cid: cid.to_owned(), name: None, origins: None, meta: None, info: BTreeMap::new() }
}

fn details(text: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("status_details".to_owned(), text.to_owned())])
}

/// Replica A (no cache: it only writes here) and replica B (cached,
/// listening), on one fresh database; B is listening when this returns.
async fn replicas() -> Option<(PostgresStore, CachedStore)> {
    Some(replicas_at(&database().await?).await)
}

/// [`replicas`] on the database at `url`.
async fn replicas_at(url: &str) -> (PostgresStore, CachedStore) {
    let one = PostgresStore::connect(url).await.unwrap();
    let cache = Arc::new(ReadCache::admitting_every_pin(1024));
    let listener = Listener::start(url, Arc::clone(&cache)).unwrap();
    let two = CachedStore::new(Arc::new(PostgresStore::connect(url).await.unwrap()), cache).following(listener);
    until("B listens", || async { two.listener_pid().is_some() }).await;
    (one, two)
}

/// Waits until `done` holds, at most [`NOTICE`]; returns how long it took.
async fn until<F: Future<Output = bool>>(what: &str, mut done: impl FnMut() -> F) -> Duration {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < NOTICE, "{what}: not within {NOTICE:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    started.elapsed()
}

/// B's answer, which the cache gave when `hit`.
async fn read(two: &CachedStore, requestid: &str) -> (Option<PinRecord>, bool) {
    let (hits, _) = two.cache().hits_and_misses();
    let answer = two.get(&tenant("alice"), requestid).await.unwrap();
    (answer, two.cache().hits_and_misses().0 > hits)
}

#[tokio::test]
async fn a_replica_sees_the_other_replicas_writes_once_notified() {
    let Some((one, two)) = replicas().await else { return };
    let alice = tenant("alice");
    let record = one.create(&alice, pin(CID_A)).await.unwrap();
    assert_eq!(read(&two, &record.requestid).await, (Some(record.clone()), false));
    assert_eq!(read(&two, &record.requestid).await, (Some(record.clone()), true));

    let status = |status: Status, info: &'static str| {
        let (two, requestid) = (&two, record.requestid.clone());
        move || {
            let requestid = requestid.clone();
            async move {
                let (answer, _) = read(two, &requestid).await;
                answer.is_some_and(|pin| pin.status == status && pin.info == details(info))
            }
        }
    };
    let mut waits = Vec::new();
    one.claim_next(&lease_a(), details("claimed")).await.unwrap().unwrap();
    waits.push(until("a claim", status(Status::Pinning, "claimed")).await);
    // Cached again, then changed again.
    assert!(read(&two, &record.requestid).await.1);
    one.update_progress(&record.requestid, HOLDER_A, details("3 blocks")).await.unwrap();
    waits.push(until("progress", status(Status::Pinning, "3 blocks")).await);
    assert!(read(&two, &record.requestid).await.1);
    one.finish(&record.requestid, HOLDER_A, Status::Pinned, details("done")).await.unwrap();
    waits.push(until("an outcome", status(Status::Pinned, "done")).await);
    assert!(read(&two, &record.requestid).await.1);
    let new = one.replace(&alice, &record.requestid, pin(CID_B)).await.unwrap().unwrap();
    waits.push(until("a replace", || async { read(&two, &record.requestid).await.0.is_none() }).await);
    assert_eq!(read(&two, &new.requestid).await.0, Some(new.clone()));
    assert!(read(&two, &new.requestid).await.1);
    one.delete(&alice, &new.requestid).await.unwrap();
    waits.push(until("a delete", || async { read(&two, &new.requestid).await.0.is_none() }).await);
    eprintln!("other replica's writes seen after {waits:?}");

    // A lease renewal changes nothing B answers: no notification.
    let third = one.create(&alice, pin(CID_A)).await.unwrap();
    one.claim_next(&lease_a(), details("claimed")).await.unwrap().unwrap();
    until("a claim", || async { read(&two, &third.requestid).await.0.unwrap().status == Status::Pinning }).await;
    // The claim's notification may still come after a read filled the cache.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = read(&two, &third.requestid).await;
    assert!(read(&two, &third.requestid).await.1);
    assert_eq!(one.renew_leases(&lease_a(), std::slice::from_ref(&third.requestid)).await.unwrap(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(read(&two, &third.requestid).await.1, "a lease renewal emptied the cache");
    // Heartbeats keep it answering past the staleness bound.
    tokio::time::sleep(STALENESS + Duration::from_millis(500)).await;
    assert!(read(&two, &third.requestid).await.1, "no heartbeat came back");
    two.close().await;
}

#[tokio::test]
async fn a_replica_whose_listener_was_killed_never_answers_a_stale_pin() {
    let Some((one, two)) = replicas().await else { return };
    let alice = tenant("alice");
    let record = one.create(&alice, pin(CID_A)).await.unwrap();
    let _ = read(&two, &record.requestid).await;
    assert!(read(&two, &record.requestid).await.1, "not cached");

    let killed = two.listener_pid().unwrap();
    let ended: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(i32::try_from(killed).unwrap())
        .fetch_one(one.pool())
        .await
        .unwrap();
    assert!(ended);
    until("the listener's server process ends", || async {
        let alive: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)")
            .bind(i32::try_from(killed).unwrap())
            .fetch_one(one.pool())
            .await
            .unwrap();
        !alive
    })
    .await;
    // A write whose notification B cannot get: B must not answer the old state.
    one.claim_next(&lease_a(), details("claimed")).await.unwrap().unwrap();
    let started = Instant::now();
    let mut reads = 0;
    while two.listener_pid().is_none_or(|pid| pid == killed) || reads < 20 {
        let (answer, _) = read(&two, &record.requestid).await;
        assert_eq!(answer.unwrap().status, Status::Pinning, "a stale pin after {reads} reads");
        reads += 1;
        assert!(started.elapsed() < NOTICE, "B does not listen again");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Listening again (a new connection), and caching again.
    assert_ne!(two.listener_pid(), Some(killed));
    let _ = read(&two, &record.requestid).await;
    assert!(read(&two, &record.requestid).await.1, "not caching again");
    one.finish(&record.requestid, HOLDER_A, Status::Pinned, details("done")).await.unwrap();
    until("an outcome after the reconnection", || async {
        read(&two, &record.requestid).await.0.is_some_and(|pin| pin.status == Status::Pinned)
    })
    .await;
    two.close().await;
}

/// A database on the replicas' own machine, reached over its Unix socket
/// (the URL's `host` names the socket's directory, as README shows): every
/// connection a replica opens (its pool's, its lookups', its listener's)
/// goes there, and B still hears A's writes.
#[tokio::test]
async fn replicas_reach_their_database_over_its_unix_socket() {
    let Some(cluster) = super::tests::cluster::own().and_then(|own| own.over_socket()) else { return };
    let url = cluster.fresh_database().await;
    assert!(matches!(url.parse(), Ok(DbLocation::Postgres(_))), "`--db` takes {url}");
    let (one, two) = replicas_at(&url).await;
    let alice = tenant("alice");
    let record = one.create(&alice, pin(CID_A)).await.unwrap();
    assert_eq!(read(&two, &record.requestid).await, (Some(record.clone()), false));
    assert_eq!(read(&two, &record.requestid).await, (Some(record.clone()), true));
    one.delete(&alice, &record.requestid).await.unwrap();
    until("a delete", || async { read(&two, &record.requestid).await.0.is_none() }).await;

    let connections: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT application_name, client_addr::text FROM pg_stat_activity WHERE datname = current_database()",
    )
    .fetch_all(one.pool())
    .await
    .unwrap();
    for name in ["pinning-service", reads::APPLICATION_NAME, crate::store::notifications::APPLICATION_NAME] {
        assert!(connections.iter().any(|(application, _)| application == name), "no `{name}`: {connections:?}");
    }
    assert!(connections.iter().all(|(_, address)| address.is_none()), "a connection over TCP: {connections:?}");
    two.close().await;
}

#[tokio::test]
async fn the_trigger_notifies_the_channel_the_listener_listens_to() {
    assert!(SCHEMA_3.contains(&format!("pg_notify('{CHANNEL}'")));
}
