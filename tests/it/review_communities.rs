//! The inbox by community, on hand-made signed batches: an old batch whose
//! records carry no community, and a newer one whose records do.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use doorstep_batch::{
    BatchContent, BatchInterview, InterviewOutcome, QuestionnaireRef, SigningKey, TrustedKeys,
    VisitRecord, answer_key, keygen, write_batch,
};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::{Answer, AnswerValue};
use doorstep_core::questionnaire::{QuestionKind, Questionnaire};
use doorstep_review::flags::Thresholds;
use doorstep_review::inbox::{CommunitySummary, InboxOptions, open_inbox};
use uuid::Uuid;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    // 02:00 UTC is 10:00 in the default thresholds' UTC+8: working hours.
    Utc.with_ymd_and_hms(2026, 11, 3, h, m, 0).unwrap()
}

fn visit(
    id: &str,
    resident: &str,
    community: Option<&str>,
    t: DateTime<Utc>,
    d: Disposition,
) -> VisitRecord {
    VisitRecord {
        id: id.into(),
        resident_id: resident.into(),
        community: community.map(str::to_string),
        attempt: 1,
        at: t,
        disposition: d,
        note: None,
        appointment: None,
        interview_id: None,
    }
}

/// An interview answering every rating of the questionnaire with its
/// highest value: overall score 100.
fn interview(
    q: &Questionnaire,
    id: &str,
    resident: &str,
    community: Option<&str>,
    t: DateTime<Utc>,
    status: InterviewOutcome,
    d: Disposition,
) -> BatchInterview {
    let answers: BTreeMap<String, Answer> = q
        .questions
        .iter()
        .filter_map(|question| match &question.kind {
            QuestionKind::Rating { max, .. } => Some((
                answer_key(&question.id, None),
                Answer::Value(AnswerValue::Rating { value: *max }),
            )),
            _ => None,
        })
        .collect();
    BatchInterview {
        id: id.into(),
        resident_id: resident.into(),
        community: community.map(str::to_string),
        questionnaire_id: q.id.clone(),
        questionnaire_version: q.version.clone(),
        surveyor_id: "S01".into(),
        device_id: "dev-1".into(),
        started_at: t,
        ended_at: Some(t + Duration::minutes(15)),
        status,
        disposition: d,
        answers,
        notes: BTreeMap::new(),
        calculates: Default::default(),
        paradata: Vec::new(),
    }
}

fn batch(
    q: &Questionnaire,
    seq: u64,
    visits: Vec<VisitRecord>,
    interviews: Vec<BatchInterview>,
) -> BatchContent {
    BatchContent {
        batch_id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + seq as u128),
        surveyor_id: "S01".into(),
        device_id: "dev-1".into(),
        sequence: seq,
        created_at: at(10, 0) + Duration::minutes(seq as i64),
        questionnaires: vec![QuestionnaireRef {
            id: q.id.clone(),
            version: q.version.clone(),
            content_hash: q.content_hash.clone(),
        }],
        visits,
        interviews,
    }
}

#[test]
fn residents_are_summarised_by_community_with_the_unknown_last() {
    let tmp = tempfile::tempdir().unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    let made = keygen(tmp.path(), "S01", None, false).unwrap();
    let key = SigningKey::load(&made.secret_key_path, |_| Ok(String::new())).unwrap();
    let out = tmp.path().join("inbox");
    std::fs::create_dir_all(&out).unwrap();

    use Disposition::*;
    // Before communities: R1 not at home, R9 refused.
    let old = batch(
        &q,
        1,
        vec![
            visit("V1", "R1", None, at(1, 0), NoOneHome),
            visit("V9", "R9", None, at(1, 10), Refusal),
        ],
        Vec::new(),
    );
    // With communities: R1 interviewed (East), R2 vacant (East), R3 partial
    // (West), R4 not at home (West).
    let new = batch(
        &q,
        2,
        vec![
            visit("V2", "R1", Some("East"), at(2, 0), Complete),
            visit("V3", "R2", Some("East"), at(2, 30), VacantOrNotResidence),
            visit("V4", "R3", Some("West"), at(3, 0), Partial),
            visit("V5", "R4", Some("West"), at(3, 30), NoOneHome),
        ],
        vec![
            interview(
                &q,
                "I1",
                "R1",
                Some("East"),
                at(2, 0),
                InterviewOutcome::Completed,
                Complete,
            ),
            interview(
                &q,
                "I3",
                "R3",
                Some("West"),
                at(3, 0),
                InterviewOutcome::Partial,
                Partial,
            ),
        ],
    );
    for c in [&old, &new] {
        write_batch(&out, c, &key, &[]).unwrap();
    }
    let keys = TrustedKeys::load(&tmp.path().join("keys")).unwrap();
    let inbox = open_inbox(
        &out,
        &InboxOptions {
            keys: &keys,
            identities: None,
            questionnaires: vec![doorstep_store::demo::questionnaire().unwrap()],
            thresholds: Thresholds::default(),
        },
    )
    .unwrap();
    assert!(inbox.all_valid());

    // R1's old visit counts in East: a resident is in the community their
    // latest record names.
    assert_eq!(
        inbox.interview("I1").unwrap().community.as_deref(),
        Some("East")
    );
    let names: Vec<Option<&str>> = inbox
        .communities
        .iter()
        .map(|c| c.community.as_deref())
        .collect();
    assert_eq!(names, [Some("East"), Some("West"), None]);
    let get = |i: usize| -> &CommunitySummary { &inbox.communities[i] };

    let east = get(0);
    assert_eq!((east.residents, east.visits), (2, 3));
    assert_eq!((east.interviews, east.completed), (1, 1));
    assert_eq!(east.rr1, Some(1.0), "the vacant address leaves the base");
    assert_eq!(east.mean_overall_score, Some(100.0));
    assert_eq!(
        east.final_dispositions,
        BTreeMap::from([("complete".into(), 1), ("vacant".into(), 1)])
    );

    let west = get(1);
    assert_eq!((west.residents, west.visits), (2, 2));
    assert_eq!((west.interviews, west.completed), (1, 0));
    assert_eq!(west.rr1, Some(0.0));
    assert_eq!(
        west.mean_overall_score, None,
        "only completed interviews score"
    );
    assert_eq!(
        west.final_dispositions,
        BTreeMap::from([("no_one_home".into(), 1), ("partial".into(), 1)])
    );

    let unknown = get(2);
    assert_eq!(
        (unknown.residents, unknown.visits, unknown.interviews),
        (1, 1, 0)
    );
    assert_eq!(unknown.rr1, Some(0.0));
    assert_eq!(
        unknown.final_dispositions,
        BTreeMap::from([("refusal".into(), 1)])
    );

    // Flagged counts follow the interviews' own flags.
    for c in &inbox.communities {
        let flagged = inbox
            .interviews
            .iter()
            .filter(|i| i.community == c.community && !i.flags.is_empty())
            .count();
        assert_eq!(c.flagged, flagged, "{:?}", c.community);
    }
    // Every resident once: the communities add up to the whole.
    let residents: usize = inbox.communities.iter().map(|c| c.residents).sum();
    assert_eq!(residents, 5);
}
