//! The config file: the pinning services by name, each with its URL and
//! access token, as JSON.
//!
//! It lives at `$IPFS_PIN_CONFIG`, else `ipfs-pin/config.json` in the
//! platform's config directory (`~/.config` on Linux). It is written whole
//! to a temporary file beside it (created with mode 600 on unix) and renamed
//! over it, so a reader never sees half a file and the token is never
//! readable by others, not even for a moment. Tokens are never printed:
//! `Debug` redacts them.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Failure;

/// The environment variable naming the config file.
pub const CONFIG_ENV: &str = "IPFS_PIN_CONFIG";

/// The services, by name.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub services: BTreeMap<String, Service>,
}

/// One pinning service.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// The API endpoint, without the `/pins` suffix.
    pub url: String,
    /// The access token, sent as `Authorization: Bearer <token>`.
    pub token: String,
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service").field("url", &self.url).field("token", &"<redacted>").finish()
    }
}

/// Where the config file is: `$IPFS_PIN_CONFIG`, else the platform's config directory.
pub fn path() -> Result<PathBuf, Failure> {
    if let Some(path) = std::env::var_os(CONFIG_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    dirs::config_dir().map(|dir| dir.join("ipfs-pin").join("config.json")).ok_or_else(|| {
        Failure::usage(format!("no config directory is known on this system: set {CONFIG_ENV} to a file path"))
    })
}

impl Config {
    /// Reads the config file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Config, Failure> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(error) => {
                return Err(Failure::usage(format!("cannot read the config file {}: {error}", path.display())));
            }
        };
        warn_if_readable_by_others(path);
        serde_json::from_str(&text)
            .map_err(|error| Failure::usage(format!("the config file {} is not valid: {error}", path.display())))
    }

    /// Writes the config file atomically (a temporary file with mode 600 beside
    /// it, then a rename), creating its directory (mode 700) when missing.
    pub fn save(&self, path: &Path) -> Result<(), Failure> {
        let fail =
            |error: io::Error| Failure::usage(format!("cannot write the config file {}: {error}", path.display()));
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        };
        create_private_dir(&dir).map_err(fail)?;
        let mut text = serde_json::to_string_pretty(self).expect("the config serializes");
        text.push('\n');
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "config".into());
        let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = write_private(&temp, text.as_bytes()).and_then(|()| fs::rename(&temp, path));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written.map_err(fail)
    }

    /// The service named `name`, or a usage error listing the known ones.
    pub fn service(&self, name: &str) -> Result<&Service, Failure> {
        self.services.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.services.keys().map(String::as_str).collect();
            let hint = if known.is_empty() {
                "no services are configured; add one with `ipfs-pin service add NAME URL`".to_owned()
            } else {
                format!("known services: {}", known.join(", "))
            };
            Failure::usage(format!("unknown service `{name}` ({hint})"))
        })
    }
}

/// Creates `file` (it must not exist) readable and writable by its owner
/// only, and writes `bytes` to disk.
fn write_private(file: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options.open(file)?;
    out.write_all(bytes)?;
    out.sync_all()
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A config file others can read exposes the tokens: say so (as ssh does).
fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                eprintln!(
                    "ipfs-pin: warning: the config file {} holds access tokens but its mode is {mode:o}; run `chmod 600` on it",
                    path.display()
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let mut config = Config::default();
        config.services.insert("one".into(), Service { url: "http://127.0.0.1:1".into(), token: "s3cret".into() });
        config
    }

    #[test]
    fn debug_never_shows_a_token() {
        let text = format!("{:?}", config());
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }

    #[test]
    fn saves_atomically_with_mode_600_and_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("config.json");
        assert_eq!(Config::load(&path).unwrap(), Config::default());
        config().save(&path).unwrap();
        config().save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), config());
        let names: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["config.json"], "no temporary file is left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }

    #[test]
    fn a_broken_file_and_an_unknown_service_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        fs::write(&path, "{ not json").unwrap();
        let error = Config::load(&path).unwrap_err();
        assert_eq!(error.code(), 2);
        assert!(error.to_string().contains("is not valid"), "{error}");

        let error = config().service("two").unwrap_err();
        assert_eq!(error.to_string(), "unknown service `two` (known services: one)");
    }
}
