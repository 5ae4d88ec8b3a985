//! The app's state and how keys change it. Drawing only reads the state;
//! store access goes through `data`, never from inside `draw`.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::data::{self, StoreSink};
use super::i18n::{Lang, msg};
use super::keys::{INTERVIEW, InterviewAction, SUMMARY, Screen, SummaryAction, key_match};
use super::screens::check::{ReviewOutcome, ReviewState, finish_blocker};
use super::screens::help::{draw_footer, draw_help};
use super::screens::interview::{InterviewOutcome, InterviewScreen};
use super::screens::list::{ListEntry, ListOutcome, ListScreen};
use super::screens::resident::{ResidentOutcome, ResidentScreen};
use super::screens::setup::{SetupOutcome, SetupScreen};
use super::screens::summary::{self, ExportPrompt, SummaryData};
use super::terminal::{EventApp, Visibility};
use super::theme::Theme;
use super::widgets::popup;
use doorstep_core::assignment::Disposition;
use doorstep_core::questionnaire::Questionnaire;
use doorstep_store::Store;

/// Dispositions for an interview ended before its end.
pub const EARLY_ENDS: [Disposition; 3] = [
    Disposition::Partial,
    Disposition::BreakOff,
    Disposition::Refusal,
];

/// The "end early" dialog: a digit (or Space on the cursor) chooses the
/// outcome, Enter confirms it, Esc cancels. The cursor chooses nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndEarly {
    pub cursor: Option<usize>,
    pub chosen: Option<usize>,
    /// Enter was pressed with nothing chosen.
    pub unchosen: bool,
}

pub enum View {
    List,
    Resident(Box<ResidentScreen>),
    Interview {
        screen: Box<InterviewScreen>,
        review: Option<ReviewState>,
        /// The "end early" dialog, when open.
        end_early: Option<EndEarly>,
    },
    Summary {
        data: SummaryData,
        /// The export's password dialog, when open.
        prompt: Option<Box<ExportPrompt>>,
    },
}

pub struct App {
    pub store: Store,
    pub questionnaire: &'static Questionnaire,
    pub ui: Lang,
    pub theme: Theme,
    pub surveyor_id: String,
    pub demo: bool,
    pub list: ListScreen,
    pub view: View,
    pub help: bool,
    pub quit: bool,
    /// A message shown over the footer until the next key.
    pub flash: Option<(bool, String)>,
    /// The whole list, loading in the background after the first screenful.
    pub loading: Option<Receiver<Vec<ListEntry>>>,
    /// First start: the surveyor's id is asked before anything else.
    pub setup: Option<SetupScreen>,
    /// Whether the screen can be seen (not "terminal too small").
    pub shown: Visibility,
    /// The open end-early dialog also offers to discard the interview: it
    /// holds no answer yet.
    pub discardable: bool,
    /// The config file, where the interface language chosen with `L` is
    /// kept (none: not kept, as in tests).
    pub config_path: Option<std::path::PathBuf>,
}

impl App {
    pub fn new(
        store: Store,
        questionnaire: &'static Questionnaire,
        ui: Lang,
        surveyor_id: String,
        demo: bool,
        first_page: Vec<ListEntry>,
    ) -> Self {
        let mut list = ListScreen::new(first_page);
        list.quotas = data::quotas(&store, questionnaire, ui).unwrap_or_default();
        App {
            store,
            questionnaire,
            ui,
            theme: Theme::from_env(),
            surveyor_id,
            demo,
            list,
            view: View::List,
            help: false,
            quit: false,
            flash: None,
            loading: None,
            setup: None,
            shown: Visibility::default(),
            discardable: false,
            config_path: None,
        }
    }

    /// First start: asks the surveyor's id (saved in `config_path`) before
    /// anything can be recorded.
    pub fn ask_surveyor_id(&mut self, config_path: PathBuf) {
        self.setup = Some(SetupScreen::new(config_path));
    }

    pub fn screen(&self) -> Screen {
        if self.setup.is_some() {
            return Screen::Setup;
        }
        match &self.view {
            View::List => Screen::List,
            View::Resident(_) => Screen::Resident,
            View::Interview {
                review: Some(_), ..
            } => Screen::Review,
            View::Interview { .. } => Screen::Interview,
            View::Summary { .. } => Screen::Summary,
        }
    }

