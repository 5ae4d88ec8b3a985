//! The assessment: from the counted interviews and the register to every
//! community's calibrated estimates per quarter and channel, the channels
//! combined with the city's proportions, the year, the change from the
//! quarter before, small-community shrinkage, and ranks with intervals
//! (`docs/method.md`). Pure: the office reads the rows from its store and
//! hands them here.

mod importance;
mod parallel;
mod streets;

pub use importance::{
    ItemFigure, Scored, importance_performance, importance_performance_of, index, weakest,
};
pub use parallel::threads;
pub use streets::{StreetScore, StreetWeighting, street_scores};

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::estimate::{
    Direct, Margin, Rank, calibrated_mean, fay_herriot, rake, rank_intervals, t_quantile,
};

/// The measure every interview has when it has any score: the index.
pub const INDEX: &str = "index";
/// The channel label of the channels combined.
pub const COMBINED: &str = "combined";

/// One counted interview, reduced to what the estimates need.
#[derive(Debug, Clone, PartialEq)]
pub struct Interview {
    pub community: String,
    pub quarter: Quarter,
    pub channel: String,
    /// Its level of each calibration variable, in the settings' order.
    pub levels: Vec<String>,
    /// `index` and each dimension's score, 0–100, where it has one.
    pub measures: BTreeMap<String, f64>,
}

/// The counted interviews as the assessment reads them: a slice of
/// [`Interview`]s, or a caller's own compact form (the office keeps
/// hundreds of thousands with their names interned). Interview `k` is the
/// `k`-th in input order; the estimates take them in that order.
pub trait Sample {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn community(&self, k: usize) -> &str;
    fn quarter(&self, k: usize) -> Quarter;
    fn channel(&self, k: usize) -> &str;
    /// Its level of calibration variable `m` (in the settings' order; ""
    /// when it has none).
    fn level(&self, k: usize, m: usize) -> &str;
    /// The names of the measures it has a value for (any order).
    fn measure_names(&self, k: usize) -> impl Iterator<Item = &str>;
    /// Its value of `measure`, where it has one.
    fn measure(&self, k: usize, measure: &str) -> Option<f64>;
    /// The values of `measure` of interviews `ks`, in their order (a
    /// compact form finds the measure once).
    fn measure_values(&self, ks: &[usize], measure: &str) -> Vec<Option<f64>> {
        ks.iter().map(|&k| self.measure(k, measure)).collect()
    }
}

impl Sample for [Interview] {
    fn len(&self) -> usize {
        <[Interview]>::len(self)
    }
    fn community(&self, k: usize) -> &str {
        &self[k].community
    }
    fn quarter(&self, k: usize) -> Quarter {
        self[k].quarter
    }
    fn channel(&self, k: usize) -> &str {
        &self[k].channel
    }
    fn level(&self, k: usize, m: usize) -> &str {
        self[k].levels.get(m).map_or("", String::as_str)
    }
    fn measure_names(&self, k: usize) -> impl Iterator<Item = &str> {
        self[k].measures.keys().map(String::as_str)
    }
    fn measure(&self, k: usize, measure: &str) -> Option<f64> {
        self[k].measures.get(measure).copied()
    }
}

impl Sample for Vec<Interview> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn community(&self, k: usize) -> &str {
        self.as_slice().community(k)
    }
    fn quarter(&self, k: usize) -> Quarter {
        self[k].quarter
    }
    fn channel(&self, k: usize) -> &str {
        self.as_slice().channel(k)
    }
    fn level(&self, k: usize, m: usize) -> &str {
        self.as_slice().level(k, m)
    }
    fn measure_names(&self, k: usize) -> impl Iterator<Item = &str> {
        self.as_slice().measure_names(k)
    }
    fn measure(&self, k: usize, measure: &str) -> Option<f64> {
        self.as_slice().measure(k, measure)
    }
}

/// A community as the register describes it: where it is and its margins
/// on the calibration variables (in the settings' order).
#[derive(Debug, Clone, PartialEq)]
pub struct Community {
    pub id: String,
    pub street: String,
    pub district: String,
    pub margins: Vec<Margin>,
}

/// A calendar quarter, `2026Q4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    pub q: u8,
}

