//! An async client for the IPFS Pinning Service API, generated from
//! `spec/ipfs-pinning-service.yaml` by `cargo xtask codegen`.
//!
//! ```no_run
//! use ipfs_pinning_client::{Client, GetPinsQuery, models::{Pin, Status}};
//!
//! # async fn example() -> Result<(), ipfs_pinning_client::Error> {
//! let client = Client::new("https://api.example.com/psa", "secret-token")?;
//! let added = client.add_pin(&Pin { cid: "bafy...".into(), name: None, origins: None, meta: None }).await?;
//! let page = client.get_pins(&GetPinsQuery::default().status([Status::Queued, Status::Pinned]).limit(50)).await?;
//! println!("{} of {} pins; {} items could not be decoded", page.results.len(), page.count, page.skipped.len());
//! let done = client.wait_for(&added.requestid, &[Status::Pinned, Status::Failed], std::time::Duration::from_secs(60)).await;
//! # let _ = done;
//! # Ok(())
//! # }
//! ```
//!
//! - The generated `client` module (never edited by hand; re-exported here)
//!   has [`Client`], [`ClientBuilder`], one method per operation, the query
//!   structs ([`GetPinsQuery`]), [`Error`] and [`Decoded`].
//! - [`Client::list_all`] (in `list_all.rs`) pages through every pin.
//! - [`Client::wait_for`] (in `wait.rs`) polls a pin until it reaches a status.
//!
//! TLS is rustls with the *ring* crypto provider (no OpenSSL, no cmake):
//! [`ClientBuilder::build`] installs ring as the process's default rustls
//! provider unless the application installed one first.
//!
//! ## Unknown `status` values
//!
//! [`Status`](models::Status) is a closed enum, as the spec defines it. A
//! service that sends a status the spec does not know (say `expired`) does not
//! make a whole page fail: [`Client::get_pins`] decodes `PinResults.results`
//! item by item and returns the items that do not decode in
//! [`Decoded::skipped`], each with its raw JSON and the reason; `count` is
//! left as the server sent it. [`Client::list_all`] yields each skipped item as
//! an [`ListAllError::Skipped`] and goes on. A single `PinStatus` with an
//! unknown status (from `get_pin_by_request_id`, `add_pin`, ...) is an
//! [`Error::Decode`] that keeps the status and the start of the body.

pub use ipfs_pinning_models as models;

// Formatted by the generator (prettyplease), not rustfmt.
#[rustfmt::skip]
mod client;
mod list_all;
mod wait;

pub use client::*;
pub use list_all::ListAllError;
pub use wait::WaitError;
