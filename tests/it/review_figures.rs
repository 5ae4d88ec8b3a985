//! The figures a supervisor reads, on hand-made signed batches: a reopened
//! interview's copy supersedes the record it names, rejected (and, on
//! request, flagged) interviews leave the scores, and a missing batch is a
//! finding.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use doorstep_batch::{
    BatchContent, BatchInterview, InterviewOutcome, QuestionnaireRef, SigningKey, TrustedKeys,
    VisitRecord, answer_key, keygen, write_batch,
};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::paradata::{EventKind, ParadataEvent};
use doorstep_core::interview::{Answer, AnswerValue};
use doorstep_core::questionnaire::{QuestionKind, Questionnaire};
use doorstep_review::flags::{Thresholds, seconds_per_question};
use doorstep_review::inbox::{Inbox, InboxOptions, open_inbox};
use doorstep_store::Store;
use doorstep_tui::i18n::Lang;
use doorstep_tui::supervisor::ReviewApp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use uuid::Uuid;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    // 01:00 UTC is 09:00 in the default thresholds' UTC+8: working hours.
    Utc.with_ymd_and_hms(2026, 11, 3, h, m, 0).unwrap()
}

fn visit(id: &str, resident: &str, t: DateTime<Utc>, d: Disposition) -> VisitRecord {
    VisitRecord {
        id: id.into(),
        resident_id: resident.into(),
        community: Some("梧桐里社区".into()),
        attempt: 1,
        at: t,
        disposition: d,
        note: None,
        appointment: None,
        interview_id: None,
    }
}

fn shown(q: &str, t: DateTime<Utc>) -> ParadataEvent {
    ParadataEvent {
        at: t,
        kind: EventKind::Shown,
        question: Some(q.into()),
        instance: None,
        detail: None,
    }
}

/// A completed interview answering every rating with `value` (1 to 5:
/// overall score 0 to 100), 15 minutes from `t`, a question every 30 s.
fn interview(
    q: &Questionnaire,
    id: &str,
    resident: &str,
    t: DateTime<Utc>,
    value: i64,
) -> BatchInterview {
    let ratings: Vec<&str> = q
        .questions
        .iter()
        .filter(|x| matches!(x.kind, QuestionKind::Rating { min: 1, max: 5, .. }))
        .map(|x| x.id.as_str())
        .collect();
    let answers: BTreeMap<String, Answer> = ratings
        .iter()
        .map(|id| {
            (
                answer_key(id, None),
                Answer::Value(AnswerValue::Rating { value }),
            )
        })
        .collect();
    let paradata = ratings
        .iter()
        .enumerate()
        .map(|(i, id)| shown(id, t + Duration::seconds(30 * i as i64)))
        .collect();
    BatchInterview {
        id: id.into(),
        resident_id: resident.into(),
        community: Some("梧桐里社区".into()),
        questionnaire_id: q.id.clone(),
        questionnaire_version: q.version.clone(),
        surveyor_id: "S01".into(),
        device_id: "dev-1".into(),
        started_at: t,
        ended_at: Some(t + Duration::minutes(15)),
        status: InterviewOutcome::Completed,
        disposition: Disposition::Complete,
        answers,
        notes: BTreeMap::new(),
        calculates: Default::default(),
        paradata,
    }
}

/// The copy `assign --decisions` makes of a rejected interview, finished
/// the next day in 5 minutes with one answer changed: same start, the
/// original's events, the reopening event naming the original, then its
/// own session.
fn reopened_copy(original: &BatchInterview, id: &str) -> BatchInterview {
    let mut c = original.clone();
    c.id = id.into();
    let reopened = original.started_at + Duration::hours(9);
    let resumed = original.started_at + Duration::hours(24);
    c.paradata.push(ParadataEvent {
        at: reopened,
        kind: EventKind::Resumed,
        question: None,
        instance: None,
        detail: Some(format!(
            "reopened from {}: rejected by SUP1: ask again",
            original.id
        )),
    });
    let last_q = original.paradata.last().unwrap().question.clone();
    c.paradata.push(ParadataEvent {
        at: resumed,
        kind: EventKind::Resumed,
        question: last_q,
        instance: None,
        detail: None,
    });
    c.paradata
        .push(shown("q_end", resumed + Duration::minutes(4)));
    c.ended_at = Some(resumed + Duration::minutes(5));
    c
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
        created_at: at(12, 0) + Duration::days(seq as i64),
        questionnaires: vec![QuestionnaireRef {
            id: q.id.clone(),
            version: q.version.clone(),
            content_hash: q.content_hash.clone(),
        }],
        visits,
        interviews,
    }
}

