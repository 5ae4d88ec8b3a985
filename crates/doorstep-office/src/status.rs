//! `office status`: the counts of everything in the office database.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::settings::Counting;
use crate::{Db, OfficeError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub register: RegisterCounts,
    pub batches: BatchCounts,
    /// Batches a device numbered but the office has not received.
    pub missing: Vec<MissingBatches>,
    pub interviews: InterviewCounts,
    /// Work orders by state.
    pub orders: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterCounts {
    pub loads: u64,
    /// The date the latest load is valid from.
    pub valid_from: Option<String>,
    pub residents: u64,
    /// Current residents per community.
    pub communities: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchCounts {
    pub ingested: u64,
    /// Files refused, conflicts included, by kind.
    pub quarantined: u64,
    pub conflicts: u64,
    pub quarantined_by_kind: BTreeMap<String, u64>,
    pub decisions_files: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingBatches {
    pub surveyor_id: String,
    pub device_id: String,
    pub sequences: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterviewCounts {
    pub total: u64,
    pub by_channel: BTreeMap<String, u64>,
    /// approved, rejected, undecided (latest signed decision), superseded
    /// (replaced by a reopened copy; not counted whatever its decision).
    pub by_decision: BTreeMap<String, u64>,
    pub counting: Counting,
    /// Interviews the figures count under `counting`.
    pub counted: u64,
}

fn count(db: &Db, sql: &str) -> Result<u64, OfficeError> {
    Ok(db.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
}

fn grouped(db: &Db, sql: &str) -> Result<BTreeMap<String, u64>, OfficeError> {
    let mut stmt = db.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
    rows.collect()
}

/// Per device, the sequence numbers below its highest that are absent.
pub fn missing_batches(db: &Db) -> Result<Vec<MissingBatches>, OfficeError> {
    let mut stmt = db.prepare(
        "SELECT device_id, surveyor_id, sequence FROM batches ORDER BY device_id, sequence",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)? as u64,
        ))
    })?;
    let mut by_device: BTreeMap<String, (String, Vec<u64>)> = BTreeMap::new();
    for row in rows {
        let (device, surveyor, seq) = row?;
        let e = by_device
            .entry(device)
            .or_insert((surveyor.clone(), Vec::new()));
        e.0 = surveyor;
        e.1.push(seq);
    }
    let mut out = Vec::new();
    for (device, (surveyor, seqs)) in by_device {
        let mut missing = Vec::new();
        let mut next = 1;
        for s in seqs {
            missing.extend(next..s);
            next = s + 1;
        }
        if !missing.is_empty() {
            out.push(MissingBatches {
                surveyor_id: surveyor,
                device_id: device,
                sequences: missing,
            });
        }
    }
    Ok(out)
}

/// The SQL condition (on `interviews i` joined to `latest_decisions d` and
/// `supersessions s`) for an interview the figures count.
pub fn counted_condition(counting: Counting) -> &'static str {
    match counting {
        Counting::Approved => "s.interview_id IS NULL AND d.decision = 'approved'",
        Counting::ApprovedAndUndecided => {
            "s.interview_id IS NULL AND (d.decision IS NULL OR d.decision = 'approved')"
        }
    }
}

pub fn status(db: &Db, counting: Counting) -> Result<Status, OfficeError> {
    let communities = grouped(
        db,
        "SELECT community, COUNT(*) FROM resident_periods WHERE valid_to IS NULL
         GROUP BY community",
    )?;
    let valid_from: Option<String> =
        db.query_row("SELECT MAX(loaded_on) FROM register_loads", [], |r| {
            r.get(0)
        })?;
    let register = RegisterCounts {
        loads: count(db, "SELECT COUNT(*) FROM register_loads")?,
        valid_from,
        residents: communities.values().sum(),
        communities,
    };
    let by_kind = grouped(db, "SELECT kind, COUNT(*) FROM quarantine GROUP BY kind")?;
    let batches = BatchCounts {
        ingested: count(db, "SELECT COUNT(*) FROM batches")?,
        quarantined: by_kind.values().sum(),
        conflicts: by_kind.get("conflict").copied().unwrap_or(0),
        quarantined_by_kind: by_kind,
        decisions_files: count(db, "SELECT COUNT(*) FROM decision_files")?,
    };
    let joined = "FROM interviews i
                  LEFT JOIN latest_decisions d ON d.interview_id = i.interview_id
                  LEFT JOIN supersessions s ON s.interview_id = i.interview_id";
    let by_decision = grouped(
        db,
        &format!(
            "SELECT CASE WHEN s.interview_id IS NOT NULL THEN 'superseded'
                         ELSE COALESCE(d.decision, 'undecided') END AS k, COUNT(*)
             {joined} GROUP BY k"
        ),
    )?;
    let interviews = InterviewCounts {
        total: count(db, "SELECT COUNT(*) FROM interviews")?,
        by_channel: grouped(
            db,
            "SELECT channel, COUNT(*) FROM interviews GROUP BY channel",
        )?,
        by_decision,
        counting,
        counted: count(
            db,
            &format!(
                "SELECT COUNT(*) {joined} WHERE {}",
                counted_condition(counting)
            ),
        )?,
    };
    Ok(Status {
        register,
        batches,
        missing: missing_batches(db)?,
        interviews,
        orders: grouped(db, "SELECT status, COUNT(*) FROM orders GROUP BY status")?,
    })
}
