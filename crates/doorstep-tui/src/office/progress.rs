//! The sample progress tab: for a sampled quarter, per community and
//! stratum, the target, the residents reached (a counted completed
//! interview), the reserves brought in and the response rate (RR1).

use doorstep_office::sample::Quarter;
use doorstep_office::views::{self, ProgressLine};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keys::OfficeAction;
use super::{OfficeApp, OfficeData, fit, moved, percent, right, window_start};
use crate::i18n::msg;

#[derive(Default)]
pub struct ProgressTab {
    quarters: Vec<Quarter>,
    /// An index into `quarters` (the latest at first).
    quarter: Option<usize>,
    lines: Vec<ProgressLine>,
    selected: usize,
}

impl ProgressTab {
    pub fn load(&mut self, data: &OfficeData) -> Result<(), String> {
        let err = |e: doorstep_office::OfficeError| e.to_string();
        let shown = self.quarter.and_then(|i| self.quarters.get(i).copied());
        self.quarters = views::sample_quarters(&data.db).map_err(err)?;
        self.quarter = match shown {
            Some(q) => self.quarters.iter().position(|x| *x == q),
            None => None,
        }
        .or(self.quarters.len().checked_sub(1));
        self.lines = match self.quarter {
            Some(i) => {
                views::sample_progress(&data.db, data.settings.ingest.count, self.quarters[i])
                    .map_err(err)?
            }
            None => Vec::new(),
        };
        self.selected = self.selected.min(self.lines.len().saturating_sub(1));
        Ok(())
    }

    pub fn act(&mut self, action: OfficeAction, data: &OfficeData) -> Result<bool, String> {
        if let Some(s) = moved(self.selected, action, self.lines.len(), 10) {
            self.selected = s;
            return Ok(true);
        }
        let Some(i) = self.quarter else {
            return Ok(false);
        };
        let to = match action {
            OfficeAction::PrevPeriod => i.saturating_sub(1),
            OfficeAction::NextPeriod => (i + 1).min(self.quarters.len() - 1),
            _ => return Ok(false),
        };
        self.quarter = Some(to);
        self.selected = 0;
        self.load(data)?;
        Ok(true)
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, app: &OfficeApp) {
        let ui = app.ui;
        let t = &app.theme;
        let [title, head, list, total] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let Some(q) = self.quarter.map(|i| self.quarters[i]) else {
            frame.render_widget(Paragraph::new(msg!(ui, OfNoSample)), area);
            return;
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                msg!(
                    ui,
                    OfProgressTitle,
                    quarter = q,
                    n = self.quarter.map_or(0, |i| i + 1),
                    of = self.quarters.len()
                ),
                t.secondary(),
            )),
            title,
        );
        // community stratum | target reached % | reserves | RR1
        let row = |c: &str, s: &str, cells: [String; 5]| -> String {
            let mut text = format!("{}{}", fit(c, 16), fit(s, 18));
            for (cell, w) in cells.iter().zip([7, 8, 7, 10, 8]) {
                text.push_str(&right(cell, w));
            }
            text
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                row(
                    msg!(ui, OfColCommunity),
                    msg!(ui, OfColStratum),
                    [
                        msg!(ui, OfColTarget).into(),
                        msg!(ui, OfColReached).into(),
                        "%".into(),
                        msg!(ui, OfColReserves).into(),
                        "RR1".into(),
                    ],
                ),
                t.heading(),
            )),
            head,
        );
        let share = |reached: u64, target: u64| {
            percent((target > 0).then(|| reached as f64 / target as f64))
        };
        let rows = list.height as usize;
        let first = window_start(self.selected, rows, self.lines.len());
        let lines: Vec<Line> = self
            .lines
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, l)| {
                // The community's name on its first stratum only.
                let community = if i > 0 && self.lines[i - 1].community == l.community {
                    ""
                } else {
                    &l.community
                };
                let text = row(
                    community,
                    &l.stratum,
                    [
                        l.target.to_string(),
                        l.reached.to_string(),
                        share(l.reached, l.target),
                        format!("{}/{}", l.reserves_used, l.reserves),
                        percent(l.response_rate),
                    ],
                );
                let style = if i == self.selected {
                    t.selected()
                } else {
                    t.text()
                };
                Line::from(Span::styled(text, style))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
        let target: u64 = self.lines.iter().map(|l| l.target).sum();
        let reached: u64 = self.lines.iter().map(|l| l.reached).sum();
        frame.render_widget(
            Paragraph::new(Span::styled(
                msg!(
                    ui,
                    OfProgressTotal,
                    reached = reached,
                    target = target,
                    share = share(reached, target)
                ),
                t.heading(),
            )),
            total,
        );
    }
}
