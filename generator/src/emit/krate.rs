//! A standalone crate around the emitted files, for `cargo xtask generate`:
//! `Cargo.toml`, `src/lib.rs`, `src/models.rs`, and `src/client.rs` and
//! `src/server.rs` behind the `client` and `server` features, and beside
//! them, in `openapi-runtime/`, a copy of the runtime crate (its own source
//! files unchanged, and a manifest without the workspace's inheritance) that
//! the crate depends on by a relative path: the directory builds alone and
//! can be moved as a whole. `src/lib.rs` re-exports it as `runtime`, and the
//! generated files refer to `crate::runtime` where the workspace's refer to
//! `::openapi_runtime`.
//!
//! A crate of its own rather than a module inlined into `lib.rs`: cargo
//! compiles it once, and a change to the spec recompiles only the generated
//! crate (the runtime was more than a third of `cargo check` of a mid-size
//! API's client).

use crate::error::Result;
use crate::ir::Api;
use crate::plan::ApiPlan;

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
    ("models.rs", include_str!("../../../runtime/src/models.rs")),
    ("client/mod.rs", include_str!("../../../runtime/src/client/mod.rs")),
    ("client/auth.rs", include_str!("../../../runtime/src/client/auth.rs")),
    ("client/builder.rs", include_str!("../../../runtime/src/client/builder.rs")),
    ("client/call.rs", include_str!("../../../runtime/src/client/call.rs")),
    ("client/error.rs", include_str!("../../../runtime/src/client/error.rs")),
    ("client/form.rs", include_str!("../../../runtime/src/client/form.rs")),
    ("client/request.rs", include_str!("../../../runtime/src/client/request.rs")),
    ("client/response.rs", include_str!("../../../runtime/src/client/response.rs")),
    ("server/mod.rs", include_str!("../../../runtime/src/server/mod.rs")),
    ("server/auth.rs", include_str!("../../../runtime/src/server/auth.rs")),
    ("server/bodies.rs", include_str!("../../../runtime/src/server/bodies.rs")),
    ("server/form_body.rs", include_str!("../../../runtime/src/server/form_body.rs")),
    ("server/header_params.rs", include_str!("../../../runtime/src/server/header_params.rs")),
    ("server/multipart_body.rs", include_str!("../../../runtime/src/server/multipart_body.rs")),
    ("server/nested_form.rs", include_str!("../../../runtime/src/server/nested_form.rs")),
    ("server/params.rs", include_str!("../../../runtime/src/server/params.rs")),
    ("server/path_templates.rs", include_str!("../../../runtime/src/server/path_templates.rs")),
    ("server/query_styles.rs", include_str!("../../../runtime/src/server/query_styles.rs")),
];

/// The runtime's path in a standalone crate.
const RUNTIME: &str = "crate::runtime";

/// Where a standalone crate keeps its copy of the runtime crate.
pub const RUNTIME_DIR: &str = "openapi-runtime";

/// The runtime crate's manifest in a standalone crate: the workspace's
/// `runtime/Cargo.toml` without workspace inheritance, with the generated
/// crates' own requirements.
fn runtime_manifest(comment: &str) -> String {
    let deps = |deps: &[(&str, &str)]| deps.iter().map(|(d, _)| format!("\"dep:{d}\"")).collect::<Vec<_>>();
    let client = [deps(super::client::DEPENDENCIES), vec!["\"dep:chrono\"".to_owned()]].concat().join(", ");
    let server = [deps(super::server::DEPENDENCIES), vec!["\"dep:chrono\"".to_owned()]].concat().join(", ");
    let optional: String = super::client::DEPENDENCIES
        .iter()
        .chain(super::server::DEPENDENCIES)
        .chain(&[("chrono", CHRONO)])
        .map(|(dep, req)| format!("{dep} = {}\n", make_optional(req)))
        .collect();
    format!(
        r#"{comment}
# A copy of the generator's `openapi-runtime` crate: what generated code shares.
[package]
name = "openapi-runtime"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
doctest = false

[dependencies]
serde = {SERDE}
serde_json = {SERDE_JSON}
{optional}
[features]
client = [{client}]
server = [{server}]
multipart = ["reqwest?/multipart", "axum?/multipart"]
"#
    )
}

/// One file of a generated crate, by its path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}

/// Every file of a standalone crate named `name` for `api`: its own files
/// ([`own_files`]), then the runtime's copy ([`runtime_files`]). `header`
/// is the `@generated` line (without comment markers) each file starts with.
pub fn standalone(api: &Api, name: &str, header: &str) -> Result<Vec<File>> {
    let mut files = own_files(api, None, name, header)?;
    files.extend(runtime_files(header));
    Ok(files)
}

