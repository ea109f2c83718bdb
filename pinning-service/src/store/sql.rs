//! What the SQLite and PostgreSQL stores share: the statements, how each
//! [`Dialect`] spells them, reading a pin row, JSON columns, and the
//! microsecond timestamps `created` is stored as. (The `WHERE` clause of a
//! list query is [`super::filter`].)

use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Row, Type};

use super::{Job, PinRecord, StoreError};

/// The columns every pin query selects, in the order [`record`] reads them.
macro_rules! columns {
    () => {
        "p.requestid, p.status, p.created, p.cid, p.name, p.origins, p.meta, p.info"
    };
}

pub(super) use columns;

/// [`columns!`] as a constant.
pub(super) const COLUMNS: &str = columns!();

/// The levels of `created_counts` as a table `(level, shift)`: a pin counts
/// at each level in the bucket `created >> shift` (µs). Each level's buckets
/// are 32 of the next one's, so a count of the pins created before an instant
/// sums at most 31 buckets a level ([`LEVEL_SHIFTS`] must match).
macro_rules! levels {
    () => {
        "(SELECT 0 AS level, 16 AS shift UNION ALL SELECT 1, 21 UNION ALL SELECT 2, 26 UNION ALL SELECT 3, 31
          UNION ALL SELECT 4, 36 UNION ALL SELECT 5, 41 UNION ALL SELECT 6, 46 UNION ALL SELECT 7, 51)"
    };
}
pub(super) use levels;

/// The shifts of [`levels!`], finest first: the finest bucket is 65.5 ms
/// (a tenant has at most 66 pins in one, `created` being whole
/// milliseconds), the coarsest 71 years.
pub(super) const LEVEL_SHIFTS: [u32; 8] = [16, 21, 26, 31, 36, 41, 46, 51];

/// Fills `created_counts` from the pins (the migrations run it; so does a
/// bulk load that bypasses the triggers).
pub const FILL_CREATED_COUNTS: &str = fill_created_counts!();

/// [`FILL_CREATED_COUNTS`] as a literal (for `concat!`).
macro_rules! fill_created_counts {
    () => {
        concat!(
            "INSERT INTO created_counts (tenant, status, level, bucket, pins)
             SELECT p.tenant, p.status, l.level, p.created >> l.shift, COUNT(*) FROM pins p, ",
            levels!(),
            " l GROUP BY p.tenant, p.status, l.level, p.created >> l.shift"
        )
    };
}
pub(super) use fill_created_counts;

