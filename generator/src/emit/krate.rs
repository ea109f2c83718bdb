//! A standalone crate around the emitted files, for `cargo xtask generate`:
//! `Cargo.toml`, `src/lib.rs`, `src/models.rs`, and `src/client.rs` and
//! `src/server.rs` behind the `client` and `server` features.

use quote::quote;

use super::{format, inner_doc_lines};
use crate::error::Result;
use crate::ir::Api;
use crate::pointer::Pointer;

/// Versions of what generated code depends on; the same requirements as the
/// workspace's own generated crates.
pub const SERDE: &str = r#"{ version = "1", features = ["derive"] }"#;
pub const SERDE_JSON: &str = r#""1""#;
pub const CHRONO: &str = r#"{ version = "0.4", default-features = false, features = ["std", "serde"] }"#;

/// One file of a generated crate, by its path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}

/// Every file of a standalone crate named `name` for `api`. `header` is the
/// `@generated` line (without comment markers) each file starts with.
pub fn standalone(api: &Api, name: &str, header: &str) -> Result<Vec<File>> {
    let version = if is_semver(&api.version) { api.version.as_str() } else { "0.1.0" };
    let description = format!("{} {}, generated from its OpenAPI description.", api.title, api.version)
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let comment: String = header.lines().map(|l| format!("# {l}\n")).collect();
    let client_deps = super::client::dependencies(api);
    let server_deps = super::server::dependencies(api);
    let mut optional: Vec<(&str, &str)> = Vec::new();
    for &(dep, requirement) in client_deps.iter().chain(&server_deps) {
        if !optional.iter().any(|(d, _)| *d == dep) {
            optional.push((dep, requirement));
        }
    }
    let optional_deps: String = optional.iter().map(|(dep, req)| format!("{dep} = {}\n", make_optional(req))).collect();
    let feature =
        |deps: &[(&str, &str)]| deps.iter().map(|(d, _)| format!("\"dep:{d}\"")).collect::<Vec<_>>().join(", ");
    let client_feature = feature(&client_deps);
    let server_feature = feature(&server_deps);
    let manifest = format!(
        r#"{comment}
[package]
name = "{name}"
version = "{version}"
edition = "2024"
description = "{description}"

[lib]
# Spec descriptions become doc comments; they are prose, not Rust examples.
doctest = false

[dependencies]
serde = {SERDE}
serde_json = {SERDE_JSON}
chrono = {CHRONO}
{optional_deps}
[features]
client = [{client_feature}]
server = [{server_feature}]

# A crate of its own, even when generated inside another workspace.
[workspace]
"#
    );
    let title = format!("{} {}", api.title, api.version);
    let inner_docs = inner_doc_lines([title.as_str()].into_iter().chain(api.description.as_deref()));
    let lib = format(
        header,
        quote! {
            #inner_docs
            #[rustfmt::skip]
            pub mod models;
            pub use models::*;
            #[cfg(feature = "client")]
            #[rustfmt::skip]
            pub mod client;
            #[cfg(feature = "server")]
            #[rustfmt::skip]
            pub mod server;
        },
        &Pointer::root().join("info"),
    )?;
    Ok(vec![
        File { path: "Cargo.toml".to_owned(), contents: manifest },
        File { path: "src/lib.rs".to_owned(), contents: lib },
        File { path: "src/models.rs".to_owned(), contents: super::models::models(api, header)? },
        File { path: "src/client.rs".to_owned(), contents: super::client::client(api, header, "crate::models")? },
        File { path: "src/server.rs".to_owned(), contents: super::server::server(api, header, "crate::models")? },
    ])
}

/// A dependency requirement marked `optional = true` (`"1"` or `{ ... }`).
fn make_optional(requirement: &str) -> String {
    match requirement.trim().strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        Some(inner) => format!("{{ {}, optional = true }}", inner.trim()),
        None => format!("{{ version = {requirement}, optional = true }}"),
    }
}

/// `MAJOR.MINOR.PATCH` with plain numbers (enough for a Cargo version).
fn is_semver(version: &str) -> bool {
    let parts: Vec<&str> = version.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}