/// Signs `batches` as S01 into `root/inbox` and opens the inbox.
fn open(root: &Path, batches: &[BatchContent]) -> Inbox {
    let made = keygen(root, "S01", None, false).unwrap();
    let key = SigningKey::load(&made.secret_key_path, |_| Ok(String::new())).unwrap();
    let out = root.join("inbox");
    std::fs::create_dir_all(&out).unwrap();
    for b in batches {
        write_batch(&out, b, &key, &[]).unwrap();
    }
    let keys = TrustedKeys::load(&root.join("keys")).unwrap();
    open_inbox(
        &out,
        &InboxOptions {
            keys: &keys,
            identities: None,
            questionnaires: vec![doorstep_store::demo::questionnaire().unwrap()],
            thresholds: Thresholds::default(),
        },
    )
    .unwrap()
}

/// Issue 10, review item 2: a re-exported reopened interview is not a
/// second interview. The copy supersedes the record it names: one row per
/// resident, counted once, no duplicate flag; its length is its work.
#[test]
fn a_reopened_copy_supersedes_the_interview_it_names() {
    let tmp = tempfile::tempdir().unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    use Disposition::*;
    let i1 = interview(&q, "I1", "R1", at(1, 0), 5);
    let i2 = interview(&q, "I2", "R2", at(2, 0), 3);
    let copy = reopened_copy(&i1, "I1b");
    let first_len = i1.paradata.len();
    let first = batch(
        &q,
        1,
        vec![
            visit("V1", "R1", at(1, 0), Complete),
            visit("V2", "R2", at(2, 0), Complete),
        ],
        vec![i1, i2],
    );
    let second = batch(
        &q,
        2,
        vec![visit("V3", "R1", at(1, 0) + Duration::hours(24), Complete)],
        vec![copy],
    );
    let inbox = open(tmp.path(), &[first, second]);
    assert!(inbox.all_valid());
    let ids: Vec<&str> = inbox.interviews.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        ["I2", "I1b"],
        "one row per resident, the latest version"
    );
    for i in &inbox.interviews {
        assert!(
            i.flags.iter().all(|f| f.code() != "duplicate_resident"),
            "{}: {:?}",
            i.id,
            i.flags
        );
    }
    let s = &inbox.surveyors[0];
    assert_eq!((s.interviews, s.completed), (2, 2));
    let c = &inbox.communities[0];
    assert_eq!((c.residents, c.interviews, c.completed), (2, 2, 2));
    // The copy's time: 15 minutes, then 5 the next day; not 24 hours.
    let copy = inbox.interview("I1b").unwrap();
    // The original's session ends with its last event (the copy does not
    // carry the original's end), the copy's with its own end.
    let original_work =
        (copy.record.paradata[0..first_len].last().unwrap().at - copy.started_at).num_seconds();
    assert_eq!(copy.work_seconds, Some(original_work + 5 * 60));
    assert_eq!(copy.replaces.as_deref(), Some("I1"));
    let old = &inbox.superseded;
    assert_eq!(old.len(), 1);
    assert_eq!(
        (old[0].id.as_str(), old[0].superseded_by.as_deref()),
        ("I1", Some("I1b"))
    );
    let longest = seconds_per_question(&copy.record.paradata)
        .into_iter()
        .map(|(_, s)| s)
        .fold(0.0, f64::max);
    assert!(longest <= 240.0, "{longest} s on one question");
}

