//! From the store to a signed batch file: what `doorstep export` and the
//! app's day summary do.
//!
//! Order of operations (see `store::batches`): reserve the batch in the
//! store (sequence number and rows fixed), build its content from those
//! rows, write and sign the files atomically, then mark the batch written.
//! An interrupted export leaves a reserved batch that the next export
//! writes first, byte for byte the same.

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc;

use chrono::{Local, TimeZone, Utc};
use uuid::Uuid;

use crate::bulk::BulkInterview;
use crate::{BatchRow, InterviewStatus, QuestionNote, SavedInterview, Store, Visit};
use doorstep_batch::{
    BatchContent, BatchHeader, BatchInterview, BatchWriter, InterviewOutcome, QuestionnaireRef,
    SigningKey, VisitRecord, WrittenBatch, answer_key,
};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::{Interview, Slot};
use doorstep_core::questionnaire::{Questionnaire, load_str};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] crate::StoreError),
    #[error(transparent)]
    Batch(#[from] doorstep_batch::BatchError),
    #[error("{0}")]
    Other(String),
}

/// What an export did.
#[derive(Debug)]
pub enum Exported {
    Nothing,
    Batch {
        row: BatchRow,
        written: Box<WrittenBatch>,
    },
}

/// Writes the next batch (or finishes an interrupted one) into `out`.
pub fn export(
    store: &Store,
    key: &SigningKey,
    out: &Path,
    encrypt_to: &[age::x25519::Recipient],
) -> Result<Exported, ExportError> {
    let row = match store.pending_batch()? {
        Some(pending) => pending,
        None => match store.reserve_batch(&key.surveyor_id, Utc::now())? {
            Some(row) => row,
            None => return Ok(Exported::Nothing),
        },
    };
    let written = write(store, &row, key, out, encrypt_to)?;
    Ok(Exported::Batch {
        row,
        written: Box::new(written),
    })
}

/// Rewrites an earlier batch from the store (`export --again`).
pub fn export_again(
    store: &Store,
    batch_id: Uuid,
    key: &SigningKey,
    out: &Path,
    encrypt_to: &[age::x25519::Recipient],
) -> Result<Exported, ExportError> {
    let row = store
        .batch(batch_id)?
        .ok_or_else(|| ExportError::Other(format!("no batch {batch_id} in this store")))?;
    let written = write(store, &row, key, out, encrypt_to)?;
    Ok(Exported::Batch {
        row,
        written: Box::new(written),
    })
}

fn write(
    store: &Store,
    row: &BatchRow,
    key: &SigningKey,
    out: &Path,
    encrypt_to: &[age::x25519::Recipient],
) -> Result<WrittenBatch, ExportError> {
    if row.surveyor_id != key.surveyor_id {
        return Err(ExportError::Other(format!(
            "batch {} belongs to surveyor {}, but the key is surveyor {}'s",
            row.sequence, row.surveyor_id, key.surveyor_id
        )));
    }
    std::fs::create_dir_all(out)
        .map_err(|e| ExportError::Other(format!("{}: {e}", out.display())))?;
    let written = stream(store, row, key, out, encrypt_to)?;
    let file_name = written
        .data_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    store.mark_batch_written(
        row.id,
        &file_name,
        &written.sha256,
        &out.display().to_string(),
    )?;
    Ok(written)
}

