//! The review app's words for the inbox's codes (signatures, outcomes,
//! decisions, quality flags) in the interface language, and text fitted to
//! display columns (a CJK character takes two).

use ratatui::text::Span;

use super::i18n::Lang;
use doorstep_batch::format::{ContentProblem, RecordProblem};
use doorstep_batch::verify::RecordKind;
use doorstep_batch::{BatchCounts, BatchStatus, ManifestField, Problem, SequenceFinding};
use doorstep_core::assignment::Disposition;
use doorstep_review::flags::Flag;
use doorstep_review::inbox::Signature;
use doorstep_store::decisions::DecisionKind;

/// The quality flags, in the order the filter goes through them.
pub const FLAG_CODES: [&str; 6] = [
    "speeding",
    "straight_lining",
    "duplicate_resident",
    "outside_working_hours",
    "many_special_responses",
    "overlapping_interviews",
];

/// A flag's short name, for the list, the filter and the detail.
pub fn flag_name(code: &str, ui: Lang) -> &'static str {
    match code {
        "speeding" => ui.pick("速度过快", "speeding"),
        "straight_lining" => ui.pick("直线作答", "straight-lining"),
        "duplicate_resident" => ui.pick("重复居民", "duplicate"),
        "outside_working_hours" => ui.pick("非工作时间", "off hours"),
        "many_special_responses" => ui.pick("特殊回答多", "many DK/refused"),
        "overlapping_interviews" => ui.pick("时间重叠", "overlap"),
        _ => ui.pick("其他标记", "other flag"),
    }
}

/// Each distinct flag once, by short name, in the order they fired.
pub fn flag_names(flags: &[Flag], ui: Lang) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for f in flags {
        if !codes.contains(&f.code()) {
            codes.push(f.code());
        }
    }
    codes
        .into_iter()
        .map(|c| flag_name(c, ui))
        .collect::<Vec<_>>()
        .join(ui.pick("、", ", "))
}

/// A flag with why it fired: its name, then the reason, both in the
/// interface language.
pub fn flag_line(flag: &Flag, ui: Lang) -> String {
    format!(
        "{}{}{}",
        flag_name(flag.code(), ui),
        ui.pick("：", ": "),
        flag.reason_in(ui.code())
    )
}

/// A sequence gap or duplicate, in the interface language.
pub fn finding_text(f: &SequenceFinding, ui: Lang) -> String {
    if ui != Lang::Zh {
        return f.to_string();
    }
    match f {
        SequenceFinding::Gap {
            device_id,
            after,
            before,
        } => format!("设备 {device_id} 的批次 {after} 与 {before} 之间有缺号"),
        SequenceFinding::Duplicate {
            device_id,
            sequence,
            other,
            same_batch,
        } => format!(
            "设备 {device_id} 的序号 {sequence} 重复（另见 {}{}）",
            other.display(),
            if *same_batch { "，同一批次" } else { "" }
        ),
        SequenceFinding::DuplicateRecords {
            kind,
            count,
            example,
            other,
        } => format!(
            "{count} {}也在 {} 中（如 {example}）：只计一次",
            match kind {
                RecordKind::Visit => "次走访",
                RecordKind::Interview => "份访问",
            },
            other.display()
        ),
        SequenceFinding::Conflict { batch_id, other } => {
            format!("冲突：批次 {batch_id} 也是 {}，内容不同", other.display())
        }
    }
}

/// A sequence finding's short name, for a table cell.
pub fn finding_name(f: &SequenceFinding, ui: Lang) -> &'static str {
    match f {
        SequenceFinding::Gap { .. } => ui.pick("缺号", "gap"),
        SequenceFinding::Duplicate { .. } => ui.pick("序号重复", "duplicate"),
        SequenceFinding::DuplicateRecords { .. } => ui.pick("记录重复", "duplicate records"),
        SequenceFinding::Conflict { .. } => ui.pick("冲突", "CONFLICT"),
    }
}

