//! The supervisor's review app: the inbox of a day's batches, the
//! interviews with their quality flags, one interview in detail, decisions,
//! and a day summary with charts. State in `ReviewApp`; `draw` only reads.

use std::collections::BTreeMap;

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Bar, BarChart, BarGroup, Block, Borders, Cell, Paragraph, Row, Table, TableState, Tabs, Wrap,
};

use super::i18n::Lang;
use super::keys::Screen;
use super::review_text::{
    FLAG_CODES, decision_label, finding_name, finding_text, flag_line, flag_name, flag_names,
    minutes_text, outcome_label, pad, rate_legend, rows_shown, signature_label, status_name,
    status_text, uncounted_text, width, wrap,
};
use super::screens::help::{draw_footer, draw_help};
use super::screens::review::{answer_label, truncate};
use super::theme::Theme;
use super::widgets::popup;
use super::widgets::text_field::{Edit, EntryKind, TextField};
use doorstep_batch::parse_answer_key;
use doorstep_core::assignment::{Disposition, OutcomeGroup};
use doorstep_core::interview::{Answer, Interview, Slot};
use doorstep_core::questionnaire::Questionnaire;
use doorstep_core::scoring::{mean_scores, score_interview};
use doorstep_review::figures::{
    completed_minutes, length_histogram, length_secs, refusals, seconds_per_slot, uncounted,
    whole_minutes,
};
use doorstep_review::inbox::{Inbox, InboxInterview};
use doorstep_store::Store;
use doorstep_store::decisions::{Decision, DecisionKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Inbox,
    Interviews,
    Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Time,
    Surveyor,
    Flags,
}

/// Which interviews the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Filter {
    All,
    Flagged,
    Flag(&'static str),
    Undecided,
    Approved,
    Rejected,
}

struct DecisionDialog {
    approve: bool,
    comment: TextField,
    error: Option<String>,
}

pub struct ReviewApp {
    pub inbox: Inbox,
    pub store: Store,
    pub supervisor_id: String,
    pub ui: Lang,
    pub theme: Theme,
    pub tab: Tab,
    pub quit: bool,
    /// The keys of the screen, over it (`?`).
    pub help: bool,
    /// Local time, as the quality flags and the batch days count it (the
    /// thresholds' `utc_offset_hours`): every time is shown in it.
    utc_offset: FixedOffset,
    selected_batch: usize,
    selected: usize,
    sort: Sort,
    filter: Filter,
    /// Only this community's interviews (an index into
    /// `inbox.communities`), or all.
    community: Option<usize>,
    /// Only this surveyor's interviews (an index into `inbox.surveyors`).
    surveyor: Option<usize>,
    /// Index into `inbox.interviews` of the interview open in detail.
    detail: Option<usize>,
    detail_scroll: u16,
    /// How far the detail scrolls at most, as last drawn.
    detail_max_scroll: std::cell::Cell<u16>,
    /// Rows the day summary's lists are scrolled by (each band as far as
    /// its own rows go).
    summary_scroll: usize,
    /// How far the day summary scrolls at most, as last drawn.
    summary_max_scroll: std::cell::Cell<usize>,
    dialog: Option<DecisionDialog>,
    decisions: BTreeMap<String, Decision>,
    /// The store's `data_version` when the decisions were last read: a
    /// change means another process (`review --decide`) wrote to it.
    decisions_version: Option<i64>,
    /// `x`: flagged interviews leave the scores too.
    leave_out_flagged: bool,
    flash: Option<(bool, String)>,
    /// Whether the screen can be seen (not "terminal too small").
    pub shown: crate::terminal::Visibility,
}

