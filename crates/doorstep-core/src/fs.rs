//! Reading a file named by the user, safely: regular files only, and never
//! more than a stated limit.
//!
//! A FIFO, `/dev/zero`, a directory or a terminal given where a file was
//! expected (`--residents`, `check FILE`, a batch in a folder, a key, a
//! config) must be refused at once with the file's name, not hang or fill
//! memory. Every reader of outside files in the workspace opens through
//! [`open_regular`] or [`read_regular`]; the limits live in [`limits`].

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The size limits of the files doorstep reads, in bytes. Generous for real
/// use (a resident list of 100,000 rows is about 15 MB) and small enough
/// that a hostile file cannot exhaust memory.
pub mod limits {
    /// A questionnaire (TOML).
    pub const QUESTIONNAIRE: u64 = 4 << 20;
    /// A resident list (CSV or XLSX, as stored on disk).
    pub const RESIDENT_LIST: u64 = 64 << 20;
    /// A config, key, identity, thresholds or weights file.
    pub const SMALL_FILE: u64 = 1 << 20;
    /// A batch file (`.jsonl`, `.jsonl.age`) or a decisions file.
    pub const BATCH: u64 = 256 << 20;
}

/// Why a file could not be read. Shown as "PATH: REASON".
#[derive(Debug)]
pub enum ReadError {
    NotRegular {
        path: PathBuf,
        kind: &'static str,
    },
    TooLarge {
        path: PathBuf,
        limit: u64,
        what: &'static str,
    },
    // The OS error is part of the message and deliberately not a `source`:
    // `{:#}` would print it twice ("File exists (os error 17): File exists
    // (os error 17)").
    Io {
        path: PathBuf,
        source: io::Error,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path().display(), self.reason())
    }
}

impl std::error::Error for ReadError {}

/// For callers that speak `io::Error`: the kind is kept (NotFound stays
/// NotFound), the message is the whole located one.
impl From<ReadError> for io::Error {
    fn from(e: ReadError) -> io::Error {
        let kind = match &e {
            ReadError::NotRegular { .. } => io::ErrorKind::InvalidInput,
            ReadError::TooLarge { .. } => io::ErrorKind::FileTooLarge,
            ReadError::Io { source, .. } => source.kind(),
        };
        io::Error::new(kind, e.to_string())
    }
}

impl ReadError {
    /// The file that could not be read.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::NotRegular { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::Io { path, .. } => path,
        }
    }

    /// What is wrong, without the file's name.
    pub fn reason(&self) -> String {
        match self {
            ReadError::NotRegular { kind, .. } => {
                format!("not a regular file ({kind}); give a regular file")
            }
            ReadError::TooLarge { limit, what, .. } => {
                format!(
                    "larger than the limit of {} for {what}",
                    human_bytes(*limit)
                )
            }
            ReadError::Io { source, .. } => os_message(source),
        }
    }

    /// The underlying OS error kind, when there was one.
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            ReadError::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }
}

/// An OS error as a person reads it: "No such file or directory", without
/// the "(os error 2)" suffix that means nothing to them.
pub fn os_message(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
    }
}

/// `n` bytes as "4 MiB" or "900 bytes".
pub fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Opens `path` for reading if it is a regular file (after following
/// symlinks) no larger than `limit` bytes. A FIFO is never opened for
/// reading (which would block until a writer came); the file type is checked
/// again on the opened file, so a swap between check and open is caught.
pub fn open_regular(path: &Path, limit: u64, what: &'static str) -> Result<File, ReadError> {
    let io_err = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    check_meta(path, &meta, limit, what)?;
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO that appeared since the check must not block.
        opts.custom_flags(libc_o_nonblock());
    }
    let file = opts.open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    check_meta(path, &meta, limit, what)?;
    Ok(file)
}

#[cfg(target_os = "linux")]
fn libc_o_nonblock() -> i32 {
    0o4000
}
#[cfg(all(unix, not(target_os = "linux")))]
fn libc_o_nonblock() -> i32 {
    0x0004
}

fn check_meta(
    path: &Path,
    meta: &std::fs::Metadata,
    limit: u64,
    what: &'static str,
) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            kind: kind_of(&meta.file_type()),
        });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit,
            what,
        });
    }
    Ok(())
}

/// The bytes of `path`, a regular file of at most `limit` bytes (`what`
/// names the kind of file in the error: "a questionnaire"). A file that
/// grows past the limit while being read is refused too.
pub fn read_regular(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path, limit, what)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit,
            what,
        });
    }
    Ok(bytes)
}

/// [`read_regular`] for a text file that must be UTF-8; invalid UTF-8 is
/// located by line and column, not byte offset.
pub fn read_regular_string(
    path: &Path,
    limit: u64,
    what: &'static str,
) -> Result<String, ReadError> {
    let bytes = read_regular(path, limit, what)?;
    utf8_located(bytes).map_err(|msg| ReadError::Io {
        path: path.to_path_buf(),
        source: io::Error::new(io::ErrorKind::InvalidData, msg),
    })
}

/// `bytes` as a `String`, or "line L, column C: not valid UTF-8".
pub fn utf8_located(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, col) = line_col(bytes, at);
        format!("line {line}, column {col}: not valid UTF-8 (save the file as UTF-8)")
    })
}

/// 1-based line and column (in characters) of byte offset `at`.
pub fn line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_regular(dir.path(), 10, "a test file").unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
        assert!(e.to_string().contains(&dir.path().display().to_string()));
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_is_refused_not_read() {
        let e = read_regular(Path::new("/dev/zero"), 1 << 20, "a test file").unwrap_err();
        assert!(e.to_string().contains("character device"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return;
        }
        let e = read_regular(&fifo, 10, "a test file").unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
    }

    #[test]
    fn over_the_limit_is_refused_with_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big");
        std::fs::write(&f, vec![b'x'; 2048]).unwrap();
        let e = read_regular(&f, 1024, "a questionnaire").unwrap_err();
        assert!(e.to_string().contains("1 KiB"), "{e}");
        assert!(e.to_string().contains("a questionnaire"), "{e}");
        assert_eq!(read_regular(&f, 2048, "x").unwrap().len(), 2048);
    }

    #[test]
    fn os_errors_are_said_once_without_the_code() {
        let e = read_regular(Path::new("/nonexistent/x"), 10, "x").unwrap_err();
        assert_eq!(e.to_string(), "/nonexistent/x: No such file or directory");
    }

    #[test]
    fn invalid_utf8_is_located_by_line_and_column() {
        let bytes = b"a = 1\nb = \"x\xff\"\n".to_vec();
        let e = utf8_located(bytes).unwrap_err();
        assert!(e.starts_with("line 2, column 7"), "{e}");
    }
}