/// Statements both stores run, with `?` placeholders ([`Dialect::numbered`]
/// spells them for PostgreSQL).
pub(super) mod statements {
    /// Many pins by `requestid`, each with its tenant after [`COLUMNS`]
    /// (see [`found`]): the ids as a
    /// text array.
    pub const LOOKUP_MANY_POSTGRES: &str =
        concat!("SELECT ", columns!(), ", p.tenant FROM pins p WHERE p.requestid = ANY($1)");
    /// [`LOOKUP_MANY_POSTGRES`] in SQLite: the ids as a JSON array.
    pub const LOOKUP_MANY_SQLITE: &str =
        concat!("SELECT ", columns!(), ", p.tenant FROM pins p WHERE p.requestid IN (SELECT value FROM json_each(?))");
    /// `info`, `updated`, `requestid`, `holder`.
    pub const UPDATE_PROGRESS: &str =
        "UPDATE pins SET info = ?, updated = ? WHERE requestid = ? AND status = 'pinning' AND holder = ?";
    /// `status`, `info`, `updated`, `requestid`, `holder`.
    pub const FINISH: &str = "UPDATE pins SET status = ?, info = ?, updated = ?, holder = NULL, lease_until = NULL
         WHERE requestid = ? AND status = 'pinning' AND holder = ?";
    /// `now`, `limit`.
    pub const READY_UNPINS: &str = "SELECT j.id, j.cid, j.attempts FROM unpin_jobs j
         WHERE j.not_before <= ?
           AND (j.after_requestid IS NULL OR NOT EXISTS (
                SELECT 1 FROM pins p
                WHERE p.requestid = j.after_requestid AND p.status IN ('queued', 'pinning')))
         ORDER BY j.id LIMIT ?";
    /// The CID's key ([`crate::cids::key`]).
    pub const CID_IN_USE: &str = "SELECT EXISTS (SELECT 1 FROM pins WHERE cid_key = ? AND status <> 'failed')";
    /// The CID's key ([`crate::cids::key`]), the CID's text.
    pub const CID_SPELLING_IN_USE: &str =
        "SELECT EXISTS (SELECT 1 FROM pins WHERE cid_key = ? AND cid = ? AND status <> 'failed')";
    /// `id`.
    pub const COMPLETE_UNPIN: &str = "DELETE FROM unpin_jobs WHERE id = ?";
    /// `now` (as text).
    pub const READINESS_WRITE: &str = "INSERT INTO settings (key, value) VALUES ('last_readiness_check', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    /// A claim of the request `{select}` picks: `info`, `updated`, `holder`,
    /// `lease_until`, then the select's own arguments.
    pub fn claim(select: &str) -> String {
        format!(
            "UPDATE pins SET status = 'pinning', info = ?, updated = ?, holder = ?, lease_until = ?
             WHERE id = ({select}) RETURNING requestid, cid, origins"
        )
    }
    /// The oldest request whose lease ran out: `now`; then `{lock}`.
    pub fn expired(lock: &str) -> String {
        format!(
            "SELECT id FROM pins WHERE status = 'pinning' AND lease_until < ? ORDER BY lease_until, id LIMIT 1{lock}"
        )
    }
    /// The tenant whose turn it is (see `Store::claim_next_fair`): `holder`,
    /// `pool`, `most`, `holder`; then `{lock}` on its `tenants` row.
    pub fn turn(lock: &str) -> String {
        format!(
            "WITH busy AS (SELECT COUNT(*) AS n FROM pins WHERE status = 'pinning' AND holder = ?)
             SELECT t.tenant FROM tenants t, busy
             WHERE EXISTS (SELECT 1 FROM pins q WHERE q.tenant = t.tenant AND q.status = 'queued')
               AND (busy.n < ? OR (busy.n < ? AND NOT EXISTS (
                    SELECT 1 FROM pins w WHERE w.tenant = t.tenant AND w.status = 'pinning' AND w.holder = ?)))
             ORDER BY t.last_claim,
                      (SELECT MIN(q.created) FROM pins q WHERE q.tenant = t.tenant AND q.status = 'queued'),
                      t.tenant
             LIMIT 1{lock}"
        )
    }
    /// The tenant's oldest queued request: `tenant`; then `{lock}`.
    pub fn oldest_queued(lock: &str) -> String {
        format!("SELECT id FROM pins WHERE tenant = ? AND status = 'queued' ORDER BY created, id LIMIT 1{lock}")
    }
    /// `tenant`: it had its turn.
    pub const TURN_TAKEN: &str =
        "UPDATE tenants SET last_claim = (SELECT MAX(last_claim) FROM tenants) + 1 WHERE tenant = ?";
    /// `not_before`, `id`.
    pub const POSTPONE_UNPIN: &str = "UPDATE unpin_jobs SET attempts = attempts + 1, not_before = ? WHERE id = ?";
}

