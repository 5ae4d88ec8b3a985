//! Where doorstep keeps its files, and the small per-laptop settings file.
//!
//! The data directory holds the database (`doorstep.sqlite3`), keys and
//! logs; it comes from the `--data-dir` flag, else `DOORSTEP_DATA_DIR`,
//! else the platform's data directory. The config file (`config.toml`)
//! likewise comes from `--config`, else `DOORSTEP_CONFIG`, else — when
//! the data directory was chosen (`--data-dir` or `DOORSTEP_DATA_DIR`) —
//! `config.toml` inside it, else the platform's config directory. So a
//! second data directory never reads or writes the user-wide config.

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
    // The OS error is in the message, not a `source` (which `{:#}` would
    // print a second time: "File exists (os error 17): File exists …").
    #[error("{path}: {}", doorstep_core::fs::os_message(error))]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Not a regular file, too large, not UTF-8.
    #[error("{0}")]
    Read(doorstep_core::fs::ReadError),
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
        error: source,
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

/// The config file for a command given `--config` (`cli`) and
/// `--data-dir` (`data_dir_cli`): `--config`, else `DOORSTEP_CONFIG`, else
/// `DATA_DIR/config.toml` when the data directory was given (flag or
/// `DOORSTEP_DATA_DIR`), else the platform's config file.
pub fn resolve_config_path_for(
    cli: Option<PathBuf>,
    data_dir_cli: Option<PathBuf>,
) -> Result<PathBuf, ConfigError> {
    resolve_config_path_for_with(
        cli,
        std::env::var_os(CONFIG_ENV),
        data_dir_cli,
        std::env::var_os(DATA_DIR_ENV),
    )
}

/// [`resolve_config_path_for`] with the environment values passed in.
pub fn resolve_config_path_for_with(
    cli: Option<PathBuf>,
    env: Option<OsString>,
    data_dir_cli: Option<PathBuf>,
    data_dir_env: Option<OsString>,
) -> Result<PathBuf, ConfigError> {
    if let Some(path) = pick(cli, env) {
        return Ok(path);
    }
    match pick(data_dir_cli, data_dir_env) {
        Some(dir) => Ok(dir.join(CONFIG_FILE)),
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
    /// The city office's database (`doorstep office`): a SQLite file path or
    /// a `postgres://` URL; default `DATA_DIR/office.sqlite3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_db: Option<String>,
    /// Visits without contact after which a non-contact is final and a
    /// reserve of a stratified list replaces the resident (1 to 20; default
    /// 3: [`Config::attempt_limit`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
}

/// The interface languages a config may name (the TUI's catalogue).
pub const UI_LANGUAGES: [&str; 2] = ["zh", "en"];

/// [`Config`] as read, with where each value is, for located errors.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    surveyor_id: Option<toml::Spanned<String>>,
    #[serde(default)]
    ui_language: Option<toml::Spanned<String>>,
    #[serde(default)]
    office_db: Option<String>,
    #[serde(default)]
    office_recipient: Option<String>,
    #[serde(default)]
    max_attempts: Option<toml::Spanned<i64>>,
}