/// Issue 10, review item 3: batch 2 of 3 is missing. The inbox names the
/// gap (device, numbers), the surveyor's figures say they lack it, and
/// the app's inbox says so in both languages.
#[test]
fn a_missing_batch_is_a_gap_in_the_inbox_and_on_screen() {
    let tmp = tempfile::tempdir().unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    use Disposition::*;
    let one = batch(
        &q,
        1,
        vec![visit("V1", "R1", at(1, 0), Complete)],
        vec![interview(&q, "I1", "R1", at(1, 0), 5)],
    );
    let three = batch(
        &q,
        3,
        vec![visit("V3", "R3", at(3, 0), Complete)],
        vec![interview(&q, "I3", "R3", at(3, 0), 5)],
    );
    let inbox = open(tmp.path(), &[one, three]);
    assert!(inbox.all_valid());
    assert!(inbox.has_gaps());
    assert_eq!(inbox.gaps.len(), 1);
    let g = &inbox.gaps[0];
    assert_eq!(
        (g.surveyor_id.as_str(), g.device_id.as_str()),
        ("S01", "dev-1")
    );
    assert_eq!(g.missing, [2]);
    assert_eq!(inbox.surveyors[0].missing_batches, 1);

    for (ui, said) in [
        (Lang::En, "Missing batches: S01 no. 2 (figures incomplete)"),
        (Lang::Zh, "缺少批次：S01 第 2 批（数据不全）"),
    ] {
        let dir = tmp.path().join(format!("sup-{}", ui.code()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open_in_dir(&dir).unwrap();
        let app = ReviewApp::new(inbox.clone(), store, "SUP1".into(), ui, 8);
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| app.draw(f)).unwrap();
        let text: String = t
            .backend()
            .buffer()
            .content()
            .chunks(80)
            .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
            .collect();
        assert!(
            text.replace(' ', "").contains(&said.replace(' ', "")),
            "{text}"
        );
    }
}

/// Issue 10, review item 1, in the library: the scores count approved and
/// undecided interviews, never rejected ones, and flagged ones only until
/// they are left out.
#[test]
fn scores_count_what_the_counting_says() {
    let tmp = tempfile::tempdir().unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    use Disposition::*;
    // Scores 100, 50 and 0; the last one 10 minutes after another: no
    // flag. I3 is made to straight-line (every rating the same): flagged.
    let ivs = vec![
        interview(&q, "I1", "R1", at(1, 0), 5),
        interview(&q, "I2", "R2", at(2, 0), 3),
        interview(&q, "I3", "R3", at(3, 0), 1),
    ];
    let visits = vec![
        visit("V1", "R1", at(1, 0), Complete),
        visit("V2", "R2", at(2, 0), Complete),
        visit("V3", "R3", at(3, 0), Complete),
    ];
    let mut inbox = open(tmp.path(), &[batch(&q, 1, visits, ivs)]);
    let mean = |i: &Inbox| (i.surveyors[0].scored, i.surveyors[0].mean_overall_score);
    let flagged = inbox
        .interviews
        .iter()
        .filter(|i| !i.flags.is_empty())
        .count();
    assert_eq!(flagged, 3, "every interview straight-lines");
    assert_eq!(mean(&inbox), (3, Some(50.0)));
    assert_eq!(inbox.counting.counted, "approved_and_undecided");
    inbox.set_counting(["I1"], false);
    assert_eq!(mean(&inbox), (2, Some(25.0)));
    assert_eq!(inbox.communities[0].mean_overall_score, Some(25.0));
    assert_eq!(inbox.communities[0].scored, 2);
    assert_eq!(inbox.counting.left_out_rejected, 1);
    inbox.set_counting(["I1"], true);
    assert_eq!(mean(&inbox), (0, None));
    assert_eq!(inbox.counting.counted, "approved_and_undecided_unflagged");
    assert_eq!(
        (
            inbox.counting.left_out_rejected,
            inbox.counting.left_out_flagged
        ),
        (1, 2)
    );
}

/// Issue 10, minor: one surveyor's interviews at 09:01 for 15 minutes and
/// 09:06 for 20 overlap (a known sign of fabrication): both are flagged.
#[test]
fn overlapping_interviews_of_one_surveyor_are_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    use Disposition::*;
    let mut a = interview(&q, "I1", "R1", at(1, 1), 4);
    let mut b = interview(&q, "I2", "R2", at(1, 6), 3);
    a.ended_at = Some(at(1, 16));
    b.ended_at = Some(at(1, 26));
    let c = interview(&q, "I3", "R3", at(2, 0), 2);
    let visits = vec![
        visit("V1", "R1", at(1, 1), Complete),
        visit("V2", "R2", at(1, 6), Complete),
        visit("V3", "R3", at(2, 0), Complete),
    ];
    let inbox = open(tmp.path(), &[batch(&q, 1, visits, vec![a, b, c])]);
    let codes = |id: &str| -> Vec<&str> {
        inbox
            .interview(id)
            .unwrap()
            .flags
            .iter()
            .map(|f| f.code())
            .collect()
    };
    assert!(
        codes("I1").contains(&"overlapping_interviews"),
        "{:?}",
        codes("I1")
    );
    assert!(
        codes("I2").contains(&"overlapping_interviews"),
        "{:?}",
        codes("I2")
    );
    assert!(
        !codes("I3").contains(&"overlapping_interviews"),
        "{:?}",
        codes("I3")
    );
}