/// The [`Store`](super::Store) methods whose SQL is the same in both
/// databases but for placeholders ([`statements`]): `$reader` and `$writer`
/// name the store's pools, `$dialect` its [`Dialect`].
macro_rules! common_methods {
    ($reader:ident, $writer:ident, $dialect:expr) => {
        fn update_progress<'a>(
            &'a self,
            requestid: &'a str,
            holder: &'a str,
            info: std::collections::BTreeMap<String, String>,
        ) -> $crate::store::StoreFuture<'a, bool> {
            use futures_util::FutureExt;
            async move {
                let done = sqlx::query(&$dialect.numbered($crate::store::sql::statements::UPDATE_PROGRESS))
                    .bind($crate::store::sql::to_json(&info)?)
                    .bind((self.clock)())
                    .bind(requestid)
                    .bind(holder)
                    .execute(&self.$writer)
                    .await?;
                Ok(done.rows_affected() == 1)
            }
            .boxed()
        }

        fn finish<'a>(
            &'a self,
            requestid: &'a str,
            holder: &'a str,
            status: ipfs_pinning_models::Status,
            info: std::collections::BTreeMap<String, String>,
        ) -> $crate::store::StoreFuture<'a, bool> {
            use futures_util::FutureExt;
            async move {
                let done = sqlx::query(&$dialect.numbered($crate::store::sql::statements::FINISH))
                    .bind(status.as_str())
                    .bind($crate::store::sql::to_json(&info)?)
                    .bind((self.clock)())
                    .bind(requestid)
                    .bind(holder)
                    .execute(&self.$writer)
                    .await?;
                Ok(done.rows_affected() == 1)
            }
            .boxed()
        }

        fn ready_unpins(&self, limit: u32) -> $crate::store::StoreFuture<'_, Vec<$crate::store::UnpinJob>> {
            use futures_util::FutureExt;
            async move {
                let rows = sqlx::query(&$dialect.numbered($crate::store::sql::statements::READY_UNPINS))
                    .bind((self.clock)())
                    .bind(i64::from(limit))
                    .fetch_all(&self.$reader)
                    .await?;
                rows.iter()
                    .map(|row| {
                        use sqlx::Row;
                        Ok($crate::store::UnpinJob {
                            id: row.try_get(0)?,
                            cid: row.try_get(1)?,
                            attempts: $crate::store::sql::attempts(row.try_get(2)?),
                        })
                    })
                    .collect()
            }
            .boxed()
        }

        fn cid_in_use<'a>(&'a self, cid: &'a str) -> $crate::store::StoreFuture<'a, bool> {
            use futures_util::FutureExt;
            async move {
                let used: bool = sqlx::query_scalar(&$dialect.numbered($crate::store::sql::statements::CID_IN_USE))
                    .bind($crate::cids::key(cid))
                    .fetch_one(&self.$reader)
                    .await?;
                Ok(used)
            }
            .boxed()
        }

        fn cid_spelling_in_use<'a>(&'a self, cid: &'a str) -> $crate::store::StoreFuture<'a, bool> {
            use futures_util::FutureExt;
            async move {
                let used: bool =
                    sqlx::query_scalar(&$dialect.numbered($crate::store::sql::statements::CID_SPELLING_IN_USE))
                        .bind($crate::cids::key(cid))
                        .bind(cid)
                        .fetch_one(&self.$reader)
                        .await?;
                Ok(used)
            }
            .boxed()
        }

        fn complete_unpin(&self, id: i64) -> $crate::store::StoreFuture<'_, ()> {
            use futures_util::FutureExt;
            async move {
                sqlx::query(&$dialect.numbered($crate::store::sql::statements::COMPLETE_UNPIN))
                    .bind(id)
                    .execute(&self.$writer)
                    .await?;
                Ok(())
            }
            .boxed()
        }

        fn postpone_unpin(&self, id: i64, delay: std::time::Duration) -> $crate::store::StoreFuture<'_, ()> {
            use futures_util::FutureExt;
            async move {
                sqlx::query(&$dialect.numbered($crate::store::sql::statements::POSTPONE_UNPIN))
                    .bind((self.clock)().saturating_add($crate::store::sql::micros(delay)))
                    .bind(id)
                    .execute(&self.$writer)
                    .await?;
                Ok(())
            }
            .boxed()
        }

        fn claim_next_fair<'a>(
            &'a self,
            lease: &'a $crate::store::Lease,
            info: std::collections::BTreeMap<String, String>,
            limits: $crate::store::ClaimLimits,
        ) -> $crate::store::StoreFuture<'a, Option<$crate::store::Job>> {
            use futures_util::FutureExt;
            use $crate::store::sql::statements;
            async move {
                let dialect = $dialect;
                let info = $crate::store::sql::to_json(&info)?;
                let now = (self.clock)();
                let until = now.saturating_add($crate::store::sql::micros(lease.duration));
                let limit = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
                let mut tx = self.$writer.begin().await?;
                // A request whose worker died first (its lease ran out).
                let claim = dialect.numbered(&statements::claim(&statements::expired(dialect.skip_locked(""))));
                let mut row = sqlx::query(&claim)
                    .bind(&info)
                    .bind(now)
                    .bind(&lease.holder)
                    .bind(until)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                if row.is_none() {
                    // Then the tenant whose turn it is, its oldest queued request.
                    let tenant: Option<String> =
                        sqlx::query_scalar(&dialect.numbered(&statements::turn(dialect.skip_locked(" OF t"))))
                            .bind(&lease.holder)
                            .bind(limit(limits.pool))
                            .bind(limit(limits.most))
                            .bind(&lease.holder)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let Some(tenant) = tenant else { return Ok(None) };
                    let claim =
                        dialect.numbered(&statements::claim(&statements::oldest_queued(dialect.skip_locked(""))));
                    row = sqlx::query(&claim)
                        .bind(&info)
                        .bind(now)
                        .bind(&lease.holder)
                        .bind(until)
                        .bind(&tenant)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if row.is_some() {
                        sqlx::query(&dialect.numbered(statements::TURN_TAKEN)).bind(&tenant).execute(&mut *tx).await?;
                    }
                }
                tx.commit().await?;
                let Some(row) = row else { return Ok(None) };
                $crate::store::sql::job(&row).map(Some)
            }
            .boxed()
        }

        fn check_writable(&self) -> $crate::store::StoreFuture<'_, ()> {
            use futures_util::FutureExt;
            async move {
                sqlx::query(&$dialect.numbered($crate::store::sql::statements::READINESS_WRITE))
                    .bind((self.clock)().to_string())
                    .execute(&self.$writer)
                    .await?;
                Ok(())
            }
            .boxed()
        }

        fn stats(&self) -> $crate::store::StoreFuture<'_, $crate::store::Stats> {
            use futures_util::FutureExt;
            async move {
                use sqlx::Row;
                // From the per-status counters: constant time in the number of pins.
                let rows = sqlx::query(
                    "SELECT status, CAST(SUM(pins) AS BIGINT) FROM status_counts GROUP BY status HAVING SUM(pins) > 0",
                )
                .fetch_all(&self.$reader)
                .await?;
                let mut stats = $crate::store::Stats::default();
                for row in rows {
                    let status: String = row.try_get(0)?;
                    let count: i64 = row.try_get(1)?;
                    let status = status
                        .parse()
                        .map_err(|error| $crate::store::StoreError::Corrupt(format!("column `status`: {error}")))?;
                    stats.pins_by_status.insert(status, u64::try_from(count).unwrap_or(0));
                }
                let oldest: Option<i64> = sqlx::query_scalar("SELECT MIN(created) FROM pins WHERE status = 'queued'")
                    .fetch_one(&self.$reader)
                    .await?;
                stats.oldest_queued = oldest.map($crate::store::sql::micros_to_datetime).transpose()?;
                Ok(stats)
            }
            .boxed()
        }
    };
}
pub(super) use common_methods;

