//! Dates and times as people type them: `7:30`, `0730`, `730`, `19.30`,
//! `7点半`; `2026-11-30`, `2026/11/30`, `20261130`, `11-30`, `11月30日`.
//! One parser for every date and time field (the interview's `date` and
//! `time` questions and the appointment dialog), normalised on confirm to
//! `YYYY-MM-DD` and `HH:MM`. Pure: "today" is passed in.
//!
//! While typing, a field only refuses characters that can never be part of
//! a date or time (see [`date_prefix_ok`], [`time_prefix_ok`]); the whole
//! entry is read when it is confirmed.

use crate::lang::{Lang, Msg};

use chrono::{Datelike, NaiveDate, NaiveTime};

/// Why an entry is not a date or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputError {
    Empty,
    /// Not a spelling this module reads.
    Unreadable,
    /// Read, but no such day (`2026-02-30`) or time (`25:00`).
    NoSuch,
    /// An hour without minutes (`19`): ambiguous as typed, so asked for.
    NeedsMinutes,
}

impl InputError {
    /// The message in the interface language (`zh`, else English).
    pub fn message(self, date: bool, lang: &str) -> &'static str {
        let id = match (self, date) {
            (InputError::Empty, true) => Msg::EnterDate,
            (InputError::Empty, false) => Msg::EnterTime,
            (InputError::Unreadable, true) => Msg::NotADate,
            (InputError::Unreadable, false) => Msg::NotATime,
            (InputError::NoSuch, true) => Msg::NoSuchDay,
            (InputError::NoSuch, false) => Msg::NoSuchTime,
            (InputError::NeedsMinutes, _) => Msg::NeedsMinutes,
        };
        id.text(Lang::from_code(lang))
    }
}

/// Full-width digits and punctuation (Chinese input methods) as ASCII.
fn narrow(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '：' => ':',
            '－' | '—' => '-',
            '／' => '/',
            '．' | '。' => '.',
            c => c,
        })
        .collect()
}

