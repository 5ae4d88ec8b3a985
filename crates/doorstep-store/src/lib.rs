//! The local SQLite store: the only copy of the day's work until it is
//! exported, so every write is durable before the call returns.
//!
//! One [`Store`] owns one connection. Every write runs in its own
//! `BEGIN IMMEDIATE` transaction (so the busy timeout applies to taking the
//! write lock, and a write never fails half-way for lock reasons), in WAL
//! mode with `synchronous=FULL` (a commit is on disk when it returns).
//! See `docs/store.md` for the schema and the reasons behind it.
//!
//! Besides the store, this crate holds what makes up the surveyor's data
//! directory: the config, the app lock, the export of the store to a batch,
//! the demo data and the simulated day.

mod answers;
pub mod app_lock;
pub mod at_rest;
mod batches;
pub mod bulk;
pub mod config;
pub mod decisions;
pub mod demo;
mod error;
pub mod export;
mod interviews;
mod notes;
mod questionnaires;
mod reports;
mod reserves;
mod residents;
mod schema;
pub mod simulate;
mod status;
mod visits;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use uuid::Uuid;

pub use answers::{AnswerHistoryEntry, Progress, SavedInterview, SavedPosition};
pub use batches::{BatchRow, BatchRows, BatchState, QuestionNote};
pub use error::StoreError;
pub use interviews::{InterviewRecord, InterviewStatus, NextInterview, UNNAMED_SURVEYOR};
pub use questionnaires::ActiveQuestionnaire;
pub use reports::DayCounts;
pub use reserves::ReserveRelease;
pub use residents::{MergeCounts, ResidentMerge, ResidentRow, walk_key};
pub use schema::SCHEMA_VERSION;
pub use status::StatusCounts;
pub use visits::{NewVisit, Visit};

pub use doorstep_core::assignment::status::ResidentStatus;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How to open a store. `Store::open` uses the defaults.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// How long a write waits for another connection to release the
    /// database before failing with [`StoreError::Locked`].
    pub busy_timeout: Duration,
    /// Open without write access (inspection; tests of the read-only path).
    pub read_only: bool,
    /// The password of an encrypted store (see [`at_rest`]); a new store
    /// opened with one is created encrypted. `None`: a plain store.
    pub password: Option<at_rest::StorePassword>,
    /// Visits without contact after which a non-contact is final and a
    /// hidden reserve of the resident's stratum is released (config
    /// `max_attempts`; see [`doorstep_core::assignment::reserves`]).
    pub attempt_limit: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            busy_timeout: Duration::from_secs(2),
            read_only: false,
            password: None,
            attempt_limit: doorstep_core::assignment::reserves::DEFAULT_MAX_ATTEMPTS,
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    device_id: Uuid,
    /// The derived key of an encrypted store, for [`Store::reopen`].
    key: Option<at_rest::StoreKey>,
    options: StoreOptions,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("device_id", &self.device_id)
            .finish()
    }
}

/// The database's file name inside a data directory.
pub const DATABASE_FILE: &str = "doorstep.sqlite3";

/// The database inside a data directory.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DATABASE_FILE)
}

