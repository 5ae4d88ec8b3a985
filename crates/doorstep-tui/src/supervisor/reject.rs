//! The approve or reject dialog: a one-line comment (required to
//! reject), typed or pasted, and the decision it records.

use chrono::Utc;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;

use crate::i18n::msg;
use crate::keys::ReviewAction;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::ReviewApp;
use crate::widgets::popup;
use crate::widgets::text_field::{Edit, EntryKind, TextField};
use doorstep_store::decisions::{Decision, DecisionKind};

pub(super) struct DecisionDialog {
    approve: bool,
    comment: TextField,
    error: Option<String>,
}

impl ReviewApp {
    /// Pasted text goes into the comment being written, as one line (line
    /// breaks and tabs become spaces, other control characters are
    /// dropped); elsewhere it is ignored. Too long a paste is refused
    /// whole, and the prompt says so.
    pub fn handle_paste(&mut self, text: &str) {
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let text = one_line(text);
        if d.comment.paste(&text) == Edit::Refused {
            d.error = Some(msg!(self.ui, RvPasteTooLong).into());
        } else {
            d.error = None;
        }
    }

    pub(super) fn open_dialog(&mut self, _interview: usize, approve: bool) {
        let mut comment = TextField::new(
            EntryKind::Text {
                multiline: false,
                max_chars: Some(500),
            },
            "",
        );
        comment.set_placeholder("");
        self.dialog = Some(DecisionDialog {
            approve,
            comment,
            error: None,
        });
    }

    /// An action in the prompt; false if it does nothing there.
    pub(super) fn dialog_action(&mut self, action: ReviewAction) -> bool {
        match action {
            ReviewAction::Cancel => self.dialog = None,
            ReviewAction::Confirm => self.decide(),
            _ => return false,
        }
        true
    }

    /// A key in the prompt: its action (record, cancel), else an edit of
    /// the comment.
    pub(super) fn dialog_key(&mut self, action: Option<ReviewAction>, key: KeyEvent) {
        match action {
            Some(action) => {
                self.dialog_action(action);
            }
            None => {
                if let Some(d) = self.dialog.as_mut() {
                    d.comment.handle_key(key);
                }
            }
        }
    }

    /// The interview the decision is about: the one in detail, else the
    /// one selected in the list.
    fn current_interview(&self) -> Option<usize> {
        self.detail
            .or_else(|| self.listed().get(self.selected).copied())
    }

    fn decide(&mut self) {
        let Some(i) = self.current_interview() else {
            return;
        };
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let it = &self.inbox.interviews[i];
        // Only interviews from verified batches are listed, so anything
        // here may be approved.
        let comment = Some(d.comment.text()).filter(|c| !c.trim().is_empty());
        if !d.approve && comment.is_none() {
            d.error = Some(msg!(self.ui, RvRejectNeedsWhy).into());
            return;
        }
        let decision = Decision {
            interview_id: it.id.clone(),
            batch_id: it.batch_id.clone(),
            surveyor_id: it.surveyor_id.clone(),
            decision: if d.approve {
                DecisionKind::Approved
            } else {
                DecisionKind::Rejected
            },
            comment,
            decided_at: Utc::now(),
            supervisor_id: self.supervisor_id.clone(),
        };
        let approve = d.approve;
        let id = it.id.clone();
        let before = self.listed();
        match self.record(decision) {
            Ok(()) => {
                let word = if approve {
                    msg!(self.ui, RvApproved)
                } else {
                    msg!(self.ui, RvRejected)
                };
                self.flash = Some((false, format!("{word}: {id}")));
                self.dialog = None;
                if self.detail.is_none() {
                    self.select_next_undecided(&before, i);
                }
            }
            Err(e) => {
                if let Some(d) = self.dialog.as_mut() {
                    d.error = Some(e);
                }
            }
        }
    }

    pub(super) fn draw_dialog(&self, frame: &mut Frame, area: Rect, d: &DecisionDialog) {
        let t = &self.theme;
        let r = popup::centered(area, 64, 6);
        popup::clear(frame, r);
        let title = if d.approve {
            msg!(self.ui, RvApproveThisInterview)
        } else {
            msg!(self.ui, RvRejectThisInterview)
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.selected())
            .title(format!(" {title} "));
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let [field, msg] =
            Layout::vertical([Constraint::Length(3), Constraint::Length(1)]).areas(inner);
        let fb = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border())
            .title(format!(" {} ", msg!(self.ui, RvComment)));
        d.comment.render(frame, field, fb, true);
        let line = match &d.error {
            Some(e) => Span::styled(e.clone(), t.error()),
            None => Span::raw(""),
        };
        frame.render_widget(Paragraph::new(line), msg);
    }
}

/// Pasted text as one line: a line break (CR LF, CR or LF) or a tab is a
/// space, other control characters are dropped.
fn one_line(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\r' | '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}
