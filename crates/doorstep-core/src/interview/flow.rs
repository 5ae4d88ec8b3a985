//! One interview in progress: where it stands, what is relevant, what may be
//! answered, and what happened when.
//!
//! Relevance, calculates and repeat counts are computed lazily and memoised;
//! every answer change drops the memo, so everything after (or before) the
//! changed answer is re-evaluated on demand. Moving between questions
//! therefore costs only the steps it passes, however long a repeat is.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Local, NaiveDate, Utc};

use super::messages::Message;
use super::paradata::{EventKind, ParadataEvent};
use crate::answer::{Answer, AnswerValue, SpecialResponse};
use crate::assignment::Disposition;
use crate::expr::{Env, Value};
use crate::questionnaire::{
    Choice, LocalText, OTHER_CHOICE, QuestionIdx, QuestionKind, Questionnaire, RepeatCount,
    SectionIdx,
};

/// A question in a place: outside repeats `instance` is `None`; inside a
/// repeat it is the 0-based instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot {
    pub question: QuestionIdx,
    pub instance: Option<u32>,
}

impl Slot {
    pub fn top(question: QuestionIdx) -> Self {
        Slot {
            question,
            instance: None,
        }
    }
}

/// Where the surveyor can stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Question(Slot),
    /// "Add another?" after the last instance of an `ask_another` repeat.
    AddAnother(SectionIdx),
}

/// Answered of relevant (notes and calculates are not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub answered: usize,
    pub relevant: usize,
}

/// Why an answer was not accepted, in the interview's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    pub message: String,
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AnswerError {}

/// What a successful `set_answer` did, for the caller to persist.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerChange {
    First,
    Changed { previous: Answer },
    Unchanged,
}

/// A problem that stops the interview from being finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub slot: Slot,
    pub message: String,
}

/// An answer that ends the interview (the question's `ends_interview`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ending {
    pub slot: Slot,
    pub outcome: Disposition,
}

pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The maps an interview looks up on every step and every expression,
/// keyed by small indexes: foldhash rather than std's SipHash, which was
/// the largest single cost of recomputing a batch's calculates. (The keys
/// come from the checked questionnaire, never from a file's free text.)
type IndexMap<K, V> = foldhash::HashMap<K, V>;

#[derive(Default)]
struct Memo {
    relevant: IndexMap<Slot, Option<bool>>,
    calculated: IndexMap<Slot, Option<Value>>,
    instances: IndexMap<SectionIdx, u32>,
    section_relevant: IndexMap<(SectionIdx, Option<u32>), bool>,
}

pub struct Interview<'q> {
    q: &'q Questionnaire,
    resident: HashMap<String, String>,
    answers: IndexMap<Slot, Answer>,
    /// Instances added through "add another?", per repeat section.
    added: IndexMap<SectionIdx, u32>,
    /// `None` once past the last question (ready for review).
    position: Option<Step>,
    lang: String,
    clock: Clock,
    events: Vec<ParadataEvent>,
    memo: RefCell<Memo>,
}

/// A copy to fall back to when a step cannot be saved (the memo, a cache,
/// starts empty).
impl Clone for Interview<'_> {
    fn clone(&self) -> Self {
        Interview {
            q: self.q,
            resident: self.resident.clone(),
            answers: self.answers.clone(),
            added: self.added.clone(),
            position: self.position,
            lang: self.lang.clone(),
            clock: self.clock.clone(),
            events: self.events.clone(),
            memo: RefCell::new(Memo::default()),
        }
    }
}

impl<'q> Interview<'q> {
    /// A new interview, standing before the first question.
    pub fn new(q: &'q Questionnaire, resident: HashMap<String, String>) -> Self {
        Interview {
            q,
            resident,
            answers: IndexMap::default(),
            added: IndexMap::default(),
            position: None,
            lang: q.default_language.clone(),
            clock: Arc::new(Utc::now),
            events: Vec::new(),
            memo: RefCell::new(Memo::default()),
        }
    }

    /// Reads time from `clock` (tests, simulations).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// An interview resumed from saved answers. Answers that no longer fit
    /// the questionnaire are dropped from the flow (the store keeps them).
    pub fn restore(
        q: &'q Questionnaire,
        resident: HashMap<String, String>,
        answers: impl IntoIterator<Item = (Slot, Answer)>,
        added_instances: impl IntoIterator<Item = (SectionIdx, u32)>,
        position: Option<Step>,
    ) -> Self {
        let mut flow = Interview::new(q, resident);
        flow.answers = answers
            .into_iter()
            .filter(|(slot, _)| slot.question < q.questions.len())
            .collect();
        flow.added = added_instances.into_iter().collect();
        flow.position = position.filter(|s| flow.is_step_visible(*s));
        flow
    }