/// A verdict's name in the interface language ("被篡改", "TAMPERED").
pub fn status_name(s: &BatchStatus, ui: Lang) -> &'static str {
    if ui != Lang::Zh {
        return s.label();
    }
    match s {
        BatchStatus::Valid => "有效",
        BatchStatus::Tampered { .. } => "被篡改",
        BatchStatus::Truncated { .. } => "不完整",
        BatchStatus::SignedByAnotherKey { .. } => "由其他密钥签名",
        BatchStatus::UnknownKey { .. } => "未知密钥",
        BatchStatus::Malformed { .. } => "格式错误",
        BatchStatus::UnsupportedVersion { .. } => "不支持的版本",
    }
}

/// Why a batch fails verification, wholly in the interface language: the
/// verdict's name and what exactly is wrong, from the verifier's
/// structured detail (English as `verify` prints it).
pub fn status_text(s: &BatchStatus, ui: Lang) -> String {
    if ui != Lang::Zh {
        return s.to_string();
    }
    let name = status_name(s, ui);
    let detail = match s {
        BatchStatus::Valid => None,
        BatchStatus::Tampered { reason: p }
        | BatchStatus::Truncated { reason: p }
        | BatchStatus::Malformed { what: p }
        | BatchStatus::UnsupportedVersion { what: p } => Some(problem_text(p, ui)),
        BatchStatus::SignedByAnotherKey {
            claimed_surveyor,
            key_id,
            signer,
        } => Some(match signer {
            Some(s) => format!(
                "批次写的是访问员 {claimed_surveyor}，却是用访问员 {s} 的密钥 {key_id} 签名的"
            ),
            None => format!(
                "批次写的是访问员 {claimed_surveyor}，却是用不在受信任密钥中的密钥 {key_id} 签名的"
            ),
        }),
        BatchStatus::UnknownKey { surveyor_id } => {
            Some(format!("没有访问员 {surveyor_id} 的受信任公钥"))
        }
    };
    match detail {
        Some(detail) => format!("{name}：{detail}"),
        None => name.to_string(),
    }
}

