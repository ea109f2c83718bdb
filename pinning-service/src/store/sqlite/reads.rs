//! `GET /pins/{requestid}` read on the request's own thread, from a small
//! pool of read-only rusqlite connections to the store's file.
//!
//! sqlx runs each SQLite connection on a thread of its own: a query is sent
//! there and its rows come back through channels, two thread wake-ups per
//! query. For a lookup, one probe of the unique `requestid` index (a few
//! microseconds on pages the page cache holds), those hand-offs were most of
//! the cost (see README's benchmark table). Here the probe runs where the
//! request is, with no hand-off at all.
//!
//! Why a plain call on a runtime thread is safe:
//! - it never waits for a lock: in WAL mode a reader does not wait for the
//!   writer, and these connections have no busy timeout, so when SQLite
//!   answers `SQLITE_BUSY` (a WAL being reset, a checkpoint at shutdown) the
//!   lookup goes the asynchronous way instead ([`Reads::get`] answers
//!   `None`), where it waits with the store's busy timeout on sqlx's thread;
//! - it reads at most a few pages (the index path and the row); where the
//!   operating system's cache does not hold them, that is a few page reads,
//!   as long as one page fault of the service's own memory would take.
//!
//! What a lookup sees is what the store's writes committed before the read
//! began: the read transaction starts with the statement, and a commit is
//! in the WAL index, visible to every connection of the file, before the
//! write returns. So an acknowledged write is seen by every lookup that
//! starts after it (README's read-your-writes).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::super::sql::{PinColumns, columns};
use super::super::{PinRecord, StoreError, TenantId};

/// Idle connections kept at most (one per thread that reads at once; more
/// are closed after their read).
const MAX_IDLE: usize = 16;

/// The lookup, by the unique `requestid` index; the tenant must match.
pub(super) const LOOKUP: &str = concat!("SELECT ", columns!(), " FROM pins p WHERE p.requestid = ?1 AND p.tenant = ?2");

/// Read-only connections to one SQLite file, each used by one thread at a time.
pub(super) struct Reads {
    path: PathBuf,
    /// Idle connections; `None` once closed.
    idle: Mutex<Option<Vec<Connection>>>,
}

impl Reads {
    /// Reads of the file at `path` (open already: the connections are opened
    /// when first needed).
    pub(super) fn new(path: &Path) -> Self {
        Reads { path: path.to_owned(), idle: Mutex::new(Some(Vec::new())) }
    }

    /// The tenant's pin `requestid`, if it has one; `None` when it could not
    /// be read here without waiting (the database is busy, a connection
    /// could not be opened, the reads are closed): then the caller reads it
    /// the asynchronous way, which waits or reports the error.
    pub(super) fn get(&self, tenant: &TenantId, requestid: &str) -> Option<Result<Option<PinRecord>, StoreError>> {
        let connection = self.take()?;
        let read = lookup(&connection, tenant, requestid);
        self.give_back(connection);
        match read {
            Ok(columns) => Some(columns.map(PinColumns::decode).transpose()),
            Err(error) => {
                tracing::debug!(%error, "a direct read failed; reading through the pool");
                None
            }
        }
    }

    /// Closes the idle connections, and every busy one when it is given
    /// back; later reads answer `None`.
    pub(super) fn close(&self) {
        drop(self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take());
    }

    fn take(&self) -> Option<Connection> {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(connection) = idle.as_mut()?.pop() {
            return Some(connection);
        }
        drop(idle);
        match self.open() {
            Ok(connection) => Some(connection),
            Err(error) => {
                tracing::debug!(%error, "opening a read connection");
                None
            }
        }
    }

    fn give_back(&self, connection: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(idle) = idle.as_mut()
            && idle.len() < MAX_IDLE
        {
            idle.push(connection);
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        // NO_MUTEX: a connection is used by one thread at a time (it is in
        // the idle list or with exactly one reader). No busy timeout: see the
        // module's documentation.
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(&self.path, flags)?;
        connection.busy_timeout(std::time::Duration::ZERO)?;
        Ok(connection)
    }
}

/// The stored columns of the tenant's pin `requestid`.
fn lookup(connection: &Connection, tenant: &TenantId, requestid: &str) -> rusqlite::Result<Option<PinColumns>> {
    let mut statement = connection.prepare_cached(LOOKUP)?;
    statement
        .query_row((requestid, tenant.as_str()), |row| {
            Ok(PinColumns {
                requestid: row.get(0)?,
                status: row.get(1)?,
                created: row.get(2)?,
                cid: row.get(3)?,
                name: row.get(4)?,
                origins: row.get(5)?,
                meta: row.get(6)?,
                info: row.get(7)?,
            })
        })
        .optional()
}
