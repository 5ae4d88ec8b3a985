//! The one place the office reads batches and decisions files through
//! doorstep-batch's and doorstep-review's APIs: finding them in the folders
//! given, verifying each (signature, checksum, manifest, every record's
//! surveyor = the signer, revocation) and handing back its records or the
//! reason it is refused. When doorstep-batch gains a streaming reader, only
//! this file changes.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use doorstep_batch::decisions_file::{self, DecisionsError, DecisionsFile};
use doorstep_batch::verify::{batch_files, verify_one_keeping};
use doorstep_batch::{BatchInterview, BatchStatus, BatchVerdict, Identities, VisitRecord};

use crate::keys::KeySet;

/// What the paths given to `ingest` hold.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Batch data files (`.jsonl`, `.jsonl.age`), sorted per folder.
    pub batches: Vec<PathBuf>,
    /// Supervisors' decisions files (`decisions-*.json`).
    pub decisions: Vec<PathBuf>,
}

/// Sorts the paths into batches and decisions files; folders are searched
/// recursively (hidden entries skipped, as `verify` does).
pub fn find_inputs(paths: &[PathBuf]) -> std::io::Result<Inputs> {
    let mut inputs = Inputs::default();
    for p in paths {
        if !p.exists() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{}: no such file or folder", p.display()),
            ));
        }
        if p.is_dir() {
            inputs.batches.extend(batch_files(std::slice::from_ref(p)));
            find_decisions(p, &mut inputs.decisions)?;
        } else if is_decisions_file(p) {
            inputs.decisions.push(p.clone());
        } else {
            inputs.batches.extend(batch_files(std::slice::from_ref(p)));
        }
    }
    inputs.decisions.sort();
    inputs.decisions.dedup();
    Ok(inputs)
}

fn is_decisions_file(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("decisions-") && n.ends_with(".json"))
}

fn find_decisions(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            find_decisions(&path, out)?;
        } else if is_decisions_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Hex SHA-256 of a file, read a piece at a time.
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    use sha2::Digest as _;
    let mut f = std::fs::File::open(path)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// A batch that verified, with its records.
#[derive(Debug)]
pub struct VerifiedBatch {
    pub path: PathBuf,
    pub sha256: String,
    pub batch_id: String,
    pub surveyor_id: String,
    pub device_id: String,
    pub sequence: u64,
    pub created_at: DateTime<Utc>,
    pub visits: Vec<VisitRecord>,
    pub interviews: Vec<BatchInterview>,
}

/// Why a file is refused; `kind` is a stable name (`tampered`,
/// `truncated`, `unknown_key`, `revoked_key`, `conflict`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub path: PathBuf,
    pub kind: &'static str,
    pub reason: String,
    pub sha256: Option<String>,
    pub batch_id: Option<String>,
}

fn status_kind(s: &BatchStatus) -> &'static str {
    match s {
        BatchStatus::Valid => "valid",
        BatchStatus::Tampered { .. } => "tampered",
        BatchStatus::Truncated { .. } => "truncated",
        BatchStatus::SignedByAnotherKey { .. } => "signed_by_another_key",
        BatchStatus::UnknownKey { .. } => "unknown_key",
        BatchStatus::Malformed { .. } => "malformed",
        BatchStatus::UnsupportedVersion { .. } => "unsupported_version",
    }
}

/// Verifies the batch at `path` against every generation of `keys` and
/// returns its records, or why it is refused.
pub fn read_batch(
    path: &Path,
    keys: &KeySet,
    identities: Option<&Identities>,
) -> Result<VerifiedBatch, Refusal> {
    let refuse = |v: &BatchVerdict, kind: &'static str, reason: String| Refusal {
        path: path.to_path_buf(),
        kind,
        reason,
        sha256: v.sha256.clone(),
        batch_id: v.batch_id.map(|b| b.to_string()),
    };
    if keys.is_empty() {
        return Err(Refusal {
            path: path.to_path_buf(),
            kind: "unknown_key",
            reason: "no trusted keys: add them with `office keys add FILE.pub` or give --keys DIR"
                .into(),
            sha256: None,
            batch_id: None,
        });
    }
    let mut first: Option<BatchVerdict> = None;
    let mut found = None;
    for (g, trusted) in keys.generations.iter().enumerate() {
        let v = verify_one_keeping(path, trusted, identities);
        if v.is_valid() {
            found = Some((g, v));
            break;
        }
        first.get_or_insert(v);
    }
    let Some((g, mut v)) = found else {
        let v = first.expect("at least one generation");
        let reason = v.status.to_string();
        return Err(refuse(&v, status_kind(&v.status), reason));
    };
    let surveyor = v.surveyor_id.clone().unwrap_or_default();
    let Some(parsed) = v.parsed.take() else {
        return Err(refuse(
            &v,
            "encrypted",
            "encrypted: the signature checks out but the content cannot be read; give \
             --identity FILE"
                .into(),
        ));
    };
    let created_at = parsed.manifest.created_at;
    if let Some(key_id) = keys.key_id(g, &surveyor)
        && let Some(from) = keys.revoked.get(&key_id)
        && created_at >= *from
    {
        return Err(refuse(
            &v,
            "revoked_key",
            format!(
                "signed with surveyor {surveyor}'s key {key_id}, revoked from {}; the batch was \
                 created {}",
                crate::time_text(*from),
                crate::time_text(created_at)
            ),
        ));
    }
    if let Some(i) = parsed.interviews.iter().find(|i| i.surveyor_id != surveyor) {
        return Err(refuse(
            &v,
            "surveyor_mismatch",
            format!(
                "interview {} names surveyor {} but the batch is signed by surveyor {surveyor}",
                i.id, i.surveyor_id
            ),
        ));
    }
    let parsed = *parsed;
    Ok(VerifiedBatch {
        path: path.to_path_buf(),
        sha256: v.sha256.clone().unwrap_or_default(),
        batch_id: parsed.manifest.batch_id.to_string(),
        surveyor_id: surveyor,
        device_id: parsed.manifest.device_id,
        sequence: parsed.manifest.sequence,
        created_at,
        visits: parsed.visits,
        interviews: parsed.interviews,
    })
}

/// Reads a decisions file and checks its signature against the
/// supervisors' keys (every generation).
pub fn read_decisions(path: &Path, keys: &KeySet) -> Result<DecisionsFile, Refusal> {
    let refuse = |kind: &'static str, e: &DecisionsError| Refusal {
        path: path.to_path_buf(),
        kind,
        reason: e.to_string(),
        sha256: file_sha256(path).ok(),
        batch_id: None,
    };
    let mut first = None;
    for trusted in &keys.generations {
        match decisions_file::read_verified(path, trusted) {
            Ok(f) => return Ok(f),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(match first {
        Some(e @ DecisionsError::BadSignature { .. }) => refuse("decisions_bad_signature", &e),
        Some(e @ DecisionsError::UnknownSupervisor { .. }) => refuse("decisions_unknown_key", &e),
        Some(e) => refuse("decisions_unreadable", &e),
        None => Refusal {
            path: path.to_path_buf(),
            kind: "decisions_unknown_key",
            reason: format!("{}: no trusted keys", path.display()),
            sha256: None,
            batch_id: None,
        },
    })
}
