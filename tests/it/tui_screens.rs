//! Snapshots of every screen of the surveyor's app, drawn on ratatui's
//! `TestBackend` at 80×24 (the smallest size the app supports), in English
//! and in Chinese, with the colour-free theme so that the snapshots show
//! text and layout only. Plus the colour rules: no colour with `NO_COLOR`,
//! and never dimmed text.
//!
//! Snapshots live in `tests/it/snapshots/`; regenerate them with
//! `INSTA_UPDATE=always cargo test --test tui_screens` and read the diff.

use doorstep_tui::app::{App, View};
use doorstep_tui::i18n::Lang;
use doorstep_tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::text::Line;

use crate::support;
use support::surveyor::{
    answer_all, answer_until, current_question, draw, fixture, in_review, open_interview,
    screen_text,
};
use support::{check_colours, ctrl, keys, press, text_of};

const LANGS: [Lang; 2] = [Lang::En, Lang::Zh];

/// From the list: opens the first resident and starts the interview.
fn start_first_interview(app: &mut App) {
    open_interview(app);
    assert_eq!(current_question(app).as_deref(), Some("intro_note"));
}

fn snap_sized(app: &mut App, name: &str, ui: Lang, width: u16, height: u16) {
    let terminal = draw(app, width, height);
    insta::assert_snapshot!(format!("{name}_{}", ui.code()), terminal.backend());
}

fn snap(app: &mut App, name: &str, ui: Lang) {
    snap_sized(app, name, ui, 80, 24);
}

/// Two tests from one body: English and Chinese interface. Either may carry
/// attributes (`#[ignore = "bug: ..."]`).
macro_rules! per_lang {
    ($body:ident: $(#[$en_attr:meta])* $en:ident, $(#[$zh_attr:meta])* $zh:ident) => {
        #[test]
        $(#[$en_attr])*
        fn $en() {
            $body(Lang::En)
        }
        #[test]
        $(#[$zh_attr])*
        fn $zh() {
            $body(Lang::Zh)
        }
    };
}

// ----- checks of what must never happen on any screen -------------------------

/// Column headers of the list are whole, not cut by their column.
fn assert_list_header_whole(text: &str, ui: Lang) {
    let s = ui.s();
    for header in [s.col_where, s.col_name, s.col_status, s.col_visits] {
        assert!(
            text.contains(header),
            "list column header {header:?} is cut:\n{text}"
        );
    }
}

/// The quota line shows every target, none cut at the right edge.
fn assert_quota_line_whole(text: &str) {
    let line = text.lines().nth(3).unwrap().trim_end();
    assert!(
        line.ends_with("/10"),
        "the quota line is cut at the right edge: {line:?}"
    );
}

/// Nothing wide straddles the left edge of a popup at column `x`, rows
/// `top..=bottom`: a wide character there hides the popup's border cell
/// (ratatui skips the cell after a wide character when drawing).
fn assert_popup_edge_clear(buffer: &Buffer, x: u16, top: u16, bottom: u16) {
    for y in top..=bottom {
        let left = buffer[(x - 1, y)].symbol();
        assert!(
            Line::from(left).width() <= 1,
            "row {y}: {left:?} straddles the popup edge at column {x} and hides its border:\n{}",
            text_of(buffer)
        );
    }
}

// ----- the list ---------------------------------------------------------------

fn list_screen(ui: Lang) {
    let mut f = fixture(ui);
    let text = screen_text(&mut f.app);
    assert_list_header_whole(&text, ui);
    assert_quota_line_whole(&text);
    snap(&mut f.app, "list", ui);
}
per_lang!(list_screen:
    list_en,
    list_zh
);

fn list_search_screen(ui: Lang) {
    let mut f = fixture(ui);
    // 周俊杰 by pinyin initials.
    keys(&mut f.app, "/zjj");
    let text = screen_text(&mut f.app);
    assert!(text.contains("周俊杰"), "{text}");
    assert!(!text.contains("韦国庆"), "{text}");
    assert_list_header_whole(&text, ui);
    assert_quota_line_whole(&text);
    snap(&mut f.app, "list_search", ui);
}
per_lang!(list_search_screen:
    list_search_en,
    list_search_zh
);

fn list_filter_screen(ui: Lang) {
    let mut f = fixture(ui);
    // Second resident: no one at home.
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Enter);
    keys(&mut f.app, "v1\n");
    press(&mut f.app, KeyCode::Esc);
    assert!(matches!(f.app.view, View::List));
    // All → To visit → Revisit due.
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Tab);
    let text = screen_text(&mut f.app);
    assert!(text.contains("吕建国"), "{text}");
    assert!(!text.contains("苏子涵"), "{text}");
    assert_list_header_whole(&text, ui);
    assert_quota_line_whole(&text);
    snap(&mut f.app, "list_filter_revisit", ui);
}
per_lang!(list_filter_screen:
    list_filter_en,
    list_filter_zh
);

fn list_completed_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_all(&mut f.app, &[]);
    keys(&mut f.app, "F");
    assert!(matches!(f.app.view, View::List));
    let text = screen_text(&mut f.app);
    assert!(text.contains(ui.s().finished), "{text}");
    assert_list_header_whole(&text, ui);
    assert_quota_line_whole(&text);
    snap(&mut f.app, "list_completed", ui);
}
per_lang!(list_completed_screen:
    list_completed_en,
    list_completed_zh
);