/// Issue 14: interviews and visits sent in two batches (a replay) count
/// once, with a finding and a note; a batch id signed again with other
/// content is a CONFLICT, and the summary is then not all valid.
#[test]
fn replayed_records_count_once_and_a_changed_batch_is_a_conflict() {
    let tmp = tempfile::tempdir().unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    use Disposition::*;
    let i1 = interview(&q, "I1", "R1", at(1, 0), 5);
    let i2 = interview(&q, "I2", "R2", at(2, 0), 3);
    let i3 = interview(&q, "I3", "R3", at(3, 0), 4);
    let first = batch(
        &q,
        1,
        vec![
            visit("V1", "R1", at(1, 0), Complete),
            visit("V2", "R2", at(2, 0), Complete),
        ],
        vec![i1.clone(), i2],
    );
    let replay = batch(
        &q,
        2,
        vec![
            visit("V1", "R1", at(1, 0), Complete),
            visit("V3", "R3", at(3, 0), Complete),
        ],
        vec![i1, i3],
    );
    let inbox = open(tmp.path(), &[first.clone(), replay]);
    assert!(inbox.all_valid());
    assert_eq!(inbox.interviews.len(), 3);
    assert_eq!(inbox.visits.len(), 3);
    assert_eq!(inbox.surveyors[0].interviews, 3);
    assert_eq!(inbox.surveyors[0].visits, 3);
    assert!(
        inbox.notes.iter().any(|n| n.contains("counted once")),
        "{:?}",
        inbox.notes
    );
    assert!(
        inbox.batches[1]
            .findings
            .iter()
            .any(|f| f.contains("1 interview also in")),
        "{:?}",
        inbox.batches[1].findings
    );

    // Batch 1 again, one interview fewer, in a subfolder: a conflict.
    let mut changed = first;
    changed.interviews.pop();
    let key = SigningKey::load(&tmp.path().join("keys/S01.key"), |_| Ok(String::new())).unwrap();
    let sub = tmp.path().join("inbox/again");
    std::fs::create_dir_all(&sub).unwrap();
    write_batch(&sub, &changed, &key, &[]).unwrap();
    let keys = TrustedKeys::load(&tmp.path().join("keys")).unwrap();
    let inbox = open_inbox(
        &tmp.path().join("inbox"),
        &InboxOptions {
            keys: &keys,
            identities: None,
            questionnaires: vec![q.clone()],
            thresholds: Thresholds::default(),
        },
    )
    .unwrap();
    assert!(!inbox.all_valid());
    let conflicted: Vec<_> = inbox
        .batches
        .iter()
        .filter(|b| b.findings.iter().any(|f| f.starts_with("CONFLICT")))
        .collect();
    assert_eq!(conflicted.len(), 2, "{:?}", inbox.batches);
    assert!(conflicted.iter().all(|b| !b.is_valid()));
    // Only batch 2's records count: neither version of batch 1 is believed.
    assert_eq!(inbox.interviews.len(), 2);
}

/// Issue 14: a validly signed batch with a rating far outside its scale
/// (which the app never records) is not counted, and says why.
#[test]
fn a_rating_outside_the_scale_makes_the_batch_not_count() {
    let tmp = tempfile::tempdir().unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    use Disposition::*;
    let good = interview(&q, "I1", "R1", at(1, 0), 5);
    let mut bad = interview(&q, "I2", "R2", at(2, 0), 3);
    let key = bad
        .answers
        .iter()
        .find(|(_, a)| matches!(a, Answer::Value(AnswerValue::Rating { .. })))
        .map(|(k, _)| k.clone())
        .unwrap();
    bad.answers.insert(
        key.clone(),
        Answer::Value(AnswerValue::Rating {
            value: -9_200_000_000_000_000_000,
        }),
    );
    let inbox = open(
        tmp.path(),
        &[
            batch(
                &q,
                1,
                vec![visit("V1", "R1", at(1, 0), Complete)],
                vec![good],
            ),
            batch(
                &q,
                2,
                vec![visit("V2", "R2", at(2, 0), Complete)],
                vec![bad],
            ),
        ],
    );
    assert!(!inbox.all_valid());
    assert!(inbox.batches[0].is_valid());
    assert!(!inbox.batches[1].is_valid());
    let finding = inbox.batches[1].findings.join("; ");
    assert!(
        finding.contains(&format!(
            "interview I2: answer {key} is -9200000000000000000, outside "
        )),
        "{finding}"
    );
    assert_eq!(inbox.interviews.len(), 1);
    assert_eq!(inbox.interviews[0].id, "I1");
}
