//! `office sample`: the quarter's stratified random sample, one assignment
//! file per surveyor that `doorstep assign` loads as is.
//!
//! The algorithm (also in docs/office.md):
//! 1. The frame is the register as it stood on the quarter's first day (or
//!    `as_of`), restricted to the communities of the surveyors file.
//! 2. Residents with an interview in the `exclude_quarters` quarters before
//!    this one are not eligible.
//! 3. Per community, the stratum of a resident is the values of the strata
//!    columns joined by `/`. The community's sample size n (fixed, or from
//!    the target margin) is allocated to strata in proportion to the
//!    register counts N_h (largest remainder: each stratum gets
//!    floor(n·N_h/N), the units left go to the largest remainders, ties to
//!    the stratum first in sort order), capped at the eligible residents.
//! 4. Within a stratum, eligible residents are sorted by resident id and a
//!    partial Fisher–Yates shuffle picks n_h + R of them with ChaCha8 seeded
//!    by SHA-256(seed, community, stratum): the first n_h are the sample,
//!    the next R the reserves, in order (reserve 1, 2, …). A community's
//!    draw depends only on its own residents, so one community changing
//!    leaves the others' samples as they were.
//! 5. Rows are written sorted by community, reserve, stratum and resident
//!    id: the same database, options and seed give byte-identical files.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::params;
use chrono::{Datelike, FixedOffset, NaiveDate, TimeZone};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use sha2::Digest as _;

use crate::{Db, OfficeError};

/// A calendar quarter, `2026Q4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Quarter {
    pub year: i32,
    pub q: u32,
}

impl std::str::FromStr for Quarter {
    type Err = OfficeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || OfficeError::Invalid(format!("'{s}' is not a quarter: write it as 2026Q4"));
        let (y, q) = s.trim().split_once(['Q', 'q']).ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let q: u32 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) || !(2000..=2200).contains(&year) {
            return Err(bad());
        }
        Ok(Quarter { year, q })
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

impl Quarter {
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 3 * (self.q - 1) + 1, 1).expect("a valid quarter")
    }
    /// The quarter `n` quarters before.
    pub fn minus(self, n: u32) -> Quarter {
        let idx = self.year * 4 + self.q as i32 - 1 - n as i32;
        Quarter {
            year: idx.div_euclid(4),
            q: idx.rem_euclid(4) as u32 + 1,
        }
    }
    /// The quarter after.
    pub fn next(self) -> Quarter {
        let idx = self.year * 4 + self.q as i32;
        Quarter {
            year: idx.div_euclid(4),
            q: idx.rem_euclid(4) as u32 + 1,
        }
    }
    /// The instant the quarter starts, China Standard Time (UTC+8), as
    /// the store writes instants.
    pub(crate) fn start_text(self) -> String {
        let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
        let d = self.first_day();
        let t = cst
            .with_ymd_and_hms(d.year(), d.month(), d.day(), 0, 0, 0)
            .single()
            .expect("midnight exists");
        crate::time_text(t.with_timezone(&chrono::Utc))
    }
}

/// How each community's sample size is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Size {
    PerCommunity(u32),
    /// 95% CI half-width in index points.
    TargetMargin(f64),
}

/// Assumptions of the target-margin sizing (`[sample]` in office.toml).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SizingDefaults {
    /// Standard deviation of the 0–100 index between residents.
    pub index_sd: f64,
    /// Design effect of the calibrated estimate.
    pub design_effect: f64,
    /// Share of sampled residents who end up interviewed.
    pub response_rate: f64,
}

impl Default for SizingDefaults {
    fn default() -> Self {
        SizingDefaults {
            index_sd: 20.0,
            design_effect: 1.5,
            response_rate: 0.6,
        }
    }
}

impl SizingDefaults {
    /// Residents to sample in a community of `population` so that the
    /// index's 95% CI half-width is about `margin`: completed interviews
    /// n0 = (1.96·sd/margin)²·deff, with the finite population correction
    /// n = n0 / (1 + (n0 − 1)/N), divided by the response rate; at most N.
    pub fn size_for(&self, margin: f64, population: u64) -> u32 {
        let n0 = (1.96 * self.index_sd / margin).powi(2) * self.design_effect;
        let n = n0 / (1.0 + (n0 - 1.0) / population.max(1) as f64);
        let issued = (n / self.response_rate).ceil();
        (issued as u64).min(population) as u32
    }
}

