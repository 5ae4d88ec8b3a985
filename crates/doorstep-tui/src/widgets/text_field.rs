//! Typed entry: free text with a real cursor (wide CJK characters and pasted
//! text included), and integer, decimal, date and time fields that refuse a
//! keystroke which could never lead to a valid value (dates and times are
//! read on confirm by `doorstep_core::datetime_input`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Block;
use ratatui_textarea::{TextArea, WrapMode};

/// What a field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Text {
        multiline: bool,
        max_chars: Option<usize>,
    },
    Integer,
    Decimal,
    Date,
    Time,
}

/// What a key did to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Changed,
    /// The key would have made the entry impossible; nothing changed.
    Refused,
    /// Not an editing key; the caller may use it.
    Ignored,
}

pub struct TextField {
    area: TextArea<'static>,
    kind: EntryKind,
}

impl TextField {
    pub fn new(kind: EntryKind, initial: &str) -> Self {
        let lines: Vec<String> = if initial.is_empty() {
            vec![String::new()]
        } else {
            initial.split('\n').map(str::to_string).collect()
        };
        let mut area = TextArea::new(lines);
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        area.set_cursor_line_style(Style::new());
        area.set_wrap_mode(WrapMode::Glyph);
        TextField { area, kind }
    }

    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn set_placeholder(&mut self, text: &str) {
        self.area.set_placeholder_text(text);
    }

    /// Shows every character as `mask` (passwords).
    pub fn set_mask(&mut self, mask: char) {
        self.area.set_mask_char(mask);
    }

    /// Applies an editing key; Enter and Esc are left to the caller, except
    /// Alt+Enter / Ctrl+J, which break the line in a multi-line field.
    pub fn handle_key(&mut self, key: KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let newline =
            (key.code == KeyCode::Enter && alt) || (key.code == KeyCode::Char('j') && ctrl);
        if newline {
            return match self.kind {
                EntryKind::Text {
                    multiline: true, ..
                } => self.try_edit(|a| a.insert_newline()),
                _ => Edit::Refused,
            };
        }
        match key.code {
            KeyCode::Char(_) if ctrl || alt => Edit::Ignored,
            KeyCode::Char(c) => self.try_edit(|a| a.insert_char(c)),
            KeyCode::Backspace => self.try_edit(|a| {
                a.delete_char();
            }),
            KeyCode::Delete => self.try_edit(|a| {
                a.delete_next_char();
            }),
            KeyCode::Left => self.cursor(ratatui_textarea::CursorMove::Back),
            KeyCode::Right => self.cursor(ratatui_textarea::CursorMove::Forward),
            KeyCode::Home => self.cursor(ratatui_textarea::CursorMove::Head),
            KeyCode::End => self.cursor(ratatui_textarea::CursorMove::End),
            KeyCode::Up if self.is_multiline() => self.cursor(ratatui_textarea::CursorMove::Up),
            KeyCode::Down if self.is_multiline() => self.cursor(ratatui_textarea::CursorMove::Down),
            _ => Edit::Ignored,
        }
    }

    /// Inserts pasted text; a paste that cannot fit the field is refused whole.
    pub fn paste(&mut self, text: &str) -> Edit {
        let text = if self.is_multiline() {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.replace(['\r', '\n'], " ").trim().to_string()
        };
        self.try_edit(|a| {
            a.insert_str(&text);
        })
    }

    /// Whether the cursor sits at the start of the field (so Left may leave it).
    pub fn cursor_at_start(&self) -> bool {
        self.area.cursor() == (0usize, 0usize)
    }

    /// Whether the cursor sits at the end of the field (so Right may leave it).
    pub fn cursor_at_end(&self) -> bool {
        let lines = self.area.lines();
        let last = lines.len().saturating_sub(1);
        self.area.cursor() == (last, lines.get(last).map_or(0, |l| l.chars().count()))
    }

    fn is_multiline(&self) -> bool {
        matches!(
            self.kind,
            EntryKind::Text {
                multiline: true,
                ..
            }
        )
    }

    fn cursor(&mut self, m: ratatui_textarea::CursorMove) -> Edit {
        self.area.move_cursor(m);
        Edit::Changed
    }