/// The files of the runtime's copy in a standalone crate: the same for
/// every API, so a caller may write them while [`own_files`] are emitted.
pub fn runtime_files(header: &str) -> Vec<File> {
    let comment = comment_lines(header);
    let mut files = vec![File { path: format!("{RUNTIME_DIR}/Cargo.toml"), contents: runtime_manifest(&comment) }];
    files.extend(
        RUNTIME_FILES
            .iter()
            .map(|(path, text)| File { path: format!("{RUNTIME_DIR}/src/{path}"), contents: (*text).to_owned() }),
    );
    files
}

/// `header`'s lines as TOML comments.
fn comment_lines(header: &str) -> String {
    header.lines().map(|l| format!("# {l}\n")).collect()
}

/// The paths of a standalone crate's own files (those that depend on the
/// API), in the order [`own_files`] lists them.
pub const OWN_FILES: [&str; 5] = ["Cargo.toml", "src/lib.rs", "src/models.rs", "src/client.rs", "src/server.rs"];

/// Where `path` (relative to the crate's root) comes in [`OWN_FILES`]: the
/// key both [`own_files`] and a caller of [`own_files_each`] sort by.
pub fn own_file_rank(path: &std::path::Path) -> Option<usize> {
    OWN_FILES.iter().position(|own| std::path::Path::new(own) == path)
}

/// The files of a standalone crate that depend on `api`: its manifest,
/// `lib.rs`, and the models, client and server modules (without the
/// runtime's copy: [`runtime_files`]), in the order of [`OWN_FILES`].
/// `plan` is the plan of `api` when one was made before (else the client
/// and the server are planned here).
pub fn own_files(api: &Api, plan: Option<&ApiPlan>, name: &str, header: &str) -> Result<Vec<File>> {
    let files = std::sync::Mutex::new(Vec::with_capacity(OWN_FILES.len()));
    own_files_each(api, plan, name, header, &|file| files.lock().unwrap_or_else(|e| e.into_inner()).push(file))?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by_key(|file| own_file_rank(std::path::Path::new(&file.path)));
    Ok(files)
}

/// [`own_files`], each handed to `each` as soon as it is emitted, by the
/// thread that emitted it (so a caller can write a file while the others
/// are still being emitted), in no fixed order. When a file cannot be
/// emitted, the others may already have been handed over.
pub fn own_files_each(
    api: &Api,
    plan: Option<&ApiPlan>,
    name: &str,
    header: &str,
    each: &(dyn Fn(File) + Sync),
) -> Result<()> {
    let file = |path: &str, contents: String| each(File { path: path.to_owned(), contents });
    let client = || {
        let text = match plan {
            Some(plan) => super::client::client_planned(api, &plan.client, header, "crate::models", RUNTIME),
            None => super::client::client_in(api, header, "crate::models", RUNTIME),
        };
        text.map(|text| file(OWN_FILES[3], text))
    };
    let server = || {
        let text = match plan {
            Some(plan) => super::server::server_planned(api, &plan.server, header, "crate::models", RUNTIME),
            None => super::server::server_in(api, header, "crate::models", RUNTIME),
        };
        text.map(|text| file(OWN_FILES[4], text))
    };
    let root = || {
        let (manifest, lib) = crate_root(api, name, header);
        file(OWN_FILES[0], manifest);
        file(OWN_FILES[1], lib);
    };
    let models = || super::models::models_in(api, header, RUNTIME).map(|text| file(OWN_FILES[2], text));
    // The three modules are independent: emitted and formatted at once, on
    // three threads (with mimalloc, even the pinning spec's 5 operations
    // gain from it: 13.5 -> 12.5 ms, medians of 40 alternating runs). The
    // client's and the server's threads start first; the manifest and
    // `lib.rs` are made here while they run, then the models.
    // (A file whose thread cannot be started is emitted here.)
    let (models, client, server) = std::thread::scope(|scope| {
        let client_thread = std::thread::Builder::new().spawn_scoped(scope, client).ok();
        let server_thread = std::thread::Builder::new().spawn_scoped(scope, server).ok();
        root();
        let models = models();
        (models, client_thread.map_or_else(client, joined), server_thread.map_or_else(server, joined))
    });
    models.and(client).and(server)
}

