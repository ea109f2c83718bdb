//! The store test suite: every test here runs against both backends
//! (`store_suite!` in `sqlite/tests.rs` and `postgres/tests.rs` makes one
//! `#[tokio::test]` per function for each).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Duration as ChronoDuration};
use futures_util::future::LocalBoxFuture;
use ipfs_pinning_models::{Status, TextMatchingStrategy};

use super::*;

mod cached;
mod lists;
pub(crate) use cached::*;
pub(crate) use lists::*;

pub(crate) const CID_A: &str = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
pub(crate) const CID_B: &str = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
pub(crate) const CID_C: &str = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

/// The clock every fixture starts at (µs).
pub(crate) const START: i64 = 1_700_000_000_000_000;

/// The length of the tests' leases.
pub(crate) const LEASE: Duration = Duration::from_secs(5);
pub(crate) const HOLDER_A: &str = "worker-a";
pub(crate) const HOLDER_B: &str = "worker-b";

pub(crate) fn lease_a() -> Lease {
    Lease { holder: HOLDER_A.to_owned(), duration: LEASE }
}

pub(crate) fn lease_b() -> Lease {
    Lease { holder: HOLDER_B.to_owned(), duration: LEASE }
}

/// Opens another store on the fixture's database (a restart, or a second replica).
pub(crate) type Reopen = Box<dyn Fn() -> LocalBoxFuture<'static, Result<Arc<dyn Store>, StoreError>>>;

/// Runs one raw SQL statement on the fixture's database.
pub(crate) type Execute = Box<dyn Fn(String) -> LocalBoxFuture<'static, ()>>;

/// A store on a fresh database whose clock only moves when the test moves
/// it (starting at [`START`]).
pub(crate) struct Fixture {
    pub store: Arc<dyn Store>,
    pub clock: Arc<AtomicI64>,
    pub reopen: Reopen,
    pub execute: Execute,
    /// A statement that marks the database as of schema version 99.
    pub schema_99: &'static str,
    /// What must live as long as the database (a temporary directory).
    #[allow(dead_code, reason = "held, never read")]
    pub keep: Box<dyn std::any::Any>,
}

impl Fixture {
    pub(crate) fn tick(&self, micros: i64) {
        self.clock.fetch_add(micros, Ordering::SeqCst);
    }
}

/// A clock reading `at`.
pub(crate) fn frozen(at: &Arc<AtomicI64>) -> Clock {
    let at = Arc::clone(at);
    Arc::new(move || at.load(Ordering::SeqCst))
}

/// One `#[tokio::test]` per suite function, each on a fixture from `$fixture`.
macro_rules! store_suite {
    ($fixture:path) => {
        $crate::store::suite::store_suite!(@each $fixture;
            create_then_get_round_trips_the_pin_exactly,
            created_is_unique_per_tenant_even_when_the_clock_stands_still_or_goes_back,
            concurrent_creates_from_many_tenants_all_land_with_unique_created,
            tenants_never_see_each_others_pins,
            lists_are_newest_first_with_limit_and_total_count,
            before_and_after_are_exclusive_and_exact_to_the_nanosecond,
            cid_and_status_filters_are_any_of,
            name_match_strategies,
            meta_filter_is_an_and_of_pairs,
            replace_swaps_the_request_in_one_step,
            delete_removes_once_and_leaves_an_unpin_job,
            worker_methods_move_pins_through_their_lifecycle,
            a_reopened_database_keeps_pins_and_requeues_interrupted_ones,
            settings_keep_their_first_value,
            claims_are_leases_that_run_out_unless_renewed,
            concurrent_claims_never_return_one_pin_twice,
            a_newer_schema_is_refused,
            corrupt_rows_are_errors_not_panics,
            cids_are_compared_by_value,
            counts_by_status_follow_every_change,
            claims_take_turns_across_tenants,
            claim_limits_count_the_holders_pins,
            concurrent_lookups_answer_each_tenant_its_own,
            counts_by_time_are_exact_at_every_level,
            counts_by_time_stay_exact_under_concurrent_writers,
            the_read_cache_sees_each_write_path_at_once,
            the_read_cache_never_keeps_what_a_concurrent_write_changed,
        );
    };
    (@each $fixture:path; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                if let Some(fixture) = $fixture().await {
                    $crate::store::suite::$name(fixture).await;
                }
            }
        )*
    };
}
pub(crate) use store_suite;

