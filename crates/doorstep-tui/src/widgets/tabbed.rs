//! The frame the supervisor's and the office's apps share: a row of tabs,
//! the open tab's area and a footer line; or only "terminal too small"
//! when the terminal is below 80×24 (and then the app ignores keys).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs, Wrap};

use crate::i18n::Lang;
use crate::terminal::Visibility;
use crate::theme::Theme;

/// Where a tabbed app draws the rest.
pub struct TabbedAreas {
    /// The tab row (an app may draw more at its right end).
    pub tabs: Rect,
    pub main: Rect,
    pub footer: Rect,
}

/// Draws the tab row with `titles`, `selected` highlighted, and returns
/// the areas; `None` when the terminal is too small (the message is
/// drawn instead).
pub fn frame(
    frame: &mut Frame,
    shown: &Visibility,
    ui: Lang,
    theme: &Theme,
    titles: &[&str],
    selected: usize,
) -> Option<TabbedAreas> {
    let area = frame.area();
    if !shown.drawn(area.width, area.height) {
        let msg = format!("{} {}×{}", ui.s().too_small, area.width, area.height);
        frame.render_widget(
            Paragraph::new(Span::styled(msg, theme.error())).wrap(Wrap { trim: true }),
            area,
        );
        return None;
    }
    let [tabs, main, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let titles: Vec<Line> = titles.iter().map(|t| Line::from(*t)).collect();
    frame.render_widget(
        Tabs::new(titles)
            .select(selected)
            .highlight_style(theme.selected()),
        tabs,
    );
    Some(TabbedAreas { tabs, main, footer })
}
