//! The store encrypted at rest: a lost laptop must not give away the names,
//! addresses, phone numbers and opinions of the residents on it.
//!
//! The database is SQLCipher (SQLite with every page, of the main file, the
//! write-ahead log and the journal, encrypted with AES-256 and
//! authenticated with HMAC-SHA512). SQLCipher is given a raw 256-bit key
//! that doorstep derives itself from the surveyor's password with scrypt
//! (N = 2^17, r = 8, p = 1: 128 MiB and about half a second, once per
//! start) and a random 16-byte salt. The salt is SQLCipher's own: the first
//! 16 bytes of the file, written when the store is created, so it travels
//! with the file and nothing else has to be kept.
//!
//! Why scrypt rather than SQLCipher's built-in PBKDF2-HMAC-SHA512: scrypt
//! is memory-hard (guessing passwords on a GPU costs memory, not only
//! time), which matters for passwords people type daily; it is already in
//! the build for minisign's key files, so it adds no crate (argon2id would
//! be as good, but one more KDF to build and audit).
//!
//! A store written by an older doorstep is plain SQLite. [`encrypt_plain`]
//! turns it into an encrypted one, [`change_password`] re-encrypts under a
//! new password; both write a complete copy next to the file and rename it
//! over the original, so a crash leaves the old file or the new one.

use std::fmt;
use std::fs::{self, File};
use std::io::Read as _;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use zeroize::Zeroizing;

use super::{Result, StoreError};

/// The first 16 bytes of every plain SQLite database.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";
const SALT_LEN: usize = 16;
const KEY_LEN: usize = 32;
/// scrypt cost: 2^17 x 128 x r bytes = 128 MiB (RustCrypto's and OWASP's
/// recommendation for interactive logins).
const SCRYPT_LOG_N: u8 = 17;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;

/// The scrypt cost in use: `SCRYPT_LOG_N`, except in the test suite's own
/// debug builds. There (feature `insecure-test-kdf`, which only the root
/// package's dev-dependencies turn on, and never in an optimised build)
/// it is 2^10 (1 MiB, about a millisecond): the suite derives some 400
/// keys, which at the real cost took about a third of `cargo test`.
/// `DOORSTEP_TEST_REAL_KDF=1` gives such a build the real cost (for the
/// tests that measure it). A store made at one cost opens only at that
/// cost: a test build's store is refused by a real one as a wrong password.
fn scrypt_log_n() -> u8 {
    #[cfg(all(feature = "insecure-test-kdf", debug_assertions))]
    if std::env::var_os("DOORSTEP_TEST_REAL_KDF").is_none_or(|v| v != "1") {
        return 10;
    }
    SCRYPT_LOG_N
}

/// Shortest password accepted for a new store or a new password.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// What a database file holds, from its first bytes (nothing is decrypted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// No file, or an empty one: a new store will be created.
    Missing,
    /// Plain SQLite, readable by anyone who has the file.
    Plain,
    /// A random-looking header (SQLCipher's salt): an encrypted store, or a
    /// file damaged past recognition (only the password can tell).
    Encrypted,
    /// Neither: an empty-ish or patterned header no salt would have (a
    /// file of text, zeros...). Opening it reports the file as damaged.
    Unknown,
}

/// Looks at the start of `path` to say how it must be opened.
pub fn file_state(path: &Path) -> Result<FileState> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(e) => return Err(StoreError::CannotOpen(format!("{}: {e}", path.display()))),
    };
    let mut head = [0u8; 16];
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(StoreError::CannotOpen(format!("{}: {e}", path.display()))),
        }
    }
    Ok(match got {
        0 => FileState::Missing,
        16 if &head == PLAIN_HEADER => FileState::Plain,
        // 16 random bytes with fewer than 8 distinct values: about one
        // salt in 10^10 (so never), but every file of text or zeros.
        16 if distinct(&head) >= 8 => FileState::Encrypted,
        _ => FileState::Unknown,
    })
}

