//! `GET /pins/{requestid}` and filtered `GET /pins` at 1k, 100k and 1M pins,
//! on SQLite and on PostgreSQL, against a bare axum handler answering a fixed
//! `PinStatus` in the same run (the ceiling).
//!
//! ```sh
//! cargo bench -p pinning-service --bench scale                      # both backends, 1k/100k/1M, 3 s a scenario
//! cargo bench -p pinning-service --bench scale -- --backends sqlite --sizes 1000,100000 --seconds 2
//! cargo bench -p pinning-service --bench scale -- --only '{id}' --read-cache false   # without the read cache
//! cargo bench -p pinning-service --bench scale -- --backends postgres --postgres-cores 1  # database on a core of its own
//! ```
//!
//! Pins are written with bulk SQL straight into the store's tables (one
//! tenant holds all of them: the worst case for its lists), then the
//! service starts in-process on that database (simulated backend) and a
//! load of `--connections` concurrent keep-alive clients (default 16) sends
//! each scenario for `--seconds`, cut into `--slices` that alternate with
//! slices of the bare handler (so a change of the shared machine's load
//! hits both, and the ratio stays meaningful); p50/p99 are per-request
//! round trips, req/s the completed requests over the time. Every answer's status is checked,
//! and each list answer's `count` too, so a fast wrong answer cannot pass as
//! a result. PostgreSQL comes from `PINNING_TEST_POSTGRES_URL` (as it is),
//! or else from a throwaway cluster of the benchmark's own, started with
//! `initdb`, set up as a database on the service's machine would be: a
//! buffer pool that holds what the lookups read at 1M pins
//! (`--postgres-shared-buffers`, 1 GB; the tests' clusters have 64 MB), and
//! reached over its Unix socket (`--postgres-tcp`: over TCP on 127.0.0.1).
//! By default that cluster shares every core with this process; with
//! `--postgres-cores N` (Linux) it runs on the last N of them and this
//! process (the load, the service and the bare handler alike) on the
//! others, as beside a database on a machine of its own. The first lines of
//! the output say which.
//!
//! Where the time goes: `cpu µs` is this process's CPU time (the load, the
//! service and the bare handler, all threads) per request over the slices,
//! `db µs` that of the `postgres` processes on this machine (0 for SQLite,
//! which runs inside this process). Both come from Linux's per-task
//! `schedstat`; elsewhere they print as 0. With both cores busy the ratio is
//! about the bare handler's `cpu µs` over the scenario's `cpu µs + db µs`.

#[path = "../tests/support/postgres.rs"]
mod cluster;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::routing::get;
use chrono::Utc;
use clap::{CommandFactory, Parser};
use ipfs_pinning_models::{Pin, PinStatus, Status};
use pinning_service::app;
use pinning_service::store::{FILL_CREATED_COUNTS, NewPin, PostgresStore, SqliteStore, Store, TenantId};

const TOKEN: &str = "scale-bench-token-0123456789";

/// The `created` of the first bulk pin (µs); one millisecond apart after it.
const BASE: i64 = 1_700_000_000_000_000;

