//! The report's own reads of the store: who was sampled and what became of
//! them (participation), and the work orders with their history
//! (rectification). Plain, portable SQL (no JSON functions, no SQLite-only
//! syntax) so a second backend can take it as it is.

use std::collections::{BTreeMap, HashMap, HashSet};

use doorstep_core::assessment::Quarter;
use doorstep_core::assignment::Disposition;

use crate::{Db, OfficeError};

/// One sampled resident (reserve 0) of a quarter and their final outcome:
/// `Complete` when a completed interview of any channel started in the
/// quarter, else the last visit's disposition in the quarter, else `None`
/// (never visited: eligibility unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct SampledCase {
    pub quarter: Quarter,
    pub community: String,
    pub stratum: String,
    pub outcome: Option<Disposition>,
}

/// The first and last day of a quarter, `YYYY-MM-DD`.
pub fn quarter_days(q: Quarter) -> (String, String) {
    let first_month = u32::from(q.q) * 3 - 2;
    let last_month = first_month + 2;
    let last_day = if matches!(last_month, 6 | 9) { 30 } else { 31 };
    (
        format!("{:04}-{first_month:02}-01", q.year),
        format!("{:04}-{last_month:02}-{last_day:02}", q.year),
    )
}

fn disposition(text: &str) -> Option<Disposition> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).ok()
}

/// The quarter a stored time (RFC 3339 text, `2026-11-03T…`) falls in,
/// read from its date as the text comparisons of the queries see it.
fn quarter_of_text(at: &str) -> Option<Quarter> {
    let year: i32 = at.get(0..4)?.parse().ok()?;
    let month: u8 = at.get(5..7)?.parse().ok()?;
    (at.as_bytes().get(4) == Some(&b'-') && (1..=12).contains(&month)).then(|| Quarter {
        year,
        q: (month - 1) / 3 + 1,
    })
}

/// The sampled residents of `quarters` with their outcomes. One scan of
/// the period's visits and one of its completed interviews (neither table
/// has an index on time: a scan per quarter read them four times for a
/// year), each row put in its quarter; then the members of each quarter,
/// joined here: no per-resident look-up, so it stays linear in a city of
/// a million.
pub fn sampled_cases(db: &Db, quarters: &[Quarter]) -> Result<Vec<SampledCase>, OfficeError> {
    let mut out = Vec::new();
    let (Some(&lowest), Some(&highest)) = (quarters.iter().min(), quarters.iter().max()) else {
        return Ok(out);
    };
    let mut members = db.prepare(
        "SELECT community, stratum, resident_id FROM sample_members
         WHERE quarter = ?1 AND reserve = 0
         ORDER BY community, stratum, resident_id",
    )?;
    let mut visits = db.prepare(
        "SELECT resident_id, disposition, at FROM visits
         WHERE at >= ?1 AND at < ?2 ORDER BY at, attempt",
    )?;
    let mut completed = db.prepare(
        "SELECT resident_id, started_at FROM interviews
         WHERE status = 'completed' AND started_at >= ?1 AND started_at < ?2",
    )?;
    let first = quarter_days(lowest).0;
    // Times are RFC 3339 text: every instant of the last day sorts below
    // the day after's "T".
    let end = format!("{}U", quarter_days(highest).1);
    let slot = |at: &str| quarter_of_text(at).and_then(|q| quarters.iter().position(|x| *x == q));
    let mut last_visit: Vec<HashMap<String, String>> = vec![HashMap::new(); quarters.len()];
    visits.query_each(crate::params![first.clone(), end.clone()], |r| {
        let at: String = r.get(2)?;
        if let Some(k) = slot(&at) {
            last_visit[k].insert(r.get(0)?, r.get(1)?);
        }
        Ok(())
    })?;
    let mut done: Vec<HashSet<String>> = vec![HashSet::new(); quarters.len()];
    completed.query_each(crate::params![first, end], |r| {
        let at: String = r.get(1)?;
        if let Some(k) = slot(&at) {
            done[k].insert(r.get(0)?);
        }
        Ok(())
    })?;
    for (k, &q) in quarters.iter().enumerate() {
        let (done, last_visit) = (&done[k], &last_visit[k]);
        members.query_each(crate::params![q.to_string()], |r| {
            let resident: String = r.get(2)?;
            let outcome = if done.contains(&resident) {
                Some(Disposition::Complete)
            } else {
                last_visit.get(&resident).and_then(|d| disposition(d))
            };
            out.push(SampledCase {
                quarter: q,
                community: r.get(0)?,
                stratum: r.get(1)?,
                outcome,
            });
            Ok(())
        })?;
    }
    Ok(out)
}

