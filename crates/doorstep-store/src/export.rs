//! From the store to a signed batch file: what `doorstep export` and the
//! app's day summary do.
//!
//! Order of operations (see `store::batches`): reserve the batch in the
//! store (sequence number and rows fixed), build its content from those
//! rows, write and sign the files atomically, then mark the batch written.
//! An interrupted export leaves a reserved batch that the next export
//! writes first, byte for byte the same.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{Local, TimeZone, Utc};
use uuid::Uuid;

use crate::{BatchRow, InterviewStatus, Store};
use doorstep_batch::{
    BatchContent, BatchInterview, InterviewOutcome, QuestionnaireRef, SigningKey, VisitRecord,
    WrittenBatch, answer_key, write_batch,
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
    let content = content(store, row)?;
    std::fs::create_dir_all(out)
        .map_err(|e| ExportError::Other(format!("{}: {e}", out.display())))?;
    let written = write_batch(out, &content, key, encrypt_to)?;
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

/// The batch's content, rebuilt from the store in a fixed order.
pub fn content(store: &Store, row: &BatchRow) -> Result<BatchContent, ExportError> {
    let rows = store.batch_rows(row.id)?;
    // Batches reserved before records carried communities are rebuilt
    // without them: their files must come out byte for byte the same.
    let communities = if row.communities {
        store.batch_communities(row.id)?
    } else {
        HashMap::new()
    };
    let mut questionnaires: BTreeMap<(String, String), (Questionnaire, String)> = BTreeMap::new();
    let mut residents: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut interviews = Vec::new();
    for (saved, notes) in &rows.interviews {
        let r = &saved.record;
        let qkey = (r.questionnaire_id.clone(), r.questionnaire_version.clone());
        if !questionnaires.contains_key(&qkey) {
            let source = store
                .questionnaire_source(&qkey.0, &qkey.1)?
                .ok_or_else(|| {
                    ExportError::Other(format!(
                        "questionnaire {} {} is missing from the store",
                        qkey.0, qkey.1
                    ))
                })?;
            let q = load_str(&source, &format!("{} {} (stored)", qkey.0, qkey.1))
                .map_err(|e| ExportError::Other(e.to_string()))?;
            questionnaires.insert(qkey.clone(), (q, r.questionnaire_hash.clone()));
        }
        let q = &questionnaires[&qkey].0;
        if !residents.contains_key(&r.resident_id) {
            // The resident as the batch was reserved with: a later import
            // must not change which answers an earlier batch carries.
            let resident = match store.batch_resident(row.id, &r.resident_id)? {
                Some(kept) => Some(kept),
                None => store.resident(&r.resident_id)?,
            };
            let fields = resident.map(|x| x.expression_fields()).unwrap_or_default();
            residents.insert(r.resident_id.clone(), fields);
        }
        // Only the answers of questions still relevant make up the result.
        let answers = saved.answers.iter().filter_map(|(qid, inst, a)| {
            q.question_index(qid).map(|question| {
                (
                    Slot {
                        question,
                        instance: *inst,
                    },
                    a.clone(),
                )
            })
        });
        let added = saved
            .added_instances
            .iter()
            .filter_map(|(sid, n)| q.section_index(sid).map(|s| (s, *n)));
        let flow = Interview::restore(q, residents[&r.resident_id].clone(), answers, added, None);
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
        interviews.push(BatchInterview {
            id: r.id.to_string(),
            resident_id: r.resident_id.clone(),
            community: communities.get(&r.resident_id).cloned(),
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
            paradata: saved.events.clone(),
        });
    }
    let visits = rows
        .visits
        .iter()
        .map(|v| VisitRecord {
            // Unique across devices: the device that recorded it, and its row.
            id: format!("{}-{}", v.device_id, v.id),
            resident_id: v.resident_id.clone(),
            community: communities.get(&v.resident_id).cloned(),
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
        })
        .collect();
    Ok(BatchContent {
        batch_id: row.id,
        surveyor_id: row.surveyor_id.clone(),
        device_id: store.device_id().to_string(),
        sequence: row.sequence,
        created_at: row.created_at,
        questionnaires: questionnaires
            .into_iter()
            .map(|((id, version), (_, hash))| QuestionnaireRef {
                id,
                version,
                content_hash: hash,
            })
            .collect(),
        visits,
        interviews,
    })
}
