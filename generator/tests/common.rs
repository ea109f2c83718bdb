//! Shared by the generator's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Every `.rs` file below `dir`, recursively.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

pub fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn read(relative: &str) -> String {
    let path = spec_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The pinning spec, every history version and every fixture spec, as
/// (snapshot name, spec path relative to spec/).
pub fn all_specs() -> Vec<(String, String)> {
    let mut specs = vec![("pinning".to_owned(), "ipfs-pinning-service.yaml".to_owned())];
    let mut history: Vec<String> = std::fs::read_dir(spec_dir().join("history"))
        .expect("spec/history exists")
        .map(|e| e.expect("readable entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    history.sort();
    assert!(history.len() >= 5, "the history fixtures are missing: {history:?}");
    for name in history {
        let stem = name.trim_end_matches(".yaml").to_owned();
        specs.push((stem, format!("history/{name}")));
    }
    let mut fixtures: Vec<String> = std::fs::read_dir(fixture_dir())
        .expect("generator/tests/fixtures exists")
        .map(|e| e.expect("readable entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml") || name.ends_with(".json"))
        .collect();
    fixtures.sort();
    for name in fixtures {
        let stem = name.trim_end_matches(".yaml").trim_end_matches(".json").to_owned();
        specs.push((format!("fixture_{stem}"), format!("../generator/tests/fixtures/{name}")));
    }
    specs
}
