//! End to end, lists: the `cid`, `status`, `name` and `meta` filters,
//! `before`/`after`, `limit` with the total count, and paging through every
//! pin with the client's `list_all`.

use std::collections::BTreeMap;

use ipfs_pinning_client::ListAllError;
use ipfs_pinning_client::models::TextMatchingStrategy;

use super::*;

/// `meta` pairs of a query, and the labels of the pins it must list.
type MetaCase<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

/// `before`, `after`, and the requestids a list with them must hold.
type BoundsCase = (Option<DateTime<Utc>>, Option<DateTime<Utc>>, BTreeSet<String>);

/// A pin the status-filter fixture made, with the status it holds.
struct Fixture {
    requestid: String,
    cid: String,
    status: Status,
}

/// Pins in all four statuses, stable while the service runs: pinned ones
/// from a first run (no delay), failed ones from a second (pins time out),
/// one pinning and two queued in the third (pins take an hour, one at a time).
async fn pins_in_every_status() -> (Service, Vec<Fixture>) {
    let mut service = Service::start(&[ALICE], &["--simulate-delay", "0s"]).await;
    let mut fixtures = Vec::new();
    let plan: [(&str, String, Status); 8] = [
        ("p0", cid("shared"), Status::Pinned),
        ("p1", cid_v0("p1"), Status::Pinned),
        ("p2", cid("p2"), Status::Pinned),
        ("f0", cid("f0"), Status::Failed),
        ("f1", cid_v0("f1"), Status::Failed),
        ("q0", cid("q0"), Status::Pinning),
        // The same cid as p0: a second request for it.
        ("q1", cid("shared"), Status::Queued),
        ("q2", cid("q2"), Status::Queued),
    ];
    for (phase, flags) in [
        (Status::Pinned, &["--simulate-delay", "0s"][..]),
        (Status::Failed, &["--simulate-delay", "1h", "--pin-timeout", "200ms", "--pin-concurrency", "1"][..]),
        (Status::Pinning, &["--simulate-delay", "1h", "--pin-concurrency", "1"][..]),
    ] {
        if phase != Status::Pinned {
            service.restart(flags).await;
        }
        let client = service.client(ALICE);
        let wanted: Vec<_> = plan
            .iter()
            .filter(|(_, _, status)| match phase {
                Status::Pinning => matches!(status, Status::Pinning | Status::Queued),
                phase => *status == phase,
            })
            .collect();
        for (name, cid, status) in wanted {
            let added = client.add_pin(&pin(cid, Some(*name))).await.unwrap();
            if *status != Status::Queued {
                let reached = client.wait_for(&added.requestid, &[*status], Duration::from_secs(20)).await;
                let reached = reached.unwrap_or_else(|error| panic!("{name} did not become {status}: {error}"));
                assert_eq!(reached.status, *status);
            }
            fixtures.push(Fixture { requestid: added.requestid, cid: cid.clone(), status: *status });
        }
    }
    // Everything is where the plan says.
    let client = service.client(ALICE);
    for fixture in &fixtures {
        let got = client.get_pin_by_request_id(&fixture.requestid).await.unwrap();
        assert_eq!((got.status, &got.pin.cid), (fixture.status, &fixture.cid), "{}", fixture.requestid);
    }
    (service, fixtures)
}

