//! Answers as recorded: typed values, kept distinct from special responses.

use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

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
///
/// Serialised untagged (`{"type":"rating","value":4}` or
/// `{"special":"refused"}`); read by a hand-written `Deserialize` (below)
/// with the derive's meaning but without its buffering.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Value(AnswerValue),
    Special { special: SpecialResponse },
}

/// An answer reads as a value when it has a `"type"`, else as a special
/// response, as `#[serde(untagged)]` over the two would; unknown fields are
/// ignored, as the derive ignores them. The writer always puts `"type"` (or
/// `"special"`) first: then the fields are read in one pass. Otherwise the
/// entries are buffered and read as the derive reads them (the value first,
/// then the special response).
impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(AnswerVisitor)
    }
}

/// `AnswerValue`'s tags, for the one-pass read.
#[derive(Clone, Copy)]
enum Tag {
    Choice,
    Choices,
    Rating,
    YesNo,
    Integer,
    Decimal,
    Text,
    Date,
    Time,
}

/// A `"type"` as read: one of ours (by name, or by index as serde's
/// variant identifiers may be given), or anything else, which the derive's
/// reading would still try as a special response.
enum TagRead {
    Known(Tag),
    Unknown(serde_json::Value),
}

impl<'de> Deserialize<'de> for TagRead {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        const TAGS: [Tag; 9] = [
            Tag::Choice,
            Tag::Choices,
            Tag::Rating,
            Tag::YesNo,
            Tag::Integer,
            Tag::Decimal,
            Tag::Text,
            Tag::Date,
            Tag::Time,
        ];
        struct TagVisitor;
        impl Visitor<'_> for TagVisitor {
            type Value = TagRead;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an answer type")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<TagRead, E> {
                Ok(TagRead::Known(match s {
                    "choice" => Tag::Choice,
                    "choices" => Tag::Choices,
                    "rating" => Tag::Rating,
                    "yes_no" => Tag::YesNo,
                    "integer" => Tag::Integer,
                    "decimal" => Tag::Decimal,
                    "text" => Tag::Text,
                    "date" => Tag::Date,
                    "time" => Tag::Time,
                    other => return Ok(TagRead::Unknown(other.into())),
                }))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<TagRead, E> {
                Ok(match usize::try_from(n).ok().and_then(|i| TAGS.get(i)) {
                    Some(t) => TagRead::Known(*t),
                    None => TagRead::Unknown(n.into()),
                })
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<TagRead, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Ok(TagRead::Unknown(n.into())),
                }
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<TagRead, E> {
                Ok(TagRead::Unknown(n.into()))
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<TagRead, E> {
                Ok(TagRead::Unknown(b.into()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<TagRead, E> {
                Ok(TagRead::Unknown(serde_json::Value::Null))
            }
        }
        d.deserialize_any(TagVisitor)
    }
}

/// The field names an answer may have; any other is ignored.
enum Key {
    Type,
    Special,
    Value,
    Values,
    Other,
    Ignored(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key, E> {
                Ok(match s {
                    "type" => Key::Type,
                    "special" => Key::Special,
                    "value" => Key::Value,
                    "values" => Key::Values,
                    "other" => Key::Other,
                    other => Key::Ignored(other.to_string()),
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

impl Key {
    fn name(&self) -> &str {
        match self {
            Key::Type => "type",
            Key::Special => "special",
            Key::Value => "value",
            Key::Values => "values",
            Key::Other => "other",
            Key::Ignored(k) => k,
        }
    }
}

struct AnswerVisitor;

impl<'de> Visitor<'de> for AnswerVisitor {
    type Value = Answer;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an answer: {\"type\": ..., ...} or {\"special\": ...}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Answer, A::Error> {
        match map.next_key::<Key>()? {
            Some(Key::Type) => match map.next_value::<TagRead>()? {
                TagRead::Known(tag) => value_fields(map, tag),
                TagRead::Unknown(t) => buffered(vec![("type".into(), t)], map),
            },
            Some(Key::Special) => {
                let special: serde_json::Value = map.next_value()?;
                match map.next_key::<String>()? {
                    // As the writer writes it.
                    None => special_response(special),
                    // More fields: a "type" among them would make it a
                    // value after all.
                    Some(key) => {
                        let next = (key, map.next_value()?);
                        buffered(vec![("special".into(), special), next], map)
                    }
                }
            }
            Some(key) => {
                let first = (key.name().to_string(), map.next_value()?);
                buffered(vec![first], map)
            }
            None => Err(de::Error::custom(
                "an answer needs a \"type\" (a value) or a \"special\" response",
            )),
        }
    }
}

/// The fields of the value variant `tag`, "type" read already.
///
/// The derive would read a map whose value fields are wrong as a special
/// response when it has a valid `"special"`; so does this when the main
/// field is missing. (When a field has the wrong type or comes twice, the
/// map cannot be read on: that is an error here, while the derive would
/// still take a valid `"special"` beside it. The writer never mixes the
/// two forms.)
fn value_fields<'de, A: MapAccess<'de>>(mut map: A, tag: Tag) -> Result<Answer, A::Error> {
    let mut special = None;
    let m = &mut map;
    let s = &mut special;
    let value = match tag {
        Tag::Choice => {
            fields(m, "value", true, s)?.map(|(value, other)| AnswerValue::Choice { value, other })
        }
        Tag::Choices => fields(m, "values", true, s)?
            .map(|(values, other)| AnswerValue::Choices { values, other }),
        Tag::Rating => {
            fields(m, "value", false, s)?.map(|(value, _)| AnswerValue::Rating { value })
        }
        Tag::YesNo => fields(m, "value", false, s)?.map(|(value, _)| AnswerValue::YesNo { value }),
        Tag::Integer => {
            fields(m, "value", false, s)?.map(|(value, _)| AnswerValue::Integer { value })
        }
        Tag::Decimal => {
            fields(m, "value", false, s)?.map(|(value, _)| AnswerValue::Decimal { value })
        }
        Tag::Text => fields(m, "value", false, s)?.map(|(value, _)| AnswerValue::Text { value }),
        Tag::Date => fields(m, "value", false, s)?.map(|(value, _)| AnswerValue::Date { value }),
        Tag::Time => fields(m, "value", false, s)?.map(|(value, _)| AnswerValue::Time { value }),
    };
    match (value, special) {
        (Some(v), _) => Ok(Answer::Value(v)),
        (None, Some(s)) if special_response::<A::Error>(s.clone()).is_ok() => special_response(s),
        (None, _) => Err(de::Error::missing_field(match tag {
            Tag::Choices => "values",
            _ => "value",
        })),
    }
}

/// The rest of a value's map: its main field (`value` or `values`), `None`
/// when missing, and, when the variant has one, `other`; a `"special"` is
/// kept aside, other fields are ignored.
fn fields<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    main: &'static str,
    has_other: bool,
    special: &mut Option<serde_json::Value>,
) -> Result<Option<(T, Option<String>)>, A::Error> {
    let mut value: Option<T> = None;
    let mut other: Option<Option<String>> = None;
    while let Some(key) = map.next_key::<Key>()? {
        match key {
            Key::Type => return Err(de::Error::duplicate_field("type")),
            Key::Value | Key::Values if key.name() == main => {
                if value.is_some() {
                    return Err(de::Error::duplicate_field(main));
                }
                value = Some(map.next_value()?);
            }
            Key::Other if has_other => {
                if other.is_some() {
                    return Err(de::Error::duplicate_field("other"));
                }
                other = Some(map.next_value()?);
            }
            Key::Special => {
                let v = map.next_value()?;
                // Twice is no special response (null never is one).
                *special = Some(if special.is_some() {
                    serde_json::Value::Null
                } else {
                    v
                });
            }
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(value.map(|v| (v, other.flatten())))
}

/// The slow path, for keys in another order: the entries are buffered and
/// read as the derive reads them.
fn buffered<'de, A: MapAccess<'de>>(
    mut seen: Vec<(String, serde_json::Value)>,
    mut map: A,
) -> Result<Answer, A::Error> {
    while let Some(key) = map.next_key::<String>()? {
        let value = map.next_value()?;
        seen.push((key, value));
    }
    let value_err = if seen.iter().any(|(k, _)| k == "type") {
        // serde_json::Value reads a variant only by name, the derive's
        // buffer by index too.
        const NAMES: [&str; 9] = [
            "choice", "choices", "rating", "yes_no", "integer", "decimal", "text", "date", "time",
        ];
        let entries = seen.iter().map(|(k, v)| match (k.as_str(), v.as_u64()) {
            ("type", Some(i)) if (i as usize) < NAMES.len() => {
                (k.clone(), NAMES[i as usize].into())
            }
            _ => (k.clone(), v.clone()),
        });
        let entries = de::value::MapDeserializer::<_, serde_json::Error>::new(entries);
        match AnswerValue::deserialize(entries) {
            Ok(v) => return Ok(Answer::Value(v)),
            Err(e) => Some(e),
        }
    } else {
        None
    };
    let mut specials = seen.into_iter().filter(|(k, _)| k == "special");
    let special = match (specials.next(), specials.next()) {
        (Some((_, s)), None) => Some(special_response(s)),
        (Some(_), Some(_)) => Some(Err(de::Error::duplicate_field("special"))),
        (None, _) => None,
    };
    match (special, value_err) {
        (Some(Ok(s)), _) => Ok(s),
        (_, Some(e)) => Err(de::Error::custom(e)),
        (Some(Err(e)), None) => Err(e),
        (None, None) => Err(de::Error::custom(
            "an answer needs a \"type\" (a value) or a \"special\" response",
        )),
    }
}

fn special_response<E: de::Error>(v: serde_json::Value) -> Result<Answer, E> {
    SpecialResponse::deserialize(v)
        .map(Answer::special)
        .map_err(E::custom)
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

    /// What `Answer` derived before its `Deserialize` was written by hand.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(untagged)]
    enum DerivedAnswer {
        Value(AnswerValue),
        Special { special: SpecialResponse },
    }

    impl From<DerivedAnswer> for Answer {
        fn from(a: DerivedAnswer) -> Self {
            match a {
                DerivedAnswer::Value(v) => Answer::Value(v),
                DerivedAnswer::Special { special } => Answer::Special { special },
            }
        }
    }

    fn every_variant() -> Vec<Answer> {
        let v = Answer::Value;
        vec![
            v(AnswerValue::Choice {
                value: "a".into(),
                other: None,
            }),
            v(AnswerValue::Choice {
                value: "other".into(),
                other: Some("a \"quoted\" café\n".into()),
            }),
            v(AnswerValue::Choices {
                values: vec!["a".into(), "b".into()],
                other: None,
            }),
            v(AnswerValue::Choices {
                values: vec![],
                other: Some("x".into()),
            }),
            v(AnswerValue::Rating { value: 4 }),
            v(AnswerValue::Rating { value: -2 }),
            v(AnswerValue::YesNo { value: true }),
            v(AnswerValue::Integer { value: i64::MIN }),
            v(AnswerValue::Decimal { value: 2.5 }),
            v(AnswerValue::Decimal { value: -1e-300 }),
            v(AnswerValue::Text {
                value: "中文 \\ \u{1F600}".into(),
            }),
            v(AnswerValue::Date {
                value: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            }),
            v(AnswerValue::Time {
                value: NaiveTime::from_hms_opt(9, 15, 0).unwrap(),
            }),
            Answer::special(SpecialResponse::DontKnow),
            Answer::special(SpecialResponse::Refused),
        ]
    }

    /// Reads `json` both ways: the hand-written reader gives what the
    /// derive gave, and fails where it failed.
    fn read_both(json: &str) -> Result<Answer, String> {
        let ours = serde_json::from_str::<Answer>(json).map_err(|e| e.to_string());
        let derived = serde_json::from_str::<DerivedAnswer>(json);
        match (&ours, derived) {
            (Ok(a), Ok(d)) => assert_eq!(*a, Answer::from(d), "{json}"),
            (Err(_), Err(_)) => {}
            (o, d) => panic!("{json}: hand-written {o:?}, derived {d:?}"),
        }
        ours
    }

    #[test]
    fn every_variant_round_trips() {
        for a in every_variant() {
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(read_both(&json).unwrap(), a, "{json}");
            // Through a serde_json::Value too (another Deserializer).
            let value = serde_json::to_value(&a).unwrap();
            assert_eq!(serde_json::from_value::<Answer>(value).unwrap(), a);
        }
    }

    #[test]
    fn keys_in_any_order_and_unknown_fields() {
        for a in every_variant() {
            let json = serde_json::to_value(&a).unwrap();
            let entries: Vec<(String, serde_json::Value)> = json
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .chain([("zz_unknown".to_string(), serde_json::json!({"x": [1]}))])
                .collect();
            // Every rotation of the entries, so each key comes first once.
            for r in 0..entries.len() {
                let mut e = entries.clone();
                e.rotate_left(r);
                let text = format!(
                    "{{{}}}",
                    e.iter()
                        .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap()))
                        .collect::<Vec<_>>()
                        .join(",")
                );
                assert_eq!(read_both(&text).unwrap(), a, "{text}");
            }
        }
        // A "type" after "special" makes it a value, as before.
        assert_eq!(
            read_both(r#"{"special":"refused","value":3,"type":"rating"}"#).unwrap(),
            Answer::Value(AnswerValue::Rating { value: 3 })
        );
        assert_eq!(
            read_both(r#"{"type":"rating","value":3,"special":"refused"}"#).unwrap(),
            Answer::Value(AnswerValue::Rating { value: 3 })
        );
        // An invalid value next to a valid special response, "type" not
        // first: the special response, as before.
        assert_eq!(
            read_both(r#"{"special":"refused","type":"rating"}"#).unwrap(),
            Answer::special(SpecialResponse::Refused)
        );
        assert_eq!(
            read_both(r#"{"type":"rating","special":"dont_know"}"#).unwrap(),
            Answer::special(SpecialResponse::DontKnow)
        );
        assert_eq!(
            read_both(r#"{"type":"stars","value":3,"special":"refused"}"#).unwrap(),
            Answer::special(SpecialResponse::Refused)
        );
        // Serde's variant identifiers may be indices.
        assert_eq!(
            read_both(r#"{"type":2,"value":3}"#).unwrap(),
            Answer::Value(AnswerValue::Rating { value: 3 })
        );
        assert_eq!(
            read_both(r#"{"type":true,"special":"refused"}"#).unwrap(),
            Answer::special(SpecialResponse::Refused)
        );
        // "other" only where the variant has one.
        assert_eq!(
            read_both(r#"{"type":"text","value":"t","other":5}"#).unwrap(),
            Answer::Value(AnswerValue::Text { value: "t".into() })
        );
        assert_eq!(
            read_both(r#"{"type":"choice","value":"a","other":null}"#).unwrap(),
            Answer::Value(AnswerValue::Choice {
                value: "a".into(),
                other: None
            })
        );
        // A decimal written without a fraction.
        assert_eq!(
            read_both(r#"{"type":"decimal","value":3}"#).unwrap(),
            Answer::Value(AnswerValue::Decimal { value: 3.0 })
        );
    }

    #[test]
    fn malformed_answers_are_refused_with_reasons() {
        for (json, reason) in [
            (
                r#"{}"#,
                r#"needs a "type" (a value) or a "special" response"#,
            ),
            (
                r#"{"value":3}"#,
                r#"needs a "type" (a value) or a "special" response"#,
            ),
            (r#"{"type":"rating"}"#, "missing field `value`"),
            (
                r#"{"type":"choices","value":"a"}"#,
                "missing field `values`",
            ),
            (
                r#"{"value":3,"type":"rating","type":"rating"}"#,
                "duplicate field `type`",
            ),
            (
                r#"{"type":"rating","value":3,"type":"rating"}"#,
                "duplicate field `type`",
            ),
            (
                r#"{"type":"rating","value":3,"value":4}"#,
                "duplicate field `value`",
            ),
            (r#"{"type":"stars","value":3}"#, "unknown variant `stars`"),
            (
                r#"{"type":"rating","special":"maybe"}"#,
                "missing field `value`",
            ),
            (
                r#"{"type":9,"value":3}"#,
                "integer `9`, expected variant identifier",
            ),
            (r#"{"type":null,"value":3}"#, "invalid type: null"),
            (
                r#"{"type":"rating","value":"3"}"#,
                "invalid type: string \"3\"",
            ),
            (
                r#"{"type":"date","value":"2026-13-01"}"#,
                "input is out of range",
            ),
            (r#"{"special":"maybe"}"#, "unknown variant `maybe`"),
            (
                r#"{"special":"refused","special":"refused"}"#,
                "duplicate field `special`",
            ),
            (r#"{"special":null}"#, "invalid type: null"),
            (r#""refused""#, "invalid type: string"),
            (r#"4"#, "invalid type: integer"),
        ] {
            let e = read_both(json).unwrap_err();
            assert!(e.contains(reason), "{json}: {e}");
        }
    }

    proptest::proptest! {
        /// Any object over the answer's field names (and one unknown), in
        /// any order, with values of any of the kinds they may hold: the
        /// hand-written reader agrees with the derive whenever the derive
        /// reads it; when only a valid "special" saves a broken value, the
        /// derive may read what this refuses (see `value_fields`).
        #[test]
        fn reads_as_the_derive_read(
            entries in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["type", "value", "values", "other", "special", "x"]),
                    proptest::sample::select(vec![
                        r#""choice""#, r#""choices""#, r#""rating""#, r#""yes_no""#,
                        r#""integer""#, r#""decimal""#, r#""text""#, r#""date""#, r#""time""#,
                        r#""dont_know""#, r#""refused""#, r#""2026-11-03""#, r#""09:15:00""#,
                        "3", "-1", "2.5", "true", "null", r#"["a","b"]"#, r#"{"k":1}"#,
                    ]),
                ),
                0..5,
            )
        ) {
            let json = format!(
                "{{{}}}",
                entries.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect::<Vec<_>>().join(",")
            );
            let ours = serde_json::from_str::<Answer>(&json);
            let derived = serde_json::from_str::<DerivedAnswer>(&json);
            match (ours, derived) {
                (Ok(a), Ok(d)) => proptest::prop_assert_eq!(a, Answer::from(d), "{}", json),
                (Err(_), Err(_)) => {}
                (Ok(a), Err(e)) => proptest::prop_assert!(false, "{}: read {:?}, derive: {}", json, a, e),
                (Err(e), Ok(d)) => {
                    // Only where a broken value stands beside a valid
                    // special response.
                    proptest::prop_assert!(
                        matches!(d, DerivedAnswer::Special { .. }) && json.find("\"type\"") < json.find("\"special\""),
                        "{}: refused ({}), derive read {:?}", json, e, d
                    );
                }
            }
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
