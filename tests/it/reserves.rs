//! Reserves of a stratified list (`office sample` → `doorstep assign`):
//! hidden from the list, the counts and search until a sampled resident of
//! the same stratum is refused or finally not reached; the release is
//! recorded and survives reopening; the list shows each stratum's progress.

use std::collections::BTreeMap;
use std::fs;

use chrono::{TimeZone, Utc};
use doorstep_core::assignment::{Disposition, Resident};
use doorstep_store::{NewVisit, Store};
use doorstep_tui::app::App;
use doorstep_tui::data;
use doorstep_tui::i18n::Lang;
use doorstep_tui::theme::Theme;

use crate::support;

fn resident(id: &str, name: &str, stratum: Option<(&str, u32)>) -> Resident {
    let mut attributes = BTreeMap::new();
    if let Some((s, r)) = stratum {
        attributes.insert("stratum".to_string(), s.to_string());
        attributes.insert("reserve".to_string(), r.to_string());
    }
    Resident {
        resident_id: id.into(),
        name: name.into(),
        address: format!("梧桐里 {id}"),
        community: Some("梧桐里".into()),
        grid: None,
        building: Some("5".into()),
        unit: Some("1".into()),
        room: Some(id.trim_start_matches(char::is_alphabetic).into()),
        phone: None,
        attributes,
    }
}

/// Stratum 18-34/f: 101, 102 sampled, 901 and 902 reserves; 35-59/m: 103
/// sampled, 903 reserve.
fn stratified() -> Vec<Resident> {
    vec![
        resident("R101", "王秀英", Some(("18-34/f", 0))),
        resident("R102", "李娜", Some(("18-34/f", 0))),
        resident("R103", "张伟", Some(("35-59/m", 0))),
        resident("R901", "刘洋", Some(("18-34/f", 1))),
        resident("R902", "陈静", Some(("18-34/f", 2))),
        resident("R903", "杨勇", Some(("35-59/m", 1))),
    ]
}

fn visit(day: u32, d: Disposition) -> NewVisit {
    NewVisit {
        at: Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap(),
        disposition: d,
        note: None,
        appointment: None,
        interview_id: None,
    }
}

fn listed(store: &Store) -> Vec<String> {
    let mut ids: Vec<String> = store
        .residents_page(None, 0, 1000)
        .unwrap()
        .into_iter()
        .map(|r| r.resident.resident_id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_refusal_releases_the_next_reserve_and_the_release_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    {
        let store = Store::open(&path).unwrap();
        store.upsert_residents(&stratified()).unwrap();
        assert_eq!(listed(&store), ["R101", "R102", "R103"]);
        let c = store.status().unwrap();
        assert_eq!(
            (c.residents, c.reserves_hidden, c.reserves_released),
            (3, 3, 0)
        );
        store
            .record_visit("R101", visit(2, Disposition::Refusal))
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(listed(&store), ["R101", "R102", "R103", "R901"]);
    let releases = store.reserve_releases().unwrap();
    assert_eq!(releases.len(), 1);
    assert_eq!(
        (
            releases[0].resident_id.as_str(),
            releases[0].replaces.as_str()
        ),
        ("R901", "R101")
    );
    assert_eq!(releases[0].stratum, "18-34/f");
    let c = store.status().unwrap();
    assert_eq!(
        (c.residents, c.reserves_hidden, c.reserves_released),
        (4, 2, 1)
    );
    // Re-importing the same list changes nothing of it.
    store.upsert_residents(&stratified()).unwrap();
    assert_eq!(listed(&store), ["R101", "R102", "R103", "R901"]);
}

#[test]
fn a_non_contact_is_final_at_the_attempt_limit_and_other_strata_wait() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.sqlite3")).unwrap();
    store.set_attempt_limit(2);
    store.upsert_residents(&stratified()).unwrap();
    store
        .record_visit("R103", visit(2, Disposition::NoOneHome))
        .unwrap();
    assert_eq!(store.hidden_reserves().unwrap(), 3);
    // An appointment is a contact: no release.
    store
        .record_visit("R102", visit(2, Disposition::Appointment))
        .unwrap();
    store
        .record_visit("R102", visit(3, Disposition::Appointment))
        .unwrap();
    assert_eq!(store.hidden_reserves().unwrap(), 3);
    store
        .record_visit("R103", visit(3, Disposition::RespondentAway))
        .unwrap();
    // R903 (its stratum's reserve) comes, not one of 18-34/f.
    assert_eq!(listed(&store), ["R101", "R102", "R103", "R903"]);
    let progress = store.stratum_progress().unwrap();
    let cells: Vec<_> = progress
        .iter()
        .map(|p| {
            (
                p.stratum.as_str(),
                p.completed,
                p.target,
                p.released,
                p.hidden,
            )
        })
        .collect();
    assert_eq!(cells, [("18-34/f", 0, 2, 0, 2), ("35-59/m", 0, 1, 1, 0)]);
}

#[test]
fn a_list_without_strata_hides_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("s.sqlite3")).unwrap();
    let mut plain = vec![resident("R1", "王秀英", None), resident("R2", "李娜", None)];
    // A `reserve` column alone does not make a stratified list.
    plain[1].attributes.insert("reserve".into(), "1".into());
    store.upsert_residents(&plain).unwrap();
    store
        .record_visit("R1", visit(2, Disposition::Refusal))
        .unwrap();
    assert_eq!(listed(&store), ["R1", "R2"]);
    assert!(store.stratum_progress().unwrap().is_empty());
    let json = serde_json::to_value(store.status().unwrap()).unwrap();
    assert!(json.get("reserves_hidden").is_none(), "{json}");
}

