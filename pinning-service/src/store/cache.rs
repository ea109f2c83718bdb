//! The read cache of `GET /pins/{requestid}`: the pins this replica read
//! lately, by `requestid` (unique across tenants, so a cached pin also
//! answers "not yours" to every other tenant), bounded, and kept exact by
//! invalidation rather than by a time to live.
//!
//! [`CachedStore`] wraps any [`Store`]:
//! - `get` answers from the cache when it can, else asks the store and
//!   fills the cache with what it found (a missing pin is not cached);
//! - every write that changes what `get` returns (`replace`, `delete`, the
//!   worker's claims, progress and outcomes, start-up's requeue) invalidates
//!   the pins it touched after its commit and before it returns, so the
//!   caller, and any request that starts after it was acknowledged, reads
//!   the new state (read-your-writes; a new pin needs nothing: no one can
//!   have cached an id that did not exist);
//! - other processes' writes reach the cache through [`ReadCache::invalidate`]
//!   and [`ReadCache::suspend`] (PostgreSQL: `notifications.rs`).
//!
//! A pin is kept from its second read on, not its first: a Bloom filter of
//! the `requestid`s read lately (a "doorkeeper", as in TinyLFU; two bits a
//! pin in sixteen a cached pin) lets a fill in only when its bits were
//! already set, and is cleared after as many new pins as the cache holds.
//! What clients read again and again (a pin polled until it is pinned) is
//! kept; what is read once (a walk over every pin) is not, but for the few
//! the filter mistakes for read before (under 2%): it costs no insertion and
//! no eviction (a copy of the pin, and frees in memory that is not in the
//! CPU's caches: about 5 µs of CPU a lookup on the scale bench), and it
//! hardly evicts the pins that are polled.
//!
//! A fill races with invalidations: a lookup may read a pin, then a writer
//! commits and invalidates it, then the lookup would store what it read.
//! Each shard therefore has an epoch that every invalidation bumps; a lookup
//! notes it (a [`Ticket`]) before it asks the store and fills only if it has
//! not moved since. While the cache is suspended (another process's writes
//! cannot be seen) it answers nothing and takes no fills.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use indexmap::IndexMap;
use ipfs_pinning_models::Status;

use super::notifications::Listener;
use super::{
    CidLock, ClaimLimits, Job, Lease, ListPage, ListQuery, NewPin, PinRecord, Stats, Store, StoreFuture, TenantId,
    UnpinJob,
};

/// Shards of the map, each behind its own lock.
const SHARDS: usize = 64;

/// The most bits the doorkeeper has (a power of two).
const MAX_DOORKEEPER_BITS: usize = 1 << 28;

/// A cached pin and its tenant.
struct Entry {
    tenant: TenantId,
    record: PinRecord,
}

struct Shard {
    /// Bumped by every invalidation of a pin of this shard and by every clear.
    epoch: u64,
    entries: IndexMap<String, Entry>,
    /// The state of a xorshift generator: which entry a full shard evicts.
    random: u64,
}

/// The cache's shards, bound and state (see the module's documentation).
pub struct ReadCache {
    shards: Box<[Mutex<Shard>]>,
    per_shard: usize,
    hasher: RandomState,
    suspended: AtomicBool,
    /// What [`fresh_until`](Self::fresh_until) counts from.
    origin: Instant,
    /// Nanoseconds after `origin` until which the cache may answer
    /// (`u64::MAX`: always, when no other process writes).
    fresh_until: AtomicU64,
    /// How long a confirmation ([`ReadCache::confirm`]) lets it answer.
    bound: Mutex<Duration>,
    hits: AtomicU64,
    misses: AtomicU64,
    /// The doorkeeper (see the module's documentation); empty when every
    /// fill is let in.
    seen: Box<[AtomicU64]>,
    /// Bits set in `seen` since it was last cleared.
    marks: AtomicUsize,
    /// How many new bits clear `seen`: the capacity.
    marks_per_round: usize,
}

