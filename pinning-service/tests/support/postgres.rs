//! Throwaway PostgreSQL clusters for tests, from the system's packages (no
//! containers). Used by the integration tests and, through `#[path]`, by the
//! store's unit tests.
//!
//! - [`shared`]: the cluster of this test process: `PINNING_TEST_POSTGRES_URL`
//!   (CI starts one in `.ci/run`), else one started here with `initdb` when
//!   it is installed. Without either the PostgreSQL tests fail under
//!   `CI=true` and are skipped, with a message, elsewhere.
//! - [`own`]: a cluster of the test's own (the restart test stops and
//!   starts it); [`own_with`] with settings of the caller's (the scale
//!   benchmark's buffer pool), and [`Cluster::over_socket`] to reach it over
//!   its Unix socket.
//!
//! A cluster runs `postgres` as a child of a small shell that stops it
//! (fast shutdown) as soon as its stdin closes, so a cluster never outlives
//! the test process, even one killed with SIGKILL. As root (CI), everything
//! runs as the `postgres` user the Debian package creates, since PostgreSQL
//! refuses to run as root.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The environment variable naming a running cluster (a superuser URL).
pub const URL_VARIABLE: &str = "PINNING_TEST_POSTGRES_URL";

/// A PostgreSQL cluster on 127.0.0.1.
pub struct Cluster {
    /// A superuser URL of the `postgres` database.
    url: String,
    /// Set when this process started the cluster.
    own: Option<Own>,
}

struct Own {
    /// The shell removes the cluster's directory once the server is down
    /// (for the shared cluster, which a static holds until the process exits).
    remove_on_exit: bool,
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    run_as: Option<String>,
    /// `-c name=value` settings of the server, after the tests' own.
    settings: Vec<String>,
    server: Option<Child>,
}

/// The cluster shared by the tests of this process; `None` (after printing
/// why) when PostgreSQL is not available outside CI.
pub fn shared() -> Option<&'static Cluster> {
    static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
    SHARED
        .get_or_init(|| match std::env::var(URL_VARIABLE) {
            Ok(url) => Some(Cluster { url, own: None }),
            Err(_) => available().then(|| Cluster::launch(true, &[])),
        })
        .as_ref()
        .or_else(skipped)
}

/// A cluster of the caller's own, in a temporary directory (to stop and
/// start); `None` (after printing why) when PostgreSQL is not installed
/// outside CI.
pub fn own() -> Option<Cluster> {
    own_with(&[])
}

/// [`own`] with server settings (`("shared_buffers", "1GB")`) that override
/// the tests' own.
pub fn own_with(settings: &[(&str, &str)]) -> Option<Cluster> {
    if available() {
        return Some(Cluster::launch(false, settings));
    }
    skipped()
}

/// Whether `initdb` is installed; panics under `CI=true` when it is not.
fn available() -> bool {
    if bin_dir().is_some() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "PostgreSQL tests cannot run under CI=true: `initdb` is in neither PATH nor \
         /usr/lib/postgresql/*/bin (and {URL_VARIABLE} is not set); install the `postgresql` package"
    );
    false
}

fn skipped<T>() -> Option<T> {
    eprintln!(
        "SKIPPED: PostgreSQL is not installed (no `initdb`) and {URL_VARIABLE} is not set; \
         `apt-get install -y postgresql` makes these tests run"
    );
    None
}

/// The directory of `initdb` and `postgres`: PATH, then Debian's versioned directories.
fn bin_dir() -> Option<PathBuf> {
    let in_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| dir.join("initdb").is_file())
        .and_then(|dir| std::fs::canonicalize(dir.join("initdb")).ok())
        .and_then(|initdb| initdb.parent().map(Path::to_path_buf));
    if in_path.as_ref().is_some_and(|dir| dir.join("postgres").is_file()) {
        return in_path;
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).expect("a free port").port()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

