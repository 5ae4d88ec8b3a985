//! Helpers shared by the test files that drive the apps key by key and read
//! their screens (`tui_flows`, `tui_screens`, `review_app`, `review_screens`). Each test file
//! uses a different part, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod batch;
pub mod pg;
pub mod pty;
pub mod review;
pub mod surveyor;

pub mod tools;

use std::path::Path;

use doorstep_tui::app::App;
use doorstep_tui::supervisor::ReviewApp;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::text::Line;

/// Something that takes key presses: the surveyor's app or the review app.
pub trait Keys {
    fn key(&mut self, key: KeyEvent);
}

impl Keys for App {
    fn key(&mut self, key: KeyEvent) {
        self.handle_key(key);
    }
}

impl Keys for ReviewApp {
    fn key(&mut self, key: KeyEvent) {
        self.handle_key(key);
    }
}

pub fn press(app: &mut impl Keys, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn ctrl(app: &mut impl Keys, c: char) {
    app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

/// Types `s` key by key; `\n` is Enter.
pub fn keys(app: &mut impl Keys, s: &str) {
    for c in s.chars() {
        match c {
            '\n' => press(app, KeyCode::Enter),
            c => press(app, KeyCode::Char(c)),
        }
    }
}

/// A drawn buffer as text, one line per row. A wide (CJK) character covers
/// the next cell too: that cell is skipped, so each character shows once.
pub fn text_of(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = Line::from(symbol).width().saturating_sub(1);
            out.push_str(symbol);
        }
        out.push('\n');
    }
    out
}

/// `doorstep assign` arguments for the bundled demo: its residents and
/// questionnaire (paths from the crate root, where tests run).
pub const ASSIGN_DEMO: [&str; 5] = [
    "assign",
    "--residents",
    "examples/demo-residents.csv",
    "--questionnaire",
    "questionnaires/resident-satisfaction.toml",
];

/// The `doorstep` binary confined to `dir`: data in `dir/data`, config in
/// `dir/config.toml`, none of the user's `DOORSTEP_*` settings.
/// The store password the tests' commands use (`DOORSTEP_STORE_PASSWORD`):
/// every store a command creates is encrypted with it.
pub const STORE_PASSWORD: &str = "test store password";

/// Opens the store in `data_dir` as a command left it: encrypted with
/// [`STORE_PASSWORD`], plain (made through the library), or new (plain).
pub fn open_store(data_dir: &Path) -> doorstep_store::Store {
    let path = doorstep_store::database_path(data_dir);
    match doorstep_store::at_rest::file_state(&path).unwrap() {
        doorstep_store::at_rest::FileState::Encrypted => doorstep_store::Store::open_encrypted(
            &path,
            doorstep_store::at_rest::StorePassword::new(STORE_PASSWORD.into()).unwrap(),
        )
        .unwrap(),
        _ => doorstep_store::Store::open(&path).unwrap(),
    }
}

pub fn doorstep_in(dir: &Path) -> assert_cmd::Command {
    assert_cmd::Command::from_std(doorstep_process(dir))
}

/// The same command as [`doorstep_in`] as a plain `std::process::Command`,
/// for tests that wire its stdin and stdout themselves (pipes, /dev/full).
pub fn doorstep_process(dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("doorstep"));
    c.env("DOORSTEP_STORE_PASSWORD", STORE_PASSWORD);
    c.arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config")
        .arg(dir.join("config.toml"));
    for var in [
        "DOORSTEP_DATA_DIR",
        "DOORSTEP_CONFIG",
        "DOORSTEP_LOG",
        "DOORSTEP_KEY_PASSWORD",
        "DOORSTEP_NEW_STORE_PASSWORD",
    ] {
        c.env_remove(var);
    }
    c
}

/// The colour rules on drawn screens: with the colour-free theme (`NO_COLOR`)
/// no cell has a colour; with either theme no text is dimmed (dim text is
/// unreadable on many laptop screens outdoors); and the colour theme does
/// colour (more than 100 cells over the samples).
pub fn check_colours(screens: &[(String, Buffer)], colour: bool) {
    use ratatui::style::{Color, Modifier};
    let mut coloured = 0;
    for (name, buffer) in screens {
        for (i, cell) in buffer.content.iter().enumerate() {
            let (x, y) = buffer.pos_of(i);
            let has_colour = cell.fg != Color::Reset || cell.bg != Color::Reset;
            assert!(
                colour || !has_colour,
                "{name}: cell ({x}, {y}) {:?} has a colour",
                cell.symbol()
            );
            assert!(
                !cell.modifier.contains(Modifier::DIM),
                "{name}: cell ({x}, {y}) {:?} is dim",
                cell.symbol()
            );
            coloured += usize::from(has_colour);
        }
    }
    if colour {
        assert!(coloured > 100, "only {coloured} coloured cells");
    }
}