fn list_wide_screen(ui: Lang) {
    let mut f = fixture(ui);
    let text = text_of(draw(&mut f.app, 120, 40).backend().buffer());
    assert_list_header_whole(&text, ui);
    snap_sized(&mut f.app, "list_120x40", ui, 120, 40);
}
per_lang!(list_wide_screen:
    list_120x40_en,
    list_120x40_zh
);

/// Gives the first residents every status there is (visits and interviews
/// straight through the store), then reloads the list.
fn every_status(app: &mut App) {
    use doorstep_core::assignment::Disposition as D;
    use doorstep_store::{InterviewStatus, NewVisit};
    let store = &app.store;
    let q = store.active_questionnaire().unwrap().unwrap();
    let now = chrono::Utc::now();
    let ids: Vec<String> = app
        .list
        .entries()
        .iter()
        .map(|e| e.resident.resident_id.clone())
        .collect();
    let visit = |i: usize, d: D, appointment: Option<chrono::NaiveDateTime>| {
        store
            .record_visit(
                &ids[i],
                NewVisit {
                    at: now,
                    disposition: d,
                    note: None,
                    appointment,
                    interview_id: None,
                },
            )
            .unwrap();
    };
    let interview = |i: usize, end: Option<(InterviewStatus, D)>| {
        let id = store
            .start_interview(&ids[i], &q.id, &q.version, "tester", now)
            .unwrap();
        if let Some((status, d)) = end {
            store.finish_interview(id, status, d, now).unwrap();
        }
    };
    visit(1, D::NoOneHome, None);
    let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(18, 30, 0)
        .unwrap();
    visit(2, D::Appointment, Some(at));
    interview(3, None);
    interview(4, Some((InterviewStatus::Completed, D::Complete)));
    interview(5, Some((InterviewStatus::Abandoned, D::Partial)));
    interview(6, Some((InterviewStatus::Abandoned, D::BreakOff)));
    visit(7, D::Refusal, None);
    visit(8, D::VacantOrNotResidence, None);
    let all = doorstep_tui::data::all_entries(&app.store).unwrap();
    app.list.set_entries(all);
}

/// At 80×24 with every status in the list: the counts line shows every
/// status and the total, and the address column shows the address up to
/// its room (the part that tells two doors apart).
fn list_every_status_screen(ui: Lang) {
    let mut f = fixture(ui);
    every_status(&mut f.app);
    let text = screen_text(&mut f.app);
    let code = ui.code();
    for status in doorstep_core::assignment::status::ResidentStatus::ALL {
        let n = if status == doorstep_core::assignment::status::ResidentStatus::ToVisit {
            48
        } else {
            1
        };
        let shown = format!("{} {n}", status.label(code));
        assert!(text.contains(&shown), "{shown:?} is cut:\n{text}");
    }
    assert!(
        text.contains(&format!("{} 56 {}", ui.s().all, ui.s().residents)),
        "{text}"
    );
    for room in [
        "5栋1单元302室",
        "5栋1单元401室",
        "5栋2单元101室",
        "5栋2单元402室",
    ] {
        assert!(text.contains(room), "the address {room:?} is cut:\n{text}");
    }
    assert!(text.contains("12-01 18:30"), "{text}");
    assert_list_header_whole(&text, ui);
    snap(&mut f.app, "list_every_status", ui);
}
per_lang!(list_every_status_screen:
    list_every_status_en,
    list_every_status_zh
);

