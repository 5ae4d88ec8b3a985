//! The inbox tab: the day's batches with their signatures and findings,
//! per surveyor and per community figures.

use crate::i18n::msg;
use crate::keys::ReviewAction;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use super::interviews::{Filter, Sort};
use super::{ReviewApp, Tab, push_wrapped};
use crate::review_text::{
    finding_name, finding_text, rate_legend, signature_label, status_name, status_text,
    uncounted_text, width,
};
use crate::screens::check::truncate;
use doorstep_review::figures::refusals;

impl ReviewApp {
    /// An action on the inbox tab; false if it does nothing here.
    pub(super) fn inbox_action(&mut self, action: ReviewAction) -> bool {
        let last = self.inbox.batches.len().saturating_sub(1);
        match action {
            ReviewAction::Down => self.selected_batch = (self.selected_batch + 1).min(last),
            ReviewAction::Up => self.selected_batch = self.selected_batch.saturating_sub(1),
            ReviewAction::Open => {
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
            _ => return false,
        }
        true
    }

    /// What the scores count, for the screen.
    fn counting_text(&self) -> String {
        let c = &self.inbox.counting;
        if c.leave_out_flagged {
            msg!(
                self.ui,
                RvCountingUnflagged,
                rejected = c.left_out_rejected,
                flagged = c.left_out_flagged
            )
        } else {
            msg!(self.ui, RvCounting, rejected = c.left_out_rejected)
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
                    .join(msg!(self.ui, RvEnumComma));
                msg!(self.ui, RvMissingOf, surveyor = g.surveyor_id, seqs = seqs)
            })
            .collect();
        let each = each.join(msg!(self.ui, RvSemicolon));
        Some(msg!(self.ui, RvMissingBatches, each = each))
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
            (Some(s), Some(q)) => msg!(ui, RvBatchOf, surveyor = s, seq = q),
            (Some(s), None) => format!("{s}{}", msg!(ui, RvColon)),
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

    pub(super) fn draw_inbox(&self, frame: &mut Frame, area: Rect) {
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
                msg!(self.ui, RvSurveyor),
                msg!(self.ui, RvDay),
                msg!(self.ui, RvSeq),
                msg!(self.ui, RvSignature),
                msg!(self.ui, RvVisits),
                msg!(self.ui, RvInterviews),
                msg!(self.ui, RvFindings),
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
                        .join(msg!(self.ui, RvEnumComma))
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
            msg!(self.ui, RvSurveyor),
            msg!(self.ui, RvInterviews),
            msg!(self.ui, RvCompleted),
            msg!(self.ui, RvRefused),
            msg!(self.ui, RvCompletion),
            msg!(self.ui, RvRR1),
            msg!(self.ui, RvMeanScore),
            msg!(self.ui, RvFlagged),
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
                msg!(self.ui, RvCommunity),
                msg!(self.ui, RvResidents),
                msg!(self.ui, RvVisits),
                msg!(self.ui, RvInterviews),
                msg!(self.ui, RvCompleted),
                "RR1",
                msg!(self.ui, RvScore2),
                msg!(self.ui, RvFlagged),
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
}
