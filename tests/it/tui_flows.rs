//! The surveyor's app driven key by key against a real store in a temporary
//! directory: what the keys do, and what ends up in the store.

use chrono::{NaiveDate, NaiveTime};
use doorstep_core::assignment::Disposition;
use doorstep_core::assignment::status::ResidentStatus;
use doorstep_core::interview::{Answer, AnswerValue, SpecialResponse};
use doorstep_store::demo;
use doorstep_store::{InterviewStatus, Store};
use doorstep_tui::app::{App, View};
use doorstep_tui::data;
use doorstep_tui::i18n::Lang;
use ratatui::crossterm::event::KeyCode;
use uuid::Uuid;

use crate::support;
use support::surveyor::{
    answer_all, answer_until, current_question, fixture, in_review, interview_id, open_interview,
    saved, screen_text,
};
use support::{ctrl, keys, press};

/// The resident selected in the list.
fn selected_id(app: &App) -> String {
    app.list.selected_id().expect("a selected resident")
}

fn list_status(app: &App, resident_id: &str) -> ResidentStatus {
    app.list
        .entries()
        .iter()
        .find(|e| e.resident.resident_id == resident_id)
        .expect("the resident in the list")
        .status
}

fn choice(v: &str) -> Answer {
    Answer::Value(AnswerValue::Choice {
        value: v.into(),
        other: None,
    })
}

#[test]
fn pause_keeps_the_answers_and_resume_returns_to_the_same_question() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    open_interview(app);
    let id = interview_id(app);
    // Intro, consent yes, gender female, age group 35–49.
    keys(app, "\ny\n2\n2\n");
    assert_eq!(current_question(app).as_deref(), Some("years_in_community"));
    keys(app, "12");
    press(app, KeyCode::Esc);
    assert!(matches!(app.view, View::List));
    assert!(screen_text(app).contains("Interview paused and saved"));

    let store = &app.store;
    assert_eq!(
        saved(store, id, "consent"),
        Some(Answer::Value(AnswerValue::YesNo { value: true }))
    );
    assert_eq!(saved(store, id, "gender"), Some(choice("female")));
    assert_eq!(
        saved(store, id, "respondent_age_group"),
        Some(choice("age_35_49"))
    );
    // Typed but not confirmed: not an answer.
    assert_eq!(saved(store, id, "years_in_community"), None);
    assert_eq!(store.in_progress_interview(&resident).unwrap(), Some(id));
    assert_eq!(list_status(app, &resident), ResidentStatus::InProgress);
    assert!(screen_text(app).contains("In progress"));

    // The resident offers to resume.
    press(app, KeyCode::Enter);
    assert!(screen_text(app).contains("Resume interview"));
    press(app, KeyCode::Enter);
    assert_eq!(interview_id(app), id);
    assert_eq!(current_question(app).as_deref(), Some("years_in_community"));
    // Back shows the earlier answers as chosen.
    press(app, KeyCode::Left);
    assert_eq!(
        current_question(app).as_deref(),
        Some("respondent_age_group")
    );
    assert!(
        screen_text(app).contains("2 (•) 35–49"),
        "{}",
        screen_text(app)
    );
}

#[test]
fn resume_after_reopening_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (resident, id) = {
        let store = Store::open_in_dir(dir.path()).unwrap();
        let q: &'static _ = Box::leak(Box::new(demo::load(&store).unwrap()));
        let first = data::first_page(&store, 200).unwrap();
        let mut app = App::new(store, q, Lang::En, "tester".into(), true, first);
        let resident = selected_id(&app);
        open_interview(&mut app);
        keys(&mut app, "\ny\n1\n");
        press(&mut app, KeyCode::Esc);
        let id = interview_id_of(&app.store, &resident);
        (resident, id)
    };
    let store = Store::open_in_dir(dir.path()).unwrap();
    let q: &'static _ = Box::leak(Box::new(demo::questionnaire().unwrap()));
    let first = data::first_page(&store, 200).unwrap();
    let mut app = App::new(store, q, Lang::En, "tester".into(), true, first);
    assert_eq!(selected_id(&app), resident);
    open_interview(&mut app);
    assert_eq!(interview_id(&app), id);
    assert_eq!(
        current_question(&app).as_deref(),
        Some("respondent_age_group")
    );
}

fn interview_id_of(store: &Store, resident: &str) -> Uuid {
    store.in_progress_interview(resident).unwrap().unwrap()
}

#[test]
fn visit_outcome_no_one_at_home_with_a_note() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    press(app, KeyCode::Enter);
    keys(app, "v1");
    press(app, KeyCode::Tab);
    keys(app, "Knocked twice, 敲门无人");
    press(app, KeyCode::Enter);
    assert!(screen_text(app).contains("Visit outcome saved"));
    let visits = app.store.visits(&resident).unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].disposition, Disposition::NoOneHome);
    assert_eq!(visits[0].note.as_deref(), Some("Knocked twice, 敲门无人"));
    assert_eq!(visits[0].appointment, None);
    assert_eq!(list_status(app, &resident), ResidentStatus::RevisitDue);
    press(app, KeyCode::Esc);
    assert!(screen_text(app).contains("Revisit due"));
}

