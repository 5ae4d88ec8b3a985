//! The supervisor's review app, driven key by key on batches exported by
//! two simulated surveyors: tabs, the flagged interviews, the detail, and
//! decisions that survive a restart.

use doorstep_core::assignment::{Disposition, OutcomeGroup};
use doorstep_store::Store;
use doorstep_store::decisions::DecisionKind;
use doorstep_tui::i18n::Lang;
use ratatui::crossterm::event::KeyCode;

use crate::support;
use doorstep_tui::screens::check::answer_label;
use support::review::{careless_fixture, fixture, screen};
use support::{keys, press};

#[test]
fn the_inbox_lists_each_surveyors_batch_with_its_signature_and_rates() {
    let f = fixture(Lang::En);
    let text = screen(&f.app, 100, 30);
    assert!(text.contains("1 Inbox"), "{text}");
    assert!(text.contains("wang01") && text.contains("li02"), "{text}");
    assert_eq!(text.matches("valid").count(), 2, "{text}");
    assert!(text.contains("RR1"), "{text}");
}

#[test]
fn interviews_open_in_detail_and_a_rejection_needs_a_reason_and_survives_a_restart() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    keys(app, "2");
    let list = screen(app, 100, 30);
    assert!(list.contains("8 interviews"), "{list}");
    press(app, KeyCode::Enter);
    let detail = screen(app, 100, 40);
    assert!(detail.contains("Answers"), "{detail}");
    assert!(
        detail.contains("Are you willing to take part"),
        "labels from the questionnaire: {detail}"
    );
    // The time spent on each question beside its answer.
    assert!(
        detail
            .lines()
            .any(|l| l.contains("Are you willing") && l.trim_end().ends_with(" s")),
        "{detail}"
    );
    assert!(detail.contains("Visits"), "{detail}");
    // Reject: a reason is required.
    keys(app, "r");
    assert!(screen(app, 100, 30).contains("Reject this interview"));
    press(app, KeyCode::Enter);
    assert!(screen(app, 100, 30).contains("Say why"));
    keys(app, "please ask question 12 again\n");
    assert!(screen(app, 100, 30).contains("Rejected:"));
    press(app, KeyCode::Esc);
    // Approve the next one.
    press(app, KeyCode::Down);
    keys(app, "a\n");
    let list = screen(app, 100, 30);
    assert!(
        list.contains("rejected") && list.contains("approved"),
        "{list}"
    );

    // The decisions are in the supervisor's store, after a restart too.
    let store = Store::open_in_dir(&f.root.path().join("supervisor")).unwrap();
    let decisions = store.decisions().unwrap();
    assert_eq!(decisions.len(), 2);
    let rejected = decisions
        .iter()
        .find(|d| d.decision == DecisionKind::Rejected)
        .unwrap();
    assert_eq!(
        rejected.comment.as_deref(),
        Some("please ask question 12 again")
    );
    assert_eq!(rejected.supervisor_id, "sup01");
}

#[test]
fn filters_and_sorting_narrow_the_list() {
    let mut f = fixture(Lang::Zh);
    let app = &mut f.app;
    keys(app, "2");
    assert!(screen(app, 100, 30).contains("筛选: 全部"));
    keys(app, "f");
    assert!(screen(app, 100, 30).contains("筛选: 有标记"));
    keys(app, "o");
    assert!(screen(app, 100, 30).contains("排序: 访问员"));
    // Each of the six flags, then the undecided ones.
    for _ in 0..7 {
        keys(app, "f");
    }
    assert!(screen(app, 100, 30).contains("筛选: 未决定"));
}

#[test]
fn the_day_summary_draws_its_charts_and_too_small_is_said() {
    let mut f = fixture(Lang::En);
    keys(&mut f.app, "3");
    let text = screen(&f.app, 100, 30);
    for title in [
        "Outcomes by surveyor",
        "Response rate by surveyor (RR1)",
        "Response rate by community (RR1)",
        "Mean score, not rejected",
        "Completed interviews' length (min)",
    ] {
        assert!(text.contains(title), "{title}: {text}");
    }
    assert!(screen(&f.app, 79, 24).contains("Terminal too small"));
    keys(&mut f.app, "q");
    assert!(f.app.quit);
}

/// The data rows of the interviews list (after the bar and the header).
fn rows(text: &str) -> Vec<&str> {
    text.lines()
        .skip(3)
        .take_while(|l| l.starts_with("li02") || l.starts_with("wang01"))
        .collect()
}

