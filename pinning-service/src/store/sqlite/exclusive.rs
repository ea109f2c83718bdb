//! One service process per database file: an exclusive `flock(2)` on
//! `<database>.lock`, held for the store's lifetime.
//!
//! Two processes on one SQLite file would each think they own the worker's
//! state: the second one's start-up requeues the pins the first one is
//! pinning, and both pin and unpin the same CIDs. SQLite's own locks only
//! serialize transactions, so the service takes a lock of its own. The
//! kernel drops it when the process ends, however it ends (`kill -9`
//! included), so a crash never leaves a stale lock behind. The lock file
//! holds the owner's process id, for the error message.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::store::StoreError;

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub(super) struct ExclusiveLock {
    _file: File,
}

/// The lock file of the database at `db`.
pub(super) fn lock_path(db: &Path) -> PathBuf {
    let mut path = db.as_os_str().to_owned();
    path.push(".lock");
    PathBuf::from(path)
}

/// Takes the lock of the database at `db`, or says which process holds it.
pub(super) fn lock(db: &Path) -> Result<ExclusiveLock, StoreError> {
    let path = lock_path(db);
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|error| StoreError::Locked(format!("cannot open the lock file {}: {error}", path.display())))?;
    if let Err(error) = try_lock(&file) {
        let mut owner = String::new();
        let _ = file.read_to_string(&mut owner);
        let owner = owner.trim();
        let owner = if owner.is_empty() { String::new() } else { format!(" (process {owner})") };
        return Err(StoreError::Locked(format!(
            "another pinning-service{owner} is using this database (lock file {}: {error}); \
             stop it first, or give this one another --db",
            path.display()
        )));
    }
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = write!(file, "{}", std::process::id());
    let _ = file.flush();
    Ok(ExclusiveLock { _file: file })
}

#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive).map_err(std::io::Error::from)
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<()> {
    // No flock(2): one process per database is up to the operator here.
    Ok(())
}
