//! The connections of `GET /pins/{requestid}`'s lookups: owned by the
//! lookups, not by a sqlx pool.
//!
//! sqlx's pool tests every connection given back to it with a round trip (a
//! `Sync` and its `ReadyForQuery`), whatever its options say: a lookup query
//! through the pool cost two wake-ups of a PostgreSQL backend, not one, and a
//! task to give the connection back. Here a lookup query takes an idle
//! connection (or opens one), runs, and puts it back; nothing else is sent.
//! [`Lookups`](super::super::lookups::Lookups) sends at most a few queries at
//! once, so there are never more connections than that.
//!
//! A connection whose query failed is closed, not kept: after a database
//! restart, a lookup on a connection that died fails (a 503, as the restart
//! it comes from) and the next one opens a new connection.

use std::sync::Mutex;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection};

use super::super::StoreError;
use super::super::lookups::Found;
use super::super::sql::{found, statements};

/// The `application_name` of the lookups' connections (in `pg_stat_activity`).
pub(super) const APPLICATION_NAME: &str = "pinning-service lookups";

/// Connections of the lookups.
pub(super) struct Reads {
    options: PgConnectOptions,
    /// How long opening a connection may take before the lookup fails.
    connect_timeout: Duration,
    /// Idle connections; `None` once closed.
    idle: Mutex<Option<Vec<PgConnection>>>,
}

impl Reads {
    /// Lookups on connections opened with `options` when first needed.
    pub(super) fn new(options: PgConnectOptions, connect_timeout: Duration) -> Self {
        Reads { options, connect_timeout, idle: Mutex::new(Some(Vec::new())) }
    }

    /// The stored pins of these `requestid`s, in one query (see
    /// [`statements::LOOKUP_MANY_POSTGRES`]).
    pub(super) async fn fetch(&self, requestids: Vec<String>) -> Result<Vec<Found>, StoreError> {
        let mut conn = self.take().await?;
        let rows = sqlx::query(statements::LOOKUP_MANY_POSTGRES).bind(requestids).fetch_all(&mut conn).await?;
        // Only a connection whose query succeeded goes back (dropped, a
        // failed one is closed).
        if let Some(idle) = self.lock().as_mut() {
            idle.push(conn);
        }
        rows.iter().map(found).collect()
    }

    /// An idle connection, or a new one.
    async fn take(&self) -> Result<PgConnection, StoreError> {
        match self.lock().as_mut() {
            None => return Err(sqlx::Error::PoolClosed.into()),
            Some(idle) => {
                if let Some(conn) = idle.pop() {
                    return Ok(conn);
                }
            }
        }
        match tokio::time::timeout(self.connect_timeout, self.options.connect()).await {
            Ok(conn) => Ok(conn?),
            Err(_) => Err(sqlx::Error::PoolTimedOut.into()),
        }
    }

    /// Closes the idle connections; a lookup after this fails, and a
    /// connection busy now is closed when its query ends.
    pub(super) async fn close(&self) {
        let idle = self.lock().take().unwrap_or_default();
        for conn in idle {
            let _ = conn.close().await;
        }
    }

    /// Connections idle now (tests).
    #[cfg(test)]
    pub(super) fn idle(&self) -> usize {
        self.lock().as_ref().map_or(0, Vec::len)
    }

    /// A session setting of a lookup connection (tests).
    #[cfg(test)]
    pub(super) async fn setting(&self, name: &str) -> String {
        let mut conn = self.take().await.expect("a lookup connection");
        let value = sqlx::query_scalar("SELECT current_setting($1)").bind(name).fetch_one(&mut conn).await.unwrap();
        if let Some(idle) = self.lock().as_mut() {
            idle.push(conn);
        }
        value
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Vec<PgConnection>>> {
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