/// Writes the batch as a stream: one interview is read from the store,
/// turned into its record and its line at a time, so memory stays flat
/// whatever the batch's size. The bytes are those of `content` written by
/// `write_batch` (tested).
///
/// Two threads share the work, in a pipeline: this one reads the store
/// (SQLite is bound to its connection: stepping, page decryption and
/// authentication, rows to values), the builder turns each interview into
/// its record (which answers are still relevant), its line, and writes it.
/// The interviews go over in order through a bounded queue, so the file's
/// bytes and memory stay as they were.
fn stream(
    store: &Store,
    row: &BatchRow,
    key: &SigningKey,
    out: &Path,
    encrypt_to: &[age::x25519::Recipient],
) -> Result<WrittenBatch, ExportError> {
    // One read transaction for all the reads: one snapshot.
    let _snapshot = ReadTransaction::begin(store)?;
    let records = Records::new(store, row)?;
    let mut visits: Vec<VisitRecord> = store
        .batch_visits(row.id)?
        .iter()
        .map(|v| records.visit(v))
        .collect();
    visits.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    let mut w = BatchWriter::create(out, records.header(Vec::new()), key, encrypt_to)?;
    for v in &visits {
        w.visit(v)?;
    }
    drop(visits);
    let (mut w, records) = std::thread::scope(|scope| {
        let (handoffs, received) = mpsc::sync_channel::<Vec<Handoff>>(QUEUE_DEPTH);
        let builder = scope.spawn(move || build_interviews(received, records, w));
        let read = read_interviews(store, row, handoffs);
        let built = builder
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // The builder's error comes first: it stopped at an interview
        // before any the reader could have failed at (the reader then
        // only saw the queue closed).
        let built = built?;
        read?;
        Ok::<_, ExportError>(built)
    })?;
    w.set_questionnaires(records.questionnaire_refs());
    Ok(w.finish()?)
}

/// How many interviews go over to the builder together (one hand-over
/// per interview would cost more in waking the other thread than the
/// work it hands over), and how many such groups may wait: the bound on
/// what the pipeline holds in memory.
const HANDOFF: usize = 32;
const QUEUE_DEPTH: usize = 4;

/// One interview as read, with its questionnaire's source the first time
/// that questionnaire comes up (the builder, which has no connection,
/// parses it).
struct Handoff {
    bulk: BulkInterview,
    questionnaire_source: Option<String>,
}

/// The reading side of `stream`: the batch's interviews, in file order,
/// handed over in groups of `HANDOFF`.
fn read_interviews(
    store: &Store,
    row: &BatchRow,
    handoffs: mpsc::SyncSender<Vec<Handoff>>,
) -> Result<(), ExportError> {
    // Only seen when the builder stopped on an error: that error is the
    // one reported.
    let stopped = || ExportError::Other("the export's builder stopped".to_string());
    // The questionnaires already handed over (a batch has one or a few).
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut group = Vec::with_capacity(HANDOFF);
    store.for_each_batch_interview(row.id, &mut |bulk: BulkInterview| {
        let r = &bulk.saved.record;
        let (id, version) = (&r.questionnaire_id, &r.questionnaire_version);
        let questionnaire_source = if seen.iter().any(|(i, v)| i == id && v == version) {
            None
        } else {
            let source = stored_questionnaire(store, id, version)?;
            seen.push((id.clone(), version.clone()));
            Some(source)
        };
        group.push(Handoff {
            bulk,
            questionnaire_source,
        });
        if group.len() == HANDOFF {
            let full = std::mem::replace(&mut group, Vec::with_capacity(HANDOFF));
            handoffs.send(full).map_err(|_| stopped())?;
        }
        Ok::<(), ExportError>(())
    })?;
    if !group.is_empty() {
        handoffs.send(group).map_err(|_| stopped())?;
    }
    Ok(())
}

/// The building side of `stream`: each interview's record, then its line
/// in the batch, as they come; gives the writer back for `finish`.
fn build_interviews<'k, 's>(
    received: mpsc::Receiver<Vec<Handoff>>,
    mut records: Records<'s>,
    mut w: BatchWriter<'k>,
) -> Result<(BatchWriter<'k>, Records<'s>), ExportError> {
    for group in received {
        for Handoff {
            bulk,
            questionnaire_source,
        } in group
        {
            if let Some(source) = questionnaire_source {
                records.add_questionnaire(&bulk.saved, &source)?;
            }
            let fields = bulk
                .resident
                .map(|x| x.expression_fields())
                .unwrap_or_default();
            let interview = records.interview(bulk.saved, &bulk.notes, fields)?;
            w.interview(&interview)?;
        }
    }
    Ok((w, records))
}

