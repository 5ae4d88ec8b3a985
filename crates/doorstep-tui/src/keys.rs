//! Every key binding, described once: the footer and the help screen both
//! read from here, and so do the handlers of the screens whose bindings are
//! data (`Bound`: the keys, the action each triggers, the help text), which
//! ask `key_match` what a key does instead of matching key codes
//! themselves, so that help and behaviour cannot drift apart. A test checks
//! that the README's key table names every key of every screen. The
//! supervisor's app is converted; the surveyor's screens still match key
//! codes themselves, their tables (plain `Binding` rows) describe them.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::i18n::Lang;

/// One key press a binding answers to: a key, with Ctrl or not. Shift and
/// Alt are not looked at (Shift makes the capital letter); a plain press
/// also answers with Ctrl held when nothing binds that Ctrl chord (as the
/// handlers always did: `Ctrl+E` ends early on the check screen too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Press {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

/// A character key.
pub const fn ch(c: char) -> Press {
    Press {
        code: KeyCode::Char(c),
        ctrl: false,
        alt: false,
    }
}

/// A named key (Enter, Esc, arrows, pages).
pub const fn key(code: KeyCode) -> Press {
    Press {
        code,
        ctrl: false,
        alt: false,
    }
}

/// Alt and a named key (Alt+Enter).
pub const fn alt(code: KeyCode) -> Press {
    Press {
        code,
        ctrl: false,
        alt: true,
    }
}

/// Ctrl and a character.
pub const fn ctrl(c: char) -> Press {
    Press {
        code: KeyCode::Char(c),
        ctrl: true,
        alt: false,
    }
}

impl Press {
    /// Whether the key event is this press.
    pub fn matches(self, event: &KeyEvent) -> bool {
        event.code == self.code
            && event.modifiers.contains(KeyModifiers::CONTROL) == self.ctrl
            && event.modifiers.contains(KeyModifiers::ALT) == self.alt
    }

    /// A press with neither Ctrl nor Alt.
    fn plain(self) -> bool {
        !self.ctrl && !self.alt
    }
}

/// A binding that is data: the help row (keys as shown, the help text and
/// the footer's short text) and the presses with the action each triggers.
pub struct Bound<A: 'static> {
    pub help: Binding,
    pub presses: &'static [(Press, A)],
}

/// What `event` does in a screen whose bindings are `table` (gitui's
/// `key_match`): the action of the press it matches exactly, else of the
/// plain press of its key.
pub fn key_match<A: Copy>(table: &[Bound<A>], event: &KeyEvent) -> Option<A> {
    let presses = || table.iter().flat_map(|b| b.presses.iter());
    presses()
        .find(|(p, _)| p.matches(event))
        .or_else(|| presses().find(|(p, _)| p.plain() && p.code == event.code))
        .map(|(_, a)| *a)
}

/// What `event` does where text is being typed: a character without Ctrl
/// or Alt is text (None), and anything else acts only if a press matches
/// it exactly (Ctrl+J is a line break, not `j`).
pub fn command_in_text<A: Copy>(table: &[Bound<A>], event: &KeyEvent) -> Option<A> {
    let ctrl_or_alt = event
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if matches!(event.code, KeyCode::Char(_)) && !ctrl_or_alt {
        return None;
    }
    table
        .iter()
        .flat_map(|b| b.presses.iter())
        .find(|(p, _)| p.matches(event))
        .map(|(_, a)| *a)
}

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
pub type Binding = (
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

/// What a key does on the assignment list (`screens::list`). While the
/// search field is open, letters are text (`command_in_text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListAction {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Open,
    Search,
    NextFilter,
    PreviousFilter,
    /// Empties the search (the resident stays selected); in the search
    /// field, closes it.
    ClearSearch,
    Summary,
    Language,
    /// Handled by the app, before the screen (`?` is text in the search).
    Help,
    Quit,
}

use ListAction as L;

/// The assignment list.
pub const LIST: &[Bound<ListAction>] = &[
    Bound {
        help: ("↑↓ j k", "move", "移动", Some(("move", "移动"))),
        presses: &[
            (key(KeyCode::Up), L::Up),
            (key(KeyCode::Down), L::Down),
            (ch('j'), L::Down),
            (ch('k'), L::Up),
        ],
    },
    Bound {
        help: ("Enter", "open resident", "打开", Some(("open", "打开"))),
        presses: &[(key(KeyCode::Enter), L::Open)],
    },
    Bound {
        help: (
            "/",
            "search name, address, community, room, pinyin",
            "搜索（姓名、地址、社区、房号、拼音）",
            Some(("search", "搜索")),
        ),
        presses: &[(ch('/'), L::Search)],
    },
    Bound {
        help: (
            "Tab f",
            "filter by status",
            "按状态筛选",
            Some(("filter", "筛选")),
        ),
        presses: &[(key(KeyCode::Tab), L::NextFilter), (ch('f'), L::NextFilter)],
    },
    Bound {
        help: (
            "Shift+Tab F",
            "filter, the other way round",
            "反向切换筛选",
            None,
        ),
        presses: &[
            (key(KeyCode::BackTab), L::PreviousFilter),
            (ch('F'), L::PreviousFilter),
        ],
    },
    Bound {
        help: (
            "PgUp PgDn g G",
            "page, first, last",
            "翻页、首行、末行",
            None,
        ),
        presses: &[
            (key(KeyCode::PageUp), L::PageUp),
            (key(KeyCode::PageDown), L::PageDown),
            (ch('g'), L::First),
            (ch('G'), L::Last),
        ],
    },
    Bound {
        help: (
            "Home End →",
            "first, last; → opens, as Enter",
            "首行、末行；→ 同 Enter 打开",
            None,
        ),
        presses: &[
            (key(KeyCode::Home), L::First),
            (key(KeyCode::End), L::Last),
            (key(KeyCode::Right), L::Open),
        ],
    },
    Bound {
        help: ("s", "day summary", "今日汇总", Some(("summary", "汇总"))),
        presses: &[(ch('s'), L::Summary)],
    },
    Bound {
        help: (
            "L Esc",
            "language (kept for next start); Esc clears the search",
            "界面语言（下次启动沿用）；Esc 清除搜索",
            None,
        ),
        presses: &[(ch('L'), L::Language), (key(KeyCode::Esc), L::ClearSearch)],
    },
    Bound {
        help: HELP,
        presses: &[(ch('?'), L::Help)],
    },
    Bound {
        help: ("q", "quit", "退出", Some(("quit", "退出"))),
        presses: &[(ch('q'), L::Quit)],
    },
];

