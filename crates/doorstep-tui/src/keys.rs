//! Every key binding, described once: the footer and the help screen both
//! read from here. (The handlers still match key codes themselves, and the
//! README's key table is written by hand: keep them in step.)

use super::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Resident,
    Interview,
    Review,
    Summary,
    /// The supervisor's review app (`doorstep review`): the inbox tab.
    ReviewInbox,
    /// The interviews tab.
    ReviewInterviews,
    /// One interview in detail.
    ReviewDetail,
    /// The day summary tab.
    ReviewSummary,
    /// The approve or reject prompt.
    ReviewDecision,
    /// First start: the surveyor's id.
    Setup,
}

/// (keys, English, Chinese, short English and Chinese for the footer, if shown there)
type Binding = (
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

const LIST: &[Binding] = &[
    ("↑↓ j k", "move", "移动", Some(("move", "移动"))),
    ("Enter", "open resident", "打开", Some(("open", "打开"))),
    (
        "/",
        "search name, address, community, room, pinyin",
        "搜索（姓名、地址、社区、房号、拼音）",
        Some(("search", "搜索")),
    ),
    (
        "Tab f",
        "filter by status",
        "按状态筛选",
        Some(("filter", "筛选")),
    ),
    (
        "PgUp PgDn g G",
        "page, first, last",
        "翻页、首行、末行",
        None,
    ),
    ("s", "day summary", "今日汇总", Some(("summary", "汇总"))),
    (
        "L",
        "interface language (kept for the next start)",
        "界面语言（下次启动沿用）",
        None,
    ),
    HELP,
    ("q", "quit", "退出", Some(("quit", "退出"))),
];

const RESIDENT: &[Binding] = &[
    (
        "Enter i",
        "start or resume (a second one: asks y / n)",
        "开始或继续访问（再访一次：先确认 y / n）",
        Some(("interview", "访问")),
    ),
    (
        "v",
        "record a visit outcome",
        "记录走访结果",
        Some(("visit outcome", "走访结果")),
    ),
    ("Tab", "next field (visit form)", "下一栏（走访表）", None),
    (
        "Esc ←",
        "back to the list",
        "返回名单",
        Some(("back", "返回")),
    ),
    HELP,
];

/// Keys of the interview that the footer shows only on some questions.
pub const PICK_KEYS: &str = "1-9";
pub const VALUE_KEYS: &str = "0-9";
pub const YES_NO_KEYS: &str = "y n";
pub const TICK_KEYS: &str = "Space";
pub const BACK_KEYS: &str = "←";
/// The special responses on an option list, and anywhere by Ctrl chord.
pub const SPECIAL_KEYS: &str = "d r";
pub const SPECIAL_CHORDS: &str = "^D ^R";
pub const END_KEYS: &str = "e";
pub const END_CHORD: &str = "^E";
pub const HELP_KEYS: &str = "?";

/// What the question on screen takes, which decides the keys its footer
/// shows: only keys that work there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKeys {
    /// Single choice: digits pick.
    Choice,
    /// Multiple choice: digits and Space tick.
    Multiple,
    YesNo,
    /// Ratings: digits are the value.
    Rating,
    /// Number, text, date and time: letters are text, so Ctrl chords.
    Typed,
    /// Notes and the end of the questions.
    Note,
}

impl AnswerKeys {
    pub const ALL: [AnswerKeys; 6] = [
        AnswerKeys::Choice,
        AnswerKeys::Multiple,
        AnswerKeys::YesNo,
        AnswerKeys::Rating,
        AnswerKeys::Typed,
        AnswerKeys::Note,
    ];

