//! `office scores`, `rank` and `export interviews` on a small office:
//! interviews scored with the bundled questionnaire, post-stratified to the
//! register, checked against a hand computation of the same figure.

use std::collections::BTreeMap;
use std::fs;

use doorstep_core::interview::answer::{Answer, AnswerValue};
use doorstep_core::questionnaire::QuestionKind;
use serde_json::Value;

use crate::office_support::*;

pub(crate) const N: usize = 12;

/// Interview k answers every scored item of the bundled questionnaire with
/// the same rating; men (even k) rate 2 + k % 3, women 4 + k % 2, so the
/// groups' means differ and post-stratification moves the estimate.
pub(crate) fn rating(k: usize) -> i64 {
    if k.is_multiple_of(2) {
        2 + (k % 3) as i64
    } else {
        4 + (k % 2) as i64
    }
}

/// The register of 翠竹 as CSV: 30 residents, 20 men and 10 women, the
/// first N half and half (so men are under-represented among them).
pub(crate) fn register_csv() -> String {
    let mut reg = String::from("resident_id,name,address,community,street,district,gender\n");
    for r in 0..30 {
        let gender = if r < N {
            if r % 2 == 0 { "m" } else { "f" }
        } else if r < 26 {
            "m"
        } else {
            "f"
        };
        reg.push_str(&format!("R{r:05},某,{r}号,翠竹,玄武街道,玄武区,{gender}\n"));
    }
    reg
}

/// office.toml: undecided interviews count, calibrated on gender alone.
pub(crate) const GENDER_SETTINGS: &str =
    "[ingest]\ncount = \"approved_and_undecided\"\n\n[scores]\ncalibration = [\"gender\"]\n";

pub(crate) fn setup(backend: Backend) -> Office {
    let o = Office::on(backend);
    o.trust_all();
    // 30 registered residents: 20 men, 10 women; the first N were
    // interviewed (6 men, 6 women), so men are under-represented.
    let reg = register_csv();
    o.register("register.csv", &reg, "2026-10-01");
    fs::write(o.dir.join("office.toml"), GENDER_SETTINGS).unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    let mut b = batch("S01", "D1", 1, N);
    for (k, i) in b.interviews.iter_mut().enumerate() {
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
                } => {
                    let value = (*min + rating(k) - 1).min(*max);
                    Some((
                        question.id.clone(),
                        Answer::Value(AnswerValue::Rating { value }),
                    ))
                }
                _ => None,
            })
            .collect::<BTreeMap<_, _>>();
    }
    for c in &mut b.questionnaires {
        c.id = q.id.clone();
        c.version = q.version.clone();
    }
    let file = write(&o, &o.dir.join("batches"), &b);
    let (code, doc) = o.ingest(&[&file]);
    assert_eq!(code, 0, "{doc}");
    o
}

/// The JSON a command prints, run in the office's folder with its settings.
pub(crate) fn json(o: &Office, args: &[&str]) -> Value {
    let mut a = vec!["--settings", "office.toml"];
    a.extend(args);
    let out = o.cmd(&a).current_dir(&o.dir).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn scores_are_post_stratified_to_the_register(backend: Backend) {
    let o = setup(backend);
    let doc = json(&o, &["scores", "--quarter", "2026Q4", "--json"]);
    let rows = doc["estimates"].as_array().unwrap();
    let find = |channel: &str| {
        rows.iter()
            .find(|r| {
                r["community"] == "翠竹" && r["channel"] == channel && r["measure"] == "index"
            })
            .unwrap_or_else(|| panic!("no {channel} index in {doc}"))
    };
    let home = find("home_visit");
    assert_eq!(home["n"], N);
    // By hand: every item of interview k scores (rating − 1)/4 × 100 on a
    // 1–5 scale, so its index is that too. Men's mean and women's mean,
    // weighted by the register's 20 men and 10 women.
    let score = |k: usize| (rating(k) - 1) as f64 / 4.0 * 100.0;
    let mean = |g: usize| (0..N).filter(|k| k % 2 == g).map(score).sum::<f64>() / (N / 2) as f64;
    let expected = (20.0 * mean(0) + 10.0 * mean(1)) / 30.0;
    let got = home["estimate"].as_f64().unwrap();
    assert!((got - expected).abs() < 1e-9, "{got} vs {expected}");
    assert!(home["se"].as_f64().unwrap() > 0.0);
    assert_eq!(home["small"], true, "12 interviews are fewer than 30");
    // Only home visits: the combined score is theirs, and says so.
    let combined = find("combined");
    assert!((combined["estimate"].as_f64().unwrap() - got).abs() < 1e-9);
    assert!(doc["settings_hash"].as_str().unwrap().len() == 64);
    assert!(doc["run_id"].as_i64().unwrap() >= 1);
}

fn rank_and_export_give_what_a_recomputation_needs(backend: Backend) {
    let o = setup(backend);
    let doc = json(
        &o,
        &["rank", "--quarter", "2026Q4", "--level", "street", "--json"],
    );
    let ranks = doc["ranks"].as_array().unwrap();
    assert_eq!(ranks.len(), 1);
    assert_eq!(ranks[0]["rank"], 1);
    assert_eq!(ranks[0]["within"], "玄武街道");
    assert!(ranks[0]["grade"].is_string());

    let out = o.dir.join("interviews.csv");
    o.cmd(&[
        "--settings",
        "office.toml",
        "export",
        "interviews",
        "--quarter",
        "2026Q4",
        "--out",
        out.to_str().unwrap(),
    ])
    .current_dir(&o.dir)
    .assert()
    .success();
    let mut r = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    for col in [
        "interview_id",
        "community",
        "street",
        "quarter",
        "channel",
        "gender",
        "base_weight",
        "weight",
        "index",
    ] {
        assert!(
            header.iter().any(|h| h == col),
            "{col} missing from {header:?}"
        );
    }
    let w = header.iter().position(|h| h == "weight").unwrap();
    let b = header.iter().position(|h| h == "base_weight").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), N);
    let total: f64 = rows.iter().map(|row| row[w].parse::<f64>().unwrap()).sum();
    assert!(
        (total - 30.0).abs() < 1e-9,
        "weights add up to the register: {total}"
    );
    assert!(
        rows.iter()
            .all(|row| (row[b].parse::<f64>().unwrap() - 2.5).abs() < 1e-12)
    );
    // Two runs recorded (rank, export), each with the settings' hash.
    let db = o.open_db();
    let hashes = count(
        &db,
        "SELECT COUNT(DISTINCT settings_hash) FROM scoring_runs",
    );
    let runs = count(&db, "SELECT COUNT(*) FROM scoring_runs");
    assert_eq!((hashes, runs), (1, 2), "one hash, two runs");
}

on_both_backends!(
    scores_are_post_stratified_to_the_register,
    rank_and_export_give_what_a_recomputation_needs,
);
