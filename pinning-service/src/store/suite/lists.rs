//! Lists in the suite: order, `limit`, the filters, and the counts a list
//! reports (per status, and per `before`/`after` from the created counters).

use super::*;

pub(crate) async fn lists_are_newest_first_with_limit_and_total_count(f: Fixture) {
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

pub(crate) async fn before_and_after_are_exclusive_and_exact_to_the_nanosecond(f: Fixture) {
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

pub(crate) async fn cid_and_status_filters_are_any_of(f: Fixture) {
    let alice = tenant("alice");
    let a = f.store.create(&alice, pin(CID_A)).await.unwrap();
    let b = f.store.create(&alice, pin(CID_B)).await.unwrap();
    let c = f.store.create(&alice, pin(CID_C)).await.unwrap();
    // Move a to pinned and b to failed through the worker methods.
    let job = f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, a.requestid);
    assert!(f.store.finish(&a.requestid, HOLDER_A, Status::Pinned, BTreeMap::new()).await.unwrap());
    let job = f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
    assert_eq!(job.requestid, b.requestid);
    assert!(f.store.finish(&b.requestid, HOLDER_A, Status::Failed, BTreeMap::new()).await.unwrap());

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

pub(crate) async fn name_match_strategies(f: Fixture) {
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

pub(crate) async fn meta_filter_is_an_and_of_pairs(f: Fixture) {
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

pub(crate) async fn counts_by_status_follow_every_change(f: Fixture) {
    let alice = tenant("alice");
    let bob = tenant("bob");
    let mut made = Vec::new();
    for _ in 0..6 {
        made.push(f.store.create(&alice, pin(CID_A)).await.unwrap());
    }
    f.store.create(&bob, pin(CID_A)).await.unwrap();
    // queued → pinning → pinned, failed, back to queued; a lease taken over; deletes and a replace.
    for status in [Status::Pinned, Status::Failed, Status::Queued] {
        let job = f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
        assert!(f.store.finish(&job.requestid, HOLDER_A, status, BTreeMap::new()).await.unwrap());
    }
    f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
    f.tick(LEASE.as_micros() as i64 + 1);
    f.store.claim_next(&lease_b(), BTreeMap::new()).await.unwrap().unwrap();
    f.store.claim_next(&lease_b(), BTreeMap::new()).await.unwrap().unwrap();
    assert!(f.store.delete(&alice, &made[0].requestid).await.unwrap());
    f.store.replace(&alice, &made[5].requestid, pin(CID_B)).await.unwrap().unwrap();
    f.store.requeue_interrupted(BTreeMap::new()).await.unwrap();
    // Every status filter's count is the number of pins it lists.
    for statuses in [vec![], vec![Status::Queued], vec![Status::Pinning], vec![Status::Pinned, Status::Failed]] {
        for who in [&alice, &bob] {
            let query = ListQuery { statuses: statuses.clone(), ..all_statuses(1000) };
            let page = f.store.list(who, &query).await.unwrap();
            assert_eq!(page.count as usize, page.results.len(), "{statuses:?}");
            // The same count with a filter that cannot use the counters.
            let filtered = ListQuery { after: Some(DateTime::from_timestamp_micros(0).unwrap()), ..query };
            assert_eq!(f.store.list(who, &filtered).await.unwrap().count, page.count, "{statuses:?}");
        }
    }
    assert_eq!(f.store.list(&alice, &all_statuses(1000)).await.unwrap().count, 5);
}

/// Every `before`/`after` count (from `created_counts`) equals the number of
/// the tenant's pins it matches, with pins spread over buckets of every level.
pub(crate) async fn counts_by_time_are_exact_at_every_level(f: Fixture) {
    let (alice, bob) = (tenant("alice"), tenant("bob"));
    let steps = [1_000, 3_000, 70_000, 2_100_000, 40_000_000, 700_000_000, 3_000_000_000, 900_000_000_000];
    for (n, step) in steps.iter().cycle().take(40).enumerate() {
        let record = f.store.create(if n % 5 == 4 { &bob } else { &alice }, pin(CID_A)).await.unwrap();
        if n % 7 == 3 {
            assert!(f.store.delete(if n % 5 == 4 { &bob } else { &alice }, &record.requestid).await.unwrap());
        }
        f.tick(*step);
    }
    for status in [Status::Pinned, Status::Pinned, Status::Failed, Status::Pinned, Status::Pinning] {
        let job = f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap().unwrap();
        if status != Status::Pinning {
            assert!(f.store.finish(&job.requestid, HOLDER_A, status, BTreeMap::new()).await.unwrap());
        }
    }
    assert_counts_by_time(&f, &[alice, bob]).await;
}

/// Concurrent creates, deletes and claims leave every count exact.
pub(crate) async fn counts_by_time_stay_exact_under_concurrent_writers(f: Fixture) {
    let alice = tenant("alice");
    let made = futures_util::future::join_all((0..24).map(|_| f.store.create(&alice, pin(CID_A)))).await;
    let made: Vec<PinRecord> = made.into_iter().map(Result::unwrap).collect();
    let doomed: Vec<&str> = made.iter().step_by(3).map(|record| record.requestid.as_str()).collect();
    let deletes = doomed.iter().map(|requestid| f.store.delete(&alice, requestid));
    // Concurrent claimers may pass the tenant by (it is locked): some find
    // nothing. A claimed pin that a delete removes meanwhile cannot be
    // finished any more (`finish` says so); any other can.
    let claims = (0..5).map(|_| async {
        match f.store.claim_next(&lease_a(), BTreeMap::new()).await.unwrap() {
            Some(job) => {
                let finished = f.store.finish(&job.requestid, HOLDER_A, Status::Pinned, BTreeMap::new()).await.unwrap();
                finished || doomed.contains(&job.requestid.as_str())
            }
            None => true,
        }
    });
    let deletes = futures_util::future::join_all(deletes.map(|delete| async { delete.await.unwrap() }));
    let (deleted, claimed) = futures_util::future::join(deletes, futures_util::future::join_all(claims)).await;
    assert!(deleted.into_iter().all(|done| done), "every pin is deleted");
    assert!(claimed.into_iter().all(|done| done), "a claimed pin no delete removed is finished");
    assert_counts_by_time(&f, &[alice]).await;
}

/// Compares the count of `before`/`after` lists (alone and together, under
/// several status filters) with the tenant's pins as a full list shows them.
async fn assert_counts_by_time(f: &Fixture, tenants: &[TenantId]) {
    let at = |micros: i64| DateTime::from_timestamp_micros(micros).unwrap();
    for who in tenants {
        let pins = f.store.list(who, &all_statuses(1000)).await.unwrap().results;
        let mut instants: Vec<i64> = pins
            .iter()
            .flat_map(|pin| {
                let created = pin.created.timestamp_micros();
                [created, created + 1]
            })
            .collect();
        instants.extend([START - 1, i64::MAX / 2]);
        instants.sort_unstable();
        for statuses in [vec![], vec![Status::Pinned], vec![Status::Queued, Status::Failed]] {
            let expected = |after: Option<i64>, before: Option<i64>| {
                pins.iter()
                    .filter(|pin| statuses.is_empty() || statuses.contains(&pin.status))
                    .filter(|pin| after.is_none_or(|after| pin.created.timestamp_micros() > after))
                    .filter(|pin| before.is_none_or(|before| pin.created.timestamp_micros() < before))
                    .count() as u64
            };
            for (index, &instant) in instants.iter().enumerate() {
                let other = instants[(index + 7) % instants.len()];
                for (after, before) in [(None, Some(instant)), (Some(instant), None), (Some(instant), Some(other))] {
                    let query = ListQuery {
                        before: before.map(at),
                        after: after.map(at),
                        ..ListQuery::new(statuses.clone(), 1)
                    };
                    let count = f.store.list(who, &query).await.unwrap().count;
                    assert_eq!(count, expected(after, before), "{statuses:?} after {after:?} before {before:?}");
                }
            }
        }
    }
}
