//! The interviews tab: the list, sorted and filtered, with the decisions
//! and quality flags.

use crate::i18n::msg;
use crate::keys::ReviewAction;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::ReviewApp;
use crate::review_text::{FLAG_CODES, decision_label, flag_name, flag_names, outcome_label, width};
use crate::screens::check::truncate;
use doorstep_review::figures::{length_secs, whole_minutes};
use doorstep_review::inbox::InboxInterview;
use doorstep_store::decisions::DecisionKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sort {
    Time,
    Surveyor,
    Flags,
}

/// Which interviews the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Filter {
    All,
    Flagged,
    Flag(&'static str),
    Undecided,
    Approved,
    Rejected,
}

impl ReviewApp {
    /// Interviews as the list shows them: filtered, then sorted.
    pub(super) fn listed(&self) -> Vec<usize> {
        let community = self
            .community
            .and_then(|c| self.inbox.communities.get(c))
            .map(|c| &c.community);
        let surveyor = self
            .surveyor
            .and_then(|s| self.inbox.surveyors.get(s))
            .map(|s| &s.surveyor_id);
        let mut v: Vec<usize> = (0..self.inbox.interviews.len())
            .filter(|i| {
                let it = &self.inbox.interviews[*i];
                if community.is_some_and(|c| *c != it.community)
                    || surveyor.is_some_and(|s| *s != it.surveyor_id)
                {
                    return false;
                }
                match &self.filter {
                    Filter::All => true,
                    Filter::Flagged => !it.flags.is_empty(),
                    Filter::Flag(code) => it.flags.iter().any(|f| f.code() == *code),
                    Filter::Undecided => !self.decisions.contains_key(&it.id),
                    Filter::Approved => self
                        .decisions
                        .get(&it.id)
                        .is_some_and(|d| d.decision == DecisionKind::Approved),
                    Filter::Rejected => self
                        .decisions
                        .get(&it.id)
                        .is_some_and(|d| d.decision == DecisionKind::Rejected),
                }
            })
            .collect();
        let ivs = &self.inbox.interviews;
        match self.sort {
            Sort::Time => v.sort_by_key(|i| ivs[*i].started_at),
            Sort::Surveyor => v.sort_by(|a, b| {
                (&ivs[*a].surveyor_id, ivs[*a].started_at)
                    .cmp(&(&ivs[*b].surveyor_id, ivs[*b].started_at))
            }),
            Sort::Flags => {
                v.sort_by_key(|i| (std::cmp::Reverse(ivs[*i].flags.len()), ivs[*i].started_at))
            }
        }
        v
    }

    /// An action on the interviews tab; false if it does nothing here.
    pub(super) fn interviews_action(&mut self, action: ReviewAction) -> bool {
        let listed = self.listed();
        let last = listed.len().saturating_sub(1);
        match action {
            ReviewAction::Down => self.selected = (self.selected + 1).min(last),
            ReviewAction::Up => self.selected = self.selected.saturating_sub(1),
            ReviewAction::PageDown => self.selected = (self.selected + 10).min(last),
            ReviewAction::PageUp => self.selected = self.selected.saturating_sub(10),
            ReviewAction::Open => {
                if let Some(i) = listed.get(self.selected) {
                    self.detail = Some(*i);
                    self.detail_scroll = 0;
                    self.detail_max_scroll.set(u16::MAX);
                }
            }
            ReviewAction::Approve | ReviewAction::Reject => {
                if let Some(i) = listed.get(self.selected) {
                    self.open_dialog(*i, action == ReviewAction::Approve);
                }
            }
            ReviewAction::Sort => {
                self.sort = match self.sort {
                    Sort::Time => Sort::Surveyor,
                    Sort::Surveyor => Sort::Flags,
                    Sort::Flags => Sort::Time,
                };
                self.selected = 0;
            }
            ReviewAction::Filter => {
                self.filter = match &self.filter {
                    Filter::All => Filter::Flagged,
                    Filter::Flagged => Filter::Flag(FLAG_CODES[0]),
                    Filter::Flag(c) => match FLAG_CODES.iter().position(|x| x == c) {
                        Some(p) if p + 1 < FLAG_CODES.len() => Filter::Flag(FLAG_CODES[p + 1]),
                        _ => Filter::Undecided,
                    },
                    Filter::Undecided => Filter::Approved,
                    Filter::Approved => Filter::Rejected,
                    Filter::Rejected => Filter::All,
                };
                self.selected = 0;
            }
            ReviewAction::Community => {
                self.community = next_of(self.community, self.inbox.communities.len());
                self.selected = 0;
            }
            ReviewAction::Surveyor => {
                self.surveyor = next_of(self.surveyor, self.inbox.surveyors.len());
                self.selected = 0;
            }
            _ => return false,
        }
        true
    }

    /// After a decision on `decided` in the list (`before`: the list as it
    /// was), the cursor goes to the next undecided interview below it, else
    /// the first undecided one, else stays on `decided`.
    pub(super) fn select_next_undecided(&mut self, before: &[usize], decided: usize) {
        let after = self.listed();
        let undecided = |i: &&usize| !self.decisions.contains_key(&self.inbox.interviews[**i].id);
        let from = before.iter().position(|i| *i == decided).unwrap_or(0);
        let target = before[from..]
            .iter()
            .find(undecided)
            .or_else(|| after.iter().find(undecided))
            .copied()
            .unwrap_or(decided);
        self.selected = after
            .iter()
            .position(|i| *i == target)
            .unwrap_or(self.selected.min(after.len().saturating_sub(1)));
    }

