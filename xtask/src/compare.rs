//! `cargo xtask bench`: our generator against openapi-generator, in one run
//! on one machine, so the machine's speed and noise cancel out of the ratios.
//!
//! - Generation: wall time and peak memory of the whole process, `xtask
//!   generate` (a release build) against `openapi-generator-cli generate -g
//!   rust`, for the pinning spec and GitHub's description.
//! - Compile cost: `cargo check` of the generated crate alone, its
//!   dependencies already built, not incremental: ours with the `client`
//!   feature against openapi-generator's `rust` client, ours with `server`
//!   against its `rust-axum` server (where that compiles), for a mid-size
//!   document of the development corpus and GitHub's description.
//!
//! The two tools run in turn (ours, theirs, ours, ...) and the table shows
//! medians. openapi-generator comes from PyPI (`openapi-generator-cli`,
//! pinned, into a venv under `target/bench-tools/`), and Java from the
//! system's packages (`default-jre-headless`) when `java` is missing.
//! Everything they write goes under `target/bench-compare/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::TaskError;
use crate::bench::{Measured, failed, measure, summary};

/// The PyPI package of openapi-generator, pinned so figures compare across runs.
pub const OPENAPI_GENERATOR: &str = "openapi-generator-cli==7.26.0";
/// The mid-size document of the development corpus (the median by size of
/// `xtask/corpus/dev.tsv`; ours generates all of its operations, and
/// openapi-generator's client of it compiles).
pub const MID_SIZE: &str = "api/lgtm.com.json";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TaskError + '_ {
    move |error| TaskError::Io { path: path.to_owned(), error }
}

/// `java` on the path, installed from the system's packages when missing.
fn ensure_java() -> Result<(), TaskError> {
    let works = |program: &str| Command::new(program).arg("-version").output().is_ok_and(|o| o.status.success());
    if works("java") {
        return Ok(());
    }
    eprintln!("bench: no `java`; installing default-jre-headless with apt-get");
    for args in [&["update"][..], &["install", "-y", "default-jre-headless"][..]] {
        let status = Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|error| failed("apt-get (needed to install Java for openapi-generator)", error))?;
        if !status.success() {
            return Err(failed(&format!("apt-get {}", args.join(" ")), status));
        }
    }
    if works("java") { Ok(()) } else { Err(failed("java", "still missing after installing default-jre-headless")) }
}

/// The `openapi-generator-cli` script of a venv under `target/bench-tools/`,
/// installed from PyPI on first use.
pub fn openapi_generator(root: &Path) -> Result<PathBuf, TaskError> {
    ensure_java()?;
    let venv = root.join("target/bench-tools/venv");
    let script = venv.join("bin/openapi-generator-cli");
    let marker = venv.join(format!(".installed-{OPENAPI_GENERATOR}"));
    if marker.exists() && script.exists() {
        return Ok(script);
    }
    eprintln!("bench: installing {OPENAPI_GENERATOR} from PyPI into {}", venv.display());
    let run = |command: &mut Command, what: &str| -> Result<(), TaskError> {
        let output = command.output().map_err(|error| failed(what, error))?;
        if output.status.success() { Ok(()) } else { Err(failed(what, String::from_utf8_lossy(&output.stderr))) }
    };
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "python3 -m venv")?;
    run(
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            OPENAPI_GENERATOR,
        ]),
        "pip install openapi-generator-cli",
    )?;
    std::fs::write(&marker, OPENAPI_GENERATOR).map_err(io(&marker))?;
    Ok(script)
}

/// The medians of several runs of one tool.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub time: Duration,
    /// Peak resident memory in KiB.
    pub peak_kib: u64,
}

impl Figures {
    fn of(runs: &[Measured]) -> Figures {
        let times: Vec<Duration> = runs.iter().map(|m| m.elapsed).collect();
        let peaks: Vec<u64> = runs.iter().map(|m| m.peak_kib).collect();
        Figures {
            time: summary(&times).map(|s| s.0).unwrap_or_default(),
            peak_kib: summary(&peaks).map(|s| s.0).unwrap_or_default(),
        }
    }
}

