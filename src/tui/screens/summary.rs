//! The day summary: today's visits by outcome, today's interviews, and what
//! is waiting for export.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

use crate::assignment::Disposition;
use crate::tui::i18n::Lang;
use crate::tui::theme::Theme;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryData {
    /// Today's visits per outcome, in `Disposition::ALL` order, zeros left out.
    pub visits_today: Vec<(Disposition, u32)>,
    pub interviews_completed_today: u32,
    pub interviews_in_progress: u32,
    pub pending_export: u32,
    pub exported: u32,
    /// A line about the last export, when there was one this session.
    pub last_export: Option<String>,
}

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang, d: &SummaryData) {
    let s = ui.s();
    let code = ui.code();
    let [title, chart_area, facts] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(6),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(s.summary, theme.title())),
        title,
    );

    let bars: Vec<Bar> = d
        .visits_today
        .iter()
        .map(|(disp, n)| {
            Bar::default()
                .value(u64::from(*n))
                .text_value(n.to_string())
                .label(Line::from(disp.label(code)))
                .style(theme.ok())
                .value_style(theme.selected())
        })
        .collect();
    let chart = BarChart::default()
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border())
                .title(Span::styled(s.today_visits, theme.heading())),
        )
        .direction(ratatui::layout::Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .data(BarGroup::default().bars(&bars));
    if d.visits_today.is_empty() {
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(Span::styled(s.today_visits, theme.heading())),
                Line::from(s.none),
            ]),
            chart_area,
        );
    } else {
        frame.render_widget(chart, chart_area);
    }

    let fact = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k}: "), theme.secondary()),
            Span::styled(v, theme.heading()),
        ])
    };
    let mut lines = vec![
        fact(
            s.today_interviews,
            format!(
                "{} {} · {} {}",
                d.interviews_completed_today,
                crate::assignment::status::ResidentStatus::Completed.label(code),
                d.interviews_in_progress,
                crate::assignment::status::ResidentStatus::InProgress.label(code)
            ),
        ),
        fact(s.pending_export, d.pending_export.to_string()),
        fact(s.exported, d.exported.to_string()),
        Line::from(Span::styled(s.export_hint, theme.secondary())),
    ];
    if let Some(e) = &d.last_export {
        lines.push(Line::from(Span::styled(e.clone(), theme.ok())));
    }
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border()),
        ),
        facts,
    );
}
