//! The fuzz targets (`fuzz/src/lib.rs`) on stable, as ordinary tests:
//! proptest hands each target 10,000 byte strings of up to 2 KiB
//! (`DOORSTEP_FUZZ_CASES` changes the number) and shrinks any that panics.
//! libFuzzer runs the same targets for millions of cases with coverage
//! guidance: `scripts/fuzz.sh`.

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases() -> u32 {
    std::env::var("DOORSTEP_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn run(name: &str) {
    let target = targets::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .expect("a target of that name");
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        // Failures are reported with their input; no files in the tree.
        failure_persistence: None,
        ..Config::default()
    });
    let started = std::time::Instant::now();
    // A seed and a length rather than a Vec<u8> strategy: drawing 4,000
    // bytes one by one through proptest costs more than the target in a
    // debug build. A failure is reported as (seed, length); `bytes` makes
    // the input again.
    let result = runner.run(&(any::<u64>(), 0..2048usize), |(seed, len)| {
        target(&bytes(seed, len));
        Ok(())
    });
    eprintln!(
        "fuzz target {name}: {} cases in {:.1?}",
        cases(),
        started.elapsed()
    );
    if let Err(e) = result {
        panic!("fuzz target {name}: {e}");
    }
}

/// `len` bytes from `seed` (splitmix64).
fn bytes(mut seed: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

#[test]
fn every_target_has_a_test() {
    let source = include_str!("fuzz_targets.rs");
    for (name, _) in targets::TARGETS {
        assert!(
            source.contains(&format!("fn {name}() {{")),
            "no test for {name}"
        );
        assert!(
            std::path::Path::new(&format!("fuzz/fuzz_targets/{name}.rs")).exists(),
            "no cargo-fuzz target for {name}"
        );
    }
}

#[test]
fn expr() {
    run("expr");
}

#[test]
fn questionnaire() {
    run("questionnaire");
}

#[test]
fn residents_csv() {
    run("residents_csv");
}

#[test]
fn residents_xlsx() {
    run("residents_xlsx");
}

#[test]
fn batch_lines() {
    run("batch_lines");
}

#[test]
fn minisign_keys() {
    run("minisign_keys");
}

#[test]
fn age_identity() {
    run("age_identity");
}

#[test]
fn decisions_file() {
    run("decisions_file");
}

#[test]
fn thresholds() {
    run("thresholds");
}

#[test]
fn config() {
    run("config");
}

#[test]
fn office_settings() {
    run("office_settings");
}

#[test]
fn surveyors_file() {
    run("surveyors_file");
}

#[test]
fn online_export() {
    run("online_export");
}

/// The structured inputs mostly get past the first check: a sample of
/// generated questionnaires loads (so the fuzzing reaches the deeper
/// checks and not only the TOML syntax).
#[test]
fn generated_questionnaires_often_load() {
    let mut loaded = 0;
    for seed in 0..300 {
        if let Some(src) = targets::questionnaire_text(&bytes(seed, 512)) {
            match doorstep_core::questionnaire::load_str(&src, "fuzz.toml") {
                Ok(_) => loaded += 1,
                // FUZZ_DEBUG=1 prints why the others do not load.
                Err(e) if std::env::var_os("FUZZ_DEBUG").is_some() => {
                    eprintln!("{}", e.to_string().lines().next().unwrap_or(""))
                }
                Err(_) => {}
            }
        }
    }
    assert!(
        loaded >= 10,
        "only {loaded} of 300 generated questionnaires load"
    );
}

/// Found by the questionnaire target: `max - min` of a rating scale
/// overflowed (a panic in debug builds, a wrapped check in release).
#[test]
fn a_rating_scale_at_the_integer_limits_is_refused_not_a_panic() {
    let src = r#"
id = "q"
version = "1"
title = { zh = "标题", en = "Title" }
languages = ["zh"]
default_language = "zh"

[[sections]]
id = "s"
title = { zh = "节", en = "S" }

[[sections.questions]]
id = "r"
type = "rating"
label = { zh = "问题", en = "Q" }
min = -9223372036854775808
max = 9223372036854775807
"#;
    let err = doorstep_core::questionnaire::load_str(src, "limits.toml").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("limits.toml"), "{text}");
    assert!(text.contains("too long (at most 21)"), "{text}");
}
