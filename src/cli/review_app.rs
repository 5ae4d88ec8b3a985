//! `doorstep review DIR --keys KEYS` with no other action: the supervisor's
//! review app in the terminal.

use std::process::ExitCode;

use anyhow::Context as _;
use doorstep_review::inbox::Inbox;
use doorstep_tui::supervisor::ReviewApp;
use doorstep_tui::terminal::TerminalGuard;

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
    doorstep_tui::terminal::run(&mut guard, &mut app, false)?;
    drop(guard);
    Ok(ExitCode::SUCCESS)
}
