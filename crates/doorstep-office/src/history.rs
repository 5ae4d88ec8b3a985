//! What the previous quarter says about each community, for
//! `office sample --target-margin`: the spread of the counted interviews'
//! index scores, the design effect of their calibrated weights and the
//! response rate of the visits. Communities without enough history take
//! the documented defaults (`[sample]` in office.toml), and the sample
//! says which.

use std::collections::{BTreeMap, BTreeSet};

use doorstep_core::assessment::{self, Quarter as CoreQuarter};
use doorstep_core::questionnaire::Questionnaire;

use crate::sample::Quarter;
pub use crate::sample::{Assumed, CommunityHistory, MIN_HISTORY_INTERVIEWS, assumed};
use crate::settings::{Counting, ScoreSettings};
use crate::{Db, OfficeError};

/// Sample SD (n − 1) of `xs`; `None` for fewer than two.
pub fn sample_sd(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    Some((xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt())
}

/// Kish's design effect of unequal weights, n·Σw²/(Σw)²; `None` without
/// positive weights.
pub fn kish_deff(weights: &[f64]) -> Option<f64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return None;
    }
    let sq: f64 = weights.iter().map(|w| w * w).sum();
    Some(weights.len() as f64 * sq / (sum * sum))
}

/// Each community's figures in `quarter` (the one before the sample's),
/// from the counted interviews as `office scores` reads them.
pub fn of_quarter(
    db: &Db,
    counting: Counting,
    settings: &ScoreSettings,
    questionnaires: &[Questionnaire],
    quarter: Quarter,
) -> Result<BTreeMap<String, CommunityHistory>, OfficeError> {
    let core = CoreQuarter {
        year: quarter.year,
        q: quarter.q as u8,
    };
    let sets = [vec![core]];
    let loaded = crate::scores::load(
        db,
        counting,
        settings,
        questionnaires,
        &sets,
        crate::scores::Keep::default(),
    )?;
    let mut by: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let set = &loaded[0];
    let assessment = assessment::assess(
        &set.interviews,
        &set.communities,
        &crate::scores::method(settings),
    );
    for (row, w) in set.interviews.iter().zip(&assessment.weights) {
        let Some(index) = row.index() else { continue };
        let e = by.entry(row.community().to_string()).or_default();
        e.0.push(index);
        if let Some((_, w)) = w {
            e.1.push(*w);
        }
    }
    let rates = response_rates(db, quarter)?;
    let names: BTreeSet<&String> = by.keys().chain(rates.keys()).collect();
    let mut out = BTreeMap::new();
    for c in names {
        let (idx, w) = by.get(c).cloned().unwrap_or_default();
        out.insert(
            c.clone(),
            CommunityHistory {
                interviews: idx.len(),
                index_sd: sample_sd(&idx).unwrap_or(f64::NAN),
                design_effect: kish_deff(&w).unwrap_or(f64::NAN),
                response_rate: rates.get(c).copied(),
            },
        );
    }
    Ok(out)
}

/// Per community: residents with a complete or partial interview among the
/// residents visited in `quarter` (visit times in China Standard Time).
fn response_rates(db: &Db, quarter: Quarter) -> Result<BTreeMap<String, f64>, OfficeError> {
    let from = quarter.start_text();
    let to = quarter.next().start_text();
    let mut stmt = db.prepare(
        "SELECT community,
                count(DISTINCT resident_id),
                count(DISTINCT CASE WHEN disposition IN ('complete', 'partial')
                                    THEN resident_id END)
         FROM visits WHERE at >= ?1 AND at < ?2 AND community IS NOT NULL
         GROUP BY community",
    )?;
    let rows = stmt.query_map(crate::params![from, to], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (c, visited, interviewed) = row?;
        if visited > 0 {
            out.insert(c, interviewed as f64 / visited as f64);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sd_and_kish_deff() {
        assert_eq!(sample_sd(&[1.0]), None);
        assert!(
            (sample_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap() - 2.138).abs() < 1e-3
        );
        assert_eq!(kish_deff(&[2.0, 2.0, 2.0]), Some(1.0));
        // 6 weights of 20/6 and 6 of 10/6: 12·(6·(20/6)² + 6·(10/6)²)/30².
        let w: Vec<f64> = (0..12)
            .map(|i| if i < 6 { 20.0 / 6.0 } else { 10.0 / 6.0 })
            .collect();
        assert!((kish_deff(&w).unwrap() - 10.0 / 9.0).abs() < 1e-12);
        assert_eq!(kish_deff(&[]), None);
    }
}
