//! Failures the laptop will meet: a full disk, a read-only data directory,
//! and another doorstep holding the database. Each must come back as the
//! right `StoreError`, lose nothing already saved, and recover.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use doorstep_core::assignment::{Disposition, Resident};
use doorstep_core::interview::{Answer, AnswerValue, EventKind, ParadataEvent};
use doorstep_core::questionnaire::load_str;
use doorstep_store::{
    AnswerHistoryEntry, InterviewStatus, NewVisit, Progress, SavedInterview, SavedPosition, Store,
    StoreError, StoreOptions, Visit,
};
use uuid::Uuid;

fn setup(path: &Path) -> (Store, Uuid) {
    let source = include_str!("../fixtures/household.toml");
    let store = Store::open(path).unwrap();
    store
        .register_questionnaire(&load_str(source, "household.toml").unwrap(), source)
        .unwrap();
    store
        .upsert_residents(&[Resident {
            resident_id: "R1".into(),
            name: "Resident".into(),
            address: "1-1-101".into(),
            community: None,
            grid: None,
            building: None,
            unit: None,
            room: None,
            phone: None,
            attributes: Default::default(),
        }])
        .unwrap();
    let iid = store
        .start_interview("R1", "household", "1", "S01", Utc::now())
        .unwrap();
    (store, iid)
}

fn text(n: usize) -> Answer {
    Answer::Value(AnswerValue::Text {
        value: format!("{n}:{}", "y".repeat(1500)),
    })
}

#[test]
fn full_disk_loses_nothing_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let (store, iid) = setup(&path);
    let pages: i64 = store
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    // Cap the file a few pages above its size: the disk "fills up".
    store
        .connection()
        .pragma_update(None, "max_page_count", pages + 8)
        .unwrap();
    let mut saved = Vec::new();
    let failed_at = loop {
        let n = saved.len();
        assert!(n < 10_000, "the cap never bit");
        match store.save_answer(iid, &format!("q{n}"), None, &text(n), Utc::now()) {
            Ok(id) => saved.push(id),
            Err(StoreError::DiskFull) => break n,
            Err(other) => panic!("expected DiskFull, got {other:?}"),
        }
    };
    assert!(failed_at > 0, "nothing fitted before the cap");
    let err = StoreError::DiskFull.to_string();
    assert!(err.contains("NOT saved") && err.contains("safe"), "{err}");
    // Other writes fail the same way and do not disturb anything.
    for _ in 0..3 {
        assert!(matches!(
            store.save_answer(iid, "again", None, &text(0), Utc::now()),
            Err(StoreError::DiskFull)
        ));
    }
    let check = |store: &Store, upto: usize| {
        let saved_now = store.load_interview(iid).unwrap();
        assert_eq!(saved_now.answers.len(), upto);
        for (n, (q, instance, a)) in saved_now.answers.iter().enumerate() {
            assert_eq!(
                (q.as_str(), *instance, a),
                (format!("q{n}").as_str(), None, &text(n))
            );
        }
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    };
    check(&store, failed_at);
    // Space comes back: the same call now succeeds.
    store
        .connection()
        .pragma_update(None, "max_page_count", 1_073_741_823)
        .unwrap();
    store
        .save_answer(
            iid,
            &format!("q{failed_at}"),
            None,
            &text(failed_at),
            Utc::now(),
        )
        .unwrap();
    drop(store);
    check(&Store::open(&path).unwrap(), failed_at + 1);
}