#[test]
fn interviews_show_their_community_and_c_filters_by_it() {
    for (lang, all, unknown, community) in [
        (Lang::En, "community: all", "(unknown)", "community: "),
        (Lang::Zh, "社区: 全部", "（未知）", "社区: "),
    ] {
        let mut f = fixture(lang);
        let app = &mut f.app;
        keys(app, "2");
        let text = screen(app, 80, 24);
        assert!(text.contains(all), "{text}");
        assert_eq!(rows(&text).len(), 8, "{text}");
        // 梧桐里社区, 翠竹园社区, the unknown, then all again.
        for (name, n) in [("梧桐里社区", 4), ("翠竹园社区", 2), (unknown, 2)] {
            keys(app, "c");
            let text = screen(app, 80, 24);
            assert!(text.contains(&format!("{community}{name}")), "{text}");
            let listed = rows(&text);
            assert_eq!(listed.len(), n, "{text}");
            assert!(listed.iter().all(|r| r.contains(name)), "{text}");
        }
        keys(app, "c");
        let text = screen(app, 80, 24);
        assert!(text.contains(all), "{text}");
        // The footer names the key, whole, at 80 columns.
        let footer = text.lines().last().unwrap();
        assert!(
            footer.contains("c community ? help q ^C quit")
                || footer.contains("c 社区 ? 帮助 q ^C 退出"),
            "{footer}"
        );
    }
}

#[test]
fn s_filters_by_surveyor_and_enter_on_a_batch_opens_its_surveyors_interviews() {
    for (lang, all, label) in [
        (Lang::En, "surveyor: all", "surveyor: "),
        (Lang::Zh, "访问员: 全部", "访问员: "),
    ] {
        let mut f = fixture(lang);
        let app = &mut f.app;
        keys(app, "2");
        let text = screen(app, 100, 30);
        assert!(text.contains(all), "{text}");
        let everyone = rows(&text).len();
        let mut seen = 0;
        for surveyor in ["li02", "wang01"] {
            keys(app, "s");
            let text = screen(app, 100, 30);
            assert!(text.contains(&format!("{label}{surveyor}")), "{text}");
            let listed = rows(&text);
            assert!(!listed.is_empty(), "{text}");
            assert!(listed.iter().all(|r| r.starts_with(surveyor)), "{text}");
            seen += listed.len();
        }
        assert_eq!(seen, everyone);
        keys(app, "s");
        assert!(screen(app, 100, 30).contains(all));

        // From the inbox, Enter on a batch: that surveyor's interviews.
        keys(app, "1");
        press(app, KeyCode::Enter);
        let text = screen(app, 100, 30);
        let listed = rows(&text);
        let surveyor = listed[0].split_whitespace().next().unwrap().to_string();
        assert!(text.contains(&format!("{label}{surveyor}")), "{text}");
        assert!(listed.iter().all(|r| r.starts_with(&surveyor)), "{text}");
    }
}

#[test]
fn the_inbox_has_a_line_per_community_the_unknown_last() {
    let f = fixture(Lang::Zh);
    let text = screen(&f.app, 80, 24);
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("社区")).unwrap();
    assert!(lines[header].contains("RR1"), "{text}");
    assert!(lines[header + 1].starts_with("梧桐里社区"), "{text}");
    assert!(lines[header + 2].starts_with("翠竹园社区"), "{text}");
    assert!(lines[header + 3].starts_with("（未知）"), "{text}");
}

/// The outcome chart without colour: the legend, then per surveyor a bar of
/// lettered segments and the counts by AAPOR group, as the inbox has them.
#[test]
fn the_day_summary_shows_outcome_groups_and_rates_by_community_at_80x24() {
    for (lang, legend, unknown) in [
        (
            Lang::En,
            "C complete  P partial  R refusal/break-off  N non-contact  O other/ineligible",
            "(unknown)",
        ),
        (
            Lang::Zh,
            "C 完成  P 部分完成  R 拒访/中途退出  N 未接触  O 其他/不合格",
            "（未知）",
        ),
    ] {
        let mut f = fixture(lang);
        keys(&mut f.app, "3");
        let text = screen(&f.app, 80, 24);
        assert!(text.contains(legend), "{text}");
        for s in &f.app.inbox.surveyors {
            let mut groups = [0u64; 5];
            for (code, n) in &s.final_dispositions {
                let g = Disposition::from_code(code).unwrap().group();
                groups[OutcomeGroup::ALL.iter().position(|x| *x == g).unwrap()] += n;
            }
            let counts = OutcomeGroup::ALL
                .iter()
                .zip(groups)
                .map(|(g, n)| format!("{}{n}", g.letter()))
                .collect::<Vec<_>>()
                .join(" ");
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("│{} ", s.surveyor_id)) && l.contains(&counts))
                .unwrap_or_else(|| panic!("{} {counts}: {text}", s.surveyor_id));
            // Each group with residents has a segment of its letter.
            for (g, n) in OutcomeGroup::ALL.iter().zip(groups) {
                let segment = g.letter().to_string().repeat(2);
                assert_eq!(line.contains(&segment), n > 0, "{g:?}: {line}");
            }
        }
        let rate_line = |label: &str| {
            text.lines()
                .find(|l| l.contains(&format!("││{label}")))
                .unwrap_or_else(|| panic!("{label}: {text}"))
                .to_string()
        };
        for c in &f.app.inbox.communities {
            let label = c.community.as_deref().unwrap_or(unknown);
            let pct = format!("{:.0}%", c.rr1.unwrap() * 100.0);
            assert!(rate_line(label).contains(&pct), "{label} {pct}: {text}");
        }
    }
}

