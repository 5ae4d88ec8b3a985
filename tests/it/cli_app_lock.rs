//! One app per data directory: a second `doorstep` on a data directory whose
//! app is open is refused with a message, and nothing is changed.

use assert_cmd::Command;

#[test]
fn a_second_app_on_the_same_data_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Stands for the first window's app.
    let held = doorstep_store::app_lock::lock(dir.path()).unwrap();
    let out = Command::cargo_bin("doorstep")
        .unwrap()
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already open on this data directory"), "{err}");
    // Refused before loading anything: the demo was not loaded.
    let status = Command::cargo_bin("doorstep")
        .unwrap()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["status", "--json"])
        .env("DOORSTEP_STORE_PASSWORD", crate::support::STORE_PASSWORD)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["residents"], 0);
    drop(held);
}
