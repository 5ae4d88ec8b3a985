//! The city office's app (`doorstep office`): five tabs over the office
//! database — ingestion (batches, quarantine and conflicts with their
//! reasons, missing batches per device), work orders (filters, detail
//! with history, status changes with a note), sample progress (per
//! community and stratum), scores (the ranking with intervals, a
//! community in detail) and the keys trusted. State in `OfficeApp` (here);
//! each tab in its own file with its actions and its drawing; the keys are
//! data (`keys`); `data` holds the database. What a tab shows is read when
//! the tab opens or its data change, never per frame.

pub mod data;
mod ingestion;
pub mod keys;
mod orders;
mod progress;
mod scores;
mod trusted;

use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent, KeyEventKind};
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use crate::i18n::{Lang, msg};
use crate::review_text::width;
use crate::screens::help;
use crate::terminal::{EventApp, Visibility};
use crate::theme::Theme;
use crate::widgets::tabbed::{self, TabbedAreas};

pub use data::OfficeData;
use keys::{ANYWHERE, OfficeAction, OfficeScreen, bindings};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Ingestion,
    Orders,
    Progress,
    Scores,
    Keys,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Ingestion,
        Tab::Orders,
        Tab::Progress,
        Tab::Scores,
        Tab::Keys,
    ];

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

pub struct OfficeApp {
    pub data: OfficeData,
    pub ui: Lang,
    pub theme: Theme,
    pub tab: Tab,
    pub quit: bool,
    /// The keys of the screen, over it (`?`).
    pub help: bool,
    /// A message in the footer until the next key: (is it an error, text).
    flash: Option<(bool, String)>,
    ingestion: ingestion::IngestionTab,
    orders: orders::OrdersTab,
    progress: progress::ProgressTab,
    scores: scores::ScoresTab,
    trusted: trusted::KeysTab,
    /// Whether the screen can be seen (not "terminal too small").
    pub shown: Visibility,
}

impl OfficeApp {
    pub fn new(data: OfficeData, ui: Lang) -> Self {
        let mut app = OfficeApp {
            data,
            ui,
            theme: Theme::from_env(),
            tab: Tab::Ingestion,
            quit: false,
            help: false,
            flash: None,
            ingestion: Default::default(),
            orders: Default::default(),
            progress: Default::default(),
            scores: Default::default(),
            trusted: Default::default(),
            shown: Default::default(),
        };
        app.open_tab(Tab::Ingestion);
        app
    }

    /// The screen whose keys apply now (footer and help).
    pub fn screen(&self) -> OfficeScreen {
        match self.tab {
            Tab::Ingestion => OfficeScreen::Ingestion,
            Tab::Orders if self.orders.dialog.is_some() => OfficeScreen::OrderStatus,
            Tab::Orders if self.orders.detail.is_some() => OfficeScreen::OrderDetail,
            Tab::Orders => OfficeScreen::Orders,
            Tab::Progress => OfficeScreen::Progress,
            Tab::Scores if self.scores.detail.is_some() => OfficeScreen::ScoreDetail,
            Tab::Scores => OfficeScreen::Scores,
            Tab::Keys => OfficeScreen::Keys,
        }
    }

    /// Opens `tab`, reading what it shows afresh.
    fn open_tab(&mut self, tab: Tab) {
        self.tab = tab;
        let loaded = match tab {
            Tab::Ingestion => self.ingestion.load(&self.data),
            Tab::Orders => self.orders.load(&self.data),
            Tab::Progress => self.progress.load(&self.data),
            Tab::Scores => self.scores.load(&mut self.data),
            Tab::Keys => self.trusted.load(&self.data),
        };
        if let Err(e) = loaded {
            self.flash = Some((true, e));
        }
    }