#[test]
fn visit_outcome_appointment_with_date_and_time() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    press(app, KeyCode::Down);
    let resident = selected_id(app);
    press(app, KeyCode::Enter);
    keys(app, "v3");
    press(app, KeyCode::Tab);
    keys(app, "2099-12-01");
    press(app, KeyCode::Tab);
    keys(app, "18:30");
    press(app, KeyCode::Tab);
    keys(app, "after work");
    press(app, KeyCode::Enter);
    let visits = app.store.visits(&resident).unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].disposition, Disposition::Appointment);
    assert_eq!(
        visits[0].appointment,
        Some(
            NaiveDate::from_ymd_opt(2099, 12, 1)
                .unwrap()
                .and_hms_opt(18, 30, 0)
                .unwrap()
        )
    );
    assert_eq!(visits[0].note.as_deref(), Some("after work"));
    assert_eq!(list_status(app, &resident), ResidentStatus::Appointment);
    press(app, KeyCode::Esc);
    assert!(
        screen_text(app).contains("Appointment 1 "),
        "{}",
        screen_text(app)
    );
}

#[test]
fn list_shows_the_appointment_time() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    press(app, KeyCode::Enter);
    keys(app, "v3");
    press(app, KeyCode::Tab);
    keys(app, "2099-12-01");
    press(app, KeyCode::Tab);
    keys(app, "18:30\n");
    press(app, KeyCode::Esc);
    assert!(
        screen_text(app).contains("Appt 12-01 18:30"),
        "{}",
        screen_text(app)
    );
}

#[test]
fn appointment_without_a_time_is_not_saved() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    press(app, KeyCode::Enter);
    keys(app, "v3");
    press(app, KeyCode::Tab);
    keys(app, "2099-12-01");
    press(app, KeyCode::Enter);
    assert!(screen_text(app).contains("Enter a time"));
    assert!(app.store.visits(&resident).unwrap().is_empty());
}

#[test]
fn required_question_needs_an_answer_and_dont_know_is_one() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    // Integer field: Enter on nothing.
    answer_until(app, "years_in_community", &[]);
    keys(app, "\n");
    assert_eq!(current_question(app).as_deref(), Some("years_in_community"));
    assert!(screen_text(app).contains("! An answer is required"));
    // In a typed field, d is a letter (refused, with the chord to use);
    // Ctrl+D chooses "don't know", shown on screen; Enter confirms it.
    keys(app, "d");
    assert!(
        screen_text(app).contains("! Letters are not commands here: Ctrl+E end early, Ctrl+D"),
        "{}",
        screen_text(app)
    );
    ctrl(app, 'd');
    assert_eq!(current_question(app).as_deref(), Some("years_in_community"));
    assert!(
        screen_text(app).contains("^D (•) Don't know"),
        "{}",
        screen_text(app)
    );
    assert_eq!(saved(&app.store, id, "years_in_community"), None);
    keys(app, "\n");
    assert_eq!(current_question(app).as_deref(), Some("household_type"));
    assert_eq!(
        saved(&app.store, id, "years_in_community"),
        Some(Answer::special(SpecialResponse::DontKnow))
    );
    // Multiple choice: Enter with nothing ticked; then d.
    answer_until(app, "service_needs", &[]);
    keys(app, "\n");
    assert_eq!(current_question(app).as_deref(), Some("service_needs"));
    assert!(screen_text(app).contains("! An answer is required"));
    keys(app, "d");
    assert_eq!(current_question(app).as_deref(), Some("service_needs"));
    keys(app, "\n");
    assert_ne!(current_question(app).as_deref(), Some("service_needs"));
    assert_eq!(
        saved(&app.store, id, "service_needs"),
        Some(Answer::special(SpecialResponse::DontKnow))
    );
}

#[test]
fn consent_does_not_take_dont_know() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    answer_until(app, "consent", &[]);
    keys(app, "d");
    assert_eq!(current_question(app).as_deref(), Some("consent"));
    assert!(
        screen_text(app).contains("does not accept 'don't know' or 'refused'"),
        "{}",
        screen_text(app)
    );
}

#[test]
fn going_back_and_changing_an_answer() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "respondent_age_group", &[]);
    assert_eq!(saved(&app.store, id, "gender"), Some(choice("male")));
    press(app, KeyCode::Left);
    assert_eq!(current_question(app).as_deref(), Some("gender"));
    keys(app, "2\n");
    assert_eq!(
        current_question(app).as_deref(),
        Some("respondent_age_group")
    );
    assert_eq!(saved(&app.store, id, "gender"), Some(choice("female")));
    // PageUp goes back too, from a typed field's start as well as Left.
    keys(app, "1\n");
    assert_eq!(current_question(app).as_deref(), Some("years_in_community"));
    press(app, KeyCode::PageUp);
    assert_eq!(
        current_question(app).as_deref(),
        Some("respondent_age_group")
    );
}

#[test]
fn consent_no_ends_the_interview_as_a_refusal() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    open_interview(app);
    let id = interview_id(app);
    keys(app, "\nn\n");
    // The answer is not saved yet: it asks first.
    let text = screen_text(app);
    assert!(
        text.contains("This answer ends the interview as: Refusal."),
        "{text}"
    );
    assert_eq!(saved(&app.store, id, "consent"), None);
    // Esc goes back to change it.
    press(app, KeyCode::Esc);
    assert_eq!(current_question(app).as_deref(), Some("consent"));
    assert!(screen_text(app).contains("(•) No"), "{}", screen_text(app));
    keys(app, "\n\n");
    assert!(matches!(app.view, View::List), "{}", screen_text(app));
    assert!(
        screen_text(app).contains("Interview ended early: Refusal"),
        "{}",
        screen_text(app)
    );
    assert_eq!(
        saved(&app.store, id, "consent"),
        Some(Answer::Value(AnswerValue::YesNo { value: false }))
    );
    let record = app.store.interview(id).unwrap().unwrap();
    assert_eq!(record.status, InterviewStatus::Abandoned);
    assert_eq!(record.disposition, Some(Disposition::Refusal));
    let visits = app.store.visits(&resident).unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].disposition, Disposition::Refusal);
    assert_eq!(list_status(app, &resident), ResidentStatus::Refused);
    let status = app.store.status().unwrap();
    assert_eq!((status.completed, status.refusals), (0, 1));
}

