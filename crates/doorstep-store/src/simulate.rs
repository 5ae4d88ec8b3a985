//! Synthetic field work for demos, supervisor training and benchmarks:
//! visits with a realistic mix of outcomes, and interviews answered as a
//! surveyor would (valid under the questionnaire's rules and skip logic,
//! with plausible time on each question), written through the same store
//! calls as the app, answer by answer. The same seed and day give the same
//! data.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use uuid::Uuid;

use crate::{InterviewStatus, NewVisit, Progress, SavedPosition, Store, StoreError};
use doorstep_core::assignment::Disposition;
use doorstep_core::assignment::status::ResidentStatus;
use doorstep_core::interview::{Answer, AnswerValue, Interview, Slot, SpecialResponse, Step};
use doorstep_core::questionnaire::{OTHER_CHOICE, QuestionKind, Questionnaire};

pub struct SimulateOptions {
    /// Interviews to produce (complete, partial or broken off); the other
    /// visits around them come in proportion.
    pub interviews: usize,
    pub seed: u64,
    pub surveyor_id: String,
    /// The first day of the work: visits from 09:00 local time, or after the
    /// store's latest work when that is later (a second run goes on where
    /// the first stopped: one surveyor is never in two places at once);
    /// work that would start after 20:00 goes on at 09:00 the next day.
    pub day: NaiveDate,
    /// A hurried, careless surveyor (for training supervisors): a second
    /// or two per question and the same value on every rating item, which
    /// the quality flags catch as speeding and straight-lining.
    pub careless: bool,
}

/// The simulated surveyors' clock: China Standard Time, the bundled
/// survey's city, and the quality flags' default working-hours offset, so
/// that simulated work happens inside working hours.
const LOCAL_UTC_OFFSET_HOURS: i64 = 8;
const WORKDAY_START_HOUR: u32 = 9;
const WORKDAY_LAST_START_HOUR: u32 = 20;

/// 09:00 local time on `day`, in UTC.
fn workday_start(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(
        &day.and_time(NaiveTime::from_hms_opt(WORKDAY_START_HOUR, 0, 0).unwrap_or_default()),
    ) - Duration::hours(LOCAL_UTC_OFFSET_HOURS)
}

/// `now`, or the next morning when `now` is past the last start of the day.
fn within_workday(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now + Duration::hours(LOCAL_UTC_OFFSET_HOURS);
    let day = local.date_naive();
    if local.time() >= NaiveTime::from_hms_opt(WORKDAY_LAST_START_HOUR, 0, 0).unwrap_or_default() {
        workday_start(day + Duration::days(1))
    } else if now < workday_start(day) {
        workday_start(day)
    } else {
        now
    }
}

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct SimulateReport {
    pub visits: usize,
    pub interviews: usize,
    pub completed: usize,
    pub partial: usize,
    pub break_offs: usize,
    pub refusals: usize,
    pub no_contact: usize,
    pub appointments: usize,
    pub other: usize,
    pub answers: usize,
    /// Residents ran out before the requested number of interviews.
    pub ran_out_of_residents: bool,
}

/// Outcome of a first visit at the door, in per mille (AAPOR-plausible for
/// an in-person household survey).
const OUTCOMES: [(Disposition, u32); 11] = [
    (Disposition::Complete, 500),
    (Disposition::Partial, 30),
    (Disposition::BreakOff, 20),
    (Disposition::Refusal, 120),
    (Disposition::NoOneHome, 200),
    (Disposition::RespondentAway, 50),
    (Disposition::Appointment, 40),
    (Disposition::LanguageBarrier, 10),
    (Disposition::Unable, 10),
    (Disposition::Moved, 10),
    (Disposition::VacantOrNotResidence, 10),
];

