//! The supervisor's review app (`doorstep review`): the inbox of a day's
//! batches, the interviews with their quality flags, one interview in
//! detail, decisions, and a day summary with charts. State in
//! `ReviewApp` (here); each screen in its own file with its keys and its
//! drawing; the store writes in `data`; `draw` only reads.

mod data;
mod detail;
mod inbox;
mod interviews;
mod reject;
mod summary;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent, KeyEventKind};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::i18n::Lang;
use super::keys::{ANYWHERE, ReviewAction, Screen, key_match, review_bindings};
use super::review_text::wrap;
use super::screens::help::{draw_footer, draw_help};
use super::terminal::EventApp;
use super::theme::Theme;
use super::widgets::tabbed::{self, TabbedAreas};
use crate::i18n::msg;
use doorstep_review::figures::uncounted;
use doorstep_review::inbox::Inbox;
use doorstep_store::Store;
use doorstep_store::decisions::Decision;

use interviews::{Filter, Sort};
use reject::DecisionDialog;
use summary::SummaryFigures;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Inbox,
    Interviews,
    Summary,
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
    /// The day summary's figures, computed when the inbox opens and again
    /// when what counts changes (a decision, `x`), never per frame.
    figures: SummaryFigures,
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
            figures: SummaryFigures::default(),
            shown: Default::default(),
        };
        app.recount();
        app
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
        c.unwrap_or(msg!(self.ui, RvUnknown))
    }

    /// A terminal event: keys, and text pasted (bracketed paste).
    pub fn handle_event(&mut self, event: &Event) {
        match event {
            Event::Key(key) => self.handle_key(*key),
            Event::Paste(text) => self.handle_paste(text),
            // Keys after a shrink are not acted on blind.
            Event::Resize(w, h) => self.shown.resized(*w, *h),
            _ => {}
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        let action = key_match(review_bindings(self.screen()), &key);
        if key_match(ANYWHERE, &key) == Some(ReviewAction::Quit) {
            self.quit = true;
            return;
        }
        // Nothing acts on a screen that cannot be seen, but quitting.
        if self.shown.hidden() {
            if action == Some(ReviewAction::Quit) {
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
            self.dialog_key(action, key);
            return;
        }
        if let Some(action) = action {
            self.act(action);
        }
    }

    /// Does what `action` does on the screen shown (as its key would);
    /// false if it does nothing there. The keys of each screen are data
    /// (`keys::review_bindings`); a test checks that every bound action
    /// does something.
    pub fn act(&mut self, action: ReviewAction) -> bool {
        if self.dialog.is_some() {
            return self.dialog_action(action);
        }
        match action {
            ReviewAction::Help => {
                self.help = true;
                return true;
            }
            ReviewAction::Quit => {
                self.quit = true;
                return true;
            }
            _ => {}
        }
        if let Some(i) = self.detail {
            return self.detail_action(i, action);
        }
        match action {
            ReviewAction::NextTab => {
                self.tab = match self.tab {
                    Tab::Inbox => Tab::Interviews,
                    Tab::Interviews => Tab::Summary,
                    Tab::Summary => Tab::Inbox,
                }
            }
            ReviewAction::ToInbox => self.tab = Tab::Inbox,
            ReviewAction::ToInterviews => self.tab = Tab::Interviews,
            ReviewAction::ToSummary => self.tab = Tab::Summary,
            ReviewAction::LeaveOutFlagged if self.tab != Tab::Interviews => {
                self.leave_out_flagged = !self.leave_out_flagged;
                self.recount();
            }
            _ => {
                return match self.tab {
                    Tab::Inbox => self.inbox_action(action),
                    Tab::Interviews => self.interviews_action(action),
                    Tab::Summary => self.summary_action(action),
                };
            }
        }
        true
    }

    /// Puts the app on `screen` as a user would get there (the first
    /// interview for the detail and the prompt), for tests of every
    /// screen's keys.
    #[doc(hidden)]
    pub fn show(&mut self, screen: Screen) {
        self.help = false;
        self.quit = false;
        self.dialog = None;
        self.detail = None;
        self.tab = match screen {
            Screen::ReviewInbox => Tab::Inbox,
            Screen::ReviewSummary => Tab::Summary,
            _ => Tab::Interviews,
        };
        match screen {
            Screen::ReviewDetail => self.detail = Some(0),
            Screen::ReviewDecision => self.open_dialog(0, true),
            _ => {}
        }
    }

    // ----- drawing ------------------------------------------------------------

    pub fn draw(&self, frame: &mut Frame) {
        let t = &self.theme;
        let titles = [
            msg!(self.ui, Rv1Inbox),
            msg!(self.ui, Rv2Interviews),
            msg!(self.ui, Rv3Summary),
        ];
        let index = match self.tab {
            Tab::Inbox => 0,
            Tab::Interviews => 1,
            Tab::Summary => 2,
        };
        let Some(TabbedAreas { tabs, main, footer }) =
            tabbed::frame(frame, &self.shown, self.ui, t, &titles, index)
        else {
            return;
        };
        // How far the day's decisions have come, on every tab.
        let all = self.inbox.interviews.len();
        let decided = self
            .inbox
            .interviews
            .iter()
            .filter(|i| self.decisions.contains_key(&i.id))
            .count();
        let progress = msg!(self.ui, RvDecidedOf, decided = decided, all = all);
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
}

impl EventApp for ReviewApp {
    fn draw(&self, frame: &mut Frame) {
        ReviewApp::draw(self, frame)
    }

    fn handle_event(&mut self, event: &Event) {
        ReviewApp::handle_event(self, event)
    }

    /// Decisions made meanwhile from the command line show up within one
    /// tick.
    fn tick(&mut self) {
        self.refresh_decisions();
    }

    fn quit(&self) -> bool {
        self.quit
    }
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
    let indent = crate::review_text::width(first);
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
