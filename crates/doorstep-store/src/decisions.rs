//! Supervisor review in the store: the supervisor's decisions, and on the
//! surveyor's side the reopening of rejected interviews.
//!
//! A rejected interview is never modified: it belongs to a batch that
//! `export --again` must rewrite byte for byte, and that batch's content is
//! rebuilt from the interview's rows. Reopening copies the interview (its
//! current answers, added repeat instances, notes and paradata) into a new
//! interview in progress for the same resident, with a `resumed` paradata
//! event naming the original and the supervisor's comment. The copy has no
//! `exported_batch`, so once finished it goes out in the next batch, and
//! the event tells the office which interview it corrects.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::visits::refresh_status;
use super::{Result, Store, StoreError, parse_ts, parse_uuid, ts};
use doorstep_batch::format::REOPENED_FROM;

/// Approved or rejected: the decisions file's type (a signed format, in
/// the batch crate), named here too for the store's users.
pub use doorstep_batch::decisions_file::DecisionKind;

/// Whether a decision lacks the reason it needs: a rejection goes back to
/// the surveyor, who must be told why (a blank comment is no reason). The
/// one rule for the review app, `review --decide` and the store.
pub fn lacks_reason(decision: DecisionKind, comment: Option<&str>) -> bool {
    decision == DecisionKind::Rejected && comment.is_none_or(|c| c.trim().is_empty())
}

/// A supervisor's decision on one interview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub interview_id: String,
    pub batch_id: String,
    pub surveyor_id: String,
    pub decision: DecisionKind,
    pub comment: Option<String>,
    pub decided_at: DateTime<Utc>,
    pub supervisor_id: String,
}

fn decision_from_row(r: &Row<'_>) -> rusqlite::Result<Decision> {
    let code: String = r.get(3)?;
    let at: String = r.get(5)?;
    Ok(Decision {
        interview_id: r.get(0)?,
        batch_id: r.get(1)?,
        surveyor_id: r.get(2)?,
        decision: DecisionKind::from_code(&code).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                format!("unknown decision {code:?}").into(),
            )
        })?,
        comment: r.get(4)?,
        decided_at: parse_ts(&at)?,
        supervisor_id: r.get(6)?,
    })
}

const DECISION_COLUMNS: &str =
    "interview_id, batch_id, surveyor_id, decision, comment, decided_at, supervisor_id";

/// What reopening a rejected interview did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reopened {
    /// A copy was opened: the surveyor finishes it, the next export sends it.
    Opened { copy: Uuid },
    /// This interview was reopened before (the same decisions applied
    /// twice): nothing changed.
    Already { copy: Uuid },
}

/// The supervisor's word on a resident whose interview was reopened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReopenNote {
    pub interview_id: Uuid,
    pub original_id: Uuid,
    pub supervisor_id: String,
    pub comment: Option<String>,
    pub decided_at: DateTime<Utc>,
}

impl Store {
    /// Records (or replaces) the decision on an interview, durably. A
    /// rejection without a reason is refused (`lacks_reason`), nothing
    /// changed. A blank comment is no comment; a decision without one keeps
    /// the comment of an earlier decision of the same kind (approving again
    /// does not wipe what was said), while a changed decision drops the
    /// comment that explained the other one.
    pub fn record_decision(&self, d: &Decision) -> Result<()> {
        if lacks_reason(d.decision, d.comment.as_deref()) {
            return Err(StoreError::Other(format!(
                "interview {}: a rejection needs a reason (the surveyor sees it); nothing recorded",
                d.interview_id
            )));
        }
        let comment = d
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        self.write(|tx| {
            tx.execute(
                "INSERT INTO review_decisions (interview_id, batch_id, surveyor_id, decision,
                     comment, decided_at, supervisor_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (interview_id) DO UPDATE SET batch_id = excluded.batch_id,
                     surveyor_id = excluded.surveyor_id, decision = excluded.decision,
                     comment = CASE WHEN excluded.comment IS NULL
                                     AND review_decisions.decision = excluded.decision
                                THEN review_decisions.comment ELSE excluded.comment END,
                     decided_at = excluded.decided_at,
                     supervisor_id = excluded.supervisor_id",
                (
                    &d.interview_id,
                    &d.batch_id,
                    &d.surveyor_id,
                    d.decision.code(),
                    comment,
                    ts(&d.decided_at),
                    &d.supervisor_id,
                ),
            )?;
            Ok(())
        })?;
        // The comment stays out of the log: it may name the resident.
        tracing::info!(
            interview_id = %d.interview_id,
            batch_id = %d.batch_id,
            surveyor_id = %d.surveyor_id,
            decision = d.decision.code(),
            supervisor_id = %d.supervisor_id,
            "review decision"
        );
        Ok(())
    }

    pub fn decision(&self, interview_id: &str) -> Result<Option<Decision>> {
        let sql =
            format!("SELECT {DECISION_COLUMNS} FROM review_decisions WHERE interview_id = ?1");
        Ok(self
            .conn
            .query_row(&sql, [interview_id], decision_from_row)
            .optional()?)
    }

