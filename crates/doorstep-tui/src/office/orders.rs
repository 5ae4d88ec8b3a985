//! The work orders tab: the list with its filters (department, status,
//! overdue), one order in detail with its history, and the prompt that
//! moves an order to one of its allowed next states with a note, recorded
//! through `doorstep_office::orders::update` (who, when, note).

use doorstep_office::orders::{self, Filter, HistoryEntry, Order, STATUSES, next_statuses};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::keys::OfficeAction;
use super::{OfficeApp, OfficeData, fit, moved, when, window_start};
use crate::i18n::{Lang, msg};
use crate::review_text::wrap;
use crate::widgets::popup;
use crate::widgets::text_field::{Edit, EntryKind, TextField};

/// The longest note a status change takes.
const NOTE_MAX: usize = 500;

#[derive(Default)]
pub struct OrdersTab {
    /// Every department that has an order (the filter cycles through them).
    departments: Vec<String>,
    department: Option<usize>,
    /// An index into `STATUSES`.
    status: Option<usize>,
    overdue: bool,
    orders: Vec<Order>,
    selected: usize,
    pub detail: Option<Detail>,
    pub dialog: Option<StatusDialog>,
    /// What the last change did, for the footer.
    pub notice: Option<String>,
}

pub struct Detail {
    order: Order,
    history: Vec<HistoryEntry>,
    scroll: usize,
    max_scroll: std::cell::Cell<usize>,
}

pub struct StatusDialog {
    order_id: i64,
    from: String,
    choices: &'static [&'static str],
    choice: usize,
    note: TextField,
}

/// A complaint category's label in the interface language, from the
/// questionnaire's choice list of the complaint's category question; the
/// stored code where no questionnaire names it.
fn category_label(app: &OfficeApp, code: &str) -> String {
    let question = &app.data.settings.orders.questions.category;
    app.data
        .questionnaires
        .iter()
        .filter_map(|q| q.question(question)?.kind.choice_spec())
        .flat_map(|spec| spec.choices.iter())
        .find(|c| c.value == code)
        .map_or(code.to_string(), |c| c.label.get(app.ui.code()).to_string())
}

/// A work order's status in words.
pub fn status_label(status: &str, ui: Lang) -> String {
    let text = match status {
        "new" => msg!(ui, OfStatusNew),
        "substantiated" => msg!(ui, OfStatusSubstantiated),
        "not_substantiated" => msg!(ui, OfStatusNotSubstantiated),
        "in_rectification" => msg!(ui, OfStatusInRectification),
        "rectified" => msg!(ui, OfStatusRectified),
        "satisfied" => msg!(ui, OfStatusSatisfied),
        "not_satisfied" => msg!(ui, OfStatusNotSatisfied),
        "closed" => msg!(ui, OfStatusClosed),
        "reopened" => msg!(ui, OfStatusReopened),
        other => return other.to_string(),
    };
    text.to_string()
}

fn err(e: doorstep_office::OfficeError) -> String {
    e.to_string()
}

impl OrdersTab {
    fn filter(&self) -> Filter {
        Filter {
            department: self.department.map(|i| self.departments[i].clone()),
            status: self.status.map(|i| STATUSES[i].to_string()),
            overdue: self.overdue,
        }
    }

    /// Every order again (no filter), at the first.
    pub fn clear_filters(&mut self) {
        self.department = None;
        self.status = None;
        self.overdue = false;
        self.selected = 0;
    }

    pub fn load(&mut self, data: &OfficeData) -> Result<(), String> {
        let now = data.now();
        let all = orders::list(&data.db, &Filter::default(), now).map_err(err)?;
        let mut departments: Vec<String> = all.iter().map(|o| o.department.clone()).collect();
        departments.sort();
        departments.dedup();
        // The department chosen stays chosen if it still has orders.
        let chosen = self.department.map(|i| self.departments[i].clone());
        self.department = chosen.and_then(|d| departments.iter().position(|x| *x == d));
        self.departments = departments;
        self.orders = orders::list(&data.db, &self.filter(), now).map_err(err)?;
        self.selected = self.selected.min(self.orders.len().saturating_sub(1));
        if let Some(d) = &mut self.detail {
            let id = d.order.order_id;
            if let Some(o) = all.into_iter().find(|o| o.order_id == id) {
                d.order = o;
                d.history = orders::history(&data.db, id).map_err(err)?;
            }
        }
        Ok(())
    }