/// One line of the table: the same task done by both tools.
#[derive(Debug, Clone)]
pub struct Row {
    /// What is measured (`generate`, `cargo check, client`).
    pub task: String,
    pub document: String,
    pub ours: Figures,
    /// openapi-generator's figures, or why there are none.
    pub theirs: Result<Figures, String>,
    pub target: Target,
}

/// What a row must show to meet issue 14's targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Ours at most `time` × theirs in time and `memory` × theirs in peak memory.
    Ratios { time: f64, memory: f64 },
    /// Ours at least `times` × faster, and (if given) under `max_mib` MiB.
    Faster { times: f64, max_mib: Option<u64> },
}

impl Target {
    /// `cargo check` of a generated crate: half the time, three quarters of the memory.
    pub const COMPILE: Target = Target::Ratios { time: 0.5, memory: 0.75 };
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Ratios { time, memory } => write!(f, "≤ {time}× time, ≤ {memory}× memory"),
            Target::Faster { times, max_mib: Some(mib) } => write!(f, "≥ {times}× faster, < {mib} MiB"),
            Target::Faster { times, max_mib: None } => write!(f, "≥ {times}× faster"),
        }
    }
}

impl Row {
    /// Ours divided by theirs: (time, memory).
    pub fn ratios(&self) -> Option<(f64, f64)> {
        let theirs = self.theirs.as_ref().ok()?;
        let time = self.ours.time.as_secs_f64() / theirs.time.as_secs_f64().max(1e-9);
        let memory = self.ours.peak_kib as f64 / (theirs.peak_kib.max(1)) as f64;
        Some((time, memory))
    }

    /// Whether the row meets its targets (`None` without their figures).
    pub fn meets(&self) -> Option<bool> {
        let (time, memory) = self.ratios()?;
        Some(match self.target {
            Target::Ratios { time: t, memory: m } => time <= t && memory <= m,
            Target::Faster { times, max_mib } => {
                time * times <= 1.0 && max_mib.is_none_or(|mib| self.ours.peak_kib < mib * 1024)
            }
        })
    }
}

/// Runs `ours` and `theirs` in turn, `runs` times each; the medians.
/// `theirs` failing on its first run makes the row say so; ours failing is
/// an error.
fn alternate(
    runs: usize,
    mut ours: impl FnMut() -> Result<Measured, TaskError>,
    mut theirs: impl FnMut() -> Result<Measured, TaskError>,
) -> Result<(Figures, Result<Figures, String>), TaskError> {
    let (mut mine, mut other) = (Vec::new(), Vec::new());
    let mut theirs_failed = None;
    for _ in 0..runs.max(1) {
        mine.push(ours()?);
        if theirs_failed.is_none() {
            match theirs() {
                Ok(measured) => other.push(measured),
                Err(error) => theirs_failed = Some(first_line(&error.to_string())),
            }
        }
    }
    let theirs = match theirs_failed {
        Some(reason) => Err(reason),
        None => Ok(Figures::of(&other)),
    };
    Ok((Figures::of(&mine), theirs))
}

/// The first line of an error worth showing (cargo's `error[...]` line when
/// there is one), shortened.
fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.starts_with("error"))
        .or_else(|| text.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("failed")
        .trim();
    let mut line: String = line.chars().take(120).collect();
    line = line.replace('|', "/");
    line
}

/// The tools and where they write.
pub struct Bench {
    /// Our generator: a release build of this binary.
    pub ours: PathBuf,
    /// openapi-generator's `openapi-generator-cli` script.
    pub theirs: PathBuf,
    /// `target/bench-compare/`.
    pub out: PathBuf,
    /// Where the `generate` rows write (see [`scratch_dir`]).
    pub scratch: PathBuf,
    pub runs: usize,
    /// The crates whose dependencies are built (`ours client`, `rust`, ...).
    pub warmed: std::cell::RefCell<std::collections::BTreeSet<String>>,
}

impl Bench {
    fn ours_generate(&self, spec: &Path, dir: &Path) -> Command {
        let mut command = Command::new(&self.ours);
        command
            .args(["generate", "--skip-unsupported", "--name", "bench-ours", "--spec"])
            .arg(spec)
            .arg("--out")
            .arg(dir);
        command
    }

    fn theirs_generate(&self, spec: &Path, dir: &Path, generator: &str) -> Command {
        let mut command = Command::new(&self.theirs);
        command
            .args(["generate", "--skip-validate-spec", "-g", generator, "-i"])
            .arg(spec)
            .arg("-o")
            .arg(dir)
            .arg(format!("--additional-properties=packageName=bench-{generator},packageVersion=0.1.0"));
        command
    }

