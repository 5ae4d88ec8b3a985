//! The real `doorstep` binary in a pseudo-terminal: open the first demo
//! resident, complete the interview by keys alone while reading the screen
//! (a vt100 emulator parses the output; assertions are on screen cells),
//! finish it, quit, and check the store with `doorstep status --json`.

use std::num::NonZeroU16;
use std::time::{Duration, Instant};

use portable_pty::PtySize;

use crate::support;
use support::pty::Session;

/// The first line of the question (row 3 of the screen, the body's row 2).
fn question_line(body: &[String]) -> &str {
    body.get(2).map_or("", |s| s.trim())
}

fn has_error(body: &[String]) -> bool {
    body.iter().any(|l| l.starts_with("! "))
}

/// Answers typed into a box, tried in turn until one is accepted: a plain
/// remark, one long enough for "at least 5 characters", a mobile number.
const TEXT_ANSWERS: [&str; 3] = ["Fine", "All good here", "13800000001"];

const STEP: Duration = Duration::from_secs(5);

#[test]
fn complete_the_demo_interview_in_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let config = dir.path().join("config.toml");
    // The surveyor's id is set (else the app asks for it first).
    std::fs::write(&config, "surveyor_id = \"S1\"\n").unwrap();
    let mut s = Session::start(&data_dir, &config, dir.path());

    s.wait_for("DEMO DATA", Duration::from_secs(10));
    s.wait_for("To visit 56", STEP);
    // The first resident, then start the interview.
    let before = s.body();
    s.send("\r");
    s.wait_change(&before, STEP);
    s.wait_for("Start interview", STEP);
    let before = s.body();
    s.send("\r");
    s.wait_change(&before, STEP);
    s.wait_for("Resident Satisfaction Assessment", STEP);

    let mut steps = 0;
    let mut retried = 0;
    loop {
        steps += 1;
        assert!(steps < 120, "too many steps; the screen:\n{}", s.text());
        let body = s.body();
        if s.text().contains("Review answers") {
            break;
        }
        let screen = body.join("\n");
        let typed = if screen.contains("┌ Whole number") {
            Some(vec!["1"])
        } else if screen.contains("┌ Time HH:MM") {
            Some(vec!["09:30"])
        } else if screen.contains("┌ Text") {
            Some(TEXT_ANSWERS.to_vec())
        } else {
            None
        };
        match typed {
            Some(candidates) => {
                let question = question_line(&body).to_string();
                let mut before = body;
                let mut accepted = false;
                for (i, answer) in candidates.iter().enumerate() {
                    if i > 0 {
                        // Empty the box before the next try.
                        s.send(&"\x7f".repeat(20));
                        before = s.wait_change(&before, STEP);
                        retried += 1;
                    }
                    s.send(&format!("{answer}\r"));
                    let after = s.wait_change(&before, STEP);
                    if question_line(&after) != question || !has_error(&after) {
                        accepted = true;
                        break;
                    }
                    before = after;
                }
                assert!(accepted, "no answer was accepted:\n{}", s.text());
            }
            None => {
                // Options (choices, ratings, yes/no: 1 is the first, and
                // "yes"), or a note to read: Enter.
                let options = screen.contains("( )")
                    || screen.contains("(•)")
                    || screen.contains("[ ]")
                    || screen.contains("[x]");
                s.send(if options { "1\r" } else { "\r" });
                let after = s.wait_change(&body, STEP);
                assert!(!has_error(&after), "an answer was refused:\n{}", s.text());
            }
        }
    }
    // The phone number needed the third candidate, the complaint the second.
    assert!(retried >= 2, "the constraints were never exercised");
    s.wait_for("press F to finish", STEP);
    s.send("F");
    s.wait_for("Interview completed and saved", STEP);
    s.wait_for("Completed 1", STEP);
    s.send("q");
    let status = s.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "doorstep exited with {status:?}");
    // Give the reader a moment for the last bytes.
    let start = Instant::now();
    loop {
        let raw = s.output.lock().unwrap().raw.clone();
        if raw.windows(8).any(|w| w == b"\x1b[?1049l") {
            let entered = raw.windows(8).position(|w| w == b"\x1b[?1049h").unwrap();
            let left = raw.windows(8).rposition(|w| w == b"\x1b[?1049l").unwrap();
            assert!(
                left > entered,
                "left the alternate screen before entering it"
            );
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "the alternate screen was never left: terminal not restored"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !s.output.lock().unwrap().parser.screen().alternate_screen(),
        "still on the alternate screen"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_doorstep"))
        .arg("--data-dir")
        .arg(&data_dir)
        .arg("--config")
        .arg(&config)
        .args(["status", "--json"])
        .env_remove("DOORSTEP_DATA_DIR")
        .env_remove("DOORSTEP_CONFIG")
        .env("DOORSTEP_STORE_PASSWORD", support::STORE_PASSWORD)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["completed"], 1, "{json}");
    assert_eq!(json["in_progress"], 0, "{json}");

    // The day's log has the interview, ids only, and none of it went to
    // the screen.
    let log: String = std::fs::read_dir(data_dir.join("logs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    for line in ["command started command=\"app\"", "interview started"] {
        assert!(log.contains(line), "no {line:?} in the log:\n{log}");
    }
    assert!(
        log.lines()
            .any(|l| l.contains("interview finished") && l.contains("status=\"completed\"")),
        "{log}"
    );
    for answer in TEXT_ANSWERS {
        assert!(!log.contains(answer), "the answer {answer:?} in the log");
    }
    // Names, addresses, phones (columns 2, 3 and 9 of the demo list).
    let mut residents = csv::Reader::from_path("examples/demo-residents.csv").unwrap();
    for row in residents.records() {
        let row = row.unwrap();
        for private in [&row[1], &row[2], &row[8]] {
            assert!(!log.contains(private), "{private:?} in the log");
        }
    }
    let raw = String::from_utf8_lossy(&s.output.lock().unwrap().raw).to_string();
    assert!(!raw.contains("command started"), "a log line on the screen");
}

#[test]
fn too_small_a_terminal_says_so_and_quits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let config = dir.path().join("config.toml");
    // The surveyor's id is set (else the app asks for it first).
    std::fs::write(&config, "surveyor_id = \"S1\"\n").unwrap();
    let mut s = Session::start(&data_dir, &config, dir.path());
    s.wait_for("DEMO DATA", Duration::from_secs(10));
    s.master
        .resize(PtySize {
            rows: 20,
            cols: 70,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    s.output
        .lock()
        .unwrap()
        .parser
        .screen_mut()
        .set_size(NonZeroU16::new(20).unwrap(), NonZeroU16::new(70).unwrap());
    s.wait_for("Terminal too small", STEP);
    s.send("q");
    let status = s.wait_exit(Duration::from_secs(10));
    assert!(status.success());
}

/// `L` switches the interface language and the choice is kept: the next
/// start is in that language, and the config's other settings are intact.
#[test]
fn the_interface_language_chosen_with_l_is_kept_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "surveyor_id = \"S7\"\n").unwrap();
    // No --lang: the config decides (Chinese when it says nothing).
    let args: [&std::ffi::OsStr; 4] = [
        "--data-dir".as_ref(),
        data_dir.as_os_str(),
        "--config".as_ref(),
        config.as_os_str(),
    ];
    let mut s = Session::start_with(&args, dir.path());
    s.wait_for("走访名单", Duration::from_secs(10));
    s.send("L");
    s.wait_for("Assignment", STEP);
    s.send("q");
    assert!(s.wait_exit(Duration::from_secs(10)).success());
    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(saved.contains("ui_language = \"en\""), "{saved}");
    assert!(saved.contains("surveyor_id = \"S7\""), "{saved}");

    let mut s = Session::start_with(&args, dir.path());
    s.wait_for("Assignment", Duration::from_secs(10));
    s.send("L");
    s.wait_for("走访名单", STEP);
    s.send("q");
    assert!(s.wait_exit(Duration::from_secs(10)).success());
    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(saved.contains("ui_language = \"zh\""), "{saved}");
    assert!(saved.contains("surveyor_id = \"S7\""), "{saved}");
}
