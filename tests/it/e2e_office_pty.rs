//! The office app as a person uses it: the real binary in a
//! pseudo-terminal, `doorstep office` on a small office database (the
//! one `office_app` builds with the real commands), every tab visited by
//! its number and with Tab and Shift+Tab, quit with `q`; the terminal was
//! given back.

use std::time::Duration;

use crate::support::pty::Session;

const STEP: Duration = Duration::from_secs(20);

#[test]
fn open_the_office_app_switch_tabs_and_quit() {
    let o = crate::office_app::office();
    let home = o.dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let settings = o.dir.join("office.toml");
    let mut s = Session::start_command(
        &o.dir.join("data"),
        &o.dir.join("config.toml"),
        &home,
        &[
            "office",
            "--db",
            o.db.as_str(),
            "--settings",
            settings.to_str().unwrap(),
        ],
    );
    s.wait_for("Missing batches", STEP);
    let first = s.text();
    assert!(first.contains("S01 device D1: no. 2"), "{first}");
    assert!(first.contains("[tampered]"), "{first}");

    s.send("2");
    s.wait_for("work orders: 2", STEP);
    s.send("3");
    s.wait_for("2026Q4 sample progress", STEP);
    s.send("4");
    s.wait_for("city ranking", STEP);
    s.send("\r");
    s.wait_for("Weakest items", STEP);
    s.send("\x1b");
    s.wait_for("city ranking", STEP);
    // Tab to the keys; Shift+Tab back to the scores.
    s.send("\t");
    s.wait_for("Key id", STEP);
    s.send("\x1b[Z");
    s.wait_for("city ranking", STEP);
    s.send("q");
    let status = s.wait_exit(STEP);
    assert!(status.success(), "{status:?}");
    let raw = s.output.lock().unwrap().raw.clone();
    let raw = String::from_utf8_lossy(&raw);
    assert!(
        raw.contains("\x1b[?1049l"),
        "the alternate screen was not left"
    );
}
