//! Opening a day's inbox: 50 signed batches holding 20,000 interviews of
//! the bundled questionnaire (~40 answers each, with paradata), from the
//! folder to the loaded model (verification, parsing, scores, flags,
//! summaries). Goal: under 1 s to the first drawn inbox, which the second
//! function measures: the same, plus the supervisor's store, the review
//! app and its first frame (the inbox tab, 120x40). That one leaves out
//! dropping it all, which the app does when it quits; the first includes
//! dropping the inbox.

use std::collections::BTreeMap;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use doorstep_batch::{
    BatchContent, BatchInterview, InterviewOutcome, QuestionnaireRef, SigningKey, TrustedKeys,
    VisitRecord, answer_key, keygen, write_batch,
};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::{Answer, AnswerValue, EventKind, ParadataEvent, SpecialResponse};
use doorstep_core::questionnaire::{QuestionKind, Questionnaire};
use doorstep_review::flags::Thresholds;
use doorstep_review::inbox::{InboxOptions, open_inbox};
use doorstep_store::Store;
use doorstep_tui::i18n::Lang;
use doorstep_tui::supervisor::ReviewApp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use uuid::Uuid;

const BATCHES: usize = 50;
const PER_BATCH: usize = 400;

/// One batch of realistic interviews: answers to the questionnaire's own
/// questions (ratings where it asks ratings), a shown/answered pair of
/// paradata events per question.
fn batch(q: &Questionnaire, surveyor: &str, seq: u64) -> BatchContent {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 3, 1, 0, 0).unwrap();
    let mut visits = Vec::new();
    let mut interviews = Vec::new();
    for i in 0..PER_BATCH {
        let start = t0 + Duration::seconds(90 * i as i64);
        let id = format!("{surveyor}-{seq}-{i:05}");
        let resident = format!("R-{surveyor}-{seq}-{i:05}");
        let mut answers = BTreeMap::new();
        let mut paradata = Vec::new();
        for (n, question) in q.questions.iter().take(40).enumerate() {
            let a = match &question.kind {
                QuestionKind::Rating { min, max, .. } => {
                    if (i + n) % 17 == 0 {
                        Answer::special(SpecialResponse::DontKnow)
                    } else {
                        Answer::Value(AnswerValue::Rating {
                            value: min + ((i * 7 + n * 3) as i64 % (max - min + 1)),
                        })
                    }
                }
                _ => Answer::Value(AnswerValue::Text {
                    value: format!("answer {n} of interview {i}"),
                }),
            };
            let at = start + Duration::seconds(15 * n as i64);
            for kind in [EventKind::Shown, EventKind::Answered] {
                paradata.push(ParadataEvent {
                    at,
                    kind,
                    question: Some(question.id.clone()),
                    instance: None,
                    detail: None,
                });
            }
            answers.insert(answer_key(&question.id, None), a);
        }
        // New batches carry each resident's community; eight here.
        let community = Some(format!("community {}", i % 8));
        visits.push(VisitRecord {
            id: format!("V-{id}"),
            resident_id: resident.clone(),
            community: community.clone(),
            attempt: 1,
            at: start,
            disposition: Disposition::Complete,
            note: None,
            appointment: None,
            interview_id: Some(id.clone()),
        });
        interviews.push(BatchInterview {
            id,
            resident_id: resident,
            community,
            questionnaire_id: q.id.clone(),
            questionnaire_version: q.version.clone(),
            surveyor_id: surveyor.into(),
            device_id: format!("dev-{surveyor}"),
            started_at: start,
            ended_at: Some(start + Duration::minutes(12 + (i % 7) as i64)),
            status: InterviewOutcome::Completed,
            disposition: Disposition::Complete,
            answers,
            notes: BTreeMap::new(),
            calculates: Default::default(),
            paradata,
        });
    }
    BatchContent {
        batch_id: Uuid::from_u128(
            0x0190_0000_0000_7000_8000_0000_0000_0000 + seq as u128 * 1000 + surveyor.len() as u128,
        ),
        surveyor_id: surveyor.into(),
        device_id: format!("dev-{surveyor}"),
        sequence: seq,
        created_at: t0 + Duration::hours(10),
        questionnaires: vec![QuestionnaireRef {
            id: q.id.clone(),
            version: q.version.clone(),
            content_hash: q.content_hash.clone(),
        }],
        visits,
        interviews,
    }
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    let inbox_dir = tmp.path().join("inbox");
    std::fs::create_dir_all(&inbox_dir).unwrap();
    // Ten surveyors, five batches each.
    for s in 0..10 {
        let id = format!("S{s:02}");
        keygen(tmp.path(), &id, None, false).unwrap();
        let key = SigningKey::load(&tmp.path().join(format!("keys/{id}.key")), |_| {
            Ok(String::new())
        })
        .unwrap();
        for seq in 1..=(BATCHES / 10) as u64 {
            write_batch(&inbox_dir, &batch(&q, &id, seq), &key, &[]).unwrap();
        }
    }
    let keys = TrustedKeys::load(&tmp.path().join("keys")).unwrap();
    let opts = InboxOptions {
        keys: &keys,
        identities: None,
        questionnaires: vec![doorstep_store::demo::questionnaire().unwrap()],
        thresholds: Thresholds::default(),
    };
    let check = open_inbox(&inbox_dir, &opts).unwrap();
    assert_eq!(check.batches.len(), BATCHES);
    assert_eq!(check.interviews.len(), BATCHES * PER_BATCH);
    assert!(check.all_valid() && check.notes.is_empty());
    let mut g = c.benchmark_group("review");
    g.sample_size(10);
    g.bench_function("open_inbox_50_batches_20000_interviews", |b| {
        b.iter(|| open_inbox(&inbox_dir, &opts).unwrap())
    });
    // The supervisor's store exists (created once), as it does for the app.
    let supervisor = tmp.path().join("supervisor");
    std::fs::create_dir_all(&supervisor).unwrap();
    drop(Store::open_in_dir(&supervisor).unwrap());
    let first_frame = || {
        let inbox = open_inbox(&inbox_dir, &opts).unwrap();
        let store = Store::open_in_dir(&supervisor).unwrap();
        let app = ReviewApp::new(
            inbox,
            store,
            "sup01".into(),
            Lang::En,
            opts.thresholds.utc_offset_hours,
        );
        let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
        t.draw(|f| app.draw(f)).unwrap();
        (app, t)
    };
    let (_, t) = first_frame();
    let shown: String = t
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(
        shown.contains("Surveyor") && shown.contains("valid"),
        "{shown}"
    );
    g.bench_function("first_drawn_inbox_50_batches_20000_interviews", |b| {
        b.iter_with_large_drop(first_frame)
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