    pub fn questionnaire(&self) -> &'q Questionnaire {
        self.q
    }

    pub fn resident(&self) -> &HashMap<String, String> {
        &self.resident
    }

    pub fn language(&self) -> &str {
        &self.lang
    }

    /// Switches the questionnaire language; unknown languages are ignored.
    pub fn set_language(&mut self, lang: &str) -> bool {
        if !self.q.languages.iter().any(|l| l == lang) || self.lang == lang {
            return false;
        }
        self.lang = lang.to_string();
        self.record(EventKind::LanguageChanged, None, Some(lang.to_string()));
        true
    }

    /// Marks the start of a resumed session in the paradata.
    pub fn mark_resumed(&mut self) {
        self.record(EventKind::Resumed, self.current_slot(), None);
    }

    // ----- navigation -------------------------------------------------------

    /// The current step; `None` before the start and after the end.
    pub fn current(&self) -> Option<Step> {
        self.position
    }

    pub fn current_slot(&self) -> Option<Slot> {
        match self.position {
            Some(Step::Question(s)) => Some(s),
            _ => None,
        }
    }

    /// Moves to the first step (or stays, when resuming mid-way).
    pub fn start(&mut self) -> Option<Step> {
        if self.position.is_none() {
            self.position = self.visible_after(None);
        }
        self.shown();
        self.position
    }

    /// Moves forward, skipping what is not relevant. Refused while the
    /// current question is required and unanswered; `Ok(None)` means the end.
    pub fn advance(&mut self) -> Result<Option<Step>, AnswerError> {
        self.may_leave_forward()?;
        // Passing an "add another?" prompt without answering means "no more".
        self.position = self.visible_after(self.position);
        self.shown();
        Ok(self.position)
    }

    /// Whether the surveyor may move forward from where they stand: not
    /// past a required question without an answer, nor past an answer that
    /// ends the interview.
    fn may_leave_forward(&self) -> Result<(), AnswerError> {
        if let Some(Step::Question(slot)) = self.position {
            if self.q.questions[slot.question].required && !self.answers.contains_key(&slot) {
                return Err(self.error(Message::Required));
            }
            if self
                .answers
                .get(&slot)
                .is_some_and(|a| self.ending_for(slot, a).is_some())
            {
                return Err(self.error(Message::EndsInterview));
            }
        }
        Ok(())
    }

    /// Moves forward to the first question without an answer (or an "add
    /// another?" prompt, or the end): back to where the surveyor was after
    /// going back to change something. Refused where `advance` is.
    pub fn skip_forward(&mut self) -> Result<Option<Step>, AnswerError> {
        self.may_leave_forward()?;
        let mut step = self.visible_after(self.position);
        while let Some(Step::Question(slot)) = step {
            let q = &self.q.questions[slot.question];
            let passable = match self.answers.get(&slot) {
                Some(a) => self.ending_for(slot, a).is_none(),
                None => !q.kind.is_answerable(),
            };
            if !passable {
                break;
            }
            step = self.visible_after(step);
        }
        self.position = step;
        self.shown();
        Ok(self.position)
    }

    /// Moves back to the previous relevant step (from the end: the last one).
    pub fn go_back(&mut self) -> Option<Step> {
        if let Some(prev) = self.visible_before(self.position) {
            self.position = Some(prev);
            self.shown();
        }
        self.position
    }

    /// Goes straight to a question, e.g. from the review screen.
    pub fn jump(&mut self, slot: Slot) -> Result<(), AnswerError> {
        if !self.is_step_visible(Step::Question(slot)) {
            return Err(self.error(Message::NotRelevant));
        }
        self.position = Some(Step::Question(slot));
        self.shown();
        Ok(())
    }

    /// Answers the "add another?" prompt and moves on.
    pub fn answer_add_another(&mut self, add: bool) -> Option<Step> {
        let Some(Step::AddAnother(section)) = self.position else {
            return self.position;
        };
        if add {
            let n = self.instances(section);
            let max = self.q.sections[section]
                .repeat
                .as_ref()
                .map_or(0, |r| r.max);
            if n < max {
                self.added.insert(section, n + 1);
                self.invalidate();
                self.record(
                    EventKind::InstanceAdded,
                    None,
                    Some(self.q.sections[section].id.clone()),
                );
                let first = self.q.sections[section].questions.start;
                let step = Step::Question(Slot {
                    question: first,
                    instance: Some(n),
                });
                self.position = if self.is_step_visible(step) {
                    Some(step)
                } else {
                    self.visible_after(Some(step))
                };
                self.shown();
                return self.position;
            }
        }
        self.position = self.visible_after(self.position);
        self.shown();
        self.position
    }

    /// Instances of each `ask_another` repeat, for the store to keep.
    pub fn added_instances(&self) -> impl Iterator<Item = (SectionIdx, u32)> + '_ {
        self.added.iter().map(|(s, n)| (*s, *n))
    }

    // ----- answers ----------------------------------------------------------

    pub fn answer(&self, slot: Slot) -> Option<&Answer> {
        self.answers.get(&slot)
    }

    /// The saved answer, or the question's default when there is none.
    pub fn proposed_answer(&self, slot: Slot) -> Option<Answer> {
        self.answers.get(&slot).cloned().or_else(|| {
            self.q.questions[slot.question]
                .default
                .clone()
                .map(Answer::Value)
        })
    }

    /// Checks and records an answer. Nothing changes when it is refused.
    pub fn set_answer(&mut self, slot: Slot, answer: Answer) -> Result<AnswerChange, AnswerError> {
        let answer = match self.check(slot, answer) {
            Ok(a) => a,
            Err(e) => {
                self.record(EventKind::Rejected, Some(slot), None);
                return Err(e);
            }
        };
        let change = match self.answers.get(&slot) {
            None => AnswerChange::First,
            Some(prev) if *prev == answer => return Ok(AnswerChange::Unchanged),
            Some(prev) => AnswerChange::Changed {
                previous: prev.clone(),
            },
        };
        self.answers.insert(slot, answer);
        self.invalidate();
        let kind = match change {
            AnswerChange::First => EventKind::Answered,
            _ => EventKind::Changed,
        };
        self.record(kind, Some(slot), None);
        Ok(change)
    }

    /// Records in the paradata that an entry was refused by a check the
    /// caller ran itself (with [`Interview::check`]).
    pub fn record_rejected(&mut self, slot: Slot) {
        self.record(EventKind::Rejected, Some(slot), None);
    }

    /// Removes an answer; returns what was there.
    pub fn clear_answer(&mut self, slot: Slot) -> Option<Answer> {
        let prev = self.answers.remove(&slot)?;
        self.invalidate();
        self.record(EventKind::Cleared, Some(slot), None);
        Some(prev)
    }

    /// The type, range, choice and constraint checks of one answer, which
    /// comes back normalised (choices in list order, stray "other" text dropped).
    pub fn check(&self, slot: Slot, answer: Answer) -> Result<Answer, AnswerError> {
        let q = &self.q.questions[slot.question];
        if !self.is_step_visible(Step::Question(slot)) {
            return Err(self.error(Message::NotRelevant));
        }
        let value = match answer {
            Answer::Special { special } => {
                if !self.q.specials_for(q).contains(&special) {
                    return Err(self.error(Message::SpecialNotAllowed));
                }
                return Ok(Answer::special(special));
            }
            Answer::Value(v) => self.check_value(slot, v)?,
        };
        if let Some(constraint) = &q.constraint {
            let scope = self
                .scope(slot.instance, slot.question)
                .with_current(value.to_value());
            if !constraint.eval(&scope).truthy() {
                let message = match &q.constraint_message {
                    Some(m) => m.get(&self.lang).to_string(),
                    None => Message::ConstraintFailed.text(&self.lang),
                };
                return Err(AnswerError { message });
            }
        }
        Ok(Answer::Value(value))
    }

    fn check_value(&self, slot: Slot, v: AnswerValue) -> Result<AnswerValue, AnswerError> {
        let q = &self.q.questions[slot.question];
        let wrong = || self.error(Message::WrongType(q.kind.type_name()));
        let in_range = |ok: bool, min: String, max: String| {
            if ok {
                Ok(())
            } else {
                Err(self.error(Message::OutOfRange { min, max }))
            }
        };
        let bound = |b: Option<String>| b.unwrap_or_else(|| "…".into());
        match (&q.kind, v) {
            (QuestionKind::SingleChoice(spec), AnswerValue::Choice { value, other }) => {
                let visible = self.visible_choices(slot);
                if !visible.iter().any(|c| c.value == value) {
                    return Err(self.error(Message::NotAChoice(&value)));
                }
                let other = if spec.other && value == OTHER_CHOICE {
                    Some(non_empty(other).ok_or_else(|| self.error(Message::SpecifyOther))?)
                } else {
                    None
                };
                Ok(AnswerValue::Choice { value, other })
            }
            (QuestionKind::MultipleChoice(spec), AnswerValue::Choices { values, other }) => {
                let visible = self.visible_choices(slot);
                for v in &values {
                    if !visible.iter().any(|c| &c.value == v) {
                        return Err(self.error(Message::NotAChoice(v)));
                    }
                }
                if values.len() > 1
                    && let Some(excl) = visible
                        .iter()
                        .find(|c| c.exclusive && values.contains(&c.value))
                {
                    return Err(self.error(Message::Exclusive(excl.label.get(&self.lang))));
                }
                if values.is_empty() {
                    return Err(self.error(Message::Required));
                }
                // Keep list order and drop repeats, so equal selections compare equal.
                let ordered: Vec<String> = spec
                    .choices
                    .iter()
                    .filter(|c| values.contains(&c.value))
                    .map(|c| c.value.clone())
                    .collect();
                let other = if spec.other && ordered.iter().any(|v| v == OTHER_CHOICE) {
                    Some(non_empty(other).ok_or_else(|| self.error(Message::SpecifyOther))?)
                } else {
                    None
                };
                Ok(AnswerValue::Choices {
                    values: ordered,
                    other,
                })
            }
            (QuestionKind::Rating { min, max, .. }, AnswerValue::Rating { value }) => {
                in_range(
                    (min..=max).contains(&&value),
                    min.to_string(),
                    max.to_string(),
                )?;
                Ok(AnswerValue::Rating { value })
            }
            (QuestionKind::YesNo, v @ AnswerValue::YesNo { .. }) => Ok(v),
            (QuestionKind::Integer { min, max }, AnswerValue::Integer { value }) => {
                in_range(
                    min.is_none_or(|m| value >= m) && max.is_none_or(|m| value <= m),
                    bound(min.map(|m| m.to_string())),
                    bound(max.map(|m| m.to_string())),
                )?;
                Ok(AnswerValue::Integer { value })
            }
            (QuestionKind::Decimal { min, max }, AnswerValue::Decimal { value }) => {
                if !value.is_finite() {
                    return Err(self.error(Message::NotANumber));
                }
                in_range(
                    min.is_none_or(|m| value >= m) && max.is_none_or(|m| value <= m),
                    bound(min.map(|m| m.to_string())),
                    bound(max.map(|m| m.to_string())),
                )?;
                Ok(AnswerValue::Decimal { value })
            }
            (QuestionKind::Text { max_length, .. }, AnswerValue::Text { value }) => {
                if value.trim().is_empty() {
                    return Err(self.error(Message::Required));
                }
                if let Some(n) = max_length
                    && value.chars().count() > *n
                {
                    return Err(self.error(Message::TooLong(*n)));
                }
                Ok(AnswerValue::Text { value })
            }
            (QuestionKind::Date, v @ AnswerValue::Date { .. }) => Ok(v),
            (QuestionKind::Time, v @ AnswerValue::Time { .. }) => Ok(v),
            _ => Err(wrong()),
        }
    }

    /// The choices a choice question offers now, after its filter.
    pub fn visible_choices(&self, slot: Slot) -> Vec<&'q Choice> {
        let Some(spec) = self.q.questions[slot.question].kind.choice_spec() else {
            return Vec::new();
        };
        match &spec.filter {
            None => spec.choices.iter().collect(),
            Some(filter) => spec
                .choices
                .iter()
                .filter(|c| {
                    // "Other" is always offered: it is the way out of a narrow filter.
                    c.value == OTHER_CHOICE && spec.other
                        || filter
                            .eval(&self.scope(slot.instance, slot.question).with_choice(c))
                            .truthy()
                })
                .collect(),
        }
    }

    // ----- relevance and progress -------------------------------------------

    /// Whether a question applies, given the answers so far.
    pub fn is_relevant(&self, slot: Slot) -> bool {
        if let Some(Some(r)) = self.memo.borrow().relevant.get(&slot) {
            return *r;
        }
        if let Some(None) = self.memo.borrow().relevant.get(&slot) {
            // A relevance cycle (a reads b reads a): break it as ODK would
            // leave the node, relevant.
            return true;
        }
        self.memo.borrow_mut().relevant.insert(slot, None);
        let r = self.compute_relevant(slot);
        self.memo.borrow_mut().relevant.insert(slot, Some(r));
        r
    }

    fn compute_relevant(&self, slot: Slot) -> bool {
        let q = &self.q.questions[slot.question];
        let repeat = self.q.repeat_of(slot.question);
        match (repeat, slot.instance) {
            (Some(s), Some(i)) if i < self.instances(s) => {}
            (None, None) => {}
            _ => return false,
        }
        if !self.section_relevant(q.section, slot.instance) {
            return false;
        }
        match &q.relevant {
            Some(e) => e.eval(&self.scope(slot.instance, slot.question)).truthy(),
            None => true,
        }
    }

    fn section_relevant(&self, section: SectionIdx, instance: Option<u32>) -> bool {
        if let Some(r) = self
            .memo
            .borrow()
            .section_relevant
            .get(&(section, instance))
        {
            return *r;
        }
        let r = match &self.q.sections[section].relevant {
            Some(e) => {
                let first = self.q.sections[section].questions.start;
                e.eval(&self.scope(instance, first)).truthy()
            }
            None => true,
        };
        self.memo
            .borrow_mut()
            .section_relevant
            .insert((section, instance), r);
        r
    }

    /// How many instances a repeat section has now.
    pub fn instances(&self, section: SectionIdx) -> u32 {
        let Some(repeat) = &self.q.sections[section].repeat else {
            return 0;
        };
        if let Some(n) = self.memo.borrow().instances.get(&section) {
            return *n;
        }
        let n = match &repeat.count {
            RepeatCount::Fixed(n) => *n,
            RepeatCount::Computed(e) => {
                let v = e.eval(&self.scope(None, self.q.sections[section].questions.start));
                match v {
                    Value::Number(n) if n.is_finite() && n > 0.0 => n as u32,
                    Value::Text(t) => t.trim().parse::<f64>().map_or(0, |n| n.max(0.0) as u32),
                    _ => 0,
                }
            }
            RepeatCount::AskAnother(_) => self.added.get(&section).copied().unwrap_or(1),
        }
        .min(repeat.max);
        self.memo.borrow_mut().instances.insert(section, n);
        n
    }

    /// Whether the surveyor can stand on this step now.
    fn is_step_visible(&self, step: Step) -> bool {
        match step {
            Step::Question(slot) => {
                slot.question < self.q.questions.len()
                    && self.q.questions[slot.question].kind.is_shown()
                    && self.is_relevant(slot)
            }
            Step::AddAnother(s) => {
                matches!(
                    self.q
                        .sections
                        .get(s)
                        .and_then(|s| s.repeat.as_ref())
                        .map(|r| &r.count),
                    Some(RepeatCount::AskAnother(_))
                ) && self.section_relevant(s, None)
            }
        }
    }

    /// Answered of relevant answerable questions.
    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            answered: 0,
            relevant: 0,
        };
        for slot in self.relevant_slots() {
            if self.q.questions[slot.question].kind.is_answerable() {
                p.relevant += 1;
                if self.answers.contains_key(&slot) {
                    p.answered += 1;
                }
            }
        }
        p
    }

    /// Every relevant question shown to the surveyor, in order (notes
    /// included), for the review screen.
    pub fn relevant_slots(&self) -> Vec<Slot> {
        let mut out = Vec::new();
        let mut step = self.step_after(None);
        while let Some(s) = step {
            if let Step::Question(slot) = s
                && self.is_step_visible(s)
            {
                out.push(slot);
            }
            step = self.step_after(Some(s));
        }
        out
    }

    /// Required questions that are relevant and unanswered, and answers that
    /// no longer pass their constraint (it may read later answers).
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for slot in self.relevant_slots() {
            let q = &self.q.questions[slot.question];
            match self.answers.get(&slot) {
                None if q.required => out.push(Problem {
                    slot,
                    message: Message::Required.text(&self.lang),
                }),
                Some(a) => {
                    if let Err(e) = self.check(slot, a.clone()) {
                        out.push(Problem {
                            slot,
                            message: e.message,
                        });
                    }
                }
                None => {}
            }
        }
        out
    }

    /// Whether the interview can be finished as complete: no problems, and
    /// no answer that ends it early.
    pub fn can_finish(&self) -> bool {
        self.problems().is_empty() && self.ending().is_none()
    }

    /// The outcome `answer` to `slot` would end the interview with, if any.
    pub fn ending_for(&self, slot: Slot, answer: &Answer) -> Option<Disposition> {
        self.q.questions[slot.question]
            .ends_interview
            .as_ref()
            .filter(|e| e.ends_on(answer))
            .map(|e| e.outcome)
    }

    /// The first relevant answer that ends the interview: the interview is
    /// over there, with that outcome, whatever else was answered.
    pub fn ending(&self) -> Option<Ending> {
        self.relevant_slots().into_iter().find_map(|slot| {
            let outcome = self.ending_for(slot, self.answers.get(&slot)?)?;
            Some(Ending { slot, outcome })
        })
    }

    /// The answers that make up the finished interview: those of relevant
    /// questions. Answers to questions that stopped being relevant stay in
    /// the flow (and the store) as drafts, but are not part of the result.
    pub fn finished_answers(&self) -> Vec<(Slot, Answer)> {
        self.relevant_slots()
            .into_iter()
            .filter_map(|s| self.answers.get(&s).map(|a| (s, a.clone())))
            .collect()
    }

    /// Values of the calculate questions, for the record.
    pub fn calculated(&self) -> Vec<(Slot, Value)> {
        let mut out = Vec::new();
        let mut step = self.step_after(None);
        while let Some(s) = step {
            if let Step::Question(slot) = s
                && matches!(
                    self.q.questions[slot.question].kind,
                    QuestionKind::Calculate { .. }
                )
                && self.is_relevant(slot)
            {
                out.push((slot, self.value_of(slot)));
            }
            step = self.step_after(Some(s));
        }
        out
    }

    // ----- display ------------------------------------------------------------

    /// A label (or hint) in the interview's language, `${...}` filled in.
    pub fn render_text(&self, text: &LocalText, slot: Slot) -> String {
        let raw = text.get(&self.lang);
        if !raw.contains("${") {
            return raw.to_string();
        }
        let scope = self.scope(slot.instance, slot.question);
        let mut out = String::new();
        let mut last = 0;
        for (offset, piece) in crate::questionnaire::label_references(raw) {
            out.push_str(&raw[last..offset]);
            let inner = piece.trim_start_matches("${").trim_end_matches('}');
            let shown = match inner.strip_prefix("resident.") {
                Some(attr) => scope.resident(attr),
                None => match self.q.question_index(inner) {
                    Some(qi) if self.q.questions[qi].kind.choice_spec().is_some() => {
                        Value::Text(self.choice_labels(scope.slot_for(qi)))
                    }
                    _ => scope.question(inner),
                },
            };
            out.push_str(&display_value(&shown));
            last = offset + piece.len();
        }
        out.push_str(&raw[last..]);
        out
    }

    /// A choice answer as its labels, e.g. for label interpolation.
    fn choice_labels(&self, slot: Option<Slot>) -> String {
        let Some(slot) = slot else {
            return String::new();
        };
        if !self.is_relevant(slot) {
            return String::new();
        }
        let spec = self.q.questions[slot.question].kind.choice_spec();
        let label = |v: &str| {
            spec.and_then(|s| s.choices.iter().find(|c| c.value == v))
                .map_or(v.to_string(), |c| c.label.get(&self.lang).to_string())
        };
        match self.answers.get(&slot) {
            Some(Answer::Value(AnswerValue::Choice { value, other })) => {
                other.clone().unwrap_or_else(|| label(value))
            }
            Some(Answer::Value(AnswerValue::Choices { values, .. })) => values
                .iter()
                .map(|v| label(v))
                .collect::<Vec<_>>()
                .join("、"),
            _ => String::new(),
        }
    }

    /// The paradata recorded since the last call, for the store.
    pub fn take_events(&mut self) -> Vec<ParadataEvent> {
        std::mem::take(&mut self.events)
    }

    /// Returns events the store could not take, ahead of newer ones, so a
    /// failed save loses no paradata.
    pub fn put_back_events(&mut self, mut events: Vec<ParadataEvent>) {
        events.append(&mut self.events);
        self.events = events;
    }

    // ----- internals ----------------------------------------------------------

    fn error(&self, m: Message) -> AnswerError {
        AnswerError {
            message: m.text(&self.lang),
        }
    }

    fn invalidate(&self) {
        *self.memo.borrow_mut() = Memo::default();
    }

    fn record(&mut self, kind: EventKind, slot: Option<Slot>, detail: Option<String>) {
        self.events.push(ParadataEvent {
            at: (self.clock)(),
            kind,
            question: slot.map(|s| self.q.questions[s.question].id.clone()),
            instance: slot.and_then(|s| s.instance),
            detail,
        });
    }

    fn shown(&mut self) {
        if let Some(Step::Question(slot)) = self.position {
            self.record(EventKind::Shown, Some(slot), None);
        }
    }

    fn today(&self) -> NaiveDate {
        (self.clock)().with_timezone(&Local).date_naive()
    }

    fn value_of(&self, slot: Slot) -> Value {
        if !self.is_relevant(slot) {
            return Value::Empty;
        }
        match &self.q.questions[slot.question].kind {
            QuestionKind::Calculate { calculation } => {
                match self.memo.borrow().calculated.get(&slot) {
                    Some(Some(v)) => return v.clone(),
                    Some(None) => return Value::Empty, // cycle guard
                    None => {}
                }
                self.memo.borrow_mut().calculated.insert(slot, None);
                let v = calculation.eval(&self.scope(slot.instance, slot.question));
                self.memo
                    .borrow_mut()
                    .calculated
                    .insert(slot, Some(v.clone()));
                v
            }
            _ => self
                .answers
                .get(&slot)
                .map_or(Value::Empty, Answer::to_value),
        }
    }

    fn scope(&self, instance: Option<u32>, question: QuestionIdx) -> Scope<'_, 'q> {
        Scope {
            flow: self,
            repeat: self.q.repeat_of(question),
            instance,
            current: Value::Empty,
            choice: None,
        }
    }

    /// The next step in document order, relevant or not (`None` = start).
    fn step_after(&self, step: Option<Step>) -> Option<Step> {
        let (section, from) = match step {
            None => return self.first_step_from(0),
            Some(Step::AddAnother(s)) => return self.first_step_from(s + 1),
            Some(Step::Question(slot)) => (self.q.questions[slot.question].section, slot),
        };
        let sec = &self.q.sections[section];
        if from.question + 1 < sec.questions.end {
            return Some(Step::Question(Slot {
                question: from.question + 1,
                instance: from.instance,
            }));
        }
        if let Some(repeat) = &sec.repeat {
            let next = from.instance.map_or(0, |i| i + 1);
            if next < self.instances(section) {
                return Some(Step::Question(Slot {
                    question: sec.questions.start,
                    instance: Some(next),
                }));
            }
            if matches!(repeat.count, RepeatCount::AskAnother(_)) {
                return Some(Step::AddAnother(section));
            }
        }
        self.first_step_from(section + 1)
    }

    fn first_step_from(&self, mut section: SectionIdx) -> Option<Step> {
        while let Some(sec) = self.q.sections.get(section) {
            if !sec.questions.is_empty() {
                match &sec.repeat {
                    None => return Some(Step::Question(Slot::top(sec.questions.start))),
                    Some(r) => {
                        if self.instances(section) > 0 {
                            return Some(Step::Question(Slot {
                                question: sec.questions.start,
                                instance: Some(0),
                            }));
                        }
                        if matches!(r.count, RepeatCount::AskAnother(_)) {
                            return Some(Step::AddAnother(section));
                        }
                    }
                }
            }
            section += 1;
        }
        None
    }

    /// The previous step in document order (`None` = from the end).
    fn step_before(&self, step: Option<Step>) -> Option<Step> {
        let (section, from) = match step {
            None => return self.last_step_before(self.q.sections.len()),
            Some(Step::AddAnother(s)) => {
                let n = self.instances(s);
                return if n > 0 {
                    Some(Step::Question(Slot {
                        question: self.q.sections[s].questions.end - 1,
                        instance: Some(n - 1),
                    }))
                } else {
                    self.last_step_before(s)
                };
            }
            Some(Step::Question(slot)) => (self.q.questions[slot.question].section, slot),
        };
        let sec = &self.q.sections[section];
        if from.question > sec.questions.start {
            return Some(Step::Question(Slot {
                question: from.question - 1,
                instance: from.instance,
            }));
        }
        if let Some(i) = from.instance
            && i > 0
        {
            return Some(Step::Question(Slot {
                question: sec.questions.end - 1,
                instance: Some(i - 1),
            }));
        }
        self.last_step_before(section)
    }

    /// The last step of the sections before `section`.
    fn last_step_before(&self, section: SectionIdx) -> Option<Step> {
        let mut s = section;
        while s > 0 {
            s -= 1;
            let sec = &self.q.sections[s];
            if sec.questions.is_empty() {
                continue;
            }
            match &sec.repeat {
                None => return Some(Step::Question(Slot::top(sec.questions.end - 1))),
                Some(r) => {
                    if matches!(r.count, RepeatCount::AskAnother(_)) {
                        return Some(Step::AddAnother(s));
                    }
                    let n = self.instances(s);
                    if n > 0 {
                        return Some(Step::Question(Slot {
                            question: sec.questions.end - 1,
                            instance: Some(n - 1),
                        }));
                    }
                }
            }
        }
        None
    }

    fn visible_after(&self, from: Option<Step>) -> Option<Step> {
        let mut step = self.step_after(from);
        while let Some(s) = step {
            if self.is_step_visible(s) {
                return Some(s);
            }
            step = self.step_after(Some(s));
        }
        None
    }

    fn visible_before(&self, from: Option<Step>) -> Option<Step> {
        let mut step = self.step_before(from);
        while let Some(s) = step {
            if self.is_step_visible(s) {
                return Some(s);
            }
            step = self.step_before(Some(s));
        }
        None
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|t| !t.trim().is_empty())
}

