//! The day at a glance, for the status screen and `doorstep status --json`.

use serde::Serialize;

use super::{Result, Store};
use doorstep_core::assignment::status::ResidentStatus;

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
    /// Of `pending_export`: finished interviews (each with its visit).
    pub pending_export_interviews: u64,
    /// Of `pending_export`: visits without an interview.
    pub pending_export_visits: u64,
    pub exported: u64,
    pub exported_interviews: u64,
    pub exported_visits: u64,
    /// Reserves of a stratified list not yet released (not in `residents`);
    /// left out of the JSON when 0, as are the two below.
    #[serde(skip_serializing_if = "is_zero")]
    pub reserves_hidden: u64,
    /// Reserves released to replace a refusal or a final non-contact (in
    /// `residents`).
    #[serde(skip_serializing_if = "is_zero")]
    pub reserves_released: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
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
        let counts: [i64; 4] = self.conn.query_row(
            "WITH written AS (SELECT id FROM batches WHERE state = 'written')
             SELECT
               (SELECT count(*) FROM interviews
                 WHERE status <> 'in_progress'
                   AND (exported_batch IS NULL OR exported_batch NOT IN written)),
               (SELECT count(*) FROM visits
                 WHERE interview_id IS NULL
                   AND (exported_batch IS NULL OR exported_batch NOT IN written)),
               (SELECT count(*) FROM interviews WHERE exported_batch IN written),
               (SELECT count(*) FROM visits
                 WHERE interview_id IS NULL AND exported_batch IN written)",
            [],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )?;
        let [pi, pv, ei, ev] = counts.map(i64::unsigned_abs);
        c.pending_export_interviews = pi;
        c.pending_export_visits = pv;
        c.pending_export = pi + pv;
        c.exported_interviews = ei;
        c.exported_visits = ev;
        c.exported = ei + ev;
        c.reserves_hidden = self.hidden_reserves()?;
        let released: i64 =
            self.conn
                .query_row("SELECT count(*) FROM reserve_releases", [], |r| r.get(0))?;
        c.reserves_released = released.unsigned_abs();
        Ok(c)
    }
}