pub(crate) fn tenant(name: &str) -> TenantId {
    TenantId::from_token(name)
}

fn pin(cid: &str) -> NewPin {
    NewPin {
        cid: cid.to_owned(),
        name: None,
        origins: None,
        meta: None,
        info: BTreeMap::from([("status_details".to_owned(), "queued".to_owned())]),
    }
}

fn named(cid: &str, name: &str) -> NewPin {
    NewPin { name: Some(name.to_owned()), ..pin(cid) }
}

fn with_meta(cid: &str, meta: &[(&str, &str)]) -> NewPin {
    NewPin {
        meta: Some(meta.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect()),
        ..pin(cid)
    }
}

pub(crate) fn all_statuses(limit: u32) -> ListQuery {
    ListQuery::new(Vec::new(), limit)
}

fn ids(page: &ListPage) -> Vec<&str> {
    page.results.iter().map(|record| record.requestid.as_str()).collect()
}

pub(crate) async fn create_then_get_round_trips_the_pin_exactly(f: Fixture) {
    let alice = tenant("alice");
    let full = NewPin {
        cid: CID_A.to_owned(),
        name: Some("PreciousData.pdf".to_owned()),
        origins: Some(vec!["/ip4/203.0.113.142/tcp/4001/p2p/QmSourcePeerId".to_owned()]),
        meta: Some(BTreeMap::from([("app_id".to_owned(), "99".to_owned())])),
        info: BTreeMap::from([("status_details".to_owned(), "waiting".to_owned())]),
    };
    let created = f.store.create(&alice, full.clone()).await.unwrap();
    assert_eq!(created.status, Status::Queued);
    assert_eq!(created.created.timestamp_micros(), 1_700_000_000_000_000);
    assert!(uuid::Uuid::parse_str(&created.requestid).is_ok());
    let got = f.store.get(&alice, &created.requestid).await.unwrap();
    assert_eq!(got.as_ref(), Some(&created));
    let got = got.unwrap();
    assert_eq!(got.name, full.name);
    assert_eq!(got.origins, full.origins);
    assert_eq!(got.meta, full.meta);
    assert_eq!(got.info, full.info);

    // Absent and empty stay distinct.
    let empty = NewPin { origins: Some(Vec::new()), meta: Some(BTreeMap::new()), ..pin(CID_B) };
    let record = f.store.create(&alice, empty).await.unwrap();
    let got = f.store.get(&alice, &record.requestid).await.unwrap().unwrap();
    assert_eq!(got.origins, Some(Vec::new()));
    assert_eq!(got.meta, Some(BTreeMap::new()));
    let record = f.store.create(&alice, pin(CID_C)).await.unwrap();
    let got = f.store.get(&alice, &record.requestid).await.unwrap().unwrap();
    assert_eq!((got.name, got.origins, got.meta), (None, None, None));

    assert_eq!(f.store.get(&alice, "no-such-request").await.unwrap(), None);
}

pub(crate) async fn created_is_unique_per_tenant_even_when_the_clock_stands_still_or_goes_back(f: Fixture) {
    let alice = tenant("alice");
    let bob = tenant("bob");
    let mut seen = Vec::new();
    for _ in 0..5 {
        seen.push(f.store.create(&alice, pin(CID_A)).await.unwrap().created);
    }
    // Another tenant's pins do not push alice's clock, and may share instants.
    let bobs = f.store.create(&bob, pin(CID_A)).await.unwrap().created;
    assert_eq!(bobs, seen[0]);
    f.tick(-1_000_000);
    seen.push(f.store.create(&alice, pin(CID_A)).await.unwrap().created);
    // One millisecond apart: JavaScript's `Date` can tell them apart.
    for pair in seen.windows(2) {
        assert_eq!(pair[1] - pair[0], ChronoDuration::milliseconds(1), "{seen:?}");
    }
    // Once the clock is past the newest value again, it is used as is.
    f.tick(10_000_000);
    let later = f.store.create(&alice, pin(CID_A)).await.unwrap().created;
    assert_eq!(later.timestamp_micros(), 1_700_000_009_000_000);
}

