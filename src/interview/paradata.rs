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
