//! The store's API on temporary directories: schema, registry, residents,
//! visits, interviews, answers, resume and status counts.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use doorstep_core::assignment::{Disposition, Resident};
use doorstep_core::interview::{
    Answer, AnswerValue, EventKind, Interview, ParadataEvent, Slot, SpecialResponse, Step,
};
use doorstep_core::questionnaire::{Questionnaire, load_str};
use doorstep_store::config::{self, Config, ConfigError};
use doorstep_store::{
    InterviewStatus, MergeCounts, NewVisit, ResidentStatus, SCHEMA_VERSION, SavedPosition, Store,
    StoreError,
};

const SOURCE: &str = include_str!("../fixtures/household.toml");

fn questionnaire(source: &str) -> Questionnaire {
    load_str(source, "household.toml").expect("fixture loads")
}

fn t(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, minute, 0).unwrap()
}

fn resident(id: &str, building: &str, unit: &str, room: &str) -> Resident {
    Resident {
        resident_id: id.into(),
        name: format!("Name {id}"),
        address: format!("{building}-{unit}-{room}"),
        community: Some("East Gate".into()),
        grid: Some("G1".into()),
        building: Some(building.into()),
        unit: Some(unit.into()),
        room: Some(room.into()),
        phone: None,
        attributes: BTreeMap::from([("age_group".into(), "40-49".into())]),
    }
}

fn rating(v: i64) -> Answer {
    Answer::Value(AnswerValue::Rating { value: v })
}

/// A store with the fixture questionnaire registered and two residents.
fn setup(dir: &Path) -> Store {
    let store = Store::open(dir.join("doorstep.sqlite3")).unwrap();
    store
        .register_questionnaire(&questionnaire(SOURCE), SOURCE)
        .unwrap();
    store
        .upsert_residents(&[
            resident("R1", "1", "1", "101"),
            resident("R2", "1", "1", "102"),
        ])
        .unwrap();
    store
}

#[test]
fn fresh_store_is_migrated_and_reopens_with_the_same_device_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let device = store.device_id();
    assert_eq!(device.get_version_num(), 7);
    let mode: String = store
        .connection()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = store
        .connection()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    let fk: i64 = store
        .connection()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    drop(store);
    for _ in 0..2 {
        let store = Store::open(&path).unwrap();
        assert_eq!(store.device_id(), device);
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    }
    // Another data directory is another device.
    let other = Store::open_in_dir(dir.path().join("other").as_path());
    assert!(matches!(other, Err(StoreError::CannotOpen(_))), "{other:?}");
    std::fs::create_dir(dir.path().join("other")).unwrap();
    let other = Store::open_in_dir(&dir.path().join("other")).unwrap();
    assert_ne!(other.device_id(), device);
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let store = Store::open(&path).unwrap();
    store
        .connection()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(store);
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found, supported }
            if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer doorstep"), "{err}");
}

/// Schema 5: batches reserved before it carry no communities (their files
/// have none, and `export --again` must not add them); new batches keep
/// each resident's community as it was when they were reserved.
#[test]
fn batches_before_schema_5_carry_no_communities_and_new_ones_keep_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    // A store as a schema-4 doorstep left it, with one batch written.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in [
            include_str!("../../crates/doorstep-store/migrations/0001_initial.sql"),
            include_str!("../../crates/doorstep-store/migrations/0002_notes.sql"),
            include_str!("../../crates/doorstep-store/migrations/0003_batches.sql"),
            include_str!("../../crates/doorstep-store/migrations/0004_decisions.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO meta (key, value) VALUES ('device_id', '01900000-0000-7000-8000-000000000001'),
                 ('created_at', '2026-11-01T08:00:00.000000Z');
             INSERT INTO batches (id, sequence, surveyor_id, created_at, state)
             VALUES ('01900000-0000-7000-8000-0000000000b1', 1, 'S01', '2026-11-01T18:00:00.000000Z', 'written');
             PRAGMA user_version = 4;",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let old = &store.batches().unwrap()[0];
    assert_eq!(old.sequence, 1);
    assert!(
        !old.communities,
        "an earlier batch stays without communities"
    );
    assert!(store.batch_communities(old.id).unwrap().is_empty());

    store
        .register_questionnaire(&questionnaire(SOURCE), SOURCE)
        .unwrap();
    let mut nowhere = resident("R3", "2", "1", "101");
    nowhere.community = None;
    store
        .upsert_residents(&[resident("R1", "1", "1", "101"), nowhere])
        .unwrap();
    for r in ["R1", "R3"] {
        store
            .record_visit(
                r,
                NewVisit {
                    at: t(5),
                    disposition: Disposition::NoOneHome,
                    note: None,
                    appointment: None,
                    interview_id: None,
                },
            )
            .unwrap();
    }
    let new = store.reserve_batch("S01", t(30)).unwrap().unwrap();
    assert_eq!(new.sequence, 2);
    assert!(new.communities);
    let kept = HashMap::from([("R1".to_string(), "East Gate".to_string())]);
    assert_eq!(store.batch_communities(new.id).unwrap(), kept);
    // A later import moving R1 elsewhere does not change the batch.
    let mut moved = resident("R1", "1", "1", "101");
    moved.community = Some("West Gate".into());
    store.upsert_residents(&[moved]).unwrap();
    assert_eq!(store.batch_communities(new.id).unwrap(), kept);
    assert!(store.batch(new.id).unwrap().unwrap().communities);
}