/// What a lookup noted before it asked the store: its shard's epoch (`None`
/// while the cache is suspended: nothing may be filled), and its
/// `requestid`'s hash (its doorkeeper bit).
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    shard: usize,
    epoch: Option<u64>,
    hash: u64,
}

/// What the cache knows of a lookup.
pub enum Cached {
    /// The answer: the tenant's pin, or `None` when the id is another tenant's.
    Known(Option<PinRecord>),
    /// Ask the store, then [`ReadCache::fill`] with this ticket.
    Unknown(Ticket),
}

impl ReadCache {
    /// A cache of at most about `capacity` pins (at least one a shard),
    /// each kept from its second read on.
    pub fn new(capacity: usize) -> Self {
        // Sixteen bits a pin, two set by each: at the end of a round (when
        // `capacity` pins were marked) at most one bit in eight is set, so
        // at most one first read in 64 passes for a second one. At most
        // `MAX_DOORKEEPER_BITS` (32 MiB; more first reads pass beyond 16M pins).
        let bits = capacity.saturating_mul(16).min(MAX_DOORKEEPER_BITS).next_power_of_two().max(64);
        let words = bits / 64;
        ReadCache { seen: (0..words).map(|_| AtomicU64::new(0)).collect(), ..Self::admitting_every_pin(capacity) }
    }

    /// A cache of at most about `capacity` pins that keeps every pin from
    /// its first read on (no doorkeeper).
    pub fn admitting_every_pin(capacity: usize) -> Self {
        let per_shard = capacity.div_ceil(SHARDS).max(1);
        let hasher = RandomState::new();
        let shards = (0..SHARDS)
            .map(|index| Mutex::new(Shard { epoch: 0, entries: IndexMap::new(), random: hasher.hash_one(index) | 1 }))
            .collect();
        ReadCache {
            shards,
            per_shard,
            hasher,
            suspended: AtomicBool::new(false),
            origin: Instant::now(),
            fresh_until: AtomicU64::new(u64::MAX),
            bound: Mutex::new(Duration::MAX),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            seen: Box::new([]),
            marks: AtomicUsize::new(0),
            marks_per_round: capacity.max(1),
        }
    }

    fn hash(&self, requestid: &str) -> u64 {
        self.hasher.hash_one(requestid)
    }

    fn shard_of(hash: u64) -> usize {
        (hash % SHARDS as u64) as usize
    }

    /// Whether the doorkeeper lets in the fill of the pin of this hash: it
    /// was read lately (or there is no doorkeeper). Marks it read.
    fn admits(&self, hash: u64) -> bool {
        if self.seen.is_empty() {
            return true;
        }
        // Two bits from the hash's upper and lower halves (above the
        // shard's bits, so the pins of one shard spread too); the number of
        // bits is a power of two.
        let bits = self.seen.len() * 64;
        let mut known = true;
        for bit in [(hash >> 6) as usize & (bits - 1), (hash >> 35) as usize & (bits - 1)] {
            let mask = 1u64 << (bit % 64);
            known &= self.seen[bit / 64].fetch_or(mask, Ordering::Relaxed) & mask != 0;
        }
        if known {
            return true;
        }
        if self.marks.fetch_add(1, Ordering::Relaxed) + 1 >= self.marks_per_round {
            // A new round: what was read before it is forgotten. Fills that
            // race with this are let in or not; either is harmless.
            self.marks.store(0, Ordering::Relaxed);
            for word in &self.seen {
                word.store(0, Ordering::Relaxed);
            }
        }
        false
    }

