//! The supervisor's review app, driven key by key on batches exported by
//! two simulated surveyors: tabs, the flagged interviews, the detail, and
//! decisions that survive a restart.

use std::path::Path;

use chrono::NaiveDate;
use doorstep::assignment::import::read_csv_bytes;
use doorstep::assignment::{Disposition, OutcomeGroup, Resident};
use doorstep::batch::{SigningKey, TrustedKeys, keygen};
use doorstep::review::flags::Thresholds;
use doorstep::review::inbox::{InboxOptions, open_inbox};
use doorstep::simulate::{SimulateOptions, simulate};
use doorstep::store::Store;
use doorstep::store::decisions::DecisionKind;
use doorstep::tui::i18n::Lang;
use doorstep::tui::review::ReviewApp;
use doorstep::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use tempfile::TempDir;

mod support;
use support::{keys, press, text_of};

/// The demo residents of 翠竹园社区 only, the first two listed without a
/// community: a surveyor working there has records of two communities.
fn cuizhu_residents() -> Vec<Resident> {
    let csv = std::fs::read_to_string("examples/demo-residents.csv").unwrap();
    let report = read_csv_bytes(Path::new("cuizhu.csv"), csv.as_bytes(), None).unwrap();
    let mut residents: Vec<Resident> = report
        .residents
        .into_iter()
        .filter(|r| r.community.as_deref() == Some("翠竹园社区"))
        .collect();
    for r in residents.iter_mut().take(2) {
        r.community = None;
    }
    residents
}

/// One surveyor's day: simulated work, exported into `out`. wang01 works
/// the demo list (梧桐里社区 comes first), li02 翠竹园社区.
fn surveyor_day(root: &Path, id: &str, seed: u64, out: &Path, keys: &Path) {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open_in_dir(&dir).unwrap();
    let q = if id == "li02" {
        let q = doorstep::demo::questionnaire().unwrap();
        store
            .register_questionnaire(&q, doorstep::demo::BUNDLED_QUESTIONNAIRE)
            .unwrap();
        store.upsert_residents(&cuizhu_residents()).unwrap();
        store.set_active_questionnaire(&q.id, &q.version).unwrap();
        q
    } else {
        doorstep::demo::load(&store).unwrap()
    };
    let opts = SimulateOptions {
        interviews: 4,
        seed,
        surveyor_id: id.into(),
        day: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        careless: false,
    };
    simulate(&store, &q, &opts).unwrap();
    let made = keygen(&dir, id, None, false).unwrap();
    std::fs::copy(&made.public_key_path, keys.join(format!("{id}.pub"))).unwrap();
    let key = SigningKey::load(&made.secret_key_path, |_| Ok(String::new())).unwrap();
    doorstep::export::export(&store, &key, out, &[]).unwrap();
}

struct Fixture {
    app: ReviewApp,
    root: TempDir,
}

fn fixture(ui: Lang) -> Fixture {
    let root = TempDir::new().unwrap();
    let out = root.path().join("inbox");
    let keys = root.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    surveyor_day(root.path(), "wang01", 1, &out, &keys);
    surveyor_day(root.path(), "li02", 2, &out, &keys);
    let trusted = TrustedKeys::load(&keys).unwrap();
    let opts = InboxOptions {
        keys: &trusted,
        identities: None,
        questionnaires: Vec::new(),
        thresholds: Thresholds::default(),
    };
    let inbox = open_inbox(&out, &opts).unwrap();
    std::fs::create_dir_all(root.path().join("supervisor")).unwrap();
    let store = Store::open_in_dir(&root.path().join("supervisor")).unwrap();
    let offset = Thresholds::default().utc_offset_hours;
    let mut app = ReviewApp::new(inbox, store, "sup01".into(), ui, offset);
    app.theme = Theme { color: false };
    Fixture { app, root }
}

fn screen(app: &ReviewApp, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    text_of(t.backend().buffer())
}

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
