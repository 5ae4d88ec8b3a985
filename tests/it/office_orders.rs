//! Work orders: each complaint in a counted interview becomes one order,
//! routed by category with per-street overrides; states move only along
//! the allowed paths, with history; overdue orders are listed; the
//! department's export carries the call-back number only with consent.

use std::fs;

use doorstep_core::interview::answer::{Answer, AnswerValue};
use serde_json::Value;

use crate::office_support::*;

fn text(v: &str) -> Answer {
    Answer::Value(AnswerValue::Text { value: v.into() })
}

fn yes_no(v: bool) -> Answer {
    Answer::Value(AnswerValue::YesNo { value: v })
}

const SETTINGS: &str = r#"[orders]
default_deadline_days = 10

[orders.categories.environment]
department = "城管科"

[orders.categories.safety]
department = "派出所"
deadline_days = 0

[[orders.streets]]
street = "玄武街道"
category = "environment"
department = "玄武环卫所"
"#;

fn complaints_become_routed_orders_worked_through_their_states(backend: Backend) {
    let o = Office::on(backend);
    o.trust_all();
    // R00000 lives on 玄武街道; R00001 on 梅园街道.
    let reg = o.dir.join("register.csv");
    fs::write(
        &reg,
        "resident_id,name,address,community,street\nR00000,甲,1号,翠竹,玄武街道\nR00001,乙,2号,翠竹,梅园街道\nR00002,丙,3号,翠竹,梅园街道\nR00003,丁,4号,翠竹,梅园街道\n",
    )
    .unwrap();
    o.cmd(&["register", "--residents", reg.to_str().unwrap()])
        .assert()
        .success();
    let settings = o.dir.join("office.toml");
    fs::write(&settings, SETTINGS).unwrap();

    let mut b = batch("S01", "D1", 1, 4);
    let complain =
        |a: &mut std::collections::BTreeMap<String, Answer>, category: &str, consent: bool| {
            a.insert("has_complaint".into(), yes_no(true));
            a.insert(
                "complaint_category".into(),
                Answer::Value(AnswerValue::Choice {
                    value: category.into(),
                    other: None,
                }),
            );
            a.insert("complaint_location".into(), text("3幢2单元楼道"));
            a.insert("complaint_detail".into(), text("楼道堆放杂物很久了"));
            a.insert("recontact_consent".into(), yes_no(consent));
            a.insert("callback_phone".into(), text("13912345678"));
        };
    complain(&mut b.interviews[0].answers, "environment", true);
    complain(&mut b.interviews[1].answers, "environment", false);
    complain(&mut b.interviews[2].answers, "safety", true);
    b.interviews[3]
        .answers
        .insert("has_complaint".into(), yes_no(false));
    let ids: Vec<String> = b.interviews.iter().map(|i| i.id.clone()).collect();
    let d = o.dir.join("in");
    write(&o, &d, &b);
    // Interview 2 is rejected: its complaint never becomes an order.
    decisions(
        &o,
        &d,
        1,
        &[
            (&ids[0], true, 1),
            (&ids[1], true, 1),
            (&ids[2], false, 1),
            (&ids[3], true, 1),
        ],
    );
    let s = settings.to_str().unwrap();
    let out = o
        .cmd(&["--settings", s, "ingest", "--json", d.to_str().unwrap()])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["orders_created"], 2, "{doc:#}");

    let list = |extra: &[&str]| -> Vec<Value> {
        let mut args = vec!["--settings", s, "orders", "--json"];
        args.extend_from_slice(extra);
        let out = o.cmd(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    let all = list(&[]);
    assert_eq!(all.len(), 2);
    let first = all
        .iter()
        .find(|o| o["interview_id"] == ids[0].as_str())
        .unwrap();
    let second = all
        .iter()
        .find(|o| o["interview_id"] == ids[1].as_str())
        .unwrap();
    // Street override for 玄武街道; the category's department elsewhere.
    assert_eq!(first["department"], "玄武环卫所");
    assert_eq!(second["department"], "城管科");
    // The number only where the resident agreed.
    assert_eq!(first["callback_phone"], "13912345678");
    assert_eq!(second["callback_phone"], Value::Null);
    assert_eq!(list(&["--department", "城管科"]).len(), 1);
    assert_eq!(list(&["--status", "new"]).len(), 2);
    assert!(list(&["--overdue"]).is_empty());

    // The allowed path, with history; a jump is refused.
    let id = first["order_id"].to_string();
    o.cmd(&[
        "--settings",
        s,
        "orders",
        "update",
        &id,
        "--status",
        "closed",
    ])
    .assert()
    .failure()
    .stderr(predicates::str::contains(
        "is new: it can move to substantiated, not_substantiated (not closed)",
    ));
    for (status, note) in [
        ("substantiated", "现场核实属实"),
        ("in_rectification", "已清理一半"),
        ("rectified", "已清理完毕"),
        ("satisfied", "回访满意"),
        ("closed", "结案"),
    ] {
        o.cmd(&[
            "--settings",
            s,
            "orders",
            "update",
            &id,
            "--status",
            status,
            "--note",
            note,
            "--by",
            "王科长",
        ])
        .assert()
        .success();
    }
    let out = o
        .cmd(&["--settings", s, "orders", "show", &id, "--json"])
        .output()
        .unwrap();
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    let history = shown["history"].as_array().unwrap();
    assert_eq!(history.len(), 6);
    assert_eq!(history[1]["who"], "王科长");
    assert_eq!(history[1]["from_status"], "new");
    assert_eq!(history[1]["to_status"], "substantiated");
    assert_eq!(history[5]["note"], "结案");
    assert_eq!(list(&["--status", "closed"]).len(), 1);

    // The status counts them.
    let status = o.status();
    assert_eq!(status["orders"]["closed"], 1);
    assert_eq!(status["orders"]["new"], 1);

    // The export: a workbook for the department.
    let xlsx = o.dir.join("城管科.xlsx");
    o.cmd(&[
        "--settings",
        s,
        "orders",
        "export",
        "--department",
        "城管科",
        "--out",
        xlsx.to_str().unwrap(),
    ])
    .assert()
    .success()
    .stdout(predicates::str::contains("1 work orders of 城管科"));
    assert!(fs::metadata(&xlsx).unwrap().len() > 1000);
}

fn an_order_past_its_deadline_is_listed_as_overdue_until_done(backend: Backend) {
    let o = Office::on(backend);
    o.trust_all();
    let settings = o.dir.join("office.toml");
    fs::write(
        &settings,
        "[ingest]\ncount = \"approved_and_undecided\"\n[orders.categories.safety]\ndepartment = \"派出所\"\ndeadline_days = 0\n",
    )
    .unwrap();
    let mut b = batch("S01", "D1", 1, 1);
    b.interviews[0]
        .answers
        .insert("has_complaint".into(), yes_no(true));
    b.interviews[0].answers.insert(
        "complaint_category".into(),
        Answer::Value(AnswerValue::Choice {
            value: "safety".into(),
            other: None,
        }),
    );
    let d = o.dir.join("in");
    write(&o, &d, &b);
    let s = settings.to_str().unwrap();
    o.cmd(&["--settings", s, "ingest", d.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicates::str::contains("1 new work orders"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let overdue = |o: &Office| -> usize {
        let out = o
            .cmd(&["--settings", s, "orders", "--overdue", "--json"])
            .output()
            .unwrap();
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(overdue(&o), 1);
    o.cmd(&[
        "--settings",
        s,
        "orders",
        "update",
        "1",
        "--status",
        "not_substantiated",
    ])
    .assert()
    .success();
    assert_eq!(overdue(&o), 0);
    // A route to nowhere is a located error in office.toml.
    fs::write(
        &settings,
        "[[orders.streets]]\nstreet = \"玄武街道\"\ncategory = \"noise\"\ndepartment = \"x\"\n",
    )
    .unwrap();
    o.cmd(&["--settings", s, "orders"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "office.toml:3:12: street 玄武街道 overrides category 'noise'",
        ));
}

on_both_backends!(
    complaints_become_routed_orders_worked_through_their_states,
    an_order_past_its_deadline_is_listed_as_overdue_until_done,
);
