//! The keys tab: the keys the office trusts, with their owners and
//! revocations (`office keys add | revoke` change them).

use doorstep_office::keys::{self, KeyInfo};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keys::OfficeAction;
use super::{OfficeApp, OfficeData, fit, moved, when, window_start};
use crate::i18n::msg;

#[derive(Default)]
pub struct KeysTab {
    keys: Vec<KeyInfo>,
    selected: usize,
}

impl KeysTab {
    pub fn load(&mut self, data: &OfficeData) -> Result<(), String> {
        self.keys = keys::list(&data.db).map_err(|e| e.to_string())?;
        self.selected = self.selected.min(self.keys.len().saturating_sub(1));
        Ok(())
    }

    pub fn act(&mut self, action: OfficeAction) -> bool {
        match moved(self.selected, action, self.keys.len(), 10) {
            Some(s) => {
                self.selected = s;
                true
            }
            None => false,
        }
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, app: &OfficeApp) {
        let ui = app.ui;
        let t = &app.theme;
        let mut lines = vec![Line::from(Span::styled(
            format!(
                "{}{}{}{}",
                fit(msg!(ui, OfKeyOwner), 12),
                fit(msg!(ui, OfKeyId), 20),
                fit(msg!(ui, OfKeyAdded), 18),
                msg!(ui, OfKeyRevoked)
            ),
            t.heading(),
        ))];
        if self.keys.is_empty() {
            lines.push(Line::from(msg!(ui, OfNoKeys)));
        }
        let rows = (area.height as usize).saturating_sub(1);
        let first = window_start(self.selected, rows, self.keys.len());
        for (i, k) in self.keys.iter().enumerate().skip(first).take(rows) {
            let revoked = k
                .revoked_from
                .as_deref()
                .map_or(String::new(), |r| msg!(ui, OfRevokedFrom, from = when(r)));
            let text = format!(
                "{}{}{}{}",
                fit(&k.owner_id, 12),
                fit(&k.key_id, 20),
                fit(&when(&k.added_at), 18),
                revoked
            );
            let style = if i == self.selected {
                t.selected()
            } else if k.revoked_from.is_some() {
                t.warning()
            } else {
                t.text()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}
