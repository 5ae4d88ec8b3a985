//! `office import-online`: an online questionnaire's export (CSV or XLSX)
//! checked row by row against the questionnaire and imported as
//! interviews of channel `online` (or `phone`), all or nothing, idempotent
//! by respondent id. On both backends.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;

use crate::office_support::*;

const QUESTIONNAIRE: &str = r#"
id = "online-test"
version = "1"
title = { zh = "网上测评", en = "Online assessment" }
languages = ["zh", "en"]
default_language = "zh"
special_responses = ["dont_know", "refused"]

[[dimensions]]
id = "environment"
label = { zh = "环境", en = "Environment" }

[choices]
heard = [
  { value = "wechat", label = { zh = "微信", en = "WeChat" } },
  { value = "sms", label = { zh = "短信", en = "SMS" } },
]

[[sections]]
id = "main"
title = { zh = "主体", en = "Main" }

[[sections.questions]]
id = "env_clean"
type = "rating"
label = { zh = "清洁", en = "Cleaning" }
min = 1
max = 5
dimension = "environment"
required = true

[[sections.questions]]
id = "heard_from"
type = "single_choice"
choices = "heard"
label = { zh = "从哪里知道", en = "Heard from" }

[[sections.questions]]
id = "years"
type = "integer"
label = { zh = "居住年限", en = "Years here" }
min = 0
max = 100

[[sections.questions]]
id = "has_complaint"
type = "yes_no"
label = { zh = "有无问题", en = "Any problem" }
required = true

[[sections.questions]]
id = "complaint_detail"
type = "text"
label = { zh = "问题", en = "The problem" }
relevant = "${has_complaint} = 'yes'"
required = true
"#;

const HEADER: &str = "respondent_id,community,submitted_at,age_group,gender,env_clean,heard_from,years,has_complaint,complaint_detail\n";

fn setup(backend: Backend) -> Office {
    let o = Office::on(backend);
    let mut reg =
        String::from("resident_id,name,address,community,street,district,age_group,gender\n");
    for r in 0..40 {
        let (community, street) = if r < 20 {
            ("翠竹", "玄武街道")
        } else {
            ("梅园", "秦淮街道")
        };
        let age = ["18-34", "35-59", "60+"][r % 3];
        let gender = ["m", "f"][r % 2];
        reg.push_str(&format!(
            "R{r:05},某,{r}号,{community},{street},示范区,{age},{gender}\n"
        ));
    }
    o.register("register.csv", &reg, "2026-10-01");
    fs::write(o.dir.join("q.toml"), QUESTIONNAIRE).unwrap();
    o
}

/// Ten good rows: W01…W10, five per community.
fn good_rows() -> String {
    let mut s = String::from(HEADER);
    for k in 1..=10 {
        let community = if k <= 5 { "翠竹" } else { "梅园" };
        let age = ["18-34", "35-59", "60+"][k % 3];
        let gender = ["m", "f"][k % 2];
        let complaint = if k == 3 { "yes,路灯坏了" } else { "no," };
        s.push_str(&format!(
            "W{k:02},{community},2026-10-{:02} 09:30:00,{age},{gender},{},wechat,{},{complaint}\n",
            k + 1,
            1 + k % 5,
            k * 2
        ));
    }
    s
}