/// Every line of the detail of each interview, scrolled to the end.
fn all_detail_text(app: &mut doorstep_tui::supervisor::ReviewApp) -> Vec<String> {
    keys(app, "2");
    let n = app.inbox.interviews.len();
    let mut out = Vec::new();
    for i in 0..n {
        press(app, KeyCode::Enter);
        let mut last = String::new();
        // Page down until the screen stops changing.
        loop {
            let text = screen(app, 80, 24);
            if text == last {
                break;
            }
            out.extend(text.lines().map(str::to_string));
            last = text;
            press(app, KeyCode::PageDown);
        }
        press(app, KeyCode::Esc);
        if i + 1 < n {
            press(app, KeyCode::Down);
        }
    }
    out
}

#[test]
fn the_detail_fills_in_labels_and_wraps_long_answers() {
    for lang in [Lang::En, Lang::Zh] {
        let mut f = careless_fixture(lang);
        let lines = all_detail_text(&mut f.app);
        let text = lines.join("\n");
        // Labels as the surveyor saw them.
        assert!(!text.contains("${"), "{text}");
        // (English labels wrap after "member"; the Chinese ones show the
        // number filled in.)
        let member = if lang == Lang::Zh {
            "第1位家庭成员"
        } else {
            "#1 Apart from you, household member"
        };
        assert!(text.contains(member), "{text}");
        // Nothing is cut at the right edge without a mark: a line that
        // fills the width ends in "…" or was wrapped to fit.
        for l in &lines {
            assert!(ratatui::text::Line::from(l.as_str()).width() <= 80, "{l}");
        }
        // A long multiple-choice answer shows whole over its lines, in the
        // answers' column (at 80 columns: from column 40, before the time
        // in the last 7).
        let flat: String = lines
            .iter()
            .map(|l| {
                let mut col = 0;
                let mut out = String::new();
                for c in l.chars() {
                    if (40..73).contains(&col) {
                        out.push(c);
                    }
                    col += ratatui::text::Line::from(c.to_string()).width();
                }
                out.trim().to_string()
            })
            .collect();
        for it in &f.app.inbox.interviews {
            let q = &f.app.inbox.questionnaires[&(
                it.questionnaire_id.clone(),
                it.questionnaire_version.clone(),
            )];
            let Some(qi) = q.question_index("service_needs") else {
                continue;
            };
            if let Some(a) = it.record.answers.get("service_needs") {
                let value = answer_label(q, qi, lang.code(), a);
                let value: String = value.split_whitespace().collect();
                let flat: String = flat.split_whitespace().collect();
                assert!(flat.contains(&value), "{value}: {text}");
            }
        }
    }
}

#[test]
fn the_chinese_interface_shows_no_english_codes() {
    let mut f = careless_fixture(Lang::Zh);
    let app = &mut f.app;
    let mut text = screen(app, 80, 24);
    keys(app, "2");
    text.push_str(&screen(app, 120, 40));
    text.push_str(&all_detail_text(app).join("\n"));
    for code in [
        "valid",
        "INVALID",
        "unknown key",
        "complete",
        "partial",
        "break_off",
        "speeding",
        "straight_lining",
        "approved",
        "rejected",
    ] {
        assert!(!text.contains(code), "{code}: {text}");
    }
    assert!(
        text.contains("速度过快：") && text.contains("直线作答"),
        "{text}"
    );
}

#[test]
fn times_are_shown_in_the_thresholds_local_time() {
    let mut f = fixture(Lang::En);
    let first = f
        .app
        .inbox
        .interviews
        .iter()
        .map(|i| i.started_at)
        .min()
        .unwrap();
    keys(&mut f.app, "2");
    let text = screen(&f.app, 120, 30);
    let local = first + chrono::Duration::hours(8);
    let row = rows(&text)[0];
    assert!(
        row.contains(&local.format("%m-%d %H:%M").to_string()),
        "{local}: {text}"
    );
    assert!(
        !row.contains(&first.format("%m-%d %H:%M").to_string()),
        "{text}"
    );
    press(&mut f.app, KeyCode::Enter);
    let detail = screen(&f.app, 80, 24);
    assert!(
        detail.contains(&format!(
            "Started {} (UTC+8)",
            local.format("%Y-%m-%d %H:%M")
        )),
        "{detail}"
    );
}

