//! The surveyor's check before finishing (not the supervisor's review
//! app, which is `crate::supervisor`): every relevant question with its
//! answer, the unanswered required ones marked; jump to any, change it,
//! come back.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph};

use crate::i18n::{Lang, msg};
use crate::keys::{CHECK, CheckAction, key_match};
use crate::theme::Theme;
use doorstep_core::interview::{Answer, AnswerValue, Interview, Slot};
use doorstep_core::questionnaire::{QuestionIdx, QuestionKind, Questionnaire};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewOutcome {
    Stay,
    Jump(Slot),
    Finish,
    /// Back to the last question.
    Back,
    Pause,
    EndEarly,
}

#[derive(Default)]
pub struct ReviewState {
    pub selected: usize,
    pub message: Option<String>,
}

impl ReviewState {
    pub fn handle_key(&mut self, key: KeyEvent, flow: &Interview<'_>) -> ReviewOutcome {
        let slots = flow.relevant_slots();
        let last = slots.len().saturating_sub(1);
        let Some(action) = key_match(CHECK, &key) else {
            return ReviewOutcome::Stay;
        };
        match action {
            CheckAction::Up => self.selected = self.selected.saturating_sub(1),
            CheckAction::Down => self.selected = (self.selected + 1).min(last),
            CheckAction::PageUp => self.selected = self.selected.saturating_sub(10),
            CheckAction::PageDown => self.selected = (self.selected + 10).min(last),
            CheckAction::First => self.selected = 0,
            CheckAction::Last => self.selected = last,
            CheckAction::GoTo => {
                if let Some(s) = slots.get(self.selected) {
                    return ReviewOutcome::Jump(*s);
                }
            }
            CheckAction::NextUnanswered => {
                // Next unanswered required question.
                let problems = flow.problems();
                if let Some(p) = problems.first() {
                    return ReviewOutcome::Jump(p.slot);
                }
            }
            CheckAction::Finish => return ReviewOutcome::Finish,
            CheckAction::Back => return ReviewOutcome::Back,
            CheckAction::EndEarly => return ReviewOutcome::EndEarly,
            CheckAction::Pause => return ReviewOutcome::Pause,
        }
        ReviewOutcome::Stay
    }

    pub fn draw(
        &self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        ui: Lang,
        flow: &Interview<'_>,
        resident: &str,
    ) {
        let s = ui.s();
        let [title, status, list_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(s.review, theme.title()),
                Span::raw(" · "),
                Span::styled(resident.to_string(), theme.heading()),
            ])),
            title,
        );
        let problems = flow.problems();
        let line = match (&self.message, finish_blocker(flow, ui)) {
            (Some(m), _) => Span::styled(m.clone(), theme.error()),
            (None, None) => Span::styled(s.ready_to_finish, theme.ok()),
            (None, Some(why)) => Span::styled(why, theme.error()),
        };
        frame.render_widget(Paragraph::new(line), status);

        let q = flow.questionnaire();
        let ending = flow.ending().map(|e| e.slot);
        let label_width = (list_area.width as usize / 2).clamp(20, 50);
        let answer_width = (list_area.width as usize)
            .saturating_sub(label_width + 4 + 2)
            .max(8);
        let items: Vec<ListItem> = flow
            .relevant_slots()
            .into_iter()
            .map(|slot| {
                let question = &q.questions[slot.question];
                let mut label = flow.render_text(&question.label, slot);
                if let Some(i) = slot.instance {
                    label = format!("#{} {label}", i + 1);
                }
                let problem =
                    problems.iter().find(|p| p.slot == slot).is_some() || ending == Some(slot);
                let answer = match (flow.answer(slot), &question.kind) {
                    (_, QuestionKind::Note) => String::new(),
                    (Some(a), _) => answer_text(flow, slot, a),
                    (None, _) => s.not_answered.to_string(),
                };
                let (mark, style) = if problem {
                    ("!", theme.error())
                } else {
                    (" ", theme.text())
                };
                // Labels in one column, answers in the next, both cut to fit.
                let label = pad(&truncate(&label, label_width), label_width);
                ListItem::new(Line::from(vec![
                    Span::styled(format!("{mark} "), style),
                    Span::styled(label, style),
                    Span::raw("  "),
                    Span::styled(truncate(&answer, answer_width), theme.chosen()),
                ]))
            })
            .collect();
        let list = List::new(items)
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme.border()),
            )
            .highlight_style(theme.selected());
        let mut state = ListState::default().with_selected(Some(self.selected));
        frame.render_stateful_widget(list, list_area, &mut state);
    }
}

