//! `doorstep check` as a user runs it: the exit code, the summary, and the
//! exact diagnostics for a corpus of malformed questionnaires.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn doorstep() -> Command {
    Command::cargo_bin("doorstep").unwrap()
}

/// Every `tests/questionnaires/invalid/NAME.toml` fails with exactly the
/// lines in `NAME.expected`.
#[test]
fn malformed_questionnaires_give_exact_located_diagnostics() {
    let dir = Path::new("tests/questionnaires/invalid");
    let mut checked = 0;
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        let expected = fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{} has no .expected file", path.display()));
        let out = doorstep().arg("check").arg(path).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            expected,
            "diagnostics of {}",
            path.display()
        );
        assert!(out.stdout.is_empty());
        checked += 1;
    }
    assert!(
        checked >= 10,
        "only {checked} malformed questionnaires found"
    );
}

#[test]
fn bundled_questionnaire_passes_with_a_summary() {
    let out = doorstep()
        .args(["check", "questionnaires/resident-satisfaction.toml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("resident-satisfaction "), "{text}");
    assert!(text.contains("languages: zh, en"), "{text}");
}

#[test]
fn json_summary_has_counts_per_type() {
    let out = doorstep()
        .args(["check", "--json", "tests/fixtures/household.toml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], "household");
    assert_eq!(v["version"], "1");
    assert_eq!(v["languages"], serde_json::json!(["zh", "en"]));
    assert_eq!(v["question_count"], 16);
    assert_eq!(v["types"]["calculate"], 3);
    assert_eq!(v["types"]["time"], 0);
    let per_type: u64 = v["types"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(per_type, 16);
}

#[test]
fn unreadable_file_is_named_and_fails() {
    let out = doorstep()
        .args(["check", "no/such/file.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("no/such/file.toml: cannot read the file:"),
        "{err}"
    );
}