const PRAISE: [&str; 5] = [
    "社区工作人员很热情，办事效率高",
    "楼道保洁比去年好多了",
    "老年食堂饭菜实惠，很方便",
    "The community staff are helpful and quick",
    "夜间巡逻明显增加，感觉更安全",
];
const COMPLAINTS: [&str; 5] = [
    "3栋门口垃圾桶满了没人清理，夏天气味很大",
    "小区东门路灯坏了两个星期还没修",
    "电动车在楼道充电，存在安全隐患",
    "The lift in building 2 breaks down every week",
    "物业维修报修后一直没人上门处理",
];
const PLACES: [&str; 4] = [
    "3栋2单元门口",
    "东门停车场",
    "Building 5 lobby",
    "小区中心花园",
];

pub fn simulate(
    store: &Store,
    q: &Questionnaire,
    opts: &SimulateOptions,
) -> Result<SimulateReport, StoreError> {
    // Before any visit is recorded, not at the first interview.
    doorstep_batch::id::validate_id("surveyor id", &opts.surveyor_id)
        .map_err(|e| StoreError::InvalidId(e.to_string()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut report = SimulateReport::default();
    let mut now = workday_start(opts.day).max(store.latest_work_at()?.unwrap_or_default());
    const PAGE: u64 = 500;
    'outer: while report.interviews < opts.interviews {
        let page = store.residents_page(Some(ResidentStatus::ToVisit), 0, PAGE)?;
        if page.is_empty() {
            report.ran_out_of_residents = true;
            break;
        }
        // Every resident visited leaves the to-visit filter, so the next
        // page starts again at the top.
        for row in page {
            if report.interviews >= opts.interviews {
                break 'outer;
            }
            let resident = row.resident;
            now = within_workday(now + Duration::seconds(rng.random_range(60..600)));
            let disposition = pick_outcome(&mut rng);
            report.visits += 1;
            if disposition.is_interview() {
                let answers =
                    interview(store, q, &resident, disposition, opts, &mut rng, &mut now)?;
                report.answers += answers;
                report.interviews += 1;
                match disposition {
                    Disposition::Complete => report.completed += 1,
                    Disposition::Partial => report.partial += 1,
                    _ => report.break_offs += 1,
                }
            } else {
                let appointment = (disposition == Disposition::Appointment).then(|| {
                    (now + Duration::days(1)).naive_local().date().and_time(
                        NaiveTime::from_hms_opt(rng.random_range(9..20), 0, 0).unwrap_or_default(),
                    )
                });
                let note = match disposition {
                    Disposition::Refusal => Some("不愿意接受访问".to_string()),
                    Disposition::NoOneHome => Some("敲门无人应答".to_string()),
                    _ => None,
                };
                store.record_visit(
                    &resident.resident_id,
                    NewVisit {
                        at: now,
                        disposition,
                        note,
                        appointment,
                        interview_id: None,
                    },
                )?;
                match disposition {
                    Disposition::Refusal => report.refusals += 1,
                    d if d.is_no_contact() => report.no_contact += 1,
                    Disposition::Appointment => report.appointments += 1,
                    _ => report.other += 1,
                }
            }
        }
    }
    Ok(report)
}

fn pick_outcome(rng: &mut ChaCha8Rng) -> Disposition {
    let mut roll = rng.random_range(0..1000);
    for (d, w) in OUTCOMES {
        if roll < w {
            return d;
        }
        roll -= w;
    }
    Disposition::Complete
}

/// Runs one interview through the flow and the store; returns answers saved.
fn interview(
    store: &Store,
    q: &Questionnaire,
    resident: &doorstep_core::assignment::Resident,
    disposition: Disposition,
    opts: &SimulateOptions,
    rng: &mut ChaCha8Rng,
    now: &mut DateTime<Utc>,
) -> Result<usize, StoreError> {
    let clock = Arc::new(Mutex::new(*now));
    let read = Arc::clone(&clock);
    let started = *now;
    let id = uuid_v7_at(started, store.device_id(), rng);
    store.start_interview_with_id(
        id,
        &resident.resident_id,
        &q.id,
        &q.version,
        &opts.surveyor_id,
        started,
    )?;
    let mut flow =
        Interview::new(q, resident.expression_fields()).with_clock(Arc::new(move || {
            *read.lock().unwrap_or_else(|e| e.into_inner())
        }));
    // Partial and broken-off interviews stop part of the way in.
    let stop_after = match disposition {
        Disposition::Complete => usize::MAX,
        Disposition::Partial => rng.random_range(15..30),
        _ => rng.random_range(2..10),
    };
    let mut saved = 0;
    let mut step = flow.start();
    let mut asked = 0;
    while let Some(s) = step {
        if asked >= stop_after {
            break;
        }
        asked += 1;
        // Reading the question and hearing the answer: a few seconds to half a minute.
        let think = if opts.careless {
            rng.random_range(1..3)
        } else {
            rng.random_range(4..25)
                + if rng.random_bool(0.1) {
                    rng.random_range(20..60)
                } else {
                    0
                }
        };
        *now += Duration::seconds(think);
        *clock.lock().unwrap_or_else(|e| e.into_inner()) = *now;
        match s {
            Step::AddAnother(_) => {
                step = flow.answer_add_another(rng.random_bool(0.3));
                continue;
            }
            Step::Question(slot) => {
                let answer = match opts.careless {
                    true => same_rating(&flow, slot),
                    false => None,
                }
                .or_else(|| choose_answer(&flow, slot, opts.day, rng));
                if let Some(answer) = answer {
                    // The answer was checked by `choose_answer`.
                    let _ = flow.set_answer(slot, answer.clone());
                    saved += 1;
                    // As the app does: the answer, its paradata and the
                    // position after it in one transaction.
                    let next = flow.advance();
                    let events = flow.take_events();
                    let position = flow.current().and_then(|s| SavedPosition::from_step(q, s));
                    let added: Vec<(String, u32)> = flow
                        .added_instances()
                        .map(|(s, n)| (q.sections[s].id.clone(), n))
                        .collect();
                    let qid = &q.questions[slot.question].id;
                    let calculates = doorstep_batch::recorded_calculates(&flow);
                    let progress = Progress {
                        events: &events,
                        position: position.as_ref(),
                        added_instances: &added,
                        calculates: Some(&calculates),
                    };
                    store.save_answer_step(
                        id,
                        qid,
                        slot.instance,
                        Some(&answer),
                        *now,
                        progress,
                    )?;
                    step = match next {
                        Ok(next) => next,
                        Err(_) => break,
                    };
                    continue;
                }
            }
        }
        store.save_events(id, &flow.take_events())?;
        step = match flow.advance() {
            Ok(next) => next,
            Err(_) => break,
        };
    }
    let events = flow.take_events();
    let position = flow.current().and_then(|s| SavedPosition::from_step(q, s));
    let added: Vec<(String, u32)> = flow
        .added_instances()
        .map(|(s, n)| (q.sections[s].id.clone(), n))
        .collect();
    let status = if disposition == Disposition::Complete && flow.can_finish() {
        InterviewStatus::Completed
    } else {
        InterviewStatus::Abandoned
    };
    let disposition =
        if status == InterviewStatus::Abandoned && disposition == Disposition::Complete {
            Disposition::Partial
        } else {
            disposition
        };
    *now += Duration::seconds(rng.random_range(20..90));
    // The paradata and position left, in the finish's transaction.
    let calculates = doorstep_batch::recorded_calculates(&flow);
    let progress = Progress {
        events: &events,
        position: position.as_ref(),
        added_instances: &added,
        calculates: Some(&calculates),
    };
    store.finish_interview_step(id, status, disposition, *now, progress)?;
    Ok(saved)
}

/// A UUID v7 for a simulated moment, random bits from the seeded generator
/// mixed with the device id: two laptops simulating with one seed must not
/// make the same interview ids.
fn uuid_v7_at(at: DateTime<Utc>, device: Uuid, rng: &mut ChaCha8Rng) -> Uuid {
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes);
    for (b, d) in bytes.iter_mut().zip(device.as_bytes().iter().rev()) {
        *b ^= d;
    }
    uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis().max(0) as u64, &bytes)
        .into_uuid()
}