#[test]
fn flags_show_once_each_by_name_and_are_cut_with_an_ellipsis() {
    for (lang, names) in [
        (Lang::En, "speeding, straight-lining"),
        (Lang::Zh, "速度过快、直线作答"),
    ] {
        let mut f = careless_fixture(lang);
        keys(&mut f.app, "2");
        let wide = screen(&f.app, 120, 30);
        assert!(wide.contains(names), "{wide}");
        assert!(!wide.contains("speeding,speeding"), "{wide}");
        let narrow = screen(&f.app, 80, 24);
        let flagged: Vec<&str> = rows(&narrow)
            .into_iter()
            .filter(|r| r.starts_with("li02"))
            .collect();
        assert!(!flagged.is_empty(), "{narrow}");
        for r in flagged {
            // The flags column is the last; cut, it ends in "…".
            let shown = r.trim_end().rsplit("  ").next().unwrap().trim();
            let whole = shown.trim_end_matches('…');
            assert!(names.starts_with(whole), "{r}");
            assert!(shown == whole || shown.ends_with('…'), "{r}");
            assert!(
                shown.ends_with('…')
                    || names.split(&[',', '、'][..]).any(|n| n.trim() == whole)
                    || whole == names,
                "{r}"
            );
        }
    }
}

#[test]
fn help_opens_with_a_question_mark_and_any_key_closes_it() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    keys(app, "?");
    let text = screen(app, 80, 24);
    assert!(text.contains("Keys") && text.contains("Press any key to close"));
    assert!(text.contains("the batch's surveyor's interviews"), "{text}");
    keys(app, "x");
    assert!(!app.help);
    // In the decision prompt "?" is text.
    keys(app, "2");
    keys(app, "r?");
    assert!(!app.help);
    assert!(screen(app, 80, 24).contains("Reject this interview"));
}

#[test]
fn the_app_redraws_at_any_size() {
    let mut f = fixture(Lang::Zh);
    let app = &mut f.app;
    for tab in ["1", "2", "3"] {
        keys(app, tab);
        for (w, h) in [(80, 24), (120, 40), (79, 24), (80, 24), (200, 60)] {
            let text = screen(app, w, h);
            if w < 80 {
                assert!(text.contains("终端窗口太小"), "{text}");
            } else {
                assert!(text.contains("1 收件箱"), "{text}");
            }
        }
    }
}

// ----- issue 10: figures and failures on the review screens ----------------

use support::review::{six_surveyors_fixture, tampered_fixture};

/// Pages of the day summary at 80×24, from the top, Down after Down until
/// the screen stops changing.
fn summary_pages(app: &mut doorstep_tui::supervisor::ReviewApp) -> Vec<String> {
    keys(app, "3");
    let mut pages = vec![screen(app, 80, 24)];
    for _ in 0..20 {
        press(app, KeyCode::Down);
        let text = screen(app, 80, 24);
        if pages.last() == Some(&text) {
            break;
        }
        pages.push(text);
    }
    pages
}

/// Issue 10, item 4: six surveyors and twelve dimensions at 80×24. Every
/// row can be scrolled into view and a band that hides rows says which it
/// shows.
#[test]
fn the_day_summary_scrolls_to_every_surveyor_and_dimension_and_says_what_it_shows() {
    for (lang, shown) in [(Lang::En, "1–4 of 6"), (Lang::Zh, "第 1–4 / 共 6")] {
        let mut f = six_surveyors_fixture(lang);
        let app = &mut f.app;
        assert_eq!(app.inbox.surveyors.len(), 6);
        let pages = summary_pages(app);
        assert!(pages[0].contains(shown), "{}", pages[0]);
        let all = pages.join("\n");
        for s in &app.inbox.surveyors {
            // Its outcome line (the counts) and its response rate bar.
            assert!(
                all.lines()
                    .any(|l| l.starts_with(&format!("│{} ", s.surveyor_id)) && l.contains(" C")),
                "outcomes of {}: {all}",
                s.surveyor_id
            );
            assert!(
                all.lines()
                    .any(|l| l.starts_with(&format!("│{} ", s.surveyor_id)) && l.contains('%')),
                "RR1 of {}: {all}",
                s.surveyor_id
            );
        }
        let q = app.inbox.questionnaires.values().next().unwrap();
        for d in &q.dimensions {
            let name = doorstep_tui::screens::check::truncate(d.label.get(lang.code()), 14);
            assert!(all.contains(&name), "{name}: {all}");
        }
        // PgUp goes back to the top.
        press(app, KeyCode::PageUp);
        press(app, KeyCode::PageUp);
        press(app, KeyCode::PageUp);
        assert_eq!(screen(app, 80, 24), pages[0]);
    }
}