impl Quarter {
    pub fn parse(s: &str) -> Option<Quarter> {
        let (y, q) = s.split_once(['Q', 'q'])?;
        let year: i32 = y.parse().ok()?;
        let q: u8 = q.parse().ok()?;
        ((1..=4).contains(&q) && (1000..=9999).contains(&year)).then_some(Quarter { year, q })
    }

    pub fn previous(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

/// How the year is made of its quarters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annual {
    /// Each quarter counts the same.
    Mean,
    /// Quarters weighted by their interviews.
    ByInterviews,
}

/// The method's choices (`office.toml`; defaults in `Default`).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Each channel's proportion of the combined score.
    pub channels: Vec<(String, f64)>,
    /// Below this n or effective n a community is flagged small.
    pub min_n: f64,
    pub annual: Annual,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            channels: vec![
                ("home_visit".into(), 0.5),
                ("phone".into(), 0.3),
                ("online".into(), 0.2),
            ],
            min_n: 30.0,
            annual: Annual::Mean,
        }
    }
}

/// One published figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub community: String,
    pub street: String,
    pub district: String,
    /// `2026Q4` or `2026`.
    pub period: String,
    /// A channel, or `combined`.
    pub channel: String,
    /// `index` or a dimension id.
    pub measure: String,
    pub estimate: f64,
    pub se: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub n: usize,
    pub n_eff: f64,
    pub small: bool,
    /// The Fay–Herriot estimate shrunk toward the street's mean, where the
    /// street has at least three communities with a figure.
    pub shrunk: Option<f64>,
    pub shrunk_se: Option<f64>,
    /// What the reader should know: collapsed levels, a calibration that
    /// could not be met, channels missing from a combined score.
    pub notes: Vec<String>,
}

/// A change from the quarter before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub community: String,
    pub period: String,
    pub channel: String,
    pub measure: String,
    pub change: f64,
    pub se: f64,
    /// The 95% interval of the change excludes 0.
    pub significant: bool,
}

/// Something in the input the estimates had to leave out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub community: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Assessment {
    pub rows: Vec<Row>,
    pub changes: Vec<Change>,
    pub problems: Vec<Problem>,
    /// Per input interview, in input order: its base and calibrated
    /// weights, or `None` when it was left out.
    #[serde(skip)]
    pub weights: Vec<Option<(f64, f64)>>,
}

type CellKey<'a> = (&'a str, Quarter, &'a str);

/// Every community × quarter × channel × measure, the channels combined,
/// each year's figure, and quarter-on-quarter changes. The cells are
/// computed on the machine's cores ([`threads`]); the result is the same
/// as [`assess_on`] with one thread, bit for bit.
pub fn assess<S: Sample + Sync + ?Sized>(
    interviews: &S,
    communities: &[Community],
    settings: &Settings,
) -> Assessment {
    assess_on(interviews, communities, settings, threads())
}

/// [`assess`] on up to `threads` threads (1: in the caller's thread
/// alone). Each community × quarter × channel is calibrated and estimated
/// on its own; the cells' figures, problems and weights are merged in the
/// cells' order, so the thread count changes nothing but the time.
pub fn assess_on<S: Sample + Sync + ?Sized>(
    interviews: &S,
    communities: &[Community],
    settings: &Settings,
    threads: usize,
) -> Assessment {
    let by_id: BTreeMap<&str, &Community> =
        communities.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut out = Assessment {
        weights: vec![None; interviews.len()],
        ..Assessment::default()
    };
    let mut cells: BTreeMap<CellKey, Vec<usize>> = BTreeMap::new();
    for k in 0..interviews.len() {
        cells
            .entry((
                interviews.community(k),
                interviews.quarter(k),
                interviews.channel(k),
            ))
            .or_default()
            .push(k);
    }
    let cells: Vec<(CellKey, Vec<usize>)> = cells.into_iter().collect();
    let figures: Vec<Option<Cell>> = parallel::map_ordered(
        &cells,
        threads,
        |((community, quarter, channel), members)| {
            let c = by_id.get(community)?;
            Some(cell_rows(
                c, *quarter, channel, interviews, members, settings,
            ))
        },
    );
    // Per community × quarter: each channel's figures, by measure.
    let mut channel_rows: BTreeMap<(&str, Quarter), Vec<Row>> = BTreeMap::new();
    for (((community, quarter, _), members), cell) in cells.iter().zip(figures) {
        let Some(cell) = cell else {
            out.problems.push(Problem {
                community: community.to_string(),
                message: format!(
                    "{} interviews of a community not in the register",
                    members.len()
                ),
            });
            continue;
        };
        out.problems.extend(cell.problems);
        for (k, w) in cell.weights {
            out.weights[k] = Some(w);
        }
        channel_rows
            .entry((community, *quarter))
            .or_default()
            .extend(cell.rows);
    }
    for ((community, quarter), rows) in channel_rows {
        let combined = combine(by_id[community], quarter, &rows, settings);
        out.rows.extend(rows);
        out.rows.extend(combined);
    }
    let annual = annual_rows(&out.rows, settings);
    out.changes = changes(&out.rows);
    out.rows.extend(annual);
    shrink_rows(&mut out.rows);
    out
}

