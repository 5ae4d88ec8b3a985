//! `doorstep office sample`: stratified, reproducible to the byte, one
//! file per surveyor that `doorstep assign` loads as is (keeping `stratum`
//! and `reserve`), recently interviewed residents left out.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::office_support::*;

/// 3 communities: 翠竹 (40), 梅园 (25), 桃园 (9); age_group × gender.
fn register(o: &Office) {
    let mut text =
        String::from("resident_id,name,address,community,street,district,age_group,gender\n");
    let ages = ["18-34", "35-59", "60+"];
    for (c, n) in [("翠竹", 40), ("梅园", 25), ("桃园", 9)] {
        for i in 0..n {
            let id = format!("R{:05}", text.lines().count() - 1);
            text.push_str(&format!(
                "{id},住户{i},{c}{i}号,{c},玄武街道,玄武区,{},{}\n",
                ages[(i * 7) % 3],
                if i % 2 == 0 { "f" } else { "m" }
            ));
        }
    }
    o.register("register.csv", &text, "2026-07-01");
}

fn surveyors(o: &Office, text: &str) -> PathBuf {
    let p = o.dir.join("surveyors.csv");
    fs::write(&p, text).unwrap();
    p
}

fn sample(o: &Office, out: &Path, extra: &[&str]) -> Value {
    let s = o.dir.join("surveyors.csv");
    let mut args = vec![
        "sample",
        "--quarter",
        "2026Q4",
        "--strata",
        "age_group,gender",
        "--surveyors",
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ];
    args.extend_from_slice(extra);
    let output = o.cmd(&args).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn rows(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

fn the_same_inputs_give_byte_identical_files_per_surveyor(backend: Backend) {
    let o = Office::on(backend);
    register(&o);
    surveyors(&o, "surveyor_id,community\nS1,翠竹\nS1,梅园\nS2,桃园\n");
    let base = ["--per-community", "12", "--reserve", "1", "--seed", "7"];
    let r = sample(&o, &o.dir.join("a"), &base);
    assert_eq!(r["communities"], 3);
    // 12 + 12 + all 9 of 桃园.
    assert_eq!(r["sampled"], 33);
    sample(&o, &o.dir.join("b"), &base);
    for f in ["S1.csv", "S2.csv", "sample-summary.csv"] {
        assert_eq!(
            fs::read(o.dir.join("a").join(f)).unwrap(),
            fs::read(o.dir.join("b").join(f)).unwrap(),
            "{f} differs between two identical runs"
        );
    }
    let other = ["--per-community", "12", "--reserve", "1", "--seed", "8"];
    sample(&o, &o.dir.join("c"), &other);
    assert_ne!(
        fs::read(o.dir.join("a/S1.csv")).unwrap(),
        fs::read(o.dir.join("c/S1.csv")).unwrap()
    );

    // Strata in proportion to the register, largest remainder: every
    // community's targets add up to its sample size.
    let summary = rows(&o.dir.join("a/sample-summary.csv"));
    let target_of = |c: &str| -> u64 {
        summary
            .iter()
            .filter(|r| &r[0] == c)
            .map(|r| r[4].parse::<u64>().unwrap())
            .sum()
    };
    assert_eq!(target_of("翠竹"), 12);
    assert_eq!(target_of("梅园"), 12);
    assert_eq!(target_of("桃园"), 9);
    // S1 holds 翠竹 and 梅园 only, each sampled row with its stratum.
    let s1 = rows(&o.dir.join("a/S1.csv"));
    let header = csv::Reader::from_path(o.dir.join("a/S1.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    assert_eq!(&header[header.len() - 2], "stratum");
    assert_eq!(&header[header.len() - 1], "reserve");
    assert!(s1.iter().all(|r| &r[3] == "翠竹" || &r[3] == "梅园"));
    let sampled = s1.iter().filter(|r| &r[r.len() - 1] == "0").count();
    assert_eq!(sampled, 24);
    assert!(
        s1.iter().any(|r| &r[r.len() - 1] == "1"),
        "reserves are listed"
    );
    let stratum = &s1[0][s1[0].len() - 2];
    assert_eq!(stratum.split('/').count(), 2, "{stratum}");
}

fn doorstep_assign_loads_a_surveyor_file_as_is_and_keeps_stratum_and_reserve(backend: Backend) {
    let o = Office::on(backend);
    register(&o);
    surveyors(&o, "surveyor_id,community\nS1,翠竹\n");
    sample(
        &o,
        &o.dir.join("out"),
        &["--per-community", "5", "--reserve", "2", "--seed", "1"],
    );
    let file = o.dir.join("out/S1.csv");
    let n = rows(&file).len();
    let laptop = o.dir.join("laptop");
    fs::create_dir_all(&laptop).unwrap();
    crate::support::doorstep_in(&laptop)
        .args([
            "assign",
            "--residents",
            file.to_str().unwrap(),
            "--questionnaire",
            "questionnaires/resident-satisfaction.toml",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains(format!(
            "{n} residents: {n} added"
        )));
    let store = crate::support::open_store(&laptop.join("data"));
    let first = &rows(&file)[0];
    let r = store.resident(&first[0]).unwrap().unwrap();
    assert_eq!(r.attributes["stratum"], first[first.len() - 2]);
    assert_eq!(r.attributes["reserve"], "0");
    assert_eq!(r.attributes["street"], "玄武街道");
}

fn residents_interviewed_in_recent_quarters_are_left_out(backend: Backend) {
    let o = Office::on(backend);
    o.trust_all();
    register(&o);
    // Interviews in 2026Q4 with residents R00000..R00002 (翠竹).
    let d = o.dir.join("in");
    write(&o, &d, &batch("S01", "D1", 1, 3));
    o.ingest(&[&d]);
    surveyors(&o, "surveyor_id,community\nS1,翠竹\n");
    let s = o.dir.join("surveyors.csv");
    let out = o.dir.join("q1");
    let output = o
        .cmd(&[
            "sample",
            "--quarter",
            "2027Q1",
            "--as-of",
            "2026-10-01",
            "--per-community",
            "100",
            "--surveyors",
            s.to_str().unwrap(),
            "--seed",
            "1",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let r: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(r["excluded_recently_interviewed"], 3);
    assert_eq!(r["sampled"], 37);
    let ids: Vec<String> = rows(&out.join("S1.csv"))
        .iter()
        .map(|r| r[0].to_string())
        .collect();
    for gone in ["R00000", "R00001", "R00002"] {
        assert!(!ids.contains(&gone.to_string()));
    }
}

fn a_bad_surveyors_file_is_located_and_nothing_is_written(backend: Backend) {
    let o = Office::on(backend);
    register(&o);
    let s = surveyors(&o, "surveyor_id,community\nS1,翠竹\nS2,翠竹\n");
    let out = o.dir.join("out");
    o.cmd(&[
        "sample",
        "--quarter",
        "2026Q4",
        "--per-community",
        "5",
        "--surveyors",
        s.to_str().unwrap(),
        "--seed",
        "1",
        "--out",
        out.to_str().unwrap(),
    ])
    .assert()
    .failure()
    .stderr(predicates::str::contains(
        "surveyors.csv: row 3, column community: community 翠竹 is already assigned to S1 in row 2",
    ));
    assert!(!out.exists());
    surveyors(&o, "surveyor,community\nS1,翠竹\n");
    o.cmd(&[
        "sample",
        "--quarter",
        "2026Q4",
        "--per-community",
        "5",
        "--surveyors",
        s.to_str().unwrap(),
        "--seed",
        "1",
        "--out",
        out.to_str().unwrap(),
    ])
    .assert()
    .failure()
    .stderr(predicates::str::contains("required column 'surveyor_id'"));
}

fn a_target_margin_sizes_each_community_and_says_what_it_assumed(backend: Backend) {
    let o = Office::on(backend);
    register(&o);
    surveyors(&o, "surveyor_id,community\nS1,翠竹\nS1,梅园\n");
    let s = o.dir.join("surveyors.csv");
    let out = o.dir.join("m");
    o.cmd(&[
        "sample",
        "--quarter",
        "2026Q4",
        "--target-margin",
        "10",
        "--surveyors",
        s.to_str().unwrap(),
        "--seed",
        "1",
        "--out",
        out.to_str().unwrap(),
    ])
    .assert()
    .success()
    .stdout(predicates::str::contains(
        "index SD 20, design effect 1.5, response rate 0.6",
    ));
    // (1.96·20/10)²·1.5 = 23.05; with N = 40: 23.05/(1+22.05/40) = 14.86;
    // /0.6 → 25. With N = 25: 23.05/(1+22.05/25) = 12.25; /0.6 → 21.
    let summary = rows(&out.join("sample-summary.csv"));
    let target_of = |c: &str| -> u64 {
        summary
            .iter()
            .filter(|r| &r[0] == c)
            .map(|r| r[4].parse::<u64>().unwrap())
            .sum()
    };
    assert_eq!(target_of("翠竹"), 25);
    assert_eq!(target_of("梅园"), 21);
}

/// The draw's bytes are pinned: a faster implementation must write exactly
/// what the first one did (SHA-256 of each file for seed 7, 12 per
/// community, 2 reserves; taken from the implementation before the speed
/// work of issue 12 item 4).
fn the_files_are_those_of_the_pinned_draw(backend: Backend) {
    let o = Office::on(backend);
    register(&o);
    surveyors(&o, "surveyor_id,community\nS1,翠竹\nS1,梅园\nS2,桃园\n");
    let out = o.dir.join("pinned");
    sample(
        &o,
        &out,
        &["--per-community", "12", "--reserve", "2", "--seed", "7"],
    );
    for (f, sha) in [
        (
            "S1.csv",
            "9aee9c2af157dc21c9d1faa53cfc93b1c8369f5c5124676a5a2385c00bc0b09b",
        ),
        (
            "S2.csv",
            "4d8d07838916a8ca9a490ab455bf86fba1b78cfda3c1e97d6802e25078b1eb9b",
        ),
        (
            "sample-summary.csv",
            "54aee7f29134c28d3f1b64e3ac17bdbcd3f2ce9e97fdf3d96ceee5412bcf6fad",
        ),
    ] {
        let got = doorstep_core::questionnaire::hex_sha256(&fs::read(out.join(f)).unwrap());
        assert_eq!(got, sha, "{f} is not the pinned draw");
    }
}

on_both_backends!(
    the_same_inputs_give_byte_identical_files_per_surveyor,
    doorstep_assign_loads_a_surveyor_file_as_is_and_keeps_stratum_and_reserve,
    residents_interviewed_in_recent_quarters_are_left_out,
    a_bad_surveyors_file_is_located_and_nothing_is_written,
    a_target_margin_sizes_each_community_and_says_what_it_assumed,
    the_files_are_those_of_the_pinned_draw,
);
