//! `GET /pins/{requestid}` lookups, coalesced: while a lookup query is in
//! flight, the lookups that arrive meanwhile wait and then go to the
//! database together, as one query for all their `requestid`s.
//!
//! A lookup is one index probe; what it costs is everything around the probe:
//! a PostgreSQL round trip (a wake-up of a server process), or a hand-off to
//! the thread of an SQLite connection and back. Under load those hops, not
//! the probes, bound the throughput, and one query for many lookups pays them
//! once. A lookup that arrives when no query is in flight goes out at once,
//! alone, so an idle service answers as fast as before. (SQLite's lookups come here
//! only when reading on the caller's thread would wait: see `sqlite/reads.rs`.)
//!
//! Every lookup reads what was committed before it arrived: it joins a batch
//! that has not been sent yet, and the batch's query starts (and takes its
//! snapshot) after that. A row only answers the lookup of its own tenant.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::{PinRecord, StoreError, TenantId};

/// Lookup queries in flight at once, at most: one, and a second one only
/// while the first has been out longer than [`SLOW`].
///
/// Fewer queries in flight make bigger batches, and a query's fixed costs
/// (a wake-up of a PostgreSQL backend and of the service, the protocol's
/// messages, the executor's start) are paid once a batch. On the scale bench
/// (PostgreSQL, 100k pins, 16 clients, lookups spread over all pins), 4 in
/// flight made batches of 1.4 to 1.9 lookups and cost PostgreSQL 15 to 27 µs
/// of CPU a lookup; 2 made batches of 2.7 to 3.4 and cost 14 to 28 µs; 1,
/// batches of 5 to 5.5 and 13 to 16 µs.
const MAX_IN_FLIGHT: usize = 2;

/// How long the one lookup query in flight may take before the lookups
/// waiting behind it go out on a second connection: one slow query (pages
/// read from disk, a connection that stalls) does not hold up every other
/// lookup for longer than this. A query took 0.24 to 0.38 ms on average on
/// the scale bench at 100k pins, under load.
const SLOW: Duration = Duration::from_millis(2);

/// Most `requestid`s in one query.
pub(super) const MAX_BATCH: usize = 128;

/// How many times, at most, the dispatcher lets the runtime run everything
/// else that is ready before it sends the lookups that waited behind a
/// query (see [`gather`]).
const GATHER_ROUNDS: usize = 8;

/// One stored pin a query found: its tenant, its `requestid`, and the pin
/// (or why its row cannot be read, which only its own lookups are told).
pub(super) type Found = (String, String, Result<PinRecord, StoreError>);

/// The stored pins of these `requestid`s (missing ones are left out).
pub(super) type FetchMany =
    Arc<dyn Fn(Vec<String>) -> BoxFuture<'static, Result<Vec<Found>, StoreError>> + Send + Sync>;

type Reply = oneshot::Sender<Result<Option<PinRecord>, StoreError>>;

/// One waiting lookup.
struct Lookup {
    tenant: TenantId,
    requestid: String,
    reply: Reply,
}

/// The coalescing front of a store's point lookups.
pub(super) struct Lookups {
    queue: mpsc::UnboundedSender<Lookup>,
}

impl Lookups {
    /// Lookups answered by `fetch`, from a task spawned on the current runtime
    /// (it ends with the last handle to this).
    pub(super) fn new(fetch: FetchMany) -> Self {
        let (queue, waiting) = mpsc::unbounded_channel();
        tokio::spawn(dispatch(waiting, fetch));
        Lookups { queue }
    }

    /// The tenant's pin `requestid`, if it has one.
    pub(super) async fn get(&self, tenant: &TenantId, requestid: &str) -> Result<Option<PinRecord>, StoreError> {
        let (reply, answer) = oneshot::channel();
        let lookup = Lookup { tenant: tenant.clone(), requestid: requestid.to_owned(), reply };
        self.queue.send(lookup).map_err(|_| StoreError::Database(sqlx::Error::PoolClosed))?;
        answer.await.unwrap_or(Err(StoreError::Database(sqlx::Error::PoolClosed)))
    }
}