/// The top of the scale on a rating item, whatever the question.
fn same_rating(flow: &Interview<'_>, slot: Slot) -> Option<Answer> {
    let question = &flow.questionnaire().questions[slot.question];
    let QuestionKind::Rating { max, .. } = question.kind else {
        return None;
    };
    flow.check(slot, Answer::Value(AnswerValue::Rating { value: max }))
        .ok()
}

/// An answer the flow accepts, or `None` to leave an optional question.
fn choose_answer(
    flow: &Interview<'_>,
    slot: Slot,
    day: NaiveDate,
    rng: &mut ChaCha8Rng,
) -> Option<Answer> {
    let q = flow.questionnaire();
    let question = &q.questions[slot.question];
    if !question.kind.is_answerable() {
        return None;
    }
    let specials = q.specials_for(question);
    if !question.required && rng.random_bool(0.15) {
        return None;
    }
    if !specials.is_empty() && rng.random_bool(0.03) {
        let s = if rng.random_bool(0.7) {
            SpecialResponse::DontKnow
        } else {
            SpecialResponse::Refused
        };
        if let Ok(a) = flow.check(slot, Answer::special(s)) {
            return Some(a);
        }
    }
    for _ in 0..30 {
        let Some(v) = candidate(flow, slot, day, rng) else {
            break;
        };
        if let Ok(a) = flow.check(slot, Answer::Value(v)) {
            return Some(a);
        }
    }
    // Nothing valid came up: a surveyor would record "don't know".
    specials
        .iter()
        .find_map(|s| flow.check(slot, Answer::special(*s)).ok())
        .filter(|_| question.required)
}