/// What exactly is wrong with a batch, in the interface language.
pub fn problem_text(p: &Problem, ui: Lang) -> String {
    if ui != Lang::Zh {
        return p.to_string();
    }
    let io = |kind: &std::io::ErrorKind| match kind {
        std::io::ErrorKind::NotFound => "文件不存在",
        std::io::ErrorKind::PermissionDenied => "没有读取权限",
        _ => "读取出错",
    };
    match p {
        Problem::BatchUnreadable { kind, .. } => format!("无法读取批次文件（{}）", io(kind)),
        Problem::NoSignatureFile { path } => format!("缺少签名文件 {}", path.display()),
        Problem::SignatureUnreadable { path, kind, .. } => {
            format!("无法读取签名文件 {}（{}）", path.display(), io(kind))
        }
        Problem::SignatureInvalid { path, .. } => {
            format!("签名文件 {} 不是有效的 minisign 签名", path.display())
        }
        Problem::FormatVersion { version } => {
            format!("批次格式版本为 {version}（本程序只能读取版本 1）")
        }
        Problem::CommentNotDoorstep => "签名中的可信注释不是 doorstep 批次的注释".into(),
        Problem::CommentMalformed { .. } => "签名中的可信注释无法解析".into(),
        Problem::CommentChanged { key_id, surveyor } => {
            format!("签名后可信注释被改动（密钥 {key_id}，访问员 {surveyor}）")
        }
        Problem::CommentUnreadable { key_id, .. } => {
            format!("可信注释无法解析，且签名所用的密钥 {key_id} 不在受信任密钥中")
        }
        Problem::KeyIdChanged {
            key_id,
            surveyor,
            surveyor_key,
        } => format!(
            "签名文件中的密钥编号被改动（{key_id}；访问员 {surveyor} 的密钥是 {surveyor_key}）"
        ),
        Problem::SignatureFileLayoutChanged => {
            "签名文件中未签名的部分（非可信注释或排版）被改动".into()
        }
        Problem::CommentNamesAnother { named, signer } => format!(
            "可信注释被改动：注释写的是访问员 {named}，文件却是用访问员 {signer} 的密钥签名的"
        ),
        Problem::SignatureKeyIdAltered { key_id, named_key } => {
            format!("签名被改动：其密钥编号 {key_id} 不是注释所写的密钥 {named_key}")
        }
        Problem::CommentOrSignatureChanged => "签名后可信注释或其签名被改动".into(),
        Problem::SignatureMismatch { surveyor } => {
            format!("签名与访问员 {surveyor} 的密钥不符：签名或文件被改动")
        }
        Problem::ContentChanged {
            added,
            signed_sha256,
        } => {
            let what = match added {
                Some(n) => format!("多了 {n} 字节"),
                None => "大小不变，字节不同".into(),
            };
            format!("签名后内容被改动（{what}；签名时的 SHA-256 为 {signed_sha256}）")
        }
        Problem::Shorter {
            bytes,
            signed_bytes,
            evidence,
        } => {
            let mut t = format!("文件只有 {bytes} 字节，签名时有 {signed_bytes} 字节");
            if let Some(e) = evidence {
                t.push('；');
                t.push_str(&content_problem_zh(e));
            }
            t
        }
        Problem::SizeOrHashMismatch => "已签名的可信注释中的大小或 SHA-256 与文件不符".into(),
        Problem::CannotDecrypt { .. } => "无法用所给的身份文件解密".into(),
        Problem::ManifestVersion { format, version } => {
            format!("清单写的是 {format} 版本 {version}（本程序只能读取版本 1）")
        }
        Problem::ContentInvalid(e) => format!("已签名，但内容有误：{}", content_problem_zh(e)),
        Problem::ManifestDisagrees(list) => {
            let list: Vec<String> = list
                .iter()
                .map(|d| {
                    let name = match d.field {
                        ManifestField::Batch => "批次",
                        ManifestField::Surveyor => "访问员",
                        ManifestField::Device => "设备",
                        ManifestField::Sequence => "序号",
                    };
                    format!("{name} {} 与 {}", d.manifest, d.signed)
                })
                .collect();
            format!("清单与签名的可信注释不一致：{}", list.join("，"))
        }
    }
}

/// A batch's lines that do not hold together, in Chinese. A parser's own
/// message is English: only the line it names is kept.
fn content_problem_zh(p: &ContentProblem) -> String {
    match p {
        ContentProblem::IncompleteLastLine => "最后一行不完整".into(),
        ContentProblem::MissingRecords { expected, found } => format!(
            "缺少记录：清单记有 {} 次走访、{} 份访问，文件中只有 {} 次走访、{} 份访问",
            expected.0, expected.1, found.0, found.1
        ),
        ContentProblem::Malformed(m) => {
            let line = m
                .strip_prefix("line ")
                .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                .filter(|n| !n.is_empty());
            match line {
                Some(n) => format!("第 {n} 行格式错误"),
                None => "格式错误".into(),
            }
        }
        ContentProblem::UnsupportedVersion { format, version } => {
            format!("{format} 版本 {version}")
        }
        ContentProblem::Record { line, id, problem } => {
            let what = match problem {
                RecordProblem::OtherSurveyor { surveyor, signer } => {
                    format!("记为调查员 {surveyor}，但批次属于调查员 {signer}")
                }
                RecordProblem::EmptyId { field } => format!("{field} 为空"),
                RecordProblem::Attempt { attempt } => format!("走访次数 {attempt} 不合理"),
                RecordProblem::EndsBeforeStart => "结束时间早于开始时间".into(),
                RecordProblem::Year { field, year } => format!("{field} 的年份 {year} 不合理"),
                RecordProblem::Repeated { kind } => format!("同一{kind} id 出现两次"),
            };
            format!("第 {line} 行（记录 {id}）：{what}")
        }
    }
}

