//! The office app's keys, as data (like the review app's in `crate::keys`):
//! each screen's table of `Bound` rows gives the keys, the action each
//! triggers and the help and footer texts, so help, footer and behaviour
//! cannot drift apart.

use ratatui::crossterm::event::KeyCode;

use crate::i18n::Lang;
use crate::keys::{Binding, Bound, Press, ch, ctrl, key};

/// Where the office app is: a tab, a detail over it, or a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeScreen {
    Ingestion,
    Orders,
    /// One work order with its history.
    OrderDetail,
    /// Changing an order's status, with a note (other keys edit the note).
    OrderStatus,
    Progress,
    Scores,
    /// One community's scores in detail.
    ScoreDetail,
    Keys,
}

impl OfficeScreen {
    pub const ALL: [OfficeScreen; 8] = [
        OfficeScreen::Ingestion,
        OfficeScreen::Orders,
        OfficeScreen::OrderDetail,
        OfficeScreen::OrderStatus,
        OfficeScreen::Progress,
        OfficeScreen::Scores,
        OfficeScreen::ScoreDetail,
        OfficeScreen::Keys,
    ];
}

/// What a key does in the office app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeAction {
    Up,
    Down,
    PageUp,
    PageDown,
    NextTab,
    PrevTab,
    ToIngestion,
    ToOrders,
    ToProgress,
    ToScores,
    ToKeys,
    /// A work order or a community in detail.
    Open,
    Back,
    /// Work orders: the next department, status; only overdue ones.
    Department,
    Status,
    Overdue,
    /// Change the order's status (the prompt).
    ChangeStatus,
    /// Progress and scores: the previous or next quarter (or year).
    PrevPeriod,
    NextPeriod,
    /// Scores: quarters or years.
    QuarterOrYear,
    /// The prompt: record it; leave it.
    Confirm,
    Cancel,
    Help,
    Quit,
}

use OfficeAction as O;

const MOVE: &[(Press, OfficeAction)] = &[
    (key(KeyCode::Up), O::Up),
    (key(KeyCode::Down), O::Down),
    (ch('j'), O::Down),
    (ch('k'), O::Up),
];
const PAGE: &[(Press, OfficeAction)] = &[
    (key(KeyCode::PageUp), O::PageUp),
    (key(KeyCode::PageDown), O::PageDown),
];

const O_MOVE: Bound<OfficeAction> = Bound {
    help: ("↑↓ j k", "move", "移动", Some(("move", "移动"))),
    presses: MOVE,
};
const O_SCROLL: Bound<OfficeAction> = Bound {
    help: ("↑↓ j k", "scroll", "滚动", Some(("scroll", "滚动"))),
    presses: MOVE,
};
const O_PAGE: Bound<OfficeAction> = Bound {
    help: ("PgUp PgDn", "page", "翻页", None),
    presses: PAGE,
};
const O_TABS: Bound<OfficeAction> = Bound {
    help: (
        "Tab 1 2 3 4 5",
        "ingestion, orders, sample, scores, keys",
        "接收、工单、样本、得分、密钥",
        Some(("tabs", "切换")),
    ),
    presses: &[
        (key(KeyCode::Tab), O::NextTab),
        (ch('1'), O::ToIngestion),
        (ch('2'), O::ToOrders),
        (ch('3'), O::ToProgress),
        (ch('4'), O::ToScores),
        (ch('5'), O::ToKeys),
    ],
};
/// The tabs, not in the footer (where a screen has many keys of its own).
const O_TABS_QUIET: Bound<OfficeAction> = Bound {
    help: (O_TABS.help.0, O_TABS.help.1, O_TABS.help.2, None),
    presses: O_TABS.presses,
};
const O_MOVE_QUIET: Bound<OfficeAction> = Bound {
    help: ("↑↓ j k", "move", "移动", None),
    presses: MOVE,
};
const O_BACK_TAB: Bound<OfficeAction> = Bound {
    help: ("Shift+Tab", "the tab before", "上一个标签", None),
    presses: &[(key(KeyCode::BackTab), O::PrevTab)],
};
const O_PERIOD: Bound<OfficeAction> = Bound {
    help: (
        "[ ]",
        "the quarter before, after",
        "上一季度、下一季度",
        Some(("quarter", "季度")),
    ),
    presses: &[(ch('['), O::PrevPeriod), (ch(']'), O::NextPeriod)],
};
const O_HELP: Bound<OfficeAction> = Bound {
    help: ("?", "help", "帮助", Some(("help", "帮助"))),
    presses: &[(ch('?'), O::Help)],
};
const O_QUIT: Bound<OfficeAction> = Bound {
    help: ("q ^C", "quit", "退出", Some(("quit", "退出"))),
    presses: &[(ch('q'), O::Quit), (ctrl('c'), O::Quit)],
};
const O_CHANGE: Bound<OfficeAction> = Bound {
    help: (
        "u",
        "change the status, with a note",
        "变更状态（附说明）",
        Some(("change", "变更")),
    ),
    presses: &[(ch('u'), O::ChangeStatus)],
};
const O_BACK: Bound<OfficeAction> = Bound {
    help: (
        "Esc ←",
        "back to the list",
        "返回列表",
        Some(("back", "返回")),
    ),
    presses: &[(key(KeyCode::Esc), O::Back), (key(KeyCode::Left), O::Back)],
};
const O_CTRL_C: Bound<OfficeAction> = Bound {
    help: ("^C", "quit", "退出", None),
    presses: &[(ctrl('c'), O::Quit)],
};