/// The inbox's text with the box and the spaces taken out, to find text
/// that was wrapped over lines.
fn flat(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !"│─┌┐└┘".contains(*c))
        .collect()
}

/// Issue 10, item 5: a tampered batch is explained whole, in the interface
/// language only, with what it claims to hold (unverified), and the day
/// summary says its interviews are not counted.
#[test]
fn a_failed_batch_is_explained_whole_in_one_language_with_what_it_held() {
    for lang in [Lang::En, Lang::Zh] {
        let mut f = tampered_fixture(lang);
        let app = &mut f.app;
        let bad = app
            .inbox
            .batches
            .iter()
            .position(|b| !b.is_valid())
            .expect("the tampered batch");
        let claimed = app.inbox.batches[bad].interview_ids.len();
        assert_eq!(claimed, 4);
        // Select it.
        for _ in 0..bad {
            press(app, KeyCode::Down);
        }
        let text = screen(app, 80, 24);
        let status = &app.inbox.batches[bad].verdict.status;
        match lang {
            Lang::En => {
                // The verifier's whole reason, wrapped.
                assert!(flat(&text).contains(&flat(&status.to_string())), "{text}");
                assert!(text.contains("unverified"), "{text}");
                assert!(text.contains("4 interviews"), "{text}");
            }
            Lang::Zh => {
                for english in ["the ", "content", "changed", "signing", "bytes"] {
                    assert!(!text.contains(english), "{english}: {text}");
                }
                assert!(text.contains("被篡改"), "{text}");
                assert!(text.contains("未经验证"), "{text}");
                assert!(text.contains("4 份访问"), "{text}");
            }
        }
        // The batch's row shows what the file claims, not "0 0".
        let row = text
            .lines()
            .find(|l| l.starts_with("li02"))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(row.contains("(4)"), "{row}");
        // The day summary says what it leaves out.
        keys(app, "3");
        let summary = screen(app, 80, 24);
        assert!(
            summary.contains(lang.pick("未计入", "Not counted")),
            "{summary}"
        );
    }
}

/// Issue 10, item 8: counts beside the rates, and the rates defined.
#[test]
fn the_inbox_counts_interviews_completed_and_refused_and_defines_each_rate() {
    for lang in [Lang::En, Lang::Zh] {
        let f = fixture(lang);
        let text = screen(&f.app, 80, 24);
        let header = text
            .lines()
            .find(|l| {
                l.starts_with(lang.pick("访问员  ", "Surveyor  "))
                    && l.contains(lang.pick("完成率", "Completion"))
            })
            .unwrap_or_else(|| panic!("{text}"));
        for h in [
            lang.pick("访问", "Interviews"),
            lang.pick("完成", "Completed"),
            lang.pick("拒访", "Refused"),
            lang.pick("完成率", "Completion"),
        ] {
            assert!(header.contains(h), "{h}: {header}");
        }
        for s in &f.app.inbox.surveyors {
            let row = text
                .lines()
                .find(|l| l.starts_with(&format!("{} ", s.surveyor_id)) && l.contains('%'))
                .unwrap_or_else(|| panic!("{}: {text}", s.surveyor_id));
            let refused: u64 = s
                .final_dispositions
                .iter()
                .filter(|(c, _)| {
                    Disposition::from_code(c).unwrap().group() == OutcomeGroup::RefusalBreakOff
                })
                .map(|(_, n)| n)
                .sum();
            let figures: Vec<&str> = row.split_whitespace().skip(1).take(3).collect();
            assert_eq!(
                figures,
                [
                    s.interviews.to_string(),
                    s.completed.to_string(),
                    refused.to_string()
                ],
                "{row}"
            );
        }
        let flat = flat(&text);
        for definition in [
            lang.pick("完成率=完成÷访问", "Completion=completed÷interviews"),
            lang.pick("RR1=", "RR1="),
        ] {
            assert!(flat.contains(definition), "{definition}: {text}");
        }
    }
}

