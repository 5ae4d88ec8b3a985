//! The assignment list: every resident in walking order with a status,
//! counts, a status filter, incremental search and quota progress.

use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use crate::i18n::Lang;
use crate::keys::{LIST, ListAction, command_in_text, key_match};
use crate::theme::Theme;
use crate::widgets::text_field::{Edit, EntryKind, TextField};
use doorstep_core::assignment::Resident;
use doorstep_core::assignment::search::{Finder, SearchKey, search_key};
use doorstep_core::assignment::status::ResidentStatus;

/// One resident as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListEntry {
    pub resident: Resident,
    pub status: ResidentStatus,
    pub appointment: Option<NaiveDateTime>,
    pub visits: u32,
}

/// Progress of one quota: completed interviews per answer, against targets.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaLine {
    pub question_label: String,
    /// (answer label, done, target)
    pub cells: Vec<(String, u32, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListOutcome {
    Stay,
    Open(String),
    Summary,
    Quit,
    SwitchLanguage,
}

pub struct ListScreen {
    entries: Vec<ListEntry>,
    /// Search texts, one per entry, made when the entries are set.
    keys: Vec<SearchKey>,
    /// Display widths of the longest room (as shown) and name, for the
    /// columns; measured when the entries are set.
    place_width: usize,
    name_width: usize,
    /// Indexes into `entries` after filter and search, in display order.
    visible: Vec<usize>,
    selected: usize,
    filter: Option<ResidentStatus>,
    search: Option<TextField>,
    query: String,
    finder: Finder,
    pub quotas: Vec<QuotaLine>,
    /// Rows that fit on screen, from the last draw (for PageUp/PageDown).
    page: std::cell::Cell<usize>,
}

/// The filters Tab cycles through: all, then each status.
const FILTERS: [Option<ResidentStatus>; 10] = [
    None,
    Some(ResidentStatus::ToVisit),
    Some(ResidentStatus::RevisitDue),
    Some(ResidentStatus::Appointment),
    Some(ResidentStatus::InProgress),
    Some(ResidentStatus::Completed),
    Some(ResidentStatus::Partial),
    Some(ResidentStatus::BrokenOff),
    Some(ResidentStatus::Refused),
    Some(ResidentStatus::Closed),
];

impl ListScreen {
    pub fn new(entries: Vec<ListEntry>) -> Self {
        let mut s = ListScreen {
            entries: Vec::new(),
            keys: Vec::new(),
            place_width: 0,
            name_width: 0,
            visible: Vec::new(),
            selected: 0,
            filter: None,
            search: None,
            query: String::new(),
            finder: Finder::default(),
            quotas: Vec::new(),
            page: std::cell::Cell::new(10),
        };
        s.set_entries(entries);
        s
    }

    /// Replaces the rows (e.g. once the whole list has loaded), keeping the
    /// selected resident where possible.
    pub fn set_entries(&mut self, entries: Vec<ListEntry>) {
        let keep = self.selected_id();
        self.keys = entries.iter().map(|e| search_key(&e.resident)).collect();
        self.finder.reset();
        (self.place_width, self.name_width) = (0, 0);
        for e in &entries {
            self.measure(&e.resident);
        }
        self.entries = entries;
        self.refilter();
        if let Some(id) = keep {
            self.select_id(&id);
        }
    }

    /// Updates one resident after a visit or an interview changed it.
    pub fn update_entry(&mut self, entry: ListEntry) {
        if let Some(i) = self
            .entries
            .iter()
            .position(|e| e.resident.resident_id == entry.resident.resident_id)
        {
            self.measure(&entry.resident);
            self.keys[i] = search_key(&entry.resident);
            self.finder.reset();
            self.entries[i] = entry;
            let keep = self.selected_id();
            self.refilter();
            if let Some(id) = keep {
                self.select_id(&id);
            }
        }
    }

    /// Widens the room and name columns for this resident if needed.
    fn measure(&mut self, r: &Resident) {
        self.place_width = self.place_width.max(Span::raw(r.place()).width());
        self.name_width = self.name_width.max(Span::raw(r.name.as_str()).width());
    }

    pub fn entries(&self) -> &[ListEntry] {
        &self.entries
    }

    pub fn selected_id(&self) -> Option<String> {
        self.visible
            .get(self.selected)
            .map(|i| self.entries[*i].resident.resident_id.clone())
    }

    fn select_id(&mut self, id: &str) {
        if let Some(p) = self
            .visible
            .iter()
            .position(|i| self.entries[*i].resident.resident_id == id)
        {
            self.selected = p;
        }
    }

    /// Empties the search; the selected resident stays selected.
    fn clear_search(&mut self) {
        let keep = self.selected_id();
        self.query.clear();
        self.refilter();
        if let Some(id) = keep {
            self.select_id(&id);
        }
    }

    fn refilter(&mut self) {
        let matched = self.finder.find(&self.query, &self.keys);
        self.visible = matched
            .into_iter()
            .filter(|i| self.filter.is_none_or(|f| self.entries[*i].status == f))
            .collect();
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    pub fn is_searching(&self) -> bool {
        self.search.is_some()
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> ListOutcome {
        if let Some(field) = self.search.as_mut() {
            match command_in_text(LIST, &key) {
                Some(ListAction::ClearSearch) => {
                    self.search = None;
                    self.clear_search();
                }
                Some(ListAction::Open) if key.code == KeyCode::Enter => {
                    self.search = None;
                    if let Some(id) = self.selected_id() {
                        return ListOutcome::Open(id);
                    }
                }
                Some(ListAction::Up | ListAction::Down) => {
                    self.search = None;
                    return self.handle_key(key);
                }
                _ => {
                    if field.handle_key(key) == Edit::Changed {
                        self.query = field.text();
                        self.selected = 0;
                        self.refilter();
                    }
                }
            }
            return ListOutcome::Stay;
        }
        let last = self.visible.len().saturating_sub(1);
        let page = self.page.get().max(1);
        let Some(action) = key_match(LIST, &key) else {
            return ListOutcome::Stay;
        };
        match action {
            ListAction::Up => self.selected = self.selected.saturating_sub(1),
            ListAction::Down => self.selected = (self.selected + 1).min(last),
            ListAction::PageUp => self.selected = self.selected.saturating_sub(page),
            ListAction::PageDown => self.selected = (self.selected + page).min(last),
            ListAction::First => self.selected = 0,
            ListAction::Last => self.selected = last,
            ListAction::Open => {
                if let Some(id) = self.selected_id() {
                    return ListOutcome::Open(id);
                }
            }
            ListAction::Search => {
                let mut f = TextField::new(
                    EntryKind::Text {
                        multiline: false,
                        max_chars: Some(40),
                    },
                    &self.query,
                );
                f.set_placeholder("");
                self.search = Some(f);
            }
            ListAction::NextFilter => self.cycle_filter(1),
            ListAction::PreviousFilter => self.cycle_filter(FILTERS.len() - 1),
            ListAction::ClearSearch => {
                if !self.query.is_empty() {
                    self.clear_search()
                }
            }
            ListAction::Summary => return ListOutcome::Summary,
            ListAction::Language => return ListOutcome::SwitchLanguage,
            ListAction::Quit => return ListOutcome::Quit,
            // The app shows the help before the screen sees the key.
            ListAction::Help => {}
        }
        ListOutcome::Stay
    }

    pub fn handle_paste(&mut self, text: &str) {
        if let Some(f) = self.search.as_mut()
            && f.paste(text) == Edit::Changed
        {
            self.query = f.text();
            self.selected = 0;
            self.refilter();
        }
    }

    fn cycle_filter(&mut self, step: usize) {
        let i = FILTERS.iter().position(|f| *f == self.filter).unwrap_or(0);
        self.filter = FILTERS[(i + step) % FILTERS.len()];
        self.selected = 0;
        self.refilter();
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang, demo: bool) {
        let s = ui.s();
        let code = ui.code();
        let quota_lines: Vec<Line> = self
            .quotas
            .iter()
            .map(|q| quota_line(q, theme, s))
            .collect();
        // Each quota takes the rows its line needs at this width (at most 2).
        let quota_heights: Vec<u16> = quota_lines
            .iter()
            .map(|l| (l.width().div_ceil(area.width.max(1) as usize) as u16).clamp(1, 2))
            .collect();
        let quota_rows: u16 = quota_heights.iter().sum::<u16>().min(4);

        // The total, then each status present with its count, on as many
        // rows as they need (at most 2), never cut inside an item.
        // Indexed by the status's place in `ResidentStatus::ALL`, which is
        // its declaration order.
        let mut per_status = [0usize; ResidentStatus::ALL.len()];
        for e in &self.entries {
            per_status[e.status as usize] += 1;
        }
        let mut items = vec![Span::styled(
            format!("{} {} {}", s.all, self.entries.len(), s.residents),
            theme.heading(),
        )];
        for status in ResidentStatus::ALL {
            let n = per_status[status as usize];
            if n > 0 {
                items.push(Span::styled(
                    format!("{} {n}", status.label(code)),
                    status_style(theme, status),
                ));
            }
        }
        let mut count_lines = pack(items, " · ", area.width as usize);
        count_lines.truncate(2);

        let [title, counts, controls, quota_area, table_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(count_lines.len() as u16),
            Constraint::Length(1),
            Constraint::Length(quota_rows),
            Constraint::Min(3),
        ])
        .areas(area);

        let mut spans = vec![Span::styled(s.assignment, theme.title())];
        if demo {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(s.demo_banner, theme.warning()));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), title);
        frame.render_widget(Paragraph::new(count_lines), counts);

        // Filter, search, and how many residents the search found.
        let found = (!self.query.trim().is_empty()).then(|| ui.matches(self.visible.len()));
        let found_width = found
            .as_ref()
            .map_or(0, |f| Span::raw(f.as_str()).width() as u16 + 2);
        let [controls, found_area] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(found_width)])
                .areas(controls);
        if let Some(found) = found {
            frame.render_widget(
                Paragraph::new(Span::styled(found, theme.heading()))
                    .alignment(ratatui::layout::Alignment::Right),
                found_area,
            );
        }
        let filter = self.filter.map_or(s.all, |f| f.label(code));
        let mut ctl = vec![
            Span::styled(format!("{}: ", s.filter), theme.secondary()),
            Span::styled(filter, theme.heading()),
            Span::raw("   "),
            Span::styled(format!("{}: ", s.search), theme.secondary()),
        ];
        let label_width = Line::from(ctl.clone()).width() as u16;
        if self.search.is_none() {
            ctl.push(Span::styled(
                if self.query.is_empty() {
                    "/".to_string()
                } else {
                    self.query.clone()
                },
                theme.heading(),
            ));
        }
        frame.render_widget(Paragraph::new(Line::from(ctl)), controls);
        if let Some(field) = &self.search {
            let x = controls.x + label_width;
            if x < controls.x + controls.width {
                let r = Rect {
                    x,
                    width: controls.x + controls.width - x,
                    ..controls
                };
                field.render(frame, r, Block::default(), true);
            }
        }

        let mut y = quota_area.y;
        for (line, h) in quota_lines.into_iter().zip(quota_heights) {
            if y + h > quota_area.y + quota_area.height {
                break;
            }
            let r = Rect {
                y,
                height: h,
                ..quota_area
            };
            frame.render_widget(
                Paragraph::new(line).wrap(ratatui::widgets::Wrap { trim: true }),
                r,
            );
            y += h;
        }

        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(theme.border());
        if self.visible.is_empty() {
            frame.render_widget(
                Paragraph::new(Span::styled(s.no_match, theme.heading())).block(block),
                table_area,
            );
            return;
        }
        let header = Row::new([
            s.col_where,
            s.col_name,
            s.col_status,
            s.col_visits,
            s.address,
        ])
        .style(theme.heading());
        let rows_fit = table_area.height.saturating_sub(2) as usize;
        self.page.set(rows_fit);
        // Only the rows on screen are built: the list may hold 100,000.
        let offset = if self.selected >= rows_fit {
            self.selected + 1 - rows_fit
        } else {
            0
        };
        let rows: Vec<Row> = self
            .visible
            .iter()
            .skip(offset)
            .take(rows_fit)
            .map(|i| {
                let e = &self.entries[*i];
                let r = &e.resident;
                let status = match (e.status, e.appointment) {
                    (ResidentStatus::Appointment, Some(at)) => {
                        format!("{} {}", s.appointment_short, at.format(APPOINTMENT_FORMAT))
                    }
                    (status, _) => status.label(code).to_string(),
                };
                Row::new([
                    Cell::from(r.place()),
                    Cell::from(r.name.clone()),
                    Cell::from(Span::styled(status, status_style(theme, e.status))),
                    Cell::from(e.visits.to_string()),
                    Cell::from(r.address.clone()),
                ])
            })
            .collect();
        // Room and name as wide as the longest (within reason), status as
        // wide as its longest text in this language: the rest is address.
        let status_width = ResidentStatus::ALL
            .iter()
            .map(|st| width(st.label(code)))
            .chain([width(s.appointment_short) + 1 + APPOINTMENT_WIDTH])
            .max()
            .unwrap_or(0);
        let table = Table::new(
            rows,
            [
                Constraint::Length(col(s.col_where, self.place_width.min(14))),
                Constraint::Length(col(s.col_name, self.name_width.min(12))),
                Constraint::Length(col(s.col_status, status_width)),
                Constraint::Length(col(s.col_visits, 3)),
                Constraint::Fill(1),
            ],
        )
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected());
        let mut state = TableState::default().with_selected(Some(self.selected - offset));
        frame.render_stateful_widget(table, table_area, &mut state);
    }
}

