//! A pin's whole life against a pinning service, one line per step:
//! add (with name, origins and meta) → get → list by cid and every status
//! (and meta) → replace → the old request answers 404 and the new one 200 →
//! delete → the deleted request answers 404. Exits non-zero on anything
//! unexpected. It never waits for a pin to be pinned, so it works whatever
//! state the service's pins reach.
//!
//! ```text
//! cargo run -p ipfs-pinning-client --example lifecycle -- --url URL --token TOKEN [--no-meta]
//! ```

#[path = "lifecycle/steps.rs"]
mod steps;

use std::process::ExitCode;

use clap::Parser;
use ipfs_pinning_client::Client;

#[derive(Parser)]
#[command(about = "Runs a pin's lifecycle against a pinning service")]
struct Args {
    /// The service's base URL (a path prefix is kept).
    #[arg(long)]
    url: String,
    /// The access token, sent as `Authorization: Bearer <token>`.
    #[arg(long)]
    token: String,
    /// Leave the `meta` filter out of the listing (for servers that cannot take one).
    #[arg(long)]
    no_meta: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let client = match Client::new(&args.url, &args.token) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let options = steps::Options { meta: !args.no_meta, ..steps::Options::default() };
    let mut log = String::new();
    let result = steps::run(&client, &options, &mut log).await;
    print!("{log}");
    match result {
        Ok(()) => {
            println!("ok: the lifecycle went as the spec says");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}
