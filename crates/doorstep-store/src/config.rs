//! Where doorstep keeps its files, and the small per-laptop settings file.
//!
//! The data directory holds the database (`doorstep.sqlite3`), keys and
//! logs; it comes from the `--data-dir` flag, else `DOORSTEP_DATA_DIR`,
//! else the platform's data directory. The config file (`config.toml`)
//! likewise comes from `--config`, else `DOORSTEP_CONFIG`, else the
//! platform's config directory.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const DATA_DIR_ENV: &str = "DOORSTEP_DATA_DIR";
pub const CONFIG_ENV: &str = "DOORSTEP_CONFIG";
/// The database file inside the data directory.
pub use crate::{DATABASE_FILE, database_path};
pub const CONFIG_FILE: &str = "config.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "cannot find a home directory for doorstep's files; pass --data-dir DIR or set {DATA_DIR_ENV}"
    )]
    NoPlatformDir,
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {key}: {message}")]
    Invalid {
        path: PathBuf,
        key: &'static str,
        message: String,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Malformed {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

fn project_dirs() -> Result<directories::ProjectDirs, ConfigError> {
    directories::ProjectDirs::from("", "", "doorstep").ok_or(ConfigError::NoPlatformDir)
}

/// The first of: the flag, the environment value (ignored when empty).
fn pick(cli: Option<PathBuf>, env: Option<OsString>) -> Option<PathBuf> {
    cli.or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from))
}

/// The data directory (flag > `DOORSTEP_DATA_DIR` > platform default),
/// created if missing.
pub fn resolve_data_dir(cli: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    resolve_data_dir_with(cli, std::env::var_os(DATA_DIR_ENV))
}

/// [`resolve_data_dir`] with the environment value passed in (tests).
pub fn resolve_data_dir_with(
    cli: Option<PathBuf>,
    env: Option<OsString>,
) -> Result<PathBuf, ConfigError> {
    let dir = match pick(cli, env) {
        Some(dir) => dir,
        None => project_dirs()?.data_dir().to_path_buf(),
    };
    std::fs::create_dir_all(&dir).map_err(|source| ConfigError::Io {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

/// The data directory [`resolve_data_dir`] would give, if it exists
/// already; never created.
pub fn existing_data_dir(cli: Option<PathBuf>) -> Option<PathBuf> {
    let dir = match pick(cli, std::env::var_os(DATA_DIR_ENV)) {
        Some(dir) => dir,
        None => project_dirs().ok()?.data_dir().to_path_buf(),
    };
    dir.is_dir().then_some(dir)
}

/// The config file (flag > `DOORSTEP_CONFIG` > platform default). Not
/// created: a missing file means defaults.
pub fn resolve_config_path(cli: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    resolve_config_path_with(cli, std::env::var_os(CONFIG_ENV))
}

pub fn resolve_config_path_with(
    cli: Option<PathBuf>,
    env: Option<OsString>,
) -> Result<PathBuf, ConfigError> {
    match pick(cli, env) {
        Some(path) => Ok(path),
        None => Ok(project_dirs()?.config_dir().join(CONFIG_FILE)),
    }
}

/// Per-laptop settings.
// Unknown keys are refused so that a typo (`surveyor-id`) is reported
// instead of silently leaving the setting unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Recorded on every interview this laptop starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surveyor_id: Option<String>,
    /// `zh` or `en`; the interface language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui_language: Option<String>,
    /// The city office's age recipient (`age1...`): once set, every batch
    /// is encrypted to it unless `export --encrypt-to` names others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_recipient: Option<String>,
}

impl Config {
    /// Whom batches are encrypted to when `export` names nobody: the
    /// office's recipient, if configured. `path` names the config in errors.
    pub fn office_recipients(
        &self,
        path: &Path,
    ) -> Result<Vec<age::x25519::Recipient>, ConfigError> {
        match &self.office_recipient {
            None => Ok(Vec::new()),
            Some(r) => doorstep_batch::parse_recipient(r)
                .map(|r| vec![r])
                .map_err(|e| ConfigError::Invalid {
                    path: path.to_path_buf(),
                    key: "office_recipient",
                    message: format!("{e} (an age X25519 recipient: age1...)"),
                }),
        }
    }

    /// Reads `path`; a missing file gives the defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Self::parse(&text, path)
    }

    /// Parses config text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            let (line, column) = line_column(text, offset);
            ConfigError::Malformed {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })
    }

    /// Writes `path` atomically: a reader (or a crash) sees the old file or
    /// the new one, never half of each.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let io = |source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        };
        let text = toml::to_string(self).map_err(|e| io(std::io::Error::other(e)))?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        doorstep_batch::fsutil::write_atomic(path, text.as_bytes()).map_err(io)
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_beats_default() {
        let a = PathBuf::from("/a");
        assert_eq!(pick(Some(a.clone()), Some("/b".into())), Some(a.clone()));
        assert_eq!(pick(None, Some("/b".into())), Some(PathBuf::from("/b")));
        assert_eq!(pick(None, Some("".into())), None);
        assert_eq!(pick(None, None), None);
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\n住x", 6), (2, 2));
        assert_eq!(line_column("", 0), (1, 1));
    }
}