    /// Generation time and memory of both tools for `spec` (`theirs` with
    /// openapi-generator's `rust` generator).
    pub fn generation(&self, spec: &Path, document: &str, target: Target) -> Result<Row, TaskError> {
        let (ours_dir, theirs_dir) = (self.scratch.join("ours"), self.scratch.join("theirs"));
        let measured = alternate(
            self.runs,
            || {
                let _ = std::fs::remove_dir_all(&ours_dir);
                measure(&mut self.ours_generate(spec, &ours_dir))
            },
            || {
                let _ = std::fs::remove_dir_all(&theirs_dir);
                measure(&mut self.theirs_generate(spec, &theirs_dir, "rust"))
            },
        );
        // (In memory: nothing is left behind, whether the row failed or not.)
        let _ = std::fs::remove_dir_all(&self.scratch);
        let (ours, theirs) = measured?;
        Ok(Row { task: "generate".into(), document: document.into(), ours, theirs, target })
    }

    /// `cargo check` of each tool's crate for `spec`: ours with the
    /// `client` feature against openapi-generator's `rust`, and ours with
    /// `server` against its `rust-axum`. `slug` names the directory.
    pub fn compile(&self, spec: &Path, document: &str, slug: &str, runs: usize) -> Result<Vec<Row>, TaskError> {
        let dir = self.out.join(slug);
        let ours_dir = dir.join("ours");
        let _ = std::fs::remove_dir_all(&ours_dir);
        measure(&mut self.ours_generate(spec, &ours_dir))?;
        let mut rows = Vec::new();
        for (feature, generator) in [("client", "rust"), ("server", "rust-axum")] {
            let theirs_dir = dir.join(generator);
            let generated = self.theirs_crate(spec, &theirs_dir, generator);
            let check = |crate_dir: &Path, feature: Option<&str>| {
                let mut command = self.cargo_check(crate_dir);
                if let Some(feature) = feature {
                    command.args(["--features", feature]);
                }
                command
            };
            // Dependencies first, outside the figures (once per run of the
            // bench: every document's crates have the same dependencies).
            if self.warmed.borrow_mut().insert(format!("ours {feature}")) {
                measure(&mut check(&ours_dir, Some(feature)))?;
            }
            let warm = generated.and_then(|()| {
                if self.warmed.borrow().contains(generator) {
                    return Ok(());
                }
                measure(&mut check(&theirs_dir, None)).map_err(|e| first_line(&e.to_string()))?;
                self.warmed.borrow_mut().insert(generator.to_owned());
                Ok(())
            });
            let (ours, theirs) = alternate(
                runs,
                || {
                    touch(&ours_dir.join("src/lib.rs"))?;
                    measure(&mut check(&ours_dir, Some(feature)))
                },
                || match &warm {
                    Ok(()) => {
                        touch(&theirs_dir.join("src/lib.rs"))?;
                        measure(&mut check(&theirs_dir, None))
                    }
                    Err(reason) => Err(failed(generator, format!("does not compile: {reason}"))),
                },
            )?;
            rows.push(Row {
                task: format!("cargo check: ours `{feature}` vs their `{generator}`"),
                document: document.into(),
                ours,
                theirs,
                target: Target::COMPILE,
            });
        }
        Ok(rows)
    }