    /// The interview's footer keys that do nothing on this kind of question.
    pub fn hidden(self) -> &'static [&'static str] {
        use AnswerKeys::*;
        match self {
            Choice => &[
                VALUE_KEYS,
                YES_NO_KEYS,
                TICK_KEYS,
                BACK_KEYS,
                SPECIAL_CHORDS,
                END_CHORD,
            ],
            Multiple => &[
                PICK_KEYS,
                VALUE_KEYS,
                YES_NO_KEYS,
                BACK_KEYS,
                SPECIAL_CHORDS,
                END_CHORD,
            ],
            YesNo => &[
                PICK_KEYS,
                VALUE_KEYS,
                TICK_KEYS,
                BACK_KEYS,
                SPECIAL_CHORDS,
                END_CHORD,
            ],
            Rating => &[
                PICK_KEYS,
                YES_NO_KEYS,
                TICK_KEYS,
                BACK_KEYS,
                SPECIAL_CHORDS,
                END_CHORD,
            ],
            Typed => &[
                PICK_KEYS,
                VALUE_KEYS,
                YES_NO_KEYS,
                TICK_KEYS,
                SPECIAL_KEYS,
                END_KEYS,
                HELP_KEYS,
            ],
            Note => &[
                PICK_KEYS,
                VALUE_KEYS,
                YES_NO_KEYS,
                TICK_KEYS,
                SPECIAL_KEYS,
                SPECIAL_CHORDS,
                END_CHORD,
            ],
        }
    }
}

/// One rule everywhere: a key chooses (and the screen shows the choice),
/// Enter confirms; the cursor of ↑↓ is never a choice.
const INTERVIEW: &[Binding] = &[
    (
        PICK_KEYS,
        "choose an option by its number (10 and up: both digits)",
        "按编号选择选项（10 及以上输入两位数）",
        Some(("pick", "选择")),
    ),
    (
        VALUE_KEYS,
        "rating: type the value (a 1 that may become 10 waits)",
        "评分：输入分值（可能是 10 的 1 会等下一位）",
        Some(("value", "分值")),
    ),
    (
        YES_NO_KEYS,
        "yes / no",
        "是 / 否",
        Some(("yes/no", "是/否")),
    ),
    (
        TICK_KEYS,
        "choose (tick/untick) the option under the cursor",
        "选中（勾选/取消）光标所在选项",
        Some(("tick", "勾选")),
    ),
    (
        "↑↓ j k",
        "move the cursor (it chooses nothing)",
        "移动光标（光标不算选择）",
        None,
    ),
    (
        "Enter",
        "confirm the choice and go on",
        "确认所选并下一题",
        Some(("next", "下一题")),
    ),
    (
        BACK_KEYS,
        "previous question (PgUp too)",
        "上一题（也可按 PgUp）",
        Some(("back", "上一题")),
    ),
    (
        "→ PgDn",
        "→ on to the first unanswered; PgDn next, unanswered",
        "→ 前进到第一道未答题；PgDn 不作答下一题",
        None,
    ),
    (
        SPECIAL_KEYS,
        "choose don't know (d) or refused (r)",
        "选择“不知道”(d) 或“拒绝回答”(r)",
        Some(("don't know/refused", "不知道/拒答")),
    ),
    (
        SPECIAL_CHORDS,
        "the same on every question, typed ones too",
        "同上，任何题型都可用（含输入题）",
        Some(("don't know/refused", "不知道/拒答")),
    ),
    (
        "^G",
        "check the answers: jump to any question",
        "检查答案：可跳到任一题",
        Some(("check", "检查")),
    ),
    (
        "^N ^L",
        "note on this question; questionnaire language",
        "本题备注；切换问卷语言",
        None,
    ),
    (
        END_KEYS,
        "end early (refusal, break-off)",
        "提前结束（拒访、中途退出）",
        Some(("end", "结束")),
    ),
    (
        END_CHORD,
        "end early, on every question",
        "提前结束，任何题型都可用",
        Some(("end", "结束")),
    ),
    ("Alt+Enter ^J", "new line in long text", "长文本换行", None),
    (
        "Esc",
        "pause (saved; with no answer yet: discarded)",
        "暂停（已保存；尚无回答则丢弃）",
        Some(("pause", "暂停")),
    ),
    HELP,
];

