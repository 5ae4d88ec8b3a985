//! The real `doorstep` binary in a pseudo-terminal, its output parsed by a
//! vt100 emulator so that tests read screen cells as a person reads the
//! screen.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const ROWS: u16 = 30;
pub const COLS: u16 = 100;

/// What the program wrote: parsed into a screen, and the raw bytes.
pub struct Output {
    pub parser: vt100::Parser,
    pub raw: Vec<u8>,
}

type Writer = Arc<Mutex<Box<dyn Write + Send>>>;

pub struct Session {
    pub output: Arc<Mutex<Output>>,
    /// Set when the reader has seen the end of the output (the child and
    /// every holder of the terminal's other end are gone).
    drained: Arc<std::sync::atomic::AtomicBool>,
    writer: Writer,
    pub child: Box<dyn Child + Send + Sync>,
    pub master: Box<dyn MasterPty + Send>,
}

impl Session {
    /// The surveyor's app on `data_dir` with `config`, in English.
    pub fn start(data_dir: &Path, config: &Path, home: &Path) -> Session {
        Session::start_command(data_dir, config, home, &[])
    }

    /// `doorstep COMMAND...` on `data_dir` with `config`, in English.
    pub fn start_command(data_dir: &Path, config: &Path, home: &Path, command: &[&str]) -> Session {
        let mut args: Vec<&OsStr> = vec![
            "--data-dir".as_ref(),
            data_dir.as_os_str(),
            "--config".as_ref(),
            config.as_os_str(),
            "--lang".as_ref(),
            "en".as_ref(),
        ];
        args.extend(command.iter().map(OsStr::new));
        Session::start_with(&args, home)
    }

    /// `doorstep ARGS...` with `home` as its home and working directory,
    /// none of the user's `DOORSTEP_*` settings, and colour on.
    pub fn start_with(args: &[&OsStr], home: &Path) -> Session {
        Session::start_with_password(args, home, Some(super::STORE_PASSWORD))
    }

    /// As [`Session::start_with`], with `DOORSTEP_STORE_PASSWORD` set to
    /// `password`, or unset (the app then asks on the terminal).
    pub fn start_with_password(args: &[&OsStr], home: &Path, password: Option<&str>) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_doorstep"));
        cmd.args(args);
        cmd.cwd(home);
        cmd.env("TERM", "xterm-256color");
        // Never the real user's directories.
        cmd.env("HOME", home);
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        // The store's password without its prompt, unless the prompt is
        // what is tested.
        match password {
            Some(p) => cmd.env("DOORSTEP_STORE_PASSWORD", p),
            None => cmd.env_remove("DOORSTEP_STORE_PASSWORD"),
        }
        for var in [
            "DOORSTEP_DATA_DIR",
            "DOORSTEP_CONFIG",
            "DOORSTEP_EXIT_AFTER_FIRST_FRAME",
            "DOORSTEP_LOG",
            "NO_COLOR",
            "DOORSTEP_NEW_STORE_PASSWORD",
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
        let drained = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let done = Arc::clone(&drained);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => {
                        done.store(true, std::sync::atomic::Ordering::SeqCst);
                        break;
                    }
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
            drained,
            writer,
            child,
            master: pair.master,
        }
    }

    pub fn send(&mut self, keys: &str) {
        let mut w = self.writer.lock().unwrap();
        w.write_all(keys.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    /// The screen's rows as text, from the cells.
    pub fn rows(&self) -> Vec<String> {
        let out = self.output.lock().unwrap();
        out.parser.screen().rows(0, COLS).collect()
    }

    pub fn text(&self) -> String {
        self.rows().join("\n")
    }

    /// Everything below the title row (whose clock ticks).
    pub fn body(&self) -> Vec<String> {
        self.rows().into_iter().skip(1).collect()
    }

    pub fn wait_for(&self, what: &str, timeout: Duration) {
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
    pub fn wait_change(&self, before: &[String], timeout: Duration) -> Vec<String> {
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

    /// Waits for doorstep to exit, then for its last output (the terminal
    /// restored on the way out) to be read: the reader thread may lag the
    /// exit, and a test that looks at once can miss the final bytes.
    pub fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while !self.drained.load(std::sync::atomic::Ordering::SeqCst)
                    && start.elapsed() < timeout
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
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