// ----- --target-margin: what each community's sizing assumed (its
// figures are computed by `crate::history`) -------------------------------

/// Counted interviews with an index a community needs in the previous
/// quarter before its SD and design effect replace the defaults.
pub const MIN_HISTORY_INTERVIEWS: usize = 10;

/// One community's figures from the previous quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommunityHistory {
    /// Counted interviews with an index score.
    pub interviews: usize,
    /// Sample standard deviation of their index scores (0–100).
    pub index_sd: f64,
    /// Kish's design effect of their calibrated weights, n·Σw²/(Σw)².
    pub design_effect: f64,
    /// Residents interviewed (complete or partial) ÷ residents visited;
    /// `None` when no visit of the community is on record.
    pub response_rate: Option<f64>,
}

/// What one community's sizing assumed, and where each figure came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumed {
    pub index_sd: f64,
    pub design_effect: f64,
    pub response_rate: f64,
    /// `"previous_quarter"` or `"default"`, for the SD and design effect.
    pub spread_from: &'static str,
    /// `"previous_quarter"` or `"default"`, for the response rate.
    pub response_rate_from: &'static str,
    /// Counted interviews of the previous quarter (0 without history).
    pub interviews: usize,
}

/// The sizing of a community: its history where there is enough, the
/// defaults elsewhere (per figure).
pub fn assumed(defaults: &SizingDefaults, history: Option<&CommunityHistory>) -> Assumed {
    let spread = history.filter(|h| {
        h.interviews >= MIN_HISTORY_INTERVIEWS
            && h.index_sd.is_finite()
            && h.index_sd > 0.0
            && h.design_effect.is_finite()
    });
    let rate = history
        .and_then(|h| h.response_rate)
        .filter(|r| r.is_finite() && *r > 0.0);
    Assumed {
        index_sd: spread.map_or(defaults.index_sd, |h| h.index_sd),
        design_effect: spread.map_or(defaults.design_effect, |h| h.design_effect.max(1.0)),
        response_rate: rate.unwrap_or(defaults.response_rate),
        spread_from: if spread.is_some() {
            "previous_quarter"
        } else {
            "default"
        },
        response_rate_from: if rate.is_some() {
            "previous_quarter"
        } else {
            "default"
        },
        interviews: history.map_or(0, |h| h.interviews),
    }
}

