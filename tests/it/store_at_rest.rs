//! The store encrypted at rest (docs/store.md, "Encryption at rest"): no
//! resident's name, phone or answer readable in the files, a wrong or
//! missing password said plainly, a plain store encrypted in place, the
//! password changed.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use doorstep_store::at_rest::{self, FileState, StorePassword};
use doorstep_store::simulate::{SimulateOptions, simulate};
use doorstep_store::{Store, StoreError, database_path, demo};
use tempfile::TempDir;

use crate::support::{self, STORE_PASSWORD, doorstep_in};

fn password(p: &str) -> StorePassword {
    StorePassword::new(p.into()).unwrap()
}

/// Demo residents and a simulated day in `store`.
fn fill(store: &Store) {
    let q = demo::load(store).unwrap();
    simulate(
        store,
        &q,
        &SimulateOptions {
            interviews: 12,
            seed: 7,
            surveyor_id: "S01".into(),
            day: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            careless: false,
        },
    )
    .unwrap();
}

/// What must never be readable: every resident's name, phone and address,
/// and every stored answer (as stored).
fn secrets(store: &Store) -> Vec<String> {
    let conn = store.connection();
    let mut out = Vec::new();
    let mut stmt = conn
        .prepare("SELECT name, phone, address FROM residents")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok([
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ])
        })
        .unwrap();
    for row in rows {
        out.extend(row.unwrap().into_iter().flatten());
    }
    let mut stmt = conn.prepare("SELECT answer FROM answers").unwrap();
    let answers = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    out.extend(answers.map(Result::unwrap));
    out.retain(|s| s.len() >= 8);
    out.sort();
    out.dedup();
    assert!(out.len() > 100, "too few secrets to mean anything");
    out
}

/// The database and its companions (log, index, journal), as they are now.
fn files_of(path: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{}{suffix}", path.display())))
        .filter_map(|p| std::fs::read(&p).ok().map(|bytes| (p, bytes)))
        .collect()
}

/// Which secrets appear as plain bytes in which file.
fn leaks(path: &Path, secrets: &[String]) -> Vec<String> {
    // One pass per file for all of them (the literal search of the regex
    // crate), not one per secret.
    let any = regex::bytes::Regex::new(
        &secrets
            .iter()
            .map(|s| regex::escape(s))
            .collect::<Vec<_>>()
            .join("|"),
    )
    .unwrap();
    let mut found = Vec::new();
    for (file, bytes) in files_of(path) {
        for m in any.find_iter(&bytes) {
            // Never the data itself in the test's output: its length.
            found.push(format!("{}: {} bytes", file.display(), m.len()));
        }
    }
    found
}

#[test]
fn no_resident_data_is_readable_in_the_encrypted_files() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let store = Store::open_encrypted(&path, password(STORE_PASSWORD)).unwrap();
    fill(&store);
    let secrets = secrets(&store);
    // While open: the write-ahead log holds the latest pages.
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    assert!(
        std::fs::metadata(&wal).unwrap().len() > 0,
        "no log to look at"
    );
    assert_eq!(leaks(&path, &secrets), Vec::<String>::new());
    drop(store);
    assert_eq!(leaks(&path, &secrets), Vec::<String>::new());
    assert_eq!(at_rest::file_state(&path).unwrap(), FileState::Encrypted);
}

/// The same search finds them in a plain store: the test can see a leak.
#[test]
fn the_same_search_finds_the_data_in_a_plain_store() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let store = Store::open(&path).unwrap();
    fill(&store);
    let secrets = secrets(&store);
    drop(store);
    assert!(leaks(&path, &secrets).len() > secrets.len() / 2);
}

#[test]
fn the_library_says_which_password_is_missing_or_wrong() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    drop(Store::open_encrypted(&path, password("right password")).unwrap());
    match Store::open(&path).unwrap_err() {
        StoreError::PasswordNeeded(p) => assert_eq!(p, path),
        other => panic!("{other:?}"),
    }
    let err = Store::open_encrypted(&path, password("wrong password")).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassword(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("password does not unlock"), "{text}");
    assert!(!text.contains("not a database"), "{text}");
    Store::open_encrypted(&path, password("right password")).unwrap();
    // A plain store refuses a password rather than being misread.
    let plain = dir.path().join("plain.sqlite3");
    drop(Store::open(&plain).unwrap());
    let err = Store::open_encrypted(&plain, password("some password")).unwrap_err();
    assert!(matches!(err, StoreError::NotEncrypted(_)), "{err:?}");
}

#[test]
fn a_second_connection_reuses_the_key() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let store = Store::open_encrypted(&path, password(STORE_PASSWORD)).unwrap();
    demo::load(&store).unwrap();
    let again = store.reopen().unwrap();
    assert!(again.is_encrypted());
    assert_eq!(
        again.resident_count().unwrap(),
        store.resident_count().unwrap()
    );
}

fn status_json(dir: &Path, password: Option<&str>) -> std::process::Output {
    let mut c = doorstep_in(dir);
    c.args(["status", "--json"]);
    match password {
        Some(p) => c.env("DOORSTEP_STORE_PASSWORD", p),
        None => c.env_remove("DOORSTEP_STORE_PASSWORD"),
    };
    c.output().unwrap()
}

