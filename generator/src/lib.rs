//! A spec-driven code generator: OpenAPI 3.0 (and 3.1, translated to 3.0) → Rust.
//!
//! The pipeline is `parse` (text → `openapiv3` document) → `lower`
//! (document → [`ir::Api`]) → `plan` (IR → every token-free decision and
//! every refusal, [`plan::ApiPlan`]) → `emit` (plan → formatted Rust files), each stage
//! using only the ones before it and the foundation ([`pointer`], [`error`],
//! [`naming`], [`ir`]). Every stage returns [`Result`]; an [`Error`] always
//! names its place in the spec as a JSON pointer. [`diff`] compares two
//! lowered specs for `cargo xtask diff`.
//!
//! ```no_run
//! let text = std::fs::read_to_string("spec/ipfs-pinning-service.yaml").unwrap();
//! let api = generator::load(&text)?;
//! let models = generator::emit::models::models(&api, "@generated")?;
//! # Ok::<(), generator::Error>(())
//! ```

pub mod diff;
pub mod emit;
pub mod error;
pub mod ir;
pub mod lower;
pub mod naming;
pub mod parse;
pub mod plan;
pub mod pointer;
pub mod skip;

pub use error::{Error, Result, Warning};
pub use pointer::Pointer;

/// Parses a spec (YAML or JSON) and lowers it into the IR.
pub fn load(text: &str) -> Result<ir::Api> {
    let mut api = lower::lower(&parse::parse(text)?)?;
    plan::add_warnings(&mut api);
    Ok(api)
}
