//! Entering and leaving the full-screen terminal, so that the terminal is
//! restored on quit, on error and on panic; and the one event loop both
//! apps run in (`run`), so that keys, pastes and resizes reach either app
//! the same way.

use std::io::{self, Stdout};
use std::panic::PanicHookInfo;
use std::sync::OnceLock;
use std::time::Duration;

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::{Frame, Terminal};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Owns the raw-mode terminal; dropping it restores the terminal.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        // Clearing here rather than with `Terminal::clear` avoids asking the
        // terminal for the cursor position, a round trip before the first frame.
        if let Err(e) = execute!(
            stdout,
            EnterAlternateScreen,
            EnableBracketedPaste,
            Clear(ClearType::All)
        ) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        let _ = self.terminal.show_cursor();
    }
}

/// What the event loop needs of an app: both apps implement it.
pub trait EventApp {
    /// Draws the app; only reads its state.
    fn draw(&self, frame: &mut Frame);
    /// A terminal event: a key, pasted text (bracketed paste), a resize.
    fn handle_event(&mut self, event: &Event);
    /// Work between frames, after the events were handled (and on every
    /// timeout): the surveyor's list loading in the background, decisions
    /// written meanwhile from the command line.
    fn tick(&mut self) {}
    fn quit(&self) -> bool;
}

/// Runs `app` in the terminal until it quits: draws, waits for events at
/// most 500 ms (so clocks tick and background work shows up), handles
/// every event already queued (a paste, fast typing) before drawing again.
/// With `first_frame_only`, returns after the first frame.
pub fn run(
    guard: &mut TerminalGuard,
    app: &mut impl EventApp,
    first_frame_only: bool,
) -> io::Result<()> {
    loop {
        guard.terminal.draw(|f| app.draw(f))?;
        if first_frame_only || app.quit() {
            return Ok(());
        }
        if event::poll(Duration::from_millis(500))? {
            app.handle_event(&event::read()?);
            while !app.quit() && event::poll(Duration::ZERO)? {
                app.handle_event(&event::read()?);
            }
        }
        if app.quit() {
            return Ok(());
        }
        app.tick();
    }
}

/// Leaves raw mode and the alternate screen; safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableBracketedPaste, LeaveAlternateScreen);
}

/// What logs a panic (the binary's log), set once at start-up.
static PANIC_LOGGER: OnceLock<fn(&PanicHookInfo<'_>)> = OnceLock::new();

/// Gives the terminal's panic hook the function that logs a panic, so the
/// log gets it before the terminal is restored.
pub fn set_panic_logger(log: fn(&PanicHookInfo<'_>)) {
    let _ = PANIC_LOGGER.set(log);
}

/// Restores the terminal before the panic message is printed, so the
/// message is readable and the shell usable; the log gets it first.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(log) = PANIC_LOGGER.get() {
            log(info);
        }
        restore();
        previous(info);
    }));
}

/// The smallest terminal either app draws in; below it they show
/// "terminal too small".
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Whether a `width`×`height` terminal is big enough to draw in.
pub fn fits(width: u16, height: u16) -> bool {
    width >= MIN_WIDTH && height >= MIN_HEIGHT
}

/// Whether the user can see the app: false while "terminal too small" is
/// shown. Both apps ignore keys then (except Ctrl+C), so that nothing is
/// answered or decided blind. Set by each draw and by resize events.
#[derive(Debug, Default)]
pub struct Visibility {
    /// `None` until the first frame (nothing to judge by: keys act).
    seen: std::cell::Cell<Option<bool>>,
}

impl Visibility {
    /// Records a frame of this size; true if the app can be drawn in it.
    pub fn drawn(&self, width: u16, height: u16) -> bool {
        let ok = fits(width, height);
        self.seen.set(Some(ok));
        ok
    }

    /// The terminal was resized (keys may arrive before the next frame).
    pub fn resized(&self, width: u16, height: u16) {
        self.seen.set(Some(fits(width, height)));
    }

    /// True while the screen shows "terminal too small".
    pub fn hidden(&self) -> bool {
        self.seen.get() == Some(false)
    }
}