#[test]
fn a_saved_consent_no_never_offers_finished() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    // As if the app stopped between saving the answer and ending the
    // interview (or the answer came from an earlier version).
    {
        let View::Interview { screen, .. } = &mut app.view else {
            unreachable!()
        };
        let consent = screen
            .flow
            .questionnaire()
            .question_index("consent")
            .unwrap();
        let no = Answer::Value(AnswerValue::YesNo { value: false });
        app.store
            .save_answer(id, "consent", None, &no, chrono::Utc::now())
            .unwrap();
        screen
            .flow
            .set_answer(doorstep_core::interview::Slot::top(consent), no)
            .unwrap();
    }
    ctrl(app, 'g');
    assert!(in_review(app));
    let text = screen_text(app);
    assert!(
        text.contains("An answer ends the interview (Refusal)"),
        "{text}"
    );
    assert!(!text.contains("press F to finish"), "{text}");
    keys(app, "F");
    assert!(in_review(app));
    assert_eq!(app.store.status().unwrap().completed, 0);
    // e, 3 (refusal), Enter.
    keys(app, "e3\n");
    assert!(matches!(app.view, View::List));
    let record = app.store.interview(id).unwrap().unwrap();
    assert_eq!(record.disposition, Some(Disposition::Refusal));
}

#[test]
fn enter_with_nothing_chosen_saves_nothing() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    keys(app, "\n");
    // Consent (yes/no), then gender (single choice): Enter, and Down then
    // Enter, choose nothing; the cursor is not an answer.
    for (question, answer) in [("consent", "y"), ("gender", "1")] {
        assert_eq!(current_question(app).as_deref(), Some(question));
        keys(app, "\n");
        press(app, KeyCode::Down);
        keys(app, "\n");
        assert_eq!(current_question(app).as_deref(), Some(question));
        assert!(
            screen_text(app).contains("! An answer is required"),
            "{}",
            screen_text(app)
        );
        assert_eq!(saved(&app.store, id, question), None);
        keys(app, answer);
        keys(app, "\n");
    }
    // Space chooses the option under the cursor.
    assert_eq!(
        current_question(app).as_deref(),
        Some("respondent_age_group")
    );
    press(app, KeyCode::Down);
    press(app, KeyCode::Down);
    keys(app, " \n");
    assert_eq!(
        saved(&app.store, id, "respondent_age_group"),
        Some(choice("age_35_49"))
    );
    // A rating and the 0–10 item.
    for question in ["env_garbage_sorting", "overall_satisfaction"] {
        answer_until(app, question, &[]);
        keys(app, "\n");
        assert_eq!(current_question(app).as_deref(), Some(question));
        assert!(screen_text(app).contains("! An answer is required"));
        assert_eq!(saved(&app.store, id, question), None);
        keys(app, "3\n");
        assert_eq!(
            saved(&app.store, id, question),
            Some(Answer::Value(AnswerValue::Rating { value: 3 }))
        );
    }
}

#[test]
fn from_the_review_u_then_enter_saves_nothing() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_all(app, &[("has_complaint", "n\n")]);
    // Back to "any complaint?" by the check screen, yes: the follow-ups apply.
    let at = {
        let View::Interview { screen, .. } = &app.view else {
            unreachable!()
        };
        let q = app.questionnaire;
        screen
            .flow
            .relevant_slots()
            .iter()
            .position(|s| q.questions[s.question].id == "has_complaint")
            .unwrap()
    };
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
    keys(app, "\ny\n");
    assert!(in_review(app));
    keys(app, "u");
    assert_eq!(current_question(app).as_deref(), Some("complaint_category"));
    keys(app, "\n");
    assert_eq!(current_question(app).as_deref(), Some("complaint_category"));
    assert!(screen_text(app).contains("! An answer is required"));
    assert_eq!(saved(&app.store, id, "complaint_category"), None);
    // The next keys answer this question, nothing else.
    keys(app, "2\n");
    assert!(in_review(app));
    assert_eq!(
        saved(&app.store, id, "complaint_category"),
        Some(choice("safety"))
    );
    assert_eq!(saved(&app.store, id, "complaint_detail_type"), None);
}

#[test]
fn ten_on_the_0_10_item_waits_for_the_next_digit_without_a_timer() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "overall_satisfaction", &[]);
    keys(app, "1");
    let text = screen_text(app);
    assert!(
        text.contains("Typed 1_ : type the next digit, or Enter for 1"),
        "{text}"
    );
    // However long the pause: 1 then 0 is 10.
    std::thread::sleep(std::time::Duration::from_millis(1000));
    keys(app, "0");
    assert!(screen_text(app).contains(" 10 (•) Very satisfied"));
    keys(app, "\n");
    assert_eq!(
        saved(&app.store, id, "overall_satisfaction"),
        Some(Answer::Value(AnswerValue::Rating { value: 10 }))
    );
    // A lone 1 and Enter is 1.
    press(app, KeyCode::Left);
    keys(app, "1\n");
    assert_eq!(
        saved(&app.store, id, "overall_satisfaction"),
        Some(Answer::Value(AnswerValue::Rating { value: 1 }))
    );
}

