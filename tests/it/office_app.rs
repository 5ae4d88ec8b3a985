//! The office app (`doorstep office`) on a small office built with the
//! real commands: a register of two communities, a 2026Q4 sample, signed
//! batches with complaints (and a gap in the sequence), a tampered batch
//! quarantined. Snapshots of every tab at 80×24 in English and Chinese
//! with the colour-free theme; every key of every screen acts; a status
//! change made with the app's keys is in the database with its note.
//!
//! The instants the commands wrote (ingestion, orders, keys) are set to
//! fixed ones so the snapshots do not depend on the day they run.
//! Snapshots live in `tests/it/snapshots/`; regenerate them with
//! `INSTA_UPDATE=always cargo test --test it office_app::` and read the diff.

use std::collections::BTreeMap;
use std::fs;

use doorstep_core::interview::answer::{Answer, AnswerValue};
use doorstep_core::questionnaire::QuestionKind;
use doorstep_office::settings::Settings;
use doorstep_office::{Db, DbSpec};
use doorstep_tui::i18n::Lang;
use doorstep_tui::office::keys::{ANYWHERE, OfficeAction, OfficeScreen, bindings};
use doorstep_tui::office::{OfficeApp, OfficeData};
use doorstep_tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};

use crate::office_support::*;
use crate::support::{Keys, check_colours, keys, press, text_of};

const LANGS: [Lang; 2] = [Lang::En, Lang::Zh];

impl Keys for OfficeApp {
    fn key(&mut self, key: KeyEvent) {
        self.handle_key(key);
    }
}

const SETTINGS: &str = r#"[ingest]
count = "approved_and_undecided"

[scores]
calibration = ["gender"]
bootstrap_draws = 200

[orders]
default_deadline_days = 10

[orders.categories.environment]
department = "城管科"

[orders.categories.safety]
department = "派出所"
deadline_days = 0
"#;

/// The instant the tests call now: after the orders' 10-day deadline of
/// the safety complaint (0 days), before the others'.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-12-05T08:00:00Z".parse().unwrap()
}

/// Item ratings of interview `k`: women rate higher, one community lower.
fn rating(k: usize) -> i64 {
    if k.is_multiple_of(2) {
        2 + (k % 3) as i64
    } else {
        4 + (k % 2) as i64
    }
}

fn text(v: &str) -> Answer {
    Answer::Value(AnswerValue::Text { value: v.into() })
}

fn yes_no(v: bool) -> Answer {
    Answer::Value(AnswerValue::YesNo { value: v })
}

/// The small office described at the top.
pub fn office() -> Office {
    office_on(Backend::Sqlite)
}