/// What a key does on a resident's screen (`screens::resident`): on the
/// screen itself, in "start another?" and in the visit form, whose note,
/// date and time fields take letters as text (`command_in_text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResidentAction {
    /// Start or resume; in the form, save; in "start another?", yes.
    Start,
    Visit,
    /// The visit form's outcomes.
    Up,
    Down,
    /// An outcome by its number (1–8).
    Outcome(u8),
    NextField,
    PreviousField,
    /// Esc: back to the list; closes the form, answers "no".
    Close,
    /// ← h: back to the list.
    Back,
    Yes,
    No,
    /// Handled by the app, before the screen.
    Help,
}

use ResidentAction as Rs;

/// A resident's screen.
pub const RESIDENT: &[Bound<ResidentAction>] = &[
    Bound {
        help: (
            "Enter i",
            "start or resume (a second one: asks y / n)",
            "开始或继续访问（再访一次：先确认 y / n）",
            Some(("interview", "访问")),
        ),
        presses: &[(key(KeyCode::Enter), Rs::Start), (ch('i'), Rs::Start)],
    },
    Bound {
        help: (
            "y n",
            "start a second interview, or not",
            "再访一次，或不再访",
            None,
        ),
        presses: &[(ch('y'), Rs::Yes), (ch('n'), Rs::No)],
    },
    Bound {
        help: (
            "v",
            "record a visit outcome",
            "记录走访结果",
            Some(("visit outcome", "走访结果")),
        ),
        presses: &[(ch('v'), Rs::Visit)],
    },
    Bound {
        help: (
            "1-8 ↑↓ j k",
            "the visit's outcome (visit form)",
            "走访结果（走访表）",
            None,
        ),
        presses: &[
            (ch('1'), Rs::Outcome(1)),
            (ch('2'), Rs::Outcome(2)),
            (ch('3'), Rs::Outcome(3)),
            (ch('4'), Rs::Outcome(4)),
            (ch('5'), Rs::Outcome(5)),
            (ch('6'), Rs::Outcome(6)),
            (ch('7'), Rs::Outcome(7)),
            (ch('8'), Rs::Outcome(8)),
            (key(KeyCode::Up), Rs::Up),
            (key(KeyCode::Down), Rs::Down),
            (ch('j'), Rs::Down),
            (ch('k'), Rs::Up),
        ],
    },
    Bound {
        help: (
            "Tab Shift+Tab",
            "next, previous field (visit form)",
            "下一栏、上一栏（走访表）",
            None,
        ),
        presses: &[
            (key(KeyCode::Tab), Rs::NextField),
            (key(KeyCode::BackTab), Rs::PreviousField),
        ],
    },
    Bound {
        help: (
            "Esc ←",
            "back to the list",
            "返回名单",
            Some(("back", "返回")),
        ),
        presses: &[
            (key(KeyCode::Esc), Rs::Close),
            (key(KeyCode::Left), Rs::Back),
        ],
    },
    Bound {
        help: ("h", "back, as ←", "返回（同 ←）", None),
        presses: &[(ch('h'), Rs::Back)],
    },
    Bound {
        help: HELP,
        presses: &[(ch('?'), Rs::Help)],
    },
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

/// What a key does in the interview (`screens::interview`), on an option
/// list, in "add another?", in the "ends the interview" question and in
/// the end-early dialog. In a text field letters are text: only what
/// `command_in_text` finds acts there (the Ctrl chords, Esc, pages,
/// Enter, and ← → at the ends of the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterviewAction {
    /// A digit: an option's number, or a digit of a rating.
    Digit(u8),
    /// Erases a digit that waits for the next.
    Erase,
    Yes,
    No,
    /// Chooses (ticks) the option under the cursor.
    Tick,
    Up,
    Down,
    Confirm,
    /// ← h: the previous question (in a field: from its start).
    Back,
    /// PgUp: the previous question, from anywhere.
    Previous,
    /// → l: on to the first unanswered (in a field: from its end, untouched).
    Forward,
    /// PgDn: the next question, unanswered.
    Skip,
    DontKnow,
    Refused,
    Check,
    Note,
    Language,
    EndEarly,
    /// Alt+Enter, Ctrl+J: a line break, in a long text.
    NewLine,
    /// Esc: pause; closes a note, the dialogs.
    Pause,
    /// Handled by the app, before the screen (`?` is text in a field).
    Help,
}

