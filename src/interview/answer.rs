//! Answers as recorded: typed values, kept distinct from special responses.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::expr::Value;

/// "Don't know" and "refused": answers in their own right, never confused
/// with a real value (a refused rating is not a zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialResponse {
    DontKnow,
    Refused,
}

impl SpecialResponse {
    pub const ALL: [SpecialResponse; 2] = [SpecialResponse::DontKnow, SpecialResponse::Refused];

    pub fn code(self) -> &'static str {
        match self {
            SpecialResponse::DontKnow => "dont_know",
            SpecialResponse::Refused => "refused",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A real (non-special) answer, typed by its question's type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerValue {
    /// single choice; `other` holds the "please specify" text.
    Choice {
        value: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        other: Option<String>,
    },
    /// multiple choice, in the order of the choice list.
    Choices {
        values: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        other: Option<String>,
    },
    Rating {
        value: i64,
    },
    YesNo {
        value: bool,
    },
    Integer {
        value: i64,
    },
    Decimal {
        value: f64,
    },
    Text {
        value: String,
    },
    Date {
        value: NaiveDate,
    },
    Time {
        value: NaiveTime,
    },
}

/// What a question holds once answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Value(AnswerValue),
    Special { special: SpecialResponse },
}

impl Answer {
    pub fn special(s: SpecialResponse) -> Self {
        Answer::Special { special: s }
    }

    pub fn as_special(&self) -> Option<SpecialResponse> {
        match self {
            Answer::Special { special } => Some(*special),
            Answer::Value(_) => None,
        }
    }

    /// The value expressions see. Special responses read as empty, so that
    /// `${q} > 3` is false for a refused `q` rather than an error.
    pub fn to_value(&self) -> Value {
        match self {
            Answer::Special { .. } => Value::Empty,
            Answer::Value(v) => v.to_value(),
        }
    }
}

impl AnswerValue {
    pub fn to_value(&self) -> Value {
        match self {
            AnswerValue::Choice { value, .. } => Value::Text(value.clone()),
            // ODK keeps a multiple choice as space-separated values.
            AnswerValue::Choices { values, .. } => Value::Text(values.join(" ")),
            AnswerValue::Rating { value } | AnswerValue::Integer { value } => {
                Value::Number(*value as f64)
            }
            AnswerValue::Decimal { value } => Value::Number(*value),
            AnswerValue::YesNo { value } => Value::Text(if *value { "yes" } else { "no" }.into()),
            AnswerValue::Text { value } => Value::Text(value.clone()),
            AnswerValue::Date { value } => Value::Date(*value),
            AnswerValue::Time { value } => Value::Text(value.format("%H:%M").to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_responses_serialize_apart_from_values() {
        let refused = serde_json::to_string(&Answer::special(SpecialResponse::Refused)).unwrap();
        assert_eq!(refused, r#"{"special":"refused"}"#);
        let rating =
            serde_json::to_string(&Answer::Value(AnswerValue::Rating { value: 4 })).unwrap();
        assert_eq!(rating, r#"{"type":"rating","value":4}"#);
        for json in [refused, rating] {
            let back: Answer = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&back).unwrap(), json);
        }
    }

    #[test]
    fn multiple_choice_reads_as_space_separated_text() {
        let a = AnswerValue::Choices {
            values: vec!["a".into(), "b".into()],
            other: None,
        };
        assert_eq!(a.to_value(), Value::Text("a b".into()));
    }
}
