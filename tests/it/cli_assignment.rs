//! `doorstep assign`, `status` and `simulate` as a user runs them, on a
//! temporary data directory.

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::support;
use support::doorstep_in as doorstep;

fn status(dir: &Path) -> Value {
    let out = doorstep(dir).args(["status", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn assign_loads_good_rows_reports_bad_ones_and_exits_2() {
    let dir = TempDir::new().unwrap();
    let out = doorstep(dir.path())
        .args([
            "assign",
            "--residents",
            "tests/fixtures/residents/bad_rows.csv",
            "--questionnaire",
            "questionnaires/resident-satisfaction.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad_rows.csv: row 3, column name"), "{err}");
    assert!(err.contains("row 7"), "the duplicate R001: {err}");
    // No resident's personal data in the messages.
    assert!(!err.contains("赵敏") && !err.contains("幸福路"), "{err}");
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(
        line.contains("rejected; questionnaire resident-satisfaction 2026.4"),
        "{line}"
    );
    assert_eq!(status(dir.path())["residents"], 3);
}

#[test]
fn a_file_that_cannot_be_read_changes_nothing() {
    let dir = TempDir::new().unwrap();
    doorstep(dir.path())
        .args([
            "assign",
            "--residents",
            "tests/fixtures/residents/basic.csv",
            "--questionnaire",
            "questionnaires/resident-satisfaction.toml",
        ])
        .assert()
        .success();
    let before = status(dir.path());
    let out = doorstep(dir.path())
        .args([
            "assign",
            "--residents",
            "tests/fixtures/residents/missing_address.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing_address.csv"));
    // A malformed questionnaire: refused before the residents are touched.
    let out = doorstep(dir.path())
        .args([
            "assign",
            "--residents",
            "examples/demo-residents.csv",
            "--questionnaire",
            "tests/questionnaires/invalid/duplicate-ids.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("duplicate-ids.toml:17:6: duplicate identifier")
    );
    assert_eq!(status(dir.path()), before);
}

#[test]
fn a_changed_questionnaire_under_the_same_version_is_refused() {
    let dir = TempDir::new().unwrap();
    let changed = dir.path().join("changed.toml");
    let text = std::fs::read_to_string("questionnaires/resident-satisfaction.toml").unwrap();
    std::fs::write(&changed, format!("{text}\n# edited\n")).unwrap();
    doorstep(dir.path())
        .args(support::ASSIGN_DEMO)
        .assert()
        .success();
    let out = doorstep(dir.path())
        .args([
            "assign",
            "--residents",
            "examples/demo-residents.csv",
            "--questionnaire",
        ])
        .arg(&changed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("resident-satisfaction") && err.contains("2026.4"),
        "{err}"
    );
}

#[test]
fn simulate_fills_the_store_the_same_way_for_the_same_seed() {
    let run = |seed: &str| {
        let dir = TempDir::new().unwrap();
        doorstep(dir.path())
            .args(support::ASSIGN_DEMO)
            .assert()
            .success();
        let out = doorstep(dir.path())
            .args([
                "simulate",
                "--interviews",
                "12",
                "--seed",
                seed,
                "--day",
                "2026-11-20",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (String::from_utf8(out.stdout).unwrap(), status(dir.path()))
    };
    let (a, sa) = run("7");
    let (b, sb) = run("7");
    let (c, _) = run("8");
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    assert_ne!(a, c, "another seed gives other data");
    let interviews = sa["completed"].as_u64().unwrap()
        + sa["partial"].as_u64().unwrap()
        + sa["break_offs"].as_u64().unwrap();
    assert_eq!(interviews, 12, "{sa}");
    assert!(sa["visited"].as_u64().unwrap() > 12);
}

#[test]
fn status_json_has_the_documented_keys() {
    let dir = TempDir::new().unwrap();
    let v = status(dir.path());
    for key in [
        "residents",
        "visited",
        "due_for_revisit",
        "completed",
        "in_progress",
        "partial",
        "break_offs",
        "refusals",
        "no_contact",
        "appointments",
        "pending_export",
        "pending_export_interviews",
        "pending_export_visits",
        "exported",
        "exported_interviews",
        "exported_visits",
    ] {
        assert_eq!(v[key], 0, "{key}");
    }
}
