//! Issue 10 item 4: records carry the id of the surveyor whose key signs
//! them. Work recorded under the old placeholder id ("surveyor", from
//! before the app asked for the id) is credited to the signer at export;
//! `export --again` stays byte for byte the same; work of another named
//! surveyor is never signed with this key.

use std::path::{Path, PathBuf};

use chrono::Utc;
use doorstep_batch::{SigningKey, keygen};
use doorstep_core::assignment::Disposition;
use doorstep_store::export::{ExportError, Exported, content, export, export_again};
use doorstep_store::{InterviewStatus, Store, StoreError};
use tempfile::TempDir;

use crate::support;
use support::{ASSIGN_DEMO, doorstep_in};

/// A demo store with one finished interview per surveyor id given.
fn store_with(dir: &Path, surveyors: &[&str]) -> Store {
    let store = support::open_store(dir);
    let q = doorstep_store::demo::load(&store).unwrap();
    let residents = store.residents_page(None, 0, 10).unwrap();
    for (surveyor, r) in surveyors.iter().zip(residents) {
        let id = store
            .start_interview(
                &r.resident.resident_id,
                &q.id,
                &q.version,
                surveyor,
                Utc::now(),
            )
            .unwrap();
        store
            .finish_interview(
                id,
                InterviewStatus::Abandoned,
                Disposition::Refusal,
                Utc::now(),
            )
            .unwrap();
    }
    store
}

fn key(dir: &Path, surveyor: &str) -> SigningKey {
    let made = keygen(dir, surveyor, None, false).unwrap();
    SigningKey::load(&made.secret_key_path, |_| Ok(String::new())).unwrap()
}

#[test]
fn placeholder_work_is_credited_to_the_signer_and_rewrites_identically() {
    let dir = TempDir::new().unwrap();
    let store = store_with(dir.path(), &["surveyor", "surveyor", "S1"]);
    let key = key(dir.path(), "S1");
    let out = dir.path().join("outbox");
    let Exported::Batch { row, written } = export(&store, &key, &out, &[]).unwrap() else {
        panic!("nothing exported");
    };
    let batch = content(&store, &row).unwrap();
    assert_eq!(batch.surveyor_id, "S1");
    assert_eq!(batch.interviews.len(), 3);
    for i in &batch.interviews {
        assert_eq!(i.surveyor_id, "S1", "every record names the signer");
    }
    let text = std::fs::read_to_string(&written.data_path).unwrap();
    assert!(!text.contains("\"surveyor_id\":\"surveyor\""), "{text}");

    let first = std::fs::read(&written.data_path).unwrap();
    let again_dir = dir.path().join("again");
    let Exported::Batch { written: again, .. } =
        export_again(&store, row.id, &key, &again_dir, &[]).unwrap()
    else {
        panic!("nothing rewritten");
    };
    assert_eq!(std::fs::read(&again.data_path).unwrap(), first);
}

#[test]
fn another_surveyors_work_is_never_signed_with_this_key() {
    let dir = TempDir::new().unwrap();
    let store = store_with(dir.path(), &["surveyor", "S2"]);
    let key = key(dir.path(), "S1");
    let before = store.status().unwrap().pending_export;
    let err = export(&store, &key, &dir.path().join("outbox"), &[]).unwrap_err();
    match &err {
        ExportError::Store(StoreError::OtherSurveyor { signer, others }) => {
            assert_eq!(signer, "S1");
            assert_eq!(others, &["S2".to_string()]);
        }
        e => panic!("{e}"),
    }
    assert!(err.to_string().contains("nothing was exported"));
    // Nothing reserved, nothing credited.
    assert!(store.batches().unwrap().is_empty());
    assert_eq!(store.status().unwrap().pending_export, before);
    let residents = store.residents_page(None, 0, 1).unwrap();
    let first = &store
        .interviews_of(&residents[0].resident.resident_id)
        .unwrap()[0];
    assert_eq!(first.surveyor_id, "surveyor");
}

fn outbox_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("data/outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
}

#[test]
fn cli_export_credits_placeholder_work_and_refuses_another_surveyors() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    doorstep_in(d).args(ASSIGN_DEMO).assert().success();
    // Work recorded under the placeholder (an app started without an id).
    doorstep_in(d)
        .args(["simulate", "--interviews", "3", "--surveyor", "surveyor"])
        .assert()
        .success();
    doorstep_in(d)
        .args(["keygen", "--surveyor", "S1", "--no-password"])
        .assert()
        .success();
    let out = doorstep_in(d).arg("export").assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let batch_id = stdout
        .split_whitespace()
        .nth(1)
        .expect("batch ID (sequence 1): ...")
        .to_string();
    let files = outbox_files(d);
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("\"surveyor_id\":\"S1\""), "{text}");
    assert!(!text.contains("\"surveyor_id\":\"surveyor\""));
    let bytes = std::fs::read(&files[0]).unwrap();
    doorstep_in(d)
        .args(["export", "--again", &batch_id])
        .assert()
        .success();
    assert_eq!(std::fs::read(&files[0]).unwrap(), bytes, "byte for byte");

    // Another surveyor's work on this laptop: refused, nothing exported.
    doorstep_in(d)
        .args([
            "simulate",
            "--interviews",
            "2",
            "--seed",
            "2",
            "--surveyor",
            "S2",
        ])
        .assert()
        .success();
    let refused = doorstep_in(d).arg("export").assert().failure();
    let stderr = String::from_utf8(refused.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("S2") && stderr.contains("S1"), "{stderr}");
    assert_eq!(outbox_files(d).len(), 1);
}