    pub(super) fn draw_interviews(&self, frame: &mut Frame, area: Rect) {
        let t = &self.theme;
        let ui = self.ui;
        let listed = self.listed();
        let [bar, table_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let sort = match self.sort {
            Sort::Time => msg!(ui, RvTime2),
            Sort::Surveyor => msg!(ui, RvSurveyor2),
            Sort::Flags => msg!(ui, RvFlags),
        };
        let filter = match &self.filter {
            Filter::All => msg!(ui, RvAll),
            Filter::Flagged => msg!(ui, RvFlagged2),
            Filter::Flag(c) => flag_name(c, ui),
            Filter::Undecided => msg!(ui, RvUndecided),
            Filter::Approved => msg!(ui, RvApproved2),
            Filter::Rejected => msg!(ui, RvRejected2),
        };
        let community = match self.community.and_then(|c| self.inbox.communities.get(c)) {
            Some(c) => self.community_name(c.community.as_deref()),
            None => msg!(ui, RvAll),
        };
        let surveyor = match self.surveyor.and_then(|s| self.inbox.surveyors.get(s)) {
            Some(s) => s.surveyor_id.as_str(),
            None => msg!(ui, RvAll),
        };
        let status = format!(
            "{} {}   {}: {sort}   {}: {filter}   {}: {community}   {}: {surveyor}",
            listed.len(),
            msg!(ui, RvInterviews2),
            msg!(ui, RvSort),
            msg!(ui, RvFilter),
            msg!(ui, RvCommunity2),
            msg!(ui, RvSurveyor2),
        );
        frame.render_widget(
            Paragraph::new(Span::styled(
                truncate(&status, bar.width as usize),
                t.secondary(),
            )),
            bar,
        );
        // Below 100 columns the start shows the time only, leaving the
        // flags some room next to the community.
        let narrow = table_area.width < 100;
        let start_format = if narrow { "%H:%M" } else { "%m-%d %H:%M" };
        let cells = |it: &InboxInterview| -> [String; 7] {
            [
                it.surveyor_id.clone(),
                it.resident_id.clone(),
                truncate(self.community_name(it.community.as_deref()), 10),
                self.local(it.started_at, start_format),
                length_secs(it).map_or("-".into(), |s| whole_minutes(s).to_string()),
                outcome_label(&it.disposition, ui),
                it.overall_score.map_or("-".into(), |s| format!("{s:.0}")),
            ]
        };
        let headings = [
            msg!(ui, RvSurveyor),
            msg!(ui, RvResident),
            msg!(ui, RvCommunity),
            msg!(ui, RvStart),
            msg!(ui, RvMin),
            msg!(ui, RvOutcome),
            msg!(ui, RvScore3),
            msg!(ui, RvDecision),
            msg!(ui, RvFlags2),
        ];
        // Each column as wide as its widest heading or value over all the
        // interviews (so that columns stay put while filtering), the flags
        // in what is left.
        let mut widths = [0usize; 9];
        for (w, h) in widths.iter_mut().zip(headings) {
            *w = width(h);
        }
        for it in &self.inbox.interviews {
            for (w, c) in widths.iter_mut().zip(cells(it)) {
                *w = (*w).max(width(&c));
            }
        }
        for d in [DecisionKind::Approved, DecisionKind::Rejected] {
            widths[7] = widths[7].max(width(decision_label(d, ui)));
        }
        let used: usize = widths[..8].iter().sum::<usize>() + 8;
        widths[8] = (table_area.width as usize).saturating_sub(used).max(1);
        let header = Row::new(headings.map(Cell::from)).style(t.heading());
        let rows_fit = table_area.height.saturating_sub(1) as usize;
        let offset = if self.selected >= rows_fit {
            self.selected + 1 - rows_fit
        } else {
            0
        };
        let rows: Vec<Row> = listed
            .iter()
            .skip(offset)
            .take(rows_fit)
            .map(|i| {
                let it = &self.inbox.interviews[*i];
                let decision = self.decisions.get(&it.id).map_or(Span::raw(""), |d| {
                    let style = match d.decision {
                        DecisionKind::Approved => t.ok(),
                        DecisionKind::Rejected => t.error(),
                    };
                    Span::styled(decision_label(d.decision, ui), style)
                });
                let flags = truncate(&flag_names(&it.flags, ui), widths[8]);
                let mut row: Vec<Cell> = cells(it).into_iter().map(Cell::from).collect();
                row.push(Cell::from(decision));
                row.push(Cell::from(Span::styled(flags, t.warning())));
                Row::new(row)
            })
            .collect();
        let table = Table::new(rows, widths.map(|w| Constraint::Length(w as u16)))
            .header(header)
            .row_highlight_style(t.selected());
        let mut state = TableState::default()
            .with_selected((!listed.is_empty()).then(|| self.selected - offset));
        frame.render_stateful_widget(table, table_area, &mut state);
    }
}

/// A filter's next choice among `len`: all (`None`), then each one, then
/// all again.
fn next_of(current: Option<usize>, len: usize) -> Option<usize> {
    match current {
        None if len > 0 => Some(0),
        Some(i) if i + 1 < len => Some(i + 1),
        _ => None,
    }
}
