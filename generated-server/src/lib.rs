//! The IPFS Pinning Service API server, generated from
//! `spec/ipfs-pinning-service.yaml` by `cargo xtask codegen`.
//!
//! The generated code is in the `server` module (never edited by hand);
//! hand-written helpers live in their own modules beside it.

pub use ipfs_pinning_models as models;

// Formatted by the generator (prettyplease), not rustfmt.
#[rustfmt::skip]
mod server;

pub use server::*;