    /// Takes the whole list once the background load has finished.
    pub fn poll_background(&mut self) {
        if let Some(rx) = &self.loading
            && let Ok(entries) = rx.try_recv()
        {
            self.list.set_entries(entries);
            self.loading = None;
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            // Everything is saved as it is entered: Ctrl+C is a safe quit.
            if let View::Interview { screen, .. } = &mut self.view {
                let mut sink = StoreSink::new(&self.store, screen.interview_id, self.ui);
                let _ = sink.flush(&mut screen.flow);
            }
            self.quit = true;
            return;
        }
        // Nothing acts on a screen that cannot be seen, but quitting.
        if self.shown.hidden() {
            let quits = matches!(self.view, View::List)
                && !self.list.is_searching()
                && self.setup.is_none();
            if quits && key.code == KeyCode::Char('q') {
                self.quit = true;
            }
            return;
        }
        self.flash = None;
        if self.help {
            self.help = false;
            return;
        }
        if let Some(setup) = self.setup.as_mut() {
            if let SetupOutcome::Saved(id) = setup.handle_key(key, self.ui) {
                self.surveyor_id = id;
                self.setup = None;
            }
            return;
        }
        if key.code == KeyCode::Char('?') && !self.typing() {
            self.help = true;
            return;
        }
        let view = std::mem::replace(&mut self.view, View::List);
        self.view = match view {
            View::List => self.list_key(key),
            View::Resident(r) => self.resident_key(r, key),
            View::Interview {
                screen,
                review,
                end_early,
            } => self.interview_key(screen, review, end_early, key),
            View::Summary { data, prompt } => self.summary_key(data, prompt, key),
        };
    }

    /// A terminal event: a key, pasted text, a resize.
    pub fn handle_event(&mut self, event: &Event) {
        match event {
            Event::Key(key) => self.handle_key(*key),
            Event::Paste(text) => self.handle_paste(text),
            // Keys after a shrink are not acted on blind.
            Event::Resize(w, h) => self.shown.resized(*w, *h),
            _ => {}
        }
    }

    pub fn handle_paste(&mut self, text: &str) {
        if self.shown.hidden() {
            return;
        }
        if let Some(setup) = self.setup.as_mut() {
            setup.handle_paste(text);
            return;
        }
        match &mut self.view {
            View::List => self.list.handle_paste(text),
            View::Resident(r) => r.handle_paste(text),
            View::Interview {
                screen,
                review: None,
                ..
            } => screen.handle_paste(text),
            _ => {}
        }
    }

    /// Whether letters are being typed as text (so `?` is a character).
    fn typing(&self) -> bool {
        if self.setup.is_some() {
            return true;
        }
        match &self.view {
            View::List => self.list.is_searching(),
            View::Resident(r) => r.form_open(),
            View::Interview {
                screen,
                review: None,
                end_early: None,
            } => screen.is_typing(),
            _ => false,
        }
    }

    fn list_key(&mut self, key: KeyEvent) -> View {
        match self.list.handle_key(key) {
            ListOutcome::Stay => View::List,
            ListOutcome::Quit => {
                self.quit = true;
                View::List
            }
            ListOutcome::Summary => match data::summary_in(&self.store, self.ui) {
                Ok(data) => View::Summary { data, prompt: None },
                Err(e) => {
                    self.flash = Some((true, e));
                    View::List
                }
            },
            ListOutcome::SwitchLanguage => {
                self.ui = if self.ui == Lang::Zh {
                    Lang::En
                } else {
                    Lang::Zh
                };
                self.list.quotas =
                    data::quotas(&self.store, self.questionnaire, self.ui).unwrap_or_default();
                self.save_language();
                View::List
            }
            ListOutcome::Open(id) => match data::resident_screen(&self.store, &id) {
                Ok(r) => View::Resident(Box::new(r)),
                Err(e) => {
                    self.flash = Some((true, e));
                    View::List
                }
            },
        }
    }

    /// Keeps the interface language in the config for the next start. The
    /// file is read again and only `ui_language` changes, so other settings
    /// (the surveyor id) stay as they are on disk; the write is atomic.
    fn save_language(&mut self) {
        let Some(path) = &self.config_path else {
            return;
        };
        let saved = doorstep_store::config::Config::load(path).and_then(|mut config| {
            config.ui_language = Some(self.ui.code().to_string());
            config.save(path)
        });
        if let Err(e) = saved {
            tracing::warn!("interface language not saved: {e}");
            self.flash = Some((true, format!("{} {e}", self.ui.s().language_not_saved)));
        }
    }

