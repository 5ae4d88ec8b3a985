//! Timestamps as the batch and paradata write them.
//!
//! Timestamps are written as RFC 3339 UTC with exactly three fractional
//! digits (`2026-11-03T09:15:00.000Z`): one spelling per instant, whatever
//! chrono's defaults. Sub-millisecond digits are dropped.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, Utc};
use serde::de::Visitor;
use serde::{Deserializer, Serializer};

pub fn fmt(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&fmt(t))
}
/// Reads what `chrono`'s `Deserialize` reads (RFC 3339, any offset, to
/// UTC), the writer's own spelling without chrono's general parser.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(TsVisitor)
}

struct TsVisitor;

impl Visitor<'_> for TsVisitor {
    type Value = DateTime<Utc>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        // chrono's words.
        f.write_str("an RFC 3339 formatted date and time string")
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<DateTime<Utc>, E> {
        parse(s).map_err(E::custom)
    }
}

/// `2026-11-03T09:15:00.000Z` directly; anything else through chrono.
pub fn parse(s: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match fast(s.as_bytes()) {
        Some(t) => Ok(t),
        None => s
            .parse::<DateTime<FixedOffset>>()
            .map(|t| t.with_timezone(&Utc)),
    }
}

fn fast(b: &[u8]) -> Option<DateTime<Utc>> {
    // YYYY-MM-DDTHH:MM:SS.mmmZ
    let seps = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
    ];
    if b.len() != 24 || b[23] != b'Z' || seps.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let num = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)?;
    // Seconds 60 (a leap second) are left to chrono.
    let time =
        NaiveTime::from_hms_milli_opt(num(11, 13)?, num(14, 16)?, num(17, 19)?, num(20, 23)?)?;
    Some(date.and_time(time).and_utc())
}

pub mod opt {
    use super::*;
    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&fmt(t)),
            None => s.serialize_none(),
        }
    }

    /// As `Option<DateTime<Utc>>` reads (give the field
    /// `#[serde(default)]` too: absent is `None`).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        struct OptVisitor;
        impl<'de> Visitor<'de> for OptVisitor {
            type Value = Option<DateTime<Utc>>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("option")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                super::deserialize(d).map(Some)
            }
        }
        d.deserialize_option(OptVisitor)
    }
}
