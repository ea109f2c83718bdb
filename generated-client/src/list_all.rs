//! `Client::list_all`: every pin matching a query, as a stream, paging as the
//! spec describes (hand-written beside the generated client).
//!
//! The spec's way: ask for a page, then ask again with `before` = the
//! `created` of the oldest item of the page, until `count` (the total number
//! of matches) is exhausted. Servers differ from that, so the stream also:
//!
//! - asks for one more page whenever a page came back full (`limit` items),
//!   even if `count` says there is no more: some servers send the page size
//!   as `count`;
//! - pages forwards with `after` = the newest `created` of the page when the
//!   server sends pages oldest first (the spec says newest first; with
//!   `before`, such a server would answer the oldest page and then nothing);
//!   when the order cannot be told from a page (one item, or equal
//!   timestamps) and a `before` page comes back empty, one `after` page
//!   settles it;
//! - never yields a `requestid` twice, and stops on an empty page, a page with
//!   nothing new, or a cursor that does not move. When the server still
//!   claimed more at that point, the last item is [`ListAllError::Stalled`], so
//!   a server that ignores the cursor is an error, not a silently short list.
//!
//! Pins that share one `created` timestamp across a page boundary cannot all
//! be reached with `before`/`after` (the spec requires timestamps to be
//! unique for this reason).

use std::collections::{HashSet, VecDeque};

use chrono::{DateTime, Utc};
use futures_util::stream::{self, Stream};

use crate::models::PinStatus;
use crate::{Client, Error, GetPinsQuery, SkippedItem};

/// The page size `list_all` asks for when the query sets no `limit`: the
/// spec's maximum, for the fewest round trips.
pub const LIST_ALL_LIMIT: i32 = 1000;

/// Why `list_all` yielded an error instead of a pin.
#[derive(Debug)]
#[non_exhaustive]
pub enum ListAllError {
    /// A page request failed; the stream ends.
    Request(Error),
    /// An item of a page could not be decoded (for example an unknown
    /// `status`); the stream goes on.
    Skipped(SkippedItem),
    /// The server claimed more pins but its pages stopped making progress (it
    /// ignores `before`/`after`, or repeats items); the stream ends.
    Stalled {
        /// Pins yielded so far.
        yielded: usize,
        /// What the server's last page said.
        count: i32,
        /// What went wrong.
        reason: String,
    },
}

impl std::fmt::Display for ListAllError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListAllError::Request(e) => write!(f, "listing pins failed: {e}"),
            ListAllError::Skipped(item) => write!(f, "a listed pin could not be decoded: {item}"),
            ListAllError::Stalled { yielded, count, reason } => {
                write!(f, "paging stalled after {yielded} pins (the last page said count {count}): {reason}")
            }
        }
    }
}

impl std::error::Error for ListAllError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ListAllError::Request(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Error> for ListAllError {
    fn from(e: Error) -> Self {
        ListAllError::Request(e)
    }
}

/// Which way the server's pages run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Not known yet: page with `before`, as the spec says.
    Unknown,
    /// Newest first (the spec): page with `before`.
    NewestFirst,
    /// Oldest first: page with `after`.
    OldestFirst,
}

/// What the next request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cursor {
    First,
    Before(DateTime<Utc>),
    After(DateTime<Utc>),
}

struct State<'a> {
    client: &'a Client,
    query: GetPinsQuery,
    limit: i32,
    cursor: Cursor,
    order: Order,
    seen: HashSet<String>,
    newest: Option<DateTime<Utc>>,
    /// Whether an `after` page was already tried to learn the order.
    probed: bool,
    yielded: usize,
    ready: VecDeque<Result<PinStatus, ListAllError>>,
    done: bool,
}

impl Client {
    /// Every pin matching `query` (its `before`/`after` bound the range; its
    /// `limit` is the page size, [`LIST_ALL_LIMIT`] when unset), each once.
    /// See the module docs of `list_all.rs` for how servers that page
    /// differently from the spec are handled. Items that cannot be decoded
    /// come as [`ListAllError::Skipped`] and the stream goes on; a failed
    /// request or a stalled server ends it with an error.
    pub fn list_all(&self, query: GetPinsQuery) -> impl Stream<Item = Result<PinStatus, ListAllError>> + Send + '_ {
        let limit = query.limit.unwrap_or(LIST_ALL_LIMIT);
        let state = State {
            client: self,
            query,
            limit,
            cursor: Cursor::First,
            order: Order::Unknown,
            seen: HashSet::new(),
            newest: None,
            probed: false,
            yielded: 0,
            ready: VecDeque::new(),
            done: false,
        };
        stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.ready.pop_front() {
                    return Some((item, state));
                }
                if state.done {
                    return None;
                }
                state.next_page().await;
            }
        })
    }
}

