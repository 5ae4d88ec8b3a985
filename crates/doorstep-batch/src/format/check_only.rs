//! Reading an interview line only to check it (`verify`, which keeps no
//! record): the paradata, most of a line's bytes, are read and checked
//! event by event but not kept, so none of their strings is allocated.
//!
//! `InterviewUnkept` and `EventCheck` mirror `BatchInterview` and
//! `ParadataEvent` field for field, with the same types and serde
//! attributes (strings checked, not copied): a line reads here exactly
//! when `parse_line` reads it. Whatever does not read here is given to
//! `parse_line`, which says what is wrong in its own words.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use doorstep_core::answer::Answer;
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::paradata::EventKind;
use doorstep_core::timestamp as ts;
use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};

use super::{BatchInterview, InterviewOutcome, de_answers, disposition_code};

/// The interview on `line`, without its paradata (read, checked, left
/// out); `None` when the line is not an interview as the writer writes it
/// (`"kind"` first, UTF-8) or does not read: the caller reads it with
/// `parse_line` then.
pub(crate) fn interview_without_paradata(line: &[u8]) -> Option<BatchInterview> {
    if !line.starts_with(br#"{"kind":"interview","#) {
        return None;
    }
    let text = std::str::from_utf8(line).ok()?;
    let i: InterviewUnkept = serde_json::from_str(text).ok()?;
    Some(BatchInterview {
        id: i.id,
        resident_id: i.resident_id,
        community: i.community,
        questionnaire_id: i.questionnaire_id,
        questionnaire_version: i.questionnaire_version,
        surveyor_id: i.surveyor_id,
        device_id: i.device_id,
        started_at: i.started_at,
        ended_at: i.ended_at,
        status: i.status,
        disposition: i.disposition,
        answers: i.answers,
        notes: i.notes,
        calculates: i.calculates,
        paradata: Vec::new(),
    })
}

/// `BatchInterview` as it reads (the unknown `"kind"` ignored, as there),
/// its paradata checked only.
#[derive(Deserialize)]
struct InterviewUnkept {
    id: String,
    resident_id: String,
    #[serde(default)]
    community: Option<String>,
    questionnaire_id: String,
    questionnaire_version: String,
    surveyor_id: String,
    device_id: String,
    #[serde(deserialize_with = "ts::deserialize")]
    started_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "ts::opt::deserialize")]
    ended_at: Option<DateTime<Utc>>,
    status: InterviewOutcome,
    #[serde(deserialize_with = "disposition_code::deserialize")]
    disposition: Disposition,
    #[serde(deserialize_with = "de_answers")]
    answers: BTreeMap<String, Answer>,
    #[serde(default)]
    notes: BTreeMap<String, String>,
    #[serde(default)]
    calculates: BTreeMap<String, String>,
    #[serde(deserialize_with = "check_paradata")]
    #[allow(dead_code)] // Read to be checked.
    paradata: (),
}

/// `ParadataEvent` as it reads, its strings checked, not copied.
#[derive(Deserialize)]
#[allow(dead_code)] // Read to be checked.
struct EventCheck {
    #[serde(deserialize_with = "ts::deserialize")]
    at: DateTime<Utc>,
    kind: EventKind,
    #[serde(default)]
    question: Option<Text>,
    #[serde(default)]
    instance: Option<u32>,
    #[serde(default)]
    detail: Option<Text>,
}

/// A JSON string, read as `String` reads it (escapes and all), not kept.
struct Text;

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Text, E> {
                Ok(Text)
            }
        }
        d.deserialize_string(TextVisitor)
    }
}

