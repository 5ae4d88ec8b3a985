//! Store benchmarks: importing 100,000 residents, one durable answer save
//! (alone, and as the app makes it with its paradata and position),
//! and the first screenful of the resident list on a full day's database.
//! Files live under the target directory (a real disk, not tmpfs or
//! `:memory:`), so fsync costs are real.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use doorstep_core::assignment::{Disposition, Resident};
use doorstep_core::interview::{Answer, AnswerValue, EventKind, ParadataEvent};
use doorstep_core::questionnaire::load_str;
use doorstep_store::{InterviewStatus, Progress, ResidentStatus, SavedPosition, Store};
use tempfile::TempDir;

const SOURCE: &str = include_str!("../tests/fixtures/household.toml");

fn tmp() -> TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

fn residents(n: usize) -> Vec<Resident> {
    (0..n)
        .map(|i| {
            // Ids do not follow walking order, as in real lists.
            let room = i % 125;
            let unit = (i / 125) % 4;
            let building = (i / 500) % 40;
            let community = i / 20_000;
            Resident {
                resident_id: format!("R{:06}", (i * 7919) % n),
                name: format!("Resident {i}"),
                address: format!("Road {community}, {building}-{unit}-{room}"),
                community: Some(format!("Community {community}")),
                grid: Some(format!("G{}", building / 10)),
                building: Some(format!("{}", building + 1)),
                unit: Some(format!("{}", unit + 1)),
                room: Some(format!("{}{:02}", room / 5 + 1, room % 5 + 1)),
                phone: Some(format!("138{i:08}")),
                attributes: BTreeMap::from([("age_group".into(), "40-49".into())]),
            }
        })
        .collect()
}

fn fresh(dir: &Path) -> Store {
    Store::open(dir.join("doorstep.sqlite3")).unwrap()
}

fn bench_upsert(c: &mut Criterion) {
    let list = residents(100_000);
    c.bench_function("upsert_residents_100k_fresh", |b| {
        b.iter_batched_ref(
            || {
                let dir = tmp();
                let store = fresh(dir.path());
                (dir, store)
            },
            |(_dir, store)| black_box(store.upsert_residents(&list).unwrap()),
            BatchSize::PerIteration,
        )
    });
}

fn bench_save_answer(c: &mut Criterion) {
    let dir = tmp();
    let store = fresh(dir.path());
    store
        .register_questionnaire(&load_str(SOURCE, "h.toml").unwrap(), SOURCE)
        .unwrap();
    store.upsert_residents(&residents(10)).unwrap();
    let iid = store
        .start_interview("R000000", "household", "1", "S01", Utc::now())
        .unwrap();
    let mut n = 0u32;
    c.bench_function("save_answer_durable", |b| {
        b.iter(|| {
            n += 1;
            let answer = Answer::Value(AnswerValue::Rating {
                value: i64::from(n % 5),
            });
            black_box(
                store
                    .save_answer(iid, &format!("q{}", n % 40), None, &answer, Utc::now())
                    .unwrap(),
            )
        })
    });
}

/// One confirmed answer as the app saves it: the answer, its history row,
/// two paradata events and the position, in one transaction.
fn bench_save_answer_step(c: &mut Criterion) {
    let dir = tmp();
    let store = fresh(dir.path());
    store
        .register_questionnaire(&load_str(SOURCE, "h.toml").unwrap(), SOURCE)
        .unwrap();
    store.upsert_residents(&residents(10)).unwrap();
    let iid = store
        .start_interview("R000000", "household", "1", "S01", Utc::now())
        .unwrap();
    let mut n = 0u32;
    c.bench_function("save_answer_step_durable", |b| {
        b.iter(|| {
            n += 1;
            let (question, next) = (format!("q{}", n % 40), format!("q{}", (n + 1) % 40));
            let now = Utc::now();
            let event = |kind, q: &str| ParadataEvent {
                at: now,
                kind,
                question: Some(q.to_string()),
                instance: None,
                detail: None,
            };
            let events = [
                event(EventKind::Answered, &question),
                event(EventKind::Shown, &next),
            ];
            let position = SavedPosition::Question {
                question_id: next.clone(),
                instance: None,
            };
            let answer = Answer::Value(AnswerValue::Rating {
                value: i64::from(n % 5),
            });
            let progress = Progress {
                events: &events,
                position: Some(&position),
                added_instances: &[],
                calculates: None,
            };
            black_box(
                store
                    .save_answer_step(iid, &question, None, Some(&answer), now, progress)
                    .unwrap(),
            )
        })
    });
}

/// 100,000 residents, 10,000 interviews (most finished) with answers,
/// plus no-contact visits. Built with synchronous=OFF (setup only).
fn full_day(dir: &Path) -> PathBuf {
    let store = fresh(dir);
    store
        .connection()
        .pragma_update(None, "synchronous", "OFF")
        .unwrap();
    store
        .register_questionnaire(&load_str(SOURCE, "h.toml").unwrap(), SOURCE)
        .unwrap();
    let list = residents(100_000);
    store.upsert_residents(&list).unwrap();
    let now = Utc::now();
    for (i, r) in list.iter().step_by(10).enumerate() {
        let id = &r.resident_id;
        let iid = store
            .start_interview(id, "household", "1", "S01", now)
            .unwrap();
        for q in 0..3 {
            store
                .save_answer(
                    iid,
                    &format!("q{q}"),
                    None,
                    &Answer::Value(AnswerValue::Rating { value: 3 }),
                    now,
                )
                .unwrap();
        }
        if i % 10 != 0 {
            store
                .finish_interview(iid, InterviewStatus::Completed, Disposition::Complete, now)
                .unwrap();
        }
    }
    for r in list.iter().skip(1).step_by(10) {
        store
            .record_visit(
                &r.resident_id,
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
    store.path().to_path_buf()
}

fn bench_first_page(c: &mut Criterion) {
    let dir = tmp();
    let path = full_day(dir.path());
    c.bench_function("open_and_first_page_50_of_100k", |b| {
        b.iter(|| {
            let store = Store::open(&path).unwrap();
            black_box(store.residents_page(None, 0, 50).unwrap())
        })
    });
    let store = Store::open(&path).unwrap();
    c.bench_function("first_page_50_of_100k", |b| {
        b.iter(|| black_box(store.residents_page(None, 0, 50).unwrap()))
    });
    c.bench_function("first_page_50_to_visit", |b| {
        b.iter(|| {
            black_box(
                store
                    .residents_page(Some(ResidentStatus::ToVisit), 0, 50)
                    .unwrap(),
            )
        })
    });
    c.bench_function("status_counts_100k", |b| {
        b.iter(|| black_box(store.status().unwrap()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench_upsert, bench_save_answer, bench_save_answer_step, bench_first_page
}
criterion_main!(benches);
