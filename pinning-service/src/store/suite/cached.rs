//! The read cache in the suite: a store behind a [`CachedStore`] answers
//! `get` with every write of its own seen at once, on both backends.

use std::collections::BTreeMap;
use std::sync::Arc;

use ipfs_pinning_models::Status;

use super::{CID_A, CID_B, CID_C, Fixture, HOLDER_A, LEASE, lease_a, pin, tenant};
use crate::store::{CachedStore, PinRecord, ReadCache, Store, TenantId};

fn details(text: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("status_details".to_owned(), text.to_owned())])
}

/// `get` through the cache, checked against the store beneath it.
async fn both(cached: &CachedStore, inner: &Arc<dyn Store>, tenant: &TenantId, requestid: &str) -> Option<PinRecord> {
    let answer = cached.get(tenant, requestid).await.unwrap();
    assert_eq!(answer, inner.get(tenant, requestid).await.unwrap(), "the cache and the store disagree");
    answer
}

pub(crate) async fn the_read_cache_sees_each_write_path_at_once(f: Fixture) {
    let cache = Arc::new(ReadCache::admitting_every_pin(1024));
    let cached = CachedStore::new(Arc::clone(&f.store), Arc::clone(&cache));
    let (alice, bob) = (tenant("alice"), tenant("bob"));
    let first = cached.create(&alice, pin(CID_A)).await.unwrap();
    f.tick(1000);
    let second = cached.create(&alice, pin(CID_B)).await.unwrap();

    // A lookup fills the cache; the next is answered from it, to its tenant only.
    assert_eq!(both(&cached, &f.store, &alice, &first.requestid).await, Some(first.clone()));
    let (hits, misses) = cache.hits_and_misses();
    assert_eq!(cached.get(&alice, &first.requestid).await.unwrap(), Some(first.clone()));
    assert_eq!(cached.get(&bob, &first.requestid).await.unwrap(), None);
    assert_eq!(cache.hits_and_misses(), (hits + 2, misses));
    // A missing pin is not cached.
    assert_eq!(cached.get(&alice, "no-such-pin").await.unwrap(), None);
    assert_eq!(cache.len(), 1);

    // Claim, progress, outcome: each seen by the next lookup.
    let job = cached.claim_next(&lease_a(), details("claimed")).await.unwrap().unwrap();
    assert_eq!(job.requestid, first.requestid);
    let got = both(&cached, &f.store, &alice, &first.requestid).await.unwrap();
    assert_eq!((got.status, got.info), (Status::Pinning, details("claimed")));
    assert!(cached.update_progress(&first.requestid, HOLDER_A, details("3 blocks")).await.unwrap());
    assert_eq!(both(&cached, &f.store, &alice, &first.requestid).await.unwrap().info, details("3 blocks"));
    assert!(cached.finish(&first.requestid, HOLDER_A, Status::Pinned, details("done")).await.unwrap());
    let got = both(&cached, &f.store, &alice, &first.requestid).await.unwrap();
    assert_eq!((got.status, got.info), (Status::Pinned, details("done")));

    // A pin left `pinning` by a worker that is gone, requeued at start-up.
    assert_eq!(cached.claim_next(&lease_a(), details("claimed")).await.unwrap().unwrap().requestid, second.requestid);
    assert_eq!(both(&cached, &f.store, &alice, &second.requestid).await.unwrap().status, Status::Pinning);
    f.tick(LEASE.as_micros() as i64 + 1);
    assert_eq!(cached.requeue_interrupted(details("resumed")).await.unwrap(), 1);
    let got = both(&cached, &f.store, &alice, &second.requestid).await.unwrap();
    assert_eq!((got.status, got.info), (Status::Queued, details("resumed")));

    // Replace: the old id is gone, the new one is there.
    assert!(cached.get(&alice, &second.requestid).await.unwrap().is_some());
    let third = cached.replace(&alice, &second.requestid, pin(CID_C)).await.unwrap().unwrap();
    assert_eq!(both(&cached, &f.store, &alice, &second.requestid).await, None);
    assert_eq!(both(&cached, &f.store, &alice, &third.requestid).await, Some(third.clone()));

    // Delete.
    assert!(cached.get(&alice, &third.requestid).await.unwrap().is_some());
    assert!(cached.delete(&alice, &third.requestid).await.unwrap());
    assert_eq!(both(&cached, &f.store, &alice, &third.requestid).await, None);
    assert_eq!(both(&cached, &f.store, &alice, &first.requestid).await.unwrap().status, Status::Pinned);
}

pub(crate) async fn the_read_cache_never_keeps_what_a_concurrent_write_changed(f: Fixture) {
    // Lookups and status changes of a few pins at once: after every write
    // has returned, each pin reads as the store has it.
    let cache = Arc::new(ReadCache::admitting_every_pin(1024));
    let cached = Arc::new(CachedStore::new(Arc::clone(&f.store), Arc::clone(&cache)));
    let alice = tenant("alice");
    let mut ids = Vec::new();
    for cid in [CID_A, CID_B, CID_C] {
        ids.push(cached.create(&alice, pin(cid)).await.unwrap().requestid);
        f.tick(1000);
    }
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (cached, alice, ids) = (Arc::clone(&cached), alice.clone(), ids.clone());
            tokio::spawn(async move {
                for round in 0..200 {
                    let _ = cached.get(&alice, &ids[round % ids.len()]).await.unwrap();
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for round in 0..12 {
        let job = cached.claim_next(&lease_a(), details(&format!("claimed {round}"))).await.unwrap().unwrap();
        cached.update_progress(&job.requestid, HOLDER_A, details(&format!("working {round}"))).await.unwrap();
        tokio::task::yield_now().await;
        cached.finish(&job.requestid, HOLDER_A, Status::Queued, details(&format!("again {round}"))).await.unwrap();
    }
    for reader in readers {
        reader.await.unwrap();
    }
    for id in &ids {
        let got = both(&cached, &f.store, &alice, id).await.unwrap();
        assert_eq!(got.status, Status::Queued);
    }
}
