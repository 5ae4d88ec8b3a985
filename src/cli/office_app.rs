//! `doorstep office` (or `doorstep office app`): the office app in the
//! terminal, over the office database (see docs/office.md).

use std::process::ExitCode;

use anyhow::Context as _;
use doorstep_office::Db;
use doorstep_office::settings::Settings;
use doorstep_tui::office::{OfficeApp, OfficeData};
use doorstep_tui::terminal::TerminalGuard;

use super::Places;
use super::office_scores::QuestionnaireArgs;

pub fn run(
    places: &Places,
    db: Db,
    settings: Settings,
    questionnaires: &QuestionnaireArgs,
) -> anyhow::Result<ExitCode> {
    let config_path = doorstep_store::config::resolve_config_path(places.config.clone())?;
    let config = doorstep_store::config::Config::load(&config_path)?;
    let ui = places.ui_language(&config)?;
    let questionnaires = questionnaires.load()?;
    let who = std::env::var("USER").unwrap_or_else(|_| "office".into());
    let mut app = OfficeApp::new(OfficeData::new(db, settings, questionnaires, who), ui);
    let mut guard = TerminalGuard::enter().context("cannot open the terminal")?;
    doorstep_tui::terminal::run(&mut guard, &mut app, false)?;
    drop(guard);
    Ok(ExitCode::SUCCESS)
}
