//! `office sample --target-margin` sized from the previous quarter per
//! community: the index SD of its counted interviews, the design effect of
//! their calibrated weights and the response rate of its visits; a
//! community without history takes the `[sample]` defaults, and the
//! output says which.

use std::fs;

use serde_json::Value;

use crate::office_scores::{N, rating, register_csv, setup};
use crate::office_support::{Backend, on_both_backends};

fn target_margin_uses_the_previous_quarter_per_community_and_defaults_elsewhere(backend: Backend) {
    // 翠竹: 30 residents (20 men, 10 women), 12 interviews in 2026Q4
    // calibrated on gender. 梅园 joins the register in December, no history.
    let o = setup(backend);
    let mut reg = register_csv();
    for r in 0..40 {
        reg.push_str(&format!("M{r:05},某,{r}号,梅园,玄武街道,玄武区,f\n"));
    }
    o.register("register-dec.csv", &reg, "2026-12-01");
    let surveyors = o.dir.join("surveyors.csv");
    fs::write(&surveyors, "surveyor_id,community\nS1,翠竹\nS1,梅园\n").unwrap();
    let out = o.dir.join("out");
    let run = |json: bool| {
        let mut args = vec![
            "--settings",
            "office.toml",
            "sample",
            "--quarter",
            "2027Q1",
            "--target-margin",
            "10",
            "--surveyors",
            surveyors.to_str().unwrap(),
            "--seed",
            "1",
            "--out",
            out.to_str().unwrap(),
        ];
        if json {
            args.push("--json");
        }
        let output = o.cmd(&args).current_dir(&o.dir).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let doc: Value = serde_json::from_str(&run(true)).unwrap();
    let sizing = doc["sizing"].as_array().unwrap();
    let of = |c: &str| sizing.iter().find(|s| s["community"] == c).unwrap().clone();

    let cz = of("翠竹");
    let a = &cz["assumed"];
    assert_eq!(a["spread_from"], "previous_quarter", "{cz}");
    assert_eq!(a["response_rate_from"], "previous_quarter", "{cz}");
    assert_eq!(a["interviews"], N);
    // By hand: each interview's index is (rating − 1)/4 × 100; sample SD.
    let scores: Vec<f64> = (0..N).map(|k| (rating(k) - 1) as f64 * 25.0).collect();
    let mean = scores.iter().sum::<f64>() / N as f64;
    let sd = (scores.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (N - 1) as f64).sqrt();
    assert!(
        (a["index_sd"].as_f64().unwrap() - sd).abs() < 1e-9,
        "{a} vs {sd}"
    );
    // Weights 20/6 for the 6 men, 10/6 for the 6 women: Kish 10/9.
    assert!(
        (a["design_effect"].as_f64().unwrap() - 10.0 / 9.0).abs() < 1e-9,
        "{a}"
    );
    // Every resident visited in 2026Q4 was interviewed.
    assert_eq!(a["response_rate"], 1.0);
    // The size follows from those: n0 = (1.96·SD/10)²·deff, corrected
    // for N = 30, over the response rate.
    let n0 = (1.96 * sd / 10.0).powi(2) * (10.0 / 9.0);
    let n = n0 / (1.0 + (n0 - 1.0) / 30.0);
    assert_eq!(cz["size"], (n.ceil() as u64).min(30), "{cz}");

    let my = of("梅园");
    let a = &my["assumed"];
    assert_eq!(
        (a["spread_from"].as_str(), a["response_rate_from"].as_str()),
        (Some("default"), Some("default"))
    );
    assert_eq!(
        (
            a["index_sd"].as_f64(),
            a["design_effect"].as_f64(),
            a["response_rate"].as_f64()
        ),
        (Some(20.0), Some(1.5), Some(0.6))
    );
    // (1.96·20/10)²·1.5 = 23.05; N = 40: 14.86; /0.6 → 25.
    assert_eq!(my["size"], 25);

    let text = run(false);
    assert!(
        text.contains("from the previous quarter (2026Q4) for 1 of 2 communities")
            && text.contains("index SD 20, design effect 1.5, response rate 0.6"),
        "{text}"
    );
}

on_both_backends!(target_margin_uses_the_previous_quarter_per_community_and_defaults_elsewhere);