impl Cluster {
    /// Starts a new cluster in a temporary directory (panics when PostgreSQL
    /// is missing); it can be stopped and started again.
    fn launch(remove_on_exit: bool, settings: &[(&str, &str)]) -> Cluster {
        let bin = bin_dir().expect("PostgreSQL (`initdb`) is installed");
        let dir = tempfile::Builder::new().prefix("pinning-pg-").tempdir().expect("a temporary directory");
        let run_as = is_root().then(|| "postgres".to_owned());
        if let Some(user) = &run_as {
            let chowned = Command::new("chown").args(["-R", user]).arg(dir.path()).status().expect("chown runs");
            assert!(chowned.success(), "chown {user} {}", dir.path().display());
        }
        let data = dir.path().join("data");
        let out = command(&run_as, &bin.join("initdb"))
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "-D"])
            .arg(&data)
            .output()
            .expect("initdb runs");
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        let port = free_port();
        let mut cluster = Cluster {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            own: Some(Own {
                remove_on_exit,
                bin,
                dir,
                port,
                run_as,
                settings: settings.iter().map(|(name, value)| format!("{name}={value}")).collect(),
                server: None,
            }),
        };
        cluster.resume();
        cluster
    }

    /// The superuser URL of the cluster's `postgres` database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// This cluster reached over its Unix socket instead of TCP (the URL's
    /// `host` names the socket's directory); `None` for a cluster this
    /// process did not start.
    pub fn over_socket(mut self) -> Option<Cluster> {
        let own = self.own.as_ref()?;
        let mut url = url::Url::parse(&self.url).expect("the cluster's URL");
        url.set_host(Some("localhost")).expect("a host");
        url.set_port(None).expect("no port");
        let dir = own.dir.path().to_str().expect("a UTF-8 directory").to_owned();
        url.query_pairs_mut().clear().append_pair("host", &dir).append_pair("port", &own.port.to_string());
        self.url = url.to_string();
        Some(self)
    }

    /// Stops the cluster (fast shutdown: sessions are ended, committed data
    /// stays) and waits until it is down.
    pub fn stop(&mut self) {
        let own = self.own.as_mut().expect("a cluster this test started");
        if let Some(mut server) = own.server.take() {
            drop(server.stdin.take());
            let status = server.wait().expect("the cluster stops");
            assert!(status.success(), "the cluster's shell exited with {status}");
        }
    }

    /// Starts the cluster again after [`stop`](Self::stop) (or for the first
    /// time), on the same port, and waits until it takes connections.
    pub fn resume(&mut self) {
        let own = self.own.as_mut().expect("a cluster this test started");
        assert!(own.server.is_none(), "the cluster is running");
        let data = own.dir.path().join("data");
        let log = own.dir.path().join("server.log");
        // `postgres` runs in the background of a shell that waits for its
        // stdin to close (the test process ended, however it ended), then
        // stops it, and removes the directory of a shared cluster; a
        // background job's stdin is /dev/null.
        let script = "\"$@\" >>\"$LOG\" 2>&1 & pid=$!; read -r _; kill -INT $pid; wait $pid; \
                      status=$?; if [ \"$REMOVE\" = 1 ]; then rm -rf \"$DIR\"; fi; exit $status";
        let postgres = own.bin.join("postgres");
        let mut server = command(&own.run_as, Path::new("sh"))
            .env("LOG", &log)
            .env("DIR", own.dir.path())
            .env("REMOVE", if own.remove_on_exit { "1" } else { "0" })
            .args(["-c", script, "sh"])
            .arg(&postgres)
            .arg("-D")
            .arg(&data)
            .args(["-p", &own.port.to_string(), "-c", "listen_addresses=127.0.0.1", "-k"])
            .arg(own.dir.path())
            .args(["-c", "max_connections=300", "-c", "shared_buffers=64MB"])
            .args(own.settings.iter().flat_map(|setting| ["-c", setting.as_str()]))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("postgres starts");
        let started = Instant::now();
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", own.port)).is_ok() {
                let ready = Command::new(own.bin.join("pg_isready"))
                    .args(["-h", "127.0.0.1", "-p", &own.port.to_string(), "-U", "postgres", "-q"])
                    .status()
                    .is_ok_and(|status| status.success());
                if ready {
                    break;
                }
            }
            if let Ok(Some(status)) = server.try_wait() {
                panic!("postgres exited with {status}: {}", std::fs::read_to_string(&log).unwrap_or_default());
            }
            assert!(started.elapsed() < Duration::from_secs(60), "postgres did not start within 60s");
            std::thread::sleep(Duration::from_millis(50));
        }
        own.server = Some(server);
    }

    /// A new, empty database on the cluster; its URL.
    pub async fn fresh_database(&self) -> String {
        use sqlx::Connection;
        let name = format!("pins_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&self.url).await.expect("a connection to the test cluster");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("CREATE DATABASE");
        admin.close().await.ok();
        let mut url = url::Url::parse(&self.url).expect("the cluster's URL");
        url.set_path(&name);
        url.to_string()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.own.as_ref().is_some_and(|own| own.server.is_some()) {
            self.stop();
        }
    }
}

/// `program` as `run_as` (through `runuser`) or as this user.
fn command(run_as: &Option<String>, program: &Path) -> Command {
    match run_as {
        Some(user) => {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--"]).arg(program);
            command
        }
        None => Command::new(program),
    }
}
