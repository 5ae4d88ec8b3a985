//! The flow's messages to the surveyor, in the questionnaire's languages.
//! Languages other than `zh` fall back to English.

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
        let zh = lang == "zh";
        match self {
            Message::Required => {
                if zh {
                    "此题必答".into()
                } else {
                    "An answer is required".into()
                }
            }
            Message::NotAChoice(v) => {
                if zh {
                    format!("“{v}”不是本题的选项")
                } else {
                    format!("'{v}' is not one of the options")
                }
            }
            Message::SpecifyOther => {
                if zh {
                    "选择“其他”时请注明具体内容".into()
                } else {
                    "Please specify the 'other' answer".into()
                }
            }
            Message::Exclusive(label) => {
                if zh {
                    format!("“{label}”不能与其他选项同时选择")
                } else {
                    format!("'{label}' cannot be combined with other options")
                }
            }
            Message::OutOfRange { min, max } => {
                if zh {
                    format!("请输入 {min} 至 {max} 之间的值")
                } else {
                    format!("Enter a value from {min} to {max}")
                }
            }
            Message::TooLong(n) => {
                if zh {
                    format!("最多 {n} 个字")
                } else {
                    format!("At most {n} characters")
                }
            }
            Message::SpecialNotAllowed => {
                if zh {
                    "本题不接受“不知道/拒绝回答”".into()
                } else {
                    "This question does not accept 'don't know' or 'refused'".into()
                }
            }
            Message::WrongType(t) => {
                if zh {
                    format!("答案类型不符（本题为 {t}）")
                } else {
                    format!("Wrong kind of answer for this question (type {t})")
                }
            }
            Message::NotRelevant => {
                if zh {
                    "根据前面的回答，本题不适用".into()
                } else {
                    "This question does not apply given earlier answers".into()
                }
            }
            Message::ConstraintFailed => {
                if zh {
                    "答案不符合要求".into()
                } else {
                    "This answer is not allowed".into()
                }
            }
            Message::EndsInterview => {
                if zh {
                    "此回答结束访问，不能继续往下".into()
                } else {
                    "This answer ends the interview: there is nothing after it".into()
                }
            }
            Message::NotANumber => {
                if zh {
                    "请输入有效数字".into()
                } else {
                    "Enter a valid number".into()
                }
            }
        }
    }
}
