//! Issue 10, the surveyor app's door: a second interview only when
//! confirmed, partial interviews resumed, empty ones discarded; dates and
//! times as people type them; no key acting while the terminal is too
//! small; the surveyor's id asked on first start; the clock, the visit
//! count and the signing key at the day's end.

use chrono::{NaiveDateTime, NaiveTime, Utc};
use doorstep_core::assignment::Disposition;
use doorstep_core::assignment::status::ResidentStatus;
use doorstep_core::interview::{Answer, AnswerValue, EventKind, ParadataEvent};
use doorstep_store::InterviewStatus;
use doorstep_tui::app::{App, View};
use doorstep_tui::i18n::Lang;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use uuid::Uuid;

use crate::support;
use support::surveyor::{
    answer_all, answer_until, current_question, draw, fixture, interview_id, saved, screen_text,
};
use support::{keys, press};

fn selected_id(app: &App) -> String {
    app.list.selected_id().expect("a selected resident")
}

fn list_entry(app: &App, resident_id: &str) -> doorstep_tui::screens::list::ListEntry {
    app.list
        .entries()
        .iter()
        .find(|e| e.resident.resident_id == resident_id)
        .expect("the resident in the list")
        .clone()
}

/// Completes the selected resident's interview; back on the list.
fn complete_interview(app: &mut App) -> Uuid {
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    let id = interview_id(app);
    answer_all(app, &[]);
    keys(app, "F");
    assert!(matches!(app.view, View::List), "{}", screen_text(app));
    id
}

// ----- item 8: keys while "terminal too small" -------------------------------

#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    keys(app, "\n");
    assert_eq!(current_question(app).as_deref(), Some("consent"));
    let id = interview_id(app);
    let small = support::text_of(draw(app, 60, 20).backend().buffer());
    assert!(small.contains("Terminal too small"), "{small}");
    // `2` would answer "no" to consent; Enter, Esc and `e` would move on,
    // pause or end the interview.
    keys(app, "2\nq");
    press(app, KeyCode::Esc);
    keys(app, "e");
    app.handle_paste("pasted");
    draw(app, 80, 24);
    assert_eq!(current_question(app).as_deref(), Some("consent"));
    assert_eq!(saved(&app.store, id, "consent"), None);
    assert!(!app.quit);
    // Once the screen can be seen, keys act again.
    keys(app, "1\n");
    assert_eq!(
        saved(&app.store, id, "consent"),
        Some(Answer::Value(AnswerValue::YesNo { value: true }))
    );
    // Ctrl+C still quits while too small (everything is saved).
    draw(app, 79, 24);
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit);
}

#[test]
fn the_review_app_ignores_keys_while_too_small() {
    let mut f = support::review::fixture(Lang::En);
    let app = &mut f.app;
    support::review::draw(app, 60, 20);
    keys(app, "2");
    press(app, KeyCode::Tab);
    let text = support::review::screen(app, 80, 24);
    assert_eq!(app.tab, doorstep_tui::supervisor::Tab::Inbox, "{text}");
    keys(app, "2");
    assert_eq!(app.tab, doorstep_tui::supervisor::Tab::Interviews);
    // Quitting still works while too small.
    support::review::draw(app, 60, 20);
    keys(app, "q");
    assert!(app.quit);
}

// ----- item 3: a second interview, partial ones, empty ones ------------------

#[test]
fn a_completed_resident_asks_before_a_second_interview() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    let first = complete_interview(app);
    press(app, KeyCode::Enter);
    assert!(screen_text(app).contains("Start another interview"));
    // Enter asks; Esc, n and other keys start nothing.
    press(app, KeyCode::Enter);
    let text = screen_text(app);
    assert!(text.contains("Start a second, blank interview?"), "{text}");
    assert!(text.contains("Completed"), "{text}");
    for key in [KeyCode::Char('x'), KeyCode::Esc] {
        press(app, key);
        assert!(matches!(app.view, View::Resident(_)));
    }
    press(app, KeyCode::Enter);
    keys(app, "n");
    assert!(matches!(app.view, View::Resident(_)));
    assert_eq!(app.store.interviews_of(&resident).unwrap().len(), 1);

    // Confirmed: a new, blank interview.
    press(app, KeyCode::Enter);
    keys(app, "y");
    let second = interview_id(app);
    assert_ne!(second, first);
    assert_eq!(current_question(app).as_deref(), Some("intro_note"));
    // Nothing answered: pausing discards it, and the resident is completed.
    press(app, KeyCode::Esc);
    assert!(matches!(app.view, View::List));
    assert!(
        screen_text(app).contains("discarded"),
        "{}",
        screen_text(app)
    );
    let interviews = app.store.interviews_of(&resident).unwrap();
    assert_eq!(interviews.len(), 1);
    assert_eq!(interviews[0].id, first);
    assert_eq!(list_entry(app, &resident).status, ResidentStatus::Completed);
}