    fn resident_key(&mut self, mut r: Box<ResidentScreen>, key: KeyEvent) -> View {
        match r.handle_key(key, self.ui) {
            ResidentOutcome::Stay => View::Resident(r),
            ResidentOutcome::Back => View::List,
            ResidentOutcome::RecordVisit {
                disposition,
                note,
                appointment,
            } => {
                match data::record_visit(
                    &self.store,
                    self.ui,
                    &r.resident.resident_id,
                    disposition,
                    note,
                    appointment,
                ) {
                    Ok((visits, status)) => {
                        r.visit_recorded(visits, status, self.ui);
                        self.refresh_entry(&r.resident.resident_id);
                    }
                    Err(e) => r.visit_failed(e),
                }
                View::Resident(r)
            }
            ResidentOutcome::StartInterview { another } => {
                match data::open_interview(
                    &self.store,
                    self.questionnaire,
                    &r.resident,
                    &self.surveyor_id,
                    another,
                    self.ui,
                ) {
                    Ok(screen) => {
                        self.refresh_entry(&r.resident.resident_id);
                        View::Interview {
                            screen: Box::new(screen),
                            review: None,
                            end_early: None,
                        }
                    }
                    Err(data::OpenError::NeedsConfirmation(last)) => {
                        // The screen was out of date: ask now.
                        r.next = doorstep_store::NextInterview::Another { last };
                        r.handle_key(key, self.ui);
                        View::Resident(r)
                    }
                    Err(data::OpenError::Failed(e)) => {
                        r.interview_failed(e);
                        View::Resident(r)
                    }
                }
            }
        }
    }

    fn interview_key(
        &mut self,
        mut screen: Box<InterviewScreen>,
        review: Option<ReviewState>,
        end_early: Option<EndEarly>,
        key: KeyEvent,
    ) -> View {
        if let Some(dialog) = end_early {
            return self.end_early_key(screen, review, dialog, key);
        }
        if let Some(mut rv) = review {
            return match rv.handle_key(key, &screen.flow) {
                ReviewOutcome::Stay => View::Interview {
                    screen,
                    review: Some(rv),
                    end_early: None,
                },
                ReviewOutcome::Jump(slot) => {
                    screen.review_selected = rv.selected;
                    screen.jump(slot);
                    View::Interview {
                        screen,
                        review: None,
                        end_early: None,
                    }
                }
                ReviewOutcome::Back => {
                    // From the end: the last question; from the middle (^G):
                    // the question the surveyor came from.
                    if screen.flow.current().is_none() {
                        let mut sink = StoreSink::new(&self.store, screen.interview_id, self.ui);
                        screen.go_back(&mut sink);
                    }
                    View::Interview {
                        screen,
                        review: None,
                        end_early: None,
                    }
                }
                ReviewOutcome::Pause => self.pause(screen),
                ReviewOutcome::EndEarly => {
                    self.discardable = self.is_empty(&screen);
                    View::Interview {
                        screen,
                        review: Some(rv),
                        end_early: Some(EndEarly::default()),
                    }
                }
                ReviewOutcome::Finish => {
                    if let Some(why) = finish_blocker(&screen.flow, self.ui) {
                        rv.message = Some(why);
                        return View::Interview {
                            screen,
                            review: Some(rv),
                            end_early: None,
                        };
                    }
                    match data::finish_interview(
                        &self.store,
                        &mut screen,
                        Disposition::Complete,
                        self.ui,
                    ) {
                        Ok(()) => {
                            self.refresh_entry(&screen.resident_id);
                            self.flash = Some((false, self.ui.s().finished.to_string()));
                            View::List
                        }
                        Err(e) => {
                            rv.message = Some(format!("{} {e}", self.ui.s().save_failed));
                            View::Interview {
                                screen,
                                review: Some(rv),
                                end_early: None,
                            }
                        }
                    }
                }
            };
        }
        let mut sink = StoreSink::new(&self.store, screen.interview_id, self.ui);
        match screen.handle_key(key, &mut sink) {
            InterviewOutcome::Stay => View::Interview {
                screen,
                review: None,
                end_early: None,
            },
            InterviewOutcome::Review => {
                // On the question the surveyor stands on (^G), else where
                // the review was left.
                let selected = screen
                    .flow
                    .current_slot()
                    .and_then(|slot| screen.flow.relevant_slots().iter().position(|s| *s == slot))
                    .unwrap_or(screen.review_selected);
                let review = ReviewState {
                    selected,
                    message: None,
                };
                View::Interview {
                    screen,
                    review: Some(review),
                    end_early: None,
                }
            }
            InterviewOutcome::Pause => self.pause(screen),
            InterviewOutcome::EndEarly => {
                self.discardable = self.is_empty(&screen);
                View::Interview {
                    screen,
                    review: None,
                    end_early: Some(EndEarly::default()),
                }
            }
            InterviewOutcome::End(outcome) => self.end_interview(screen, None, outcome),
        }
    }

