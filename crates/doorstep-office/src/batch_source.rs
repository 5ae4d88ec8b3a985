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
use doorstep_core::lang::Lang;
use doorstep_core::msg;

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
    pub path: Box<Path>,
    pub kind: &'static str,
    pub reason: String,
    /// The same in Chinese, for the office app in zh (the parsers' and
    /// the system's own words stay English, as in `problem_text`).
    pub reason_zh: Box<str>,
    pub sha256: Option<String>,
    pub batch_id: Option<String>,
}

/// A reason in English and in Chinese.
pub(crate) fn both(text: impl Fn(Lang) -> String) -> (String, String) {
    (text(Lang::En), text(Lang::Zh))
}

/// A verification verdict in `lang`: its name, then what is wrong.
fn verdict_in(s: &BatchStatus, lang: Lang) -> String {
    match s.detail_in(lang) {
        Some(d) if !d.is_empty() => match lang {
            Lang::Zh => format!("{}：{d}", s.name(lang)),
            Lang::En => format!("{}: {d}", s.name(lang)),
        },
        _ => s.name(lang).to_string(),
    }
}

/// A quarantine kind (`Refusal::kind`) in `lang`.
pub fn kind_text(kind: &str, lang: Lang) -> String {
    let text = match kind {
        "conflict" => msg!(lang, OfKindConflict),
        "tampered" => msg!(lang, OfKindTampered),
        "truncated" => msg!(lang, OfKindTruncated),
        "unknown_key" => msg!(lang, OfKindUnknownKey),
        "revoked_key" => msg!(lang, OfKindRevokedKey),
        "malformed" => msg!(lang, OfKindMalformed),
        "signed_by_another_key" => msg!(lang, OfKindSignedByAnotherKey),
        "unsupported_version" => msg!(lang, OfKindUnsupportedVersion),
        "encrypted" => msg!(lang, OfKindEncrypted),
        "surveyor_mismatch" => msg!(lang, OfKindSurveyorMismatch),
        "decisions_bad_signature" => msg!(lang, OfKindDecisionsBadSignature),
        "decisions_unknown_key" => msg!(lang, OfKindDecisionsUnknownKey),
        "decisions_unreadable" => msg!(lang, OfKindDecisionsUnreadable),
        other => return other.replace('_', " "),
    };
    text.to_string()
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
    let refuse =
        |v: &BatchVerdict, kind: &'static str, (reason, reason_zh): (String, String)| Refusal {
            path: path.into(),
            kind,
            reason,
            reason_zh: reason_zh.into(),
            sha256: v.sha256.clone(),
            batch_id: v.batch_id.map(|b| b.to_string()),
        };
    if keys.is_empty() {
        return Err(Refusal {
            path: path.into(),
            kind: "unknown_key",
            reason: msg!(Lang::En, OfReasonNoTrustedKeys).into(),
            reason_zh: msg!(Lang::Zh, OfReasonNoTrustedKeys).into(),
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
        let reason = (v.status.to_string(), verdict_in(&v.status, Lang::Zh));
        return Err(refuse(&v, status_kind(&v.status), reason));
    };
    let surveyor = v.surveyor_id.clone().unwrap_or_default();
    let Some(parsed) = v.parsed.take() else {
        return Err(refuse(
            &v,
            "encrypted",
            both(|l| msg!(l, OfReasonEncrypted).into()),
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
            both(|l| {
                msg!(
                    l,
                    OfReasonRevoked,
                    surveyor = surveyor,
                    key = key_id,
                    from = crate::time_text(*from),
                    created = crate::time_text(created_at)
                )
            }),
        ));
    }
    if let Some(i) = parsed.interviews.iter().find(|i| i.surveyor_id != surveyor) {
        return Err(refuse(
            &v,
            "surveyor_mismatch",
            both(|l| {
                msg!(
                    l,
                    OfReasonSurveyorMismatch,
                    interview = i.id,
                    named = i.surveyor_id,
                    surveyor = surveyor
                )
            }),
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
    // The error's own words are English; Chinese names its kind.
    let refuse = |kind: &'static str, e: &DecisionsError| Refusal {
        path: path.into(),
        kind,
        reason: e.to_string(),
        reason_zh: kind_text(kind, Lang::Zh).into(),
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
            path: path.into(),
            kind: "decisions_unknown_key",
            reason: format!(
                "{}: {}",
                path.display(),
                msg!(Lang::En, OfReasonNoTrustedKeys)
            ),
            reason_zh: format!(
                "{}：{}",
                path.display(),
                msg!(Lang::Zh, OfReasonNoTrustedKeys)
            )
            .into(),
            sha256: None,
            batch_id: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind a refusal can have reads as words in both languages,
    /// none as its code.
    #[test]
    fn every_quarantine_kind_has_words() {
        let kinds = [
            "conflict",
            "tampered",
            "truncated",
            "unknown_key",
            "revoked_key",
            "malformed",
            "signed_by_another_key",
            "unsupported_version",
            "encrypted",
            "surveyor_mismatch",
            "decisions_bad_signature",
            "decisions_unknown_key",
            "decisions_unreadable",
        ];
        for kind in kinds {
            let zh = kind_text(kind, Lang::Zh);
            assert!(!zh.is_ascii(), "{kind}: {zh}");
        }
        assert_eq!(kind_text("something_new", Lang::Zh), "something new");
    }
}
