use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use ipfs_pinning_models::{Status, TextMatchingStrategy};

use super::*;

const CID_A: &str = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
const CID_B: &str = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
const CID_C: &str = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

struct Fixture {
    store: SqliteStore,
    dir: tempfile::TempDir,
    clock: Arc<AtomicI64>,
}

/// A store whose clock only moves when the test moves it (starting at a
/// fixed instant); `tick` advances it.
async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(AtomicI64::new(1_700_000_000_000_000));
    let store = open_at(dir.path(), &clock).await;
    Fixture { store, dir, clock }
}

async fn open_at(dir: &Path, clock: &Arc<AtomicI64>) -> SqliteStore {
    let clock = Arc::clone(clock);
    SqliteStore::open_with_clock(&dir.join("pins.db"), Arc::new(move || clock.load(Ordering::SeqCst))).await.unwrap()
}

impl Fixture {
    fn tick(&self, micros: i64) {
        self.clock.fetch_add(micros, Ordering::SeqCst);
    }
}

fn tenant(name: &str) -> TenantId {
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

fn all_statuses(limit: u32) -> ListQuery {
    ListQuery::new(Vec::new(), limit)
}

fn ids(page: &ListPage) -> Vec<&str> {
    page.results.iter().map(|record| record.requestid.as_str()).collect()
}

#[tokio::test]
async fn create_then_get_round_trips_the_pin_exactly() {
    let f = fixture().await;
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

#[tokio::test]
async fn created_is_unique_per_tenant_even_when_the_clock_stands_still_or_goes_back() {
    let f = fixture().await;
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

#[tokio::test]
async fn concurrent_creates_from_many_tenants_all_land_with_unique_created() {
    let f = fixture().await;
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

#[tokio::test]
async fn tenants_never_see_each_others_pins() {
    let f = fixture().await;
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

#[tokio::test]
async fn lists_are_newest_first_with_limit_and_total_count() {
    let f = fixture().await;
    let alice = tenant("alice");
    let mut made = Vec::new();
    for _ in 0..15 {
        made.push(f.store.create(&alice, pin(CID_A)).await.unwrap());
        f.tick(1000);
    }
    let page = f.store.list(&alice, &all_statuses(10)).await.unwrap();
    assert_eq!(page.count, 15);
    let newest: Vec<&str> = made.iter().rev().take(10).map(|r| r.requestid.as_str()).collect();
    assert_eq!(ids(&page), newest);
    // Limits above the maximum are capped, zero is raised to one.
    assert_eq!(f.store.list(&alice, &all_statuses(5000)).await.unwrap().results.len(), 15);
    assert_eq!(f.store.list(&alice, &all_statuses(0)).await.unwrap().results.len(), 1);
}

#[tokio::test]
async fn before_and_after_are_exclusive_and_exact_to_the_nanosecond() {
    let f = fixture().await;
    let alice = tenant("alice");
    let mut made = Vec::new();
    for _ in 0..5 {
        made.push(f.store.create(&alice, pin(CID_A)).await.unwrap());
        f.tick(1000);
    }
    let at = |i: usize| made[i].created;
    let query =
        |before: Option<DateTime<Utc>>, after: Option<DateTime<Utc>>| ListQuery { before, after, ..all_statuses(100) };
    let page = f.store.list(&alice, &query(Some(at(3)), None)).await.unwrap();
    assert_eq!(ids(&page), [&made[2].requestid, &made[1].requestid, &made[0].requestid]);
    assert_eq!(page.count, 3);
    let page = f.store.list(&alice, &query(None, Some(at(3)))).await.unwrap();
    assert_eq!(ids(&page), [&made[4].requestid]);
    let page = f.store.list(&alice, &query(Some(at(4)), Some(at(1)))).await.unwrap();
    assert_eq!(ids(&page), [&made[3].requestid, &made[2].requestid]);
    // One nanosecond past a pin's instant: `before` now includes it, `after` excludes it.
    let past = at(3) + ChronoDuration::nanoseconds(1);
    let page = f.store.list(&alice, &query(Some(past), None)).await.unwrap();
    assert_eq!(page.results[0].requestid, made[3].requestid);
    let page = f.store.list(&alice, &query(None, Some(past))).await.unwrap();
    assert_eq!(ids(&page), [&made[4].requestid]);
    // One nanosecond before it: the other way round.
    let short = at(3) - ChronoDuration::nanoseconds(1);
    let page = f.store.list(&alice, &query(Some(short), None)).await.unwrap();
    assert_eq!(page.results[0].requestid, made[2].requestid);
    let page = f.store.list(&alice, &query(None, Some(short))).await.unwrap();
    assert_eq!(ids(&page), [&made[4].requestid, &made[3].requestid]);
}

#[tokio::test]
async fn cid_and_status_filters_are_any_of() {
    let f = fixture().await;
    let alice = tenant("alice");
    let a = f.store.create(&alice, pin(CID_A)).await.unwrap();
    let b = f.store.create(&alice, pin(CID_B)).await.unwrap();
    let c = f.store.create(&alice, pin(CID_C)).await.unwrap();
    // Move a to pinned and b to failed through the worker methods.
    let job = f.store.claim_next(BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, a.requestid);
    assert!(f.store.finish(&a.requestid, Status::Pinned, BTreeMap::new()).await.unwrap());
    let job = f.store.claim_next(BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, b.requestid);
    assert!(f.store.finish(&b.requestid, Status::Failed, BTreeMap::new()).await.unwrap());

    let by_status = |statuses: Vec<Status>| ListQuery { statuses, ..all_statuses(10) };
    let page = f.store.list(&alice, &by_status(vec![Status::Pinned])).await.unwrap();
    assert_eq!(ids(&page), [&a.requestid]);
    let page = f.store.list(&alice, &by_status(vec![Status::Failed, Status::Queued])).await.unwrap();
    assert_eq!(ids(&page), [&c.requestid, &b.requestid]);
    assert_eq!(page.count, 2);
    let page = f.store.list(&alice, &by_status(vec![Status::Pinning])).await.unwrap();
    assert_eq!(page.count, 0);

    let by_cid =
        |cids: &[&str]| ListQuery { cids: cids.iter().map(|cid| (*cid).to_owned()).collect(), ..all_statuses(10) };
    let page = f.store.list(&alice, &by_cid(&[CID_A, CID_C])).await.unwrap();
    assert_eq!(ids(&page), [&c.requestid, &a.requestid]);
    let page = f.store.list(&alice, &by_cid(&["QmNothing"])).await.unwrap();
    assert_eq!(page.count, 0);
    // Filters combine with AND.
    let query = ListQuery { statuses: vec![Status::Pinned], ..by_cid(&[CID_A, CID_C]) };
    assert_eq!(ids(&f.store.list(&alice, &query).await.unwrap()), [&a.requestid]);
}

#[tokio::test]
async fn name_match_strategies() {
    let f = fixture().await;
    let alice = tenant("alice");
    let names = [
        "PreciousData.pdf",
        "preciousdata.PDF",
        "Other Precious Data",
        "100% _real_ data\\",
        "1000 real data",
        "ÉTÉ Straße",
    ];
    let mut by_name = BTreeMap::new();
    for name in names {
        let record = f.store.create(&alice, named(CID_A, name)).await.unwrap();
        by_name.insert(record.requestid, name);
    }
    f.store.create(&alice, pin(CID_A)).await.unwrap();
    let matching = |needle: &str, strategy: TextMatchingStrategy| {
        let query = ListQuery { name: Some((needle.to_owned(), strategy)), ..all_statuses(100) };
        let store = &f.store;
        let alice = &alice;
        let by_name = &by_name;
        async move {
            let page = store.list(alice, &query).await.unwrap();
            assert_eq!(page.count as usize, page.results.len());
            let mut found: Vec<&str> = page.results.iter().map(|record| by_name[&record.requestid]).collect();
            found.sort();
            found
        }
    };
    use TextMatchingStrategy::*;
    assert_eq!(matching("PreciousData.pdf", Exact).await, ["PreciousData.pdf"]);
    assert_eq!(matching("preciousdata.pdf", Exact).await, Vec::<&str>::new());
    assert_eq!(matching("PRECIOUSDATA.PDF", Iexact).await, ["PreciousData.pdf", "preciousdata.PDF"]);
    assert_eq!(matching("Precious", Partial).await, ["Other Precious Data", "PreciousData.pdf"]);
    assert_eq!(matching("precious", Ipartial).await, ["Other Precious Data", "PreciousData.pdf", "preciousdata.PDF"]);
    // LIKE wildcards and escapes are literal characters.
    assert_eq!(matching("100%", Partial).await, ["100% _real_ data\\"]);
    assert_eq!(matching("%", Partial).await, ["100% _real_ data\\"]);
    assert_eq!(matching("_real_", Ipartial).await, ["100% _real_ data\\"]);
    assert_eq!(matching("0_r", Partial).await, Vec::<&str>::new());
    assert_eq!(matching("data\\", Partial).await, ["100% _real_ data\\"]);
    assert_eq!(matching("100% _real_ data\\", Exact).await, ["100% _real_ data\\"]);
    // Case folding is Unicode-aware, not ASCII-only.
    assert_eq!(matching("été straße", Iexact).await, ["ÉTÉ Straße"]);
    assert_eq!(matching("été", Ipartial).await, ["ÉTÉ Straße"]);
    assert_eq!(matching("été", Partial).await, Vec::<&str>::new());
}

#[tokio::test]
async fn meta_filter_is_an_and_of_pairs() {
    let f = fixture().await;
    let alice = tenant("alice");
    let both = f.store.create(&alice, with_meta(CID_A, &[("app_id", "1"), ("region", "eu")])).await.unwrap();
    let app_only = f.store.create(&alice, with_meta(CID_A, &[("app_id", "1"), ("region", "us")])).await.unwrap();
    f.store.create(&alice, with_meta(CID_A, &[("app_id", "2")])).await.unwrap();
    f.store.create(&alice, pin(CID_A)).await.unwrap();
    let by_meta = |pairs: &[(&str, &str)]| ListQuery {
        meta: pairs.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect(),
        ..all_statuses(10)
    };
    let page = f.store.list(&alice, &by_meta(&[("app_id", "1")])).await.unwrap();
    assert_eq!(ids(&page), [&app_only.requestid, &both.requestid]);
    let page = f.store.list(&alice, &by_meta(&[("app_id", "1"), ("region", "eu")])).await.unwrap();
    assert_eq!(ids(&page), [&both.requestid]);
    assert_eq!(page.count, 1);
    let page = f.store.list(&alice, &by_meta(&[("app_id", "1"), ("missing", "x")])).await.unwrap();
    assert_eq!(page.count, 0);
    // The pin may have more keys; values match exactly.
    let page = f.store.list(&alice, &by_meta(&[("region", "EU")])).await.unwrap();
    assert_eq!(page.count, 0);
    // An empty object filters nothing.
    assert_eq!(f.store.list(&alice, &by_meta(&[])).await.unwrap().count, 4);
    // Another tenant with the same meta does not leak in.
    f.store.create(&tenant("bob"), with_meta(CID_A, &[("app_id", "1")])).await.unwrap();
    assert_eq!(f.store.list(&alice, &by_meta(&[("app_id", "1")])).await.unwrap().count, 2);
}

#[tokio::test]
async fn replace_swaps_the_request_in_one_step() {
    let f = fixture().await;
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
    let job = f.store.claim_next(BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, new.requestid);
    assert_eq!(f.store.ready_unpins(10).await.unwrap(), Vec::new());
    f.store.finish(&new.requestid, Status::Pinned, BTreeMap::new()).await.unwrap();
    let jobs = f.store.ready_unpins(10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].cid, CID_A);
}

#[tokio::test]
async fn delete_removes_once_and_leaves_an_unpin_job() {
    let f = fixture().await;
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

#[tokio::test]
async fn worker_methods_move_pins_through_their_lifecycle() {
    let f = fixture().await;
    let alice = tenant("alice");
    let first = f.store.create(&alice, pin(CID_A)).await.unwrap();
    let second = f
        .store
        .create(
            &tenant("bob"),
            NewPin { origins: Some(vec!["/dns4/example.org/tcp/4001/p2p/QmPeer".to_owned()]), ..pin(CID_B) },
        )
        .await
        .unwrap();
    let working = BTreeMap::from([("status_details".to_owned(), "working".to_owned())]);
    let job = f.store.claim_next(working.clone()).await.unwrap().unwrap();
    assert_eq!(job, Job { requestid: first.requestid.clone(), cid: CID_A.to_owned(), origins: Vec::new() });
    let got = f.store.get(&alice, &first.requestid).await.unwrap().unwrap();
    assert_eq!((got.status, got.info), (Status::Pinning, working));
    let progress = BTreeMap::from([("status_details".to_owned(), "3 blocks".to_owned())]);
    assert!(f.store.update_progress(&first.requestid, progress.clone()).await.unwrap());
    assert_eq!(f.store.get(&alice, &first.requestid).await.unwrap().unwrap().info, progress);
    let job = f.store.claim_next(BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, second.requestid);
    assert_eq!(job.origins, ["/dns4/example.org/tcp/4001/p2p/QmPeer"]);
    assert_eq!(f.store.claim_next(BTreeMap::new()).await.unwrap(), None);

    // A pin deleted while pinning cannot be finished or updated any more.
    assert!(f.store.delete(&alice, &first.requestid).await.unwrap());
    assert!(!f.store.update_progress(&first.requestid, BTreeMap::new()).await.unwrap());
    assert!(!f.store.finish(&first.requestid, Status::Pinned, BTreeMap::new()).await.unwrap());
    // Only pins that are `pinning` can be finished, and only once.
    assert!(f.store.finish(&second.requestid, Status::Failed, BTreeMap::new()).await.unwrap());
    assert!(!f.store.finish(&second.requestid, Status::Pinned, BTreeMap::new()).await.unwrap());
    assert!(!f.store.cid_in_use(CID_B).await.unwrap(), "failed pins use nothing");
}

#[tokio::test]
async fn a_reopened_database_keeps_pins_and_requeues_interrupted_ones() {
    let f = fixture().await;
    let alice = tenant("alice");
    let pinned = f.store.create(&alice, pin(CID_A)).await.unwrap();
    let interrupted = f.store.create(&alice, pin(CID_B)).await.unwrap();
    let queued = f.store.create(&alice, pin(CID_C)).await.unwrap();
    f.store.claim_next(BTreeMap::new()).await.unwrap();
    f.store.finish(&pinned.requestid, Status::Pinned, BTreeMap::new()).await.unwrap();
    f.store.claim_next(BTreeMap::new()).await.unwrap();
    // No close: as after a crash.
    drop(f.store);
    let store = open_at(f.dir.path(), &f.clock).await;
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
    let job = store.claim_next(BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, interrupted.requestid);
    store.close().await;
}

#[tokio::test]
async fn settings_keep_their_first_value() {
    let f = fixture().await;
    let first = f.store.setting_or_insert("token", "one".to_owned()).await.unwrap();
    assert_eq!(first, "one");
    let again = f.store.setting_or_insert("token", "two".to_owned()).await.unwrap();
    assert_eq!(again, "one");
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let f = fixture().await;
    sqlx::query("PRAGMA user_version = 99").execute(&f.store.writer).await.unwrap();
    f.store.close().await;
    let error = match SqliteStore::open(&f.dir.path().join("pins.db")).await {
        Ok(_) => panic!("opened a database of schema version 99"),
        Err(error) => error,
    };
    assert!(
        matches!(error, StoreError::SchemaTooNew { found: 99, supported: super::schema::SCHEMA_VERSION }),
        "{error}"
    );
}

#[tokio::test]
async fn corrupt_rows_are_errors_not_panics() {
    let f = fixture().await;
    let alice = tenant("alice");
    let record = f.store.create(&alice, pin(CID_A)).await.unwrap();
    sqlx::query("UPDATE pins SET meta = '{not json' WHERE requestid = ?")
        .bind(&record.requestid)
        .execute(&f.store.writer)
        .await
        .unwrap();
    let error = f.store.get(&alice, &record.requestid).await.unwrap_err();
    assert!(matches!(error, StoreError::Corrupt(_)), "{error}");
    assert!(error.to_string().contains("meta"), "{error}");
    let error = f.store.list(&alice, &all_statuses(10)).await.unwrap_err();
    assert!(matches!(error, StoreError::Corrupt(_)), "{error}");
}

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_full_sync() {
    let f = fixture().await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&f.store.reader).await.unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&f.store.writer).await.unwrap();
    assert_eq!(sync, 2, "FULL");
}

/// Every query shape of `GET /pins` is answered from an index: the plan
/// `SEARCH`es `pins` by tenant and never `SCAN`s a table.
#[tokio::test]
async fn list_queries_use_indexes() {
    let f = fixture().await;
    let alice = tenant("alice");
    let now = Utc::now();
    // Each shape and the indexes that must lead its count and its page (the
    // starting statistics steer the planner to the selective one; a page of
    // several statuses walks the tenant's pins newest first and stops at the
    // limit).
    let shapes: Vec<(&str, [&str; 2], ListQuery)> = vec![
        (
            "default",
            ["pins_tenant_status_created", "pins_tenant_status_created"],
            ListQuery::new(vec![Status::Pinned], 10),
        ),
        ("every status", ["sqlite_autoindex_pins_2", "sqlite_autoindex_pins_2"], all_statuses(10)),
        (
            "two statuses",
            ["pins_tenant_status_created", "sqlite_autoindex_pins_2"],
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
            ["pins_tenant_status_created", "pins_tenant_status_created"],
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
        let (where_clause, mut args) = filters(&alice, &query);
        let count_plan = plan(&f.store, &count_sql(&where_clause), &args).await;
        args.push(Arg::Int(10));
        let list_plan = plan(&f.store, &list_sql(&where_clause), &args).await;
        for (which, index, plan) in [("count", count_index, count_plan), ("list", list_index, list_plan)] {
            let uses = |line: &String| line.starts_with("SEARCH") && line.contains(&format!("INDEX {index} ("));
            assert!(plan.iter().any(uses), "{label} ({which}) is not led by {index}: {plan:#?}");
            assert!(!plan.iter().any(|line| line.starts_with("SCAN")), "{label} ({which}) scans a table: {plan:#?}");
        }
    }
}

async fn plan(store: &SqliteStore, sql: &str, args: &[Arg]) -> Vec<String> {
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

#[tokio::test]
async fn claims_take_turns_across_tenants_within_the_limits() {
    let f = fixture().await;
    let (alice, bob, carol) = (tenant("alice"), tenant("bob"), tenant("carol"));
    let mut names = BTreeMap::new();
    for (who, label) in [(&alice, "a1"), (&alice, "a2"), (&alice, "a3"), (&bob, "b1"), (&bob, "b2"), (&carol, "c1")] {
        let record = f.store.create(who, named(CID_A, label)).await.unwrap();
        names.insert(record.requestid, label);
        f.tick(1000);
    }
    let mut order = Vec::new();
    while let Some(job) = f.store.claim_next(BTreeMap::new()).await.unwrap() {
        order.push(names[&job.requestid]);
    }
    assert_eq!(order, ["a1", "b1", "c1", "a2", "b2", "a3"]);

    // Limits: a pool of 1, and 2 for a tenant with nothing pinning.
    let g = fixture().await;
    for (who, label) in [(&alice, "a1"), (&alice, "a2"), (&bob, "b1")] {
        g.store.create(who, named(CID_A, label)).await.unwrap();
        g.tick(1000);
    }
    let limits = ClaimLimits { pool: 1, most: 2 };
    let first = g.store.claim_next_fair(BTreeMap::new(), limits).await.unwrap().expect("the pool is free");
    let second = g.store.claim_next_fair(BTreeMap::new(), limits).await.unwrap().expect("bob has nothing pinning");
    assert_ne!(first.requestid, second.requestid);
    assert_eq!(g.store.claim_next_fair(BTreeMap::new(), limits).await.unwrap(), None, "alice already has one");
    // Alice's first is done: she has nothing pinning again, so her second
    // may start beside bob's, though the pool is taken.
    assert!(g.store.finish(&first.requestid, Status::Pinned, BTreeMap::new()).await.unwrap());
    let third = g.store.claim_next_fair(BTreeMap::new(), limits).await.unwrap().expect("alice's turn again");
    assert_eq!(g.store.get(&alice, &third.requestid).await.unwrap().unwrap().name.as_deref(), Some("a2"));
    assert_eq!(g.store.claim_next_fair(BTreeMap::new(), limits).await.unwrap(), None, "nothing left");
}