// ----- the resident and the visit form ---------------------------------------

fn resident_screen(ui: Lang) {
    let mut f = fixture(ui);
    press(&mut f.app, KeyCode::Enter);
    snap(&mut f.app, "resident", ui);
}
per_lang!(resident_screen: resident_en, resident_zh);

/// The visit form is 60 wide, centred in 80: its left edge is column 10.
fn assert_visit_form_edge(app: &mut App) {
    let terminal = draw(app, 80, 24);
    let buffer = terminal.backend().buffer();
    let top = (0..24)
        .find(|y| buffer[(10, *y)].symbol() == "┌")
        .expect("the form's top-left corner");
    let bottom = (top..24)
        .find(|y| buffer[(10, *y)].symbol() == "└")
        .expect("the form's bottom-left corner");
    assert_popup_edge_clear(buffer, 10, top, bottom);
}

/// Opens the first resident with the clock at a fixed time (the form
/// offers today's date).
fn open_resident_at_fixed_time(app: &mut App) {
    press(app, KeyCode::Enter);
    if let doorstep_tui::app::View::Resident(r) = &mut app.view {
        r.now = chrono::NaiveDate::from_ymd_opt(2026, 4, 30)
            .unwrap()
            .and_hms_opt(9, 0, 0);
    }
}

fn visit_form_screen(ui: Lang) {
    let mut f = fixture(ui);
    open_resident_at_fixed_time(&mut f.app);
    keys(&mut f.app, "v3");
    press(&mut f.app, KeyCode::Tab);
    keys(&mut f.app, "2026-05-01");
    press(&mut f.app, KeyCode::Tab);
    keys(&mut f.app, "14:30");
    assert_visit_form_edge(&mut f.app);
    snap(&mut f.app, "visit_form_appointment", ui);
}
per_lang!(visit_form_screen:
    visit_form_en,
    visit_form_zh
);

fn visit_form_error_screen(ui: Lang) {
    let mut f = fixture(ui);
    open_resident_at_fixed_time(&mut f.app);
    keys(&mut f.app, "v3\n");
    let text = screen_text(&mut f.app);
    // The date is today's, as offered; the time is missing.
    assert!(text.contains("2026-04-30"), "{text}");
    let msg = match ui {
        Lang::En => "Enter a time",
        Lang::Zh => "请填写时间",
    };
    assert!(text.contains(msg), "{text}");
    assert_visit_form_edge(&mut f.app);
    snap(&mut f.app, "visit_form_missing_date", ui);
}
per_lang!(visit_form_error_screen:
    visit_form_missing_date_en,
    visit_form_missing_date_zh
);

// ----- the interview ----------------------------------------------------------

fn note_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    snap(&mut f.app, "q_note", ui);
}
per_lang!(note_screen: q_note_en, q_note_zh);

fn yes_no_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "consent", &[]);
    keys(&mut f.app, "y");
    snap(&mut f.app, "q_yes_no", ui);
}
per_lang!(yes_no_screen: q_yes_no_en, q_yes_no_zh);

fn single_choice_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "respondent_age_group", &[]);
    keys(&mut f.app, "2");
    snap(&mut f.app, "q_single_choice", ui);
}
per_lang!(single_choice_screen: q_single_choice_en, q_single_choice_zh);

fn rating_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "env_garbage_sorting", &[]);
    keys(&mut f.app, "4");
    snap(&mut f.app, "q_rating", ui);
}
per_lang!(rating_screen: q_rating_en, q_rating_zh);

fn rating_0_10_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "overall_satisfaction", &[]);
    keys(&mut f.app, "0");
    snap(&mut f.app, "q_rating_0_10", ui);
}
per_lang!(rating_0_10_screen: q_rating_0_10_en, q_rating_0_10_zh);

fn rating_0_10_pending_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "overall_satisfaction", &[]);
    // 1 may become 10: it waits, and says so.
    keys(&mut f.app, "1");
    let text = screen_text(&mut f.app);
    assert!(!text.contains("(•)"), "nothing chosen yet:\n{text}");
    snap(&mut f.app, "q_rating_0_10_pending", ui);
}
per_lang!(rating_0_10_pending_screen: q_rating_0_10_pending_en, q_rating_0_10_pending_zh);