const REVIEW: &[Binding] = &[
    ("↑↓ j k", "move", "移动", None),
    (
        "Enter →",
        "go to this question (confirming comes back here)",
        "跳到此题修改（确认后回到这里）",
        Some(("go to", "跳到此题")),
    ),
    (
        "u",
        "next unanswered required",
        "下一道未答必答题",
        Some(("unanswered", "未答")),
    ),
    (
        "F",
        "finish the interview",
        "结束访问",
        Some(("finish", "结束访问")),
    ),
    (
        "←",
        "back to the question you came from",
        "返回原来所在的问题",
        Some(("back", "返回")),
    ),
    ("e", "end early", "提前结束", None),
    (
        "Esc",
        "pause (saved) to the list",
        "暂停返回名单",
        Some(("pause", "暂停")),
    ),
];

const SUMMARY: &[Binding] = &[
    (
        "x",
        "export a signed batch (key password; no key: makes one)",
        "导出签名批次（输入密钥密码；无密钥则创建）",
        Some(("export", "导出")),
    ),
    (
        "Esc q",
        "back to the list",
        "返回名单",
        Some(("back", "返回")),
    ),
    HELP,
];

const SETUP: &[Binding] = &[
    (
        "Enter",
        "save the surveyor id",
        "保存调查员编号",
        Some(("save", "保存")),
    ),
    ("^C", "quit", "退出", Some(("quit", "退出"))),
];

const HELP: Binding = ("?", "help", "帮助", Some(("help", "帮助")));
const QUIT: Binding = ("q ^C", "quit", "退出", Some(("quit", "退出")));
const APPROVE: Binding = (
    "a",
    "approve (a comment is optional)",
    "通过（意见可不填）",
    Some(("approve", "通过")),
);
const REJECT: Binding = (
    "r",
    "reject (say why: the surveyor will see it)",
    "驳回（须写明原因，访问员会看到）",
    Some(("reject", "驳回")),
);

const TABS: Binding = (
    "Tab 1 2 3",
    "inbox, interviews, day summary",
    "收件箱、访问、汇总",
    Some(("tabs", "切换")),
);

const LEAVE_OUT_FLAGGED: Binding = (
    "x",
    "scores: leave flagged interviews out, or count them again",
    "得分：不计有标记的访问，或重新计入",
    Some(("flagged out", "不计标记")),
);

const REVIEW_INBOX: &[Binding] = &[
    ("↑↓ j k", "move", "移动", Some(("move", "移动"))),
    (
        "Enter",
        "the batch's surveyor's interviews, at the batch's first",
        "查看该批次访问员的访问（定位到该批次第一份）",
        Some(("interviews", "查看访问")),
    ),
    LEAVE_OUT_FLAGGED,
    TABS,
    HELP,
    QUIT,
];

const REVIEW_INTERVIEWS: &[Binding] = &[
    ("↑↓ j k", "move", "移动", None),
    ("PgUp PgDn", "page", "翻页", None),
    (
        "Enter",
        "the interview in detail",
        "查看访问详情",
        Some(("open", "详情")),
    ),
    (
        "a",
        "approve (comment optional), then to the next undecided",
        "通过（意见可不填），并转到下一份未决定的",
        Some(("approve", "通过")),
    ),
    REJECT,
    (
        "o",
        "sort: time, surveyor, flags",
        "排序：时间、访问员、标记数",
        Some(("sort", "排序")),
    ),
    (
        "f",
        "filter: all, flagged, flags, undecided, approved, rejected",
        "筛选：全部、有标记、各项标记、未决定、已通过、已驳回",
        Some(("filter", "筛选")),
    ),
    (
        "c",
        "community: all, each one, (unknown)",
        "社区：全部、各社区、（未知）",
        Some(("community", "社区")),
    ),
    (
        "s",
        "surveyor: all, each one",
        "访问员：全部、各访问员",
        None,
    ),
    (
        "Tab 1 2 3",
        "inbox, interviews, day summary",
        "收件箱、访问、汇总",
        None,
    ),
    HELP,
    QUIT,
];