#[test]
fn a_partial_interview_resumes_with_its_answers() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    let id = interview_id(app);
    // Intro, consent yes, gender female; then ended as partial (the
    // dialog's first choice, then Enter).
    keys(app, "\ny\n2\n");
    keys(app, "e1\n");
    assert!(matches!(app.view, View::List));
    assert_eq!(list_entry(app, &resident).status, ResidentStatus::Partial);

    press(app, KeyCode::Enter);
    assert!(screen_text(app).contains("Resume the partial interview"));
    press(app, KeyCode::Enter);
    assert_eq!(interview_id(app), id, "the same interview, not a new one");
    assert_eq!(
        current_question(app).as_deref(),
        Some("respondent_age_group")
    );
    assert!(saved(&app.store, id, "gender").is_some());
    assert_eq!(
        app.store.interview(id).unwrap().unwrap().status,
        InterviewStatus::InProgress
    );
    // Finished later: one interview, and both contacts on record.
    answer_all(app, &[]);
    keys(app, "F");
    let record = app.store.interview(id).unwrap().unwrap();
    assert_eq!(record.status, InterviewStatus::Completed);
    assert_eq!(app.store.interviews_of(&resident).unwrap().len(), 1);
    let visits = app.store.visits(&resident).unwrap();
    let dispositions: Vec<_> = visits.iter().map(|v| v.disposition).collect();
    assert_eq!(dispositions, [Disposition::Partial, Disposition::Complete]);
}

#[test]
fn an_exported_partial_is_not_changed_a_second_interview_is_asked_for() {
    let mut f = fixture(Lang::En);
    let data_dir = f._dir.path().to_path_buf();
    let app = &mut f.app;
    let resident = selected_id(app);
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    keys(app, "\ny\n2\n");
    keys(app, "e1\n");
    let made = doorstep_batch::keygen(&data_dir, "tester", None, false).unwrap();
    let key =
        doorstep_batch::SigningKey::load(&made.secret_key_path, |_| Ok(String::new())).unwrap();
    doorstep_store::export::export(&app.store, &key, &data_dir.join("outbox"), &[]).unwrap();
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    assert!(screen_text(app).contains("Start a second, blank interview?"));
    keys(app, "y");
    assert_eq!(current_question(app).as_deref(), Some("intro_note"));
    assert_eq!(app.store.interviews_of(&resident).unwrap().len(), 2);
}

#[test]
fn an_empty_interview_is_discarded_from_the_end_early_dialog() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    keys(app, "\n");
    assert_eq!(current_question(app).as_deref(), Some("consent"));
    keys(app, "e");
    let text = screen_text(app);
    assert!(text.contains("4 ( ) Discard (no answers yet"), "{text}");
    // One rule: the key chooses, Enter confirms.
    keys(app, "4\n");
    assert!(matches!(app.view, View::List));
    assert!(app.store.interviews_of(&resident).unwrap().is_empty());
    assert_eq!(list_entry(app, &resident).status, ResidentStatus::ToVisit);
    let status = app.store.status().unwrap();
    assert_eq!((status.in_progress, status.pending_export), (0, 0));

    // With an answer, the dialog has no discard and pausing keeps it.
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    let id = interview_id(app);
    keys(app, "\ny\n");
    keys(app, "e");
    assert!(!screen_text(app).contains("Discard"));
    press(app, KeyCode::Esc);
    press(app, KeyCode::Esc);
    assert_eq!(
        app.store.in_progress_interview(&resident).unwrap(),
        Some(id)
    );
}

#[test]
fn the_store_discards_only_an_empty_interview_in_progress() {
    let f = fixture(Lang::En);
    let store = &f.app.store;
    let q = f.app.questionnaire;
    let resident = f.app.list.selected_id().unwrap();
    let id = store
        .start_interview(&resident, &q.id, &q.version, "tester", Utc::now())
        .unwrap();
    store
        .save_answer(
            id,
            "consent",
            None,
            &Answer::Value(AnswerValue::YesNo { value: true }),
            Utc::now(),
        )
        .unwrap();
    assert!(!store.interview_is_empty(id).unwrap());
    assert!(store.discard_interview(id).is_err());
    assert!(store.interview(id).unwrap().is_some());
    store
        .finish_interview(
            id,
            InterviewStatus::Completed,
            Disposition::Complete,
            Utc::now(),
        )
        .unwrap();
    assert!(store.discard_interview(id).is_err());
}

