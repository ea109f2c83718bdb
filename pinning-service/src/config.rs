//! The command line (clap); every flag can also be set by an environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;
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

    /// An access token (at least 16 characters); repeat for several, each a
    /// separate tenant. Without any (here or in `--token-file`), the service
    /// generates one on first start, prints it once, and keeps only its
    /// SHA-256 digest in the database.
    #[arg(long = "token", env = "PINNING_SERVICE_TOKEN", value_delimiter = ',', hide_env_values = true)]
    pub tokens: Vec<String>,

    /// A file of access tokens, one per line (blank lines and lines starting
    /// with `#` are skipped), added to `--token`'s: keeps tokens out of the
    /// process list and the environment.
    #[arg(long, env = "PINNING_SERVICE_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,

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

    /// Pins worked on at once, shared by all tenants; a tenant with none in
    /// progress may start one beyond it (up to twice this many in all), so
    /// one tenant's stuck pins never hold up the others.
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
    /// How long a client may take to send a request head, counted from the
    /// connection (or the previous response on a kept-alive connection): it
    /// is also the idle keep-alive timeout. At most 30 s.
    #[arg(long, env = "PINNING_SERVICE_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_read_timeout: Duration,

    /// How long one request may take, from its head to its response (`408`
    /// while its body is still arriving, `503` after).
    #[arg(long, env = "PINNING_SERVICE_REQUEST_TIMEOUT", default_value = "60s", value_parser = parse_duration)]
    pub request_timeout: Duration,

    /// Open connections at most; more wait in the listen backlog.
    #[arg(long, env = "PINNING_SERVICE_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Largest `meta` of one pin, in bytes of its JSON.
    #[arg(long, env = "PINNING_SERVICE_MAX_META_BYTES", default_value_t = 64 * 1024)]
    pub max_meta_bytes: usize,

    /// Byte budget of one page of `GET /pins` (pins' CIDs, names, origins,
    /// meta and info): a page stops short of `limit` rather than pass it.
    #[arg(long, env = "PINNING_SERVICE_MAX_PAGE_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_page_bytes: u64,

    /// Pin requests one access token may have at once (default: no limit);
    /// more are refused with `409 QUOTA_EXCEEDED`.
    #[arg(long, env = "PINNING_SERVICE_QUOTA_PINS")]
    pub quota_pins: Option<u64>,

    /// Bytes (CIDs, names, origins and meta) one access token's pin requests
    /// may take (default: no limit); more are refused with `409 QUOTA_EXCEEDED`.
    #[arg(long, env = "PINNING_SERVICE_QUOTA_BYTES")]
    pub quota_bytes: Option<u64>,

    /// How long a database statement waits for a lock held elsewhere before
    /// the request is answered `503` with `Retry-After`.
    #[arg(long, env = "PINNING_SERVICE_DB_BUSY_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    pub db_busy_timeout: Duration,

    /// Whether `GET /pins/{requestid}` is answered from a cache of the pins
    /// this replica read lately (`true` or `false`). The cache is exact for
    /// this replica's own writes (a change is seen by every request that
    /// starts after it was acknowledged); on PostgreSQL, other replicas'
    /// writes are seen once their notification arrives (milliseconds), and
    /// the cache is bypassed while the notification connection is down.
    #[arg(long, env = "PINNING_SERVICE_READ_CACHE", default_value_t = true, action = clap::ArgAction::Set)]
    pub read_cache: bool,

    /// Pins the read cache holds at most (about 1 KiB each).
    #[arg(long, env = "PINNING_SERVICE_READ_CACHE_PINS", default_value_t = 100_000)]
    pub read_cache_pins: usize,

    /// Output of the logs on stderr: `text` or `json` (one object a line).
    #[arg(long, env = "PINNING_SERVICE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// For people.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The longest `--header-read-timeout` accepted.
