//! The plan: every decision about the generated code that does not need a
//! token, made once between lowering and the emitters, and every refusal
//! (`Error::Unsupported`) with its pointer. Emitters read plans and cannot
//! refuse; `--skip-unsupported` plans and leaves out what was refused.
//!
//! - [`names`]: the name of every item the client and server files define
//!   per operation (methods, handlers, decoders, query, headers, response,
//!   success and multipart types), decided in one pass over the whole API
//!   with one collision check.
//! - [`client`]: per operation, the client method's arguments, path,
//!   parameters ([`parameters`]: each one's wire form), body encoding
//!   ([`bodies`]: form and multipart fields), success and failure statuses;
//!   per API, the error body type.
//! - [`server`]: per operation, the handler's authentication requirement,
//!   parameters ([`decoding`]), body, responses ([`responses`]), error-body
//!   hook ([`errors`]) and route ([`routes`]).
//! - [`security`]: the security schemes the operations use, how each sends
//!   its credential, the setter, hook and constant names derived from the
//!   scheme names, and each operation's requirement (alternatives of
//!   schemes with scopes, anonymous access), read by both sides;
//!   [`delimiter`]: the delimiter of a list in one value.
//!
//! The client and the server are planned apart ([`ClientPlan`],
//! [`ServerPlan`]): each emitter can run alone and refuses only what its
//! side cannot express. [`ApiPlan`] is both.
//!
//! Plans are plain data: no `proc_macro2`, `quote` or `syn` in this module
//! (`generator/tests/stages.rs` checks it).

pub mod bodies;
pub mod client;
pub mod decoding;
pub mod delimiter;
pub mod errors;
pub mod names;
pub mod parameters;
pub mod responses;
pub mod routes;
pub mod security;
pub mod segment_patterns;
pub mod server;

use crate::error::{Error, Result, Warning};
use crate::ir::Api;

pub use client::{ClientOperation, ClientPlan};
pub use names::{Names, OperationNames};
pub use server::{ServerOperation, ServerPlan};

/// The plan of a whole API: its client and its server.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiPlan {
    pub client: ClientPlan,
    pub server: ServerPlan,
}

/// What the plan expresses less precisely than the spec says (a request
/// body's media types the server does not read, ...), in operation order,
/// for the operations it can express. [`crate::load`] adds them to
/// [`Api::warnings`], so they are printed and listed with lowering's.
pub fn warnings(api: &Api) -> Vec<Warning> {
    let mut warnings = server::warnings(api);
    warnings.extend(routes::warnings(&api.operations));
    warnings
}

/// [`warnings`] for an API whose server the plan accepts as a whole, read
/// from that plan instead of planning each operation again: an operation's
/// warnings do not depend on the names it is given, so they are the same.
pub fn planned_warnings(api: &Api, server: &ServerPlan) -> Vec<Warning> {
    let mut warnings: Vec<Warning> = server.warnings().cloned().collect();
    warnings.extend(routes::warnings(&api.operations));
    warnings
}

/// Adds [`warnings`] to `api.warnings`.
pub fn add_warnings(api: &mut Api) {
    let warnings = warnings(api);
    api.warnings.extend(warnings);
}

/// The plan of one operation, on both sides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OperationPlan<'p> {
    pub names: &'p OperationNames,
    pub client: &'p ClientOperation,
    pub server: &'p ServerOperation,
}

impl ApiPlan {
    /// Plans `api`: fails with the first thing the client or the server
    /// cannot express.
    pub fn new(api: &Api) -> Result<ApiPlan> {
        Ok(ApiPlan { client: ClientPlan::new(api)?, server: ServerPlan::new(api)? })
    }

    /// What the plan approximates (see [`warnings`]).
    pub fn warnings(&self) -> impl Iterator<Item = &Warning> {
        self.server.warnings()
    }

    /// The plan of each operation, in the order of [`Api::operations`].
    pub fn operations(&self) -> impl Iterator<Item = OperationPlan<'_>> {
        self.client
            .names
            .operations
            .iter()
            .zip(&self.client.operations)
            .zip(&self.server.operations)
            .map(|((names, client), server)| OperationPlan { names, client, server })
    }
}

/// The operations the client or the server cannot express, by index, with
/// the reason, each operation planned on its own (unsorted; an operation
/// both refuse appears twice). Refusals of the API as a whole (a name
/// collision, routes axum cannot tell apart) are [`ApiPlan::new`]'s.
pub fn refusals(api: &Api) -> Result<Vec<(usize, Error)>> {
    let mut refused = client::refusals(api)?;
    refused.extend(server::refusals(api)?);
    Ok(refused)
}
