//! A standalone crate around the emitted files, for `cargo xtask generate`:
//! `Cargo.toml`, `src/lib.rs`, `src/models.rs`, and `src/client.rs` and
//! `src/server.rs` behind the `client` and `server` features, and the
//! runtime crate's own source files once, as the `runtime` module at the end
//! of `src/lib.rs` (as progenitor's `--include-client` does): the crate
//! builds alone, and the generated files refer to `crate::runtime` where the
//! workspace's refer to `::openapi_runtime`.

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

/// The runtime crate's source files, by their path under `runtime/src/`.
/// Embedded from the runtime crate itself, so the copy cannot drift from
/// what the workspace compiles and tests; a test checks that no file of
/// `runtime/src/` is missing here.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("lib.rs", include_str!("../../../runtime/src/lib.rs")),
    ("validation.rs", include_str!("../../../runtime/src/validation.rs")),
    ("client/mod.rs", include_str!("../../../runtime/src/client/mod.rs")),
    ("client/auth.rs", include_str!("../../../runtime/src/client/auth.rs")),
    ("client/builder.rs", include_str!("../../../runtime/src/client/builder.rs")),
    ("client/error.rs", include_str!("../../../runtime/src/client/error.rs")),
    ("client/request.rs", include_str!("../../../runtime/src/client/request.rs")),
    ("client/response.rs", include_str!("../../../runtime/src/client/response.rs")),
    ("server/mod.rs", include_str!("../../../runtime/src/server/mod.rs")),
    ("server/auth.rs", include_str!("../../../runtime/src/server/auth.rs")),
    ("server/bodies.rs", include_str!("../../../runtime/src/server/bodies.rs")),
    ("server/form_body.rs", include_str!("../../../runtime/src/server/form_body.rs")),
    ("server/header_params.rs", include_str!("../../../runtime/src/server/header_params.rs")),
    ("server/multipart_body.rs", include_str!("../../../runtime/src/server/multipart_body.rs")),
    ("server/params.rs", include_str!("../../../runtime/src/server/params.rs")),
    ("server/query_styles.rs", include_str!("../../../runtime/src/server/query_styles.rs")),
];

/// The runtime's path in a standalone crate.
const RUNTIME: &str = "crate::runtime";

/// The `runtime` module of a standalone crate's `lib.rs`: the runtime
/// crate's `lib.rs` with each `mod name;` replaced by `mod name { ... }`
/// holding that module's file, recursively. Once per crate; the runtime's
/// text unchanged inside it.
pub fn runtime_module() -> String {
    let root = RUNTIME_FILES.iter().find(|(path, _)| *path == "lib.rs").map_or("", |(_, text)| text);
    format!(
        "/// The spec-independent part (validation, the client and server cores):\n\
         /// a copy of the `openapi-runtime` crate's sources (`runtime/src/` of the generator's workspace).\n\
         #[rustfmt::skip]\n\
         pub mod runtime {{\n{}}}\n",
        inline_modules(root, "")
    )
}

/// `text` (the file of the module at `dir`) with its `mod name;` lines inlined.
fn inline_modules(text: &str, dir: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let declared =
            line.strip_suffix(';').and_then(|l| l.strip_prefix("pub mod ").or_else(|| l.strip_prefix("mod ")));
        let file = declared.and_then(|name| {
            let candidates = [format!("{dir}{name}.rs"), format!("{dir}{name}/mod.rs")];
            RUNTIME_FILES
                .iter()
                .find(|(path, _)| candidates.iter().any(|c| c == path))
                .map(|(path, text)| (name, *path, *text))
        });
        match file {
            Some((name, path, inner)) => {
                let sub = match path.strip_suffix("mod.rs") {
                    Some(sub) => sub.to_owned(),
                    None => format!("{dir}{name}/"),
                };
                out.push_str(line.strip_suffix(';').unwrap_or(line));
                out.push_str(" {\n");
                out.push_str(&inline_modules(inner, &sub));
                out.push_str("}\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

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
    let client_deps = super::client::DEPENDENCIES;
    let server_deps = super::server::DEPENDENCIES;
    let mut optional: Vec<(&str, &str)> = Vec::new();
    for &(dep, requirement) in client_deps.iter().chain(server_deps) {
        if !optional.iter().any(|(d, _)| *d == dep) {
            optional.push((dep, requirement));
        }
    }
    let optional_deps: String = optional.iter().map(|(dep, req)| format!("{dep} = {}\n", make_optional(req))).collect();
    let feature =
        |deps: &[(&str, &str)]| deps.iter().map(|(d, _)| format!("\"dep:{d}\"")).collect::<Vec<_>>().join(", ");
    // The runtime's `multipart` feature (reqwest's and axum's), on for APIs
    // with multipart bodies.
    let multipart = if crate::plan::bodies::has_multipart(api) { r#", "multipart""# } else { "" };
    let client_feature = format!("{}{multipart}", feature(client_deps));
    let server_feature = format!("{}{multipart}", feature(server_deps));
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
multipart = ["reqwest?/multipart", "axum?/multipart"]

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
    let lib = format!("{lib}\n{}", runtime_module());
    let files = vec![
        File { path: "Cargo.toml".to_owned(), contents: manifest },
        File { path: "src/lib.rs".to_owned(), contents: lib },
        File { path: "src/models.rs".to_owned(), contents: super::models::models_in(api, header, RUNTIME)? },
        File {
            path: "src/client.rs".to_owned(),
            contents: super::client::client_in(api, header, "crate::models", RUNTIME)?,
        },
        File {
            path: "src/server.rs".to_owned(),
            contents: super::server::server_in(api, header, "crate::models", RUNTIME)?,
        },
    ];
    Ok(files)
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
