//! The interview flow on a small questionnaire: skip logic, going back,
//! required answers, constraints, special responses, repeats, choice
//! filters and calculates.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::{
    Answer, AnswerChange, AnswerValue, Ending, EventKind, Interview, Slot, SpecialResponse, Step,
};
use doorstep_core::questionnaire::{Questionnaire, load_file, load_str};

fn household() -> Questionnaire {
    load_file("tests/fixtures/household.toml".as_ref()).unwrap_or_else(|e| panic!("{e}"))
}

fn resident() -> HashMap<String, String> {
    HashMap::from([("name".to_string(), "王芳".to_string())])
}

fn interview(q: &Questionnaire) -> Interview<'_> {
    let fixed = Utc.with_ymd_and_hms(2026, 11, 28, 9, 30, 0).unwrap();
    Interview::new(q, resident()).with_clock(Arc::new(move || fixed))
}

fn slot(q: &Questionnaire, id: &str) -> Slot {
    Slot::top(q.question_index(id).unwrap())
}

fn member(q: &Questionnaire, id: &str, i: u32) -> Slot {
    Slot {
        question: q.question_index(id).unwrap(),
        instance: Some(i),
    }
}

fn id_at(q: &Questionnaire, step: Option<Step>) -> String {
    match step {
        Some(Step::Question(s)) => match s.instance {
            Some(i) => format!("{}[{i}]", q.questions[s.question].id),
            None => q.questions[s.question].id.clone(),
        },
        Some(Step::AddAnother(s)) => format!("add-another:{}", q.sections[s].id),
        None => "END".into(),
    }
}

fn yes() -> Answer {
    Answer::Value(AnswerValue::YesNo { value: true })
}

fn int(v: i64) -> Answer {
    Answer::Value(AnswerValue::Integer { value: v })
}

fn rating(v: i64) -> Answer {
    Answer::Value(AnswerValue::Rating { value: v })
}

fn choice(v: &str) -> Answer {
    Answer::Value(AnswerValue::Choice {
        value: v.into(),
        other: None,
    })
}

fn choices(vs: &[&str]) -> Answer {
    Answer::Value(AnswerValue::Choices {
        values: vs.iter().map(|v| v.to_string()).collect(),
        other: None,
    })
}

/// Answers the current question and moves on, returning where it lands.
fn answer_and_advance(f: &mut Interview<'_>, a: Answer) -> Option<Step> {
    let s = f.current_slot().expect("standing on a question");
    f.set_answer(s, a).unwrap_or_else(|e| panic!("{e}"));
    f.advance().unwrap()
}

#[test]
fn consent_no_ends_the_interview_as_a_refusal() {
    let q = household();
    let mut f = interview(&q);
    assert_eq!(id_at(&q, f.start()), "welcome");
    assert_eq!(id_at(&q, f.advance().unwrap()), "consent");
    let consent = slot(&q, "consent");
    let no = Answer::Value(AnswerValue::YesNo { value: false });
    // The flow says what the answer would do before it is given.
    assert_eq!(f.ending_for(consent, &no), Some(Disposition::Refusal));
    assert_eq!(f.ending_for(consent, &yes()), None);
    f.set_answer(consent, no).unwrap();
    assert_eq!(
        f.ending(),
        Some(Ending {
            slot: consent,
            outcome: Disposition::Refusal
        })
    );
    // Nothing comes after it, and it is never a completed interview.
    assert_eq!(
        f.advance().unwrap_err().message,
        "This answer ends the interview: there is nothing after it"
    );
    assert_eq!(id_at(&q, f.current()), "consent");
    assert!(f.problems().is_empty());
    assert!(!f.can_finish());
    // Changing the answer takes the ending back.
    f.set_answer(consent, yes()).unwrap();
    assert_eq!(f.ending(), None);
    assert_eq!(id_at(&q, f.advance().unwrap()), "size");
}

