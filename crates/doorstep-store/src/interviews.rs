//! Interviews: one per sitting with a resident, tied to the exact
//! questionnaire text and to this device.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::visits::{NewVisit, Visit, insert_visit, refresh_status, require_resident};
use super::{Result, Store, StoreError, parse_disposition, parse_ts, parse_uuid, ts};
use doorstep_core::assignment::Disposition;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterviewStatus {
    InProgress,
    Completed,
    Abandoned,
}

impl InterviewStatus {
    pub fn code(self) -> &'static str {
        match self {
            InterviewStatus::InProgress => "in_progress",
            InterviewStatus::Completed => "completed",
            InterviewStatus::Abandoned => "abandoned",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            InterviewStatus::InProgress,
            InterviewStatus::Completed,
            InterviewStatus::Abandoned,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InterviewRecord {
    pub id: Uuid,
    pub resident_id: String,
    pub questionnaire_id: String,
    pub questionnaire_version: String,
    pub questionnaire_hash: String,
    pub surveyor_id: String,
    pub device_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub status: InterviewStatus,
    pub disposition: Option<Disposition>,
    pub exported_batch: Option<String>,
}

pub(super) const INTERVIEW_COLUMNS: &str = "id, resident_id, questionnaire_id, questionnaire_version, \
     questionnaire_hash, surveyor_id, device_id, started_at, ended_at, status, disposition, \
     exported_batch";

pub(super) fn interview_from_row(r: &Row<'_>) -> rusqlite::Result<InterviewRecord> {
    let id: String = r.get(0)?;
    let device_id: String = r.get(6)?;
    let started_at: String = r.get(7)?;
    let ended_at: Option<String> = r.get(8)?;
    let status: String = r.get(9)?;
    let disposition: Option<String> = r.get(10)?;
    Ok(InterviewRecord {
        id: parse_uuid(&id)?,
        resident_id: r.get(1)?,
        questionnaire_id: r.get(2)?,
        questionnaire_version: r.get(3)?,
        questionnaire_hash: r.get(4)?,
        surveyor_id: r.get(5)?,
        device_id: parse_uuid(&device_id)?,
        started_at: parse_ts(&started_at)?,
        ended_at: ended_at.as_deref().map(parse_ts).transpose()?,
        status: InterviewStatus::from_code(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                9,
                rusqlite::types::Type::Text,
                format!("unknown interview status {status:?}").into(),
            )
        })?,
        disposition: disposition.as_deref().map(parse_disposition).transpose()?,
        exported_batch: r.get(11)?,
    })
}

pub(super) fn load_record(conn: &Connection, id: Uuid) -> Result<Option<InterviewRecord>> {
    let sql = format!("SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id.to_string()], interview_from_row)
        .optional()?)
}

/// Fails unless the interview exists and is still in progress: answers of
/// a finished (possibly exported) interview must not change behind the
/// supervisor's back.
pub(super) fn require_open(conn: &Connection, id: Uuid) -> Result<()> {
    let status: Option<String> = conn
        .prepare_cached("SELECT status FROM interviews WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    match status.as_deref() {
        None => Err(StoreError::NotFound(format!("interview {id}"))),
        Some("in_progress") => Ok(()),
        Some(_) => Err(StoreError::InterviewFinished(id)),
    }
}

/// The surveyor id recorded by versions of the app that let work start
/// before the surveyor's id was set. Such records are credited to the
/// surveyor whose key signs their batch (see `Store::reserve_batch`).
pub const UNNAMED_SURVEYOR: &str = "surveyor";

/// What opening a resident's interview does, decided from their interviews:
/// the surveyor's app asks the store rather than guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextInterview {
    /// No interview yet: start one.
    Start,
    /// One is in progress: resume it.
    Resume { id: Uuid, started_at: DateTime<Utc> },
    /// The last one ended as partial and is not exported yet: it resumes
    /// with its answers (the partial visit stays on record as a contact).
    ResumePartial { id: Uuid },
    /// The last one is finished (completed, broken off, refused, or a
    /// partial already exported): a second interview is a separate,
    /// confirmed choice.
    Another { last: Disposition },
}

fn open_interview(conn: &Connection, resident_id: &str) -> Result<Option<Uuid>> {
    let id: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM interviews WHERE resident_id = ?1 AND status = 'in_progress'
             ORDER BY started_at DESC LIMIT 1",
        )?
        .query_row([resident_id], |r| r.get(0))
        .optional()?;
    Ok(id.as_deref().map(parse_uuid).transpose()?)
}