pub(crate) async fn concurrent_creates_from_many_tenants_all_land_with_unique_created(f: Fixture) {
    let store = Arc::new(f.store);
    let mut tasks = Vec::new();
    for t in 0..8 {
        for _ in 0..25 {
            let store = Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                let who = tenant(&format!("tenant-{t}"));
                store.create(&who, pin(CID_A)).await.map(|record| (t, record))
            }));
        }
    }
    let mut per_tenant: BTreeMap<i32, Vec<DateTime<Utc>>> = BTreeMap::new();
    for task in tasks {
        let (t, record) = task.await.unwrap().unwrap();
        per_tenant.entry(t).or_default().push(record.created);
    }
    assert_eq!(per_tenant.len(), 8);
    for (t, mut created) in per_tenant {
        created.sort();
        created.dedup();
        assert_eq!(created.len(), 25, "tenant {t}");
        let page = store.list(&tenant(&format!("tenant-{t}")), &all_statuses(1000)).await.unwrap();
        assert_eq!(page.count, 25);
    }
}

pub(crate) async fn tenants_never_see_each_others_pins(f: Fixture) {
    let alice = tenant("alice");
    let bob = tenant("bob");
    let record = f.store.create(&alice, pin(CID_A)).await.unwrap();
    assert_eq!(f.store.get(&bob, &record.requestid).await.unwrap(), None);
    assert_eq!(f.store.list(&bob, &all_statuses(10)).await.unwrap(), ListPage { count: 0, results: Vec::new() });
    assert!(!f.store.delete(&bob, &record.requestid).await.unwrap());
    assert_eq!(f.store.replace(&bob, &record.requestid, pin(CID_B)).await.unwrap(), None);
    // Alice's pin is untouched by all of that.
    assert_eq!(f.store.get(&alice, &record.requestid).await.unwrap(), Some(record));
    assert_eq!(f.store.list(&alice, &all_statuses(10)).await.unwrap().count, 1);
}

pub(crate) async fn replace_swaps_the_request_in_one_step(f: Fixture) {
    let alice = tenant("alice");
    let old = f.store.create(&alice, with_meta(CID_A, &[("app_id", "1")])).await.unwrap();
    f.tick(5);
    let new = f.store.replace(&alice, &old.requestid, named(CID_B, "v2")).await.unwrap().unwrap();
    assert_ne!(new.requestid, old.requestid);
    assert_eq!(new.status, Status::Queued);
    assert!(new.created > old.created);
    assert_eq!(new.cid, CID_B);
    assert_eq!(f.store.get(&alice, &old.requestid).await.unwrap(), None);
    assert_eq!(f.store.get(&alice, &new.requestid).await.unwrap(), Some(new.clone()));
    let page = f.store.list(&alice, &all_statuses(10)).await.unwrap();
    assert_eq!(ids(&page), [&new.requestid]);
    // The old pin's meta went with it.
    let meta = ListQuery { meta: BTreeMap::from([("app_id".to_owned(), "1".to_owned())]), ..all_statuses(10) };
    assert_eq!(f.store.list(&alice, &meta).await.unwrap().count, 0);
    // Replacing a request that is gone changes nothing.
    assert_eq!(f.store.replace(&alice, &old.requestid, pin(CID_C)).await.unwrap(), None);
    assert_eq!(f.store.list(&alice, &all_statuses(10)).await.unwrap().count, 1);
    // The old CID's unpin job waits until the replacement is no longer pending.
    assert_eq!(f.store.ready_unpins(10).await.unwrap(), Vec::new());
    let job = f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, new.requestid);
    assert_eq!(f.store.ready_unpins(10).await.unwrap(), Vec::new());
    f.store.finish(&new.requestid, HOLDER_A, Status::Pinned, BTreeMap::new()).await.unwrap();
    let jobs = f.store.ready_unpins(10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].cid, CID_A);
}