impl Store {
    /// Opens (creating and migrating if needed) the database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Self::open_with(path, StoreOptions::default())
    }

    /// Opens `doorstep.sqlite3` inside a data directory.
    pub fn open_in_dir(data_dir: &Path) -> Result<Store> {
        Self::open(database_path(data_dir))
    }

    /// Opens (or creates) the encrypted store at `path` with `password`.
    pub fn open_encrypted(
        path: impl AsRef<Path>,
        password: at_rest::StorePassword,
    ) -> Result<Store> {
        Self::open_with(
            path,
            StoreOptions {
                password: Some(password),
                ..StoreOptions::default()
            },
        )
    }

    pub fn open_with(path: impl AsRef<Path>, mut options: StoreOptions) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let password = options.password.take();
        let key = match (at_rest::file_state(&path)?, password) {
            (at_rest::FileState::Encrypted, None) => return Err(StoreError::PasswordNeeded(path)),
            (at_rest::FileState::Encrypted, Some(p)) => {
                Some(at_rest::StoreKey::for_file(&path, &p)?)
            }
            (at_rest::FileState::Missing, Some(p)) => Some(at_rest::StoreKey::new_file(&p)?),
            (at_rest::FileState::Plain, Some(_)) => return Err(StoreError::NotEncrypted(path)),
            (at_rest::FileState::Unknown, _) => return Err(at_rest::not_a_store(&path)),
            (_, None) => None,
        };
        Self::open_keyed(path, options, key)
    }

    /// Another connection to the same store, with the same options and key
    /// (the key is not derived again).
    pub fn reopen(&self) -> Result<Store> {
        Self::open_keyed(self.path.clone(), self.options.clone(), self.key.clone())
    }

    /// Whether the store is encrypted at rest.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    fn open_keyed(
        path: PathBuf,
        options: StoreOptions,
        key: Option<at_rest::StoreKey>,
    ) -> Result<Store> {
        let flags = if options.read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| {
            match StoreError::from(e) {
                // A directory without write permission cannot hold the file.
                StoreError::CannotOpen(_) if !path.exists() && parent_read_only(&path) => {
                    StoreError::ReadOnly
                }
                other => other,
            }
        })?;
        if let Some(key) = &key {
            key.apply(&conn)?;
            at_rest::check_key(&conn, &path)?;
        }
        // SQLite quietly falls back to read-only when the file is not
        // writable; say so now rather than at the first lost save.
        if !options.read_only && conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(StoreError::ReadOnly);
        }
        // First, so that the pragmas below also wait for a busy database.
        conn.busy_timeout(options.busy_timeout)?;
        if !options.read_only {
            // WAL: a commit appends to the log and fsyncs it once, readers
            // never block the writer, and a killed process leaves the main
            // file untouched (the log is replayed or ignored on next open).
            let mode: String =
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Other(format!(
                    "{}: the database refused write-ahead logging (journal mode {mode})",
                    path.display()
                )));
            }
            // FULL: fsync the log on every commit, so a saved answer survives
            // a power cut too, not only a crash of doorstep.
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let migrations = schema::migrate(&conn, options.read_only)?;
        let device_id = schema::device_id(&conn)?;
        tracing::info!(
            path = %path.display(),
            schema_version = schema::SCHEMA_VERSION,
            migrations_applied = migrations,
            read_only = options.read_only,
            encrypted = key.is_some(),
            "store opened"
        );
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Store {
            conn,
            path,
            device_id,
            key,
            options,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This data directory's device id: made once, when the store was
    /// created, and recorded on every interview and visit.
    pub fn device_id(&self) -> Uuid {
        self.device_id
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check`: `["ok"]` when the file is sound.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The underlying connection, for diagnostics, exports and tests.
    /// Writing through it bypasses the store's bookkeeping.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction and commits: on
    /// return everything `f` wrote is durable, or nothing is.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

fn parent_read_only(path: &Path) -> bool {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .and_then(|p| std::fs::metadata(p).ok())
        .is_some_and(|m| m.permissions().readonly())
}

// ----- value encoding shared by the modules ---------------------------------

/// UTC time as stored: fixed-width RFC 3339, so text order is time order.
pub(crate) fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

pub(crate) fn local_ts(t: &NaiveDateTime) -> String {
    t.format(LOCAL_FORMAT).to_string()
}

/// A stored value that does not decode: the file was damaged or edited.
fn bad(what: &str, value: &str, err: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("stored {what} {value:?} cannot be read: {err}").into(),
    )
}

pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| bad("time", s, e))
}

pub(crate) fn parse_local_ts(s: &str) -> rusqlite::Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").map_err(|e| bad("time", s, e))
}

pub(crate) fn parse_uuid(s: &str) -> rusqlite::Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| bad("id", s, e))
}

pub(crate) fn parse_disposition(
    s: &str,
) -> rusqlite::Result<doorstep_core::assignment::Disposition> {
    doorstep_core::assignment::Disposition::from_code(s)
        .ok_or_else(|| bad("disposition", s, "unknown"))
}

/// Repeat instance as stored: -1 outside repeats (see the migration).
pub(crate) fn instance_to_sql(instance: Option<u32>) -> i64 {
    instance.map_or(-1, i64::from)
}

pub(crate) fn instance_from_sql(v: i64) -> Option<u32> {
    u32::try_from(v).ok()
}
