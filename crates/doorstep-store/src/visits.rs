//! Visits: each knock on a door and its outcome, numbered per resident.

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

use super::{
    Result, Store, StoreError, local_ts, parse_disposition, parse_local_ts, parse_ts, parse_uuid,
    ts,
};
use doorstep_core::assignment::Disposition;
use doorstep_core::assignment::status::ResidentStatus;

#[derive(Debug, Clone, PartialEq)]
pub struct NewVisit {
    pub at: DateTime<Utc>,
    pub disposition: Disposition,
    pub note: Option<String>,
    /// The agreed time to come back (local wall-clock time).
    pub appointment: Option<NaiveDateTime>,
    /// The interview this visit belongs to, if one took place.
    pub interview_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub id: i64,
    pub resident_id: String,
    /// 1 for the first visit to this resident, then 2, 3, ...
    pub attempt: u32,
    pub at: DateTime<Utc>,
    pub disposition: Disposition,
    pub note: Option<String>,
    pub appointment: Option<NaiveDateTime>,
    pub interview_id: Option<Uuid>,
    pub device_id: Uuid,
    pub exported_batch: Option<String>,
}

pub(super) const VISIT_COLUMNS: &str = "id, resident_id, attempt, at, disposition, note, appointment, \
     interview_id, device_id, exported_batch";

pub(super) fn visit_from_row(r: &Row<'_>) -> rusqlite::Result<Visit> {
    let at: String = r.get(3)?;
    let disposition: String = r.get(4)?;
    let appointment: Option<String> = r.get(6)?;
    let interview_id: Option<String> = r.get(7)?;
    let device_id: String = r.get(8)?;
    Ok(Visit {
        id: r.get(0)?,
        resident_id: r.get(1)?,
        attempt: r.get(2)?,
        at: parse_ts(&at)?,
        disposition: parse_disposition(&disposition)?,
        note: r.get(5)?,
        appointment: appointment.as_deref().map(parse_local_ts).transpose()?,
        interview_id: interview_id.as_deref().map(parse_uuid).transpose()?,
        device_id: parse_uuid(&device_id)?,
        exported_batch: r.get(9)?,
    })
}

pub(super) fn require_resident(conn: &Connection, resident_id: &str) -> Result<()> {
    let known: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM residents WHERE resident_id = ?1)")?
        .query_row([resident_id], |r| r.get(0))?;
    if known {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("resident {resident_id}")))
    }
}

/// Appends a visit inside the caller's transaction and brings the
/// resident's status up to date with it.
pub(super) fn insert_visit(
    conn: &Connection,
    device_id: Uuid,
    resident_id: &str,
    v: &NewVisit,
) -> Result<Visit> {
    require_resident(conn, resident_id)?;
    let attempt: u32 = conn
        .prepare_cached("SELECT count(*) + 1 FROM visits WHERE resident_id = ?1")?
        .query_row([resident_id], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO visits (resident_id, attempt, at, disposition, note, appointment,
             interview_id, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute((
        resident_id,
        attempt,
        ts(&v.at),
        v.disposition.code(),
        &v.note,
        v.appointment.as_ref().map(local_ts),
        v.interview_id.map(|id| id.to_string()),
        device_id.to_string(),
    ))?;
    let id = conn.last_insert_rowid();
    refresh_status(conn, resident_id)?;
    Ok(Visit {
        id,
        resident_id: resident_id.to_string(),
        attempt,
        at: v.at,
        disposition: v.disposition,
        note: v.note.clone(),
        appointment: v.appointment,
        interview_id: v.interview_id,
        device_id,
        exported_batch: None,
    })
}

/// Recomputes the stored status of a resident from the latest visit and
/// any open interview. Called in the transaction that changed either.
pub(super) fn refresh_status(conn: &Connection, resident_id: &str) -> Result<ResidentStatus> {
    let latest: Option<(String, Option<String>)> = conn
        .prepare_cached(
            "SELECT disposition, appointment FROM visits WHERE resident_id = ?1
             ORDER BY attempt DESC LIMIT 1",
        )?
        .query_row([resident_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let in_progress: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM interviews
                            WHERE resident_id = ?1 AND status = 'in_progress')",
        )?
        .query_row([resident_id], |r| r.get(0))?;
    let (disposition, appointment) = match latest {
        Some((d, a)) => (Some(parse_disposition(&d)?), a),
        None => (None, None),
    };
    let status = ResidentStatus::decide(disposition, appointment.is_some(), in_progress);
    // Keep the appointment only while it is what the resident is waiting for.
    let appointment = appointment.filter(|_| {
        matches!(
            status,
            ResidentStatus::Appointment | ResidentStatus::InProgress
        )
    });
    conn.prepare_cached(
        "UPDATE residents SET status = ?2, appointment = ?3 WHERE resident_id = ?1",
    )?
    .execute((resident_id, status.code(), appointment))?;
    Ok(status)
}

impl Store {
    /// Records a visit; its attempt number is 1 + the visits before it.
    pub fn record_visit(&self, resident_id: &str, visit: NewVisit) -> Result<Visit> {
        self.write(|tx| {
            if let Some(interview_id) = visit.interview_id {
                let owner: Option<String> = tx
                    .query_row(
                        "SELECT resident_id FROM interviews WHERE id = ?1",
                        [interview_id.to_string()],
                        |r| r.get(0),
                    )
                    .optional()?;
                if owner.as_deref() != Some(resident_id) {
                    return Err(StoreError::NotFound(format!(
                        "interview {interview_id} of resident {resident_id}"
                    )));
                }
            }
            let visit = insert_visit(tx, self.device_id, resident_id, &visit)?;
            super::reserves::release_due(tx, self.options.attempt_limit, &visit.at)?;
            Ok(visit)
        })
    }

    /// A resident's visits, oldest first.
    pub fn visits(&self, resident_id: &str) -> Result<Vec<Visit>> {
        let sql =
            format!("SELECT {VISIT_COLUMNS} FROM visits WHERE resident_id = ?1 ORDER BY attempt");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([resident_id], visit_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
