//! One interview in detail: its facts, decision, flags, visits, answers
//! in questionnaire order with the time spent on each, and scores.

use std::collections::HashMap;

use crate::i18n::msg;
use crate::keys::ReviewAction;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{ReviewApp, push_wrapped};
use crate::review_text::{flag_line, minutes_text, outcome_label, pad, wrap};
use crate::screens::check::{answer_label, truncate};
use doorstep_batch::parse_answer_key;
use doorstep_core::interview::{Answer, Interview, Slot};
use doorstep_core::questionnaire::Questionnaire;
use doorstep_core::scoring::score_interview;
use doorstep_review::figures::{length_secs, seconds_per_slot};
use doorstep_review::inbox::InboxInterview;
use doorstep_store::decisions::DecisionKind;

impl ReviewApp {
    /// An action while interview `i` is open in detail; false if it does
    /// nothing here.
    pub(super) fn detail_action(&mut self, i: usize, action: ReviewAction) -> bool {
        match action {
            ReviewAction::Back => self.detail = None,
            ReviewAction::Down => self.scroll_detail(1),
            ReviewAction::Up => self.scroll_detail(-1),
            ReviewAction::PageDown => self.scroll_detail(10),
            ReviewAction::PageUp => self.scroll_detail(-10),
            ReviewAction::Approve => self.open_dialog(i, true),
            ReviewAction::Reject => self.open_dialog(i, false),
            _ => return false,
        }
        true
    }

    fn scroll_detail(&mut self, by: i32) {
        let most = self.detail_max_scroll.get();
        self.detail_scroll =
            (self.detail_scroll.min(most) as i32 + by).clamp(0, most as i32) as u16;
    }

