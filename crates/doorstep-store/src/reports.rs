//! Counts the surveyor's screens show: the day summary and quota progress.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{Result, Store, parse_disposition, ts};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::Answer;

/// Work recorded since a moment (the start of the day).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub visits: HashMap<Disposition, u32>,
    /// Of the residents `Store::status` counts `completed` (whose latest
    /// outcome is a complete interview), those whose completing visit was
    /// at or after the moment. Never more than `status().completed`: a
    /// resident interviewed twice, or reopened and started again, is
    /// counted once, or not at all while an interview is open.
    pub completed: u64,
}

impl Store {
    /// When the latest recorded work ended: the last visit, or the last
    /// end of an interview (timestamps are stored in one fixed-width UTC
    /// format, so the text's maximum is the latest).
    pub fn latest_work_at(&self) -> Result<Option<DateTime<Utc>>> {
        let latest: Option<String> = self.conn.query_row(
            "SELECT max(t) FROM (SELECT max(at) AS t FROM visits
                                 UNION ALL SELECT max(ended_at) FROM interviews)",
            [],
            |r| r.get(0),
        )?;
        latest.map(|t| Ok(super::parse_ts(&t)?)).transpose()
    }

    pub fn day_counts(&self, since: DateTime<Utc>) -> Result<DayCounts> {
        let since = ts(&since);
        let mut out = DayCounts::default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT disposition, count(*) FROM visits WHERE at >= ?1 GROUP BY disposition",
        )?;
        let rows = stmt.query_map([&since], |r| {
            Ok((
                parse_disposition(&r.get::<_, String>(0)?)?,
                r.get::<_, u32>(1)?,
            ))
        })?;
        for row in rows {
            let (d, n) = row?;
            out.visits.insert(d, n);
        }
        // The status is the resident's (see `refresh_status`); its latest
        // visit is the one that decided it.
        out.completed = self
            .conn
            .query_row(
                "SELECT count(*) FROM residents r
             WHERE r.status = 'completed'
               AND (SELECT v.at FROM visits v WHERE v.resident_id = r.resident_id
                    ORDER BY v.attempt DESC LIMIT 1) >= ?1",
                [&since],
                |r| r.get::<_, i64>(0),
            )?
            .unsigned_abs();
        Ok(out)
    }

    /// The answers to one (non-repeated) question across completed
    /// interviews, for quota progress.
    pub fn completed_answers(&self, question_id: &str) -> Result<Vec<Answer>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.answer FROM answers a JOIN interviews i ON i.id = a.interview_id
             WHERE i.status = 'completed' AND a.question_id = ?1 AND a.instance = -1",
        )?;
        let rows = stmt.query_map([question_id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            // An answer this binary cannot read is left out of the count, not fatal.
            if let Ok(a) = serde_json::from_str(&json?) {
                out.push(a);
            }
        }
        Ok(out)
    }
}
