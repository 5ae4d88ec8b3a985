//! Export bookkeeping: reserving a batch (its sequence number and its
//! rows), reading its contents back in a fixed order, marking it written.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use uuid::Uuid;

use super::answers::SavedInterview;
use super::interviews::{INTERVIEW_COLUMNS, UNNAMED_SURVEYOR, interview_from_row};
use super::residents::resident_from_row;
use super::visits::{VISIT_COLUMNS, visit_from_row};
use super::{Result, Store, StoreError, parse_ts, parse_uuid, ts};
use crate::Visit;
use doorstep_core::assignment::Resident;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchState {
    Pending,
    Written,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub id: Uuid,
    pub sequence: u64,
    pub surveyor_id: String,
    pub created_at: DateTime<Utc>,
    pub state: BatchState,
    pub file_name: Option<String>,
    pub sha256: Option<String>,
    pub written_to: Option<String>,
    /// Whether the batch's records carry their residents' communities:
    /// false for batches reserved before schema 5, whose files have none
    /// (and must be rewritten without them).
    pub communities: bool,
}

/// A note on a question: (question id, repeat instance, note).
pub type QuestionNote = (String, Option<u32>, String);

/// What a batch carries: its visits, and its finished interviews with their
/// notes, in a fixed order.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRows {
    pub visits: Vec<Visit>,
    pub interviews: Vec<(SavedInterview, Vec<QuestionNote>)>,
}

const BATCH_COLUMNS: &str =
    "id, sequence, surveyor_id, created_at, state, file_name, sha256, written_to, communities";

fn batch_from_row(r: &Row<'_>) -> rusqlite::Result<BatchRow> {
    let id: String = r.get(0)?;
    let created: String = r.get(3)?;
    let state: String = r.get(4)?;
    Ok(BatchRow {
        id: parse_uuid(&id)?,
        sequence: r.get::<_, i64>(1)?.unsigned_abs(),
        surveyor_id: r.get(2)?,
        created_at: parse_ts(&created)?,
        state: if state == "written" {
            BatchState::Written
        } else {
            BatchState::Pending
        },
        file_name: r.get(5)?,
        sha256: r.get(6)?,
        written_to: r.get(7)?,
        communities: r.get::<_, i64>(8)? != 0,
    })
}