/// One community × quarter × channel's figures, what it had to leave out,
/// and each kept interview's (base, calibrated) weights.
struct Cell {
    rows: Vec<Row>,
    problems: Vec<Problem>,
    weights: Vec<(usize, (f64, f64))>,
}

/// Calibrates one community × quarter × channel and estimates each measure.
fn cell_rows<S: Sample + ?Sized>(
    c: &Community,
    quarter: Quarter,
    channel: &str,
    interviews: &S,
    members: &[usize],
    settings: &Settings,
) -> Cell {
    let mut problems = Vec::new();
    // Interviews whose levels the register does not know cannot be
    // calibrated: left out, and said.
    let mut kept = Vec::new();
    let mut levels: Vec<Vec<usize>> = vec![Vec::new(); c.margins.len()];
    'each: for &k in members {
        let mut mine = Vec::with_capacity(c.margins.len());
        for (m, margin) in c.margins.iter().enumerate() {
            let value = interviews.level(k, m);
            match margin.levels.iter().position(|l| l == value) {
                Some(l) => mine.push(l),
                None => {
                    problems.push(Problem {
                        community: c.id.clone(),
                        message: format!(
                            "{quarter} {channel}: an interview's {} '{value}' is not a level of the register; left out",
                            margin.name
                        ),
                    });
                    continue 'each;
                }
            }
        }
        for (m, l) in mine.into_iter().enumerate() {
            levels[m].push(l);
        }
        kept.push(k);
    }
    if kept.is_empty() {
        return Cell {
            rows: Vec::new(),
            problems,
            weights: Vec::new(),
        };
    }
    let population: f64 = c.margins.first().map_or(0.0, |m| m.totals.iter().sum());
    let base_each = if population > 0.0 {
        population / kept.len() as f64
    } else {
        1.0
    };
    let base = vec![base_each; kept.len()];
    let mut notes = Vec::new();
    let cal = match rake(&base, &levels, &c.margins) {
        Ok(cal) => {
            for k in &cal.collapsed {
                notes.push(format!("{}: {} merged into {}", k.margin, k.level, k.into));
            }
            cal
        }
        Err(e) => {
            notes.push(format!("not calibrated ({e}); base weights used"));
            rake(&base, &[], &[]).expect("base weights alone always calibrate")
        }
    };
    let weights = kept
        .iter()
        .zip(cal.base.iter().zip(&cal.weights))
        .map(|(k, (d, w))| (*k, (*d, *w)))
        .collect();
    let measures: BTreeSet<&str> = kept
        .iter()
        .flat_map(|&k| interviews.measure_names(k))
        .collect();
    let rows = measures
        .into_iter()
        .filter_map(|measure| {
            let y = interviews.measure_values(&kept, measure);
            let e = calibrated_mean(&cal, &y)?;
            Some(Row {
                community: c.id.clone(),
                street: c.street.clone(),
                district: c.district.clone(),
                period: quarter.to_string(),
                channel: channel.to_string(),
                measure: measure.to_string(),
                small: (e.n as f64) < settings.min_n || e.n_eff < settings.min_n,
                estimate: e.estimate,
                se: e.se,
                ci_low: e.ci_low,
                ci_high: e.ci_high,
                n: e.n,
                n_eff: e.n_eff,
                shrunk: None,
                shrunk_se: None,
                notes: notes.clone(),
            })
        })
        .collect();
    Cell {
        rows,
        problems,
        weights,
    }
}

