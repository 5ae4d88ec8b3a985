//! `office.toml`: the office's settings. Unknown keys are refused and
//! errors name the line, so a typo is reported instead of ignored.
//!
//! ```toml
//! [ingest]
//! # Which interviews count: "approved" (only those a supervisor approved)
//! # or "approved_and_undecided" (all but the rejected). Default: approved.
//! count = "approved"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use doorstep_core::assessment::StreetWeighting;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::OfficeError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub ingest: IngestSettings,
    #[serde(default)]
    pub sample: SampleSettings,
    #[serde(default)]
    pub orders: OrderSettings,
    #[serde(default)]
    pub scores: ScoreSettings,
}

/// `[orders]`: which questions carry the complaint, and where it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrderSettings {
    pub questions: ComplaintQuestions,
    /// Where a category with no route goes.
    pub default_department: String,
    pub default_deadline_days: u32,
    /// Category → department and deadline.
    pub categories: BTreeMap<String, CategoryRoute>,
    /// Per-street overrides: this street's complaints of this category go
    /// to this department.
    pub streets: Vec<StreetRoute>,
}

impl Default for OrderSettings {
    fn default() -> Self {
        OrderSettings {
            questions: ComplaintQuestions::default(),
            default_department: "unrouted".into(),
            default_deadline_days: 15,
            categories: BTreeMap::new(),
            streets: Vec::new(),
        }
    }
}

impl OrderSettings {
    /// The department and deadline (days) for a complaint.
    pub fn route(&self, street: Option<&str>, category: &str) -> (String, u32) {
        let days = self
            .categories
            .get(category)
            .and_then(|c| c.deadline_days)
            .unwrap_or(self.default_deadline_days);
        if let Some(s) = street
            && let Some(r) = self
                .streets
                .iter()
                .find(|r| r.street == s && *r.category.get_ref() == category)
        {
            return (r.department.clone(), days);
        }
        let department = self
            .categories
            .get(category)
            .map(|c| c.department.clone())
            .unwrap_or_else(|| self.default_department.clone());
        (department, days)
    }
}

/// Question ids of the complaint (defaults: the bundled questionnaire's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ComplaintQuestions {
    /// yes/no: "yes" opens an order.
    pub trigger: String,
    pub category: String,
    pub location: String,
    pub text: String,
    /// yes/no: the resident agreed to a call-back.
    pub consent: String,
    pub phone: String,
}