pub(crate) async fn delete_removes_once_and_leaves_an_unpin_job(f: Fixture) {
    let alice = tenant("alice");
    let record = f.store.create(&alice, pin(CID_A)).await.unwrap();
    assert!(f.store.cid_in_use(CID_A).await.unwrap());
    assert!(f.store.delete(&alice, &record.requestid).await.unwrap());
    assert!(!f.store.delete(&alice, &record.requestid).await.unwrap());
    assert_eq!(f.store.get(&alice, &record.requestid).await.unwrap(), None);
    assert!(!f.store.cid_in_use(CID_A).await.unwrap());
    let jobs = f.store.ready_unpins(10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].cid, CID_A);
    // A postponed job is not ready until its time has come.
    f.store.postpone_unpin(jobs[0].id, Duration::from_secs(5)).await.unwrap();
    assert_eq!(f.store.ready_unpins(10).await.unwrap(), Vec::new());
    f.tick(5_000_001);
    let again = f.store.ready_unpins(10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].id, again[0].attempts), (jobs[0].id, 1));
    f.store.complete_unpin(jobs[0].id).await.unwrap();
    assert_eq!(f.store.ready_unpins(10).await.unwrap(), Vec::new());
}

pub(crate) async fn worker_methods_move_pins_through_their_lifecycle(f: Fixture) {
    let alice = tenant("alice");
    let first = f.store.create(&alice, pin(CID_A)).await.unwrap();
    f.tick(1000);
    let second = f
        .store
        .create(
            &tenant("bob"),
            NewPin { origins: Some(vec!["/dns4/example.org/tcp/4001/p2p/QmPeer".to_owned()]), ..pin(CID_B) },
        )
        .await
        .unwrap();
    let working = BTreeMap::from([("status_details".to_owned(), "working".to_owned())]);
    let job = f.store.claim_next(&lease_a(), working.clone()).await.unwrap().unwrap();
    assert_eq!(job, Job { requestid: first.requestid.clone(), cid: CID_A.to_owned(), origins: Vec::new() });
    let got = f.store.get(&alice, &first.requestid).await.unwrap().unwrap();
    assert_eq!((got.status, got.info), (Status::Pinning, working));
    let progress = BTreeMap::from([("status_details".to_owned(), "3 blocks".to_owned())]);
    assert!(f.store.update_progress(&first.requestid, HOLDER_A, progress.clone()).await.unwrap());
    assert_eq!(f.store.get(&alice, &first.requestid).await.unwrap().unwrap().info, progress);
    let job = f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, second.requestid);
    assert_eq!(job.origins, ["/dns4/example.org/tcp/4001/p2p/QmPeer"]);
    assert_eq!(f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap(), None);

    // A pin deleted while pinning cannot be finished or updated any more.
    assert!(f.store.delete(&alice, &first.requestid).await.unwrap());
    assert!(!f.store.update_progress(&first.requestid, HOLDER_A, BTreeMap::new()).await.unwrap());
    assert!(!f.store.finish(&first.requestid, HOLDER_A, Status::Pinned, BTreeMap::new()).await.unwrap());
    // Only pins that are `pinning` can be finished, and only once.
    assert!(f.store.finish(&second.requestid, HOLDER_A, Status::Failed, BTreeMap::new()).await.unwrap());
    assert!(!f.store.finish(&second.requestid, HOLDER_A, Status::Pinned, BTreeMap::new()).await.unwrap());
    assert!(!f.store.cid_in_use(CID_B).await.unwrap(), "failed pins use nothing");
}

