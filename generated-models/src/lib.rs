//! Model types of the IPFS Pinning Service API, generated from
//! `spec/ipfs-pinning-service.yaml` by `cargo xtask codegen`.
//!
//! The types live in the generated `models` module (never edited by hand) and
//! are re-exported here. Shared by `ipfs-pinning-client` and
//! `ipfs-pinning-server`, so both speak exactly the same wire types.

// Formatted by the generator (prettyplease), not rustfmt.
#[rustfmt::skip]
mod models;

pub use models::*;