use InterviewAction as I;

/// One rule everywhere: a key chooses (and the screen shows the choice),
/// Enter confirms; the cursor of ↑↓ is never a choice. The digits are one
/// action; two rows say what they mean on option lists and on ratings.
pub const INTERVIEW: &[Bound<InterviewAction>] = &[
    Bound {
        help: (
            PICK_KEYS,
            "choose an option by its number (10 and up: both digits)",
            "按编号选择选项（10 及以上输入两位数）",
            Some(("pick", "选择")),
        ),
        presses: &[
            (ch('1'), I::Digit(1)),
            (ch('2'), I::Digit(2)),
            (ch('3'), I::Digit(3)),
            (ch('4'), I::Digit(4)),
            (ch('5'), I::Digit(5)),
            (ch('6'), I::Digit(6)),
            (ch('7'), I::Digit(7)),
            (ch('8'), I::Digit(8)),
            (ch('9'), I::Digit(9)),
        ],
    },
    Bound {
        help: (
            VALUE_KEYS,
            "rating: type the value (a 1 that may become 10 waits)",
            "评分：输入分值（可能是 10 的 1 会等下一位）",
            Some(("value", "分值")),
        ),
        presses: &[(ch('0'), I::Digit(0))],
    },
    Bound {
        help: (
            "Backspace",
            "erase a digit that waits for the next",
            "删除等待下一位的数字",
            None,
        ),
        presses: &[(key(KeyCode::Backspace), I::Erase)],
    },
    Bound {
        help: (
            YES_NO_KEYS,
            "yes / no",
            "是 / 否",
            Some(("yes/no", "是/否")),
        ),
        presses: &[(ch('y'), I::Yes), (ch('n'), I::No)],
    },
    Bound {
        help: (
            TICK_KEYS,
            "choose (tick/untick) the option under the cursor",
            "选中（勾选/取消）光标所在选项",
            Some(("tick", "勾选")),
        ),
        presses: &[(ch(' '), I::Tick)],
    },
    Bound {
        help: (
            "↑↓ j k",
            "move the cursor (it chooses nothing)",
            "移动光标（光标不算选择）",
            None,
        ),
        presses: &[
            (key(KeyCode::Up), I::Up),
            (key(KeyCode::Down), I::Down),
            (ch('j'), I::Down),
            (ch('k'), I::Up),
        ],
    },
    Bound {
        help: (
            "Enter",
            "confirm the choice and go on",
            "确认所选并下一题",
            Some(("next", "下一题")),
        ),
        presses: &[(key(KeyCode::Enter), I::Confirm)],
    },
    Bound {
        help: (
            BACK_KEYS,
            "previous question (PgUp too)",
            "上一题（也可按 PgUp）",
            Some(("back", "上一题")),
        ),
        presses: &[(key(KeyCode::Left), I::Back)],
    },
    Bound {
        help: (
            "→ PgDn",
            "→ on to the first unanswered; PgDn next, unanswered",
            "→ 前进到第一道未答题；PgDn 不作答下一题",
            None,
        ),
        presses: &[
            (key(KeyCode::Right), I::Forward),
            (key(KeyCode::PageDown), I::Skip),
        ],
    },
    Bound {
        help: (
            "h l PgUp",
            "as ← and → on option lists; PgUp as ←, anywhere",
            "选项题上同 ← 和 →；PgUp 同 ←，任何题型都可用",
            None,
        ),
        presses: &[
            (ch('h'), I::Back),
            (ch('l'), I::Forward),
            (key(KeyCode::PageUp), I::Previous),
        ],
    },
    Bound {
        help: (
            SPECIAL_KEYS,
            "choose don't know (d) or refused (r)",
            "选择“不知道”(d) 或“拒绝回答”(r)",
            Some(("don't know/refused", "不知道/拒答")),
        ),
        presses: &[(ch('d'), I::DontKnow), (ch('r'), I::Refused)],
    },
    Bound {
        help: (
            SPECIAL_CHORDS,
            "the same on every question, typed ones too",
            "同上，任何题型都可用（含输入题）",
            Some(("don't know/refused", "不知道/拒答")),
        ),
        presses: &[(ctrl('d'), I::DontKnow), (ctrl('r'), I::Refused)],
    },
    Bound {
        help: (
            "^G",
            "check the answers: jump to any question",
            "检查答案：可跳到任一题",
            Some(("check", "检查")),
        ),
        presses: &[(ctrl('g'), I::Check)],
    },
    Bound {
        help: (
            "^N ^L",
            "note on this question; questionnaire language",
            "本题备注；切换问卷语言",
            None,
        ),
        presses: &[(ctrl('n'), I::Note), (ctrl('l'), I::Language)],
    },
    Bound {
        help: (
            END_KEYS,
            "end early (refusal, break-off)",
            "提前结束（拒访、中途退出）",
            Some(("end", "结束")),
        ),
        presses: &[(ch('e'), I::EndEarly)],
    },
    Bound {
        help: (
            END_CHORD,
            "end early, on every question",
            "提前结束，任何题型都可用",
            Some(("end", "结束")),
        ),
        presses: &[(ctrl('e'), I::EndEarly)],
    },
    Bound {
        help: ("Alt+Enter ^J", "new line in long text", "长文本换行", None),
        presses: &[(alt(KeyCode::Enter), I::NewLine), (ctrl('j'), I::NewLine)],
    },
    Bound {
        help: (
            "Esc",
            "pause (saved; with no answer yet: discarded)",
            "暂停（已保存；尚无回答则丢弃）",
            Some(("pause", "暂停")),
        ),
        presses: &[(key(KeyCode::Esc), I::Pause)],
    },
    Bound {
        help: HELP,
        presses: &[(ch('?'), I::Help)],
    },
];

