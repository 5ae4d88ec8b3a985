//! Signed batch files: how a surveyor's day of work leaves the laptop.
//!
//! A batch is a JSON Lines file (manifest, visits, interviews) with a
//! detached minisign signature that the stock `minisign -Vm FILE -p KEY.pub`
//! verifies, optionally age-encrypted (`.jsonl.age`, signature over the
//! encrypted bytes). The format is described in `docs/batch-format.md`.
//!
//! This crate never touches the store: the caller passes the records in
//! and marks them exported once `write_batch` has returned `Ok`.

pub mod calculates;
pub mod decisions_file;
mod digest;
pub mod format;
pub mod fsutil;
pub mod id;
pub mod keys;
pub mod problem_text;
pub mod sign;
pub mod verify;
pub mod write;

use std::path::{Path, PathBuf};

pub use calculates::KnownQuestionnaires;
pub use format::{
    BatchContent, BatchCounts, BatchHeader, BatchInterview, BatchLine, BatchManifest,
    ContentReader, InterviewOutcome, ParsedBatch, QuestionnaireRef, RecordLines, RecordProblem,
    VisitRecord, answer_key, batch_file_name, calculate_text, claimed_counts, parse_answer_key,
    parse_batch, recorded_calculates,
};
pub use keys::{GeneratedKey, KeyId, PublicKey, SigningKey, TrustedKeys, key_paths, keygen};
pub use verify::{
    BatchStatus, BatchVerdict, Disagreement, ManifestField, Problem, RecordKind, SequenceFinding,
    find_batch_files, verify_batches, verify_batches_checking, verify_batches_keeping,
    verify_streaming,
};
pub use write::{
    BatchWriter, Identities, WriteStep, WrittenBatch, decrypt_batch_file, parse_recipient,
    write_batch, write_batch_with_hook,
};

/// Errors of key handling and batch writing. Messages name the file and
/// what is wrong, and never include key material.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    // The OS error is in the message, not a `source` (which `{:#}` would
    // print a second time: "File exists (os error 17): File exists …").
    #[error("{}: {}", path.display(), doorstep_core::fs::os_message(error))]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Not a regular file, too large, or unreadable.
    #[error("{0}")]
    Read(#[from] doorstep_core::fs::ReadError),
    #[error("{}: {what}", path.display())]
    BadKeyFile { path: PathBuf, what: String },
    #[error(
        "{}: the secret key can be read by others (mode {mode:04o}); refusing to use it. \
         Fix with: chmod 600 {}",
        path.display(),
        path.display()
    )]
    KeyPermissions { path: PathBuf, mode: u32 },
    #[error("{}: {what}", path.display())]
    Password { path: PathBuf, what: String },
    #[error("{} already exists; refusing to replace a key (use --force to replace it)", path.display())]
    KeyExists { path: PathBuf },
    #[error("no trusted keys (SURVEYOR_ID.pub files) in {}", dir.display())]
    NoTrustedKeys { dir: PathBuf },
    #[error(
        "invalid {what} \"{id}\": use letters, digits, '.', '_' or '-' (at most 64, starting with a letter or digit)"
    )]
    InvalidId { what: String, id: String },
    #[error("invalid age recipient \"{recipient}\": {what}")]
    Recipient { recipient: String, what: String },
    #[error("cannot write batch: {0}")]
    InvalidContent(String),
    #[error("{0}")]
    Crypto(String),
}

impl BatchError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        BatchError::Io {
            path: path.to_path_buf(),
            error: source,
        }
    }
}
