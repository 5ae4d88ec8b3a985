//! Quality flags a supervisor checks before approving interviews: speeding,
//! straight-lining, the same resident twice, work outside working hours, a
//! high share of "don't know" / "refused", and one surveyor's interviews
//! overlapping in time. Each flag says why it fired.
//! Thresholds come from a small TOML file (see `docs/quality-flags.md`).

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::interview::paradata::{question_times, work_seconds};
use crate::interview::{Answer, ParadataEvent};
use crate::lang::Lang;
use crate::msg;
use crate::questionnaire::{QuestionKind, Questionnaire};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Speeding: shorter than this share of the median interview length.
    pub min_share_of_median_length: f64,
    /// Speeding: median seconds spent on a question below this.
    pub min_median_seconds_per_question: f64,
    /// Straight-lining: this many consecutive rating items with one answer.
    pub straight_line_run: usize,
    /// Working hours, local time (`utc_offset_hours` from UTC).
    pub working_hours_start: String,
    pub working_hours_end: String,
    pub utc_offset_hours: i32,
    /// Special responses: more than this share of the answers.
    pub max_special_share: f64,
    /// Fewer answers than this make shares meaningless: no share flag.
    pub min_answers_for_shares: usize,
    /// Overlapping interviews: one surveyor's two interviews worked at the
    /// same time for at least this many minutes.
    pub min_overlap_minutes: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_share_of_median_length: 0.5,
            min_median_seconds_per_question: 3.0,
            straight_line_run: 10,
            working_hours_start: "08:00".into(),
            working_hours_end: "21:00".into(),
            utc_offset_hours: 8,
            max_special_share: 0.3,
            min_answers_for_shares: 10,
            min_overlap_minutes: 1.0,
        }
    }
}

impl Thresholds {
    /// Reads thresholds; absent keys keep their defaults.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = crate::fs::read_regular_string(
            path,
            crate::fs::limits::SMALL_FILE,
            "a thresholds file",
        )
        .map_err(|e| e.to_string())?;
        let t: Thresholds = toml::from_str(&text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| crate::questionnaire::diagnostic::line_column(&text, s.start))
                .unwrap_or((1, 1));
            format!("{}:{line}:{col}: {}", path.display(), e.message())
        })?;
        // Point at the key's line; absent keys have valid defaults.
        let line_of = |key: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(key))
                .map_or(1, |i| i + 1)
        };
        for (key, value, min, max) in t.ranges() {
            if !(value.is_finite() && (min..=max).contains(&value)) {
                return Err(format!(
                    "{}:{}:1: {key} = {value} is out of range: use a number from {min} to {max}",
                    path.display(),
                    line_of(key)
                ));
            }
        }
        for (key, value) in [
            ("working_hours_start", &t.working_hours_start),
            ("working_hours_end", &t.working_hours_end),
        ] {
            if parse_hhmm(value).is_none() {
                let line = line_of(key);
                return Err(format!(
                    "{}:{line}:1: {key} '{value}' is not HH:MM (24-hour clock)",
                    path.display()
                ));
            }
        }
        Ok(t)
    }

    /// Each number with the range that makes sense for it: `nan`, `inf`,
    /// negatives and absurd values (`utc_offset_hours = 1000000`) are
    /// refused when the file is read, never met while flagging.
    fn ranges(&self) -> [(&'static str, f64, f64, f64); 7] {
        [
            (
                "min_share_of_median_length",
                self.min_share_of_median_length,
                0.0,
                1.0,
            ),
            (
                "min_median_seconds_per_question",
                self.min_median_seconds_per_question,
                0.0,
                3600.0,
            ),
            (
                "straight_line_run",
                self.straight_line_run as f64,
                2.0,
                1000.0,
            ),
            (
                "utc_offset_hours",
                f64::from(self.utc_offset_hours),
                -12.0,
                14.0,
            ),
            ("max_special_share", self.max_special_share, 0.0, 1.0),
            (
                "min_answers_for_shares",
                self.min_answers_for_shares as f64,
                0.0,
                100_000.0,
            ),
            ("min_overlap_minutes", self.min_overlap_minutes, 0.0, 1440.0),
        ]
    }

    /// The working-hours window; when `end` is before `start` it crosses
    /// midnight. Unreadable values (only possible when built in code, not
    /// loaded) mean no window.
    fn hours(&self) -> (NaiveTime, NaiveTime) {
        match (
            parse_hhmm(&self.working_hours_start),
            parse_hhmm(&self.working_hours_end),
        ) {
            (Some(s), Some(e)) => (s, e),
            _ => (NaiveTime::MIN, NaiveTime::MIN),
        }
    }
}

fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// Whether a local time of day falls in `[start, end)`. A window whose end
/// is before its start crosses midnight (`22:00`–`06:00` for night shifts);
/// equal ends mean no window at all, so nothing is outside it.
pub fn within_working_hours(t: NaiveTime, start: NaiveTime, end: NaiveTime) -> bool {
    if start <= end {
        start == end || (start <= t && t < end)
    } else {
        t >= start || t < end
    }
}

/// What the flags look at in one interview.
#[derive(Debug, Clone)]
pub struct InterviewFacts<'a> {
    pub id: String,
    pub resident_id: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// (question id, repeat instance, answer), borrowed from the record.
    pub answers: &'a [(&'a str, Option<u32>, &'a Answer)],
    pub events: &'a [ParadataEvent],
    pub completed: bool,
}

/// A quality flag and why it fired, in English (`reason`, also what
/// `--summary --json` prints) and in Chinese (`reason_zh`, for the review
/// app in Chinese).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    Speeding {
        reason: String,
        #[serde(skip)]
        reason_zh: String,
    },
    StraightLining {
        reason: String,
        #[serde(skip)]
        reason_zh: String,
    },
    DuplicateResident {
        reason: String,
        #[serde(skip)]
        reason_zh: String,
    },
    OutsideWorkingHours {
        reason: String,
        #[serde(skip)]
        reason_zh: String,
    },
    ManySpecialResponses {
        reason: String,
        #[serde(skip)]
        reason_zh: String,
    },
    OverlappingInterviews {
        reason: String,
        #[serde(skip)]
        reason_zh: String,
    },
}

impl Flag {
    pub fn code(&self) -> &'static str {
        match self {
            Flag::Speeding { .. } => "speeding",
            Flag::StraightLining { .. } => "straight_lining",
            Flag::DuplicateResident { .. } => "duplicate_resident",
            Flag::OutsideWorkingHours { .. } => "outside_working_hours",
            Flag::ManySpecialResponses { .. } => "many_special_responses",
            Flag::OverlappingInterviews { .. } => "overlapping_interviews",
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            Flag::Speeding { reason, .. }
            | Flag::StraightLining { reason, .. }
            | Flag::DuplicateResident { reason, .. }
            | Flag::OutsideWorkingHours { reason, .. }
            | Flag::ManySpecialResponses { reason, .. }
            | Flag::OverlappingInterviews { reason, .. } => reason,
        }
    }

    /// The reason in `lang` (`zh`, else English).
    pub fn reason_in(&self, lang: &str) -> &str {
        match self {
            Flag::Speeding { reason_zh, .. }
            | Flag::StraightLining { reason_zh, .. }
            | Flag::DuplicateResident { reason_zh, .. }
            | Flag::OutsideWorkingHours { reason_zh, .. }
            | Flag::ManySpecialResponses { reason_zh, .. }
            | Flag::OverlappingInterviews { reason_zh, .. }
                if Lang::from_code(lang) == Lang::Zh =>
            {
                reason_zh
            }
            _ => self.reason(),
        }
    }
}

/// Seconds from each question being shown to the next thing shown, pauses
/// left out (`interview::paradata::question_times`).
pub fn seconds_per_question(events: &[ParadataEvent]) -> Vec<(String, f64)> {
    question_times(events)
        .into_iter()
        .map(|(q, secs)| (q.to_string(), secs))
        .collect()
}

