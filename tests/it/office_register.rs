//! `doorstep office register`: the register loads whole or not at all, in
//! the encodings `assign` reads, and a reload dates who moved.

use std::fs;

use predicates::prelude::PredicateBooleanExt as _;

use serde_json::Value;

use crate::office_support::{Backend, Office, count, on_both_backends, open_db};

const HEAD: &str = "resident_id,name,address,community,street,district,age_group,gender\n";

fn a_register_loads_and_a_reload_dates_who_moved(backend: Backend) {
    let o = Office::on(backend);
    let first = o.dir.join("register-q3.csv");
    fs::write(
        &first,
        format!(
            "{HEAD}R1,张三,1-1-101,翠竹,玄武街道,玄武区,18-34,f\nR2,李四,1-1-102,翠竹,玄武街道,玄武区,35-59,m\nR3,王五,2-1-101,梅园,玄武街道,玄武区,60+,f\n"
        ),
    )
    .unwrap();
    let out = o
        .cmd(&[
            "register",
            "--residents",
            first.to_str().unwrap(),
            "--date",
            "2026-07-01",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["moved_in"], 3);

    // GB18030, as Excel writes CSV on Chinese Windows: R2 gone, R4 new.
    let second = o.dir.join("register-q4.csv");
    let text = format!(
        "{HEAD}R1,张三,1-1-101,翠竹,玄武街道,玄武区,18-34,f\nR3,王五,2-1-101,梅园,玄武街道,玄武区,60+,f\nR4,赵六,3-1-101,梅园,玄武街道,玄武区,18-34,m\n"
    );
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    fs::write(&second, bytes).unwrap();
    o.cmd(&[
        "register",
        "--residents",
        second.to_str().unwrap(),
        "--date",
        "2026-10-01",
    ])
    .assert()
    .success()
    .stdout(predicates::str::contains(
        "3 residents; 1 moved in, 1 moved out, 0 changed, 2 unchanged",
    ));
    let s = o.status();
    assert_eq!(s["register"]["residents"], 3);
    assert_eq!(s["register"]["loads"], 2);
    assert_eq!(s["register"]["valid_from"], "2026-10-01");
    assert_eq!(s["register"]["communities"]["梅园"], 2);
    assert_eq!(s["register"]["communities"]["翠竹"], 1);
}

fn a_bad_register_names_file_row_and_column_and_changes_nothing(backend: Backend) {
    let o = Office::on(backend);
    let good = o.dir.join("good.csv");
    fs::write(&good, format!("{HEAD}R1,张三,1-1-101,翠竹,s,d,18-34,f\n")).unwrap();
    o.cmd(&["register", "--residents", good.to_str().unwrap()])
        .assert()
        .success();
    let before = o.status();
    let bad = o.dir.join("bad.csv");
    fs::write(
        &bad,
        format!("{HEAD}R2,李四,addr,翠竹,s,d,18-34,f\nR2,王五,addr,翠竹,s,d,60+,m\nR3,赵六,,翠竹,s,d,60+,m\n"),
    )
    .unwrap();
    let out = o
        .cmd(&["register", "--residents", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv: row 3, column resident_id: resident_id R2 is already used in row 2"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv: row 4, column address: missing value"),
        "{err}"
    );
    assert!(err.contains("nothing changed"), "{err}");
    // No resident's name reaches the messages.
    assert!(!err.contains("王五") && !err.contains("赵六"), "{err}");
    assert_eq!(o.status(), before);
}

fn the_database_comes_from_the_flag_the_environment_or_the_config(backend: Backend) {
    let o = Office::on(backend);
    let list = o.dir.join("r.csv");
    fs::write(&list, format!("{HEAD}R1,张三,1-1-101,翠竹,s,d,18-34,f\n")).unwrap();
    // Environment.
    let env_db = o.another_db("env.sqlite3");
    crate::support::doorstep_in(&o.dir)
        .env("DOORSTEP_OFFICE_DB", &env_db)
        .args(["office", "register", "--residents", list.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(
        count(&open_db(&env_db), "SELECT COUNT(*) FROM register_loads"),
        1
    );
    // Config.
    let cfg_db = o.another_db("cfg.sqlite3");
    fs::write(
        o.dir.join("config.toml"),
        format!("office_db = \"{cfg_db}\"\n"),
    )
    .unwrap();
    crate::support::doorstep_in(&o.dir)
        .env_remove("DOORSTEP_OFFICE_DB")
        .args(["office", "register", "--residents", list.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(
        count(&open_db(&cfg_db), "SELECT COUNT(*) FROM register_loads"),
        1
    );
    // Default: DATA_DIR/office.sqlite3.
    fs::remove_file(o.dir.join("config.toml")).unwrap();
    crate::support::doorstep_in(&o.dir)
        .env_remove("DOORSTEP_OFFICE_DB")
        .args(["office", "status"])
        .assert()
        .success();
    assert!(o.dir.join("data/office.sqlite3").exists());
    // A PostgreSQL server that is not there: the message names it, and
    // never the password.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    crate::support::doorstep_in(&o.dir)
        .args([
            "office",
            "--db",
            &format!("postgres://u:hunter2@127.0.0.1:{port}/x"),
            "status",
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains(format!(
            "cannot connect to the office database at 127.0.0.1:{port}/x"
        )))
        .stderr(predicates::str::contains("hunter2").not());
}

on_both_backends!(
    a_register_loads_and_a_reload_dates_who_moved,
    a_bad_register_names_file_row_and_column_and_changes_nothing,
    the_database_comes_from_the_flag_the_environment_or_the_config,
);
