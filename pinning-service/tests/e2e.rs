//! End to end: the service started in-process (`app::start`) on 127.0.0.1
//! with a temporary database, driven over HTTP by the generated client (and,
//! where the status code itself is the point, by plain reqwest).

mod lists;
#[path = "../../generated-client/examples/lifecycle/steps.rs"]
mod steps;
mod support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::StreamExt;
use ipfs_pinning_client::models::{Pin, PinStatus, Status};
use ipfs_pinning_client::{Client, GetPinsQuery};
use support::{Service, api_error, assert_not_found, bounded, cid, cid_v0, eventually, ids, listed, meta, page, pin};
use tokio::task::JoinSet;

const ALICE: &str = "alice-e2e-token-0123";
const BOB: &str = "bob-e2e-token-012345";

/// The bound of every test.
const TEST_LIMIT: Duration = Duration::from_secs(120);

/// Every status, as a query.
fn all() -> GetPinsQuery {
    GetPinsQuery::default().status(Status::ALL).limit(1000)
}

fn set<const N: usize>(items: [&String; N]) -> BTreeSet<String> {
    items.into_iter().cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_does_what_the_spec_says() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        let client = service.client(ALICE);
        let origin = "/ip4/203.0.113.9/tcp/4001/p2p/12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf";
        let first = Pin {
            cid: cid("operations first"),
            name: Some("first".to_owned()),
            origins: Some(vec![origin.to_owned()]),
            meta: Some(meta(&[("app", "e2e"), ("step", "add")])),
        };

        // Add: a new request, queued, echoing the pin as given.
        let before_add = Utc::now();
        let added = client.add_pin(&first).await.unwrap();
        let after_add = Utc::now();
        assert_eq!(added.status, Status::Queued);
        assert_eq!(added.pin, first);
        assert!(!added.requestid.is_empty());
        assert!(!added.delegates.is_empty(), "delegates must have 1 to 20 items");
        let slack = TimeDelta::milliseconds(5);
        assert!(
            added.created >= before_add - slack && added.created <= after_add + slack,
            "created {} is not between {before_add} and {after_add}",
            added.created
        );

        // Get: the same request.
        let got = client.get_pin_by_request_id(&added.requestid).await.unwrap();
        assert_eq!((&got.requestid, &got.pin, got.created), (&added.requestid, &first, added.created));

        // List: it is there, with every status.
        let (count, listed_ids) = listed(&client, &all()).await;
        assert_eq!((count, listed_ids), (1, set([&added.requestid])));

        // Replace: a new request for the new pin; the old one is gone.
        let second = Pin {
            cid: cid("operations second"),
            name: Some("second".to_owned()),
            origins: None,
            meta: Some(meta(&[("app", "e2e"), ("step", "replace")])),
        };
        let replaced = client.replace_pin_by_request_id(&added.requestid, &second).await.unwrap();
        assert_ne!(replaced.requestid, added.requestid);
        assert_eq!(replaced.pin, second);
        assert!(replaced.created > added.created, "the replacement is a new request: {replaced:?}");
        assert_not_found(client.get_pin_by_request_id(&added.requestid).await, "get the replaced request");
        let got = client.get_pin_by_request_id(&replaced.requestid).await.unwrap();
        assert_eq!(got.pin, second);
        let (count, listed_ids) = listed(&client, &all()).await;
        assert_eq!((count, listed_ids), (1, set([&replaced.requestid])));
        // Replacing the old requestid again finds nothing.
        assert_not_found(
            client.replace_pin_by_request_id(&added.requestid, &first).await,
            "replace a replaced request",
        );

        // Delete: gone for get, for a second delete, and from lists.
        client.delete_pin_by_request_id(&replaced.requestid).await.unwrap();
        assert_not_found(client.get_pin_by_request_id(&replaced.requestid).await, "get a deleted request");
        assert_not_found(client.delete_pin_by_request_id(&replaced.requestid).await, "delete twice");
        let (count, listed_ids) = listed(&client, &all()).await;
        assert_eq!((count, listed_ids.len()), (0, 0));

        // A requestid that never existed.
        assert_not_found(client.get_pin_by_request_id("no-such-request").await, "get an unknown request");
    })
    .await;
}

