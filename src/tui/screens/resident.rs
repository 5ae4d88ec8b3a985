//! One resident: where and who, earlier visits and their notes; start or
//! resume the interview, or record the outcome of a visit.

use chrono::{DateTime, Local, NaiveDateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::assignment::status::ResidentStatus;
use crate::assignment::{Disposition, Resident};
use crate::tui::i18n::Lang;
use crate::tui::theme::Theme;
use crate::tui::widgets::popup;
use crate::tui::widgets::text_field::{EntryKind, TextField, parse_date, parse_time};

/// A past visit as the screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitLine {
    pub attempt: u32,
    pub at: DateTime<Utc>,
    pub disposition: Disposition,
    pub note: Option<String>,
    pub appointment: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResidentOutcome {
    Stay,
    Back,
    StartInterview,
    RecordVisit {
        disposition: Disposition,
        note: Option<String>,
        appointment: Option<NaiveDateTime>,
    },
}

/// Outcomes recorded here; interviews record complete, partial and break-off.
pub const VISIT_OUTCOMES: [Disposition; 8] = [
    Disposition::NoOneHome,
    Disposition::RespondentAway,
    Disposition::Appointment,
    Disposition::Refusal,
    Disposition::LanguageBarrier,
    Disposition::Unable,
    Disposition::Moved,
    Disposition::VacantOrNotResidence,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormFocus {
    Outcome,
    Note,
    Date,
    Time,
}

struct VisitForm {
    highlight: usize,
    note: TextField,
    date: TextField,
    time: TextField,
    focus: FormFocus,
    error: Option<String>,
}

pub struct ResidentScreen {
    pub resident: Resident,
    pub status: ResidentStatus,
    pub visits: Vec<VisitLine>,
    pub has_interview_in_progress: bool,
    form: Option<VisitForm>,
    pub message: Option<String>,
    /// Why the supervisor sent this resident's interview back, if they did.
    pub supervisor_comment: Option<String>,
}

impl ResidentScreen {
    pub fn new(
        resident: Resident,
        status: ResidentStatus,
        visits: Vec<VisitLine>,
        in_progress: bool,
    ) -> Self {
        ResidentScreen {
            resident,
            status,
            visits,
            has_interview_in_progress: in_progress,
            form: None,
            message: None,
            supervisor_comment: None,
        }
    }

    pub fn form_open(&self) -> bool {
        self.form.is_some()
    }

    pub fn handle_key(&mut self, key: KeyEvent, ui: Lang) -> ResidentOutcome {
        if self.form.is_some() {
            return self.form_key(key, ui);
        }
        match key.code {
            KeyCode::Esc | KeyCode::Left | KeyCode::Char('h') => ResidentOutcome::Back,
            KeyCode::Enter | KeyCode::Char('i') => ResidentOutcome::StartInterview,
            KeyCode::Char('v') => {
                self.form = Some(VisitForm {
                    highlight: 0,
                    note: TextField::new(
                        EntryKind::Text {
                            multiline: false,
                            max_chars: Some(300),
                        },
                        "",
                    ),
                    date: TextField::new(EntryKind::Date, ""),
                    time: TextField::new(EntryKind::Time, ""),
                    focus: FormFocus::Outcome,
                    error: None,
                });
                self.message = None;
                ResidentOutcome::Stay
            }
            _ => ResidentOutcome::Stay,
        }
    }

    pub fn handle_paste(&mut self, text: &str) {
        if let Some(f) = self.form.as_mut() {
            let _ = match f.focus {
                FormFocus::Note => f.note.paste(text),
                FormFocus::Date => f.date.paste(text),
                FormFocus::Time => f.time.paste(text),
                FormFocus::Outcome => return,
            };
        }
    }

    fn form_key(&mut self, key: KeyEvent, ui: Lang) -> ResidentOutcome {
        let Some(form) = self.form.as_mut() else {
            return ResidentOutcome::Stay;
        };
        let appointment = VISIT_OUTCOMES[form.highlight] == Disposition::Appointment;
        let order: Vec<FormFocus> = if appointment {
            vec![
                FormFocus::Outcome,
                FormFocus::Date,
                FormFocus::Time,
                FormFocus::Note,
            ]
        } else {
            vec![FormFocus::Outcome, FormFocus::Note]
        };
        let pos = order.iter().position(|f| *f == form.focus).unwrap_or(0);
        match key.code {
            KeyCode::Esc => {
                self.form = None;
                return ResidentOutcome::Stay;
            }
            KeyCode::Tab => {
                form.focus = order[(pos + 1) % order.len()];
                return ResidentOutcome::Stay;
            }
            KeyCode::BackTab => {
                form.focus = order[(pos + order.len() - 1) % order.len()];
                return ResidentOutcome::Stay;
            }
            KeyCode::Enter => return self.submit(ui),
            _ => {}
        }
        match form.focus {
            FormFocus::Outcome => match key.code {
                KeyCode::Up | KeyCode::Char('k') => {
                    form.highlight = form.highlight.saturating_sub(1)
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    form.highlight = (form.highlight + 1).min(VISIT_OUTCOMES.len() - 1)
                }
                KeyCode::Char(c) if ('1'..='8').contains(&c) => {
                    form.highlight = c as usize - '1' as usize;
                }
                _ => {}
            },
            FormFocus::Note => {
                form.note.handle_key(key);
            }
            FormFocus::Date => {
                form.date.handle_key(key);
            }
            FormFocus::Time => {
                form.time.handle_key(key);
            }
        }
        ResidentOutcome::Stay
    }

    fn submit(&mut self, ui: Lang) -> ResidentOutcome {
        let Some(form) = self.form.as_mut() else {
            return ResidentOutcome::Stay;
        };
        let disposition = VISIT_OUTCOMES[form.highlight];
        let appointment = if disposition == Disposition::Appointment {
            match (
                parse_date(form.date.text().trim()),
                parse_time(form.time.text().trim()),
            ) {
                (Some(d), Some(t)) => Some(d.and_time(t)),
                _ => {
                    form.error = Some(match ui {
                        Lang::Zh => "请填写预约日期和时间".into(),
                        Lang::En => "Enter the appointment date and time".into(),
                    });
                    form.focus = FormFocus::Date;
                    return ResidentOutcome::Stay;
                }
            }
        } else {
            None
        };
        let note = Some(form.note.text()).filter(|n| !n.trim().is_empty());
        ResidentOutcome::RecordVisit {
            disposition,
            note,
            appointment,
        }
    }

    /// Called by the app once the visit is saved.
    pub fn visit_recorded(&mut self, visits: Vec<VisitLine>, status: ResidentStatus, ui: Lang) {
        self.visits = visits;
        self.status = status;
        self.form = None;
        self.message = Some(ui.s().visit_saved.to_string());
    }

    pub fn visit_failed(&mut self, error: String) {
        if let Some(f) = self.form.as_mut() {
            f.error = Some(error);
        }
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang) {
        let s = ui.s();
        let code = ui.code();
        let r = &self.resident;
        let [title, details, visits_area, msg] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(6 + u16::from(self.supervisor_comment.is_some())),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!("{} · ", s.resident), theme.title()),
                Span::styled(r.name.clone(), theme.title()),
                Span::raw("  "),
                Span::styled(
                    self.status.label(code),
                    crate::tui::screens::list::status_style(theme, self.status),
                ),
            ])),
            title,
        );
        let field = |k: &str, v: String| {
            Line::from(vec![
                Span::styled(format!("{k}: "), theme.secondary()),
                Span::raw(v),
            ])
        };
        let mut lines = vec![
            field(s.address, r.address.clone()),
            field(
                s.community,
                [r.community.as_deref(), r.grid.as_deref()]
                    .iter()
                    .flatten()
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" · "),
            ),
            field(s.phone, r.phone.clone().unwrap_or_default()),
        ];
        if !r.attributes.is_empty() {
            let attrs = r
                .attributes
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("  ");
            lines.push(field(s.attributes, attrs));
        }
        if let Some(c) = &self.supervisor_comment {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{}: ", ui.pick("督导退回", "Sent back by the supervisor")),
                    theme.error(),
                ),
                Span::styled(c.clone(), theme.heading()),
            ]));
        }
        let action = if self.has_interview_in_progress {
            s.resume_interview
        } else {
            s.start_interview
        };
        lines.push(Line::from(vec![
            Span::styled(" Enter ", theme.key()),
            Span::raw(format!(" {action}   ")),
            Span::styled(" v ", theme.key()),
            Span::raw(format!(" {}", s.record_visit)),
        ]));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), details);

        let mut vl = vec![Line::from(Span::styled(s.visits, theme.heading()))];
        if self.visits.is_empty() {
            vl.push(Line::from(s.no_visits));
        }
        for v in self.visits.iter().rev() {
            let mut t = format!(
                "{}{} · {} · {}",
                s.attempt,
                v.attempt,
                v.at.with_timezone(&Local).format("%m-%d %H:%M"),
                v.disposition.label(code)
            );
            if let Some(a) = v.appointment {
                t.push_str(&format!(" → {}", a.format("%m-%d %H:%M")));
            }
            vl.push(Line::from(t));
            if let Some(n) = &v.note {
                vl.push(Line::from(Span::styled(
                    format!("    {n}"),
                    theme.secondary(),
                )));
            }
        }
        frame.render_widget(
            Paragraph::new(vl).wrap(Wrap { trim: false }).block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme.border()),
            ),
            visits_area,
        );
        if let Some(m) = &self.message {
            frame.render_widget(Paragraph::new(Span::styled(m.clone(), theme.ok())), msg);
        }
        if let Some(form) = &self.form {
            draw_form(frame, area, theme, ui, form);
        }
    }
}

