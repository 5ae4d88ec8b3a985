//! Calculates' values: saved with the answers, carried by the batch apart
//! from the answers, recomputed by `verify` (a forged or stale value fails
//! it); batches of interviews recorded before values were saved keep their
//! bytes.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

use crate::support;
use doorstep_batch::format::CalculateProblem;
use doorstep_batch::{BatchContent, RecordProblem, SigningKey, parse_batch, write_batch};
use doorstep_core::lang::Lang;

fn doorstep(dir: &Path) -> Command {
    let mut c = support::doorstep_in(dir);
    c.env("DOORSTEP_KEY_PASSWORD", "correct horse");
    c
}

/// A laptop with a key and finished work, exported once into `out`.
fn exported(id: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    doorstep(dir.path())
        .args(support::ASSIGN_DEMO)
        .assert()
        .success();
    doorstep(dir.path())
        .args(["simulate", "--interviews", "4", "--seed", "3"])
        .args(["--day", "2026-11-20", "--surveyor", id])
        .assert()
        .success();
    doorstep(dir.path())
        .args(["keygen", "--surveyor", id])
        .assert()
        .success();
    let out = dir.path().join("out");
    doorstep(dir.path())
        .args(["export", "--out"])
        .arg(&out)
        .assert()
        .success();
    let batch = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .unwrap();
    (dir, batch)
}

fn keys_of(dir: &Path, id: &str) -> TempDir {
    let keys = TempDir::new().unwrap();
    fs::copy(
        dir.join(format!("data/keys/{id}.pub")),
        keys.path().join(format!("{id}.pub")),
    )
    .unwrap();
    keys
}

fn key(dir: &Path, id: &str) -> SigningKey {
    SigningKey::load(&dir.join(format!("data/keys/{id}.key")), |_| {
        Ok("correct horse".into())
    })
    .unwrap()
}

fn content_of(bytes: &[u8]) -> BatchContent {
    let parsed = parse_batch(bytes).unwrap();
    BatchContent {
        batch_id: parsed.manifest.batch_id,
        surveyor_id: parsed.manifest.surveyor_id.clone(),
        device_id: parsed.manifest.device_id.clone(),
        sequence: parsed.manifest.sequence,
        created_at: parsed.manifest.created_at,
        questionnaires: parsed.manifest.questionnaires.clone(),
        visits: parsed.visits,
        interviews: parsed.interviews,
    }
}

/// Signs `content` with the surveyor's own key into `dir`: what a
/// surveyor editing a batch could send.
fn resigned(dir: &Path, content: &BatchContent, key: &SigningKey) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    write_batch(dir, content, key, &[]).unwrap().data_path
}

