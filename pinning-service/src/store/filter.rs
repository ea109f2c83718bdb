//! The `WHERE` clause of a list query, built once from a [`ListQuery`] and
//! spelled per [`Dialect`], its arguments bound in placeholder order, and
//! where its count comes from (the per-status and per-time counters when the
//! filter allows).

use chrono::{DateTime, Utc};
use ipfs_pinning_models::TextMatchingStrategy;
use sqlx::{Database, Encode, Type};

use super::sql::{COLUMNS, Dialect, LEVEL_SHIFTS, fold};
use super::{ListQuery, TenantId};

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