#[test]
fn not_a_database_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    std::fs::write(&path, vec![b'x'; 8192]).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
}

#[test]
fn questionnaire_registry_accepts_same_content_and_refuses_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("db")).unwrap();
    let q = questionnaire(SOURCE);
    assert_eq!(store.active_questionnaire().unwrap(), None);
    store.register_questionnaire(&q, SOURCE).unwrap();
    store.register_questionnaire(&q, SOURCE).unwrap(); // no-op
    assert_eq!(
        store
            .questionnaire_source("household", "1")
            .unwrap()
            .as_deref(),
        Some(SOURCE)
    );
    assert_eq!(store.questionnaire_source("household", "2").unwrap(), None);

    let changed_source = SOURCE.replace("住户调查", "住户调查（新）");
    let changed = questionnaire(&changed_source);
    let err = store
        .register_questionnaire(&changed, &changed_source)
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::QuestionnaireChanged { id, version } if id == "household" && version == "1"),
        "{err:?}"
    );
    assert!(err.to_string().contains("new version"));
    // Under a new version it is welcome.
    let v2_source = changed_source.replace("version = \"1\"", "version = \"2\"");
    store
        .register_questionnaire(&questionnaire(&v2_source), &v2_source)
        .unwrap();

    // A source that is not the questionnaire's is refused.
    assert!(store.register_questionnaire(&q, &v2_source).is_err());

    assert!(matches!(
        store.set_active_questionnaire("nope", "1"),
        Err(StoreError::NotFound(_))
    ));
    store.set_active_questionnaire("household", "2").unwrap();
    let active = store.active_questionnaire().unwrap().unwrap();
    assert_eq!(
        (active.id.as_str(), active.version.as_str()),
        ("household", "2")
    );
    assert_eq!(active.source, v2_source);
    assert_eq!(active.content_hash, questionnaire(&v2_source).content_hash);
}

#[test]
fn reimport_merges_without_losing_recorded_work() {
    let dir = tempfile::tempdir().unwrap();
    let store = setup(dir.path());
    let iid = store
        .start_interview("R1", "household", "1", "S01", t(0))
        .unwrap();
    store
        .save_answer(iid, "consent", None, &rating(1), t(1))
        .unwrap();
    store
        .record_visit(
            "R2",
            NewVisit {
                at: t(2),
                disposition: Disposition::NoOneHome,
                note: Some("dog barking".into()),
                appointment: None,
                interview_id: None,
            },
        )
        .unwrap();

    // Same list again: nothing changes.
    let same = [
        resident("R1", "1", "1", "101"),
        resident("R2", "1", "1", "102"),
    ];
    assert_eq!(
        store.upsert_residents(&same).unwrap(),
        MergeCounts {
            added: 0,
            updated: 0,
            unchanged: 2
        }
    );
    // New list: R1 renamed, R2 unchanged, R3 new. Nobody is dropped even
    // when a later list leaves someone out.
    let mut r1 = resident("R1", "1", "1", "101");
    r1.name = "Renamed".into();
    r1.attributes.insert("age_group".into(), "50-59".into());
    let counts = store
        .upsert_residents(&[
            r1.clone(),
            resident("R2", "1", "1", "102"),
            resident("R3", "2", "1", "1"),
        ])
        .unwrap();
    assert_eq!(
        counts,
        MergeCounts {
            added: 1,
            updated: 1,
            unchanged: 1
        }
    );
    let counts = store
        .upsert_residents(&[resident("R3", "2", "1", "1")])
        .unwrap();
    assert_eq!(
        counts,
        MergeCounts {
            added: 0,
            updated: 0,
            unchanged: 1
        }
    );

    assert_eq!(store.resident_count().unwrap(), 3);
    assert_eq!(store.resident("R1").unwrap().unwrap(), r1);
    assert_eq!(store.resident("nobody").unwrap(), None);
    // Recorded work is still attached.
    assert_eq!(store.in_progress_interview("R1").unwrap(), Some(iid));
    let saved = store.load_interview(iid).unwrap();
    assert_eq!(saved.answers, [("consent".to_string(), None, rating(1))]);
    assert_eq!(store.visits("R2").unwrap().len(), 1);
    let row = store.resident_row("R1").unwrap().unwrap();
    assert_eq!(
        row.status,
        ResidentStatus::InProgress,
        "status survives re-import"
    );
    let row = store.resident_row("R2").unwrap().unwrap();
    assert_eq!((row.status, row.visits), (ResidentStatus::RevisitDue, 1));
}

