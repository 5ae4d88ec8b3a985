//! The assessment from the office store: the counted interviews scored
//! with their questionnaire, each resident's calibration variables and
//! community from the register as it stood when they were interviewed, and
//! each community's register margins, handed to
//! `doorstep_core::assessment` (the method: `docs/method.md`). Every run is
//! recorded with a hash of its settings so a published figure can be
//! reproduced.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use doorstep_core::assessment::{
    self, Annual, Assessment, Community, INDEX, Interview, Quarter, Settings as Method, index,
};
use doorstep_core::estimate::Margin;
use doorstep_core::interview::Answer;
use doorstep_core::questionnaire::Questionnaire;
use doorstep_core::scoring::score_interview;
use serde::Serialize;

use crate::db::Backend;
use crate::params;
use crate::settings::{Counting, ScoreSettings};
use crate::{Db, OfficeError};

/// The core's method settings from `[scores]`.
pub(crate) fn method(s: &ScoreSettings) -> Method {
    Method {
        channels: s.channels.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        min_n: s.min_n,
        annual: if s.annual == "by_interviews" {
            Annual::ByInterviews
        } else {
            Annual::Mean
        },
    }
}

/// What a figure is for: a quarter or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Quarter(Quarter),
    Year(i32),
}

impl Period {
    pub fn parse(s: &str) -> Option<Period> {
        if let Some(q) = Quarter::parse(s) {
            return Some(Period::Quarter(q));
        }
        s.parse::<i32>()
            .ok()
            .filter(|y| (1000..=9999).contains(y))
            .map(Period::Year)
    }

    fn quarters(self) -> Vec<Quarter> {
        match self {
            // The quarter before too: its change needs it.
            Period::Quarter(q) => vec![q.previous(), q],
            Period::Year(year) => (1..=4).map(|q| Quarter { year, q }).collect(),
        }
    }

    pub fn label(self) -> String {
        match self {
            Period::Quarter(q) => q.to_string(),
            Period::Year(y) => y.to_string(),
        }
    }
}

/// One counted interview as exported for recomputation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountedInterview {
    pub interview_id: String,
    pub resident_id: String,
    pub community: String,
    pub street: String,
    pub quarter: String,
    pub channel: String,
    pub calibration: Vec<String>,
    pub base_weight: Option<f64>,
    pub weight: Option<f64>,
    pub index: Option<f64>,
    pub dimensions: BTreeMap<String, f64>,
    /// Each scored item's score (the report's weakest items).
    #[serde(skip)]
    pub items: BTreeMap<String, f64>,
}

/// The result of a run, with what it was made of.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRun {
    pub run_id: i64,
    pub settings_hash: String,
    pub period: String,
    pub assessment: Assessment,
    pub interviews: Vec<CountedInterview>,
    /// Interviews left out before the estimates, and why (no questionnaire,
    /// no register entry).
    pub left_out: Vec<String>,
}

fn quarter_of(date: NaiveDate) -> Quarter {
    Quarter {
        year: date.year(),
        q: (date.month0() / 3 + 1) as u8,
    }
}

