//! Read-only lists for the office app (`doorstep office`): the batches
//! ingested and the files quarantined with their reasons, the quarters
//! that have interviews or a sample, each sampled stratum's progress, and
//! a community's weakest items. Nothing here writes; the figures are the
//! ones the commands compute, gathered the way a screen shows them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use doorstep_core::assessment::{ItemFigure, Scored, importance_performance, index, weakest};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::Answer;
use doorstep_core::questionnaire::Questionnaire;
use doorstep_core::scoring::{item_score, response_rates, score_interview};
use serde::Serialize;

use crate::sample::Quarter;
use crate::settings::Counting;
use crate::{Db, OfficeError};

/// One ingested batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchLine {
    pub batch_id: String,
    pub surveyor_id: String,
    pub device_id: String,
    pub sequence: u64,
    pub created_at: String,
    pub file: String,
    pub interviews: u64,
    pub visits: u64,
    pub ingested_at: String,
}

/// The batches ingested, the latest first.
pub fn batches(db: &Db) -> Result<Vec<BatchLine>, OfficeError> {
    let mut stmt = db.prepare(
        "SELECT batch_id, surveyor_id, device_id, sequence, created_at, file, interviews, visits,
                ingested_at
         FROM batches ORDER BY ingested_at DESC, device_id, sequence DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(BatchLine {
            batch_id: r.get(0)?,
            surveyor_id: r.get(1)?,
            device_id: r.get(2)?,
            sequence: r.get::<_, i64>(3)? as u64,
            created_at: r.get(4)?,
            file: r.get(5)?,
            interviews: r.get::<_, i64>(6)? as u64,
            visits: r.get::<_, i64>(7)? as u64,
            ingested_at: r.get(8)?,
        })
    })?;
    rows.collect()
}

/// One quarantined file (a conflict is one of its kinds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantineLine {
    pub file: String,
    pub kind: String,
    pub batch_id: Option<String>,
    pub reason: String,
    /// The reason in Chinese; `None` for files quarantined before it was kept.
    pub reason_zh: Option<String>,
    pub first_seen: String,
}

