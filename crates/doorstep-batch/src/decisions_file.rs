//! The decisions file a supervisor hands over with the day's batches, and
//! that goes back to surveyors: `decisions-<supervisor>-<date>.json` with a
//! detached minisign signature (`.minisig`) made with the supervisor's own
//! key, so stock `minisign -Vm FILE -p SUPERVISOR.pub` verifies it.
//!
//! A signed file format like a batch, so it lives with the batch format:
//! the review writes it, the surveyor's `assign --decisions` and the
//! office's ingest read it, none of them through the other.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::fsutil::signature_path;
use crate::sign::{MinisignSignature, prehash, sign};
use crate::{SigningKey, TrustedKeys};

pub const FORMAT: &str = "doorstep-decisions";
pub const VERSION: u32 = 1;

/// A supervisor's decision on an interview, as the file and the
/// supervisor's store spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Approved,
    Rejected,
}

impl DecisionKind {
    pub fn code(self) -> &'static str {
        match self {
            DecisionKind::Approved => "approved",
            DecisionKind::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "approved" => Some(DecisionKind::Approved),
            "rejected" => Some(DecisionKind::Rejected),
            _ => None,
        }
    }
}

/// Batches missing from one device's sequence: neither in the folder nor
/// verified (a batch that fails verification leaves a gap too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceGap {
    pub surveyor_id: String,
    pub device_id: String,
    /// The missing sequence numbers.
    pub missing: Vec<u64>,
}

/// A batch handed over, as the supervisor received it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandedBatch {
    pub batch_id: String,
    pub surveyor_id: String,
    pub device_id: String,
    pub sequence: u64,
    pub file: String,
    /// SHA-256 of the data file, which was copied unchanged.
    pub sha256: String,
}

/// A batch left out of the hand-over because it failed verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedBatch {
    pub file: String,
    pub status: String,
}

/// An interview of a handed-over batch that a reopened copy (in another
/// batch of the hand-over) replaces: it is neither decided nor undecided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupersededInterview {
    pub interview_id: String,
    pub superseded_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileDecision {
    pub interview_id: String,
    pub batch_id: String,
    pub surveyor_id: String,
    pub decision: DecisionKind,
    pub comment: Option<String>,
    pub decided_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionsFile {
    pub format: String,
    pub version: u32,
    pub supervisor_id: String,
    pub date: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub batches: Vec<HandedBatch>,
    pub excluded_batches: Vec<ExcludedBatch>,
    /// Sorted by interview id.
    pub decisions: Vec<FileDecision>,
    /// Interviews of the handed-over batches with no decision yet.
    pub undecided: Vec<String>,
    /// Batches missing from a device's sequence, handed over without them
    /// (`--allow-gaps`). Absent in files written before: none known.
    #[serde(default)]
    pub gaps: Vec<SequenceGap>,
    /// Interviews replaced by a reopened copy. Absent in older files.
    #[serde(default)]
    pub superseded: Vec<SupersededInterview>,
}

impl DecisionsFile {
    pub fn file_name(&self) -> String {
        format!("decisions-{}-{}.json", self.supervisor_id, self.date)
    }

    pub fn approved(&self) -> impl Iterator<Item = &FileDecision> {
        self.decisions
            .iter()
            .filter(|d| d.decision == DecisionKind::Approved)
    }

    pub fn rejected(&self) -> impl Iterator<Item = &FileDecision> {
        self.decisions
            .iter()
            .filter(|d| d.decision == DecisionKind::Rejected)
    }

    /// Pretty JSON with a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("decisions serialise");
        v.push(b'\n');
        v
    }

    /// The file's bytes and its signature text.
    pub fn signed(&self, key: &SigningKey) -> (Vec<u8>, String) {
        let bytes = self.to_bytes();
        let comment = format!(
            "doorstep decisions supervisor:{} date:{} decisions:{}",
            self.supervisor_id,
            self.date,
            self.decisions.len()
        );
        let mut sig = sign(key, &bytes, &comment);
        // Not signed, but say what this is rather than "batch signature".
        sig.untrusted_comment = format!(
            "doorstep decisions signature, supervisor {}, key {}",
            key.surveyor_id, key.key_id
        );
        (bytes, sig.to_text())
    }
}

/// Why a decisions file is not accepted.
#[derive(Debug, thiserror::Error)]
pub enum DecisionsError {
    #[error("{path}: {what}")]
    Read { path: String, what: String },
    #[error(
        "{path}: the signature does not verify with the key of supervisor {supervisor}: {what}"
    )]
    BadSignature {
        path: String,
        supervisor: String,
        what: String,
    },
    #[error("{path}: no trusted key for supervisor {supervisor} in the keys folder")]
    UnknownSupervisor { path: String, supervisor: String },
}

fn read_err(path: &Path, what: impl std::fmt::Display) -> DecisionsError {
    DecisionsError::Read {
        path: path.display().to_string(),
        what: what.to_string(),
    }
}

/// Parses a decisions file without checking any signature.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<DecisionsFile, DecisionsError> {
    let f: DecisionsFile = serde_json::from_slice(bytes)
        .map_err(|e| read_err(path, format!("not a decisions file: {e}")))?;
    if f.format != FORMAT || f.version != VERSION {
        return Err(read_err(
            path,
            format!(
                "format {} version {} (this build reads {FORMAT} version {VERSION})",
                f.format, f.version
            ),
        ));
    }
    // The id names the file a supervisor writes and the key that checks it.
    crate::id::validate_id("supervisor id", &f.supervisor_id).map_err(|e| read_err(path, e))?;
    Ok(f)
}

/// Reads a decisions file and checks its `.minisig` against the trusted
/// key of the supervisor it names (whole file and trusted comment).
pub fn read_verified(path: &Path, keys: &TrustedKeys) -> Result<DecisionsFile, DecisionsError> {
    use doorstep_core::fs::{limits, read_regular};
    let bytes = read_regular(path, limits::BATCH, "a decisions file")
        .map_err(|e| read_err(path, e.reason()))?;
    let f = parse(path, &bytes)?;
    let sig_path = signature_path(path);
    let sig_bytes = read_regular(&sig_path, limits::SMALL_FILE, "a signature")
        .map_err(|e| read_err(path, format!("cannot read the signature {e}")))?;
    let bad = |what: &str| DecisionsError::BadSignature {
        path: path.display().to_string(),
        supervisor: f.supervisor_id.clone(),
        what: what.to_string(),
    };
    let sig = MinisignSignature::parse(&sig_bytes).map_err(|e| bad(&e))?;
    let key = keys
        .get(&f.supervisor_id)
        .ok_or_else(|| DecisionsError::UnknownSupervisor {
            path: path.display().to_string(),
            supervisor: f.supervisor_id.clone(),
        })?;
    if sig.key_id != key.key_id {
        return Err(bad(&format!(
            "signed with key {}, the supervisor's key is {}",
            sig.key_id, key.key_id
        )));
    }
    match sig.check(key, &prehash(&bytes)) {
        (true, true) => Ok(f),
        (false, _) => Err(bad("the file was changed after signing")),
        (true, false) => Err(bad("the trusted comment was changed after signing")),
    }
}
