//! The log in `DATA_DIR/logs` as the commands write it: what a day's work
//! leaves there (and what it must not), the `DOORSTEP_LOG` level, and a
//! logs folder that cannot be written.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::{Duration, Utc};
use regex::Regex;
use tempfile::TempDir;

use crate::support;
use support::doorstep_in as doorstep;

const RESIDENTS: &str = "examples/demo-residents.csv";

fn assign(dir: &Path) -> Command {
    let mut c = doorstep(dir);
    c.args(support::ASSIGN_DEMO);
    c
}

/// The log files in `DATA_DIR/logs`, checking their names: one per UTC
/// day, `doorstep.YYYY-MM-DD.log`, today's (or yesterday's, should the
/// test straddle midnight).
fn log_files(dir: &Path) -> Vec<PathBuf> {
    let logs = dir.join("data").join("logs");
    let mut files: Vec<PathBuf> = fs::read_dir(&logs)
        .unwrap_or_else(|e| panic!("{}: {e}", logs.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let today = Utc::now().date_naive();
    let days = [today - Duration::days(1), today];
    let names: Vec<String> = days.iter().map(|d| format!("doorstep.{d}.log")).collect();
    assert!(!files.is_empty(), "no log file in {}", logs.display());
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        assert!(names.contains(&name), "unexpected file {name} in the logs");
    }
    files
}

fn log_text(dir: &Path) -> String {
    log_files(dir)
        .iter()
        .map(|f| fs::read_to_string(f).unwrap())
        .collect()
}

/// Every name, phone number and address in the resident list.
fn personal_data() -> Vec<String> {
    let mut reader = csv::Reader::from_path(RESIDENTS).unwrap();
    let headers = reader.headers().unwrap().clone();
    let columns: Vec<usize> = ["name", "phone", "address"]
        .iter()
        .map(|c| headers.iter().position(|h| h == *c).unwrap())
        .collect();
    let mut values = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        values.extend(
            columns
                .iter()
                .map(|&i| row[i].to_string())
                .filter(|v| !v.is_empty()),
        );
    }
    assert!(values.len() > 100, "{values:?}");
    values
}

/// `n` simulated interviews by S01 and S01's key (no password), after
/// `assign`.
fn interviews_and_a_key(dir: &std::path::Path, n: u32) {
    interviews_and_a_key_with(dir, n, &[]);
}

/// [`interviews_and_a_key`] with `envs` set for both commands.
fn interviews_and_a_key_with(dir: &std::path::Path, n: u32, envs: &[(&str, &str)]) {
    doorstep(dir)
        .envs(envs.iter().copied())
        .args(["simulate", "--interviews", &n.to_string(), "--seed", "7"])
        .args(["--surveyor", "S01"])
        .assert()
        .success();
    doorstep(dir)
        .envs(envs.iter().copied())
        .args(["keygen", "--surveyor", "S01", "--no-password"])
        .assert()
        .success();
}

#[test]
fn a_days_work_is_logged_without_personal_data() {
    let dir = TempDir::new().unwrap();
    assign(dir.path()).assert().success();
    interviews_and_a_key(dir.path(), 3);
    let out = doorstep(dir.path()).arg("export").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let batch_id = Regex::new(r"^batch ([0-9a-f-]{36}) \(sequence 1\)")
        .unwrap()
        .captures(&stdout)
        .unwrap_or_else(|| panic!("no batch id in {stdout}"))[1]
        .to_string();
    // Nothing about logging on the terminal.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let log = log_text(dir.path());
    let line = Regex::new(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z +(TRACE|DEBUG|INFO|WARN|ERROR) [a-z_:]+: ",
    )
    .unwrap();
    for l in log.lines() {
        assert!(line.is_match(l), "not a log line: {l}");
    }
    for command in ["assign", "simulate", "keygen", "export"] {
        assert!(
            log.contains(&format!("command started command=\"{command}\"")),
            "{command} not logged:\n{log}"
        );
    }
    assert!(log.contains("schema_version="), "{log}");
    assert!(log.contains("assignment loaded"), "{log}");
    assert!(log.contains("added=56"), "{log}");
    assert!(log.contains("signing key created surveyor_id=S01"), "{log}");
    let export = log
        .lines()
        .find(|l| l.contains("batch exported"))
        .unwrap_or_else(|| panic!("no export line:\n{log}"));
    assert!(export.contains(&format!("batch_id={batch_id}")), "{export}");
    assert!(export.contains("sequence=1"), "{export}");
    // Memory is measured only when asked (DOORSTEP_MEASURE_MEMORY=1, below).
    assert!(!export.contains("peak_rss"), "{export}");

    for value in personal_data() {
        assert!(!log.contains(&value), "personal data {value:?} in the log");
    }
    // The secret key never reaches the log.
    let secret = fs::read_to_string(dir.path().join("data/keys/S01.key")).unwrap();
    for key_line in secret
        .lines()
        .filter(|l| !l.starts_with("untrusted comment"))
    {
        assert!(!log.contains(key_line), "key material in the log");
    }
    // Nothing written beside the data directory and the config.
    let mut top: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    top.sort();
    assert_eq!(top, ["config.toml", "data"]);
}

