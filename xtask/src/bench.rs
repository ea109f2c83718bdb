//! What `cargo xtask bench` measures with: a child process's wall time and
//! peak memory (`wait4`), medians, and GitHub's description. The comparison with openapi-generator is in
//! [`crate::compare`].
//!
//! GitHub's REST description (`--github`) is the scale test: the npm package
//! `@octokit/openapi` ([`OCTOKIT`]), installed with npm under `target/` on
//! first use and never committed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::TaskError;

/// The npm package (pinned, so figures compare across runs) and the file in it.
pub const OCTOKIT: &str = "@octokit/openapi@23.0.2";
const OCTOKIT_SPEC: &str = "node_modules/@octokit/openapi/generated/api.github.com.json";

/// One run of a child process: wall time and peak resident memory.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub elapsed: Duration,
    /// Peak resident set size in KiB (`ru_maxrss` of the child).
    pub peak_kib: u64,
}

/// A failed measurement: the command, and what it printed.
pub(crate) fn failed(what: &str, detail: impl std::fmt::Display) -> TaskError {
    TaskError::Io { path: PathBuf::from(what), error: std::io::Error::other(detail.to_string()) }
}

/// Runs `command` to completion and measures it. The child's output is
/// captured; a failure is an error carrying its standard error.
pub fn measure(command: &mut Command) -> Result<Measured, TaskError> {
    let what = format!("{command:?}");
    let stderr = tempfile_path("stderr");
    let file = std::fs::File::create(&stderr).map_err(|error| TaskError::Io { path: stderr.clone(), error })?;
    command.stdout(std::process::Stdio::null()).stderr(file);
    let started = Instant::now();
    let child = command.spawn().map_err(|error| failed(&what, error))?;
    let (success, peak_kib) = wait_with_usage(child).map_err(|error| failed(&what, error))?;
    let elapsed = started.elapsed();
    let output = std::fs::read_to_string(&stderr).unwrap_or_default();
    let _ = std::fs::remove_file(&stderr);
    if !success {
        return Err(failed(&what, output.trim()));
    }
    Ok(Measured { elapsed, peak_kib })
}

fn tempfile_path(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("xtask-bench-{}-{tag}", std::process::id()))
}

/// Waits for `child` with `wait4`, which also reports the child's resource
/// usage (std's `wait` does not).
#[cfg(unix)]
fn wait_with_usage(child: std::process::Child) -> std::io::Result<(bool, u64)> {
    let pid = libc::pid_t::try_from(child.id()).map_err(std::io::Error::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data, valid when zeroed; `wait4` writes
    // into both out-parameters, which live for the whole call.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid {
        return Err(std::io::Error::last_os_error());
    }
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports `ru_maxrss` in KiB.
    Ok((success, u64::try_from(usage.ru_maxrss).unwrap_or(0)))
}

#[cfg(not(unix))]
fn wait_with_usage(mut child: std::process::Child) -> std::io::Result<(bool, u64)> {
    Ok((child.wait()?.success(), 0))
}

/// GitHub's REST description, installed with npm under `target/` when missing.
pub fn github_spec(root: &Path) -> Result<PathBuf, TaskError> {
    let dir = root.join("target/octokit-openapi");
    let spec = dir.join(OCTOKIT_SPEC);
    if !spec.exists() {
        std::fs::create_dir_all(&dir).map_err(|error| TaskError::Io { path: dir.clone(), error })?;
        eprintln!("bench: installing {OCTOKIT} with npm into {}", dir.display());
        let output = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
            .arg(&dir)
            .arg(OCTOKIT)
            .output()
            .map_err(|error| failed("npm (needed to install GitHub's spec)", error))?;
        if !output.status.success() {
            return Err(failed("npm install", String::from_utf8_lossy(&output.stderr)));
        }
    }
    Ok(spec)
}

/// Median, min and max of `values`.
pub fn summary<T: Copy + Ord>(values: &[T]) -> Option<(T, T, T)> {
    let mut sorted = values.to_vec();
    sorted.sort();
    Some((*sorted.get(sorted.len() / 2)?, *sorted.first()?, *sorted.last()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_median_min_max() {
        assert_eq!(summary(&[5, 1, 3]), Some((3, 1, 5)));
        assert_eq!(summary(&[2, 1]), Some((2, 1, 2)));
        assert_eq!(summary::<u32>(&[]), None);
    }

    #[test]
    #[cfg(unix)]
    fn measures_a_child_and_reports_its_failure() {
        // A shell that holds a 32 MiB string: its peak must show it.
        let holds =
            measure(Command::new("sh").args(["-c", "x=$(head -c 33554432 /dev/zero | tr '\\0' a); echo ${#x}"]));
        let holds = holds.expect("sh runs");
        assert!(holds.peak_kib > 32 * 1024, "peak {} KiB", holds.peak_kib);
        let small = measure(Command::new("sh").args(["-c", "true"])).expect("sh runs");
        assert!(small.peak_kib < 16 * 1024, "peak {} KiB", small.peak_kib);
        let error = measure(Command::new("sh").args(["-c", "echo broken >&2; exit 3"])).unwrap_err();
        assert!(error.to_string().contains("broken"), "{error}");
    }
}