pub const MAX_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

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
    /// Every access token: `--token`'s, then `--token-file`'s, each checked.
    pub fn access_tokens(&self) -> Result<Vec<String>, ConfigError> {
        let mut tokens = self.tokens.clone();
        if let Some(path) = &self.token_file {
            let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
                flag: "token-file",
                message: format!("cannot read {}: {error}", path.display()),
            })?;
            if let Some(mode) = readable_by_others(path) {
                tracing::warn!(
                    path = %path.display(),
                    mode = format!("{mode:o}"),
                    "the token file can be read by other users; `chmod 600` it"
                );
            }
            for (number, line) in text.lines().enumerate() {
                let token = line.trim();
                if token.is_empty() || token.starts_with('#') {
                    continue;
                }
                check_token(token).map_err(|message| ConfigError {
                    flag: "token-file",
                    message: format!("{} line {}: {message}", path.display(), number + 1),
                })?;
                tokens.push(token.to_owned());
            }
        }
        Ok(tokens)
    }

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
        if self.read_cache && self.read_cache_pins == 0 {
            return Err(ConfigError {
                flag: "read-cache-pins",
                message: "must be at least 1 (turn the cache off with --read-cache false)".to_owned(),
            });
        }
        if self.pin_timeout.is_zero() {
            return Err(ConfigError { flag: "pin-timeout", message: "must be longer than 0".to_owned() });
        }
        if self.pin_lease < Duration::from_millis(300) {
            return Err(ConfigError { flag: "pin-lease", message: "must be at least 300ms".to_owned() });
        }
        if self.header_read_timeout.is_zero() || self.header_read_timeout > MAX_HEADER_READ_TIMEOUT {
            return Err(ConfigError {
                flag: "header-read-timeout",
                message: "must be longer than 0 and at most 30s".to_owned(),
            });
        }
        if self.request_timeout.is_zero() {
            return Err(ConfigError { flag: "request-timeout", message: "must be longer than 0".to_owned() });
        }
        if self.max_meta_bytes < 2 {
            return Err(ConfigError { flag: "max-meta-bytes", message: "must be at least 2 (`{}`)".to_owned() });
        }
        if self.max_page_bytes == 0 {
            return Err(ConfigError { flag: "max-page-bytes", message: "must be at least 1 byte".to_owned() });
        }
        if self.max_connections == 0 {
            return Err(ConfigError { flag: "max-connections", message: "must be at least 1".to_owned() });
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

/// The permission bits of `path` when users other than its owner may read
/// it (Unix only).
fn readable_by_others(path: &std::path::Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o044 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The shortest access token accepted.
pub const MIN_TOKEN_LEN: usize = 16;

/// A token must be usable in `Authorization: Bearer <token>`: visible ASCII,
/// no spaces (and no commas, which separate tokens), and at least
/// [`MIN_TOKEN_LEN`] characters, so it cannot be guessed in a few tries.
/// The message never quotes the token.
fn check_token(token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err("a token cannot be empty".to_owned());
    }
    if !token.bytes().all(|byte| byte.is_ascii_graphic() && byte != b',') {
        return Err("a token must be visible ASCII without spaces or commas".to_owned());
    }
    if token.len() < MIN_TOKEN_LEN {
        return Err(format!(
            "a token must have at least {MIN_TOKEN_LEN} characters (this one has {}); \
             `openssl rand -hex 32` makes a good one",
            token.len()
        ));
    }
    Ok(())
}

/// A fresh access token: 256 bits from the operating system's random source, in hex.
pub fn generate_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("pinning-service").chain(args.iter().copied()))
    }

    #[test]
    fn the_read_cache_is_on_unless_turned_off() {
        assert!(!parse(&["--read-cache", "false"]).unwrap().read_cache);
        assert!(parse(&["--read-cache", "true"]).unwrap().read_cache);
        let none = parse(&["--read-cache-pins", "0"]).unwrap();
        assert_eq!(none.check().unwrap_err().flag, "read-cache-pins");
        assert_eq!(parse(&["--read-cache", "false", "--read-cache-pins", "0"]).unwrap().check(), Ok(()));
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
        assert_eq!(args.header_read_timeout, Duration::from_secs(10));
        assert_eq!(args.request_timeout, Duration::from_secs(60));
        assert_eq!(args.max_connections, 1024);
        assert_eq!(args.db_busy_timeout, Duration::from_secs(5));
        assert_eq!(args.max_meta_bytes, 64 * 1024);
        assert_eq!(args.max_page_bytes, 4 * 1024 * 1024);
        assert_eq!((args.quota_pins, args.quota_bytes), (None, None));
        assert_eq!(args.log_format, LogFormat::Text);
        assert!(args.read_cache);
        assert_eq!(args.read_cache_pins, 100_000);
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
            "one-0123456789abcdef",
            "--token",
            "two-0123456789abcdef,three-0123456789abcdef",
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
        assert_eq!(args.tokens, ["one-0123456789abcdef", "two-0123456789abcdef", "three-0123456789abcdef"]);
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
        assert_eq!(refused(&["--token", "fifteen-chars-x"]), "token");
        assert_eq!(refused(&["--delegate", "/ip4/1.2.3.4/tcp/1"]), "delegate");
        assert_eq!(refused(&["--pin-concurrency", "0"]), "pin-concurrency");
        assert_eq!(refused(&["--max-body", "0"]), "max-body");
        assert_eq!(refused(&["--pin-timeout", "0"]), "pin-timeout");
        assert_eq!(refused(&["--pin-lease", "10ms"]), "pin-lease");
        assert_eq!(refused(&["--header-read-timeout", "0"]), "header-read-timeout");
        assert_eq!(refused(&["--header-read-timeout", "31s"]), "header-read-timeout");
        assert_eq!(refused(&["--request-timeout", "0"]), "request-timeout");
        assert_eq!(refused(&["--max-connections", "0"]), "max-connections");
        assert_eq!(refused(&["--max-meta-bytes", "1"]), "max-meta-bytes");
        assert_eq!(refused(&["--max-page-bytes", "0"]), "max-page-bytes");
        assert_eq!(refused(&["--backend", "kubo", "--ipfs-api", "https://127.0.0.1:5001"]), "ipfs-api");
    }

    #[test]
    fn token_files_add_tokens_and_refuse_short_ones() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tokens");
        std::fs::write(&file, "# tenants\n\nfrom-the-file-0123456789\n  second-tenant-0123456789  \n").unwrap();
        let path = file.to_str().unwrap();
        let args = parse(&["--token", "from-the-flag-0123456789", "--token-file", path]).unwrap();
        assert_eq!(
            args.access_tokens().unwrap(),
            ["from-the-flag-0123456789", "from-the-file-0123456789", "second-tenant-0123456789"]
        );
        std::fs::write(&file, "good-token-0123456789\nshort\n").unwrap();
        let error = args.access_tokens().unwrap_err();
        assert_eq!(error.flag, "token-file");
        assert!(error.message.contains("line 2"), "{error}");
        assert!(!error.message.contains("short\n") && !error.message.contains("`short`"), "{error}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert_eq!(readable_by_others(&file), Some(0o644));
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
            assert_eq!(readable_by_others(&file), None);
        }
        let missing = parse(&["--token-file", "/nonexistent/tokens"]).unwrap();
        assert_eq!(missing.access_tokens().unwrap_err().flag, "token-file");
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
