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
    #[serde(deserialize_with = "crate::batch::format::ts::deserialize")]
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

/// Time already spent in an interview, for a resumed interview's clock to
/// go on from: each sitting runs from its start (`started_at`, then each
/// `resumed` event) to its last recorded event. The minutes between the
/// last event and a pause are not known, so not counted.
pub fn time_spent(started_at: DateTime<Utc>, events: &[ParadataEvent]) -> chrono::Duration {
    let mut total = chrono::Duration::zero();
    let mut start = started_at;
    let mut last = started_at;
    for e in events {
        if e.kind == EventKind::Resumed {
            total += (last - start).max(chrono::Duration::zero());
            start = e.at;
        }
        last = e.at;
    }
    total + (last - start).max(chrono::Duration::zero())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap() + chrono::Duration::minutes(min)
    }

    fn event(min: i64, kind: EventKind) -> ParadataEvent {
        ParadataEvent {
            at: at(min),
            kind,
            question: None,
            instance: None,
            detail: None,
        }
    }

    #[test]
    fn time_spent_adds_the_sittings_and_leaves_out_the_breaks() {
        assert_eq!(time_spent(at(0), &[]), chrono::Duration::zero());
        let events = [
            event(0, EventKind::Shown),
            event(4, EventKind::Answered),
            event(5, EventKind::Shown),
            // Paused, back an hour later.
            event(65, EventKind::Resumed),
            event(66, EventKind::Answered),
            event(68, EventKind::Shown),
        ];
        assert_eq!(time_spent(at(0), &events), chrono::Duration::minutes(8));
    }
}
