//! The language catalogue: every piece of interface text in Simplified
//! Chinese and English, in one place. `Lang` is the interface language,
//! parsed once; `Strings` (`lang.s()`) holds the fixed texts of the apps;
//! `Msg` (`messages.rs`) the messages of the core, the verifier and the
//! review, with `{name}` placeholders that `msg!` fills. A test checks that
//! every entry exists in both languages with the same placeholders.
//! (Questionnaire text comes from the questionnaire itself.)

mod messages;
mod strings;

pub use messages::Msg;
pub use strings::{EN, Strings, ZH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" => Some(Lang::Zh),
            "en" | "en-us" | "en_us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of a questionnaire or interface code as the texts
    /// that have two languages take it: `zh` is Chinese, every other code
    /// English (the fallback).
    pub fn from_code(code: &str) -> Lang {
        if code == "zh" { Lang::Zh } else { Lang::En }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// One of two texts, for the few strings built on the spot.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// How many residents a search found: "4 matches", "匹配 4 条".
    pub fn matches(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("匹配 {n} 条"),
            Lang::En if n == 1 => "1 match".into(),
            Lang::En => format!("{n} matches"),
        }
    }

    /// Residents by interview outcome, as `doorstep status` counts them:
    /// "2 completed (1 today) · 1 in progress".
    pub fn interviewed(self, completed: u64, today: u64, in_progress: u64) -> String {
        match self {
            Lang::Zh => {
                format!("已完成 {completed} 户（今日 {today} 户）· 访问中 {in_progress} 户")
            }
            Lang::En => {
                format!("{completed} completed ({today} today) · {in_progress} in progress")
            }
        }
    }

    /// Records of an export, with what they are: "5 records (4 interviews,
    /// 1 visit without an interview)".
    pub fn records(self, interviews: u64, visits: u64) -> String {
        let n = interviews + visits;
        match self {
            Lang::Zh => format!("{n} 条记录（访问 {interviews} 份，仅走访 {visits} 次）"),
            Lang::En => format!(
                "{n} {} ({interviews} {}, {visits} {} without an interview)",
                plural(n, "record", "records"),
                plural(interviews, "interview", "interviews"),
                plural(visits, "visit", "visits"),
            ),
        }
    }

    /// What an export wrote.
    pub fn exported_batch(self, sequence: u64, interviews: u64, visits: u64, path: &str) -> String {
        match self {
            Lang::Zh => {
                format!("已导出第 {sequence} 批：访问 {interviews} 份，走访 {visits} 次 → {path}")
            }
            Lang::En => format!(
                "Exported batch {sequence}: {interviews} {}, {visits} {} → {path}",
                plural(interviews, "interview", "interviews"),
                plural(visits, "visit", "visits"),
            ),
        }
    }

    /// The fixed texts of the apps in this language.
    pub fn s(self) -> &'static Strings {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// A catalogue message in this language (`msg!` fills placeholders).
    pub fn msg(self, id: Msg) -> &'static str {
        id.text(self)
    }
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// A catalogue message with its placeholders filled:
/// `msg!(lang, TooLong, n = 500)`; without placeholders the `&'static str`.
#[macro_export]
macro_rules! msg {
    ($lang:expr, $id:ident) => {
        $crate::lang::Msg::$id.text($lang)
    };
    ($lang:expr, $id:ident, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::lang::Msg::$id.fill(
            $lang,
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+],
        )
    };
}

/// `template` with each `{name}` replaced by its value. Every placeholder
/// must be given and every value used (checked in debug builds, where the
/// tests run).
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    let mut used = vec![false; values.len()];
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().position(|(n, _)| *n == name) {
                    Some(i) => {
                        used[i] = true;
                        out.push_str(&values[i].1.to_string());
                    }
                    None => {
                        debug_assert!(false, "no value for {{{name}}} in {template:?}");
                        out.push_str(&rest[open..open + close + 2]);
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    debug_assert!(
        used.iter().all(|u| *u),
        "values not used in {template:?}: {:?}",
        values
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(v, _)| v.0)
            .collect::<Vec<_>>()
    );
    out
}

/// The `{name}` placeholders of a template, sorted.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message exists in both languages, none empty, with the same
    /// placeholders in each.
    #[test]
    fn every_message_is_there_in_both_languages_with_the_same_placeholders() {
        assert!(Msg::ALL.len() > 50);
        for id in Msg::ALL {
            let (zh, en) = (id.text(Lang::Zh), id.text(Lang::En));
            assert!(!zh.trim().is_empty(), "{id:?}: no Chinese");
            assert!(!en.trim().is_empty(), "{id:?}: no English");
            assert_eq!(placeholders(zh), placeholders(en), "{id:?}: {zh} / {en}");
        }
    }

    #[test]
    fn fill_puts_each_value_in_its_place() {
        assert_eq!(
            fill("{a} of {b}, {a}", &[("a", &1), ("b", &"two")]),
            "1 of two, 1"
        );
        assert_eq!(msg!(Lang::En, TooLong, n = 500), "At most 500 characters");
        assert_eq!(msg!(Lang::Zh, TooLong, n = 500), "最多 500 个字");
    }

    #[test]
    fn codes_other_than_zh_fall_back_to_english() {
        assert_eq!(Lang::from_code("zh"), Lang::Zh);
        assert_eq!(Lang::from_code("en"), Lang::En);
        assert_eq!(Lang::from_code("ug"), Lang::En);
    }
}