/// The paradata sequence as `de_paradata` reads it, each event checked.
fn check_paradata<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    struct Events;
    impl<'de> Visitor<'de> for Events {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element::<EventCheck>()?.is_some() {}
            Ok(())
        }
    }
    d.deserialize_seq(Events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{BatchLine, parse_line};

    const LINE: &str = r#"{"kind":"interview","id":"I1","resident_id":"R1","community":"东风社区","questionnaire_id":"q","questionnaire_version":"1","surveyor_id":"S","device_id":"D","started_at":"2026-11-03T09:15:00.000Z","ended_at":"2026-11-03T09:30:00.000Z","status":"completed","disposition":"complete","answers":{"a":{"type":"rating","value":4},"b":{"special":"refused"},"c":{"type":"text","value":"x\"y"}},"notes":{"a":"n"},"calculates":{"k":"1"},"paradata":[{"at":"2026-11-03T09:15:00.000Z","kind":"shown","question":"a"},{"at":"2026-11-03T09:16:00.000Z","kind":"answered","question":"a\u00e9","instance":2,"detail":"d"}]}"#;

    /// Pieces of the line to put other things in their place.
    const PARTS: &[&str] = &[
        r#""I1""#,
        r#""R1""#,
        r#""community":"东风社区","#,
        r#""2026-11-03T09:15:00.000Z""#,
        r#""2026-11-03T09:30:00.000Z""#,
        r#""completed""#,
        r#""complete""#,
        r#"{"type":"rating","value":4}"#,
        r#"{"special":"refused"}"#,
        r#""notes":{"a":"n"},"#,
        r#""calculates":{"k":"1"},"#,
        r#""shown""#,
        r#""question":"a""#,
        r#""instance":2"#,
        r#""detail":"d""#,
        r#"{"at":"2026-11-03T09:15:00.000Z","kind":"shown","question":"a"}"#,
        r#"[{"at""#,
        r#""at":"2026-11-03T09:16:00.000Z","#,
        r#""kind":"answered","#,
        r#""paradata":"#,
        r#""ended_at":"#,
        r#"}]}"#,
        "\"a\\u00e9\"",
    ];
    /// What may take their place: other types, escapes, nothing, extra
    /// fields, duplicates, bad timestamps and codes.
    const SUBSTITUTES: &[&str] = &[
        "",
        "null",
        "1",
        "-1",
        "4294967296",
        "1.5",
        "true",
        "[]",
        "{}",
        r#""""#,
        r#"" ""#,
        r#""\ud800""#,
        r#""\u0041""#,
        r#""x","x":1"#,
        r#""shown","kind":"shown""#,
        r#""2026-02-30T00:00:00.000Z""#,
        r#""1999-12-31T23:59:59Z""#,
        r#""2026-11-03T09:15:00+08:00""#,
        r#""resumed""#,
        r#""vacant""#,
        r#""partial""#,
        r#""question":null"#,
        r#""question":"a","question":"b""#,
        r#""extra":[1,{"y":2}]"#,
        r#"{"at":"2026-11-03T09:15:00.000Z"}"#,
        r#"{"kind":"shown"}"#,
        r#"{"special":"maybe"}"#,
        r#"{"value":4,"type":"rating"}"#,
        r#""paradata":[],"#,
        "}",
    ];

    /// What `parse_line` gives, without the paradata.
    fn owned(line: &str) -> Option<BatchInterview> {
        match parse_line(line.as_bytes()) {
            Ok(BatchLine::Interview(mut i)) => {
                i.paradata.clear();
                Some(i)
            }
            _ => None,
        }
    }

    #[test]
    fn an_interview_reads_here_exactly_when_parse_line_reads_it() {
        let ours = interview_without_paradata(LINE.as_bytes());
        assert!(ours.is_some());
        assert_eq!(ours, owned(LINE));
        let mut tried = 0;
        for part in PARTS {
            assert!(LINE.contains(part), "{part}");
            for sub in SUBSTITUTES {
                for line in [LINE.replacen(part, sub, 1), LINE.replace(part, sub)] {
                    assert_eq!(
                        interview_without_paradata(line.as_bytes()),
                        owned(&line),
                        "{line}"
                    );
                    tried += 1;
                }
            }
        }
        // Truncated anywhere (on a character boundary).
        for (at, _) in LINE.char_indices() {
            let line = &LINE[..at];
            assert_eq!(interview_without_paradata(line.as_bytes()), owned(line));
            tried += 1;
        }
        assert!(tried > 1000);
    }

    #[test]
    fn lines_not_as_the_writer_writes_them_are_left_to_parse_line() {
        let reordered = LINE.replace(
            r#"{"kind":"interview","id":"I1","#,
            r#"{"id":"I1","kind":"interview","#,
        );
        assert!(owned(&reordered).is_some());
        assert_eq!(interview_without_paradata(reordered.as_bytes()), None);
        let mut not_utf8 = LINE.as_bytes().to_vec();
        let at = not_utf8.windows(2).position(|w| w == b"R1").unwrap();
        not_utf8[at] = 0xff;
        assert_eq!(interview_without_paradata(&not_utf8), None);
    }
}
