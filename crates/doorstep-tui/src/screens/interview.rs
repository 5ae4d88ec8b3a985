//! The interview: one question at a time, answered by keyboard alone.
//!
//! Every answer goes to the store before the flow accepts it: the flow
//! checks it, the store saves it, and only then does the flow move on. A
//! failed save leaves the screen exactly as it was, typed text included.

use std::time::Instant;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::i18n::{Lang, msg};
use crate::keys::{
    AnswerKeys, INTERVIEW, InterviewAction as I, SPECIAL_CHORDS, SPECIAL_KEYS, command_in_text,
    key_match,
};
use crate::theme::Theme;
use crate::widgets::text_field::{Edit, EntryKind, TextField};
use doorstep_core::assignment::Disposition;
use doorstep_core::datetime_input;
use doorstep_core::interview::{Answer, AnswerValue, Interview, Slot, SpecialResponse, Step};
use doorstep_core::questionnaire::{Choice, OTHER_CHOICE, QuestionKind};

/// Where the answers go. The real one writes through the SQLite store.
pub trait AnswerSink {
    /// One confirmed answer (`None`: the answer was cleared) with the
    /// paradata, position and repeat instances as they stand after it: one
    /// unit of work, saved whole or not at all. The flow already holds the
    /// change; on `Err` it keeps the paradata it had.
    fn save_answer_step(
        &mut self,
        flow: &mut Interview<'_>,
        slot: Slot,
        answer: Option<&Answer>,
    ) -> Result<(), String>;
    /// Paradata, position and repeat instances: saved after every change.
    fn save_progress(&mut self, flow: &mut Interview<'_>) -> Result<(), String>;
    fn save_note(&mut self, flow: &Interview<'_>, slot: Slot, note: &str) -> Result<(), String>;
}

/// What the screen asks of the app after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterviewOutcome {
    Stay,
    /// Past the last question, or asked for: show the review.
    Review,
    /// Esc: pause (everything is saved) and go back to the list.
    Pause,
    /// End early: ask which disposition.
    EndEarly,
    /// A confirmed answer ended the interview (the question's
    /// `ends_interview`): it is saved; end it with this outcome.
    End(Disposition),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Options,
    Field,
    Other,
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Flash {
    Error(String),
    Info(String),
}

/// One row of the option list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OptionRow {
    Choice(usize),
    Special(SpecialResponse),
}

pub struct InterviewScreen {
    pub flow: Interview<'static>,
    pub interview_id: uuid::Uuid,
    pub resident_id: String,
    pub resident_label: String,
    started: Instant,
    started_at: DateTime<Utc>,
    /// The cursor on the option list. Only a cursor: it chooses nothing,
    /// and an unanswered question starts without one.
    highlight: Option<usize>,
    /// Values chosen (by a digit, y/n or Space) but not yet confirmed
    /// (single choice: at most one). Enter confirms exactly these.
    picked: Vec<String>,
    picked_special: Option<SpecialResponse>,
    field: Option<TextField>,
    other: Option<TextField>,
    note: Option<TextField>,
    focus: Focus,
    flash: Option<Flash>,
    /// Came here from the review screen: confirming goes back there.
    pub from_review: bool,
    /// Shows this many seconds instead of the running clock (snapshot tests).
    pub frozen_elapsed: Option<u64>,
    /// Digits typed that may still grow into a longer option number ("1"
    /// on a 0–10 scale): shown, and resolved by the next digit or Enter.
    pending_digits: String,
    /// The "add another?" choice made, before Enter confirms it.
    add_choice: Option<bool>,
    /// The typed answer as loaded, to tell an untouched field from an edit.
    field_initial: String,
    /// An answer that ends the interview, waiting for Enter (or Esc).
    confirm_end: Option<(Slot, Answer, Disposition)>,
    /// The review row last selected, to come back to after a change.
    pub review_selected: usize,
    /// The notes saved on this interview's questions.
    pub notes: std::collections::HashMap<Slot, String>,
}

impl InterviewScreen {
    pub fn new(
        flow: Interview<'static>,
        interview_id: uuid::Uuid,
        resident_id: String,
        resident_label: String,
        started_at: DateTime<Utc>,
    ) -> Self {
        let mut s = InterviewScreen {
            flow,
            interview_id,
            resident_id,
            resident_label,
            started: Instant::now(),
            started_at,
            highlight: None,
            picked: Vec::new(),
            picked_special: None,
            field: None,
            other: None,
            note: None,
            focus: Focus::Options,
            flash: None,
            from_review: false,
            frozen_elapsed: None,
            pending_digits: String::new(),
            add_choice: None,
            field_initial: String::new(),
            confirm_end: None,
            review_selected: 0,
            notes: Default::default(),
        };
        s.flow.start();
        s.load_step();
        s
    }

    /// Jumps to a question, e.g. from the review screen.
    pub fn jump(&mut self, slot: Slot) {
        if self.flow.jump(slot).is_ok() {
            self.from_review = true;
            self.load_step();
        }
    }

    fn lang(&self) -> Lang {
        Lang::parse(self.flow.language()).unwrap_or(Lang::En)
    }

    fn slot(&self) -> Option<Slot> {
        self.flow.current_slot()
    }

    /// What the question on screen takes, for the footer and the help.
    pub fn answer_keys(&self) -> AnswerKeys {
        let Some(slot) = self.slot() else {
            return AnswerKeys::Note;
        };
        match &self.flow.questionnaire().questions[slot.question].kind {
            QuestionKind::SingleChoice(_) => AnswerKeys::Choice,
            QuestionKind::MultipleChoice(_) => AnswerKeys::Multiple,
            QuestionKind::YesNo => AnswerKeys::YesNo,
            QuestionKind::Rating { .. } => AnswerKeys::Rating,
            QuestionKind::Note | QuestionKind::Calculate { .. } => AnswerKeys::Note,
            _ => AnswerKeys::Typed,
        }
    }

