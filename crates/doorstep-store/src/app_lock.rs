//! One surveyor app per data directory. Two windows on one store would not
//! corrupt it (SQLite sees to that), but each would show a list the other
//! is changing, and a surveyor could start the same resident twice. The
//! lock is an OS file lock, so it goes away with the process, even after a
//! crash or a dead battery: there is never a stale lock to clean up.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Held while the app runs; dropping it releases the lock.
#[derive(Debug)]
pub struct AppLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum AppLockError {
    #[error(
        "doorstep is already open on this data directory ({0}): use that window, or close it first"
    )]
    AlreadyOpen(PathBuf),
    // The OS error is in the message, not a `source` (which `{:#}` would
    // print a second time).
    #[error(
        "cannot create the lock file {path}: {}",
        doorstep_core::fs::os_message(error)
    )]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// The lock file's name in the data directory.
pub const LOCK_FILE: &str = "app.lock";

/// Takes the data directory's app lock, or says who has it.
pub fn lock(data_dir: &Path) -> Result<AppLock, AppLockError> {
    let path = data_dir.join(LOCK_FILE);
    let io = |source| AppLockError::Io {
        path: path.clone(),
        error: source,
    };
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(AppLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(AppLockError::AlreadyOpen(data_dir.to_path_buf()))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_app_is_refused_until_the_first_closes() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).unwrap();
        let second = lock(dir.path()).unwrap_err();
        assert!(matches!(second, AppLockError::AlreadyOpen(_)), "{second}");
        assert!(second.to_string().contains("already open"));
        drop(first);
        lock(dir.path()).unwrap();
    }
}
