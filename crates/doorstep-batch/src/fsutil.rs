//! Durable file writes, shared by everything that must never leave a
//! half-written file behind: the config, key files, batches and the
//! supervisor's hand-over copies.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How [`write_atomic_with`] creates the file.
#[derive(Debug, Clone, Copy)]
pub struct AtomicOptions {
    /// Unix permission bits of the new file (it is created with them, so it
    /// is never briefly readable by others). `None`: the process default.
    pub mode: Option<u32>,
    /// Replace an existing file at the destination. When `false`, a file
    /// that appeared while writing makes the write fail (`AlreadyExists`).
    pub replace: bool,
}

impl Default for AtomicOptions {
    fn default() -> Self {
        AtomicOptions {
            mode: None,
            replace: true,
        }
    }
}

/// Writes `bytes` to `path` all or nothing: a temporary file beside it,
/// fsync, rename, fsync of the directory. On error the temporary file is
/// removed and `path` is as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, AtomicOptions::default())
}

/// [`write_atomic`] with a file mode and a no-replace check.
pub fn write_atomic_with(path: &Path, bytes: &[u8], options: AtomicOptions) -> io::Result<()> {
    let dir = parent_dir(path);
    let tmp = temp_path(path);
    let result = (|| -> io::Result<()> {
        remove_if_exists(&tmp)?;
        write_synced(&tmp, bytes, options.mode)?;
        if !options.replace && path.exists() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "appeared while writing",
            ));
        }
        fs::rename(&tmp, path)?;
        sync_dir(&dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates a new file (it must not exist), writes `bytes` and fsyncs it.
pub fn write_synced(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Makes renames in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Removes `path`; a file that is not there is fine.
pub fn remove_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The detached signature beside a file: `FILE.minisig`.
pub fn signature_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".minisig");
    PathBuf::from(s)
}

/// The directory holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME.PID.tmp` beside `path`: hidden, and one per process.
fn temp_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}.tmp", std::process::id()));
    parent_dir(path).join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.toml")]);
    }

    #[test]
    fn no_replace_refuses_an_existing_file_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.pub");
        fs::write(&p, b"old").unwrap();
        let opts = AtomicOptions {
            mode: Some(0o644),
            replace: false,
        };
        let e = write_atomic_with(&p, b"new", opts).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn signature_path_appends_minisig() {
        assert_eq!(
            signature_path(Path::new("/x/b.jsonl")),
            PathBuf::from("/x/b.jsonl.minisig")
        );
    }
}