/// Keys on every screen, the prompt too.
pub const ANYWHERE: &[Bound<OfficeAction>] = &[O_CTRL_C];

pub const INGESTION: &[Bound<OfficeAction>] =
    &[O_SCROLL, O_PAGE, O_TABS, O_BACK_TAB, O_HELP, O_QUIT];

pub const ORDERS: &[Bound<OfficeAction>] = &[
    O_MOVE_QUIET,
    O_PAGE,
    Bound {
        help: (
            "Enter",
            "the order in detail, with its history",
            "查看工单详情及处理记录",
            Some(("open", "详情")),
        ),
        presses: &[(key(KeyCode::Enter), O::Open)],
    },
    O_CHANGE,
    Bound {
        help: (
            "d",
            "department: all, each one",
            "部门：全部、各部门",
            Some(("department", "部门")),
        ),
        presses: &[(ch('d'), O::Department)],
    },
    Bound {
        help: (
            "f",
            "status: all, each one",
            "状态：全部、各状态",
            Some(("filter", "筛选")),
        ),
        presses: &[(ch('f'), O::Status)],
    },
    Bound {
        help: (
            "o",
            "only overdue orders, or all",
            "只看逾期工单，或全部",
            Some(("overdue", "逾期")),
        ),
        presses: &[(ch('o'), O::Overdue)],
    },
    O_TABS_QUIET,
    O_BACK_TAB,
    O_HELP,
    O_QUIT,
];

pub const ORDER_DETAIL: &[Bound<OfficeAction>] =
    &[O_SCROLL, O_PAGE, O_CHANGE, O_BACK, O_HELP, O_CTRL_C];

/// The status prompt (other keys edit the note).
pub const ORDER_STATUS: &[Bound<OfficeAction>] = &[
    Bound {
        help: (
            "↑↓",
            "choose the new status",
            "选择新状态",
            Some(("choose", "选择")),
        ),
        presses: &[(key(KeyCode::Up), O::Up), (key(KeyCode::Down), O::Down)],
    },
    Bound {
        help: (
            "Enter",
            "record the change",
            "确认并记录",
            Some(("confirm", "确认")),
        ),
        presses: &[(key(KeyCode::Enter), O::Confirm)],
    },
    Bound {
        help: ("Esc", "cancel", "取消", Some(("cancel", "取消"))),
        presses: &[(key(KeyCode::Esc), O::Cancel)],
    },
];

pub const PROGRESS: &[Bound<OfficeAction>] =
    &[O_MOVE, O_PAGE, O_PERIOD, O_TABS, O_BACK_TAB, O_HELP, O_QUIT];

pub const SCORES: &[Bound<OfficeAction>] = &[
    O_MOVE_QUIET,
    O_PAGE,
    Bound {
        help: (
            "Enter",
            "the community in detail: dimensions, weakest items, change",
            "社区详情：各维度、最弱题项、变化",
            Some(("open", "详情")),
        ),
        presses: &[(key(KeyCode::Enter), O::Open)],
    },
    Bound {
        help: (
            "[ ]",
            "the period before, after",
            "上一期、下一期",
            Some(("period", "期间")),
        ),
        presses: &[(ch('['), O::PrevPeriod), (ch(']'), O::NextPeriod)],
    },
    Bound {
        help: (
            "y",
            "quarters or years",
            "按季度或按年",
            Some(("quarter/year", "季/年")),
        ),
        presses: &[(ch('y'), O::QuarterOrYear)],
    },
    O_TABS,
    O_BACK_TAB,
    O_HELP,
    O_QUIT,
];