/// Issue 10, item 8: the list, the detail and the histogram round minutes
/// one way: half up to whole minutes.
#[test]
fn minutes_are_rounded_half_up_in_the_list_and_the_detail() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    keys(app, "2");
    let n = app.inbox.interviews.len();
    let mut rounded_up = 0;
    for i in 0..n {
        press(app, KeyCode::Enter);
        let detail = screen(app, 80, 24);
        let title = detail.lines().nth(1).unwrap().to_string();
        let it = app
            .inbox
            .interviews
            .iter()
            .find(|it| title.contains(&it.resident_id) && title.contains(&it.surveyor_id))
            .unwrap();
        if let Some(e) = it.ended_at {
            let secs = (e - it.started_at).num_seconds();
            let want = (secs + 30) / 60;
            if want != secs / 60 {
                rounded_up += 1;
            }
            assert!(
                detail.contains(&format!(" · {want} min ·")),
                "{secs} s: {detail}"
            );
        }
        press(app, KeyCode::Esc);
        if i + 1 < n {
            press(app, KeyCode::Down);
        }
    }
    assert!(rounded_up > 0, "the fixture has a length to round up");
}

/// Issue 10, item 8: the length histogram counts completed interviews
/// only, on an axis of minutes, each bin with its count.
#[test]
fn the_length_histogram_counts_completed_interviews_on_an_axis() {
    for lang in [Lang::En, Lang::Zh] {
        let mut f = fixture(lang);
        keys(&mut f.app, "3");
        let text = screen(&f.app, 80, 24);
        assert!(
            text.contains(lang.pick("完成访问时长（分钟）", "Completed interviews' length (min)")),
            "{text}"
        );
        // Bins "10–14 ███ 3" in the right-hand half of the bottom band.
        let mut total = 0;
        for l in text.lines() {
            let Some(right) = l.split("││").nth(1) else {
                continue;
            };
            let right = right.trim_end_matches('│').trim();
            let mut words = right.split_whitespace();
            let (Some(bin), Some(last)) = (words.next(), right.split_whitespace().last()) else {
                continue;
            };
            if bin.contains('–') && bin.chars().next().unwrap().is_ascii_digit() {
                total += last.parse::<usize>().unwrap_or_else(|_| panic!("{l}"));
            }
        }
        let completed = f
            .app
            .inbox
            .interviews
            .iter()
            .filter(|i| i.status == doorstep_batch::InterviewOutcome::Completed)
            .count();
        assert_eq!(total, completed, "{text}");
    }
}

/// Issue 10, item 8: the detail shows rating values with the scale's words,
/// labels with the interview's community, questions skipped as not asked,
/// and the time spent beside each answer.
#[test]
fn the_detail_shows_scale_words_the_community_skipped_questions_and_time_per_answer() {
    for lang in [Lang::En, Lang::Zh] {
        let mut f = fixture(lang);
        let lines = all_detail_text(&mut f.app);
        let text = lines.join("\n");
        let flat = flat(&text);
        assert!(
            flat.contains(lang.pick("非常满意", "Verysatisfied")),
            "{text}"
        );
        assert!(
            flat.contains("梧桐里社区的各项服务") || flat.contains("servicesin梧桐里社区"),
            "{text}"
        );
        assert!(
            text.contains(lang.pick("未问（跳过）", "not asked (skipped)")),
            "{text}"
        );
        // The consent question's line ends with the seconds spent on it.
        let consent = lang.pick("您是否愿意", "Are you willing");
        let line = lines
            .iter()
            .find(|l| l.contains(consent))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(line.trim_end().ends_with(lang.pick(" 秒", " s")), "{line}");
    }
}

/// Issue 10, item 8: `a` moves on to the next undecided interview.
#[test]
fn approving_moves_the_cursor_to_the_next_undecided_interview() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    keys(app, "2");
    let text = screen(app, 120, 30);
    let residents: Vec<String> = rows(&text)
        .iter()
        .map(|r| r.split_whitespace().nth(1).unwrap().to_string())
        .collect();
    // Decide the second, then the first: the cursor skips to the third.
    press(app, KeyCode::Down);
    keys(app, "a\n");
    press(app, KeyCode::Up);
    press(app, KeyCode::Up);
    keys(app, "a\n");
    press(app, KeyCode::Enter);
    let detail = screen(app, 120, 30);
    let title = detail.lines().nth(1).unwrap();
    assert!(title.contains(&residents[2]), "{residents:?}: {detail}");
}

