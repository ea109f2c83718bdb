//! The reference IPFS pinning service: the generated axum server
//! (`ipfs-pinning-server`) implemented on an embedded SQLite database.
//!
//! - [`config`]: the command line (every flag also an environment variable).
//! - [`app`]: start-up and graceful shutdown.
//! - [`api`]: the generated `Api` trait, implemented (a thin adapter).
//! - [`store`]: storage behind the [`store::Store`] trait; SQLite in WAL mode.
//! - [`worker`]: the lifecycle worker (`queued → pinning → pinned | failed`),
//!   resumable after a crash.
//! - [`pinner`]: the backends: `simulated` (default) and `kubo` (Kubo RPC).
//! - [`cids`]: CID validation.

pub mod api;
pub mod app;
pub mod cids;
pub mod config;
pub mod pinner;
pub mod store;
pub mod worker;
