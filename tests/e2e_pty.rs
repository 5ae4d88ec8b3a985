//! The real `doorstep` binary in a pseudo-terminal: open the first demo
//! resident, complete the interview by keys alone while reading the screen
//! (a vt100 emulator parses the output; assertions are on screen cells),
//! finish it, quit, and check the store with `doorstep status --json`.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 30;
const COLS: u16 = 100;

/// What the program wrote: parsed into a screen, and the raw bytes.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

type Writer = Arc<Mutex<Box<dyn Write + Send>>>;

struct Session {
    output: Arc<Mutex<Output>>,
    writer: Writer,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    fn start(data_dir: &Path, config: &Path, home: &Path) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_doorstep"));
        cmd.arg("--data-dir");
        cmd.arg(data_dir);
        cmd.arg("--config");
        cmd.arg(config);
        cmd.args(["--lang", "en"]);
        cmd.cwd(home);
        cmd.env("TERM", "xterm-256color");
        // Never the real user's directories.
        cmd.env("HOME", home);
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        for var in [
            "DOORSTEP_DATA_DIR",
            "DOORSTEP_CONFIG",
            "DOORSTEP_EXIT_AFTER_FIRST_FRAME",
            "DOORSTEP_LOG",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        let child = pair.slave.spawn_command(cmd).expect("doorstep starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer: Writer = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
        let answer = Arc::clone(&writer);
        let output = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(
                NonZeroU16::new(ROWS).unwrap(),
                NonZeroU16::new(COLS).unwrap(),
                0,
            ),
            raw: Vec::new(),
        }));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut out = sink.lock().unwrap();
                        let seen = out.raw.len().saturating_sub(3);
                        out.parser.process(&buf[..n]);
                        out.raw.extend_from_slice(&buf[..n]);
                        // Like a real terminal, answer "where is the cursor?"
                        // (crossterm asks when the app starts).
                        let asks = out.raw[seen..]
                            .windows(4)
                            .filter(|w| w == b"\x1b[6n")
                            .count();
                        if asks > 0 {
                            let (row, col) = out.parser.screen().cursor_position();
                            let reply = format!("\x1b[{};{}R", row + 1, col + 1);
                            let mut w = answer.lock().unwrap();
                            for _ in 0..asks {
                                let _ = w.write_all(reply.as_bytes());
                            }
                            let _ = w.flush();
                        }
                    }
                }
            }
        });
        Session {
            output,
            writer,
            child,
            _master: pair.master,
        }
    }

    fn send(&mut self, keys: &str) {
        let mut w = self.writer.lock().unwrap();
        w.write_all(keys.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    /// The screen's rows as text, from the cells.
    fn rows(&self) -> Vec<String> {
        let out = self.output.lock().unwrap();
        out.parser.screen().rows(0, COLS).collect()
    }

    fn text(&self) -> String {
        self.rows().join("\n")
    }

    /// Everything below the title row (whose clock ticks).
    fn body(&self) -> Vec<String> {
        self.rows().into_iter().skip(1).collect()
    }

    fn wait_for(&self, what: &str, timeout: Duration) {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.text().contains(what) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("{what:?} never showed; the screen:\n{}", self.text());
    }

    /// Waits for the body to differ from `before`, then to settle.
    fn wait_change(&self, before: &[String], timeout: Duration) -> Vec<String> {
        let start = Instant::now();
        let mut last = self.body();
        while last == before {
            assert!(
                start.elapsed() < timeout,
                "the screen did not change; the screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
            last = self.body();
        }
        let mut stable_since = Instant::now();
        while stable_since.elapsed() < Duration::from_millis(80) {
            std::thread::sleep(Duration::from_millis(20));
            let now = self.body();
            if now != last {
                last = now;
                stable_since = Instant::now();
            }
        }
        last
    }

    fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                panic!("doorstep did not exit; the screen:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

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
    let mut s = Session::start(&data_dir, &config, dir.path());
    s.wait_for("DEMO DATA", Duration::from_secs(10));
    s._master
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