/// The 12-category list with "other" and the special responses: every row
/// in view at 80×24, the special responses included.
fn long_list_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(
        &mut f.app,
        "complaint_category",
        &[("has_complaint", "y\n")],
    );
    let text = screen_text(&mut f.app);
    let refused = match ui {
        Lang::En => "r ( ) Refused",
        Lang::Zh => "r ( ) 拒绝回答",
    };
    assert!(text.contains(refused), "{text}");
    assert!(text.contains(" 13 ( ) "), "{text}");
    snap(&mut f.app, "q_long_list", ui);
}
per_lang!(long_list_screen: q_long_list_en, q_long_list_zh);

/// The progress count sits beside its bar at any width, never inside it.
fn gauge_count_apart(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "env_cleaning", &[]);
    for width in [80, 100, 120] {
        let text = text_of(draw(&mut f.app, width, 30).backend().buffer());
        let line = text.lines().nth(1).unwrap().trim_end();
        let (bar, count) = line.rsplit_once(' ').unwrap();
        assert!(count.contains('/'), "{line:?}");
        assert!(
            bar.ends_with('█') || bar.ends_with('░'),
            "at {width} columns the count is not beside the bar: {line:?}"
        );
    }
}
per_lang!(gauge_count_apart: gauge_count_apart_en, gauge_count_apart_zh);

fn consent_no_confirm_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    keys(&mut f.app, "\nn\n");
    snap(&mut f.app, "q_consent_no_ends", ui);
}
per_lang!(consent_no_confirm_screen: q_consent_no_ends_en, q_consent_no_ends_zh);

fn multiple_choice_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "service_needs", &[]);
    // Tick 1 and 3 by number, then 2 by Space on the highlighted row.
    keys(&mut f.app, "13");
    press(&mut f.app, KeyCode::Up);
    keys(&mut f.app, " ");
    snap(&mut f.app, "q_multiple_choice", ui);
}
per_lang!(multiple_choice_screen: q_multiple_choice_en, q_multiple_choice_zh);

fn text_cjk_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "praise", &[]);
    keys(&mut f.app, "社区环境很好，保安王师傅很负责。");
    snap(&mut f.app, "q_text_cjk", ui);
}
per_lang!(text_cjk_screen: q_text_cjk_en, q_text_cjk_zh);

fn text_line_cjk_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "complaint_location", &[]);
    keys(&mut f.app, "3幢2单元楼道");
    snap(&mut f.app, "q_text_line_cjk", ui);
}
per_lang!(text_line_cjk_screen: q_text_line_cjk_en, q_text_line_cjk_zh);

fn integer_refused_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "years_in_community", &[]);
    keys(&mut f.app, "1a");
    let text = screen_text(&mut f.app);
    let msg = match ui {
        Lang::En => "! That cannot go in this field",
        Lang::Zh => "! 此处不能输入这个字符",
    };
    assert!(text.contains(msg), "{text}");
    snap(&mut f.app, "q_integer_refused_key", ui);
}
per_lang!(integer_refused_screen: q_integer_refused_key_en, q_integer_refused_key_zh);

fn other_specify_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "household_type", &[]);
    // Five listed choices, then "other".
    keys(&mut f.app, "6");
    keys(&mut f.app, "与朋友同住");
    snap(&mut f.app, "q_other_specify", ui);
}
per_lang!(other_specify_screen: q_other_specify_en, q_other_specify_zh);

fn constraint_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    // Aged 18–34 (the first group), so 40 years here cannot be right.
    answer_until(&mut f.app, "years_in_community", &[]);
    keys(&mut f.app, "40\n");
    assert_eq!(
        current_question(&f.app).as_deref(),
        Some("years_in_community")
    );
    snap(&mut f.app, "q_constraint", ui);
}
per_lang!(constraint_screen: q_constraint_en, q_constraint_zh);

fn required_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "service_needs", &[]);
    keys(&mut f.app, "\n");
    snap(&mut f.app, "q_required", ui);
}
per_lang!(required_screen: q_required_en, q_required_zh);