#[test]
fn doorstep_log_warn_leaves_the_info_lines_out() {
    let dir = TempDir::new().unwrap();
    assign(dir.path())
        .env("DOORSTEP_LOG", "warn")
        .assert()
        .success();
    // No key yet: the export fails, and that is an error line.
    doorstep(dir.path())
        .arg("export")
        .env("DOORSTEP_LOG", "warn")
        .assert()
        .failure();
    let log = log_text(dir.path());
    assert!(!log.contains(" INFO "), "{log}");
    assert!(!log.contains("command started"), "{log}");
    assert!(!log.contains("assignment loaded"), "{log}");
    let failed = log
        .lines()
        .find(|l| l.contains(" ERROR ") && l.contains("command failed"))
        .unwrap_or_else(|| panic!("the failed export is not logged:\n{log}"));
    assert!(failed.contains("keygen"), "the error chain: {failed}");
}

#[test]
fn an_unwritable_logs_folder_turns_logging_off_not_the_command() {
    let dir = TempDir::new().unwrap();
    fs::create_dir_all(dir.path().join("data")).unwrap();
    // A file where the folder should be: as root, chmod would not stop us.
    fs::write(dir.path().join("data/logs"), "not a folder").unwrap();
    let out = assign(dir.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("logging is off").count(),
        1,
        "said once: {stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("56 added"));
    let out = doorstep(dir.path())
        .args(["status", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["residents"], 56);
    assert_eq!(
        fs::read_to_string(dir.path().join("data/logs")).unwrap(),
        "not a folder"
    );
}

#[test]
fn check_and_verify_never_create_a_data_directory() {
    let dir = TempDir::new().unwrap();
    doorstep(dir.path())
        .args(["check", "questionnaires/resident-satisfaction.toml"])
        .assert()
        .success();
    fs::create_dir_all(dir.path().join("keys")).unwrap();
    doorstep(dir.path())
        .arg("verify")
        .arg(dir.path().join("keys"))
        .arg("--keys")
        .arg(dir.path().join("keys"))
        .assert()
        .failure();
    assert!(!dir.path().join("data").exists());
}

/// A `Write` into a shared buffer, to read back what was logged.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_panic_is_logged_once_with_its_message_and_location() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // Two hooks on top of each other log it, as the terminal's and the
    // one `logging::init` sets do; the standard hook still prints it.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        doorstep::logging::log_panic(info);
        doorstep::logging::log_panic(info);
        previous(info);
    }));
    let line = line!() + 2;
    let result = tracing::subscriber::with_default(subscriber, || {
        std::panic::catch_unwind(|| panic!("boom {}", 42))
    });
    assert!(result.is_err());
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(text.matches("panic: boom 42").count(), 1, "{text}");
    assert!(text.contains(" ERROR "), "{text}");
    assert!(text.contains(&format!("{}:{line}:", file!())), "{text}");
}

/// With DOORSTEP_MEASURE_MEMORY=1 (the benchmarks), `assign` and `export`
/// log their peak memory up to the store key's derivation and after it
/// (Linux only: read from /proc/self/status).
#[test]
fn the_peak_memory_after_the_key_derivation_is_logged_when_asked() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let dir = TempDir::new().unwrap();
    // At the real key derivation's cost, which the test builds otherwise
    // spare themselves (`at_rest::scrypt_log_n`): every command on the store.
    const REAL_KDF: (&str, &str) = ("DOORSTEP_TEST_REAL_KDF", "1");
    assign(dir.path())
        .env(REAL_KDF.0, REAL_KDF.1)
        .env("DOORSTEP_MEASURE_MEMORY", "1")
        .assert()
        .success();
    interviews_and_a_key_with(dir.path(), 2, &[REAL_KDF]);
    doorstep(dir.path())
        .arg("export")
        .env(REAL_KDF.0, REAL_KDF.1)
        .env("DOORSTEP_MEASURE_MEMORY", "1")
        .assert()
        .success();
    let log = log_text(dir.path());
    let peak = Regex::new(r"peak_rss_kib_key=(\d+) peak_rss_kib_after_key=(\d+)").unwrap();
    for what in ["assignment loaded", "batch exported"] {
        let line = log.lines().find(|l| l.contains(what)).unwrap();
        let c = peak
            .captures(line)
            .unwrap_or_else(|| panic!("no peak in {line}"));
        let key: u64 = c[1].parse().unwrap();
        let after: u64 = c[2].parse().unwrap();
        // The key's derivation alone takes scrypt's 128 MiB.
        assert!(key >= 128 * 1024, "{line}");
        assert!(after > 0, "{line}");
    }
}