/// Sends the waiting lookups to the database: one query at a time (see
/// [`MAX_IN_FLIGHT`]), and everything that arrived meanwhile together in the
/// next one (with the lookups [`gather`] finds ready to join them).
///
/// The queries run inside this task, not on tasks of their own: when a
/// query's rows arrive, this task answers its lookups and sends the next
/// batch at once, with no other task to wake in between. While a query is in
/// flight and not slow, this task does not wait on the queue, so lookups that
/// arrive then wake nobody: they are taken when the query ends. A lookup
/// whose caller went away meanwhile is dropped from its batch (see
/// [`answer`]); none depends on its caller to be sent.
async fn dispatch(mut waiting: mpsc::UnboundedReceiver<Lookup>, fetch: FetchMany) {
    // When each query in flight was sent (each one's future ends with it).
    let mut started: Vec<Instant> = Vec::with_capacity(MAX_IN_FLIGHT);
    let mut in_flight = FuturesUnordered::new();
    let slow = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(slow);
    let mut armed: Option<Instant> = None;
    let mut first: Option<Lookup> = None;
    let mut open = true;
    loop {
        let now = Instant::now();
        let may_send = match started.as_slice() {
            [] => true,
            [only] => now >= *only + SLOW,
            _ => false,
        };
        if may_send {
            let mut batch: Vec<Lookup> = first.take().into_iter().collect();
            while batch.len() < MAX_BATCH {
                match waiting.try_recv() {
                    Ok(lookup) => batch.push(lookup),
                    Err(_) => break,
                }
            }
            if !batch.is_empty() {
                started.push(now);
                in_flight.push(answer(batch, Arc::clone(&fetch)).map(move |()| now));
                continue;
            }
        }
        if !open && in_flight.is_empty() {
            return;
        }
        // The one query in flight, not slow yet: when it will be.
        let deadline = match started.as_slice() {
            [only] if now < *only + SLOW => Some(*only + SLOW),
            _ => None,
        };
        if let Some(deadline) = deadline
            && armed != Some(deadline)
        {
            slow.as_mut().reset(deadline);
            armed = Some(deadline);
        }
        tokio::select! {
            biased;
            Some(sent) = in_flight.next(), if !in_flight.is_empty() => {
                if let Some(index) = started.iter().position(|at| *at == sent) {
                    started.swap_remove(index);
                }
                gather(&waiting).await;
            }
            lookup = waiting.recv(), if open && may_send => match lookup {
                Some(lookup) => first = Some(lookup),
                None => open = false,
            },
            () = &mut slow, if deadline.is_some() => {}
        }
    }
}

/// Lets requests that are already on their way join the lookups waiting
/// for the next query: while the queue grows, yield to the runtime (at most
/// [`GATHER_ROUNDS`] times), which runs every other task that is ready and
/// polls the sockets (`yield_now` wakes this task only after the runtime's
/// next look at its I/O driver).
///
/// Under load, the lookups a query answers are followed at once by their
/// clients' next requests, and requests keep arriving: without this the
/// next query left with the few lookups that queued during the last one,
/// and each query's fixed costs (a wake-up of a PostgreSQL backend and of
/// the service, the protocol's round trip) were paid for fewer lookups. On
/// the scale bench (PostgreSQL, 100k pins, 16 clients) it took PostgreSQL's
/// CPU per lookup from 18 to 20 µs down to 13 to 15 µs, and batches from 4
/// to 5.5 lookups to 6.2. With nothing
/// waiting (an idle service) it does nothing: a lookup that arrives with no
/// query in flight still goes out at once.
async fn gather(waiting: &mpsc::UnboundedReceiver<Lookup>) {
    let mut queued = waiting.len();
    if queued == 0 {
        return;
    }
    for _ in 0..GATHER_ROUNDS {
        tokio::task::yield_now().await;
        let now = waiting.len();
        if now == queued || now >= MAX_BATCH {
            return;
        }
        queued = now;
    }
}

