//! The command line (clap derive). Flag names and meanings follow kubo's
//! `ipfs pin remote`; list flags (`--cid`, `--status`, `--origin`) are
//! repeatable or comma-separated, as kubo's.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ipfs_pinning_client::models::{Status, TextMatchingStrategy};

/// Pin CIDs on any IPFS pinning service (the IPFS Pinning Service API), the
/// way kubo's `ipfs pin remote` does.
///
/// Services are kept in a config file (mode 600): `$IPFS_PIN_CONFIG`, else
/// `ipfs-pin/config.json` in the platform's config directory.
///
/// Exit codes: 0 done; 1 failed at the service or on the way; 2 bad usage or
/// configuration.
#[derive(Debug, Parser)]
#[command(name = "ipfs-pin", version, about, long_about)]
pub struct Cli {
    /// Print results as JSON (for scripts) instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Configure pinning services (name, URL, access token).
    #[command(subcommand)]
    Service(ServiceCommand),

    /// Pin a CID on a service and wait until it is pinned.
    ///
    /// Without `--background`, waits until the pin is `pinned` (exit 0) or
    /// `failed` (exit 1), showing its status live on a terminal.
    Add(NewPinArgs),

    /// List the pins matching a query (every page of them).
    ///
    /// Only `pinned` pins unless `--status` says otherwise, as kubo's.
    Ls(LsArgs),

    /// Remove the pins matching a query.
    ///
    /// Refuses to remove more than one pin without `--force`. Only `pinned`
    /// pins match unless `--status` says otherwise, as kubo's.
    Rm(RmArgs),

    /// Replace a pin request with a new one (a new request id), and wait
    /// until the new pin is pinned.
    Replace(ReplaceArgs),

    /// Wait until a pin request is `pinned` (exit 0) or `failed` (exit 1).
    Wait(WaitArgs),

    /// Print a shell completion script to standard output.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Add a service. The token comes from the argument, `--token-file`, or
    /// standard input (read without echo on a terminal).
    Add {
        /// The name to use with `--service`.
        name: String,
        /// The API endpoint, without the `/pins` suffix
        /// (`https://api.example.com/psa`).
        url: String,
        /// The access token (visible to other users in the process list:
        /// prefer `--token-file` or standard input).
        token: Option<String>,
        /// Read the token from this file (its first line).
        #[arg(long, value_name = "PATH", conflicts_with = "token")]
        token_file: Option<PathBuf>,
    },

    /// List the services (never their tokens).
    Ls {
        /// Ask each service for its pin counts (queued/pinning/pinned/failed).
        #[arg(long)]
        stat: bool,
    },

    /// Remove a service.
    Rm {
        /// The service's name.
        name: String,
    },
}

/// `--service NAME`.
#[derive(Debug, Args)]
pub struct ServiceArg {
    /// Name of the pinning service to use (see `ipfs-pin service ls`).
    #[arg(long, value_name = "NAME")]
    pub service: String,
}

/// What a pin request carries besides its CID.
#[derive(Debug, Clone, Args)]
pub struct PinArgs {
    /// An optional name for the pin.
    #[arg(long)]
    pub name: Option<String>,

    /// A multiaddr of a peer that has the data (repeatable or comma-separated).
    #[arg(long = "origin", value_name = "MULTIADDR", value_delimiter = ',')]
    pub origins: Vec<String>,

    /// Metadata for the service (repeatable; values may contain commas).
    #[arg(long = "meta", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub meta: Vec<(String, String)>,
}

/// How to wait for a pin.
#[derive(Debug, Clone, Args)]
pub struct WaitOptions {
    /// Give up waiting after this long (`30s`, `5m`, `1h`); exit 1 when the
    /// pin is not done by then. Default: wait until it is.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// A new pin request (`add`, and `replace` after the request id).
#[derive(Debug, Args)]
pub struct NewPinArgs {
    /// The CID to pin (`/ipfs/CID` is accepted too).
    pub cid: String,
    #[command(flatten)]
    pub service: ServiceArg,
    #[command(flatten)]
    pub pin: PinArgs,
    /// Return as soon as the service queued the pin (does not wait for
    /// `pinned`).
    #[arg(long)]
    pub background: bool,
    #[command(flatten)]
    pub wait: WaitOptions,
}

#[derive(Debug, Args)]
pub struct ReplaceArgs {
    /// The request id of the pin to replace.
    pub requestid: String,
    #[command(flatten)]
    pub new: NewPinArgs,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// The request id of the pin.
    pub requestid: String,
    #[command(flatten)]
    pub service: ServiceArg,
    #[command(flatten)]
    pub wait: WaitOptions,
}

/// The query of `ls` and `rm`.
#[derive(Debug, Clone, Args)]
pub struct Filter {
    /// Pins of these CIDs (repeatable or comma-separated).
    #[arg(long = "cid", value_name = "CID", value_delimiter = ',')]
    pub cids: Vec<String>,