#[test]
fn ctrl_e_ends_early_from_a_number_field_and_e_is_not_an_answer() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "household_size", &[]);
    // `e` out of habit: refused and explained; the next 2 stays in the field.
    keys(app, "e");
    assert!(screen_text(app).contains("Ctrl+E end early"));
    assert!(matches!(
        app.view,
        View::Interview {
            end_early: None,
            ..
        }
    ));
    // The footer of a typed question shows the chords, not letters.
    let footer = screen_text(app).lines().last().unwrap().to_string();
    assert!(footer.contains("^E end"), "{footer}");
    assert!(footer.contains("^D ^R don't know/refused"), "{footer}");
    assert!(!footer.contains("1-9"), "{footer}");
    ctrl(app, 'e');
    assert!(matches!(
        app.view,
        View::Interview {
            end_early: Some(_),
            ..
        }
    ));
    // A digit chooses, Enter confirms.
    keys(app, "2");
    assert!(
        screen_text(app).contains("(•) Break-off"),
        "{}",
        screen_text(app)
    );
    keys(app, "\n");
    assert!(matches!(app.view, View::List));
    assert_eq!(saved(&app.store, id, "household_size"), None);
    let record = app.store.interview(id).unwrap().unwrap();
    assert_eq!(record.disposition, Some(Disposition::BreakOff));
}

#[test]
fn ctrl_chords_work_on_text_date_and_time_fields_and_in_the_note_box() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "praise", &[]);
    // Ctrl+R in a text box chooses "refused"; Enter confirms.
    ctrl(app, 'r');
    keys(app, "\n");
    assert_eq!(
        saved(&app.store, id, "praise"),
        Some(Answer::special(SpecialResponse::Refused))
    );
    answer_until(app, "callback_time", &[("has_complaint", "y\n")]);
    // In the note box: Ctrl+D chooses and the note stays open.
    ctrl(app, 'n');
    keys(app, "晚上");
    ctrl(app, 'd');
    assert!(screen_text(app).contains("晚上"), "{}", screen_text(app));
    keys(app, "\n\n");
    assert_eq!(
        saved(&app.store, id, "callback_time"),
        Some(Answer::special(SpecialResponse::DontKnow))
    );
    assert_eq!(app.store.notes(id).unwrap().len(), 1);
    ctrl(app, 'e');
    assert!(matches!(
        app.view,
        View::Interview {
            end_early: Some(_),
            ..
        }
    ));
}

#[test]
fn ticking_an_exclusive_option_unticks_the_others_at_once() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    answer_until(app, "service_needs", &[]);
    keys(app, "13");
    assert!(screen_text(app).contains("[x] Elderly care"));
    // 8 = none of these.
    keys(app, "8");
    let text = screen_text(app);
    assert!(text.contains("[x] None of these"), "{text}");
    assert!(text.contains("[ ] Elderly care"), "{text}");
    assert!(text.contains("[ ] Health care"), "{text}");
    keys(app, "2");
    let text = screen_text(app);
    assert!(text.contains("[ ] None of these"), "{text}");
    assert!(text.contains("[x] Childcare"), "{text}");
}

#[test]
fn ctrl_g_checks_the_answers_and_right_returns_to_where_you_were() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "env_cleaning", &[]);
    // The check screen from the middle, on the question in hand.
    ctrl(app, 'g');
    assert!(in_review(app));
    keys(app, "g\n");
    assert_eq!(current_question(app).as_deref(), Some("intro_note"));
    press(app, KeyCode::Esc);
    open_interview(app);
    // Back to gender by the check screen, change it, and on.
    ctrl(app, 'g');
    keys(app, "g");
    press(app, KeyCode::Down);
    press(app, KeyCode::Down);
    keys(app, "\n2\n");
    assert!(in_review(app));
    assert_eq!(saved(&app.store, id, "gender"), Some(choice("female")));
    press(app, KeyCode::Left);
    assert_eq!(current_question(app).as_deref(), Some("gender"));
    // → goes straight to the first unanswered question.
    press(app, KeyCode::Right);
    assert_eq!(current_question(app).as_deref(), Some("env_cleaning"));
    // From a typed question too, when nothing was typed.
    while current_question(app).as_deref() != Some("household_size") {
        press(app, KeyCode::Left);
    }
    press(app, KeyCode::Right);
    assert_eq!(current_question(app).as_deref(), Some("env_cleaning"));
}

#[test]
fn end_early_with_refusal() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    open_interview(app);
    let id = interview_id(app);
    keys(app, "\ny\n");
    keys(app, "e");
    assert!(matches!(
        app.view,
        View::Interview {
            end_early: Some(_),
            ..
        }
    ));
    // Esc cancels; e again: Enter alone chooses nothing; 3 = refusal, Enter.
    press(app, KeyCode::Esc);
    assert_eq!(current_question(app).as_deref(), Some("gender"));
    keys(app, "e\n");
    assert!(screen_text(app).contains("! Choose first: 1–3"));
    keys(app, "3");
    assert!(matches!(
        app.view,
        View::Interview {
            end_early: Some(_),
            ..
        }
    ));
    keys(app, "\n");
    assert!(matches!(app.view, View::List));
    assert!(screen_text(app).contains("Interview ended early"));
    let record = app.store.interview(id).unwrap().unwrap();
    assert_eq!(record.status, InterviewStatus::Abandoned);
    assert_eq!(record.disposition, Some(Disposition::Refusal));
    let visits = app.store.visits(&resident).unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].disposition, Disposition::Refusal);
    assert_eq!(visits[0].interview_id, Some(id));
    assert_eq!(list_status(app, &resident), ResidentStatus::Refused);
    assert_eq!(app.store.in_progress_interview(&resident).unwrap(), None);
}