    fn lock(&self, shard: usize) -> MutexGuard<'_, Shard> {
        // A panic while a shard was locked leaves it consistent (every
        // change is one map operation), so a poisoned lock is still usable.
        self.shards[shard].lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn nanos_since_origin(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.origin).as_nanos()).unwrap_or(u64::MAX)
    }

    /// What the cache knows of `tenant`'s pin `requestid`.
    pub fn get(&self, tenant: &TenantId, requestid: &str) -> Cached {
        let hash = self.hash(requestid);
        let shard = Self::shard_of(hash);
        if self.suspended.load(Ordering::Acquire) {
            return Cached::Unknown(Ticket { shard, epoch: None, hash });
        }
        let fresh_until = self.fresh_until.load(Ordering::Acquire);
        if fresh_until != u64::MAX && self.nanos_since_origin(Instant::now()) > fresh_until {
            // Not confirmed lately: it may miss other processes' writes.
            // Fills go on (invalidations still arrive), answers wait.
            let epoch = self.lock(shard).epoch;
            self.misses.fetch_add(1, Ordering::Relaxed);
            return Cached::Unknown(Ticket { shard, epoch: Some(epoch), hash });
        }
        let guard = self.lock(shard);
        // Checked again under the lock: `suspend` clears every shard after
        // setting the flag, so an entry seen here was filled before it.
        if self.suspended.load(Ordering::Acquire) {
            return Cached::Unknown(Ticket { shard, epoch: None, hash });
        }
        match guard.entries.get(requestid) {
            Some(entry) => {
                let answer = (entry.tenant == *tenant).then(|| entry.record.clone());
                drop(guard);
                self.hits.fetch_add(1, Ordering::Relaxed);
                Cached::Known(answer)
            }
            None => {
                let epoch = guard.epoch;
                drop(guard);
                self.misses.fetch_add(1, Ordering::Relaxed);
                Cached::Unknown(Ticket { shard, epoch: Some(epoch), hash })
            }
        }
    }

    /// Stores what the store answered a lookup, unless the pin was
    /// invalidated (or the cache cleared or suspended) since its ticket, or
    /// the doorkeeper does not let it in (its first read lately).
    pub fn fill(&self, ticket: Ticket, tenant: &TenantId, record: &PinRecord) {
        let Some(epoch) = ticket.epoch else { return };
        if !self.admits(ticket.hash) {
            return;
        }
        let mut guard = self.lock(ticket.shard);
        if guard.epoch != epoch || self.suspended.load(Ordering::Acquire) {
            return;
        }
        let shard = &mut *guard;
        if shard.entries.len() >= self.per_shard && !shard.entries.contains_key(&record.requestid) {
            // Random eviction: no bookkeeping on hits, and no access
            // pattern makes it evict every entry a loop needs.
            shard.random ^= shard.random << 13;
            shard.random ^= shard.random >> 7;
            shard.random ^= shard.random << 17;
            let victim = (shard.random % shard.entries.len() as u64) as usize;
            shard.entries.swap_remove_index(victim);
        }
        shard.entries.insert(record.requestid.clone(), Entry { tenant: tenant.clone(), record: record.clone() });
    }

    /// Forgets the pin `requestid` (it changed or went).
    pub fn invalidate(&self, requestid: &str) {
        let mut guard = self.lock(Self::shard_of(self.hash(requestid)));
        guard.epoch += 1;
        guard.entries.swap_remove(requestid);
    }

    /// Forgets every pin.
    pub fn clear(&self) {
        for shard in 0..self.shards.len() {
            let mut guard = self.lock(shard);
            guard.epoch += 1;
            guard.entries.clear();
        }
    }

    /// Stops answering and filling, and forgets every pin: from now on,
    /// other processes' writes may go unseen (the notification connection
    /// is lost).
    pub fn suspend(&self) {
        self.suspended.store(true, Ordering::Release);
        if self.fresh_until.load(Ordering::Acquire) != u64::MAX {
            self.fresh_until.store(0, Ordering::Release);
        }
        self.clear();
    }

    /// Answers and fills again, from empty: call once other processes'
    /// writes are seen again (listening again), never before. Counts as a
    /// [`confirm`](Self::confirm) now.
    pub fn resume(&self) {
        self.clear();
        self.confirm(Instant::now());
        self.suspended.store(false, Ordering::Release);
    }

    /// From now on the cache answers only within `bound` of the last
    /// [`confirm`](Self::confirm) (or [`resume`](Self::resume)): so it never
    /// lags other processes' writes by more than that, even when the
    /// connection that tells it of them dies without a word.
    pub fn bound_staleness(&self, bound: Duration) {
        *self.bound.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = bound;
        self.fresh_until.store(0, Ordering::Release);
    }

    /// Every write other processes committed before `sent` has been
    /// invalidated (a heartbeat sent then came back through the same
    /// ordered stream as the invalidations): answers may go on until
    /// `sent` plus the bound.
    pub fn confirm(&self, sent: Instant) {
        let bound = *self.bound.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if bound == Duration::MAX {
            return;
        }
        let until = self.nanos_since_origin(sent).saturating_add(u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX));
        self.fresh_until.fetch_max(until.min(u64::MAX - 1), Ordering::AcqRel);
    }

    /// The instant `nanos` after this cache's origin (heartbeats carry their
    /// sending time this way).
    pub fn instant_at(&self, nanos: u64) -> Instant {
        self.origin + Duration::from_nanos(nanos)
    }

    /// Nanoseconds since this cache's origin, now.
    pub fn nanos_now(&self) -> u64 {
        self.nanos_since_origin(Instant::now())
    }

    /// Whether the cache is suspended.
    pub fn is_suspended(&self) -> bool {
        self.suspended.load(Ordering::Acquire)
    }

    /// Lookups answered by the cache, and those that asked the store, so far.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// How many pins the cache holds.
    pub fn len(&self) -> usize {
        (0..self.shards.len()).map(|shard| self.lock(shard).entries.len()).sum()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A [`Store`] with a [`ReadCache`] in front of `get` (see the module's
/// documentation); every other method is the inner store's.
pub struct CachedStore {
    inner: Arc<dyn Store>,
    cache: Arc<ReadCache>,
    /// What tells the cache of other processes' writes (PostgreSQL).
    listener: Mutex<Option<Listener>>,
}

impl CachedStore {
    /// `inner`, read through `cache`. The caller makes sure every write of
    /// another process to `inner`'s database reaches the cache (or that there
    /// are none).
    pub fn new(inner: Arc<dyn Store>, cache: Arc<ReadCache>) -> Self {
        CachedStore { inner, cache, listener: Mutex::new(None) }
    }

    /// This store, with `listener` telling its cache of other processes'
    /// writes (it stops with the store).
    pub fn following(self, listener: Listener) -> Self {
        *self.listener.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(listener);
        self
    }

    /// The process id of the server process of the listener's connection,
    /// while it listens.
    pub fn listener_pid(&self) -> Option<u32> {
        self.listener.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).as_ref()?.backend_pid()
    }

    /// The cache.
    pub fn cache(&self) -> &Arc<ReadCache> {
        &self.cache
    }
}

impl Store for CachedStore {
    fn create<'a>(&'a self, tenant: &'a TenantId, pin: NewPin) -> StoreFuture<'a, PinRecord> {
        self.inner.create(tenant, pin)
    }

    fn get<'a>(&'a self, tenant: &'a TenantId, requestid: &'a str) -> StoreFuture<'a, Option<PinRecord>> {
        async move {
            let ticket = match self.cache.get(tenant, requestid) {
                Cached::Known(answer) => return Ok(answer),
                Cached::Unknown(ticket) => ticket,
            };
            let found = self.inner.get(tenant, requestid).await?;
            if let Some(record) = &found {
                self.cache.fill(ticket, tenant, record);
            }
            Ok(found)
        }
        .boxed()
    }

    fn list<'a>(&'a self, tenant: &'a TenantId, query: &'a ListQuery) -> StoreFuture<'a, ListPage> {
        self.inner.list(tenant, query)
    }

    fn replace<'a>(
        &'a self,
        tenant: &'a TenantId,
        requestid: &'a str,
        pin: NewPin,
    ) -> StoreFuture<'a, Option<PinRecord>> {
        async move {
            let replaced = self.inner.replace(tenant, requestid, pin).await;
            // Even after an error: the commit may have happened.
            self.cache.invalidate(requestid);
            replaced
        }
        .boxed()
    }

    fn delete<'a>(&'a self, tenant: &'a TenantId, requestid: &'a str) -> StoreFuture<'a, bool> {
        async move {
            let deleted = self.inner.delete(tenant, requestid).await;
            self.cache.invalidate(requestid);
            deleted
        }
        .boxed()
    }

    fn claim_next_fair<'a>(
        &'a self,
        lease: &'a Lease,
        info: BTreeMap<String, String>,
        limits: ClaimLimits,
    ) -> StoreFuture<'a, Option<Job>> {
        async move {
            let claimed = self.inner.claim_next_fair(lease, info, limits).await;
            match &claimed {
                Ok(Some(job)) => self.cache.invalidate(&job.requestid),
                Ok(None) => {}
                // Which pin a failed commit may have claimed is unknown.
                Err(_) => self.cache.clear(),
            }
            claimed
        }
        .boxed()
    }

    fn renew_leases<'a>(&'a self, lease: &'a Lease, requestids: &'a [String]) -> StoreFuture<'a, u64> {
        // A lease is not part of what `get` answers.
        self.inner.renew_leases(lease, requestids)
    }

    fn update_progress<'a>(
        &'a self,
        requestid: &'a str,
        holder: &'a str,
        info: BTreeMap<String, String>,
    ) -> StoreFuture<'a, bool> {
        async move {
            let updated = self.inner.update_progress(requestid, holder, info).await;
            self.cache.invalidate(requestid);
            updated
        }
        .boxed()
    }

    fn finish<'a>(
        &'a self,
        requestid: &'a str,
        holder: &'a str,
        status: Status,
        info: BTreeMap<String, String>,
    ) -> StoreFuture<'a, bool> {
        async move {
            let finished = self.inner.finish(requestid, holder, status, info).await;
            self.cache.invalidate(requestid);
            finished
        }
        .boxed()
    }

    fn requeue_interrupted(&self, info: BTreeMap<String, String>) -> StoreFuture<'_, u64> {
        async move {
            let requeued = self.inner.requeue_interrupted(info).await;
            self.cache.clear();
            requeued
        }
        .boxed()
    }

    fn lock_cid<'a>(&'a self, cid: &'a str) -> StoreFuture<'a, CidLock> {
        self.inner.lock_cid(cid)
    }

    fn ready_unpins(&self, limit: u32) -> StoreFuture<'_, Vec<UnpinJob>> {
        self.inner.ready_unpins(limit)
    }

    fn cid_in_use<'a>(&'a self, cid: &'a str) -> StoreFuture<'a, bool> {
        self.inner.cid_in_use(cid)
    }

    fn cid_spelling_in_use<'a>(&'a self, cid: &'a str) -> StoreFuture<'a, bool> {
        self.inner.cid_spelling_in_use(cid)
    }

    fn complete_unpin(&self, id: i64) -> StoreFuture<'_, ()> {
        self.inner.complete_unpin(id)
    }

    fn postpone_unpin(&self, id: i64, delay: std::time::Duration) -> StoreFuture<'_, ()> {
        self.inner.postpone_unpin(id, delay)
    }

    fn setting_or_insert<'a>(&'a self, key: &'a str, candidate: String) -> StoreFuture<'a, String> {
        self.inner.setting_or_insert(key, candidate)
    }

    fn check_writable(&self) -> StoreFuture<'_, ()> {
        self.inner.check_writable()
    }

    fn stats(&self) -> StoreFuture<'_, Stats> {
        self.inner.stats()
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        async move {
            drop(self.listener.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take());
            self.cache.suspend();
            self.inner.close().await;
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(requestid: &str, status: Status) -> PinRecord {
        PinRecord {
            requestid: requestid.to_owned(),
            status,
            created: chrono::DateTime::from_timestamp_micros(1_700_000_000_000_000).unwrap(),
            cid: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG".to_owned(),
            name: None,
            origins: None,
            meta: None,
            info: BTreeMap::new(),
        }
    }

    fn ticket(cache: &ReadCache, tenant: &TenantId, requestid: &str) -> Ticket {
        match cache.get(tenant, requestid) {
            Cached::Unknown(ticket) => ticket,
            Cached::Known(answer) => panic!("cached already: {answer:?}"),
        }
    }

    #[test]
    fn a_pin_is_answered_to_its_tenant_and_refused_to_others() {
        let cache = ReadCache::admitting_every_pin(16);
        let (alice, bob) = (TenantId::from_token("alice"), TenantId::from_token("bob"));
        let pin = record("r1", Status::Queued);
        cache.fill(ticket(&cache, &alice, "r1"), &alice, &pin);
        assert!(matches!(cache.get(&alice, "r1"), Cached::Known(Some(found)) if found == pin));
        assert!(matches!(cache.get(&bob, "r1"), Cached::Known(None)));
    }

    #[test]
    fn a_fill_that_raced_with_an_invalidation_is_dropped() {
        let cache = ReadCache::admitting_every_pin(16);
        let alice = TenantId::from_token("alice");
        // The lookup reads the old state; a write commits and invalidates;
        // then the lookup would fill what it read.
        let before = ticket(&cache, &alice, "r1");
        cache.invalidate("r1");
        cache.fill(before, &alice, &record("r1", Status::Queued));
        assert!(cache.is_empty());
        // An invalidation of another pin of another shard does not hold a fill back.
        let other = (0..100)
            .map(|n| format!("x{n}"))
            .find(|id| ReadCache::shard_of(cache.hash(id)) != ReadCache::shard_of(cache.hash("r1")))
            .unwrap();
        let fresh = ticket(&cache, &alice, "r1");
        cache.invalidate(&other);
        cache.fill(fresh, &alice, &record("r1", Status::Pinned));
        assert!(matches!(cache.get(&alice, "r1"), Cached::Known(Some(found)) if found.status == Status::Pinned));
        // A clear holds back every fill that started before it.
        cache.invalidate("r1");
        let before = ticket(&cache, &alice, "r1");
        cache.clear();
        cache.fill(before, &alice, &record("r1", Status::Queued));
        assert!(cache.is_empty());
    }

    #[test]
    fn a_suspended_cache_answers_nothing_and_keeps_nothing() {
        let cache = ReadCache::admitting_every_pin(16);
        let alice = TenantId::from_token("alice");
        cache.fill(ticket(&cache, &alice, "r1"), &alice, &record("r1", Status::Queued));
        let before = ticket(&cache, &alice, "r2");
        cache.suspend();
        assert!(cache.is_suspended() && cache.is_empty());
        assert!(matches!(cache.get(&alice, "r1"), Cached::Unknown(Ticket { epoch: None, .. })));
        let during = ticket(&cache, &alice, "r3");
        cache.fill(before, &alice, &record("r2", Status::Queued));
        cache.fill(during, &alice, &record("r3", Status::Queued));
        assert!(cache.is_empty());
        cache.resume();
        // A lookup that began while suspended fills nothing even now.
        cache.fill(during, &alice, &record("r3", Status::Queued));
        assert!(cache.is_empty());
        cache.fill(ticket(&cache, &alice, "r3"), &alice, &record("r3", Status::Queued));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_cache_with_bounded_staleness_answers_only_after_a_recent_confirmation() {
        let cache = ReadCache::admitting_every_pin(16);
        let alice = TenantId::from_token("alice");
        cache.bound_staleness(Duration::from_millis(50));
        cache.resume();
        cache.fill(ticket(&cache, &alice, "r1"), &alice, &record("r1", Status::Queued));
        assert!(matches!(cache.get(&alice, "r1"), Cached::Known(Some(_))));
        std::thread::sleep(Duration::from_millis(80));
        // No heartbeat came back: the entry is kept, but not answered.
        assert!(matches!(cache.get(&alice, "r1"), Cached::Unknown(Ticket { epoch: Some(_), .. })));
        assert_eq!(cache.len(), 1);
        // A heartbeat sent long ago changes nothing; one sent just now does.
        cache.confirm(Instant::now() - Duration::from_millis(60));
        assert!(matches!(cache.get(&alice, "r1"), Cached::Unknown(_)));
        cache.confirm(Instant::now());
        assert!(matches!(cache.get(&alice, "r1"), Cached::Known(Some(_))));
        // A suspension forgets the confirmation too.
        cache.suspend();
        assert!(matches!(cache.get(&alice, "r1"), Cached::Unknown(Ticket { epoch: None, .. })));
    }

    /// Reads `requestid` as a lookup does: asks the cache, then fills it.
    fn read(cache: &ReadCache, tenant: &TenantId, requestid: &str) -> bool {
        match cache.get(tenant, requestid) {
            Cached::Known(_) => true,
            Cached::Unknown(ticket) => {
                cache.fill(ticket, tenant, &record(requestid, Status::Pinned));
                false
            }
        }
    }

    #[test]
    fn a_cache_of_any_size_has_a_bounded_doorkeeper() {
        for capacity in [1, 100_000, usize::MAX / 2, usize::MAX] {
            let bits = ReadCache::new(capacity).seen.len() * 64;
            assert!(bits.is_power_of_two() && (64..=MAX_DOORKEEPER_BITS).contains(&bits), "{capacity}: {bits}");
        }
    }

    #[test]
    fn a_pin_is_kept_from_its_second_read_on() {
        let cache = ReadCache::new(16);
        let alice = TenantId::from_token("alice");
        assert!(!read(&cache, &alice, "r1"));
        assert!(cache.is_empty(), "a first read is not kept");
        assert!(!read(&cache, &alice, "r1"));
        assert!(read(&cache, &alice, "r1"), "the second read was kept");
    }

    #[test]
    fn pins_read_once_do_not_evict_the_pins_read_again() {
        let alice = TenantId::from_token("alice");
        let hot: Vec<String> = (0..SHARDS).map(|n| format!("hot-{n}")).collect();
        let scan = |cache: &ReadCache| {
            for id in &hot {
                read(cache, &alice, id);
                read(cache, &alice, id);
            }
            for n in 0..SHARDS * 100 {
                read(cache, &alice, &format!("once-{n}"));
            }
            hot.iter().filter(|id| read(cache, &alice, id)).count()
        };
        let cache = ReadCache::new(SHARDS * 8);
        assert_eq!(scan(&cache), hot.len(), "a walk over other pins evicted none");
        assert!(cache.len() < hot.len() + SHARDS, "it kept only the few it took for read before: {}", cache.len());
        // Without the doorkeeper the walk evicts them (the reason for it).
        assert!(scan(&ReadCache::admitting_every_pin(SHARDS * 8)) < hot.len() / 4);
    }

    #[test]
    fn the_doorkeeper_forgets_after_as_many_new_reads_as_the_cache_holds() {
        let cache = ReadCache::new(SHARDS);
        let alice = TenantId::from_token("alice");
        assert!(!read(&cache, &alice, "r1"));
        // New pins until a new round starts (a few may share a bit).
        let mut n = 0;
        while cache.marks.load(Ordering::Relaxed) != 0 {
            read(&cache, &alice, &format!("other-{n}"));
            n += 1;
            assert!(n < SHARDS * 4, "no new round after {n} new pins");
        }
        assert!(n >= SHARDS - 1, "a round lasts as many new pins as the cache holds ({n})");
        assert!(!read(&cache, &alice, "r1"), "a read of the last round counts no more");
        assert!(!read(&cache, &alice, "r1"));
        assert!(read(&cache, &alice, "r1"));
    }

    #[test]
    fn the_cache_keeps_within_its_bound() {
        let cache = ReadCache::admitting_every_pin(SHARDS * 2);
        let alice = TenantId::from_token("alice");
        for n in 0..SHARDS * 20 {
            let id = format!("r{n}");
            cache.fill(ticket(&cache, &alice, &id), &alice, &record(&id, Status::Pinned));
        }
        assert!(cache.len() <= SHARDS * 2, "{} pins", cache.len());
        assert!(cache.len() >= SHARDS, "{} pins", cache.len());
    }
}