/// An interview's length in seconds: its work sessions, pauses left out.
fn length(f: &InterviewFacts<'_>, end: DateTime<Utc>) -> f64 {
    work_seconds(f.started_at, Some(end), f.events) as f64
}

/// `f` over `items` on every core, in order (plain `map` for few items).
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const MIN_PER_THREAD: usize = 256;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len() / MIN_PER_THREAD)
        .max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Flags for each interview, computed over the whole set (speeding and
/// duplicates compare interviews with each other). Same order as given.
pub fn flag_interviews(
    q: &Questionnaire,
    all: &[InterviewFacts<'_>],
    t: &Thresholds,
) -> Vec<Vec<Flag>> {
    let lengths: Vec<f64> = all
        .iter()
        .filter(|f| f.completed)
        .filter_map(|f| f.ended_at.map(|e| length(f, e)))
        .collect();
    let median_length = median(lengths);
    let mut per_resident: HashMap<&str, Vec<&str>> = HashMap::new();
    for f in all.iter().filter(|f| f.completed) {
        per_resident.entry(&f.resident_id).or_default().push(&f.id);
    }
    let (start, end) = t.hours();
    let offset = FixedOffset::east_opt(t.utc_offset_hours * 3600)
        .unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
    // Rated questions in questionnaire order, for straight-lining runs.
    let rating_order: HashMap<&str, usize> = q
        .questions
        .iter()
        .filter(|x| matches!(x.kind, QuestionKind::Rating { .. }))
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
        .collect();

    // Each interview's flags depend on the above only: on every core.
    par_map(all, |f| {
        let mut flags = Vec::new();
        if let (Some(end_at), Some(m), true) = (f.ended_at, median_length, f.completed) {
            let len = length(f, end_at);
            if m > 0.0 && len < m * t.min_share_of_median_length {
                // Whole minutes, rounded as everywhere in the review.
                let (len, share, m) = (
                    whole_minutes(len),
                    t.min_share_of_median_length * 100.0,
                    whole_minutes(m),
                );
                let short = |lang| {
                    msg!(
                        lang,
                        FlagShort,
                        len = len,
                        share = format!("{share:.0}"),
                        median = m
                    )
                };
                flags.push(Flag::Speeding {
                    reason: short(Lang::En),
                    reason_zh: short(Lang::Zh),
                });
            }
        }
        let per_q: Vec<f64> = question_times(f.events)
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        if per_q.len() >= 5
            && let Some(mq) = median(per_q)
            && mq < t.min_median_seconds_per_question
        {
            let threshold = t.min_median_seconds_per_question;
            let fast = |lang| {
                let (median, threshold) = (format!("{mq:.1}"), format!("{threshold:.1}"));
                msg!(
                    lang,
                    FlagFastQuestions,
                    median = median,
                    threshold = threshold
                )
            };
            flags.push(Flag::Speeding {
                reason: fast(Lang::En),
                reason_zh: fast(Lang::Zh),
            });
        }
        if let Some(run) = longest_same_rating_run(&rating_order, f.answers)
            && run.0 >= t.straight_line_run
        {
            let (items, value) = run;
            flags.push(Flag::StraightLining {
                reason: msg!(Lang::En, FlagStraightLining, items = items, value = value),
                reason_zh: msg!(Lang::Zh, FlagStraightLining, items = items, value = value),
            });
        }
        if f.completed
            && let Some(others) = per_resident.get(f.resident_id.as_str())
            && others.len() > 1
        {
            let (resident, n) = (&f.resident_id, others.len());
            flags.push(Flag::DuplicateResident {
                reason: msg!(Lang::En, FlagDuplicate, resident = resident, n = n),
                reason_zh: msg!(Lang::Zh, FlagDuplicate, resident = resident, n = n),
            });
        }
        let local_start = f.started_at.with_timezone(&offset).time();
        if !within_working_hours(local_start, start, end) {
            let (at, from, to) = (
                local_start.format("%H:%M"),
                &t.working_hours_start,
                &t.working_hours_end,
            );
            flags.push(Flag::OutsideWorkingHours {
                reason: msg!(Lang::En, FlagOutsideHours, at = at, from = from, to = to),
                reason_zh: msg!(Lang::Zh, FlagOutsideHours, at = at, from = from, to = to),
            });
        }
        let specials = f
            .answers
            .iter()
            .filter(|(_, _, a)| a.as_special().is_some())
            .count();
        let n = f.answers.len();
        if n >= t.min_answers_for_shares && specials as f64 / n as f64 > t.max_special_share {
            let share = t.max_special_share * 100.0;
            let many = |lang| {
                msg!(
                    lang,
                    FlagManySpecial,
                    n = n,
                    specials = specials,
                    share = format!("{share:.0}")
                )
            };
            flags.push(Flag::ManySpecialResponses {
                reason: many(Lang::En),
                reason_zh: many(Lang::Zh),
            });
        }
        flags
    })
}

/// One interview as the overlap rule sees it: whose, and when it was
/// worked on (`interview::paradata::work_sessions`).
#[derive(Debug, Clone)]
pub struct WorkedTimes<'a> {
    pub surveyor_id: &'a str,
    pub started_at: DateTime<Utc>,
    pub sessions: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Overlapping interviews: one surveyor cannot interview two households at
/// once, so two of their interviews worked on at the same time for at
/// least `min_overlap_minutes` (a known sign of fabrication) flag each
/// other; each names the other it overlaps most. Pauses are not work (a
/// household visited while another's interview waits is fine). Same order
/// as given.
pub fn overlap_flags(all: &[WorkedTimes<'_>], t: &Thresholds) -> Vec<Option<Flag>> {
    // Every session, by surveyor and start: a sweep compares each with the
    // ones that start before it ends.
    let mut spans: Vec<(&str, DateTime<Utc>, DateTime<Utc>, usize)> = all
        .iter()
        .enumerate()
        .flat_map(|(i, w)| {
            w.sessions
                .iter()
                .map(move |(s, e)| (w.surveyor_id, *s, *e, i))
        })
        .filter(|(_, s, e, _)| e > s)
        .collect();
    spans.sort_by(|a, b| (a.0, a.1, a.3).cmp(&(b.0, b.1, b.3)));
    let mut seconds: HashMap<(usize, usize), i64> = HashMap::new();
    for (k, a) in spans.iter().enumerate() {
        for b in &spans[k + 1..] {
            if b.0 != a.0 || b.1 >= a.2 {
                break;
            }
            if a.3 != b.3 {
                let both = (a.2.min(b.2) - b.1).num_seconds();
                *seconds.entry((a.3.min(b.3), a.3.max(b.3))).or_default() += both;
            }
        }
    }
    // For each interview, the other it overlaps most: (seconds, other).
    let mut worst: Vec<Option<(i64, usize)>> = vec![None; all.len()];
    let min = (t.min_overlap_minutes * 60.0).max(1.0);
    for (&(i, j), &secs) in &seconds {
        if (secs as f64) < min {
            continue;
        }
        for (me, other) in [(i, j), (j, i)] {
            if worst[me]
                .is_none_or(|(s, o)| (secs, std::cmp::Reverse(other)) > (s, std::cmp::Reverse(o)))
            {
                worst[me] = Some((secs, other));
            }
        }
    }
    let offset = FixedOffset::east_opt(t.utc_offset_hours * 3600)
        .unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
    worst
        .into_iter()
        .map(|w| {
            let (secs, other) = w?;
            let at = all[other].started_at.with_timezone(&offset).format("%H:%M");
            let minutes = format!("{:.0}", (secs as f64 / 60.0).round());
            let overlap = |lang| msg!(lang, FlagOverlap, at = at, minutes = minutes);
            Some(Flag::OverlappingInterviews {
                reason: overlap(Lang::En),
                reason_zh: overlap(Lang::Zh),
            })
        })
        .collect()
}

/// The longest run of consecutive rating items (in questionnaire order,
/// among those answered) with the same value: (length, value). `order`
/// gives each rating item's place.
fn longest_same_rating_run(
    order: &HashMap<&str, usize>,
    answers: &[(&str, Option<u32>, &Answer)],
) -> Option<(usize, i64)> {
    let mut by_place: Vec<Option<i64>> = vec![None; order.len()];
    for (id, inst, a) in answers {
        if let (None, Answer::Value(crate::interview::AnswerValue::Rating { value })) = (inst, a)
            && let Some(&place) = order.get(id)
        {
            by_place[place] = Some(*value);
        }
    }
    let values: Vec<i64> = by_place.into_iter().flatten().collect();
    let mut best: Option<(usize, i64)> = None;
    let mut i = 0;
    while i < values.len() {
        let mut j = i;
        while j < values.len() && values[j] == values[i] {
            j += 1;
        }
        if best.is_none_or(|b| j - i > b.0) {
            best = Some((j - i, values[i]));
        }
        i = j;
    }
    best
}

/// Seconds as whole minutes, rounded half up (89 s is 1 min, 90 s is 2):
/// the one rule for every duration the review shows.
pub fn whole_minutes(secs: f64) -> i64 {
    (secs.max(0.0) / 60.0 + 0.5).floor() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interview::{AnswerValue, EventKind};
    use chrono::TimeZone;

    fn q() -> Questionnaire {
        crate::questionnaire::load_str(
            include_str!("../../../questionnaires/resident-satisfaction.toml"),
            "questionnaires/resident-satisfaction.toml",
        )
        .unwrap()
    }

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        // 2026-11-20, UTC; local (UTC+8) is 8 hours later.
        Utc.with_ymd_and_hms(2026, 11, 20, h, m, s).unwrap()
    }

    fn shown(q: &str, t: DateTime<Utc>) -> ParadataEvent {
        ParadataEvent {
            at: t,
            kind: EventKind::Shown,
            question: Some(q.into()),
            instance: None,
            detail: None,
        }
    }

    fn ratings(q: &Questionnaire, value: i64) -> Vec<(String, Option<u32>, Answer)> {
        q.questions
            .iter()
            .filter(|x| matches!(x.kind, QuestionKind::Rating { min: 1, .. }))
            .map(|x| {
                (
                    x.id.clone(),
                    None,
                    Answer::Value(AnswerValue::Rating { value }),
                )
            })
            .collect()
    }

    /// `InterviewFacts::answers` over owned answers.
    fn borrowed(
        answers: &'static [(String, Option<u32>, Answer)],
    ) -> &'static [(&'static str, Option<u32>, &'static Answer)] {
        Box::leak(
            answers
                .iter()
                .map(|(q, i, a)| (q.as_str(), *i, a))
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        )
    }

    #[test]
    fn straight_lining_fires_with_its_reason() {
        let q = q();
        let same = ratings(&q, 4);
        let mut varied = ratings(&q, 4);
        for (i, a) in varied.iter_mut().enumerate() {
            a.2 = Answer::Value(AnswerValue::Rating {
                value: 1 + (i % 5) as i64,
            });
        }
        let facts = |id: &str, answers: &'static [(&str, Option<u32>, &Answer)]| InterviewFacts {
            id: id.into(),
            resident_id: id.into(),
            started_at: at(2, 0, 0),
            ended_at: Some(at(2, 20, 0)),
            answers,
            events: &[],
            completed: true,
        };
        let same: &'static _ = borrowed(Box::leak(same.into_boxed_slice()));
        let varied: &'static _ = borrowed(Box::leak(varied.into_boxed_slice()));
        let flags = flag_interviews(
            &q,
            &[facts("a", same), facts("b", varied)],
            &Thresholds::default(),
        );
        assert_eq!(flags[0].len(), 1, "{:?}", flags[0]);
        assert_eq!(flags[0][0].code(), "straight_lining");
        assert!(
            flags[0][0]
                .reason()
                .contains("rating items in a row answered 4"),
            "{}",
            flags[0][0].reason()
        );
        assert!(flags[1].is_empty(), "{:?}", flags[1]);
    }

    #[test]
    fn speeders_duplicates_hours_and_specials() {
        let q = q();
        let dk: Vec<(String, Option<u32>, Answer)> = (0..12)
            .map(|i| {
                (
                    format!("q{i}"),
                    None,
                    Answer::special(crate::interview::SpecialResponse::DontKnow),
                )
            })
            .collect();
        let fast_events: Vec<ParadataEvent> = (0..10)
            .map(|i| shown(&format!("q{i}"), at(2, 0, i)))
            .collect();
        let normal = |id: &str, resident: &str, start: DateTime<Utc>| InterviewFacts {
            id: id.into(),
            resident_id: resident.into(),
            started_at: start,
            ended_at: Some(start + chrono::Duration::minutes(20)),
            answers: &[],
            events: &[],
            completed: true,
        };
        let mut fast = normal("fast", "r9", at(2, 0, 0));
        fast.ended_at = Some(at(2, 4, 0));
        fast.events = &fast_events;
        let dk: Vec<(&str, Option<u32>, &Answer)> =
            dk.iter().map(|(q, i, a)| (q.as_str(), *i, a)).collect();
        let mut specials = normal("dk", "r8", at(3, 0, 0));
        specials.answers = &dk;
        let all = [
            normal("a", "r1", at(2, 0, 0)),
            normal("b", "r2", at(3, 0, 0)),
            normal("c", "r1", at(4, 0, 0)),
            normal("late", "r3", at(14, 30, 0)), // 22:30 local
            fast,
            specials,
        ];
        let flags = flag_interviews(&q, &all, &Thresholds::default());
        let codes = |i: usize| flags[i].iter().map(Flag::code).collect::<Vec<_>>();
        assert_eq!(codes(0), ["duplicate_resident"]);
        assert_eq!(codes(1), Vec::<&str>::new());
        assert_eq!(codes(2), ["duplicate_resident"]);
        assert_eq!(codes(3), ["outside_working_hours"]);
        assert!(flags[3][0].reason().contains("22:30"));
        assert_eq!(codes(4), ["speeding", "speeding"]);
        assert!(
            flags[4][1].reason().contains("median 1.0 s per question"),
            "{}",
            flags[4][1].reason()
        );
        assert_eq!(codes(5), ["many_special_responses"]);
    }

    #[test]
    fn thresholds_file_keeps_defaults_and_locates_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("flags.toml");
        std::fs::write(&p, "straight_line_run = 6\n").unwrap();
        let t = Thresholds::load(&p).unwrap();
        assert_eq!(t.straight_line_run, 6);
        assert_eq!(t.max_special_share, 0.3);
        std::fs::write(&p, "straight_line_run = 6\nspeed = 1\n").unwrap();
        let e = Thresholds::load(&p).unwrap_err();
        assert!(e.contains("flags.toml:2:1: unknown field `speed`"), "{e}");
        std::fs::write(&p, "working_hours_start = \"8am\"\n").unwrap();
        let e = Thresholds::load(&p).unwrap_err();
        assert!(
            e.contains("flags.toml:1:1: working_hours_start '8am' is not HH:MM"),
            "{e}"
        );
        std::fs::write(&p, "straight_line_run = 6\nworking_hours_end = \"25:00\"\n").unwrap();
        let e = Thresholds::load(&p).unwrap_err();
        assert!(e.contains("flags.toml:2:1: working_hours_end"), "{e}");
    }

    #[test]
    fn working_hours_may_cross_midnight() {
        let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
        // Day shift.
        assert!(within_working_hours(t("08:00"), t("08:00"), t("21:00")));
        assert!(within_working_hours(t("20:59"), t("08:00"), t("21:00")));
        assert!(!within_working_hours(t("21:00"), t("08:00"), t("21:00")));
        assert!(!within_working_hours(t("07:59"), t("08:00"), t("21:00")));
        // Night shift, 22:00 to 06:00 the next morning.
        assert!(within_working_hours(t("23:30"), t("22:00"), t("06:00")));
        assert!(within_working_hours(t("00:10"), t("22:00"), t("06:00")));
        assert!(within_working_hours(t("05:59"), t("22:00"), t("06:00")));
        assert!(!within_working_hours(t("06:00"), t("22:00"), t("06:00")));
        assert!(!within_working_hours(t("12:00"), t("22:00"), t("06:00")));
        // Equal ends: no window, nothing is outside it.
        assert!(within_working_hours(t("03:00"), t("09:00"), t("09:00")));
    }

    #[test]
    fn a_night_shift_flags_daytime_interviews() {
        let q = q();
        let th = Thresholds {
            working_hours_start: "22:00".into(),
            working_hours_end: "06:00".into(),
            utc_offset_hours: 0,
            ..Thresholds::default()
        };
        let night = Utc.with_ymd_and_hms(2026, 11, 20, 23, 30, 0).unwrap();
        let day = Utc.with_ymd_and_hms(2026, 11, 20, 14, 0, 0).unwrap();
        let facts: Vec<InterviewFacts<'_>> = [("n", night), ("d", day)]
            .into_iter()
            .map(|(id, at)| InterviewFacts {
                id: id.into(),
                resident_id: id.into(),
                started_at: at,
                ended_at: Some(at + chrono::Duration::minutes(10)),
                answers: &[],
                events: &[],
                completed: true,
            })
            .collect();
        let flags = flag_interviews(&q, &facts, &th);
        assert!(flags[0].is_empty(), "{:?}", flags[0]);
        assert_eq!(flags[1].len(), 1);
        assert!(flags[1][0].reason().contains("14:00"), "{:?}", flags[1]);
        assert_eq!(
            flags[1][0].reason_in("zh"),
            "当地时间 14:00 开始（工作时间 22:00–06:00）"
        );
        assert_eq!(flags[1][0].reason_in("en"), flags[1][0].reason());
    }

    /// 09:01 for 15 minutes and 09:06 for 20 (local time), by one
    /// surveyor: both flagged, each naming the other. Another surveyor at
    /// the same time, one interview after the other, or a household
    /// visited while another interview was paused: no flag.
    #[test]
    fn one_surveyors_overlapping_interviews_flag_each_other() {
        let local = |h: u32, m: u32| at(h - 8, m, 0);
        let plain = |who: &'static str, h: u32, m: u32, minutes: i64| WorkedTimes {
            surveyor_id: who,
            started_at: local(h, m),
            sessions: vec![(
                local(h, m),
                local(h, m) + chrono::Duration::minutes(minutes),
            )],
        };
        let paused = WorkedTimes {
            surveyor_id: "S2",
            started_at: local(10, 0),
            sessions: vec![
                (local(10, 0), local(10, 10)),
                (local(10, 40), local(10, 50)),
            ],
        };
        let all = [
            plain("S1", 9, 1, 15),
            plain("S1", 9, 6, 20),
            plain("S1", 9, 30, 10),
            plain("S2", 9, 5, 20),
            paused,
            plain("S2", 10, 12, 25),
        ];
        let flags = overlap_flags(&all, &Thresholds::default());
        let fired: Vec<bool> = flags.iter().map(Option::is_some).collect();
        assert_eq!(fired, [true, true, false, false, false, false]);
        let first = flags[0].as_ref().unwrap();
        assert_eq!(first.code(), "overlapping_interviews");
        assert_eq!(
            first.reason(),
            "worked at the same time as another of the surveyor's interviews \
             (started 09:06 local time) for 10 min"
        );
        assert_eq!(
            first.reason_in("zh"),
            "与该访问员的另一份访问（当地时间 09:06 开始）同时进行了 10 分钟"
        );
        assert!(
            flags[1]
                .as_ref()
                .unwrap()
                .reason()
                .contains("started 09:01")
        );
        // A threshold above the overlap: no flag.
        let lenient = Thresholds {
            min_overlap_minutes: 11.0,
            ..Thresholds::default()
        };
        assert!(overlap_flags(&all, &lenient).iter().all(Option::is_none));
    }
}