/// Issue 10, item 8: filters for approved, rejected and undecided, and how
/// many are decided.
#[test]
fn decisions_can_be_filtered_and_are_counted() {
    for lang in [Lang::En, Lang::Zh] {
        let mut f = fixture(lang);
        let app = &mut f.app;
        keys(app, "2");
        keys(app, "a\n");
        keys(app, "r");
        keys(app, "ask again\n");
        let text = screen(app, 80, 24);
        assert!(
            text.contains(lang.pick("已决定 2 / 8", "decided 2 of 8")),
            "{text}"
        );
        // all, flagged, six flags, then undecided, approved, rejected.
        let mut counts = Vec::new();
        for _ in 0..7 {
            keys(app, "f");
        }
        for name in [
            lang.pick("未决定", "undecided"),
            lang.pick("已通过", "approved"),
            lang.pick("已驳回", "rejected"),
        ] {
            keys(app, "f");
            let text = screen(app, 80, 24);
            assert!(
                text.contains(&format!("{}: {name}", lang.pick("筛选", "filter"))),
                "{text}"
            );
            counts.push(rows(&text).len());
        }
        assert_eq!(counts, [6, 1, 1]);
    }
}

/// Issue 10, item 7: a comment can be pasted (bracketed paste reaches the
/// app as one event): line breaks and tabs become spaces, other control
/// characters are dropped, too long a paste is refused with a word.
#[test]
fn a_pasted_comment_goes_into_the_decision_prompt() {
    use ratatui::crossterm::event::Event;
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    keys(app, "2");
    // Outside a prompt a paste does nothing.
    app.handle_event(&Event::Paste("rq".into()));
    assert!(!app.quit);
    keys(app, "r");
    app.handle_event(&Event::Paste(
        "please ask\r\nagain\tabout\u{7} the lift\n".into(),
    ));
    let text = screen(app, 80, 24);
    assert!(text.contains("please ask again about the lift"), "{text}");
    app.handle_event(&Event::Paste("x".repeat(600)));
    let text = screen(app, 80, 24);
    assert!(text.contains("Not pasted: too long"), "{text}");
    press(app, KeyCode::Enter);
    let store = Store::open_in_dir(&f.root.path().join("supervisor")).unwrap();
    let d = store.decisions().unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].decision, DecisionKind::Rejected);
    assert_eq!(
        d[0].comment.as_deref(),
        Some("please ask again about the lift")
    );
}

/// The mean score of `surveyor`'s completed interviews that count, from
/// the interviews themselves.
fn expected_mean(
    app: &doorstep_tui::supervisor::ReviewApp,
    surveyor: &str,
) -> (usize, Option<f64>) {
    let scores: Vec<f64> = app
        .inbox
        .interviews
        .iter()
        .filter(|i| i.surveyor_id == surveyor && i.disposition == "complete")
        .filter(|i| app.inbox.counts(i))
        .filter_map(|i| i.overall_score)
        .collect();
    let n = scores.len();
    (n, (n > 0).then(|| scores.iter().sum::<f64>() / n as f64))
}

fn figures(app: &doorstep_tui::supervisor::ReviewApp, surveyor: &str) -> (usize, Option<f64>) {
    let s = app
        .inbox
        .surveyors
        .iter()
        .find(|s| s.surveyor_id == surveyor)
        .unwrap();
    (s.scored, s.mean_overall_score)
}

/// Issue 10, review item 1: rejecting in the app takes the interview out
/// of the scores at once, `x` leaves flagged ones out too, and the inbox
/// and the summary say what is counted.
#[test]
fn rejecting_recomputes_the_scores_and_x_leaves_flagged_interviews_out() {
    let mut f = careless_fixture(Lang::En);
    let app = &mut f.app;
    let text = screen(app, 80, 24);
    assert!(
        text.contains("Scores: approved and undecided interviews (left out: 0 rejected)"),
        "{text}"
    );
    let (n, before) = figures(app, "wang01");
    assert_eq!((n, before), expected_mean(app, "wang01"));
    assert!(n >= 2, "{n}");
    // Reject wang01's first completed interview.
    keys(app, "2s");
    keys(app, "s");
    let text = screen(app, 100, 30);
    assert!(text.contains("surveyor: wang01"), "{text}");
    let first = app
        .inbox
        .interviews
        .iter()
        .filter(|i| i.surveyor_id == "wang01")
        .min_by_key(|i| i.started_at)
        .unwrap()
        .clone();
    assert_eq!(first.disposition, "complete");
    keys(app, "r");
    keys(app, "made up\n");
    let (m, after) = figures(app, "wang01");
    assert_eq!(m, n - 1, "the rejected interview left the scores");
    assert_eq!((m, after), expected_mean(app, "wang01"));
    assert!(!app.inbox.counts(&first));
    keys(app, "1");
    assert!(screen(app, 80, 24).contains("(left out: 1 rejected)"));

    // x: the careless li02's flagged interviews leave the scores too.
    let flagged = app
        .inbox
        .interviews
        .iter()
        .filter(|i| !i.flags.is_empty())
        .count();
    assert!(flagged > 0);
    keys(app, "x");
    let text = screen(app, 80, 24);
    assert!(
        text.contains(&format!("(left out: 1 rejected, {flagged} flagged)")),
        "{text}"
    );
    assert!(text.contains("x flagged out"), "{text}");
    assert_eq!(figures(app, "li02"), expected_mean(app, "li02"));
    keys(app, "3");
    assert!(screen(app, 80, 24).contains("Mean score, not rejected/flagged"));
    keys(app, "x");
    assert!(screen(app, 80, 24).contains("Mean score, not rejected "));
    let mut f = careless_fixture(Lang::Zh);
    let text = screen(&f.app, 80, 24);
    assert!(
        text.contains("得分只计已通过和未决定的访问（不计已驳回 0 份）"),
        "{text}"
    );
    keys(&mut f.app, "x");
    assert!(screen(&f.app, 80, 24).contains("不计标记"));
}