    /// A terminal event: keys, pasted text (bracketed paste), resizes.
    pub fn handle_event(&mut self, event: &Event) {
        match event {
            Event::Key(key) => self.handle_key(*key),
            Event::Paste(text) => {
                if !self.shown.hidden()
                    && self.tab == Tab::Orders
                    && let Some(err) = self.orders.paste(text, self.ui)
                {
                    self.flash = Some((true, err));
                }
            }
            Event::Resize(w, h) => self.shown.resized(*w, *h),
            _ => {}
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if crate::keys::key_match(ANYWHERE, &key) == Some(OfficeAction::Quit) {
            self.quit = true;
            return;
        }
        let action = crate::keys::key_match(bindings(self.screen()), &key);
        // Nothing acts on a screen that cannot be seen, but quitting.
        if self.shown.hidden() {
            if action == Some(OfficeAction::Quit) {
                self.quit = true;
            }
            return;
        }
        self.flash = None;
        if self.help {
            self.help = false;
            return;
        }
        if self.screen() == OfficeScreen::OrderStatus {
            match action {
                Some(a) => {
                    self.act(a);
                }
                None => self.orders.edit_note(key),
            }
            return;
        }
        if let Some(action) = action {
            self.act(action);
        }
    }

    /// Does what `action` does on the screen shown (as its key would);
    /// false if it does nothing there. A test checks that every bound
    /// action does something.
    pub fn act(&mut self, action: OfficeAction) -> bool {
        use OfficeAction as O;
        match action {
            O::Help => {
                self.help = true;
                return true;
            }
            O::Quit => {
                self.quit = true;
                return true;
            }
            _ => {}
        }
        let next = |d: isize, t: Tab| -> Tab {
            let n = Tab::ALL.len() as isize;
            Tab::ALL[((t.index() as isize + d).rem_euclid(n)) as usize]
        };
        let to = match action {
            O::NextTab => Some(next(1, self.tab)),
            O::PrevTab => Some(next(-1, self.tab)),
            O::ToIngestion => Some(Tab::Ingestion),
            O::ToOrders => Some(Tab::Orders),
            O::ToProgress => Some(Tab::Progress),
            O::ToScores => Some(Tab::Scores),
            O::ToKeys => Some(Tab::Keys),
            _ => None,
        };
        if let Some(tab) = to {
            self.open_tab(tab);
            return true;
        }
        let result = match self.tab {
            Tab::Ingestion => Ok(self.ingestion.act(action)),
            Tab::Orders => self.orders.act(action, &mut self.data, self.ui),
            Tab::Progress => self.progress.act(action, &self.data),
            Tab::Scores => self.scores.act(action, &mut self.data),
            Tab::Keys => Ok(self.trusted.act(action)),
        };
        if let Some(n) = self.orders.notice.take() {
            self.note(n);
        }
        match result {
            Ok(done) => done,
            Err(message) => {
                self.flash = Some((true, message));
                true
            }
        }
    }

    /// A message for the footer (what a change did).
    fn note(&mut self, text: String) {
        self.flash = Some((false, text));
    }

    /// Puts the app on `screen` as a user would get there (the first row
    /// opened, the prompt on the first order), for tests of every
    /// screen's keys.
    #[doc(hidden)]
    pub fn show(&mut self, screen: OfficeScreen) {
        use OfficeScreen as S;
        self.help = false;
        self.quit = false;
        self.orders.dialog = None;
        self.orders.detail = None;
        self.orders.clear_filters();
        self.scores.detail = None;
        let tab = match screen {
            S::Ingestion => Tab::Ingestion,
            S::Orders | S::OrderDetail | S::OrderStatus => Tab::Orders,
            S::Progress => Tab::Progress,
            S::Scores | S::ScoreDetail => Tab::Scores,
            S::Keys => Tab::Keys,
        };
        self.open_tab(tab);
        match screen {
            S::OrderDetail => {
                self.act(OfficeAction::Open);
            }
            S::OrderStatus => {
                self.act(OfficeAction::ChangeStatus);
            }
            S::ScoreDetail => {
                self.act(OfficeAction::Open);
            }
            _ => {}
        }
    }

    // ----- drawing ------------------------------------------------------------

    pub fn draw(&self, frame: &mut Frame) {
        let t = &self.theme;
        let titles = [
            msg!(self.ui, Of1Ingestion),
            msg!(self.ui, Of2Orders),
            msg!(self.ui, Of3Progress),
            msg!(self.ui, Of4Scores),
            msg!(self.ui, Of5Keys),
        ];
        let Some(TabbedAreas { main, footer, .. }) =
            tabbed::frame(frame, &self.shown, self.ui, t, &titles, self.tab.index())
        else {
            return;
        };
        match self.tab {
            Tab::Ingestion => self.ingestion.draw(frame, main, self),
            Tab::Orders => self.orders.draw(frame, main, self),
            Tab::Progress => self.progress.draw(frame, main, self),
            Tab::Scores => self.scores.draw(frame, main, self),
            Tab::Keys => self.trusted.draw(frame, main, self),
        }
        match &self.flash {
            Some((err, m)) => frame.render_widget(
                Paragraph::new(Span::styled(
                    m.clone(),
                    if *err { t.error() } else { t.ok() },
                )),
                footer,
            ),
            None => self.draw_footer(frame, footer),
        }
        if self.tab == Tab::Orders {
            self.orders.draw_dialog(frame, main, self);
        }
        if self.help {
            self.draw_help(frame, main);
        }
    }

    fn draw_footer(&self, frame: &mut Frame, area: Rect) {
        let keys = keys::footer(self.screen(), self.ui);
        help::footer_line(frame, area, &self.theme, keys);
    }

    fn draw_help(&self, frame: &mut Frame, area: Rect) {
        let rows = keys::described(self.screen(), self.ui);
        help::help_popup(frame, area, &self.theme, self.ui, &rows);
    }
}

impl EventApp for OfficeApp {
    fn draw(&self, frame: &mut Frame) {
        OfficeApp::draw(self, frame)
    }

