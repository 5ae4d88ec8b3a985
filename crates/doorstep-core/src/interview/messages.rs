//! The flow's messages to the surveyor, in the questionnaire's languages.
//! Languages other than `zh` fall back to English. The texts are in the
//! catalogue (`crate::lang`).

use crate::lang::Lang;
use crate::msg;

pub enum Message<'a> {
    Required,
    NotAChoice(&'a str),
    SpecifyOther,
    Exclusive(&'a str),
    OutOfRange { min: String, max: String },
    TooLong(usize),
    SpecialNotAllowed,
    WrongType(&'a str),
    NotRelevant,
    ConstraintFailed,
    NotANumber,
    EndsInterview,
}

impl Message<'_> {
    pub fn text(&self, lang: &str) -> String {
        let lang = Lang::from_code(lang);
        match self {
            Message::Required => msg!(lang, Required).into(),
            Message::NotAChoice(v) => msg!(lang, NotAChoice, value = v),
            Message::SpecifyOther => msg!(lang, SpecifyOther).into(),
            Message::Exclusive(label) => msg!(lang, Exclusive, label = label),
            Message::OutOfRange { min, max } => msg!(lang, OutOfRange, min = min, max = max),
            Message::TooLong(n) => msg!(lang, TooLong, n = n),
            Message::SpecialNotAllowed => msg!(lang, SpecialNotAllowed).into(),
            Message::WrongType(t) => msg!(lang, WrongType, kind = t),
            Message::NotRelevant => msg!(lang, NotRelevant).into(),
            Message::ConstraintFailed => msg!(lang, ConstraintFailed).into(),
            Message::EndsInterview => msg!(lang, EndsInterview).into(),
            Message::NotANumber => msg!(lang, NotANumber).into(),
        }
    }
}