    /// Whether the interview holds nothing yet (so it may be discarded).
    fn is_empty(&self, screen: &InterviewScreen) -> bool {
        self.store
            .interview_is_empty(screen.interview_id)
            .unwrap_or(false)
    }

    fn end_early_key(
        &mut self,
        screen: Box<InterviewScreen>,
        review: Option<ReviewState>,
        mut dialog: EndEarly,
        key: KeyEvent,
    ) -> View {
        // The end-early outcomes, then "discard" when nothing was answered.
        let options = EARLY_ENDS.len() + usize::from(self.discardable);
        let last = options - 1;
        // The dialog's keys are the interview's: a digit chooses, Space
        // chooses the cursor's, Enter confirms, Esc cancels.
        match key_match(INTERVIEW, &key) {
            Some(InterviewAction::Pause) => {
                return View::Interview {
                    screen,
                    review,
                    end_early: None,
                };
            }
            Some(InterviewAction::Up) => {
                dialog.cursor = Some(dialog.cursor.map_or(0, |c| c.saturating_sub(1)));
            }
            Some(InterviewAction::Down) => {
                dialog.cursor = Some(dialog.cursor.map_or(0, |c| (c + 1).min(last)));
            }
            Some(InterviewAction::Digit(d @ 1..=4)) if usize::from(d) <= options => {
                let i = usize::from(d) - 1;
                dialog.chosen = Some(i);
                dialog.cursor = Some(i);
                dialog.unchosen = false;
            }
            Some(InterviewAction::Tick) if dialog.cursor.is_some() => {
                dialog.chosen = dialog.cursor;
                dialog.unchosen = false;
            }
            Some(InterviewAction::Confirm) => match dialog.chosen {
                Some(i) if i == EARLY_ENDS.len() => return self.discard(screen, review),
                Some(i) => return self.end_interview(screen, review, EARLY_ENDS[i]),
                None => dialog.unchosen = true,
            },
            _ => {}
        }
        View::Interview {
            screen,
            review,
            end_early: Some(dialog),
        }
    }

    /// Ends the interview with an outcome other than complete: the end-early
    /// dialog and an answer that ends the interview both come here.
    fn end_interview(
        &mut self,
        mut screen: Box<InterviewScreen>,
        review: Option<ReviewState>,
        outcome: Disposition,
    ) -> View {
        match data::finish_interview(&self.store, &mut screen, outcome, self.ui) {
            Ok(()) => {
                self.refresh_entry(&screen.resident_id);
                let label = outcome.label(self.ui.code());
                let ended = self.ui.s().ended_early;
                self.flash = Some((
                    false,
                    msg!(self.ui, SvEndedAs, ended = ended, outcome = label),
                ));
                View::List
            }
            Err(e) => {
                self.flash = Some((true, format!("{} {e}", self.ui.s().save_failed)));
                View::Interview {
                    screen,
                    review,
                    end_early: None,
                }
            }
        }
    }