// ----- item 6: dates and times as typed --------------------------------------

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// Opens the selected resident with the clock at `now`, and the
/// appointment form.
fn appointment_form(app: &mut App, now: &str) {
    press(app, KeyCode::Enter);
    if let View::Resident(r) = &mut app.view {
        r.now = Some(at(now));
    }
    keys(app, "v3");
}

#[test]
fn the_appointment_takes_the_spellings_people_type() {
    for (date, time, want) in [
        ("11-30", "1930", "2026-11-30 19:30"),
        ("20261130", "1:30", "2026-11-30 01:30"),
        ("2026-12-01", "7:30", "2026-12-01 07:30"),
        ("11/30", "19.30", "2026-11-30 19:30"),
        ("12-1", "0830", "2026-12-01 08:30"),
    ] {
        let mut f = fixture(Lang::En);
        let app = &mut f.app;
        let resident = selected_id(app);
        appointment_form(app, "2026-11-29 09:00");
        press(app, KeyCode::Tab);
        keys(app, date);
        press(app, KeyCode::Tab);
        keys(app, time);
        press(app, KeyCode::Enter);
        let visits = app.store.visits(&resident).unwrap();
        assert_eq!(visits.len(), 1, "{date} {time}: {}", screen_text(app));
        assert_eq!(visits[0].appointment, Some(at(want)), "{date} {time}");
    }
}

#[test]
fn the_appointment_date_is_today_unless_changed() {
    let mut f = fixture(Lang::Zh);
    let app = &mut f.app;
    let resident = selected_id(app);
    appointment_form(app, "2026-11-29 09:00");
    let text = screen_text(app);
    assert!(text.contains("2026-11-29"), "{text}");
    // Bilingual titles: no English on the Chinese form.
    assert!(text.contains("时间（如 19:30）"), "{text}");
    assert!(!text.contains("HH:MM"), "{text}");
    press(app, KeyCode::Tab);
    press(app, KeyCode::Tab);
    keys(app, "19:30\n");
    let visits = app.store.visits(&resident).unwrap();
    assert_eq!(visits[0].appointment, Some(at("2026-11-29 19:30")));
}

#[test]
fn a_past_appointment_is_saved_only_when_confirmed() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    appointment_form(app, "2026-11-29 09:00");
    press(app, KeyCode::Tab);
    keys(app, "11-28");
    press(app, KeyCode::Tab);
    keys(app, "730\n");
    let text = screen_text(app);
    assert!(
        text.contains("2026-11-28 07:30 has passed: Enter again"),
        "{text}"
    );
    // Normalised as it will be saved.
    assert!(text.contains("07:30"), "{text}");
    assert!(app.store.visits(&resident).unwrap().is_empty());
    press(app, KeyCode::Enter);
    let visits = app.store.visits(&resident).unwrap();
    assert_eq!(visits[0].appointment, Some(at("2026-11-28 07:30")));
}

#[test]
fn an_unreadable_time_is_explained_and_nothing_is_saved() {
    let mut f = fixture(Lang::Zh);
    let app = &mut f.app;
    let resident = selected_id(app);
    appointment_form(app, "2026-11-29 09:00");
    press(app, KeyCode::Tab);
    press(app, KeyCode::Tab);
    keys(app, "25:00\n");
    assert!(
        screen_text(app).contains("没有这个时间"),
        "{}",
        screen_text(app)
    );
    assert!(app.store.visits(&resident).unwrap().is_empty());
}

#[test]
fn interview_time_and_date_questions_take_the_usual_spellings() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    let id = interview_id(app);
    answer_until(
        app,
        "callback_time",
        &[
            ("household_type", "2\n"),
            ("household_size", "3\n"),
            ("member_age_group", "7\n"),
            ("complaint_category", "1\n"),
            ("complaint_detail", "垃圾桶满了没人清运\n"),
        ],
    );
    // Call-backs are between 08:00 and 21:00. `8:30` was `0` before.
    keys(app, "8:30\n");
    assert_eq!(
        saved(&app.store, id, "callback_time"),
        Some(Answer::Value(AnswerValue::Time {
            value: NaiveTime::from_hms_opt(8, 30, 0).unwrap()
        }))
    );
    // Back to it: shown as saved, and `1930` reads as 19:30.
    press(app, KeyCode::Left);
    assert_eq!(current_question(app).as_deref(), Some("callback_time"));
    assert!(screen_text(app).contains("08:30"), "{}", screen_text(app));
    for _ in 0..5 {
        press(app, KeyCode::Backspace);
    }
    keys(app, "1930\n");
    assert_eq!(
        saved(&app.store, id, "callback_time"),
        Some(Answer::Value(AnswerValue::Time {
            value: NaiveTime::from_hms_opt(19, 30, 0).unwrap()
        }))
    );
}

