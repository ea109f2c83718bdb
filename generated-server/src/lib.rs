//! The IPFS Pinning Service API as an axum server, generated from
//! `spec/ipfs-pinning-service.yaml` by `cargo xtask codegen`.
//!
//! Implement [`Api`] (one async method per operation, plus the bearer-token
//! hook) and serve [`router`]. The router does all the HTTP work before a
//! method is called:
//!
//! - **Authentication**: the `Authorization: Bearer <token>` header is read
//!   once and given to [`Api::authenticate_access_token`]; a missing or
//!   malformed header, or a token the hook rejects, is answered `401` and the
//!   operation is never called.
//! - **Decoding**: `cid` and `status` are comma-separated lists
//!   (`?cid=Qm1,Qm2`), `meta` is URL-encoded JSON, `before`/`after` are RFC
//!   3339 date-times, `match` and `status` are the spec's enums, `limit` an
//!   integer; defaults are applied ([`GetPinsQuery::default`]: `limit` 10,
//!   `match` exact). Bodies must be `Content-Type: application/json`.
//! - **Constraints**: every one in the spec (`limit` 1..=1000, `cid` 1..=10
//!   unique, `status` at least 1 unique, `name` at most 255 characters,
//!   `origins` at most 20 unique, `meta` at most 1000 entries, required
//!   fields) is checked; the method only ever sees valid input.
//! - **Errors**: every refused request gets the spec's `Failure` body with a
//!   machine-readable `reason` and `details` naming the offending parameter
//!   or field (see [`Reason`] for the vocabulary and statuses): bad input
//!   `400`, wrong or missing content type `415`, bodies over the limit
//!   ([`Config::with_body_limit`], 1 MiB by default) `413`, unknown paths
//!   `404`, unknown methods `405` (with `Allow`). Fields a body has beyond the
//!   schema's are ignored (the schemas allow them); unknown query parameters
//!   are ignored too; a repeated query parameter is an error.
//!
//! Each method returns its operation's response enum, one variant per
//! documented status (`Ok`, `Accepted`, `BadRequest`, `NotFound`, ...; the
//! spec's `4XX`/`5XX` as `ClientError`/`ServerError` with a status checked to
//! lie in the range), so a handler cannot answer with an undocumented status
//! or body. `DELETE` answers `Accepted` with an empty body.
//!
//! `examples/in_memory.rs` is a complete service in under 100 lines.
//!
//! The generated code is in the `server` module (never edited by hand);
//! its spec-independent part is the [`runtime`] module.

pub use ipfs_pinning_models as models;

// Formatted by the generator (prettyplease), not rustfmt.
#[rustfmt::skip]
mod server;

pub use server::*;