#[test]
fn walking_order_is_numeric_aware_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("db")).unwrap();
    let mut list = vec![
        resident("a", "10", "1", "1"),
        resident("b", "2", "1", "12"),
        resident("c", "2", "1", "3"),
        resident("d", "2", "2", "1"),
        resident("e", "2", "1", "101"),
    ];
    let mut other = resident("f", "1", "1", "1");
    other.community = Some("Zhongshan".into());
    list.push(other);
    store.upsert_residents(&list).unwrap();
    let ids = |rows: Vec<doorstep_store::ResidentRow>| -> Vec<String> {
        rows.into_iter().map(|r| r.resident.resident_id).collect()
    };
    assert_eq!(
        ids(store.residents_page(None, 0, 100).unwrap()),
        ["c", "b", "e", "d", "a", "f"]
    );
    assert_eq!(ids(store.residents_page(None, 2, 2).unwrap()), ["e", "d"]);
    assert!(store.residents_page(None, 6, 10).unwrap().is_empty());

    store
        .record_visit(
            "e",
            NewVisit {
                at: t(0),
                disposition: Disposition::Refusal,
                note: None,
                appointment: None,
                interview_id: None,
            },
        )
        .unwrap();
    assert_eq!(
        ids(store
            .residents_page(Some(ResidentStatus::Refused), 0, 10)
            .unwrap()),
        ["e"]
    );
    assert_eq!(
        ids(store
            .residents_page(Some(ResidentStatus::ToVisit), 0, 10)
            .unwrap()),
        ["c", "b", "d", "a", "f"]
    );
}

