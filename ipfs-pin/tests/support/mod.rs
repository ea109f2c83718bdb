//! Runs the built `ipfs-pin` binary with a config file of its own in a
//! temporary directory, bounded in time, and reads what it printed.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// The longest one run of the binary may take.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// The binary with its own config file (`$IPFS_PIN_CONFIG`).
pub struct Cli {
    dir: TempDir,
}

/// What one run printed, and how it exited.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Cli {
    pub fn new() -> Cli {
        Cli { dir: tempfile::tempdir().expect("a temporary directory") }
    }

    /// The config file (created by the first `service add`).
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("ipfs-pin").join("config.json")
    }

    /// A file in the temporary directory.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Runs `ipfs-pin ARGS` with nothing on standard input.
    pub async fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None).await
    }

    /// Runs `ipfs-pin ARGS` with `stdin` on standard input.
    pub async fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ipfs-pin"));
        command
            .args(args)
            .env("IPFS_PIN_CONFIG", self.config_path())
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("the binary starts");
        if let Some(text) = stdin {
            let mut input = child.stdin.take().unwrap();
            input.write_all(text.as_bytes()).await.unwrap();
        }
        let output = tokio::time::timeout(RUN_LIMIT, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("ipfs-pin {args:?} did not finish within {RUN_LIMIT:?}"))
            .unwrap();
        Run {
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            code: output.status.code().expect("exited, not killed by a signal"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 on stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 on stderr"),
        }
    }
}

impl Run {
    /// Asserts the exit code, showing everything the run printed when it differs.
    pub fn code(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "ipfs-pin {:?} exited {}:\n{}\n{}", self.args, self.code, self.stdout, self.stderr);
        self
    }

    /// Asserts exit 0 and nothing on stderr.
    pub fn ok(&self) -> &Run {
        self.code(0);
        assert_eq!(self.stderr, "", "ipfs-pin {:?} printed on stderr", self.args);
        self
    }

    /// Standard output, parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("ipfs-pin {:?}: stdout is not JSON ({e}):\n{}", self.args, self.stdout))
    }

    /// Asserts stderr contains each of `parts`.
    pub fn stderr_has(&self, parts: &[&str]) -> &Run {
        for part in parts {
            assert!(self.stderr.contains(part), "ipfs-pin {:?}: stderr lacks {part:?}:\n{}", self.args, self.stderr);
        }
        self
    }
}

/// The `requestid`s of a JSON list of pins, in order.
pub fn requestids(list: &Value) -> Vec<String> {
    list.as_array().expect("a JSON array").iter().map(|pin| pin["requestid"].as_str().unwrap().to_owned()).collect()
}

/// The `pin.name`s of a JSON list of pins, sorted.
pub fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|pin| pin["pin"]["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}