    /// SQLite's `data_version`: it changes when another connection (a
    /// `review --decide` while the app is open) commits to the store; a
    /// cheap check before reading the decisions again.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Every decision, by interview id.
    pub fn decisions(&self) -> Result<Vec<Decision>> {
        let sql = format!("SELECT {DECISION_COLUMNS} FROM review_decisions ORDER BY interview_id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], decision_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Reopens a rejected interview of this store as a copy in progress
    /// (see the module docs), in one transaction. `NotFound` when the
    /// interview is not in this store; an error when the resident already
    /// has an interview in progress (finish that one first).
    pub fn reopen_interview(
        &self,
        original: Uuid,
        supervisor_id: &str,
        comment: Option<&str>,
        decided_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Reopened> {
        let oid = original.to_string();
        self.write(|tx| {
            let done: Option<String> = tx
                .query_row(
                    "SELECT interview_id FROM reopened_interviews WHERE original_id = ?1",
                    [&oid],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(copy) = done {
                return Ok(Reopened::Already {
                    copy: parse_uuid(&copy)?,
                });
            }
            let rec = super::interviews::load_record(tx, original)?
                .ok_or_else(|| StoreError::NotFound(format!("interview {original}")))?;
            if rec.status == super::InterviewStatus::InProgress {
                return Err(StoreError::Other(format!(
                    "interview {original} is still in progress: it was never exported"
                )));
            }
            let busy: Option<String> = tx
                .query_row(
                    "SELECT id FROM interviews WHERE resident_id = ?1 AND status = 'in_progress'",
                    [&rec.resident_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(other) = busy {
                return Err(StoreError::InterviewInProgress {
                    resident_id: rec.resident_id.clone(),
                    interview_id: parse_uuid(&other)?,
                });
            }
            let copy = Uuid::now_v7();
            let cid = copy.to_string();
            // Same questionnaire text, surveyor and start; this device.
            tx.execute(
                "INSERT INTO interviews (id, resident_id, questionnaire_id, questionnaire_version,
                     questionnaire_hash, surveyor_id, device_id, started_at, status)
                 SELECT ?2, resident_id, questionnaire_id, questionnaire_version,
                     questionnaire_hash, surveyor_id, ?3, started_at, 'in_progress'
                 FROM interviews WHERE id = ?1",
                (&oid, &cid, self.device_id.to_string()),
            )?;
            // Current answers only, each with a fresh history row (the copy's
            // history starts from what was exported).
            let answers: Vec<(String, i64, String, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT a.question_id, a.instance, a.answer, h.at
                     FROM answers a JOIN answer_history h ON h.id = a.history_id
                     WHERE a.interview_id = ?1 ORDER BY a.history_id",
                )?;
                stmt.query_map([&oid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                    .collect::<rusqlite::Result<_>>()?
            };
            for (qid, inst, answer, at) in answers {
                tx.execute(
                    "INSERT INTO answer_history (interview_id, question_id, instance, answer, at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    (&cid, &qid, inst, &answer, &at),
                )?;
                let hid = tx.last_insert_rowid();
                tx.execute(
                    "INSERT INTO answers (interview_id, question_id, instance, answer, history_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    (&cid, &qid, inst, &answer, hid),
                )?;
            }
            tx.execute(
                "INSERT INTO added_instances (interview_id, section_id, count)
                 SELECT ?2, section_id, count FROM added_instances WHERE interview_id = ?1",
                (&oid, &cid),
            )?;
            tx.execute(
                "INSERT INTO calculates (interview_id, question_id, instance, value)
                 SELECT ?2, question_id, instance, value FROM calculates WHERE interview_id = ?1",
                (&oid, &cid),
            )?;
            tx.execute(
                "INSERT INTO question_notes (interview_id, question_id, instance, note, at)
                 SELECT ?2, question_id, instance, note, at FROM question_notes
                 WHERE interview_id = ?1",
                (&oid, &cid),
            )?;
            tx.execute(
                "INSERT INTO events (interview_id, at, kind, question_id, instance, detail)
                 SELECT ?2, at, kind, question_id, instance, detail FROM events
                 WHERE interview_id = ?1 ORDER BY id",
                (&oid, &cid),
            )?;
            let detail = match comment {
                Some(c) => format!("{REOPENED_FROM}{oid}: rejected by {supervisor_id}: {c}"),
                None => format!("{REOPENED_FROM}{oid}: rejected by {supervisor_id}"),
            };
            tx.execute(
                "INSERT INTO events (interview_id, at, kind, detail) VALUES (?1, ?2, 'resumed', ?3)",
                (&cid, ts(&now), &detail),
            )?;
            tx.execute(
                "INSERT INTO reopened_interviews (interview_id, original_id, resident_id,
                     supervisor_id, comment, decided_at, reopened_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                (
                    &cid,
                    &oid,
                    &rec.resident_id,
                    supervisor_id,
                    comment,
                    ts(&decided_at),
                    ts(&now),
                ),
            )?;
            refresh_status(tx, &rec.resident_id)?;
            Ok(Reopened::Opened { copy })
        })
    }

    /// The latest reopening for a resident, for the list to show the
    /// supervisor's comment next to the resident (`ResidentRow` unchanged).
    pub fn reopen_note(&self, resident_id: &str) -> Result<Option<ReopenNote>> {
        let row: Option<(String, String, String, Option<String>, String)> = self
            .conn
            .query_row(
                "SELECT interview_id, original_id, supervisor_id, comment, decided_at
                 FROM reopened_interviews WHERE resident_id = ?1
                 ORDER BY reopened_at DESC LIMIT 1",
                [resident_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        row.map(|(i, o, s, c, at)| {
            Ok(ReopenNote {
                interview_id: parse_uuid(&i)?,
                original_id: parse_uuid(&o)?,
                supervisor_id: s,
                comment: c,
                decided_at: parse_ts(&at)?,
            })
        })
        .transpose()
    }
}