fn candidate(
    flow: &Interview<'_>,
    slot: Slot,
    day: NaiveDate,
    rng: &mut ChaCha8Rng,
) -> Option<AnswerValue> {
    let q = flow.questionnaire();
    let question = &q.questions[slot.question];
    Some(match &question.kind {
        QuestionKind::SingleChoice(_) => {
            let choices = flow.visible_choices(slot);
            let c = choices.choose(rng)?;
            let other = (c.value == OTHER_CHOICE).then(|| "其他情况".to_string());
            AnswerValue::Choice {
                value: c.value.clone(),
                other,
            }
        }
        QuestionKind::MultipleChoice(_) => {
            let choices = flow.visible_choices(slot);
            if let Some(excl) = choices.iter().find(|c| c.exclusive)
                && rng.random_bool(0.1)
            {
                AnswerValue::Choices {
                    values: vec![excl.value.clone()],
                    other: None,
                }
            } else {
                let plain: Vec<_> = choices.iter().filter(|c| !c.exclusive).collect();
                let n = rng.random_range(1..=plain.len().clamp(1, 3));
                let mut values: Vec<String> =
                    plain.sample(rng, n).map(|c| c.value.clone()).collect();
                values.dedup();
                let other = values
                    .iter()
                    .any(|v| v == OTHER_CHOICE)
                    .then(|| "社区食堂".to_string());
                AnswerValue::Choices { values, other }
            }
        }
        QuestionKind::Rating { min, max, .. } => {
            // Mostly satisfied, some not: a skewed draw over the scale.
            let span = (max - min) as f64;
            let u: f64 = rng.random_range(0.0..1.0);
            let skewed = 1.0 - (1.0 - u) * (1.0 - u);
            AnswerValue::Rating {
                value: min + (skewed * span).round() as i64,
            }
        }
        QuestionKind::YesNo => AnswerValue::YesNo {
            // Consent-like questions (required, no way out) are yes: a "no"
            // there is a refusal at the door, which the outcome mix covers.
            value: (question.required && !question.allow_special) || rng.random_bool(0.7),
        },
        QuestionKind::Integer { min, max } => {
            let lo = min.unwrap_or(0);
            let hi = max.unwrap_or(lo + 100).min(lo + 8).max(lo);
            AnswerValue::Integer {
                value: rng.random_range(lo..=hi),
            }
        }
        QuestionKind::Decimal { min, max } => {
            let lo = min.unwrap_or(0.0);
            let hi = max.unwrap_or(lo + 100.0).max(lo);
            AnswerValue::Decimal {
                value: (rng.random_range(lo..=hi) * 10.0).round() / 10.0,
            }
        }
        QuestionKind::Text { max_length, .. } => {
            let pool: Vec<String> = PRAISE
                .iter()
                .chain(COMPLAINTS.iter())
                .chain(PLACES.iter())
                .map(|s| s.to_string())
                .chain(std::iter::once(format!(
                    "1{}{:09}",
                    rng.random_range(3..10),
                    rng.random_range(0..1_000_000_000u64)
                )))
                .collect();
            let mut value = pool.choose(rng)?.clone();
            if let Some(m) = max_length {
                value = value.chars().take(*m).collect();
            }
            AnswerValue::Text { value }
        }
        QuestionKind::Date => AnswerValue::Date {
            value: day - Duration::days(rng.random_range(0..365)),
        },
        QuestionKind::Time => AnswerValue::Time {
            value: NaiveTime::from_hms_opt(
                rng.random_range(8..21),
                [0, 15, 30, 45][rng.random_range(0..4)],
                0,
            )?,
        },
        QuestionKind::Note | QuestionKind::Calculate { .. } => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_mix_adds_up_to_one_thousand() {
        assert_eq!(OUTCOMES.iter().map(|(_, w)| w).sum::<u32>(), 1000);
    }

    #[test]
    fn work_happens_between_nine_and_eight_local_time() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let at = |d: u32, h: u32, m: u32| Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap();
        // 09:00 at UTC+8 is 01:00 UTC.
        assert_eq!(workday_start(day), at(20, 1, 0));
        assert_eq!(within_workday(at(20, 5, 30)), at(20, 5, 30));
        // 20:00 local (12:00 UTC) is too late to knock: the next morning.
        assert_eq!(within_workday(at(20, 11, 59)), at(20, 11, 59));
        assert_eq!(within_workday(at(20, 12, 0)), at(21, 1, 0));
        // Before 09:00 local: wait for 09:00.
        assert_eq!(within_workday(at(20, 23, 30)), at(21, 1, 0));
    }

    /// A second run on the same day goes on after the first: the demo's
    /// surveyor who exports twice was interviewing two households at once
    /// (the overlap flag caught it).
    #[test]
    fn a_second_run_goes_on_after_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in_dir(dir.path()).unwrap();
        let q = crate::demo::load(&store).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let times = |store: &Store| -> Vec<(String, String)> {
            let mut stmt = store
                .connection()
                .prepare("SELECT started_at, ended_at FROM interviews ORDER BY started_at")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        for seed in [1, 2] {
            let opts = SimulateOptions {
                interviews: 3,
                seed,
                surveyor_id: "S01".into(),
                day,
                careless: false,
            };
            simulate(&store, &q, &opts).unwrap();
        }
        let all = times(&store);
        assert_eq!(all.len(), 6);
        for w in all.windows(2) {
            assert!(w[0].1 <= w[1].0, "{} ends after {} starts", w[0].1, w[1].0);
        }
    }

    /// The hostile-input report: `simulate --seed 1` twice on one store
    /// once failed with "UNIQUE constraint failed: interviews.id", because
    /// both runs started at the same moment with the same random stream.
    /// A second run now starts after the first one's work, so the same seed
    /// gives new moments and new ids.
    #[test]
    fn the_same_seed_twice_makes_new_interviews() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in_dir(dir.path()).unwrap();
        let q = crate::demo::load(&store).unwrap();
        let opts = SimulateOptions {
            interviews: 3,
            seed: 1,
            surveyor_id: "S01".into(),
            day: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            careless: false,
        };
        let first = simulate(&store, &q, &opts).unwrap();
        let second = simulate(&store, &q, &opts).unwrap();
        assert_eq!((first.interviews, second.interviews), (3, 3));
        let (rows, distinct): (i64, i64) = store
            .connection()
            .query_row(
                "SELECT COUNT(*), COUNT(DISTINCT id) FROM interviews",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((rows, distinct), (6, 6));
    }
}