/// The raw wire: status codes and bodies the client does not expose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_codes_on_the_wire() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        ipfs_pinning_client::install_crypto_provider();
        let http = reqwest::Client::builder().timeout(support::REQUEST_TIMEOUT).build().unwrap();
        let url = service.url().to_owned();
        let send = |request: reqwest::RequestBuilder| async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            let json: serde_json::Value = if text.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::from_str(&text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
            };
            (status, json)
        };
        let json_body = |value: serde_json::Value| value.to_string();
        let cid_one = cid("wire one");

        let (status, body) = send(
            http.post(format!("{url}/pins"))
                .bearer_auth(ALICE)
                .header("content-type", "application/json")
                .body(json_body(serde_json::json!({ "cid": cid_one, "name": "wire" }))),
        )
        .await;
        assert_eq!(status, 202, "{body}");
        assert_eq!(body["status"], "queued", "{body}");
        assert_eq!(body["pin"]["cid"], cid_one.as_str(), "{body}");
        let requestid = body["requestid"].as_str().unwrap().to_owned();

        let (status, body) = send(http.get(format!("{url}/pins/{requestid}")).bearer_auth(ALICE)).await;
        assert_eq!((status, body["requestid"].as_str()), (200, Some(requestid.as_str())), "{body}");

        let (status, body) =
            send(http.get(format!("{url}/pins?status=queued,pinning,pinned,failed")).bearer_auth(ALICE)).await;
        assert_eq!((status, body["count"].as_i64()), (200, Some(1)), "{body}");

        let (status, body) = send(
            http.post(format!("{url}/pins/{requestid}"))
                .bearer_auth(ALICE)
                .header("content-type", "application/json")
                .body(json_body(serde_json::json!({ "cid": cid("wire two") }))),
        )
        .await;
        assert_eq!(status, 202, "{body}");
        let replacement = body["requestid"].as_str().unwrap().to_owned();
        assert_ne!(replacement, requestid);

        let (status, body) = send(http.get(format!("{url}/pins/{requestid}")).bearer_auth(ALICE)).await;
        assert_eq!((status, body["error"]["reason"].as_str()), (404, Some("NOT_FOUND")), "{body}");

        let (status, body) = send(http.delete(format!("{url}/pins/{replacement}")).bearer_auth(ALICE)).await;
        assert_eq!(status, 202, "{body}");
        let (status, body) = send(http.get(format!("{url}/pins/{replacement}")).bearer_auth(ALICE)).await;
        assert_eq!((status, body["error"]["reason"].as_str()), (404, Some("NOT_FOUND")), "{body}");
        let (status, body) = send(http.delete(format!("{url}/pins/{replacement}")).bearer_auth(ALICE)).await;
        assert_eq!((status, body["error"]["reason"].as_str()), (404, Some("NOT_FOUND")), "{body}");

        // Authentication: none, or a token the service does not know.
        let (status, body) = send(http.get(format!("{url}/pins"))).await;
        assert_eq!(status, 401, "{body}");
        assert!(body["error"]["reason"].is_string(), "a Failure: {body}");
        let (status, body) = send(http.get(format!("{url}/pins")).bearer_auth("mallory-token")).await;
        assert_eq!(status, 401, "{body}");

        // Bad input: a body that is not a Pin, a limit out of range.
        let (status, body) = send(
            http.post(format!("{url}/pins"))
                .bearer_auth(ALICE)
                .header("content-type", "application/json")
                .body(r#"{"cid": 5}"#),
        )
        .await;
        assert_eq!(status, 400, "{body}");
        // Query parameters that cannot be read: 400, naming the parameter.
        for (parameter, query) in [
            ("limit", "limit=0"),
            ("limit", "limit=1001"),
            ("limit", "limit=ten"),
            ("status", "status=expired"),
            ("before", "before=yesterday"),
            ("after", "after=2020-13-01T00:00:00Z"),
            ("match", "name=x&match=fuzzy"),
            ("meta", "meta=not-json"),
            ("meta", "meta=%5B1%2C2%5D"),
        ] {
            let (status, body) = send(http.get(format!("{url}/pins?{query}")).bearer_auth(ALICE)).await;
            assert_eq!(status, 400, "{query}: {body}");
            let details = body["error"]["details"].as_str().unwrap_or_default();
            assert!(details.contains(parameter), "{query}: the details do not name `{parameter}`: {body}");
        }
        let (status, body) = send(
            http.post(format!("{url}/pins"))
                .bearer_auth(ALICE)
                .header("content-type", "application/json")
                .body(r#"{"cid": "#),
        )
        .await;
        assert_eq!(status, 400, "truncated JSON: {body}");

        // The same cid twice: two requests (the spec's requestid is per request).
        let again = cid("wire again");
        let mut requestids = BTreeSet::new();
        for _ in 0..2 {
            let (status, body) = send(
                http.post(format!("{url}/pins"))
                    .bearer_auth(ALICE)
                    .header("content-type", "application/json")
                    .body(json_body(serde_json::json!({ "cid": again }))),
            )
            .await;
            assert_eq!(status, 202, "{body}");
            requestids.insert(body["requestid"].as_str().unwrap().to_owned());
        }
        assert_eq!(requestids.len(), 2, "{requestids:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_cid_is_a_400_failure_naming_the_field() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &[]).await;
        let client = service.client(ALICE);
        let good = cid_v0("invalid cid test");
        for bad in [
            "not-a-cid",
            "QmCIDToBePinned",
            "",
            &format!("/ipfs/{good}"),
            &format!("{good} "),
            // A CIDv1 with a truncated multihash.
            &cid("truncated")[..40],
        ] {
            let (status, failure) = api_error(client.add_pin(&pin(bad, Some("bad"))).await);
            assert_eq!(status, 400, "cid {bad:?}: {failure:?}");
            assert_eq!(failure.error.reason, "INVALID_BODY", "cid {bad:?}: {failure:?}");
            let details = failure.error.details.unwrap_or_default();
            assert!(details.contains("cid"), "cid {bad:?}: the details do not name the field: {details}");
        }
        // Nothing was stored.
        assert_eq!(listed(&client, &all()).await.0, 0);

        // A replace with an invalid cid changes nothing.
        let kept = client.add_pin(&pin(&good, Some("kept"))).await.unwrap();
        let (status, failure) =
            api_error(client.replace_pin_by_request_id(&kept.requestid, &pin("bafy-nope", None)).await);
        assert_eq!((status, failure.error.reason.as_str()), (400, "INVALID_BODY"), "{failure:?}");
        assert!(failure.error.details.unwrap_or_default().contains("cid"));
        let still = client.get_pin_by_request_id(&kept.requestid).await.unwrap();
        assert_eq!(still.pin.cid, good);
        assert_eq!(listed(&client, &all()).await, (1, set([&kept.requestid])));

        // The `cid` filter of a list is checked too.
        let (status, failure) = api_error(client.get_pins(&all().cid([good.as_str(), "nope"])).await);
        assert_eq!((status, failure.error.reason.as_str()), (400, "INVALID_PARAMETER"), "{failure:?}");
        assert!(failure.error.details.unwrap_or_default().contains("cid"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenants_never_see_each_others_pins() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE, BOB], &[]).await;
        let alice = service.client(ALICE);
        let bob = service.client(BOB);
        let mut alices = Vec::new();
        for index in 0..3 {
            alices.push(alice.add_pin(&pin(&cid(&format!("alice {index}")), Some("mine"))).await.unwrap());
        }
        let mut bobs = Vec::new();
        for index in 0..2 {
            bobs.push(bob.add_pin(&pin(&cid(&format!("bob {index}")), Some("mine"))).await.unwrap());
        }
        // The same cid, pinned by both: two separate requests.
        let common = cid("both");
        let alice_common = alice.add_pin(&pin(&common, Some("common"))).await.unwrap();
        let bob_common = bob.add_pin(&pin(&common, Some("common"))).await.unwrap();
        assert_ne!(alice_common.requestid, bob_common.requestid);
        alices.push(alice_common.clone());
        bobs.push(bob_common.clone());

        // Bob cannot reach Alice's requests.
        for target in &alices {
            assert_not_found(bob.get_pin_by_request_id(&target.requestid).await, "bob gets alice's pin");
            assert_not_found(
                bob.replace_pin_by_request_id(&target.requestid, &pin(&cid("bob's takeover"), None)).await,
                "bob replaces alice's pin",
            );
            assert_not_found(bob.delete_pin_by_request_id(&target.requestid).await, "bob deletes alice's pin");
        }
        // ... and his attempts changed nothing for either.
        for target in &alices {
            let got = alice.get_pin_by_request_id(&target.requestid).await.unwrap();
            assert_eq!((&got.pin, got.created), (&target.pin, target.created));
        }
        let filters = [
            all(),
            all().name("mine"),
            all().cid([common.as_str()]),
            all().cid([alices[0].pin.cid.as_str(), bobs[0].pin.cid.as_str()]),
        ];
        for query in &filters {
            let mine = |pins: &[PinStatus]| -> BTreeSet<String> {
                ids(pins.iter().filter(|p| {
                    query.cid.as_ref().is_none_or(|cids| cids.contains(&p.pin.cid))
                        && query.name.as_ref().is_none_or(|name| p.pin.name.as_ref() == Some(name))
                }))
            };
            let (count, got) = listed(&alice, query).await;
            let want = mine(&alices);
            assert_eq!((usize::try_from(count).unwrap(), &got), (want.len(), &want), "alice, {query:?}");
            let (count, got) = listed(&bob, query).await;
            let want = mine(&bobs);
            assert_eq!((usize::try_from(count).unwrap(), &got), (want.len(), &want), "bob, {query:?}");
        }
        // list_all too.
        let all_bob: Vec<_> = bob.list_all(GetPinsQuery::default().status(Status::ALL).limit(1)).collect().await;
        let all_bob: BTreeSet<String> = all_bob.into_iter().map(|item| item.unwrap().requestid).collect();
        assert_eq!(all_bob, ids(&bobs));

        // Deleting Alice's request for the common cid leaves Bob's alone.
        alice.delete_pin_by_request_id(&alice_common.requestid).await.unwrap();
        assert_not_found(alice.get_pin_by_request_id(&alice_common.requestid).await, "alice's deleted pin");
        bob.get_pin_by_request_id(&bob_common.requestid).await.unwrap();
        assert_eq!(listed(&bob, &all().cid([common.as_str()])).await, (1, set([&bob_common.requestid])));
        assert_eq!(listed(&alice, &all().cid([common.as_str()])).await, (0, BTreeSet::new()));

        // The default filter (pinned only) is per tenant too.
        for (client, pins) in [(&alice, &alices[..3]), (&bob, &bobs[..])] {
            for pin in pins {
                client.wait_for(&pin.requestid, &[Status::Pinned], Duration::from_secs(20)).await.unwrap();
            }
        }
        assert_eq!(listed(&alice, &GetPinsQuery::default()).await.0, 3);
        assert_eq!(listed(&bob, &GetPinsQuery::default()).await.0, 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replace_is_atomic_for_concurrent_readers() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &["--simulate-delay", "5ms"]).await;
        let client = service.client(ALICE);
        let chain = meta(&[("chain", "replaced")]);
        let mut first = pin(&cid("replace 0"), Some("replace-0"));
        first.meta = Some(chain.clone());
        let added = client.add_pin(&first).await.unwrap();
        // A bystander that must stay untouched.
        let bystander = client.add_pin(&pin(&cid("bystander"), Some("bystander"))).await.unwrap();

        let done = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(AtomicUsize::new(0));
        let mut readers = JoinSet::new();
        for reader in 0..3 {
            let client = service.client(ALICE);
            let done = Arc::clone(&done);
            let seen = Arc::clone(&seen);
            let chain = chain.clone();
            readers.spawn(async move {
                let query = all().meta(chain);
                let mut observations = 0;
                while !done.load(Ordering::Acquire) || observations == 0 {
                    let (count, results) = page(&client, &query).await;
                    assert_eq!(
                        (count, results.len()),
                        (1, 1),
                        "reader {reader}: a list during replaces shows exactly one request: {results:?}"
                    );
                    let (count, _) = page(&client, &all()).await;
                    assert_eq!(count, 2, "reader {reader}: the replaced pin and the bystander");
                    observations += 1;
                }
                seen.fetch_add(observations, Ordering::Relaxed);
            });
        }

        let mut current = added.requestid.clone();
        let mut history = vec![current.clone()];
        for round in 1..=40 {
            let mut next = pin(&cid(&format!("replace {round}")), Some(&format!("replace-{round}")));
            next.meta = Some(chain.clone());
            let replaced = client.replace_pin_by_request_id(&current, &next).await.unwrap();
            assert_ne!(replaced.requestid, current);
            assert_not_found(client.get_pin_by_request_id(&current).await, "the replaced request");
            assert_eq!(client.get_pin_by_request_id(&replaced.requestid).await.unwrap().pin, next);
            current = replaced.requestid;
            history.push(current.clone());
        }
        done.store(true, Ordering::Release);
        while let Some(result) = readers.join_next().await {
            result.expect("a reader failed");
        }
        assert!(seen.load(Ordering::Relaxed) >= 3, "the readers listed during the replaces");
        assert_eq!(BTreeSet::from_iter(history.iter()).len(), 41, "every replace made a new requestid");
        // In the end: the last replacement and the bystander; every earlier request is gone.
        assert_eq!(listed(&client, &all()).await, (2, set([&current, &bystander.requestid])));
        for old in &history[..40] {
            assert_not_found(client.get_pin_by_request_id(old).await, "an earlier request of the chain");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_goes_from_queued_through_pinning_to_pinned() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &["--simulate-delay", "300ms"]).await;
        let client = service.client(ALICE);
        let target = cid("lifecycle transitions");
        let started = tokio::time::Instant::now();
        let added = client.add_pin(&pin(&target, Some("slow"))).await.unwrap();
        assert_eq!(added.status, Status::Queued);
        // Not pinned yet: the default list (pinned only) does not have it.
        assert_eq!(listed(&client, &GetPinsQuery::default().cid([target.as_str()])).await.0, 0);

        // Every status a poll sees, in order, until pinned.
        let mut statuses = vec![added.status];
        let deadline = started + Duration::from_secs(20);
        let pinned = loop {
            let got = client.get_pin_by_request_id(&added.requestid).await.unwrap();
            if statuses.last() != Some(&got.status) {
                statuses.push(got.status);
            }
            if got.status == Status::Pinned {
                break got;
            }
            assert!(tokio::time::Instant::now() < deadline, "not pinned after 20s: {statuses:?}");
            tokio::time::sleep(support::POLL).await;
        };
        let took = started.elapsed();
        assert_eq!(statuses.first(), Some(&Status::Queued));
        assert!(statuses.contains(&Status::Pinning), "a 300ms pin was never seen pinning: {statuses:?}");
        assert_eq!(statuses.last(), Some(&Status::Pinned), "{statuses:?}");
        let rank = |status: &Status| [Status::Queued, Status::Pinning, Status::Pinned].iter().position(|s| s == status);
        assert!(statuses.windows(2).all(|w| rank(&w[0]) < rank(&w[1])), "statuses went backwards: {statuses:?}");
        assert!(took >= Duration::from_millis(300), "pinned after {took:?}, before the simulated 300ms");
        assert_eq!((&pinned.pin, pinned.created), (&added.pin, added.created));
        assert!(pinned.info.as_ref().is_some_and(|info| !info.is_empty()), "{pinned:?}");
        assert_eq!(
            listed(&client, &GetPinsQuery::default().cid([target.as_str()])).await,
            (1, set([&added.requestid]))
        );

        // wait_for, with several pins at once.
        let mut batch = Vec::new();
        for index in 0..6 {
            batch.push(client.add_pin(&pin(&cid(&format!("batch {index}")), None)).await.unwrap());
        }
        for added in &batch {
            let done =
                client.wait_for(&added.requestid, &[Status::Pinned, Status::Failed], Duration::from_secs(20)).await;
            assert_eq!(done.unwrap().status, Status::Pinned);
        }
        assert_eq!(listed(&client, &GetPinsQuery::default()).await.0, 7);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_that_times_out_fails() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &["--simulate-delay", "1h", "--pin-timeout", "250ms"]).await;
        let client = service.client(ALICE);
        let added = client.add_pin(&pin(&cid("too slow"), None)).await.unwrap();
        let done = client.wait_for(&added.requestid, &[Status::Failed, Status::Pinned], Duration::from_secs(20)).await;
        let done = done.unwrap();
        assert_eq!(done.status, Status::Failed);
        assert!(done.info.is_some_and(|info| !info.is_empty()), "a failed pin says why");
        assert_eq!(listed(&client, &GetPinsQuery::default()).await.0, 0);
        assert_eq!(
            listed(&client, &GetPinsQuery::default().status([Status::Failed])).await,
            (1, set([&added.requestid]))
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tenants_adding_at_once_each_see_exactly_their_own() {
    bounded(TEST_LIMIT, async {
        const TENANTS: usize = 8;
        const PER_TENANT: usize = 25;
        let tokens: Vec<String> = (0..TENANTS).map(|t| format!("tenant-{t}-e2e-token-0123")).collect();
        let token_refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let service = Service::start(&token_refs, &[]).await;
        let clients: Vec<Client> = tokens.iter().map(|token| service.client(token)).collect();

        let mut adds = JoinSet::new();
        for (tenant, client) in clients.iter().enumerate() {
            for index in 0..PER_TENANT {
                let client = client.clone();
                adds.spawn(async move {
                    let new = pin(&cid(&format!("tenant {tenant} pin {index}")), Some(&format!("t{tenant}-{index}")));
                    (tenant, client.add_pin(&new).await.unwrap())
                });
            }
        }
        let mut acknowledged: Vec<Vec<PinStatus>> = vec![Vec::new(); TENANTS];
        while let Some(result) = adds.join_next().await {
            let (tenant, added) = result.expect("an add failed");
            acknowledged[tenant].push(added);
        }
        let every_id: BTreeSet<String> = acknowledged.iter().flat_map(ids).collect();
        assert_eq!(every_id.len(), TENANTS * PER_TENANT, "requestids are unique");

        for (tenant, client) in clients.iter().enumerate() {
            let own = &acknowledged[tenant];
            assert_eq!(own.len(), PER_TENANT);
            let (count, results) = page(client, &all()).await;
            assert_eq!(usize::try_from(count).unwrap(), PER_TENANT, "tenant {tenant}");
            assert_eq!(ids(&results), ids(own), "tenant {tenant} sees exactly its own pins");
            let prefix = format!("t{tenant}-");
            assert!(results.iter().all(|p| p.pin.name.as_deref().is_some_and(|n| n.starts_with(&prefix))));
            let stamps: BTreeSet<DateTime<Utc>> = results.iter().map(|p| p.created).collect();
            assert_eq!(stamps.len(), PER_TENANT, "tenant {tenant}: created is unique");
            // Another tenant's cid is not there.
            let other = acknowledged[(tenant + 1) % TENANTS][0].pin.cid.as_str();
            assert_eq!(listed(client, &all().cid([other])).await.0, 0);
        }
        // All of them get pinned, and the default list of each tenant then has its 25.
        for client in &clients {
            let client = client.clone();
            eventually("every pin of a tenant to be pinned", Duration::from_secs(30), || {
                let client = client.clone();
                async move {
                    let (count, _) = listed(&client, &GetPinsQuery::default()).await;
                    (usize::try_from(count).unwrap() == PER_TENANT).then_some(())
                }
            })
            .await;
        }
    })
    .await;
}

/// The client's lifecycle example (the same steps file the client's interop
/// tests run against a mock), with `meta`, against this service.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lifecycle_example_passes_with_meta() {
    bounded(TEST_LIMIT, async {
        let service = Service::start(&[ALICE], &["--simulate-delay", "50ms"]).await;
        let client = service.client(ALICE);
        let options = steps::Options { meta: true, attempts: 3, pause: Duration::from_millis(100) };
        let mut log = String::new();
        let result = steps::run(&client, &options, &mut log).await;
        assert_eq!(result, Ok(()), "{log}");
        let steps: Vec<&str> = log.lines().map(|line| line.split(':').next().unwrap()).collect();
        assert_eq!(steps, ["add", "get", "list", "replace", "get old", "get new", "delete", "get deleted"], "{log}");
        // Listed at the first try, with the meta filter; nothing is left behind.
        assert!(
            log.contains("list: cid + all statuses + meta: count 1, 1 results, 0 undecodable, new pin listed"),
            "{log}"
        );
        assert!(!log.contains("still answers 200"), "{log}");
        assert_eq!(listed(&client, &all()).await.0, 0);
    })
    .await;
}