/// What a key does on the surveyor's check screen (`screens::check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckAction {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    /// Go to the question under the cursor.
    GoTo,
    NextUnanswered,
    Finish,
    Back,
    EndEarly,
    Pause,
}

use CheckAction as C;

/// The surveyor's check screen (before finishing, or Ctrl+G).
pub const CHECK: &[Bound<CheckAction>] = &[
    Bound {
        help: ("↑↓ j k", "move", "移动", None),
        presses: &[
            (key(KeyCode::Up), C::Up),
            (key(KeyCode::Down), C::Down),
            (ch('j'), C::Down),
            (ch('k'), C::Up),
        ],
    },
    Bound {
        help: (
            "PgUp PgDn g G",
            "page, first, last",
            "翻页、首行、末行",
            None,
        ),
        presses: &[
            (key(KeyCode::PageUp), C::PageUp),
            (key(KeyCode::PageDown), C::PageDown),
            (ch('g'), C::First),
            (ch('G'), C::Last),
        ],
    },
    Bound {
        help: ("Home End", "first, last", "首行、末行", None),
        presses: &[(key(KeyCode::Home), C::First), (key(KeyCode::End), C::Last)],
    },
    Bound {
        help: (
            "Enter →",
            "go to this question (confirming comes back here)",
            "跳到此题修改（确认后回到这里）",
            Some(("go to", "跳到此题")),
        ),
        presses: &[
            (key(KeyCode::Enter), C::GoTo),
            (key(KeyCode::Right), C::GoTo),
        ],
    },
    Bound {
        help: (
            "u",
            "next unanswered required",
            "下一道未答必答题",
            Some(("unanswered", "未答")),
        ),
        presses: &[(ch('u'), C::NextUnanswered)],
    },
    Bound {
        help: (
            "F",
            "finish the interview",
            "结束访问",
            Some(("finish", "结束访问")),
        ),
        presses: &[(ch('F'), C::Finish)],
    },
    Bound {
        help: ("f", "finish, as F", "结束访问（同 F）", None),
        presses: &[(ch('f'), C::Finish)],
    },
    Bound {
        help: (
            "←",
            "back to the question you came from",
            "返回原来所在的问题",
            Some(("back", "返回")),
        ),
        presses: &[(key(KeyCode::Left), C::Back)],
    },
    Bound {
        help: ("h", "back, as ←", "返回（同 ←）", None),
        presses: &[(ch('h'), C::Back)],
    },
    Bound {
        help: ("e", "end early", "提前结束", None),
        presses: &[(ch('e'), C::EndEarly)],
    },
    Bound {
        help: (
            "Esc",
            "pause (saved) to the list",
            "暂停返回名单",
            Some(("pause", "暂停")),
        ),
        presses: &[(key(KeyCode::Esc), C::Pause)],
    },
];

/// What a key does on the surveyor's day summary (outside its export
/// prompt, where keys are typed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryAction {
    Export,
    Back,
    /// Handled by the app, before the screen (`?` is text in a field).
    Help,
}

/// The surveyor's day summary.
pub const SUMMARY: &[Bound<SummaryAction>] = &[
    Bound {
        help: (
            "x",
            "export a signed batch (key password; no key: makes one)",
            "导出签名批次（输入密钥密码；无密钥则创建）",
            Some(("export", "导出")),
        ),
        presses: &[(ch('x'), SummaryAction::Export)],
    },
    Bound {
        help: (
            "Esc q",
            "back to the list",
            "返回名单",
            Some(("back", "返回")),
        ),
        presses: &[
            (key(KeyCode::Esc), SummaryAction::Back),
            (ch('q'), SummaryAction::Back),
        ],
    },
    Bound {
        help: ("←", "back, as Esc", "返回（同 Esc）", None),
        presses: &[(key(KeyCode::Left), SummaryAction::Back)],
    },
    Bound {
        help: HELP,
        presses: &[(ch('?'), SummaryAction::Help)],
    },
];

/// What a key does on the first-start screen (`screens::setup`), where
/// every other key types the surveyor id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupAction {
    Save,
    /// Handled by the app, before the screen (everything is saved).
    Quit,
}

/// First start: the surveyor's id.
pub const SETUP: &[Bound<SetupAction>] = &[
    Bound {
        help: (
            "Enter",
            "save the surveyor id",
            "保存调查员编号",
            Some(("save", "保存")),
        ),
        presses: &[(key(KeyCode::Enter), SetupAction::Save)],
    },
    Bound {
        help: ("^C", "quit", "退出", Some(("quit", "退出"))),
        presses: &[(ctrl('c'), SetupAction::Quit)],
    },
];

const HELP: Binding = ("?", "help", "帮助", Some(("help", "帮助")));

/// What a key does in the supervisor's review app (`crate::supervisor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewAction {
    Up,
    Down,
    PageUp,
    PageDown,
    /// Inbox: the batch's interviews; interviews: the one in detail.
    Open,
    Approve,
    Reject,
    Sort,
    Filter,
    Community,
    Surveyor,
    NextTab,
    ToInbox,
    ToInterviews,
    ToSummary,
    LeaveOutFlagged,
    Help,
    Quit,
    Back,
    /// The decision prompt: record it.
    Confirm,
    Cancel,
}