    /// Footer keys that do nothing on the current question: those of other
    /// question types, and the special responses it does not accept.
    pub fn unavailable_keys(&self) -> Vec<&'static str> {
        // The "ends the interview" question shows its own two keys.
        if self.confirm_end.is_some() {
            return crate::keys::bindings(crate::keys::Screen::Interview)
                .iter()
                .map(|b| b.0)
                .collect();
        }
        let mut hidden = self.answer_keys().hidden().to_vec();
        let offered = self.slot().map_or(&[][..], |slot| {
            let q = &self.flow.questionnaire().questions[slot.question];
            self.flow.questionnaire().specials_for(q)
        });
        if offered.is_empty() {
            hidden.extend([SPECIAL_KEYS, SPECIAL_CHORDS]);
        }
        hidden
    }

    fn entry_kind(kind: &QuestionKind) -> Option<EntryKind> {
        match kind {
            QuestionKind::Text {
                multiline,
                max_length,
            } => Some(EntryKind::Text {
                multiline: *multiline,
                max_chars: *max_length,
            }),
            QuestionKind::Integer { .. } => Some(EntryKind::Integer),
            QuestionKind::Decimal { .. } => Some(EntryKind::Decimal),
            QuestionKind::Date => Some(EntryKind::Date),
            QuestionKind::Time => Some(EntryKind::Time),
            _ => None,
        }
    }

    /// Resets the editing state from the saved (or default) answer.
    fn load_step(&mut self) {
        self.pending_digits.clear();
        self.add_choice = None;
        self.field_initial.clear();
        self.confirm_end = None;
        self.picked.clear();
        self.picked_special = None;
        self.field = None;
        self.other = None;
        self.note = None;
        self.highlight = None;
        self.focus = Focus::Options;
        let Some(slot) = self.slot() else { return };
        let q = &self.flow.questionnaire().questions[slot.question];
        let proposed = self.flow.proposed_answer(slot);
        if let Some(kind) = Self::entry_kind(&q.kind) {
            let initial = match &proposed {
                Some(Answer::Value(v)) => entry_text(v),
                _ => String::new(),
            };
            self.field = Some(TextField::new(kind, &initial));
            self.field_initial = initial;
            self.focus = Focus::Field;
        }
        match proposed {
            Some(Answer::Special { special }) => self.picked_special = Some(special),
            Some(Answer::Value(v)) => {
                let (values, other) = match v {
                    AnswerValue::Choice { value, other } => (vec![value], other),
                    AnswerValue::Choices { values, other } => (values, other),
                    AnswerValue::Rating { value } => (vec![value.to_string()], None),
                    AnswerValue::YesNo { value } => (vec![yes_no_value(value).into()], None),
                    _ => (Vec::new(), None),
                };
                self.picked = values;
                if let Some(o) = other {
                    self.other = Some(TextField::new(
                        EntryKind::Text {
                            multiline: false,
                            max_chars: Some(200),
                        },
                        &o,
                    ));
                }
            }
            None => {}
        }
        // The cursor starts on the current answer; with none, nowhere.
        let rows = self.option_rows();
        self.highlight = rows.iter().position(|r| match r {
            OptionRow::Choice(i) => self
                .choices()
                .get(*i)
                .is_some_and(|c| self.picked.contains(&c.value)),
            OptionRow::Special(s) => self.picked_special == Some(*s),
        });
    }