#[test]
fn complete_the_whole_interview_by_keys() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    open_interview(app);
    let id = interview_id(app);
    answer_all(
        app,
        &[
            ("household_type", "2\n"),
            ("household_size", "3\n"),
            ("member_age_group", "7\n"),
            ("complaint_category", "1\n"),
            ("complaint_detail", "垃圾桶满了没人清运\n"),
            ("callback_time", "20:15\n"),
        ],
    );
    assert!(screen_text(app).contains("press F to finish"));
    keys(app, "F");
    assert!(matches!(app.view, View::List));
    assert!(screen_text(app).contains("Interview completed and saved"));
    let status = app.store.status().unwrap();
    assert_eq!(status.completed, 1);
    assert_eq!(status.in_progress, 0);
    assert_eq!(list_status(app, &resident), ResidentStatus::Completed);
    assert!(screen_text(app).contains("Completed 1"));
    let saved_all = app.store.load_interview(id).unwrap();
    assert_eq!(saved_all.record.status, InterviewStatus::Completed);
    // Two other household members, both aged 80+: the roster repeats.
    let members: Vec<_> = saved_all
        .answers
        .iter()
        .filter(|(q, _, _)| q == "member_age_group")
        .collect();
    assert_eq!(members.len(), 2);
    assert_eq!(
        saved(&app.store, id, "callback_time"),
        Some(Answer::Value(AnswerValue::Time {
            value: NaiveTime::from_hms_opt(20, 15, 0).unwrap()
        }))
    );
    assert_eq!(
        saved(&app.store, id, "callback_phone"),
        Some(Answer::Value(AnswerValue::Text {
            value: "13800000001".into()
        }))
    );
    // The quota counts the completed interview (age group 18–34).
    assert!(
        screen_text(app).contains("18–34 1/8"),
        "{}",
        screen_text(app)
    );
}

#[test]
fn callback_constraints_are_enforced() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    answer_until(app, "callback_phone", &[]);
    keys(app, "12345\n");
    assert_eq!(current_question(app).as_deref(), Some("callback_phone"));
    assert!(screen_text(app).contains("! Enter a valid 11-digit mobile number"));
    for _ in 0..5 {
        press(app, KeyCode::Backspace);
    }
    keys(app, "025-84561234\n");
    assert_eq!(current_question(app).as_deref(), Some("callback_time"));
    keys(app, "22:00\n");
    assert_eq!(current_question(app).as_deref(), Some("callback_time"));
    assert!(screen_text(app).contains("! Choose a time between 08:00 and 21:00"));
}

#[test]
fn paste_cjk_into_a_text_field() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "praise", &[]);
    app.handle_paste("楼长张阿姨很热心，\r\n经常帮忙。");
    assert!(
        screen_text(app).contains("楼长张阿姨很热心，"),
        "{}",
        screen_text(app)
    );
    keys(app, "\n");
    assert_eq!(
        saved(&app.store, id, "praise"),
        Some(Answer::Value(AnswerValue::Text {
            value: "楼长张阿姨很热心，\n经常帮忙。".into()
        }))
    );
    // One line field: a pasted line break becomes a space.
    answer_until(app, "complaint_location", &[]);
    app.handle_paste("东门停车场\n北侧");
    keys(app, "\n");
    assert_eq!(
        saved(&app.store, id, "complaint_location"),
        Some(Answer::Value(AnswerValue::Text {
            value: "东门停车场 北侧".into()
        }))
    );
}

#[test]
fn integer_field_refuses_letters_typed_or_pasted() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(
        app,
        "years_in_community",
        &[("respondent_age_group", "4\n")],
    );
    keys(app, "x");
    assert!(screen_text(app).contains("! That cannot go in this field"));
    app.handle_paste("12 years");
    assert!(screen_text(app).contains("! That cannot go in this field"));
    keys(app, "7");
    assert!(
        !screen_text(app).contains("! That cannot"),
        "a good key clears it"
    );
    app.handle_paste("5");
    keys(app, "\n");
    assert_eq!(
        saved(&app.store, id, "years_in_community"),
        Some(Answer::Value(AnswerValue::Integer { value: 75 }))
    );
}

#[test]
fn other_please_specify_is_saved_with_the_answer() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "household_type", &[]);
    keys(app, "6");
    // Enter with the box empty: the "other" text is required.
    keys(app, "\n");
    assert_eq!(current_question(app).as_deref(), Some("household_type"));
    assert!(screen_text(app).contains("! Please specify the 'other' answer"));
    keys(app, "与朋友同住\n");
    assert_eq!(current_question(app).as_deref(), Some("household_size"));
    assert_eq!(
        saved(&app.store, id, "household_type"),
        Some(Answer::Value(AnswerValue::Choice {
            value: "other".into(),
            other: Some("与朋友同住".into())
        }))
    );
}