#[test]
fn visits_are_numbered_and_drive_the_status() {
    let dir = tempfile::tempdir().unwrap();
    let store = setup(dir.path());
    let visit = |minute, disposition, appointment| NewVisit {
        at: t(minute),
        disposition,
        note: None,
        appointment,
        interview_id: None,
    };
    let v1 = store
        .record_visit("R1", visit(0, Disposition::NoOneHome, None))
        .unwrap();
    assert_eq!((v1.attempt, v1.device_id), (1, store.device_id()));
    assert_eq!(
        store.resident_row("R1").unwrap().unwrap().status,
        ResidentStatus::RevisitDue
    );
    let when = NaiveDate::from_ymd_opt(2026, 11, 3)
        .unwrap()
        .and_hms_opt(18, 30, 0)
        .unwrap();
    let v2 = store
        .record_visit("R1", visit(5, Disposition::Appointment, Some(when)))
        .unwrap();
    assert_eq!(v2.attempt, 2);
    let row = store.resident_row("R1").unwrap().unwrap();
    assert_eq!(
        (row.status, row.appointment, row.visits),
        (ResidentStatus::Appointment, Some(when), 2)
    );
    store
        .record_visit("R1", visit(9, Disposition::Moved, None))
        .unwrap();
    let row = store.resident_row("R1").unwrap().unwrap();
    assert_eq!(
        (row.status, row.appointment),
        (ResidentStatus::Closed, None)
    );

    let visits = store.visits("R1").unwrap();
    assert_eq!(
        visits.iter().map(|v| v.attempt).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(visits[0], v1);
    assert_eq!(visits[1], v2);
    // Attempts count per resident.
    assert_eq!(
        store
            .record_visit("R2", visit(1, Disposition::Refusal, None))
            .unwrap()
            .attempt,
        1
    );
    assert!(matches!(
        store.record_visit("R9", visit(1, Disposition::Refusal, None)),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn interview_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let store = setup(dir.path());
    assert!(matches!(
        store.start_interview("R1", "household", "9", "S01", t(0)),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.start_interview("R9", "household", "1", "S01", t(0)),
        Err(StoreError::NotFound(_))
    ));
    let iid = store
        .start_interview("R1", "household", "1", "S01", t(0))
        .unwrap();
    assert_eq!(iid.get_version_num(), 7);
    let err = store
        .start_interview("R1", "household", "1", "S01", t(1))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::InterviewInProgress { interview_id, .. } if interview_id == iid),
        "{err:?}"
    );
    let rec = store.interview(iid).unwrap().unwrap();
    assert_eq!(rec.status, InterviewStatus::InProgress);
    assert_eq!(rec.device_id, store.device_id());
    assert_eq!(rec.surveyor_id, "S01");
    assert_eq!(rec.questionnaire_hash, questionnaire(SOURCE).content_hash);
    assert_eq!(
        (rec.started_at, rec.ended_at, rec.disposition),
        (t(0), None, None)
    );
    assert_eq!(store.in_progress_interview("R1").unwrap(), Some(iid));
    assert_eq!(store.in_progress_interview("R2").unwrap(), None);

    let visit = store
        .finish_interview(
            iid,
            InterviewStatus::Completed,
            Disposition::Complete,
            t(20),
        )
        .unwrap();
    assert_eq!((visit.attempt, visit.interview_id), (1, Some(iid)));
    let rec = store.interview(iid).unwrap().unwrap();
    assert_eq!(
        (rec.status, rec.disposition, rec.ended_at),
        (
            InterviewStatus::Completed,
            Some(Disposition::Complete),
            Some(t(20))
        )
    );
    assert_eq!(store.in_progress_interview("R1").unwrap(), None);
    assert_eq!(
        store.resident_row("R1").unwrap().unwrap().status,
        ResidentStatus::Completed
    );
    // A finished interview is frozen.
    assert!(matches!(
        store.save_answer(iid, "consent", None, &rating(2), t(21)),
        Err(StoreError::InterviewFinished(id)) if id == iid
    ));
    assert!(matches!(
        store.finish_interview(
            iid,
            InterviewStatus::Abandoned,
            Disposition::BreakOff,
            t(22)
        ),
        Err(StoreError::InterviewFinished(_))
    ));

    // A break-off on R2.
    let i2 = store
        .start_interview("R2", "household", "1", "S01", t(30))
        .unwrap();
    store
        .finish_interview(i2, InterviewStatus::Abandoned, Disposition::BreakOff, t(35))
        .unwrap();
    assert_eq!(
        store.resident_row("R2").unwrap().unwrap().status,
        ResidentStatus::BrokenOff
    );
    assert_eq!(store.interviews_of("R2").unwrap().len(), 1);
}

#[test]
fn answers_keep_history_and_clear() {
    let dir = tempfile::tempdir().unwrap();
    let store = setup(dir.path());
    let iid = store
        .start_interview("R1", "household", "1", "S01", t(0))
        .unwrap();
    let h1 = store
        .save_answer(iid, "q_rating", None, &rating(3), t(1))
        .unwrap();
    let h2 = store
        .save_answer(iid, "q_rating", None, &rating(5), t(2))
        .unwrap();
    let h3 = store
        .save_answer(
            iid,
            "member_age",
            Some(0),
            &Answer::Value(AnswerValue::Integer { value: 40 }),
            t(3),
        )
        .unwrap();
    let h4 = store
        .save_answer(
            iid,
            "member_age",
            Some(1),
            &Answer::special(SpecialResponse::Refused),
            t(4),
        )
        .unwrap();
    assert!(h1 < h2 && h2 < h3 && h3 < h4);

    let saved = store.load_interview(iid).unwrap();
    assert_eq!(
        saved.answers,
        [
            ("q_rating".to_string(), None, rating(5)),
            (
                "member_age".to_string(),
                Some(0),
                Answer::Value(AnswerValue::Integer { value: 40 })
            ),
            (
                "member_age".to_string(),
                Some(1),
                Answer::special(SpecialResponse::Refused)
            ),
        ]
    );
    let h5 = store
        .clear_answer(iid, "member_age", Some(0), t(5))
        .unwrap();
    assert!(h5.is_some());
    assert_eq!(
        store
            .clear_answer(iid, "member_age", Some(0), t(6))
            .unwrap(),
        None
    );
    let saved = store.load_interview(iid).unwrap();
    assert_eq!(saved.answers.len(), 2);

    let history = store.answer_history(iid).unwrap();
    let summary: Vec<_> = history
        .iter()
        .map(|h| (h.id, h.question_id.as_str(), h.instance, h.answer.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (h1, "q_rating", None, Some(rating(3))),
            (h2, "q_rating", None, Some(rating(5))),
            (
                h3,
                "member_age",
                Some(0),
                Some(Answer::Value(AnswerValue::Integer { value: 40 }))
            ),
            (
                h4,
                "member_age",
                Some(1),
                Some(Answer::special(SpecialResponse::Refused))
            ),
            (h5.unwrap(), "member_age", Some(0), None),
        ]
    );
    assert_eq!(history[0].at, t(1));
    // The stored text is the answer's JSON.
    let json: String = store
        .connection()
        .query_row(
            "SELECT answer FROM answer_history WHERE id = ?1",
            [h4],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(json, r#"{"special":"refused"}"#);
    assert!(matches!(
        store.save_answer(uuid::Uuid::now_v7(), "q", None, &rating(1), t(9)),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn resume_returns_answers_position_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let q = questionnaire(SOURCE);
    let iid;
    let step;
    {
        let store = setup(dir.path());
        iid = store
            .start_interview("R1", "household", "1", "S01", t(0))
            .unwrap();
        // Drive the real flow a little and persist what it did.
        let mut flow = Interview::new(&q, HashMap::new());
        flow.start();
        let slot = Slot::top(q.question_index("consent").unwrap());
        flow.jump(slot).unwrap();
        let consent = Answer::Value(AnswerValue::YesNo { value: true });
        flow.set_answer(slot, consent.clone()).unwrap();
        store
            .save_answer(iid, "consent", None, &consent, t(1))
            .unwrap();
        flow.advance().unwrap();
        step = flow.current().unwrap();
        let added = vec![("members".to_string(), 2)];
        store
            .save_position(iid, SavedPosition::from_step(&q, step), &added)
            .unwrap();
        store.save_events(iid, &flow.take_events()).unwrap();
        store
            .save_events(
                iid,
                &[ParadataEvent {
                    at: t(2),
                    kind: EventKind::LanguageChanged,
                    question: None,
                    instance: None,
                    detail: Some("zh".into()),
                }],
            )
            .unwrap();
        // Saved again: replaces, does not add.
        store
            .save_position(iid, SavedPosition::from_step(&q, step), &added)
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let saved = store.load_interview(iid).unwrap();
    assert_eq!(saved.record.id, iid);
    assert_eq!(saved.answers.len(), 1);
    assert_eq!(saved.added_instances, [("members".to_string(), 2)]);
    let position = saved.position.clone().unwrap();
    assert_eq!(position.to_step(&q), Some(step));
    assert!(matches!(step, Step::Question(_)));
    let last = saved.events.last().unwrap();
    assert_eq!(
        (last.kind, last.detail.as_deref()),
        (EventKind::LanguageChanged, Some("zh"))
    );
    assert!(saved.events.iter().any(|e| e.kind == EventKind::Answered));

    // The position by ids, and a cleared position.
    store
        .save_position(
            iid,
            Some(SavedPosition::AddAnother {
                section_id: "members".into(),
            }),
            &[],
        )
        .unwrap();
    let saved = store.load_interview(iid).unwrap();
    assert_eq!(
        saved.position,
        Some(SavedPosition::AddAnother {
            section_id: "members".into()
        })
    );
    assert!(saved.added_instances.is_empty());
    store.save_position(iid, None, &[]).unwrap();
    assert_eq!(store.load_interview(iid).unwrap().position, None);
}

#[test]
fn status_counts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("db")).unwrap();
    let q = questionnaire(SOURCE);
    store.register_questionnaire(&q, SOURCE).unwrap();
    let list: Vec<_> = (1..=10)
        .map(|i| resident(&format!("R{i}"), "1", "1", &i.to_string()))
        .collect();
    store.upsert_residents(&list).unwrap();
    let visit = |d| NewVisit {
        at: t(0),
        disposition: d,
        note: None,
        appointment: None,
        interview_id: None,
    };
    let interview = |r: &str, status, d| {
        let id = store
            .start_interview(r, "household", "1", "S01", t(1))
            .unwrap();
        if let Some(status) = status {
            store.finish_interview(id, status, d, t(2)).unwrap();
        }
        id
    };
    interview(
        "R1",
        Some(InterviewStatus::Completed),
        Disposition::Complete,
    );
    interview("R2", Some(InterviewStatus::Completed), Disposition::Partial);
    interview(
        "R3",
        Some(InterviewStatus::Abandoned),
        Disposition::BreakOff,
    );
    interview("R4", None, Disposition::Complete);
    store
        .record_visit("R5", visit(Disposition::Refusal))
        .unwrap();
    store
        .record_visit("R6", visit(Disposition::NoOneHome))
        .unwrap();
    store
        .record_visit("R7", visit(Disposition::Appointment))
        .unwrap();
    store
        .record_visit("R8", visit(Disposition::VacantOrNotResidence))
        .unwrap();
    // R9, R10 untouched. R6 visited twice: still one resident.
    store
        .record_visit("R6", visit(Disposition::RespondentAway))
        .unwrap();

    // Mark one finished interview as exported in a written batch. A row
    // reserved by a batch not yet written still counts as pending.
    store
        .connection()
        .execute_batch(
            "UPDATE interviews SET exported_batch = 'B1' WHERE resident_id = 'R1';
             UPDATE interviews SET exported_batch = 'B2' WHERE resident_id = 'R2';
             INSERT INTO batches (id, sequence, surveyor_id, created_at, state)
             VALUES ('B1', 1, 's', '2026-11-02T09:00:00.000000Z', 'written'),
                    ('B2', 2, 's', '2026-11-02T10:00:00.000000Z', 'pending');",
        )
        .unwrap();
    let c = store.status().unwrap();
    let json = serde_json::to_value(c).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "residents": 10,
            "visited": 8,
            "due_for_revisit": 2,
            "completed": 1,
            "in_progress": 1,
            "partial": 1,
            "break_offs": 1,
            "refusals": 1,
            "no_contact": 1,
            "appointments": 1,
            // R2, R3 interviews + 5 visits without interview.
            "pending_export": 7,
            "pending_export_interviews": 2,
            "pending_export_visits": 5,
            "exported": 1,
            "exported_interviews": 1,
            "exported_visits": 0,
        })
    );
}

#[test]
fn config_round_trips_and_reports_errors_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("config.toml");
    assert_eq!(Config::load(&path).unwrap(), Config::default());
    let c = Config {
        surveyor_id: Some("S01".into()),
        ui_language: Some("zh".into()),
        office_db: None,
        office_recipient: None,
        max_attempts: Some(4),
    };
    c.save(&path).unwrap();
    assert_eq!(Config::load(&path).unwrap(), c);
    // No temporary file left behind.
    assert_eq!(
        std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
        1
    );

    std::fs::write(&path, "surveyor_id = \"S01\"\nui_language = zh\n").unwrap();
    match Config::load(&path).unwrap_err() {
        ConfigError::Malformed {
            path: p,
            line,
            column,
            ..
        } => {
            assert_eq!((p.as_path(), line, column), (path.as_path(), 2, 15));
        }
        other => panic!("{other:?}"),
    }
    std::fs::write(&path, "surveyor-id = \"S01\"\n").unwrap();
    let err = Config::load(&path).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:1:1:", path.display())),
        "{err}"
    );

    // Flag > env > default; the directory is created.
    let flag = dir.path().join("flag");
    let env = dir.path().join("env");
    assert_eq!(
        config::resolve_data_dir_with(Some(flag.clone()), Some(env.clone().into())).unwrap(),
        flag
    );
    assert!(flag.is_dir() && !env.exists());
    assert_eq!(
        config::resolve_data_dir_with(None, Some(env.clone().into())).unwrap(),
        env
    );
    assert!(env.is_dir());
    assert_eq!(
        config::resolve_config_path_with(None, Some(dir.path().join("c.toml").into())).unwrap(),
        dir.path().join("c.toml")
    );
}

