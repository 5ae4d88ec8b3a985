//! The review app's words for the inbox's codes (signatures, outcomes,
//! decisions, quality flags) in the interface language, and text fitted to
//! display columns (a CJK character takes two).

use ratatui::text::Span;

use super::i18n::Lang;
use crate::assignment::Disposition;
use crate::batch::{BatchStatus, SequenceFinding};
use crate::review::flags::Flag;
use crate::review::inbox::Signature;
use crate::store::decisions::DecisionKind;

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
    }
}

/// Why a batch fails verification, in the interface language: the
/// verdict's name translated, its technical detail as the verifier says it.
pub fn status_text(s: &BatchStatus, ui: Lang) -> String {
    if ui != Lang::Zh {
        return s.to_string();
    }
    let name = match s {
        BatchStatus::Valid => "有效",
        BatchStatus::Tampered { .. } => "被篡改",
        BatchStatus::Truncated { .. } => "不完整",
        BatchStatus::SignedByAnotherKey { .. } => "由其他密钥签名",
        BatchStatus::UnknownKey { .. } => "未知密钥",
        BatchStatus::Malformed { .. } => "格式错误",
        BatchStatus::UnsupportedVersion { .. } => "不支持的版本",
    };
    match s.detail() {
        Some(detail) => format!("{name}：{detail}"),
        None => name.to_string(),
    }
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
        while w + cw > max && !line.is_empty() {
            match brk.take() {
                Some(b) if b <= line.len() => {
                    let rest = line.split_off(b);
                    lines.push(line.trim_end().to_string());
                    line = rest.trim_start().to_string();
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
            reason: "signature does not match".into(),
        };
        assert_eq!(
            status_text(&tampered, Lang::Zh),
            "被篡改：signature does not match"
        );
        assert_eq!(status_text(&tampered, Lang::En), tampered.to_string());
        let unknown = BatchStatus::UnknownKey {
            surveyor_id: "S09".into(),
        };
        assert!(status_text(&unknown, Lang::Zh).starts_with("未知密钥"));
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
