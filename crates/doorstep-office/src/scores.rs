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
    self, Annual, Assessment, Community, INDEX, Quarter, Settings as Method, index,
};
use doorstep_core::estimate::Margin;
use doorstep_core::interview::Answer;
use doorstep_core::questionnaire::Questionnaire;
use doorstep_core::scoring::{item_score, score_interview};

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

/// Reads the counted interviews of each set of quarters (one scan of the
/// store, one of the register), scoring each as it arrives and keeping
/// only what the estimates (and `keep`) need; each set in the order the
/// estimates take it: start time, then interview id. One [`Loaded`] per
/// set, its margins on the last day of its latest quarter.
pub fn load(
    db: &Db,
    counting: Counting,
    settings: &ScoreSettings,
    questionnaires: &[Questionnaire],
    sets: &[Vec<Quarter>],
    keep: Keep,
) -> Result<Vec<Loaded>, OfficeError> {
    let by_version: BTreeMap<(&str, &str), &Questionnaire> = questionnaires
        .iter()
        .map(|q| ((q.id.as_str(), q.version.as_str()), q))
        .collect();
    let set_of: BTreeMap<Quarter, usize> = sets
        .iter()
        .enumerate()
        .flat_map(|(k, qs)| qs.iter().map(move |q| (*q, k)))
        .collect();
    let days: Vec<String> = sets
        .iter()
        .map(|qs| {
            qs.iter()
                .max()
                .map(|q| quarter_end(*q).format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        })
        .collect();
    let register = read_register(db, settings, &days)?;
    let (Some(first), Some(last)) = (set_of.keys().next(), set_of.keys().next_back()) else {
        // No quarter asked: nothing to read.
        return Ok(register
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
    struct Building {
        interviews: Interviews,
        keys: Vec<SortKey>,
        left_out: Vec<(SortKey, String)>,
        missing: BTreeMap<String, usize>,
    }
    let mut out: Vec<Building> = sets
        .iter()
        .map(|_| Building {
            interviews: Interviews {
                names: register.names.clone(),
                ..Interviews::default()
            },
            keys: Vec::new(),
            left_out: Vec::new(),
            missing: BTreeMap::new(),
        })
        .collect();
    let calibration = settings.calibration.len();
    let mut stmt = db.prepare(&counted_query(db.backend(), counting))?;
    stmt.query_each(params![from, to], |r| {
        let id: String = r.get(0)?;
        let started: String = r.get(3)?;
        let key = (
            Box::<str>::from(started.as_str()),
            Box::<str>::from(id.as_str()),
        );
        let Some(date) = started
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            out[0].left_out.push((
                key,
                format!("interview {id}: start time {started:?} is not a date"),
            ));
            return Ok(());
        };
        let quarter = quarter_of(date);
        let Some(&set) = set_of.get(&quarter) else {
            return Ok(());
        };
        let b = &mut out[set];
        let (qid, qversion): (String, String) = (r.get(4)?, r.get(5)?);
        let Some(q) = by_version.get(&(qid.as_str(), qversion.as_str())) else {
            *b.missing
                .entry(format!("{qid} version {qversion}"))
                .or_default() += 1;
            return Ok(());
        };
        // The register as it stood at the interview; a resident who only
        // entered it later is placed by their first entry.
        let resident: String = r.get(1)?;
        let Some(Some((community, street, levels))) = register.place(&resident, &started[..10])
        else {
            b.left_out.push((
                key,
                format!("interview {id}: its resident is not in the register"),
            ));
            return Ok(());
        };
        let text: String = r.get(6)?;
        let answers = match serde_json::from_str::<Answers>(&text) {
            Ok(a) => a.in_order(),
            Err(e) => {
                b.left_out
                    .push((key, format!("interview {id}: answers unreadable ({e})")));
                return Ok(());
            }
        };
        let scores = score_interview(q, answers.iter().map(|(k, a)| (k.as_str(), a)));
        let value = index(&scores.dimensions, &settings.dimension_weights);
        let set = &mut b.interviews;
        let dimensions: Box<[(u32, f64)]> = scores
            .dimensions
            .iter()
            .map(|(d, v)| (set.names.id(d), *v))
            .collect();
        let items: Box<[u32]> = if keep.items {
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
        let channel: String = r.get(2)?;
        let first = levels as usize;
        set.rows.push(Counted {
            community,
            street,
            quarter,
            channel: set.names.id(&channel),
            levels: register.levels[first..first + calibration].into(),
            index: value,
            dimensions,
            items,
            ids: keep.ids.then(|| Box::new((id, resident))),
            base_weight: None,
            weight: None,
        });
        b.keys.push(key);
        Ok(())
    })?;
    Ok(out
        .into_iter()
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
