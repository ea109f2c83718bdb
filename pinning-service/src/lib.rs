//! The reference IPFS pinning service: the generated axum server
//! (`ipfs-pinning-server`) implemented on an embedded SQLite database.
//!
//! - [`config`]: the command line (every flag also an environment variable).
//! - [`app`]: start-up and graceful shutdown.
//! - [`listener`]: the HTTP/1.1 accept loop (header-read timeout, connection cap).
//! - [`middleware`]: per-request timeout, access log, request ids, `Retry-After`.
//! - [`ops`]: `/healthz`, `/readyz`, `/metrics` (Prometheus).
//! - [`api`]: the generated `Api` trait, implemented (a thin adapter).
//! - [`store`]: storage behind the [`store::Store`] trait; SQLite in WAL mode
//!   or PostgreSQL, with a read cache of `GET /pins/{requestid}` in front.
//! - [`worker`]: the lifecycle worker (`queued → pinning → pinned | failed`),
//!   resumable after a crash.
//! - [`pinner`]: the backends: `simulated` (default) and `kubo` (Kubo RPC).
//! - [`cids`]: CID validation.

pub mod api;
pub mod app;
pub mod cids;
pub mod config;
pub mod listener;
pub mod middleware;
pub mod ops;
pub mod pinner;
pub mod store;
pub mod worker;

/// mimalloc instead of glibc's malloc, for the service binary and for
/// everything that runs the service in-process (the benchmarks measure it as
/// deployed): a request allocates and frees many small buffers, strings and
/// maps on two or more runtime threads, where glibc's malloc took about
/// 8 µs of CPU per `GET /pins/{requestid}` that missed the read cache
/// (`perf`, scale bench on PostgreSQL). `no_thp`: no transparent huge pages,
/// so a new heap region costs no 2 MiB of zeroing at its first touch.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