pub(crate) async fn a_reopened_database_keeps_pins_and_requeues_interrupted_ones(f: Fixture) {
    let alice = tenant("alice");
    let pinned = f.store.create(&alice, pin(CID_A)).await.unwrap();
    let interrupted = f.store.create(&alice, pin(CID_B)).await.unwrap();
    let queued = f.store.create(&alice, pin(CID_C)).await.unwrap();
    f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap();
    f.store.finish(&pinned.requestid, HOLDER_A, Status::Pinned, BTreeMap::new()).await.unwrap();
    f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap();
    // No close: as after a crash; and the crashed worker's lease runs out.
    drop(f.store);
    f.clock.fetch_add(LEASE.as_micros() as i64 + 1, Ordering::SeqCst);
    let store = (f.reopen)().await.unwrap();
    let status = |record: &PinRecord| {
        let store = &store;
        let alice = &alice;
        let requestid = record.requestid.clone();
        async move { store.get(alice, &requestid).await.unwrap().unwrap().status }
    };
    assert_eq!(status(&pinned).await, Status::Pinned);
    assert_eq!(status(&interrupted).await, Status::Pinning);
    assert_eq!(status(&queued).await, Status::Queued);
    let note = BTreeMap::from([("status_details".to_owned(), "resumed".to_owned())]);
    assert_eq!(store.requeue_interrupted(note.clone()).await.unwrap(), 1);
    let got = store.get(&alice, &interrupted.requestid).await.unwrap().unwrap();
    assert_eq!((got.status, got.info), (Status::Queued, note));
    // The oldest queued pin is claimed first.
    let job = store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, interrupted.requestid);
    store.close().await;
}

pub(crate) async fn settings_keep_their_first_value(f: Fixture) {
    let first = f.store.setting_or_insert("token", "one".to_owned()).await.unwrap();
    assert_eq!(first, "one");
    let again = f.store.setting_or_insert("token", "two".to_owned()).await.unwrap();
    assert_eq!(again, "one");
}

pub(crate) async fn claims_are_leases_that_run_out_unless_renewed(f: Fixture) {
    let alice = tenant("alice");
    let first = f.store.create(&alice, pin(CID_A)).await.unwrap();
    let second = f.store.create(&alice, pin(CID_B)).await.unwrap();
    let job = f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, first.requestid);
    // Another worker gets the next pin, then nothing: the first is held.
    let job = f.store.claim_next(&lease_b(), BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, second.requestid);
    assert_eq!(f.store.claim_next(&lease_b(), BTreeMap::new()).await.unwrap(), None);
    // Renewing keeps the claim past its first end; only listed pins of the holder count.
    f.tick(4_000_000);
    let held = [first.requestid.clone(), second.requestid.clone(), "gone".to_owned()];
    assert_eq!(f.store.renew_leases(&lease_a(), &held).await.unwrap(), 1);
    assert_eq!(f.store.renew_leases(&lease_a(), &[]).await.unwrap(), 0);
    assert_eq!(f.store.renew_leases(&lease_b(), std::slice::from_ref(&second.requestid)).await.unwrap(), 1);
    f.tick(4_000_000);
    assert_eq!(f.store.claim_next(&lease_b(), BTreeMap::new()).await.unwrap(), None);
    assert_eq!(f.store.renew_leases(&lease_b(), std::slice::from_ref(&second.requestid)).await.unwrap(), 1);
    // Unrenewed, the lease runs out and the pin can be claimed again.
    f.tick(1_000_001);
    let job = f.store.claim_next(&lease_b(), BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, first.requestid);
    // The first holder lost it: no progress, no outcome from it any more.
    assert!(!f.store.update_progress(&first.requestid, HOLDER_A, BTreeMap::new()).await.unwrap());
    assert!(!f.store.finish(&first.requestid, HOLDER_A, Status::Failed, BTreeMap::new()).await.unwrap());
    assert_eq!(f.store.renew_leases(&lease_a(), &held).await.unwrap(), 0);
    assert!(f.store.update_progress(&first.requestid, HOLDER_B, BTreeMap::new()).await.unwrap());
    assert!(f.store.finish(&first.requestid, HOLDER_B, Status::Pinned, BTreeMap::new()).await.unwrap());
    let got = f.store.get(&alice, &first.requestid).await.unwrap().unwrap();
    assert_eq!(got.status, Status::Pinned);
    // A finished pin is never claimed again, lease or not.
    f.tick(60_000_000);
    let job = f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, second.requestid, "the other pin's lease ran out too");
    assert_eq!(f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap(), None);
}

