//! One resident: where and who, earlier visits and their notes; start or
//! resume the interview, or record the outcome of a visit.

use chrono::{DateTime, Local, NaiveDateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::i18n::{Lang, msg};
use crate::keys::{RESIDENT, ResidentAction as Rs, command_in_text, key_match};
use crate::theme::Theme;
use crate::widgets::popup;
use crate::widgets::text_field::{EntryKind, TextField};
use doorstep_core::assignment::status::ResidentStatus;
use doorstep_core::assignment::{Disposition, Resident};
use doorstep_core::datetime_input;
use doorstep_store::NextInterview;

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
    /// Start or resume; `another` when the surveyor confirmed a second
    /// interview after a finished one.
    StartInterview {
        another: bool,
    },
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
    /// The date still holds today's date, as pre-filled: the first key
    /// typed replaces it.
    date_untouched: bool,
    /// A past appointment the surveyor was warned about: Enter again on
    /// the same time saves it.
    past_warned: Option<NaiveDateTime>,
}

pub struct ResidentScreen {
    pub resident: Resident,
    pub status: ResidentStatus,
    pub visits: Vec<VisitLine>,
    /// What Enter does with the resident's interviews.
    pub next: NextInterview,
    form: Option<VisitForm>,
    /// "Start a second interview?" is showing.
    confirm_another: bool,
    /// The current time for the appointment form (today's date, past
    /// appointments); `None`: the clock. Set by tests.
    pub now: Option<NaiveDateTime>,
    pub message: Option<String>,
    /// Why the supervisor sent this resident's interview back, if they did.
    pub supervisor_comment: Option<String>,
}

impl ResidentScreen {
    pub fn new(
        resident: Resident,
        status: ResidentStatus,
        visits: Vec<VisitLine>,
        next: NextInterview,
    ) -> Self {
        ResidentScreen {
            resident,
            status,
            visits,
            next,
            form: None,
            confirm_another: false,
            now: None,
            message: None,
            supervisor_comment: None,
        }
    }

    pub fn form_open(&self) -> bool {
        self.form.is_some()
    }

    /// Whether "start a second interview?" is asked.
    pub fn confirming_another(&self) -> bool {
        self.confirm_another
    }

    fn now(&self) -> NaiveDateTime {
        self.now.unwrap_or_else(|| Local::now().naive_local())
    }

