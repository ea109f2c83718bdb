//! `GET /pins/{requestid}` lookups, coalesced: while a few lookup queries are
//! in flight, the lookups that arrive meanwhile wait and then go to the
//! database together, as one query for all their `requestid`s.
//!
//! A lookup is one index probe; what it costs is everything around the probe:
//! a PostgreSQL round trip (a wake-up of a server process), or a hand-off to
//! the thread of an SQLite connection and back. Under load those hops, not
//! the probes, bound the throughput, and one query for many lookups pays them
//! once. A lookup that arrives when a slot is free goes out at once, alone,
//! so an idle service answers as fast as before. (SQLite's lookups come here
//! only when reading on the caller's thread would wait: see `sqlite/reads.rs`.)
//!
//! Every lookup reads what was committed before it arrived: it joins a batch
//! that has not been sent yet, and the batch's query starts (and takes its
//! snapshot) after that. A row only answers the lookup of its own tenant.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::{PinRecord, StoreError, TenantId};

/// Lookup queries in flight at once: while all are out, lookups gather.
///
/// Fewer queries in flight make bigger batches, and a query's fixed costs
/// (a wake-up of a PostgreSQL backend and of the service, the protocol's
/// messages, the executor's start) are paid once a batch. On the scale bench
/// (PostgreSQL, 100k pins, 16 clients, lookups spread over all pins), 4 in
/// flight made batches of 1.4 to 1.9 lookups and cost PostgreSQL 15 to 27 µs
/// of CPU a lookup; 2 made batches of 2.7 to 3.4 and cost 14 to 19 µs; 1,
/// batches of 5 and 9 to 13 µs. Two still let a slow query (a pin read from
/// disk) leave the other slot to the rest.
const IN_FLIGHT: usize = 2;

/// Most `requestid`s in one query.
pub(super) const MAX_BATCH: usize = 128;

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

/// Sends the waiting lookups to the database, at most [`IN_FLIGHT`] queries at a time.
async fn dispatch(mut waiting: mpsc::UnboundedReceiver<Lookup>, fetch: FetchMany) {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    loop {
        // A slot first, then the lookups: while every slot is taken, they gather.
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else { return };
        let Some(first) = waiting.recv().await else { return };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match waiting.try_recv() {
                Ok(lookup) => batch.push(lookup),
                Err(_) => break,
            }
        }
        let fetch = Arc::clone(&fetch);
        tokio::spawn(async move {
            answer(batch, fetch).await;
            drop(slot);
        });
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
    match fetch(requestids).await {
        Ok(rows) => {
            let found: HashMap<String, (String, Result<PinRecord, StoreError>)> =
                rows.into_iter().map(|(tenant, requestid, record)| (requestid, (tenant, record))).collect();
            for lookup in batch {
                let record = match found.get(&lookup.requestid) {
                    Some((tenant, record)) if tenant == lookup.tenant.as_str() => match record {
                        Ok(record) => Ok(Some(record.clone())),
                        Err(StoreError::Corrupt(details)) => Err(StoreError::Corrupt(details.clone())),
                        Err(error) => Err(StoreError::Corrupt(error.to_string())),
                    },
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
