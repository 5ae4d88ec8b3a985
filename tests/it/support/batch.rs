//! Shared builders for the batch tests and bench (included with `#[path]`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use doorstep_batch::{
    BatchContent, BatchInterview, InterviewOutcome, QuestionnaireRef, VisitRecord, answer_key,
};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::answer::{Answer, AnswerValue, SpecialResponse};
use doorstep_core::interview::paradata::{EventKind, ParadataEvent};
use uuid::Uuid;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap()
}

/// A batch with `n` interviews of `answers` answers each, one visit per
/// interview plus a no-contact visit every 4th resident. Deterministic.
pub fn content(surveyor: &str, device: &str, seq: u64, n: usize, answers: usize) -> BatchContent {
    let batch_id = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + seq as u128);
    let mut visits = Vec::new();
    let mut interviews = Vec::new();
    for i in 0..n {
        let start = t0() + Duration::minutes(20 * i as i64) + Duration::milliseconds(123);
        let resident = format!("R{:05}", i);
        let interview_id = format!("I{seq}-{i:05}");
        if i % 4 == 3 {
            visits.push(VisitRecord {
                id: format!("V{seq}-{i:05}-a"),
                resident_id: resident.clone(),
                community: None,
                attempt: 1,
                at: start - Duration::hours(2),
                disposition: Disposition::NoOneHome,
                note: Some("dog barking, \"nobody\" — 没有人".into()),
                appointment: None,
                interview_id: None,
            });
        }
        visits.push(VisitRecord {
            id: format!("V{seq}-{i:05}"),
            resident_id: resident.clone(),
            community: None,
            attempt: if i % 4 == 3 { 2 } else { 1 },
            at: start,
            disposition: Disposition::Complete,
            note: None,
            appointment: None,
            interview_id: Some(interview_id.clone()),
        });
        let mut map = BTreeMap::new();
        let mut paradata = Vec::new();
        for q in 0..answers {
            let a = match q % 6 {
                0 => Answer::Value(AnswerValue::Rating {
                    value: (i + q) as i64 % 5 + 1,
                }),
                1 => Answer::special(SpecialResponse::Refused),
                2 => Answer::Value(AnswerValue::Choice {
                    value: "b".into(),
                    other: None,
                }),
                3 => Answer::Value(AnswerValue::Text {
                    value: format!("comment {i} {q}"),
                }),
                4 => Answer::Value(AnswerValue::Decimal { value: 2.5 }),
                _ => Answer::special(SpecialResponse::DontKnow),
            };
            let instance = (q >= answers.saturating_sub(2)).then_some((q % 2) as u32);
            let qid = format!("q{q:02}");
            paradata.push(ParadataEvent {
                at: start + Duration::seconds(10 * q as i64),
                kind: EventKind::Answered,
                question: Some(qid.clone()),
                instance,
                detail: None,
            });
            map.insert(answer_key(&qid, instance), a);
        }
        interviews.push(BatchInterview {
            id: interview_id,
            resident_id: resident,
            community: None,
            questionnaire_id: "satisfaction".into(),
            questionnaire_version: "2026.1".into(),
            surveyor_id: surveyor.into(),
            device_id: device.into(),
            started_at: start,
            ended_at: Some(start + Duration::minutes(12)),
            status: InterviewOutcome::Completed,
            disposition: Disposition::Complete,
            answers: map,
            notes: Default::default(),
            calculates: Default::default(),
            paradata,
        });
    }
    BatchContent {
        batch_id,
        surveyor_id: surveyor.into(),
        device_id: device.into(),
        sequence: seq,
        created_at: t0() + Duration::hours(10),
        questionnaires: vec![QuestionnaireRef {
            id: "satisfaction".into(),
            version: "2026.1".into(),
            content_hash: "ab".repeat(32),
        }],
        visits,
        interviews,
    }
}

#[cfg(unix)]
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
pub fn chmod(p: &Path, m: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}