fn distinct(bytes: &[u8]) -> usize {
    let mut seen = [false; 256];
    bytes
        .iter()
        .filter(|b| !std::mem::replace(&mut seen[**b as usize], true))
        .count()
}

/// The password a store is locked with. Kept only as long as needed and
/// wiped from memory when dropped; never printed.
#[derive(Clone)]
pub struct StorePassword(Zeroizing<String>);

impl StorePassword {
    /// A password given by the user: refused when empty.
    pub fn new(password: String) -> Result<StorePassword> {
        let password = Zeroizing::new(password);
        if password.is_empty() {
            return Err(StoreError::WeakPassword(
                "an empty password protects nothing: give the store a password".into(),
            ));
        }
        Ok(StorePassword(password))
    }

    /// For a new store or a new password: also long enough.
    pub fn new_for_store(password: String) -> Result<StorePassword> {
        let p = Self::new(password)?;
        if p.0.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::WeakPassword(format!(
                "the store password must have at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        Ok(p)
    }
}

impl PartialEq for StorePassword {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl fmt::Debug for StorePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StorePassword(..)")
    }
}

/// The derived key and the salt it was derived with: what SQLCipher is
/// given. Held by an open [`super::Store`] so that a second connection
/// (the app's background loader) does not pay the KDF again.
#[derive(Clone)]
pub(crate) struct StoreKey {
    key: Zeroizing<[u8; KEY_LEN]>,
    salt: [u8; SALT_LEN],
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

impl StoreKey {
    pub(crate) fn derive(password: &StorePassword, salt: [u8; SALT_LEN]) -> Result<StoreKey> {
        let params = scrypt::Params::new(scrypt_log_n(), SCRYPT_R, SCRYPT_P, KEY_LEN)
            .map_err(|e| StoreError::Other(format!("scrypt parameters: {e}")))?;
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        scrypt::scrypt(password.0.as_bytes(), &salt, &params, key.as_mut())
            .map_err(|e| StoreError::Other(format!("scrypt: {e}")))?;
        Ok(StoreKey { key, salt })
    }

    /// A key for a new file, with a fresh random salt.
    pub(crate) fn new_file(password: &StorePassword) -> Result<StoreKey> {
        let mut salt = [0u8; SALT_LEN];
        getrandom::fill(&mut salt)
            .map_err(|e| StoreError::Other(format!("no randomness for the salt: {e}")))?;
        Self::derive(password, salt)
    }

    /// The key for an existing encrypted file: its salt is its first 16
    /// bytes.
    pub(crate) fn for_file(path: &Path, password: &StorePassword) -> Result<StoreKey> {
        let mut salt = [0u8; SALT_LEN];
        File::open(path)
            .and_then(|mut f| f.read_exact(&mut salt))
            .map_err(|e| StoreError::CannotOpen(format!("{}: {e}", path.display())))?;
        Self::derive(password, salt)
    }

    /// SQLCipher's raw key with explicit salt: `x'<key hex><salt hex>'`.
    fn pragma_value(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(3 + 2 * (KEY_LEN + SALT_LEN)));
        s.push_str("x'");
        for b in self.key.iter().chain(self.salt.iter()) {
            s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            s.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
        }
        s.push('\'');
        s
    }

    /// Keys a fresh connection. Must come before anything reads the file.
    pub(crate) fn apply(&self, conn: &Connection) -> Result<()> {
        // SQLCipher would print its own lines on stderr for a wrong key
        // ("hmac check failed for pgno=1"); the error says it better.
        conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
        let value = self.pragma_value();
        // A quoted string, not a bound parameter: PRAGMA takes no parameters.
        let sql = Zeroizing::new(format!("PRAGMA key = \"{}\"", value.as_str()));
        conn.execute_batch(sql.as_str())?;
        Ok(())
    }