// ----- item 4: the surveyor's id on first start ------------------------------

#[test]
fn first_start_asks_the_surveyor_id_before_anything_is_recorded() {
    let mut f = fixture(Lang::En);
    let config = f._dir.path().join("config.toml");
    std::fs::write(&config, "ui_language = \"en\"\n").unwrap();
    let app = &mut f.app;
    app.surveyor_id = String::new();
    app.ask_surveyor_id(config.clone());
    let text = screen_text(app);
    assert!(text.contains("First start"), "{text}");
    assert!(text.contains("Enter save"), "{text}");
    // Nothing else acts: Enter does not open a resident.
    press(app, KeyCode::Enter);
    assert!(screen_text(app).contains("Enter your surveyor id"));
    for bad in ["../S1", "S 1", "-S1"] {
        keys(app, bad);
        press(app, KeyCode::Enter);
        assert!(
            screen_text(app).contains("Use letters, digits"),
            "{bad}: {}",
            screen_text(app)
        );
        for _ in 0..bad.len() {
            press(app, KeyCode::Backspace);
        }
    }
    assert!(matches!(app.view, View::List));
    keys(app, "S7\n");
    assert_eq!(app.surveyor_id, "S7");
    let saved = doorstep_store::config::Config::load(&config).unwrap();
    assert_eq!(saved.surveyor_id.as_deref(), Some("S7"));
    assert_eq!(saved.ui_language.as_deref(), Some("en"), "the rest is kept");
    // The interviews carry it.
    let resident = selected_id(app);
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    let id = interview_id(app);
    assert_eq!(app.store.interview(id).unwrap().unwrap().surveyor_id, "S7");
    assert!(app.store.interviews_of(&resident).unwrap().len() == 1);
}

#[test]
fn the_first_start_screen_is_bilingual() {
    let mut f = fixture(Lang::Zh);
    let config = f._dir.path().join("config.toml");
    f.app.ask_surveyor_id(config);
    let text = screen_text(&mut f.app);
    assert!(text.contains("首次使用"), "{text}");
    assert!(text.contains("调查员编号"), "{text}");
    assert!(!text.contains("First"), "{text}");
}

// ----- friction: clock, visits, the signing key ------------------------------

#[test]
fn resuming_continues_the_clock_from_the_time_spent() {
    let f = fixture(Lang::En);
    let store = &f.app.store;
    let q = f.app.questionnaire;
    let resident = store
        .resident(&f.app.list.selected_id().unwrap())
        .unwrap()
        .unwrap();
    let start = Utc::now() - chrono::Duration::hours(2);
    let id = store
        .start_interview(&resident.resident_id, &q.id, &q.version, "tester", start)
        .unwrap();
    let event = |min: i64, kind| ParadataEvent {
        at: start + chrono::Duration::minutes(min),
        kind,
        question: Some("consent".into()),
        instance: None,
        detail: None,
    };
    store
        .save_events(
            id,
            &[event(0, EventKind::Shown), event(6, EventKind::Answered)],
        )
        .unwrap();
    store
        .save_answer(
            id,
            "consent",
            None,
            &Answer::Value(AnswerValue::YesNo { value: true }),
            start,
        )
        .unwrap();
    let screen =
        doorstep_tui::data::open_interview(store, q, &resident, "tester", false, Lang::En).unwrap();
    let secs = screen.elapsed_secs();
    // Six minutes spent; not the two hours since the start, not zero.
    assert!((360..400).contains(&secs), "{secs}");
}

#[test]
fn an_interview_in_progress_shows_as_a_visit() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    press(app, KeyCode::Enter);
    assert!(screen_text(app).contains("Not visited yet"));
    press(app, KeyCode::Enter);
    keys(app, "\ny\n");
    press(app, KeyCode::Esc);
    assert_eq!(list_entry(app, &resident).visits, 1);
    press(app, KeyCode::Enter);
    let text = screen_text(app);
    assert!(text.contains("Interview in progress"), "{text}");
    assert!(!text.contains("Not visited yet"), "{text}");
}

/// One refusal at the door: something to export.
fn refusal_at_the_door(app: &mut App) {
    press(app, KeyCode::Enter);
    keys(app, "v4\n");
    press(app, KeyCode::Esc);
}