    /// The number typed to choose each option row: a rating's value, a
    /// list's position.
    fn number_keys(&self) -> Vec<String> {
        let rating = self.is_rating();
        self.choices()
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if rating {
                    c.value.clone()
                } else {
                    (i + 1).to_string()
                }
            })
            .collect()
    }

    /// The options shown for the current question: choices, ratings or yes/no.
    fn choices(&self) -> Vec<Choice> {
        let Some(slot) = self.slot() else {
            return Vec::new();
        };
        let q = &self.flow.questionnaire().questions[slot.question];
        let lang = self.flow.language().to_string();
        match &q.kind {
            QuestionKind::SingleChoice(_) | QuestionKind::MultipleChoice(_) => self
                .flow
                .visible_choices(slot)
                .into_iter()
                .cloned()
                .collect(),
            QuestionKind::Rating {
                min,
                max,
                min_label,
                max_label,
                ..
            } => (*min..=*max)
                .map(|v| {
                    let end = if v == *min {
                        min_label.as_ref()
                    } else if v == *max {
                        max_label.as_ref()
                    } else {
                        None
                    };
                    // The key column already shows the value.
                    let text = end.map(|l| l.get(&lang).to_string()).unwrap_or_default();
                    plain_choice(&v.to_string(), text)
                })
                .collect(),
            QuestionKind::YesNo => {
                let s = self.lang().s();
                vec![
                    plain_choice("yes", s.yes.into()),
                    plain_choice("no", s.no.into()),
                ]
            }
            _ => Vec::new(),
        }
    }

    fn option_rows(&self) -> Vec<OptionRow> {
        let Some(slot) = self.slot() else {
            return Vec::new();
        };
        let q = &self.flow.questionnaire().questions[slot.question];
        let mut rows: Vec<OptionRow> = (0..self.choices().len()).map(OptionRow::Choice).collect();
        rows.extend(
            self.flow
                .questionnaire()
                .specials_for(q)
                .iter()
                .map(|s| OptionRow::Special(*s)),
        );
        rows
    }

    fn is_multiple(&self) -> bool {
        self.slot().is_some_and(|s| {
            matches!(
                self.flow.questionnaire().questions[s.question].kind,
                QuestionKind::MultipleChoice(_)
            )
        })
    }

    // ----- keys -------------------------------------------------------------

    pub fn handle_key(&mut self, key: KeyEvent, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        if self.confirm_end.is_some() {
            return self.confirm_end_key(key, sink);
        }
        // Keys that work whatever has focus, on every question type, typed
        // ones too (so chords, not letters).
        match command_in_text(INTERVIEW, &key) {
            Some(I::Pause) if self.focus == Focus::Note => {
                self.note = None;
                self.focus = if self.field.is_some() {
                    Focus::Field
                } else {
                    Focus::Options
                };
                return InterviewOutcome::Stay;
            }
            Some(I::Pause) => {
                self.save_progress(sink);
                return InterviewOutcome::Pause;
            }
            Some(I::DontKnow) => {
                self.choose_special(SpecialResponse::DontKnow);
                return InterviewOutcome::Stay;
            }
            Some(I::Refused) => {
                self.choose_special(SpecialResponse::Refused);
                return InterviewOutcome::Stay;
            }
            Some(I::Note) => {
                self.open_note();
                return InterviewOutcome::Stay;
            }
            Some(I::Language) => {
                self.switch_language(sink);
                return InterviewOutcome::Stay;
            }
            Some(I::EndEarly) => {
                self.save_progress(sink);
                return InterviewOutcome::EndEarly;
            }
            Some(I::Check) => {
                self.save_progress(sink);
                return InterviewOutcome::Review;
            }
            Some(I::Previous) => return self.back(sink),
            Some(I::Skip) => return self.forward_without_answer(sink),
            _ => {}
        }
        if let Some(Step::AddAnother(_)) = self.flow.current() {
            return self.add_another_key(key, sink);
        }
        if self.slot().is_none() {
            return match key_match(INTERVIEW, &key) {
                Some(I::Back) => self.back(sink),
                _ => InterviewOutcome::Review,
            };
        }
        match self.focus {
            Focus::Note => self.note_key(key, sink),
            Focus::Field => self.field_key(key, sink),
            Focus::Other => self.other_key(key, sink),
            Focus::Options => self.options_key(key, sink),
        }
    }

    pub fn handle_paste(&mut self, text: &str) {
        if self.confirm_end.is_some() {
            return;
        }
        let target = match self.focus {
            Focus::Field => self.field.as_mut(),
            Focus::Other => self.other.as_mut(),
            Focus::Note => self.note.as_mut(),
            Focus::Options => None,
        };
        if let Some(f) = target
            && f.paste(text) == Edit::Refused
        {
            self.flash = Some(Flash::Error(refused_text(self.lang())));
        }
    }

    /// The "this answer ends the interview" question: Enter saves the
    /// answer and ends the interview, Esc goes back to change it.
    fn confirm_end_key(&mut self, key: KeyEvent, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        match key_match(INTERVIEW, &key) {
            Some(I::Pause) => {
                self.confirm_end = None;
                InterviewOutcome::Stay
            }
            Some(I::Confirm) => {
                let Some((slot, answer, outcome)) = self.confirm_end.take() else {
                    return InterviewOutcome::Stay;
                };
                if self.flow.answer(slot) != Some(&answer) {
                    let before = self.flow.clone();
                    // Checked before the question was asked.
                    let _ = self.flow.set_answer(slot, answer.clone());
                    if let Err(e) = sink.save_answer_step(&mut self.flow, slot, Some(&answer)) {
                        self.flow = before;
                        self.flash =
                            Some(Flash::Error(format!("{} {e}", self.lang().s().save_failed)));
                        return InterviewOutcome::Stay;
                    }
                } else {
                    self.save_progress(sink);
                }
                InterviewOutcome::End(outcome)
            }
            _ => InterviewOutcome::Stay,
        }
    }

    fn options_key(&mut self, key: KeyEvent, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        let rows = self.option_rows();
        let action = key_match(INTERVIEW, &key);
        if !matches!(action, Some(I::Digit(_) | I::Confirm | I::Erase)) {
            self.pending_digits.clear();
        }
        match action {
            Some(I::Up) => {
                self.highlight = Some(self.highlight.map_or(0, |h| h.saturating_sub(1)));
            }
            Some(I::Down) if !rows.is_empty() => {
                self.highlight = Some(self.highlight.map_or(0, |h| (h + 1).min(rows.len() - 1)));
            }
            Some(I::Back) => return self.back(sink),
            Some(I::Forward) => return self.skip_forward(sink),
            Some(I::Tick) => {
                if let Some(row) = self.highlight.and_then(|h| rows.get(h).cloned()) {
                    self.pick(row);
                }
            }
            Some(I::Erase) => {
                self.pending_digits.pop();
            }
            Some(I::Digit(d)) => self.digit(char::from(b'0' + d)),
            Some(I::Yes) if self.is_yes_no() => {
                self.highlight = Some(0);
                self.pick(OptionRow::Choice(0));
            }
            Some(I::No) if self.is_yes_no() => {
                self.highlight = Some(1);
                self.pick(OptionRow::Choice(1));
            }
            Some(I::DontKnow) => self.choose_special(SpecialResponse::DontKnow),
            Some(I::Refused) => self.choose_special(SpecialResponse::Refused),
            Some(I::EndEarly) => {
                self.save_progress(sink);
                return InterviewOutcome::EndEarly;
            }
            Some(I::Confirm) => {
                // Digits typed and waiting for more: Enter takes them as they are.
                let typed = std::mem::take(&mut self.pending_digits);
                if let Some(i) = self.number_keys().iter().position(|k| *k == typed) {
                    self.highlight = Some(i);
                    self.pick(OptionRow::Choice(i));
                    if self.focus == Focus::Other {
                        return InterviewOutcome::Stay;
                    }
                }
                // Nothing chosen is nothing answered, whatever the cursor is on.
                return self.confirm(sink);
            }
            _ => {}
        }
        InterviewOutcome::Stay
    }

    /// A digit on an option list: the option with that number, or, when a
    /// longer number starts with the digits so far ("1" on a 0–10 scale),
    /// wait for the next digit or Enter. No timers.
    fn digit(&mut self, c: char) {
        let keys = self.number_keys();
        let starts = |typed: &str| keys.iter().any(|k| k.starts_with(typed));
        let mut typed = format!("{}{c}", self.pending_digits);
        if !starts(&typed) {
            typed = c.to_string();
        }
        self.pending_digits.clear();
        if !starts(&typed) {
            return;
        }
        let exact = keys.iter().position(|k| *k == typed);
        if keys
            .iter()
            .any(|k| k.len() > typed.len() && k.starts_with(&typed))
        {
            if exact.is_some() {
                self.highlight = exact;
            }
            self.pending_digits = typed;
            self.flash = None;
        } else if let Some(i) = exact {
            self.highlight = Some(i);
            self.pick(OptionRow::Choice(i));
        }
    }

    fn field_key(&mut self, key: KeyEvent, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        let action = command_in_text(INTERVIEW, &key);
        if action == Some(I::Confirm) {
            return self.confirm(sink);
        }
        let Some(field) = self.field.as_ref() else {
            return InterviewOutcome::Stay;
        };
        if action == Some(I::Back) && field.cursor_at_start() {
            return self.back(sink);
        }
        // Nothing typed since the question came up: Right at the end moves on.
        if action == Some(I::Forward) && field.cursor_at_end() && field.text() == self.field_initial
        {
            return self.skip_forward(sink);
        }
        let lang = self.lang();
        let Some(field) = self.field.as_mut() else {
            return InterviewOutcome::Stay;
        };
        match field.handle_key(key) {
            Edit::Changed => {
                if field.text() != self.field_initial {
                    self.picked_special = None;
                }
                self.flash = None;
            }
            Edit::Refused => {
                // A command letter typed out of habit: say which chord does it.
                let command = matches!(key.code, KeyCode::Char('e' | 'd' | 'r' | 'n'))
                    && key.modifiers.is_empty();
                self.flash = Some(Flash::Error(if command {
                    chord_hint(lang)
                } else {
                    refused_text(lang)
                }));
            }
            Edit::Ignored => {}
        }
        InterviewOutcome::Stay
    }

    fn other_key(&mut self, key: KeyEvent, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        match command_in_text(INTERVIEW, &key) {
            Some(I::Confirm) => return self.confirm(sink),
            Some(I::Up | I::Down) => {
                self.focus = Focus::Options;
                return InterviewOutcome::Stay;
            }
            _ => {}
        }
        if let Some(f) = self.other.as_mut()
            && f.handle_key(key) == Edit::Refused
        {
            self.flash = Some(Flash::Error(refused_text(self.lang())));
        }
        InterviewOutcome::Stay
    }

    fn note_key(&mut self, key: KeyEvent, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        if command_in_text(INTERVIEW, &key) == Some(I::Confirm) {
            let (Some(slot), Some(note)) = (self.slot(), self.note.as_ref()) else {
                return InterviewOutcome::Stay;
            };
            let text = note.text();
            match sink.save_note(&self.flow, slot, &text) {
                Ok(()) => {
                    if text.trim().is_empty() {
                        self.notes.remove(&slot);
                    } else {
                        self.notes.insert(slot, text);
                    }
                    self.note = None;
                    self.focus = if self.field.is_some() {
                        Focus::Field
                    } else {
                        Focus::Options
                    };
                    self.flash = Some(Flash::Info(self.lang().s().saved.into()));
                }
                Err(e) => {
                    self.flash = Some(Flash::Error(format!("{} {e}", self.lang().s().save_failed)))
                }
            }
            return InterviewOutcome::Stay;
        }
        if let Some(n) = self.note.as_mut() {
            n.handle_key(key);
        }
        InterviewOutcome::Stay
    }

    /// "Add another?": 1/y or 2/n (or Space on the cursor) chooses, Enter
    /// confirms, as on every question.
    fn add_another_key(&mut self, key: KeyEvent, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        match key_match(INTERVIEW, &key) {
            Some(I::Digit(1) | I::Yes) => {
                self.add_choice = Some(true);
                self.highlight = Some(0);
            }
            Some(I::Digit(2) | I::No) => {
                self.add_choice = Some(false);
                self.highlight = Some(1);
            }
            Some(I::Back) => return self.back(sink),
            Some(I::Up) => self.highlight = Some(0),
            Some(I::Down) => self.highlight = Some(1),
            Some(I::Tick) => {
                if let Some(h) = self.highlight {
                    self.add_choice = Some(h == 0);
                }
            }
            Some(I::Confirm) => match self.add_choice {
                Some(add) => {
                    self.flow.answer_add_another(add);
                    return self.after_move(sink);
                }
                None => {
                    self.flash = Some(Flash::Error(msg!(self.lang(), SvChooseYesNoFirst).into()))
                }
            },
            _ => {}
        }
        InterviewOutcome::Stay
    }

    fn pick(&mut self, row: OptionRow) {
        self.flash = None;
        match row {
            OptionRow::Special(s) => {
                self.picked.clear();
                self.picked_special = Some(s);
            }
            OptionRow::Choice(i) => {
                let Some(choice) = self.choices().get(i).cloned() else {
                    return;
                };
                self.picked_special = None;
                if self.is_multiple() {
                    if let Some(pos) = self.picked.iter().position(|v| *v == choice.value) {
                        self.picked.remove(pos);
                    } else if choice.exclusive {
                        // "None of these" unticks the others at once...
                        self.picked = vec![choice.value.clone()];
                    } else {
                        // ...and any other option unticks it.
                        let choices = self.choices();
                        self.picked
                            .retain(|v| !choices.iter().any(|c| c.exclusive && &c.value == v));
                        self.picked.push(choice.value.clone());
                    }
                } else {
                    self.picked = vec![choice.value.clone()];
                }
                if choice.value == OTHER_CHOICE
                    && self.picked.contains(&choice.value)
                    && self.has_other()
                {
                    if self.other.is_none() {
                        self.other = Some(TextField::new(
                            EntryKind::Text {
                                multiline: false,
                                max_chars: Some(200),
                            },
                            "",
                        ));
                    }
                    self.focus = Focus::Other;
                } else if !self.picked.iter().any(|v| v == OTHER_CHOICE) {
                    self.other = None;
                }
            }
        }
    }

    fn has_other(&self) -> bool {
        self.slot().is_some_and(|s| {
            self.flow.questionnaire().questions[s.question]
                .kind
                .choice_spec()
                .is_some_and(|c| c.other)
        })
    }

    fn is_rating(&self) -> bool {
        self.slot().is_some_and(|s| {
            matches!(
                self.flow.questionnaire().questions[s.question].kind,
                QuestionKind::Rating { .. }
            )
        })
    }

    fn is_yes_no(&self) -> bool {
        self.slot().is_some_and(|s| {
            matches!(
                self.flow.questionnaire().questions[s.question].kind,
                QuestionKind::YesNo
            )
        })
    }

    /// `d`, `r`, Ctrl+D, Ctrl+R: choose a special response (shown on the
    /// option list); Enter confirms it, as any other answer.
    fn choose_special(&mut self, s: SpecialResponse) {
        let Some(slot) = self.slot() else {
            return;
        };
        if let Err(e) = self.flow.check(slot, Answer::special(s)) {
            self.flash = Some(Flash::Error(e.message));
            return;
        }
        self.flash = None;
        self.pending_digits.clear();
        self.picked.clear();
        self.other = None;
        self.picked_special = Some(s);
        self.highlight = self
            .option_rows()
            .iter()
            .position(|r| *r == OptionRow::Special(s));
        if self.focus == Focus::Other {
            self.focus = Focus::Options;
        }
    }

    /// The answer as it stands on screen, or why it is not one yet.
    fn pending_answer(&self) -> Result<Option<Answer>, String> {
        let Some(slot) = self.slot() else {
            return Ok(None);
        };
        if let Some(s) = self.picked_special {
            return Ok(Some(Answer::special(s)));
        }
        let q = &self.flow.questionnaire().questions[slot.question];
        let other = self
            .other
            .as_ref()
            .map(|f| f.text())
            .filter(|t| !t.trim().is_empty());
        let bad = || self.lang_msg_number();
        let value = match &q.kind {
            QuestionKind::Note => return Ok(None),
            QuestionKind::SingleChoice(_) => match self.picked.first() {
                Some(v) => AnswerValue::Choice {
                    value: v.clone(),
                    other,
                },
                None => return Ok(None),
            },
            QuestionKind::MultipleChoice(_) => {
                if self.picked.is_empty() {
                    return Ok(None);
                }
                AnswerValue::Choices {
                    values: self.picked.clone(),
                    other,
                }
            }
            QuestionKind::Rating { .. } => match self.picked.first().and_then(|v| v.parse().ok()) {
                Some(value) => AnswerValue::Rating { value },
                None => return Ok(None),
            },
            QuestionKind::YesNo => match self.picked.first().map(String::as_str) {
                Some("yes") => AnswerValue::YesNo { value: true },
                Some("no") => AnswerValue::YesNo { value: false },
                _ => return Ok(None),
            },
            kind => {
                let text = self.field.as_ref().map(|f| f.text()).unwrap_or_default();
                let t = text.trim();
                if t.is_empty() {
                    return Ok(None);
                }
                match kind {
                    QuestionKind::Integer { .. } => AnswerValue::Integer {
                        value: t.parse().map_err(|_| bad())?,
                    },
                    QuestionKind::Decimal { .. } => AnswerValue::Decimal {
                        value: t.parse().map_err(|_| bad())?,
                    },
                    // `7:30`, `0730`, `11-30` (this year)...: one reader for
                    // every date and time field.
                    QuestionKind::Date => AnswerValue::Date {
                        value: datetime_input::parse_date(t, chrono::Local::now().date_naive())
                            .map_err(|e| e.message(true, self.lang().code()).to_string())?,
                    },
                    QuestionKind::Time => AnswerValue::Time {
                        value: datetime_input::parse_time(t)
                            .map_err(|e| e.message(false, self.lang().code()).to_string())?,
                    },
                    _ => AnswerValue::Text { value: text },
                }
            }
        };
        Ok(Some(Answer::Value(value)))
    }

    fn lang_msg_number(&self) -> String {
        msg!(self.lang(), SvIncompleteEntry).into()
    }

    /// Enter: check, save, then move on.
    fn confirm(&mut self, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        let Some(slot) = self.slot() else {
            return InterviewOutcome::Review;
        };
        let pending = match self.pending_answer() {
            Ok(p) => p,
            Err(msg) => {
                self.flash = Some(Flash::Error(msg));
                return InterviewOutcome::Stay;
            }
        };
        match pending {
            Some(answer) => {
                let answer = match self.flow.check(slot, answer) {
                    Ok(a) => a,
                    Err(e) => {
                        self.flow.record_rejected(slot);
                        self.flash = Some(Flash::Error(e.message));
                        return InterviewOutcome::Stay;
                    }
                };
                // An answer that ends the interview is confirmed first.
                if let Some(outcome) = self.flow.ending_for(slot, &answer) {
                    self.confirm_end = Some((slot, answer, outcome));
                    return InterviewOutcome::Stay;
                }
                if self.flow.answer(slot) != Some(&answer) {
                    return self.confirm_change(slot, Some(answer), sink);
                }
            }
            None => {
                // Nothing entered: clearing an earlier answer is a change too.
                if self.flow.answer(slot).is_some() {
                    return self.confirm_change(slot, None, sink);
                }
            }
        }
        if self.from_review {
            self.save_progress(sink);
            if self.flow.answer(slot).is_some()
                || !self.flow.questionnaire().questions[slot.question].required
            {
                self.from_review = false;
                return InterviewOutcome::Review;
            }
        }
        match self.flow.advance() {
            Ok(_) => self.after_move(sink),
            Err(e) => {
                // The cursor is not a choice: say how to make one.
                let hint = match &self.flow.questionnaire().questions[slot.question].kind {
                    QuestionKind::SingleChoice(_)
                    | QuestionKind::MultipleChoice(_)
                    | QuestionKind::Rating { .. }
                    | QuestionKind::YesNo
                        if self.flow.answer(slot).is_none() =>
                    {
                        msg!(self.lang(), SvChooseHow)
                    }
                    _ => "",
                };
                self.flash = Some(Flash::Error(format!("{}{hint}", e.message)));
                self.save_progress(sink);
                InterviewOutcome::Stay
            }
        }
    }

    /// A new answer (or a cleared one) confirmed: the flow takes it and
    /// moves on, then the answer, its paradata and the new position are
    /// saved as one unit of work. If that save fails, the flow goes back to
    /// where it was and the entry stays on screen for another try.
    fn confirm_change(
        &mut self,
        slot: Slot,
        answer: Option<Answer>,
        sink: &mut dyn AnswerSink,
    ) -> InterviewOutcome {
        let before = self.flow.clone();
        match &answer {
            // Checked by the caller: the flow accepts it.
            Some(a) => {
                let _ = self.flow.set_answer(slot, a.clone());
            }
            None => {
                self.flow.clear_answer(slot);
            }
        }
        let to_review = self.from_review
            && (self.flow.answer(slot).is_some()
                || !self.flow.questionnaire().questions[slot.question].required);
        let moved = if to_review {
            Ok(None)
        } else {
            self.flow.advance()
        };
        if let Err(e) = sink.save_answer_step(&mut self.flow, slot, answer.as_ref()) {
            self.flow = before;
            self.flash = Some(Flash::Error(format!("{} {e}", self.lang().s().save_failed)));
            return InterviewOutcome::Stay;
        }
        if to_review {
            self.from_review = false;
            return InterviewOutcome::Review;
        }
        match moved {
            Ok(_) => {
                self.flash = None;
                self.load_step();
                if self.flow.current().is_none() {
                    InterviewOutcome::Review
                } else {
                    InterviewOutcome::Stay
                }
            }
            Err(e) => {
                self.flash = Some(Flash::Error(e.message));
                InterviewOutcome::Stay
            }
        }
    }

    /// `→`: on to the first question without an answer (where the surveyor
    /// was before going back), or to the check screen when there is none.
    fn skip_forward(&mut self, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        match self.flow.skip_forward() {
            Ok(_) => self.after_move(sink),
            Err(e) => {
                self.flash = Some(Flash::Error(e.message));
                InterviewOutcome::Stay
            }
        }
    }

    fn forward_without_answer(&mut self, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        match self.flow.advance() {
            Ok(_) => self.after_move(sink),
            Err(e) => {
                self.flash = Some(Flash::Error(e.message));
                InterviewOutcome::Stay
            }
        }
    }

    /// Whether keys are going into a text field (so letters are text).
    pub fn is_typing(&self) -> bool {
        self.confirm_end.is_none()
            && self.focus != Focus::Options
            && !matches!(self.flow.current(), Some(Step::AddAnother(_)) | None)
    }

    /// Back to the previous question (e.g. from the review screen).
    pub fn go_back(&mut self, sink: &mut dyn AnswerSink) {
        self.back(sink);
    }

    fn back(&mut self, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        self.flow.go_back();
        self.flash = None;
        self.load_step();
        self.save_progress(sink);
        InterviewOutcome::Stay
    }

    fn after_move(&mut self, sink: &mut dyn AnswerSink) -> InterviewOutcome {
        self.flash = None;
        self.load_step();
        self.save_progress(sink);
        if self.flow.current().is_none() {
            InterviewOutcome::Review
        } else {
            InterviewOutcome::Stay
        }
    }

    fn save_progress(&mut self, sink: &mut dyn AnswerSink) {
        if let Err(e) = sink.save_progress(&mut self.flow) {
            self.flash = Some(Flash::Error(format!("{} {e}", self.lang().s().save_failed)));
        }
    }

    fn open_note(&mut self) {
        if let Some(slot) = self.slot() {
            let saved = self.notes.get(&slot).map_or("", String::as_str);
            self.note = Some(TextField::new(
                EntryKind::Text {
                    multiline: false,
                    max_chars: Some(500),
                },
                saved,
            ));
            self.focus = Focus::Note;
        }
    }

    fn switch_language(&mut self, sink: &mut dyn AnswerSink) {
        let langs = self.flow.questionnaire().languages.clone();
        if let Some(i) = langs.iter().position(|l| l == self.flow.language()) {
            let next = langs[(i + 1) % langs.len()].clone();
            self.flow.set_language(&next);
            self.save_progress(sink);
        }
    }

    // ----- drawing ----------------------------------------------------------

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang) {
        let s = ui.s();
        let [top, gauge_row, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(area);

        let q = self.flow.questionnaire();
        let elapsed = self
            .frozen_elapsed
            .unwrap_or_else(|| self.started.elapsed().as_secs());
        let right = format!("{} {:02}:{:02}", s.elapsed, elapsed / 60, elapsed % 60);
        let left = format!(
            "{} · {}",
            q.title.get(self.flow.language()),
            self.resident_label
        );
        frame.render_widget(
            Paragraph::new(Line::from(vec![Span::styled(left, theme.title())])),
            top,
        );
        let w = Line::from(right.as_str()).width() as u16;
        if top.width > w {
            frame.render_widget(
                Paragraph::new(Span::styled(right, theme.secondary())),
                Rect {
                    x: top.x + top.width - w,
                    width: w,
                    ..top
                },
            );
        }

        let progress = self.flow.progress();
        let section = self
            .slot()
            .map(|sl| {
                let sec = &q.sections[q.questions[sl.question].section];
                let mut t = sec.title.get(self.flow.language()).to_string();
                if let Some(i) = sl.instance {
                    t.push_str(&format!(" #{}", i + 1));
                }
                t
            })
            .unwrap_or_default();
        let ratio = if progress.relevant == 0 {
            1.0
        } else {
            progress.answered as f64 / progress.relevant as f64
        };
        // The count beside the bar, never drawn over it.
        let count = format!("{}/{}", progress.answered, progress.relevant);
        let count_width = Line::from(count.as_str()).width() as u16;
        let [sec_area, gauge_area, _, count_area] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(20),
            Constraint::Length(1),
            Constraint::Length(count_width),
        ])
        .areas(gauge_row);
        frame.render_widget(
            Paragraph::new(Span::styled(section, theme.heading())),
            sec_area,
        );
        let filled = (ratio.clamp(0.0, 1.0) * f64::from(gauge_area.width)).round() as usize;
        let empty = usize::from(gauge_area.width).saturating_sub(filled);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("█".repeat(filled), theme.gauge()),
                Span::styled("░".repeat(empty), theme.secondary()),
            ])),
            gauge_area,
        );
        frame.render_widget(
            Paragraph::new(Span::styled(count, theme.secondary())),
            count_area,
        );

        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(theme.border());
        let inner = block.inner(body);
        frame.render_widget(block, body);
        match self.flow.current() {
            Some(Step::Question(slot)) => self.draw_question(frame, inner, theme, ui, slot),
            Some(Step::AddAnother(sec)) => self.draw_add_another(frame, inner, theme, ui, sec),
            None => frame.render_widget(
                Paragraph::new(Span::styled(s.end_of_questions, theme.heading())),
                inner,
            ),
        }
        if let Some((_, _, outcome)) = &self.confirm_end {
            draw_confirm_end(frame, area, theme, ui, *outcome);
        }
    }

    fn draw_question(&self, frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang, slot: Slot) {
        let q = self.flow.questionnaire();
        let question = &q.questions[slot.question];
        let label = self.flow.render_text(&question.label, slot);
        let mut head: Vec<Line> = vec![Line::from(Span::styled(
            format!("{}{}", if question.required { "* " } else { "" }, label),
            theme.heading(),
        ))];
        if let Some(h) = &question.hint {
            head.push(Line::from(Span::styled(
                self.flow.render_text(h, slot),
                theme.secondary(),
            )));
        }
        let head_height = wrapped_height(&head, area.width).min(area.height.saturating_sub(4));
        let flash_height = u16::from(self.flash.is_some());
        let note_height = if self.note.is_some() { 3 } else { 0 };
        let [head_area, _, answer_area, note_area] = Layout::vertical([
            Constraint::Length(head_height),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(note_height),
        ])
        .areas(area);
        // The message goes right under the answer it is about.
        let answer_area = Rect {
            height: answer_area.height.saturating_sub(flash_height),
            ..answer_area
        };
        frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: false }), head_area);

        let mut y = answer_area.y;
        if let Some(field) = &self.field {
            let multiline = matches!(
                field.kind(),
                EntryKind::Text {
                    multiline: true,
                    ..
                }
            );
            let h = if multiline {
                5.min(answer_area.height)
            } else {
                3.min(answer_area.height)
            };
            let title = format!(" {} ", format_hint(field.kind(), ui));
            let style = if self.focus == Focus::Field {
                theme.selected()
            } else {
                theme.border()
            };
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(style)
                .title(title);
            field.render(
                frame,
                Rect {
                    y,
                    height: h,
                    ..answer_area
                },
                block,
                self.focus == Focus::Field,
            );
            y += h;
        }
        let rows = self.option_rows();
        let choices = self.choices();
        let keys = self.number_keys();
        let cursor = |i: usize| {
            self.highlight == Some(i) && self.focus == Focus::Options && self.field.is_none()
        };
        let mut lines: Vec<Line> = Vec::new();
        let mut specials: Vec<Span> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let (key, text, chosen) = match row {
                OptionRow::Choice(ci) => {
                    let c = &choices[*ci];
                    let text = c.label.get(self.flow.language()).to_string();
                    (keys[*ci].clone(), text, self.picked.contains(&c.value))
                }
                // In typed entry the special responses are reached by Ctrl keys.
                OptionRow::Special(sp) => (
                    match (sp, self.field.is_some()) {
                        (SpecialResponse::DontKnow, false) => "d".into(),
                        (SpecialResponse::Refused, false) => "r".into(),
                        (SpecialResponse::DontKnow, true) => "^D".into(),
                        (SpecialResponse::Refused, true) => "^R".into(),
                    },
                    sp.label(self.flow.language()).to_string(),
                    self.picked_special == Some(*sp),
                ),
            };
            let mark = if self.is_multiple() && matches!(row, OptionRow::Choice(_)) {
                if chosen { "[x]" } else { "[ ]" }
            } else if chosen {
                "(•)"
            } else {
                "( )"
            };
            let style = if cursor(i) {
                theme.selected()
            } else if chosen {
                theme.chosen()
            } else {
                theme.text()
            };
            match row {
                OptionRow::Choice(_) => lines.push(Line::from(vec![
                    Span::styled(format!("{key:>3} "), theme.secondary()),
                    Span::styled(format!("{mark} {text}"), style),
                ])),
                // The special responses share one line, always in view.
                OptionRow::Special(_) => {
                    specials.push(Span::styled(format!("{key:>3} "), theme.secondary()));
                    specials.push(Span::styled(format!("{mark} {text}"), style));
                    specials.push(Span::raw("   "));
                }
            }
        }
        let options_area = Rect {
            y,
            height: answer_area.height.saturating_sub(y - answer_area.y),
            ..answer_area
        };
        let other_height = u16::from(self.other.is_some()) * 3;
        let specials_height = u16::from(!specials.is_empty());
        let pending_height = u16::from(!self.pending_digits.is_empty());
        // Keep the cursor's option in view on short terminals.
        let visible = (options_area
            .height
            .saturating_sub(other_height + specials_height + pending_height)
            as usize)
            .min(lines.len());
        let focus_row = self.highlight.filter(|h| *h < lines.len()).unwrap_or(0);
        let scroll = if focus_row >= visible {
            focus_row + 1 - visible
        } else {
            0
        };
        frame.render_widget(
            Paragraph::new(lines).scroll((scroll as u16, 0)),
            Rect {
                height: visible as u16,
                ..options_area
            },
        );
        let mut y = options_area.y + visible as u16;
        let bottom = options_area.y + options_area.height;
        let mut place = |height: u16| {
            let r = Rect {
                y: y.min(bottom),
                height: height.min(bottom.saturating_sub(y)),
                ..options_area
            };
            y += height;
            r
        };
        if specials_height > 0 {
            frame.render_widget(Paragraph::new(Line::from(specials)), place(1));
        }
        if pending_height > 0 {
            let typed = &self.pending_digits;
            let whole = keys.contains(typed);
            let text = if whole {
                msg!(ui, SvTypedDigitsOrEnter, typed = typed)
            } else {
                msg!(ui, SvTypedDigits, typed = typed)
            };
            frame.render_widget(
                Paragraph::new(Span::styled(text, theme.heading())),
                place(1),
            );
        }
        if let Some(other) = &self.other {
            let r = place(other_height);
            let style = if self.focus == Focus::Other {
                theme.selected()
            } else {
                theme.border()
            };
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(style)
                .title(format!(" {} ", ui.s().specify_other));
            other.render(frame, r, block, self.focus == Focus::Other);
        }
        if let Some(flash) = &self.flash {
            let (text, style) = match flash {
                Flash::Error(t) => (format!("! {t}"), theme.error()),
                Flash::Info(t) => (t.clone(), theme.ok()),
            };
            // The message goes right under the answer it is about.
            let flash_area = Rect {
                y: y.min(bottom),
                height: 1,
                ..options_area
            };
            frame.render_widget(Paragraph::new(Span::styled(text, style)), flash_area);
        }
        if let Some(note) = &self.note {
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(theme.selected())
                .title(format!(" {} ", ui.s().question_note));
            note.render(frame, note_area, block, true);
        }
    }

    fn draw_add_another(&self, frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang, sec: usize) {
        let q = self.flow.questionnaire();
        let section = &q.sections[sec];
        let prompt = match section.repeat.as_ref().map(|r| &r.count) {
            Some(doorstep_core::questionnaire::RepeatCount::AskAnother(t)) => {
                t.get(self.flow.language()).to_string()
            }
            _ => format!(
                "{} {}",
                ui.s().add_another,
                section.title.get(self.flow.language())
            ),
        };
        let s = ui.s();
        let opt = |i: usize, key: &str, text: &str| {
            let chosen = self.add_choice == Some(i == 0);
            let style = if self.highlight == Some(i) {
                theme.selected()
            } else if chosen {
                theme.chosen()
            } else {
                theme.text()
            };
            let mark = if chosen { "(•)" } else { "( )" };
            Line::from(vec![
                Span::styled(format!("{key:>3} "), theme.secondary()),
                Span::styled(format!("{mark} {text}"), style),
            ])
        };
        let mut lines = vec![
            Line::from(Span::styled(prompt, theme.heading())),
            Line::default(),
            opt(0, "1", s.yes),
            opt(1, "2", s.no),
        ];
        if let Some(Flash::Error(t)) = &self.flash {
            lines.push(Line::from(Span::styled(format!("! {t}"), theme.error())));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }

    pub fn started_at(&self) -> DateTime<Utc> {
        self.started_at
    }

    /// The clock goes on from `spent` (a resumed interview's earlier sittings).
    pub fn carry_elapsed(&mut self, spent: std::time::Duration) {
        if let Some(start) = Instant::now().checked_sub(spent) {
            self.started = start;
        }
    }

    /// Seconds on the clock.
    pub fn elapsed_secs(&self) -> u64 {
        self.frozen_elapsed
            .unwrap_or_else(|| self.started.elapsed().as_secs())
    }
}

