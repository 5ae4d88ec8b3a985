//! The TOML file as written, with source spans kept for diagnostics.
//! `load` turns this into the checked [`super::Questionnaire`].

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// Text per language, e.g. `{ zh = "年龄", en = "Age" }`.
pub type RawText = Spanned<BTreeMap<String, Spanned<String>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestionnaire {
    pub id: Spanned<String>,
    pub version: Spanned<String>,
    pub title: RawText,
    pub languages: Spanned<Vec<Spanned<String>>>,
    pub default_language: Spanned<String>,
    #[serde(default)]
    pub special_responses: Vec<Spanned<String>>,
    #[serde(default)]
    pub resident_attributes: Vec<Spanned<String>>,
    #[serde(default)]
    pub dimensions: Vec<Spanned<RawDimension>>,
    #[serde(default)]
    pub choices: BTreeMap<Spanned<String>, Vec<Spanned<RawChoice>>>,
    #[serde(default)]
    pub sections: Vec<Spanned<RawSection>>,
    #[serde(default)]
    pub quotas: Vec<Spanned<RawQuota>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDimension {
    pub id: Spanned<String>,
    pub label: RawText,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub value: Spanned<String>,
    pub label: RawText,
    /// "None of the above": cannot be combined with other choices.
    #[serde(default)]
    pub exclusive: bool,
    /// Extra fields a `choice_filter` can read by bare name.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub id: Spanned<String>,
    pub title: RawText,
    pub relevant: Option<Spanned<String>>,
    pub repeat: Option<Spanned<RawRepeat>>,
    #[serde(default)]
    pub questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRepeat {
    /// A fixed number or an expression such as `"${household_size}"`.
    pub count: Option<Spanned<RawCount>>,
    /// Ask "add another?" after each instance, with this prompt.
    pub ask_another: Option<RawText>,
    pub max: Option<Spanned<i64>>,
}

/// A repeat's `count`: a whole number, or an expression in quotes.
#[derive(Debug)]
pub enum RawCount {
    Fixed(i64),
    Expr(String),
}

// By hand rather than `#[serde(untagged)]`, whose error ("data did not
// match any variant of untagged enum RawCount") tells the author nothing.
impl<'de> Deserialize<'de> for RawCount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RawCount;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number (count = 3) or an expression in quotes (count = \"${household_size}\")")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawCount, E> {
                Ok(RawCount::Fixed(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawCount, E> {
                i64::try_from(v)
                    .map(RawCount::Fixed)
                    .map_err(|_| E::custom(format!("count {v} is far too large")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawCount, E> {
                Ok(RawCount::Expr(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: Spanned<String>,
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    pub label: Option<RawText>,
    pub hint: Option<RawText>,
    #[serde(default)]
    pub required: bool,
    pub relevant: Option<Spanned<String>>,
    pub constraint: Option<Spanned<String>>,
    pub constraint_message: Option<RawText>,
    pub default: Option<Spanned<toml::Value>>,
    /// Overrides the questionnaire's `special_responses` for this question.
    pub allow_special: Option<bool>,
    /// Ends the interview with an outcome when the answer is one of `when`.
    pub ends_interview: Option<Spanned<RawEndsInterview>>,

    // choice questions
    pub choices: Option<Spanned<String>>,
    #[serde(default)]
    pub other: bool,
    pub choice_filter: Option<Spanned<String>>,

    // ranges (rating, integer, decimal)
    pub min: Option<Spanned<toml::Value>>,
    pub max: Option<Spanned<toml::Value>>,
    pub min_label: Option<RawText>,
    pub max_label: Option<RawText>,

    // scoring
    pub dimension: Option<Spanned<String>>,
    pub weight: Option<Spanned<f64>>,
    /// A "less is better" item whose score runs from max down to min.
    #[serde(default)]
    pub reverse: bool,

    // text
    #[serde(default)]
    pub multiline: bool,
    pub max_length: Option<Spanned<i64>>,

    // calculate
    pub calculation: Option<Spanned<String>>,
}

/// `ends_interview = { when = "no", outcome = "refusal" }`: `when` is one
/// answer value or a list of them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEndsInterview {
    pub when: Spanned<toml::Value>,
    pub outcome: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuota {
    pub question: Spanned<String>,
    pub targets: BTreeMap<Spanned<String>, Spanned<i64>>,
}