/// What the spec says a list with these filters holds (a missing `status` means `pinned` only).
fn expected(fixtures: &[Fixture], cids: Option<&[&String]>, statuses: Option<&[Status]>) -> BTreeSet<String> {
    let statuses = statuses.unwrap_or(&[Status::Pinned]);
    fixtures
        .iter()
        .filter(|f| statuses.contains(&f.status))
        .filter(|f| cids.is_none_or(|cids| cids.contains(&&f.cid)))
        .map(|f| f.requestid.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cid_and_status_filters_match_any_of_their_values() {
    bounded(TEST_LIMIT, async {
        let (service, fixtures) = pins_in_every_status().await;
        let client = service.client(ALICE);
        let cid_of = |index: usize| &fixtures[index].cid;

        // No status: pinned only (three of the eight).
        let (count, got) = listed(&client, &GetPinsQuery::default()).await;
        let pinned = expected(&fixtures, None, None);
        assert_eq!(pinned.len(), 3);
        assert_eq!((count, got), (3, pinned));

        // One status, several, all of them.
        let mut status_queries: Vec<Vec<Status>> = Status::ALL.iter().map(|s| vec![*s]).collect();
        status_queries.push(vec![Status::Queued, Status::Failed]);
        status_queries.push(vec![Status::Pinning, Status::Pinned]);
        status_queries.push(Status::ALL.to_vec());
        for statuses in &status_queries {
            let (count, got) = listed(&client, &GetPinsQuery::default().status(statuses.clone())).await;
            let want = expected(&fixtures, None, Some(statuses));
            assert!(!want.is_empty());
            assert_eq!(usize::try_from(count).unwrap(), want.len(), "count of status {statuses:?}");
            assert_eq!(got, want, "status {statuses:?}");
        }
        assert_eq!(listed(&client, &GetPinsQuery::default().status(Status::ALL)).await.0, 8);

        // cid: any of several, alone (pinned only) and with statuses.
        let shared = cid_of(0);
        assert_eq!(shared, cid_of(6));
        let cid_queries: Vec<Vec<&String>> =
            vec![vec![shared], vec![cid_of(1), cid_of(3), cid_of(5)], vec![shared, cid_of(2), cid_of(4), cid_of(7)]];
        for cids in &cid_queries {
            for statuses in [None, Some(&Status::ALL[..]), Some(&[Status::Failed, Status::Pinning][..])] {
                let mut query = GetPinsQuery::default().cid(cids.iter().map(|c| c.as_str()));
                if let Some(statuses) = statuses {
                    query = query.status(statuses.iter().copied());
                }
                let (count, got) = listed(&client, &query).await;
                let want = expected(&fixtures, Some(cids), statuses);
                assert_eq!(usize::try_from(count).unwrap(), want.len(), "count of cid {cids:?} status {statuses:?}");
                assert_eq!(got, want, "cid {cids:?} status {statuses:?}");
            }
        }
        // The shared cid: both requests, or only the pinned one by default.
        assert_eq!(listed(&client, &all().cid([shared.as_str()])).await.1.len(), 2);
        assert_eq!(
            listed(&client, &GetPinsQuery::default().cid([shared.as_str()])).await.1,
            set([&fixtures[0].requestid])
        );
        // A valid cid nobody pinned.
        assert_eq!(listed(&client, &all().cid([cid("nobody")])).await, (0, BTreeSet::new()));
        // Another cid with the same multihash as p1 (raw codec, not dag-pb) is not p1's cid.
        let v1_of_p1 = cid("p1");
        assert_eq!(listed(&client, &all().cid([v1_of_p1])).await.0, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn name_filter_applies_each_matching_strategy() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        let client = service.client(ALICE);
        let names = [
            "Photos",
            "photos",
            "PHOTOS-2024",
            "my photos backup",
            "holiday-Photos",
            "Documents",
            "photo",
            "a_b%c",
            "axbyc",
            "École",
            "école d'été",
        ];
        let mut by_name = BTreeMap::new();
        for (index, name) in names.iter().enumerate() {
            let added = client.add_pin(&pin(&cid(&format!("name {index}")), Some(name))).await.unwrap();
            by_name.insert(*name, added.requestid);
        }
        // A pin without a name matches no name filter.
        client.add_pin(&pin(&cid("nameless"), None)).await.unwrap();

        use TextMatchingStrategy::{Exact, Iexact, Ipartial, Partial};
        let cases: &[(&str, Option<TextMatchingStrategy>, &[&str])] = &[
            ("photos", None, &["photos"]),
            ("photos", Some(Exact), &["photos"]),
            ("photos", Some(Iexact), &["Photos", "photos"]),
            ("photos", Some(Partial), &["photos", "my photos backup"]),
            ("photos", Some(Ipartial), &["Photos", "photos", "PHOTOS-2024", "my photos backup", "holiday-Photos"]),
            ("Photos", Some(Exact), &["Photos"]),
            ("Photos", Some(Partial), &["Photos", "holiday-Photos"]),
            ("photo", Some(Exact), &["photo"]),
            ("photo", Some(Partial), &["photos", "my photos backup", "photo"]),
            (
                "PHOTO",
                Some(Ipartial),
                &["Photos", "photos", "PHOTOS-2024", "my photos backup", "holiday-Photos", "photo"],
            ),
            ("photos-2024", Some(Iexact), &["PHOTOS-2024"]),
            ("photos-2024", Some(Exact), &[]),
            ("Photo", Some(Exact), &[]),
            // Wildcards of SQL LIKE are plain characters.
            ("_", Some(Partial), &["a_b%c"]),
            ("%", Some(Ipartial), &["a_b%c"]),
            ("a_b", Some(Partial), &["a_b%c"]),
            // Case folding beyond ASCII.
            ("école", Some(Iexact), &["École"]),
            ("ÉCOLE", Some(Ipartial), &["École", "école d'été"]),
            ("école", Some(Exact), &[]),
            ("école", Some(Partial), &["école d'été"]),
        ];
        for (name, strategy, want) in cases {
            let mut query = all().name(*name);
            if let Some(strategy) = strategy {
                query = query.r#match(*strategy);
            }
            let (count, got) = listed(&client, &query).await;
            let want: BTreeSet<String> = want.iter().map(|name| by_name[name].clone()).collect();
            assert_eq!(usize::try_from(count).unwrap(), want.len(), "count of name {name:?} match {strategy:?}");
            assert_eq!(got, want, "name {name:?} match {strategy:?}");
        }
        // The strategies give four different answers for one query.
        let mut answers = BTreeSet::new();
        for strategy in TextMatchingStrategy::ALL {
            answers.insert(listed(&client, &all().name("photos").r#match(strategy)).await.1);
        }
        assert_eq!(answers.len(), 4, "{answers:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meta_filter_needs_every_pair() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        let client = service.client(ALICE);
        let metas: [(&str, Option<BTreeMap<String, String>>); 7] = [
            ("gallery-prod", Some(meta(&[("app", "gallery"), ("env", "prod")]))),
            ("gallery-dev", Some(meta(&[("app", "gallery"), ("env", "dev")]))),
            ("docs-prod", Some(meta(&[("app", "docs"), ("env", "prod")]))),
            ("gallery", Some(meta(&[("app", "gallery")]))),
            ("empty", Some(BTreeMap::new())),
            ("none", None),
            ("gallery-prod-extra", Some(meta(&[("app", "gallery"), ("env", "prod"), ("extra", "1")]))),
        ];
        let mut by_label = BTreeMap::new();
        for (label, pin_meta) in &metas {
            let mut new = pin(&cid(label), Some(label));
            new.meta = pin_meta.clone();
            let added = client.add_pin(&new).await.unwrap();
            assert_eq!(&added.pin.meta, pin_meta);
            by_label.insert(*label, added.requestid);
        }
        let cases: &[MetaCase] = &[
            (&[("app", "gallery")], &["gallery-prod", "gallery-dev", "gallery", "gallery-prod-extra"]),
            (&[("app", "gallery"), ("env", "prod")], &["gallery-prod", "gallery-prod-extra"]),
            (&[("env", "prod")], &["gallery-prod", "docs-prod", "gallery-prod-extra"]),
            (&[("app", "gallery"), ("env", "staging")], &[]),
            (&[("app", "docs"), ("env", "dev")], &[]),
            (&[("app", "Gallery")], &[]),
            (&[("app", "gallery"), ("env", "prod"), ("extra", "1")], &["gallery-prod-extra"]),
            (&[("extra", "1"), ("env", "dev")], &[]),
            (&[("nope", "x")], &[]),
        ];
        for (pairs, want) in cases {
            let (count, got) = listed(&client, &all().meta(meta(pairs))).await;
            let want: BTreeSet<String> = want.iter().map(|label| by_label[label].clone()).collect();
            assert_eq!(usize::try_from(count).unwrap(), want.len(), "count of meta {pairs:?}");
            assert_eq!(got, want, "meta {pairs:?}");
        }
        // meta and another filter: both apply.
        let (count, got) = listed(
            &client,
            &all().meta(meta(&[("env", "prod")])).name("gallery").r#match(TextMatchingStrategy::Partial),
        )
        .await;
        assert_eq!((count, got), (2, set([&by_label["gallery-prod"], &by_label["gallery-prod-extra"]])));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_and_after_are_exclusive_bounds() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        let client = service.client(ALICE);
        let mut pins = Vec::new();
        for index in 0..6 {
            pins.push(client.add_pin(&pin(&cid(&format!("bounds {index}")), None)).await.unwrap());
        }
        let created: Vec<DateTime<Utc>> = pins.iter().map(|p| p.created).collect();
        assert!(created.windows(2).all(|w| w[0] < w[1]), "created must increase: {created:?}");
        let some =
            |indexes: &[usize]| -> BTreeSet<String> { indexes.iter().map(|&i| pins[i].requestid.clone()).collect() };
        let micro = TimeDelta::microseconds(1);
        let nano = TimeDelta::nanoseconds(1);
        let cases: Vec<BoundsCase> = vec![
            (Some(created[3]), None, some(&[0, 1, 2])),
            (None, Some(created[3]), some(&[4, 5])),
            (Some(created[4]), Some(created[1]), some(&[2, 3])),
            (Some(created[3] + micro), None, some(&[0, 1, 2, 3])),
            (None, Some(created[3] - micro), some(&[3, 4, 5])),
            // Bounds finer than the microseconds `created` has.
            (Some(created[3] + nano), None, some(&[0, 1, 2, 3])),
            (Some(created[3] - nano), None, some(&[0, 1, 2])),
            (None, Some(created[3] - nano), some(&[3, 4, 5])),
            (None, Some(created[3] + nano), some(&[4, 5])),
            (Some(created[0]), None, some(&[])),
            (None, Some(created[5]), some(&[])),
            (Some(created[3]), Some(created[2]), some(&[])),
            (Some(created[5] + TimeDelta::days(1)), Some(created[0] - TimeDelta::days(1)), some(&[0, 1, 2, 3, 4, 5])),
        ];
        for (before, after, want) in cases {
            let mut query = all();
            query.before = before;
            query.after = after;
            let (count, got) = listed(&client, &query).await;
            assert_eq!(usize::try_from(count).unwrap(), want.len(), "count of before {before:?} after {after:?}");
            assert_eq!(got, want, "before {before:?} after {after:?}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_pages_newest_first_and_count_is_the_total() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        let client = service.client(ALICE);
        let mut added = Vec::new();
        for index in 0..25 {
            added.push(
                client.add_pin(&pin(&cid(&format!("limit {index}")), Some(&format!("limit-{index}")))).await.unwrap(),
            );
        }
        let newest_first: Vec<String> = added.iter().rev().map(|p| p.requestid.clone()).collect();
        let order = |results: &[PinStatus]| -> Vec<String> { results.iter().map(|p| p.requestid.clone()).collect() };

        // The spec's implicit default limit is 10.
        let (count, results) = page(&client, &GetPinsQuery::default().status(Status::ALL)).await;
        assert_eq!((count, order(&results)), (25, newest_first[..10].to_vec()));
        for limit in [1, 7, 24, 25, 26, 1000] {
            let (count, results) = page(&client, &GetPinsQuery::default().status(Status::ALL).limit(limit)).await;
            let shown = usize::try_from(limit).unwrap().min(25);
            assert_eq!(count, 25, "count with limit {limit}");
            assert_eq!(order(&results), newest_first[..shown].to_vec(), "limit {limit}");
            assert!(results.windows(2).all(|w| w[0].created > w[1].created), "newest first, limit {limit}");
        }
        // count is the number of matches of the filters, not of the page.
        let three = [&added[3].pin.cid, &added[11].pin.cid, &added[20].pin.cid];
        let (count, results) =
            page(&client, &GetPinsQuery::default().status(Status::ALL).cid(three.map(String::as_str)).limit(2)).await;
        assert_eq!((count, order(&results)), (3, vec![added[20].requestid.clone(), added[11].requestid.clone()]));
        // The spec's way to the next page: `before` = the oldest `created` of this one.
        let (count, results) = page(
            &client,
            &GetPinsQuery::default()
                .status(Status::ALL)
                .cid(three.map(String::as_str))
                .limit(2)
                .before(results[1].created),
        )
        .await;
        assert_eq!((count, order(&results)), (1, vec![added[3].requestid.clone()]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_pages_through_150_pins_once_each() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        let client = service.client(ALICE);
        let added: Vec<PinStatus> = futures_util::stream::iter(0..150)
            .map(|index| {
                let client = &client;
                async move {
                    let name = if index % 3 == 0 { format!("third-{index}") } else { format!("bulk-{index}") };
                    client.add_pin(&pin(&cid(&format!("bulk {index}")), Some(&name))).await.unwrap()
                }
            })
            .buffer_unordered(8)
            .collect()
            .await;
        let everything = ids(&added);
        assert_eq!(everything.len(), 150);
        let thirds = ids(added.iter().filter(|p| p.pin.name.as_deref().is_some_and(|n| n.starts_with("third-"))));
        assert_eq!(thirds.len(), 50);

        let queries = [
            (GetPinsQuery::default().status(Status::ALL), &everything),
            (GetPinsQuery::default().status(Status::ALL).limit(7), &everything),
            (GetPinsQuery::default().status(Status::ALL).limit(50), &everything),
            (GetPinsQuery::default().status(Status::ALL).limit(149), &everything),
            (GetPinsQuery::default().status(Status::ALL).limit(1), &everything),
            (
                GetPinsQuery::default()
                    .status(Status::ALL)
                    .name("third-")
                    .r#match(TextMatchingStrategy::Partial)
                    .limit(9),
                &thirds,
            ),
        ];
        for (query, want) in queries {
            let items: Vec<Result<PinStatus, ListAllError>> = client.list_all(query.clone()).collect().await;
            let pins: Vec<PinStatus> =
                items.into_iter().map(|item| item.unwrap_or_else(|error| panic!("{query:?}: {error}"))).collect();
            assert_eq!(pins.len(), want.len(), "{query:?}: every pin exactly once");
            assert_eq!(&ids(&pins), want, "{query:?}");
            assert!(pins.windows(2).all(|w| w[0].created > w[1].created), "{query:?}: newest first throughout");
        }
    })
    .await;
}