    /// openapi-generator's crate for `spec`, made a workspace of its own.
    fn theirs_crate(&self, spec: &Path, dir: &Path, generator: &str) -> Result<(), String> {
        let _ = std::fs::remove_dir_all(dir);
        measure(&mut self.theirs_generate(spec, dir, generator)).map_err(|e| first_line(&e.to_string()))?;
        let manifest = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
        if !text.contains("[workspace]") {
            std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// `cargo check` in `dir` with the shared target directory, not
    /// incremental (a re-check then redoes the whole crate, as a change
    /// to the spec would).
    fn cargo_check(&self, dir: &Path) -> Command {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(["check", "--quiet"])
            .env("CARGO_TARGET_DIR", self.out.join("target"))
            .env("CARGO_INCREMENTAL", "0")
            .current_dir(dir);
        command
    }
}

/// Marks `path` changed for cargo (rewrites it unchanged, a new mtime).
fn touch(path: &Path) -> Result<(), TaskError> {
    let file = std::fs::File::options().append(true).open(path).map_err(io(path))?;
    file.set_modified(std::time::SystemTime::now()).map_err(io(path))
}

/// What `cargo xtask bench` compares.
#[derive(Debug, Clone)]
pub struct Options {
    /// Also GitHub's description.
    pub github: bool,
    pub runs: usize,
    /// The mid-size document, a path inside the corpus package.
    pub document: String,
    /// The `cargo check` rows too.
    pub compile: bool,
    /// Write BENCHMARKS.md.
    pub record: bool,
}

/// Runs the comparisons, prints the table and, with `record`, writes it to
/// BENCHMARKS.md.
pub fn run(options: &Options) -> Result<(), TaskError> {
    let root = crate::workspace_root();
    let bench = Bench {
        ours: release_binary(&root)?,
        theirs: openapi_generator(&root)?,
        out: root.join("target/bench-compare"),
        scratch: scratch_dir(&root),
        runs: options.runs,
        warmed: Default::default(),
    };
    let mut rows = Vec::new();
    let mut add = |row: Row| {
        // The row at once (a long run stopped early keeps what it measured).
        let line = table(std::slice::from_ref(&row));
        eprintln!("bench: {}", line.lines().last().unwrap_or_default());
        rows.push(row);
    };
    let pinning = root.join(crate::SPEC);
    add(bench.generation(&pinning, "pinning spec", Target::Faster { times: 200.0, max_mib: None })?);
    let github = if options.github { Some(crate::bench::github_spec(&root)?) } else { None };
    if let Some(spec) = &github {
        add(bench.generation(spec, "GitHub", Target::Faster { times: 12.0, max_mib: Some(512) })?);
    }
    if options.compile {
        let package = crate::corpus::install(&root)?;
        let document = package.join(&options.document);
        for row in bench.compile(&document, &options.document, "mid-size", options.runs)? {
            add(row);
        }
        if let Some(spec) = &github {
            // Minutes per check: one run of each tool.
            for row in bench.compile(spec, "GitHub", "github", 1)? {
                add(row);
            }
        }
    }
    let report = format!(
        "{}\nMachine: {}.\n{} run(s) per tool and row, alternating; medians (GitHub's `cargo check` rows: one run \
         each). GitHub: `{}`; the mid-size document: `{}` of `{}`.\n",
        table(&rows),
        machine(),
        options.runs,
        crate::bench::OCTOKIT,
        options.document,
        crate::corpus::PACKAGE,
    );
    println!("{report}");
    if options.record {
        let path = root.join("BENCHMARKS.md");
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        let updated = replace_between(&text, MARK_START, MARK_END, &report)
            .ok_or_else(|| failed("BENCHMARKS.md", format!("the markers {MARK_START} and {MARK_END} are missing")))?;
        std::fs::write(&path, updated).map_err(io(&path))?;
        eprintln!("bench: wrote {}", path.display());
    }
    Ok(())
}

/// Where `--record` writes in BENCHMARKS.md.
const MARK_START: &str = "<!-- bench:start -->";
const MARK_END: &str = "<!-- bench:end -->";

fn replace_between(text: &str, start: &str, end: &str, new: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = from + text[from..].find(end)?;
    Some(format!("{}\n{}\n{}", &text[..from], new.trim_end(), &text[to..]))
}

/// Where the `generate` rows write: a directory of this process in
/// `/dev/shm` (memory) where there is one, else `target/bench-compare/generate`.
///
/// Both tools write there, so the filesystem's state stays out of the
/// comparison. On ext4 without a journal (this project's CI machines), a
/// new file skips, one by one, every inode of its block group deleted in
/// the last minutes: after GitHub's rows removed openapi-generator's ~4,000
/// files, each file created nearby cost ~0.4 ms, and writing the 33 files
/// and directories of the pinning spec's crate took 12 ms instead of 1 (measured in
/// `target/bench-compare/generate` against a fresh directory in `/tmp`).
fn scratch_dir(root: &Path) -> PathBuf {
    let memory = Path::new("/dev/shm");
    let mine = memory.join(format!("xtask-bench-{}", std::process::id()));
    // Room for GitHub's two outputs with a wide margin (ours is 24 MB); a
    // container's `/dev/shm` is often 64 MiB.
    if available_bytes(memory).is_some_and(|free| free >= 2 << 30) && std::fs::create_dir_all(&mine).is_ok() {
        return mine;
    }
    root.join("target/bench-compare/generate")
}

/// The bytes an unprivileged process may still write on `dir`'s filesystem.
#[cfg(unix)]
fn available_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: `statvfs` is plain old data, valid when zeroed; the call
    // writes into it and reads the NUL-terminated path, both live for it.
    let mut stats: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(path.as_ptr(), &mut stats) } != 0 {
        return None;
    }
    #[allow(clippy::useless_conversion)] // `u64` on Linux, narrower elsewhere.
    u64::from(stats.f_bavail).checked_mul(u64::from(stats.f_frsize))
}

