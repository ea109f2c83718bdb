//! The command line (clap); every flag can also be set by an environment variable.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use url::Url;

use crate::pinner::{DEFAULT_SIMULATED_DELEGATE, check_delegates};
use crate::store::DbLocation;

/// The reference IPFS Pinning Service: the generated axum server on an
/// embedded SQLite database, or on PostgreSQL shared by several replicas.
///
/// Lists (`--token`, `--delegate`) may also be given comma-separated, which is
/// how their environment variables take several values.
#[derive(Debug, Clone, Parser)]
#[command(name = "pinning-service", version, about, long_about = None)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "PINNING_SERVICE_LISTEN", default_value = "127.0.0.1:5000")]
    pub listen: SocketAddr,

    /// Where pins are stored: an SQLite file (a path or a `sqlite:` URL;
    /// created when missing), or a `postgres://user:password@host/database`
    /// URL, which several replicas of the service may share.
    #[arg(long, env = "PINNING_SERVICE_DB", default_value = "pinning-service.db", hide_env_values = true)]
    pub db: DbLocation,

    /// An access token; repeat for several, each a separate tenant. Without
    /// any, the service generates one on first start, keeps it in the
    /// database, and prints it at every start.
    #[arg(long = "token", env = "PINNING_SERVICE_TOKEN", value_delimiter = ',', hide_env_values = true)]
    pub tokens: Vec<String>,

    /// What pins: `simulated` fetches nothing; `kubo` drives a Kubo node.
    #[arg(long, env = "PINNING_SERVICE_BACKEND", value_enum, default_value_t = Backend::Simulated)]
    pub backend: Backend,

    /// The Kubo RPC API (with `--backend kubo`).
    #[arg(long, env = "PINNING_SERVICE_IPFS_API", default_value = "http://127.0.0.1:5001")]
    pub ipfs_api: Url,

    /// How long the simulated backend takes to pin (`250ms`, `2s`, `1m`).
    #[arg(long, env = "PINNING_SERVICE_SIMULATE_DELAY", default_value = "0s", value_parser = parse_duration)]
    pub simulate_delay: Duration,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "PINNING_SERVICE_MAX_BODY", default_value_t = 1024 * 1024)]
    pub max_body: usize,

    /// A multiaddr (ending in /p2p/<peer id>) for `PinStatus.delegates`;
    /// repeat for several (at most 20). Default: the Kubo node's addresses,
    /// or a placeholder for the simulated backend.
    #[arg(long = "delegate", env = "PINNING_SERVICE_DELEGATE", value_delimiter = ',')]
    pub delegates: Vec<String>,

    /// Pins worked on at once.
    #[arg(long, env = "PINNING_SERVICE_PIN_CONCURRENCY", default_value_t = 4)]
    pub pin_concurrency: usize,

    /// A pin not finished after this long fails.
    #[arg(long, env = "PINNING_SERVICE_PIN_TIMEOUT", default_value = "1h", value_parser = parse_duration)]
    pub pin_timeout: Duration,

    /// How long a replica's claim on a pin lasts unless renewed (every
    /// third of it): the pins of a replica that died are taken over this
    /// long after its last renewal.
    #[arg(long, env = "PINNING_SERVICE_PIN_LEASE", default_value = "30s", value_parser = parse_duration)]
    pub pin_lease: Duration,
}

/// The pinning backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// Fetches nothing; pins after `--simulate-delay`.
    Simulated,
    /// A Kubo node, through its RPC API at `--ipfs-api`.
    Kubo,
}

/// A setting that makes no sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--{flag}: {message}")]
pub struct ConfigError {
    pub flag: &'static str,
    pub message: String,
}

impl Args {
    /// Checks what clap cannot: tokens, delegates, limits.
    pub fn check(&self) -> Result<(), ConfigError> {
        for token in &self.tokens {
            check_token(token).map_err(|message| ConfigError { flag: "token", message })?;
        }
        if !self.delegates.is_empty() {
            check_delegates(&self.delegates).map_err(|message| ConfigError { flag: "delegate", message })?;
        }
        if self.pin_concurrency == 0 {
            return Err(ConfigError { flag: "pin-concurrency", message: "must be at least 1".to_owned() });
        }
        if self.max_body == 0 {
            return Err(ConfigError { flag: "max-body", message: "must be at least 1 byte".to_owned() });
        }
        if self.pin_timeout.is_zero() {
            return Err(ConfigError { flag: "pin-timeout", message: "must be longer than 0".to_owned() });
        }
        if self.pin_lease < Duration::from_millis(300) {
            return Err(ConfigError { flag: "pin-lease", message: "must be at least 300ms".to_owned() });
        }
        if self.backend == Backend::Kubo && self.ipfs_api.scheme() != "http" {
            return Err(ConfigError {
                flag: "ipfs-api",
                message: format!("the Kubo RPC API is plain HTTP; `{}` is not an http:// URL", self.ipfs_api),
            });
        }
        Ok(())
    }