/// Why the interview cannot be finished as complete, in the interface
/// language (the rows marked `!` carry the questionnaire's own messages),
/// or `None` when it can.
pub fn finish_blocker(flow: &Interview<'_>, ui: Lang) -> Option<String> {
    if let Some(end) = flow.ending() {
        let label = end.outcome.label(ui.code());
        return Some(msg!(ui, SvAnswerEnds, label = label));
    }
    let problems = flow.problems();
    if problems.is_empty() {
        return None;
    }
    let missing = problems
        .iter()
        .filter(|p| flow.answer(p.slot).is_none())
        .count();
    let invalid = problems.len() - missing;
    let mut parts = Vec::new();
    if missing > 0 {
        parts.push(if missing == 1 {
            msg!(ui, SvRequiredMissingOne, n = missing)
        } else {
            msg!(ui, SvRequiredMissing, n = missing)
        });
    }
    if invalid > 0 {
        parts.push(if invalid == 1 {
            msg!(ui, SvToChangeOne, n = invalid)
        } else {
            msg!(ui, SvToChange, n = invalid)
        });
    }
    let why = parts.join(msg!(ui, SvListSeparator));
    let cannot = ui.s().cannot_finish;
    Some(msg!(ui, SvCannotFinishBecause, cannot = cannot, why = why))
}

/// An answer as the review shows it: choice labels, special responses named.
pub fn answer_text(flow: &Interview<'_>, slot: Slot, a: &Answer) -> String {
    answer_label(flow.questionnaire(), slot.question, flow.language(), a)
}

/// An answer to question `question` of `q` in words, in `lang`.
pub fn answer_label(q: &Questionnaire, question: QuestionIdx, lang: &str, a: &Answer) -> String {
    let label_of = |v: &str| {
        q.questions[question]
            .kind
            .choice_spec()
            .and_then(|c| c.choices.iter().find(|c| c.value == v))
            .map_or(v.to_string(), |c| c.label.get(lang).to_string())
    };
    match a {
        Answer::Special { special } => format!("[{}]", special.label(lang)),
        Answer::Value(v) => match v {
            AnswerValue::Choice { value, other } => match other {
                Some(o) => format!("{}: {o}", label_of(value)),
                None => label_of(value),
            },
            AnswerValue::Choices { values, other } => {
                let mut t = values
                    .iter()
                    .map(|v| label_of(v))
                    .collect::<Vec<_>>()
                    .join(if lang == "zh" { "、" } else { ", " });
                if let Some(o) = other {
                    t.push_str(&format!(" ({o})"));
                }
                t
            }
            AnswerValue::Rating { value } => value.to_string(),
            AnswerValue::YesNo { value } => {
                let ui = Lang::parse(lang).unwrap_or(Lang::En).s();
                if *value { ui.yes } else { ui.no }.to_string()
            }
            AnswerValue::Integer { value } => value.to_string(),
            AnswerValue::Decimal { value } => value.to_string(),
            AnswerValue::Text { value } => value.replace('\n', " "),
            AnswerValue::Date { value } => value.format("%Y-%m-%d").to_string(),
            AnswerValue::Time { value } => value.format("%H:%M").to_string(),
        },
    }
}

/// Pads text with spaces to `width` display columns.
fn pad(s: &str, width: usize) -> String {
    let w = Line::from(s).width();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// Cuts text to `max` display columns, marking the cut.
pub fn truncate(s: &str, max: usize) -> String {
    if Line::from(s).width() <= max {
        return s.to_string();
    }
    // Leave one column for the ellipsis.
    let mut width = 0;
    let mut out = String::new();
    for c in s.chars() {
        let w = Line::from(c.to_string()).width();
        if width + w + 1 > max {
            break;
        }
        width += w;
        out.push(c);
    }
    out.push('…');
    out
}