#[cfg(not(unix))]
fn available_bytes(_: &Path) -> Option<u64> {
    None
}

/// Our generator as a release build: this binary when it is one, else
/// `cargo build --release -p xtask` first (generation speed is a release
/// figure).
fn release_binary(root: &Path) -> Result<PathBuf, TaskError> {
    let current = std::env::current_exe().map_err(io(Path::new("xtask")))?;
    if !cfg!(debug_assertions) {
        return Ok(current);
    }
    eprintln!("bench: building xtask in release mode");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "xtask"])
        .current_dir(root)
        .status()
        .map_err(|error| failed("cargo build --release -p xtask", error))?;
    if !status.success() {
        return Err(failed("cargo build --release -p xtask", status));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target.join("release").join(current.file_name().unwrap_or_default()))
}

/// The table: medians, ratios (ours / theirs) and whether each row meets its target.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| task | document | ours: time | ours: peak | openapi-generator: time | openapi-generator: peak | time ratio | memory ratio | target | met |\n|---|---|---:|---:|---:|---:|---:|---:|---|---|\n",
    );
    for row in rows {
        let ours = format!("{} | {}", time(row.ours.time), mib(row.ours.peak_kib));
        let (theirs, ratios) = match (&row.theirs, row.ratios()) {
            (Ok(t), Some((time_ratio, memory_ratio))) => (
                format!("{} | {}", time(t.time), mib(t.peak_kib)),
                format!("{} | {memory_ratio:.2}×", speed(time_ratio)),
            ),
            (Err(reason), _) => (format!("{reason} | –"), "– | –".to_owned()),
            (Ok(_), None) => ("– | –".to_owned(), "– | –".to_owned()),
        };
        let met = match row.meets() {
            Some(true) => "yes",
            Some(false) => "no",
            None => "–",
        };
        out.push_str(&format!(
            "| {} | {} | {ours} | {theirs} | {ratios} | {} | {met} |\n",
            row.task, row.document, row.target
        ));
    }
    out
}