/// The channels combined with the city's proportions, renormalised over
/// the channels that have a figure.
fn combine(c: &Community, quarter: Quarter, rows: &[Row], settings: &Settings) -> Vec<Row> {
    let mut by_measure: BTreeMap<&str, Vec<(&Row, f64)>> = BTreeMap::new();
    for r in rows {
        if let Some((_, p)) = settings
            .channels
            .iter()
            .find(|(ch, p)| *ch == r.channel && *p > 0.0)
        {
            by_measure.entry(&r.measure).or_default().push((r, *p));
        }
    }
    by_measure
        .into_iter()
        .map(|(measure, parts)| {
            let total: f64 = parts.iter().map(|(_, p)| p).sum();
            let estimate: f64 = parts.iter().map(|(r, p)| p / total * r.estimate).sum();
            let se = parts
                .iter()
                .map(|(r, p)| (p / total).powi(2) * r.se.powi(2))
                .sum::<f64>()
                .sqrt();
            let n: usize = parts.iter().map(|(r, _)| r.n).sum();
            let n_eff: f64 = parts.iter().map(|(r, _)| r.n_eff).sum();
            let mut notes: Vec<String> = Vec::new();
            let missing: Vec<&str> = settings
                .channels
                .iter()
                .filter(|(ch, p)| *p > 0.0 && !parts.iter().any(|(r, _)| r.channel == *ch))
                .map(|(ch, _)| ch.as_str())
                .collect();
            if !missing.is_empty() {
                notes.push(format!(
                    "no figure from {}: proportions renormalised",
                    missing.join(", ")
                ));
            }
            let half = interval(se, n);
            Row {
                community: c.id.clone(),
                street: c.street.clone(),
                district: c.district.clone(),
                period: quarter.to_string(),
                channel: COMBINED.into(),
                measure: measure.into(),
                estimate,
                se,
                ci_low: estimate - half,
                ci_high: estimate + half,
                n,
                n_eff,
                small: (n as f64) < settings.min_n || n_eff < settings.min_n,
                shrunk: None,
                shrunk_se: None,
                notes,
            }
        })
        .collect()
}

/// Half-width of a 95% interval, t with n − 1 degrees of freedom.
fn interval(se: f64, n: usize) -> f64 {
    if n > 1 {
        t_quantile(0.975, (n - 1) as f64) * se
    } else {
        f64::INFINITY
    }
}

/// Each year's figure from its quarters (every channel and combined).
fn annual_rows(rows: &[Row], settings: &Settings) -> Vec<Row> {
    let mut groups: BTreeMap<(&str, i32, &str, &str), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        if let Some(q) = Quarter::parse(&r.period) {
            groups
                .entry((&r.community, q.year, &r.channel, &r.measure))
                .or_default()
                .push(r);
        }
    }
    groups
        .into_iter()
        .map(|((_, year, _, _), quarters)| {
            let weights: Vec<f64> = match settings.annual {
                Annual::Mean => vec![1.0; quarters.len()],
                Annual::ByInterviews => quarters.iter().map(|r| r.n as f64).collect(),
            };
            let total: f64 = weights.iter().sum();
            let estimate = quarters
                .iter()
                .zip(&weights)
                .map(|(r, w)| w * r.estimate)
                .sum::<f64>()
                / total;
            let se = quarters
                .iter()
                .zip(&weights)
                .map(|(r, w)| (w / total).powi(2) * r.se.powi(2))
                .sum::<f64>()
                .sqrt();
            let n: usize = quarters.iter().map(|r| r.n).sum();
            let n_eff: f64 = quarters.iter().map(|r| r.n_eff).sum();
            let first = quarters[0];
            let half = interval(se, n);
            let mut notes: Vec<String> = quarters
                .iter()
                .flat_map(|r| r.notes.iter().cloned())
                .collect();
            notes.sort();
            notes.dedup();
            if quarters.len() < 4 {
                notes.push(format!("{} of 4 quarters", quarters.len()));
            }
            Row {
                period: year.to_string(),
                estimate,
                se,
                ci_low: estimate - half,
                ci_high: estimate + half,
                n,
                n_eff,
                small: quarters.iter().any(|r| r.small),
                notes,
                ..first.clone()
            }
        })
        .collect()
}