/// "This answer ends the interview as a refusal": Enter / Esc.
fn draw_confirm_end(frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang, outcome: Disposition) {
    // Low on the screen, so the answer it is about stays in view.
    let centred = crate::widgets::popup::centered(area, 60, 5);
    let popup = Rect {
        y: (area.y + area.height).saturating_sub(6).max(area.y),
        ..centred
    };
    crate::widgets::popup::clear(frame, popup);
    let label = outcome.label(ui.code());
    let text = msg!(ui, SvAnswerEndsAs, label = label);
    let keys = msg!(ui, SvAnswerEndsKeys);
    let lines = vec![
        Line::from(Span::styled(text, theme.heading())),
        Line::default(),
        Line::from(Span::styled(keys, theme.secondary())),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.selected())
                .title(format!(" {} ", msg!(ui, SvEndTheInterview))),
        ),
        popup,
    );
}

fn plain_choice(value: &str, label: String) -> Choice {
    Choice {
        value: value.to_string(),
        label: doorstep_core::questionnaire::LocalText(
            ["zh", "en"]
                .iter()
                .map(|l| (l.to_string(), label.clone()))
                .collect(),
        ),
        exclusive: false,
        attributes: Default::default(),
    }
}

fn yes_no_value(v: bool) -> &'static str {
    if v { "yes" } else { "no" }
}