fn number(digits: &str, max_len: usize) -> Option<u32> {
    if digits.is_empty() || digits.len() > max_len || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn hm(h: u32, m: u32) -> Result<NaiveTime, InputError> {
    NaiveTime::from_hms_opt(h, m, 0).ok_or(InputError::NoSuch)
}

/// Reads a time of day (24-hour).
pub fn parse_time(input: &str) -> Result<NaiveTime, InputError> {
    let s = narrow(input);
    if s.is_empty() {
        return Err(InputError::Empty);
    }
    // Chinese: 7点, 7点半, 7点30, 7点30分, 19时30分.
    if let Some((h, rest)) = s.split_once(['点', '时']) {
        let h = number(h, 2).ok_or(InputError::Unreadable)?;
        let rest = rest.strip_suffix('分').unwrap_or(rest);
        let m = match rest {
            "" | "整" => 0,
            "半" => 30,
            r if r.len() == 2 => number(r, 2).ok_or(InputError::Unreadable)?,
            _ => return Err(InputError::Unreadable),
        };
        return hm(h, m);
    }
    if let Some((h, m)) = s.split_once([':', '.', 'h', 'H']) {
        // Two digits of minutes: `7:5` could be 7:05 or 7:50.
        if m.len() != 2 {
            return Err(InputError::Unreadable);
        }
        let h = number(h, 2).ok_or(InputError::Unreadable)?;
        let m = number(m, 2).ok_or(InputError::Unreadable)?;
        return hm(h, m);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InputError::Unreadable);
    }
    match s.len() {
        1 | 2 => Err(InputError::NeedsMinutes),
        // 730 is 07:30; 0730 and 1930 are HHMM.
        3 | 4 => {
            let (h, m) = s.split_at(s.len() - 2);
            hm(
                number(h, 2).ok_or(InputError::Unreadable)?,
                number(m, 2).ok_or(InputError::Unreadable)?,
            )
        }
        _ => Err(InputError::Unreadable),
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, InputError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or(InputError::NoSuch)
}

/// Reads a date; a month and day without a year (`11-30`, `1130`,
/// `11月30日`) are in `today`'s year.
pub fn parse_date(input: &str, today: NaiveDate) -> Result<NaiveDate, InputError> {
    let mut s = narrow(input);
    if s.is_empty() {
        return Err(InputError::Empty);
    }
    // 2026年11月30日, 11月30号.
    if s.contains(['年', '月']) {
        s = s.replace(['年', '月'], "-");
        s = s.trim_end_matches(['日', '号']).to_string();
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let year = today.year();
    match parts.as_slice() {
        [y, m, d] => {
            // A four-digit year: `26-11-30` could be read several ways.
            if y.len() != 4 {
                return Err(InputError::Unreadable);
            }
            let y = number(y, 4).ok_or(InputError::Unreadable)?;
            let m = number(m, 2).ok_or(InputError::Unreadable)?;
            let d = number(d, 2).ok_or(InputError::Unreadable)?;
            ymd(y as i32, m, d)
        }
        [m, d] => {
            let m = number(m, 2).ok_or(InputError::Unreadable)?;
            let d = number(d, 2).ok_or(InputError::Unreadable)?;
            ymd(year, m, d)
        }
        [digits] if digits.bytes().all(|b| b.is_ascii_digit()) => match digits.len() {
            8 => ymd(
                number(&digits[..4], 4).ok_or(InputError::Unreadable)? as i32,
                number(&digits[4..6], 2).ok_or(InputError::Unreadable)?,
                number(&digits[6..], 2).ok_or(InputError::Unreadable)?,
            ),
            // MMDD; `2026` alone is a year, not a month and day.
            4 => match number(&digits[..2], 2) {
                Some(m @ 1..=12) => ymd(
                    year,
                    m,
                    number(&digits[2..], 2).ok_or(InputError::Unreadable)?,
                ),
                _ => Err(InputError::Unreadable),
            },
            _ => Err(InputError::Unreadable),
        },
        _ => Err(InputError::Unreadable),
    }
}

/// A date as it is stored and shown: `2026-11-30`.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A time as it is stored and shown: `19:30`.
pub fn format_time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Whether `s` may still become a date as typed: only digits, the
/// separators above and Chinese date characters, at most 16 characters.
pub fn date_prefix_ok(s: &str) -> bool {
    s.chars().count() <= 16
        && narrow_chars(s).all(|c| c.is_ascii_digit() || "-/.年月日号".contains(c))
}

/// Whether `s` may still become a time as typed (at most 8 characters).
pub fn time_prefix_ok(s: &str) -> bool {
    s.chars().count() <= 8
        && narrow_chars(s).all(|c| c.is_ascii_digit() || ":.hH点时分半整".contains(c))
}

fn narrow_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().map(|c| match c {
        '０'..='９' => '0',
        '：' => ':',
        '－' | '—' | '／' | '．' | '。' => '-',
        c => c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn times_as_people_type_them() {
        for (typed, want) in [
            ("7:30", t(7, 30)),
            ("07:30", t(7, 30)),
            ("0730", t(7, 30)),
            ("730", t(7, 30)),
            ("0830", t(8, 30)),
            ("1930", t(19, 30)),
            ("19:30", t(19, 30)),
            ("19.30", t(19, 30)),
            ("19h30", t(19, 30)),
            ("1:30", t(1, 30)),
            ("0:00", t(0, 0)),
            ("23:59", t(23, 59)),
            (" 9:05 ", t(9, 5)),
            ("１９：３０", t(19, 30)),
            ("19：30", t(19, 30)),
            ("7点", t(7, 0)),
            ("7点半", t(7, 30)),
            ("19点30", t(19, 30)),
            ("19点30分", t(19, 30)),
            ("19时05分", t(19, 5)),
        ] {
            assert_eq!(parse_time(typed), Ok(want), "{typed}");
        }
    }

    #[test]
    fn times_that_are_not_read() {
        for (typed, why) in [
            ("", InputError::Empty),
            ("   ", InputError::Empty),
            ("7", InputError::NeedsMinutes),
            ("19", InputError::NeedsMinutes),
            ("24:00", InputError::NoSuch),
            ("2400", InputError::NoSuch),
            ("19:60", InputError::NoSuch),
            ("960", InputError::NoSuch),
            ("7:5", InputError::Unreadable),
            ("7:", InputError::Unreadable),
            (":30", InputError::Unreadable),
            ("19:300", InputError::Unreadable),
            ("19300", InputError::Unreadable),
            ("ab", InputError::Unreadable),
            ("7点3", InputError::Unreadable),
            ("-1:30", InputError::Unreadable),
        ] {
            assert_eq!(parse_time(typed), Err(why), "{typed:?}");
        }
    }

    #[test]
    fn dates_as_people_type_them() {
        for (typed, want) in [
            ("2026-11-30", d(2026, 11, 30)),
            ("2026-1-5", d(2026, 1, 5)),
            ("2026/11/30", d(2026, 11, 30)),
            ("2026.11.30", d(2026, 11, 30)),
            ("20261130", d(2026, 11, 30)),
            ("11-30", d(2026, 11, 30)),
            ("11/30", d(2026, 11, 30)),
            ("1/5", d(2026, 1, 5)),
            ("1130", d(2026, 11, 30)),
            ("2024-02-29", d(2024, 2, 29)),
            ("2026年11月30日", d(2026, 11, 30)),
            ("11月30日", d(2026, 11, 30)),
            ("11月30号", d(2026, 11, 30)),
            ("１１－３０", d(2026, 11, 30)),
            (" 2026-11-30 ", d(2026, 11, 30)),
        ] {
            assert_eq!(parse_date(typed, today()), Ok(want), "{typed}");
        }
    }

    #[test]
    fn dates_that_are_not_read() {
        for (typed, why) in [
            ("", InputError::Empty),
            ("2026-02-30", InputError::NoSuch),
            ("2025-02-29", InputError::NoSuch),
            ("2026-13-01", InputError::NoSuch),
            ("13-01", InputError::NoSuch),
            ("1132", InputError::NoSuch),
            ("1332", InputError::Unreadable),
            ("20261330", InputError::NoSuch),
            ("26-11-30", InputError::Unreadable),
            ("2026", InputError::Unreadable),
            ("202611", InputError::Unreadable),
            ("2026-11", InputError::Unreadable),
            ("11-30-2026", InputError::Unreadable),
            ("2026--30", InputError::Unreadable),
            ("tomorrow", InputError::Unreadable),
            ("2026-11-30-1", InputError::Unreadable),
        ] {
            assert_eq!(parse_date(typed, today()), Err(why), "{typed:?}");
        }
    }

    #[test]
    fn normalised_spelling_reads_back_the_same() {
        let date = parse_date("20261130", today()).unwrap();
        assert_eq!(format_date(date), "2026-11-30");
        assert_eq!(parse_date(&format_date(date), today()), Ok(date));
        let time = parse_time("730").unwrap();
        assert_eq!(format_time(time), "07:30");
        assert_eq!(parse_time(&format_time(time)), Ok(time));
    }

    #[test]
    fn typing_refuses_only_what_can_never_be_a_date_or_time() {
        for ok in ["", "7", "7:", "7:3", "19.3", "0830", "7点半", "１９："] {
            assert!(time_prefix_ok(ok), "{ok}");
        }
        for bad in ["a", "7pm", "7:30:00:00", "-"] {
            assert!(!time_prefix_ok(bad), "{bad}");
        }
        for ok in ["", "2", "2026-", "2026/1", "11-30", "20261130", "11月30日"] {
            assert!(date_prefix_ok(ok), "{ok}");
        }
        for bad in ["x", "2026-11-30T", "2026-11-30 2026-11-30"] {
            assert!(!date_prefix_ok(bad), "{bad}");
        }
    }

    #[test]
    fn every_message_is_in_one_language() {
        let errors = [
            InputError::Empty,
            InputError::Unreadable,
            InputError::NoSuch,
            InputError::NeedsMinutes,
        ];
        for e in errors {
            for date in [true, false] {
                let zh = e.message(date, "zh");
                let en = e.message(date, "en");
                assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
                assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
                assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
            }
        }
    }

    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_text(s in "\\PC{0,24}") {
                let _ = parse_time(&s);
                let _ = parse_date(&s, today());
                let _ = time_prefix_ok(&s);
                let _ = date_prefix_ok(&s);
            }

            #[test]
            fn digits_and_separators(s in "[0-9:./\\-点半年月日号０-９：]{0,16}") {
                // Whatever is read normalises to a spelling that reads back the same.
                if let Ok(t) = parse_time(&s) {
                    prop_assert_eq!(parse_time(&format_time(t)), Ok(t));
                }
                if let Ok(d) = parse_date(&s, today()) {
                    prop_assert_eq!(parse_date(&format_date(d), today()), Ok(d));
                }
            }

            #[test]
            fn every_time_of_day_in_every_spelling(h in 0u32..24, m in 0u32..60) {
                let want = t(h, m);
                for s in [
                    format!("{h}:{m:02}"),
                    format!("{h:02}{m:02}"),
                    format!("{h}.{m:02}"),
                    format!("{h}点{m:02}分"),
                ] {
                    prop_assert_eq!(parse_time(&s), Ok(want), "{}", s);
                }
            }
        }
    }
}