    /// The delegates of the simulated backend: `--delegate`, or the placeholder.
    pub fn simulated_delegates(&self) -> Vec<String> {
        if self.delegates.is_empty() { vec![DEFAULT_SIMULATED_DELEGATE.to_owned()] } else { self.delegates.clone() }
    }
}

/// `250ms`, `2s`, `1m 30s`, or `0`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    if text.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(text.trim()).map_err(|error| format!("`{text}`: {error}"))
}

/// A token must be usable in `Authorization: Bearer <token>`: visible ASCII,
/// no spaces (and no commas, which separate tokens).
fn check_token(token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err("a token cannot be empty".to_owned());
    }
    if !token.bytes().all(|byte| byte.is_ascii_graphic() && byte != b',') {
        return Err("a token must be visible ASCII without spaces or commas".to_owned());
    }
    Ok(())
}

/// A fresh access token: 256 bits from the operating system's random source, in hex.
pub fn generate_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("pinning-service").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_match_the_documentation() {
        let args = parse(&[]).unwrap();
        assert_eq!(args.listen, "127.0.0.1:5000".parse().unwrap());
        assert_eq!(args.db, DbLocation::Sqlite("pinning-service.db".into()));
        assert_eq!(args.pin_lease, Duration::from_secs(30));
        assert!(args.tokens.is_empty());
        assert_eq!(args.backend, Backend::Simulated);
        assert_eq!(args.ipfs_api.as_str(), "http://127.0.0.1:5001/");
        assert_eq!(args.simulate_delay, Duration::ZERO);
        assert_eq!(args.max_body, 1024 * 1024);
        assert_eq!(args.pin_concurrency, 4);
        assert_eq!(args.pin_timeout, Duration::from_secs(3600));
        assert_eq!(args.simulated_delegates(), [DEFAULT_SIMULATED_DELEGATE]);
        assert_eq!(args.check(), Ok(()));
    }

    #[test]
    fn flags_parse() {
        let args = parse(&[
            "--listen",
            "127.0.0.1:0",
            "--db",
            "postgres://pinner:pw@127.0.0.1:5432/pins",
            "--token",
            "one",
            "--token",
            "two,three",
            "--backend",
            "kubo",
            "--ipfs-api",
            "http://127.0.0.1:9999",
            "--simulate-delay",
            "250ms",
            "--max-body",
            "2048",
            "--delegate",
            "/ip4/203.0.113.1/tcp/4001/p2p/QmPeer",
        ])
        .unwrap();
        assert_eq!(args.tokens, ["one", "two", "three"]);
        assert_eq!(args.db, DbLocation::Postgres("postgres://pinner:pw@127.0.0.1:5432/pins".to_owned()));
        assert_eq!(args.backend, Backend::Kubo);
        assert_eq!(args.simulate_delay, Duration::from_millis(250));
        assert_eq!(args.max_body, 2048);
        assert_eq!(args.simulated_delegates(), ["/ip4/203.0.113.1/tcp/4001/p2p/QmPeer"]);
        assert_eq!(args.check(), Ok(()));
    }

    #[test]
    fn durations_parse_like_humantime() {
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse(&["--simulate-delay", "fast"]).is_err());
        assert!(parse(&["--listen", "not-an-address"]).is_err());
        assert!(parse(&["--backend", "ipfs-cluster"]).is_err());
        assert!(parse(&["--db", "postgres://"]).is_err());
    }

    #[test]
    fn bad_settings_are_refused_with_the_flag_named() {
        let refused = |args: &[&str]| parse(args).unwrap().check().unwrap_err().flag;
        assert_eq!(refused(&["--token", "has space"]), "token");
        assert_eq!(refused(&["--token", "tök"]), "token");
        assert_eq!(refused(&["--delegate", "/ip4/1.2.3.4/tcp/1"]), "delegate");
        assert_eq!(refused(&["--pin-concurrency", "0"]), "pin-concurrency");
        assert_eq!(refused(&["--max-body", "0"]), "max-body");
        assert_eq!(refused(&["--pin-timeout", "0"]), "pin-timeout");
        assert_eq!(refused(&["--pin-lease", "10ms"]), "pin-lease");
        assert_eq!(refused(&["--backend", "kubo", "--ipfs-api", "https://127.0.0.1:5001"]), "ipfs-api");
    }

    #[test]
    fn generated_tokens_are_fresh_and_well_formed() {
        let one = generate_token().unwrap();
        let two = generate_token().unwrap();
        assert_ne!(one, two);
        assert_eq!(one.len(), 64);
        assert_eq!(check_token(&one), Ok(()));
    }
}