#[test]
fn export_without_a_key_creates_one_and_exports() {
    let mut f = fixture(Lang::En);
    let data_dir = f._dir.path().to_path_buf();
    let app = &mut f.app;
    refusal_at_the_door(app);
    keys(app, "sx");
    let text = screen_text(app);
    assert!(text.contains("Create your signing key"), "{text}");
    // keygen's rules: a password, typed the same twice.
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    assert!(screen_text(app).contains("cannot be empty"));
    keys(app, "abc");
    press(app, KeyCode::Tab);
    keys(app, "abd\n");
    assert!(screen_text(app).contains("differ"), "{}", screen_text(app));
    assert!(!data_dir.join("keys/tester.key").exists());
    press(app, KeyCode::Tab);
    for _ in 0..3 {
        press(app, KeyCode::Backspace);
    }
    keys(app, "abc\n");
    let text = screen_text(app);
    assert!(text.contains("Exported batch 1"), "{text}");
    assert!(data_dir.join("keys/tester.key").exists());
    assert!(data_dir.join("keys/tester.pub").exists());
    assert_eq!(app.store.status().unwrap().pending_export, 0);
    // Picked up at once: the next export asks the password of that key.
    refusal_at_the_door_from_summary(app);
    keys(app, "sx");
    assert!(screen_text(app).contains("Signing key password"));
    keys(app, "abc\n");
    assert!(
        screen_text(app).contains("Exported batch 2"),
        "{}",
        screen_text(app)
    );
}

fn refusal_at_the_door_from_summary(app: &mut App) {
    press(app, KeyCode::Esc);
    press(app, KeyCode::Down);
    refusal_at_the_door(app);
}

#[test]
fn signing_key_errors_are_in_the_interface_language() {
    let mut f = fixture(Lang::Zh);
    let data_dir = f._dir.path().to_path_buf();
    let app = &mut f.app;
    refusal_at_the_door(app);
    doorstep_batch::keygen(&data_dir, "tester", Some("s3cret"), false).unwrap();
    keys(app, "sx");
    keys(app, "nope\n");
    let text = screen_text(app);
    assert!(text.contains("密码不对"), "{text}");
    assert!(!text.contains("wrong"), "{text}");
    // A key others can read: refused, said in Chinese.
    press(app, KeyCode::Esc);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = data_dir.join("keys/tester.key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        keys(app, "x");
        let text = screen_text(app);
        assert!(text.contains("拒绝使用"), "{text}");
        assert!(!text.contains("refusing"), "{text}");
    }
}

// ----- new screens at 80×24, both languages ---------------------------------

fn snap(app: &mut App, name: &str, ui: Lang) {
    let terminal = draw(app, 80, 24);
    // Visits are stamped with the clock: their dates and times vary.
    let text = format!("{:?}", terminal.backend());
    let text = regex::Regex::new(r"\d\d-\d\d \d\d:\d\d")
        .unwrap()
        .replace_all(&text, "MM-DD hh:mm");
    let text = regex::Regex::new(r"(#1|第1) · \d\d-\d?")
        .unwrap()
        .replace_all(&text, "$1 · MM-D");
    insta::assert_snapshot!(format!("{name}_{}", ui.code()), text);
}

#[test]
fn new_screens_at_80x24() {
    for ui in [Lang::En, Lang::Zh] {
        // First start.
        let mut f = fixture(ui);
        let config = f._dir.path().join("config.toml");
        f.app.ask_surveyor_id(config);
        keys(&mut f.app, "S 1\n");
        snap(&mut f.app, "first_start_invalid", ui);

        // A second interview is asked for.
        let mut f = fixture(ui);
        complete_interview(&mut f.app);
        press(&mut f.app, KeyCode::Enter);
        snap(&mut f.app, "resident_completed", ui);
        press(&mut f.app, KeyCode::Enter);
        snap(&mut f.app, "second_interview_prompt", ui);

        // End early on an interview with no answer: discard is offered.
        keys(&mut f.app, "y\n");
        keys(&mut f.app, "e");
        snap(&mut f.app, "end_early_discard", ui);

        // A past appointment.
        let mut f = fixture(ui);
        appointment_form(&mut f.app, "2026-11-29 09:00");
        press(&mut f.app, KeyCode::Tab);
        keys(&mut f.app, "11-28");
        press(&mut f.app, KeyCode::Tab);
        keys(&mut f.app, "730\n");
        snap(&mut f.app, "appointment_in_the_past", ui);

        // Export without a key.
        press(&mut f.app, KeyCode::Esc);
        press(&mut f.app, KeyCode::Esc);
        press(&mut f.app, KeyCode::Esc);
        keys(&mut f.app, "sx");
        snap(&mut f.app, "export_create_key", ui);
    }
}
