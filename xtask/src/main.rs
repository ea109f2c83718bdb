use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, xtask::TaskError> {
    match cli.task {
        Task::Codegen { check, root } => {
            let root = root.unwrap_or_else(xtask::workspace_root);
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
        Task::Generate { spec, out, name } => {
            for path in xtask::generate(&spec, &out, &name)? {
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