pub(crate) async fn concurrent_claims_never_return_one_pin_twice(f: Fixture) {
    claim_all_at_once(&[Arc::clone(&f.store)], 60).await;
}

/// Makes `pins` pins through the first store, then lets six workers spread
/// over `stores` claim until nothing is left: each pin is claimed exactly once.
pub(crate) async fn claim_all_at_once(stores: &[Arc<dyn Store>], pins: usize) {
    let alice = tenant("alice");
    let mut made = BTreeSet::new();
    for _ in 0..pins {
        made.insert(stores[0].create(&alice, pin(CID_A)).await.unwrap().requestid);
    }
    let mut claimers = Vec::new();
    for worker in 0..6 {
        let store = Arc::clone(&stores[worker % stores.len()]);
        claimers.push(tokio::spawn(async move {
            let lease = Lease { holder: format!("worker-{worker}"), duration: LEASE };
            let mut claimed = Vec::new();
            while let Some(job) = store.claim_next(&lease, BTreeMap::new()).await.unwrap() {
                claimed.push(job.requestid);
            }
            claimed
        }));
    }
    let mut claimed = Vec::new();
    for claimer in claimers {
        claimed.extend(claimer.await.unwrap());
    }
    assert_eq!(claimed.len(), made.len(), "a pin was claimed twice or not at all");
    assert_eq!(claimed.into_iter().collect::<BTreeSet<_>>(), made);
}

pub(crate) async fn a_newer_schema_is_refused(f: Fixture) {
    (f.execute)(f.schema_99.to_owned()).await;
    f.store.close().await;
    let error = match (f.reopen)().await {
        Ok(_) => panic!("opened a database of schema version 99"),
        Err(error) => error,
    };
    assert!(matches!(error, StoreError::SchemaTooNew { found: 99, .. }), "{error}");
    assert!(error.to_string().contains("newer than this binary understands"), "{error}");
}

pub(crate) async fn corrupt_rows_are_errors_not_panics(f: Fixture) {
    let alice = tenant("alice");
    let record = f.store.create(&alice, pin(CID_A)).await.unwrap();
    (f.execute)(format!("UPDATE pins SET meta = '{{not json' WHERE requestid = '{}'", record.requestid)).await;
    let error = f.store.get(&alice, &record.requestid).await.unwrap_err();
    assert!(matches!(error, StoreError::Corrupt(_)), "{error}");
    assert!(error.to_string().contains("meta"), "{error}");
    let error = f.store.list(&alice, &all_statuses(10)).await.unwrap_err();
    assert!(matches!(error, StoreError::Corrupt(_)), "{error}");
}

pub(crate) async fn cids_are_compared_by_value(f: Fixture) {
    // CID_B in base16: the same CID as `bafy…`, and the text sent is kept.
    const BASE16: &str = "f01701220c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a";
    let alice = tenant("alice");
    let record = f.store.create(&alice, pin(BASE16)).await.unwrap();
    let by_cid = ListQuery { cids: vec![CID_B.to_owned()], ..all_statuses(10) };
    let page = f.store.list(&alice, &by_cid).await.unwrap();
    assert_eq!(ids(&page), [&record.requestid]);
    assert_eq!(page.results[0].cid, BASE16);
    assert!(f.store.cid_in_use(CID_B).await.unwrap());
    assert!(f.store.cid_in_use(BASE16).await.unwrap());
    assert!(!f.store.cid_in_use(CID_A).await.unwrap());
    // The spelling is checked as sent.
    assert!(f.store.cid_spelling_in_use(BASE16).await.unwrap());
    assert!(!f.store.cid_spelling_in_use(CID_B).await.unwrap());
}

