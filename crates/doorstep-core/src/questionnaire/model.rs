//! The checked questionnaire: every identifier resolved, every expression
//! parsed. Built only by `load`, so code holding one may trust it.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::answer::{AnswerValue, SpecialResponse};
use crate::assignment::Disposition;
use crate::expr::Expr;

/// Index of a question in [`Questionnaire::questions`] (document order).
pub type QuestionIdx = usize;
/// Index of a section in [`Questionnaire::sections`].
pub type SectionIdx = usize;

/// Text in each of the questionnaire's languages (validated complete).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LocalText(pub BTreeMap<String, String>);

impl LocalText {
    /// The text in `lang`, falling back to any language that has it.
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[derive(Debug, Clone)]
pub struct Questionnaire {
    pub id: String,
    pub version: String,
    pub title: LocalText,
    pub languages: Vec<String>,
    pub default_language: String,
    /// Special responses a question may take unless it opts out.
    pub special_responses: Vec<SpecialResponse>,
    /// Resident attributes (beyond the standard columns) expressions may read.
    pub resident_attributes: Vec<String>,
    pub dimensions: Vec<Dimension>,
    pub choice_lists: BTreeMap<String, Vec<Choice>>,
    pub sections: Vec<Section>,
    pub questions: Vec<Question>,
    pub quotas: Vec<Quota>,
    /// SHA-256 of the file's bytes, hex: ties interviews to this exact text.
    pub content_hash: String,
    /// Looked up for every answer read or checked: foldhash, not SipHash
    /// (the keys are the questionnaire's own ids).
    pub(crate) by_id: foldhash::HashMap<String, QuestionIdx>,
    pub(crate) section_by_id: foldhash::HashMap<String, SectionIdx>,
}

impl Questionnaire {
    pub fn question_index(&self, id: &str) -> Option<QuestionIdx> {
        self.by_id.get(id).copied()
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.question_index(id).map(|i| &self.questions[i])
    }

    pub fn section_index(&self, id: &str) -> Option<SectionIdx> {
        self.section_by_id.get(id).copied()
    }

    /// The special responses `q` may take.
    pub fn specials_for(&self, q: &Question) -> &[SpecialResponse] {
        if q.allow_special && q.kind.is_answerable() {
            &self.special_responses
        } else {
            &[]
        }
    }

    /// The repeat section a question belongs to, if any.
    pub fn repeat_of(&self, q: QuestionIdx) -> Option<SectionIdx> {
        let s = self.questions[q].section;
        self.sections[s].repeat.as_ref().map(|_| s)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Dimension {
    pub id: String,
    pub label: LocalText,
}

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: LocalText,
    pub exclusive: bool,
    pub attributes: BTreeMap<String, String>,
}

/// The value of the "other, please specify" choice added by `other = true`.
pub const OTHER_CHOICE: &str = "other";

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: LocalText,
    pub relevant: Option<Expr>,
    pub repeat: Option<Repeat>,
    /// The questions of this section, as a range of question indexes.
    pub questions: std::ops::Range<QuestionIdx>,
}

#[derive(Debug, Clone)]
pub struct Repeat {
    pub count: RepeatCount,
    /// Upper bound on instances, whatever the count says.
    pub max: u32,
}

#[derive(Debug, Clone)]
pub enum RepeatCount {
    Fixed(u32),
    /// Evaluated when the repeat is entered, e.g. `${household_size}`.
    Computed(Expr),
    /// Ask after each instance whether to add another.
    AskAnother(LocalText),
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub section: SectionIdx,
    pub kind: QuestionKind,
    pub label: LocalText,
    pub hint: Option<LocalText>,
    pub required: bool,
    pub relevant: Option<Expr>,
    pub constraint: Option<Expr>,
    pub constraint_message: Option<LocalText>,
    pub default: Option<AnswerValue>,
    pub allow_special: bool,
    /// Answers that end the interview here, and with which outcome.
    pub ends_interview: Option<EndsInterview>,
}

/// "This answer ends the interview": consent refused, not eligible.
#[derive(Debug, Clone, PartialEq)]
pub struct EndsInterview {
    /// Answer values that end it (`yes`/`no` for yes/no; choice values).
    /// A multiple-choice answer ends it when any of them is ticked.
    pub when: Vec<String>,
    /// An interview-ending disposition: refusal or break-off.
    pub outcome: Disposition,
}

impl EndsInterview {
    /// The outcomes a questionnaire may end an interview with.
    pub const OUTCOMES: [Disposition; 2] = [Disposition::Refusal, Disposition::BreakOff];