fn end_early_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "gender", &[]);
    keys(&mut f.app, "e");
    assert!(matches!(
        f.app.view,
        View::Interview {
            end_early: Some(_),
            ..
        }
    ));
    // 3 chooses a refusal, shown; Enter would confirm it.
    keys(&mut f.app, "3");
    snap(&mut f.app, "end_early", ui);
}
per_lang!(end_early_screen: end_early_en, end_early_zh);

fn question_note_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "gender", &[]);
    ctrl(&mut f.app, 'n');
    keys(&mut f.app, "住户说下午再来");
    snap(&mut f.app, "q_question_note", ui);
}
per_lang!(question_note_screen: q_question_note_en, q_question_note_zh);

fn interview_wide_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "service_needs", &[]);
    keys(&mut f.app, "2");
    snap_sized(&mut f.app, "q_multiple_choice_120x40", ui, 120, 40);
}
per_lang!(interview_wide_screen: q_multiple_choice_120x40_en, q_multiple_choice_120x40_zh);

// ----- the review -------------------------------------------------------------

/// Short answers, so that every review row fits 80 columns.
const SHORT_ANSWERS: &[(&str, &str)] = &[("service_needs", "8\n")];

fn review_ready_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_all(&mut f.app, SHORT_ANSWERS);
    let text = screen_text(&mut f.app);
    assert!(text.contains(ui.s().ready_to_finish), "{text}");
    snap(&mut f.app, "review_ready", ui);
}
per_lang!(review_ready_screen: review_ready_en, review_ready_zh);

/// Index of a question in the review list.
fn review_index(app: &App, id: &str) -> usize {
    let View::Interview { screen, .. } = &app.view else {
        panic!("not in an interview");
    };
    let q = app.questionnaire;
    screen
        .flow
        .relevant_slots()
        .iter()
        .position(|s| q.questions[s.question].id == id)
        .unwrap_or_else(|| panic!("{id} is not in the review"))
}

/// From the review: changes "any complaint?" to yes, so that follow-up
/// questions, some of them required, apply and are not answered.
fn review_change_complaint_to_yes(app: &mut App) {
    for _ in 0..review_index(app, "has_complaint") {
        press(app, KeyCode::Down);
    }
    keys(app, "\n");
    assert_eq!(current_question(app).as_deref(), Some("has_complaint"));
    keys(app, "y\n");
    assert!(in_review(app));
}

fn review_unanswered_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    let mut answers = SHORT_ANSWERS.to_vec();
    answers.push(("has_complaint", "n\n"));
    answer_all(&mut f.app, &answers);
    review_change_complaint_to_yes(&mut f.app);
    let text = screen_text(&mut f.app);
    let msg = match ui {
        Lang::En => "Cannot finish yet: 3 required questions not answered",
        Lang::Zh => "还不能结束：3 道必答题未回答",
    };
    assert!(text.contains(msg), "{text}");
    // The end of the list, where the unanswered ones are marked.
    press(&mut f.app, KeyCode::End);
    let text = screen_text(&mut f.app);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("! ")).count(),
        3,
        "{text}"
    );
    snap(&mut f.app, "review_unanswered", ui);
    // F refuses to finish and says why.
    keys(&mut f.app, "F");
    assert!(in_review(&f.app));
    assert_eq!(f.app.store.status().unwrap().completed, 0);
}
per_lang!(review_unanswered_screen: review_unanswered_en, review_unanswered_zh);

fn review_long_answer(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    // Elderly care (meals, day care, home visits) + Health care (...).
    answer_all(&mut f.app, &[("service_needs", "13\n")]);
    let text = screen_text(&mut f.app);
    let line = text
        .lines()
        .find(|l| l.contains("Elderly care") || l.contains("养老照护"))
        .expect("the service needs row");
    assert!(
        line.trim_end().ends_with('…'),
        "a long answer is cut at the edge without a mark: {line:?}"
    );
}
per_lang!(review_long_answer:
    review_long_answer_en,
    review_long_answer_zh
);

fn review_keeps_place(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_all(&mut f.app, &[("has_complaint", "n\n")]);
    let at = review_index(&f.app, "has_complaint");
    review_change_complaint_to_yes(&mut f.app);
    let View::Interview {
        review: Some(rv), ..
    } = &f.app.view
    else {
        unreachable!()
    };
    assert_eq!(
        rv.selected, at,
        "after changing an answer the review should be back on that question"
    );
}
per_lang!(review_keeps_place:
    review_keeps_place_en,
    review_keeps_place_zh
);