const REVIEW_DETAIL: &[Binding] = &[
    ("↑↓ j k", "scroll", "滚动", Some(("scroll", "滚动"))),
    ("PgUp PgDn", "scroll a page", "翻页", None),
    APPROVE,
    REJECT,
    (
        "Esc ←",
        "back to the list",
        "返回列表",
        Some(("back", "返回")),
    ),
    HELP,
    ("^C", "quit", "退出", None),
];

const REVIEW_SUMMARY: &[Binding] = &[
    (
        "↑↓ j k",
        "scroll the lists that do not fit",
        "滚动显示不下的列表",
        Some(("scroll", "滚动")),
    ),
    ("PgUp PgDn", "scroll a page", "翻页", None),
    LEAVE_OUT_FLAGGED,
    TABS,
    HELP,
    QUIT,
];

const REVIEW_DECISION: &[Binding] = &[
    (
        "Enter",
        "record the decision",
        "确认并记录",
        Some(("confirm", "确认")),
    ),
    ("Esc", "cancel", "取消", Some(("cancel", "取消"))),
];

pub fn bindings(screen: Screen) -> &'static [Binding] {
    match screen {
        Screen::List => LIST,
        Screen::Resident => RESIDENT,
        Screen::Interview => INTERVIEW,
        Screen::Review => REVIEW,
        Screen::Summary => SUMMARY,
        Screen::ReviewInbox => REVIEW_INBOX,
        Screen::ReviewInterviews => REVIEW_INTERVIEWS,
        Screen::ReviewDetail => REVIEW_DETAIL,
        Screen::ReviewSummary => REVIEW_SUMMARY,
        Screen::ReviewDecision => REVIEW_DECISION,
        Screen::Setup => SETUP,
    }
}

/// (keys, description) in the interface language, for the help screen.
pub fn described(screen: Screen, lang: Lang) -> impl Iterator<Item = (&'static str, &'static str)> {
    bindings(screen)
        .iter()
        .map(move |(k, en, zh, _)| (*k, if lang == Lang::Zh { *zh } else { *en }))
}

/// (keys, short description) for the footer, without the keys in `hidden`
/// (those that do nothing where the user is).
pub fn footer<'a>(
    screen: Screen,
    lang: Lang,
    hidden: &'a [&'static str],
) -> impl Iterator<Item = (&'static str, &'static str)> + 'a {
    bindings(screen).iter().filter_map(move |(k, _, _, short)| {
        short
            .filter(|_| !hidden.contains(k))
            .map(|(en, zh)| (*k, if lang == Lang::Zh { zh } else { en }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Line;

    /// The footer and the help of each screen of the review app fit 80×24
    /// in both languages: the footer on one line, the help in its
    /// 76-column popup over the 22 rows between the tabs and the footer.
    #[test]
    fn every_footer_and_help_fits_80x24() {
        for screen in [
            Screen::List,
            Screen::Resident,
            Screen::Interview,
            Screen::Review,
            Screen::Summary,
            Screen::ReviewInbox,
            Screen::ReviewInterviews,
            Screen::ReviewDetail,
            Screen::ReviewSummary,
            Screen::ReviewDecision,
            Screen::Setup,
        ] {
            for lang in [Lang::En, Lang::Zh] {
                // The interview's footer depends on the question type.
                let hidden: Vec<&[&str]> = if screen == Screen::Interview {
                    AnswerKeys::ALL.iter().map(|k| k.hidden()).collect()
                } else {
                    vec![&[]]
                };
                for hidden in hidden {
                    let footer: usize = footer(screen, lang, hidden)
                        .map(|(k, d)| Line::from(format!("{k} {d} ")).width())
                        .sum();
                    assert!(footer <= 80, "{screen:?} {lang:?} {hidden:?}: {footer}");
                }
                let rows: Vec<_> = described(screen, lang).collect();
                assert!(rows.len() + 4 <= 22, "{screen:?}: {} rows", rows.len());
                for (k, d) in rows {
                    assert!(k.chars().count() <= 14, "{k}");
                    assert!(Line::from(d).width() <= 76 - 2 - 15, "{d}");
                }
            }
        }
    }
}