fn draw_form(frame: &mut Frame, area: Rect, theme: &Theme, ui: Lang, form: &VisitForm) {
    let s = ui.s();
    let code = ui.code();
    let appointment = VISIT_OUTCOMES[form.highlight] == Disposition::Appointment;
    let height = VISIT_OUTCOMES.len() as u16 + 3 + 3 + if appointment { 3 } else { 0 } + 1;
    let popup = popup::centered(area, 60, height);
    popup::clear(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.selected())
        .title(format!(" {} ", s.record_visit));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut constraints = vec![Constraint::Length(VISIT_OUTCOMES.len() as u16 + 1)];
    if appointment {
        constraints.push(Constraint::Length(3));
    }
    constraints.push(Constraint::Length(3));
    constraints.push(Constraint::Length(1));
    let parts = Layout::vertical(constraints).split(inner);
    let mut lines = vec![Line::from(Span::styled(
        format!("{} (1-8)", s.outcome),
        theme.heading(),
    ))];
    for (i, d) in VISIT_OUTCOMES.iter().enumerate() {
        let style = if i == form.highlight {
            if form.focus == FormFocus::Outcome {
                theme.selected()
            } else {
                theme.chosen()
            }
        } else {
            theme.text()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:>2} ", i + 1), theme.secondary()),
            Span::styled(d.label(code), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), parts[0]);
    let mut next = 1;
    let boxed = |title: &str, focused: bool| {
        Block::default()
            .borders(Borders::ALL)
            .border_style(if focused {
                theme.selected()
            } else {
                theme.border()
            })
            .title(format!(" {title} "))
    };
    if appointment {
        let [d, t] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
            .areas(parts[1]);
        form.date.render(
            frame,
            d,
            boxed(s.appointment_at, form.focus == FormFocus::Date),
            form.focus == FormFocus::Date,
        );
        form.time.render(
            frame,
            t,
            boxed("HH:MM", form.focus == FormFocus::Time),
            form.focus == FormFocus::Time,
        );
        next = 2;
    }
    form.note.render(
        frame,
        parts[next],
        boxed(s.note, form.focus == FormFocus::Note),
        form.focus == FormFocus::Note,
    );
    let footer = match &form.error {
        Some(e) => Span::styled(e.clone(), theme.error()),
        None => Span::styled(
            match ui {
                Lang::Zh => "Tab 切换  Enter 保存  Esc 取消",
                Lang::En => "Tab next field  Enter save  Esc cancel",
            },
            theme.secondary(),
        ),
    };
    frame.render_widget(Paragraph::new(footer), parts[next + 1]);
}