/// Skip logic reading a resident's field: the second question is asked of
/// older residents only.
const BY_AGE: &str = r#"
id = "by-age"
version = "1"
title = { en = "By age" }
languages = ["en"]
default_language = "en"
resident_attributes = ["age_group"]

[[sections]]
id = "main"
title = { en = "Main" }

[[sections.questions]]
id = "walks"
type = "yes_no"
label = { en = "Do you walk in the park?" }

[[sections.questions]]
id = "elderly_canteen"
type = "yes_no"
label = { en = "Do you use the elderly canteen?" }
relevant = "${resident.age_group} = '65+'"
"#;

#[test]
fn a_later_import_does_not_change_which_answers_an_earlier_batch_carries() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("doorstep.sqlite3")).unwrap();
    let q = load_str(BY_AGE, "by-age.toml").unwrap();
    store.register_questionnaire(&q, BY_AGE).unwrap();
    let mut older = resident("R1", "1", "1", "101");
    older.attributes = BTreeMap::from([("age_group".into(), "65+".into())]);
    store
        .upsert_residents(std::slice::from_ref(&older))
        .unwrap();
    let id = store
        .start_interview("R1", "by-age", "1", "S01", t(0))
        .unwrap();
    let yes = Answer::Value(AnswerValue::YesNo { value: true });
    store.save_answer(id, "walks", None, &yes, t(1)).unwrap();
    store
        .save_answer(id, "elderly_canteen", None, &yes, t(2))
        .unwrap();
    store
        .finish_interview(id, InterviewStatus::Completed, Disposition::Complete, t(3))
        .unwrap();

    let made = doorstep_batch::keygen(dir.path(), "S01", None, false).unwrap();
    let key =
        doorstep_batch::SigningKey::load(&made.secret_key_path, |_| Ok(String::new())).unwrap();
    let out = dir.path().join("out");
    let doorstep_store::export::Exported::Batch { written, .. } =
        doorstep_store::export::export(&store, &key, &out, &[]).unwrap()
    else {
        panic!("nothing exported");
    };
    let first = std::fs::read(&written.data_path).unwrap();
    assert!(String::from_utf8_lossy(&first).contains("elderly_canteen"));

    // The list is loaded again with the resident's age group corrected: the
    // question would no longer be asked, but the batch already made keeps
    // the answer it was made with, byte for byte.
    older.attributes = BTreeMap::from([("age_group".into(), "50-64".into())]);
    store.upsert_residents(&[older]).unwrap();
    std::fs::remove_file(&written.data_path).unwrap();
    doorstep_store::export::export_again(&store, written.batch_id, &key, &out, &[]).unwrap();
    assert_eq!(std::fs::read(&written.data_path).unwrap(), first);
}

