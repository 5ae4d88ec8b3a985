//! The day at a glance, for the status screen and `doorstep status --json`.

use serde::Serialize;

use super::{Result, Store};
use crate::assignment::status::ResidentStatus;

/// Counts of residents by where they stand (from the status kept on each
/// resident) and of records by export state. Keys are documented in
/// `docs/store.md`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct StatusCounts {
    pub residents: u64,
    pub visited: u64,
    pub due_for_revisit: u64,
    pub completed: u64,
    pub in_progress: u64,
    pub partial: u64,
    pub break_offs: u64,
    pub refusals: u64,
    pub no_contact: u64,
    pub appointments: u64,
    pub pending_export: u64,
    pub exported: u64,
}

impl Store {
    pub fn status(&self) -> Result<StatusCounts> {
        let mut c = StatusCounts::default();
        for (status, n) in self.status_histogram()? {
            c.residents += n;
            if status != ResidentStatus::ToVisit {
                c.visited += n;
            }
            match status {
                ResidentStatus::ToVisit | ResidentStatus::Closed => {}
                ResidentStatus::RevisitDue => {
                    c.no_contact += n;
                    c.due_for_revisit += n;
                }
                ResidentStatus::Appointment => {
                    c.appointments += n;
                    c.due_for_revisit += n;
                }
                ResidentStatus::InProgress => c.in_progress += n,
                ResidentStatus::Completed => c.completed += n,
                ResidentStatus::Partial => c.partial += n,
                ResidentStatus::BrokenOff => c.break_offs += n,
                ResidentStatus::Refused => c.refusals += n,
            }
        }
        // An export carries finished interviews (each with its visit) and
        // the visits that had no interview. Rows reserved by a batch whose
        // files are not yet written still wait for export.
        let (pending, exported): (i64, i64) = self.conn.query_row(
            "WITH written AS (SELECT id FROM batches WHERE state = 'written')
             SELECT
               (SELECT count(*) FROM interviews
                 WHERE status <> 'in_progress'
                   AND (exported_batch IS NULL OR exported_batch NOT IN written))
             + (SELECT count(*) FROM visits
                 WHERE interview_id IS NULL
                   AND (exported_batch IS NULL OR exported_batch NOT IN written)),
               (SELECT count(*) FROM interviews WHERE exported_batch IN written)
             + (SELECT count(*) FROM visits
                 WHERE interview_id IS NULL AND exported_batch IN written)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        c.pending_export = pending.unsigned_abs();
        c.exported = exported.unsigned_abs();
        Ok(c)
    }
}
