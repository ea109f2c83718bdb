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
        let mut command = self.command(args);
        command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        let mut child = command.spawn().expect("the binary starts");
        if let Some(text) = stdin {
            let mut input = child.stdin.take().unwrap();
            input.write_all(text.as_bytes()).await.unwrap();
        }
        finish(args, child).await
    }

    /// Runs `ipfs-pin ARGS` with standard error on a pseudo-terminal (120
    /// columns); returns the run (its `stderr` empty) and what the terminal showed.
    #[cfg(target_os = "linux")]
    pub async fn run_on_terminal(&self, args: &[&str]) -> (Run, String) {
        use std::io::Read;
        let (mut master, slave) = pty::open(120);
        // Read while the binary runs: a full terminal buffer would block it.
        let reader = std::thread::spawn(move || {
            let mut screen = Vec::new();
            let mut buffer = [0u8; 4096];
            // EIO once the binary exited and the last copy of the other end is closed.
            while let Ok(n @ 1..) = master.read(&mut buffer) {
                screen.extend_from_slice(&buffer[..n]);
            }
            screen
        });
        let mut command = self.command(args);
        command.stdin(Stdio::null()).stderr(Stdio::from(slave));
        let child = command.spawn().expect("the binary starts");
        drop(command);
        let run = finish(args, child).await;
        let screen = tokio::task::spawn_blocking(move || reader.join().unwrap()).await.unwrap();
        (run, String::from_utf8_lossy(&screen).into_owned())
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ipfs-pin"));
        command
            .args(args)
            .env("IPFS_PIN_CONFIG", self.config_path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }
}

async fn finish(args: &[&str], child: tokio::process::Child) -> Run {
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

/// A pseudo-terminal pair, from libc (posix_openpt).
#[cfg(target_os = "linux")]
mod pty {
    use std::ffi::CStr;
    use std::fs::File;
    use std::os::fd::FromRawFd;

    /// The controlling end and the terminal end, `columns` wide.
    pub fn open(columns: u16) -> (File, File) {
        // SAFETY: plain libc calls on a descriptor this function owns; each
        // result is checked, and the name buffer is NUL-terminated by ptsname_r.
        unsafe {
            let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
            assert!(master >= 0, "posix_openpt: {}", std::io::Error::last_os_error());
            assert_eq!(libc::grantpt(master), 0, "grantpt");
            assert_eq!(libc::unlockpt(master), 0, "unlockpt");
            let size = libc::winsize { ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0 };
            assert_eq!(libc::ioctl(master, libc::TIOCSWINSZ, &size), 0, "TIOCSWINSZ");
            let mut name = [0 as libc::c_char; 128];
            assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0, "ptsname_r");
            let path = CStr::from_ptr(name.as_ptr()).to_str().unwrap().to_owned();
            let slave = std::fs::OpenOptions::new().read(true).write(true).open(path).unwrap();
            (File::from_raw_fd(master), slave)
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