/// Runs one query for `batch` and answers each lookup.
async fn answer(batch: Vec<Lookup>, fetch: FetchMany) {
    // Lookups whose caller has gone (a client that hung up) need no query.
    let batch: Vec<Lookup> = batch.into_iter().filter(|lookup| !lookup.reply.is_closed()).collect();
    if batch.is_empty() {
        return;
    }
    let mut requestids: Vec<String> = batch.iter().map(|lookup| lookup.requestid.clone()).collect();
    requestids.sort_unstable();
    requestids.dedup();
    // Each row answers one lookup, and is moved into its answer, unless
    // several lookups of the batch ask for the same `requestid`.
    let shared = requestids.len() < batch.len();
    match fetch(requestids).await {
        Ok(rows) => {
            let mut found: HashMap<String, (String, Result<PinRecord, StoreError>)> =
                rows.into_iter().map(|(tenant, requestid, record)| (requestid, (tenant, record))).collect();
            for lookup in batch {
                let row = if shared {
                    found.get(&lookup.requestid).map(|(tenant, record)| (tenant.clone(), copy(record)))
                } else {
                    found.remove(&lookup.requestid)
                };
                let record = match row {
                    Some((tenant, record)) if tenant == lookup.tenant.as_str() => {
                        record.map(Some).map_err(|error| unreadable(&error))
                    }
                    _ => Ok(None),
                };
                let _ = lookup.reply.send(record);
            }
        }
        Err(error) => {
            let error = Arc::new(error);
            for lookup in batch {
                let _ = lookup.reply.send(Err(StoreError::Shared(Arc::clone(&error))));
            }
        }
    }
}

/// A row's pin for one more lookup of the same `requestid`.
fn copy(record: &Result<PinRecord, StoreError>) -> Result<PinRecord, StoreError> {
    match record {
        Ok(record) => Ok(record.clone()),
        Err(error) => Err(unreadable(error)),
    }
}

