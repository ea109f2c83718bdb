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