// ----- summary, help, sizes ---------------------------------------------------

fn summary_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_all(&mut f.app, &[]);
    keys(&mut f.app, "F");
    keys(&mut f.app, "s");
    assert!(matches!(f.app.view, View::Summary { .. }));
    snap(&mut f.app, "summary", ui);
}
per_lang!(summary_screen: summary_en, summary_zh);

fn help_list_screen(ui: Lang) {
    let mut f = fixture(ui);
    keys(&mut f.app, "?");
    assert!(f.app.help);
    let terminal = draw(&mut f.app, 80, 24);
    let buffer = terminal.backend().buffer();
    // 76 wide, centred: the left edge is column 2, the right column 77.
    let top = (0..24).find(|y| buffer[(77, *y)].symbol() == "┐").unwrap();
    let bottom = (0..24).find(|y| buffer[(77, *y)].symbol() == "┘").unwrap();
    assert_popup_edge_clear(buffer, 2, top, bottom);
    assert_quota_line_whole(&text_of(buffer));
    snap(&mut f.app, "help_list", ui);
}
per_lang!(help_list_screen:
    help_list_en,
    help_list_zh
);

fn help_interview_screen(ui: Lang) {
    let mut f = fixture(ui);
    start_first_interview(&mut f.app);
    answer_until(&mut f.app, "gender", &[]);
    keys(&mut f.app, "?");
    assert!(f.app.help);
    snap(&mut f.app, "help_interview", ui);
    // Any key closes it and is not taken as an answer.
    keys(&mut f.app, "1");
    assert!(!f.app.help);
    assert_eq!(current_question(&f.app).as_deref(), Some("gender"));
}
per_lang!(help_interview_screen: help_interview_en, help_interview_zh);

fn too_small_screen(ui: Lang) {
    let mut f = fixture(ui);
    snap_sized(&mut f.app, "too_small_79x24", ui, 79, 24);
    snap_sized(&mut f.app, "too_small_80x23", ui, 80, 23);
}
per_lang!(too_small_screen: too_small_en, too_small_zh);

// ----- colour rules -----------------------------------------------------------

/// A handful of screens that between them use every style of the theme.
fn sample_screens(theme: Theme) -> Vec<(String, Buffer)> {
    let mut out = Vec::new();
    for ui in LANGS {
        let mut f = fixture(ui);
        f.app.theme = theme;
        let app = &mut f.app;
        let mut shot = |app: &mut App, name: &str| {
            out.push((
                format!("{name} ({})", ui.code()),
                draw(app, 80, 24).backend().buffer().clone(),
            ));
        };
        // A resident with a visit, so the list shows several statuses.
        press(app, KeyCode::Down);
        press(app, KeyCode::Enter);
        keys(app, "v1\n");
        shot(app, "resident after a visit");
        keys(app, "v3\n");
        shot(app, "visit form with an error");
        press(app, KeyCode::Esc);
        press(app, KeyCode::Esc);
        shot(app, "list");
        keys(app, "?");
        shot(app, "help");
        keys(app, "x");
        press(app, KeyCode::Up);
        start_first_interview(app);
        answer_until(app, "years_in_community", &[]);
        keys(app, "1x");
        shot(app, "integer with a refused key");
        keys(app, "\n");
        answer_until(app, "service_needs", &[]);
        keys(app, "13");
        shot(app, "multiple choice");
        keys(app, "\n");
        answer_until(app, "env_garbage_sorting", &[]);
        keys(app, "4");
        shot(app, "rating");
        keys(app, "e");
        shot(app, "end early");
        press(app, KeyCode::Esc);
        answer_all(app, &[]);
        shot(app, "review");
        keys(app, "F");
        shot(app, "list with a flash");
        keys(app, "s");
        shot(app, "summary");
    }
    out
}

#[test]
fn no_color_theme_sets_no_colours_and_nothing_is_dim() {
    check_colours(&sample_screens(Theme { color: false }), false);
}

#[test]
fn colour_theme_colours_and_never_dims_text() {
    check_colours(&sample_screens(Theme { color: true }), true);
}