use ReviewAction as R;

const MOVE: &[(Press, ReviewAction)] = &[
    (key(KeyCode::Up), R::Up),
    (key(KeyCode::Down), R::Down),
    (ch('j'), R::Down),
    (ch('k'), R::Up),
];
const PAGE: &[(Press, ReviewAction)] = &[
    (key(KeyCode::PageUp), R::PageUp),
    (key(KeyCode::PageDown), R::PageDown),
];
const TAB_KEYS: &[(Press, ReviewAction)] = &[
    (key(KeyCode::Tab), R::NextTab),
    (ch('1'), R::ToInbox),
    (ch('2'), R::ToInterviews),
    (ch('3'), R::ToSummary),
];

const R_HELP: Bound<ReviewAction> = Bound {
    help: HELP,
    presses: &[(ch('?'), R::Help)],
};
const R_QUIT: Bound<ReviewAction> = Bound {
    help: ("q ^C", "quit", "退出", Some(("quit", "退出"))),
    presses: &[(ch('q'), R::Quit), (ctrl('c'), R::Quit)],
};
const R_TABS: Bound<ReviewAction> = Bound {
    help: (
        "Tab 1 2 3",
        "inbox, interviews, day summary",
        "收件箱、访问、汇总",
        Some(("tabs", "切换")),
    ),
    presses: TAB_KEYS,
};
const R_LEAVE_OUT_FLAGGED: Bound<ReviewAction> = Bound {
    help: (
        "x",
        "scores: leave flagged interviews out, or count them again",
        "得分：不计有标记的访问，或重新计入",
        Some(("flagged out", "不计标记")),
    ),
    presses: &[(ch('x'), R::LeaveOutFlagged)],
};
const R_REJECT: Bound<ReviewAction> = Bound {
    help: (
        "r",
        "reject (say why: the surveyor will see it)",
        "驳回（须写明原因，访问员会看到）",
        Some(("reject", "驳回")),
    ),
    presses: &[(ch('r'), R::Reject)],
};

/// Keys of the review app on every screen, the prompt too.
pub const ANYWHERE: &[Bound<ReviewAction>] = &[Bound {
    help: ("^C", "quit", "退出", None),
    presses: &[(ctrl('c'), R::Quit)],
}];

/// The review app's inbox tab.
pub const REVIEW_INBOX: &[Bound<ReviewAction>] = &[
    Bound {
        help: ("↑↓ j k", "move", "移动", Some(("move", "移动"))),
        presses: MOVE,
    },
    Bound {
        help: (
            "Enter",
            "the batch's surveyor's interviews, at the batch's first",
            "查看该批次访问员的访问（定位到该批次第一份）",
            Some(("interviews", "查看访问")),
        ),
        presses: &[(key(KeyCode::Enter), R::Open)],
    },
    R_LEAVE_OUT_FLAGGED,
    R_TABS,
    R_HELP,
    R_QUIT,
];

/// The review app's interviews tab.
pub const REVIEW_INTERVIEWS: &[Bound<ReviewAction>] = &[
    Bound {
        help: ("↑↓ j k", "move", "移动", None),
        presses: MOVE,
    },
    Bound {
        help: ("PgUp PgDn", "page", "翻页", None),
        presses: PAGE,
    },
    Bound {
        help: (
            "Enter",
            "the interview in detail",
            "查看访问详情",
            Some(("open", "详情")),
        ),
        presses: &[(key(KeyCode::Enter), R::Open)],
    },
    Bound {
        help: (
            "a",
            "approve (comment optional), then to the next undecided",
            "通过（意见可不填），并转到下一份未决定的",
            Some(("approve", "通过")),
        ),
        presses: &[(ch('a'), R::Approve)],
    },
    R_REJECT,
    Bound {
        help: (
            "o",
            "sort: time, surveyor, flags",
            "排序：时间、访问员、标记数",
            Some(("sort", "排序")),
        ),
        presses: &[(ch('o'), R::Sort)],
    },
    Bound {
        help: (
            "f",
            "filter: all, flagged, flags, undecided, approved, rejected",
            "筛选：全部、有标记、各项标记、未决定、已通过、已驳回",
            Some(("filter", "筛选")),
        ),
        presses: &[(ch('f'), R::Filter)],
    },
    Bound {
        help: (
            "c",
            "community: all, each one, (unknown)",
            "社区：全部、各社区、（未知）",
            Some(("community", "社区")),
        ),
        presses: &[(ch('c'), R::Community)],
    },
    Bound {
        help: (
            "s",
            "surveyor: all, each one",
            "访问员：全部、各访问员",
            None,
        ),
        presses: &[(ch('s'), R::Surveyor)],
    },
    Bound {
        help: (
            "Tab 1 2 3",
            "inbox, interviews, day summary",
            "收件箱、访问、汇总",
            None,
        ),
        presses: TAB_KEYS,
    },
    R_HELP,
    R_QUIT,
];

