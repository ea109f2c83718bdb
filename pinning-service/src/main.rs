//! `pinning-service`: the reference IPFS pinning service.
//!
//! `cargo run --release -p pinning-service` starts it on 127.0.0.1:5000 with
//! `pinning-service.db` in the working directory and prints its access token;
//! `--help` lists the flags.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use pinning_service::app;
use pinning_service::config::{Args, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // Logs go to stderr (RUST_LOG overrides the level); stdout carries only
    // the lines below, for people and scripts.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let logs = tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter);
    match args.log_format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => logs.json().flatten_event(true).with_current_span(true).with_span_list(false).init(),
    }
    let running = match app::start(&args).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("pinning-service: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "pinning-service listening on http://{} (backend: {}, database: {})",
        running.local_addr(),
        running.backend(),
        args.db
    );
    match running.generated_token() {
        Some(token) => {
            let _ = writeln!(out, "access token: {token}");
            let _ = writeln!(
                out,
                "(generated now and shown only this once: the database keeps its SHA-256 digest; \
                 pass --token or --token-file to choose your own)"
            );
        }
        None if args.tokens.is_empty() && args.token_file.is_none() => {
            let _ = writeln!(out, "access token: the one generated and shown at the first start");
        }
        None => {
            let _ = writeln!(out, "tenants: {} access token(s) from --token/--token-file", running.tenant_count());
        }
    }
    let _ = out.flush();
    drop(out);
    wait_for_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    running.shutdown().await;
    ExitCode::SUCCESS
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn wait_for_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
