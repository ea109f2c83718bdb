//! What the SQLite and PostgreSQL stores share: the `WHERE` clause of a list
//! query (built once, spelled per [`Dialect`]), binding its arguments, reading
//! a pin row, JSON columns, and the microsecond timestamps `created` is
//! stored as.

use chrono::{DateTime, Utc};
use ipfs_pinning_models::TextMatchingStrategy;
use sqlx::{ColumnIndex, Database, Decode, Encode, Row, Type};

use super::{Job, ListQuery, PinRecord, StoreError, TenantId};

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
    fn json_pairs(self, object: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_each({object}) j"),
            Dialect::Postgres => format!("jsonb_each_text(CAST({object} AS jsonb)) AS j (key, value)"),
        }
    }

    /// `haystack` contains `needle` (a literal substring: `%`, `_` and `\`
    /// need no escaping, unlike in LIKE).
    fn contains(self, haystack: &str, needle: &str) -> String {
        match self {
            Dialect::Sqlite => format!("instr({haystack}, {needle}) > 0"),
            Dialect::Postgres => format!("strpos({haystack}, {needle}) > 0"),
        }
    }
}

/// Up to this many `meta` pairs, each is its own indexed subquery; more are
/// matched in one join against the pairs as a JSON object.
const META_PAIRS_INLINE: usize = 16;

/// A value bound to a placeholder of a dynamically built query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Arg {
    Text(String),
    Int(i64),
}

/// A `WHERE` clause (without the keyword) and its arguments, in placeholder order.
#[derive(Debug, Clone)]
pub(super) struct Filter {
    dialect: Dialect,
    pub(super) sql: String,
    pub(super) args: Vec<Arg>,
    /// The query filters by tenant and status only: `status_counts` has its count.
    by_status_only: bool,
    /// The arguments of the count from `status_counts` (the tenant, then the statuses).
    status_args: Vec<Arg>,
    /// The query filters by tenant, status and `created` only: the stored
    /// bounds `created < before` and `created > after`, counted from
    /// `created_counts`.
    by_time: Option<(Option<i64>, Option<i64>)>,
}