fn quarter_end(q: Quarter) -> NaiveDate {
    let (y, m) = if q.q == 4 {
        (q.year + 1, 1)
    } else {
        (q.year, u32::from(q.q) * 3 + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .expect("a valid month")
        .pred_opt()
        .expect("not the first day ever")
}

/// Scores `period` from the store: loads, estimates, records the run.
pub fn run(
    db: &mut Db,
    counting: Counting,
    settings: &ScoreSettings,
    questionnaires: &[Questionnaire],
    period: Period,
) -> Result<ScoreRun, OfficeError> {
    settings.validate().map_err(OfficeError::Invalid)?;
    let quarters = period.quarters();
    let (mut interviews, inputs, left_out) =
        load_interviews(db, counting, settings, questionnaires, &quarters)?;
    let communities = load_communities(db, settings, &quarters)?;
    let assessment = assessment::assess(&inputs, &communities, &method(settings));
    for (row, w) in interviews.iter_mut().zip(&assessment.weights) {
        row.base_weight = w.map(|w| w.0);
        row.weight = w.map(|w| w.1);
    }
    let settings_hash = settings.hash();
    let label = period.label();
    let run_id: i64 = db.query_row(
        "INSERT INTO scoring_runs (run_at, period, settings_hash, settings, counting, interviews, figures)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING run_id",
        params![
            crate::now_text(),
            label,
            settings_hash,
            serde_json::to_string(settings).expect("settings serialise"),
            format!("{counting:?}"),
            interviews.len() as i64,
            assessment.rows.len() as i64
        ],
        |r| r.get(0),
    )?;
    Ok(ScoreRun {
        run_id,
        settings_hash,
        period: label,
        assessment,
        interviews,
        left_out,
    })
}

type Loaded = (Vec<CountedInterview>, Vec<Interview>, Vec<String>);

pub(crate) fn load_interviews(
    db: &Db,
    counting: Counting,
    settings: &ScoreSettings,
    questionnaires: &[Questionnaire],
    quarters: &[Quarter],
) -> Result<Loaded, OfficeError> {
    let wanted: BTreeSet<Quarter> = quarters.iter().copied().collect();
    let by_version: BTreeMap<(&str, &str), &Questionnaire> = questionnaires
        .iter()
        .map(|q| ((q.id.as_str(), q.version.as_str()), q))
        .collect();
    // The resident's place as one JSON array [community, street, attributes].
    let place = match db.backend() {
        Backend::Sqlite => "json_array(p.community, COALESCE(p.street, ''), p.attributes)",
        Backend::Postgres => {
            "CAST(json_build_array(p.community, COALESCE(p.street, ''), p.attributes) AS TEXT)"
        }
    };
    let mut stmt = db.prepare(&format!(
        "SELECT i.interview_id, i.resident_id, i.channel, i.started_at, i.questionnaire_id,
                i.questionnaire_version, i.answers,
                (SELECT {place}
                 FROM resident_periods p
                 WHERE p.resident_id = i.resident_id AND p.valid_from <= substr(i.started_at, 1, 10)
                 ORDER BY p.valid_from DESC LIMIT 1),
                (SELECT {place}
                 FROM resident_periods p WHERE p.resident_id = i.resident_id
                 ORDER BY p.valid_from LIMIT 1)
         FROM interviews i
         LEFT JOIN latest_decisions d ON d.interview_id = i.interview_id
         LEFT JOIN supersessions s ON s.interview_id = i.interview_id
         WHERE {} AND i.status = 'completed'
         ORDER BY i.started_at, i.interview_id",
        crate::status::counted_condition(counting)
    ))?;
    let mut out = Vec::new();
    let mut inputs = Vec::new();
    let mut left_out = Vec::new();
    let mut missing_questionnaires: BTreeMap<String, usize> = BTreeMap::new();
    stmt.query_each([], |r| {
        let id: String = r.get(0)?;
        let started: String = r.get(3)?;
        let Some(date) = started
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            left_out.push(format!(
                "interview {id}: start time {started:?} is not a date"
            ));
            return Ok(());
        };
        let quarter = quarter_of(date);
        if !wanted.contains(&quarter) {
            return Ok(());
        }
        let (qid, qversion): (String, String) = (r.get(4)?, r.get(5)?);
        let Some(q) = by_version.get(&(qid.as_str(), qversion.as_str())) else {
            *missing_questionnaires
                .entry(format!("{qid} version {qversion}"))
                .or_default() += 1;
            return Ok(());
        };
        // The register as it stood at the interview; a resident who only
        // entered it later is placed by their first entry.
        let place: Option<String> = r.get::<_, Option<String>>(7)?.or(r.get(8)?);
        let Some((community, street, attributes)) = place.as_deref().and_then(parse_place) else {
            left_out.push(format!(
                "interview {id}: its resident is not in the register"
            ));
            return Ok(());
        };
        let answers: BTreeMap<String, Answer> = match serde_json::from_str(&r.get::<_, String>(6)?)
        {
            Ok(a) => a,
            Err(e) => {
                left_out.push(format!("interview {id}: answers unreadable ({e})"));
                return Ok(());
            }
        };
        let scores = score_interview(q, answers.iter().map(|(k, a)| (k.as_str(), a)));
        let value = index(&scores.dimensions, &settings.dimension_weights);
        let calibration: Vec<String> = settings
            .calibration
            .iter()
            .map(|c| attributes.get(c).cloned().unwrap_or_default())
            .collect();
        let channel: String = r.get(2)?;
        let mut measures: BTreeMap<String, f64> = scores.dimensions.clone();
        if let Some(v) = value {
            measures.insert(INDEX.into(), v);
        }
        inputs.push(Interview {
            community: community.clone(),
            quarter,
            channel: channel.clone(),
            levels: calibration.clone(),
            measures,
        });
        out.push(CountedInterview {
            interview_id: id,
            resident_id: r.get(1)?,
            community,
            street,
            quarter: quarter.to_string(),
            channel,
            calibration,
            base_weight: None,
            weight: None,
            index: value,
            dimensions: scores.dimensions,
            items: crate::item_scores::item_scores(q, &answers),
        });
        Ok(())
    })?;
    for (q, n) in missing_questionnaires {
        left_out.push(format!(
            "{n} interviews of questionnaire {q}: not given (--questionnaire FILE)"
        ));
    }
    Ok((out, inputs, left_out))
}

fn parse_place(json: &str) -> Option<(String, String, BTreeMap<String, String>)> {
    let (community, street, attributes): (String, String, String) =
        serde_json::from_str(json).ok()?;
    let attributes: BTreeMap<String, serde_json::Value> = serde_json::from_str(&attributes).ok()?;
    let attributes = attributes
        .into_iter()
        .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
        .collect();
    Some((community, street, attributes))
}

/// Each community's margins on the calibration variables: the register on
/// the last day of the latest quarter scored, or, for a community with
/// nobody registered on that day (a register loaded later), as it is now.
/// Levels in sorted order (the order empty levels collapse in).
pub(crate) fn load_communities(
    db: &Db,
    settings: &ScoreSettings,
    quarters: &[Quarter],
) -> Result<Vec<Community>, OfficeError> {
    let day = quarters
        .iter()
        .max()
        .map(|q| quarter_end(*q).format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    type Counts = BTreeMap<String, (String, String, Vec<BTreeMap<String, f64>>)>;
    let mut at_day: Counts = BTreeMap::new();
    let mut now: Counts = BTreeMap::new();
    let mut stmt = db.prepare(
        "SELECT community, COALESCE(street, ''), COALESCE(district, ''), attributes,
                valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1), valid_to IS NULL
         FROM resident_periods",
    )?;
    stmt.query_each([&day], |r| {
        let (community, street, district, attributes): (String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let (open_then, open_now): (bool, bool) = (r.get(4)?, r.get(5)?);
        let attributes: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&attributes).unwrap_or_default();
        for (open, counts) in [(open_then, &mut at_day), (open_now, &mut now)] {
            if !open {
                continue;
            }
            let e = counts.entry(community.clone()).or_insert_with(|| {
                (
                    street.clone(),
                    district.clone(),
                    vec![BTreeMap::new(); settings.calibration.len()],
                )
            });
            for (m, name) in settings.calibration.iter().enumerate() {
                let level = attributes
                    .get(name)
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .unwrap_or_default();
                *e.2[m].entry(level).or_default() += 1.0;
            }
        }
        Ok(())
    })?;
    let ids: BTreeSet<String> = at_day.keys().chain(now.keys()).cloned().collect();
    Ok(ids
        .into_iter()
        .map(|id| {
            let (street, district, counts) = at_day
                .get(&id)
                .or_else(|| now.get(&id))
                .cloned()
                .expect("in one of them");
            Community {
                id,
                street,
                district,
                margins: settings
                    .calibration
                    .iter()
                    .zip(counts)
                    .map(|(name, levels)| Margin {
                        name: name.clone(),
                        levels: levels.keys().cloned().collect(),
                        totals: levels.values().copied().collect(),
                    })
                    .collect(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_of_dates_and_their_ends() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(quarter_of(d("2026-11-30")).to_string(), "2026Q4");
        assert_eq!(quarter_of(d("2026-01-01")).to_string(), "2026Q1");
        assert_eq!(quarter_end(Quarter { year: 2026, q: 4 }), d("2026-12-31"));
        assert_eq!(quarter_end(Quarter { year: 2026, q: 1 }), d("2026-03-31"));
        assert_eq!(Period::parse("2026"), Some(Period::Year(2026)));
        assert_eq!(
            Period::parse("2026Q2"),
            Some(Period::Quarter(Quarter { year: 2026, q: 2 }))
        );
        assert_eq!(Period::parse("26"), None);
    }

    #[test]
    fn settings_out_of_range_are_refused() {
        let mut s = ScoreSettings::default();
        assert!(s.validate().is_ok());
        s.channels.insert("phone".into(), f64::NAN);
        assert!(s.validate().unwrap_err().contains("channels.phone"));
        let mut s = ScoreSettings::default();
        s.dimension_weights.insert("env".into(), 1e308);
        assert!(s.validate().is_err());
        let s = ScoreSettings {
            annual: "median".into(),
            ..ScoreSettings::default()
        };
        assert!(s.validate().is_err());
        assert_ne!(ScoreSettings::default().hash(), s.hash());
    }
}