impl Assumed {
    pub fn sizing(&self) -> SizingDefaults {
        SizingDefaults {
            index_sd: self.index_sd,
            design_effect: self.design_effect,
            response_rate: self.response_rate,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SampleOptions {
    pub quarter: Quarter,
    pub as_of: Option<NaiveDate>,
    pub size: Size,
    pub strata: Vec<String>,
    pub reserve: u32,
    pub surveyors_file: PathBuf,
    pub seed: u64,
    pub out: PathBuf,
    pub exclude_quarters: u32,
    pub sizing: SizingDefaults,
    /// The previous quarter's figures per community, for
    /// `--target-margin` (computed by `history::of_quarter`); empty: the defaults.
    pub history: BTreeMap<String, CommunityHistory>,
}

/// How one community's sample was sized with `--target-margin`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommunitySizing {
    pub community: String,
    pub population: u64,
    /// Residents to issue (before reserves).
    pub size: u64,
    pub assumed: Assumed,
}

/// One stratum of one community, as `sample-summary.csv` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StratumLine {
    pub community: String,
    pub stratum: String,
    pub population: u64,
    pub eligible: u64,
    pub target: u64,
    pub reserves: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleReport {
    pub quarter: String,
    pub as_of: NaiveDate,
    pub communities: usize,
    pub sampled: u64,
    pub reserves: u64,
    pub excluded_recently_interviewed: u64,
    /// Strata whose target exceeds their eligible residents.
    pub short: Vec<StratumLine>,
    pub files: Vec<PathBuf>,
    /// What the sizing assumed, when `--target-margin` was used.
    pub assumptions: Option<String>,
    /// Per community, what the sizing assumed and where from (only with
    /// `--target-margin`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sizing: Vec<CommunitySizing>,
}

/// Reads the surveyors file: `surveyor_id,community`, one row per
/// community. Errors name the file, row and column.
pub fn read_surveyors(path: &Path) -> Result<BTreeMap<String, String>, OfficeError> {
    let bad = |row: usize, col: &str, what: String| {
        OfficeError::Invalid(format!(
            "{}: row {row}, column {col}: {what}",
            path.display()
        ))
    };
    let bytes = doorstep_core::fs::read_regular(
        path,
        doorstep_core::fs::limits::RESIDENT_LIST,
        "a surveyors file",
    )?;
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let headers = r
        .headers()
        .map_err(|e| OfficeError::Invalid(format!("{}: row 1: {e}", path.display())))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| {
                OfficeError::Invalid(format!(
                    "{}: row 1: required column '{name}' is missing (surveyors file: \
                     surveyor_id,community)",
                    path.display()
                ))
            })
    };
    let (s_col, c_col) = (col("surveyor_id")?, col("community")?);
    let mut by_community: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (i, rec) in r.records().enumerate() {
        let row = i + 2;
        let rec = rec.map_err(|e| bad(row, "-", e.to_string()))?;
        let s = rec.get(s_col).unwrap_or("").trim().to_string();
        let c = rec.get(c_col).unwrap_or("").trim().to_string();
        if s.is_empty() && c.is_empty() {
            continue;
        }
        if s.is_empty() {
            return Err(bad(row, "surveyor_id", "missing value".into()));
        }
        doorstep_batch::id::validate_id("surveyor id", &s)
            .map_err(|e| bad(row, "surveyor_id", e.to_string()))?;
        if c.is_empty() {
            return Err(bad(row, "community", "missing value".into()));
        }
        if let Some((other, first)) = by_community.get(&c) {
            return Err(bad(
                row,
                "community",
                format!("community {c} is already assigned to {other} in row {first}"),
            ));
        }
        by_community.insert(c, (s, row));
    }
    Ok(by_community.into_iter().map(|(c, (s, _))| (c, s)).collect())
}