#[test]
fn a_failed_save_keeps_what_was_typed() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "praise", &[]);
    keys(app, "保安很负责");
    // The database refuses every write from now on.
    app.store
        .connection()
        .execute_batch("PRAGMA query_only = ON")
        .unwrap();
    keys(app, "\n");
    let text = screen_text(app);
    assert_eq!(current_question(app).as_deref(), Some("praise"));
    assert!(
        text.contains("! Not saved (what you typed is kept):"),
        "{text}"
    );
    assert!(text.contains("│保安很负责"), "{text}");
    // Typing goes on in the same field.
    keys(app, "。");
    app.store
        .connection()
        .execute_batch("PRAGMA query_only = OFF")
        .unwrap();
    keys(app, "\n");
    assert_eq!(current_question(app).as_deref(), Some("has_complaint"));
    assert_eq!(
        saved(&app.store, id, "praise"),
        Some(Answer::Value(AnswerValue::Text {
            value: "保安很负责。".into()
        }))
    );
}

#[test]
fn a_failed_pause_stays_in_the_interview() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    answer_until(app, "gender", &[]);
    app.store
        .connection()
        .execute_batch("PRAGMA query_only = ON")
        .unwrap();
    press(app, KeyCode::Esc);
    assert_eq!(current_question(app).as_deref(), Some("gender"));
    assert!(
        screen_text(app).contains("Not saved"),
        "{}",
        screen_text(app)
    );
    app.store
        .connection()
        .execute_batch("PRAGMA query_only = OFF")
        .unwrap();
    press(app, KeyCode::Esc);
    assert!(matches!(app.view, View::List));
}

/// An answer, its paradata and the position after it are one unit of
/// work: when the save fails part-way, none of it is in the store, the
/// screen stays on the question with the choice, and Enter tries again.
#[test]
fn a_failed_answer_save_leaves_no_trace_and_can_be_retried() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "gender", &[]);
    let before = app.store.load_interview(id).unwrap();
    let history = app.store.answer_history(id).unwrap();
    // Fails after the answer and its history row are written, at the first
    // paradata event.
    app.store
        .connection()
        .execute_batch(
            "CREATE TEMP TRIGGER fail_event BEFORE INSERT ON events
               BEGIN SELECT RAISE(ABORT, 'injected'); END;",
        )
        .unwrap();
    keys(app, "1\n");
    assert_eq!(current_question(app).as_deref(), Some("gender"));
    assert!(
        screen_text(app).contains("Not saved"),
        "{}",
        screen_text(app)
    );
    assert_eq!(app.store.load_interview(id).unwrap(), before);
    assert_eq!(app.store.answer_history(id).unwrap(), history);
    app.store
        .connection()
        .execute_batch("DROP TRIGGER fail_event")
        .unwrap();
    // The choice is still there: Enter saves it, whole, and moves on.
    keys(app, "\n");
    assert_eq!(
        current_question(app).as_deref(),
        Some("respondent_age_group")
    );
    let after = app.store.load_interview(id).unwrap();
    assert!(saved(&app.store, id, "gender").is_some());
    assert_eq!(
        after.position,
        Some(doorstep_store::SavedPosition::Question {
            question_id: "respondent_age_group".into(),
            instance: None,
        })
    );
    let new_events: Vec<_> = after.events[before.events.len()..]
        .iter()
        .map(|e| (e.kind, e.question.as_deref()))
        .collect();
    use doorstep_core::interview::EventKind;
    assert_eq!(
        new_events,
        [
            (EventKind::Answered, Some("gender")),
            (EventKind::Shown, Some("respondent_age_group"))
        ]
    );
}

#[test]
fn question_note_is_saved() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "gender", &[]);
    ctrl(app, 'n');
    keys(app, "住户说下午再来\n");
    assert!(screen_text(app).contains("Saved"));
    let notes = app.store.notes(id).unwrap();
    assert_eq!(
        notes,
        [("gender".to_string(), None, "住户说下午再来".to_string())]
    );
    // The note box is closed: digits answer the question again.
    keys(app, "1\n");
    assert_eq!(
        current_question(app).as_deref(),
        Some("respondent_age_group")
    );
    // Back on the question, after a pause and a resume, the note comes back.
    press(app, KeyCode::Esc);
    open_interview(app);
    assert_eq!(
        current_question(app).as_deref(),
        Some("respondent_age_group")
    );
    press(app, KeyCode::Left);
    ctrl(app, 'n');
    assert!(
        screen_text(app).contains("住户说下午再来"),
        "{}",
        screen_text(app)
    );
}

#[test]
fn ctrl_l_switches_the_questionnaire_language() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    answer_until(app, "gender", &[]);
    assert!(screen_text(app).contains("Respondent's gender"));
    ctrl(app, 'l');
    assert!(
        screen_text(app).contains("受访者性别"),
        "{}",
        screen_text(app)
    );
    // The interface stays English.
    assert!(screen_text(app).contains("Elapsed"));
}

#[test]
fn question_mark_is_text_in_a_text_field() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    open_interview(app);
    let id = interview_id(app);
    answer_until(app, "praise", &[]);
    keys(app, "why?\n");
    assert!(!app.help);
    assert_eq!(
        saved(&app.store, id, "praise"),
        Some(Answer::Value(AnswerValue::Text {
            value: "why?".into()
        }))
    );
}

#[test]
fn ctrl_c_quits_with_everything_saved() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    let resident = selected_id(app);
    open_interview(app);
    keys(app, "\ny\n");
    ctrl(app, 'c');
    assert!(app.quit);
    let id = app.store.in_progress_interview(&resident).unwrap().unwrap();
    let saved_all = app.store.load_interview(id).unwrap();
    assert!(saved_all.position.is_some());
}

