//! `office.toml`: the office's settings. Unknown keys are refused and
//! errors name the line, so a typo is reported instead of ignored.
//!
//! ```toml
//! [ingest]
//! # Which interviews count: "approved" (only those a supervisor approved)
//! # or "approved_and_undecided" (all but the rejected). Default: approved.
//! count = "approved"
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::OfficeError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub ingest: IngestSettings,
    #[serde(default)]
    pub sample: SampleSettings,
}

/// `[sample]`: who is left out, and what `--target-margin` assumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SampleSettings {
    /// Residents interviewed in this many quarters before are not sampled.
    pub exclude_quarters: u32,
    /// Index SD, design effect and response rate for `--target-margin`.
    pub index_sd: f64,
    pub design_effect: f64,
    pub response_rate: f64,
}

impl Default for SampleSettings {
    fn default() -> Self {
        let d = crate::sample::SizingDefaults::default();
        SampleSettings {
            exclude_quarters: 2,
            index_sd: d.index_sd,
            design_effect: d.design_effect,
            response_rate: d.response_rate,
        }
    }
}

impl SampleSettings {
    pub fn sizing(&self) -> crate::sample::SizingDefaults {
        crate::sample::SizingDefaults {
            index_sd: self.index_sd,
            design_effect: self.design_effect,
            response_rate: self.response_rate,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestSettings {
    #[serde(default)]
    pub count: Counting,
}

/// Which interviews count in the figures. Rejected ones never do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    #[default]
    Approved,
    ApprovedAndUndecided,
}

impl Settings {
    /// Reads `path`; a missing file gives the defaults.
    pub fn load(path: &Path) -> Result<Settings, OfficeError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(source) => Err(OfficeError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Settings, OfficeError> {
        toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
                .chars()
                .count()
                + 1;
            OfficeError::Invalid(format!(
                "{}:{line}:{column}: {}",
                path.display(),
                e.message().trim()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_choices() {
        let p = Path::new("office.toml");
        assert_eq!(
            Settings::parse("", p).unwrap().ingest.count,
            Counting::Approved
        );
        let s = Settings::parse("[ingest]\ncount = \"approved_and_undecided\"\n", p).unwrap();
        assert_eq!(s.ingest.count, Counting::ApprovedAndUndecided);
    }

    #[test]
    fn errors_name_the_line() {
        let e = Settings::parse("[ingest]\ncount = \"all\"\n", Path::new("office.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("office.toml:2:"), "{e}");
        let e = Settings::parse("[ingest]\ncuont = \"approved\"\n", Path::new("office.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("office.toml:2:1:"), "{e}");
    }
}