#[test]
fn a_reserve_that_is_not_a_number_is_refused_naming_the_resident() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("s.sqlite3")).unwrap();
    let mut list = stratified();
    list[3].attributes.insert("reserve".into(), "yes".into());
    let e = store.upsert_residents(&list).unwrap_err().to_string();
    assert!(e.contains("R901") && e.contains("'yes'"), "{e}");
    assert_eq!(store.resident_count().unwrap(), 0);
}

fn strata_list(ui: Lang) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    let q = doorstep_store::demo::load_residents(&store, &stratified()).unwrap();
    store
        .record_visit("R101", visit(2, Disposition::Refusal))
        .unwrap();
    let q: &'static _ = Box::leak(Box::new(q));
    let first = data::first_page(&store, 200).unwrap();
    let mut app = App::new(store, q, ui, "tester".into(), true, first);
    app.theme = Theme { color: false };
    let text = support::surveyor::screen_text(&mut app);
    assert!(text.contains("18-34/f 0/2"), "{text}");
    assert!(text.contains("35-59/m 0/1"), "{text}");
    assert!(
        text.contains("刘洋"),
        "the released reserve is listed:\n{text}"
    );
    assert!(!text.contains("陈静"), "a hidden reserve is not:\n{text}");
    let terminal = support::surveyor::draw(&mut app, 80, 24);
    insta::assert_snapshot!(format!("list_strata_{}", ui.code()), terminal.backend());
}

#[test]
fn list_strata_en() {
    strata_list(Lang::En);
}

#[test]
fn list_strata_zh() {
    strata_list(Lang::Zh);
}

/// `office sample` → `doorstep assign` → a refusal → `doorstep status`
/// counts the released reserve, whichever database the office keeps.
fn a_sampled_list_assigned_as_is_releases_a_reserve_after_a_refusal(
    backend: crate::office_support::Backend,
) {
    let o = crate::office_support::Office::on(backend);
    let mut text = String::from("resident_id,name,address,community,street,district,age_group\n");
    for i in 0..12 {
        text.push_str(&format!(
            "R{i:03},住户{i},翠竹{i}号,翠竹,玄武街道,玄武区,{}\n",
            if i % 2 == 0 { "18-34" } else { "60+" }
        ));
    }
    o.register("register.csv", &text, "2026-07-01");
    let surveyors = o.dir.join("surveyors.csv");
    fs::write(&surveyors, "surveyor_id,community\nS1,翠竹\n").unwrap();
    let out = o.dir.join("out");
    o.cmd(&[
        "sample",
        "--quarter",
        "2026Q4",
        "--strata",
        "age_group",
        "--per-community",
        "4",
        "--reserve",
        "1",
        "--surveyors",
        surveyors.to_str().unwrap(),
        "--seed",
        "7",
        "--out",
        out.to_str().unwrap(),
    ])
    .assert()
    .success();
    let laptop = o.dir.join("laptop");
    fs::create_dir_all(&laptop).unwrap();
    let file = out.join("S1.csv");
    support::doorstep_in(&laptop)
        .args([
            "assign",
            "--residents",
            file.to_str().unwrap(),
            "--questionnaire",
            "questionnaires/resident-satisfaction.toml",
        ])
        .assert()
        .success();
    let status = |dir: &std::path::Path| -> serde_json::Value {
        let out = support::doorstep_in(dir)
            .args(["status", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let before = status(&laptop);
    assert_eq!(before["residents"], 4, "{before}");
    assert_eq!(before["reserves_hidden"], 2, "{before}");
    // The first sampled resident of the file refuses.
    let rows: Vec<csv::StringRecord> = csv::Reader::from_path(&file)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    let sampled = rows.iter().find(|r| &r[r.len() - 1] == "0").unwrap();
    {
        let store = support::open_store(&laptop.join("data"));
        store
            .record_visit(&sampled[0], visit(2, Disposition::Refusal))
            .unwrap();
    }
    let after = status(&laptop);
    assert_eq!(after["residents"], 5, "{after}");
    assert_eq!(after["refusals"], 1, "{after}");
    assert_eq!(after["reserves_released"], 1, "{after}");
    assert_eq!(after["reserves_hidden"], 1, "{after}");
    support::doorstep_in(&laptop)
        .args(["status"])
        .assert()
        .success()
        .stdout(predicates::str::contains("reserves released"));
}

crate::office_support::on_both_backends!(
    a_sampled_list_assigned_as_is_releases_a_reserve_after_a_refusal
);
