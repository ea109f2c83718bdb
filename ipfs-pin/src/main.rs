//! `ipfs-pin`: kubo's `ipfs pin remote` for any IPFS pinning service, on the
//! generated client (`ipfs-pinning-client`).
//!
//! - `cli`: the command line (clap derive).
//! - `config`: the services' config file (mode 600, written atomically).
//! - `pins`: `add`, `ls`, `rm`, `replace`, `wait`.
//! - `services`: `service add`, `service ls [--stat]`, `service rm`.
//! - `output`: tables, `Key: value` lines, JSON, the live status line.
//! - `error`: failures and their exit codes (1 remote, 2 usage).

mod cli;
mod config;
mod error;
mod output;
mod pins;
mod services;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use ipfs_pinning_client::Client;

use crate::cli::{Cli, Command, ServiceCommand};
use crate::config::{Config, Service};
use crate::error::Failure;

/// What every command works with: the output format and the config.
pub struct Context {
    pub json: bool,
    pub config_path: PathBuf,
    pub config: Config,
}

impl Context {
    fn load(json: bool) -> Result<Context, Failure> {
        let config_path = config::path()?;
        let config = Config::load(&config_path)?;
        Ok(Context { json, config_path, config })
    }

    /// A client of the service named `name`.
    pub fn client(&self, name: &str) -> Result<Client, Failure> {
        Context::client_for(name, self.config.service(name)?)
    }

    /// A client of `service`; settings the client cannot use are usage errors.
    pub fn client_for(name: &str, service: &Service) -> Result<Client, Failure> {
        Client::builder(&service.url, &service.token)
            .user_agent(concat!("ipfs-pin/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| Failure::client(&format!("service `{name}`"), error))
    }
}

fn main() -> ExitCode {
    // Usage errors exit 2 here, `--help` and `--version` 0.
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Error: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("Error: {failure}");
            failure.exit_code()
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(shell, &mut Cli::command(), "ipfs-pin", &mut std::io::stdout());
        return Ok(());
    }
    let mut ctx = Context::load(cli.json)?;
    match cli.command {
        Command::Service(ServiceCommand::Add { name, url, token, token_file }) => {
            services::add(&mut ctx, &name, &url, token, token_file.as_deref())
        }
        Command::Service(ServiceCommand::Ls { stat }) => services::ls(&ctx, stat).await,
        Command::Service(ServiceCommand::Rm { name }) => services::rm(&mut ctx, &name),
        Command::Add(args) => pins::add(&ctx, args).await,
        Command::Ls(args) => pins::ls(&ctx, args).await,
        Command::Rm(args) => pins::rm(&ctx, args).await,
        Command::Replace(args) => pins::replace(&ctx, args).await,
        Command::Wait(args) => pins::wait(&ctx, args).await,
        Command::Completions { .. } => unreachable!("handled above"),
    }
}