    pub(super) fn draw_detail(&self, frame: &mut Frame, area: Rect, i: usize) {
        let t = &self.theme;
        let ui = self.ui;
        let it: &InboxInterview = &self.inbox.interviews[i];
        let lang = ui.code();
        let width = area.width as usize;
        let q = self.inbox.questionnaires.get(&(
            it.questionnaire_id.clone(),
            it.questionnaire_version.clone(),
        ));
        let mut lines: Vec<Line> = vec![Line::from(Span::styled(
            truncate(
                &format!(
                    "{} · {} · {} · {}",
                    it.id,
                    it.surveyor_id,
                    it.resident_id,
                    self.community_name(it.community.as_deref())
                ),
                width,
            ),
            t.title(),
        ))];
        // When, how long, how it ended, in local time.
        let mut facts = format!(
            "{} {} ({})",
            msg!(ui, RvStarted),
            self.local(it.started_at, "%Y-%m-%d %H:%M"),
            self.offset_label()
        );
        if let Some(secs) = length_secs(it) {
            facts.push_str(&format!(" · {}", minutes_text(secs, ui)));
        }
        facts.push_str(&format!(" · {}", outcome_label(&it.disposition, ui)));
        if let Some(s) = it.overall_score {
            facts.push_str(&format!(" · {} {s:.0}", msg!(ui, RvScore)));
        }
        push_wrapped(&mut lines, "", &facts, width, Style::new());
        if let Some(d) = self.decisions.get(&it.id) {
            let (word, style) = match d.decision {
                DecisionKind::Approved => (msg!(ui, RvApproved), t.ok()),
                DecisionKind::Rejected => (msg!(ui, RvRejected), t.error()),
            };
            let text = match &d.comment {
                Some(c) => format!("{word}{}{c}", msg!(ui, RvColon)),
                None => word.to_string(),
            };
            push_wrapped(&mut lines, "", &text, width, style);
        }
        for f in &it.flags {
            push_wrapped(&mut lines, "! ", &flag_line(f, ui), width, t.warning());
        }
        // Visits to this resident, from all batches.
        lines.push(Line::from(Span::styled(ui.s().visits, t.heading())));
        for v in self
            .inbox
            .visits
            .iter()
            .filter(|v| v.resident_id == it.resident_id)
        {
            let mut s = format!(
                "#{} {} {}",
                v.attempt,
                self.local(v.at, "%m-%d %H:%M"),
                v.disposition.label(lang)
            );
            if let Some(n) = &v.note {
                s.push_str(&format!(" — {n}"));
            }
            push_wrapped(&mut lines, "  ", &s, width, Style::new());
        }
        // Answers in questionnaire order, with their labels; the time
        // spent on each question at the right.
        let heading = msg!(ui, RvAnswers);
        let time_heading = msg!(ui, RvTime);
        lines.push(Line::from(vec![
            Span::styled(heading, t.heading()),
            Span::raw(" ".repeat(width.saturating_sub(
                crate::review_text::width(heading) + crate::review_text::width(time_heading),
            ))),
            Span::styled(time_heading, t.heading()),
        ]));
        match q {
            Some(q) => {
                let mut answers: Vec<(usize, Option<u32>, &Answer)> = it
                    .record
                    .answers
                    .iter()
                    .filter_map(|(k, a)| {
                        let (qid, inst) = parse_answer_key(k)?;
                        Some((q.question_index(qid)?, inst, a))
                    })
                    .collect();
                answers.sort_by_key(|(qi, inst, _)| (*qi, *inst));
                let qlang = if q.languages.iter().any(|l| l == lang) {
                    lang
                } else {
                    q.default_language.as_str()
                };
                // Labels as the surveyor saw them, `${...}` filled in from
                // the answers and the interview's community (no other
                // resident details: those stay empty).
                let flow = answered_flow(q, &answers, qlang, it.community.as_deref());
                let times = seconds_per_slot(&it.record.paradata);
                let answered: HashMap<(usize, Option<u32>), &Answer> = answers
                    .iter()
                    .map(|(qi, inst, a)| ((*qi, *inst), *a))
                    .collect();
                // Questionnaire order: each answer (repeats by instance), a
                // question skipped by the skip logic as not asked, one left
                // unanswered as such; after an unfinished interview's last
                // answer, one line says it ended there.
                let finished = it.status == doorstep_batch::InterviewOutcome::Completed;
                let last_answered = answers.iter().map(|(qi, _, _)| *qi).max();
                let mut rows: Vec<(usize, Option<u32>, Option<&Answer>)> = Vec::new();
                for (qi, question) in q.questions.iter().enumerate() {
                    if q.repeat_of(qi).is_some() {
                        rows.extend(
                            answers
                                .iter()
                                .filter(|(i, _, _)| *i == qi)
                                .map(|(i, inst, a)| (*i, *inst, Some(*a))),
                        );
                    } else if let Some(a) = answered.get(&(qi, None)) {
                        rows.push((qi, None, Some(*a)));
                    } else if question.kind.is_answerable()
                        && (finished || last_answered.is_some_and(|l| qi < l))
                    {
                        rows.push((qi, None, None));
                    }
                }
                let label_w = (width / 2).saturating_sub(4).max(10);
                let time_w = 7;
                let value_w = width.saturating_sub(2 + label_w + 2 + 1 + time_w).max(8);
                for (qi, inst, a) in rows {
                    let slot = Slot {
                        question: qi,
                        instance: inst,
                    };
                    let mut label = flow.render_text(&q.questions[qi].label, slot);
                    if let Some(n) = inst {
                        label = format!("#{} {label}", n + 1);
                    }
                    // The label over up to three lines, the value beside
                    // it over as many as it needs, the time at the right.
                    let mut label_lines = wrap(&label, label_w);
                    if label_lines.len() > 3 {
                        label_lines.truncate(3);
                        label_lines[2] = truncate(&format!("{}…", label_lines[2]), label_w);
                    }
                    let (value, style) = match a {
                        Some(a) => (
                            detail_answer(q, qi, qlang, a),
                            if a.as_special().is_some() {
                                t.warning()
                            } else {
                                t.chosen()
                            },
                        ),
                        None if flow.is_relevant(slot) => {
                            (msg!(ui, RvNotAnswered).to_string(), t.secondary())
                        }
                        None => (msg!(ui, RvNotAskedSkipped).to_string(), t.secondary()),
                    };
                    // Under 3 seconds stands out, as speeding counts it.
                    let secs = times.get(&(q.questions[qi].id.clone(), inst));
                    let time =
                        secs.map_or(String::new(), |s| format!("{s:.0} {}", msg!(ui, RvSeconds)));
                    let time_style = if secs.is_some_and(|s| *s < 3.0) {
                        t.warning()
                    } else {
                        t.secondary()
                    };
                    let value_lines = wrap(&value, value_w);
                    for n in 0..label_lines.len().max(value_lines.len()) {
                        let l = label_lines.get(n).map_or("", String::as_str);
                        let v = value_lines.get(n).map_or("", String::as_str);
                        let mut spans = vec![
                            Span::raw(format!("  {}  ", pad(l, label_w))),
                            Span::styled(pad(v, value_w), style),
                        ];
                        if n == 0 {
                            spans.push(Span::styled(
                                format!(
                                    " {}{time}",
                                    " ".repeat(
                                        time_w.saturating_sub(crate::review_text::width(&time))
                                    )
                                ),
                                time_style,
                            ));
                        }
                        let line = Line::from(spans);
                        // No trailing blanks: the line ends where its text does.
                        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
                        if text.trim_end().is_empty() {
                            continue;
                        }
                        lines.push(trim_line_end(line));
                    }
                    if let Some(note) = it
                        .record
                        .notes
                        .get(&doorstep_batch::answer_key(&q.questions[qi].id, inst))
                    {
                        push_wrapped(&mut lines, "      ✎ ", note, width, t.secondary());
                    }
                }
                if !finished {
                    lines.push(Line::from(Span::styled(
                        msg!(ui, RvEndedHere),
                        t.secondary(),
                    )));
                }
                let scores =
                    score_interview(q, it.record.answers.iter().map(|(k, a)| (k.as_str(), a)));
                if !scores.dimensions.is_empty() {
                    lines.push(Line::from(Span::styled(
                        msg!(ui, RvDimensionScores),
                        t.heading(),
                    )));
                    for (d, s) in &scores.dimensions {
                        let name = q
                            .dimensions
                            .iter()
                            .find(|x| &x.id == d)
                            .map_or(d.as_str(), |x| x.label.get(qlang));
                        lines.push(Line::from(format!("  {name}: {s:.0}")));
                    }
                }
            }
            None => {
                for (k, a) in &it.record.answers {
                    let text = format!("{k}: {}", serde_json::to_string(a).unwrap_or_default());
                    push_wrapped(&mut lines, "  ", &text, width, Style::new());
                }
            }
        }
        // The calculates' values, apart from the answers: read-only,
        // marked as computed.
        if !it.record.calculates.is_empty() {
            lines.push(Line::from(Span::styled(msg!(ui, RvComputed), t.heading())));
            for (k, v) in &it.record.calculates {
                push_wrapped(
                    &mut lines,
                    "  = ",
                    &format!("{k}: {v}"),
                    width,
                    t.secondary(),
                );
            }
        }
        // Scrolling stops with the last line at the bottom.
        let most = lines.len().saturating_sub(area.height as usize) as u16;
        self.detail_max_scroll.set(most);
        let scroll = self.detail_scroll.min(most);
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
    }
}

