//! The city office: the resident register (the sampling frame, with its
//! history), ingestion of the supervisors' hand-overs (signed batches and
//! decisions files) into one database, keys, and the counts of it all.
//!
//! The store is behind [`db::Db`] (SQLite or PostgreSQL, one migrations
//! folder per backend; its module comment says how to write a query). Everything that reads batches goes through [`batch_source`],
//! the one module that knows doorstep-batch's reading API. Messages name
//! files, rows, columns and ids, never a resident's personal data.
//! Commands and files are described in `docs/office.md`.

pub mod batch_source;
pub mod db;
pub mod demo;
pub mod history;
pub mod ingest;
pub mod keys;
pub mod online;
pub mod orders;
pub mod register;
pub mod report;
pub mod sample;
pub mod scores;
pub mod settings;
pub mod status;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod views;

use std::path::PathBuf;

pub use db::{Backend, Db, DbSpec};

/// What can go wrong in the office store, with the file or the database it
/// concerns.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what}")]
    Db { what: String },
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Invalid(String),
}

/// A file refused by the shared bounded reader (not a regular file, too
/// large, unreadable): its message names the file and why.
impl From<doorstep_core::fs::ReadError> for OfficeError {
    fn from(e: doorstep_core::fs::ReadError) -> Self {
        OfficeError::Invalid(e.to_string())
    }
}

impl From<rusqlite::Error> for OfficeError {
    fn from(e: rusqlite::Error) -> Self {
        OfficeError::Db {
            what: format!("office database: {e}"),
        }
    }
}

/// The current instant as the store writes it (RFC 3339, UTC, ms).
pub(crate) fn now_text() -> String {
    time_text(chrono::Utc::now())
}

pub(crate) fn time_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