/// Largest-remainder allocation of `n` over `counts` (in order), each
/// share at most its count.
pub fn allocate(n: u64, counts: &[u64]) -> Vec<u64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return vec![0; counts.len()];
    }
    let n = n.min(total);
    let mut out: Vec<u64> = counts.iter().map(|c| n * c / total).collect();
    let mut left = n - out.iter().sum::<u64>();
    // Remainders as exact fractions (n·c mod total); ties by order.
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| {
        ((n * counts[b]) % total)
            .cmp(&((n * counts[a]) % total))
            .then(a.cmp(&b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        if out[i] < counts[i] {
            out[i] += 1;
            left -= 1;
        }
    }
    out
}

fn stream_seed(seed: u64, community: &str, stratum: &str) -> [u8; 32] {
    let mut h = sha2::Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(community.as_bytes());
    h.update([0]);
    h.update(stratum.as_bytes());
    h.finalize().into()
}

/// Draws the sample and writes `OUT/SURVEYOR.csv` and
/// `OUT/sample-summary.csv`; records it in the database for the quarter
/// (replacing an earlier draw of the same quarter).
pub fn sample(db: &mut Db, opts: &SampleOptions) -> Result<SampleReport, OfficeError> {
    for s in &opts.strata {
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(OfficeError::Invalid(format!(
                "--strata: '{s}' is not a register column name"
            )));
        }
    }
    let surveyors = read_surveyors(&opts.surveyors_file)?;
    let as_of = opts.as_of.unwrap_or_else(|| opts.quarter.first_day());
    let day = as_of.to_string();

    // Residents interviewed in the quarters before this one.
    let mut excluded: HashSet<String> = HashSet::new();
    if opts.exclude_quarters > 0 {
        let from = opts.quarter.minus(opts.exclude_quarters).start_text();
        let to = opts.quarter.start_text();
        let mut stmt = db.prepare(
            "SELECT DISTINCT resident_id FROM interviews WHERE started_at >= ?1 AND started_at < ?2",
        )?;
        for r in stmt.query_map(params![from, to], |r| r.get::<_, String>(0))? {
            excluded.insert(r?);
        }
    }

    // community → stratum → (population count, eligible ids)
    type Strata = BTreeMap<String, (u64, Vec<String>)>;
    let strata_sql: String = opts
        .strata
        .iter()
        .map(|s| format!(", {}", db.json_text("attributes", s)))
        .collect();
    // Hashed while the register streams by (a million rows; ordered maps
    // spent a quarter of the time comparing names), ordered after. Only
    // the surveyors file's communities are drawn.
    let mut scan: HashMap<&str, Strata> = surveyors
        .keys()
        .map(|c| (c.as_str(), Strata::new()))
        .collect();
    let mut excluded_count = 0u64;
    {
        let mut stmt = db.prepare(&format!(
            "SELECT community, resident_id{strata_sql} FROM resident_periods
             WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)"
        ))?;
        let mut key = String::new();
        stmt.query_each([&day], |r| {
            let Some(strata) = r.text(0)?.and_then(|c| scan.get_mut(c)) else {
                return Ok(());
            };
            let id = r.text(1)?.unwrap_or_default();
            key.clear();
            for i in 0..opts.strata.len() {
                if i > 0 {
                    key.push('/');
                }
                key.push_str(r.text(2 + i)?.unwrap_or("-"));
            }
            let e = match strata.get_mut(key.as_str()) {
                Some(e) => e,
                None => strata.entry(key.clone()).or_insert((0, Vec::new())),
            };
            e.0 += 1;
            if !excluded.is_empty() && excluded.contains(id) {
                excluded_count += 1;
            } else {
                e.1.push(id.to_string());
            }
            Ok(())
        })?;
    }
    let mut frame: BTreeMap<String, Strata> = scan
        .into_iter()
        .filter(|(_, strata)| !strata.is_empty())
        .map(|(c, strata)| (c.to_string(), strata))
        .collect();
    let missing: Vec<&String> = surveyors
        .keys()
        .filter(|c| !frame.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(OfficeError::Invalid(format!(
            "{}: {} communities have no residents in the register on {day}: {} (load the \
             register, or give --as-of DATE)",
            opts.surveyors_file.display(),
            missing.len(),
            missing
                .iter()
                .take(10)
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }

    // The draw.
    struct Pick {
        community: String,
        stratum: String,
        reserve: u32,
        resident_id: String,
    }
    let mut picks: Vec<Pick> = Vec::new();
    let mut summary: Vec<StratumLine> = Vec::new();
    let mut sizing: Vec<CommunitySizing> = Vec::new();
    for (community, strata) in &mut frame {
        let population: u64 = strata.values().map(|(n, _)| *n).sum();
        let n = match opts.size {
            Size::PerCommunity(n) => n as u64,
            Size::TargetMargin(m) => {
                let assumed = assumed(&opts.sizing, opts.history.get(community));
                let n = assumed.sizing().size_for(m, population) as u64;
                sizing.push(CommunitySizing {
                    community: community.clone(),
                    population,
                    size: n,
                    assumed,
                });
                n
            }
        };
        let counts: Vec<u64> = strata.values().map(|(c, _)| *c).collect();
        let targets = allocate(n, &counts);
        for ((stratum, (pop, ids)), target) in strata.iter_mut().zip(targets) {
            ids.sort_unstable();
            let take = target.min(ids.len() as u64);
            let want = (take + opts.reserve as u64).min(ids.len() as u64) as usize;
            let mut rng = ChaCha8Rng::from_seed(stream_seed(opts.seed, community, stratum));
            for i in 0..want {
                let j = rng.random_range(i..ids.len());
                ids.swap(i, j);
            }
            for (i, id) in ids.iter().take(want).enumerate() {
                let reserve = if (i as u64) < take {
                    0
                } else {
                    (i as u64 - take + 1) as u32
                };
                picks.push(Pick {
                    community: community.clone(),
                    stratum: stratum.clone(),
                    reserve,
                    resident_id: id.clone(),
                });
            }
            summary.push(StratumLine {
                community: community.clone(),
                stratum: stratum.clone(),
                population: *pop,
                eligible: ids.len() as u64,
                target,
                reserves: want as u64 - take,
            });
        }
    }
    picks.sort_by(|a, b| {
        (&a.community, a.reserve, &a.stratum, &a.resident_id).cmp(&(
            &b.community,
            b.reserve,
            &b.stratum,
            &b.resident_id,
        ))
    });

    // The files, then the record of the draw.
    std::fs::create_dir_all(&opts.out).map_err(|e| OfficeError::Io {
        path: opts.out.clone(),
        source: e,
    })?;
    let mut header = vec![
        "resident_id",
        "name",
        "address",
        "community",
        "grid",
        "building",
        "unit",
        "room",
        "phone",
        "street",
        "district",
    ];
    header.extend(opts.strata.iter().map(String::as_str));
    header.extend(["stratum", "reserve"]);
    let mut writers: BTreeMap<&str, csv::Writer<Vec<u8>>> = BTreeMap::new();
    // One transaction from the look-ups to the record of the draw: one
    // read lock for the ~100,000 look-ups instead of one each, and the draw
    // is recorded only when its files are written.
    let quarter = opts.quarter.to_string();
    let tx = db.transaction()?;
    let mut lookup = tx.prepare(
        "SELECT r.name, r.address, r.grid, r.building, r.unit, r.room, r.phone,
                p.street, p.district, p.attributes
         FROM residents r JOIN resident_periods p ON p.resident_id = r.resident_id
         WHERE r.resident_id = ?1 AND p.valid_from <= ?2 AND (p.valid_to IS NULL OR p.valid_to > ?2)",
    )?;
    let csv_err = |e: csv::Error| OfficeError::Invalid(format!("writing the sample: {e}"));
    for p in &picks {
        let surveyor = surveyors[&p.community].as_str();
        let w = writers.entry(surveyor).or_insert_with(|| {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&header).expect("in memory");
            w
        });
        let row = lookup.query_row(params![p.resident_id, day], |r| {
            let mut v: Vec<String> = (0..9)
                .map(|i| r.get::<_, Option<String>>(i).map(Option::unwrap_or_default))
                .collect::<Result<_, _>>()?;
            let attrs: String = r.get(9)?;
            v.push(attrs);
            Ok(v)
        })?;
        let attrs: BTreeMap<String, String> = serde_json::from_str(&row[9]).unwrap_or_default();
        let mut rec: Vec<String> = vec![p.resident_id.clone()];
        rec.extend(row[0..2].iter().cloned());
        rec.push(p.community.clone());
        rec.extend(row[2..9].iter().cloned());
        for s in &opts.strata {
            rec.push(attrs.get(s).cloned().unwrap_or_default());
        }
        rec.push(p.stratum.clone());
        rec.push(p.reserve.to_string());
        w.write_record(&rec).map_err(csv_err)?;
    }
    drop(lookup);
    let mut files = Vec::new();
    for (surveyor, w) in writers {
        let bytes = w
            .into_inner()
            .map_err(|e| OfficeError::Invalid(e.to_string()))?;
        let path = opts.out.join(format!("{surveyor}.csv"));
        doorstep_batch::fsutil::write_atomic(&path, &bytes).map_err(|e| OfficeError::Io {
            path: path.clone(),
            source: e,
        })?;
        files.push(path);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for line in &summary {
        w.serialize(line).map_err(csv_err)?;
    }
    let path = opts.out.join("sample-summary.csv");
    let bytes = w
        .into_inner()
        .map_err(|e| OfficeError::Invalid(e.to_string()))?;
    doorstep_batch::fsutil::write_atomic(&path, &bytes).map_err(|e| OfficeError::Io {
        path: path.clone(),
        source: e,
    })?;

    tx.execute("DELETE FROM sample_members WHERE quarter = ?1", [&quarter])?;
    {
        let mut ins = tx.prepare(
            "INSERT INTO sample_members (quarter, resident_id, community, stratum, reserve, surveyor_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for p in &picks {
            ins.execute(params![
                quarter,
                p.resident_id,
                p.community,
                p.stratum,
                p.reserve,
                surveyors[&p.community]
            ])?;
        }
    }
    tx.commit()?;

    let sampled = picks.iter().filter(|p| p.reserve == 0).count() as u64;
    let assumptions = match opts.size {
        Size::TargetMargin(m) => {
            let from_history = sizing
                .iter()
                .filter(|s| s.assumed.spread_from == "previous_quarter")
                .count();
            let rate_history = sizing
                .iter()
                .filter(|s| s.assumed.response_rate_from == "previous_quarter")
                .count();
            Some(format!(
                "target 95% CI half-width {m} points; index SD and design effect from the \
                 previous quarter ({}) for {from_history} of {} communities, response rate \
                 from its visits for {rate_history}; the rest assumed the defaults: index SD \
                 {}, design effect {}, response rate {} (office.toml [sample]; per community: \
                 --json)",
                opts.quarter.minus(1),
                sizing.len(),
                opts.sizing.index_sd,
                opts.sizing.design_effect,
                opts.sizing.response_rate
            ))
        }
        Size::PerCommunity(_) => None,
    };
    Ok(SampleReport {
        quarter,
        as_of,
        communities: frame.len(),
        sampled,
        reserves: picks.len() as u64 - sampled,
        excluded_recently_interviewed: excluded_count,
        short: summary
            .iter()
            .filter(|s| s.target > s.eligible)
            .cloned()
            .collect(),
        files,
        assumptions,
        sizing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_allocation() {
        // 10 over 50/30/20: exact.
        assert_eq!(allocate(10, &[50, 30, 20]), [5, 3, 2]);
        // 7 over 1/1/1: floors 2,2,2, one left: the first (ties by order).
        assert_eq!(allocate(7, &[1, 1, 1]), [1, 1, 1]);
        assert_eq!(allocate(7, &[10, 10, 10]), [3, 2, 2]);
        // 40 over 523/301/176: quotas 20.92, 12.04, 7.04 → 21, 12, 7.
        assert_eq!(allocate(40, &[523, 301, 176]), [21, 12, 7]);
        // More than there are: everyone.
        assert_eq!(allocate(100, &[3, 4]), [3, 4]);
        assert_eq!(allocate(5, &[]), Vec::<u64>::new());
    }

    #[test]
    fn quarters() {
        let q: Quarter = "2026Q1".parse().unwrap();
        assert_eq!(q.minus(1).to_string(), "2025Q4");
        assert_eq!(q.minus(5).to_string(), "2024Q4");
        assert_eq!(q.first_day().to_string(), "2026-01-01");
        assert_eq!(q.next().to_string(), "2026Q2");
        assert_eq!(q.minus(1).next(), q);
        assert_eq!(q.minus(2).next().next(), q);
        assert_eq!(q.start_text(), "2025-12-31T16:00:00.000Z");
        assert!("2026Q5".parse::<Quarter>().is_err());
        assert!("Q4".parse::<Quarter>().is_err());
    }

    #[test]
    fn target_margin_sizes() {
        let d = SizingDefaults::default();
        // n0 = (1.96·20/3)²·1.5 = 256.1; N large: 256.1/0.6 → 427.
        assert_eq!(d.size_for(3.0, 1_000_000), 427);
        // A small community: the correction, and never more than N.
        assert!(d.size_for(3.0, 500) < 300);
        assert_eq!(d.size_for(0.5, 50), 50);
    }

    #[test]
    fn defaults_fill_in_per_figure() {
        let d = SizingDefaults::default();
        let none = assumed(&d, None);
        assert_eq!(
            (none.index_sd, none.design_effect, none.response_rate),
            (20.0, 1.5, 0.6)
        );
        assert_eq!(
            (none.spread_from, none.response_rate_from),
            ("default", "default")
        );
        let few = CommunityHistory {
            interviews: 3,
            index_sd: 12.0,
            design_effect: 1.2,
            response_rate: Some(0.5),
        };
        let a = assumed(&d, Some(&few));
        assert_eq!((a.index_sd, a.response_rate), (20.0, 0.5));
        assert_eq!(
            (a.spread_from, a.response_rate_from),
            ("default", "previous_quarter")
        );
        let enough = CommunityHistory {
            interviews: 40,
            ..few
        };
        let a = assumed(&d, Some(&enough));
        assert_eq!((a.index_sd, a.design_effect), (12.0, 1.2));
        assert_eq!(a.spread_from, "previous_quarter");
    }
}
