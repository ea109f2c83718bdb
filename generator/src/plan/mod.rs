//! The plan: every decision about the generated code that does not need a
//! token, made once between lowering and the emitters.
//!
//! - [`names`]: the name of every item the client and server files define
//!   per operation (methods, handlers, decoders, query, headers, response,
//!   success and multipart types), decided in one pass over the whole API
//!   with one collision check.
//! - [`auth`]: which operations send or check a bearer token (today's
//!   decisions, kept as they were until issue 12's `security` plan replaces
//!   them).
//!
//! Plans are plain data: no `proc_macro2`, `quote` or `syn` in this module
//! (`generator/tests/stages.rs` checks it). Emitters read them.

pub mod auth;
pub mod bodies;
pub mod client;
pub mod decoding;
pub mod delimiter;
pub mod errors;
pub mod names;
pub mod parameters;
pub mod responses;
pub mod routes;
pub mod server;

use crate::error::Result;
use crate::ir::Api;

pub use names::{Names, OperationNames};

/// The plan of a whole API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiPlan {
    /// One plan per operation of [`Api::operations`], in the same order.
    pub operations: Vec<OperationPlan>,
    /// The server's authentication hooks: security scheme name → hook
    /// method name (`authenticate_bearer`), in scheme-name order.
    pub auth_hooks: Vec<(String, String)>,
}

/// The plan of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationPlan {
    pub names: OperationNames,
}

impl ApiPlan {
    /// Plans `api`: names every generated item and checks them for collisions.
    pub fn new(api: &Api) -> Result<ApiPlan> {
        let Names { operations, auth_hooks } = names::names(api)?;
        Ok(ApiPlan { operations: operations.into_iter().map(|names| OperationPlan { names }).collect(), auth_hooks })
    }
}
