//! `office rank --year Y`: the change from the year before, end to end. A
//! community interviewed in 2025Q4 and 2026Q4 (the same twelve residents,
//! 2026 rating each item one step higher), post-stratified to the same
//! register; the year's figure is its one quarter's, so the change is the
//! difference of the two post-stratified means, by hand.

use std::collections::BTreeMap;
use std::fs;

use chrono::Duration;
use doorstep_core::interview::answer::{Answer, AnswerValue};
use doorstep_core::questionnaire::QuestionKind;

use crate::office_scores::{GENDER_SETTINGS, N, json, rating, register_csv};
use crate::office_support::*;

/// A batch (`seq`) of N interviews of residents R00000… in 2026Q4 moved
/// back `years_back` years, every scored item rated `rate(k)`.
fn rated_batch(
    q: &doorstep_core::questionnaire::Questionnaire,
    seq: u64,
    years_back: i64,
    rate: impl Fn(usize) -> i64,
) -> doorstep_batch::BatchContent {
    let shift = Duration::days(365 * years_back);
    let mut b = batch("S01", "D1", seq, N);
    b.created_at -= shift;
    for v in &mut b.visits {
        v.at -= shift;
    }
    for (k, i) in b.interviews.iter_mut().enumerate() {
        i.started_at -= shift;
        i.ended_at = i.ended_at.map(|t| t - shift);
        for p in &mut i.paradata {
            p.at -= shift;
        }
        i.questionnaire_id = q.id.clone();
        i.questionnaire_version = q.version.clone();
        i.resident_id = format!("R{k:05}");
        i.answers = q
            .questions
            .iter()
            .filter_map(|question| match &question.kind {
                QuestionKind::Rating {
                    min,
                    max,
                    scoring: Some(_),
                    ..
                } => Some((
                    question.id.clone(),
                    Answer::Value(AnswerValue::Rating {
                        value: (*min + rate(k) - 1).min(*max),
                    }),
                )),
                _ => None,
            })
            .collect::<BTreeMap<_, _>>();
    }
    for c in &mut b.questionnaires {
        c.id = q.id.clone();
        c.version = q.version.clone();
    }
    b
}

/// The register (30 residents of 翠竹: 20 men, 10 women, the first N half
/// and half) from 2025-01-01, and the interviews of both years.
fn setup(backend: Backend) -> Office {
    let o = Office::on(backend);
    o.trust_all();
    let reg = register_csv();
    o.register("register.csv", &reg, "2025-01-01");
    fs::write(o.dir.join("office.toml"), GENDER_SETTINGS).unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    let this_year = rated_batch(&q, 1, 0, rating);
    let last_year = rated_batch(&q, 2, 1, |k| rating(k) - 1);
    let files = [
        write(&o, &o.dir.join("batches"), &this_year),
        write(&o, &o.dir.join("batches"), &last_year),
    ];
    let (code, doc) = o.ingest(&[&files[0], &files[1]]);
    assert_eq!(code, 0, "{doc}");
    o
}

/// The post-stratified mean by hand: item score (rating − 1)/4 × 100 (so
/// the index too), men's and women's means weighted 20 : 10.
fn by_hand(rate: impl Fn(usize) -> i64) -> f64 {
    let score = |k: usize| (rate(k) - 1) as f64 / 4.0 * 100.0;
    let mean = |g: usize| (0..N).filter(|k| k % 2 == g).map(score).sum::<f64>() / (N / 2) as f64;
    (20.0 * mean(0) + 10.0 * mean(1)) / 30.0
}

fn rank_has_the_change_from_the_year_before(backend: Backend) {
    let o = setup(backend);
    let now = by_hand(rating);
    let before = by_hand(|k| rating(k) - 1);
    let expected = now - before;
    assert!((expected - 25.0).abs() < 1e-9, "one step of a 1–5 scale");

    let doc = json(&o, &["rank", "--year", "2026", "--json"]);
    let ranks = doc["ranks"].as_array().unwrap();
    assert_eq!(ranks.len(), 1, "{doc}");
    let r = &ranks[0];
    assert_eq!(r["community"], "翠竹");
    assert!((r["score"].as_f64().unwrap() - now).abs() < 1e-9, "{r}");
    let change = r["change"].as_f64().unwrap_or_else(|| panic!("{r}"));
    assert!((change - expected).abs() < 1e-9, "{change} vs {expected}");

    // Significant when the change is beyond 1.96 SE of the difference,
    // SE √(SE₂₀₂₆² + SE₂₀₂₅²) from each year's own figure.
    let se_of = |year: &str| {
        let s = json(&o, &["scores", "--year", year, "--json"]);
        s["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["channel"] == "combined" && e["measure"] == "index")
            .unwrap_or_else(|| panic!("no {year} index in {s}"))["se"]
            .as_f64()
            .unwrap()
    };
    let se = (se_of("2026").powi(2) + se_of("2025").powi(2)).sqrt();
    assert!(se > 0.0);
    assert_eq!(
        r["change_significant"],
        change.abs() > 1.959963984540054 * se,
        "change {change}, SE {se}"
    );
    assert_eq!(r["change_significant"], true, "25 points on 12 interviews");

    // 2025 has no year before it: no change, null rather than 0.
    let doc = json(&o, &["rank", "--year", "2025", "--json"]);
    let r = &doc["ranks"][0];
    assert!((r["score"].as_f64().unwrap() - before).abs() < 1e-9, "{r}");
    assert!(r["change"].is_null(), "{r}");
    assert!(r["change_significant"].is_null(), "{r}");
}

on_both_backends!(rank_has_the_change_from_the_year_before);