#[test]
fn read_only_store_reads_but_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let (store, iid) = setup(&path);
    store
        .save_answer(iid, "q", None, &text(1), Utc::now())
        .unwrap();
    let ro = Store::open_with(
        &path,
        StoreOptions {
            read_only: true,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    assert_eq!(ro.device_id(), store.device_id());
    assert_eq!(ro.load_interview(iid).unwrap().answers.len(), 1);
    assert_eq!(ro.status().unwrap().in_progress, 1);
    let err = ro
        .save_answer(iid, "q2", None, &text(2), Utc::now())
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly), "{err:?}");
    assert!(matches!(
        ro.record_visit(
            "R1",
            NewVisit {
                at: Utc::now(),
                disposition: Disposition::NoOneHome,
                note: None,
                appointment: None,
                interview_id: None,
            }
        ),
        Err(StoreError::ReadOnly)
    ));
    drop(ro);
    drop(store);

    // File permissions: only meaningful when they are enforced on us
    // (root writes regardless).
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.path().join("probe");
    std::fs::write(&probe, "").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o444)).unwrap();
    if std::fs::OpenOptions::new().write(true).open(&probe).is_ok() {
        eprintln!("running as root: skipping the chmod part of the read-only test");
        return;
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly), "{err:?}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    Store::open(&path).unwrap();
}