/// An appointment in the status column: `12-01 18:30`, after the word.
const APPOINTMENT_FORMAT: &str = "%m-%d %H:%M";
const APPOINTMENT_WIDTH: usize = 11;

/// Display width (a CJK character takes two columns).
fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// A column at least `min` wide and as wide as its header.
fn col(header: &str, min: usize) -> u16 {
    width(header).max(min) as u16
}

/// Lays items out on lines of `max` columns, `sep` between two on a line;
/// an item is never split (one wider than a line gets a line of its own).
fn pack<'a>(items: Vec<Span<'a>>, sep: &'static str, max: usize) -> Vec<Line<'a>> {
    let mut lines: Vec<Line> = Vec::new();
    let mut current: Vec<Span> = Vec::new();
    let mut used = 0;
    for item in items {
        let w = item.width();
        if !current.is_empty() && used + width(sep) + w > max {
            lines.push(Line::from(std::mem::take(&mut current)));
            used = 0;
        }
        if !current.is_empty() {
            current.push(Span::raw(sep));
            used += width(sep);
        }
        used += w;
        current.push(item);
    }
    if !current.is_empty() {
        lines.push(Line::from(current));
    }
    lines
}

fn quota_line<'a>(q: &'a QuotaLine, theme: &Theme, s: &crate::i18n::Strings) -> Line<'a> {
    let mut spans = vec![Span::styled(
        format!("{} {}: ", s.quota, q.question_label),
        theme.secondary(),
    )];
    for (label, done, target) in &q.cells {
        let style = if done >= target {
            theme.ok()
        } else {
            theme.text()
        };
        spans.push(Span::styled(format!("{label} {done}/{target}  "), style));
    }
    Line::from(spans)
}

pub fn status_style(theme: &Theme, s: ResidentStatus) -> ratatui::style::Style {
    match s {
        ResidentStatus::Completed => theme.ok(),
        ResidentStatus::RevisitDue | ResidentStatus::Appointment | ResidentStatus::InProgress => {
            theme.warning()
        }
        ResidentStatus::Refused | ResidentStatus::BrokenOff => theme.error(),
        _ => theme.text(),
    }
}
