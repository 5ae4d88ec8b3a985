//! First start: the surveyor's id, asked once before the first visit when
//! the config has none. Every interview and visit is recorded under it,
//! and it names the signing key (`keys/ID.key`), so it is checked as key
//! file names are: letters, digits, `-`, `_`, `.`, starting with a letter
//! or digit, at most 64; never a path separator.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::i18n::{Lang, msg};
use crate::keys::{SETUP, SetupAction, command_in_text};
use crate::theme::Theme;
use crate::widgets::popup;
use crate::widgets::text_field::{EntryKind, TextField};
use doorstep_store::config::Config;

pub struct SetupScreen {
    pub field: TextField,
    pub error: Option<String>,
    /// Where the id is saved.
    pub config_path: PathBuf,
}

/// What a key did on the first-start screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupOutcome {
    Stay,
    /// The id is valid and saved in the config.
    Saved(String),
}

/// Whether `id` can be a surveyor id; the message says why not.
pub fn check_surveyor_id(id: &str, ui: Lang) -> Result<(), String> {
    if id.is_empty() {
        return Err(msg!(ui, SvEnterSurveyorId).into());
    }
    doorstep_batch::keys::validate_id("surveyor id", id)
        .map_err(|_| msg!(ui, SvSurveyorIdRules).to_string())
}

impl SetupScreen {
    pub fn new(config_path: PathBuf) -> Self {
        SetupScreen {
            field: TextField::new(
                EntryKind::Text {
                    multiline: false,
                    max_chars: Some(64),
                },
                "",
            ),
            error: None,
            config_path,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent, ui: Lang) -> SetupOutcome {
        // Every key but Enter types the id (Ctrl+C quits, in the app).
        if command_in_text(SETUP, &key) != Some(SetupAction::Save) {
            self.field.handle_key(key);
            return SetupOutcome::Stay;
        }
        let id = self.field.text().trim().to_string();
        if let Err(e) = check_surveyor_id(&id, ui) {
            self.error = Some(e);
            return SetupOutcome::Stay;
        }
        // Keep the rest of the config (the interface language) as it is.
        let saved = Config::load(&self.config_path).and_then(|mut c| {
            c.surveyor_id = Some(id.clone());
            c.save(&self.config_path)
        });
        match saved {
            Ok(()) => {
                tracing::info!(surveyor_id = %id, "surveyor id set");
                SetupOutcome::Saved(id)
            }
            Err(e) => {
                self.error = Some(format!("{}{e}", msg!(ui, SvCannotSaveSettings)));
                SetupOutcome::Stay
            }
        }
    }

    pub fn handle_paste(&mut self, text: &str) {
        let _ = self.field.paste(text);
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang) {
        let popup = popup::centered(area, 64, 11);
        popup::clear(frame, popup);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.selected())
            .title(format!(" {} ", msg!(ui, SvFirstStart)));
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        let [text, field, msg] = Layout::vertical([
            Constraint::Length(4),
            Constraint::Length(3),
            Constraint::Min(1),
        ])
        .areas(inner);
        frame.render_widget(
            Paragraph::new(msg!(ui, SvSurveyorIdIntro)).wrap(Wrap { trim: true }),
            text,
        );
        self.field.render(
            frame,
            field,
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.selected())
                .title(format!(" {} ", msg!(ui, SvSurveyorId))),
            true,
        );
        let line = match &self.error {
            Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
            None => Line::from(Span::styled(msg!(ui, SvSurveyorIdHint), theme.secondary())),
        };
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), msg);
    }
}