impl Store {
    /// Starts an interview with a registered questionnaire. A resident has
    /// at most one interview in progress.
    pub fn start_interview(
        &self,
        resident_id: &str,
        questionnaire_id: &str,
        version: &str,
        surveyor_id: &str,
        started_at: DateTime<Utc>,
    ) -> Result<Uuid> {
        self.start_interview_with_id(
            Uuid::now_v7(),
            resident_id,
            questionnaire_id,
            version,
            surveyor_id,
            started_at,
        )
    }

    /// As [`Store::start_interview`], with the id chosen by the caller
    /// (simulations derive it from their seed so that runs repeat).
    pub fn start_interview_with_id(
        &self,
        id: Uuid,
        resident_id: &str,
        questionnaire_id: &str,
        version: &str,
        surveyor_id: &str,
        started_at: DateTime<Utc>,
    ) -> Result<Uuid> {
        // Checked here, where every interview starts (app, simulate, tests):
        // the id is later a key file's name and the batch signer's.
        doorstep_batch::id::validate_id("surveyor id", surveyor_id)
            .map_err(|e| StoreError::InvalidId(e.to_string()))?;
        self.write(|tx| {
            require_resident(tx, resident_id)?;
            if let Some(interview_id) = open_interview(tx, resident_id)? {
                return Err(StoreError::InterviewInProgress {
                    resident_id: resident_id.to_string(),
                    interview_id,
                });
            }
            let hash: String = tx
                .query_row(
                    "SELECT content_hash FROM questionnaires WHERE id = ?1 AND version = ?2",
                    (questionnaire_id, version),
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| {
                    StoreError::NotFound(format!(
                        "questionnaire {questionnaire_id} version {version}"
                    ))
                })?;
            tx.execute(
                "INSERT INTO interviews (id, resident_id, questionnaire_id, questionnaire_version,
                     questionnaire_hash, surveyor_id, device_id, started_at, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'in_progress')",
                (
                    id.to_string(),
                    resident_id,
                    questionnaire_id,
                    version,
                    hash,
                    surveyor_id,
                    self.device_id.to_string(),
                    ts(&started_at),
                ),
            )?;
            refresh_status(tx, resident_id)?;
            Ok(id)
        })
    }

    /// What opening this resident's interview should do (see [`NextInterview`]).
    pub fn next_interview(&self, resident_id: &str) -> Result<NextInterview> {
        if let Some(id) = open_interview(&self.conn, resident_id)? {
            let started_at = load_record(&self.conn, id)?.map_or_else(Utc::now, |r| r.started_at);
            return Ok(NextInterview::Resume { id, started_at });
        }
        let sql = format!(
            "SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE resident_id = ?1
             ORDER BY started_at DESC, id DESC LIMIT 1"
        );
        let last = self
            .conn
            .prepare_cached(&sql)?
            .query_row([resident_id], interview_from_row)
            .optional()?;
        Ok(match last {
            None => NextInterview::Start,
            Some(r) => match r.disposition.unwrap_or(Disposition::Partial) {
                Disposition::Partial if r.exported_batch.is_none() => {
                    NextInterview::ResumePartial { id: r.id }
                }
                last => NextInterview::Another { last },
            },
        })
    }

    /// Opens a partial interview again, with its answers, to go on with it.
    /// Only one not yet exported (an exported batch never changes); the
    /// visit that ended it stays, as the contact it was.
    pub fn resume_partial(&self, id: Uuid) -> Result<()> {
        self.write(|tx| {
            let rec = load_record(tx, id)?
                .ok_or_else(|| StoreError::NotFound(format!("interview {id}")))?;
            if rec.status != InterviewStatus::Abandoned
                || rec.disposition != Some(Disposition::Partial)
                || rec.exported_batch.is_some()
            {
                return Err(StoreError::InterviewFinished(id));
            }
            if let Some(interview_id) = open_interview(tx, &rec.resident_id)? {
                return Err(StoreError::InterviewInProgress {
                    resident_id: rec.resident_id,
                    interview_id,
                });
            }
            tx.execute(
                "UPDATE interviews SET status = 'in_progress', disposition = NULL, ended_at = NULL
                 WHERE id = ?1",
                [id.to_string()],
            )?;
            refresh_status(tx, &rec.resident_id)?;
            Ok(())
        })
    }

    /// Whether an interview holds nothing given by the resident: no answer
    /// and no note.
    pub fn interview_is_empty(&self, id: Uuid) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT NOT EXISTS (SELECT 1 FROM answers WHERE interview_id = ?1)
                    AND NOT EXISTS (SELECT 1 FROM question_notes WHERE interview_id = ?1)",
            )?
            .query_row([id.to_string()], |r| r.get(0))?)
    }

    /// Removes an interview started by mistake, leaving no trace: only one
    /// in progress, with no answer and no note, not a copy reopened by the
    /// supervisor and not a resumed partial (its visit names it). The resident's status goes back to what their visits
    /// say.
    pub fn discard_interview(&self, id: Uuid) -> Result<()> {
        self.write(|tx| {
            require_open(tx, id)?;
            let sid = id.to_string();
            let (empty, reopened): (bool, bool) = tx.query_row(
                "SELECT NOT EXISTS (SELECT 1 FROM answers WHERE interview_id = ?1)
                    AND NOT EXISTS (SELECT 1 FROM question_notes WHERE interview_id = ?1),
                        EXISTS (SELECT 1 FROM reopened_interviews WHERE interview_id = ?1)
                        OR EXISTS (SELECT 1 FROM visits WHERE interview_id = ?1)",
                [&sid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if !empty || reopened {
                return Err(StoreError::Other(format!(
                    "interview {id} holds answers, was sent back by the supervisor or has a visit: it cannot be discarded"
                )));
            }
            let resident_id: String = tx.query_row(
                "SELECT resident_id FROM interviews WHERE id = ?1",
                [&sid],
                |r| r.get(0),
            )?;
            for table in ["events", "answer_history", "added_instances"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE interview_id = ?1"),
                    [&sid],
                )?;
            }
            tx.execute("DELETE FROM interviews WHERE id = ?1", [&sid])?;
            refresh_status(tx, &resident_id)?;
            Ok(())
        })
    }

    /// The interview to resume at this door, if any.
    pub fn in_progress_interview(&self, resident_id: &str) -> Result<Option<Uuid>> {
        open_interview(&self.conn, resident_id)
    }

    pub fn interview(&self, id: Uuid) -> Result<Option<InterviewRecord>> {
        load_record(&self.conn, id)
    }

    /// A resident's interviews, oldest first.
    pub fn interviews_of(&self, resident_id: &str) -> Result<Vec<InterviewRecord>> {
        let sql = format!(
            "SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE resident_id = ?1 ORDER BY started_at, id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([resident_id], interview_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ends an interview (`Completed` or `Abandoned`), records the visit it
    /// amounts to and updates the resident's status, all in one transaction.
    pub fn finish_interview(
        &self,
        id: Uuid,
        status: InterviewStatus,
        disposition: Disposition,
        ended_at: DateTime<Utc>,
    ) -> Result<Visit> {
        self.write(|tx| {
            let visit = write_finish(tx, self.device_id, id, status, disposition, ended_at)?;
            super::reserves::release_due(tx, self.options.attempt_limit, &ended_at)?;
            Ok(visit)
        })
    }
}

/// Inside the caller's transaction: ends an interview, records the visit it
/// amounts to and updates the resident's status.
pub(super) fn write_finish(
    tx: &Connection,
    device_id: Uuid,
    id: Uuid,
    status: InterviewStatus,
    disposition: Disposition,
    ended_at: DateTime<Utc>,
) -> Result<Visit> {
    if status == InterviewStatus::InProgress {
        return Err(StoreError::Other(
            "finish_interview needs a final status (completed or abandoned)".into(),
        ));
    }
    require_open(tx, id)?;
    let resident_id: String = tx.query_row(
        "SELECT resident_id FROM interviews WHERE id = ?1",
        [id.to_string()],
        |r| r.get(0),
    )?;
    tx.execute(
        "UPDATE interviews SET status = ?2, disposition = ?3, ended_at = ?4 WHERE id = ?1",
        (
            id.to_string(),
            status.code(),
            disposition.code(),
            ts(&ended_at),
        ),
    )?;
    insert_visit(
        tx,
        device_id,
        &resident_id,
        &NewVisit {
            at: ended_at,
            disposition,
            note: None,
            appointment: None,
            interview_id: Some(id),
        },
    )
}