pub(crate) async fn claims_take_turns_across_tenants(f: Fixture) {
    let (alice, bob, carol) = (tenant("alice"), tenant("bob"), tenant("carol"));
    let mut names = BTreeMap::new();
    for (who, label) in [(&alice, "a1"), (&alice, "a2"), (&alice, "a3"), (&bob, "b1"), (&bob, "b2"), (&carol, "c1")] {
        let record = f.store.create(who, named(CID_A, label)).await.unwrap();
        names.insert(record.requestid, label);
        f.tick(1000);
    }
    let mut order = Vec::new();
    while let Some(job) = f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap() {
        order.push(names[&job.requestid]);
    }
    assert_eq!(order, ["a1", "b1", "c1", "a2", "b2", "a3"]);
}

pub(crate) async fn claim_limits_count_the_holders_pins(f: Fixture) {
    let (alice, bob) = (tenant("alice"), tenant("bob"));
    for (who, label) in [(&alice, "a1"), (&alice, "a2"), (&bob, "b1")] {
        f.store.create(who, named(CID_A, label)).await.unwrap();
        f.tick(1000);
    }
    // A pool of 1, and 2 for a tenant with nothing pinning.
    let limits = ClaimLimits { pool: 1, most: 2 };
    let claim = |lease: Lease| {
        let store = Arc::clone(&f.store);
        async move { store.claim_next_fair(&lease, BTreeMap::new(), limits).await.unwrap() }
    };
    let first = claim(lease_a()).await.expect("the pool is free");
    let second = claim(lease_a()).await.expect("bob has nothing pinning");
    assert_ne!(first.requestid, second.requestid);
    assert_eq!(claim(lease_a()).await, None, "alice already has one");
    // Another worker (replica) has a pool of its own.
    let other = claim(lease_b()).await.expect("worker b's pool is free");
    assert!(f.store.finish(&other.requestid, HOLDER_B, Status::Queued, BTreeMap::new()).await.unwrap());
    // Alice's first is done: she has nothing pinning again, so her second
    // may start beside bob's, though the pool is taken.
    assert!(f.store.finish(&first.requestid, HOLDER_A, Status::Pinned, BTreeMap::new()).await.unwrap());
    let third = claim(lease_a()).await.expect("alice's turn again");
    assert_eq!(f.store.get(&alice, &third.requestid).await.unwrap().unwrap().name.as_deref(), Some("a2"));
    assert_eq!(claim(lease_a()).await, None, "nothing left");
}

/// Lookups sent at once go to the database in batches: each still gets its
/// own tenant's pin, and nothing for another tenant's or a missing one.
pub(crate) async fn concurrent_lookups_answer_each_tenant_its_own(f: Fixture) {
    let (alice, bob) = (tenant("alice"), tenant("bob"));
    let mut pins = Vec::new();
    for n in 0..20 {
        let owner = if n % 2 == 0 { &alice } else { &bob };
        pins.push((owner.clone(), f.store.create(owner, named(CID_A, &format!("pin-{n}"))).await.unwrap()));
    }
    let lookups = pins.iter().flat_map(|(owner, record)| {
        let other = if *owner == alice { &bob } else { &alice };
        [(owner, record.requestid.clone(), Some(record)), (other, record.requestid.clone(), None)]
    });
    let lookups: Vec<_> = lookups.chain([(&alice, "missing".to_owned(), None)]).collect();
    let answers =
        futures_util::future::join_all(lookups.iter().map(|(who, requestid, _)| f.store.get(who, requestid))).await;
    for ((who, requestid, expected), answer) in lookups.iter().zip(answers) {
        assert_eq!(answer.unwrap().as_ref(), *expected, "{requestid} for {who:?}");
    }
}