/// How a value reads inside a label.
pub fn display_value(v: &Value) -> String {
    match v {
        Value::Empty => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Value::Number(n) => n.to_string(),
        Value::Text(t) => t.clone(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
    }
}

/// The expression environment at one place of the interview.
struct Scope<'a, 'q> {
    flow: &'a Interview<'q>,
    /// The repeat section the expression is evaluated in.
    repeat: Option<SectionIdx>,
    instance: Option<u32>,
    current: Value,
    choice: Option<&'a Choice>,
}

impl<'a, 'q> Scope<'a, 'q> {
    fn with_current(mut self, v: Value) -> Self {
        self.current = v;
        self
    }

    fn with_choice(mut self, c: &'a Choice) -> Self {
        self.choice = Some(c);
        self
    }

    /// `${name}` resolves within the current instance when it shares the
    /// repeat (ODK's rule); a repeated question seen from outside has no
    /// single value.
    fn slot_for(&self, qi: QuestionIdx) -> Option<Slot> {
        match self.flow.q.repeat_of(qi) {
            None => Some(Slot::top(qi)),
            Some(r) if Some(r) == self.repeat => self.instance.map(|i| Slot {
                question: qi,
                instance: Some(i),
            }),
            Some(_) => None,
        }
    }
}

impl Env for Scope<'_, '_> {
    fn question(&self, name: &str) -> Value {
        self.flow
            .q
            .question_index(name)
            .and_then(|qi| self.slot_for(qi))
            .map_or(Value::Empty, |slot| self.flow.value_of(slot))
    }

    fn resident(&self, attr: &str) -> Value {
        self.flow
            .resident
            .get(attr)
            .map_or(Value::Empty, |v| Value::Text(v.clone()))
    }

    fn current(&self) -> Value {
        self.current.clone()
    }

    fn choice_field(&self, name: &str) -> Value {
        match self.choice {
            Some(c) if name == "value" => Value::Text(c.value.clone()),
            Some(c) => c
                .attributes
                .get(name)
                .map_or(Value::Empty, |v| Value::Text(v.clone())),
            None => Value::Empty,
        }
    }

    fn aggregate(&self, name: &str) -> Vec<Value> {
        let q = self.flow.q;
        if let Some(s) = q.section_index(name) {
            return vec![Value::Empty; self.flow.instances(s) as usize];
        }
        let Some(qi) = q.question_index(name) else {
            return Vec::new();
        };
        match q.repeat_of(qi) {
            Some(s) => (0..self.flow.instances(s))
                .map(|i| {
                    self.flow.value_of(Slot {
                        question: qi,
                        instance: Some(i),
                    })
                })
                .collect(),
            None => vec![self.flow.value_of(Slot::top(qi))],
        }
    }

    fn position(&self) -> Option<usize> {
        self.instance.map(|i| i as usize + 1)
    }

    fn today(&self) -> NaiveDate {
        self.flow.today()
    }
}

impl SpecialResponse {
    /// The label of a special response in the interface language.
    pub fn label(self, lang: &str) -> &'static str {
        let id = match self {
            SpecialResponse::DontKnow => crate::lang::Msg::DontKnow,
            SpecialResponse::Refused => crate::lang::Msg::Refused,
        };
        id.text(crate::lang::Lang::from_code(lang))
    }
}
