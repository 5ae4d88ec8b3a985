//! Hostile and careless input (issue 14): closed and full outputs,
//! non-regular files, oversized and deeply nested inputs, escape sequences
//! in data, absurd numbers. `docs/hostile-input.md` lists every input tried
//! here with the behaviour expected and the test that checks it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

use crate::support;

/// The `doorstep` binary as a plain process (so its stdout can be pointed
/// at a closed pipe or /dev/full), confined to `dir` like
/// [`support::doorstep_in`].
fn raw(dir: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("doorstep"));
    c.arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config")
        .arg(dir.join("config.toml"));
    for var in [
        "DOORSTEP_DATA_DIR",
        "DOORSTEP_CONFIG",
        "DOORSTEP_LOG",
        "DOORSTEP_KEY_PASSWORD",
    ] {
        c.env_remove(var);
    }
    c.stdin(Stdio::null());
    c
}

/// Runs `c` with its stdout the write end of a pipe whose read end is
/// already closed: every write fails with EPIPE, as after `| head -1`.
fn with_closed_stdout(mut c: Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    c.stdout(writer).stderr(Stdio::piped());
    c.output().unwrap()
}

/// Runs `c` with stdout on /dev/full: every write fails with ENOSPC.
fn with_full_stdout(mut c: Command) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    c.stdout(full).stderr(Stdio::piped());
    c.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn no_panic(o: &Output) {
    assert_ne!(o.status.code(), Some(101), "panicked: {}", stderr(o));
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
}

/// A laptop with the demo assignment, 3 simulated interviews and a key
/// without a password.
fn laptop() -> TempDir {
    let dir = TempDir::new().unwrap();
    support::doorstep_in(dir.path())
        .args(support::ASSIGN_DEMO)
        .assert()
        .success();
    support::doorstep_in(dir.path())
        .args(["simulate", "--interviews", "3", "--day", "2026-11-20"])
        .args(["--surveyor", "S1"])
        .assert()
        .success();
    support::doorstep_in(dir.path())
        .args(["keygen", "--surveyor", "S1", "--no-password"])
        .assert()
        .success();
    dir
}

/// `laptop()` exported into `dir/inbox`, its key in `dir/keys`.
fn inbox() -> TempDir {
    let dir = laptop();
    support::doorstep_in(dir.path())
        .args(["export", "--out"])
        .arg(dir.path().join("inbox"))
        .assert()
        .success();
    std::fs::create_dir_all(dir.path().join("keys")).unwrap();
    std::fs::copy(
        dir.path().join("data/keys/S1.pub"),
        dir.path().join("keys/S1.pub"),
    )
    .unwrap();
    dir
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| rd.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

// --- stdout closed or full --------------------------------------------

#[test]
fn status_to_a_closed_pipe_exits_quietly() {
    let dir = laptop();
    let mut c = raw(dir.path());
    c.arg("status");
    let o = with_closed_stdout(c);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "a closed pipe is not an error");
}

#[test]
fn status_to_a_full_disk_is_a_plain_error() {
    let dir = laptop();
    for json in [false, true] {
        let mut c = raw(dir.path());
        c.arg("status");
        if json {
            c.arg("--json");
        }
        let o = with_full_stdout(c);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("cannot write to standard output: No space left on device"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn export_to_a_closed_pipe_still_succeeds_after_writing_the_batch() {
    let dir = laptop();
    let out = dir.path().join("out");
    let mut c = raw(dir.path());
    c.args(["export", "--out"]).arg(&out);
    let o = with_closed_stdout(c);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files_in(&out).len(), 2, "the batch and its signature");
    // Recorded as exported: nothing new the second time.
    let again = support::doorstep_in(dir.path())
        .arg("export")
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing new to export"));
}

#[test]
fn every_printing_command_survives_closed_and_full_stdout() {
    let dir = inbox();
    let p = dir.path();
    let inbox = p.join("inbox").display().to_string();
    let keys = p.join("keys").display().to_string();
    let runs: Vec<Vec<String>> = vec![
        vec!["status".into()],
        vec!["status".into(), "--json".into()],
        vec![
            "check".into(),
            "questionnaires/resident-satisfaction.toml".into(),
        ],
        vec![
            "check".into(),
            "questionnaires/resident-satisfaction.toml".into(),
            "--json".into(),
        ],
        vec![
            "verify".into(),
            inbox.clone(),
            "--keys".into(),
            keys.clone(),
        ],
        vec![
            "verify".into(),
            inbox.clone(),
            "--keys".into(),
            keys.clone(),
            "--json".into(),
        ],
        vec![
            "review".into(),
            inbox.clone(),
            "--keys".into(),
            keys.clone(),
            "--summary".into(),
        ],
        vec![
            "review".into(),
            inbox.clone(),
            "--keys".into(),
            keys.clone(),
            "--summary".into(),
            "--json".into(),
        ],
    ];
    for args in runs {
        let mut c = raw(p);
        c.args(&args);
        let o = with_closed_stdout(c);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let mut c = raw(p);
        c.args(&args);
        let o = with_full_stdout(c);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&o).contains("cannot write to standard output"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}