    pub fn handle_key(&mut self, key: KeyEvent, ui: Lang) -> ResidentOutcome {
        if self.form.is_some() {
            return self.form_key(key, ui);
        }
        if self.confirm_another {
            // Only an explicit yes starts a second interview.
            return match key_match(RESIDENT, &key) {
                Some(Rs::Yes | Rs::Start) => {
                    self.confirm_another = false;
                    ResidentOutcome::StartInterview { another: true }
                }
                Some(Rs::Close | Rs::No) => {
                    self.confirm_another = false;
                    ResidentOutcome::Stay
                }
                _ => ResidentOutcome::Stay,
            };
        }
        match key_match(RESIDENT, &key) {
            Some(Rs::Close | Rs::Back) => ResidentOutcome::Back,
            Some(Rs::Start) => match self.next {
                NextInterview::Another { .. } => {
                    self.confirm_another = true;
                    self.message = None;
                    ResidentOutcome::Stay
                }
                _ => ResidentOutcome::StartInterview { another: false },
            },
            Some(Rs::Visit) => {
                let today = datetime_input::format_date(self.now().date());
                self.form = Some(VisitForm {
                    highlight: 0,
                    note: TextField::new(
                        EntryKind::Text {
                            multiline: false,
                            max_chars: Some(300),
                        },
                        "",
                    ),
                    date: TextField::new(EntryKind::Date, &today),
                    time: TextField::new(EntryKind::Time, ""),
                    focus: FormFocus::Outcome,
                    error: None,
                    date_untouched: true,
                    past_warned: None,
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
        // The note, date and time take letters and digits as text.
        let action = if form.focus == FormFocus::Outcome {
            key_match(RESIDENT, &key)
        } else {
            command_in_text(RESIDENT, &key)
        };
        match action {
            Some(Rs::Close) => {
                self.form = None;
                return ResidentOutcome::Stay;
            }
            Some(Rs::NextField) => {
                form.focus = order[(pos + 1) % order.len()];
                return ResidentOutcome::Stay;
            }
            Some(Rs::PreviousField) => {
                form.focus = order[(pos + order.len() - 1) % order.len()];
                return ResidentOutcome::Stay;
            }
            Some(Rs::Start) if key.code == KeyCode::Enter => return self.submit(ui),
            _ => {}
        }
        match form.focus {
            FormFocus::Outcome => match action {
                Some(Rs::Up) => form.highlight = form.highlight.saturating_sub(1),
                Some(Rs::Down) => {
                    form.highlight = (form.highlight + 1).min(VISIT_OUTCOMES.len() - 1)
                }
                Some(Rs::Outcome(n)) => form.highlight = usize::from(n) - 1,
                _ => {}
            },
            FormFocus::Note => {
                form.note.handle_key(key);
            }
            FormFocus::Date => {
                // Today's date is offered; typing another replaces it whole.
                if form.date_untouched && matches!(key.code, KeyCode::Char(_)) {
                    form.date = TextField::new(EntryKind::Date, "");
                }
                form.date_untouched = false;
                form.date.handle_key(key);
            }
            FormFocus::Time => {
                form.time.handle_key(key);
            }
        }
        ResidentOutcome::Stay
    }

    fn submit(&mut self, ui: Lang) -> ResidentOutcome {
        let now = self.now();
        let Some(form) = self.form.as_mut() else {
            return ResidentOutcome::Stay;
        };
        let disposition = VISIT_OUTCOMES[form.highlight];
        let appointment = if disposition == Disposition::Appointment {
            let date = datetime_input::parse_date(&form.date.text(), now.date());
            let time = datetime_input::parse_time(&form.time.text());
            let (d, t) = match (date, time) {
                (Ok(d), Ok(t)) => (d, t),
                (date, time) => {
                    let (focus, message) = match (date, time) {
                        (Err(e), _) => (FormFocus::Date, e.message(true, ui.code())),
                        (_, Err(e)) => (FormFocus::Time, e.message(false, ui.code())),
                        _ => unreachable!(),
                    };
                    form.error = Some(message.to_string());
                    form.focus = focus;
                    return ResidentOutcome::Stay;
                }
            };
            // Shown as it will be saved.
            form.date = TextField::new(EntryKind::Date, &datetime_input::format_date(d));
            form.time = TextField::new(EntryKind::Time, &datetime_input::format_time(t));
            form.date_untouched = false;
            let at = d.and_time(t);
            if at < now && form.past_warned != Some(at) {
                form.past_warned = Some(at);
                form.error = Some(past_warning(ui, at));
                return ResidentOutcome::Stay;
            }
            Some(at)
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

    /// Called by the app when the interview could not be opened.
    pub fn interview_failed(&mut self, error: String) {
        self.message = Some(error);
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
                    crate::screens::list::status_style(theme, self.status),
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
                Span::styled(format!("{}: ", msg!(ui, SvSentBack)), theme.error()),
                Span::styled(c.clone(), theme.heading()),
            ]));
        }
        let action = match self.next {
            NextInterview::Start => s.start_interview,
            NextInterview::Resume { .. } => s.resume_interview,
            NextInterview::ResumePartial { .. } => {
                msg!(ui, SvResumePartial)
            }
            NextInterview::Another { .. } => msg!(ui, SvStartAnother),
        };
        lines.push(Line::from(vec![
            Span::styled(" Enter ", theme.key()),
            Span::raw(format!(" {action}   ")),
            Span::styled(" v ", theme.key()),
            Span::raw(format!(" {}", s.record_visit)),
        ]));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), details);

        let mut vl = vec![Line::from(Span::styled(s.visits, theme.heading()))];
        // An interview under way is a contact, though its visit is recorded
        // when it ends.
        if let NextInterview::Resume { started_at, .. } = self.next {
            vl.push(Line::from(Span::styled(
                format!(
                    "{} · {}",
                    started_at.with_timezone(&Local).format("%m-%d %H:%M"),
                    msg!(ui, SvInProgress)
                ),
                theme.heading(),
            )));
        } else if self.visits.is_empty() {
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
        if self.confirm_another {
            draw_confirm_another(frame, area, theme, ui, self.next);
        }
    }
}

fn past_warning(ui: Lang, at: NaiveDateTime) -> String {
    let at = at.format("%Y-%m-%d %H:%M");
    msg!(ui, SvAppointmentPassed, at = at)
}

/// "This resident already has a finished interview: start another?"
fn draw_confirm_another(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    ui: Lang,
    next: NextInterview,
) {
    let NextInterview::Another { last } = next else {
        return;
    };
    let popup = popup::centered(area, 60, 7);
    popup::clear(frame, popup);
    let lines = vec![
        Line::from(msg!(ui, SvAlreadyInterviewed, last = last.label(ui.code()))),
        Line::from(msg!(ui, SvStartSecondBlank)),
        Line::default(),
        Line::from(Span::styled(msg!(ui, SvStartSecondKeys), theme.secondary())),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.selected())
                .title(format!(" {} ", msg!(ui, SvAnotherInterview))),
        ),
        popup,
    );
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
    let boxed = |title: &str, focused: bool| popup::field_block(theme, title, focused);
    if appointment {
        let [d, t] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
            .areas(parts[1]);
        form.date.render(
            frame,
            d,
            boxed(msg!(ui, SvAppointmentDate), form.focus == FormFocus::Date),
            form.focus == FormFocus::Date,
        );
        form.time.render(
            frame,
            t,
            boxed(msg!(ui, SvAppointmentTime), form.focus == FormFocus::Time),
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
        None => Span::styled(msg!(ui, SvVisitFormKeys), theme.secondary()),
    };
    frame.render_widget(Paragraph::new(footer), parts[next + 1]);
}