/// What a batch that fails verification claimed to hold, and that none of
/// it is counted.
pub fn uncounted_text(counts: Option<&BatchCounts>, ui: Lang) -> String {
    match counts {
        Some(c) => match ui {
            Lang::Zh => format!(
                "文件自称含 {} 份访问、{} 次走访（未经验证），均未计入任何统计。",
                c.interviews, c.visits
            ),
            _ => format!(
                "The file claims {} interviews and {} visits (unverified); none is counted in any figure.",
                c.interviews, c.visits
            ),
        },
        None => ui
            .pick(
                "无法读出文件所含内容；其中的访问均未计入任何统计。",
                "What the file holds cannot be read; none of it is counted in any figure.",
            )
            .into(),
    }
}

/// Which rows a band shows when not all fit: "1–4 of 6", "第 1–4 / 共 6";
/// `None` when all are shown.
pub fn rows_shown(first: usize, shown: usize, total: usize, ui: Lang) -> Option<String> {
    if shown >= total {
        return None;
    }
    let (a, b) = (first + 1, first + shown);
    Some(match ui {
        Lang::Zh => format!("第 {a}–{b} / 共 {total}"),
        _ => format!("{a}–{b} of {total}"),
    })
}

/// The day's figures defined, one sentence each, as docs/review.md has them.
pub fn rate_legend(ui: Lang) -> &'static str {
    ui.pick(
        "完成率 = 完成 ÷ 访问；拒访 = 最后一次走访为拒访或中途退出的住户；应答率 RR1 = 完成户 ÷ 合格及资格未知的住户（AAPOR，按每户最后一次走访；迁出、空置不计）",
        "Completion = completed ÷ interviews. Refused = residents whose last visit was a refusal or break-off. RR1 = completed ÷ residents eligible or of unknown eligibility (AAPOR, each by last visit; moved, vacant left out).",
    )
}

/// Minutes as the review app shows every duration: whole minutes, rounded
/// half up (`review::figures::whole_minutes`).
pub fn minutes_text(secs: f64, ui: Lang) -> String {
    format!(
        "{} {}",
        doorstep_review::figures::whole_minutes(secs),
        ui.pick("分钟", "min")
    )
}

pub fn signature_label(s: Signature, ui: Lang) -> &'static str {
    match s {
        Signature::Valid => ui.pick("有效", "valid"),
        Signature::Invalid => ui.pick("无效", "INVALID"),
        Signature::UnknownKey => ui.pick("未知密钥", "unknown key"),
    }
}

/// An interview's outcome (a disposition code) in words; an unknown code
/// as it is.
pub fn outcome_label(code: &str, ui: Lang) -> String {
    Disposition::from_code(code).map_or(code.to_string(), |d| d.label(ui.code()).to_string())
}

pub fn decision_label(d: DecisionKind, ui: Lang) -> &'static str {
    match d {
        DecisionKind::Approved => ui.pick("通过", "approved"),
        DecisionKind::Rejected => ui.pick("驳回", "rejected"),
    }
}

