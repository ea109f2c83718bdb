//! IR → the async HTTP client (issue 3). Placeholder until its emitter lands:
//! it emits only the module docs.

use quote::quote;

use super::format;
use crate::error::Result;
use crate::ir::Api;
use crate::pointer::Pointer;

/// Dependencies the generated client code uses (name, Cargo requirement),
/// added as optional dependencies behind the `client` feature of standalone crates.
pub const DEPENDENCIES: &[(&str, &str)] = &[];

/// The client file. `models` is the path of the models module as seen from
/// the generated file (`::ipfs_pinning_models` or `crate::models`).
pub fn client(api: &Api, header: &str, models: &str) -> Result<String> {
    let _ = models;
    let title = format!(" Client for {} {}.", api.title, api.version);
    format(header, quote!(#![doc = #title]), &Pointer::root().join("paths"))
}
