//! Interviews: one per sitting with a resident, tied to the exact
//! questionnaire text and to this device.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::visits::{NewVisit, Visit, insert_visit, refresh_status, require_resident};
use super::{Result, Store, StoreError, parse_disposition, parse_ts, parse_uuid, ts};
use crate::assignment::Disposition;

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
        if status == InterviewStatus::InProgress {
            return Err(StoreError::Other(
                "finish_interview needs a final status (completed or abandoned)".into(),
            ));
        }
        self.write(|tx| {
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
                self.device_id,
                &resident_id,
                &NewVisit {
                    at: ended_at,
                    disposition,
                    note: None,
                    appointment: None,
                    interview_id: Some(id),
                },
            )
        })
    }
}