/// Display columns of `s`.
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// `s` padded with spaces to `w` display columns.
pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// `s` in lines of at most `max` display columns, broken after a space or
/// a list mark where there is one, else between characters.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut w = 0;
    // Byte offset in `line` just after the last place it may break.
    let mut brk: Option<usize> = None;
    for c in s.chars() {
        let cw = width(&c.to_string());
        // Closing punctuation never starts a line: the character before it
        // goes down with it.
        let no_start = "，。、；：？！）」』….,;:?!)".contains(c);
        while w + cw > max && !line.is_empty() {
            match brk.take() {
                Some(b) if b < line.len() || (b == line.len() && !no_start) => {
                    let rest = line.split_off(b);
                    lines.push(line.trim_end().to_string());
                    line = rest.trim_start().to_string();
                }
                _ if no_start && line.chars().count() > 1 => {
                    // At the last space, else before the last character
                    // (and any closing mark before it).
                    let at = match line.trim_end().rfind(' ') {
                        Some(sp) if sp > 0 => sp,
                        _ => {
                            let mut at = line.len();
                            for (i, ch) in line.char_indices().rev() {
                                at = i;
                                if !"，。、；：？！）」』….,;:?!)".contains(ch) {
                                    break;
                                }
                            }
                            at
                        }
                    };
                    if at == 0 {
                        lines.push(std::mem::take(&mut line));
                    } else {
                        let rest = line.split_off(at);
                        lines.push(line.trim_end().to_string());
                        line = rest.trim_start().to_string();
                    }
                }
                _ => lines.push(std::mem::take(&mut line)),
            }
            w = width(&line);
        }
        if c == ' ' && line.is_empty() && !lines.is_empty() {
            continue;
        }
        line.push(c);
        w += cw;
        if matches!(c, ' ' | '、' | '，' | ',' | '；' | ';' | '/' | '）' | ')') {
            brk = Some(line.len());
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_and_failures_read_in_chinese_with_their_details() {
        let gap = SequenceFinding::Gap {
            device_id: "D1".into(),
            after: 1,
            before: 3,
        };
        assert_eq!(
            finding_text(&gap, Lang::Zh),
            "设备 D1 的批次 1 与 3 之间有缺号"
        );
        assert_eq!(finding_text(&gap, Lang::En), gap.to_string());
        let tampered = BatchStatus::Tampered {
            reason: Problem::ContentChanged {
                added: None,
                signed_sha256: "ab12".into(),
            },
        };
        assert_eq!(
            status_text(&tampered, Lang::Zh),
            "被篡改：签名后内容被改动（大小不变，字节不同；签名时的 SHA-256 为 ab12）"
        );
        assert_eq!(status_text(&tampered, Lang::En), tampered.to_string());
        let unknown = BatchStatus::UnknownKey {
            surveyor_id: "S09".into(),
        };
        assert_eq!(
            status_text(&unknown, Lang::Zh),
            "未知密钥：没有访问员 S09 的受信任公钥"
        );
    }

    /// Issue 10, item 5: every verifier detail reads in Chinese without
    /// the English of `verify` (names, ids, paths and checksums aside).
    #[test]
    fn every_verifier_detail_reads_in_chinese_without_english() {
        use std::io::ErrorKind;
        use std::path::PathBuf;
        let path = PathBuf::from("/x/b.jsonl.minisig");
        let problems = [
            Problem::BatchUnreadable {
                kind: ErrorKind::PermissionDenied,
                error: "Permission denied".into(),
            },
            Problem::NoSignatureFile { path: path.clone() },
            Problem::SignatureUnreadable {
                path: path.clone(),
                kind: ErrorKind::Other,
                error: "I/O error".into(),
            },
            Problem::SignatureInvalid {
                path: path.clone(),
                error: "line 1 should start with".into(),
            },
            Problem::FormatVersion { version: 9 },
            Problem::CommentNotDoorstep,
            Problem::CommentMalformed {
                error: "is not key=value".into(),
            },
            Problem::CommentChanged {
                key_id: "K1".into(),
                surveyor: "S1".into(),
            },
            Problem::CommentUnreadable {
                problem: "not a doorstep batch comment".into(),
                key_id: "K1".into(),
            },
            Problem::KeyIdChanged {
                key_id: "K1".into(),
                surveyor: "S1".into(),
                surveyor_key: "K2".into(),
            },
            Problem::SignatureFileLayoutChanged,
            Problem::CommentNamesAnother {
                named: "S1".into(),
                signer: "S2".into(),
            },
            Problem::SignatureKeyIdAltered {
                key_id: "K1".into(),
                named_key: "K2".into(),
            },
            Problem::CommentOrSignatureChanged,
            Problem::SignatureMismatch {
                surveyor: "S1".into(),
            },
            Problem::ContentChanged {
                added: Some(12),
                signed_sha256: "0123".into(),
            },
            Problem::Shorter {
                bytes: 10,
                signed_bytes: 20,
                evidence: Some(ContentProblem::MissingRecords {
                    expected: (3, 4),
                    found: (3, 1),
                }),
            },
            Problem::SizeOrHashMismatch,
            Problem::CannotDecrypt {
                error: "no matching keys".into(),
            },
            Problem::ManifestVersion {
                format: "doorstep-batch".into(),
                version: 2,
            },
            Problem::ContentInvalid(ContentProblem::Malformed(
                "line 7: expected value at column 1".into(),
            )),
            Problem::ContentInvalid(ContentProblem::IncompleteLastLine),
            Problem::ManifestDisagrees(vec![doorstep_batch::Disagreement {
                field: ManifestField::Sequence,
                manifest: "2".into(),
                signed: "3".into(),
            }]),
        ];
        for p in &problems {
            let zh = problem_text(p, Lang::Zh);
            // Take out what is data (ids, the path, the format's name).
            let rest = zh
                .replace(&path.display().to_string(), "")
                .replace("doorstep-batch", "")
                .replace("doorstep", "")
                .replace("minisign", "")
                .replace("SHA-256", "");
            assert!(!rest.chars().any(|c| c.is_ascii_lowercase()), "{p:?}: {zh}");
            assert_eq!(problem_text(p, Lang::En), p.to_string());
        }
        assert_eq!(
            problem_text(&problems[20], Lang::Zh),
            "已签名，但内容有误：第 7 行格式错误"
        );
    }

    #[test]
    fn rows_shown_says_which_rows_of_how_many() {
        assert_eq!(rows_shown(0, 4, 6, Lang::En).as_deref(), Some("1–4 of 6"));
        assert_eq!(
            rows_shown(2, 4, 6, Lang::Zh).as_deref(),
            Some("第 3–6 / 共 6")
        );
        assert_eq!(rows_shown(0, 6, 6, Lang::En), None);
    }

    #[test]
    fn wrap_breaks_at_spaces_and_list_marks_and_counts_wide_characters() {
        assert_eq!(wrap("one two three", 8), ["one two", "three"]);
        assert_eq!(
            wrap("医疗健康、法律援助、养老", 12),
            ["医疗健康、", "法律援助、", "养老"]
        );
        // No break opportunity: between characters, never past the width.
        for l in wrap("一二三四五六七八九十", 7) {
            assert!(width(&l) <= 7, "{l}");
        }
        assert_eq!(wrap("一二三四五六七", 7).concat(), "一二三四五六七");
        // Closing punctuation does not start a line.
        assert_eq!(
            wrap("您或家人需要哪些服务？（可多选）", 20),
            ["您或家人需要哪些服", "务？（可多选）"]
        );
        assert_eq!(wrap("left out).", 9), ["left", "out)."]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("short", 10), ["short"]);
    }

    #[test]
    fn flag_names_show_each_flag_once() {
        let flags = [
            Flag::Speeding {
                reason: "a".into(),
                reason_zh: "a".into(),
            },
            Flag::Speeding {
                reason: "b".into(),
                reason_zh: "b".into(),
            },
            Flag::StraightLining {
                reason: "c".into(),
                reason_zh: "c".into(),
            },
        ];
        assert_eq!(flag_names(&flags, Lang::En), "speeding, straight-lining");
        assert_eq!(flag_names(&flags, Lang::Zh), "速度过快、直线作答");
        assert_eq!(flag_line(&flags[0], Lang::Zh), "速度过快：a");
        for code in FLAG_CODES {
            assert_ne!(flag_name(code, Lang::En), "other flag");
        }
    }
}