#[test]
fn commands_create_the_store_encrypted_and_say_when_the_password_is_wrong() {
    let dir = TempDir::new().unwrap();
    doorstep_in(dir.path())
        .args(support::ASSIGN_DEMO)
        .assert()
        .success();
    let path = database_path(&dir.path().join("data"));
    assert_eq!(at_rest::file_state(&path).unwrap(), FileState::Encrypted);

    let out = status_json(dir.path(), Some("not the password"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("password does not unlock the store"), "{err}");
    assert!(!err.contains("not a database"), "{err}");
    // SQLCipher's own log lines stay off the terminal.
    assert_eq!(err.lines().count(), 1, "{err}");

    // No password and no terminal to ask on: say how to give it.
    let out = status_json(dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DOORSTEP_STORE_PASSWORD"), "{err}");

    let out = status_json(dir.path(), Some(STORE_PASSWORD));
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["residents"], 56);
}

#[test]
fn a_new_store_needs_a_password_of_eight_characters() {
    let dir = TempDir::new().unwrap();
    let out = status_json(dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DOORSTEP_STORE_PASSWORD"), "{err}");
    let out = status_json(dir.path(), Some("short"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at least 8 characters"), "{err}");
    // A rule about the password, not a database failure.
    assert!(!err.contains("database error"), "{err}");
    assert!(!database_path(&dir.path().join("data")).exists());
}

#[test]
fn store_encrypt_turns_a_plain_store_into_an_encrypted_one() {
    let dir = TempDir::new().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let path = database_path(&data);
    let store = Store::open(&path).unwrap();
    fill(&store);
    let secrets = secrets(&store);
    let before = store.status().unwrap();
    drop(store);

    // A plain store still opens, with a note.
    let out = status_json(dir.path(), None);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not encrypted"), "{err}");

    doorstep_in(dir.path())
        .args(["store", "encrypt"])
        .assert()
        .success()
        .stdout(predicates::str::contains("is now encrypted"));
    assert_eq!(at_rest::file_state(&path).unwrap(), FileState::Encrypted);
    assert_eq!(leaks(&path, &secrets), Vec::<String>::new());
    assert!(!PathBuf::from(format!("{}.rewrite", path.display())).exists());
    let store = Store::open_encrypted(&path, password(STORE_PASSWORD)).unwrap();
    assert_eq!(
        serde_json::to_value(store.status().unwrap()).unwrap(),
        serde_json::to_value(before).unwrap()
    );
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    assert_eq!(
        store.schema_version().unwrap(),
        doorstep_store::SCHEMA_VERSION
    );
    drop(store);
    // A second time: nothing to do.
    doorstep_in(dir.path())
        .args(["store", "encrypt"])
        .assert()
        .success()
        .stdout(predicates::str::contains("already encrypted"));
}

#[test]
fn store_password_changes_the_password() {
    let dir = TempDir::new().unwrap();
    doorstep_in(dir.path())
        .args(support::ASSIGN_DEMO)
        .assert()
        .success();
    let new = "a new password";
    // The current password is checked first.
    doorstep_in(dir.path())
        .args(["store", "password"])
        .env("DOORSTEP_STORE_PASSWORD", "not the password")
        .env("DOORSTEP_NEW_STORE_PASSWORD", new)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("password does not unlock"));
    doorstep_in(dir.path())
        .args(["store", "password"])
        .env("DOORSTEP_NEW_STORE_PASSWORD", new)
        .assert()
        .success();
    assert_eq!(
        status_json(dir.path(), Some(STORE_PASSWORD)).status.code(),
        Some(1)
    );
    let out = status_json(dir.path(), Some(new));
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["residents"], 56);
}

/// On a fresh machine the app asks for a new password twice (a short one
/// refused, a mismatch refused), opens on the demo, and the next start
/// asks it once (a wrong one refused).
#[test]
fn the_app_asks_for_the_password_on_the_terminal() {
    use std::ffi::OsStr;
    use std::time::Duration;
    use support::pty::Session;
    let dir = TempDir::new().unwrap();
    let data_dir = dir.path().join("data");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "surveyor_id = \"S1\"\n").unwrap();
    let args: Vec<&OsStr> = vec![
        "--data-dir".as_ref(),
        data_dir.as_os_str(),
        "--config".as_ref(),
        config.as_os_str(),
        "--lang".as_ref(),
        "en".as_ref(),
    ];
    let step = Duration::from_secs(10);
    let mut s = Session::start_with_password(&args, dir.path(), None);
    s.wait_for("New store password", step);
    s.send("short\r");
    s.wait_for("at least 8 characters", step);
    s.send("first password\r");
    s.wait_for("Again", step);
    s.send("other password\r");
    s.wait_for("differ", step);
    s.send("first password\r");
    s.wait_for("Again", step);
    s.send("first password\r");
    s.wait_for("DEMO DATA", Duration::from_secs(20));
    s.send("q");
    s.wait_exit(step);
    assert_eq!(
        at_rest::file_state(&database_path(&data_dir)).unwrap(),
        FileState::Encrypted
    );

    let mut s = Session::start_with_password(&args, dir.path(), None);
    s.wait_for("Store password", step);
    s.send("wrong password\r");
    s.wait_for("Wrong password", step);
    s.send("first password\r");
    s.wait_for("DEMO DATA", Duration::from_secs(20));
}