/// How the two databases spell what they spell differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// `?` placeholders, `instr(haystack, needle)`.
    Sqlite,
    /// `$1, $2, ...` placeholders, `strpos(haystack, needle)`.
    Postgres,
}

impl Dialect {
    /// The placeholder of the `n`th argument (1-based).
    pub(super) fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => "?".to_owned(),
            Dialect::Postgres => format!("${n}"),
        }
    }

    /// `sql` (written with `?` placeholders, and no `?` elsewhere) in this dialect.
    pub(super) fn numbered(self, sql: &str) -> String {
        let mut out = String::with_capacity(sql.len() + 8);
        for (n, part) in sql.split('?').enumerate() {
            if n > 0 {
                out.push_str(&self.placeholder(n));
            }
            out.push_str(part);
        }
        out
    }

    /// `FOR UPDATE [OF ...] SKIP LOCKED` where rows can be locked (PostgreSQL:
    /// concurrent claimers pass each other's rows by); nothing in SQLite,
    /// whose one writer connection claims one at a time anyway.
    pub(super) fn skip_locked(self, of: &str) -> &'static str {
        match (self, of) {
            (Dialect::Sqlite, _) => "",
            (Dialect::Postgres, "") => " FOR UPDATE SKIP LOCKED",
            (Dialect::Postgres, _) => " FOR UPDATE OF t SKIP LOCKED",
        }
    }

    /// The key/value pairs of the JSON object `object` as a table `j (key, value)`.
    pub(super) fn json_pairs(self, object: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_each({object}) j"),
            Dialect::Postgres => format!("jsonb_each_text(CAST({object} AS jsonb)) AS j (key, value)"),
        }
    }

    /// `haystack` contains `needle` (a literal substring: `%`, `_` and `\`
    /// need no escaping, unlike in LIKE).
    pub(super) fn contains(self, haystack: &str, needle: &str) -> String {
        match self {
            Dialect::Sqlite => format!("instr({haystack}, {needle}) > 0"),
            Dialect::Postgres => format!("strpos({haystack}, {needle}) > 0"),
        }
    }
}

/// A row of [`COLUMNS`] as a [`PinRecord`].
pub(super) fn record<R>(row: &R) -> Result<PinRecord, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    i64: for<'r> Decode<'r, R::Database> + Type<R::Database>,
{
    // The text columns skip sqlx's check of the column's type (a third of
    // a lookup's decoding, with its type clones): the schema makes them
    // TEXT, and decoding a string still refuses a NULL or bytes that are
    // not UTF-8. `created` keeps the check (an integer of another width
    // would not decode safely).
    PinColumns {
        requestid: row.try_get_unchecked(0)?,
        status: row.try_get_unchecked(1)?,
        created: row.try_get(2)?,
        cid: row.try_get_unchecked(3)?,
        name: row.try_get_unchecked(4)?,
        origins: row.try_get_unchecked(5)?,
        meta: row.try_get_unchecked(6)?,
        info: row.try_get_unchecked(7)?,
    }
    .decode()
}

