//! The supervisor's review app, driven key by key on batches exported by
//! two simulated surveyors: tabs, the flagged interviews, the detail, and
//! decisions that survive a restart.

use doorstep::assignment::{Disposition, OutcomeGroup};
use doorstep::store::Store;
use doorstep::store::decisions::DecisionKind;
use doorstep::tui::i18n::Lang;
use ratatui::crossterm::event::KeyCode;

mod support;
use support::review::{fixture, screen};
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
    assert!(detail.contains("Time on each question"), "{detail}");
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
    // Each of the five flags, then the undecided ones.
    for _ in 0..6 {
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
        "Mean score per dimension",
        "Interview length",
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