/// One work order as the report counts it: where it went, its state, and
/// which states it has ever been in (with the first time it was done).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFacts {
    pub department: String,
    pub status: String,
    pub deadline: String,
    /// The first time it reached a state where the office's work is done
    /// (`not_substantiated`, `rectified`, `satisfied`, `not_satisfied`,
    /// `closed`).
    pub done_at: Option<String>,
    pub ever_substantiated: bool,
    pub ever_not_substantiated: bool,
    /// The latest call-back's answer: `Some(true)` satisfied.
    pub satisfied: Option<bool>,
}

/// The orders created within `[from, to]` (dates, inclusive).
pub fn orders(db: &Db, from: &str, to: &str) -> Result<Vec<OrderFacts>, OfficeError> {
    let mut stmt = db.prepare(
        "SELECT o.order_id, o.department, o.status, o.deadline, h.at, h.to_status
         FROM orders o LEFT JOIN order_history h ON h.order_id = o.order_id
         WHERE o.created_at >= ?1 AND o.created_at < ?2
         ORDER BY o.order_id, h.at",
    )?;
    let end = format!("{to}U");
    let mut out: Vec<OrderFacts> = Vec::new();
    let mut last_id = None;
    stmt.query_each(crate::params![from, end], |r| {
        let id: i64 = r.get(0)?;
        if last_id != Some(id) {
            last_id = Some(id);
            out.push(OrderFacts {
                department: r.get(1)?,
                status: r.get(2)?,
                deadline: r.get(3)?,
                done_at: None,
                ever_substantiated: false,
                ever_not_substantiated: false,
                satisfied: None,
            });
        }
        let o = out.last_mut().expect("pushed above");
        let (at, to): (Option<String>, Option<String>) = (r.get(4)?, r.get(5)?);
        let (Some(at), Some(to)) = (at, to) else {
            return Ok(());
        };
        match to.as_str() {
            "substantiated" => o.ever_substantiated = true,
            "not_substantiated" => o.ever_not_substantiated = true,
            "satisfied" => o.satisfied = Some(true),
            "not_satisfied" => o.satisfied = Some(false),
            _ => {}
        }
        if o.done_at.is_none()
            && matches!(
                to.as_str(),
                "not_substantiated" | "rectified" | "satisfied" | "not_satisfied" | "closed"
            )
        {
            o.done_at = Some(at);
        }
        Ok(())
    })?;
    Ok(out)
}

/// Register residents per community on `day` (`YYYY-MM-DD`): the periods
/// open that day, as the register's other readings count them.
pub fn population(db: &Db, day: &str) -> Result<BTreeMap<String, f64>, OfficeError> {
    let mut stmt = db.prepare(
        "SELECT community, COUNT(*) FROM resident_periods
         WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)
         GROUP BY community",
    )?;
    let mut out = BTreeMap::new();
    stmt.query_each(crate::params![day], |r| {
        let n: i64 = r.get(1)?;
        out.insert(r.get(0)?, n as f64);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_days_cover_the_quarter() {
        let q = |s: &str| Quarter::parse(s).unwrap();
        assert_eq!(
            quarter_days(q("2026Q1")),
            ("2026-01-01".into(), "2026-03-31".into())
        );
        assert_eq!(
            quarter_days(q("2026Q2")),
            ("2026-04-01".into(), "2026-06-30".into())
        );
        assert_eq!(
            quarter_days(q("2026Q3")),
            ("2026-07-01".into(), "2026-09-30".into())
        );
        assert_eq!(
            quarter_days(q("2026Q4")),
            ("2026-10-01".into(), "2026-12-31".into())
        );
        assert_eq!(disposition("no_one_home"), Some(Disposition::NoOneHome));
        assert_eq!(
            quarter_of_text("2026-11-03T09:00:00.123Z"),
            Some(q("2026Q4"))
        );
        assert_eq!(
            quarter_of_text("2026-03-31T23:59:59+08:00"),
            Some(q("2026Q1"))
        );
        assert_eq!(quarter_of_text("2026-04-01"), Some(q("2026Q2")));
        assert_eq!(quarter_of_text("2026-13-01"), None);
        assert_eq!(quarter_of_text("20261103"), None);
        assert_eq!(disposition("nonsense"), None);
    }
}
