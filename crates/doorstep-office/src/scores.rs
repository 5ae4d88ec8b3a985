//! The assessment from the office store: the counted interviews scored
//! with their questionnaire, each resident's calibration variables and
//! community from the register as it stood when they were interviewed, and
//! each community's register margins, handed to
//! `doorstep_core::assessment` (the method: `docs/method.md`). Every run is
//! recorded with a hash of its settings so a published figure can be
//! reproduced.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use doorstep_core::assessment::{
    self, Annual, Assessment, Community, INDEX, Quarter, Settings as Method,
};
use doorstep_core::estimate::Margin;
use doorstep_core::interview::Answer;
use doorstep_core::questionnaire::Questionnaire;
use doorstep_core::scoring::item_score;

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

/// What a run keeps of each interview beyond what the estimates need.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keep {
    /// Interview and resident ids (`office export interviews`, the app).
    pub ids: bool,
    /// Each scored item's score (the report's weakest items and
    /// importance–performance table).
    pub items: bool,
}

/// Strings of a run, each kept once and named by a number.
#[derive(Debug, Clone, Default)]
struct Names {
    list: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32>,
}

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.list.len()).expect("fewer than 4 billion names");
        self.list.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    fn get(&self, id: u32) -> &str {
        &self.list[id as usize]
    }
}

/// One counted interview, compact: names are numbers in [`Interviews`].
#[derive(Debug, Clone)]
struct Counted {
    community: u32,
    street: u32,
    quarter: Quarter,
    channel: u32,
    /// Its level of each calibration variable, in the settings' order.
    levels: Box<[u32]>,
    index: Option<f64>,
    /// (dimension, score), in dimension order.
    dimensions: Box<[(u32, f64)]>,
    /// Codes of its (item, score) pairs (`Keep::items`).
    items: Box<[u32]>,
    /// Interview and resident id (`Keep::ids`).
    ids: Option<Box<(String, String)>>,
    base_weight: Option<f64>,
    weight: Option<f64>,
}

/// The counted interviews of a run, in the order the estimates take them
/// (start time, then interview id), with what the run was asked to keep.
#[derive(Debug, Clone, Default)]
pub struct Interviews {
    names: Names,
    /// (item, score) by code: an item's few distinct scores kept once.
    item_scores: Vec<(u32, f64)>,
    item_codes: HashMap<(u32, u64), u32>,
    rows: Vec<Counted>,
}

impl Interviews {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = CountedInterview<'_>> + '_ {
        self.rows
            .iter()
            .map(move |row| CountedInterview { set: self, row })
    }

    fn item_code(&mut self, item: u32, score: f64) -> u32 {
        *self
            .item_codes
            .entry((item, score.to_bits()))
            .or_insert_with(|| {
                self.item_scores.push((item, score));
                (self.item_scores.len() - 1) as u32
            })
    }
}

impl assessment::Sample for Interviews {
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn community(&self, k: usize) -> &str {
        self.names.get(self.rows[k].community)
    }
    fn quarter(&self, k: usize) -> Quarter {
        self.rows[k].quarter
    }
    fn channel(&self, k: usize) -> &str {
        self.names.get(self.rows[k].channel)
    }
    fn level(&self, k: usize, m: usize) -> &str {
        self.rows[k]
            .levels
            .get(m)
            .map_or("", |&l| self.names.get(l))
    }
    fn measure_names(&self, k: usize) -> impl Iterator<Item = &str> {
        let row = &self.rows[k];
        row.dimensions
            .iter()
            .map(|(d, _)| self.names.get(*d))
            .chain(row.index.map(|_| INDEX))
    }
    fn measure(&self, k: usize, measure: &str) -> Option<f64> {
        let row = &self.rows[k];
        // The index replaces a dimension of the same name, as a map would.
        if measure == INDEX && row.index.is_some() {
            return row.index;
        }
        row.dimensions
            .iter()
            .find(|(d, _)| self.names.get(*d) == measure)
            .map(|(_, v)| *v)
    }
    fn measure_values(&self, ks: &[usize], measure: &str) -> Vec<Option<f64>> {
        let id = self.names.ids.get(measure).copied();
        ks.iter()
            .map(|&k| {
                let row = &self.rows[k];
                if measure == INDEX && row.index.is_some() {
                    return row.index;
                }
                let id = id?;
                row.dimensions
                    .iter()
                    .find(|(d, _)| *d == id)
                    .map(|(_, v)| *v)
            })
            .collect()
    }
}

/// One counted interview as exported for recomputation.
#[derive(Debug, Clone, Copy)]
pub struct CountedInterview<'a> {
    set: &'a Interviews,
    row: &'a Counted,
}