pub const SCORE_DETAIL: &[Bound<OfficeAction>] = &[O_SCROLL, O_PAGE, O_BACK, O_HELP, O_CTRL_C];

pub const KEYS: &[Bound<OfficeAction>] = &[O_MOVE, O_PAGE, O_TABS, O_BACK_TAB, O_HELP, O_QUIT];

/// The bindings of `screen`.
pub fn bindings(screen: OfficeScreen) -> &'static [Bound<OfficeAction>] {
    match screen {
        OfficeScreen::Ingestion => INGESTION,
        OfficeScreen::Orders => ORDERS,
        OfficeScreen::OrderDetail => ORDER_DETAIL,
        OfficeScreen::OrderStatus => ORDER_STATUS,
        OfficeScreen::Progress => PROGRESS,
        OfficeScreen::Scores => SCORES,
        OfficeScreen::ScoreDetail => SCORE_DETAIL,
        OfficeScreen::Keys => KEYS,
    }
}

/// (keys, description) in the interface language, for the help.
pub fn described(screen: OfficeScreen, lang: Lang) -> Vec<(&'static str, &'static str)> {
    bindings(screen)
        .iter()
        .map(|b| {
            let (k, en, zh, _): Binding = b.help;
            (k, lang.pick(zh, en))
        })
        .collect()
}

/// (keys, short description) for the footer.
pub fn footer(screen: OfficeScreen, lang: Lang) -> Vec<(&'static str, &'static str)> {
    bindings(screen)
        .iter()
        .filter_map(|b| {
            let (k, _, _, short) = b.help;
            short.map(|(en, zh)| (k, lang.pick(zh, en)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::table_checks;
    use ratatui::text::Line;

    /// The footer of every screen fits one 80-column line, and the help
    /// its 76-column popup between the tabs and the footer, in both
    /// languages.
    #[test]
    fn every_footer_and_help_fits_80x24() {
        for screen in OfficeScreen::ALL {
            for lang in [Lang::En, Lang::Zh] {
                let footer: usize = footer(screen, lang)
                    .iter()
                    .map(|(k, d)| Line::from(format!("{k} {d} ")).width())
                    .sum();
                assert!(footer <= 80, "{screen:?} {lang:?}: {footer}");
                let rows = described(screen, lang);
                assert!(rows.len() + 4 <= 22, "{screen:?}: {} rows", rows.len());
                for (k, d) in rows {
                    assert!(k.chars().count() <= 14, "{k}");
                    assert!(Line::from(d).width() <= 76 - 2 - 15, "{d}");
                }
            }
        }
    }

    /// What a screen's help says are its keys are the keys it answers to.
    #[test]
    fn each_bindings_keys_as_shown_name_its_presses() {
        for screen in OfficeScreen::ALL {
            table_checks::shown_keys_are_the_presses(&format!("{screen:?}"), bindings(screen));
        }
    }

    /// No key means two things on one screen (nor anything but quit where
    /// `ANYWHERE` binds it).
    #[test]
    fn no_two_bindings_of_a_screen_share_a_key() {
        for screen in OfficeScreen::ALL {
            let name = format!("{screen:?}");
            table_checks::no_press_bound_twice(&name, ANYWHERE, bindings(screen));
        }
    }

    /// The README's key table names every key of every screen of the
    /// office app (the "anywhere" row covers `Ctrl+C`).
    #[test]
    fn the_readme_key_table_names_every_key_of_every_screen() {
        for (screen, name) in [
            (OfficeScreen::Ingestion, "office app: ingestion"),
            (OfficeScreen::Orders, "office app: work orders"),
            (OfficeScreen::OrderDetail, "office app: work order"),
            (OfficeScreen::OrderStatus, "office app: status change"),
            (OfficeScreen::Progress, "office app: sample progress"),
            (OfficeScreen::Scores, "office app: scores"),
            (OfficeScreen::ScoreDetail, "office app: community scores"),
            (OfficeScreen::Keys, "office app: keys"),
        ] {
            table_checks::readme_row_names(name, bindings(screen).iter().map(|b| b.help.0));
        }
    }
}
