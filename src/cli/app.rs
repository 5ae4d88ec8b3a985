//! `doorstep` with no command: the surveyor's terminal app.

use std::process::ExitCode;
use std::sync::mpsc;

use anyhow::Context as _;
use doorstep_tui::app::App;
use doorstep_tui::data;
use doorstep_tui::terminal::TerminalGuard;

use doorstep_store::demo;

use super::{Places, active_questionnaire};

/// Rows loaded before the first frame; the rest follow in the background.
const FIRST_PAGE: u64 = 200;

pub fn run(places: &Places, started: std::time::Instant) -> anyhow::Result<ExitCode> {
    // The lock first: a second window is refused before it asks for the
    // store's password.
    let data_dir = doorstep_store::config::resolve_data_dir(places.data_dir.clone())?;
    let _lock = doorstep_store::app_lock::lock(&data_dir)?;
    let opened = places.open()?;
    let ui = places.ui_language(&opened.config)?;
    let store = opened.store;
    let q = match active_questionnaire(&store)? {
        Some(q) => q,
        None => demo::load(&store)?,
    };
    let is_demo = store.meta(demo::DEMO_KEY)?.is_some();
    // One questionnaire per run, borrowed by every interview screen.
    let q: &'static _ = Box::leak(Box::new(q));
    // No id yet: the app asks for it before anything can be recorded.
    let surveyor = opened.config.surveyor_id.clone();
    let first = data::first_page(&store, FIRST_PAGE).map_err(anyhow::Error::msg)?;
    let more = first.len() as u64 == FIRST_PAGE;
    // The same store again, with the key already derived.
    let again = if more { Some(store.reopen()?) } else { None };
    let mut app = App::new(
        store,
        q,
        ui,
        surveyor.clone().unwrap_or_default(),
        is_demo,
        first,
    );
    app.config_path = Some(opened.config_path.clone());
    if surveyor.is_none() {
        app.ask_surveyor_id(opened.config_path.clone());
    }
    if let Some(store) = again {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            if let Ok(all) = data::all_entries(&store) {
                let _ = tx.send(all);
            }
        });
        app.loading = Some(rx);
    }
    let exit_after_first_frame = std::env::var_os("DOORSTEP_EXIT_AFTER_FIRST_FRAME").is_some();

    let mut guard = TerminalGuard::enter().context("cannot open the terminal")?;
    doorstep_tui::terminal::run(&mut guard, &mut app, exit_after_first_frame)?;
    drop(guard);
    if exit_after_first_frame {
        // For scripts/bench-startup.sh: time from main() to the first frame.
        eprintln!(
            "first frame after {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(ExitCode::SUCCESS)
}