    /// Removes an interview with no answers (opened by mistake): no trace
    /// in the store or in any batch.
    fn discard(&mut self, screen: Box<InterviewScreen>, review: Option<ReviewState>) -> View {
        match data::discard_if_empty(&self.store, &screen, self.ui) {
            Ok(true) => {
                self.refresh_entry(&screen.resident_id);
                self.flash = Some((false, discarded_text(self.ui).to_string()));
                View::List
            }
            Ok(false) => {
                self.flash = Some((true, msg!(self.ui, SvCannotDiscard).to_string()));
                View::Interview {
                    screen,
                    review,
                    end_early: None,
                }
            }
            Err(e) => {
                self.flash = Some((true, e));
                View::Interview {
                    screen,
                    review,
                    end_early: None,
                }
            }
        }
    }

    fn pause(&mut self, mut screen: Box<InterviewScreen>) -> View {
        let mut sink = StoreSink::new(&self.store, screen.interview_id, self.ui);
        // Paused before any answer: nothing to keep, and nothing left to
        // resume by mistake.
        if let Ok(true) = data::discard_if_empty(&self.store, &screen, self.ui) {
            self.refresh_entry(&screen.resident_id);
            self.flash = Some((false, discarded_text(self.ui).to_string()));
            return View::List;
        }
        match sink.flush(&mut screen.flow) {
            Ok(()) => {
                self.refresh_entry(&screen.resident_id);
                self.flash = Some((false, self.ui.s().paused.to_string()));
                View::List
            }
            Err(e) => {
                self.flash = Some((true, format!("{} {e}", self.ui.s().save_failed)));
                View::Interview {
                    screen,
                    review: None,
                    end_early: None,
                }
            }
        }
    }

    fn summary_key(
        &mut self,
        mut data: SummaryData,
        prompt: Option<Box<ExportPrompt>>,
        key: KeyEvent,
    ) -> View {
        if let Some(mut p) = prompt {
            match key.code {
                KeyCode::Esc => return View::Summary { data, prompt: None },
                // Creating the key: the password, then the same again.
                KeyCode::Tab | KeyCode::BackTab | KeyCode::Enter
                    if p.again.is_some() && (key.code != KeyCode::Enter || !p.on_again) =>
                {
                    p.on_again = !p.on_again;
                }
                KeyCode::Enter if p.again.is_some() => {
                    let again = p.again.as_ref().map(|f| f.text()).unwrap_or_default();
                    match data::create_signing_key(
                        &self.store,
                        &self.surveyor_id,
                        &p.password.text(),
                        &again,
                        self.ui,
                    ) {
                        Ok(k) => return self.export(data, &k),
                        Err(e) => {
                            p.error = Some(e);
                            p.on_again = false;
                        }
                    }
                }
                KeyCode::Enter => {
                    let password = p.password.text();
                    match data::signing_key(
                        &self.store,
                        &self.surveyor_id,
                        Some(&password),
                        self.ui,
                    ) {
                        Ok(data::KeyState::Ready(k)) => return self.export(data, &k),
                        Ok(_) => {}
                        Err(e) => p.error = Some(e),
                    }
                }
                _ => {
                    match (&mut p.again, p.on_again) {
                        (Some(again), true) => again.handle_key(key),
                        _ => p.password.handle_key(key),
                    };
                }
            }
            return View::Summary {
                data,
                prompt: Some(p),
            };
        }
        match key_match(SUMMARY, &key) {
            Some(SummaryAction::Back) => View::List,
            Some(SummaryAction::Export) => {
                match data::signing_key(&self.store, &self.surveyor_id, None, self.ui) {
                    Ok(data::KeyState::Ready(k)) => self.export(data, &k),
                    Ok(data::KeyState::NeedsPassword) => View::Summary {
                        data,
                        prompt: Some(Box::new(ExportPrompt::new())),
                    },
                    // No key yet: make one here, as `doorstep keygen` would.
                    Ok(data::KeyState::Missing) => View::Summary {
                        data,
                        prompt: Some(Box::new(ExportPrompt::create_key())),
                    },
                    Err(e) => {
                        data.last_export = Some(Err(e));
                        View::Summary { data, prompt: None }
                    }
                }
            }
            Some(SummaryAction::Help) | None => View::Summary { data, prompt: None },
        }
    }

    fn export(&mut self, data: SummaryData, key: &doorstep_batch::SigningKey) -> View {
        let message = data::export_now(&self.store, key, self.config_path.as_deref(), self.ui);
        let mut fresh = data::summary(&self.store).unwrap_or(data);
        fresh.last_export = Some(message);
        View::Summary {
            data: fresh,
            prompt: None,
        }
    }