fn time(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 1.0 { format!("{:.1} ms", secs * 1000.0) } else { format!("{secs:.2} s") }
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// A time ratio as written in the table: `0.48×`, or for speed-ups `1/37`.
fn speed(ratio: f64) -> String {
    if ratio < 0.1 { format!("{ratio:.4}× (1/{:.0})", 1.0 / ratio) } else { format!("{ratio:.2}×") }
}

/// The machine the table was measured on: CPU, cores, memory, toolchains.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or_else(|| "unknown".into(), |kib| format!("{:.0} GiB", kib / 1024.0 / 1024.0));
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("?").to_owned();
    let version = |program: &str, arg: &str| {
        Command::new(program)
            .arg(arg)
            .output()
            .ok()
            .map(|o| {
                let text = if o.stdout.is_empty() { o.stderr } else { o.stdout };
                String::from_utf8_lossy(&text).lines().next().unwrap_or("").trim().to_owned()
            })
            .unwrap_or_else(|| format!("no {program}"))
    };
    format!(
        "{cpu}, {cores} cores, {memory} RAM (load average {load} at the end); {}; {}; openapi-generator 7.26.0 (PyPI `{OPENAPI_GENERATOR}`)",
        version("rustc", "-V"),
        version("java", "-version"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The free space `scratch_dir` reads is there, and `scratch_dir` gives
    /// a directory it made (in memory) or the one under `target/`.
    #[cfg(unix)]
    #[test]
    fn scratch_is_memory_with_room_or_the_target_directory() {
        let temp = tempfile::tempdir().unwrap();
        assert!(available_bytes(temp.path()).is_some_and(|free| free > 0));
        assert_eq!(available_bytes(&temp.path().join("missing")), None);
        let root = temp.path();
        let scratch = scratch_dir(root);
        if scratch.starts_with("/dev/shm") {
            assert!(scratch.is_dir());
            std::fs::remove_dir(&scratch).unwrap();
        } else {
            assert_eq!(scratch, root.join("target/bench-compare/generate"));
        }
    }

    fn row(ours: u64, theirs: Result<u64, &str>, target: Target) -> Row {
        let figures = |ms| Figures { time: Duration::from_millis(ms), peak_kib: ms * 10 };
        Row {
            task: "cargo check: ours `client` vs their `rust`".into(),
            document: "doc".into(),
            ours: figures(ours),
            theirs: theirs.map(figures).map_err(str::to_owned),
            target,
        }
    }

    #[test]
    fn ratios_are_ours_over_theirs_and_targets_are_checked() {
        let fast = row(400, Ok(1000), Target::COMPILE);
        assert_eq!(fast.ratios(), Some((0.4, 0.4)));
        assert_eq!(fast.meets(), Some(true));
        let slow = row(600, Ok(1000), Target::COMPILE);
        assert_eq!(slow.meets(), Some(false));
        let missing = row(600, Err("does not compile: error[E0308]"), Target::COMPILE);
        assert_eq!(missing.meets(), None);
        let table = table(&[fast, slow, missing]);
        assert!(table.contains("| 0.40× | 0.40× |"), "{table}");
        assert!(table.contains("does not compile: error[E0308]"), "{table}");
        assert_eq!(table.lines().filter(|l| l.ends_with("| yes |")).count(), 1, "{table}");
        // 10 ms against 1000 ms is 100× faster: not the 200× asked, and the peak counts too.
        let generation = |max_mib| row(10, Ok(1000), Target::Faster { times: 200.0, max_mib });
        assert_eq!(generation(None).meets(), Some(false));
        let quick = |max_mib| row(10, Ok(2000), Target::Faster { times: 200.0, max_mib });
        assert_eq!(quick(None).meets(), Some(true));
        // Ours peaks at 100 KiB there.
        assert_eq!(quick(Some(1)).meets(), Some(true));
        let heavy = Row { ours: Figures { time: Duration::from_millis(10), peak_kib: 2048 }, ..quick(Some(1)) };
        assert_eq!(heavy.meets(), Some(false));
    }

    #[test]
    fn record_replaces_only_the_marked_part() {
        let text = format!("# B\nintro\n{MARK_START}\nold\n{MARK_END}\nrest\n");
        let new = replace_between(&text, MARK_START, MARK_END, "new table\n").unwrap();
        assert_eq!(new, format!("# B\nintro\n{MARK_START}\nnew table\n{MARK_END}\nrest\n"));
        assert_eq!(replace_between("no markers", MARK_START, MARK_END, "x"), None);
    }

    #[test]
    fn failures_show_the_compiler_error() {
        assert_eq!(
            first_line("Compiling x\nerror[E0308]: mismatched | types\nmore"),
            "error[E0308]: mismatched / types"
        );
        assert_eq!(first_line("\nsomething broke\n"), "something broke");
    }

    #[test]
    fn alternates_and_keeps_a_failure_of_theirs() {
        let mut order = Vec::new();
        let once = Measured { elapsed: Duration::from_millis(5), peak_kib: 1 };
        let order_cell = std::cell::RefCell::new(&mut order);
        let (ours, theirs) = alternate(
            3,
            || {
                order_cell.borrow_mut().push("ours");
                Ok(once)
            },
            || {
                order_cell.borrow_mut().push("theirs");
                Err(failed("rust-axum", "does not compile: error[E0432]"))
            },
        )
        .expect("ours runs");
        assert_eq!(ours.time, Duration::from_millis(5));
        assert!(theirs.unwrap_err().contains("E0432"));
        // Theirs is not run again after failing.
        assert_eq!(order, ["ours", "theirs", "ours", "ours"]);
    }
}