fn verify(dir: &Path, batch: &Path, keys: &Path, lang: &str) -> (bool, String) {
    let o = doorstep(dir)
        .args(["--lang", lang, "verify"])
        .arg(batch)
        .arg("--keys")
        .arg(keys)
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn the_batch_carries_the_saved_calculates_apart_from_the_answers() {
    let (dir, batch) = exported("zhou03");
    let content = content_of(&fs::read(&batch).unwrap());
    let store = support::open_store(&dir.path().join("data"));
    let mut with_values = 0;
    for i in &content.interviews {
        // What the store saved with the answers is what the batch carries.
        let saved = store.load_interview(i.id.parse().unwrap()).unwrap();
        assert_eq!(saved.calculates, i.calculates, "interview {}", i.id);
        for k in i.calculates.keys() {
            assert!(!i.answers.contains_key(k), "{k} is not an answer");
        }
        if !i.calculates.is_empty() {
            with_values += 1;
            // The household roster's calculates, per instance.
            assert!(
                i.calculates.contains_key("elderly_members"),
                "{:?}",
                i.calculates
            );
        }
    }
    assert!(with_values > 0, "some interview has calculates");
    let text = fs::read_to_string(&batch).unwrap();
    assert!(text.contains(r#""calculates":{"#));
    let (ok, out) = verify(
        dir.path(),
        &batch,
        keys_of(dir.path(), "zhou03").path(),
        "en",
    );
    assert!(ok, "{out}");
    assert!(out.contains("VALID"), "{out}");
}

#[test]
fn a_forged_calculate_fails_verification_naming_the_record() {
    let (dir, batch) = exported("zhou03");
    let keys = keys_of(dir.path(), "zhou03");
    let mut content = content_of(&fs::read(&batch).unwrap());
    let i = content
        .interviews
        .iter_mut()
        .find(|i| i.calculates.contains_key("elderly_members"))
        .unwrap();
    let id = i.id.clone();
    let v = i.calculates.get_mut("elderly_members").unwrap();
    *v = format!("{}9", v);
    // Signed with the surveyor's own key: only the recomputation sees it.
    let forged = resigned(
        &dir.path().join("forged"),
        &content,
        &key(dir.path(), "zhou03"),
    );
    let (ok, out) = verify(dir.path(), &forged, keys.path(), "en");
    assert!(!ok, "{out}");
    assert!(out.contains(&id), "{out}");
    assert!(
        out.contains("calculate elderly_members: the recorded value is not what the answers give"),
        "{out}"
    );
    // The review's verification recomputes them too: the batch fails there.
    let review = doorstep(dir.path())
        .arg("review")
        .arg(forged.parent().unwrap())
        .arg("--keys")
        .arg(keys.path())
        .args(["--summary", "--json"])
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&review.stdout);
    assert!(!review.status.success(), "{summary}");
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["all_valid"], false);
    // The review app says it in the interface language.
    let problem = RecordProblem::Calculate {
        key: "elderly_members".into(),
        problem: CalculateProblem::Differs,
    };
    assert!(
        problem
            .text(Lang::Zh)
            .starts_with("计算项 elderly_members 的记录值不是答案算出的值"),
        "{}",
        problem.text(Lang::Zh)
    );

    // A stale value: an answer changed, the calculates left as they were.
    let mut content = content_of(&fs::read(&batch).unwrap());
    let i = content
        .interviews
        .iter_mut()
        .find(|i| i.calculates.contains_key("member_no[0]"))
        .unwrap();
    i.calculates.insert("member_no[0]".into(), "7".into());
    let stale = resigned(
        &dir.path().join("stale"),
        &content,
        &key(dir.path(), "zhou03"),
    );
    let (ok, out) = verify(dir.path(), &stale, keys.path(), "en");
    assert!(!ok && out.contains("calculate member_no[0]"), "{out}");
}

/// A batch whose interviews were recorded before the values were saved:
/// the store has none for them (as migration 7 leaves it), so `export
/// --again` rewrites it byte for byte, and it verifies (not checked).
#[test]
fn a_batch_from_before_calculates_were_saved_is_rewritten_byte_for_byte() {
    let (dir, batch) = exported("zhou03");
    let keys = keys_of(dir.path(), "zhou03");
    let mut old = content_of(&fs::read(&batch).unwrap());
    old.interviews.iter_mut().for_each(|i| i.calculates.clear());
    let old_path = resigned(&dir.path().join("old"), &old, &key(dir.path(), "zhou03"));
    let old_bytes = fs::read(&old_path).unwrap();
    assert!(!String::from_utf8_lossy(&old_bytes).contains("calculates"));
    support::open_store(&dir.path().join("data"))
        .connection()
        .execute("DELETE FROM calculates", [])
        .unwrap();
    let again = dir.path().join("again");
    doorstep(dir.path())
        .args(["export", "--again", &old.batch_id.to_string(), "--out"])
        .arg(&again)
        .assert()
        .success();
    let rewritten = again.join(old_path.file_name().unwrap());
    assert_eq!(fs::read(&rewritten).unwrap(), old_bytes);
    let (ok, out) = verify(dir.path(), &rewritten, keys.path(), "en");
    assert!(ok, "{out}");
}