/// A list merged into an empty table has its walking-order indexes built
/// once at the end; a merge dropped before its commit leaves nothing, the
/// indexes included; the page cache goes back to its size either way.
#[test]
fn a_merge_builds_the_indexes_once_and_rolls_back_whole() {
    use crate::support::surveyor::page_cache_size;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("doorstep.sqlite3")).unwrap();
    let schema = |store: &Store| -> Vec<(String, String)> {
        store
            .connection()
            .prepare(
                "SELECT name, sql FROM sqlite_schema
                 WHERE tbl_name = 'residents' AND sql IS NOT NULL ORDER BY name",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let before = schema(&store);
    let cache_before = page_cache_size(&store);
    assert!(
        before.iter().any(|(n, _)| n == "residents_walk"),
        "{before:?}"
    );
    let list: Vec<Resident> = (0..50)
        .map(|i| resident(&format!("R{i}"), "1", "1", &format!("{i}")))
        .collect();

    let mut merge = store.merge_residents().unwrap();
    for r in &list[..10] {
        merge.add(r).unwrap();
    }
    drop(merge);
    assert_eq!(store.resident_count().unwrap(), 0);
    assert_eq!(schema(&store), before);
    assert_eq!(page_cache_size(&store), cache_before);

    let mut merge = store.merge_residents().unwrap();
    for r in &list {
        merge.add(r).unwrap();
    }
    let counts = merge.commit().unwrap();
    assert_eq!((counts.added, counts.updated, counts.unchanged), (50, 0, 0));
    assert_eq!(schema(&store), before);
    assert_eq!(page_cache_size(&store), cache_before);
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    // The indexes serve the walking order.
    let page = store.residents_page(None, 0, 3).unwrap();
    let ids: Vec<&str> = page
        .iter()
        .map(|r| r.resident.resident_id.as_str())
        .collect();
    assert_eq!(ids, ["R0", "R1", "R2"]);
}