/// A row that cannot be read is a corrupt row, whatever failed in reading it.
fn unreadable(error: &StoreError) -> StoreError {
    match error {
        StoreError::Corrupt(details) => StoreError::Corrupt(details.clone()),
        error => StoreError::Corrupt(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use chrono::Utc;
    use ipfs_pinning_models::Status;
    use tokio::sync::Semaphore;

    use super::*;

    /// A database whose every query waits until the test lets one go
    /// ([`Database::release`]); it holds one pin per `requestid` asked for
    /// (but `missing`), all of tenant `owner`.
    struct Database {
        queries: Mutex<Vec<Vec<String>>>,
        release: Semaphore,
        owner: TenantId,
        fail: bool,
    }

    impl Database {
        fn new(fail: bool) -> Arc<Self> {
            let owner = TenantId::from_token("lookups-test-owner-token");
            Arc::new(Database { queries: Mutex::new(Vec::new()), release: Semaphore::new(0), owner, fail })
        }

        fn fetch(self: &Arc<Self>) -> FetchMany {
            let database = Arc::clone(self);
            Arc::new(move |requestids: Vec<String>| {
                let database = Arc::clone(&database);
                async move {
                    database.queries.lock().unwrap().push(requestids.clone());
                    database.release.acquire().await.expect("open").forget();
                    if database.fail {
                        return Err(StoreError::Database(sqlx::Error::PoolTimedOut));
                    }
                    Ok(requestids
                        .into_iter()
                        .filter(|requestid| requestid != "missing")
                        .map(|requestid| (database.owner.as_str().to_owned(), requestid.clone(), Ok(pin(&requestid))))
                        .collect())
                }
                .boxed()
            })
        }

        fn queries(&self) -> Vec<Vec<String>> {
            self.queries.lock().unwrap().clone()
        }

        /// Waits (on the paused clock, which moves on while every task
        /// waits) until `count` queries were sent.
        async fn sent(&self, count: usize) {
            while self.queries.lock().unwrap().len() < count {
                tokio::time::sleep(Duration::from_micros(50)).await;
            }
        }
    }

    fn pin(requestid: &str) -> PinRecord {
        PinRecord {
            requestid: requestid.to_owned(),
            status: Status::Pinned,
            created: Utc::now(),
            cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy".to_owned(),
            name: None,
            origins: None,
            meta: None,
            info: BTreeMap::new(),
        }
    }

    type Answer = tokio::task::JoinHandle<Result<Option<PinRecord>, StoreError>>;

    fn lookup(lookups: &Arc<Lookups>, tenant: &TenantId, requestid: &str) -> Answer {
        let (lookups, tenant, requestid) = (Arc::clone(lookups), tenant.clone(), requestid.to_owned());
        tokio::spawn(async move { lookups.get(&tenant, &requestid).await })
    }

    async fn found(answer: Answer) -> Option<String> {
        requestid(answer.await.expect("the lookup ends"))
    }

    /// The `requestid` a lookup answered.
    fn requestid(answer: Result<Option<PinRecord>, StoreError>) -> Option<String> {
        answer.expect("no error").map(|record| record.requestid)
    }

    /// A database (failing every query or none), lookups answered by it, and
    /// the tenant of its pins.
    fn lookups_of(fail: bool) -> (Arc<Database>, Arc<Lookups>, TenantId) {
        let database = Database::new(fail);
        let lookups = Arc::new(Lookups::new(database.fetch()));
        let owner = database.owner.clone();
        (database, lookups, owner)
    }

    #[tokio::test(start_paused = true)]
    async fn lookups_wait_for_the_query_in_flight_then_go_together() {
        let (database, lookups, owner) = lookups_of(false);
        let other = TenantId::from_token("lookups-test-other-token");
        let first = lookup(&lookups, &owner, "a");
        database.sent(1).await;
        // While `a` is out (and not slow yet), these gather.
        let waiting = [
            lookup(&lookups, &owner, "b"),
            lookup(&lookups, &owner, "c"),
            lookup(&lookups, &owner, "c"),
            lookup(&lookups, &other, "c"),
            lookup(&lookups, &owner, "missing"),
        ];
        tokio::time::sleep(SLOW / 2).await;
        assert_eq!(database.queries().len(), 1, "no second query before the first is slow");
        database.release.add_permits(1);
        assert_eq!(found(first).await.as_deref(), Some("a"));
        database.sent(2).await;
        assert_eq!(database.queries()[1], ["b", "c", "missing"], "the waiting lookups, in one query");
        database.release.add_permits(1);
        let [b, c, c_again, c_of_other, missing] = waiting;
        assert_eq!(found(b).await.as_deref(), Some("b"));
        assert_eq!(found(c).await.as_deref(), Some("c"));
        assert_eq!(found(c_again).await.as_deref(), Some("c"));
        assert_eq!(found(c_of_other).await, None, "a row answers only its own tenant");
        assert_eq!(found(missing).await, None);
        assert_eq!(database.queries().len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn callers_answered_who_ask_again_at_once_join_the_next_batch() {
        let (database, lookups, owner) = lookups_of(false);
        // A client that sends its next request as soon as the first is answered.
        let client = {
            let (lookups, owner) = (Arc::clone(&lookups), owner.clone());
            tokio::spawn(async move {
                let first = lookups.get(&owner, "a").await;
                let next = lookups.get(&owner, "a-next").await;
                (first, next)
            })
        };
        database.sent(1).await;
        let waiting = lookup(&lookups, &owner, "b");
        tokio::time::sleep(SLOW / 4).await;
        database.release.add_permits(1);
        database.sent(2).await;
        assert_eq!(database.queries()[1], ["a-next", "b"], "the next request joined the lookup that waited");
        database.release.add_permits(1);
        let (first, next) = client.await.expect("the client ends");
        assert_eq!(requestid(first).as_deref(), Some("a"));
        assert_eq!(requestid(next).as_deref(), Some("a-next"));
        assert_eq!(found(waiting).await.as_deref(), Some("b"));
        // With nothing waiting, a lookup goes out alone, at once.
        let alone = lookup(&lookups, &owner, "alone");
        database.sent(3).await;
        assert_eq!(database.queries()[2], ["alone"]);
        database.release.add_permits(1);
        assert_eq!(found(alone).await.as_deref(), Some("alone"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_query_lets_a_second_one_take_the_lookups_behind_it() {
        let (database, lookups, owner) = lookups_of(false);
        let stuck = lookup(&lookups, &owner, "stuck");
        database.sent(1).await;
        let started = Instant::now();
        let behind = lookup(&lookups, &owner, "behind");
        database.sent(2).await;
        assert!(started.elapsed() >= SLOW, "the second query waits until the first is slow");
        // Both are out: the next lookup waits for one of them.
        let third = lookup(&lookups, &owner, "third");
        tokio::time::sleep(SLOW * 5).await;
        assert_eq!(database.queries().len(), 2, "at most {MAX_IN_FLIGHT} queries in flight");
        // The first permit goes to the first query waiting for one: `stuck`.
        database.release.add_permits(1);
        assert_eq!(found(stuck).await.as_deref(), Some("stuck"));
        database.sent(3).await;
        assert_eq!(database.queries()[2], ["third"]);
        database.release.add_permits(2);
        assert_eq!(found(behind).await.as_deref(), Some("behind"));
        assert_eq!(found(third).await.as_deref(), Some("third"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_lookup_whose_caller_went_away_holds_up_no_other() {
        let (database, lookups, owner) = lookups_of(false);
        let first = lookup(&lookups, &owner, "first");
        database.sent(1).await;
        // Gone before its batch is sent: left out of the query.
        let gone_early = lookup(&lookups, &owner, "gone-early");
        let kept = lookup(&lookups, &owner, "kept");
        tokio::task::yield_now().await;
        gone_early.abort();
        let _ = gone_early.await;
        // Gone while its query is in flight: the others of the batch are answered.
        database.sent(2).await;
        assert_eq!(database.queries()[1], ["kept"]);
        let gone_in_flight = lookup(&lookups, &owner, "gone-in-flight");
        let with_it = lookup(&lookups, &owner, "with-it");
        database.release.add_permits(1);
        assert_eq!(found(first).await.as_deref(), Some("first"));
        database.sent(3).await;
        assert_eq!(database.queries()[2], ["gone-in-flight", "with-it"]);
        gone_in_flight.abort();
        let _ = gone_in_flight.await;
        database.release.add_permits(2);
        assert_eq!(found(kept).await.as_deref(), Some("kept"));
        assert_eq!(found(with_it).await.as_deref(), Some("with-it"));
        // And lookups go on as before.
        let later = lookup(&lookups, &owner, "later");
        database.release.add_permits(1);
        assert_eq!(found(later).await.as_deref(), Some("later"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_query_fails_every_lookup_of_its_batch() {
        let (database, lookups, owner) = lookups_of(true);
        let first = lookup(&lookups, &owner, "first");
        database.sent(1).await;
        let batch = [lookup(&lookups, &owner, "b"), lookup(&lookups, &owner, "c")];
        database.release.add_permits(3);
        assert!(first.await.unwrap().is_err());
        for answer in batch {
            let error = answer.await.unwrap().expect_err("the batch's query failed");
            assert!(error.is_busy(), "answered 503: {error}");
        }
    }
}