#[test]
fn quit_from_the_list() {
    let mut f = fixture(Lang::En);
    keys(&mut f.app, "q");
    assert!(f.app.quit);
}

#[test]
fn search_then_enter_opens_the_match() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    keys(app, "/韦国庆\n");
    let View::Resident(r) = &app.view else {
        panic!("the resident should be open")
    };
    assert_eq!(r.resident.name, "韦国庆");
}

#[test]
fn the_day_summary_exports_a_signed_batch_after_asking_the_password() {
    let mut f = fixture(Lang::En);
    let data_dir = f._dir.path().to_path_buf();
    let app = &mut f.app;
    // One refusal at the door makes something to export.
    open_interview(app);
    keys(app, "\nn\n\n");
    // Without a key the summary offers to make one.
    keys(app, "sx");
    assert!(
        screen_text(app).contains("Create your signing key"),
        "{}",
        screen_text(app)
    );
    press(app, KeyCode::Esc);
    doorstep_batch::keygen(&data_dir, "tester", Some("s3cret"), false).unwrap();
    keys(app, "x");
    assert!(screen_text(app).contains("Signing key password"));
    // A wrong password is said so, and nothing is written.
    keys(app, "nope\n");
    assert!(
        screen_text(app).contains("wrong password"),
        "{}",
        screen_text(app)
    );
    assert!(!data_dir.join("outbox").exists());
    press(app, KeyCode::Esc);
    keys(app, "x");
    keys(app, "s3cret\n");
    let text = screen_text(app);
    assert!(
        text.contains("Exported batch 1: 1 interview, 1 visit"),
        "{text}"
    );
    assert!(!text.contains("s3cret"), "the password never shows");
    let files: Vec<_> = std::fs::read_dir(data_dir.join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    // The consent "no" leaves as a refusal, not a completed interview.
    let batch = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .unwrap();
    let interview: serde_json::Value = std::fs::read_to_string(batch)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["kind"] == "interview")
        .expect("an interview line");
    assert_eq!(interview["status"], "broken_off");
    assert_eq!(interview["disposition"], "refusal");
    assert_eq!(app.store.status().unwrap().pending_export, 0);
    // Again: nothing new.
    keys(app, "x");
    keys(app, "s3cret\n");
    assert!(screen_text(app).contains("Nothing new to export"));
}

#[test]
fn a_failed_save_is_explained_in_the_interface_language() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    app.ui = Lang::Zh;
    open_interview(app);
    answer_until(app, "praise", &[]);
    keys(app, "很好");
    app.store
        .connection()
        .execute_batch("PRAGMA query_only = ON")
        .unwrap();
    keys(app, "\n");
    let text = screen_text(app);
    assert!(text.contains("保存失败，输入内容仍保留"), "{text}");
    assert!(text.contains("数据目录只读"), "{text}");
}

// ----- the list's search --------------------------------------------------------

fn search_shows_the_number_of_matches(ui: Lang) {
    let mut f = fixture(ui);
    let app = &mut f.app;
    // Four rooms 302 in the demo (two in each community).
    keys(app, "/302");
    let text = screen_text(app);
    let count = match ui {
        Lang::En => "4 matches",
        Lang::Zh => "4 条",
    };
    assert!(text.contains(count), "{text}");
    // The room as the list shows it finds that one resident.
    press(app, KeyCode::Esc);
    keys(app, "/5-2-301");
    let text = screen_text(app);
    let one = match ui {
        Lang::En => "1 match",
        Lang::Zh => "1 条",
    };
    assert!(text.contains(one), "{text}");
    assert!(!text.contains("1 matches"), "{text}");
    assert_eq!(selected_id(app), "WT-052301");
}

#[test]
fn search_shows_the_number_of_matches_en() {
    search_shows_the_number_of_matches(Lang::En);
}

#[test]
fn search_shows_the_number_of_matches_zh() {
    search_shows_the_number_of_matches(Lang::Zh);
}

#[test]
fn clearing_a_search_keeps_the_selected_resident() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    // 金美玲, the eighth resident in walking order, by pinyin initials.
    keys(app, "/jml");
    let found = selected_id(app);
    assert_eq!(found, "WT-052401");
    // Esc while typing clears the search: the same resident stays selected.
    press(app, KeyCode::Esc);
    assert_eq!(selected_id(app), found);
    assert!(screen_text(app).contains("Search: /"));
    // After Enter-less leaving (↓ ends typing) and Esc on the list: same.
    keys(app, "/jml");
    press(app, KeyCode::Down);
    let moved = selected_id(app);
    press(app, KeyCode::Esc);
    assert_eq!(selected_id(app), moved);
}

// ----- one definition of the counts ---------------------------------------------

/// A day where the easy counts disagree: one resident completed twice, one
/// completed and then started again (in progress), one completed once, one
/// visit with no one at home.
fn tricky_day(store: &Store) {
    let q = store.active_questionnaire().unwrap().unwrap();
    let now = chrono::Utc::now();
    let interview = |resident: &str, finish: bool| {
        let id = store
            .start_interview(resident, &q.id, &q.version, "tester", now)
            .unwrap();
        if finish {
            store
                .finish_interview(id, InterviewStatus::Completed, Disposition::Complete, now)
                .unwrap();
        }
    };
    interview("WT-051302", true);
    interview("WT-051302", true);
    interview("WT-051401", true);
    interview("WT-051401", false);
    interview("WT-051601", true);
    store
        .record_visit(
            "WT-051602",
            doorstep_store::NewVisit {
                at: now,
                disposition: Disposition::NoOneHome,
                note: None,
                appointment: None,
                interview_id: None,
            },
        )
        .unwrap();
}