/// The batch's content, rebuilt from the store in a fixed order, in
/// memory (what `export` streams; tests compare the two).
pub fn content(store: &Store, row: &BatchRow) -> Result<BatchContent, ExportError> {
    let rows = store.batch_rows(row.id)?;
    let mut records = Records::new(store, row)?;
    let mut interviews = Vec::with_capacity(rows.interviews.len());
    let mut residents: HashMap<String, HashMap<String, String>> = HashMap::new();
    for (saved, notes) in &rows.interviews {
        let rid = &saved.record.resident_id;
        if !residents.contains_key(rid) {
            // The resident as the batch was reserved with: a later import
            // must not change which answers an earlier batch carries.
            let resident = match store.batch_resident(row.id, rid)? {
                Some(kept) => Some(kept),
                None => store.resident(rid)?,
            };
            let fields = resident.map(|x| x.expression_fields()).unwrap_or_default();
            residents.insert(rid.clone(), fields);
        }
        let r = &saved.record;
        if records.questionnaire_of(saved).is_none() {
            let source =
                stored_questionnaire(store, &r.questionnaire_id, &r.questionnaire_version)?;
            records.add_questionnaire(saved, &source)?;
        }
        interviews.push(records.interview(saved.clone(), notes, residents[rid].clone())?);
    }
    let visits = rows.visits.iter().map(|v| records.visit(v)).collect();
    let header = records.header(records.questionnaire_refs());
    Ok(BatchContent {
        batch_id: header.batch_id,
        surveyor_id: header.surveyor_id,
        device_id: header.device_id,
        sequence: header.sequence,
        created_at: header.created_at,
        questionnaires: header.questionnaires,
        visits,
        interviews,
    })
}

/// Turns a batch's rows into its records, keeping what several records
/// share (questionnaires, communities). It reads nothing from the store
/// once made, so that `stream` can run it on its builder thread.
struct Records<'s> {
    device_id: String,
    row: &'s BatchRow,
    communities: HashMap<String, String>,
    /// Each loaded questionnaire: id, version, itself, and the content
    /// hash its interviews were recorded under (one or a few a batch:
    /// found by comparison, with no key built per interview).
    questionnaires: Vec<(String, String, Questionnaire, String)>,
}

impl<'s> Records<'s> {
    fn new(store: &'s Store, row: &'s BatchRow) -> Result<Self, ExportError> {
        // Batches reserved before records carried communities are rebuilt
        // without them: their files must come out byte for byte the same.
        let communities = if row.communities {
            store.batch_communities(row.id)?
        } else {
            HashMap::new()
        };
        Ok(Records {
            device_id: store.device_id().to_string(),
            row,
            communities,
            questionnaires: Vec::new(),
        })
    }

    fn header(&self, questionnaires: Vec<QuestionnaireRef>) -> BatchHeader {
        BatchHeader {
            batch_id: self.row.id,
            surveyor_id: self.row.surveyor_id.clone(),
            device_id: self.device_id.clone(),
            sequence: self.row.sequence,
            created_at: self.row.created_at,
            questionnaires,
        }
    }

    /// The questionnaires of the interviews seen so far, by id and version.
    fn questionnaire_refs(&self) -> Vec<QuestionnaireRef> {
        let mut refs: Vec<QuestionnaireRef> = self
            .questionnaires
            .iter()
            .map(|(id, version, _, hash)| QuestionnaireRef {
                id: id.clone(),
                version: version.clone(),
                content_hash: hash.clone(),
            })
            .collect();
        refs.sort_by(|a, b| (&a.id, &a.version).cmp(&(&b.id, &b.version)));
        refs
    }

    /// `saved`'s questionnaire, if loaded (`add_questionnaire`).
    fn questionnaire_of(&self, saved: &SavedInterview) -> Option<&Questionnaire> {
        let r = &saved.record;
        self.questionnaires
            .iter()
            .find(|(id, version, ..)| {
                *id == r.questionnaire_id && *version == r.questionnaire_version
            })
            .map(|(_, _, q, _)| q)
    }

    /// Loads `saved`'s questionnaire from its stored `source`, with the
    /// content hash the interview was recorded under.
    fn add_questionnaire(
        &mut self,
        saved: &SavedInterview,
        source: &str,
    ) -> Result<(), ExportError> {
        let r = &saved.record;
        let q = load_str(
            source,
            &format!(
                "{} {} (stored)",
                r.questionnaire_id, r.questionnaire_version
            ),
        )
        .map_err(|e| ExportError::Other(e.to_string()))?;
        self.questionnaires.retain(|(id, version, ..)| {
            *id != r.questionnaire_id || *version != r.questionnaire_version
        });
        self.questionnaires.push((
            r.questionnaire_id.clone(),
            r.questionnaire_version.clone(),
            q,
            r.questionnaire_hash.clone(),
        ));
        Ok(())
    }