#[test]
fn locked_database_reports_locked_then_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let (store, iid) = setup(&path);
    drop(store);
    let timeout = Duration::from_millis(150);
    let store = Store::open_with(
        &path,
        StoreOptions {
            busy_timeout: timeout,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();

    let start = Instant::now();
    let err = store
        .save_answer(iid, "q", None, &text(1), Utc::now())
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked), "{err:?}");
    assert!(
        start.elapsed() >= timeout,
        "gave up before the busy timeout"
    );
    assert!(err.to_string().contains("another doorstep"));
    // Reading still works while the other holds the write lock (WAL).
    assert_eq!(store.load_interview(iid).unwrap().answers.len(), 0);
    // Opening does too (the schema is current, so no write is needed).
    let second = Store::open_with(
        &path,
        StoreOptions {
            busy_timeout: timeout,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    drop(second);

    other.execute_batch("COMMIT").unwrap();
    let id = store
        .save_answer(iid, "q", None, &text(1), Utc::now())
        .unwrap();
    assert_eq!(store.answer_history(iid).unwrap()[0].id, id);
}

/// What a step writes, to compare before and after a failed one.
fn written(store: &Store, iid: Uuid) -> (SavedInterview, Vec<AnswerHistoryEntry>, Vec<Visit>) {
    (
        store.load_interview(iid).unwrap(),
        store.answer_history(iid).unwrap(),
        store.visits("R1").unwrap(),
    )
}

fn step_event(detail: &str) -> ParadataEvent {
    ParadataEvent {
        // Whole seconds: the store keeps microseconds.
        at: chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
        kind: EventKind::Answered,
        question: Some("q".into()),
        instance: None,
        detail: Some(detail.into()),
    }
}

fn at_question(id: &str) -> SavedPosition {
    SavedPosition::Question {
        question_id: id.into(),
        instance: None,
    }
}

#[test]
fn an_answer_step_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let (store, iid) = setup(&path);
    let added = [("members".to_string(), 1)];
    let first = [step_event("first")];
    let calc = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let calc1 = calc(&[("elderly_count", "0"), ("is_elderly[0]", "0")]);
    let calc2 = calc(&[("elderly_count", "1")]);
    let calc_fails = calc(&[("elderly_count", "fail")]);
    store
        .save_answer_step(
            iid,
            "q1",
            None,
            Some(&text(1)),
            Utc::now(),
            Progress {
                events: &first,
                position: Some(&at_question("q2")),
                added_instances: &added,
                calculates: Some(&calc1),
            },
        )
        .unwrap();
    let before = written(&store, iid);
    assert_eq!(before.0.answers.len(), 1);
    assert_eq!(before.0.events, first);
    assert_eq!(before.0.calculates, calc1, "saved with the answer");

    // Failures injected part-way: after the answer and its history row,
    // among the paradata; then after the paradata, at the position; then
    // at the very end of a finish, when the visit is recorded. (Temporary
    // triggers: they live in this connection only.)
    store
        .connection()
        .execute_batch(
            "CREATE TEMP TRIGGER fail_event BEFORE INSERT ON events
               WHEN NEW.detail = 'fail' BEGIN SELECT RAISE(ABORT, 'injected'); END;
             CREATE TEMP TRIGGER fail_position BEFORE UPDATE OF position_id ON interviews
               WHEN NEW.position_id = 'fail' BEGIN SELECT RAISE(ABORT, 'injected'); END;
             CREATE TEMP TRIGGER fail_visit BEFORE INSERT ON visits
               BEGIN SELECT RAISE(ABORT, 'injected'); END;
             CREATE TEMP TRIGGER fail_calculate BEFORE INSERT ON calculates
               WHEN NEW.value = 'fail' BEGIN SELECT RAISE(ABORT, 'injected'); END;",
        )
        .unwrap();
    let more = [("members".to_string(), 2)];
    let fails_on_event = [step_event("ok"), step_event("fail")];
    let fine = [step_event("second")];
    for (answer, events, position, calculates) in [
        (
            Some(text(2)),
            &fails_on_event[..],
            at_question("q3"),
            &calc2,
        ),
        (Some(text(2)), &fine[..], at_question("fail"), &calc2),
        // The calculates' values, last in the step.
        (Some(text(2)), &fine[..], at_question("q3"), &calc_fails),
        // A cleared answer too.
        (None, &fails_on_event[..], at_question("q3"), &calc2),
        (None, &fine[..], at_question("fail"), &calc2),
        (None, &fine[..], at_question("q3"), &calc_fails),
    ] {
        let step = Progress {
            events,
            position: Some(&position),
            added_instances: &more,
            calculates: Some(calculates),
        };
        let question = if answer.is_some() { "q2" } else { "q1" };
        store
            .save_answer_step(iid, question, None, answer.as_ref(), Utc::now(), step)
            .unwrap_err();
        assert_eq!(written(&store, iid), before, "a failed step left a trace");
    }
    // Paradata and position go with the finish, or not at all.
    let finish = Progress {
        events: &fine,
        position: None,
        added_instances: &more,
        calculates: None,
    };
    store
        .finish_interview_step(
            iid,
            InterviewStatus::Completed,
            Disposition::Complete,
            Utc::now(),
            finish,
        )
        .unwrap_err();
    assert_eq!(written(&store, iid), before, "a failed finish left a trace");
    drop(store);
    assert_eq!(written(&Store::open(&path).unwrap(), iid), before);

    // Without the faults the same step is saved whole.
    let store = Store::open(&path).unwrap();
    let id = store
        .save_answer_step(
            iid,
            "q2",
            None,
            Some(&text(2)),
            Utc::now(),
            Progress {
                events: &fine,
                position: Some(&at_question("q3")),
                added_instances: &more,
                calculates: Some(&calc2),
            },
        )
        .unwrap()
        .unwrap();
    let (saved, history, _) = written(&store, iid);
    // The new values replace the old; one no longer relevant is cleared.
    assert_eq!(saved.calculates, calc2);
    assert_eq!(history.last().map(|h| h.id), Some(id));
    assert_eq!(saved.answers.last().map(|a| &a.2), Some(&text(2)));
    assert_eq!(saved.events.last(), fine.last());
    assert_eq!(saved.position, Some(at_question("q3")));
    assert_eq!(saved.added_instances, more);
    let visit = store
        .finish_interview_step(
            iid,
            InterviewStatus::Completed,
            Disposition::Complete,
            Utc::now(),
            finish,
        )
        .unwrap();
    let (saved, _, visits) = written(&store, iid);
    assert_eq!(visits.iter().map(|v| v.id).collect::<Vec<_>>(), [visit.id]);
    assert_eq!(saved.record.status, InterviewStatus::Completed);
    assert_eq!(saved.events.len(), 3);
    assert_eq!(saved.position, None);
}