impl State<'_> {
    /// Fetches the page at the cursor and queues what it yields.
    async fn next_page(&mut self) {
        let mut query = self.query.clone();
        query.limit = Some(self.limit);
        match self.cursor {
            Cursor::First => {}
            // The cursor is inside the caller's range, so it replaces that bound.
            Cursor::Before(at) => query.before = Some(at),
            Cursor::After(at) => query.after = Some(at),
        }
        let page = match self.client.get_pins(&query).await {
            Ok(page) => page,
            Err(e) => {
                self.ready.push_back(Err(ListAllError::Request(e)));
                self.done = true;
                return;
            }
        };
        let count = page.value.count;
        let results = page.value.results;
        let full = results.len() >= usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more_claimed = usize::try_from(count).is_ok_and(|count| count > results.len()) || full;

        // Timestamps of everything on the page, skipped items included, so a
        // skipped oldest item does not come back on the next page.
        let mut stamps: Vec<DateTime<Utc>> = results.iter().map(|p| p.created).collect();
        stamps.extend(page.skipped.iter().filter_map(skipped_created));
        for item in page.skipped {
            self.ready.push_back(Err(ListAllError::Skipped(item)));
        }

        if self.order == Order::Unknown {
            self.order = order_of(&results);
        }
        let mut fresh = 0;
        for pin in results {
            if self.seen.insert(pin.requestid.clone()) {
                fresh += 1;
                self.yielded += 1;
                self.ready.push_back(Ok(pin));
            }
        }
        let page_oldest = stamps.iter().min().copied();
        let page_newest = stamps.iter().max().copied();
        self.newest = max_opt(self.newest, page_newest);

        if stamps.is_empty() {
            // Nothing here. A `before` page of a server whose order is not known
            // yet may be empty because it answers oldest first: try `after` once.
            if let (Order::Unknown, false, Cursor::Before(_), Some(newest)) =
                (self.order, self.probed, self.cursor, self.newest)
            {
                self.probed = true;
                self.cursor = Cursor::After(newest);
                return;
            }
            self.done = true;
            return;
        }
        if let (Cursor::After(_), Order::Unknown) = (self.cursor, self.order) {
            // The probe found newer pins: the server answers oldest first.
            self.order = Order::OldestFirst;
        }
        if fresh == 0 {
            self.stall(count, more_claimed, "a page had no pins that were not already listed");
            return;
        }
        if !more_claimed {
            self.done = true;
            return;
        }
        let next = match self.order {
            Order::OldestFirst => page_newest.map(Cursor::After),
            Order::NewestFirst | Order::Unknown => page_oldest.map(Cursor::Before),
        };
        let moved = match (next, self.cursor) {
            (Some(Cursor::Before(new)), Cursor::Before(old)) => new < old,
            (Some(Cursor::After(new)), Cursor::After(old)) => new > old,
            (Some(_), _) => true,
            (None, _) => false,
        };
        match next {
            Some(next) if moved => self.cursor = next,
            _ => self.stall(count, more_claimed, "the paging timestamp did not move"),
        }
    }

    fn stall(&mut self, count: i32, more_claimed: bool, reason: &str) {
        if more_claimed {
            self.ready.push_back(Err(ListAllError::Stalled {
                yielded: self.yielded,
                count,
                reason: reason.to_owned(),
            }));
        }
        self.done = true;
    }
}

/// The order of a page, when its timestamps tell.
fn order_of(results: &[PinStatus]) -> Order {
    let stamps: Vec<DateTime<Utc>> = results.iter().map(|p| p.created).collect();
    let ascending = stamps.windows(2).all(|w| w[0] <= w[1]);
    let descending = stamps.windows(2).all(|w| w[0] >= w[1]);
    match (stamps.first(), stamps.last()) {
        (Some(first), Some(last)) if first != last && ascending => Order::OldestFirst,
        (Some(first), Some(last)) if first != last && descending => Order::NewestFirst,
        // Mixed: page as the spec says, by the oldest item.
        (Some(first), Some(last)) if first != last => Order::NewestFirst,
        _ => Order::Unknown,
    }
}

/// The `created` of an item that could not be decoded, if it has a valid one.
fn skipped_created(item: &SkippedItem) -> Option<DateTime<Utc>> {
    let text = item.raw.get("created")?.as_str()?;
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

fn max_opt(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}