impl Store {
    /// The batch reserved but not yet written, if an export was interrupted.
    pub fn pending_batch(&self) -> Result<Option<BatchRow>> {
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM batches WHERE state = 'pending' ORDER BY sequence LIMIT 1"
        );
        Ok(self.conn.query_row(&sql, [], batch_from_row).optional()?)
    }

    pub fn batch(&self, id: Uuid) -> Result<Option<BatchRow>> {
        let sql = format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = ?1");
        Ok(self
            .conn
            .query_row(&sql, [id.to_string()], batch_from_row)
            .optional()?)
    }

    /// Every batch of this device, by sequence.
    pub fn batches(&self) -> Result<Vec<BatchRow>> {
        let sql = format!("SELECT {BATCH_COLUMNS} FROM batches ORDER BY sequence");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], batch_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Reserves a batch for everything finished and not yet exported: the
    /// next sequence number, and those rows, in one transaction. `None`
    /// when there is nothing to export. Interviews recorded under
    /// [`UNNAMED_SURVEYOR`] are credited to `surveyor_id`, the signer;
    /// `OtherSurveyor` (nothing reserved) if any names another surveyor.
    pub fn reserve_batch(
        &self,
        surveyor_id: &str,
        created_at: DateTime<Utc>,
    ) -> Result<Option<BatchRow>> {
        self.write(|tx| {
            if tx
                .query_row("SELECT 1 FROM batches WHERE state = 'pending'", [], |_| Ok(()))
                .optional()?
                .is_some()
            {
                return Err(StoreError::Other(
                    "an earlier export was interrupted: write that batch first".into(),
                ));
            }
            let waiting: i64 = tx.query_row(
                "SELECT (SELECT count(*) FROM interviews WHERE status <> 'in_progress' AND exported_batch IS NULL)
                      + (SELECT count(*) FROM visits WHERE exported_batch IS NULL
                           AND (interview_id IS NULL OR interview_id IN
                                (SELECT id FROM interviews WHERE status <> 'in_progress')))",
                [],
                |r| r.get(0),
            )?;
            if waiting == 0 {
                return Ok(None);
            }
            // Records carry the id of the surveyor whose key signs them.
            // Work recorded before the surveyor's id was set (the unnamed
            // placeholder) is credited to the signer; work of another named
            // surveyor is never signed by this key.
            let others: Vec<String> = tx
                .prepare(
                    "SELECT DISTINCT surveyor_id FROM interviews
                     WHERE status <> 'in_progress' AND exported_batch IS NULL
                       AND surveyor_id NOT IN (?1, ?2, '')
                     ORDER BY surveyor_id",
                )?
                .query_map((surveyor_id, UNNAMED_SURVEYOR), |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if !others.is_empty() {
                return Err(StoreError::OtherSurveyor {
                    signer: surveyor_id.to_string(),
                    others,
                });
            }
            tx.execute(
                "UPDATE interviews SET surveyor_id = ?1
                 WHERE status <> 'in_progress' AND exported_batch IS NULL
                   AND surveyor_id IN (?2, '')",
                (surveyor_id, UNNAMED_SURVEYOR),
            )?;
            let sequence: i64 = tx.query_row("SELECT coalesce(max(sequence), 0) + 1 FROM batches", [], |r| r.get(0))?;
            let id = Uuid::now_v7();
            let sid = id.to_string();
            tx.execute(
                "INSERT INTO batches (id, sequence, surveyor_id, created_at, state, communities) VALUES (?1, ?2, ?3, ?4, 'pending', 1)",
                (&sid, sequence, surveyor_id, ts(&created_at)),
            )?;
            tx.execute(
                "UPDATE interviews SET exported_batch = ?1 WHERE status <> 'in_progress' AND exported_batch IS NULL",
                [&sid],
            )?;
            tx.execute(
                "UPDATE visits SET exported_batch = ?1 WHERE exported_batch IS NULL
                   AND (interview_id IS NULL OR interview_id IN
                        (SELECT id FROM interviews WHERE exported_batch = ?1))",
                [&sid],
            )?;
            // The residents' communities as they are now: what the batch
            // carries, also when it is rewritten after a later import.
            tx.execute(
                "INSERT INTO batch_communities (batch_id, resident_id, community)
                 SELECT ?1, resident_id, community FROM residents
                 WHERE community IS NOT NULL AND community <> '' AND resident_id IN
                       (SELECT resident_id FROM visits WHERE exported_batch = ?1
                        UNION SELECT resident_id FROM interviews WHERE exported_batch = ?1)",
                [&sid],
            )?;
            // And the interviewed residents' fields, which skip logic may
            // read: the answers the batch carries must not change with them.
            tx.execute(
                "INSERT INTO batch_residents (batch_id, resident_id, name, address, community,
                     grid, building, unit, room, phone, attributes)
                 SELECT ?1, resident_id, name, address, community, grid, building, unit, room,
                        phone, attributes FROM residents
                 WHERE resident_id IN (SELECT resident_id FROM interviews WHERE exported_batch = ?1)",
                [&sid],
            )?;
            let sql = format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = ?1");
            Ok(Some(tx.query_row(&sql, [&sid], batch_from_row)?))
        })
    }

    /// The rows of a batch, in the order its file lists them.
    pub fn batch_rows(&self, id: Uuid) -> Result<BatchRows> {
        let sid = id.to_string();
        let sql =
            format!("SELECT {VISIT_COLUMNS} FROM visits WHERE exported_batch = ?1 ORDER BY at, id");
        let mut stmt = self.conn.prepare(&sql)?;
        let visits = stmt
            .query_map([&sid], visit_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let sql = format!(
            "SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE exported_batch = ?1 ORDER BY started_at, id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let records = stmt
            .query_map([&sid], interview_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut interviews = Vec::with_capacity(records.len());
        for r in records {
            let saved = self.load_interview(r.id)?;
            let notes = self.notes(r.id)?;
            interviews.push((saved, notes));
        }
        Ok(BatchRows { visits, interviews })
    }

    /// A batch's visits (`batch_rows`'s), without its interviews.
    pub fn batch_visits(&self, id: Uuid) -> Result<Vec<Visit>> {
        let sql =
            format!("SELECT {VISIT_COLUMNS} FROM visits WHERE exported_batch = ?1 ORDER BY at, id");
        let mut stmt = self.conn.prepare(&sql)?;
        let visits = stmt
            .query_map([id.to_string()], visit_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(visits)
    }

    /// A batch's interviews as (id, started at), in no particular order:
    /// what a streamed export sorts, to load the interviews one at a time
    /// (`load_interview`, `notes`).
    pub fn batch_interview_keys(&self, id: Uuid) -> Result<Vec<(Uuid, DateTime<Utc>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, started_at FROM interviews WHERE exported_batch = ?1")?;
        let keys = stmt
            .query_map([id.to_string()], |r| {
                let id: String = r.get(0)?;
                let started: String = r.get(1)?;
                Ok((parse_uuid(&id)?, parse_ts(&started)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(keys)
    }

    /// The community of each resident of a batch, as it was when the batch
    /// was reserved (residents without one are left out). Empty for a
    /// batch whose records carry no communities (`BatchRow::communities`).
    pub fn batch_communities(&self, id: Uuid) -> Result<HashMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT resident_id, community FROM batch_communities WHERE batch_id = ?1")?;
        let rows = stmt.query_map([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// An interviewed resident of a batch as they were when the batch was
    /// reserved; `None` for batches reserved before schema 6.
    pub fn batch_resident(&self, batch_id: Uuid, resident_id: &str) -> Result<Option<Resident>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT resident_id, name, address, community, grid, building, unit, room,
                        phone, attributes
                 FROM batch_residents WHERE batch_id = ?1 AND resident_id = ?2",
            )?
            .query_row((batch_id.to_string(), resident_id), resident_from_row)
            .optional()?)
    }

    /// Records that a batch's files are on disk.
    pub fn mark_batch_written(
        &self,
        id: Uuid,
        file_name: &str,
        sha256: &str,
        folder: &str,
    ) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE batches SET state = 'written', file_name = ?2, sha256 = ?3, written_to = ?4 WHERE id = ?1",
                (id.to_string(), file_name, sha256, folder),
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("batch {id}")));
            }
            Ok(())
        })
    }
}
