//! The supervisor's review app: the inbox of a day's batches, the
//! interviews with their quality flags, one interview in detail, decisions,
//! and a day summary with charts. State in `ReviewApp`; `draw` only reads.

use std::collections::BTreeMap;

use chrono::Utc;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Bar, BarChart, BarGroup, Block, Borders, Cell, Paragraph, Row, Sparkline, Table, TableState,
    Tabs, Wrap,
};

use super::i18n::Lang;
use super::screens::review::{answer_label, truncate};
use super::theme::Theme;
use super::widgets::popup;
use super::widgets::text_field::{EntryKind, TextField};
use crate::assignment::{Disposition, OutcomeGroup};
use crate::batch::parse_answer_key;
use crate::review::flags::seconds_per_question;
use crate::review::inbox::{Inbox, InboxInterview};
use crate::scoring::{mean_scores, score_interview};
use crate::store::Store;
use crate::store::decisions::{Decision, DecisionKind};

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
}

const FLAG_CODES: [&str; 5] = [
    "speeding",
    "straight_lining",
    "duplicate_resident",
    "outside_working_hours",
    "many_special_responses",
];

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
    selected_batch: usize,
    selected: usize,
    sort: Sort,
    filter: Filter,
    /// Only this community's interviews (an index into
    /// `inbox.communities`), or all.
    community: Option<usize>,
    /// Index into `inbox.interviews` of the interview open in detail.
    detail: Option<usize>,
    detail_scroll: u16,
    dialog: Option<DecisionDialog>,
    decisions: BTreeMap<String, Decision>,
    flash: Option<(bool, String)>,
}

