//! Batches encrypted by default once the office's age recipient is in the
//! config (`office_recipient`); an unencrypted export says so, on the
//! command line and on the app's day summary.

use std::path::{Path, PathBuf};

use doorstep_core::assignment::Disposition;
use doorstep_tui::i18n::Lang;
use tempfile::TempDir;

use crate::support::surveyor::{fixture, screen_text};
use crate::support::{self, doorstep_in, keys};

fn outbox_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn has_ext(files: &[PathBuf], suffix: &str) -> bool {
    files.iter().any(|p| p.to_string_lossy().ends_with(suffix))
}

/// A data directory with the demo assignment, a key and one refusal.
fn surveyor(config_extra: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!("surveyor_id = \"S01\"\n{config_extra}"),
    )
    .unwrap();
    doorstep_in(dir.path())
        .args(support::ASSIGN_DEMO)
        .assert()
        .success();
    doorstep_in(dir.path())
        .args(["keygen", "--no-password"])
        .assert()
        .success();
    doorstep_in(dir.path())
        .args(["simulate", "--interviews", "2", "--surveyor", "S01"])
        .assert()
        .success();
    dir
}

#[test]
fn export_encrypts_to_the_office_recipient_from_the_config() {
    let office = age::x25519::Identity::generate();
    let dir = surveyor(&format!("office_recipient = \"{}\"\n", office.to_public()));
    let out = doorstep_in(dir.path()).arg("export").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("encrypted (age) to 1 recipient"),
        "{stdout}"
    );
    assert!(!stdout.contains("NOT encrypted"), "{stdout}");
    let files = outbox_files(&dir.path().join("data/outbox"));
    assert!(has_ext(&files, ".jsonl.age"), "{files:?}");
    assert!(
        !has_ext(&files, ".jsonl"),
        "a plain copy was left: {files:?}"
    );
    // The office's identity opens it.
    let age_file = files
        .iter()
        .find(|p| p.to_string_lossy().ends_with(".jsonl.age"))
        .unwrap();
    let plain = doorstep_batch::write::Identities::from_x25519(office)
        .decrypt(&std::fs::read(age_file).unwrap())
        .unwrap();
    assert!(plain.starts_with(b"{"));
}

#[test]
fn an_unencrypted_export_says_so() {
    let dir = surveyor("");
    let out = doorstep_in(dir.path()).arg("export").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("NOT encrypted"), "{stdout}");
    assert!(stdout.contains("office_recipient"), "{stdout}");
    let files = outbox_files(&dir.path().join("data/outbox"));
    assert!(has_ext(&files, ".jsonl"), "{files:?}");
}

#[test]
fn a_bad_office_recipient_names_the_config_and_exports_nothing() {
    let dir = surveyor("office_recipient = \"age1notarecipient\"\n");
    let out = doorstep_in(dir.path()).arg("export").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.toml: office_recipient"), "{err}");
    assert!(!dir.path().join("data/outbox").exists());
}

/// The app's day summary: encrypted with the config's recipient, and says
/// so when there is none.
#[test]
fn the_day_summary_export_follows_the_config() {
    for (ui, with_recipient) in [(Lang::En, false), (Lang::Zh, false), (Lang::En, true)] {
        let mut f = fixture(ui);
        let data_dir = f._dir.path().to_path_buf();
        let config = data_dir.join("config.toml");
        let office = age::x25519::Identity::generate();
        if with_recipient {
            std::fs::write(
                &config,
                format!("office_recipient = \"{}\"\n", office.to_public()),
            )
            .unwrap();
        }
        let app = &mut f.app;
        app.config_path = Some(config);
        app.store
            .record_visit(
                "WT-051302",
                doorstep_store::NewVisit {
                    at: chrono::Utc::now(),
                    disposition: Disposition::Refusal,
                    note: None,
                    appointment: None,
                    interview_id: None,
                },
            )
            .unwrap();
        doorstep_batch::keygen(&data_dir, "tester", None, false).unwrap();
        keys(app, "sx");
        let text = screen_text(app);
        let files = outbox_files(&data_dir.join("outbox"));
        match (with_recipient, ui) {
            (true, _) => {
                assert!(has_ext(&files, ".jsonl.age"), "{files:?}");
                assert!(!text.contains("NOT encrypted"), "{text}");
            }
            (false, Lang::En) => {
                assert!(has_ext(&files, ".jsonl"), "{files:?}");
                assert!(text.contains("NOT encrypted"), "{text}");
            }
            (false, Lang::Zh) => assert!(text.contains("未加密"), "{text}"),
        }
    }
}
