//! Shared by the generator's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

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
