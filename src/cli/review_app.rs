//! `doorstep review DIR --keys KEYS` with no other action: the supervisor's
//! review app in the terminal.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use doorstep_review::inbox::Inbox;
use doorstep_tui::review::ReviewApp;
use doorstep_tui::terminal::TerminalGuard;
use ratatui::crossterm::event;

use super::Places;

/// `utc_offset_hours`: the thresholds' local time, in which the app shows
/// every time.
pub fn run(places: &Places, inbox: Inbox, utc_offset_hours: i32) -> anyhow::Result<ExitCode> {
    let opened = places.open()?;
    let _lock = doorstep_store::app_lock::lock(&opened.data_dir)?;
    let ui = places.ui_language(&opened.config)?;
    let supervisor =
        opened.config.surveyor_id.clone().context(
            "no supervisor id configured: run `doorstep keygen --supervisor YOUR_ID` first",
        )?;
    let mut app = ReviewApp::new(inbox, opened.store, supervisor, ui, utc_offset_hours);
    let mut guard = TerminalGuard::enter().context("cannot open the terminal")?;
    while !app.quit {
        // Decisions made meanwhile from the command line show up within
        // one tick (the poll below waits at most 500 ms).
        app.refresh_decisions();
        guard.terminal.draw(|f| app.draw(f))?;
        if event::poll(Duration::from_millis(500))? {
            app.handle_event(&event::read()?);
            // Drain what is already queued (fast typing) before drawing.
            while !app.quit && event::poll(Duration::ZERO)? {
                app.handle_event(&event::read()?);
            }
        }
    }
    drop(guard);
    Ok(ExitCode::SUCCESS)
}
