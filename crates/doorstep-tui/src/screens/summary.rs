//! The day summary: today's visits by outcome, today's interviews, and what
//! is waiting for export.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

use crate::i18n::{Lang, msg};
use crate::theme::Theme;
use doorstep_core::assignment::Disposition;
use doorstep_core::assignment::status::ResidentStatus;
use doorstep_store::StatusCounts;

/// The export dialog: the key password, and what went wrong last. With
/// `again`, there is no key yet: it creates one (the password twice, as
/// `doorstep keygen` asks), then exports.
pub struct ExportPrompt {
    pub password: crate::widgets::text_field::TextField,
    pub error: Option<String>,
    /// The new password once more, when creating the key.
    pub again: Option<crate::widgets::text_field::TextField>,
    /// The cursor is in `again`.
    pub on_again: bool,
}

fn password_field() -> crate::widgets::text_field::TextField {
    let mut password = crate::widgets::text_field::TextField::new(
        crate::widgets::text_field::EntryKind::Text {
            multiline: false,
            max_chars: Some(200),
        },
        "",
    );
    password.set_mask('•');
    password
}

impl ExportPrompt {
    pub fn new() -> Self {
        ExportPrompt {
            password: password_field(),
            error: None,
            again: None,
            on_again: false,
        }
    }

    /// No signing key yet: ask a new password, twice.
    pub fn create_key() -> Self {
        ExportPrompt {
            again: Some(password_field()),
            ..Self::new()
        }
    }
}

impl Default for ExportPrompt {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryData {
    /// Today's visits per outcome, in `Disposition::ALL` order, zeros left out.
    pub visits_today: Vec<(Disposition, u32)>,
    /// The counts `doorstep status` shows (one definition: docs/store.md).
    pub status: StatusCounts,
    /// Of `status.completed`, the residents completed today.
    pub completed_today: u64,
    /// What the last export in this session did, or why it failed.
    pub last_export: Option<Result<String, String>>,
}

/// The password popup of the export.
pub fn draw_prompt(frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang, p: &ExportPrompt) {
    if let Some(again) = &p.again {
        draw_create_key(frame, area, theme, ui, p, again);
        return;
    }
    let popup = crate::widgets::popup::centered(area, 60, 6);
    crate::widgets::popup::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.selected())
        .title(format!(" {} ", ui.s().export_title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [field, msg] =
        Layout::vertical([Constraint::Length(3), Constraint::Length(1)]).areas(inner);
    let fb = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(format!(" {} ", ui.s().key_password));
    p.password.render(frame, field, fb, true);
    let line = match &p.error {
        Some(e) => Span::styled(e.clone(), theme.error()),
        None => Span::styled(ui.s().export_prompt_hint, theme.secondary()),
    };
    frame.render_widget(Paragraph::new(line), msg);
}

/// No key yet: a new password, twice, then the key is made and used.
fn draw_create_key(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    ui: Lang,
    p: &ExportPrompt,
    again: &crate::widgets::text_field::TextField,
) {
    let popup = crate::widgets::popup::centered(area, 64, 11);
    crate::widgets::popup::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.selected())
        .title(format!(" {} ", msg!(ui, SvCreateKey)));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [text, first, second, msg] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(msg!(ui, SvNoKeyYet)).wrap(ratatui::widgets::Wrap { trim: true }),
        text,
    );
    let boxed =
        |title: &str, focused: bool| crate::widgets::popup::field_block(theme, title, focused);
    p.password.render(
        frame,
        first,
        boxed(msg!(ui, SvNewPassword), !p.on_again),
        !p.on_again,
    );
    again.render(
        frame,
        second,
        boxed(msg!(ui, SvPasswordAgain), p.on_again),
        p.on_again,
    );
    let line = match &p.error {
        Some(e) => Span::styled(e.clone(), theme.error()),
        None => Span::styled(msg!(ui, SvCreateKeyKeys), theme.secondary()),
    };
    frame.render_widget(Paragraph::new(line), msg);
}

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang, d: &SummaryData) {
    let s = ui.s();
    let code = ui.code();
    // The export's message may have a second line (a batch NOT encrypted).
    let export_lines = match &d.last_export {
        Some(Ok(m)) => m.lines().count().max(1),
        _ => 1,
    } as u16;
    let [title, chart_area, facts] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(6 + export_lines),
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
    let c = &d.status;
    let others = [
        (ResidentStatus::Partial, c.partial),
        (ResidentStatus::BrokenOff, c.break_offs),
        (ResidentStatus::Refused, c.refusals),
    ]
    .map(|(st, n)| format!("{} {n}", st.label(code)))
    .join(" · ");
    let mut lines = vec![
        fact(
            s.residents_interviewed,
            ui.interviewed(c.completed, d.completed_today, c.in_progress),
        ),
        fact(s.other_outcomes, others),
        fact(
            s.pending_export,
            ui.records(c.pending_export_interviews, c.pending_export_visits),
        ),
        fact(
            s.exported,
            ui.records(c.exported_interviews, c.exported_visits),
        ),
        Line::from(Span::styled(s.export_hint, theme.secondary())),
    ];
    match &d.last_export {
        // A second line is a warning about the export (not encrypted).
        Some(Ok(m)) => {
            for (i, part) in m.lines().enumerate() {
                let style = if i == 0 { theme.ok() } else { theme.warning() };
                lines.push(Line::from(Span::styled(part.to_string(), style)));
            }
        }
        Some(Err(e)) => lines.push(Line::from(Span::styled(e.clone(), theme.error()))),
        None => {}
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