fn write(o: &Office, name: &str, text: &str) -> PathBuf {
    let p = o.dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

/// `import-online FILE --json`, with the exit code, the JSON and stderr.
fn import(o: &Office, file: &std::path::Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "import-online",
        file.to_str().unwrap(),
        "--questionnaire",
        "q.toml",
        "--quarter",
        "2026Q4",
        "--json",
    ];
    args.extend(extra);
    let out = o.cmd(&args).current_dir(&o.dir).output().unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap(),
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn interviews(o: &Office) -> i64 {
    count(&o.open_db(), "SELECT COUNT(*) FROM interviews")
}

fn a_good_file_imports_and_counts_in_the_scores_under_online(backend: Backend) {
    let o = setup(backend);
    let file = write(&o, "online.csv", &good_rows());
    let (code, doc, err) = import(&o, &file, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(doc["imported"], 10, "{doc}");
    assert_eq!(doc["already_imported"], 0);
    assert_eq!(doc["communities"]["翠竹"], 5);
    // The complaint became a work order, routed by the street of the
    // respondent's community.
    assert_eq!(doc["orders_created"], 1, "{doc}");
    let status = o.status();
    assert_eq!(status["interviews"]["by_channel"]["online"], 10, "{status}");
    // The register is what it was: respondents are not residents.
    assert_eq!(status["register"]["residents"], 40, "{status}");

    let out = o
        .cmd(&[
            "scores",
            "--quarter",
            "2026Q4",
            "--questionnaire",
            "q.toml",
            "--json",
        ])
        .current_dir(&o.dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scores: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(scores["left_out"], Value::Array(vec![]), "{scores}");
    let rows = scores["estimates"].as_array().unwrap();
    let online = rows
        .iter()
        .find(|r| r["community"] == "翠竹" && r["channel"] == "online" && r["measure"] == "index")
        .unwrap_or_else(|| panic!("no online index for 翠竹 in {scores}"));
    assert_eq!(online["n"], 5);
    assert_eq!(online["street"], "玄武街道");

    // --channel phone: the same shape from a phone centre.
    let phone = write(&o, "phone.csv", &good_rows());
    let (code, doc, err) = import(&o, &phone, &["--channel", "phone"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(doc["imported"], 10, "{doc}");
    assert_eq!(o.status()["interviews"]["by_channel"]["phone"], 10);
}

fn a_rerun_is_idempotent_and_a_grown_export_adds_only_its_new_rows(backend: Backend) {
    let o = setup(backend);
    let file = write(&o, "online.csv", &good_rows());
    assert_eq!(import(&o, &file, &[]).0, 0);
    let (code, doc, err) = import(&o, &file, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(doc["imported"], 0, "{doc}");
    assert_eq!(doc["already_imported"], 10);
    assert_eq!(interviews(&o), 10);
    // The export a week later holds one more respondent.
    let grown = format!("{}W11,梅园,2026-11-20,60+,f,5,sms,30,no,\n", good_rows());
    let file2 = write(&o, "online-later.csv", &grown);
    let (code, doc, err) = import(&o, &file2, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(doc["imported"], 1, "{doc}");
    assert_eq!(doc["already_imported"], 10);
    assert_eq!(interviews(&o), 11);
    // The key is the database's.
    let db = o.open_db();
    assert!(
        db.execute(
            "INSERT INTO online_respondents (channel, quarter, respondent_id, interview_id, file,
                 file_sha256, row_number, imported_at)
             SELECT channel, quarter, respondent_id, interview_id, file, file_sha256, row_number,
                    imported_at FROM online_respondents",
            doorstep_office::params![],
        )
        .is_err()
    );
}

fn the_same_respondent_with_other_answers_is_a_conflict(backend: Backend) {
    let o = setup(backend);
    let file = write(&o, "online.csv", &good_rows());
    assert_eq!(import(&o, &file, &[]).0, 0);
    let changed = good_rows().replace(
        "W04,翠竹,2026-10-05 09:30:00,35-59,m,5,",
        "W04,翠竹,2026-10-05 09:30:00,35-59,m,1,",
    );
    assert_ne!(changed, good_rows());
    let changed = format!("{changed}W12,翠竹,2026-11-02,18-34,m,4,sms,3,no,\n");
    let file2 = write(&o, "online-changed.csv", &changed);
    let (code, _, err) = import(&o, &file2, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("online-changed.csv: row 5, column respondent_id: respondent W04")
            && err.contains("conflict")
            && err.contains("online.csv row 5"),
        "{err}"
    );
    // Not overwritten, and the new row did not go in either.
    assert_eq!(interviews(&o), 10);
}

fn every_bad_row_is_located_and_nothing_is_loaded(backend: Backend) {
    let o = setup(backend);
    let text = format!(
        "{}extra\n\
         B01,翠竹,2026-10-02,18-34,m,abc,wechat,3,no,,\n\
         B02,翠竹,2026-10-02,18-34,m,9,wechat,3,no,,\n\
         B03,翠竹,2026-10-02,18-34,m,4,tv,3,no,,\n\
         B04,翠竹,2026-10-02,18-34,m,4,wechat,3,no,不该填,\n\
         ,翠竹,2026-10-02,18-34,m,4,wechat,3,no,,\n\
         B06,无此社区,2026-10-02,18-34,m,4,wechat,3,no,,\n\
         B07,翠竹,2026-10-02,18-34,m,4,wechat,300,no,,\n\
         B08,翠竹,2026-10-02,18-34,m,4,wechat,3,yes,,\n\
         B09,翠竹,2025-01-01,18-34,m,4,wechat,3,no,,\n\
         B10,翠竹,2026-10-02,18-34,x,4,wechat,3,no,,\n\
         B11,翠竹,2026-10-02,18-34,m,refused,wechat,3,no,,\n",
        HEADER.trim_end().to_string() + ","
    );
    let file = write(&o, "bad.csv", &text);
    let (code, _, err) = import(&o, &file, &[]);
    assert_eq!(code, 1, "{err}");
    for expected in [
        "bad.csv: row 1, column extra: unknown column",
        "bad.csv: row 2, column env_clean: \"abc\" is not a whole number",
        "bad.csv: row 3, column env_clean: \"9\"",
        "bad.csv: row 4, column heard_from: \"tv\"",
        "bad.csv: row 5, column complaint_detail: answered, but the question does not apply",
        "bad.csv: row 6, column respondent_id: the respondent id is missing",
        "bad.csv: row 7, column community: community \"无此社区\" is not in the register",
        "bad.csv: row 8, column years: \"300\"",
        "bad.csv: row 9, column complaint_detail:",
        "bad.csv: row 10, column submitted_at: 2025-01-01 is not in 2026Q4",
        "bad.csv: row 11, column gender: \"x\" is not a level of gender",
        "not imported (11 errors): nothing changed",
    ] {
        assert!(err.contains(expected), "{expected:?} not in:\n{err}");
    }
    // A special response is an answer in its own right (row 12 is fine).
    assert!(!err.contains("row 12"), "{err}");
    assert_eq!(interviews(&o), 0);
}

fn an_xlsx_export_imports(backend: Backend) {
    let o = setup(backend);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in good_rows().lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            // Ratings and years as numbers, as a spreadsheet holds them.
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => ws.write_number(r as u32, c as u16, n).unwrap(),
                _ => ws.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    let file = o.dir.join("online.xlsx");
    wb.save(&file).unwrap();
    let (code, doc, err) = import(&o, &file, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(doc["imported"], 10, "{doc}");
    // The CSV of the same rows is the same interviews: already in.
    let csv = write(&o, "online.csv", &good_rows());
    let (code, doc, err) = import(&o, &csv, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(doc["already_imported"], 10, "{doc}");
}

fn hostile_files_are_refused_with_their_name(backend: Backend) {
    let o = setup(backend);
    let fifo = o.dir.join("fifo.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (code, _, err) = import(&o, &fifo, &[]);
    assert_ne!(code, 0);
    assert!(
        err.contains("fifo.csv") && err.contains("not a regular file"),
        "{err}"
    );
    let huge = o.dir.join("huge.csv");
    let f = fs::File::create(&huge).unwrap();
    f.set_len(65 << 20).unwrap();
    let (code, _, err) = import(&o, &huge, &[]);
    assert_ne!(code, 0);
    assert!(err.contains("huge.csv") && err.contains("larger"), "{err}");
    assert_eq!(interviews(&o), 0);
}

fn a_file_of_many_bad_rows_lists_the_first_fifty_and_counts_the_rest(backend: Backend) {
    let o = setup(backend);
    let mut text = String::from(HEADER);
    for k in 0..60 {
        text.push_str(&format!("X{k:02},翠竹,,,,9,,,no,\n"));
    }
    let file = write(&o, "many.csv", &text);
    let (code, doc, err) = import(&o, &file, &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(doc["total"], 60, "{doc}");
    assert_eq!(doc["errors"].as_array().unwrap().len(), 50);
    assert!(err.contains("many.csv: row 51, column env_clean"), "{err}");
    assert!(!err.contains("row 52,"), "{err}");
    assert!(err.contains("… and 10 more errors"), "{err}");
    assert_eq!(interviews(&o), 0);
}

on_both_backends!(
    a_file_of_many_bad_rows_lists_the_first_fifty_and_counts_the_rest,
    a_good_file_imports_and_counts_in_the_scores_under_online,
    a_rerun_is_idempotent_and_a_grown_export_adds_only_its_new_rows,
    the_same_respondent_with_other_answers_is_a_conflict,
    every_bad_row_is_located_and_nothing_is_loaded,
    an_xlsx_export_imports,
    hostile_files_are_refused_with_their_name,
);