/// How a typed answer is shown back in its field.
fn entry_text(v: &AnswerValue) -> String {
    match v {
        AnswerValue::Integer { value } => value.to_string(),
        AnswerValue::Decimal { value } => value.to_string(),
        AnswerValue::Text { value } => value.clone(),
        AnswerValue::Date { value } => value.format("%Y-%m-%d").to_string(),
        AnswerValue::Time { value } => value.format("%H:%M").to_string(),
        _ => String::new(),
    }
}

fn format_hint(kind: EntryKind, ui: Lang) -> String {
    match kind {
        EntryKind::Text {
            multiline: true, ..
        } => msg!(ui, SvHintLongText).into(),
        EntryKind::Text {
            max_chars: Some(n), ..
        } => msg!(ui, SvHintTextAtMost, n = n),
        EntryKind::Text { .. } => msg!(ui, SvHintText).into(),
        EntryKind::Integer => msg!(ui, SvHintInteger).into(),
        EntryKind::Decimal => msg!(ui, SvHintNumber).into(),
        EntryKind::Date => msg!(ui, SvHintDate).into(),
        EntryKind::Time => msg!(ui, SvHintTime).into(),
    }
}

/// A command letter typed into a number, date or time field.
fn chord_hint(ui: Lang) -> String {
    msg!(ui, SvLettersAreText).into()
}

fn refused_text(ui: Lang) -> String {
    msg!(ui, SvCannotGoHere).into()
}

/// Lines needed for `lines` wrapped at `width` (an estimate by display width).
fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let w = width.max(1) as usize;
    lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(w) as u16)
        .sum()
}