/// A standalone crate's `Cargo.toml` and `src/lib.rs`.
fn crate_root(api: &Api, name: &str, header: &str) -> (String, String) {
    let version = if is_semver(&api.version) { api.version.as_str() } else { "0.1.0" };
    let description = format!("{} {}, generated from its OpenAPI description.", api.title, api.version)
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let comment = comment_lines(header);
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
openapi-runtime = {{ path = "{RUNTIME_DIR}" }}
serde = {SERDE}
serde_json = {SERDE_JSON}
chrono = {CHRONO}
{optional_deps}
[features]
client = ["openapi-runtime/client", {client_feature}]
server = ["openapi-runtime/server", {server_feature}]
multipart = ["openapi-runtime/multipart", "reqwest?/multipart", "axum?/multipart"]

# A workspace of its own (with the runtime beside it), even when generated
# inside another workspace.
[workspace]
"#
    );
    (manifest, lib_rs(api, header))
}

/// A standalone crate's `src/lib.rs`, as text: the API's docs (`//!`), the
/// modules and the runtime's re-export (what `lib_rs_tokens`, in the tests, quotes,
/// printed by `prettyplease`; a test compares them). Written as text since
/// it is the first item of a run to format: quoting it paid the first use
/// of `syn` and `prettyplease` on the critical path (~0.6 ms of the
/// pinning spec's ~5 ms from `main` to exit, their code's page faults).
fn lib_rs(api: &Api, header: &str) -> String {
    let mut file = super::FileText::new(header);
    file.text(&super::inner_doc_text(lib_docs(api).iter().map(String::as_str)));
    for item in LIB_ITEMS {
        file.text(item);
    }
    file.finish()
}

/// The paragraphs of a standalone crate's docs: the API's title and
/// version, its description, what the generator approximated.
fn lib_docs(api: &Api) -> Vec<String> {
    let title = format!("{} {}", api.title, api.version);
    [Some(title), api.description.clone(), super::approximations(api)].into_iter().flatten().collect()
}

/// The items of a standalone crate's `src/lib.rs` after its docs.
const LIB_ITEMS: [&str; 5] = [
    "#[rustfmt::skip]\npub mod models;",
    "pub use models::*;",
    "#[cfg(feature = \"client\")]\n#[rustfmt::skip]\npub mod client;",
    "#[cfg(feature = \"server\")]\n#[rustfmt::skip]\npub mod server;",
    "/// The spec-independent part (validation, the client and server\n/// cores): the `openapi-runtime` crate in `openapi-runtime/`.\npub use ::openapi_runtime as runtime;",
];

/// [`lib_rs`] quoted, for the test that compares them.
#[cfg(test)]
fn lib_rs_tokens(api: &Api, header: &str) -> String {
    let docs = lib_docs(api);
    let inner_docs = super::inner_doc_lines(docs.iter().map(String::as_str));
    super::format(
        header,
        quote::quote! {
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
            /// The spec-independent part (validation, the client and server
            /// cores): the `openapi-runtime` crate in `openapi-runtime/`.
            pub use ::openapi_runtime as runtime;
        },
        &crate::pointer::Pointer::root().join("info"),
    )
    .expect("lib.rs parses")
}

/// The result of an emitter's thread (its panic resumed here).
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `lib.rs` as text is what `prettyplease` prints of it quoted, for
    /// descriptions with what doc lines can hold: Markdown, tabs, blank
    /// and trailing-space lines, a line that starts with `/`, a lone `\r`.
    #[test]
    fn lib_rs_text_is_what_prettyplease_prints() {
        let descriptions = [
            None,
            Some("One line."),
            Some(
                "# Title\n\nA *paragraph*\twith a tab.  \n\n\n\n- a list\n  - nested\n/ a slash\n//! not inner\nx\ry\n\"quoted\" \\ and `code`",
            ),
            Some("   \n\n  Indented  \n\t\tTabbed\n"),
        ];
        for description in descriptions {
            for warnings in [0, 2] {
                let mut api = crate::lower::lower(
                    &crate::parse::parse(
                        r#"{"openapi": "3.0.3", "info": {"title": "T \"q\"", "version": "1.0"}, "paths": {}}"#,
                    )
                    .expect("parse"),
                )
                .expect("lower");
                api.description = description.map(str::to_owned);
                for i in 0..warnings {
                    api.warnings.push(crate::error::Warning {
                        pointer: crate::pointer::Pointer::root().join("paths").join(format!("/p{i}")),
                        message: format!("approximated\tthing {i}"),
                    });
                }
                assert_eq!(lib_rs(&api, "h\nline two"), lib_rs_tokens(&api, "h\nline two"), "{description:?}");
            }
        }
    }
}
