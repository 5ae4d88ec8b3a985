//! One module per subcommand, and what they share: finding the data
//! directory, the config and the store.

pub mod app;
pub mod assign;
pub mod check;
pub mod export;
pub mod keys;
pub mod office;
pub mod office_app;
pub mod office_demo;
pub mod office_online;
pub mod office_report;
pub mod office_scores;
pub mod review;
pub mod review_app;
pub mod simulate;
pub mod status;
pub mod store;
pub mod verify;

use std::path::PathBuf;

use anyhow::Context as _;
use doorstep_core::questionnaire::{Questionnaire, load_str};
use doorstep_store::Store;
use doorstep_store::config::{self, Config};
use doorstep_tui::i18n::Lang;

/// Where things are, from the global flags.
pub struct Places {
    pub data_dir: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub lang: Option<String>,
}

pub struct Opened {
    pub data_dir: PathBuf,
    pub config_path: PathBuf,
    pub config: Config,
    pub store: Store,
}

impl Places {
    pub fn open(&self) -> anyhow::Result<Opened> {
        let data_dir = config::resolve_data_dir(self.data_dir.clone())?;
        let config_path =
            config::resolve_config_path_for(self.config.clone(), self.data_dir.clone())?;
        let config = Config::load(&config_path)?;
        let mut store = store::open(&data_dir)?;
        store.set_attempt_limit(config.attempt_limit());
        Ok(Opened {
            data_dir,
            config_path,
            config,
            store,
        })
    }

    /// The interface language: the flag, else the config, else Chinese.
    pub fn ui_language(&self, config: &Config) -> anyhow::Result<Lang> {
        match self.lang.as_deref().or(config.ui_language.as_deref()) {
            None => Ok(Lang::Zh),
            Some(code) => Lang::parse(code)
                .with_context(|| format!("unknown interface language '{code}' (use zh or en)")),
        }
    }
}

/// The active questionnaire, read back from the store.
pub fn active_questionnaire(store: &Store) -> anyhow::Result<Option<Questionnaire>> {
    let Some(active) = store.active_questionnaire()? else {
        return Ok(None);
    };
    let name = format!("{} {} (stored)", active.id, active.version);
    Ok(Some(
        load_str(&active.source, &name).map_err(|e| anyhow::anyhow!("{e}"))?,
    ))
}