fn summary_and_status_agree(ui: Lang) {
    let mut f = fixture(ui);
    tricky_day(&f.app.store);
    // `doorstep status --json` on the same data directory.
    let out = assert_cmd::Command::cargo_bin("doorstep")
        .unwrap()
        .arg("--data-dir")
        .arg(f._dir.path())
        .arg("--config")
        .arg(f._dir.path().join("config.toml"))
        .args(["status", "--json"])
        .env_remove("DOORSTEP_DATA_DIR")
        .env_remove("DOORSTEP_CONFIG")
        .env("DOORSTEP_STORE_PASSWORD", support::STORE_PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success());
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["completed"], 2, "{status}");
    assert_eq!(status["in_progress"], 1, "{status}");
    assert_eq!(status["pending_export"], 5, "{status}");
    assert_eq!(status["pending_export_interviews"], 4, "{status}");
    assert_eq!(status["pending_export_visits"], 1, "{status}");

    let app = &mut f.app;
    keys(app, "s");
    let text = screen_text(app);
    let expected = match ui {
        Lang::En => [
            "2 completed (2 today)",
            "1 in progress",
            "5 records (4 interviews, 1 visit without an interview)",
        ],
        Lang::Zh => [
            "已完成 2 户（今日 2 户）",
            "访问中 1 户",
            "5 条记录（访问 4 份，仅走访 1 次）",
        ],
    };
    for e in expected {
        assert!(text.contains(e), "{e:?} not in\n{text}");
    }
}

#[test]
fn summary_and_status_count_alike_en() {
    summary_and_status_agree(Lang::En);
}

#[test]
fn summary_and_status_count_alike_zh() {
    summary_and_status_agree(Lang::Zh);
}

// ----- the interface language ----------------------------------------------------

#[test]
fn l_keeps_the_interface_language_in_the_config_and_nothing_else_changes() {
    let mut f = fixture(Lang::Zh);
    let config = f._dir.path().join("config.toml");
    std::fs::write(&config, "surveyor_id = \"S7\"\n").unwrap();
    f.app.config_path = Some(config.clone());
    keys(&mut f.app, "L");
    assert_eq!(f.app.ui, Lang::En);
    let saved = doorstep_store::config::Config::load(&config).unwrap();
    assert_eq!(saved.ui_language.as_deref(), Some("en"));
    assert_eq!(saved.surveyor_id.as_deref(), Some("S7"));
    // A config that cannot be read is left alone, and the surveyor told.
    std::fs::write(&config, "surveyor-id = \"S7\"\n").unwrap();
    keys(&mut f.app, "L");
    assert_eq!(f.app.ui, Lang::Zh);
    assert!(screen_text(&mut f.app).contains("未能保存"));
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "surveyor-id = \"S7\"\n"
    );
}

// ----- one language per message ---------------------------------------------------

/// What the day summary says after an export, and when an export fails, is
/// in the interface language (technical details aside).
#[test]
fn the_summary_says_what_an_export_did_in_one_language() {
    let mut f = fixture(Lang::Zh);
    let data_dir = f._dir.path().to_path_buf();
    let app = &mut f.app;
    // A refusal at the door makes something to export.
    app.store
        .record_visit(
            "WT-051302",
            doorstep_store::NewVisit {
                at: chrono::Utc::now(),
                disposition: Disposition::Refusal,
                note: None,
                appointment: None,
                interview_id: None,
            },
        )
        .unwrap();
    doorstep_batch::keygen(&data_dir, "tester", None, false).unwrap();
    // The store cannot be written: the export fails, said in Chinese.
    app.store
        .connection()
        .execute_batch("PRAGMA query_only = ON")
        .unwrap();
    keys(app, "sx");
    let text = screen_text(app);
    assert!(text.contains("导出失败"), "{text}");
    assert!(text.contains("数据目录只读"), "{text}");
    app.store
        .connection()
        .execute_batch("PRAGMA query_only = OFF")
        .unwrap();
    keys(app, "x");
    let text = screen_text(app);
    assert!(
        text.contains("已导出第 1 批：访问 0 份，走访 1 次"),
        "{text}"
    );
    // And in English, all English.
    app.ui = Lang::En;
    keys(app, "x");
    assert!(screen_text(app).contains("Nothing new to export"));
}

/// Issue 11: the day summary's keys are data (`keys::SUMMARY`); each press
/// it binds does what its action says.
#[test]
fn every_key_the_day_summary_binds_does_its_action() {
    use doorstep_tui::keys::{SUMMARY, SummaryAction};
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    for binding in SUMMARY {
        for (p, action) in binding.presses {
            keys(app, "s");
            assert!(matches!(app.view, View::Summary { .. }));
            app.handle_key(KeyEvent::new(p.code, KeyModifiers::NONE));
            match action {
                SummaryAction::Back => assert!(matches!(app.view, View::List), "{p:?}"),
                SummaryAction::Export => {
                    // No key yet: the prompt to make one opens.
                    assert!(matches!(
                        app.view,
                        View::Summary {
                            prompt: Some(_),
                            ..
                        }
                    ));
                    press(app, KeyCode::Esc);
                    press(app, KeyCode::Esc);
                }
                SummaryAction::Help => {
                    assert!(app.help);
                    press(app, KeyCode::Esc);
                    press(app, KeyCode::Esc);
                }
            }
            assert!(matches!(app.view, View::List), "{p:?}");
        }
    }
}