/// The values of [`COLUMNS`] as stored, whichever driver read them.
pub(super) struct PinColumns {
    pub requestid: String,
    pub status: String,
    pub created: i64,
    pub cid: String,
    pub name: Option<String>,
    pub origins: Option<String>,
    pub meta: Option<String>,
    pub info: String,
}

impl PinColumns {
    /// The pin they hold (its JSON columns parsed).
    pub(super) fn decode(self) -> Result<PinRecord, StoreError> {
        Ok(PinRecord {
            requestid: self.requestid,
            status: self.status.parse().map_err(|error| StoreError::Corrupt(format!("column `status`: {error}")))?,
            created: micros_to_datetime(self.created)?,
            cid: self.cid,
            name: self.name,
            origins: self.origins.map(|text| from_json("origins", &text)).transpose()?,
            meta: self.meta.map(|text| from_json("meta", &text)).transpose()?,
            info: from_json("info", &self.info)?,
        })
    }
}

/// A row of [`statements::LOOKUP_MANY_POSTGRES`] (or `_SQLITE`): its
/// tenant, its `requestid` and its pin.
pub(super) fn found<R>(row: &R) -> Result<super::lookups::Found, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    i64: for<'r> Decode<'r, R::Database> + Type<R::Database>,
{
    Ok((row.try_get_unchecked(COLUMNS_COUNT)?, row.try_get_unchecked(0)?, record(row)))
}

/// How many columns [`COLUMNS`] are.
const COLUMNS_COUNT: usize = 8;

/// The index of a page row's cost (after [`COLUMNS`]).
pub(super) const COLUMN_COST: usize = COLUMNS_COUNT;

/// The records of a page's rows, in order, up to the byte budget: results
/// stop before the one that would take the sum of the rows' costs past
/// `max_bytes` (one result is always given). Rows whose first column is
/// NULL (PostgreSQL's empty page) are no results.
pub(super) fn budgeted<R>(rows: &[R], max_bytes: u64) -> Result<Vec<PinRecord>, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    i64: for<'r> Decode<'r, R::Database> + Type<R::Database>,
{
    let mut results = Vec::with_capacity(rows.len());
    let mut spent: u64 = 0;
    for row in rows {
        let requestid: Option<String> = row.try_get(0)?;
        if requestid.is_none() {
            continue;
        }
        let cost: i64 = row.try_get(COLUMN_COST)?;
        spent = spent.saturating_add(u64::try_from(cost).unwrap_or(0));
        if spent > max_bytes && !results.is_empty() {
            break;
        }
        results.push(record(row)?);
    }
    Ok(results)
}

/// A claimed row (`requestid, cid, origins`) as a [`Job`].
pub(super) fn job<R>(row: &R) -> Result<Job, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: for<'r> Decode<'r, R::Database> + Type<R::Database>,
{
    let origins: Option<String> = row.try_get(2)?;
    Ok(Job {
        requestid: row.try_get(0)?,
        cid: row.try_get(1)?,
        origins: origins.map(|text| from_json("origins", &text)).transpose()?.unwrap_or_default(),
    })
}

/// The case folding of the `iexact` and `ipartial` strategies (Unicode
/// lower case, done here so both databases fold alike).
pub(super) fn fold(text: &str) -> String {
    text.to_lowercase()
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|error| StoreError::Corrupt(error.to_string()))
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::Corrupt(format!("column `{column}`: {error}")))
}

pub(super) fn micros_to_datetime(micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {micros} µs is out of range")))
}

/// A duration in microseconds, saturating.
pub(super) fn micros(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

/// A stored attempt count.
pub(super) fn attempts(stored: i64) -> u32 {
    u32::try_from(stored).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_only() {
        let sql = "UPDATE t SET a = ? WHERE b = ? AND c IN (?, ?)";
        assert_eq!(Dialect::Sqlite.numbered(sql), sql);
        assert_eq!(Dialect::Postgres.numbered(sql), "UPDATE t SET a = $1 WHERE b = $2 AND c IN ($3, $4)");
    }
}