/// The files quarantined, conflicts first, then the latest first.
pub fn quarantine(db: &Db) -> Result<Vec<QuarantineLine>, OfficeError> {
    let mut stmt = db.prepare(
        "SELECT file, kind, batch_id, reason, first_seen, reason_zh FROM quarantine
         ORDER BY kind <> 'conflict', first_seen DESC, quarantine_id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(QuarantineLine {
            file: r.get(0)?,
            kind: r.get(1)?,
            batch_id: r.get(2)?,
            reason: r.get(3)?,
            first_seen: r.get(4)?,
            reason_zh: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// The quarter of an instant as the store writes it (its date, as the
/// scores count it).
fn quarter_of(started_at: &str) -> Option<Quarter> {
    let date = NaiveDate::parse_from_str(started_at.get(..10)?, "%Y-%m-%d").ok()?;
    use chrono::Datelike as _;
    Some(Quarter {
        year: date.year(),
        q: date.month0() / 3 + 1,
    })
}

/// The quarters that have completed interviews, in order.
pub fn interview_quarters(db: &Db) -> Result<Vec<Quarter>, OfficeError> {
    let mut stmt = db.prepare(
        "SELECT DISTINCT substr(started_at, 1, 10) FROM interviews WHERE status = 'completed'",
    )?;
    let days = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = BTreeSet::new();
    for d in days {
        out.extend(quarter_of(&d?));
    }
    Ok(out.into_iter().collect())
}

/// The quarters that have a sample, in order.
pub fn sample_quarters(db: &Db) -> Result<Vec<Quarter>, OfficeError> {
    let mut stmt = db.prepare("SELECT DISTINCT quarter FROM sample_members ORDER BY quarter")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for q in rows {
        out.extend(q?.parse::<Quarter>().ok());
    }
    Ok(out)
}

/// One sampled stratum of a community in a quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressLine {
    pub community: String,
    pub stratum: String,
    /// Residents sampled (reserves not included).
    pub target: u64,
    /// Reserves drawn for the stratum.
    pub reserves: u64,
    /// Reserves visited or interviewed: brought in for a refusal or a
    /// final non-contact.
    pub reserves_used: u64,
    /// Sampled residents (reserves included) with a completed interview
    /// the figures count.
    pub reached: u64,
    /// AAPOR RR1 over the sampled residents and the reserves used: each by
    /// its counted interview, else its last visit of the quarter, else
    /// never visited (eligibility unknown).
    pub response_rate: Option<f64>,
}

/// Each sampled stratum's target, reached and response rate in `quarter`,
/// by community and stratum.
pub fn sample_progress(
    db: &Db,
    counting: Counting,
    quarter: Quarter,
) -> Result<Vec<ProgressLine>, OfficeError> {
    let label = quarter.to_string();
    let in_quarter = |at: &str| quarter_of(at) == Some(quarter);
    // Residents with a counted completed interview in the quarter.
    let mut completed: BTreeSet<String> = BTreeSet::new();
    {
        let mut stmt = db.prepare(&format!(
            "SELECT i.resident_id, i.started_at FROM interviews i
             JOIN sample_members m ON m.quarter = ?1 AND m.resident_id = i.resident_id
             LEFT JOIN latest_decisions d ON d.interview_id = i.interview_id
             LEFT JOIN supersessions s ON s.interview_id = i.interview_id
             WHERE {} AND i.status = 'completed'",
            crate::status::counted_condition(counting)
        ))?;
        let rows = stmt.query_map([&label], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (resident, at) = row?;
            if in_quarter(&at) {
                completed.insert(resident);
            }
        }
    }
    // Each member's last visit in the quarter.
    let mut last_visit: BTreeMap<String, (String, String)> = BTreeMap::new();
    {
        let mut stmt = db.prepare(
            "SELECT v.resident_id, v.at, v.disposition FROM visits v
             JOIN sample_members m ON m.quarter = ?1 AND m.resident_id = v.resident_id",
        )?;
        let rows = stmt.query_map([&label], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (resident, at, disposition) = row?;
            if !in_quarter(&at) {
                continue;
            }
            let e = last_visit.entry(resident).or_default();
            if at >= e.0 {
                *e = (at, disposition);
            }
        }
    }
    #[derive(Default)]
    struct Acc {
        target: u64,
        reserves: u64,
        reserves_used: u64,
        reached: u64,
        finals: Vec<Option<Disposition>>,
    }
    let mut by: BTreeMap<(String, String), Acc> = BTreeMap::new();
    let mut stmt = db.prepare(
        "SELECT community, stratum, reserve, resident_id FROM sample_members WHERE quarter = ?1",
    )?;
    let rows = stmt.query_map([&label], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    for row in rows {
        let (community, stratum, reserve, resident) = row?;
        let acc = by.entry((community, stratum)).or_default();
        let done = completed.contains(&resident);
        let visit = last_visit.get(&resident);
        if reserve > 0 {
            acc.reserves += 1;
            if !done && visit.is_none() {
                // Not brought in: no part of the response rate.
                continue;
            }
            acc.reserves_used += 1;
        } else {
            acc.target += 1;
        }
        if done {
            acc.reached += 1;
            acc.finals.push(Some(Disposition::Complete));
        } else {
            acc.finals
                .push(visit.and_then(|(_, d)| Disposition::from_code(d)));
        }
    }
    Ok(by
        .into_iter()
        .map(|((community, stratum), a)| ProgressLine {
            community,
            stratum,
            target: a.target,
            reserves: a.reserves,
            reserves_used: a.reserves_used,
            reached: a.reached,
            response_rate: response_rates(a.finals).rr1,
        })
        .collect())
}

/// The `k` items with the lowest weighted mean score (0–100) in
/// `community`'s counted completed interviews of `quarters`, each
/// interview weighted by `weights` (its calibrated weight, by interview
/// id; 1 where it has none), with the item's importance (its correlation
/// with the index, dimensions weighted by `dimension_weights`).
#[allow(clippy::too_many_arguments)]
pub fn weakest_items(
    db: &Db,
    counting: Counting,
    questionnaires: &[Questionnaire],
    dimension_weights: &BTreeMap<String, f64>,
    community: &str,
    quarters: &[Quarter],
    weights: &BTreeMap<String, f64>,
    k: usize,
) -> Result<Vec<ItemFigure>, OfficeError> {
    let by_version: BTreeMap<(&str, &str), &Questionnaire> = questionnaires
        .iter()
        .map(|q| ((q.id.as_str(), q.version.as_str()), q))
        .collect();
    let mut stmt = db.prepare(&format!(
        "SELECT i.interview_id, i.started_at, i.questionnaire_id, i.questionnaire_version,
                i.answers
         FROM interviews i
         LEFT JOIN latest_decisions d ON d.interview_id = i.interview_id
         LEFT JOIN supersessions s ON s.interview_id = i.interview_id
         WHERE {} AND i.status = 'completed' AND i.community = ?1",
        crate::status::counted_condition(counting)
    ))?;
    let mut scored = Vec::new();
    stmt.query_each(crate::params![community], |r| {
        let (id, at, qid, qversion, answers): (String, String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        if !quarter_of(&at).is_some_and(|q| quarters.contains(&q)) {
            return Ok(());
        }
        let Some(q) = by_version.get(&(qid.as_str(), qversion.as_str())) else {
            return Ok(());
        };
        let Ok(answers) = serde_json::from_str::<BTreeMap<String, Answer>>(&answers) else {
            return Ok(());
        };
        let items: BTreeMap<String, f64> = answers
            .iter()
            .filter_map(|(qid, a)| Some((qid.clone(), item_score(q.question(qid)?, a)?)))
            .collect();
        let dimensions = score_interview(q, answers.iter().map(|(k, a)| (k.as_str(), a)));
        let Some(index) = index(&dimensions.dimensions, dimension_weights) else {
            return Ok(());
        };
        scored.push(Scored {
            items,
            index,
            weight: weights.get(&id).copied().unwrap_or(1.0),
        });
        Ok(())
    })?;
    let figures = importance_performance(&scored);
    Ok(weakest(&figures, k).into_iter().cloned().collect())
}