/// One interview in detail.
pub const REVIEW_DETAIL: &[Bound<ReviewAction>] = &[
    Bound {
        help: ("↑↓ j k", "scroll", "滚动", Some(("scroll", "滚动"))),
        presses: MOVE,
    },
    Bound {
        help: ("PgUp PgDn", "scroll a page", "翻页", None),
        presses: PAGE,
    },
    Bound {
        help: (
            "a",
            "approve (a comment is optional)",
            "通过（意见可不填）",
            Some(("approve", "通过")),
        ),
        presses: &[(ch('a'), R::Approve)],
    },
    R_REJECT,
    Bound {
        help: (
            "Esc ←",
            "back to the list",
            "返回列表",
            Some(("back", "返回")),
        ),
        presses: &[(key(KeyCode::Esc), R::Back), (key(KeyCode::Left), R::Back)],
    },
    R_HELP,
    Bound {
        help: ("^C", "quit", "退出", None),
        presses: &[(ctrl('c'), R::Quit)],
    },
];

/// The day summary tab.
pub const REVIEW_SUMMARY: &[Bound<ReviewAction>] = &[
    Bound {
        help: (
            "↑↓ j k",
            "scroll the lists that do not fit",
            "滚动显示不下的列表",
            Some(("scroll", "滚动")),
        ),
        presses: MOVE,
    },
    Bound {
        help: ("PgUp PgDn", "scroll a page", "翻页", None),
        presses: PAGE,
    },
    R_LEAVE_OUT_FLAGGED,
    R_TABS,
    R_HELP,
    R_QUIT,
];

/// The approve or reject prompt (other keys edit the comment).
pub const REVIEW_DECISION: &[Bound<ReviewAction>] = &[
    Bound {
        help: (
            "Enter",
            "record the decision",
            "确认并记录",
            Some(("confirm", "确认")),
        ),
        presses: &[(key(KeyCode::Enter), R::Confirm)],
    },
    Bound {
        help: ("Esc", "cancel", "取消", Some(("cancel", "取消"))),
        presses: &[(key(KeyCode::Esc), R::Cancel)],
    },
];

/// The review app's bindings on `screen` (none for the surveyor's).
pub fn review_bindings(screen: Screen) -> &'static [Bound<ReviewAction>] {
    match screen {
        Screen::ReviewInbox => REVIEW_INBOX,
        Screen::ReviewInterviews => REVIEW_INTERVIEWS,
        Screen::ReviewDetail => REVIEW_DETAIL,
        Screen::ReviewSummary => REVIEW_SUMMARY,
        Screen::ReviewDecision => REVIEW_DECISION,
        _ => &[],
    }
}

/// Help rows of data bindings.
fn rows<A>(table: &'static [Bound<A>]) -> Vec<Binding> {
    table.iter().map(|b| b.help).collect()
}

pub fn bindings(screen: Screen) -> Vec<Binding> {
    match screen {
        Screen::List => rows(LIST),
        Screen::Resident => rows(RESIDENT),
        Screen::Interview => rows(INTERVIEW),
        Screen::Review => rows(CHECK),
        Screen::Summary => rows(SUMMARY),
        Screen::Setup => rows(SETUP),
        Screen::ReviewInbox
        | Screen::ReviewInterviews
        | Screen::ReviewDetail
        | Screen::ReviewSummary
        | Screen::ReviewDecision => rows(review_bindings(screen)),
    }
}

/// (keys, description) in the interface language, for the help screen.
pub fn described(screen: Screen, lang: Lang) -> impl Iterator<Item = (&'static str, &'static str)> {
    bindings(screen)
        .into_iter()
        .map(move |(k, en, zh, _)| (k, if lang == Lang::Zh { zh } else { en }))
}

/// (keys, short description) for the footer, without the keys in `hidden`
/// (those that do nothing where the user is).
pub fn footer<'a>(
    screen: Screen,
    lang: Lang,
    hidden: &'a [&'static str],
) -> impl Iterator<Item = (&'static str, &'static str)> + 'a {
    bindings(screen)
        .into_iter()
        .filter_map(move |(k, _, _, short)| {
            short
                .filter(|_| !hidden.contains(&k))
                .map(|(en, zh)| (k, if lang == Lang::Zh { zh } else { en }))
        })
}

/// The keys a help row shows, one by one: "↑↓" is two, "^C" is Ctrl+C.
pub fn tokens(shown: &str) -> Vec<String> {
    if shown.chars().count() > 1 && shown.chars().all(|c| "↑↓←→".contains(c)) {
        return shown.chars().map(String::from).collect();
    }
    match shown.strip_prefix('^') {
        Some(c) if !c.is_empty() => vec![format!("Ctrl+{}", c.to_uppercase())],
        _ => vec![shown.to_string()],
    }
}

/// A press as help rows and the README name it: "j", "Enter", "Ctrl+C".
pub fn press_name(p: Press) -> String {
    let name = match p.code {
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::BackTab => "Shift+Tab".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        other => format!("{other:?}"),
    };
    if p.ctrl {
        format!("Ctrl+{}", name.to_uppercase())
    } else if p.alt {
        format!("Alt+{name}")
    } else {
        name
    }
}

/// The checks every app's key tables pass (each app's tests call them
/// for each of its screens).
#[cfg(test)]
pub(crate) mod table_checks {
    use super::*;

    /// No press means two things on one screen, nor anything but what
    /// `anywhere` binds it to.
    pub fn no_press_bound_twice<A: Copy + PartialEq + std::fmt::Debug>(
        screen: &str,
        anywhere: &[Bound<A>],
        table: &[Bound<A>],
    ) {
        let mut seen: Vec<(Press, A)> = anywhere
            .iter()
            .flat_map(|b| b.presses.iter().copied())
            .collect();
        for b in table {
            for (p, a) in b.presses {
                if let Some((_, other)) = seen.iter().find(|(q, _)| q == p) {
                    assert_eq!(other, a, "{screen}: {p:?} is {other:?} and {a:?}");
                }
                seen.push((*p, *a));
            }
        }
    }

