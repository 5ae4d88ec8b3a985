//! The surveyor's app on a fresh store holding the demo, and a scripted
//! interviewer that answers whatever question is on screen.

use doorstep_core::questionnaire::QuestionKind;
use doorstep_store::Store;
use doorstep_store::demo;
use doorstep_tui::app::{App, View};
use doorstep_tui::data;
use doorstep_tui::i18n::Lang;
use doorstep_tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;

use ratatui::crossterm::event::KeyCode;

use super::{keys, press, text_of};

/// The app on a fresh store holding the demo (56 residents), colour off.
pub struct Fixture {
    pub app: App,
    pub _dir: TempDir,
}

pub fn fixture(ui: Lang) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    let q = demo::load(&store).unwrap();
    let q: &'static _ = Box::leak(Box::new(q));
    let first = data::first_page(&store, 200).unwrap();
    let mut app = App::new(store, q, ui, "tester".into(), true, first);
    app.theme = Theme { color: false };
    Fixture { app, _dir: dir }
}

/// Draws at `width`×`height` with the interview clock stopped at 00:00, so
/// screens compare equal from run to run.
pub fn draw(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    if let View::Interview { screen, .. } = &mut app.view {
        screen.frozen_elapsed = Some(0);
    }
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| app.draw(f)).unwrap();
    terminal
}

/// The 80×24 screen as text.
pub fn screen_text(app: &mut App) -> String {
    text_of(draw(app, 80, 24).backend().buffer())
}

/// The id of the question on screen, if the interview shows one.
pub fn current_question(app: &App) -> Option<String> {
    match &app.view {
        View::Interview {
            screen,
            review: None,
            end_early: None,
        } => screen
            .flow
            .current_slot()
            .map(|s| app.questionnaire.questions[s.question].id.clone()),
        _ => None,
    }
}

/// From the list: opens the selected resident and starts or resumes the
/// interview.
pub fn open_interview(app: &mut App) {
    press(app, KeyCode::Enter);
    assert!(matches!(app.view, View::Resident(_)));
    press(app, KeyCode::Enter);
    assert!(current_question(app).is_some(), "no interview on screen");
}

pub fn in_review(app: &App) -> bool {
    matches!(
        &app.view,
        View::Interview {
            review: Some(_),
            ..
        }
    )
}

/// Answers that the generic ones below would not satisfy.
const DEFAULT_ANSWERS: &[(&str, &str)] = &[("callback_phone", "13800000001\n")];

/// Keys that answer the current question sensibly, unless overridden.
pub fn script_for(app: &App, overrides: &[(&str, &str)]) -> String {
    let View::Interview { screen, .. } = &app.view else {
        panic!("not in an interview");
    };
    let slot = screen.flow.current_slot().expect("a question on screen");
    let question = &app.questionnaire.questions[slot.question];
    if let Some((_, s)) = overrides
        .iter()
        .chain(DEFAULT_ANSWERS)
        .find(|(id, _)| *id == question.id)
    {
        return s.to_string();
    }
    match &question.kind {
        QuestionKind::Note => "\n".into(),
        QuestionKind::YesNo => "y\n".into(),
        QuestionKind::SingleChoice(_) | QuestionKind::MultipleChoice(_) => "1\n".into(),
        QuestionKind::Rating { .. } => "4\n".into(),
        QuestionKind::Integer { .. } | QuestionKind::Decimal { .. } => "1\n".into(),
        QuestionKind::Text { .. } => "All good here\n".into(),
        QuestionKind::Date => "2026-05-01\n".into(),
        QuestionKind::Time => "09:30\n".into(),
        QuestionKind::Calculate { .. } => panic!("a calculate question is never shown"),
    }
}

/// Answers the current question and checks that the interview moved on.
fn answer_one(app: &mut App, id: &str, overrides: &[(&str, &str)]) {
    let script = script_for(app, overrides);
    keys(app, &script);
    assert_ne!(
        current_question(app).as_deref(),
        Some(id),
        "the answer to {id} did not move on"
    );
}

/// Answers question after question until `target` is on screen.
pub fn answer_until(app: &mut App, target: &str, overrides: &[(&str, &str)]) {
    for _ in 0..200 {
        let id = current_question(app)
            .unwrap_or_else(|| panic!("left the questions before reaching {target}"));
        if id == target {
            return;
        }
        answer_one(app, &id, overrides);
    }
    panic!("never reached {target}");
}

/// Answers every question until the review shows.
pub fn answer_all(app: &mut App, overrides: &[(&str, &str)]) {
    for _ in 0..200 {
        if in_review(app) {
            return;
        }
        let id = current_question(app).expect("a question or the review");
        answer_one(app, &id, overrides);
    }
    panic!("never reached the review");
}

/// The interview on screen.
pub fn interview_id(app: &App) -> uuid::Uuid {
    match &app.view {
        View::Interview { screen, .. } => screen.interview_id,
        _ => panic!("not in an interview"),
    }
}

/// The saved answer to a question (outside repeats).
pub fn saved(
    store: &Store,
    id: uuid::Uuid,
    question: &str,
) -> Option<doorstep_core::interview::Answer> {
    store
        .load_interview(id)
        .unwrap()
        .answers
        .into_iter()
        .find(|(q, instance, _)| q == question && instance.is_none())
        .map(|(_, _, a)| a)
}

/// The store connection's page cache setting (`PRAGMA cache_size`): bulk
/// reads and loads raise it for the job and must set it back.
pub fn page_cache_size(store: &Store) -> i64 {
    store
        .connection()
        .query_row("PRAGMA cache_size", [], |r| r.get(0))
        .unwrap()
}
