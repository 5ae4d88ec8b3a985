//! The hand-over: the day's verified batches, copied unchanged to the
//! office's folder, with a signed decisions file naming every decision,
//! the batches left out and the batches missing.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use doorstep_batch::SigningKey;
use doorstep_batch::fsutil::{self, signature_path};
use doorstep_core::questionnaire::hex_sha256;
use doorstep_store::decisions::Decision;

use crate::inbox::Inbox;
use doorstep_batch::decisions_file::{
    DecisionsFile, ExcludedBatch, FORMAT, FileDecision, HandedBatch, SupersededInterview, VERSION,
};

/// What [`write_hand_over`] wrote.
#[derive(Debug)]
pub struct HandOver {
    pub file: DecisionsFile,
    /// The decisions file (its signature is beside it).
    pub path: PathBuf,
}

/// Copies the inbox's valid batches (and signatures) into `out`, checking
/// that what was copied is what was verified, then writes the decisions
/// file signed with `key`: signature first, data last (as batches are
/// written), so a reader that sees the decisions file also finds its
/// signature. `decisions` are the supervisor's stored decisions; those on
/// interviews outside the handed batches are left out. Whether invalid
/// batches or gaps may be handed over at all is the caller's choice: the
/// invalid ones are listed as excluded, the gaps named.
pub fn write_hand_over(
    inbox: &Inbox,
    out: &Path,
    supervisor_id: String,
    key: &SigningKey,
    decisions: Vec<Decision>,
    now: DateTime<Utc>,
) -> anyhow::Result<HandOver> {
    let invalid: Vec<_> = inbox.batches.iter().filter(|b| !b.is_valid()).collect();
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;

    let mut handed = Vec::new();
    let mut in_batches: BTreeSet<&str> = BTreeSet::new();
    for b in inbox.batches.iter().filter(|b| b.is_valid()) {
        let name = b
            .path
            .file_name()
            .context("batch file without a name")?
            .to_string_lossy()
            .to_string();
        for (from, to_name) in [
            (b.path.clone(), name.clone()),
            (signature_path(&b.path), format!("{name}.minisig")),
        ] {
            copy_unchanged(&from, &out.join(&to_name))?;
        }
        // What was copied must be what was verified.
        let copied = hex_sha256(&fs::read(out.join(&name))?);
        if copied != b.sha256 {
            bail!(
                "{} changed after it was verified: hand-over stopped",
                b.path.display()
            );
        }
        in_batches.extend(b.interview_ids.iter().map(String::as_str));
        handed.push(HandedBatch {
            batch_id: b.batch_id.clone().unwrap_or_default(),
            surveyor_id: b.surveyor_id.clone().unwrap_or_default(),
            device_id: b.device_id.clone().unwrap_or_default(),
            sequence: b.sequence.unwrap_or_default(),
            file: name,
            sha256: b.sha256.clone(),
        });
    }
    let decisions: Vec<FileDecision> = decisions
        .into_iter()
        .filter(|d| in_batches.contains(d.interview_id.as_str()))
        .map(|d| FileDecision {
            interview_id: d.interview_id,
            batch_id: d.batch_id,
            surveyor_id: d.surveyor_id,
            decision: d.decision,
            comment: d.comment,
            decided_at: d.decided_at,
        })
        .collect();
    let decided: BTreeSet<&str> = decisions.iter().map(|d| d.interview_id.as_str()).collect();
    let superseded: Vec<SupersededInterview> = inbox
        .superseded
        .iter()
        .filter(|i| in_batches.contains(i.id.as_str()))
        .map(|i| SupersededInterview {
            interview_id: i.id.clone(),
            superseded_by: i.superseded_by.clone().unwrap_or_default(),
        })
        .collect();
    let replaced: BTreeSet<&str> = superseded.iter().map(|s| s.interview_id.as_str()).collect();
    let file = DecisionsFile {
        format: FORMAT.into(),
        version: VERSION,
        supervisor_id,
        date: now.with_timezone(&chrono::Local).date_naive(),
        created_at: now,
        batches: handed,
        excluded_batches: invalid
            .iter()
            .map(|b| ExcludedBatch {
                file: b
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
                status: b.status.clone(),
            })
            .collect(),
        undecided: in_batches
            .iter()
            .filter(|i| !decided.contains(*i) && !replaced.contains(*i))
            .map(|i| i.to_string())
            .collect(),
        gaps: inbox.gaps.clone(),
        superseded,
        decisions,
    };
    let (bytes, sig) = file.signed(key);
    let path = out.join(file.file_name());
    // Signature first, data last (as batches are written): a reader that
    // sees the decisions file also finds its signature.
    write_atomic(&signature_path(&path), sig.as_bytes())?;
    write_atomic(&path, &bytes)?;
    Ok(HandOver { file, path })
}

/// Copies the bytes as they are; an existing identical file is fine (a
/// hand-over repeated), a different one is an error, never overwritten.
fn copy_unchanged(from: &Path, to: &Path) -> anyhow::Result<()> {
    let bytes = doorstep_core::fs::read_regular(from, doorstep_core::fs::limits::BATCH, "a batch")?;
    match fs::read(to) {
        Ok(existing) if existing == bytes => return Ok(()),
        Ok(_) => bail!(
            "{} already exists with other content: not replaced",
            to.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => bail!("cannot read {}: {e}", to.display()),
    }
    write_atomic(to, &bytes)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    fsutil::write_atomic(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