/// Quarter-on-quarter changes where both quarters have a figure.
fn changes(rows: &[Row]) -> Vec<Change> {
    let index: BTreeMap<(&str, Quarter, &str, &str), &Row> = rows
        .iter()
        .filter_map(|r| {
            Quarter::parse(&r.period).map(|q| {
                (
                    (
                        r.community.as_str(),
                        q,
                        r.channel.as_str(),
                        r.measure.as_str(),
                    ),
                    r,
                )
            })
        })
        .collect();
    index
        .iter()
        .filter_map(|(&(community, q, channel, measure), now)| {
            let before = index.get(&(community, q.previous(), channel, measure))?;
            Some(change(now, before, q.to_string()))
        })
        .collect()
}

/// `now` against `before`: SE = √(v_t + v_{t−1}), significant when the 95%
/// interval of the change excludes 0.
fn change(now: &Row, before: &Row, period: String) -> Change {
    let change = now.estimate - before.estimate;
    let se = (now.se.powi(2) + before.se.powi(2)).sqrt();
    Change {
        community: now.community.clone(),
        period,
        channel: now.channel.clone(),
        measure: now.measure.clone(),
        change,
        se,
        significant: se > 0.0 && change.abs() > 1.959963984540054 * se,
    }
}

/// Each figure of `year` in `current` against the same figure (community,
/// channel, measure) of the year before in `previous` — that year's own
/// assessment, as it was published: the year's change, period `year`.
/// A figure without one the year before has none.
pub fn year_changes(current: &Assessment, previous: &Assessment, year: i32) -> Vec<Change> {
    let (now, before) = (year.to_string(), (year - 1).to_string());
    let earlier: BTreeMap<(&str, &str, &str), &Row> = previous
        .rows
        .iter()
        .filter(|r| r.period == before)
        .map(|r| {
            (
                (r.community.as_str(), r.channel.as_str(), r.measure.as_str()),
                r,
            )
        })
        .collect();
    current
        .rows
        .iter()
        .filter(|r| r.period == now)
        .filter_map(|r| {
            let b = earlier.get(&(r.community.as_str(), r.channel.as_str(), r.measure.as_str()))?;
            Some(change(r, b, now.clone()))
        })
        .collect()
}

/// Shrinks each street's communities' figures toward the street's mean
/// (per period, channel and measure).
fn shrink_rows(rows: &mut [Row]) {
    // Grouped by borrowed names (no copy of four strings per row), then
    // each group's fit written back.
    let mut groups: BTreeMap<(&str, &str, &str, &str), Vec<usize>> = BTreeMap::new();
    for (k, r) in rows.iter().enumerate() {
        groups
            .entry((&r.street, &r.period, &r.channel, &r.measure))
            .or_default()
            .push(k);
    }
    let mut fits: Vec<(usize, f64, f64)> = Vec::new();
    for members in groups.values() {
        let direct: Vec<Direct> = members
            .iter()
            .map(|&k| Direct {
                estimate: rows[k].estimate,
                variance: rows[k].se.powi(2),
            })
            .collect();
        if let Some(fit) = fay_herriot(&direct) {
            for (&k, s) in members.iter().zip(&fit.areas) {
                fits.push((k, s.estimate, s.se));
            }
        }
    }
    for (k, estimate, se) in fits {
        rows[k].shrunk = Some(estimate);
        rows[k].shrunk_se = Some(se);
    }
}

/// Where a ranking is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Street,
    District,
    City,
}

/// Grade bands: (lower bound, grade), best first; below the last, the
/// last grade given by `floor`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grades {
    pub bands: Vec<(f64, String)>,
    pub floor: String,
}

impl Default for Grades {
    fn default() -> Self {
        Grades {
            bands: vec![
                (85.0, "优秀".into()),
                (80.0, "良好".into()),
                (75.0, "尚可".into()),
                (70.0, "一般".into()),
            ],
            floor: "较差".into(),
        }
    }
}

