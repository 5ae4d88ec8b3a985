//! What went wrong, in terms a surveyor (or the UI on their behalf) can act
//! on. Every variant says whether saved work is safe and what to do next.

use rusqlite::ErrorCode;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the disk is full: the last change was NOT saved (everything saved before it is safe). \
         Free some disk space (do not delete doorstep's data directory), then try again"
    )]
    DiskFull,
    #[error(
        "doorstep's data directory is read-only: nothing can be saved. \
         Check the directory's permissions, or that the disk is not write-protected"
    )]
    ReadOnly,
    #[error(
        "another doorstep is using this data directory (the database is locked). \
         Close the other doorstep, then try again"
    )]
    Locked,
    #[error("cannot open the database: {0}. Check that the data directory exists and is writable")]
    CannotOpen(String),
    #[error(
        "the database is damaged ({0}). Stop, do not delete anything: copy the whole data \
         directory somewhere safe and contact your supervisor"
    )]
    Corrupt(String),
    #[error(
        "the database was written by a newer doorstep (schema version {found}; this one knows \
         up to {supported}). Install the newer doorstep to use it"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    #[error(
        "a different questionnaire with id {id:?} and version {version:?} is already stored; \
         give the new one a new version"
    )]
    QuestionnaireChanged { id: String, version: String },
    #[error("not found: {0}")]
    NotFound(String),
    #[error(
        "resident {resident_id} already has an interview in progress ({interview_id}); resume it \
         or finish it first"
    )]
    InterviewInProgress {
        resident_id: String,
        interview_id: Uuid,
    },
    #[error("interview {0} is finished and can no longer be changed")]
    InterviewFinished(Uuid),
    #[error(
        "records waiting for export were made by surveyor {}, not by {signer} whose key signs \
         this batch: nothing was exported. Export them with that surveyor's key",
        others.join(", ")
    )]
    OtherSurveyor { signer: String, others: Vec<String> },
    /// An id that cannot be recorded (a surveyor id like `../../evil`):
    /// ids end up in file names and signatures.
    #[error("{0}")]
    InvalidId(String),
    #[error("database error: {0}")]
    Other(String),
    /// A password that cannot protect the store (empty, too short).
    #[error("{0}")]
    WeakPassword(String),
    #[error(
        "the password does not unlock the store {}: it is wrong (or the file is not a doorstep \
         store). Nothing was changed; try again",
        .0.display()
    )]
    WrongPassword(std::path::PathBuf),
    #[error(
        "the store {} is encrypted: give its password (at the prompt, or in \
         DOORSTEP_STORE_PASSWORD for scripts)",
        .0.display()
    )]
    PasswordNeeded(std::path::PathBuf),
    #[error(
        "the store {} is not encrypted, so no password opens it: `doorstep store encrypt` \
         encrypts it",
        .0.display()
    )]
    NotEncrypted(std::path::PathBuf),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                ErrorCode::DiskFull => StoreError::DiskFull,
                ErrorCode::ReadOnly | ErrorCode::PermissionDenied => StoreError::ReadOnly,
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Locked,
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                    StoreError::Corrupt(e.to_string())
                }
                ErrorCode::CannotOpen => StoreError::CannotOpen(e.to_string()),
                ErrorCode::SystemIoFailure if is_enospc(&e) => StoreError::DiskFull,
                _ => StoreError::Other(e.to_string()),
            },
            // A stored value that does not decode: written by something else
            // or damaged.
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..) => StoreError::Corrupt(e.to_string()),
            _ => StoreError::Other(e.to_string()),
        }
    }
}

/// SQLite reports most ENOSPC as SQLITE_FULL, but a failed fsync or
/// truncate comes back as an I/O error; the OS error text still says so.
fn is_enospc(e: &rusqlite::Error) -> bool {
    let text = e.to_string().to_ascii_lowercase();
    text.contains("no space left") || text.contains("disk is full")
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Other(format!("answer encoding: {e}"))
    }
}
