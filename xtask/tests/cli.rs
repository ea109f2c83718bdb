//! The `xtask` binary: exit codes and messages, on a copy of the workspace's specs.

use std::path::Path;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn copy_specs(to: &Path) {
    let from = xtask::workspace_root();
    std::fs::create_dir_all(to.join(xtask::HISTORY)).unwrap();
    std::fs::copy(from.join(xtask::SPEC), to.join(xtask::SPEC)).unwrap();
    for (path, _) in xtask::history(&from).unwrap() {
        std::fs::copy(&path, to.join(xtask::HISTORY).join(path.file_name().unwrap())).unwrap();
    }
    std::fs::create_dir_all(to.join(xtask::FIXTURE_SPECS)).unwrap();
    for (path, _) in xtask::fixture_specs(&from).unwrap() {
        std::fs::copy(&path, to.join(xtask::FIXTURE_SPECS).join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn codegen_then_check_then_stale() {
    let dir = tempfile::tempdir().unwrap();
    copy_specs(dir.path());
    let root = dir.path().to_str().unwrap();

    let check = xtask(&["codegen", "--check", "--root", root]);
    assert_eq!(check.status.code(), Some(1), "nothing generated yet: stale");

    let write = xtask(&["codegen", "--root", root]);
    assert!(write.status.success(), "{}", String::from_utf8_lossy(&write.stderr));
    assert!(String::from_utf8_lossy(&write.stdout).contains("updated generated-models/src/models.rs"));

    let check = xtask(&["codegen", "--check", "--root", root]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));

    // A hand edit of a generated file is reported by name.
    let models = dir.path().join("generated-models/src/models.rs");
    let edited = std::fs::read_to_string(&models).unwrap().replacen("pub struct Pin ", "pub struct PinObject ", 1);
    std::fs::write(&models, edited).unwrap();
    let check = xtask(&["codegen", "--check", "--root", root]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("stale") && stderr.contains("  generated-models/src/models.rs"), "{stderr}");

    // So is a spec change: the generated files no longer match it.
    assert!(xtask(&["codegen", "--root", root]).status.success());
    let spec = dir.path().join(xtask::SPEC);
    let changed = std::fs::read_to_string(&spec).unwrap().replace("maxLength: 255", "maxLength: 128");
    std::fs::write(&spec, changed).unwrap();
    let check = xtask(&["codegen", "--check", "--root", root]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("generated-models/src/models.rs"));
}

#[test]
fn generate_refuses_a_broken_spec_with_its_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("broken.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {oneOf: [{type: string}]}\n").unwrap();
    let out = dir.path().join("out");
    let run = xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("broken.yaml: #/components/schemas/A/oneOf: not supported yet"), "{stderr}");
    assert!(!out.exists(), "nothing is written for a spec that fails");

    let missing = xtask(&["generate", "--spec", "/nonexistent.yaml", "--out", out.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent.yaml"));

    let bad_name = xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", "x", "--name", "9lives"]);
    assert_eq!(bad_name.status.code(), Some(2), "clap rejects the name");
    assert!(String::from_utf8_lossy(&bad_name.stderr).contains("not a valid crate name"));
}
