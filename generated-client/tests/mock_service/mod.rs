//! The npm package `mock-ipfs-pinning-service@0.4.2`, a server nobody here
//! wrote, as a test fixture: installed with npm under the target directory
//! when it is not there yet, started on 127.0.0.1 with a token, killed on
//! drop. Shared by the client's interop test and `ipfs-pin`'s (which includes
//! this file by path).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use ipfs_pinning_client::Client;

pub const PACKAGE: &str = "mock-ipfs-pinning-service@0.4.2";
pub const TOKEN: &str = "interop-secret";

/// Where the package is installed: under the target directory, so it is
/// installed once per checkout and never by hand.
fn install_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("mock-ipfs-pinning-service-0.4.2")
}

/// Installs the package with npm unless a complete install is there.
fn ensure_installed() -> PathBuf {
    npm_install(PACKAGE, &install_dir());
    install_dir().join("node_modules/mock-ipfs-pinning-service")
}

/// Installs the npm `package` (`name@version`) under `dir` unless a
/// complete install is there (a marker file is written last), one install
/// at a time in this process. Also used by the reference service's test of
/// the JS client (`pinning-service/tests/real_clients.rs`).
pub fn npm_install(package: &str, dir: &Path) {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let marker = dir.join(".installed");
    if marker.exists() {
        return;
    }
    std::fs::create_dir_all(dir).unwrap();
    let output = Command::new("npm")
        .args(["install", "--prefix"])
        .arg(dir)
        .args(["--no-audit", "--no-fund", "--loglevel=error", package])
        .output()
        .unwrap_or_else(|e| panic!("npm is needed to install {package}: {e}"));
    assert!(
        output.status.success(),
        "npm install {package} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(&marker, package).unwrap();
}

/// The services' standard error.
fn log_file() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("mock-ipfs-pinning-service.log")
}

/// A running mock service; killed on drop.
pub struct Mock {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Mock {
    /// Starts the service on 127.0.0.1 (an ephemeral port) through the
    /// package's `setup` API (its CLI listens on every interface).
    pub fn start() -> Mock {
        let package = ensure_installed();
        let script = r#"
            const http = require("http");
            const { setup } = require(process.argv[1]);
            setup({ token: process.argv[2], loglevel: "error" }).then((service) => {
                const server = http.createServer(service);
                server.listen(0, "127.0.0.1", () => console.log("listening " + server.address().port));
            });
        "#;
        let mut child = Command::new("node")
            .args(["-e", script])
            .arg(&package)
            .arg(TOKEN)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // It logs a stack trace for every request it fails (any `meta`).
            .stderr(std::fs::File::options().create(true).append(true).open(log_file()).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("node is needed to run {PACKAGE}: {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("listening ").unwrap_or_else(|| {
            let _ = child.kill();
            panic!("the mock service did not start: {line:?}; see {}", log_file().display())
        });
        Mock { url: format!("http://127.0.0.1:{port}"), child }
    }

    /// A client of the service with its token.
    pub fn client(&self) -> Client {
        Client::builder(&self.url, TOKEN).timeout(Duration::from_secs(20)).build().unwrap()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