    /// Applies an edit to a copy and keeps it only if it can still become valid.
    fn try_edit(&mut self, f: impl FnOnce(&mut TextArea<'static>)) -> Edit {
        let mut candidate = self.area.clone();
        f(&mut candidate);
        let text = candidate.lines().join("\n");
        if text == self.text() {
            return Edit::Changed;
        }
        if prefix_valid(self.kind, &text) {
            self.area = candidate;
            Edit::Changed
        } else {
            Edit::Refused
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, block: Block<'static>, focused: bool) {
        let mut textarea = self.area.clone();
        textarea.set_block(block);
        if !focused {
            textarea.set_cursor_style(Style::new());
        }
        frame.render_widget(&textarea, area);
    }
}

/// Whether `s` is, or can still be completed into, a valid entry.
pub fn prefix_valid(kind: EntryKind, s: &str) -> bool {
    match kind {
        EntryKind::Text { max_chars, .. } => max_chars.is_none_or(|m| s.chars().count() <= m),
        EntryKind::Integer => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit())
        }
        EntryKind::Decimal => {
            let body = s.strip_prefix('-').unwrap_or(s);
            let mut parts = body.splitn(2, '.');
            let int = parts.next().unwrap_or("");
            let frac = parts.next().unwrap_or("");
            int.len() <= 15
                && frac.len() <= 10
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        // Spellings are many (`7:30`, `0730`, `11-30`, `20261130`): only
        // characters that can never be part of one are refused here; the
        // entry is read on confirm (`doorstep_core::datetime_input`).
        EntryKind::Date => doorstep_core::datetime_input::date_prefix_ok(s),
        EntryKind::Time => doorstep_core::datetime_input::time_prefix_ok(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press)
    }

    fn type_str(f: &mut TextField, s: &str) -> Vec<Edit> {
        s.chars()
            .map(|c| f.handle_key(key(KeyCode::Char(c))))
            .collect()
    }

    #[test]
    fn integer_field_refuses_letters_and_a_second_minus() {
        let mut f = TextField::new(EntryKind::Integer, "");
        assert_eq!(
            type_str(&mut f, "-1a2"),
            [Edit::Changed, Edit::Changed, Edit::Refused, Edit::Changed]
        );
        assert_eq!(f.text(), "-12");
        assert_eq!(type_str(&mut f, "-"), [Edit::Refused]);
    }

    #[test]
    fn date_and_time_fields_keep_every_key_of_the_usual_spellings() {
        // Issue 10: `7:30` became `0`, `0830` `08`, `11-30` `1130`, `20261130` `2026`.
        for typed in ["7:30", "0830", "1930", "19.30", "1:30", "7点半"] {
            let mut f = TextField::new(EntryKind::Time, "");
            assert!(
                type_str(&mut f, typed).iter().all(|e| *e == Edit::Changed),
                "{typed}"
            );
            assert_eq!(f.text(), typed);
        }
        for typed in [
            "2026-11-30",
            "20261130",
            "11-30",
            "11/30",
            "2026/1/5",
            "11月30日",
        ] {
            let mut f = TextField::new(EntryKind::Date, "");
            assert!(
                type_str(&mut f, typed).iter().all(|e| *e == Edit::Changed),
                "{typed}"
            );
            assert_eq!(f.text(), typed);
        }
        let mut f = TextField::new(EntryKind::Time, "");
        assert_eq!(type_str(&mut f, "x"), [Edit::Refused]);
        let mut f = TextField::new(EntryKind::Date, "");
        assert_eq!(type_str(&mut f, "x"), [Edit::Refused]);
    }

    #[test]
    fn decimal_allows_one_point() {
        assert!(prefix_valid(EntryKind::Decimal, "-3."));
        assert!(prefix_valid(EntryKind::Decimal, "3.25"));
        assert!(!prefix_valid(EntryKind::Decimal, "3.2.5"));
        assert!(!prefix_valid(EntryKind::Decimal, "1e5"));
    }

    #[test]
    fn text_edits_in_the_middle_of_wide_characters() {
        let mut f = TextField::new(
            EntryKind::Text {
                multiline: false,
                max_chars: Some(5),
            },
            "",
        );
        type_str(&mut f, "张三");
        f.handle_key(key(KeyCode::Left));
        type_str(&mut f, "小");
        assert_eq!(f.text(), "张小三");
        f.handle_key(key(KeyCode::Backspace));
        assert_eq!(f.text(), "张三");
        // The limit counts characters, not bytes or columns.
        assert_eq!(
            type_str(&mut f, "四五六"),
            [Edit::Changed, Edit::Changed, Edit::Changed]
        );
        assert_eq!(type_str(&mut f, "七"), [Edit::Refused]);
        assert_eq!(f.text(), "张四五六三");
    }

    #[test]
    fn paste_goes_in_whole_or_not_at_all() {
        let mut f = TextField::new(EntryKind::Integer, "1");
        assert_eq!(f.paste("23"), Edit::Changed);
        assert_eq!(f.text(), "123");
        assert_eq!(f.paste("4x"), Edit::Refused);
        assert_eq!(f.text(), "123");
        let mut t = TextField::new(
            EntryKind::Text {
                multiline: false,
                max_chars: None,
            },
            "",
        );
        t.paste("楼道\n灯坏了");
        assert_eq!(t.text(), "楼道 灯坏了");
    }
}
