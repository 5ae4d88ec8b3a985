//! Every key binding, described once: the footer and the help screen both
//! read from here, and so does the README's key table.

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
        "start or resume the interview",
        "开始或继续访问",
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

/// The special-response keys, named so that the footer can leave them out
/// on a question that does not accept that response.
pub const DONT_KNOW_KEYS: &str = "d ^D";
pub const REFUSED_KEYS: &str = "r ^R";

const INTERVIEW: &[Binding] = &[
    (
        "1-9",
        "pick option (rating: its value; 10+: two digits quickly)",
        "选择选项（评分题：分值；快速输入两位数选 10 及以上）",
        Some(("pick", "选择")),
    ),
    ("↑↓ j k", "move between options", "在选项间移动", None),
    (
        "Space",
        "tick/untick (multiple choice)",
        "勾选/取消（多选题）",
        None,
    ),
    (
        "Enter",
        "confirm and next",
        "确认并下一题",
        Some(("next", "下一题")),
    ),
    (
        "← PgUp",
        "previous question",
        "上一题",
        Some(("back", "上一题")),
    ),
    ("PgDn", "next without answering", "不作答下一题", None),
    (
        DONT_KNOW_KEYS,
        "don't know",
        "不知道",
        Some(("don't know", "不知道")),
    ),
    (
        REFUSED_KEYS,
        "refused",
        "拒绝回答",
        Some(("refused", "拒答")),
    ),
    ("y n", "yes / no", "是 / 否", None),
    ("^N", "note on this question", "本题备注", None),
    ("^L", "questionnaire language", "切换问卷语言", None),
    (
        "e ^E",
        "end early (refusal, break-off)",
        "提前结束（拒访、中途退出）",
        None,
    ),
    ("Alt+Enter ^J", "new line in long text", "长文本换行", None),
    (
        "Esc",
        "pause (saved) to the list",
        "暂停（已保存）返回名单",
        Some(("pause", "暂停")),
    ),
    HELP,
];

const REVIEW: &[Binding] = &[
    ("↑↓ j k", "move", "移动", None),
    (
        "Enter",
        "change this answer",
        "修改此题",
        Some(("change", "修改")),
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
    ("←", "back to the questions", "返回问题", None),
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
        "export a signed batch (asks the key password)",
        "导出签名批次（需输入密钥密码）",
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

const REVIEW_INBOX: &[Binding] = &[
    ("↑↓ j k", "move", "移动", Some(("move", "移动"))),
    (
        "Enter",
        "the batch's surveyor's interviews, at the batch's first",
        "查看该批次访问员的访问（定位到该批次第一份）",
        Some(("interviews", "查看访问")),
    ),
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
    APPROVE,
    REJECT,
    (
        "o",
        "sort: time, surveyor, flags",
        "排序：时间、访问员、标记数",
        Some(("sort", "排序")),
    ),
    (
        "f",
        "filter: all, flagged, each flag, undecided",
        "筛选：全部、有标记、各项标记、未决定",
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

const REVIEW_SUMMARY: &[Binding] = &[TABS, HELP, QUIT];

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
        ] {
            for lang in [Lang::En, Lang::Zh] {
                let footer: usize = footer(screen, lang, &[])
                    .map(|(k, d)| Line::from(format!("{k} {d} ")).width())
                    .sum();
                assert!(footer <= 80, "{screen:?} {lang:?}: {footer}");
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