/// A decision made with `review --decide` (another connection to the
/// supervisor's store) while the app is open shows on its next tick.
#[test]
fn a_decision_made_outside_the_app_appears_in_it() {
    let mut f = fixture(Lang::En);
    let it = f.app.inbox.interviews[0].clone();
    let other = Store::open_in_dir(&f.root.path().join("supervisor")).unwrap();
    other
        .record_decision(&doorstep_store::decisions::Decision {
            interview_id: it.id.clone(),
            batch_id: it.batch_id.clone(),
            surveyor_id: it.surveyor_id.clone(),
            decision: DecisionKind::Rejected,
            comment: Some("from the command line".into()),
            decided_at: chrono::Utc::now(),
            supervisor_id: "sup01".into(),
        })
        .unwrap();
    f.app.refresh_decisions();
    assert!(screen(&f.app, 80, 24).contains("(left out: 1 rejected)"));
    assert!(!f.app.inbox.counts(&it));
    keys(&mut f.app, "2");
    assert!(screen(&f.app, 100, 30).contains("rejected"));
    // Nothing changed: nothing read again.
    f.app.refresh_decisions();
    assert!(screen(&f.app, 100, 30).contains("rejected"));
}

/// Issue 11: the day summary's figures (scores of every counted
/// interview) are computed when the inbox opens and when what counts
/// changes, never per frame.
#[test]
fn the_summary_figures_are_computed_once_per_change_not_per_frame() {
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    assert_eq!(app.figures_computed(), 1, "once, on opening");
    keys(app, "3");
    for _ in 0..5 {
        screen(app, 80, 24);
        screen(app, 120, 40);
    }
    assert_eq!(app.figures_computed(), 1, "drawing computes nothing");
    // Leaving flagged interviews out changes what counts: once more.
    keys(app, "x");
    screen(app, 80, 24);
    assert_eq!(app.figures_computed(), 2);
    // So does a decision.
    keys(app, "2a");
    press(app, KeyCode::Enter);
    screen(app, 80, 24);
    assert_eq!(app.figures_computed(), 3);
}

/// The review app runs in the same event loop as the surveyor's: a resize
/// to too small a terminal reaches it, so the keys that follow are not
/// acted on blind (before, the review app ignored resize events).
#[test]
fn keys_after_a_resize_to_too_small_do_nothing_in_the_review_app() {
    use doorstep_tui::supervisor::Tab;
    use ratatui::crossterm::event::Event;
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    screen(app, 80, 24);
    app.handle_event(&Event::Resize(60, 20));
    keys(app, "2");
    assert_eq!(app.tab, Tab::Inbox, "a key on a hidden screen");
    app.handle_event(&Event::Resize(80, 24));
    keys(app, "2");
    assert_eq!(app.tab, Tab::Interviews);
}

/// Issue 11: the review app's keys are data. Every action a screen binds
/// does something there (the handler does not drop it), pressed as its key.
#[test]
fn every_key_a_review_screen_binds_does_something_there() {
    use doorstep_tui::keys::{Screen, key_match, review_bindings};
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    let mut f = fixture(Lang::En);
    let app = &mut f.app;
    for screen in [
        Screen::ReviewInbox,
        Screen::ReviewInterviews,
        Screen::ReviewDetail,
        Screen::ReviewSummary,
        Screen::ReviewDecision,
    ] {
        for binding in review_bindings(screen) {
            for (press, action) in binding.presses {
                app.show(screen);
                assert_eq!(app.screen(), screen);
                let modifiers = if press.ctrl {
                    KeyModifiers::CONTROL
                } else {
                    KeyModifiers::NONE
                };
                let event = KeyEvent::new(press.code, modifiers);
                assert_eq!(key_match(review_bindings(screen), &event), Some(*action));
                assert!(app.act(*action), "{screen:?}: {action:?} does nothing");
            }
        }
    }
}