impl Config {
    /// The attempt limit in force: `max_attempts`, else the default (3).
    pub fn attempt_limit(&self) -> u32 {
        self.max_attempts
            .unwrap_or(doorstep_core::assignment::reserves::DEFAULT_MAX_ATTEMPTS)
    }

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
        use doorstep_core::fs::{limits, read_regular_string};
        let text = match read_regular_string(path, limits::SMALL_FILE, "a config file") {
            Ok(text) => text,
            Err(e) if e.io_kind() == Some(std::io::ErrorKind::NotFound) => {
                return Ok(Config::default());
            }
            Err(e) => return Err(ConfigError::Read(e)),
        };
        Self::parse(&text, path)
    }

    /// Parses config text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let located = |offset: usize, message: String| {
            let (line, column) = line_column(text, offset.min(text.len()));
            ConfigError::Malformed {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let spanned: toml::Spanned<RawConfig> = toml::from_str(text)
            .map_err(|e| located(e.span().map_or(0, |s| s.start), e.message().trim().into()))?;
        let raw = spanned.into_inner();
        if let Some(id) = &raw.surveyor_id {
            doorstep_batch::id::validate_id("surveyor id", id.get_ref())
                .map_err(|e| located(id.span().start, e.to_string()))?;
        }
        if let Some(lang) = &raw.ui_language
            && !UI_LANGUAGES.contains(&lang.get_ref().as_str())
        {
            return Err(located(
                lang.span().start,
                format!(
                    "unknown interface language '{}' (use {})",
                    lang.get_ref(),
                    UI_LANGUAGES.join(" or ")
                ),
            ));
        }
        let max_attempts = match &raw.max_attempts {
            None => None,
            Some(n) => {
                use doorstep_core::assignment::reserves::MAX_ATTEMPTS_LIMIT;
                match u32::try_from(*n.get_ref()) {
                    Ok(v) if (1..=MAX_ATTEMPTS_LIMIT).contains(&v) => Some(v),
                    _ => {
                        return Err(located(
                            n.span().start,
                            format!(
                                "max_attempts {} is out of range (a whole number from 1 to \
                                 {MAX_ATTEMPTS_LIMIT})",
                                n.get_ref()
                            ),
                        ));
                    }
                }
            }
        };
        Ok(Config {
            max_attempts,
            surveyor_id: raw.surveyor_id.map(toml::Spanned::into_inner),
            ui_language: raw.ui_language.map(toml::Spanned::into_inner),
            office_db: raw.office_db,
            office_recipient: raw.office_recipient,
        })
    }

    /// Writes `path` atomically: a reader (or a crash) sees the old file or
    /// the new one, never half of each.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let io = |source| ConfigError::Io {
            path: path.to_path_buf(),
            error: source,
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
    fn a_chosen_data_dir_has_its_own_config() {
        let p = |cli: Option<&str>, env: Option<&str>, dd: Option<&str>, dde: Option<&str>| {
            resolve_config_path_for_with(
                cli.map(PathBuf::from),
                env.map(OsString::from),
                dd.map(PathBuf::from),
                dde.map(OsString::from),
            )
            .unwrap()
        };
        assert_eq!(p(Some("/c"), None, Some("/d"), None), PathBuf::from("/c"));
        assert_eq!(p(None, Some("/e"), Some("/d"), None), PathBuf::from("/e"));
        assert_eq!(
            p(None, None, Some("/d"), None),
            PathBuf::from("/d/config.toml")
        );
        assert_eq!(
            p(None, None, None, Some("/x")),
            PathBuf::from("/x/config.toml")
        );
    }

    #[test]
    fn ids_and_languages_are_checked_where_they_are_written() {
        let e = Config::parse(
            "ui_language = \"zh\"\nsurveyor_id = \"../../evil\"\n",
            Path::new("c.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("c.toml:2:15: invalid surveyor id \"../../evil\""),
            "{e}"
        );
        let e = Config::parse("ui_language = \"fr\"\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("c.toml:1:15: unknown interface language 'fr'"),
            "{e}"
        );
        let ok = Config::parse("surveyor_id = \"S1\"\n", Path::new("c.toml")).unwrap();
        assert_eq!(ok.surveyor_id.as_deref(), Some("S1"));
    }

    #[test]
    fn max_attempts_is_checked_and_defaults_to_three() {
        let c = Config::parse("", Path::new("c.toml")).unwrap();
        assert_eq!(c.attempt_limit(), 3);
        let c = Config::parse("max_attempts = 5\n", Path::new("c.toml")).unwrap();
        assert_eq!(c.attempt_limit(), 5);
        for bad in [
            "max_attempts = 0\n",
            "max_attempts = 21\n",
            "max_attempts = -1\n",
        ] {
            let e = Config::parse(bad, Path::new("c.toml"))
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("c.toml:1:16: max_attempts"), "{e}");
        }
        let e = Config::parse("max_attempts = \"3\"\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:1:"), "{e}");
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\n住x", 6), (2, 2));
        assert_eq!(line_column("", 0), (1, 1));
    }
}