    /// What a screen's help says are its keys are the keys it answers to:
    /// each press of a binding is named in the binding's keys as shown,
    /// and nothing else is.
    pub fn shown_keys_are_the_presses<A>(screen: &str, table: &[Bound<A>]) {
        for b in table {
            let shown: Vec<String> = b.help.0.split_whitespace().flat_map(tokens).collect();
            for (p, _) in b.presses {
                let name = press_name(*p);
                assert!(
                    shown.contains(&name),
                    "{screen}: {name} not in {:?}",
                    b.help.0
                );
            }
            assert_eq!(
                shown.len(),
                b.presses.len(),
                "{screen}: {:?} shows keys it does not bind",
                b.help.0
            );
        }
    }

    /// The README's key-table row `name`, or its "anywhere" row, names
    /// each key in `shown` ("1-9" written `1`–`9`).
    pub fn readme_row_names<'a>(name: &str, shown: impl IntoIterator<Item = &'a str>) {
        let readme = include_str!("../../../README.md");
        let row = |name: &str| -> &str {
            let start = format!("| {name} | ");
            readme
                .lines()
                .find(|l| l.starts_with(&start))
                .unwrap_or_else(|| panic!("README has no key row {name:?}"))
        };
        let (line, anywhere) = (row(name), row("anywhere"));
        for key in shown
            .into_iter()
            .flat_map(|s| s.split_whitespace().flat_map(tokens))
        {
            let quoted = match key.split_once('-') {
                Some((a, b)) if !a.is_empty() && !b.is_empty() => format!("`{a}`–`{b}`"),
                _ => format!("`{key}`"),
            };
            assert!(
                line.contains(&quoted) || anywhere.contains(&quoted),
                "README's {name:?} row does not name {quoted}"
            );
        }
    }
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
                // The review app's tabs take a row; the surveyor's app has 23.
                let room = if REVIEW_SCREENS.contains(&screen) {
                    22
                } else {
                    23
                };
                assert!(rows.len() + 4 <= room, "{screen:?}: {} rows", rows.len());
                for (k, d) in rows {
                    // The keys' column is 14 wide: a space before the text.
                    assert!(k.chars().count() <= 13, "{k}");
                    assert!(Line::from(d).width() <= 76 - 2 - 15, "{d}");
                }
            }
        }
    }

    const REVIEW_SCREENS: [Screen; 5] = [
        Screen::ReviewInbox,
        Screen::ReviewInterviews,
        Screen::ReviewDetail,
        Screen::ReviewSummary,
        Screen::ReviewDecision,
    ];

    /// The keys a help row shows, each press by name: "1-9" is nine.
    fn shown_presses(shown: &str) -> Vec<String> {
        shown
            .split_whitespace()
            .flat_map(tokens)
            .flat_map(|t| match t.as_bytes() {
                [a, b'-', b] if a.is_ascii_digit() && b.is_ascii_digit() => {
                    (*a..=*b).map(|d| (d as char).to_string()).collect()
                }
                _ => vec![t],
            })
            .collect()
    }

    /// The surveyor's screens: no key bound twice; each press named in
    /// its row; each key a row names bound in the table (a row may name a
    /// key another binds: the digits pick on a list, are a rating's value).
    #[test]
    fn the_surveyors_keys_are_each_bound_once_and_shown() {
        fn check<A>(name: &str, table: &[Bound<A>]) {
            let mut seen: Vec<Press> = Vec::new();
            let mut shown_all: Vec<String> = Vec::new();
            for b in table {
                let shown = shown_presses(b.help.0);
                for (p, _) in b.presses {
                    assert!(
                        shown.contains(&press_name(*p)),
                        "{name}: {p:?} not in {:?}",
                        b.help.0
                    );
                    assert!(!seen.contains(p), "{name}: {p:?} bound twice");
                    seen.push(*p);
                }
                shown_all.extend(shown);
            }
            let bound: Vec<String> = seen.iter().map(|p| press_name(*p)).collect();
            for k in shown_all {
                assert!(bound.contains(&k), "{name}: {k} shown but not bound");
            }
        }
        check("list", LIST);
        check("resident", RESIDENT);
        check("interview", INTERVIEW);
        check("check", CHECK);
        check("summary", SUMMARY);
        check("setup", SETUP);
    }

    /// Every action of a surveyor's screen has a key (each handler's match
    /// is exhaustive, so each is handled: no binding is dead).
    #[test]
    fn every_surveyor_action_has_a_key() {
        fn check<A: PartialEq + std::fmt::Debug>(table: &[Bound<A>], all: &[A]) {
            for a in all {
                assert!(
                    table.iter().any(|b| b.presses.iter().any(|(_, x)| x == a)),
                    "{a:?} has no key"
                );
            }
        }
        {
            use CheckAction::*;
            check(
                CHECK,
                &[
                    Up,
                    Down,
                    PageUp,
                    PageDown,
                    First,
                    Last,
                    GoTo,
                    NextUnanswered,
                    Finish,
                    Back,
                    EndEarly,
                    Pause,
                ],
            );
        }
        {
            use ListAction::*;
            check(
                LIST,
                &[
                    Up,
                    Down,
                    PageUp,
                    PageDown,
                    First,
                    Last,
                    Open,
                    Search,
                    NextFilter,
                    PreviousFilter,
                    ClearSearch,
                    Summary,
                    Language,
                    Help,
                    Quit,
                ],
            );
        }
        {
            use ResidentAction::*;
            let mut all = vec![
                Start,
                Visit,
                Up,
                Down,
                NextField,
                PreviousField,
                Close,
                Back,
                Yes,
                No,
                Help,
            ];
            all.extend((1..=8).map(Outcome));
            check(RESIDENT, &all);
        }
        {
            use InterviewAction::*;
            let mut all = vec![
                Erase, Yes, No, Tick, Up, Down, Confirm, Back, Previous, Forward, Skip, DontKnow,
                Refused, Check, Note, Language, EndEarly, NewLine, Pause, Help,
            ];
            all.extend((0..=9).map(Digit));
            check(INTERVIEW, &all);
        }
        check(SETUP, &[SetupAction::Save, SetupAction::Quit]);
        check(
            SUMMARY,
            &[
                SummaryAction::Export,
                SummaryAction::Back,
                SummaryAction::Help,
            ],
        );
    }

    /// Where text is typed, letters are text and chords act exactly.
    #[test]
    fn in_text_letters_are_text() {
        use ratatui::crossterm::event::KeyEvent;
        let plain = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        let with = |c, m| KeyEvent::new(KeyCode::Char(c), m);
        assert_eq!(command_in_text(INTERVIEW, &plain('e')), None);
        assert_eq!(command_in_text(INTERVIEW, &plain('1')), None);
        assert_eq!(
            command_in_text(INTERVIEW, &with('e', KeyModifiers::CONTROL)),
            Some(InterviewAction::EndEarly)
        );
        assert_eq!(
            command_in_text(INTERVIEW, &with('j', KeyModifiers::CONTROL)),
            Some(InterviewAction::NewLine)
        );
        // A chord nothing binds goes to the field, not to its letter.
        assert_eq!(
            command_in_text(INTERVIEW, &with('h', KeyModifiers::CONTROL)),
            None
        );
        let enter = |m| KeyEvent::new(KeyCode::Enter, m);
        assert_eq!(
            command_in_text(INTERVIEW, &enter(KeyModifiers::NONE)),
            Some(InterviewAction::Confirm)
        );
        assert_eq!(
            command_in_text(INTERVIEW, &enter(KeyModifiers::ALT)),
            Some(InterviewAction::NewLine)
        );
        assert_eq!(
            command_in_text(LIST, &KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            Some(ListAction::ClearSearch)
        );
        // Outside text, an Alt press nothing binds is the plain key.
        assert_eq!(
            key_match(LIST, &with('j', KeyModifiers::ALT)),
            Some(ListAction::Down)
        );
    }

    /// No key means two things on one screen (nor anything but quit where
    /// `ANYWHERE` already binds it).
    #[test]
    fn no_two_bindings_of_a_screen_share_a_key() {
        for screen in REVIEW_SCREENS {
            let name = format!("{screen:?}");
            table_checks::no_press_bound_twice(&name, ANYWHERE, review_bindings(screen));
        }
    }

    /// What a screen's help says are its keys are the keys it answers to.
    #[test]
    fn each_bindings_keys_as_shown_name_its_presses() {
        for screen in REVIEW_SCREENS {
            table_checks::shown_keys_are_the_presses(
                &format!("{screen:?}"),
                review_bindings(screen),
            );
        }
    }

    /// `key_match` finds a binding's action by its key; Ctrl must be held
    /// for a Ctrl binding, a Ctrl chord nothing binds acts as the plain
    /// key; Shift does not matter.
    #[test]
    fn key_match_finds_the_action_of_a_press() {
        use ratatui::crossterm::event::KeyEvent;
        let plain = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(
            key_match(REVIEW_INBOX, &plain('j')),
            Some(ReviewAction::Down)
        );
        assert_eq!(key_match(REVIEW_INBOX, &plain('z')), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let ctrl_j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL);
        assert_eq!(key_match(REVIEW_INBOX, &ctrl_j), Some(ReviewAction::Down));
        assert_eq!(key_match(ANYWHERE, &ctrl_c), Some(ReviewAction::Quit));
        assert_eq!(key_match(ANYWHERE, &plain('c')), None);
        assert_eq!(
            key_match(REVIEW_INTERVIEWS, &ctrl_c),
            Some(ReviewAction::Quit)
        );
        let shift_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::SHIFT);
        assert_eq!(key_match(REVIEW_INBOX, &shift_q), Some(ReviewAction::Quit));
    }
    /// The README's key table names every key of every screen, as the
    /// help shows them (the "anywhere" row covers `?` and `Ctrl+C`).
    #[test]
    fn the_readme_key_table_names_every_key_of_every_screen() {
        for (screen, name) in [
            (Screen::List, "list"),
            (Screen::Setup, "first start"),
            (Screen::Resident, "resident"),
            (Screen::Interview, "interview"),
            (Screen::Review, "review"),
            (Screen::Summary, "summary"),
            (Screen::ReviewInbox, "review app: inbox"),
            (Screen::ReviewInterviews, "review app: interviews"),
            (Screen::ReviewDetail, "review app: detail"),
            (Screen::ReviewDecision, "review app: approve or reject"),
            (Screen::ReviewSummary, "review app: day summary"),
        ] {
            let shown = bindings(screen).into_iter().map(|(shown, ..)| shown);
            table_checks::readme_row_names(name, shown);
        }
    }
}