impl Grades {
    pub fn grade(&self, score: f64) -> &str {
        self.bands
            .iter()
            .find(|(low, _)| score >= *low)
            .map_or(self.floor.as_str(), |(_, g)| g.as_str())
    }
}

/// One community's place in its street, district or the city.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub community: String,
    /// The street, district or `city` it is ranked within.
    pub within: String,
    pub score: f64,
    pub se: f64,
    pub rank: usize,
    pub rank_low: usize,
    pub rank_high: usize,
    pub grade: String,
    pub change: Option<f64>,
    pub change_significant: Option<bool>,
}

/// How the ranking is made.
#[derive(Debug, Clone, PartialEq)]
pub struct RankSettings {
    /// Rank by the shrunk estimate where there is one.
    pub shrunk: bool,
    pub draws: usize,
    pub level: f64,
    pub seed: u64,
    pub grades: Grades,
}

impl Default for RankSettings {
    fn default() -> Self {
        RankSettings {
            shrunk: false,
            draws: 1000,
            level: 0.9,
            seed: 1,
            grades: Grades::default(),
        }
    }
}

/// Ranks the combined index of `period` within each street, district or
/// the city.
pub fn rank(
    assessment: &Assessment,
    period: &str,
    level: Level,
    settings: &RankSettings,
) -> Vec<Ranked> {
    let mut groups: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    for r in &assessment.rows {
        if r.period == period && r.channel == COMBINED && r.measure == INDEX {
            let within = match level {
                Level::Street => r.street.clone(),
                Level::District => r.district.clone(),
                Level::City => "city".into(),
            };
            groups.entry(within).or_default().push(r);
        }
    }
    let mut change_of: BTreeMap<&str, &Change> = BTreeMap::new();
    for c in &assessment.changes {
        if c.period == period && c.channel == COMBINED && c.measure == INDEX {
            change_of.entry(c.community.as_str()).or_insert(c);
        }
    }
    let mut out = Vec::new();
    for (within, rows) in groups {
        let scored: Vec<(f64, f64)> = rows
            .iter()
            .map(|r| match (settings.shrunk, r.shrunk, r.shrunk_se) {
                (true, Some(e), Some(se)) => (e, se),
                _ => (r.estimate, r.se),
            })
            .collect();
        let ranks: Vec<Rank> =
            rank_intervals(&scored, settings.draws, settings.level, settings.seed);
        for ((r, (score, se)), rk) in rows.iter().zip(&scored).zip(ranks) {
            let change = change_of.get(r.community.as_str());
            out.push(Ranked {
                community: r.community.clone(),
                within: within.clone(),
                score: *score,
                se: *se,
                rank: rk.rank,
                rank_low: rk.low,
                rank_high: rk.high,
                grade: settings.grades.grade(*score).to_string(),
                change: change.map(|c| c.change),
                change_significant: change.map(|c| c.significant),
            });
        }
    }
    out.sort_by(|a, b| {
        a.within
            .cmp(&b.within)
            .then(a.rank.cmp(&b.rank))
            .then(a.community.cmp(&b.community))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).unwrap()
    }

    fn community(id: &str, street: &str) -> Community {
        Community {
            id: id.into(),
            street: street.into(),
            district: "D".into(),
            margins: vec![Margin {
                name: "gender".into(),
                levels: vec!["m".into(), "f".into()],
                totals: vec![50.0, 50.0],
            }],
        }
    }

    fn interview(c: &str, quarter: &str, channel: &str, gender: &str, index: f64) -> Interview {
        Interview {
            community: c.into(),
            quarter: q(quarter),
            channel: channel.into(),
            levels: vec![gender.into()],
            measures: [(INDEX.to_string(), index)].into(),
        }
    }

    fn row<'a>(a: &'a Assessment, c: &str, period: &str, channel: &str) -> &'a Row {
        a.rows
            .iter()
            .find(|r| {
                r.community == c && r.period == period && r.channel == channel && r.measure == INDEX
            })
            .unwrap_or_else(|| panic!("no row {c} {period} {channel}"))
    }

    #[test]
    fn quarters_parse_and_step_back() {
        assert_eq!(q("2026Q1").previous(), q("2025Q4"));
        assert_eq!(q("2026q3").to_string(), "2026Q3");
        for bad in ["2026Q5", "2026", "Q4", "26Q1", "2026Q0"] {
            assert!(Quarter::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn channels_combine_with_renormalised_proportions() {
        let mut iv = Vec::new();
        // Home visits: m 60, 80 / f 70, 90 → post-stratified mean 75.
        for (g, v) in [("m", 60.0), ("m", 80.0), ("f", 70.0), ("f", 90.0)] {
            iv.push(interview("A", "2026Q4", "home_visit", g, v));
        }
        // Phone: everyone 85 → mean 85, SE 0.
        for g in ["m", "f", "m", "f"] {
            iv.push(interview("A", "2026Q4", "phone", g, 85.0));
        }
        let a = assess(&iv, &[community("A", "S")], &Settings::default());
        let home = row(&a, "A", "2026Q4", "home_visit");
        assert!((home.estimate - 75.0).abs() < 1e-9);
        let all = row(&a, "A", "2026Q4", COMBINED);
        // No online figure: 0.5 and 0.3 renormalised to 0.625 and 0.375.
        assert!((all.estimate - (0.625 * 75.0 + 0.375 * 85.0)).abs() < 1e-9);
        assert!((all.se - 0.625 * home.se).abs() < 1e-12);
        assert_eq!(all.n, 8);
        assert!(all.small, "8 interviews are fewer than 30");
        assert!(
            all.notes.iter().any(|n| n.contains("online")),
            "{:?}",
            all.notes
        );
    }

    #[test]
    fn the_year_and_the_change_from_the_quarter_before() {
        let mut iv = Vec::new();
        for (quarter, base) in [("2026Q3", 60.0), ("2026Q4", 80.0)] {
            for k in 0..40 {
                let g = if k % 2 == 0 { "m" } else { "f" };
                iv.push(interview(
                    "A",
                    quarter,
                    "home_visit",
                    g,
                    base + (k % 5) as f64,
                ));
            }
        }
        let a = assess(&iv, &[community("A", "S")], &Settings::default());
        let q3 = row(&a, "A", "2026Q3", COMBINED).clone();
        let q4 = row(&a, "A", "2026Q4", COMBINED).clone();
        let year = row(&a, "A", "2026", COMBINED);
        assert!((year.estimate - (q3.estimate + q4.estimate) / 2.0).abs() < 1e-9);
        assert!((year.se - (q3.se.powi(2) + q4.se.powi(2)).sqrt() / 2.0).abs() < 1e-12);
        assert!(year.notes.iter().any(|n| n == "2 of 4 quarters"));
        let change = a
            .changes
            .iter()
            .find(|c| c.channel == COMBINED && c.measure == INDEX)
            .unwrap();
        assert_eq!(change.period, "2026Q4");
        assert!((change.change - 20.0).abs() < 1e-9);
        assert!(change.significant);
    }

    /// A year's figure of a community, as `annual_rows` makes it.
    fn year_row(c: &str, year: &str, estimate: f64, se: f64) -> Row {
        Row {
            community: c.into(),
            street: "S".into(),
            district: "D".into(),
            period: year.into(),
            channel: COMBINED.into(),
            measure: INDEX.into(),
            estimate,
            se,
            ci_low: estimate - 2.0 * se,
            ci_high: estimate + 2.0 * se,
            n: 400,
            n_eff: 400.0,
            small: false,
            shrunk: None,
            shrunk_se: None,
            notes: Vec::new(),
        }
    }

    #[test]
    fn the_year_changes_against_the_year_before() {
        let mut now = Assessment {
            rows: vec![
                year_row("A", "2026", 80.0, 3.0),
                year_row("B", "2026", 90.0, 1.5),
                year_row("C", "2026", 70.0, 2.0),
            ],
            ..Assessment::default()
        };
        let before = Assessment {
            rows: vec![
                year_row("A", "2025", 75.0, 4.0),
                year_row("B", "2025", 84.0, 2.0),
                // Another year and another community: not the year before.
                year_row("C", "2024", 10.0, 1.0),
                year_row("Z", "2025", 60.0, 1.0),
            ],
            ..Assessment::default()
        };
        let changes = year_changes(&now, &before, 2026);
        // By hand: A +5, SE √(3² + 4²) = 5, |5| < 1.96 × 5: not significant;
        // B +6, SE √(1.5² + 2²) = 2.5, 6 > 4.9: significant; C none.
        let got: Vec<(&str, &str, f64, f64, bool)> = changes
            .iter()
            .map(|c| {
                (
                    c.community.as_str(),
                    c.period.as_str(),
                    c.change,
                    c.se,
                    c.significant,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("A", "2026", 5.0, 5.0, false),
                ("B", "2026", 6.0, 2.5, true)
            ]
        );
        now.changes = changes;
        let ranked = rank(&now, "2026", Level::City, &RankSettings::default());
        let of = |c: &str| ranked.iter().find(|r| r.community == c).unwrap();
        assert_eq!(
            (of("A").change, of("A").change_significant),
            (Some(5.0), Some(false))
        );
        assert_eq!(
            (of("B").change, of("B").change_significant),
            (Some(6.0), Some(true))
        );
        assert_eq!((of("C").change, of("C").change_significant), (None, None));
    }

    #[test]
    fn unknown_levels_and_communities_are_problems_not_figures() {
        let iv = vec![
            interview("A", "2026Q4", "home_visit", "m", 70.0),
            interview("A", "2026Q4", "home_visit", "x", 10.0),
            interview("Z", "2026Q4", "home_visit", "m", 10.0),
        ];
        let a = assess(&iv, &[community("A", "S")], &Settings::default());
        assert_eq!(a.problems.len(), 2, "{:?}", a.problems);
        let home = row(&a, "A", "2026Q4", "home_visit");
        assert_eq!(home.n, 1);
        assert_eq!(home.estimate, 70.0);
        assert!(a.rows.iter().all(|r| r.community == "A"));
        assert!(
            a.rows
                .iter()
                .all(|r| !r.estimate.is_nan() && !r.se.is_nan())
        );
        // The left-out interviews have no weight; the kept one carries the
        // whole register (the empty level merged into its own).
        assert_eq!(a.weights[1], None);
        assert_eq!(a.weights[2], None);
        assert_eq!(a.weights[0].map(|w| w.1), Some(100.0));
    }

    #[test]
    fn ranks_within_streets_with_grades_and_shrinkage() {
        let mut iv = Vec::new();
        let mut communities = Vec::new();
        for (c, street, level) in [
            ("A", "S1", 88.0),
            ("B", "S1", 78.0),
            ("C", "S1", 72.0),
            ("D", "S2", 60.0),
        ] {
            communities.push(community(c, street));
            for k in 0..40 {
                let g = if k % 2 == 0 { "m" } else { "f" };
                iv.push(interview(
                    c,
                    "2026Q4",
                    "home_visit",
                    g,
                    level + (k % 3) as f64 - 1.0,
                ));
            }
        }
        let a = assess(&iv, &communities, &Settings::default());
        // Three communities on S1: shrinkage fitted; S2 has one: none.
        assert!(row(&a, "A", "2026Q4", COMBINED).shrunk.is_some());
        assert!(row(&a, "D", "2026Q4", COMBINED).shrunk.is_none());
        let ranked = rank(&a, "2026Q4", Level::Street, &RankSettings::default());
        let s1: Vec<(&str, usize, &str)> = ranked
            .iter()
            .filter(|r| r.within == "S1")
            .map(|r| (r.community.as_str(), r.rank, r.grade.as_str()))
            .collect();
        assert_eq!(s1, [("A", 1, "优秀"), ("B", 2, "尚可"), ("C", 3, "一般")]);
        let city = rank(&a, "2026Q4", Level::City, &RankSettings::default());
        let d = city.iter().find(|r| r.community == "D").unwrap();
        assert_eq!(
            (d.rank, d.rank_low, d.rank_high, d.grade.as_str()),
            (4, 4, 4, "较差")
        );
        assert_eq!(
            city,
            rank(&a, "2026Q4", Level::City, &RankSettings::default())
        );
    }
}
