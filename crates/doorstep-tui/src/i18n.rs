//! Every piece of interface text, in Simplified Chinese and English.
//! (Questionnaire text comes from the questionnaire itself.)

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

    pub fn s(self) -> &'static Strings {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

pub struct Strings {
    pub app: &'static str,
    pub demo_banner: &'static str,
    pub too_small: &'static str,
    pub assignment: &'static str,
    pub all: &'static str,
    pub filter: &'static str,
    pub search: &'static str,
    pub no_match: &'static str,
    pub col_where: &'static str,
    pub col_name: &'static str,
    pub col_status: &'static str,
    pub col_visits: &'static str,
    pub residents: &'static str,
    pub quota: &'static str,
    pub resident: &'static str,
    pub address: &'static str,
    pub phone: &'static str,
    pub community: &'static str,
    pub attributes: &'static str,
    pub visits: &'static str,
    pub no_visits: &'static str,
    pub attempt: &'static str,
    pub appointment: &'static str,
    /// Before an appointment's time in the list's status column.
    pub appointment_short: &'static str,
    pub start_interview: &'static str,
    pub resume_interview: &'static str,
    pub record_visit: &'static str,
    pub outcome: &'static str,
    pub note: &'static str,
    pub appointment_at: &'static str,
    pub saved: &'static str,
    pub visit_saved: &'static str,
    pub question: &'static str,
    pub of: &'static str,
    pub elapsed: &'static str,
    pub hint: &'static str,
    pub special: &'static str,
    pub specify_other: &'static str,
    pub type_answer: &'static str,
    pub add_another: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub question_note: &'static str,
    pub end_of_questions: &'static str,
    pub review: &'static str,
    pub not_answered: &'static str,
    pub required_missing: &'static str,
    pub ready_to_finish: &'static str,
    pub cannot_finish: &'static str,
    pub finished: &'static str,
    pub paused: &'static str,
    pub end_early: &'static str,
    pub ended_early: &'static str,
    pub summary: &'static str,
    pub today_visits: &'static str,
    pub residents_interviewed: &'static str,
    pub other_outcomes: &'static str,
    pub pending_export: &'static str,
    pub exported: &'static str,
    pub export_hint: &'static str,
    pub export_title: &'static str,
    pub key_password: &'static str,
    pub export_prompt_hint: &'static str,
    pub nothing_to_export: &'static str,
    pub export_failed: &'static str,
    pub help: &'static str,
    pub help_close: &'static str,
    pub save_failed: &'static str,
    pub none: &'static str,
    pub language: &'static str,
    pub language_not_saved: &'static str,
}

pub static ZH: Strings = Strings {
    app: "入户调查",
    demo_banner: "演示数据：内置的演示居民名单和问卷",
    too_small: "终端窗口太小：至少需要 80×24，当前",
    assignment: "走访名单",
    all: "全部",
    filter: "筛选",
    search: "搜索",
    no_match: "没有符合条件的居民",
    col_where: "房号",
    col_name: "姓名",
    col_status: "状态",
    col_visits: "走访",
    residents: "户",
    quota: "配额",
    resident: "居民",
    address: "地址",
    phone: "电话",
    community: "社区",
    attributes: "其他信息",
    visits: "走访记录",
    no_visits: "尚未走访",
    attempt: "第",
    appointment: "预约",
    appointment_short: "预约",
    start_interview: "开始访问",
    resume_interview: "继续访问",
    record_visit: "记录走访结果",
    outcome: "结果",
    note: "备注",
    appointment_at: "预约时间（年-月-日 时:分）",
    saved: "已保存",
    visit_saved: "走访结果已保存",
    question: "第",
    of: "题，共",
    elapsed: "用时",
    hint: "提示",
    special: "特殊回答",
    specify_other: "请注明：",
    type_answer: "输入答案后按 Enter",
    add_another: "是否再添加一组：",
    yes: "是",
    no: "否",
    question_note: "本题备注",
    end_of_questions: "问题已全部完成，请检查后结束访问",
    review: "检查答案",
    not_answered: "（未回答）",
    required_missing: "必答题未回答",
    ready_to_finish: "所有必答题已完成，按 F 结束访问",
    cannot_finish: "还不能结束：",
    finished: "访问已完成并保存",
    paused: "访问已暂停并保存",
    end_early: "提前结束访问",
    ended_early: "访问已提前结束",
    summary: "今日汇总",
    today_visits: "今日走访（按结果）",
    residents_interviewed: "受访居民",
    other_outcomes: "其他结果",
    pending_export: "待导出",
    exported: "已导出",
    export_hint: "按 x 导出签名批次（或运行 doorstep export）",
    export_title: "导出签名批次",
    key_password: "签名密钥密码",
    export_prompt_hint: "Enter 导出  Esc 取消",
    nothing_to_export: "没有新的待导出记录",
    export_failed: "导出失败，没有记录被标记为已导出：",
    help: "按键说明",
    help_close: "按任意键关闭",
    save_failed: "保存失败，输入内容仍保留：",
    none: "无",
    language: "语言",
    language_not_saved: "界面语言已切换，但未能保存（下次启动仍用原来的语言）：",
};

pub static EN: Strings = Strings {
    app: "doorstep",
    demo_banner: "DEMO DATA: bundled demo residents and questionnaire",
    too_small: "Terminal too small: need at least 80×24, now",
    assignment: "Assignment",
    all: "All",
    filter: "Filter",
    search: "Search",
    no_match: "No residents match",
    col_where: "Room",
    col_name: "Name",
    col_status: "Status",
    col_visits: "Visits",
    residents: "residents",
    quota: "Quota",
    resident: "Resident",
    address: "Address",
    phone: "Phone",
    community: "Community",
    attributes: "Other details",
    visits: "Visits",
    no_visits: "Not visited yet",
    attempt: "#",
    appointment: "Appointment",
    appointment_short: "Appt",
    start_interview: "Start interview",
    resume_interview: "Resume interview",
    record_visit: "Record visit outcome",
    outcome: "Outcome",
    note: "Note",
    appointment_at: "Appointment (YYYY-MM-DD HH:MM)",
    saved: "Saved",
    visit_saved: "Visit outcome saved",
    question: "Question",
    of: "of",
    elapsed: "Elapsed",
    hint: "Hint",
    special: "Special responses",
    specify_other: "Please specify:",
    type_answer: "Type the answer, then Enter",
    add_another: "Add another:",
    yes: "Yes",
    no: "No",
    question_note: "Note on this question",
    end_of_questions: "All questions done: review, then finish",
    review: "Review answers",
    not_answered: "(not answered)",
    required_missing: "required, not answered",
    ready_to_finish: "Every required question is answered: press F to finish",
    cannot_finish: "Cannot finish yet:",
    finished: "Interview completed and saved",
    paused: "Interview paused and saved",
    end_early: "End the interview early",
    ended_early: "Interview ended early",
    summary: "Day summary",
    today_visits: "Today's visits by outcome",
    residents_interviewed: "Residents interviewed",
    other_outcomes: "Other outcomes",
    pending_export: "Waiting for export",
    exported: "Exported",
    export_hint: "Press x to export a signed batch (or run doorstep export)",
    export_title: "Export a signed batch",
    key_password: "Signing key password",
    export_prompt_hint: "Enter export  Esc cancel",
    nothing_to_export: "Nothing new to export",
    export_failed: "Export failed, nothing was marked exported:",
    help: "Keys",
    help_close: "Press any key to close",
    save_failed: "Not saved (what you typed is kept):",
    none: "none",
    language: "Language",
    language_not_saved: "Language switched but not saved (the next start uses the old one):",
};