/// The same office on `backend`.
pub fn office_on(backend: Backend) -> Office {
    let o = Office::on(backend);
    o.trust_all();
    let mut reg = String::from("resident_id,name,address,community,street,district,gender\n");
    for r in 0..40 {
        let (community, street) = if r < 20 {
            ("翠竹", "玄武街道")
        } else {
            ("梧桐里社区", "梅园街道")
        };
        let gender = if r % 2 == 0 { "m" } else { "f" };
        reg.push_str(&format!(
            "R{r:05},某,{r}号,{community},{street},玄武区,{gender}\n"
        ));
    }
    o.register("register.csv", &reg, "2026-10-01");
    fs::write(o.dir.join("office.toml"), SETTINGS).unwrap();
    let surveyors = o.dir.join("surveyors.csv");
    fs::write(
        &surveyors,
        "surveyor_id,community\nS01,翠竹\nS01,梧桐里社区\n",
    )
    .unwrap();
    o.cmd(&[
        "--settings",
        o.dir.join("office.toml").to_str().unwrap(),
        "sample",
        "--quarter",
        "2026Q4",
        "--per-community",
        "8",
        "--strata",
        "gender",
        "--reserve",
        "1",
        "--surveyors",
        surveyors.to_str().unwrap(),
        "--seed",
        "7",
        "--out",
        o.dir.join("sample").to_str().unwrap(),
    ])
    .assert()
    .success();
    let sampled: Vec<(String, String)> = {
        let c = o.open_db();
        c.query_map(
            "SELECT resident_id, community FROM sample_members WHERE reserve = 0
             ORDER BY community, resident_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    assert_eq!(sampled.len(), 16);

    let q = doorstep_store::demo::questionnaire().unwrap();
    // Batch 1: 12 of the 16 sampled residents interviewed (6 per
    // community), two complaints; batch 3: 2 more; batch 2 never came.
    let batches = o.dir.join("batches");
    for (seq, members) in [(1u64, 0..12usize), (3, 12..14)] {
        let picked: Vec<&(String, String)> = [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 6, 14]
            .iter()
            .map(|i| &sampled[*i])
            .collect::<Vec<_>>()[members.clone()]
        .to_vec();
        let mut b = batch("S01", "D1", seq, picked.len());
        let by_old: BTreeMap<String, &(String, String)> = (0..picked.len())
            .map(|i| (format!("R{i:05}"), picked[i]))
            .collect();
        for v in &mut b.visits {
            let (resident, community) = by_old[&v.resident_id];
            v.resident_id = resident.clone();
            v.community = Some(community.clone());
        }
        for (k, i) in b.interviews.iter_mut().enumerate() {
            let (resident, community) = by_old[&i.resident_id];
            let k = k + members.start;
            i.resident_id = resident.clone();
            i.community = Some(community.clone());
            i.questionnaire_id = q.id.clone();
            i.questionnaire_version = q.version.clone();
            let low = i64::from(community == "梧桐里社区");
            i.answers = q
                .questions
                .iter()
                .filter_map(|question| match &question.kind {
                    QuestionKind::Rating {
                        min,
                        max,
                        scoring: Some(_),
                        ..
                    } => {
                        let value = (*min + rating(k) - 1 - low).clamp(*min, *max);
                        Some((
                            question.id.clone(),
                            Answer::Value(AnswerValue::Rating { value }),
                        ))
                    }
                    _ => None,
                })
                .collect();
            if k == 1 || k == 7 {
                let (category, consent) = if k == 1 {
                    ("environment", true)
                } else {
                    ("safety", false)
                };
                i.answers.insert("has_complaint".into(), yes_no(true));
                i.answers.insert(
                    "complaint_category".into(),
                    Answer::Value(AnswerValue::Choice {
                        value: category.into(),
                        other: None,
                    }),
                );
                i.answers
                    .insert("complaint_location".into(), text("3幢2单元楼道"));
                i.answers.insert(
                    "complaint_detail".into(),
                    text("楼道堆放杂物很久了，没人清理"),
                );
                i.answers
                    .insert("recontact_consent".into(), yes_no(consent));
                i.answers
                    .insert("callback_phone".into(), text("13900000000"));
            }
        }
        for c in &mut b.questionnaires {
            c.id = q.id.clone();
            c.version = q.version.clone();
        }
        write(&o, &batches, &b);
    }
    // A batch altered after signing: quarantined as tampered.
    let tampered_dir = o.dir.join("tampered");
    let t = write(&o, &tampered_dir, &batch("S02", "D2", 1, 2));
    let mut bytes = fs::read(&t).unwrap();
    let at = bytes.len() / 2;
    bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
    fs::write(&t, bytes).unwrap();
    let out = o
        .cmd(&[
            "--settings",
            o.dir.join("office.toml").to_str().unwrap(),
            "ingest",
            "--json",
            batches.to_str().unwrap(),
            tampered_dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The instants of this run, fixed.
    let c = o.open_db();
    c.execute_batch(
        "UPDATE batches SET ingested_at = '2026-12-01T02:00:00.000Z';
         UPDATE quarantine SET first_seen = '2026-12-01T02:00:00.000Z';
         UPDATE keys SET added_at = '2026-10-01T01:00:00.000Z';
         UPDATE orders SET created_at = '2026-12-01T02:00:00.000Z',
             deadline = CASE category WHEN 'safety' THEN '2026-12-01T02:00:00.000Z'
                                      ELSE '2026-12-11T02:00:00.000Z' END;
         UPDATE order_history SET at = '2026-12-01T02:00:00.000Z';",
    )
    .unwrap();
    o
}

/// The app on `o`'s database, as `doorstep office` opens it, with the
/// colour-free theme and a fixed now.
pub fn app(o: &Office, ui: Lang) -> OfficeApp {
    let db = Db::open(&DbSpec::parse(&o.db)).unwrap();
    let settings = Settings::load(&o.dir.join("office.toml")).unwrap();
    let q = doorstep_store::demo::questionnaire().unwrap();
    let mut data = OfficeData::new(db, settings, vec![q], "tester".into());
    data.now = Some(now());
    let mut app = OfficeApp::new(data, ui);
    app.theme = Theme { color: false };
    app
}

fn draw(app: &OfficeApp, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    t.backend().buffer().clone()
}

fn screen(app: &OfficeApp) -> String {
    text_of(&draw(app, 80, 24))
}

/// The screen with what each run makes anew redacted: key ids (the keys
/// are generated per run) and the sha256 of files that carry them.
fn snap(app: &OfficeApp, name: &str, ui: Lang) {
    let keys = regex::Regex::new("\\b[0-9A-F]{16}\\b").unwrap();
    let hashes = regex::Regex::new("\\b[0-9a-f]{64}\\b").unwrap();
    let text = screen(app);
    let text = keys.replace_all(&text, "################");
    let text = hashes.replace_all(&text, "#".repeat(64).as_str());
    insta::assert_snapshot!(format!("office_{name}_{}", ui.code()), text);
}

/// Every tab and screen, in both languages, at 80×24: the same screens
/// whichever database the office keeps.
fn every_tab_at_80x24_in_both_languages(backend: Backend) {
    let o = office_on(backend);
    for ui in LANGS {
        let mut app = app(&o, ui);
        let text = screen(&app);
        assert!(text.contains("D1") && text.contains("2"), "{text}");
        snap(&app, "ingestion", ui);
        keys(&mut app, "2");
        snap(&app, "orders", ui);
        press(&mut app, KeyCode::Enter);
        snap(&app, "order_detail", ui);
        keys(&mut app, "u");
        keys(&mut app, "楼道已清理");
        snap(&app, "order_status", ui);
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Esc);
        keys(&mut app, "?");
        snap(&app, "orders_help", ui);
        keys(&mut app, " 3");
        snap(&app, "progress", ui);
        keys(&mut app, "4");
        snap(&app, "scores", ui);
        press(&mut app, KeyCode::Enter);
        snap(&app, "score_detail", ui);
        press(&mut app, KeyCode::Esc);
        keys(&mut app, "5");
        snap(&app, "keys", ui);
    }
}

/// A status change made with the keys: the allowed next state chosen,
/// a note typed (CJK, with a cursor move) and pasted, recorded by whom
/// and with the note; the list shows it.
fn a_status_change_through_the_app_is_recorded_with_its_note(backend: Backend) {
    let o = office_on(backend);
    let mut app = app(&o, Lang::En);
    keys(&mut app, "2");
    let first = screen(&app);
    assert!(first.contains("new"), "{first}");
    keys(&mut app, "u");
    // new → substantiated or not substantiated: the second.
    press(&mut app, KeyCode::Down);
    keys(&mut app, "已核实");
    press(&mut app, KeyCode::Left);
    keys(&mut app, "未");
    press(&mut app, KeyCode::End);
    app.handle_event(&Event::Paste("：无人\n堆放".into()));
    press(&mut app, KeyCode::Enter);
    let text = screen(&app);
    assert!(text.contains("is now not substantiated"), "{text}");

    let c = o.open_db();
    let (id, status): (i64, String) = c
        .query_row(
            "SELECT order_id, status FROM orders WHERE status <> 'new'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(status, "not_substantiated");
    let (who, from, to, note): (String, String, String, String) = c
        .query_row(
            "SELECT who, from_status, to_status, note FROM order_history
             WHERE order_id = ?1 AND from_status IS NOT NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (who.as_str(), from.as_str(), to.as_str()),
        ("tester", "new", "not_substantiated")
    );
    assert_eq!(note, "已核未实：无人 堆放");

    // Esc leaves the prompt without a change.
    keys(&mut app, "u");
    press(&mut app, KeyCode::Esc);
    let changes: i64 = c
        .query_row("SELECT COUNT(*) FROM order_history", [], |r| r.get(0))
        .unwrap();
    assert_eq!(changes, 3);
}

/// Looking at the scores (opening the tab, another period, the years, a
/// community) records no scoring run: only the commands do.
fn viewing_the_scores_records_no_run(backend: Backend) {
    let o = office_on(backend);
    let db = o.open_db();
    let runs = || count(&db, "SELECT COUNT(*) FROM scoring_runs");
    let before = runs();
    let mut app = app(&o, Lang::En);
    keys(&mut app, "4");
    let text = screen(&app);
    assert!(text.contains("翠竹"), "the ranking is shown: {text}");
    keys(&mut app, "[");
    keys(&mut app, "]");
    keys(&mut app, "y");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "1");
    keys(&mut app, "4");
    assert_eq!(runs(), before, "viewing recorded a scoring run");
    // The command still records its run.
    let settings = o.dir.join("office.toml");
    o.cmd(&[
        "--settings",
        settings.to_str().unwrap(),
        "scores",
        "--quarter",
        "2026Q4",
        "--json",
    ])
    .assert()
    .success();
    assert_eq!(runs(), before + 1);
}

/// Each screen's every binding does something there, through the app's
/// handler (`act`), and no key means two things on one screen.
#[test]
fn every_binding_of_every_screen_acts() {
    let o = office();
    let mut app = app(&o, Lang::En);
    for screen in OfficeScreen::ALL {
        let mut seen: Vec<_> = ANYWHERE
            .iter()
            .flat_map(|b| b.presses.iter().copied())
            .collect();
        for b in bindings(screen) {
            for (p, a) in b.presses {
                if let Some((_, other)) = seen.iter().find(|(q, _)| q == p) {
                    assert_eq!(other, a, "{screen:?}: {p:?} is {other:?} and {a:?}");
                }
                seen.push((*p, *a));
                app.show(screen);
                assert_eq!(app.screen(), screen);
                assert!(app.act(*a), "{screen:?}: {a:?} does nothing");
                if *a == OfficeAction::Quit {
                    assert!(app.quit);
                }
            }
        }
    }
}

/// Filters narrow the list; the overdue filter keeps the order past its
/// deadline.
fn the_order_filters_narrow_the_list(backend: Backend) {
    let o = office_on(backend);
    let mut app = app(&o, Lang::En);
    keys(&mut app, "2");
    assert!(screen(&app).contains("work orders: 2"), "{}", screen(&app));
    keys(&mut app, "o");
    let text = screen(&app);
    assert!(text.contains("work orders: 1"), "{text}");
    assert!(
        text.contains("派出所") && text.contains("OVERDUE"),
        "{text}"
    );
    keys(&mut app, "od");
    let text = screen(&app);
    assert!(
        text.contains("department: 城管科") && text.contains("work orders: 1"),
        "{text}"
    );
}

/// Too small a terminal says so and takes no key but quit; back to a
/// bigger one, the app works; nothing is coloured with NO_COLOR, and
/// never dimmed.
#[test]
fn resize_and_colours() {
    let o = office();
    let mut app = app(&o, Lang::Zh);
    let small = text_of(&draw(&app, 60, 20));
    assert!(small.contains("60×20"), "{small}");
    keys(&mut app, "2");
    assert_eq!(app.tab, doorstep_tui::office::Tab::Ingestion);
    app.handle_event(&Event::Resize(100, 30));
    keys(&mut app, "2");
    assert_eq!(app.tab, doorstep_tui::office::Tab::Orders);
    let wide = text_of(&draw(&app, 100, 30));
    assert!(wide.contains("城管科"), "{wide}");

    let mut screens = Vec::new();
    for k in ["1", "2", "3", "4", "5"] {
        keys(&mut app, k);
        screens.push((k.to_string(), draw(&app, 80, 24)));
    }
    check_colours(&screens, false);
    app.theme = Theme { color: true };
    let coloured: Vec<_> = ["1", "2", "3", "4", "5"]
        .iter()
        .map(|k| {
            keys(&mut app, k);
            (k.to_string(), draw(&app, 80, 24))
        })
        .collect();
    check_colours(&coloured, true);
}

on_both_backends!(
    every_tab_at_80x24_in_both_languages,
    viewing_the_scores_records_no_run,
    a_status_change_through_the_app_is_recorded_with_its_note,
    the_order_filters_narrow_the_list,
);