#[derive(Debug, Parser)]
#[command(name = "scale", about = "The scale benchmark (see benches/scale.rs)")]
struct Options {
    /// `sqlite`, `postgres`, or both (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<String>,
    /// Numbers of pins (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "1000,100000,1000000")]
    sizes: Vec<u64>,
    /// Seconds each scenario runs (after a fifth of that to warm up).
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Only the scenarios whose label contains one of these (comma-separated;
    /// all by default), e.g. `--only '{id}'` while profiling.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// `--only` names whole labels, e.g. `--only 'GET /pins/{id}' --exact`
    /// for the spread lookups alone.
    #[arg(long)]
    exact: bool,
    /// Slices each scenario's window is cut into, alternating with the
    /// bare handler's.
    #[arg(long, default_value_t = 6)]
    slices: u32,
    /// The service's `--read-cache` (`true` or `false`).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    read_cache: bool,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// `shared_buffers` of the benchmark's own PostgreSQL cluster (not of
    /// `PINNING_TEST_POSTGRES_URL`'s). At 1M pins the lookups read a 252 MB
    /// table and a 30 MB index.
    #[arg(long, default_value = "1GB")]
    postgres_shared_buffers: String,
    /// Reach the benchmark's own PostgreSQL cluster over TCP on 127.0.0.1,
    /// not over its Unix socket.
    #[arg(long)]
    postgres_tcp: bool,
    /// Cores of the benchmark's own PostgreSQL cluster (Linux): the last N
    /// of those this process may run on, and everything else (the load, the
    /// service, the bare handler) on the others, as with a database on a
    /// machine of its own. 0: all of them share every core.
    #[arg(long, default_value_t = 0)]
    postgres_cores: usize,
    /// `cargo bench` passes `--bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

/// One measured scenario.
struct Figures {
    p50: Duration,
    p99: Duration,
    per_second: f64,
    /// This process's CPU time per request.
    cpu: Duration,
    /// The database server's CPU time per request.
    db_cpu: Duration,
}

fn main() {
    let options = Options::parse();
    let wants_postgres = options.backends.iter().any(|backend| backend == "postgres");
    let external = std::env::var_os(cluster::URL_VARIABLE).is_some();
    // The cluster starts before the runtime, so that with `--postgres-cores`
    // its processes inherit its cores and the runtime's threads the others
    // (a runtime sizes itself to the cores it may use).
    let cores = (options.postgres_cores > 0).then(|| {
        if !wants_postgres || external {
            let message = format!(
                "--postgres-cores is for the benchmark's own PostgreSQL cluster (`--backends postgres`, no {})",
                cluster::URL_VARIABLE
            );
            Options::command().error(clap::error::ErrorKind::ArgumentConflict, message).exit();
        }
        cores::Split::new(options.postgres_cores)
            .unwrap_or_else(|message| Options::command().error(clap::error::ErrorKind::InvalidValue, message).exit())
    });
    if let Some(split) = &cores {
        split.enter_database();
    }
    let own_cluster = (wants_postgres && !external)
        .then(|| cluster::own_with(&[("shared_buffers", options.postgres_shared_buffers.as_str())]))
        .flatten()
        .and_then(|own| if options.postgres_tcp { Some(own) } else { own.over_socket() });
    if let Some(split) = &cores {
        split.enter_rest();
    }
    // The cluster the PostgreSQL runs use, and the output's line on it.
    let postgres = if !wants_postgres {
        None
    } else if external {
        cluster::shared().map(|shared| (shared, format!("the cluster of {} (as it is)", cluster::URL_VARIABLE)))
    } else {
        let over = if options.postgres_tcp { "TCP on 127.0.0.1" } else { "its Unix socket" };
        let on = cores.map_or_else(|| "sharing every core".to_owned(), |split| format!("on {split}"));
        let buffers = &options.postgres_shared_buffers;
        own_cluster
            .as_ref()
            .map(|own| (own, format!("a cluster of its own, shared_buffers {buffers}, over {over}, {on}")))
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(run(options, postgres));
}

async fn run(options: Options, postgres: Option<(&cluster::Cluster, String)>) {
    let window = Duration::from_secs_f64(options.seconds);
    // reqwest's rustls needs a provider (plain HTTP here; see `pinner::kubo`).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder().pool_max_idle_per_host(options.connections).build().expect("a client");

    let bare = bare_handler().await;
    println!("scale: {} connections, {:.1} s a scenario", options.connections, options.seconds);
    let postgres = postgres.map(|(cluster, described)| {
        println!("postgres: {described}");
        cluster
    });
    println!(
        "{:<9} {:>9}  {:<30} {:>9} {:>9} {:>10} {:>8} {:>7} {:>6}",
        "backend", "pins", "request", "p50 ms", "p99 ms", "req/s", "vs bare", "cpu µs", "db µs"
    );

    let mut lists: BTreeMap<(String, &str), Vec<(u64, Duration)>> = BTreeMap::new();
    let load = Load { http, connections: options.connections, window, slices: options.slices };
    for backend in &options.backends {
        for &size in &options.sizes {
            let Some(db) = populate(backend, size, postgres).await else { continue };
            let args = service_args(&db, options.read_cache);
            let running = app::start(&args).await.expect("the service starts");
            let url = format!("http://{}", running.local_addr());
            let bare_path = |_: u64| format!("{bare}/pins/fixed");
            let scenarios = scenarios(size);
            let chosen = scenarios.iter().filter(|scenario| {
                options.only.is_empty()
                    || options
                        .only
                        .iter()
                        .any(|only| if options.exact { scenario.label == only } else { scenario.label.contains(only) })
            });
            for scenario in chosen {
                // The ceiling, in slices alternating with the scenario's, so
                // both see the same load of the (shared) machine.
                let [ceiling, figures] = load
                    .alternate([
                        (&bare_path as &Path<'_>, None),
                        (&|n| format!("{url}{}", (scenario.path)(n)), scenario.count),
                    ])
                    .await;
                print_row("bare", size, &format!("bare beside {}", scenario.label), &ceiling, ceiling.per_second);
                print_row(backend, size, scenario.label, &figures, ceiling.per_second);
                if scenario.count.is_some() {
                    lists.entry((backend.clone(), scenario.label)).or_default().push((size, figures.p50));
                }
            }
            running.shutdown().await;
        }
    }
    println!();
    println!("list p50 at the largest size over the smallest (target: at most 2x):");
    for ((backend, label), points) in &lists {
        if let (Some(first), Some(last)) = (points.first(), points.last())
            && points.len() > 1
        {
            let ratio = last.1.as_secs_f64() / first.1.as_secs_f64();
            println!("  {backend:<9} {label:<30} {} -> {} pins: {ratio:.2}x", first.0, last.0);
        }
    }
}

fn print_row(backend: &str, size: u64, label: &str, figures: &Figures, ceiling: f64) {
    println!(
        "{backend:<9} {size:>9}  {label:<30} {:>9.3} {:>9.3} {:>10.0} {:>7.2}x {:>7.1} {:>6.1}",
        ms(figures.p50),
        ms(figures.p99),
        figures.per_second,
        figures.per_second / ceiling,
        figures.cpu.as_secs_f64() * 1e6,
        figures.db_cpu.as_secs_f64() * 1e6,
    );
}

/// The ceiling: a bare axum handler answering a fixed `PinStatus` as JSON.
async fn bare_handler() -> String {
    let fixed = PinStatus {
        requestid: "bench-00000001".to_owned(),
        status: Status::Pinned,
        created: Utc::now(),
        pin: Pin { cid: "bafkbench00000001".to_owned(), name: Some("name-1".to_owned()), origins: None, meta: None },
        delegates: vec![pinning_service::pinner::DEFAULT_SIMULATED_DELEGATE.to_owned()],
        info: Some(BTreeMap::from([("status_details".to_owned(), "pinned".to_owned())])),
    };
    let router = axum::Router::new().route("/pins/{requestid}", get(move || async move { Json(fixed.clone()) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

/// A request of a scenario: its path for the `n`th request, and the `count`
/// a list must answer.
struct Scenario {
    label: &'static str,
    path: Box<dyn Fn(u64) -> String + Send + Sync>,
    count: Option<u64>,
}

fn scenarios(size: u64) -> Vec<Scenario> {
    vec![
        Scenario {
            label: "GET /pins/{id}",
            // Spread over the whole table, so caches do not flatter it: at
            // 100k and 1M pins, no id comes twice in a run (the read cache
            // misses every time).
            path: Box::new(move |n| format!("/pins/{}", requestid(n.wrapping_mul(7919) % size))),
            count: None,
        },
        Scenario {
            label: "GET /pins/{id} (1k polled)",
            // What clients do while they wait for their pins: poll a few
            // (here 1,000, spread over the table) again and again.
            path: Box::new(move |n| format!("/pins/{}", requestid((n % 1000) * (size / 1000).max(1)))),
            count: None,
        },
        Scenario {
            label: "GET /pins?cid (1 match)",
            path: Box::new(|_| format!("/pins?cid={}", real_cid())),
            count: Some(1),
        },
        Scenario {
            label: "GET /pins?name exact",
            path: Box::new(move |n| format!("/pins?name=name-{}&match=exact", n.wrapping_mul(7919) % size)),
            count: Some(1),
        },
        Scenario {
            label: "GET /pins?before (page 10)",
            // A page deep in the list: before = the middle pin's created.
            path: Box::new(move |_| {
                let created = chrono::DateTime::from_timestamp_micros(BASE + (size / 2) as i64 * 1000).unwrap();
                format!("/pins?before={}&limit=10", created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            }),
            count: Some(size / 2),
        },
        Scenario {
            label: "GET /pins (default, count all)",
            path: Box::new(|_| "/pins".to_owned()),
            count: Some(size + 1),
        },
    ]
}

/// The URL of the `n`th request of a load.
type Path<'a> = dyn Fn(u64) -> String + Send + Sync + 'a;

/// How requests are sent: `connections` concurrent clients, for `window`
/// per target cut into `slices`.
struct Load {
    http: reqwest::Client,
    connections: usize,
    window: Duration,
    slices: u32,
}

impl Load {
    /// Measures each target (a path, and the `count` its lists must answer)
    /// in turn, slice after slice, after a fifth of the window of warm-up
    /// each: targets alternate, so a change of the machine's load hits all.
    async fn alternate<const N: usize>(&self, targets: [(&Path<'_>, Option<u64>); N]) -> [Figures; N] {
        let slice = self.window / self.slices.max(1);
        // Each target's request numbers go on from slice to slice, so a
        // scenario spread over the table asks for no id twice in a run.
        let sent: [AtomicU64; N] = std::array::from_fn(|_| AtomicU64::new(0));
        for ((path, count), sent) in targets.iter().zip(&sent) {
            self.run(path, *count, sent, self.window / 5).await;
        }
        let mut times: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::new());
        let mut cpu = [(Duration::ZERO, Duration::ZERO); N];
        for _ in 0..self.slices.max(1) {
            for (index, (path, count)) in targets.iter().enumerate() {
                let before = (cpu_time("self"), database_cpu_time());
                times[index].extend(self.run(path, *count, &sent[index], slice).await);
                cpu[index].0 += cpu_time("self").saturating_sub(before.0);
                cpu[index].1 += database_cpu_time().saturating_sub(before.1);
            }
        }
        let mut cpu = cpu.into_iter();
        times.map(|mut times| {
            times.sort();
            assert!(!times.is_empty(), "no request finished in the window");
            let (own, db) = cpu.next().unwrap_or_default();
            let requests = u32::try_from(times.len()).unwrap_or(u32::MAX);
            Figures {
                p50: percentile(&times, 50.0),
                p99: percentile(&times, 99.0),
                per_second: times.len() as f64 / (slice * self.slices.max(1)).as_secs_f64(),
                cpu: own / requests,
                db_cpu: db / requests,
            }
        })
    }

    /// The round trips of the requests sent for `length`, all connections together.
    async fn run(&self, path: &Path<'_>, count: Option<u64>, sent: &AtomicU64, length: Duration) -> Vec<Duration> {
        let until = Instant::now() + length;
        let tasks = (0..self.connections).map(|_| async move {
            let mut mine = Vec::new();
            loop {
                let started = Instant::now();
                if started >= until {
                    break;
                }
                let url = path(sent.fetch_add(1, Ordering::Relaxed));
                let response = self
                    .http
                    .get(&url)
                    .bearer_auth(TOKEN)
                    .send()
                    .await
                    .unwrap_or_else(|error| panic!("{url}: {error}"));
                let status = response.status();
                let body = response.bytes().await.expect("a body");
                assert!(status.is_success(), "{url}: {status} {}", String::from_utf8_lossy(&body));
                if let Some(count) = count {
                    let page: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
                    assert_eq!(page["count"].as_u64(), Some(count), "{url}");
                }
                mine.push(started.elapsed());
            }
            mine
        });
        futures_util::future::join_all(tasks).await.into_iter().flatten().collect()
    }
}

/// The CPU time of a process's threads (`/proc/<pid>/task/*/schedstat`:
/// nanoseconds on a CPU), zero where there is no such file.
fn cpu_time(pid: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Duration::ZERO };
    let nanos: u64 = tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

/// The CPU time of every `postgres` process on this machine (the server
/// and its backends; a backend that exits takes its time with it, and the
/// service's connections stay open while a scenario runs).
fn database_cpu_time() -> Duration {
    let Ok(processes) = std::fs::read_dir("/proc") else { return Duration::ZERO };
    processes
        .flatten()
        .filter(|entry| entry.file_name().to_str().is_some_and(|name| name.bytes().all(|byte| byte.is_ascii_digit())))
        .filter(|entry| std::fs::read_to_string(entry.path().join("comm")).is_ok_and(|comm| comm.trim() == "postgres"))
        .filter_map(|entry| entry.file_name().to_str().map(cpu_time))
        .sum()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn requestid(i: u64) -> String {
    format!("bench-{i:08}")
}

/// The one pin with a real CID (the `cid` filter only takes valid CIDs).
fn real_cid() -> &'static str {
    "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
}

/// Where a populated database is.
enum Db {
    Sqlite(#[allow(dead_code, reason = "held for the database's lifetime")] tempfile::TempDir, std::path::PathBuf),
    Postgres(String),
}

fn service_args(db: &Db, read_cache: bool) -> pinning_service::config::Args {
    let location = match db {
        Db::Sqlite(_, path) => path.display().to_string(),
        Db::Postgres(url) => url.clone(),
    };
    pinning_service::config::Args::parse_from([
        "pinning-service",
        "--listen",
        "127.0.0.1:0",
        "--db",
        &location,
        "--token",
        TOKEN,
        "--max-connections",
        "4096",
        "--read-cache",
        if read_cache { "true" } else { "false" },
    ])
}

/// A database of `size` pinned pins of one tenant (plus the one with a
/// real CID), written with bulk SQL (PostgreSQL's on `postgres`); `None`
/// when the backend is unavailable.
async fn populate(backend: &str, size: u64, postgres: Option<&cluster::Cluster>) -> Option<Db> {
    let started = Instant::now();
    let tenant = TenantId::from_token(TOKEN);
    let size = i64::try_from(size).expect("a size that fits");
    let db = match backend {
        "sqlite" => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let path = dir.path().join("scale.db");
            let store = SqliteStore::open(&path).await.expect("the SQLite store");
            store.close().await;
            let pool = sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&path))
                .await
                .expect("SQLite");
            let mut tx = pool.begin().await.expect("a transaction");
            sqlx::query(
                "WITH RECURSIVE seq (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1)
                 INSERT INTO pins (tenant, requestid, cid, cid_key, name, name_folded, meta, status, info, created,
                                   updated, bytes)
                 SELECT ?2, printf('bench-%08d', i), printf('bafkbench%08d', i), printf('bafkbench%08d', i),
                        'name-' || i, 'name-' || i, '{\"shard\":\"' || (i % 16) || '\"}', 'pinned',
                        '{\"status_details\":\"pinned\"}', ?3 + i * 1000, ?3 + i * 1000, 40
                 FROM seq",
            )
            .bind(size)
            .bind(tenant.as_str())
            .bind(BASE)
            .execute(&mut *tx)
            .await
            .expect("bulk pins");
            sqlx::raw_sql(
                "INSERT INTO pin_meta (pin_id, key, value) SELECT id, 'shard', json_extract(meta, '$.shard') FROM pins",
            )
            .execute(&mut *tx)
            .await
            .expect("bulk meta");
            tx.commit().await.expect("commit");
            sqlx::raw_sql("ANALYZE").execute(&pool).await.expect("ANALYZE");
            pool.close().await;
            Db::Sqlite(dir, path)
        }
        "postgres" => {
            let url = postgres?.fresh_database().await;
            let store = PostgresStore::connect(&url).await.expect("the PostgreSQL store");
            let pool = store.pool().clone();
            // Row triggers off for the load (the counters are filled after it).
            sqlx::raw_sql("ALTER TABLE pins DISABLE TRIGGER USER").execute(&pool).await.expect("triggers off");
            sqlx::query(
                "INSERT INTO pins (tenant, requestid, cid, cid_key, name, name_folded, meta, status, info, created,
                                   updated, bytes)
                 SELECT $2, 'bench-' || lpad(i::text, 8, '0'), 'bafkbench' || lpad(i::text, 8, '0'),
                        'bafkbench' || lpad(i::text, 8, '0'), 'name-' || i, 'name-' || i,
                        '{\"shard\":\"' || (i % 16) || '\"}', 'pinned', '{\"status_details\":\"pinned\"}',
                        $3 + i * 1000, $3 + i * 1000, 40
                 FROM generate_series(0, $1 - 1) AS i",
            )
            .bind(size)
            .bind(tenant.as_str())
            .bind(BASE)
            .execute(&pool)
            .await
            .expect("bulk pins");
            sqlx::raw_sql(
                "INSERT INTO pin_meta (pin_id, key, value) SELECT id, 'shard', meta::jsonb ->> 'shard' FROM pins",
            )
            .execute(&pool)
            .await
            .expect("bulk meta");
            sqlx::query(
                "INSERT INTO tenants (tenant, last_created, pins, bytes) VALUES ($1, $2, $3, $3 * 40)
                 ON CONFLICT (tenant) DO UPDATE SET last_created = EXCLUDED.last_created, pins = EXCLUDED.pins,
                                                    bytes = EXCLUDED.bytes",
            )
            .bind(tenant.as_str())
            .bind(BASE + (size - 1) * 1000)
            .bind(size)
            .execute(&pool)
            .await
            .expect("tenant usage");
            sqlx::raw_sql(
                "ALTER TABLE pins ENABLE TRIGGER USER;
                 INSERT INTO status_counts (tenant, status, pins) SELECT tenant, status, COUNT(*) FROM pins
                 GROUP BY tenant, status",
            )
            .execute(&pool)
            .await
            .expect("status counts");
            sqlx::raw_sql(FILL_CREATED_COUNTS).execute(&pool).await.expect("created counts");
            sqlx::raw_sql("VACUUM ANALYZE").execute(&pool).await.expect("VACUUM ANALYZE");
            store.close().await;
            Db::Postgres(url)
        }
        other => panic!("unknown backend `{other}` (sqlite, postgres)"),
    };
    // The one pin with a real CID, through the store as the service adds it.
    let store: Box<dyn Store> = match &db {
        Db::Sqlite(_, path) => Box::new(SqliteStore::open(path).await.expect("SQLite")),
        Db::Postgres(url) => Box::new(PostgresStore::connect(url).await.expect("PostgreSQL")),
    };
    let real = NewPin { cid: real_cid().to_owned(), name: None, origins: None, meta: None, info: BTreeMap::new() };
    let record = store.create(&tenant, real).await.expect("the real pin");
    let lease = pinning_service::store::Lease::fresh(Duration::from_secs(60));
    let job = store.claim_next(&lease, BTreeMap::new()).await.expect("a claim").expect("the real pin is queued");
    assert_eq!(job.requestid, record.requestid);
    store.finish(&record.requestid, &lease.holder, Status::Pinned, BTreeMap::new()).await.expect("pinned");
    store.close().await;
    eprintln!("{backend}: {size} pins written in {:.1} s", started.elapsed().as_secs_f64());
    Some(db)
}

/// `--postgres-cores`: which cores the benchmark's own cluster gets, and
/// which the rest (threads and processes inherit the cores of the thread
/// that starts them).
mod cores {
    use std::fmt;

    /// The cores this process may run on, split in two.
    pub struct Split {
        database: Vec<usize>,
        rest: Vec<usize>,
    }

    impl Split {
        /// The last `database` cores of this thread's for the cluster, the
        /// others for the rest; an error when that leaves no core for the rest.
        pub fn new(database: usize) -> Result<Split, String> {
            let mut cpus = allowed();
            if database >= cpus.len() {
                return Err(format!(
                    "--postgres-cores {database} leaves no core for the rest (this process may use {})",
                    cpus.len()
                ));
            }
            let database = cpus.split_off(cpus.len() - database);
            Ok(Split { database, rest: cpus })
        }

        /// This thread (and what it starts from now on) on the cluster's cores.
        pub fn enter_database(&self) {
            enter(&self.database);
        }

        /// This thread (and what it starts from now on) on the other cores.
        pub fn enter_rest(&self) {
            enter(&self.rest);
        }
    }

    impl fmt::Display for Split {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "CPU {:?} (everything else on CPU {:?})", self.database, self.rest)
        }
    }

    #[cfg(target_os = "linux")]
    fn allowed() -> Vec<usize> {
        use rustix::thread::{CpuSet, sched_getaffinity};
        let set = sched_getaffinity(None).expect("this thread's cores");
        (0..CpuSet::MAX_CPU).filter(|&cpu| set.is_set(cpu)).collect()
    }

    #[cfg(target_os = "linux")]
    fn enter(cpus: &[usize]) {
        use rustix::thread::{CpuSet, sched_setaffinity};
        let mut set = CpuSet::new();
        for &cpu in cpus {
            set.set(cpu);
        }
        sched_setaffinity(None, &set).expect("this thread's cores set");
    }

    #[cfg(not(target_os = "linux"))]
    fn allowed() -> Vec<usize> {
        panic!("--postgres-cores needs Linux")
    }

    #[cfg(not(target_os = "linux"))]
    fn enter(_: &[usize]) {}
}
