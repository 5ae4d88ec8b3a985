//! Quality flags in the inbox: simulated interviews plus a hand-made
//! speeder and straight-liner, written as a real signed batch.

use chrono::{Duration, NaiveDate};
use doorstep_batch::{
    BatchContent, BatchInterview, SigningKey, TrustedKeys, keygen, parse_batch, write_batch,
};
use doorstep_core::interview::{Answer, AnswerValue, EventKind, ParadataEvent};
use doorstep_review::flags::{InterviewFacts, Thresholds, flag_interviews};
use doorstep_review::inbox::{InboxOptions, Signature, open_inbox};
use doorstep_store::Store;
use doorstep_store::simulate::{SimulateOptions, simulate};
use tempfile::TempDir;
use uuid::Uuid;

fn speeder(mut r: BatchInterview) -> BatchInterview {
    r.id = "HAND-speeder".into();
    r.resident_id = "HAND-R1".into();
    r.ended_at = Some(r.started_at + Duration::minutes(1));
    r.paradata = (0..12)
        .map(|i| ParadataEvent {
            at: r.started_at + Duration::seconds(i),
            kind: EventKind::Shown,
            question: Some(format!("q{i}")),
            instance: None,
            detail: None,
        })
        .collect();
    r
}

fn straight_liner(mut r: BatchInterview) -> BatchInterview {
    r.id = "HAND-straight".into();
    r.resident_id = "HAND-R2".into();
    for a in r.answers.values_mut() {
        if let Answer::Value(AnswerValue::Rating { value }) = a {
            *value = 3;
        }
    }
    r
}

#[test]
fn simulated_work_with_a_speeder_and_a_straight_liner() {
    let tmp = TempDir::new().unwrap();
    let data = tmp.path().join("data");
    let store = Store::open_in_dir(&{
        std::fs::create_dir_all(&data).unwrap();
        data.clone()
    })
    .unwrap();
    let q = doorstep_store::demo::load(&store).unwrap();
    simulate(
        &store,
        &q,
        &SimulateOptions {
            interviews: 20,
            seed: 7,
            surveyor_id: "S01".into(),
            day: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            careless: false,
        },
    )
    .unwrap();
    keygen(&data, "S01", None, false).unwrap();
    let key = SigningKey::load(&data.join("keys/S01.key"), |_| Ok(String::new())).unwrap();
    let inbox_dir = tmp.path().join("inbox");
    doorstep_store::export::export(&store, &key, &inbox_dir, &[]).unwrap();

    // Read back the exported batch, make two suspicious interviews from
    // completed ones, and send them as the device's next batch.
    let first = std::fs::read_dir(&inbox_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .unwrap();
    let parsed = parse_batch(&std::fs::read(&first).unwrap()).unwrap();
    let completed: Vec<&BatchInterview> = parsed
        .interviews
        .iter()
        .filter(|i| i.status == doorstep_batch::InterviewOutcome::Completed)
        .collect();
    assert!(completed.len() >= 5);
    let m = &parsed.manifest;
    let hand = BatchContent {
        batch_id: Uuid::now_v7(),
        surveyor_id: m.surveyor_id.clone(),
        device_id: m.device_id.clone(),
        sequence: m.sequence + 1,
        created_at: m.created_at + Duration::hours(1),
        questionnaires: m.questionnaires.clone(),
        visits: Vec::new(),
        interviews: vec![
            speeder(completed[0].clone()),
            straight_liner(completed[1].clone()),
        ],
    };
    write_batch(&inbox_dir, &hand, &key, &[]).unwrap();

    let keys = TrustedKeys::load(&data.join("keys")).unwrap();
    let inbox = open_inbox(
        &inbox_dir,
        &InboxOptions {
            keys: &keys,
            identities: None,
            questionnaires: vec![doorstep_store::demo::questionnaire().unwrap()], // matched by hash
            thresholds: Thresholds::default(),
        },
    )
    .unwrap();
    assert_eq!(inbox.batches.len(), 2);
    assert!(
        inbox
            .batches
            .iter()
            .all(|b| b.signature == Signature::Valid)
    );
    assert!(inbox.notes.is_empty(), "{:?}", inbox.notes);
    assert_eq!(inbox.interviews.len(), parsed.interviews.len() + 2);
    let codes = |id: &str| -> Vec<&str> {
        inbox
            .interview(id)
            .unwrap()
            .flags
            .iter()
            .map(|f| f.code())
            .collect()
    };
    let s = codes("HAND-speeder");
    assert_eq!(s.iter().filter(|c| **c == "speeding").count(), 2, "{s:?}");
    let sp = inbox.interview("HAND-speeder").unwrap();
    assert!(
        sp.flags
            .iter()
            .any(|f| f.reason().contains("1 min, under 50%"))
    );
    assert!(codes("HAND-straight").contains(&"straight_lining"));
    let st = inbox.interview("HAND-straight").unwrap();
    assert!(
        st.flags
            .iter()
            .any(|f| f.reason().contains("rating items in a row answered 3")),
        "{:?}",
        st.flags
    );
    // An unmodified simulated interview scores, and the summary counts it.
    let plain = inbox.interview(&completed[2].id).unwrap();
    assert!(plain.overall_score.is_some());
    let s01 = &inbox.surveyors[0];
    assert_eq!(s01.surveyor_id, "S01");
    assert!(s01.flagged >= 2);
    assert!(s01.rr1.is_some() && s01.mean_overall_score.is_some());

    // The same through InterviewFacts directly, as the inbox builds them.
    let recs = [
        speeder(completed[0].clone()),
        straight_liner(completed[1].clone()),
    ];
    let answers: Vec<Vec<(&str, Option<u32>, &Answer)>> = recs
        .iter()
        .chain(completed.iter().copied())
        .map(|r| {
            r.answers
                .iter()
                .map(|(k, a)| {
                    let (q, i) = doorstep_batch::parse_answer_key(k).unwrap();
                    (q, i, a)
                })
                .collect()
        })
        .collect();
    let facts: Vec<InterviewFacts<'_>> = recs
        .iter()
        .chain(completed.iter().copied())
        .zip(&answers)
        .map(|(r, a)| InterviewFacts {
            id: r.id.clone(),
            resident_id: r.resident_id.clone(),
            started_at: r.started_at,
            ended_at: r.ended_at,
            answers: a,
            events: &r.paradata,
            completed: true,
        })
        .collect();
    let flags = flag_interviews(&q, &facts, &Thresholds::default());
    assert!(flags[0].iter().any(|f| f.code() == "speeding"));
    assert!(flags[1].iter().any(|f| f.code() == "straight_lining"));
}