impl ReviewApp {
    /// `utc_offset_hours`: the thresholds' offset of local time from UTC
    /// (the one the inbox was opened with).
    pub fn new(
        inbox: Inbox,
        store: Store,
        supervisor_id: String,
        ui: Lang,
        utc_offset_hours: i32,
    ) -> Self {
        let decisions_version = store.data_version().ok();
        let decisions = store
            .decisions()
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.interview_id.clone(), d))
            .collect();
        let mut app = ReviewApp {
            inbox,
            store,
            supervisor_id,
            ui,
            theme: Theme::from_env(),
            tab: Tab::Inbox,
            quit: false,
            help: false,
            utc_offset: FixedOffset::east_opt(utc_offset_hours * 3600)
                .unwrap_or(FixedOffset::east_opt(0).expect("zero offset")),
            selected_batch: 0,
            selected: 0,
            sort: Sort::Time,
            filter: Filter::All,
            community: None,
            surveyor: None,
            detail: None,
            detail_scroll: 0,
            detail_max_scroll: std::cell::Cell::new(u16::MAX),
            summary_scroll: 0,
            summary_max_scroll: std::cell::Cell::new(usize::MAX),
            dialog: None,
            decisions,
            decisions_version,
            leave_out_flagged: false,
            flash: None,
            shown: Default::default(),
        };
        app.recount();
        app
    }

    /// The figures again, after a decision or `x`: rejected interviews
    /// never count, flagged ones as `x` says (`Inbox::set_counting`).
    fn recount(&mut self) {
        let rejected = self
            .decisions
            .values()
            .filter(|d| d.decision == DecisionKind::Rejected)
            .map(|d| d.interview_id.as_str());
        self.inbox.set_counting(rejected, self.leave_out_flagged);
    }

    /// Reads the decisions again when another process changed the store
    /// (a `review --decide` while the app is open). Cheap: one pragma when
    /// nothing changed; the app calls it on every tick.
    pub fn refresh_decisions(&mut self) {
        let Ok(version) = self.store.data_version() else {
            return;
        };
        if self.decisions_version == Some(version) {
            return;
        }
        self.decisions_version = Some(version);
        if let Ok(all) = self.store.decisions() {
            self.decisions = all
                .into_iter()
                .map(|d| (d.interview_id.clone(), d))
                .collect();
            self.recount();
        }
    }

    /// What the scores count, for the screen.
    fn counting_text(&self) -> String {
        let c = &self.inbox.counting;
        match (self.ui, c.leave_out_flagged) {
            (Lang::Zh, false) => format!(
                "得分只计已通过和未决定的访问（不计已驳回 {} 份）",
                c.left_out_rejected
            ),
            (Lang::Zh, true) => format!(
                "得分只计已通过和未决定、无标记的访问（不计已驳回 {} 份、有标记 {} 份）",
                c.left_out_rejected, c.left_out_flagged
            ),
            (_, false) => format!(
                "Scores: approved and undecided interviews (left out: {} rejected)",
                c.left_out_rejected
            ),
            (_, true) => format!(
                "Scores: approved and undecided, unflagged (left out: {} rejected, {} flagged)",
                c.left_out_rejected, c.left_out_flagged
            ),
        }
    }

    /// The batches missing from the surveyors' sequences, for the screen.
    fn gaps_text(&self) -> Option<String> {
        if !self.inbox.has_gaps() {
            return None;
        }
        let each: Vec<String> = self
            .inbox
            .gaps
            .iter()
            .map(|g| {
                let seqs = g
                    .missing
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(self.ui.pick("、", ", "));
                match self.ui {
                    Lang::Zh => format!("{} 第 {seqs} 批", g.surveyor_id),
                    _ => format!("{} no. {seqs}", g.surveyor_id),
                }
            })
            .collect();
        let each = each.join(self.ui.pick("；", "; "));
        Some(match self.ui {
            Lang::Zh => format!("缺少批次：{each}（数据不全）"),
            _ => format!("Missing batches: {each} (figures incomplete)"),
        })
    }

    /// `t` in local time, formatted.
    fn local(&self, t: DateTime<Utc>, format: &str) -> String {
        t.with_timezone(&self.utc_offset).format(format).to_string()
    }

    /// The local time's offset, as "UTC+8".
    fn offset_label(&self) -> String {
        let secs = self.utc_offset.local_minus_utc();
        let (h, m) = (secs / 3600, (secs.abs() % 3600) / 60);
        match m {
            0 => format!("UTC{h:+}"),
            m => format!("UTC{h:+}:{m:02}"),
        }
    }

    /// The screen whose keys apply now (footer and help).
    pub fn screen(&self) -> Screen {
        if self.dialog.is_some() {
            Screen::ReviewDecision
        } else if self.detail.is_some() {
            Screen::ReviewDetail
        } else {
            match self.tab {
                Tab::Inbox => Screen::ReviewInbox,
                Tab::Interviews => Screen::ReviewInterviews,
                Tab::Summary => Screen::ReviewSummary,
            }
        }
    }

    /// A community's name as the app shows it ("(unknown)" for none).
    fn community_name<'a>(&self, c: Option<&'a str>) -> &'a str {
        c.unwrap_or(self.ui.pick("（未知）", "(unknown)"))
    }

    /// Interviews as the list shows them: filtered, then sorted.
    fn listed(&self) -> Vec<usize> {
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

    /// A terminal event: keys, and text pasted (bracketed paste).
    pub fn handle_event(&mut self, event: &Event) {
        match event {
            Event::Key(key) => self.handle_key(*key),
            Event::Paste(text) => self.handle_paste(text),
            _ => {}
        }
    }

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
            d.error = Some(
                self.ui
                    .pick(
                        "粘贴的文字太长（意见最多 500 字），未粘贴",
                        "Not pasted: too long (a comment holds at most 500 characters)",
                    )
                    .into(),
            );
        } else {
            d.error = None;
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        // Nothing acts on a screen that cannot be seen, but quitting.
        if self.shown.hidden() {
            if key.code == KeyCode::Char('q') && self.dialog.is_none() && self.detail.is_none() {
                self.quit = true;
            }
            return;
        }
        self.flash = None;
        if self.help {
            self.help = false;
            return;
        }
        if self.dialog.is_some() {
            self.dialog_key(key);
            return;
        }
        if key.code == KeyCode::Char('?') {
            self.help = true;
            return;
        }
        if let Some(i) = self.detail {
            match key.code {
                KeyCode::Esc | KeyCode::Left => self.detail = None,
                KeyCode::Down | KeyCode::Char('j') => self.scroll_detail(1),
                KeyCode::Up | KeyCode::Char('k') => self.scroll_detail(-1),
                KeyCode::PageDown => self.scroll_detail(10),
                KeyCode::PageUp => self.scroll_detail(-10),
                KeyCode::Char('a') => self.open_dialog(i, true),
                KeyCode::Char('r') => self.open_dialog(i, false),
                _ => {}
            }
            return;
        }
        match key.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Tab => {
                self.tab = match self.tab {
                    Tab::Inbox => Tab::Interviews,
                    Tab::Interviews => Tab::Summary,
                    Tab::Summary => Tab::Inbox,
                }
            }
            KeyCode::Char('1') => self.tab = Tab::Inbox,
            KeyCode::Char('2') => self.tab = Tab::Interviews,
            KeyCode::Char('3') => self.tab = Tab::Summary,
            KeyCode::Char('x') if self.tab != Tab::Interviews => {
                self.leave_out_flagged = !self.leave_out_flagged;
                self.recount();
            }
            _ => match self.tab {
                Tab::Inbox => self.inbox_key(key),
                Tab::Interviews => self.interviews_key(key),
                Tab::Summary => self.summary_key(key),
            },
        }
    }

    fn scroll_detail(&mut self, by: i32) {
        let most = self.detail_max_scroll.get();
        self.detail_scroll =
            (self.detail_scroll.min(most) as i32 + by).clamp(0, most as i32) as u16;
    }

    /// The day summary's lists scroll together, a row or a page at a time.
    fn summary_key(&mut self, key: KeyEvent) {
        let by: isize = match key.code {
            KeyCode::Down | KeyCode::Char('j') => 1,
            KeyCode::Up | KeyCode::Char('k') => -1,
            KeyCode::PageDown => SUMMARY_PAGE as isize,
            KeyCode::PageUp => -(SUMMARY_PAGE as isize),
            _ => return,
        };
        let most = self.summary_max_scroll.get();
        self.summary_scroll = self
            .summary_scroll
            .min(most)
            .saturating_add_signed(by)
            .min(most);
    }

    fn inbox_key(&mut self, key: KeyEvent) {
        let last = self.inbox.batches.len().saturating_sub(1);
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected_batch = (self.selected_batch + 1).min(last)
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected_batch = self.selected_batch.saturating_sub(1)
            }
            KeyCode::Enter => {
                // The batch's surveyor's interviews, at the batch's first.
                self.tab = Tab::Interviews;
                self.filter = Filter::All;
                self.community = None;
                self.sort = Sort::Time;
                self.surveyor = self
                    .inbox
                    .batches
                    .get(self.selected_batch)
                    .and_then(|b| b.surveyor_id.as_ref())
                    .and_then(|id| {
                        self.inbox
                            .surveyors
                            .iter()
                            .position(|s| &s.surveyor_id == id)
                    });
                self.selected = 0;
                if let Some(b) = self.inbox.batches.get(self.selected_batch)
                    && let Some(id) = &b.batch_id
                    && let Some(pos) = self
                        .listed()
                        .iter()
                        .position(|i| &self.inbox.interviews[*i].batch_id == id)
                {
                    self.selected = pos;
                }
            }
            _ => {}
        }
    }

    fn interviews_key(&mut self, key: KeyEvent) {
        let listed = self.listed();
        let last = listed.len().saturating_sub(1);
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::PageDown => self.selected = (self.selected + 10).min(last),
            KeyCode::PageUp => self.selected = self.selected.saturating_sub(10),
            KeyCode::Enter => {
                if let Some(i) = listed.get(self.selected) {
                    self.detail = Some(*i);
                    self.detail_scroll = 0;
                    self.detail_max_scroll.set(u16::MAX);
                }
            }
            KeyCode::Char('a') | KeyCode::Char('r') => {
                if let Some(i) = listed.get(self.selected) {
                    self.open_dialog(*i, key.code == KeyCode::Char('a'));
                }
            }
            KeyCode::Char('o') => {
                self.sort = match self.sort {
                    Sort::Time => Sort::Surveyor,
                    Sort::Surveyor => Sort::Flags,
                    Sort::Flags => Sort::Time,
                };
                self.selected = 0;
            }
            KeyCode::Char('f') => {
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
            KeyCode::Char('c') => {
                self.community = next_of(self.community, self.inbox.communities.len());
                self.selected = 0;
            }
            KeyCode::Char('s') => {
                self.surveyor = next_of(self.surveyor, self.inbox.surveyors.len());
                self.selected = 0;
            }
            _ => {}
        }
    }

    fn open_dialog(&mut self, _interview: usize, approve: bool) {
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

    fn dialog_key(&mut self, key: KeyEvent) {
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Esc => self.dialog = None,
            KeyCode::Enter => self.decide(),
            _ => {
                d.comment.handle_key(key);
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
            d.error = Some(
                self.ui
                    .pick(
                        "驳回时请写明原因，访问员会看到",
                        "Say why: the surveyor will see it",
                    )
                    .into(),
            );
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
        match self.store.record_decision(&decision) {
            Ok(()) => {
                let word = if d.approve {
                    self.ui.pick("已通过", "Approved")
                } else {
                    self.ui.pick("已驳回", "Rejected")
                };
                self.flash = Some((false, format!("{word}: {}", it.id)));
                let before = self.listed();
                // As stored (a comment kept from an earlier decision).
                let stored = self.store.decision(&it.id).ok().flatten();
                self.decisions
                    .insert(it.id.clone(), stored.unwrap_or(decision));
                self.dialog = None;
                self.decisions_version = self.store.data_version().ok();
                self.recount();
                if self.detail.is_none() {
                    self.select_next_undecided(&before, i);
                }
            }
            Err(e) => d.error = Some(e.to_string()),
        }
    }

    /// After a decision on `decided` in the list (`before`: the list as it
    /// was), the cursor goes to the next undecided interview below it, else
    /// the first undecided one, else stays on `decided`.
    fn select_next_undecided(&mut self, before: &[usize], decided: usize) {
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

    // ----- drawing ------------------------------------------------------------

    pub fn draw(&self, frame: &mut Frame) {
        let area = frame.area();
        let t = &self.theme;
        if !self.shown.drawn(area.width, area.height) {
            let msg = format!("{} {}×{}", self.ui.s().too_small, area.width, area.height);
            frame.render_widget(
                Paragraph::new(Span::styled(msg, t.error())).wrap(Wrap { trim: true }),
                area,
            );
            return;
        }
        let [tabs, main, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let titles: Vec<Line> = [
            self.ui.pick("1 收件箱", "1 Inbox"),
            self.ui.pick("2 访问", "2 Interviews"),
            self.ui.pick("3 汇总", "3 Summary"),
        ]
        .into_iter()
        .map(Line::from)
        .collect();
        let index = match self.tab {
            Tab::Inbox => 0,
            Tab::Interviews => 1,
            Tab::Summary => 2,
        };
        frame.render_widget(
            Tabs::new(titles)
                .select(index)
                .highlight_style(t.selected()),
            tabs,
        );
        // How far the day's decisions have come, on every tab.
        let all = self.inbox.interviews.len();
        let decided = self
            .inbox
            .interviews
            .iter()
            .filter(|i| self.decisions.contains_key(&i.id))
            .count();
        let progress = match self.ui {
            Lang::Zh => format!("已决定 {decided} / {all} 份 "),
            _ => format!("decided {decided} of {all} "),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(progress, t.secondary())).right_aligned(),
            tabs,
        );
        match (self.detail, self.tab) {
            (Some(i), _) => self.draw_detail(frame, main, i),
            (None, Tab::Inbox) => self.draw_inbox(frame, main),
            (None, Tab::Interviews) => self.draw_interviews(frame, main),
            (None, Tab::Summary) => self.draw_summary(frame, main),
        }
        match &self.flash {
            Some((err, m)) => frame.render_widget(
                Paragraph::new(Span::styled(
                    m.clone(),
                    if *err { t.error() } else { t.ok() },
                )),
                footer,
            ),
            None => draw_footer(frame, footer, t, self.ui, self.screen(), &[]),
        }
        if let Some(d) = &self.dialog {
            self.draw_dialog(frame, main, d);
        }
        if self.help {
            draw_help(frame, main, t, self.ui, self.screen());
        }
    }

    /// The selected batch's problems, whole and wrapped: why it fails
    /// verification and what it claimed to hold, or its sequence findings.
    fn batch_problem_lines(&self, width: usize) -> Vec<Line<'static>> {
        let t = &self.theme;
        let ui = self.ui;
        let mut lines = Vec::new();
        let Some(b) = self.inbox.batches.get(self.selected_batch) else {
            return lines;
        };
        let v = &b.verdict;
        if b.is_valid() && v.findings.is_empty() {
            return lines;
        }
        let name = match (&b.surveyor_id, b.sequence) {
            (Some(s), Some(q)) => match ui {
                Lang::Zh => format!("{s} 第 {q} 批："),
                _ => format!("{s} #{q}: "),
            },
            (Some(s), None) => format!("{s}{}", ui.pick("：", ": ")),
            _ => String::new(),
        };
        if !b.is_valid() {
            let text = format!("{name}{}", status_text(&v.status, ui));
            push_wrapped(&mut lines, "! ", &text, width, t.error());
            let held = uncounted_text(v.claimed_counts.as_ref(), ui);
            push_wrapped(&mut lines, "  ", &held, width, t.warning());
        }
        for f in &v.findings {
            let text = format!("{name}{}", finding_text(f, ui));
            push_wrapped(&mut lines, "! ", &text, width, t.warning());
        }
        lines
    }

    /// What the batches failing verification leave out of every figure,
    /// in one line; `None` when all verify.
    fn uncounted_note(&self) -> Option<String> {
        let u = uncounted(&self.inbox.batches);
        if u.batches == 0 {
            return None;
        }
        Some(match self.ui {
            Lang::Zh => {
                let mut t = format!(
                    "未计入：{} 个未通过验证的批次（自称 {} 份访问、{} 次走访，未经验证",
                    u.batches, u.interviews, u.visits
                );
                if u.unreadable > 0 {
                    t.push_str(&format!("；{} 个无法读出", u.unreadable));
                }
                t + "）"
            }
            _ => {
                let mut t = format!(
                    "Not counted: {} batch{} failing verification ({} interviews, {} visits, unverified",
                    u.batches,
                    if u.batches == 1 { "" } else { "es" },
                    u.interviews,
                    u.visits
                );
                if u.unreadable > 0 {
                    t.push_str(&format!("; {} unreadable", u.unreadable));
                }
                t + ")"
            }
        })
    }

    fn draw_inbox(&self, frame: &mut Frame, area: Rect) {
        let t = &self.theme;
        let n_surveyors = self.inbox.surveyors.len() as u16;
        let n_communities = self.inbox.communities.len() as u16;
        let cols = area.width as usize;
        let problems = self.batch_problem_lines(cols);
        // Missing batches, failed batches' uncounted work, then what the
        // scores count.
        let mut note = Vec::new();
        if let Some(g) = self.gaps_text() {
            push_wrapped(&mut note, "", &g, cols, t.error());
        }
        if let Some(n) = self.uncounted_note() {
            push_wrapped(&mut note, "", &n, cols, t.warning());
        }
        push_wrapped(&mut note, "", &self.counting_text(), cols, t.text());
        let mut legend = Vec::new();
        push_wrapped(&mut legend, "", rate_legend(self.ui), cols, t.secondary());
        let [
            batches_area,
            problems_area,
            note_area,
            people,
            legend_area,
            places,
        ] = Layout::vertical([
            Constraint::Min(5),
            Constraint::Length(problems.len() as u16),
            Constraint::Length(note.len() as u16),
            Constraint::Length(n_surveyors.min(8) + 1),
            Constraint::Length(legend.len() as u16),
            Constraint::Length(if n_communities == 0 {
                0
            } else {
                n_communities.min(6) + 1
            }),
        ])
        .areas(area);
        frame.render_widget(Paragraph::new(problems), problems_area);
        frame.render_widget(Paragraph::new(note), note_area);
        frame.render_widget(Paragraph::new(legend), legend_area);
        let header = Row::new(
            [
                self.ui.pick("访问员", "Surveyor"),
                self.ui.pick("日期", "Day"),
                self.ui.pick("序号", "Seq"),
                self.ui.pick("签名", "Signature"),
                self.ui.pick("走访", "Visits"),
                self.ui.pick("访问", "Interviews"),
                self.ui.pick("问题", "Findings"),
            ]
            .map(Cell::from),
        )
        .style(t.heading());
        let rows: Vec<Row> = self
            .inbox
            .batches
            .iter()
            .map(|b| {
                let sig_style = if b.is_valid() { t.ok() } else { t.error() };
                // Short names here; the selected batch's whole text below.
                let findings = if b.is_valid() {
                    b.verdict
                        .findings
                        .iter()
                        .map(|f| finding_name(f, self.ui))
                        .collect::<Vec<_>>()
                        .join(self.ui.pick("、", ", "))
                } else {
                    status_name(&b.verdict.status, self.ui).to_string()
                };
                // A failed batch: what its manifest claims, in brackets
                // (unverified, counted nowhere).
                let (visits, interviews) = if b.is_valid() {
                    (b.visits.to_string(), b.interviews.to_string())
                } else {
                    match &b.verdict.claimed_counts {
                        Some(c) => (format!("({})", c.visits), format!("({})", c.interviews)),
                        None => ("?".into(), "?".into()),
                    }
                };
                Row::new([
                    Cell::from(b.surveyor_id.clone().unwrap_or_else(|| "?".into())),
                    Cell::from(
                        b.day
                            .map(|d| d.format("%m-%d").to_string())
                            .unwrap_or_default(),
                    ),
                    Cell::from(b.sequence.map(|s| s.to_string()).unwrap_or_default()),
                    Cell::from(Span::styled(
                        signature_label(b.signature, self.ui),
                        sig_style,
                    )),
                    Cell::from(visits),
                    Cell::from(interviews),
                    Cell::from(Span::styled(findings, t.warning())),
                ])
            })
            .collect();
        let table = Table::new(
            rows,
            [
                Constraint::Length(10),
                Constraint::Length(6),
                Constraint::Length(5),
                Constraint::Length(12),
                Constraint::Length(7),
                Constraint::Length(11),
                Constraint::Fill(1),
            ],
        )
        .header(header)
        .block(
            Block::default()
                .borders(Borders::BOTTOM)
                .border_style(t.border()),
        )
        .row_highlight_style(t.selected());
        let mut state = TableState::default().with_selected(Some(self.selected_batch));
        frame.render_stateful_widget(table, batches_area, &mut state);

        let pct = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.0}%", v * 100.0));
        // Per surveyor: a table, so that the figures stand under their
        // headings whatever the headings' widths; figures to the right.
        let headings = [
            self.ui.pick("访问员", "Surveyor"),
            self.ui.pick("访问", "Interviews"),
            self.ui.pick("完成", "Completed"),
            self.ui.pick("拒访", "Refused"),
            self.ui.pick("完成率", "Completion"),
            self.ui.pick("应答率(RR1)", "RR1"),
            self.ui.pick("平均分", "Mean score"),
            self.ui.pick("标记", "Flagged"),
        ];
        let rows: Vec<[String; 8]> = self
            .inbox
            .surveyors
            .iter()
            .map(|s| {
                [
                    s.surveyor_id.clone(),
                    s.interviews.to_string(),
                    s.completed.to_string(),
                    refusals(&s.final_dispositions).to_string(),
                    pct(s.completion_rate),
                    pct(s.rr1),
                    s.mean_overall_score
                        .map_or("-".into(), |v| format!("{v:.1}")),
                    s.flagged.to_string(),
                ]
            })
            .collect();
        let widths: Vec<Constraint> = (0..headings.len())
            .map(|c| {
                let w = rows
                    .iter()
                    .map(|r| width(&r[c]))
                    .chain([width(headings[c])])
                    .max()
                    .unwrap_or(0);
                Constraint::Length(w.min(14) as u16)
            })
            .collect();
        let used: u16 = widths
            .iter()
            .map(|c| match c {
                Constraint::Length(w) => *w,
                _ => 0,
            })
            .sum();
        let spacing = if used + 2 * (headings.len() as u16 - 1) <= people.width {
            2
        } else {
            1
        };
        let cell = |c: usize, text: String| {
            let line = Line::from(truncate(&text, 14));
            Cell::from(if c == 0 { line } else { line.right_aligned() })
        };
        let header = Row::new(
            headings
                .iter()
                .enumerate()
                .map(|(c, h)| cell(c, h.to_string())),
        )
        .style(t.heading());
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|r| Row::new(r.into_iter().enumerate().map(|(c, v)| cell(c, v))))
            .collect();
        frame.render_widget(
            Table::new(rows, widths)
                .header(header)
                .column_spacing(spacing),
            people,
        );

        // The same by community.
        let header = Row::new(
            [
                self.ui.pick("社区", "Community"),
                self.ui.pick("住户", "Residents"),
                self.ui.pick("走访", "Visits"),
                self.ui.pick("访问", "Interviews"),
                self.ui.pick("完成", "Completed"),
                "RR1",
                self.ui.pick("平均分", "Score"),
                self.ui.pick("标记", "Flagged"),
            ]
            .map(Cell::from),
        )
        .style(t.heading());
        let rows: Vec<Row> = self
            .inbox
            .communities
            .iter()
            .map(|c| {
                Row::new([
                    Cell::from(truncate(self.community_name(c.community.as_deref()), 14)),
                    Cell::from(c.residents.to_string()),
                    Cell::from(c.visits.to_string()),
                    Cell::from(c.interviews.to_string()),
                    Cell::from(c.completed.to_string()),
                    Cell::from(pct(c.rr1)),
                    Cell::from(
                        c.mean_overall_score
                            .map_or("-".into(), |v| format!("{v:.1}")),
                    ),
                    Cell::from(c.flagged.to_string()),
                ])
            })
            .collect();
        let widths = [
            Constraint::Length(14),
            Constraint::Length(9),
            Constraint::Length(6),
            Constraint::Length(10),
            Constraint::Length(9),
            Constraint::Length(5),
            Constraint::Length(6),
            Constraint::Length(7),
        ];
        frame.render_widget(Table::new(rows, widths).header(header), places);
    }

    fn draw_interviews(&self, frame: &mut Frame, area: Rect) {
        let t = &self.theme;
        let ui = self.ui;
        let listed = self.listed();
        let [bar, table_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let sort = match self.sort {
            Sort::Time => ui.pick("时间", "time"),
            Sort::Surveyor => ui.pick("访问员", "surveyor"),
            Sort::Flags => ui.pick("标记数", "flags"),
        };
        let filter = match &self.filter {
            Filter::All => ui.pick("全部", "all"),
            Filter::Flagged => ui.pick("有标记", "flagged"),
            Filter::Flag(c) => flag_name(c, ui),
            Filter::Undecided => ui.pick("未决定", "undecided"),
            Filter::Approved => ui.pick("已通过", "approved"),
            Filter::Rejected => ui.pick("已驳回", "rejected"),
        };
        let community = match self.community.and_then(|c| self.inbox.communities.get(c)) {
            Some(c) => self.community_name(c.community.as_deref()),
            None => ui.pick("全部", "all"),
        };
        let surveyor = match self.surveyor.and_then(|s| self.inbox.surveyors.get(s)) {
            Some(s) => s.surveyor_id.as_str(),
            None => ui.pick("全部", "all"),
        };
        let status = format!(
            "{} {}   {}: {sort}   {}: {filter}   {}: {community}   {}: {surveyor}",
            listed.len(),
            ui.pick("份访问", "interviews"),
            ui.pick("排序", "sort"),
            ui.pick("筛选", "filter"),
            ui.pick("社区", "community"),
            ui.pick("访问员", "surveyor"),
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
            ui.pick("访问员", "Surveyor"),
            ui.pick("居民", "Resident"),
            ui.pick("社区", "Community"),
            ui.pick("开始", "Start"),
            ui.pick("分钟", "Min"),
            ui.pick("结果", "Outcome"),
            ui.pick("分数", "Score"),
            ui.pick("决定", "Decision"),
            ui.pick("质量标记", "Flags"),
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

    fn draw_detail(&self, frame: &mut Frame, area: Rect, i: usize) {
        let t = &self.theme;
        let ui = self.ui;
        let it: &InboxInterview = &self.inbox.interviews[i];
        let lang = ui.code();
        let width = area.width as usize;
        let q = self.inbox.questionnaires.get(&(
            it.questionnaire_id.clone(),
            it.questionnaire_version.clone(),
        ));
        let mut lines: Vec<Line> = vec![Line::from(Span::styled(
            truncate(
                &format!(
                    "{} · {} · {} · {}",
                    it.id,
                    it.surveyor_id,
                    it.resident_id,
                    self.community_name(it.community.as_deref())
                ),
                width,
            ),
            t.title(),
        ))];
        // When, how long, how it ended, in local time.
        let mut facts = format!(
            "{} {} ({})",
            ui.pick("开始", "Started"),
            self.local(it.started_at, "%Y-%m-%d %H:%M"),
            self.offset_label()
        );
        if let Some(secs) = length_secs(it) {
            facts.push_str(&format!(" · {}", minutes_text(secs, ui)));
        }
        facts.push_str(&format!(" · {}", outcome_label(&it.disposition, ui)));
        if let Some(s) = it.overall_score {
            facts.push_str(&format!(" · {} {s:.0}", ui.pick("分数", "score")));
        }
        push_wrapped(&mut lines, "", &facts, width, Style::new());
        if let Some(d) = self.decisions.get(&it.id) {
            let (word, style) = match d.decision {
                DecisionKind::Approved => (ui.pick("已通过", "Approved"), t.ok()),
                DecisionKind::Rejected => (ui.pick("已驳回", "Rejected"), t.error()),
            };
            let text = match &d.comment {
                Some(c) => format!("{word}{}{c}", ui.pick("：", ": ")),
                None => word.to_string(),
            };
            push_wrapped(&mut lines, "", &text, width, style);
        }
        for f in &it.flags {
            push_wrapped(&mut lines, "! ", &flag_line(f, ui), width, t.warning());
        }
        // Visits to this resident, from all batches.
        lines.push(Line::from(Span::styled(ui.s().visits, t.heading())));
        for v in self
            .inbox
            .visits
            .iter()
            .filter(|v| v.resident_id == it.resident_id)
        {
            let mut s = format!(
                "#{} {} {}",
                v.attempt,
                self.local(v.at, "%m-%d %H:%M"),
                v.disposition.label(lang)
            );
            if let Some(n) = &v.note {
                s.push_str(&format!(" — {n}"));
            }
            push_wrapped(&mut lines, "  ", &s, width, Style::new());
        }
        // Answers in questionnaire order, with their labels; the time
        // spent on each question at the right.
        let heading = ui.pick("回答", "Answers");
        let time_heading = ui.pick("用时", "time");
        lines.push(Line::from(vec![
            Span::styled(heading, t.heading()),
            Span::raw(" ".repeat(width.saturating_sub(
                super::review_text::width(heading) + super::review_text::width(time_heading),
            ))),
            Span::styled(time_heading, t.heading()),
        ]));
        match q {
            Some(q) => {
                let mut answers: Vec<(usize, Option<u32>, &Answer)> = it
                    .record
                    .answers
                    .iter()
                    .filter_map(|(k, a)| {
                        let (qid, inst) = parse_answer_key(k)?;
                        Some((q.question_index(qid)?, inst, a))
                    })
                    .collect();
                answers.sort_by_key(|(qi, inst, _)| (*qi, *inst));
                let qlang = if q.languages.iter().any(|l| l == lang) {
                    lang
                } else {
                    q.default_language.as_str()
                };
                // Labels as the surveyor saw them, `${...}` filled in from
                // the answers and the interview's community (no other
                // resident details: those stay empty).
                let flow = answered_flow(q, &answers, qlang, it.community.as_deref());
                let times = seconds_per_slot(&it.record.paradata);
                let answered: HashMap<(usize, Option<u32>), &Answer> = answers
                    .iter()
                    .map(|(qi, inst, a)| ((*qi, *inst), *a))
                    .collect();
                // Questionnaire order: each answer (repeats by instance), a
                // question skipped by the skip logic as not asked, one left
                // unanswered as such; after an unfinished interview's last
                // answer, one line says it ended there.
                let finished = it.status == doorstep_batch::InterviewOutcome::Completed;
                let last_answered = answers.iter().map(|(qi, _, _)| *qi).max();
                let mut rows: Vec<(usize, Option<u32>, Option<&Answer>)> = Vec::new();
                for (qi, question) in q.questions.iter().enumerate() {
                    if q.repeat_of(qi).is_some() {
                        rows.extend(
                            answers
                                .iter()
                                .filter(|(i, _, _)| *i == qi)
                                .map(|(i, inst, a)| (*i, *inst, Some(*a))),
                        );
                    } else if let Some(a) = answered.get(&(qi, None)) {
                        rows.push((qi, None, Some(*a)));
                    } else if question.kind.is_answerable()
                        && (finished || last_answered.is_some_and(|l| qi < l))
                    {
                        rows.push((qi, None, None));
                    }
                }
                let label_w = (width / 2).saturating_sub(4).max(10);
                let time_w = 7;
                let value_w = width.saturating_sub(2 + label_w + 2 + 1 + time_w).max(8);
                for (qi, inst, a) in rows {
                    let slot = Slot {
                        question: qi,
                        instance: inst,
                    };
                    let mut label = flow.render_text(&q.questions[qi].label, slot);
                    if let Some(n) = inst {
                        label = format!("#{} {label}", n + 1);
                    }
                    // The label over up to three lines, the value beside
                    // it over as many as it needs, the time at the right.
                    let mut label_lines = wrap(&label, label_w);
                    if label_lines.len() > 3 {
                        label_lines.truncate(3);
                        label_lines[2] = truncate(&format!("{}…", label_lines[2]), label_w);
                    }
                    let (value, style) = match a {
                        Some(a) => (
                            detail_answer(q, qi, qlang, a),
                            if a.as_special().is_some() {
                                t.warning()
                            } else {
                                t.chosen()
                            },
                        ),
                        None if flow.is_relevant(slot) => (
                            ui.pick("（未答）", "(not answered)").to_string(),
                            t.secondary(),
                        ),
                        None => (
                            ui.pick("未问（跳过）", "not asked (skipped)").to_string(),
                            t.secondary(),
                        ),
                    };
                    // Under 3 seconds stands out, as speeding counts it.
                    let secs = times.get(&(q.questions[qi].id.clone(), inst));
                    let time =
                        secs.map_or(String::new(), |s| format!("{s:.0} {}", ui.pick("秒", "s")));
                    let time_style = if secs.is_some_and(|s| *s < 3.0) {
                        t.warning()
                    } else {
                        t.secondary()
                    };
                    let value_lines = wrap(&value, value_w);
                    for n in 0..label_lines.len().max(value_lines.len()) {
                        let l = label_lines.get(n).map_or("", String::as_str);
                        let v = value_lines.get(n).map_or("", String::as_str);
                        let mut spans = vec![
                            Span::raw(format!("  {}  ", pad(l, label_w))),
                            Span::styled(pad(v, value_w), style),
                        ];
                        if n == 0 {
                            spans.push(Span::styled(
                                format!(
                                    " {}{time}",
                                    " ".repeat(
                                        time_w.saturating_sub(super::review_text::width(&time))
                                    )
                                ),
                                time_style,
                            ));
                        }
                        let line = Line::from(spans);
                        // No trailing blanks: the line ends where its text does.
                        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
                        if text.trim_end().is_empty() {
                            continue;
                        }
                        lines.push(trim_line_end(line));
                    }
                    if let Some(note) = it
                        .record
                        .notes
                        .get(&doorstep_batch::answer_key(&q.questions[qi].id, inst))
                    {
                        push_wrapped(&mut lines, "      ✎ ", note, width, t.secondary());
                    }
                }
                if !finished {
                    lines.push(Line::from(Span::styled(
                        ui.pick("  —— 访问在此结束 ——", "  — the interview ended here —"),
                        t.secondary(),
                    )));
                }
                let scores =
                    score_interview(q, it.record.answers.iter().map(|(k, a)| (k.as_str(), a)));
                if !scores.dimensions.is_empty() {
                    lines.push(Line::from(Span::styled(
                        ui.pick("维度得分", "Dimension scores"),
                        t.heading(),
                    )));
                    for (d, s) in &scores.dimensions {
                        let name = q
                            .dimensions
                            .iter()
                            .find(|x| &x.id == d)
                            .map_or(d.as_str(), |x| x.label.get(qlang));
                        lines.push(Line::from(format!("  {name}: {s:.0}")));
                    }
                }
            }
            None => {
                for (k, a) in &it.record.answers {
                    let text = format!("{k}: {}", serde_json::to_string(a).unwrap_or_default());
                    push_wrapped(&mut lines, "  ", &text, width, Style::new());
                }
            }
        }
        // Scrolling stops with the last line at the bottom.
        let most = lines.len().saturating_sub(area.height as usize) as u16;
        self.detail_max_scroll.set(most);
        let scroll = self.detail_scroll.min(most);
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
    }

    fn draw_summary(&self, frame: &mut Frame, area: Rect) {
        let t = &self.theme;
        // What the batches failing verification leave out, first.
        let mut note = Vec::new();
        if let Some(n) = self.uncounted_note() {
            push_wrapped(&mut note, "", &n, area.width as usize, t.warning());
        }
        let [note_area, area] =
            Layout::vertical([Constraint::Length(note.len() as u16), Constraint::Min(1)])
                .areas(area);
        frame.render_widget(Paragraph::new(note), note_area);
        // Outcomes (one line per surveyor and a legend), the two response
        // rate charts (one bar per surveyor or community), then scores and
        // lengths below; each band as tall as it needs, up to a third. A
        // band with more rows than it holds scrolls (↑↓ PgUp PgDn, all
        // bands together) and says which rows it shows.
        let cap = (area.height / 3).max(7);
        let n_surveyors = self.inbox.surveyors.len();
        let n_communities = self.inbox.communities.len();
        let [outcomes, rates, bottom] = Layout::vertical([
            Constraint::Length((n_surveyors as u16 + 3).min(cap)),
            Constraint::Length((n_surveyors.max(n_communities) as u16 + 2).min(cap)),
            Constraint::Min(5),
        ])
        .areas(area);
        let [by_surveyor, by_community] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(rates);
        let [dims, lengths] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        let dims_named = self.dimension_means();
        let fit_outcomes = outcomes.height.saturating_sub(3) as usize;
        let fit_rates = rates.height.saturating_sub(2) as usize;
        let fit_dims = dims.height.saturating_sub(2) as usize;
        let most = [
            n_surveyors.saturating_sub(fit_outcomes),
            n_surveyors.saturating_sub(fit_rates),
            n_communities.saturating_sub(fit_rates),
            dims_named.len().saturating_sub(fit_dims),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        self.summary_max_scroll.set(most);
        let scroll = self.summary_scroll.min(most);
        // Each band's first row, and its rows shown ("1–4 of 6").
        let window = |n: usize, fit: usize| {
            let first = scroll.min(n.saturating_sub(fit));
            (first, first..(first + fit).min(n))
        };
        let block = |title: &str, first: usize, fit: usize, n: usize| {
            let mut b = Block::default()
                .borders(Borders::ALL)
                .border_style(t.border())
                .title(Span::styled(format!(" {title} "), t.heading()));
            if let Some(shown) = rows_shown(first, fit, n, self.ui) {
                b = b.title_bottom(
                    Line::from(Span::styled(format!(" {shown} "), t.heading())).right_aligned(),
                );
            }
            b
        };

        let (first, rows) = window(n_surveyors, fit_outcomes);
        let outcomes_block = block(
            self.ui.pick(
                "各访问员的最终结果（户）",
                "Outcomes by surveyor (residents' final disposition)",
            ),
            first,
            fit_outcomes,
            n_surveyors,
        );
        let inner = outcomes_block.inner(outcomes);
        frame.render_widget(outcomes_block, outcomes);
        frame.render_widget(Paragraph::new(self.outcome_lines(inner.width, rows)), inner);

        // Response rates: one horizontal bar each, labelled, in per cent.
        let rate_bars = |items: Vec<(String, Option<f64>)>| -> Vec<Bar<'static>> {
            items
                .into_iter()
                .map(|(label, rr1)| {
                    let v = rr1.map_or(0.0, |r| r * 100.0);
                    Bar::default()
                        .label(Line::from(truncate(&label, 12)))
                        .value(v.round() as u64)
                        .text_value(rr1.map_or("-".to_string(), |_| format!("{v:.0}%")))
                        .style(t.secondary())
                })
                .collect()
        };
        let rate_chart = |b: Block<'static>, bars: &[Bar<'static>]| {
            BarChart::default()
                .block(b)
                .direction(Direction::Horizontal)
                .bar_width(1)
                .bar_gap(0)
                .max(100)
                .data(BarGroup::default().bars(bars))
        };
        let (first, rows) = window(n_surveyors, fit_rates);
        let bars = rate_bars(
            self.inbox.surveyors[rows]
                .iter()
                .map(|s| (s.surveyor_id.clone(), s.rr1))
                .collect(),
        );
        frame.render_widget(
            rate_chart(
                block(
                    self.ui
                        .pick("各访问员应答率（RR1）", "Response rate by surveyor (RR1)"),
                    first,
                    fit_rates,
                    n_surveyors,
                ),
                &bars,
            ),
            by_surveyor,
        );
        let (first, rows) = window(n_communities, fit_rates);
        let bars = rate_bars(
            self.inbox.communities[rows]
                .iter()
                .map(|c| {
                    let name = self.community_name(c.community.as_deref()).to_string();
                    (name, c.rr1)
                })
                .collect(),
        );
        frame.render_widget(
            rate_chart(
                block(
                    self.ui
                        .pick("各社区应答率（RR1）", "Response rate by community (RR1)"),
                    first,
                    fit_rates,
                    n_communities,
                ),
                &bars,
            ),
            by_community,
        );

        // Mean score per dimension; the bars start in one column: names
        // padded by display width.
        let name_w = dims_named.iter().map(|(n, _)| width(n)).max().unwrap_or(0);
        let (first, rows) = window(dims_named.len(), fit_dims);
        let dim_lines: Vec<Line> = dims_named[rows]
            .iter()
            .map(|(name, s)| {
                Line::from(vec![
                    Span::raw(format!("{} {s:>3.0} ", pad(name, name_w))),
                    Span::styled("█".repeat((s / 5.0).round() as usize), t.ok()),
                ])
            })
            .collect();
        frame.render_widget(
            Paragraph::new(dim_lines).block(block(
                if self.leave_out_flagged {
                    self.ui.pick(
                        "各维度平均分（不含驳回和标记）",
                        "Mean score, not rejected/flagged",
                    )
                } else {
                    self.ui
                        .pick("各维度平均分（不含驳回）", "Mean score, not rejected")
                },
                first,
                fit_dims,
                dims_named.len(),
            )),
            dims,
        );

        // Completed interviews by length: one bar per bin of minutes, the
        // bins as wide as the rows allow, each with its count.
        let length_block = block(
            self.ui
                .pick("完成访问时长（分钟）", "Completed interviews' length (min)"),
            0,
            0,
            0,
        );
        let inner = length_block.inner(lengths);
        frame.render_widget(length_block, lengths);
        let bins = length_histogram(
            &completed_minutes(&self.inbox.interviews),
            inner.height as usize,
        );
        let label = |b: &doorstep_review::figures::LengthBin| match b.to {
            Some(to) => format!("{}–{to}", b.from),
            None => format!("{}+", b.from),
        };
        let label_w = bins.iter().map(|b| width(&label(b))).max().unwrap_or(0);
        let count_w = bins
            .iter()
            .map(|b| b.count.to_string().len())
            .max()
            .unwrap_or(1);
        let bar_w = (inner.width as usize).saturating_sub(label_w + count_w + 2);
        let top = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1);
        let lines: Vec<Line> = bins
            .iter()
            .map(|b| {
                let mut n = (b.count as f64 * bar_w as f64 / top as f64).round() as usize;
                if b.count > 0 {
                    n = n.max(1);
                }
                Line::from(vec![
                    Span::raw(format!("{:>label_w$} ", label(b))),
                    Span::styled("█".repeat(n), t.secondary()),
                    Span::raw(format!(" {}", b.count)),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// Mean score per dimension over the completed interviews, each
    /// dimension's name (cut to 14 columns) in the interface language.
    fn dimension_means(&self) -> Vec<(String, f64)> {
        let mut per_q: BTreeMap<(String, String), Vec<doorstep_core::scoring::InterviewScores>> =
            BTreeMap::new();
        for it in self
            .inbox
            .interviews
            .iter()
            .filter(|i| i.disposition == "complete" && self.inbox.counts(i))
        {
            if let Some(q) = self.inbox.questionnaires.get(&(
                it.questionnaire_id.clone(),
                it.questionnaire_version.clone(),
            )) {
                per_q
                    .entry((
                        it.questionnaire_id.clone(),
                        it.questionnaire_version.clone(),
                    ))
                    .or_default()
                    .push(score_interview(
                        q,
                        it.record.answers.iter().map(|(k, a)| (k.as_str(), a)),
                    ));
            }
        }
        let mut dims_named: Vec<(String, f64)> = Vec::new();
        for (key, scores) in &per_q {
            let q = &self.inbox.questionnaires[key];
            let qlang = if q.languages.iter().any(|l| l == self.ui.code()) {
                self.ui.code()
            } else {
                q.default_language.as_str()
            };
            let g = mean_scores(scores.iter());
            for (d, s) in &g.dimensions {
                let name = q
                    .dimensions
                    .iter()
                    .find(|x| &x.id == d)
                    .map_or(d.as_str(), |x| x.label.get(qlang));
                dims_named.push((truncate(name, 14), *s));
            }
        }
        dims_named
    }

    /// The outcomes chart: a legend, then per surveyor their residents'
    /// final dispositions by AAPOR group as one bar of lettered segments
    /// (so it reads without colour) and the counts.
    fn outcome_lines(&self, width: u16, rows: std::ops::Range<usize>) -> Vec<Line<'static>> {
        let t = &self.theme;
        let lang = self.ui.code();
        let mut legend = Vec::new();
        for (i, g) in OutcomeGroup::ALL.iter().enumerate() {
            if i > 0 {
                legend.push(Span::raw("  "));
            }
            legend.push(Span::styled(g.letter().to_string(), t.series(i)));
            legend.push(Span::raw(format!(" {}", g.label(lang))));
        }
        let mut lines = vec![Line::from(legend)];
        let counts: Vec<[u64; 5]> = self
            .inbox
            .surveyors
            .iter()
            .map(|s| {
                let mut c = [0u64; 5];
                for (code, n) in &s.final_dispositions {
                    let g = Disposition::from_code(code).map_or(OutcomeGroup::Other, |d| d.group());
                    c[OutcomeGroup::ALL.iter().position(|x| *x == g).unwrap_or(4)] += n;
                }
                c
            })
            .collect();
        let label_w = self
            .inbox
            .surveyors
            .iter()
            .map(|s| Line::from(s.surveyor_id.as_str()).width())
            .max()
            .unwrap_or(0)
            .min(10);
        let digits = counts
            .iter()
            .flatten()
            .map(|n| n.to_string().len())
            .max()
            .unwrap_or(1);
        // "C12 P3 R4 N9 O1"
        let counts_w = 5 * (1 + digits) + 4;
        let bar_w = (width as usize).saturating_sub(label_w + counts_w + 2);
        let most = counts
            .iter()
            .map(|c| c.iter().sum::<u64>())
            .max()
            .unwrap_or(0);
        for (s, c) in self
            .inbox
            .surveyors
            .iter()
            .zip(&counts)
            .skip(rows.start)
            .take(rows.len())
        {
            let label = truncate(&s.surveyor_id, label_w);
            let pad = label_w.saturating_sub(Line::from(label.as_str()).width());
            let mut spans = vec![Span::raw(format!("{label}{} ", " ".repeat(pad)))];
            let lengths = segment_lengths(c, most, bar_w);
            let used: usize = lengths.iter().sum();
            for (i, (g, len)) in OutcomeGroup::ALL.iter().zip(lengths).enumerate() {
                if len > 0 {
                    spans.push(Span::styled(
                        g.letter().to_string().repeat(len),
                        t.series(i),
                    ));
                }
            }
            let figures = OutcomeGroup::ALL
                .iter()
                .zip(c)
                .map(|(g, n)| format!("{}{n:<digits$}", g.letter()))
                .collect::<Vec<_>>()
                .join(" ");
            spans.push(Span::raw(format!(
                "{} {figures}",
                " ".repeat(bar_w.saturating_sub(used))
            )));
            lines.push(Line::from(spans));
        }
        lines
    }

    fn draw_dialog(&self, frame: &mut Frame, area: Rect, d: &DecisionDialog) {
        let t = &self.theme;
        let r = popup::centered(area, 64, 6);
        popup::clear(frame, r);
        let title = if d.approve {
            self.ui.pick("通过这份访问", "Approve this interview")
        } else {
            self.ui.pick("驳回这份访问", "Reject this interview")
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
            .title(format!(" {} ", self.ui.pick("意见", "Comment")));
        d.comment.render(frame, field, fb, true);
        let line = match &d.error {
            Some(e) => Span::styled(e.clone(), t.error()),
            None => Span::raw(""),
        };
        frame.render_widget(Paragraph::new(line), msg);
    }
}

/// Rows the day summary moves on PgUp and PgDn.
const SUMMARY_PAGE: usize = 5;

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

/// `text` wrapped to `width` columns after `first` (a prefix such as "! "),
/// the following lines indented as far.
fn push_wrapped(
    lines: &mut Vec<Line<'static>>,
    first: &str,
    text: &str,
    width: usize,
    style: Style,
) {
    let indent = super::review_text::width(first);
    for (n, part) in wrap(text, width.saturating_sub(indent))
        .into_iter()
        .enumerate()
    {
        let lead = if n == 0 {
            first.to_string()
        } else {
            " ".repeat(indent)
        };
        lines.push(Line::from(Span::styled(format!("{lead}{part}"), style)));
    }
}

/// An interview made of a record's answers, to render its labels as the
/// surveyor saw them: repeats have as many instances as were answered.
fn answered_flow<'q>(
    q: &'q Questionnaire,
    answers: &[(usize, Option<u32>, &Answer)],
    lang: &str,
    community: Option<&str>,
) -> Interview<'q> {
    let mut added: HashMap<usize, u32> = HashMap::new();
    for (qi, inst, _) in answers {
        if let Some(n) = inst
            && let Some(s) = q.repeat_of(*qi)
        {
            let e = added.entry(s).or_insert(0);
            *e = (*e).max(n + 1);
        }
    }
    let slots = answers.iter().map(|(qi, inst, a)| {
        (
            Slot {
                question: *qi,
                instance: *inst,
            },
            (*a).clone(),
        )
    });
    let resident: HashMap<String, String> = community
        .map(|c| ("community".to_string(), c.to_string()))
        .into_iter()
        .collect();
    let mut flow = Interview::restore(q, resident, slots, added, None);
    flow.set_language(lang);
    flow
}

/// `line` without the blanks at its end.
fn trim_line_end(mut line: Line<'static>) -> Line<'static> {
    while let Some(last) = line.spans.last_mut() {
        let trimmed = last.content.trim_end().to_string();
        if trimmed.is_empty() {
            line.spans.pop();
        } else {
            last.content = trimmed.into();
            break;
        }
    }
    line
}

/// An answer as the detail shows it: a rating with the words of its
/// scale ("5 非常满意", "4 (1 Very dissatisfied – 5 Very satisfied)"),
/// anything else as the surveyor's review screen shows it.
fn detail_answer(q: &Questionnaire, qi: usize, lang: &str, a: &Answer) -> String {
    if let (
        doorstep_core::questionnaire::QuestionKind::Rating {
            min,
            max,
            min_label,
            max_label,
            ..
        },
        Answer::Value(doorstep_core::interview::AnswerValue::Rating { value }),
    ) = (&q.questions[qi].kind, a)
    {
        let min_l = min_label.as_ref().map(|l| l.get(lang));
        let max_l = max_label.as_ref().map(|l| l.get(lang));
        return match (min_l, max_l) {
            (Some(l), _) if value == min => format!("{value} {l}"),
            (_, Some(l)) if value == max => format!("{value} {l}"),
            (Some(lo), Some(hi)) if lang == "zh" => format!("{value}（{min} {lo} – {max} {hi}）"),
            (Some(lo), Some(hi)) => format!("{value} ({min} {lo} – {max} {hi})"),
            _ if lang == "zh" => format!("{value}（{min}–{max}）"),
            _ => format!("{value} ({min}–{max})"),
        };
    }
    answer_label(q, qi, lang, a)
}

/// Lengths of a stacked bar's segments: `counts` scaled so that `most`
/// fills `width`; a non-zero count gets at least one cell, and the whole
/// never exceeds `width` (the longest segments give way).
fn segment_lengths(counts: &[u64; 5], most: u64, width: usize) -> [usize; 5] {
    let mut out = [0usize; 5];
    if most == 0 || width == 0 {
        return out;
    }
    for (o, n) in out.iter_mut().zip(counts) {
        if *n > 0 {
            *o = ((*n as f64 * width as f64 / most as f64).round() as usize).max(1);
        }
    }
    while out.iter().sum::<usize>() > width {
        let Some(longest) = out.iter_mut().max() else {
            break;
        };
        if *longest <= 1 {
            break;
        }
        *longest -= 1;
    }
    out
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
#[cfg(test)]
mod tests {
    use super::segment_lengths;

    #[test]
    fn segments_scale_keep_small_counts_visible_and_fit() {
        assert_eq!(
            segment_lengths(&[10, 0, 5, 5, 0], 20, 40),
            [20, 0, 10, 10, 0]
        );
        assert_eq!(segment_lengths(&[5, 0, 0, 0, 0], 20, 40), [10, 0, 0, 0, 0]);
        // One of 100 still shows; the total stays within the width.
        let l = segment_lengths(&[96, 1, 1, 1, 1], 100, 20);
        assert!(l.iter().all(|n| *n >= 1), "{l:?}");
        assert!(l.iter().sum::<usize>() <= 20, "{l:?}");
        assert_eq!(segment_lengths(&[0; 5], 0, 20), [0; 5]);
        assert_eq!(segment_lengths(&[3, 2, 0, 0, 0], 5, 0), [0; 5]);
    }
}