    /// The record of `saved`, whose questionnaire is loaded (taken: its
    /// answers, paradata and calculates move into the record rather than
    /// being copied).
    fn interview(
        &mut self,
        saved: SavedInterview,
        notes: &[QuestionNote],
        resident_fields: HashMap<String, String>,
    ) -> Result<BatchInterview, ExportError> {
        let r = &saved.record;
        let q = self.questionnaire_of(&saved).ok_or_else(|| {
            ExportError::Other(format!(
                "questionnaire {} {} was not loaded before its interviews",
                r.questionnaire_id, r.questionnaire_version
            ))
        })?;
        // Only the answers of questions still relevant make up the result.
        let answers = saved.answers.into_iter().filter_map(|(qid, inst, a)| {
            q.question_index(&qid).map(|question| {
                (
                    Slot {
                        question,
                        instance: inst,
                    },
                    a,
                )
            })
        });
        let added = saved
            .added_instances
            .iter()
            .filter_map(|(sid, n)| q.section_index(sid).map(|s| (s, *n)));
        let flow = Interview::restore(q, resident_fields, answers, added, None);
        let answers = flow
            .finished_answers()
            .into_iter()
            .map(|(slot, a)| (answer_key(&q.questions[slot.question].id, slot.instance), a))
            .collect();
        let disposition = r.disposition.unwrap_or(Disposition::Partial);
        let status = match (r.status, disposition) {
            (InterviewStatus::Completed, _) => InterviewOutcome::Completed,
            (_, Disposition::Partial) => InterviewOutcome::Partial,
            _ => InterviewOutcome::BrokenOff,
        };
        Ok(BatchInterview {
            id: r.id.to_string(),
            resident_id: r.resident_id.clone(),
            community: self.communities.get(&r.resident_id).cloned(),
            questionnaire_id: r.questionnaire_id.clone(),
            questionnaire_version: r.questionnaire_version.clone(),
            surveyor_id: r.surveyor_id.clone(),
            device_id: r.device_id.to_string(),
            started_at: r.started_at,
            ended_at: r.ended_at,
            status,
            disposition,
            answers,
            notes: notes
                .iter()
                .map(|(qid, inst, n)| (answer_key(qid, *inst), n.clone()))
                .collect(),
            // As saved with the answers (interviews recorded before values
            // were saved have none, so their batches keep their bytes).
            calculates: saved.calculates,
            paradata: saved.events,
        })
    }

    fn visit(&self, v: &Visit) -> VisitRecord {
        VisitRecord {
            // Unique across devices: the device that recorded it, and its row.
            id: format!("{}-{}", v.device_id, v.id),
            resident_id: v.resident_id.clone(),
            community: self.communities.get(&v.resident_id).cloned(),
            attempt: v.attempt,
            at: v.at,
            disposition: v.disposition,
            note: v.note.clone(),
            // Appointments are agreed in local time; the batch speaks UTC.
            appointment: v
                .appointment
                .and_then(|a| Local.from_local_datetime(&a).earliest())
                .map(|a| a.with_timezone(&Utc)),
            interview_id: v.interview_id.map(|i| i.to_string()),
        }
    }
}

/// The stored source of questionnaire `id` `version`.
fn stored_questionnaire(store: &Store, id: &str, version: &str) -> Result<String, ExportError> {
    store.questionnaire_source(id, version)?.ok_or_else(|| {
        ExportError::Other(format!(
            "questionnaire {id} {version} is missing from the store"
        ))
    })
}

/// A deferred (read) transaction, ended when dropped.
struct ReadTransaction<'s>(&'s Store);

impl<'s> ReadTransaction<'s> {
    fn begin(store: &'s Store) -> Result<Self, ExportError> {
        store
            .conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(crate::StoreError::from)?;
        Ok(ReadTransaction(store))
    }
}

impl Drop for ReadTransaction<'_> {
    fn drop(&mut self) {
        // Nothing was written: ending it cannot lose anything.
        let _ = self.0.conn.execute_batch("COMMIT");
    }
}