    /// Pins with this name (exact, case-sensitive match unless `--match`).
    #[arg(long)]
    pub name: Option<String>,

    /// How `--name` matches.
    #[arg(long = "match", value_enum, value_name = "STRATEGY", requires = "name")]
    pub matching: Option<MatchArg>,

    /// Pins with these statuses (repeatable or comma-separated).
    #[arg(long = "status", value_enum, value_delimiter = ',', default_values_t = [StatusArg::Pinned])]
    pub statuses: Vec<StatusArg>,

    /// Pins whose metadata has these pairs (repeatable; values may contain commas).
    #[arg(long = "meta", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub meta: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    #[command(flatten)]
    pub service: ServiceArg,
    #[command(flatten)]
    pub filter: Filter,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    #[command(flatten)]
    pub service: ServiceArg,
    #[command(flatten)]
    pub filter: Filter,
    /// Allow removing more than one pin.
    #[arg(long)]
    pub force: bool,
}

/// A pin status, as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Queued,
    Pinning,
    Pinned,
    Failed,
}

impl From<StatusArg> for Status {
    fn from(status: StatusArg) -> Status {
        match status {
            StatusArg::Queued => Status::Queued,
            StatusArg::Pinning => Status::Pinning,
            StatusArg::Pinned => Status::Pinned,
            StatusArg::Failed => Status::Failed,
        }
    }
}

/// A name matching strategy, as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatchArg {
    /// Case-sensitive, the whole name.
    Exact,
    /// Case-insensitive, the whole name.
    Iexact,
    /// Case-sensitive, anywhere in the name.
    Partial,
    /// Case-insensitive, anywhere in the name.
    Ipartial,
}

impl From<MatchArg> for TextMatchingStrategy {
    fn from(matching: MatchArg) -> TextMatchingStrategy {
        match matching {
            MatchArg::Exact => TextMatchingStrategy::Exact,
            MatchArg::Iexact => TextMatchingStrategy::Iexact,
            MatchArg::Partial => TextMatchingStrategy::Partial,
            MatchArg::Ipartial => TextMatchingStrategy::Ipartial,
        }
    }
}

/// `KEY=VALUE` (split at the first `=`; the key cannot be empty).
fn parse_key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("`{text}` is not KEY=VALUE")),
    }
}

/// `30s`, `5m`, `1h 30m` (humantime).
fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text.trim()).map_err(|error| format!("`{text}`: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("ipfs-pin").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn list_flags_are_repeatable_or_comma_separated() {
        let cli = parse(&["ls", "--service", "s", "--cid", "a,b", "--cid", "c", "--status", "queued,pinning"]).unwrap();
        let Command::Ls(ls) = cli.command else { panic!() };
        assert_eq!(ls.filter.cids, ["a", "b", "c"]);
        assert_eq!(ls.filter.statuses, [StatusArg::Queued, StatusArg::Pinning]);

        let cli =
            parse(&["add", "bafy", "--service", "s", "--origin", "/ip4/1/a,/ip4/2/b", "--meta", "k=v,w"]).unwrap();
        let Command::Add(add) = cli.command else { panic!() };
        assert_eq!(add.pin.origins, ["/ip4/1/a", "/ip4/2/b"]);
        assert_eq!(add.pin.meta, [("k".to_owned(), "v,w".to_owned())]);
    }

    #[test]
    fn the_default_status_is_pinned_as_kubos() {
        for command in ["ls", "rm"] {
            let cli = parse(&[command, "--service", "s"]).unwrap();
            let filter = match cli.command {
                Command::Ls(ls) => ls.filter,
                Command::Rm(rm) => rm.filter,
                _ => unreachable!(),
            };
            assert_eq!(filter.statuses, [StatusArg::Pinned], "{command}");
        }
    }

    #[test]
    fn bad_flags_are_usage_errors() {
        for args in [
            &["ls"][..],
            &["ls", "--service", "s", "--status", "done"],
            &["ls", "--service", "s", "--match", "partial"],
            &["add", "bafy", "--service", "s", "--meta", "novalue"],
            &["add", "bafy", "--service", "s", "--meta", "=v"],
            &["wait", "r", "--service", "s", "--timeout", "soon"],
            &["service", "add", "n", "http://x", "t", "--token-file", "f"],
        ] {
            let error = parse(args).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{args:?}: {error}");
        }
    }
}
