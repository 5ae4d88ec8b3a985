//! Writes N signed batches for the ingest benchmark
//! (`scripts/bench-office-ingest.sh`): `OUT/keys/ID.pub` for each
//! surveyor and `OUT/batches/` with BATCHES batches of PER interviews, each
//! with 40 answers and 80 paradata events (shown + answered per question),
//! spread over 50 surveyors (one device each). Deterministic.
//!
//! cargo run --release -p doorstep-office --example office_bench_batches -- OUT BATCHES PER

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{Duration, TimeZone, Utc};
use doorstep_batch::{
    BatchContent, BatchInterview, InterviewOutcome, QuestionnaireRef, SigningKey, VisitRecord,
    keygen, write_batch,
};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::answer::{Answer, AnswerValue};
use doorstep_core::interview::paradata::{EventKind, ParadataEvent};

const SURVEYORS: u64 = 50;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, out, batches, per] = args.as_slice() else {
        eprintln!("usage: office_bench_batches OUT BATCHES INTERVIEWS_PER_BATCH");
        std::process::exit(2);
    };
    let out = PathBuf::from(out);
    let batches: u64 = batches.parse().expect("a number of batches");
    let per: usize = per.parse().expect("a number of interviews");
    let dir = out.join("batches");
    std::fs::create_dir_all(&dir).unwrap();
    let secret = out.join("secret");
    let mut keys: Vec<SigningKey> = Vec::new();
    std::fs::create_dir_all(out.join("keys")).unwrap();
    for s in 0..SURVEYORS.min(batches.max(1)) {
        let id = format!("S{s:03}");
        let g = keygen(&secret, &id, None, true).unwrap();
        std::fs::copy(
            &g.public_key_path,
            out.join("keys").join(format!("{id}.pub")),
        )
        .unwrap();
        keys.push(SigningKey::load(&g.secret_key_path, |_| unreachable!()).unwrap());
    }
    let t0 = Utc.with_ymd_and_hms(2026, 11, 3, 1, 0, 0).unwrap();
    for b in 0..batches {
        let key = &keys[(b % keys.len() as u64) as usize];
        let surveyor = key.surveyor_id.clone();
        let device = format!("D-{surveyor}");
        let seq = b / keys.len() as u64 + 1;
        let mut visits = Vec::new();
        let mut interviews = Vec::new();
        for i in 0..per {
            let n = b as usize * per + i;
            let start = t0 + Duration::minutes(20 * i as i64);
            let id = format!("{surveyor}-{seq:05}-{i:03}");
            let resident = format!("R{n:07}");
            let community = format!("C{:04}", n % 2000);
            visits.push(VisitRecord {
                id: format!("V{id}"),
                resident_id: resident.clone(),
                community: Some(community.clone()),
                attempt: 1,
                at: start,
                disposition: Disposition::Complete,
                note: None,
                appointment: None,
                interview_id: Some(id.clone()),
            });
            let mut answers = BTreeMap::new();
            let mut paradata = Vec::with_capacity(80);
            for q in 0..40 {
                let qid = format!("q{q:02}");
                let at = start + Duration::seconds(15 * q as i64);
                paradata.push(ParadataEvent {
                    at,
                    kind: EventKind::Shown,
                    question: Some(qid.clone()),
                    instance: None,
                    detail: None,
                });
                paradata.push(ParadataEvent {
                    at: at + Duration::seconds(9),
                    kind: EventKind::Answered,
                    question: Some(qid.clone()),
                    instance: None,
                    detail: None,
                });
                answers.insert(
                    qid,
                    Answer::Value(AnswerValue::Rating {
                        value: ((n + q) % 5 + 1) as i64,
                    }),
                );
            }
            interviews.push(BatchInterview {
                id,
                resident_id: resident,
                community: Some(community),
                questionnaire_id: "resident-satisfaction".into(),
                questionnaire_version: "2026.1".into(),
                surveyor_id: surveyor.clone(),
                device_id: device.clone(),
                started_at: start,
                ended_at: Some(start + Duration::minutes(11)),
                status: InterviewOutcome::Completed,
                disposition: Disposition::Complete,
                answers,
                notes: Default::default(),
                calculates: Default::default(),
                paradata,
            });
        }
        let content = BatchContent {
            batch_id: uuid_for(b),
            surveyor_id: surveyor,
            device_id: device,
            sequence: seq,
            created_at: t0 + Duration::hours(12),
            questionnaires: vec![QuestionnaireRef {
                id: "resident-satisfaction".into(),
                version: "2026.1".into(),
                content_hash: "ab".repeat(32),
            }],
            visits,
            interviews,
        };
        write_batch(&dir, &content, key, &[]).unwrap();
    }
}

fn uuid_for(b: u64) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + b as u128)
}
