//! The real `pinning-service` binary as a child process on 127.0.0.1, for
//! tests that kill it or restart it. Included with `#[path]` by the test
//! files that need it (beside `mod support`), so other crates that include
//! `support/mod.rs` do not need the binary.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use futures_util::StreamExt;
use ipfs_pinning_client::models::{PinStatus, Status};
use ipfs_pinning_client::{Client, GetPinsQuery};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

/// How long the binary may take to print its address.
const STARTUP: Duration = Duration::from_secs(30);

/// The real binary, running as a child process on 127.0.0.1.
pub struct Process {
    child: Child,
    url: String,
    token: String,
    /// Kept open: the binary writes its start-up lines here.
    _stdout: tokio::io::Lines<BufReader<ChildStdout>>,
    log: PathBuf,
}

impl Process {
    /// Starts `pinning-service` on `db` (a path or a URL) with `token` and
    /// `extra` flags, and reads its address from the line it prints on
    /// stdout. Its logs (stderr) go to `log`.
    pub async fn spawn(db: &OsStr, token: &str, log: &Path, extra: &[&str]) -> Process {
        let stderr = std::fs::File::options().create(true).append(true).open(log).expect("the log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_pinning-service"))
            .args(["--listen", "127.0.0.1:0", "--token", token, "--db"])
            .arg(db)
            .args(extra)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .expect("the pinning-service binary starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let line = tokio::time::timeout(STARTUP, stdout.next_line()).await;
        let line = match line {
            Ok(Ok(Some(line))) => line,
            other => panic!("pinning-service printed no address ({other:?}); its log:\n{}", read_log(log)),
        };
        // `pinning-service listening on http://127.0.0.1:PORT (backend: ..., database: ...)`
        let url = line
            .strip_prefix("pinning-service listening on ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{line}");
        Process { child, url, token: token.to_owned(), _stdout: stdout, log: log.to_owned() }
    }

    /// A client of the process, with its token.
    pub fn client(&self) -> Client {
        crate::support::client(&self.url, &self.token)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The last lines of its log.
    pub fn log_tail(&self) -> String {
        read_log(&self.log)
    }

    fn pid(&self) -> u32 {
        self.child.id().expect("the child is running")
    }

    /// SIGKILL, and waits for the process to be gone.
    pub async fn kill_9(mut self) -> ExitStatus {
        self.child.start_kill().expect("SIGKILL");
        crate::support::bounded(Duration::from_secs(30), self.child.wait()).await.expect("wait for the killed child")
    }

    /// SIGTERM (`kill -TERM`), and waits for the process to exit by itself.
    pub async fn terminate(mut self) -> ExitStatus {
        let pid = self.pid().to_string();
        let sent = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill(1) runs");
        assert!(sent.success(), "kill -TERM {pid} failed");
        let status = tokio::time::timeout(Duration::from_secs(60), self.child.wait()).await;
        match status {
            Ok(status) => status.expect("wait for the child"),
            Err(_) => panic!("no exit within 60s of SIGTERM; its log:\n{}", read_log(&self.log)),
        }
    }
}

fn read_log(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(40).collect();
    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// Every pin of the tenant, any status.
pub async fn everything(client: &Client) -> BTreeMap<String, PinStatus> {
    let items: Vec<_> = client.list_all(GetPinsQuery::default().status(Status::ALL)).collect().await;
    items
        .into_iter()
        .map(|item| {
            let pin = item.unwrap_or_else(|error| panic!("list_all: {error}"));
            (pin.requestid.clone(), pin)
        })
        .collect()
}
