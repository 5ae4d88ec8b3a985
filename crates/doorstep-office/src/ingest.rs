//! `office ingest`: batches and decisions files into the office database.
//!
//! Each batch is verified first (see [`crate::batch_source`]) and then
//! written in ONE transaction, so a batch is in whole or not at all, even
//! when the process is killed. Idempotency is the database's: the batch id,
//! the (device, sequence) pair and each interview id are unique keys.
//! The same batch again is "already ingested"; the same batch id, sequence
//! or interview id with other bytes is a conflict, quarantined for a person
//! to look at. A refused file is recorded in `quarantine` with its reason
//! (once per file, kind and content) and nothing of it is ingested.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use crate::params;
use doorstep_batch::{BatchInterview, Identities};
use serde::Serialize;

use crate::batch_source::{self, Inputs, Refusal, VerifiedBatch, both};
use crate::db::{ToValue, Value};
use crate::keys::KeySet;
use crate::{Db, OfficeError};
use doorstep_core::msg;

/// Every interview from a batch came from a door-to-door visit.
pub const HOME_VISIT: &str = "home_visit";

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Ingested {
        interviews: u64,
        visits: u64,
        /// Interviews already in from another batch, byte for byte.
        duplicates: u64,
    },
    /// A decisions file: how many decisions were new.
    DecisionsIngested {
        decisions: u64,
    },
    AlreadyIngested,
    Quarantined {
        kind: String,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileOutcome {
    pub file: PathBuf,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The run's result, in the order the files were taken.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    pub batches: Vec<FileOutcome>,
    pub decisions: Vec<FileOutcome>,
}

impl IngestReport {
    fn count(list: &[FileOutcome], f: impl Fn(&Outcome) -> bool) -> usize {
        list.iter().filter(|o| f(&o.outcome)).count()
    }
    pub fn ingested(&self) -> usize {
        Self::count(&self.batches, |o| matches!(o, Outcome::Ingested { .. }))
    }
    pub fn already(&self) -> usize {
        Self::count(&self.batches, |o| matches!(o, Outcome::AlreadyIngested))
    }
    pub fn quarantined(&self) -> usize {
        Self::count(&self.batches, |o| matches!(o, Outcome::Quarantined { .. }))
            + Self::count(&self.decisions, |o| {
                matches!(o, Outcome::Quarantined { .. })
            })
    }
    pub fn interviews(&self) -> u64 {
        self.batches
            .iter()
            .map(|o| match o.outcome {
                Outcome::Ingested { interviews, .. } => interviews,
                _ => 0,
            })
            .sum()
    }
}

/// Progress, for a bar: `done` of `total` files.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// Batches verified ahead of the one being written, at most.
const AHEAD: usize = 8;

/// A batch made ready off the writing thread.
enum Prepared {
    /// Its bytes are an ingested batch's.
    Known,
    Verified(Box<VerifiedBatch>),
    Refused(Refusal),
}

/// Hashes and verifies one batch; needs no database.
fn prepare(
    path: &Path,
    known: &HashSet<String>,
    keys: &KeySet,
    identities: Option<&Identities>,
) -> Result<Prepared, OfficeError> {
    // A file whose bytes are an ingested batch's was verified when it went
    // in: a second run over the same folder need not verify it again.
    let sha = batch_source::file_sha256(path).map_err(|e| io_err(path, e))?;
    if known.contains(&sha) {
        return Ok(Prepared::Known);
    }
    Ok(match batch_source::read_batch(path, keys, identities) {
        Ok(b) => Prepared::Verified(Box::new(b)),
        Err(r) => Prepared::Refused(r),
    })
}

/// Writes what `prepare` made ready.
fn commit_prepared(db: &mut Db, prepared: Prepared) -> Result<Outcome, OfficeError> {
    match prepared {
        Prepared::Known => Ok(Outcome::AlreadyIngested),
        Prepared::Refused(r) => quarantine(db, r),
        Prepared::Verified(b) => match write_batch(db, &b)? {
            Ok(outcome) => Ok(outcome),
            Err(refusal) => quarantine(db, refusal),
        },
    }
}

/// Ingests every batch, then every decisions file, of `inputs`.
///
/// Batches are hashed and verified on every core, at most [`AHEAD`] ahead
/// of the writer, and written one transaction each in the order given (so
/// which of two conflicting batches goes in is always the same): memory
/// holds a few batches, never the folder.
pub fn ingest(
    db: &mut Db,
    inputs: &Inputs,
    keys: &KeySet,
    identities: Option<&Identities>,
    progress: &mut dyn FnMut(Progress),
) -> Result<IngestReport, OfficeError> {
    let total = inputs.batches.len() + inputs.decisions.len();
    let mut report = IngestReport::default();
    let known: HashSet<String> = {
        db.query_map("SELECT sha256 FROM batches", [], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    let files = &inputs.batches;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(files.len().max(1));
    let next = AtomicUsize::new(0);
    // The index the writer waits for; workers stay within AHEAD of it.
    let gate = (Mutex::new(0usize), Condvar::new());
    let (tx, rx) = mpsc::channel::<(usize, Result<Prepared, OfficeError>)>();
    let mut result: Result<(), OfficeError> = Ok(());
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, gate, known) = (&next, &gate, &known);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    {
                        let mut written = gate.0.lock().unwrap_or_else(|e| e.into_inner());
                        while i >= *written + AHEAD {
                            written = gate.1.wait(written).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    let prepared = prepare(path, known, keys, identities);
                    if tx.send((i, prepared)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut expected = 0;
        for (i, prepared) in rx.iter() {
            pending.insert(i, prepared);
            while let Some(prepared) = pending.remove(&expected) {
                // After a database error the rest is drained, not written.
                if result.is_ok() {
                    match prepared.and_then(|p| commit_prepared(db, p)) {
                        Ok(outcome) => {
                            report.batches.push(FileOutcome {
                                file: files[expected].clone(),
                                outcome,
                            });
                            progress(Progress {
                                done: expected + 1,
                                total,
                            });
                        }
                        Err(e) => result = Err(e),
                    }
                }
                expected += 1;
                *gate.0.lock().unwrap_or_else(|e| e.into_inner()) = expected;
                gate.1.notify_all();
            }
        }
    });
    result?;
    for (i, path) in inputs.decisions.iter().enumerate() {
        let outcome = ingest_decisions(db, path, keys)?;
        report.decisions.push(FileOutcome {
            file: path.clone(),
            outcome,
        });
        progress(Progress {
            done: inputs.batches.len() + i + 1,
            total,
        });
    }
    Ok(report)
}

fn io_err(path: &Path, e: std::io::Error) -> OfficeError {
    OfficeError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// Verifies and ingests one batch.
pub fn ingest_batch(
    db: &mut Db,
    path: &Path,
    keys: &KeySet,
    identities: Option<&Identities>,
) -> Result<Outcome, OfficeError> {
    let sha = batch_source::file_sha256(path).map_err(|e| io_err(path, e))?;
    let known: Option<String> = db.query_opt(
        "SELECT batch_id FROM batches WHERE sha256 = ?1",
        params![sha],
        |r| r.get(0),
    )?;
    let known: HashSet<String> = known.map(|_| sha).into_iter().collect();
    let prepared = prepare(path, &known, keys, identities)?;
    commit_prepared(db, prepared)
}

fn quarantine(db: &mut Db, r: Refusal) -> Result<Outcome, OfficeError> {
    tracing::warn!(file = %r.path.display(), kind = r.kind, "file quarantined: {}", r.reason);
    db.execute(
        "INSERT INTO quarantine (file, kind, batch_id, sha256, reason, first_seen, reason_zh)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (file, kind, sha256) DO NOTHING",
        params![
            r.path.display().to_string(),
            r.kind,
            r.batch_id,
            r.sha256.clone().unwrap_or_default(),
            r.reason,
            crate::now_text(),
            &*r.reason_zh
        ],
    )?;
    Ok(Outcome::Quarantined {
        kind: r.kind.to_string(),
        reason: r.reason,
    })
}

/// Rows per multi-row INSERT (17 columns: well under either backend's
/// limit on placeholders).
const ROWS_PER_INSERT: usize = 100;

/// `(?1, ?2), (?3, ?4)` for `rows` rows of `cols` values.
fn rows_of_placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let marks: Vec<String> = (1..=cols).map(|c| format!("?{}", r * cols + c)).collect();
            format!("({})", marks.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn interview_hash(i: &BatchInterview) -> String {
    doorstep_core::questionnaire::hex_sha256(
        &serde_json::to_vec(i).expect("an interview serialises"),
    )
}

/// Writes a verified batch in one transaction. `Ok(Err(_))`: a conflict,
/// and the transaction was rolled back.
fn write_batch(db: &mut Db, b: &VerifiedBatch) -> Result<Result<Outcome, Refusal>, OfficeError> {
    let conflict = |(reason, reason_zh): (String, String)| Refusal {
        path: b.path.as_path().into(),
        kind: "conflict",
        reason,
        reason_zh: reason_zh.into(),
        sha256: Some(b.sha256.clone()),
        batch_id: Some(b.batch_id.clone()),
    };
    let tx = db.transaction()?;
    let inserted = tx.execute(
        "INSERT INTO batches (batch_id, sha256, surveyor_id, device_id, sequence, created_at,
                              file, visits, interviews, ingested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT DO NOTHING",
        params![
            b.batch_id,
            b.sha256,
            b.surveyor_id,
            b.device_id,
            b.sequence as i64,
            crate::time_text(b.created_at),
            b.path.display().to_string(),
            b.visits.len() as i64,
            b.interviews.len() as i64,
            crate::now_text()
        ],
    )?;
    if inserted == 0 {
        // Which key refused it says what it is.
        let same_id: Option<(String, String)> = tx.query_opt(
            "SELECT sha256, file FROM batches WHERE batch_id = ?1",
            params![b.batch_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        return Ok(match same_id {
            Some((sha, _)) if sha == b.sha256 => Ok(Outcome::AlreadyIngested),
            Some((_, file)) => Err(conflict(both(|l| {
                msg!(l, OfReasonBatchConflict, batch = b.batch_id, file = file)
            }))),
            None => {
                let (other, file): (String, String) = tx.query_row(
                    "SELECT batch_id, file FROM batches WHERE device_id = ?1 AND sequence = ?2",
                    params![b.device_id, b.sequence as i64],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Err(conflict(both(|l| {
                    msg!(
                        l,
                        OfReasonSequenceConflict,
                        device = b.device_id,
                        seq = b.sequence,
                        other = other,
                        file = file
                    )
                })))
            }
        });
    }
    // Interviews and visits go in as multi-row INSERTs (ROWS_PER_INSERT
    // rows a statement): one round trip per chunk, not per row, on
    // PostgreSQL. An interview already there is not RETURNed: then its
    // stored hash says duplicate (same bytes) or conflict.
    let mut duplicates = 0u64;
    for chunk in b.interviews.chunks(ROWS_PER_INSERT) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 17);
        let mut hashes = Vec::with_capacity(chunk.len());
        for i in chunk {
            let hash = interview_hash(i);
            let status = serde_json::to_value(i.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let notes = (!i.notes.is_empty())
                .then(|| serde_json::to_string(&i.notes).expect("notes serialise"));
            let row: &[&dyn ToValue] = params![
                i.id,
                b.batch_id,
                hash,
                HOME_VISIT,
                i.resident_id,
                i.community,
                i.surveyor_id,
                i.device_id,
                i.questionnaire_id,
                i.questionnaire_version,
                crate::time_text(i.started_at),
                i.ended_at.map(crate::time_text),
                status,
                i.disposition.code(),
                serde_json::to_string(&i.answers).expect("answers serialise"),
                notes,
                serde_json::to_string(&i.paradata).expect("paradata serialise"),
            ];
            values.extend(row.iter().map(|v| v.to_value()));
            hashes.push(hash);
        }
        let inserted: HashSet<String> = tx
            .query_map(
                &format!(
                    "INSERT INTO interviews (interview_id, batch_id, content_sha256, channel,
                         resident_id, community, surveyor_id, device_id, questionnaire_id,
                         questionnaire_version, started_at, ended_at, status, disposition,
                         answers, notes, paradata)
                     VALUES {}
                     ON CONFLICT (interview_id) DO NOTHING RETURNING interview_id",
                    rows_of_placeholders(chunk.len(), 17)
                ),
                values,
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        for (i, hash) in chunk.iter().zip(&hashes) {
            if inserted.contains(&i.id) {
                continue;
            }
            let theirs: String = tx.query_row(
                "SELECT content_sha256 FROM interviews WHERE interview_id = ?1",
                params![i.id],
                |r| r.get(0),
            )?;
            if theirs != *hash {
                drop(tx);
                return Ok(Err(conflict(both(|l| {
                    msg!(l, OfReasonInterviewConflict, interview = i.id)
                }))));
            }
            duplicates += 1;
        }
    }
    {
        let mut supersede = tx.prepare(
            "INSERT INTO supersessions (interview_id, superseded_by) VALUES (?1, ?2)
             ON CONFLICT (interview_id) DO NOTHING",
        )?;
        for i in &b.interviews {
            for old in i.replaced_ids() {
                supersede.execute(params![old, i.id])?;
            }
        }
    }
    for chunk in b.visits.chunks(ROWS_PER_INSERT) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 8);
        for v in chunk {
            let row: &[&dyn ToValue] = params![
                v.id,
                b.batch_id,
                v.resident_id,
                v.community,
                v.attempt,
                crate::time_text(v.at),
                v.disposition.code(),
                v.interview_id
            ];
            values.extend(row.iter().map(|v| v.to_value()));
        }
        tx.execute(
            &format!(
                "INSERT INTO visits (visit_id, batch_id, resident_id, community, attempt, at,
                                     disposition, interview_id)
                 VALUES {}
                 ON CONFLICT (visit_id) DO NOTHING",
                rows_of_placeholders(chunk.len(), 8)
            ),
            values,
        )?;
    }
    tx.commit()?;
    Ok(Ok(Outcome::Ingested {
        interviews: b.interviews.len() as u64 - duplicates,
        visits: b.visits.len() as u64,
        duplicates,
    }))
}

/// Verifies and ingests one decisions file in one transaction.
pub fn ingest_decisions(db: &mut Db, path: &Path, keys: &KeySet) -> Result<Outcome, OfficeError> {
    let sha = batch_source::file_sha256(path).map_err(|e| io_err(path, e))?;
    let known: Option<String> = db.query_opt(
        "SELECT file FROM decision_files WHERE sha256 = ?1",
        params![sha],
        |r| r.get(0),
    )?;
    if known.is_some() {
        return Ok(Outcome::AlreadyIngested);
    }
    let file = match batch_source::read_decisions(path, keys) {
        Ok(f) => f,
        Err(r) => return quarantine(db, r),
    };
    let tx = db.transaction()?;
    tx.execute(
        "INSERT INTO decision_files (sha256, file, supervisor_id, date, ingested_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        params![
            sha,
            path.display().to_string(),
            file.supervisor_id,
            file.date.to_string(),
            crate::now_text()
        ],
    )?;
    let mut n = 0u64;
    {
        let mut insert = tx.prepare(
            "INSERT INTO decisions (interview_id, decided_at, supervisor_id, decision, comment,
                                    file_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        )?;
        for d in &file.decisions {
            n += insert.execute(params![
                d.interview_id,
                crate::time_text(d.decided_at),
                file.supervisor_id,
                d.decision.code(),
                d.comment,
                sha
            ])? as u64;
        }
        let mut supersede = tx.prepare(
            "INSERT INTO supersessions (interview_id, superseded_by) VALUES (?1, ?2)
             ON CONFLICT (interview_id) DO NOTHING",
        )?;
        for s in &file.superseded {
            supersede.execute(params![s.interview_id, s.superseded_by])?;
        }
    }
    tx.commit()?;
    Ok(Outcome::DecisionsIngested { decisions: n })
}