    fn handle_event(&mut self, event: &Event) {
        OfficeApp::handle_event(self, event)
    }

    fn quit(&self) -> bool {
        self.quit
    }
}

/// `s` as a table cell `w` display columns wide: cut (an ellipsis marks
/// the cut) so that at least one blank column always parts it from the
/// next cell, then padded to `w`.
fn fit(s: &str, w: usize) -> String {
    if width(s) < w {
        return crate::review_text::pad(s, w);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = width(&c.to_string());
        if used + cw + 2 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    crate::review_text::pad(&out, w)
}

/// `s` right-aligned in `w` display columns.
fn right(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// The rows of a list of `total` that a window of `rows` shows with
/// `selected` in view: the first one shown.
fn window_start(selected: usize, rows: usize, total: usize) -> usize {
    if rows == 0 || total <= rows {
        return 0;
    }
    let half = rows / 2;
    selected.saturating_sub(half).min(total - rows)
}

/// A selection moved by `action` over `total` rows (a page is `page`).
fn moved(selected: usize, action: OfficeAction, total: usize, page: usize) -> Option<usize> {
    let last = total.saturating_sub(1);
    Some(match action {
        OfficeAction::Up => selected.saturating_sub(1),
        OfficeAction::Down => (selected + 1).min(last),
        OfficeAction::PageUp => selected.saturating_sub(page),
        OfficeAction::PageDown => (selected + page).min(last),
        _ => return None,
    })
}

/// A percentage as shown, or "–".
fn percent(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.0}%", v * 100.0))
}

/// An instant as the store writes it (RFC 3339, UTC), shown as its date
/// and minute.
fn when(t: &str) -> String {
    t.get(..16).unwrap_or(t).replace('T', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_wide_text_by_columns() {
        assert_eq!(fit("梧桐里社区", 7), "梧桐…  ");
        assert_eq!(fit("梧桐里社区", 8), "梧桐里… ");
        assert_eq!(width(&fit("梧桐里社区", 7)), 7);
        assert_eq!(fit("ab", 4), "ab  ");
        // Text as wide as its cell would touch the next one: cut.
        assert_eq!(fit("abcd", 4), "ab… ");
        assert_eq!(fit("in rectification", 14), "in rectifica… ");
    }

    #[test]
    fn the_window_keeps_the_selection_in_view() {
        assert_eq!(window_start(0, 10, 5), 0);
        assert_eq!(window_start(30, 10, 40), 25);
        assert_eq!(window_start(39, 10, 40), 30);
    }
}