    pub fn act(
        &mut self,
        action: OfficeAction,
        data: &mut OfficeData,
        ui: Lang,
    ) -> Result<bool, String> {
        use OfficeAction as O;
        if self.dialog.is_some() {
            return self.dialog_action(action, data, ui);
        }
        if let Some(d) = &mut self.detail {
            let max = d.max_scroll.get();
            match action {
                O::Up => d.scroll = d.scroll.saturating_sub(1),
                O::Down => d.scroll = (d.scroll + 1).min(max),
                O::PageUp => d.scroll = d.scroll.saturating_sub(10),
                O::PageDown => d.scroll = (d.scroll + 10).min(max),
                O::Back => self.detail = None,
                O::ChangeStatus => {
                    let (id, from) = (d.order.order_id, d.order.status.clone());
                    self.open_dialog(id, &from, ui)?;
                }
                _ => return Ok(false),
            }
            return Ok(true);
        }
        if let Some(s) = moved(self.selected, action, self.orders.len(), 10) {
            self.selected = s;
            return Ok(true);
        }
        match action {
            O::Open => {
                let Some(o) = self.orders.get(self.selected) else {
                    return Ok(false);
                };
                self.detail = Some(Detail {
                    history: orders::history(&data.db, o.order_id).map_err(err)?,
                    order: o.clone(),
                    scroll: 0,
                    max_scroll: std::cell::Cell::new(usize::MAX),
                });
            }
            O::ChangeStatus => {
                let Some(o) = self.orders.get(self.selected) else {
                    return Ok(false);
                };
                let (id, from) = (o.order_id, o.status.clone());
                self.open_dialog(id, &from, ui)?;
            }
            O::Department => {
                self.department = cycle(self.department, self.departments.len());
                self.selected = 0;
                self.load(data)?;
            }
            O::Status => {
                self.status = cycle(self.status, STATUSES.len());
                self.selected = 0;
                self.load(data)?;
            }
            O::Overdue => {
                self.overdue = !self.overdue;
                self.selected = 0;
                self.load(data)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn open_dialog(&mut self, order_id: i64, from: &str, ui: Lang) -> Result<(), String> {
        let choices = next_statuses(from);
        if choices.is_empty() {
            return Err(msg!(ui, OfNoNextStatus, status = status_label(from, ui)));
        }
        let mut note = TextField::new(
            EntryKind::Text {
                multiline: false,
                max_chars: Some(NOTE_MAX),
            },
            "",
        );
        note.set_placeholder(msg!(ui, OfNotePlaceholder));
        self.dialog = Some(StatusDialog {
            order_id,
            from: from.to_string(),
            choices,
            choice: 0,
            note,
        });
        Ok(())
    }

    fn dialog_action(
        &mut self,
        action: OfficeAction,
        data: &mut OfficeData,
        ui: Lang,
    ) -> Result<bool, String> {
        let Some(d) = &mut self.dialog else {
            return Ok(false);
        };
        match action {
            OfficeAction::Up => d.choice = d.choice.saturating_sub(1),
            OfficeAction::Down => d.choice = (d.choice + 1).min(d.choices.len() - 1),
            OfficeAction::Cancel => self.dialog = None,
            OfficeAction::Confirm => {
                let to = d.choices[d.choice];
                let note = d.note.text();
                let note = note.trim();
                let id = d.order_id;
                let now = data.now();
                orders::update(
                    &mut data.db,
                    id,
                    to,
                    &data.who,
                    (!note.is_empty()).then_some(note),
                    now,
                )
                .map_err(err)?;
                self.dialog = None;
                self.notice = Some(msg!(
                    ui,
                    OfStatusChanged,
                    id = id,
                    status = status_label(to, ui)
                ));
                self.load(data)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// A key the prompt does not bind: it edits the note.
    pub fn edit_note(&mut self, key: KeyEvent) {
        if let Some(d) = &mut self.dialog {
            d.note.handle_key(key);
        }
    }

    /// Pasted text goes into the note (whole, or not at all: the error).
    pub fn paste(&mut self, text: &str, ui: Lang) -> Option<String> {
        let d = self.dialog.as_mut()?;
        match d.note.paste(text) {
            Edit::Refused => Some(msg!(ui, OfPasteTooLong, n = NOTE_MAX)),
            _ => None,
        }
    }

    // ----- drawing ------------------------------------------------------------

    pub fn draw(&self, frame: &mut Frame, area: Rect, app: &OfficeApp) {
        match &self.detail {
            Some(d) => self.draw_detail(frame, area, app, d),
            None => self.draw_list(frame, area, app),
        }
    }

    fn draw_list(&self, frame: &mut Frame, area: Rect, app: &OfficeApp) {
        let ui = app.ui;
        let t = &app.theme;
        let all = msg!(ui, OfAll);
        let department = self
            .department
            .map_or(all.to_string(), |i| self.departments[i].clone());
        let status = self
            .status
            .map_or(all.to_string(), |i| status_label(STATUSES[i], ui));
        let overdue = if self.overdue {
            msg!(ui, OfOnlyOverdue)
        } else {
            all
        };
        let [filters, head, list] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    msg!(
                        ui,
                        OfOrderFilters,
                        department = department,
                        status = status,
                        overdue = overdue
                    ),
                    t.secondary(),
                ),
                Span::raw(format!(
                    " · {}",
                    msg!(ui, OfOrderCount, n = self.orders.len())
                )),
            ])),
            filters,
        );
        // # status department category community deadline
        const W: [usize; 6] = [6, 13, 14, 14, 12, 12];
        let heading = [
            "#",
            msg!(ui, OfColStatus),
            msg!(ui, OfColDepartment),
            msg!(ui, OfColCategory),
            msg!(ui, OfColCommunity),
            msg!(ui, OfColDeadline),
        ];
        let text: String = heading.iter().zip(W).map(|(h, w)| fit(h, w)).collect();
        frame.render_widget(Paragraph::new(Span::styled(text, t.heading())), head);
        let rows = list.height as usize;
        if self.orders.is_empty() {
            frame.render_widget(Paragraph::new(msg!(ui, OfNoOrders)), list);
            return;
        }
        let first = window_start(self.selected, rows, self.orders.len());
        let lines: Vec<Line> = self
            .orders
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, o)| {
                let cells = [
                    o.order_id.to_string(),
                    status_label(&o.status, ui),
                    o.department.clone(),
                    category_label(app, &o.category),
                    o.community.clone().unwrap_or_default(),
                    o.deadline.get(..10).unwrap_or(&o.deadline).to_string(),
                ];
                let mut text: String = cells.iter().zip(W).map(|(c, w)| fit(c, w)).collect();
                if o.overdue {
                    text.push_str(msg!(ui, OfOverdueMark));
                }
                let style = if i == self.selected {
                    t.selected()
                } else if o.overdue {
                    t.warning()
                } else {
                    t.text()
                };
                Line::from(Span::styled(text, style))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
    }

    fn draw_detail(&self, frame: &mut Frame, area: Rect, app: &OfficeApp, d: &Detail) {
        let ui = app.ui;
        let t = &app.theme;
        let o = &d.order;
        let w = area.width as usize;
        let dash = || "–".to_string();
        let mut lines: Vec<Line> = Vec::new();
        let mut title = vec![Span::styled(
            msg!(
                ui,
                OfOrderTitle,
                id = o.order_id,
                status = status_label(&o.status, ui)
            ),
            t.title(),
        )];
        if o.overdue {
            title.push(Span::styled(msg!(ui, OfOverdueMark), t.warning()));
        }
        lines.push(Line::from(title));
        let field = |label: &str, value: String| -> Vec<Line<'static>> {
            let lead = format!("{label}: ");
            wrap(&value, w.saturating_sub(crate::review_text::width(&lead)))
                .into_iter()
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        Line::from(vec![
                            Span::styled(lead.clone(), t.heading()),
                            Span::raw(part),
                        ])
                    } else {
                        Line::from(format!(
                            "{}{part}",
                            " ".repeat(crate::review_text::width(&lead))
                        ))
                    }
                })
                .collect()
        };
        lines.extend(field(
            msg!(ui, OfColCommunity),
            format!(
                "{} · {}",
                o.community.clone().unwrap_or_else(dash),
                o.street.clone().unwrap_or_else(dash)
            ),
        ));
        lines.extend(field(
            msg!(ui, OfColCategory),
            format!("{} → {}", category_label(app, &o.category), o.department),
        ));
        lines.extend(field(
            msg!(ui, OfLocation),
            o.location.clone().unwrap_or_else(dash),
        ));
        lines.extend(field(
            msg!(ui, OfComplaint),
            o.text.clone().unwrap_or_else(dash),
        ));
        lines.extend(field(
            msg!(ui, OfCallback),
            o.callback_phone
                .clone()
                .unwrap_or_else(|| msg!(ui, OfNoCallback).to_string()),
        ));
        lines.extend(field(
            msg!(ui, OfColDeadline),
            format!(
                "{} ({} {})",
                when(&o.deadline),
                msg!(ui, OfCreated),
                when(&o.created_at)
            ),
        ));
        let next: Vec<String> = next_statuses(&o.status)
            .iter()
            .map(|s| status_label(s, ui))
            .collect();
        lines.extend(field(msg!(ui, OfCanMoveTo), next.join(" / ")));
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(msg!(ui, OfHistory), t.heading())));
        for h in &d.history {
            let from = h
                .from_status
                .as_deref()
                .map_or("–".to_string(), |s| status_label(s, ui));
            lines.push(Line::from(format!(
                "  {} {}: {from} → {}",
                when(&h.at),
                h.who,
                status_label(&h.to_status, ui)
            )));
            if let Some(note) = &h.note {
                for part in wrap(note, w.saturating_sub(6)) {
                    lines.push(Line::from(Span::styled(
                        format!("      {part}"),
                        t.secondary(),
                    )));
                }
            }
        }
        let max = lines.len().saturating_sub(area.height as usize);
        d.max_scroll.set(max);
        let first = d.scroll.min(max);
        frame.render_widget(Paragraph::new(lines).scroll((first as u16, 0)), area);
    }

    pub fn draw_dialog(&self, frame: &mut Frame, area: Rect, app: &OfficeApp) {
        let Some(d) = &self.dialog else {
            return;
        };
        let ui = app.ui;
        let t = &app.theme;
        let height = d.choices.len() as u16 + 7;
        let popup = popup::centered(area, 64, height);
        popup::clear(frame, popup);
        let title = msg!(
            ui,
            OfChangeStatusTitle,
            id = d.order_id,
            status = status_label(&d.from, ui)
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.selected())
            .title(format!(" {title} "));
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        let [choices, field, hint] = Layout::vertical([
            Constraint::Length(d.choices.len() as u16 + 1),
            Constraint::Length(3),
            Constraint::Min(0),
        ])
        .areas(inner);
        let mut lines = vec![Line::from(Span::styled(msg!(ui, OfNewStatus), t.heading()))];
        for (i, c) in d.choices.iter().enumerate() {
            let (mark, style) = if i == d.choice {
                ("▶ ", t.selected())
            } else {
                ("  ", t.text())
            };
            lines.push(Line::from(Span::styled(
                format!("{mark}{}", status_label(c, ui)),
                style,
            )));
        }
        frame.render_widget(Paragraph::new(lines), choices);
        d.note.render(
            frame,
            field,
            popup::field_block(t, msg!(ui, OfNote), true),
            true,
        );
        frame.render_widget(
            Paragraph::new(Span::styled(msg!(ui, OfNoteHint), t.secondary())),
            hint,
        );
    }
}

/// The next of `n` choices after `current`, "all" (`None`) after the last.
fn cycle(current: Option<usize>, n: usize) -> Option<usize> {
    match current {
        None if n > 0 => Some(0),
        Some(i) if i + 1 < n => Some(i + 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_cycle_through_every_choice_then_all() {
        assert_eq!(cycle(None, 2), Some(0));
        assert_eq!(cycle(Some(0), 2), Some(1));
        assert_eq!(cycle(Some(1), 2), None);
        assert_eq!(cycle(None, 0), None);
    }

    #[test]
    fn every_status_has_words_in_both_languages() {
        for s in STATUSES {
            for ui in [Lang::Zh, Lang::En] {
                assert_ne!(status_label(s, ui), s.replace('_', " ") + "?");
            }
            assert_ne!(status_label(s, Lang::Zh), status_label(s, Lang::En));
        }
    }
}
