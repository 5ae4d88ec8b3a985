//! The catalogue's messages: an id each, its Chinese and its English, with
//! `{name}` placeholders filled by `msg!`. Grouped by where they are used.

use super::{Lang, fill};

macro_rules! catalogue {
    ($( $(#[$doc:meta])* $id:ident: $zh:literal, $en:literal; )*) => {
        /// A message of the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg {
            $( $(#[$doc])* $id, )*
        }

        impl Msg {
            /// Every message, for the test that both languages have each.
            pub const ALL: &'static [Msg] = &[$(Msg::$id),*];

            /// The message in `lang`, placeholders unfilled.
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        (Msg::$id, Lang::Zh) => $zh,
                        (Msg::$id, Lang::En) => $en,
                    )*
                }
            }
        }
    };
}

impl Msg {
    /// The message in `lang` with its placeholders filled (see `msg!`).
    pub fn fill(self, lang: Lang, values: &[(&str, &dyn std::fmt::Display)]) -> String {
        fill(self.text(lang), values)
    }
}

catalogue! {
    // ----- dispositions (assignment/disposition.rs) -----
    DispositionComplete: "完成", "Complete";
    DispositionPartial: "部分完成", "Partial";
    DispositionBreakOff: "中途退出", "Break-off";
    DispositionRefusal: "拒访", "Refusal";
    DispositionNoOneHome: "无人在家", "No one at home";
    DispositionRespondentAway: "受访者不在", "Respondent away";
    DispositionAppointment: "已预约", "Appointment made";
    DispositionLanguageBarrier: "语言障碍", "Language barrier";
    DispositionUnable: "无法受访（病弱等）", "Unable (ill or incapable)";
    DispositionMoved: "已搬走", "Moved";
    DispositionVacant: "空置或非住宅", "Vacant / not a residence";
    GroupComplete: "完成", "complete";
    GroupPartial: "部分完成", "partial";
    GroupRefusalBreakOff: "拒访/中途退出", "refusal/break-off";
    GroupNonContact: "未接触", "non-contact";
    GroupOther: "其他/不合格", "other/ineligible";

    // ----- resident statuses (assignment/status.rs) -----
    StatusToVisit: "待访", "To visit";
    StatusRevisitDue: "待再访", "Revisit due";
    StatusAppointment: "已预约", "Appointment";
    StatusInProgress: "访问中", "In progress";
    StatusCompleted: "已完成", "Completed";
    StatusPartial: "部分完成", "Partial";
    StatusBrokenOff: "中途退出", "Broken off";
    StatusRefused: "拒访", "Refused";
    StatusClosed: "无法访问", "Closed";

    // ----- typed dates and times (datetime_input.rs) -----
    EnterDate: "请填写日期", "Enter a date";
    EnterTime: "请填写时间", "Enter a time";
    NotADate: "看不懂这个日期：请写成 2026-11-30、20261130 或 11-30",
        "Not a date: write 2026-11-30, 20261130 or 11-30";
    NotATime: "看不懂这个时间：请写成 19:30、1930 或 7:30",
        "Not a time: write 19:30, 1930 or 7:30";
    NoSuchDay: "没有这一天", "There is no such day";
    NoSuchTime: "没有这个时间（时 0–23，分 0–59）",
        "There is no such time (hours 0–23, minutes 0–59)";
    NeedsMinutes: "请写上分钟，如 19:00", "Add the minutes, e.g. 19:00";

    // ----- the interview flow (interview/messages.rs, flow.rs) -----
    Required: "此题必答", "An answer is required";
    NotAChoice: "“{value}”不是本题的选项", "'{value}' is not one of the options";
    SpecifyOther: "选择“其他”时请注明具体内容", "Please specify the 'other' answer";
    Exclusive: "“{label}”不能与其他选项同时选择",
        "'{label}' cannot be combined with other options";
    OutOfRange: "请输入 {min} 至 {max} 之间的值", "Enter a value from {min} to {max}";
    TooLong: "最多 {n} 个字", "At most {n} characters";
    SpecialNotAllowed: "本题不接受“不知道/拒绝回答”",
        "This question does not accept 'don't know' or 'refused'";
    WrongType: "答案类型不符（本题为 {kind}）",
        "Wrong kind of answer for this question (type {kind})";
    NotRelevant: "根据前面的回答，本题不适用",
        "This question does not apply given earlier answers";
    ConstraintFailed: "答案不符合要求", "This answer is not allowed";
    EndsInterview: "此回答结束访问，不能继续往下",
        "This answer ends the interview: there is nothing after it";
    NotANumber: "请输入有效数字", "Enter a valid number";
    DontKnow: "不知道", "Don't know";
    Refused: "拒绝回答", "Refused";
    /// The label of an "other" option that has none of its own.
    OtherSpecify: "其他（请注明）", "Other (please specify)";

    // ----- quality flags' reasons (flags.rs) -----
    FlagShort: "用时 {len} 分钟，不到访问时长中位数（{median} 分钟）的 {share}%",
        "{len} min, under {share}% of the median interview ({median} min)";
    FlagFastQuestions: "每题用时中位数 {median} 秒（阈值 {threshold} 秒）",
        "median {median} s per question (threshold {threshold} s)";
    FlagStraightLining: "连续 {items} 道评分题都答 {value}",
        "{items} rating items in a row answered {value}";
    FlagDuplicate: "居民 {resident} 有 {n} 份完成的访问",
        "resident {resident} has {n} completed interviews";
    FlagOutsideHours: "当地时间 {at} 开始（工作时间 {from}–{to}）",
        "started at {at} local time (working hours {from}–{to})";
    FlagManySpecial: "{n} 个回答中 {specials} 个为“不知道”或“拒答”（超过 {share}%）",
        "{specials} of {n} answers are \"don't know\" or \"refused\" (over {share}%)";
    FlagOverlap: "与该访问员的另一份访问（当地时间 {at} 开始）同时进行了 {minutes} 分钟",
        "worked at the same time as another of the surveyor's interviews (started {at} local time) for {minutes} min";

    // ----- why a batch fails verification (doorstep-batch problem_text.rs) -----
    /// `{detail}`: what the system said (English), or its kind (Chinese).
    BatchUnreadable: "无法读取批次文件（{detail}）", "cannot read the batch file: {detail}";
    NoSignatureFile: "缺少签名文件 {path}", "no signature file {path}";
    SignatureUnreadable: "无法读取签名文件 {path}（{detail}）", "cannot read {path}: {detail}";
    /// `{detail}`: the parser's English words after ": ", none in Chinese.
    SignatureInvalid: "签名文件 {path} 不是有效的 minisign 签名{detail}", "signature file {path}{detail}";
    FormatVersion: "批次格式版本为 {version}（本程序只能读取版本 1）",
        "batch format version {version} (this build reads version 1)";
    CommentNotDoorstep: "签名中的可信注释不是 doorstep 批次的注释",
        "the signature's trusted comment is not a doorstep batch comment";
    CommentMalformed: "签名中的可信注释无法解析{detail}", "the signature's trusted comment{detail}";
    CommentChanged: "签名后可信注释被改动（密钥 {key_id}，访问员 {surveyor}）",
        "the trusted comment was changed after signing (key {key_id}, surveyor {surveyor})";
    CommentUnreadable: "可信注释无法解析{detail}，且签名所用的密钥 {key_id} 不在受信任密钥中",
        "unreadable trusted comment{detail} signed with key {key_id}, which is not in the trusted keys";
    KeyIdChanged: "签名文件中的密钥编号被改动（{key_id}；访问员 {surveyor} 的密钥是 {surveyor_key}）",
        "the signature file's key id was changed ({key_id}, the key of surveyor {surveyor} is {surveyor_key})";
    SignatureFileLayoutChanged: "签名文件中未签名的部分（非可信注释或排版）被改动",
        "the signature file was changed outside its signed parts (untrusted comment or layout)";
    CommentNamesAnother: "可信注释被改动：注释写的是访问员 {named}，文件却是用访问员 {signer} 的密钥签名的",
        "the trusted comment was changed: it names surveyor {named}, but the file was signed with surveyor {signer}'s key";
    SignatureKeyIdAltered: "签名被改动：其密钥编号 {key_id} 不是注释所写的密钥 {named_key}",
        "the signature was altered: its key id {key_id} is not the key {named_key} its comment names";
    CommentOrSignatureChanged: "签名后可信注释或其签名被改动",
        "the trusted comment or its signature was changed after signing";
    SignatureMismatch: "签名与访问员 {surveyor} 的密钥不符：签名或文件被改动",
        "the signature does not match surveyor {surveyor}'s key: the signature or the file was changed";
    ContentChanged: "签名后内容被改动（{what}；签名时的 SHA-256 为 {sha256}）",
        "the content changed after signing ({what}; signed sha256 {sha256})";
    BytesAdded: "多了 {n} 字节", "{n} bytes were added";
    SameSizeDifferentBytes: "大小不变，字节不同", "same size, different bytes";
    Shorter: "文件只有 {bytes} 字节，签名时有 {signed} 字节", "the file has {bytes} bytes, {signed} were signed";
    /// Between a problem and its evidence.
    Semicolon: "；", "; ";
    SizeOrHashMismatch: "已签名的可信注释中的大小或 SHA-256 与文件不符",
        "the signed trusted comment's size or sha256 does not match the file it signs";
    CannotDecrypt: "无法用所给的身份文件解密{detail}", "cannot decrypt with the identity given{detail}";
    ManifestVersion: "清单写的是 {format} 版本 {version}（本程序只能读取版本 1）",
        "manifest says {format} version {version} (this build reads version 1)";
    ContentInvalid: "已签名，但内容有误：{problem}", "signed, but the content is invalid: {problem}";
    ManifestDisagrees: "清单与签名的可信注释不一致：{list}",
        "the manifest and the signature's trusted comment disagree: {list}";
    /// One field of `ManifestDisagrees`.
    Disagreement: "{field} {manifest} 与 {signed}", "{field} {manifest} vs {signed}";
    /// Between the items of a list in a sentence.
    ListComma: "，", ", ";
    FieldBatch: "批次", "batch";
    FieldSurveyor: "访问员", "surveyor";
    FieldDevice: "设备", "device";
    FieldSequence: "序号", "sequence";
    IoNotFound: "文件不存在", "file not found";
    IoPermissionDenied: "没有读取权限", "permission denied";
    IoOther: "读取出错", "read error";
    IncompleteLastLine: "最后一行不完整", "the last line is incomplete";
    MissingRecords: "缺少记录：清单记有 {visits} 次走访、{interviews} 份访问，文件中只有 {found_visits} 次走访、{found_interviews} 份访问",
        "records are missing: the manifest counts {visits} visits, {interviews} interviews, the file has {found_visits} visits, {found_interviews} interviews";
    /// A malformed line, in Chinese (English shows the parser's words).
    MalformedLine: "第 {line} 行格式错误", "line {line} is malformed";
    Malformed: "格式错误", "malformed";
    ContentVersion: "{format} 版本 {version}", "{format} version {version}";

    // ----- a batch's verdict and sequence findings (doorstep-batch problem_text.rs) -----
    BatchValid: "有效", "VALID";
    BatchTampered: "被篡改", "TAMPERED";
    BatchTruncated: "不完整", "TRUNCATED";
    BatchSignedByAnotherKey: "由其他密钥签名", "SIGNED-BY-ANOTHER-KEY";
    BatchUnknownKey: "未知密钥", "UNKNOWN-KEY";
    BatchMalformed: "格式错误", "MALFORMED";
    BatchUnsupportedVersion: "不支持的版本", "UNSUPPORTED-VERSION";
    /// A verdict's name and what exactly is wrong.
    VerdictWithDetail: "{name}：{detail}", "{name}: {detail}";
    SignedByAnotherSurveyor: "批次写的是访问员 {claimed}，却是用访问员 {signer} 的密钥 {key_id} 签名的",
        "names surveyor {claimed} but was signed with surveyor {signer}'s key {key_id}";
    SignedByUntrustedKey: "批次写的是访问员 {claimed}，却是用不在受信任密钥中的密钥 {key_id} 签名的",
        "names surveyor {claimed} but was signed with key {key_id}, which is not in the trusted keys";
    NoTrustedKey: "没有访问员 {surveyor} 的受信任公钥", "no trusted key for surveyor {surveyor}";
    SequenceGap: "设备 {device} 的批次 {after} 与 {before} 之间有缺号",
        "gap between {after} and {before} on device {device}";
    SequenceDuplicate: "设备 {device} 的序号 {sequence} 重复（另见 {other}{same}）",
        "duplicate sequence {sequence} on device {device} (also {other}{same})";
    /// After `SequenceDuplicate`'s other file, when it is the same batch.
    SameBatch: "，同一批次", ", the same batch";
    DuplicateVisit: "{count} 次走访也在 {other} 中（如 {example}）：只计一次",
        "{count} visit also in {other} (e.g. {example}): counted once";
    DuplicateVisits: "{count} 次走访也在 {other} 中（如 {example}）：只计一次",
        "{count} visits also in {other} (e.g. {example}): counted once";
    DuplicateInterview: "{count} 份访问也在 {other} 中（如 {example}）：只计一次",
        "{count} interview also in {other} (e.g. {example}): counted once";
    DuplicateInterviews: "{count} 份访问也在 {other} 中（如 {example}）：只计一次",
        "{count} interviews also in {other} (e.g. {example}): counted once";
    BatchConflict: "冲突：批次 {batch} 也是 {other}，内容不同",
        "CONFLICT: batch {batch} is also {other} with different content";
    RecordLine: "第 {line} 行（记录 {id}）：{what}", "line {line}: record {id}: {what}";
    RecordOtherSurveyor: "记为调查员 {surveyor}，但批次属于调查员 {signer}",
        "names surveyor {surveyor}, but the batch is surveyor {signer}'s";
    RecordEmptyId: "{field} 为空", "{field} is empty";
    RecordAttempt: "走访次数 {attempt} 不在 1–{max} 之内", "attempt {attempt} is outside 1..={max}";
    RecordEndsBeforeStart: "结束时间早于开始时间", "ended_at is before started_at";
    RecordYear: "{field} 的年份 {year} 不在 {first}–{last} 之内",
        "{field} is in the year {year}, outside {first}..={last}";
    RecordRepeated: "同一{kind} id 出现两次", "the same {kind} id appears twice";
    RecordCalculateDiffers: "计算项 {key} 的记录值不是答案算出的值（伪造或过时）",
        "calculate {key}: the recorded value is not what the answers give (forged or stale)";
    RecordCalculateMissing: "计算项 {key} 没有记录值，但答案算出了一个值",
        "calculate {key}: no value recorded, though the answers give one";
    RecordNotACalculate: "{key} 不是问卷中的计算项，却记为计算值",
        "{key} is recorded as a calculate, but the questionnaire has no such calculate";

    // ----- the supervisor's review app (doorstep-tui supervisor/) -----
    RvStarted: "开始", "Started";
    RvScore: "分数", "score";
    RvApproved: "已通过", "Approved";
    RvRejected: "已驳回", "Rejected";
    RvColon: "：", ": ";
    RvAnswers: "回答", "Answers";
    RvTime: "用时", "time";
    RvNotAnswered: "（未答）", "(not answered)";
    RvNotAskedSkipped: "未问（跳过）", "not asked (skipped)";
    RvSeconds: "秒", "s";
    RvEndedHere: "  —— 访问在此结束 ——", "  — the interview ended here —";
    RvComputed: "计算值（由应用算出，不是受访者的回答）",
        "Computed values (by the app, not said by the resident)";
    RvDimensionScores: "维度得分", "Dimension scores";
    RvEnumComma: "、", ", ";
    RvSemicolon: "；", "; ";
    RvSurveyor: "访问员", "Surveyor";
    RvDay: "日期", "Day";
    RvSeq: "序号", "Seq";
    RvSignature: "签名", "Signature";
    RvVisits: "走访", "Visits";
    RvInterviews: "访问", "Interviews";
    RvFindings: "问题", "Findings";
    RvCompleted: "完成", "Completed";
    RvRefused: "拒访", "Refused";
    RvCompletion: "完成率", "Completion";
    RvRR1: "应答率(RR1)", "RR1";
    RvMeanScore: "平均分", "Mean score";
    RvFlagged: "标记", "Flagged";
    RvCommunity: "社区", "Community";
    RvResidents: "住户", "Residents";
    RvScore2: "平均分", "Score";
    RvTime2: "时间", "time";
    RvSurveyor2: "访问员", "surveyor";
    RvFlags: "标记数", "flags";
    RvAll: "全部", "all";
    RvFlagged2: "有标记", "flagged";
    RvUndecided: "未决定", "undecided";
    RvApproved2: "已通过", "approved";
    RvRejected2: "已驳回", "rejected";
    RvInterviews2: "份访问", "interviews";
    RvSort: "排序", "sort";
    RvFilter: "筛选", "filter";
    RvCommunity2: "社区", "community";
    RvResident: "居民", "Resident";
    RvStart: "开始", "Start";
    RvMin: "分钟", "Min";
    RvOutcome: "结果", "Outcome";
    RvScore3: "分数", "Score";
    RvDecision: "决定", "Decision";
    RvFlags2: "质量标记", "Flags";
    RvUnknown: "（未知）", "(unknown)";
    Rv1Inbox: "1 收件箱", "1 Inbox";
    Rv2Interviews: "2 访问", "2 Interviews";
    Rv3Summary: "3 汇总", "3 Summary";
    RvPasteTooLong: "粘贴的文字太长（意见最多 500 字），未粘贴", "Not pasted: too long (a comment holds at most 500 characters)";
    RvRejectNeedsWhy: "驳回时请写明原因，访问员会看到", "Say why: the surveyor will see it";
    RvApproveThisInterview: "通过这份访问", "Approve this interview";
    RvRejectThisInterview: "驳回这份访问", "Reject this interview";
    RvComment: "意见", "Comment";
    RvOutcomesBySurveyor: "各访问员的最终结果（户）", "Outcomes by surveyor (residents' final disposition)";
    RvRateBySurveyor: "各访问员应答率（RR1）", "Response rate by surveyor (RR1)";
    RvRateByCommunity: "各社区应答率（RR1）", "Response rate by community (RR1)";
    RvMeansNotRejectedFlagged: "各维度平均分（不含驳回和标记）", "Mean score, not rejected/flagged";
    RvMeansNotRejected: "各维度平均分（不含驳回）", "Mean score, not rejected";
    RvLengths: "完成访问时长（分钟）", "Completed interviews' length (min)";
    RvMissingOf: "{surveyor} 第 {seqs} 批", "{surveyor} no. {seqs}";
    RvMissingBatches: "缺少批次：{each}（数据不全）", "Missing batches: {each} (figures incomplete)";
    /// Before a batch's problem: whose batch it is.
    RvBatchOf: "{surveyor} 第 {seq} 批：", "{surveyor} #{seq}: ";
    RvCounting: "得分只计已通过和未决定的访问（不计已驳回 {rejected} 份）",
        "Scores: approved and undecided interviews (left out: {rejected} rejected)";
    RvCountingUnflagged: "得分只计已通过和未决定、无标记的访问（不计已驳回 {rejected} 份、有标记 {flagged} 份）",
        "Scores: approved and undecided, unflagged (left out: {rejected} rejected, {flagged} flagged)";
    /// At the right of the tabs, on every tab.
    RvDecidedOf: "已决定 {decided} / {all} 份 ", "decided {decided} of {all} ";
    // ----- the review app's words for the inbox's codes (doorstep-tui review_text.rs) -----
    RvSpeeding: "速度过快", "speeding";
    RvStraightLining: "直线作答", "straight-lining";
    RvDuplicateResident: "重复居民", "duplicate";
    RvOffHours: "非工作时间", "off hours";
    RvManyDKRefused: "特殊回答多", "many DK/refused";
    RvOverlap: "时间重叠", "overlap";
    RvOtherFlag: "其他标记", "other flag";
    RvGap: "缺号", "gap";
    RvDuplicateSeq: "序号重复", "duplicate";
    RvDuplicateRecords: "记录重复", "duplicate records";
    RvConflict: "冲突", "CONFLICT";
    RvUnreadableUncounted: "无法读出文件所含内容；其中的访问均未计入任何统计。", "What the file holds cannot be read; none of it is counted in any figure.";
    RvRateLegend: "完成率 = 完成 ÷ 访问；拒访 = 最后一次走访为拒访或中途退出的住户；应答率 RR1 = 完成户 ÷ 合格及资格未知的住户（AAPOR，按每户最后一次走访；迁出、空置不计）", "Completion = completed ÷ interviews. Refused = residents whose last visit was a refusal or break-off. RR1 = completed ÷ residents eligible or of unknown eligibility (AAPOR, each by last visit; moved, vacant left out).";
    RvMinutes: "分钟", "min";
    RvValid: "有效", "valid";
    RvInvalid: "无效", "INVALID";
    RvUnknownKey: "未知密钥", "unknown key";
    RvApprovedShort: "通过", "approved";
    RvRejectedShort: "驳回", "rejected";

    // ----- the surveyor's app (doorstep-tui: app, data, screens/) -----
    SvCannotDiscard: "这份访问已有内容，不能丢弃", "This interview holds answers: it cannot be discarded";
    SvDiscarded: "访问还没有任何回答，已丢弃（不留记录）", "No answers yet: the interview was discarded (nothing kept)";
    SvDiscardOption: "丢弃（尚无回答，不留记录）", "Discard (no answers yet, nothing kept)";
    SvPasswordEmpty: "密码不能为空", "The password cannot be empty";
    SvPasswordsDiffer: "两次输入的密码不一致", "The two passwords differ";
    SvNewKeyUnreadable: "新密钥无法读取", "The new key cannot be read";
    SvNotEncrypted: "注意：批次未加密，拿到文件的人都能读到居民信息（配置中没有 office_recipient）", "NOT encrypted: anyone with the file can read it (no office_recipient in the config)";
    SvChooseYesNoFirst: "请先选择：1 是，2 否", "Choose first: 1 yes, 2 no";
    SvIncompleteEntry: "格式不完整，请检查", "Incomplete entry: check the format";
    SvChooseHow: "（按数字键、y/n 或空格选择）", " (choose with a digit, y/n or Space)";
    SvEndTheInterview: "结束访问", "End the interview";
    SvHintLongText: "文字（Alt+Enter 换行）", "Text (Alt+Enter: new line)";
    SvHintText: "文字", "Text";
    SvHintInteger: "整数", "Whole number";
    SvHintNumber: "数字", "Number";
    SvHintDate: "日期 年-月-日", "Date YYYY-MM-DD";
    SvHintTime: "时间 时:分", "Time HH:MM";
    SvLettersAreText: "输入框内字母不是命令：提前结束 Ctrl+E，不知道 Ctrl+D，拒答 Ctrl+R", "Letters are not commands here: Ctrl+E end early, Ctrl+D don't know, Ctrl+R refused";
    SvCannotGoHere: "此处不能输入这个字符", "That cannot go in this field";
    SvCreateKey: "创建签名密钥", "Create your signing key";
    SvNoKeyYet: "还没有签名密钥。设一个密码（每次导出都要输入），就会创建密钥并导出。", "There is no signing key yet. Choose a password (asked at each export): the key is made, then the export runs.";
    SvNewPassword: "新密码", "New password";
    SvPasswordAgain: "再输一次", "Again";
    SvCreateKeyKeys: "Tab 切换  Enter 创建并导出  Esc 取消", "Tab next field  Enter create and export  Esc cancel";
    SvSentBack: "督导退回", "Sent back by the supervisor";
    SvResumePartial: "继续部分完成的访问", "Resume the partial interview";
    SvStartAnother: "再开始一份访问…", "Start another interview…";
    SvInProgress: "访问进行中（未结束）", "Interview in progress (not ended)";
    SvStartSecondBlank: "再开始一份新的空白访问吗？", "Start a second, blank interview?";
    SvStartSecondKeys: "y / Enter 开始新访问  n / Esc 取消", "y / Enter start it  n / Esc cancel";
    SvAnotherInterview: "再次访问？", "Another interview?";
    SvAppointmentDate: "预约日期（如 11-30）", "Appointment date (e.g. 11-30)";
    SvAppointmentTime: "时间（如 19:30）", "Time (e.g. 19:30)";
    SvEnterSurveyorId: "请输入调查员编号", "Enter your surveyor id";
    SvSurveyorIdRules: "编号只能用字母、数字、-、_ 和 .（以字母或数字开头，最多 64 个），不能有空格或 /", "Use letters, digits, -, _ and . (starting with a letter or digit, at most 64): no spaces or /";
    SvCannotSaveSettings: "无法保存设置：", "Cannot save the settings: ";
    SvFirstStart: "首次使用", "First start";
    SvSurveyorIdIntro: "请输入督导给您的调查员编号（如 S1）。本机的每次走访和访问都记在这个编号下，导出的批次也用它签名。设置后不再询问。", "Enter the surveyor id your supervisor gave you (e.g. S1). Every visit and interview on this laptop is recorded under it, and batches are signed with it. Asked once.";
    SvSurveyorId: "调查员编号", "Surveyor id";
    SvSurveyorIdHint: "字母、数字、- 或 _，如 S1、wang-li", "Letters, digits, - or _, e.g. S1, wang-li";
    SvEndedAs: "{ended}：{outcome}", "{ended}: {outcome}";
    SvChooseFirstKeys: "! 请先按 {keys} 选择", "! Choose first: {keys}";
    SvEndEarlyKeys: "{keys} 选择  Enter 确认  Esc 取消", "{keys} choose  Enter confirm  Esc cancel";
    SvAnswerEnds: "有回答结束了访问（{label}）：按 e 结束，或修改标 ! 的那题", "An answer ends the interview ({label}): e to end, or change the one marked !";
    /// Between the items of a list in a sentence.
    SvListSeparator: "，", ", ";
    SvCannotFinishBecause: "{cannot}{why}", "{cannot} {why}";
    SvHintTextAtMost: "文字，最多 {n} 字", "Text, at most {n} characters";
    SvTypedDigitsOrEnter: "  已输入 {typed}_ ：再输入一位数字，或按 Enter 选 {typed}", "  Typed {typed}_ : type the next digit, or Enter for {typed}";
    SvTypedDigits: "  已输入 {typed}_ ：请再输入一位数字", "  Typed {typed}_ : type the next digit";
    SvAnswerEndsAs: "此回答将结束本次访问，记为“{label}”。", "This answer ends the interview as: {label}.";
    SvAnswerEndsKeys: "Enter 确认结束  Esc 返回修改答案", "Enter end it  Esc change the answer";
    SvAppointmentPassed: "{at} 已过去：再按 Enter 仍保存，或修改", "{at} has passed: Enter again to save anyway";
    SvAlreadyInterviewed: "这位居民已有一份访问：{last}。", "This resident already has an interview: {last}.";
    SvVisitFormKeys: "Tab 切换  Enter 保存  Esc 取消", "Tab next field  Enter save  Esc cancel";
    SvRequiredMissingOne: "{n} 道必答题未回答", "{n} required question not answered";
    SvRequiredMissing: "{n} 道必答题未回答", "{n} required questions not answered";
    SvToChangeOne: "{n} 个答案需要修改", "{n} answer to change";
    SvToChange: "{n} 个答案需要修改", "{n} answers to change";
    SvExportFailedBecause: "{failed}{why}", "{failed} {why}";

    // ----- the office app (doorstep-tui office/) -----
    Of1Ingestion: "1 接收", "1 Ingestion";
    Of2Orders: "2 工单", "2 Orders";
    Of3Progress: "3 样本进度", "3 Sample";
    Of4Scores: "4 得分", "4 Scores";
    Of5Keys: "5 密钥", "5 Keys";
    OfIngestCounts: "已接收 {ingested} 个批次 · 隔离 {quarantined} 个（冲突 {conflicts} 个）· 决定文件 {decisions} 个",
        "{ingested} batches ingested · {quarantined} quarantined ({conflicts} conflicts) · {decisions} decisions files";
    OfInterviewCounts: "访问 {total} 份，计入统计 {counted} 份", "{total} interviews, {counted} counted";
    OfMissingTitle: "缺少的批次（按设备）", "Missing batches, per device";
    OfNoneMissing: "无：各设备的批次序号连续", "None: every device's batches are in sequence";
    OfMissingLine: "{surveyor} 设备 {device}：第 {seqs} 批", "{surveyor} device {device}: no. {seqs}";
    OfQuarantineTitle: "隔离和冲突（{n} 个）及原因", "Quarantined and conflicting ({n}), with reasons";
    OfNoneQuarantined: "无", "None";
    OfBatchesTitle: "已接收的批次（{n} 个，最新在前）", "Batches ingested ({n}, latest first)";
    OfBatchLine: "  {surveyor} {device} 第 {seq} 批 · 访问 {interviews} 份 · 走访 {visits} 次 · 接收于 {at}",
        "  {surveyor} {device} #{seq} · {interviews} interviews · {visits} visits · in {at}";
    OfKindConflict: "冲突", "CONFLICT";
    OfKindTampered: "被篡改", "tampered";
    OfKindTruncated: "不完整", "truncated";
    OfKindUnknownKey: "未知密钥", "unknown key";
    OfKindRevokedKey: "密钥已吊销", "revoked key";
    OfKindMalformed: "格式错误", "malformed";
    OfKindSignedByAnotherKey: "由其他密钥签名", "signed by another key";
    OfKindUnsupportedVersion: "版本不受支持", "unsupported version";
    OfKindEncrypted: "已加密", "encrypted";
    OfKindSurveyorMismatch: "访问员与签名不符", "surveyor mismatch";
    OfKindDecisionsBadSignature: "决定文件签名无效", "decisions: bad signature";
    OfKindDecisionsUnknownKey: "决定文件：未知督导密钥", "decisions: unknown key";
    OfKindDecisionsUnreadable: "决定文件无法读取", "decisions: unreadable";
    OfReasonNoTrustedKeys: "没有信任的密钥：用 office keys add FILE.pub 添加，或给出 --keys DIR",
        "no trusted keys: add them with `office keys add FILE.pub` or give --keys DIR";
    OfReasonEncrypted: "已加密：签名有效，但无法读取内容；请给出 --identity FILE",
        "encrypted: the signature checks out but the content cannot be read; give --identity FILE";
    OfReasonRevoked: "由访问员 {surveyor} 的密钥 {key} 签名，该密钥自 {from} 起吊销；批次创建于 {created}",
        "signed with surveyor {surveyor}'s key {key}, revoked from {from}; the batch was created {created}";
    OfReasonSurveyorMismatch: "访问 {interview} 记录的访问员是 {named}，但批次由访问员 {surveyor} 签名",
        "interview {interview} names surveyor {named} but the batch is signed by surveyor {surveyor}";
    OfReasonBatchConflict: "批次 {batch} 已从 {file} 接收，内容不同",
        "batch {batch} was already ingested from {file} with other content";
    OfReasonSequenceConflict: "设备 {device} 的第 {seq} 批已是批次 {other}（来自 {file}）",
        "device {device} sequence {seq} is already batch {other} (from {file})";
    OfReasonInterviewConflict: "访问 {interview} 已在库中，内容不同",
        "interview {interview} is already in the office with other content";
    OfKeyOwner: "所有者", "Owner";
    OfKeyId: "密钥编号", "Key id";
    OfKeyAdded: "添加于", "Added";
    OfKeyRevoked: "吊销", "Revoked";
    OfRevokedFrom: "自 {from} 起吊销", "from {from}";
    OfNoKeys: "尚无信任的密钥：用 doorstep office keys add FILE.pub 添加", "No trusted keys yet: add them with doorstep office keys add FILE.pub";
    OfStatusNew: "新建", "new";
    OfStatusSubstantiated: "核实属实", "substantiated";
    OfStatusNotSubstantiated: "核实不属实", "not substantiated";
    OfStatusInRectification: "整改中", "in rectification";
    OfStatusRectified: "已整改", "rectified";
    OfStatusSatisfied: "回访满意", "satisfied";
    OfStatusNotSatisfied: "回访不满意", "not satisfied";
    OfStatusClosed: "已关闭", "closed";
    OfStatusReopened: "重新打开", "reopened";
    OfAll: "全部", "all";
    OfOnlyOverdue: "仅逾期", "only overdue";
    OfOrderFilters: "部门: {department} · 状态: {status} · 逾期: {overdue}", "department: {department} · status: {status} · overdue: {overdue}";
    OfOrderCount: "工单 {n} 张", "work orders: {n}";
    OfColStatus: "状态", "Status";
    OfColDepartment: "部门", "Department";
    OfColCategory: "类别", "Category";
    OfColCommunity: "社区", "Community";
    OfColDeadline: "期限", "Deadline";
    OfOverdueMark: " 逾期", " OVERDUE";
    OfNoOrders: "没有符合条件的工单", "No work orders match";
    OfOrderTitle: "工单 #{id} · {status}", "Work order #{id} · {status}";
    OfLocation: "地点", "Location";
    OfComplaint: "反映内容", "Complaint";
    OfCallback: "回访电话", "Call-back";
    OfNoCallback: "（居民未同意回访）", "(the resident did not agree to a call-back)";
    OfCreated: "创建于", "created";
    OfCanMoveTo: "可变更为", "Can move to";
    OfHistory: "处理记录", "History";
    OfNoNextStatus: "状态为“{status}”的工单不能再变更", "An order that is {status} cannot change";
    OfChangeStatusTitle: "变更工单 #{id}（现为 {status}）", "Work order #{id} (now {status})";
    OfNewStatus: "新状态", "New status";
    OfNote: "说明", "Note";
    OfNotePlaceholder: "处理情况说明（可不填）", "what was done (optional)";
    OfNoteHint: "↑↓ 选择状态 · 输入说明 · Enter 记录 · Esc 取消", "↑↓ status · type the note · Enter records · Esc cancels";
    OfPasteTooLong: "粘贴的文字太长（说明最多 {n} 字），未粘贴", "Not pasted: too long (a note holds at most {n} characters)";
    OfStatusChanged: "工单 #{id} 已变更为：{status}", "Work order #{id} is now {status}";
    OfNoSample: "尚未抽样：用 doorstep office sample 抽取本季度样本", "No sample yet: draw one with doorstep office sample";
    OfProgressTitle: "{quarter} 样本进度（第 {n} / {of} 个季度，[ ] 切换）", "{quarter} sample progress (quarter {n} of {of}, [ ] to change)";
    OfColStratum: "分层", "Stratum";
    OfColTarget: "目标", "Target";
    OfColReached: "已完成", "Reached";
    OfColReserves: "备用已用", "Reserves";
    OfProgressTotal: "合计：已完成 {reached} / 目标 {target}（{share}）· RR1 按 AAPOR，含已启用的备用样本",
        "Total: {reached} of {target} reached ({share}) · RR1: AAPOR, reserves used included";
    OfNoScores: "尚无可计分的访问", "No interviews to score yet";
    OfScoresTitle: "{period} 全市排名（综合指数；名次区间 90%，{draws} 次自助抽样）", "{period} city ranking (combined index; 90% rank intervals, {draws} draws)";
    OfScoresNotes: " · {n} 条提示见 office scores", " · {n} notes: see office scores";
    OfColRank: "名次", "Rank";
    OfColRankInterval: "区间", "Range";
    OfColScore: "得分", "Score";
    OfColGrade: "等级", "Grade";
    OfColChange: "环比", "Change";
    OfScoresLegend: "! 样本量小（仅供参考）· * 变化显著 · Enter 查看社区详情", "! small sample (indicative) · * significant change · Enter: details";
    OfDetailRank: "全市第 {rank} 名（90% 区间 {low}–{high}，共 {of} 个社区）· {grade}", "Rank {rank} in the city (90% interval {low}–{high} of {of}) · {grade}";
    OfDetailIndex: "综合指数 {score}（95% CI {low}–{high}）· n {n} · 有效 n {n_eff}", "Index {score} (95% CI {low}–{high}) · n {n} · effective n {n_eff}";
    OfDetailSmall: "样本量小：直接估计仅供参考；收缩估计 {shrunk}", "Small sample: the direct estimate is indicative; shrunk estimate {shrunk}";
    OfDetailChange: "环比 {change}（95% CI {low} – {high}）：{verdict}", "Change {change} (95% CI {low} – {high}): {verdict}";
    OfDetailNoChange: "环比：上一期无数据", "Change: no figure for the period before";
    OfSignificant: "显著", "significant";
    OfNotSignificant: "不显著", "not significant";
    OfByChannel: "各渠道综合指数", "Index by channel";
    OfByDimension: "各维度（渠道加权）", "Dimensions (channels combined)";
    OfWeakest: "最弱的题项", "Weakest items";
    OfImportance: "重要性", "Import.";
    OfNoItems: "无计分题项", "No scored items";
    OfChannelHomeVisit: "入户", "home visit";
    OfChannelPhone: "电话", "phone";
    OfChannelOnline: "网络", "online";
    OfChannelCombined: "综合", "combined";
}
