//! The review app's words for the inbox's codes (signatures, outcomes,
//! decisions, quality flags) in the interface language, and text fitted to
//! display columns (a CJK character takes two).

use ratatui::text::Span;

use super::i18n::{Lang, msg};
use doorstep_batch::{BatchCounts, BatchStatus, Problem, SequenceFinding};
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
        "speeding" => msg!(ui, RvSpeeding),
        "straight_lining" => msg!(ui, RvStraightLining),
        "duplicate_resident" => msg!(ui, RvDuplicateResident),
        "outside_working_hours" => msg!(ui, RvOffHours),
        "many_special_responses" => msg!(ui, RvManyDKRefused),
        "overlapping_interviews" => msg!(ui, RvOverlap),
        _ => msg!(ui, RvOtherFlag),
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
        .join(msg!(ui, RvEnumComma))
}

/// A flag with why it fired: its name, then the reason, both in the
/// interface language.
pub fn flag_line(flag: &Flag, ui: Lang) -> String {
    format!(
        "{}{}{}",
        flag_name(flag.code(), ui),
        msg!(ui, RvColon),
        flag.reason_in(ui.code())
    )
}

/// A sequence gap or duplicate, in the interface language.
pub fn finding_text(f: &SequenceFinding, ui: Lang) -> String {
    f.text(ui)
}

/// A sequence finding's short name, for a table cell.
pub fn finding_name(f: &SequenceFinding, ui: Lang) -> &'static str {
    match f {
        SequenceFinding::Gap { .. } => msg!(ui, RvGap),
        SequenceFinding::Duplicate { .. } => msg!(ui, RvDuplicateSeq),
        SequenceFinding::DuplicateRecords { .. } => msg!(ui, RvDuplicateRecords),
        SequenceFinding::Conflict { .. } => msg!(ui, RvConflict),
    }
}

/// A verdict's name in the interface language ("被篡改", "TAMPERED").
pub fn status_name(s: &BatchStatus, ui: Lang) -> &'static str {
    s.name(ui)
}

/// Why a batch fails verification, wholly in the interface language: the
/// verdict's name and what exactly is wrong (the verifier's words, from
/// the one catalogue).
pub fn status_text(s: &BatchStatus, ui: Lang) -> String {
    s.text(ui)
}

/// What exactly is wrong with a batch, in the interface language (the
/// verifier's own words, from the one catalogue).
pub fn problem_text(p: &Problem, ui: Lang) -> String {
    p.text(ui)
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
        None => msg!(ui, RvUnreadableUncounted).into(),
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
    msg!(ui, RvRateLegend)
}

/// Minutes as the review app shows every duration: whole minutes, rounded
/// half up (`review::figures::whole_minutes`).
pub fn minutes_text(secs: f64, ui: Lang) -> String {
    format!(
        "{} {}",
        doorstep_review::figures::whole_minutes(secs),
        msg!(ui, RvMinutes)
    )
}

pub fn signature_label(s: Signature, ui: Lang) -> &'static str {
    match s {
        Signature::Valid => msg!(ui, RvValid),
        Signature::Invalid => msg!(ui, RvInvalid),
        Signature::UnknownKey => msg!(ui, RvUnknownKey),
    }
}

/// An interview's outcome (a disposition code) in words; an unknown code
/// as it is.
pub fn outcome_label(code: &str, ui: Lang) -> String {
    Disposition::from_code(code).map_or(code.to_string(), |d| d.label(ui.code()).to_string())
}

pub fn decision_label(d: DecisionKind, ui: Lang) -> &'static str {
    match d {
        DecisionKind::Approved => msg!(ui, RvApprovedShort),
        DecisionKind::Rejected => msg!(ui, RvRejectedShort),
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
    use doorstep_batch::ManifestField;
    use doorstep_batch::format::ContentProblem;

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