impl Default for ComplaintQuestions {
    fn default() -> Self {
        ComplaintQuestions {
            trigger: "has_complaint".into(),
            category: "complaint_category".into(),
            location: "complaint_location".into(),
            text: "complaint_detail".into(),
            consent: "recontact_consent".into(),
            phone: "callback_phone".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRoute {
    pub department: String,
    #[serde(default)]
    pub deadline_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreetRoute {
    pub street: String,
    pub category: toml::Spanned<String>,
    pub department: String,
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
        use doorstep_core::fs::{ReadError, limits, read_regular_string};
        match read_regular_string(path, limits::SMALL_FILE, "an office settings file") {
            Ok(text) => Self::parse(&text, path),
            Err(ReadError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                Ok(Settings::default())
            }
            Err(e) => Err(e.into()),
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Settings, OfficeError> {
        let located = |offset: usize, what: &str| {
            let offset = offset.min(text.len());
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
                .chars()
                .count()
                + 1;
            OfficeError::Invalid(format!("{}:{line}:{column}: {what}", path.display()))
        };
        let s: Settings = toml::from_str(text)
            .map_err(|e| located(e.span().map_or(0, |s| s.start), e.message().trim()))?;
        // A street override must name a routed category: a typo would
        // otherwise send that street's complaints to the default.
        for r in &s.orders.streets {
            if !s.orders.categories.contains_key(r.category.get_ref()) {
                return Err(located(
                    r.category.span().start,
                    &format!(
                        "street {} overrides category '{}', which [orders.categories] does not route",
                        r.street,
                        r.category.get_ref()
                    ),
                ));
            }
        }
        Ok(s)
    }
}

/// `[scores]` in `office.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoreSettings {
    /// Register columns the samples are calibrated to, in order.
    pub calibration: Vec<String>,
    /// Each channel's proportion of the combined score.
    pub channels: BTreeMap<String, f64>,
    /// Dimension id → weight in the index (missing: 1).
    pub dimension_weights: BTreeMap<String, f64>,
    /// Below this n or effective n a community is flagged small.
    pub min_n: f64,
    /// "mean" of the quarters, or "by_interviews".
    pub annual: String,
    /// Rank by the shrunk estimate where there is one.
    pub rank_shrunk: bool,
    pub bootstrap_draws: usize,
    pub seed: u64,
    /// How a street's score is made from its communities': "equal" (the
    /// plain mean) or "population" (weighted by register residents on the
    /// period's last day). Left out of the hash when "equal", so the
    /// hashes of runs made before the setting existed stay the same.
    #[serde(
        skip_serializing_if = "StreetWeighting::is_equal",
        serialize_with = "street_weighting::serialize",
        deserialize_with = "street_weighting::deserialize"
    )]
    pub street_weighting: StreetWeighting,
}

/// `street_weighting` as its name; an unknown one is refused with the key
/// and the allowed names (the TOML reader adds the file, line and column).
mod street_weighting {
    use doorstep_core::assessment::StreetWeighting;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(w: &StreetWeighting, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(w.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<StreetWeighting, D::Error> {
        let name = String::deserialize(d)?;
        StreetWeighting::parse(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "[scores] street_weighting = {name:?}: one of {}",
                StreetWeighting::NAMES
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}

impl Default for ScoreSettings {
    fn default() -> Self {
        ScoreSettings {
            calibration: vec!["age_group".into(), "gender".into()],
            channels: [
                ("home_visit".to_string(), 0.5),
                ("phone".to_string(), 0.3),
                ("online".to_string(), 0.2),
            ]
            .into(),
            dimension_weights: BTreeMap::new(),
            min_n: 30.0,
            annual: "mean".into(),
            rank_shrunk: false,
            bootstrap_draws: 1000,
            seed: 1,
            street_weighting: StreetWeighting::Equal,
        }
    }
}

impl ScoreSettings {
    /// Checks the values serde cannot: ranges and names.
    pub fn validate(&self) -> Result<(), String> {
        for (channel, p) in &self.channels {
            if !(p.is_finite() && *p >= 0.0 && *p <= 1.0) {
                return Err(format!(
                    "[scores] channels.{channel} = {p}: a proportion from 0 to 1"
                ));
            }
        }
        if self.channels.values().sum::<f64>() <= 0.0 {
            return Err("[scores] channels: at least one proportion above 0".into());
        }
        for (d, w) in &self.dimension_weights {
            if !(w.is_finite() && *w >= 0.0 && *w <= 1000.0) {
                return Err(format!(
                    "[scores] dimension_weights.{d} = {w}: a weight from 0 to 1000"
                ));
            }
        }
        if !(self.min_n.is_finite() && (0.0..=100_000.0).contains(&self.min_n)) {
            return Err(format!("[scores] min_n = {}: from 0 to 100000", self.min_n));
        }
        if !matches!(self.annual.as_str(), "mean" | "by_interviews") {
            return Err(format!(
                "[scores] annual = {:?}: \"mean\" or \"by_interviews\"",
                self.annual
            ));
        }
        if !(1..=100_000).contains(&self.bootstrap_draws) {
            return Err(format!(
                "[scores] bootstrap_draws = {}: from 1 to 100000",
                self.bootstrap_draws
            ));
        }
        Ok(())
    }

    /// A hash of everything that shapes the figures.
    pub fn hash(&self) -> String {
        let text = serde_json::to_string(self).expect("settings serialise");
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
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
    fn routes_by_category_with_street_overrides() {
        let text = "[orders]\ndefault_deadline_days = 10\n\n[orders.categories.environment]\ndepartment = \"城管科\"\ndeadline_days = 7\n\n[orders.categories.safety]\ndepartment = \"派出所\"\n\n[[orders.streets]]\nstreet = \"玄武街道\"\ncategory = \"environment\"\ndepartment = \"玄武环卫所\"\n";
        let s = Settings::parse(text, Path::new("office.toml")).unwrap();
        let o = &s.orders;
        assert_eq!(
            o.route(Some("玄武街道"), "environment"),
            ("玄武环卫所".into(), 7)
        );
        assert_eq!(
            o.route(Some("梅园街道"), "environment"),
            ("城管科".into(), 7)
        );
        assert_eq!(o.route(None, "safety"), ("派出所".into(), 10));
        assert_eq!(o.route(None, "other"), ("unrouted".into(), 10));
        let bad = text.replace("category = \"environment\"", "category = \"enviroment\"");
        let e = Settings::parse(&bad, Path::new("office.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("office.toml:13:12: street 玄武街道 overrides category 'enviroment'"),
            "{e}"
        );
    }

    #[test]
    fn street_weighting_is_a_setting_in_the_hash() {
        let p = Path::new("office.toml");
        let default = Settings::parse("", p).unwrap().scores;
        assert_eq!(default.street_weighting, StreetWeighting::Equal);
        let equal = Settings::parse("[scores]\nstreet_weighting = \"equal\"\n", p)
            .unwrap()
            .scores;
        // "equal" is what there was before the setting: the same hash.
        assert_eq!(equal.hash(), default.hash());
        assert!(!serde_json::to_string(&default).unwrap().contains("street"));
        let pop = Settings::parse("[scores]\nstreet_weighting = \"population\"\n", p)
            .unwrap()
            .scores;
        assert_eq!(pop.street_weighting, StreetWeighting::Population);
        assert_ne!(pop.hash(), default.hash());
        assert!(
            serde_json::to_string(&pop)
                .unwrap()
                .contains(r#""street_weighting":"population""#)
        );
        let e = Settings::parse("[scores]\nmin_n = 30\nstreet_weighting = \"people\"\n", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                r#"office.toml:3:20: [scores] street_weighting = "people": one of "equal", "population""#
            ),
            "{e}"
        );
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