    /// `ATTACH` of a new encrypted file under this key.
    fn attach(&self, conn: &Connection, path: &Path, schema: &str) -> Result<()> {
        let value = self.pragma_value();
        let sql = Zeroizing::new(format!(
            "ATTACH DATABASE ?1 AS {schema} KEY \"{}\"",
            &*value
        ));
        conn.execute(sql.as_str(), [path_str(path)?])?;
        Ok(())
    }
}

/// A file neither SQLite nor SQLCipher could have written.
pub(crate) fn not_a_store(path: &Path) -> StoreError {
    StoreError::Corrupt(format!(
        "{} is neither an SQLite database nor an encrypted doorstep store",
        path.display()
    ))
}

fn path_str(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| {
        StoreError::CannotOpen(format!("{}: the path is not valid UTF-8", path.display()))
    })
}

/// Reads something with the key applied: a wrong key shows here, as SQLCipher
/// only decrypts (and authenticates) page 1 when it is first read.
pub(crate) fn check_key(conn: &Connection, path: &Path) -> Result<()> {
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(StoreError::WrongPassword(path.to_path_buf()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Encrypts the plain store at `path` under `password`, in place. Refused
/// when the file is already encrypted or missing. No other connection may
/// have the store open (the CLI holds the app lock).
pub fn encrypt_plain(path: &Path, password: &StorePassword) -> Result<()> {
    match file_state(path)? {
        FileState::Plain => {}
        FileState::Missing => return Err(StoreError::NotFound(path.display().to_string())),
        FileState::Unknown => return Err(not_a_store(path)),
        FileState::Encrypted => {
            return Err(StoreError::Other(format!(
                "{} is already encrypted (`doorstep store password` changes its password)",
                path.display()
            )));
        }
    }
    let conn = Connection::open(path)?;
    rewrite(conn, path, &StoreKey::new_file(password)?)
}

/// Re-encrypts the encrypted store at `path` under a new password (and a
/// new salt).
pub fn change_password(path: &Path, old: &StorePassword, new: &StorePassword) -> Result<()> {
    if file_state(path)? != FileState::Encrypted {
        return Err(StoreError::Other(format!(
            "{} is not encrypted: `doorstep store encrypt` encrypts it",
            path.display()
        )));
    }
    let old_key = StoreKey::for_file(path, old)?;
    let conn = Connection::open(path)?;
    old_key.apply(&conn)?;
    check_key(&conn, path)?;
    rewrite(conn, path, &StoreKey::new_file(new)?)
}

/// Copies everything `conn` (open on `path`) holds into a new file under
/// `key` and renames it over `path`.
fn rewrite(conn: Connection, path: &Path, key: &StoreKey) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(2))?;
    // Everything into the main file first, so the copy misses nothing and
    // no log is left for the new file to misread.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tmp = sibling(path, ".rewrite");
    remove_if_exists(&tmp)?;
    key.attach(&conn, &tmp, "rewritten")?;
    conn.query_row("SELECT sqlcipher_export('rewritten')", [], |_| Ok(()))?;
    conn.pragma_update(Some("rewritten"), "user_version", version)?;
    conn.execute_batch("DETACH DATABASE rewritten")?;
    // Closing the last connection checkpoints and removes the old log.
    conn.close().map_err(|(_, e)| StoreError::from(e))?;
    for log in [sibling(path, "-wal"), sibling(path, "-journal")] {
        if fs::metadata(&log).is_ok_and(|m| m.len() > 0) {
            remove_if_exists(&tmp)?;
            return Err(StoreError::Locked);
        }
        remove_if_exists(&log)?;
    }
    remove_if_exists(&sibling(path, "-shm"))?;
    File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::Other(format!("{}: {e}", tmp.display())))?;
    fs::rename(&tmp, path).map_err(|e| StoreError::Other(format!("{}: {e}", path.display())))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| StoreError::Other(format!("{}: {e}", dir.display())))?;
    }
    Ok(())
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::Other(format!("{}: {e}", path.display()))),
    }
}
