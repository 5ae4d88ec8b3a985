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
    help_popup(frame, area, theme, ui, &rows);
}

/// The help popup over `area`: one row per binding (its keys, what they
/// do), as every app shows it.
pub fn help_popup(frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang, rows: &[(&str, &str)]) {
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
    footer_line(frame, area, theme, footer(screen, ui, hidden));
}

/// The footer line: each key, then what it does.
pub fn footer_line<'a>(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    keys: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    let mut spans = Vec::new();
    for (k, d) in keys {
        spans.push(Span::styled(k, theme.key()));
        spans.push(Span::raw(format!(" {d} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
