//! Popups over the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear};

use crate::theme::Theme;

/// A `width`×`height` rectangle centred in `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Clears the popup's area and the column to its left: a wide (CJK)
/// character straddling the left edge would otherwise hide the border.
pub fn clear(frame: &mut Frame, popup: Rect) {
    let left = popup.x.saturating_sub(1);
    let widened = Rect {
        x: left,
        width: popup.width + (popup.x - left),
        ..popup
    };
    frame.render_widget(Clear, widened.intersection(frame.area()));
}

/// The box around one input field of a form: its title, and the border
/// drawn as selected while the field has focus.
pub fn field_block<'a>(theme: &Theme, title: &str, focused: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.selected()
        } else {
            theme.border()
        })
        .title(format!(" {title} "))
}