impl<'a> CountedInterview<'a> {
    pub fn community(&self) -> &'a str {
        self.set.names.get(self.row.community)
    }
    pub fn street(&self) -> &'a str {
        self.set.names.get(self.row.street)
    }
    pub fn quarter(&self) -> Quarter {
        self.row.quarter
    }
    pub fn channel(&self) -> &'a str {
        self.set.names.get(self.row.channel)
    }
    /// Kept with `Keep::ids`.
    pub fn interview_id(&self) -> Option<&'a str> {
        self.row.ids.as_ref().map(|ids| ids.0.as_str())
    }
    /// Kept with `Keep::ids`.
    pub fn resident_id(&self) -> Option<&'a str> {
        self.row.ids.as_ref().map(|ids| ids.1.as_str())
    }
    /// Its level of each calibration variable, in the settings' order.
    pub fn calibration(self) -> impl Iterator<Item = &'a str> + 'a {
        let set = self.set;
        self.row.levels.iter().map(move |&l| set.names.get(l))
    }
    pub fn base_weight(&self) -> Option<f64> {
        self.row.base_weight
    }
    pub fn weight(&self) -> Option<f64> {
        self.row.weight
    }
    pub fn index(&self) -> Option<f64> {
        self.row.index
    }
    /// (dimension, score), in dimension order.
    pub fn dimensions(self) -> impl Iterator<Item = (&'a str, f64)> + 'a {
        let set = self.set;
        self.row
            .dimensions
            .iter()
            .map(move |(d, v)| (set.names.get(*d), *v))
    }
    pub fn dimension(&self, d: &str) -> Option<f64> {
        self.dimensions()
            .find(|(name, _)| *name == d)
            .map(|(_, v)| v)
    }
    /// Each scored item's score (kept with `Keep::items`).
    pub fn items(self) -> impl Iterator<Item = (&'a str, f64)> + 'a {
        let set = self.set;
        self.row.items.iter().map(move |&c| {
            let (item, score) = set.item_scores[c as usize];
            (set.names.get(item), score)
        })
    }
}

/// The result of a run, with what it was made of.
#[derive(Debug, Clone)]
pub struct ScoreRun {
    /// The recorded run (`scoring_runs`); `None` when only viewed.
    pub run_id: Option<i64>,
    pub settings_hash: String,
    pub period: String,
    pub assessment: Assessment,
    pub interviews: Interviews,
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

fn quarter_start(q: Quarter) -> NaiveDate {
    NaiveDate::from_ymd_opt(q.year, u32::from(q.q) * 3 - 2, 1).expect("a valid month")
}

/// Scores `period` from the store and records the run (`office scores`,
/// `rank`, `report`, `export interviews`).
pub fn run(
    db: &mut Db,
    counting: Counting,
    settings: &ScoreSettings,
    questionnaires: &[Questionnaire],
    period: Period,
    keep: Keep,
) -> Result<ScoreRun, OfficeError> {
    let mut run = compute(db, counting, settings, questionnaires, period, keep)?;
    record(db, counting, settings, &mut run)?;
    Ok(run)
}

/// Scores `period` from the store without recording anything (the office
/// app's Scores tab: looking is not a run).
pub fn compute(
    db: &Db,
    counting: Counting,
    settings: &ScoreSettings,
    questionnaires: &[Questionnaire],
    period: Period,
    keep: Keep,
) -> Result<ScoreRun, OfficeError> {
    settings.validate().map_err(OfficeError::Invalid)?;
    let mut sets = vec![period.quarters()];
    if let Period::Year(year) = period {
        // The year before, scored as it would be on its own: its change.
        sets.push(Period::Year(year - 1).quarters());
    }
    let mut loaded = load(db, counting, settings, questionnaires, &sets, keep)?.into_iter();
    let Loaded {
        mut interviews,
        communities,
        left_out,
    } = loaded.next().expect("one set per period");
    let mut assessment = assessment::assess(&interviews, &communities, &method(settings));
    if let Some(before) = loaded.next()
        && let Period::Year(year) = period
        && !before.interviews.is_empty()
    {
        let previous =
            assessment::assess(&before.interviews, &before.communities, &method(settings));
        assessment
            .changes
            .extend(assessment::year_changes(&assessment, &previous, year));
    }
    for (row, w) in interviews.rows.iter_mut().zip(&assessment.weights) {
        row.base_weight = w.map(|w| w.0);
        row.weight = w.map(|w| w.1);
    }
    Ok(ScoreRun {
        run_id: None,
        settings_hash: settings.hash(),
        period: period.label(),
        assessment,
        interviews,
        left_out,
    })
}

/// Records a computed run in `scoring_runs`; its id.
pub fn record(
    db: &Db,
    counting: Counting,
    settings: &ScoreSettings,
    run: &mut ScoreRun,
) -> Result<i64, OfficeError> {
    let run_id: i64 = db.query_row(
        "INSERT INTO scoring_runs (run_at, period, settings_hash, settings, counting, interviews, figures)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING run_id",
        params![
            crate::now_text(),
            run.period.clone(),
            run.settings_hash.clone(),
            serde_json::to_string(settings).expect("settings serialise"),
            format!("{counting:?}"),
            run.interviews.len() as i64,
            run.assessment.rows.len() as i64
        ],
        |r| r.get(0),
    )?;
    run.run_id = Some(run_id);
    Ok(run_id)
}

/// One set of quarters read from the store: its interviews, its
/// communities' margins, and what was left out.
pub struct Loaded {
    pub interviews: Interviews,
    pub communities: Vec<Community>,
    pub left_out: Vec<String>,
}

/// Each resident's periods in the register, and the communities' margins
/// on given days, from one scan of `resident_periods`.
struct Register {
    names: Names,
    /// Resident id → its first entry in `periods`.
    residents: HashMap<Box<str>, u32>,
    periods: Vec<Entry>,
    /// Where a period places its resident: (community, street, first
    /// level in `levels`), or `None` when its attributes are unreadable.
    places: Vec<Option<(u32, u32, u32)>>,
    levels: Vec<u32>,
    /// Per day asked: each community's margins.
    margins: Vec<Vec<Community>>,
}

/// One period of a resident in the register.
struct Entry {
    valid_from: Box<str>,
    period_id: i64,
    /// The resident's next period in `Register::periods` (`u32::MAX`: none).
    next: u32,
}

impl Register {
    /// The resident's place on `day` (`YYYY-MM-DD`): the period begun
    /// latest on or before it, else (entered later) the first.
    fn place(&self, resident: &str, day: &str) -> Option<Option<(u32, u32, u32)>> {
        let mut k = *self.residents.get(resident)?;
        let mut at: Option<u32> = None;
        let mut first: Option<u32> = None;
        let key = |k: u32| {
            let p = &self.periods[k as usize];
            (&*p.valid_from, p.period_id)
        };
        while k != u32::MAX {
            let p = &self.periods[k as usize];
            if first.is_none_or(|f| key(k) < key(f)) {
                first = Some(k);
            }
            if &*p.valid_from <= day && at.is_none_or(|a| key(k) > key(a)) {
                at = Some(k);
            }
            k = p.next;
        }
        at.or(first).map(|k| self.places[k as usize])
    }
}

/// A level as the register's JSON gives it: text as it is, anything else
/// as JSON.
fn level_text(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

type Counts = BTreeMap<String, (String, String, Vec<BTreeMap<String, f64>>)>;

/// Reads the register once: every resident's periods (for placing
/// interviews) and the margins on each of `days` — each community's
/// register on that day, or, for a community with nobody registered on
/// that day (a register loaded later), as it is now. Levels in sorted
/// order (the order empty levels collapse in).
fn read_register(
    db: &Db,
    settings: &ScoreSettings,
    days: &[String],
) -> Result<Register, OfficeError> {
    let width = settings.calibration.len();
    let mut reg = Register {
        names: Names::default(),
        residents: HashMap::new(),
        periods: Vec::new(),
        places: Vec::new(),
        levels: Vec::new(),
        margins: Vec::new(),
    };
    let mut at_day: Vec<Counts> = vec![BTreeMap::new(); days.len()];
    let mut now: Counts = BTreeMap::new();
    // Attributes repeat (a few strata): each distinct text parsed once.
    let mut parsed: HashMap<String, Option<Vec<String>>> = HashMap::new();
    let mut stmt = db.prepare(
        "SELECT community, COALESCE(street, ''), COALESCE(district, ''), attributes,
                valid_from, valid_to, resident_id, period_id
         FROM resident_periods",
    )?;
    stmt.query_each([], |r| {
        let (community, street, district, attributes): (String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let (valid_from, valid_to): (String, Option<String>) = (r.get(4)?, r.get(5)?);
        let (resident, period_id): (String, i64) = (r.get(6)?, r.get(7)?);
        if !parsed.contains_key(&attributes) && parsed.len() > 100_000 {
            parsed.clear();
        }
        let levels = parsed.entry(attributes).or_insert_with_key(|text| {
            let map: BTreeMap<String, serde_json::Value> = serde_json::from_str(text).ok()?;
            Some(
                settings
                    .calibration
                    .iter()
                    .map(|c| map.get(c).map(level_text).unwrap_or_default())
                    .collect(),
            )
        });
        // The place an interview of this period is counted in.
        let place = levels.as_ref().map(|levels| {
            let first = reg.levels.len() as u32;
            for l in levels {
                let id = reg.names.id(l);
                reg.levels.push(id);
            }
            (reg.names.id(&community), reg.names.id(&street), first)
        });
        let k = reg.periods.len() as u32;
        let next = reg.residents.insert(resident.into_boxed_str(), k);
        reg.periods.push(Entry {
            valid_from: valid_from.as_str().into(),
            period_id,
            next: next.unwrap_or(u32::MAX),
        });
        reg.places.push(place);
        // The margins: an unreadable entry counts with empty levels.
        let empty = vec![String::new(); width];
        let levels = levels.as_deref().unwrap_or(&empty);
        let open =
            |day: &str| valid_from.as_str() <= day && valid_to.as_deref().is_none_or(|to| to > day);
        let opens: Vec<bool> = days.iter().map(|d| open(d)).collect();
        let counts = at_day
            .iter_mut()
            .zip(opens)
            .filter(|(_, o)| *o)
            .map(|(c, _)| c)
            .chain(valid_to.is_none().then_some(&mut now));
        for counts in counts {
            let e = match counts.get_mut(&community) {
                Some(e) => e,
                None => counts.entry(community.clone()).or_insert_with(|| {
                    (
                        street.clone(),
                        district.clone(),
                        vec![BTreeMap::new(); width],
                    )
                }),
            };
            for (m, level) in levels.iter().enumerate() {
                match e.2[m].get_mut(level) {
                    Some(n) => *n += 1.0,
                    None => {
                        e.2[m].insert(level.clone(), 1.0);
                    }
                }
            }
        }
        Ok(())
    })?;
    for at_day in at_day {
        let ids: BTreeSet<&String> = at_day.keys().chain(now.keys()).collect();
        reg.margins.push(
            ids.into_iter()
                .map(|id| {
                    let (street, district, counts) = at_day
                        .get(id)
                        .or_else(|| now.get(id))
                        .expect("in one of them");
                    Community {
                        id: id.clone(),
                        street: street.clone(),
                        district: district.clone(),
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
                .collect(),
        );
    }
    Ok(reg)
}

/// An answers object read with its keys in place where it can (no copy of
/// each question id).
struct Answers<'a>(Vec<(Key<'a>, Answer)>);

enum Key<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a question id")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(s))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> serde::Deserialize<'de> for Answers<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Answers<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of answers")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Answers<'de>, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(32));
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    out.push((key, map.next_value::<Answer>()?));
                }
                Ok(Answers(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'a> Answers<'a> {
    /// In question-id order, the last of a repeated id (as a map reads
    /// them): the order the scores are summed in.
    fn in_order(mut self) -> Vec<(Key<'a>, Answer)> {
        self.0.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        let mut out: Vec<(Key, Answer)> = Vec::with_capacity(self.0.len());
        for (k, a) in self.0 {
            match out.last_mut() {
                Some(last) if last.0.as_str() == k.as_str() => *last = (k, a),
                _ => out.push((k, a)),
            }
        }
        out
    }
}

/// The counted, completed interviews started in `[?1, ?2)`, unordered.
/// On SQLite the latest decision and the supersession are looked up per
/// interview by primary key while the interviews are scanned in place (the
/// `latest_decisions` view's join made it fetch each interview by its key
/// in decision order); PostgreSQL joins the view by hash.
fn counted_query(backend: Backend, counting: Counting) -> String {
    let condition = crate::status::counted_condition(counting);
    let (joins, condition) = match backend {
        Backend::Sqlite => (
            "",
            condition
                .replace(
                    "d.decision",
                    "(SELECT x.decision FROM decisions x WHERE x.interview_id = i.interview_id
                      ORDER BY x.decided_at DESC, x.supervisor_id DESC LIMIT 1)",
                )
                .replace(
                    "s.interview_id IS NULL",
                    "NOT EXISTS (SELECT 1 FROM supersessions s WHERE s.interview_id = i.interview_id)",
                ),
        ),
        Backend::Postgres => (
            "LEFT JOIN latest_decisions d ON d.interview_id = i.interview_id
             LEFT JOIN supersessions s ON s.interview_id = i.interview_id",
            condition.to_string(),
        ),
    };
    format!(
        "SELECT i.interview_id, i.resident_id, i.channel, i.started_at, i.questionnaire_id,
                i.questionnaire_version, i.answers
         FROM interviews i {joins}
         WHERE {condition} AND i.status = 'completed' AND i.started_at >= ?1 AND i.started_at < ?2"
    )
}

/// An interview's place in the estimates' order: (start time, id).
type SortKey = (Box<str>, Box<str>);

/// One counted interview as read from the store, before its answers are:
/// its set of quarters, its quarter, its questionnaire (an index into
/// [`ScanPlan::questionnaires`]) and its text columns.
struct Raw {
    set: usize,
    quarter: Quarter,
    questionnaire: usize,
    id: String,
    started: String,
    resident: String,
    channel: String,
    answers: String,
}

/// Interviews handed from the reading thread to the scoring ones at a time.
const BATCH: usize = 256;

/// One counted interview with its answers scored, before the register
/// places it: its set of quarters, its place in the estimates' order, its
/// resident, and its scores (names numbered in its [`Scan`]'s own
/// [`Interviews::names`]), or why its answers could not be read.
struct Scanned {
    set: usize,
    key: SortKey,
    resident: Box<str>,
    quarter: Quarter,
    scores: Result<Scores, String>,
}

struct Scores {
    channel: u32,
    index: Option<f64>,
    dimensions: Box<[(u32, f64)]>,
    items: Box<[u32]>,
}

/// What reading or scoring interviews found: the scored interviews, those
/// left out before the register is asked (start time not a date), and per
/// set the interviews of questionnaires not given.
struct Scan {
    /// Names and item scores only: the rows are in `rows`.
    names: Interviews,
    rows: Vec<Scanned>,
    left_out: Vec<(SortKey, String)>,
    missing: Vec<BTreeMap<String, usize>>,
    /// Per questionnaire (by index), its dimensions' numbers in `names`.
    dimension_ids: Vec<Option<Vec<u32>>>,
}

impl Scan {
    fn new(sets: usize) -> Scan {
        Scan {
            names: Interviews::default(),
            rows: Vec::new(),
            left_out: Vec::new(),
            missing: vec![BTreeMap::new(); sets],
            dimension_ids: Vec::new(),
        }
    }
}

/// What the reading and scoring need to know, shared by their threads.
struct ScanPlan<'a> {
    counting: Counting,
    questionnaires: &'a [Questionnaire],
    /// Each questionnaire's scoring.
    scorers: Vec<Scorer>,
    /// (id, version) → index in `questionnaires`.
    by_version: BTreeMap<(&'a str, &'a str), usize>,
    set_of: BTreeMap<Quarter, usize>,
    sets: usize,
    keep: Keep,
}

/// A questionnaire's scoring laid out for reading interviews by the
/// hundred thousand: `score_interview` and `index` (same arithmetic, in
/// the same order, so the same bits) without a map and its strings per
/// interview.
struct Scorer {
    /// Per question (by index): its dimension's slot and its weight, for
    /// the scored rating items.
    items: Vec<Option<(usize, f64)>>,
    /// The dimensions in name order (the order a map keeps them in).
    dimensions: Vec<String>,
    /// Each dimension's weight in the index (`[scores] dimension_weights`).
    index_weights: Vec<f64>,
}

impl Scorer {
    fn new(q: &Questionnaire, settings: &ScoreSettings) -> Scorer {
        use doorstep_core::questionnaire::QuestionKind;
        let scoring = |k: &QuestionKind| match k {
            QuestionKind::Rating {
                scoring: Some(s), ..
            } => Some(s.clone()),
            _ => None,
        };
        let dimensions: Vec<String> = q
            .questions
            .iter()
            .filter_map(|question| scoring(&question.kind).map(|s| s.dimension))
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect();
        let items = q
            .questions
            .iter()
            .map(|question| {
                let s = scoring(&question.kind)?;
                let slot = dimensions.binary_search(&s.dimension).ok()?;
                Some((slot, s.weight))
            })
            .collect();
        let index_weights = dimensions
            .iter()
            .map(|d| settings.dimension_weights.get(d).copied().unwrap_or(1.0))
            .collect();
        Scorer {
            items,
            dimensions,
            index_weights,
        }
    }

    /// Each dimension's score present (slot, score), in name order, and
    /// the index: as `score_interview` then `index` give them.
    fn score<'a>(
        &self,
        q: &Questionnaire,
        answers: impl IntoIterator<Item = (&'a str, &'a Answer)>,
    ) -> (Vec<(usize, f64)>, Option<f64>) {
        // (weighted sum, weight, seen) per dimension.
        let mut sums = vec![(0.0, 0.0, false); self.dimensions.len()];
        for (id, answer) in answers {
            let Some(i) = q.question_index(id) else {
                continue;
            };
            let Some((slot, weight)) = self.items[i] else {
                continue;
            };
            let Some(score) = item_score(&q.questions[i], answer) else {
                continue;
            };
            let e = &mut sums[slot];
            e.0 += score * weight;
            e.1 += weight;
            e.2 = true;
        }
        let dimensions: Vec<(usize, f64)> = sums
            .iter()
            .enumerate()
            .filter(|(_, e)| e.2)
            .map(|(slot, e)| (slot, e.0 / e.1))
            .collect();
        let (mut sum, mut total) = (0.0, 0.0);
        for &(slot, score) in &dimensions {
            let w = self.index_weights[slot];
            if w > 0.0 && score.is_finite() {
                sum += w * score;
                total += w;
            }
        }
        (dimensions, (total > 0.0).then(|| sum / total))
    }
}

/// Reads the counted interviews started in `[from, to)`, handing them to
/// `sink` in batches; the [`Scan`] of what it left out itself (no register
/// needed: the interviews are placed afterwards).
fn read_interviews(
    db: &Db,
    plan: &ScanPlan,
    from: &str,
    to: &str,
    mut sink: impl FnMut(Vec<Raw>),
) -> Result<Scan, OfficeError> {
    let mut scan = Scan::new(plan.sets);
    let mut batch = Vec::with_capacity(BATCH);
    let mut stmt = db.prepare(&counted_query(db.backend(), plan.counting))?;
    stmt.query_each_owned(params![from, to], |mut r| {
        let id = r.take_text(0)?.unwrap_or_default();
        let started = r.take_text(3)?.unwrap_or_default();
        let Some(date) = started
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            let message = format!("interview {id}: start time {started:?} is not a date");
            scan.left_out.push(((started.into(), id.into()), message));
            return Ok(());
        };
        let quarter = quarter_of(date);
        let Some(&set) = plan.set_of.get(&quarter) else {
            return Ok(());
        };
        let (qid, qversion) = (
            r.text(4)?.unwrap_or_default(),
            r.text(5)?.unwrap_or_default(),
        );
        let Some(&questionnaire) = plan.by_version.get(&(qid, qversion)) else {
            *scan.missing[set]
                .entry(format!("{qid} version {qversion}"))
                .or_default() += 1;
            return Ok(());
        };
        batch.push(Raw {
            set,
            quarter,
            questionnaire,
            id,
            started,
            resident: r.take_text(1)?.unwrap_or_default(),
            channel: r.take_text(2)?.unwrap_or_default(),
            answers: r.take_text(6)?.unwrap_or_default(),
        });
        if batch.len() == BATCH {
            sink(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
        }
        Ok(())
    })?;
    if !batch.is_empty() {
        sink(batch);
    }
    Ok(scan)
}

/// Reads each interview's answers and scores them into `scan`.
fn score_batch(plan: &ScanPlan, batch: Vec<Raw>, scan: &mut Scan) {
    for raw in batch {
        let q = &plan.questionnaires[raw.questionnaire];
        let scorer = &plan.scorers[raw.questionnaire];
        let scores = match serde_json::from_str::<Answers>(&raw.answers) {
            Ok(a) => {
                let answers = a.in_order();
                let (dimensions, value) =
                    scorer.score(q, answers.iter().map(|(k, a)| (k.as_str(), a)));
                let set = &mut scan.names;
                if scan.dimension_ids.len() <= raw.questionnaire {
                    scan.dimension_ids.resize(raw.questionnaire + 1, None);
                }
                let ids = scan.dimension_ids[raw.questionnaire].get_or_insert_with(|| {
                    scorer.dimensions.iter().map(|d| set.names.id(d)).collect()
                });
                let dimensions: Box<[(u32, f64)]> =
                    dimensions.iter().map(|&(d, v)| (ids[d], v)).collect();
                let items: Box<[u32]> = if plan.keep.items {
                    answers
                        .iter()
                        .filter_map(|(k, a)| {
                            let score = item_score(q.question(k.as_str())?, a)?;
                            let item = set.names.id(k.as_str());
                            Some(set.item_code(item, score))
                        })
                        .collect()
                } else {
                    Box::new([])
                };
                Ok(Scores {
                    channel: set.names.id(&raw.channel),
                    index: value,
                    dimensions,
                    items,
                })
            }
            Err(e) => Err(format!("interview {}: answers unreadable ({e})", raw.id)),
        };
        scan.rows.push(Scanned {
            set: raw.set,
            key: (raw.started.into(), raw.id.into()),
            resident: raw.resident.into(),
            quarter: raw.quarter,
            scores,
        });
    }
}

/// Reads the counted interviews of each set of quarters (one scan of the
/// store, one of the register), scoring each and keeping only what the
/// estimates (and `keep`) need; each set in the order the estimates take
/// it: start time, then interview id. One [`Loaded`] per set, its margins
/// on the last day of its latest quarter.
///
/// On two cores: the interviews are read on a second connection on one
/// thread, handed in batches to be scored on another, while this thread
/// reads the register and then scores too; the interviews are placed in
/// the register once all is read. One connection, one after the other,
/// where a second cannot be opened. The same result either way.
pub fn load(
    db: &Db,
    counting: Counting,
    settings: &ScoreSettings,
    questionnaires: &[Questionnaire],
    sets: &[Vec<Quarter>],
    keep: Keep,
) -> Result<Vec<Loaded>, OfficeError> {
    let reader = db.reader().ok();
    load_with(db, reader, counting, settings, questionnaires, sets, keep)
}

/// [`load`], reading the interviews on `reader` on other threads when
/// given, else after the register on `db`.
fn load_with(
    db: &Db,
    reader: Option<Db>,
    counting: Counting,
    settings: &ScoreSettings,
    questionnaires: &[Questionnaire],
    sets: &[Vec<Quarter>],
    keep: Keep,
) -> Result<Vec<Loaded>, OfficeError> {
    let plan = ScanPlan {
        counting,
        questionnaires,
        scorers: questionnaires
            .iter()
            .map(|q| Scorer::new(q, settings))
            .collect(),
        by_version: questionnaires
            .iter()
            .enumerate()
            .map(|(k, q)| ((q.id.as_str(), q.version.as_str()), k))
            .collect(),
        set_of: sets
            .iter()
            .enumerate()
            .flat_map(|(k, qs)| qs.iter().map(move |q| (*q, k)))
            .collect(),
        sets: sets.len(),
        keep,
    };
    let days: Vec<String> = sets
        .iter()
        .map(|qs| {
            qs.iter()
                .max()
                .map(|q| quarter_end(*q).format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        })
        .collect();
    let (Some(first), Some(last)) = (plan.set_of.keys().next(), plan.set_of.keys().next_back())
    else {
        // No quarter asked: nothing to read but the margins.
        return Ok(read_register(db, settings, &days)?
            .margins
            .into_iter()
            .map(|communities| Loaded {
                interviews: Interviews::default(),
                communities,
                left_out: Vec::new(),
            })
            .collect());
    };
    // Start times are RFC 3339 text: the period's as a text range (an
    // interview's quarter is its start time's date's).
    let from = quarter_start(*first).format("%Y-%m-%d").to_string();
    let to = quarter_end(*last)
        .succ_opt()
        .expect("not the last day ever")
        .format("%Y-%m-%d")
        .to_string();
    let (register, scans) = match reader {
        Some(reader) => {
            let (plan, from, to) = (&plan, &from, &to);
            let (batches, queue) = std::sync::mpsc::sync_channel::<Vec<Raw>>(8);
            let queue = std::sync::Mutex::new(queue);
            // Until the reader is done and the queue empty.
            let score_all = || {
                let mut scan = Scan::new(plan.sets);
                loop {
                    let next = queue
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    match next {
                        Ok(batch) => score_batch(plan, batch, &mut scan),
                        Err(_) => return scan,
                    }
                }
            };
            std::thread::scope(|s| {
                let reading = s.spawn(move || {
                    read_interviews(&reader, plan, from, to, |batch| {
                        // Sent while a scorer is alive: this thread scores last.
                        let _ = batches.send(batch);
                    })
                });
                let scoring = s.spawn(score_all);
                let register = read_register(db, settings, &days);
                let mine = score_all();
                let read = reading
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                let scored = scoring
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                (register, read.map(|read| vec![read, scored, mine]))
            })
        }
        None => {
            let register = read_register(db, settings, &days);
            let mut scan = Scan::new(plan.sets);
            let read = read_interviews(db, &plan, &from, &to, |batch| {
                score_batch(&plan, batch, &mut scan)
            });
            (register, read.map(|read| vec![read, scan]))
        }
    };
    Ok(place(register?, scans?, settings, sets.len(), keep))
}

/// Places each scored interview in the register as it stood when it was
/// made, and sorts each set in the estimates' order (whatever order the
/// scans came in).
fn place(
    register: Register,
    scans: Vec<Scan>,
    settings: &ScoreSettings,
    sets: usize,
    keep: Keep,
) -> Vec<Loaded> {
    struct Building {
        interviews: Interviews,
        /// The current scan's name numbers in `interviews.names`, as met.
        names: Vec<Option<u32>>,
        keys: Vec<SortKey>,
        left_out: Vec<(SortKey, String)>,
        missing: BTreeMap<String, usize>,
    }
    let mut out: Vec<Building> = (0..sets)
        .map(|_| Building {
            interviews: Interviews {
                names: register.names.clone(),
                ..Interviews::default()
            },
            names: Vec::new(),
            keys: Vec::new(),
            left_out: Vec::new(),
            missing: BTreeMap::new(),
        })
        .collect();
    let calibration = settings.calibration.len();
    for scan in scans {
        for b in &mut out {
            b.names = vec![None; scan.names.names.list.len()];
        }
        if let Some(b) = out.first_mut() {
            b.left_out.extend(scan.left_out);
        }
        for (b, missing) in out.iter_mut().zip(scan.missing) {
            for (q, n) in missing {
                *b.missing.entry(q).or_default() += n;
            }
        }
        let scanned_names = &scan.names;
        for s in scan.rows {
            let b = &mut out[s.set];
            // The register as it stood at the interview; a resident who
            // only entered it later is placed by their first entry.
            let Some(Some((community, street, levels))) =
                register.place(&s.resident, &s.key.0[..10])
            else {
                let message = format!("interview {}: its resident is not in the register", s.key.1);
                b.left_out.push((s.key, message));
                continue;
            };
            let scores = match s.scores {
                Ok(scores) => scores,
                Err(message) => {
                    b.left_out.push((s.key, message));
                    continue;
                }
            };
            let set = &mut b.interviews;
            let names = &mut b.names;
            let mut name = |set: &mut Interviews, id: u32| {
                *names[id as usize].get_or_insert_with(|| set.names.id(scanned_names.names.get(id)))
            };
            let channel = name(set, scores.channel);
            let dimensions: Box<[(u32, f64)]> = scores
                .dimensions
                .iter()
                .map(|&(d, v)| (name(set, d), v))
                .collect();
            let items: Box<[u32]> = scores
                .items
                .iter()
                .map(|&c| {
                    let (item, score) = scanned_names.item_scores[c as usize];
                    let item = name(set, item);
                    set.item_code(item, score)
                })
                .collect();
            let first = levels as usize;
            set.rows.push(Counted {
                community,
                street,
                quarter: s.quarter,
                channel,
                levels: register.levels[first..first + calibration].into(),
                index: scores.index,
                dimensions,
                items,
                ids: keep
                    .ids
                    .then(|| Box::new((s.key.1.to_string(), s.resident.into_string()))),
                base_weight: None,
                weight: None,
            });
            b.keys.push(s.key);
        }
    }
    out.into_iter()
        .zip(register.margins)
        .map(|(mut b, communities)| {
            // The estimates take the interviews by start time, then id.
            let mut order: Vec<usize> = (0..b.keys.len()).collect();
            order.sort_by(|&x, &y| b.keys[x].cmp(&b.keys[y]));
            drop(b.keys);
            let mut rows: Vec<Option<Counted>> = std::mem::take(&mut b.interviews.rows)
                .into_iter()
                .map(Some)
                .collect();
            b.interviews.rows = order
                .into_iter()
                .map(|k| rows[k].take().expect("each once"))
                .collect();
            b.left_out.sort_by(|x, y| x.0.cmp(&y.0));
            let mut left_out: Vec<String> = b.left_out.into_iter().map(|(_, m)| m).collect();
            for (q, n) in b.missing {
                left_out.push(format!(
                    "{n} interviews of questionnaire {q}: not given (--questionnaire FILE)"
                ));
            }
            Loaded {
                interviews: b.interviews,
                communities,
                left_out,
            }
        })
        .collect()
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
    fn the_sqlite_query_looks_decisions_up_in_place() {
        for counting in [Counting::Approved, Counting::ApprovedAndUndecided] {
            let sql = counted_query(Backend::Sqlite, counting);
            assert!(!sql.contains("d.decision"), "{sql}");
            assert!(!sql.contains("s.interview_id IS NULL"), "{sql}");
            assert!(!sql.contains("JOIN"), "{sql}");
            let sql = counted_query(Backend::Postgres, counting);
            assert!(sql.contains("latest_decisions d"), "{sql}");
        }
    }

    /// Everything a loaded set holds, in order, as comparable values.
    fn contents(l: &Loaded) -> (Vec<String>, Vec<String>) {
        let rows = l
            .interviews
            .iter()
            .map(|i| {
                format!(
                    "{:?} {} {} {} {:?} {:?} {:?} {:?} {:?} {:?}",
                    i.interview_id(),
                    i.community(),
                    i.street(),
                    i.quarter(),
                    i.channel(),
                    i.calibration().collect::<Vec<_>>(),
                    i.index().map(f64::to_bits),
                    i.dimensions()
                        .map(|(d, v)| (d, v.to_bits()))
                        .collect::<Vec<_>>(),
                    i.items().map(|(d, v)| (d, v.to_bits())).collect::<Vec<_>>(),
                    i.resident_id(),
                )
            })
            .collect();
        (rows, l.left_out.clone())
    }

    /// The interviews read on a second connection beside the register, and
    /// the cells estimated on several threads, give exactly what one
    /// connection and one thread give: the demo city, every figure to the
    /// bit.
    #[test]
    fn the_parallel_load_and_assessment_match_the_sequential_ones() {
        let dir = tempfile::tempdir().unwrap();
        let spec = crate::DbSpec::Sqlite(dir.path().join("office.sqlite3"));
        let mut db = Db::open(&spec).unwrap();
        let q = doorstep_core::questionnaire::load_str(
            include_str!("../../../questionnaires/resident-satisfaction.toml"),
            "resident-satisfaction.toml",
        )
        .unwrap();
        let opts = crate::demo::DemoOptions {
            // 2 × 20 communities × 4 quarters × 3 channels: more cells
            // than one block of work.
            streets: 2,
            communities_per_street: 20,
            per_quarter: 12,
            ..crate::demo::DemoOptions::default()
        };
        crate::demo::build(&mut db, &q, &opts, &Default::default()).unwrap();
        // An interview whose answers cannot be read: left out alike.
        db.execute(
            "UPDATE interviews SET answers = '{' WHERE interview_id =
                 (SELECT MIN(interview_id) FROM interviews)",
            params![],
        )
        .unwrap();
        let settings = ScoreSettings::default();
        let keep = Keep {
            ids: true,
            items: true,
        };
        let sets = vec![Period::Year(2026).quarters(), Period::Year(2025).quarters()];
        let counting = Counting::ApprovedAndUndecided;
        let load = |reader| {
            load_with(
                &db,
                reader,
                counting,
                &settings,
                std::slice::from_ref(&q),
                &sets,
                keep,
            )
            .unwrap()
        };
        let one = load(None);
        let two = load(Some(db.reader().unwrap()));
        assert_eq!(one.len(), 2);
        assert!(
            one[0].interviews.len() > 1000,
            "{}",
            one[0].interviews.len()
        );
        assert_eq!(one[0].left_out.len(), 1, "{:?}", one[0].left_out);
        for (a, b) in one.iter().zip(&two) {
            assert_eq!(contents(a), contents(b));
            assert_eq!(a.communities, b.communities);
        }
        let method = method(&settings);
        let sequential = assessment::assess_on(&one[0].interviews, &one[0].communities, &method, 1);
        for threads in [2, 3] {
            let parallel =
                assessment::assess_on(&two[0].interviews, &two[0].communities, &method, threads);
            // Bit for bit: serialised with every digit, and the weights.
            assert_eq!(
                serde_json::to_string(&sequential).unwrap(),
                serde_json::to_string(&parallel).unwrap()
            );
            assert_eq!(sequential, parallel);
            let bits = |a: &Assessment| -> Vec<Option<(u64, u64)>> {
                a.weights
                    .iter()
                    .map(|w| w.map(|(d, w)| (d.to_bits(), w.to_bits())))
                    .collect()
            };
            assert_eq!(bits(&sequential), bits(&parallel));
        }
        assert!(sequential.rows.len() > 1000);
    }

    /// The scorer laid out per questionnaire gives what `score_interview`
    /// and `index` give, bit for bit: every demo interview, with unequal
    /// dimension weights, special responses and off-scale values.
    #[test]
    fn the_scorer_matches_score_interview_and_index() {
        use doorstep_core::interview::AnswerValue;
        let q = doorstep_core::questionnaire::load_str(
            include_str!("../../../questionnaires/resident-satisfaction.toml"),
            "resident-satisfaction.toml",
        )
        .unwrap();
        let mut settings = ScoreSettings::default();
        let scorer0 = Scorer::new(&q, &settings);
        assert!(scorer0.dimensions.len() >= 2, "{:?}", scorer0.dimensions);
        settings
            .dimension_weights
            .insert(scorer0.dimensions[0].clone(), 2.5);
        settings
            .dimension_weights
            .insert(scorer0.dimensions[1].clone(), 0.0);
        let scorer = Scorer::new(&q, &settings);
        let rated: Vec<&str> = q
            .questions
            .iter()
            .filter(|question| scorer.items[q.question_index(&question.id).unwrap()].is_some())
            .map(|question| question.id.as_str())
            .collect();
        let mut checked = 0;
        for seed in 0..500u64 {
            let mut answers: BTreeMap<String, Answer> = BTreeMap::new();
            for (k, id) in rated.iter().enumerate() {
                let x = (seed * 31 + k as u64 * 17) % 13;
                let answer = match x {
                    0 => continue,
                    1 => Answer::Special {
                        special: doorstep_core::answer::SpecialResponse::Refused,
                    },
                    2 => Answer::Value(AnswerValue::Rating { value: 99 }),
                    _ => Answer::Value(AnswerValue::Rating {
                        value: (x % 6) as i64,
                    }),
                };
                answers.insert(id.to_string(), answer);
            }
            answers.insert(
                "not_a_question".into(),
                Answer::Value(AnswerValue::Rating { value: 3 }),
            );
            let want = doorstep_core::scoring::score_interview(
                &q,
                answers.iter().map(|(k, a)| (k.as_str(), a)),
            );
            let want_index =
                doorstep_core::assessment::index(&want.dimensions, &settings.dimension_weights);
            let (got, got_index) = scorer.score(&q, answers.iter().map(|(k, a)| (k.as_str(), a)));
            let got: Vec<(&str, u64)> = got
                .iter()
                .map(|&(slot, v)| (scorer.dimensions[slot].as_str(), v.to_bits()))
                .collect();
            let want_bits: Vec<(&str, u64)> = want
                .dimensions
                .iter()
                .map(|(d, v)| (d.as_str(), v.to_bits()))
                .collect();
            assert_eq!(got, want_bits, "seed {seed}");
            assert_eq!(got_index.map(f64::to_bits), want_index.map(f64::to_bits));
            checked += usize::from(got_index.is_some());
        }
        assert!(checked > 400, "{checked}");
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
