//! Styles. Essential text is never dim: the app is read on a laptop in
//! daylight. With `NO_COLOR` set, emphasis uses bold, reverse and underline
//! only.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn text(&self) -> Style {
        Style::new()
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn heading(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The highlighted row or option.
    pub fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// A chosen answer (may or may not be highlighted).
    pub fn chosen(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    pub fn warning(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    /// Secondary text: a different colour, never dimmed.
    pub fn secondary(&self) -> Style {
        self.fg(Color::Cyan)
    }

    /// Key names in the footer and help.
    pub fn key(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Gray)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn border(&self) -> Style {
        self.fg(Color::Gray)
    }

    /// The i-th series of a chart (the outcome groups: complete, partial,
    /// refusal, non-contact, other): dark text on a colour. Without colour
    /// plain: such charts also mark each series with its letter.
    pub fn series(&self, i: usize) -> Style {
        const COLOURS: [Color; 5] = [
            Color::Green,
            Color::Cyan,
            Color::LightRed,
            Color::Yellow,
            Color::Gray,
        ];
        if self.color {
            Style::new().bg(COLOURS[i % COLOURS.len()]).fg(Color::Black)
        } else {
            Style::new()
        }
    }

    pub fn gauge(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Green).bg(Color::Black)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
}