impl ReviewApp {
    pub fn new(inbox: Inbox, store: Store, supervisor_id: String, ui: Lang) -> Self {
        let decisions = store
            .decisions()
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.interview_id.clone(), d))
            .collect();
        ReviewApp {
            inbox,
            store,
            supervisor_id,
            ui,
            theme: Theme::from_env(),
            tab: Tab::Inbox,
            quit: false,
            selected_batch: 0,
            selected: 0,
            sort: Sort::Time,
            filter: Filter::All,
            community: None,
            detail: None,
            detail_scroll: 0,
            dialog: None,
            decisions,
            flash: None,
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
        let mut v: Vec<usize> = (0..self.inbox.interviews.len())
            .filter(|i| {
                let it = &self.inbox.interviews[*i];
                if community.is_some_and(|c| *c != it.community) {
                    return false;
                }
                match &self.filter {
                    Filter::All => true,
                    Filter::Flagged => !it.flags.is_empty(),
                    Filter::Flag(code) => it.flags.iter().any(|f| f.code() == *code),
                    Filter::Undecided => !self.decisions.contains_key(&it.id),
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

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        self.flash = None;
        if self.dialog.is_some() {
            self.dialog_key(key);
            return;
        }
        if let Some(i) = self.detail {
            match key.code {
                KeyCode::Esc | KeyCode::Left => self.detail = None,
                KeyCode::Down | KeyCode::Char('j') => {
                    self.detail_scroll = self.detail_scroll.saturating_add(1)
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    self.detail_scroll = self.detail_scroll.saturating_sub(1)
                }
                KeyCode::PageDown => self.detail_scroll = self.detail_scroll.saturating_add(10),
                KeyCode::PageUp => self.detail_scroll = self.detail_scroll.saturating_sub(10),
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
            _ => match self.tab {
                Tab::Inbox => self.inbox_key(key),
                Tab::Interviews => self.interviews_key(key),
                Tab::Summary => {}
            },
        }
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
                // The batch's interviews, in the interviews tab.
                self.tab = Tab::Interviews;
                self.filter = Filter::All;
                self.community = None;
                self.sort = Sort::Time;
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
                    Filter::Undecided => Filter::All,
                };
                self.selected = 0;
            }
            KeyCode::Char('c') => {
                // All, then each community, then all again.
                self.community = match self.community {
                    None if !self.inbox.communities.is_empty() => Some(0),
                    Some(c) if c + 1 < self.inbox.communities.len() => Some(c + 1),
                    _ => None,
                };
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
                self.decisions.insert(it.id.clone(), decision);
                self.dialog = None;
            }
            Err(e) => d.error = Some(e.to_string()),
        }
    }

    // ----- drawing ------------------------------------------------------------

    pub fn draw(&self, frame: &mut Frame) {
        let area = frame.area();
        let t = &self.theme;
        if area.width < 80 || area.height < 24 {
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
        match (self.detail, self.tab) {
            (Some(i), _) => self.draw_detail(frame, main, i),
            (None, Tab::Inbox) => self.draw_inbox(frame, main),
            (None, Tab::Interviews) => self.draw_interviews(frame, main),
            (None, Tab::Summary) => self.draw_summary(frame, main),
        }
        let keys = if self.detail.is_some() {
            self.ui.pick(
                "↑↓ 滚动  a 通过  r 驳回  Esc 返回",
                "↑↓ scroll  a approve  r reject  Esc back",
            )
        } else {
            match self.tab {
                Tab::Inbox => self.ui.pick(
                    "↑↓ 移动  Enter 查看访问  Tab 切换  q 退出",
                    "↑↓ move  Enter its interviews  Tab next  q quit",
                ),
                Tab::Interviews => self.ui.pick(
                    "↑↓ 移动  Enter 详情  a 通过  r 驳回  o 排序  f 筛选  c 社区  q 退出",
                    "↑↓ move  Enter open  a approve  r reject  o sort  f filter  c community  q quit",
                ),
                Tab::Summary => self.ui.pick("Tab 切换  q 退出", "Tab next  q quit"),
            }
        };
        let line = match &self.flash {
            Some((err, m)) => Span::styled(m.clone(), if *err { t.error() } else { t.ok() }),
            None => Span::styled(keys, t.secondary()),
        };
        frame.render_widget(Paragraph::new(line), footer);
        if let Some(d) = &self.dialog {
            self.draw_dialog(frame, main, d);
        }
    }

    fn draw_inbox(&self, frame: &mut Frame, area: Rect) {
        let t = &self.theme;
        let n_surveyors = self.inbox.surveyors.len() as u16;
        let n_communities = self.inbox.communities.len() as u16;
        let [batches_area, people, places] = Layout::vertical([
            Constraint::Min(5),
            Constraint::Length(n_surveyors.min(8) + 2),
            Constraint::Length(if n_communities == 0 {
                0
            } else {
                n_communities.min(6) + 1
            }),
        ])
        .areas(area);
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
                let mut findings = b.findings.join("; ");
                if !b.is_valid() {
                    findings = b.status.clone();
                }
                Row::new([
                    Cell::from(b.surveyor_id.clone().unwrap_or_else(|| "?".into())),
                    Cell::from(
                        b.day
                            .map(|d| d.format("%m-%d").to_string())
                            .unwrap_or_default(),
                    ),
                    Cell::from(b.sequence.map(|s| s.to_string()).unwrap_or_default()),
                    Cell::from(Span::styled(b.signature.label(), sig_style)),
                    Cell::from(b.visits.to_string()),
                    Cell::from(b.interviews.to_string()),
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
        let mut lines = vec![Line::from(Span::styled(
            self.ui.pick(
                "访问员  完成率  应答率(RR1)  平均分  标记",
                "Surveyor  completion  RR1  mean score  flagged",
            ),
            t.heading(),
        ))];
        for s in &self.inbox.surveyors {
            lines.push(Line::from(format!(
                "{:<10} {:>6} {:>6} {:>8} {:>5}",
                s.surveyor_id,
                pct(s.completion_rate),
                pct(s.rr1),
                s.mean_overall_score
                    .map_or("-".into(), |v| format!("{v:.1}")),
                s.flagged
            )));
        }
        frame.render_widget(Paragraph::new(lines), people);

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
        let listed = self.listed();
        let [bar, table_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let sort = match self.sort {
            Sort::Time => self.ui.pick("时间", "time"),
            Sort::Surveyor => self.ui.pick("访问员", "surveyor"),
            Sort::Flags => self.ui.pick("标记数", "flags"),
        };
        let filter = match &self.filter {
            Filter::All => self.ui.pick("全部", "all").to_string(),
            Filter::Flagged => self.ui.pick("有标记", "flagged").to_string(),
            Filter::Flag(c) => c.to_string(),
            Filter::Undecided => self.ui.pick("未决定", "undecided").to_string(),
        };
        let community = match self.community.and_then(|c| self.inbox.communities.get(c)) {
            Some(c) => self.community_name(c.community.as_deref()),
            None => self.ui.pick("全部", "all"),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    "{} {}   {}: {sort}   {}: {filter}   {}: {community}",
                    listed.len(),
                    self.ui.pick("份访问", "interviews"),
                    self.ui.pick("排序", "sort"),
                    self.ui.pick("筛选", "filter"),
                    self.ui.pick("社区", "community"),
                ),
                t.secondary(),
            )),
            bar,
        );
        let header = Row::new(
            [
                self.ui.pick("访问员", "Surveyor"),
                self.ui.pick("居民", "Resident"),
                self.ui.pick("社区", "Community"),
                self.ui.pick("开始", "Start"),
                self.ui.pick("分钟", "Min"),
                self.ui.pick("结果", "Outcome"),
                self.ui.pick("分数", "Score"),
                self.ui.pick("决定", "Decision"),
                self.ui.pick("质量标记", "Flags"),
            ]
            .map(Cell::from),
        )
        .style(t.heading());
        // Below 100 columns the start shows the time only, leaving the
        // flags some room next to the community.
        let narrow = table_area.width < 100;
        let start_format = if narrow { "%H:%M" } else { "%m-%d %H:%M" };
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
                let minutes = it.ended_at.map_or("-".into(), |e| {
                    format!("{}", (e - it.started_at).num_minutes())
                });
                let decision =
                    self.decisions
                        .get(&it.id)
                        .map_or(Span::raw(""), |d| match d.decision {
                            DecisionKind::Approved => {
                                Span::styled(self.ui.pick("通过", "approved"), t.ok())
                            }
                            DecisionKind::Rejected => {
                                Span::styled(self.ui.pick("驳回", "rejected"), t.error())
                            }
                        });
                let flags = it
                    .flags
                    .iter()
                    .map(|f| f.code())
                    .collect::<Vec<_>>()
                    .join(",");
                Row::new([
                    Cell::from(it.surveyor_id.clone()),
                    Cell::from(it.resident_id.clone()),
                    Cell::from(truncate(self.community_name(it.community.as_deref()), 10)),
                    Cell::from(it.started_at.format(start_format).to_string()),
                    Cell::from(minutes),
                    Cell::from(it.disposition.clone()),
                    Cell::from(it.overall_score.map_or("-".into(), |s| format!("{s:.0}"))),
                    Cell::from(decision),
                    Cell::from(Span::styled(flags, t.warning())),
                ])
            })
            .collect();
        let table = Table::new(
            rows,
            [
                Constraint::Length(9),
                Constraint::Length(11),
                Constraint::Length(10),
                Constraint::Length(if narrow { 5 } else { 11 }),
                Constraint::Length(4),
                Constraint::Length(9),
                Constraint::Length(5),
                Constraint::Length(8),
                Constraint::Fill(1),
            ],
        )
        .header(header)
        .row_highlight_style(t.selected());
        let mut state = TableState::default()
            .with_selected((!listed.is_empty()).then(|| self.selected - offset));
        frame.render_stateful_widget(table, table_area, &mut state);
    }

    fn draw_detail(&self, frame: &mut Frame, area: Rect, i: usize) {
        let t = &self.theme;
        let it: &InboxInterview = &self.inbox.interviews[i];
        let lang = self.ui.code();
        let q = self.inbox.questionnaires.get(&(
            it.questionnaire_id.clone(),
            it.questionnaire_version.clone(),
        ));
        let mut lines: Vec<Line> = vec![Line::from(vec![Span::styled(
            format!(
                "{} · {} · {} · {}",
                it.id,
                it.surveyor_id,
                it.resident_id,
                self.community_name(it.community.as_deref())
            ),
            t.title(),
        )])];
        if let Some(d) = self.decisions.get(&it.id) {
            lines.push(Line::from(Span::styled(
                format!(
                    "{}: {}",
                    d.decision.code(),
                    d.comment.clone().unwrap_or_default()
                ),
                if d.decision == DecisionKind::Approved {
                    t.ok()
                } else {
                    t.error()
                },
            )));
        }
        for f in &it.flags {
            lines.push(Line::from(Span::styled(
                format!("! {}: {}", f.code(), f.reason()),
                t.warning(),
            )));
        }
        // Visits to this resident, from all batches.
        lines.push(Line::from(Span::styled(self.ui.s().visits, t.heading())));
        for v in self
            .inbox
            .visits
            .iter()
            .filter(|v| v.resident_id == it.resident_id)
        {
            let mut s = format!(
                "  #{} {} {}",
                v.attempt,
                v.at.format("%m-%d %H:%M"),
                v.disposition.label(lang)
            );
            if let Some(n) = &v.note {
                s.push_str(&format!(" — {n}"));
            }
            lines.push(Line::from(s));
        }
        // Answers in questionnaire order, with their labels.
        lines.push(Line::from(Span::styled(
            self.ui.pick("回答", "Answers"),
            t.heading(),
        )));
        let width = area.width as usize;
        match q {
            Some(q) => {
                let mut answers: Vec<(usize, Option<u32>, &crate::interview::Answer)> = it
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
                for (qi, inst, a) in answers {
                    let mut label = q.questions[qi].label.get(qlang).to_string();
                    if let Some(n) = inst {
                        label = format!("#{} {label}", n + 1);
                    }
                    let value = answer_label(q, qi, qlang, a);
                    let style = if a.as_special().is_some() {
                        t.warning()
                    } else {
                        t.chosen()
                    };
                    lines.push(Line::from(vec![
                        Span::raw(format!("  {}  ", truncate(&label, width / 2))),
                        Span::styled(value, style),
                    ]));
                    if let Some(note) = it
                        .record
                        .notes
                        .get(&crate::batch::answer_key(&q.questions[qi].id, inst))
                    {
                        lines.push(Line::from(Span::styled(
                            format!("      ✎ {note}"),
                            t.secondary(),
                        )));
                    }
                }
                let scores =
                    score_interview(q, it.record.answers.iter().map(|(k, a)| (k.as_str(), a)));
                if !scores.dimensions.is_empty() {
                    lines.push(Line::from(Span::styled(
                        self.ui.pick("维度得分", "Dimension scores"),
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
                    lines.push(Line::from(format!(
                        "  {k}: {}",
                        serde_json::to_string(a).unwrap_or_default()
                    )));
                }
            }
        }
        // Paradata: time on each question.
        lines.push(Line::from(Span::styled(
            self.ui.pick("每题用时", "Time on each question"),
            t.heading(),
        )));
        for (qid, secs) in seconds_per_question(&it.record.paradata) {
            let bar = "█".repeat(((secs / 5.0).round() as usize).min(40));
            let style = if secs < 3.0 {
                t.warning()
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::raw(format!("  {:<24} {:>6.1} s ", truncate(&qid, 24), secs)),
                Span::styled(bar, style),
            ]));
        }
        frame.render_widget(Paragraph::new(lines).scroll((self.detail_scroll, 0)), area);
    }

    fn draw_summary(&self, frame: &mut Frame, area: Rect) {
        let t = &self.theme;
        // Outcomes (one line per surveyor and a legend), the two response
        // rate charts (one bar per surveyor or community), then scores and
        // lengths below; each band as tall as it needs, up to a third.
        let cap = (area.height / 3).max(7);
        let n_surveyors = self.inbox.surveyors.len() as u16;
        let n_communities = self.inbox.communities.len() as u16;
        let [outcomes, rates, bottom] = Layout::vertical([
            Constraint::Length((n_surveyors + 3).min(cap)),
            Constraint::Length((n_surveyors.max(n_communities) + 2).min(cap)),
            Constraint::Min(5),
        ])
        .areas(area);
        let [by_surveyor, by_community] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(rates);
        let [dims, lengths] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        let block = |title: &str| {
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.border())
                .title(Span::styled(format!(" {title} "), t.heading()))
        };

        let outcomes_block = block(self.ui.pick(
            "各访问员的最终结果（户）",
            "Outcomes by surveyor (residents' final disposition)",
        ));
        let inner = outcomes_block.inner(outcomes);
        frame.render_widget(outcomes_block, outcomes);
        frame.render_widget(Paragraph::new(self.outcome_lines(inner.width)), inner);

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
        let rate_chart = |title: &str, bars: &[Bar<'static>]| {
            BarChart::default()
                .block(block(title))
                .direction(Direction::Horizontal)
                .bar_width(1)
                .bar_gap(0)
                .max(100)
                .data(BarGroup::default().bars(bars))
        };
        let bars = rate_bars(
            self.inbox
                .surveyors
                .iter()
                .map(|s| (s.surveyor_id.clone(), s.rr1))
                .collect(),
        );
        frame.render_widget(
            rate_chart(
                self.ui
                    .pick("各访问员应答率（RR1）", "Response rate by surveyor (RR1)"),
                &bars,
            ),
            by_surveyor,
        );
        let bars = rate_bars(
            self.inbox
                .communities
                .iter()
                .map(|c| {
                    let name = self.community_name(c.community.as_deref()).to_string();
                    (name, c.rr1)
                })
                .collect(),
        );
        frame.render_widget(
            rate_chart(
                self.ui
                    .pick("各社区应答率（RR1）", "Response rate by community (RR1)"),
                &bars,
            ),
            by_community,
        );

        // Mean score per dimension over the completed interviews.
        let mut per_q: BTreeMap<(String, String), Vec<crate::scoring::InterviewScores>> =
            BTreeMap::new();
        for it in self
            .inbox
            .interviews
            .iter()
            .filter(|i| i.disposition == "complete")
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
        let mut dim_lines = Vec::new();
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
                let bar = "█".repeat((s / 5.0).round() as usize);
                dim_lines.push(Line::from(vec![
                    Span::raw(format!("{} {:>3.0} ", truncate(name, 14), s)),
                    Span::styled(bar, t.ok()),
                ]));
            }
        }
        frame.render_widget(
            Paragraph::new(dim_lines).block(block(
                self.ui.pick("各维度平均分", "Mean score per dimension"),
            )),
            dims,
        );

        // Interview length distribution: completed interviews per 5 minutes.
        let mut buckets = [0u64; 12];
        for it in &self.inbox.interviews {
            if let Some(e) = it.ended_at {
                let m = (e - it.started_at).num_minutes().max(0) as usize / 5;
                buckets[m.min(11)] += 1;
            }
        }
        let inner = block("").inner(lengths);
        frame.render_widget(
            block(self.ui.pick(
                "访问时长（每格 5 分钟）",
                "Interview length (5-minute steps)",
            )),
            lengths,
        );
        frame.render_widget(
            Sparkline::default().data(buckets).style(t.secondary()),
            inner,
        );
    }

    /// The outcomes chart: a legend, then per surveyor their residents'
    /// final dispositions by AAPOR group as one bar of lettered segments
    /// (so it reads without colour) and the counts.
    fn outcome_lines(&self, width: u16) -> Vec<Line<'static>> {
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
        for (s, c) in self.inbox.surveyors.iter().zip(&counts) {
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
            None => Span::styled(
                self.ui
                    .pick("Enter 确认  Esc 取消", "Enter confirm  Esc cancel"),
                t.secondary(),
            ),
        };
        frame.render_widget(Paragraph::new(line), msg);
    }
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