#[test]
fn a_choice_answer_can_end_the_interview_with_a_break_off() {
    let q = load_str(
        r#"
id = "t"
version = "1"
title = { en = "T" }
languages = ["en"]
default_language = "en"
[choices]
go = [
  { value = "on", label = { en = "Go on" } },
  { value = "stop", label = { en = "Stop here" } },
  { value = "leave", label = { en = "Has to leave" } },
]
[[sections]]
id = "s"
title = { en = "S" }
[[sections.questions]]
id = "next"
type = "single_choice"
choices = "go"
label = { en = "Go on?" }
ends_interview = { when = ["stop", "leave"], outcome = "break_off" }
[[sections.questions]]
id = "more"
type = "multiple_choice"
choices = "go"
label = { en = "More?" }
ends_interview = { when = "leave", outcome = "refusal" }
"#,
        "t.toml",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut f = interview(&q);
    f.start();
    let next = slot(&q, "next");
    assert_eq!(f.ending_for(next, &choice("on")), None);
    assert_eq!(
        f.ending_for(next, &choice("leave")),
        Some(Disposition::BreakOff)
    );
    // A special response never ends it.
    assert_eq!(
        f.ending_for(next, &Answer::special(SpecialResponse::Refused)),
        None
    );
    assert_eq!(id_at(&q, answer_and_advance(&mut f, choice("on"))), "more");
    let more = slot(&q, "more");
    assert_eq!(
        f.ending_for(more, &choices(&["on", "leave"])),
        Some(Disposition::Refusal)
    );
    f.set_answer(more, choices(&["on", "leave"])).unwrap();
    assert_eq!(f.ending().map(|e| e.outcome), Some(Disposition::Refusal));
    // The first ending in the questionnaire's order is the one that counts.
    f.set_answer(next, choice("stop")).unwrap();
    assert_eq!(
        f.ending(),
        Some(Ending {
            slot: next,
            outcome: Disposition::BreakOff
        })
    );
}

#[test]
fn required_question_blocks_moving_on_with_a_message() {
    let q = household();
    let mut f = interview(&q);
    f.start();
    f.advance().unwrap();
    let err = f.advance().unwrap_err();
    assert_eq!(err.message, "An answer is required");
    assert_eq!(id_at(&q, f.current()), "consent");
    f.set_language("zh");
    assert_eq!(f.advance().unwrap_err().message, "此题必答");
}

#[test]
fn repeat_follows_the_computed_count_and_scopes_references_to_its_instance() {
    let q = household();
    let mut f = interview(&q);
    f.start();
    f.advance().unwrap();
    answer_and_advance(&mut f, yes());
    assert_eq!(id_at(&q, answer_and_advance(&mut f, int(2))), "needs");
    assert_eq!(id_at(&q, f.advance().unwrap()), "member_age[0]");
    // Member 0 is 70: retirement is asked within the same instance.
    assert_eq!(
        id_at(&q, answer_and_advance(&mut f, int(70))),
        "member_retired[0]"
    );
    assert_eq!(
        id_at(&q, answer_and_advance(&mut f, yes())),
        "member_age[1]"
    );
    // Member 1 is 30: not asked about retirement.
    assert_eq!(
        id_at(&q, answer_and_advance(&mut f, int(30))),
        "elderly_care"
    );
    assert!(!f.is_relevant(member(&q, "member_retired", 1)));
    // sum() over the repeat's calculate sees one elderly member.
    let calculated: HashMap<String, String> = f
        .calculated()
        .into_iter()
        .map(|(s, v)| {
            (
                q.questions[s.question].id.clone(),
                doorstep_core::interview::display_value(&v),
            )
        })
        .collect();
    assert_eq!(calculated["elderly_count"], "1");
    assert_eq!(calculated["total_age"], "100");
    assert_eq!(calculated["is_elderly"], "0", "the last instance's value");
}

#[test]
fn skip_forward_returns_to_the_first_unanswered_question() {
    let q = household();
    let mut f = interview(&q);
    f.start();
    f.advance().unwrap();
    answer_and_advance(&mut f, yes());
    answer_and_advance(&mut f, int(1));
    answer_and_advance(&mut f, choices(&["children"]));
    answer_and_advance(&mut f, int(30));
    assert_eq!(id_at(&q, f.current()), "patrol");
    // Back to the start to check something, then straight back.
    while f.current_slot() != Some(slot(&q, "welcome")) {
        f.go_back();
    }
    assert_eq!(id_at(&q, f.skip_forward().unwrap()), "patrol");
    // Not past a required question without an answer.
    assert_eq!(
        f.skip_forward().unwrap_err().message,
        "An answer is required"
    );
    assert_eq!(id_at(&q, f.current()), "patrol");
    // Nor past an answer that ends the interview.
    f.jump(slot(&q, "consent")).unwrap();
    f.set_answer(
        slot(&q, "consent"),
        Answer::Value(AnswerValue::YesNo { value: false }),
    )
    .unwrap();
    assert!(f.skip_forward().is_err());
    assert_eq!(id_at(&q, f.current()), "consent");
}

#[test]
fn changing_an_earlier_answer_re_evaluates_what_follows() {
    let q = household();
    let mut f = interview(&q);
    f.start();
    f.advance().unwrap();
    answer_and_advance(&mut f, yes());
    answer_and_advance(&mut f, int(1));
    f.advance().unwrap(); // needs, optional
    answer_and_advance(&mut f, int(80));
    answer_and_advance(&mut f, yes());
    assert_eq!(id_at(&q, f.current()), "elderly_care");
    answer_and_advance(&mut f, rating(4));
    // Go back to the member's age and make them young.
    let age = member(&q, "member_age", 0);
    f.jump(age).unwrap();
    assert!(matches!(
        f.set_answer(age, int(40)),
        Ok(AnswerChange::Changed { .. })
    ));
    assert!(!f.is_relevant(slot(&q, "elderly_care")));
    assert!(!f.is_relevant(member(&q, "member_retired", 0)));
    // The stale answers stay as drafts but are not part of the result.
    assert!(f.answer(slot(&q, "elderly_care")).is_some());
    let finished: Vec<String> = f
        .finished_answers()
        .iter()
        .map(|(s, _)| q.questions[s.question].id.clone())
        .collect();
    assert!(!finished.contains(&"elderly_care".to_string()));
    assert!(!finished.contains(&"member_retired".to_string()));
    assert_eq!(id_at(&q, f.advance().unwrap()), "patrol");
    // Back to 80: the old answers come back into the result.
    f.set_answer(age, int(80)).unwrap();
    assert!(
        f.finished_answers()
            .iter()
            .any(|(s, _)| *s == slot(&q, "elderly_care"))
    );
}

#[test]
fn shrinking_a_repeat_drops_the_extra_instances_from_the_result() {
    let q = household();
    let mut f = interview(&q);
    f.set_answer(slot(&q, "consent"), yes()).unwrap();
    f.set_answer(slot(&q, "size"), int(3)).unwrap();
    for i in 0..3 {
        f.set_answer(member(&q, "member_age", i), int(20 + i as i64))
            .unwrap();
    }
    f.set_answer(slot(&q, "size"), int(2)).unwrap();
    assert!(!f.is_relevant(member(&q, "member_age", 2)));
    let members = f
        .finished_answers()
        .iter()
        .filter(|(s, _)| s.instance.is_some())
        .count();
    assert_eq!(members, 2);
}

#[test]
fn going_back_skips_what_is_not_relevant() {
    let q = household();
    let mut f = interview(&q);
    f.start();
    f.advance().unwrap();
    answer_and_advance(&mut f, yes());
    answer_and_advance(&mut f, int(1));
    f.advance().unwrap();
    answer_and_advance(&mut f, int(30));
    assert_eq!(id_at(&q, f.current()), "patrol");
    assert_eq!(id_at(&q, f.go_back()), "member_age[0]");
    assert_eq!(id_at(&q, f.go_back()), "needs");
    assert_eq!(id_at(&q, f.go_back()), "size");
}

#[test]
fn ranges_types_and_constraints_are_checked_with_messages() {
    let q = household();
    let mut f = interview(&q);
    f.set_answer(slot(&q, "consent"), yes()).unwrap();
    let size = slot(&q, "size");
    assert_eq!(
        f.set_answer(size, int(0)).unwrap_err().message,
        "Enter a value from 1 to 20"
    );
    assert_eq!(
        f.set_answer(size, rating(3)).unwrap_err().message,
        "Wrong kind of answer for this question (type integer)"
    );
    let phone = slot(&q, "phone");
    let text = |s: &str| Answer::Value(AnswerValue::Text { value: s.into() });
    assert_eq!(
        f.set_answer(phone, text("12345")).unwrap_err().message,
        "Not a mobile number"
    );
    f.set_language("zh");
    assert_eq!(
        f.set_answer(phone, text("12345")).unwrap_err().message,
        "手机号格式不对"
    );
    assert!(f.set_answer(phone, text("13912345678")).is_ok());
    assert_eq!(
        f.set_answer(phone, text("139123456789"))
            .unwrap_err()
            .message,
        "最多 11 个字"
    );
    // Dates after "today" (the clock's) are refused.
    let date = slot(&q, "visit_date");
    let on = |d: NaiveDate| Answer::Value(AnswerValue::Date { value: d });
    assert!(
        f.set_answer(date, on(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()))
            .is_ok()
    );
    assert!(
        f.set_answer(date, on(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()))
            .is_err()
    );
    // Refused entries are paradata too.
    assert!(
        f.take_events()
            .iter()
            .any(|e| e.kind == EventKind::Rejected)
    );
}

#[test]
fn special_responses_are_kept_apart_and_satisfy_required() {
    let q = household();
    let mut f = interview(&q);
    let consent = slot(&q, "consent");
    let dk = Answer::special(SpecialResponse::DontKnow);
    assert_eq!(
        f.set_answer(consent, dk.clone()).unwrap_err().message,
        "This question does not accept 'don't know' or 'refused'"
    );
    f.set_answer(consent, yes()).unwrap();
    let size = slot(&q, "size");
    f.set_answer(size, Answer::special(SpecialResponse::Refused))
        .unwrap();
    assert_eq!(
        f.answer(size).unwrap().as_special(),
        Some(SpecialResponse::Refused)
    );
    // A refused size reads as empty: the repeat has no instances.
    assert!(!f.is_relevant(member(&q, "member_age", 0)));
    f.jump(size).unwrap();
    assert!(
        f.advance().is_ok(),
        "a special response answers a required question"
    );
}

#[test]
fn multiple_choice_exclusive_and_other_please_specify() {
    let q = household();
    let mut f = interview(&q);
    f.set_answer(slot(&q, "consent"), yes()).unwrap();
    let needs = slot(&q, "needs");
    let err = f
        .set_answer(needs, choices(&["elderly", "none"]))
        .unwrap_err();
    assert_eq!(
        err.message,
        "'None of these' cannot be combined with other options"
    );
    assert_eq!(
        f.set_answer(needs, choices(&["other"]))
            .unwrap_err()
            .message,
        "Please specify the 'other' answer"
    );
    let with_text = Answer::Value(AnswerValue::Choices {
        values: vec!["other".into(), "children".into()],
        other: Some("助餐".into()),
    });
    f.set_answer(needs, with_text).unwrap();
    // Stored in list order.
    assert_eq!(
        f.answer(needs),
        Some(&Answer::Value(AnswerValue::Choices {
            values: vec!["children".into(), "other".into()],
            other: Some("助餐".into()),
        }))
    );
    // selected() on a multiple choice drives relevance.
    assert!(!f.is_relevant(slot(&q, "elderly_care")));
    f.set_answer(needs, choices(&["elderly"])).unwrap();
    assert!(f.is_relevant(slot(&q, "elderly_care")));
}

#[test]
fn choice_filter_narrows_the_options() {
    let q = household();
    let mut f = interview(&q);
    f.set_answer(slot(&q, "consent"), yes()).unwrap();
    let sub = slot(&q, "complaint_sub");
    assert!(!f.is_relevant(sub));
    f.set_answer(slot(&q, "complaint_category"), choice("env"))
        .unwrap();
    let offered: Vec<&str> = f
        .visible_choices(sub)
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(offered, ["litter", "noise", "other"]);
    assert!(f.set_answer(sub, choice("theft")).is_err());
    f.set_answer(slot(&q, "complaint_category"), choice("safety"))
        .unwrap();
    let offered: Vec<&str> = f
        .visible_choices(sub)
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(offered, ["theft", "other"]);
}

#[test]
fn labels_interpolate_resident_fields_and_answers() {
    let q = household();
    let mut f = interview(&q);
    let welcome = slot(&q, "welcome");
    assert_eq!(
        f.render_text(&q.questions[welcome.question].label, welcome),
        "Hello, 王芳"
    );
    f.set_language("zh");
    assert_eq!(
        f.render_text(&q.questions[welcome.question].label, welcome),
        "您好，王芳"
    );
    f.set_answer(slot(&q, "consent"), yes()).unwrap();
    f.set_answer(slot(&q, "size"), int(1)).unwrap();
    f.set_answer(member(&q, "member_age", 0), int(66)).unwrap();
    f.set_language("en");
    let bye = slot(&q, "bye");
    assert_eq!(
        f.render_text(&q.questions[bye.question].label, bye),
        "Thanks, 1 elderly"
    );
}

#[test]
fn finishing_needs_every_required_relevant_answer() {
    let q = household();
    let mut f = interview(&q);
    f.set_answer(slot(&q, "consent"), yes()).unwrap();
    let missing: Vec<String> = f
        .problems()
        .iter()
        .map(|p| q.questions[p.slot.question].id.clone())
        .collect();
    assert_eq!(missing, ["size", "patrol"]);
    f.set_answer(slot(&q, "size"), int(1)).unwrap();
    f.set_answer(member(&q, "member_age", 0), int(50)).unwrap();
    f.set_answer(slot(&q, "patrol"), rating(5)).unwrap();
    assert!(f.can_finish(), "{:?}", f.problems());
}

#[test]
fn paradata_records_shown_answered_and_changed_with_times() {
    let q = household();
    let mut f = interview(&q);
    f.start();
    f.advance().unwrap();
    let consent = slot(&q, "consent");
    f.set_answer(consent, yes()).unwrap();
    f.set_answer(consent, Answer::Value(AnswerValue::YesNo { value: false }))
        .unwrap();
    f.set_answer(consent, Answer::Value(AnswerValue::YesNo { value: false }))
        .unwrap();
    let kinds: Vec<(EventKind, Option<String>)> = f
        .take_events()
        .into_iter()
        .map(|e| (e.kind, e.question))
        .collect();
    let c = Some("consent".to_string());
    assert_eq!(
        kinds,
        [
            (EventKind::Shown, Some("welcome".into())),
            (EventKind::Shown, c.clone()),
            (EventKind::Answered, c.clone()),
            (EventKind::Changed, c),
        ]
    );
    assert!(f.take_events().is_empty());
}

#[test]
fn restored_interview_resumes_where_it_stopped() {
    let q = household();
    let answers = vec![(slot(&q, "consent"), yes()), (slot(&q, "size"), int(2))];
    let at = Step::Question(member(&q, "member_age", 1));
    let mut f = Interview::restore(&q, resident(), answers, [], Some(at));
    assert_eq!(f.start(), Some(at));
    assert_eq!(f.progress().answered, 2);
    // A position that is no longer reachable is dropped, not trusted.
    let stale = Step::Question(member(&q, "member_age", 5));
    let mut g = Interview::restore(
        &q,
        resident(),
        [(slot(&q, "consent"), yes())],
        [],
        Some(stale),
    );
    assert_eq!(id_at(&q, g.start()), "welcome");
}

#[path = "../../benches/support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

/// Known peers slow down and lose answers past ~100 repeat instances.
#[test]
fn a_repeat_of_250_members_keeps_every_answer_in_order() {
    let q =
        doorstep_core::questionnaire::load_str(&synthetic::with_repeat(), "repeat.toml").unwrap();
    let mut f = interview(&q);
    assert_eq!(id_at(&q, f.start()), "size");
    answer_and_advance(&mut f, int(250));
    let mut members = 0;
    while let Some(Step::Question(s)) = f.current() {
        match q.questions[s.question].id.as_str() {
            "m_age" => {
                assert_eq!(s.instance, Some(members));
                answer_and_advance(&mut f, int(20 + (members % 30) as i64));
                members += 1;
            }
            "summary" => break,
            _ => {
                f.advance().unwrap();
            }
        }
    }
    assert_eq!(members, 250);
    let ages: Vec<(u32, Answer)> = f
        .finished_answers()
        .into_iter()
        .filter(|(s, _)| q.questions[s.question].id == "m_age")
        .map(|(s, a)| (s.instance.unwrap(), a))
        .collect();
    assert_eq!(ages.len(), 250);
    for (i, (instance, a)) in ages.iter().enumerate() {
        assert_eq!(*instance, i as u32);
        assert_eq!(*a, int(20 + (i % 30) as i64));
    }
    let expected: i64 = (0..250).map(|i| 20 + (i % 30)).sum();
    let summary = slot(&q, "summary");
    assert_eq!(
        f.render_text(&q.questions[summary.question].label, summary),
        format!("合计 {expected}")
    );
}