    /// Whether `answer` ends the interview. Special responses never do.
    pub fn ends_on(&self, answer: &crate::answer::Answer) -> bool {
        use crate::answer::Answer;
        let Answer::Value(v) = answer else {
            return false;
        };
        match v {
            AnswerValue::Choice { value, .. } => self.when.contains(value),
            AnswerValue::Choices { values, .. } => values.iter().any(|v| self.when.contains(v)),
            AnswerValue::YesNo { value } => self
                .when
                .iter()
                .any(|w| w == if *value { "yes" } else { "no" }),
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
pub enum QuestionKind {
    SingleChoice(ChoiceSpec),
    MultipleChoice(ChoiceSpec),
    Rating {
        min: i64,
        max: i64,
        min_label: Option<LocalText>,
        max_label: Option<LocalText>,
        scoring: Option<Scoring>,
    },
    YesNo,
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Decimal {
        min: Option<f64>,
        max: Option<f64>,
    },
    Text {
        multiline: bool,
        max_length: Option<usize>,
    },
    Date,
    Time,
    Note,
    Calculate {
        calculation: Expr,
    },
}

/// The options of a choice question.
#[derive(Debug, Clone)]
pub struct ChoiceSpec {
    /// The name of the shared choice list.
    pub list: String,
    /// The list's choices, with the "other" choice appended when `other`.
    pub choices: Arc<[Choice]>,
    /// "Other, please specify": choosing [`OTHER_CHOICE`] asks for text.
    pub other: bool,
    /// Evaluated per choice; bare names read the choice's value and attributes.
    pub filter: Option<Expr>,
}

/// Where a rated question counts in the community scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scoring {
    pub dimension: String,
    pub weight: f64,
    pub reverse: bool,
}

impl QuestionKind {
    /// The type name as written in the TOML file.
    pub fn type_name(&self) -> &'static str {
        match self {
            QuestionKind::SingleChoice(_) => "single_choice",
            QuestionKind::MultipleChoice(_) => "multiple_choice",
            QuestionKind::Rating { .. } => "rating",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Integer { .. } => "integer",
            QuestionKind::Decimal { .. } => "decimal",
            QuestionKind::Text { .. } => "text",
            QuestionKind::Date => "date",
            QuestionKind::Time => "time",
            QuestionKind::Note => "note",
            QuestionKind::Calculate { .. } => "calculate",
        }
    }

    pub const TYPE_NAMES: [&'static str; 11] = [
        "single_choice",
        "multiple_choice",
        "rating",
        "yes_no",
        "integer",
        "decimal",
        "text",
        "date",
        "time",
        "note",
        "calculate",
    ];

    /// Whether the surveyor records an answer (not a note or a calculate).
    pub fn choice_spec(&self) -> Option<&ChoiceSpec> {
        match self {
            QuestionKind::SingleChoice(c) | QuestionKind::MultipleChoice(c) => Some(c),
            _ => None,
        }
    }

    pub fn is_answerable(&self) -> bool {
        !matches!(self, QuestionKind::Note | QuestionKind::Calculate { .. })
    }

    /// Whether the surveyor sees it (everything but calculate).
    pub fn is_shown(&self) -> bool {
        !matches!(self, QuestionKind::Calculate { .. })
    }
}

/// Target counts of completed interviews per answer of a profile question.
#[derive(Debug, Clone, Serialize)]
pub struct Quota {
    pub question: String,
    pub targets: BTreeMap<String, u32>,
}