/// An interview made of a record's answers, to render its labels as the
/// surveyor saw them: repeats have as many instances as were answered.
fn answered_flow<'q>(
    q: &'q Questionnaire,
    answers: &[(usize, Option<u32>, &Answer)],
    lang: &str,
    community: Option<&str>,
) -> Interview<'q> {
    let mut added: HashMap<usize, u32> = HashMap::new();
    for (qi, inst, _) in answers {
        if let Some(n) = inst
            && let Some(s) = q.repeat_of(*qi)
        {
            let e = added.entry(s).or_insert(0);
            *e = (*e).max(n + 1);
        }
    }
    let slots = answers.iter().map(|(qi, inst, a)| {
        (
            Slot {
                question: *qi,
                instance: *inst,
            },
            (*a).clone(),
        )
    });
    let resident: HashMap<String, String> = community
        .map(|c| ("community".to_string(), c.to_string()))
        .into_iter()
        .collect();
    let mut flow = Interview::restore(q, resident, slots, added, None);
    flow.set_language(lang);
    flow
}

/// `line` without the blanks at its end.
fn trim_line_end(mut line: Line<'static>) -> Line<'static> {
    while let Some(last) = line.spans.last_mut() {
        let trimmed = last.content.trim_end().to_string();
        if trimmed.is_empty() {
            line.spans.pop();
        } else {
            last.content = trimmed.into();
            break;
        }
    }
    line
}

/// An answer as the detail shows it: a rating with the words of its
/// scale ("5 非常满意", "4 (1 Very dissatisfied – 5 Very satisfied)"),
/// anything else as the surveyor's review screen shows it.
fn detail_answer(q: &Questionnaire, qi: usize, lang: &str, a: &Answer) -> String {
    if let (
        doorstep_core::questionnaire::QuestionKind::Rating {
            min,
            max,
            min_label,
            max_label,
            ..
        },
        Answer::Value(doorstep_core::interview::AnswerValue::Rating { value }),
    ) = (&q.questions[qi].kind, a)
    {
        let min_l = min_label.as_ref().map(|l| l.get(lang));
        let max_l = max_label.as_ref().map(|l| l.get(lang));
        return match (min_l, max_l) {
            (Some(l), _) if value == min => format!("{value} {l}"),
            (_, Some(l)) if value == max => format!("{value} {l}"),
            (Some(lo), Some(hi)) if lang == "zh" => format!("{value}（{min} {lo} – {max} {hi}）"),
            (Some(lo), Some(hi)) => format!("{value} ({min} {lo} – {max} {hi})"),
            _ if lang == "zh" => format!("{value}（{min}–{max}）"),
            _ => format!("{value} ({min}–{max})"),
        };
    }
    answer_label(q, qi, lang, a)
}
