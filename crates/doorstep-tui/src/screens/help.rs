//! `?`: the keys of the current screen, and the footer that always shows the
//! main ones.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::i18n::Lang;
use crate::keys::{Screen, described, footer};
use crate::theme::Theme;
use crate::widgets::popup;

pub fn draw_help(frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang, screen: Screen) {
    let rows: Vec<(&str, &str)> = described(screen, ui).collect();
    let popup = popup::centered(area, 76, rows.len() as u16 + 4);
    popup::clear(frame, popup);
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k:<14}"), theme.heading()),
                Span::raw(d.to_string()),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        ui.s().help_close,
        theme.secondary(),
    )));
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.selected())
                .title(format!(" {} ", ui.s().help)),
        ),
        popup,
    );
}

pub fn draw_footer(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    ui: Lang,
    screen: Screen,
    hidden: &[&'static str],
) {
    let mut spans = Vec::new();
    for (k, d) in footer(screen, ui, hidden) {
        spans.push(Span::styled(k, theme.key()));
        spans.push(Span::raw(format!(" {d} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
