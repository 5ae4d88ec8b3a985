//! Paradata: what happened when, for the supervisor's quality checks
//! (time per question, changed answers, rejected entries).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A question came on screen.
    Shown,
    /// A first answer was saved.
    Answered,
    /// An existing answer was replaced by a different one.
    Changed,
    /// An answer was removed.
    Cleared,
    /// An entry was refused by a type, range or constraint check.
    Rejected,
    /// The questionnaire language was switched (detail: the new language).
    LanguageChanged,
    /// A repeat instance was added by "add another?".
    InstanceAdded,
    /// The interview was opened again after a pause.
    Resumed,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Shown => "shown",
            EventKind::Answered => "answered",
            EventKind::Changed => "changed",
            EventKind::Cleared => "cleared",
            EventKind::Rejected => "rejected",
            EventKind::LanguageChanged => "language_changed",
            EventKind::InstanceAdded => "instance_added",
            EventKind::Resumed => "resumed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        use EventKind::*;
        [
            Shown,
            Answered,
            Changed,
            Cleared,
            Rejected,
            LanguageChanged,
            InstanceAdded,
            Resumed,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParadataEvent {
    /// Read without chrono's general parser when spelled as batches spell
    /// it (most of a batch's timestamps are these).
    #[serde(deserialize_with = "crate::timestamp::deserialize")]
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    /// The question concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The 0-based repeat instance, for questions inside a repeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<u32>,
    /// A short detail that is never personal data (e.g. a language code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The stretches of time an interview was worked on. The first runs from
/// `started_at` to the last event before the first `resumed` event; each
/// `resumed` event starts another, which runs to the last event before the
/// next one; the last ends at `ended_at` when known. A pause (the app
/// closed, the resident asked to come back, an interview reopened after a
/// supervisor's rejection: its copy carries the original's events, then
/// its own) is nobody's work and is left out.
pub fn work_sessions(
    started_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    events: &[ParadataEvent],
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let (mut start, mut last) = (started_at, started_at);
    for e in events {
        if e.kind == EventKind::Resumed {
            out.push((start, last.max(start)));
            (start, last) = (e.at, e.at);
        } else {
            last = last.max(e.at);
        }
    }
    out.push((start, ended_at.unwrap_or(last).max(start)));
    out
}

/// The time an interview was worked on, in seconds: its work sessions
/// added up (see [`work_sessions`]).
pub fn work_seconds(
    started_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    events: &[ParadataEvent],
) -> i64 {
    work_sessions(started_at, ended_at, events)
        .iter()
        .map(|(s, e)| (*e - *s).num_seconds())
        .sum()
}

/// Seconds on each question, in the order shown: from a question coming on
/// screen to the next one coming on screen. A pause ends the question on
/// screen at the last thing done before it (a question shown and left
/// untouched before a pause counts nothing), and a `resumed` event naming
/// a question starts its clock again. The last question shown has no end
/// and is left out.
pub fn question_times(events: &[ParadataEvent]) -> Vec<(&str, f64)> {
    let secs = |d: chrono::TimeDelta| d.num_milliseconds() as f64 / 1000.0;
    let mut out = Vec::new();
    // The question on screen, since when.
    let mut open: Option<(&str, DateTime<Utc>)> = None;
    let mut last: Option<DateTime<Utc>> = None;
    for e in events {
        match e.kind {
            EventKind::Shown => {
                if let Some((q, since)) = open.take() {
                    out.push((q, secs(e.at - since)));
                }
                open = e.question.as_deref().map(|q| (q, e.at));
            }
            EventKind::Resumed => {
                if let (Some((q, since)), Some(l)) = (open.take(), last)
                    && l > since
                {
                    out.push((q, secs(l - since)));
                }
                open = e.question.as_deref().map(|q| (q, e.at));
            }
            _ => {}
        }
        last = Some(e.at);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, h, m, s).unwrap()
    }

    fn ev(at: DateTime<Utc>, kind: EventKind, q: Option<&str>) -> ParadataEvent {
        ParadataEvent {
            at,
            kind,
            question: q.map(str::to_string),
            instance: None,
            detail: None,
        }
    }

    #[test]
    fn a_resumed_interview_counts_its_sittings_and_leaves_out_the_breaks() {
        use EventKind::*;
        let at = |m: i64| t(9, 0, 0) + Duration::minutes(m);
        assert_eq!(work_seconds(at(0), None, &[]), 0);
        let events = [
            ev(at(0), Shown, Some("q1")),
            ev(at(4), Answered, Some("q1")),
            ev(at(5), Shown, Some("q2")),
            // Paused, back an hour later.
            ev(at(65), Resumed, Some("q2")),
            ev(at(66), Answered, Some("q2")),
            ev(at(68), Shown, Some("q3")),
        ];
        assert_eq!(work_seconds(at(0), None, &events), 8 * 60);
    }

    /// A rejected interview's copy, as `assign --decisions` makes it and
    /// the surveyor finishes it the next day: the original's events (09:00
    /// to 09:15), the reopening in the evening, the resumed session (next
    /// day 10:00 to 10:03).
    fn reopened_copy() -> (DateTime<Utc>, DateTime<Utc>, Vec<ParadataEvent>) {
        use EventKind::*;
        let next = |h, m, s| t(h, m, s) + Duration::days(1);
        let mut reopen = ev(t(18, 0, 0), Resumed, None);
        reopen.detail = Some("reopened from I1: rejected by SUP: ask q3 again".into());
        let events = vec![
            ev(t(9, 0, 0), Shown, Some("q1")),
            ev(t(9, 5, 0), Answered, Some("q1")),
            ev(t(9, 5, 0), Shown, Some("q2")),
            ev(t(9, 10, 0), Answered, Some("q2")),
            ev(t(9, 10, 0), Shown, Some("q3")),
            ev(t(9, 15, 0), Answered, Some("q3")),
            reopen,
            ev(next(10, 0, 0), Resumed, Some("q3")),
            ev(next(10, 2, 0), Changed, Some("q3")),
            ev(next(10, 2, 0), Shown, Some("q4")),
            ev(next(10, 3, 0), Answered, Some("q4")),
        ];
        (t(9, 0, 0), next(10, 3, 0), events)
    }

    #[test]
    fn a_reopened_copy_is_measured_over_its_work_sessions() {
        let (start, end, events) = reopened_copy();
        // 15 min, then the reopening (nothing), then 3 min; not 25 h.
        assert_eq!(work_seconds(start, Some(end), &events), 18 * 60);
        assert_eq!(work_sessions(start, Some(end), &events).len(), 3);
    }

    #[test]
    fn time_on_a_question_stops_at_a_pause() {
        let (_, _, events) = reopened_copy();
        let times = question_times(&events);
        // q3: 5 minutes before the pause, 2 after it; never the night.
        assert_eq!(
            times,
            [("q1", 300.0), ("q2", 300.0), ("q3", 300.0), ("q3", 120.0)]
        );
    }

    #[test]
    fn without_pauses_an_interview_runs_from_start_to_end() {
        use EventKind::*;
        let events = [
            ev(t(9, 0, 0), Shown, Some("q1")),
            ev(t(9, 1, 0), Shown, Some("q2")),
        ];
        assert_eq!(work_seconds(t(9, 0, 0), Some(t(9, 20, 0)), &events), 1200);
        assert_eq!(work_seconds(t(9, 0, 0), Some(t(9, 20, 0)), &[]), 1200);
        assert_eq!(question_times(&events), [("q1", 60.0)]);
    }
}