impl Filter {
    /// Adds an argument and returns its placeholder.
    pub(super) fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        self.dialect.placeholder(self.args.len())
    }

    /// The filters of `query` for `tenant`.
    pub(super) fn of(dialect: Dialect, tenant: &TenantId, query: &ListQuery) -> Filter {
        let by_status_only = query.cids.is_empty()
            && query.name.is_none()
            && query.before.is_none()
            && query.after.is_none()
            && query.meta.is_empty();
        let mut status_args = vec![Arg::Text(tenant.as_str().to_owned())];
        status_args.extend(query.statuses.iter().map(|status| Arg::Text(status.as_str().to_owned())));
        let by_time = (query.cids.is_empty() && query.name.is_none() && query.meta.is_empty() && !by_status_only)
            .then(|| (query.before.as_ref().map(before_bound), query.after.as_ref().map(after_bound)));
        let mut filter = Filter { dialect, sql: String::new(), args: Vec::new(), by_status_only, status_args, by_time };
        let tenant = filter.arg(Arg::Text(tenant.as_str().to_owned()));
        filter.sql = format!("p.tenant = {tenant}");
        let any_of = |filter: &mut Filter, column: &str, values: Vec<String>| {
            if values.is_empty() {
                return;
            }
            let marks: Vec<String> = values.into_iter().map(|value| filter.arg(Arg::Text(value))).collect();
            filter.sql.push_str(&format!(" AND {column} IN ({})", marks.join(", ")));
        };
        any_of(&mut filter, "p.status", query.statuses.iter().map(|status| status.as_str().to_owned()).collect());
        any_of(&mut filter, "p.cid_key", query.cids.iter().map(|cid| crate::cids::key(cid)).collect());
        if let Some((name, strategy)) = &query.name {
            let clause = match strategy {
                TextMatchingStrategy::Exact => format!("p.name = {}", filter.arg(Arg::Text(name.clone()))),
                TextMatchingStrategy::Iexact => format!("p.name_folded = {}", filter.arg(Arg::Text(fold(name)))),
                TextMatchingStrategy::Partial => {
                    let needle = filter.arg(Arg::Text(name.clone()));
                    dialect.contains("p.name", &needle)
                }
                TextMatchingStrategy::Ipartial => {
                    let needle = filter.arg(Arg::Text(fold(name)));
                    dialect.contains("p.name_folded", &needle)
                }
            };
            filter.sql.push_str(" AND ");
            filter.sql.push_str(&clause);
        }
        if let Some(before) = &query.before {
            let mark = filter.arg(Arg::Int(before_bound(before)));
            filter.sql.push_str(&format!(" AND p.created < {mark}"));
        }
        if let Some(after) = &query.after {
            let mark = filter.arg(Arg::Int(after_bound(after)));
            filter.sql.push_str(&format!(" AND p.created > {mark}"));
        }
        if query.meta.len() <= META_PAIRS_INLINE {
            for (key, value) in &query.meta {
                let key = filter.arg(Arg::Text(key.clone()));
                let value = filter.arg(Arg::Text(value.clone()));
                filter.sql.push_str(&format!(
                    " AND p.id IN (SELECT m.pin_id FROM pin_meta m WHERE m.key = {key} AND m.value = {value})"
                ));
            }
        } else {
            // One clause for any number of pairs (the spec allows 1000): a
            // clause per pair would pass SQLite's expression depth limit
            // (1000). The pins having every pair are those with as many
            // matching rows as there are pairs (keys are unique per pin).
            let pairs = filter.arg(Arg::Text(serde_json::to_string(&query.meta).unwrap_or_default()));
            let count = filter.arg(Arg::Int(i64::try_from(query.meta.len()).unwrap_or(i64::MAX)));
            filter.sql.push_str(&format!(
                " AND p.id IN (SELECT m.pin_id FROM {} JOIN pin_meta m ON m.key = j.key AND m.value = j.value \
                 GROUP BY m.pin_id HAVING COUNT(*) = {count})",
                dialect.json_pairs(&pairs)
            ));
        }
        filter
    }

    /// The SQL counting the matches, and its arguments: from the per-status
    /// counters when only statuses filter, from the per-status-and-time
    /// counters when only statuses and `before`/`after` do (both bounded
    /// whatever the number of pins), else over the matching rows. In
    /// PostgreSQL the count's arguments are [`Filter::args`] (it adds its
    /// own), so the count and the page can be one statement.
    pub(super) fn count(&mut self) -> (String, Vec<Arg>) {
        if let Some((before, after)) = self.by_time {
            // Pins with after < created < before: those before `before`
            // less those before `after + 1`.
            let mut args = Vec::new();
            let upper = match before {
                Some(before) => self.created_before(before, &mut args),
                None => {
                    format!("SELECT COALESCE(SUM(c.pins), 0) FROM status_counts c WHERE {}", self.scope("c", &mut args))
                }
            };
            let lower = match after {
                Some(after) => self.created_before(after.saturating_add(1), &mut args),
                None => "SELECT 0".to_owned(),
            };
            return (format!("SELECT CAST(({upper}) - ({lower}) AS BIGINT)"), args);
        }
        if !self.by_status_only {
            return (format!("SELECT COUNT(*) FROM pins p WHERE {}", self.sql), self.args.clone());
        }
        let mut args = Vec::new();
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(c.pins), 0) AS BIGINT) FROM status_counts c WHERE {}",
            self.scope("c", &mut args)
        );
        (sql, args)
    }

    /// Whether [`count`](Self::count) sums counters (`status_counts` or
    /// `created_counts`) rather than counting rows.
    pub(super) fn counts_from_counters(&self) -> bool {
        self.by_status_only || self.by_time.is_some()
    }

    /// The placeholder of an argument of the count: in PostgreSQL one more
    /// of [`Filter::args`], in SQLite one more of the count's own `args`.
    fn count_arg(&mut self, arg: Arg, args: &mut Vec<Arg>) -> String {
        match self.dialect {
            Dialect::Postgres => self.arg(arg),
            Dialect::Sqlite => {
                args.push(arg);
                "?".to_owned()
            }
        }
    }

    /// `{alias}.tenant = … AND {alias}.status IN (…)`, the statuses of the
    /// query or, when it has none, every status (so the counters' primary
    /// key leads). PostgreSQL refers to the first arguments of the filter;
    /// SQLite's `?`s take theirs again, into `args`.
    fn scope(&self, alias: &str, args: &mut Vec<Arg>) -> String {
        let marks: Vec<String> = match self.dialect {
            Dialect::Postgres => (1..=self.status_args.len()).map(|n| self.dialect.placeholder(n)).collect(),
            Dialect::Sqlite => {
                args.extend(self.status_args.iter().cloned());
                vec!["?".to_owned(); self.status_args.len()]
            }
        };
        let statuses =
            if marks.len() > 1 { marks[1..].join(", ") } else { "'queued', 'pinning', 'pinned', 'failed'".to_owned() };
        format!("{alias}.tenant = {} AND {alias}.status IN ({statuses})", marks[0])
    }

    /// The SQL of how many of the scope's pins have `created < at`: at each
    /// level of `created_counts`, the buckets before `at`'s that share its
    /// bucket of the next level (at the top, all before it), then the pins
    /// of `at`'s finest bucket that are before it, counted in the index.
    /// Its text depends on the query's shape only (the bounds are
    /// arguments), so it stays prepared.
    fn created_before(&mut self, at: i64, args: &mut Vec<Arg>) -> String {
        let mut parts = Vec::new();
        for (level, shift) in LEVEL_SHIFTS.iter().enumerate() {
            let bucket = at >> shift;
            let scope = self.scope("c", args);
            let range = match LEVEL_SHIFTS.get(level + 1) {
                Some(next) => {
                    let first = self.count_arg(Arg::Int((at >> next) << (next - shift)), args);
                    format!("c.bucket >= {first} AND c.bucket < {}", self.count_arg(Arg::Int(bucket), args))
                }
                None => format!("c.bucket < {}", self.count_arg(Arg::Int(bucket), args)),
            };
            parts.push(format!(
                "(SELECT COALESCE(SUM(c.pins), 0) FROM created_counts c WHERE {scope} AND c.level = {level} AND {range})"
            ));
        }
        let scope = self.scope("p", args);
        let finest = self.count_arg(Arg::Int((at >> LEVEL_SHIFTS[0]) << LEVEL_SHIFTS[0]), args);
        let at = self.count_arg(Arg::Int(at), args);
        parts.push(format!(
            "(SELECT COUNT(*) FROM pins p WHERE {scope} AND p.created >= {finest} AND p.created < {at})"
        ));
        format!("SELECT {}", parts.join(" + "))
    }

    /// The SQL of one page, newest first, each row with what it costs the
    /// page's byte budget after [`COLUMNS`] (see [`budgeted`]); adds the
    /// `limit` argument.
    pub(super) fn page_sql(&mut self, limit: i64) -> String {
        let limit = self.arg(Arg::Int(limit));
        let info_bytes = match self.dialect {
            Dialect::Sqlite => "length(CAST(p.info AS BLOB))",
            Dialect::Postgres => "octet_length(p.info)",
        };
        format!(
            "SELECT {COLUMNS}, p.bytes + {info_bytes} FROM pins p WHERE {} ORDER BY p.created DESC LIMIT {limit}",
            self.sql
        )
    }
}

/// Binds `args` to `query`, in order.
pub(super) fn bind_all<'q, DB>(
    mut query: sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    &'q str: Encode<'q, DB> + Type<DB>,
    i64: Encode<'q, DB> + Type<DB>,
{
    for arg in args {
        query = match arg {
            Arg::Text(text) => query.bind(text.as_str()),
            Arg::Int(int) => query.bind(*int),
        };
    }
    query
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

/// Microseconds of an instant, rounded down, and whether it was exact.
fn split_micros(at: &DateTime<Utc>) -> (i64, bool) {
    let nanos = at.timestamp_subsec_nanos();
    let micros = at.timestamp().saturating_mul(1_000_000).saturating_add(i64::from(nanos / 1000));
    (micros, nanos % 1000 == 0)
}

/// `created < before`, in stored microseconds: `created < ceil(before)`.
fn before_bound(before: &DateTime<Utc>) -> i64 {
    let (micros, exact) = split_micros(before);
    if exact { micros } else { micros.saturating_add(1) }
}

/// `created > after`, in stored microseconds: `created > floor(after)`.
fn after_bound(after: &DateTime<Utc>) -> i64 {
    split_micros(after).0
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