    fn refresh_entry(&mut self, resident_id: &str) {
        if let Ok(Some(e)) = data::list_entry(&self.store, resident_id) {
            self.list.update_entry(e);
        }
        self.list.quotas =
            data::quotas(&self.store, self.questionnaire, self.ui).unwrap_or_default();
    }

    // ----- drawing ------------------------------------------------------------

    pub fn draw(&self, frame: &mut Frame) {
        let area = frame.area();
        if !self.shown.drawn(area.width, area.height) {
            let msg = format!("{} {}×{}", self.ui.s().too_small, area.width, area.height);
            frame.render_widget(
                Paragraph::new(Span::styled(msg, self.theme.error()))
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                area,
            );
            return;
        }
        let [main, footer] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        let (theme, ui) = (&self.theme, self.ui);
        match &self.view {
            View::List => self.list.draw(frame, main, theme, ui, self.demo),
            View::Resident(r) => r.draw(frame, main, theme, ui),
            View::Interview {
                screen,
                review,
                end_early,
            } => {
                match review {
                    Some(rv) => {
                        rv.draw(frame, main, theme, ui, &screen.flow, &screen.resident_label)
                    }
                    None => screen.draw(frame, main, theme, ui),
                }
                if let Some(dialog) = end_early {
                    draw_end_early(frame, main, theme, ui, dialog, self.discardable);
                }
            }
            View::Summary { data, prompt } => {
                summary::draw(frame, main, theme, ui, data);
                if let Some(p) = prompt {
                    summary::draw_prompt(frame, main, theme, ui, p);
                }
            }
        }
        match &self.flash {
            Some((error, text)) => {
                let style = if *error { theme.error() } else { theme.ok() };
                frame.render_widget(Paragraph::new(Span::styled(text.clone(), style)), footer);
            }
            None => {
                let hidden = match &self.view {
                    View::Interview {
                        screen,
                        review: None,
                        ..
                    } => screen.unavailable_keys(),
                    _ => Vec::new(),
                };
                draw_footer(frame, footer, theme, ui, self.screen(), &hidden)
            }
        }
        if let Some(setup) = &self.setup {
            setup.draw(frame, main, theme, ui);
        }
        if self.help {
            draw_help(frame, main, theme, ui, self.screen());
        }
    }
}

fn discarded_text(ui: Lang) -> &'static str {
    msg!(ui, SvDiscarded)
}

fn draw_end_early(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    ui: Lang,
    dialog: &EndEarly,
    discardable: bool,
) {
    let discard = msg!(ui, SvDiscardOption);
    let labels: Vec<&str> = EARLY_ENDS
        .iter()
        .map(|d| d.label(ui.code()))
        .chain(discardable.then_some(discard))
        .collect();
    let popup = popup::centered(area, 50, labels.len() as u16 + 4);
    popup::clear(frame, popup);
    let mut lines: Vec<Line> = labels
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let chosen = dialog.chosen == Some(i);
            let style = if dialog.cursor == Some(i) {
                theme.selected()
            } else if chosen {
                theme.chosen()
            } else {
                theme.text()
            };
            let mark = if chosen { "(•)" } else { "( )" };
            Line::from(vec![
                Span::styled(format!("{:>2} ", i + 1), theme.secondary()),
                Span::styled(format!("{mark} {d}"), style),
            ])
        })
        .collect();
    let keys = format!("1–{}", labels.len());
    lines.push(Line::default());
    lines.push(if dialog.unchosen {
        Line::from(Span::styled(
            msg!(ui, SvChooseFirstKeys, keys = keys),
            theme.error(),
        ))
    } else {
        Line::from(Span::styled(
            msg!(ui, SvEndEarlyKeys, keys = keys),
            theme.secondary(),
        ))
    });
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.selected())
                .title(format!(" {} ", ui.s().end_early)),
        ),
        popup,
    );
}

impl EventApp for App {
    fn draw(&self, frame: &mut Frame) {
        App::draw(self, frame)
    }

    fn handle_event(&mut self, event: &Event) {
        App::handle_event(self, event)
    }

    /// Takes the whole list once its background load has finished.
    fn tick(&mut self) {
        self.poll_background();
    }

    fn quit(&self) -> bool {
        self.quit
    }
}
