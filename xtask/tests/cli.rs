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
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {not: {type: string}}\n").unwrap();
    let out = dir.path().join("out");
    let run = xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("broken.yaml: #/components/schemas/A/not: not supported yet"), "{stderr}");
    assert!(!out.exists(), "nothing is written for a spec that fails");

    let missing = xtask(&["generate", "--spec", "/nonexistent.yaml", "--out", out.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent.yaml"));

    let bad_name = xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", "x", "--name", "9lives"]);
    assert_eq!(bad_name.status.code(), Some(2), "clap rejects the name");
    assert!(String::from_utf8_lossy(&bad_name.stderr).contains("not a valid crate name"));
}

#[test]
fn diff_exit_codes() {
    let history = xtask::workspace_root().join(xtask::HISTORY);
    let spec = |name: &str| history.join(name).to_str().unwrap().to_owned();
    let (v005, v012, v100) = (spec("v0.0.5.yaml"), spec("v0.1.2.yaml"), spec("v1.0.0.yaml"));

    // Breaking changes: reported, and a failure only when asked for.
    let report = xtask(&["diff", &v005, &v012]);
    assert_eq!(report.status.code(), Some(0), "{}", String::from_utf8_lossy(&report.stderr));
    let stdout = String::from_utf8_lossy(&report.stdout);
    assert!(stdout.contains("breaking  GET /pins: query parameter `cid`: maxItems 1000 → 10 (tightened)"), "{stdout}");
    assert!(stdout.lines().last().is_some_and(|l| l.starts_with("summary: ") && !l.starts_with("summary: 0 breaking")));
    assert_eq!(xtask(&["diff", &v005, &v012, "--fail-on-breaking"]).status.code(), Some(1));

    // Nothing breaking: success either way.
    let quiet = xtask(&["diff", &v012, &v100, "--fail-on-breaking"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&quiet.stdout).lines().last(), Some("summary: 0 breaking, 0 additive, 1 info"));

    let json = xtask(&["diff", &v012, &v100, "--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&json.stdout).contains(r#""summary": {"#));
}

#[test]
fn diff_of_an_unreadable_spec_is_exit_2_naming_file_and_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {not: {type: string}}\n").unwrap();
    let good = xtask::workspace_root().join(xtask::SPEC);
    let (broken, good) = (broken.to_str().unwrap(), good.to_str().unwrap());

    let run = xtask(&["diff", good, broken, "--fail-on-breaking"]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("broken.yaml: #/components/schemas/A/not: not supported yet"), "{stderr}");
    assert!(run.stdout.is_empty(), "no report for a spec that fails");

    let missing = xtask(&["diff", "/nonexistent.yaml", good]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent.yaml"));
}

#[test]
fn generate_skip_unsupported_leaves_out_operations_and_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("partly.yaml");
    std::fs::write(
        &spec,
        r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /fine:
    get:
      operationId: fine
      responses: {"204": {description: ok}}
  /prefs:
    get:
      operationId: cookiePrefs
      parameters: [{name: prefs, in: cookie, schema: {type: object, properties: {a: {type: string}}}}]
      responses: {"204": {description: ok}}
"#,
    )
    .unwrap();
    let (spec, out) = (spec.to_str().unwrap(), dir.path().join("out"));
    let out = out.to_str().unwrap();

    let strict = xtask(&["generate", "--spec", spec, "--out", out]);
    assert_eq!(strict.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(stderr.contains("partly.yaml: #/paths/~1prefs/get/parameters/0"), "{stderr}");

    let lenient = xtask(&["generate", "--spec", spec, "--out", out, "--skip-unsupported"]);
    assert_eq!(lenient.status.code(), Some(0), "{}", String::from_utf8_lossy(&lenient.stderr));
    let stderr = String::from_utf8_lossy(&lenient.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with(
            "skipped GET /prefs (#/paths/~1prefs/get): #/paths/~1prefs/get/parameters/0"
        ),
        "{stderr}"
    );
    assert_eq!(lines[1], "generate: 1 operations skipped");
    let client = std::fs::read_to_string(dir.path().join("out/src/client.rs")).unwrap();
    assert!(client.contains("pub async fn fine(") && !client.contains("cookie_prefs"));
}
