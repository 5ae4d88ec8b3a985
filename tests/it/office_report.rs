//! `office demo` and `office report` (on both backends): the demo city,
//! built through sample, simulate, export, ingest and import-online, is
//! deterministic; the
//! report's figures are `office rank`'s and `office scores`'s; hostile
//! names come out inert in the page, the workbook and the CSV; the
//! workbook's sheets and cells read back; the page renders in a real
//! browser (headless Chromium) with its table rows and non-empty charts.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use crate::office_support::{Backend, on_both_backends, open_db};

/// A small demo city in a temp dir (no report yet), in SQLite
/// (`city/office.sqlite3`) or a fresh PostgreSQL database.
struct City {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    db: String,
}

impl City {
    fn new(backend: Backend, seed: &str) -> City {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let db = match backend {
            Backend::Sqlite => dir.join("city/office.sqlite3").display().to_string(),
            Backend::Postgres => crate::support::pg::database().expect("PostgreSQL available"),
        };
        crate::support::doorstep_in(&dir)
            .env_remove("DOORSTEP_OFFICE_DB")
            .args(["office", "--db", &db, "demo", "--out"])
            .arg(dir.join("city"))
            .args(["--seed", seed, "--per-quarter", "12", "--no-report"])
            .assert()
            .success();
        City { _tmp: tmp, dir, db }
    }

    fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = crate::support::doorstep_in(&self.dir);
        c.env_remove("DOORSTEP_OFFICE_DB")
            .arg("office")
            .arg("--db")
            .arg(&self.db)
            .arg("--settings")
            .arg(self.dir.join("city/office.toml"))
            .args(args);
        c
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn report(&self, args: &[&str]) -> PathBuf {
        let out = self.dir.join("report");
        let mut all = vec!["report", "--out", out.to_str().unwrap()];
        all.extend(args);
        self.cmd(&all).assert().success();
        out
    }

    fn sql(&self, sql: &str) {
        open_db(&self.db).execute_batch(sql).unwrap();
    }
}

/// A CSV of the report: header and rows, the BOM checked and removed.
fn read_csv(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let bytes = fs::read(path).unwrap();
    assert!(
        bytes.starts_with("\u{FEFF}".as_bytes()),
        "{}: no UTF-8 BOM",
        path.display()
    );
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

fn the_demo_city_is_the_same_for_the_same_seed(backend: Backend) {
    // Interview ids are fresh UUIDs on each simulated device, as on a real
    // one: the city is the same residents, channels, times and answers.
    let dump = |c: &City| -> Vec<(String, String, String, String)> {
        let mut rows: Vec<(String, String, String, String)> = open_db(&c.db)
            .query_map(
                "SELECT resident_id, channel, started_at, answers FROM interviews",
                doorstep_office::params![],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        rows
    };
    let (a, b, other) = (
        City::new(backend, "7"),
        City::new(backend, "7"),
        City::new(backend, "8"),
    );
    let (da, db) = (dump(&a), dump(&b));
    assert!(da.len() > 300, "{} interviews", da.len());
    assert_eq!(da, db);
    assert_ne!(da, dump(&other));
    // Three channels, twelve communities, 2026; home visits came as signed
    // batches with a supervisor's signed decisions.
    let channels: std::collections::BTreeSet<&str> = da.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(channels.len(), 3);
    let status = a.json(&["status", "--json"]);
    let orders: u64 = status["orders"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(orders > 50, "{status:#}");
    assert!(
        status["batches"]["ingested"].as_u64().unwrap() >= 12,
        "{status:#}"
    );
    assert_eq!(status["batches"]["quarantined"], 0, "{status:#}");
    assert!(
        status["interviews"]["by_decision"]["approved"]
            .as_u64()
            .unwrap()
            > 300
    );
    for f in [
        "register.csv",
        "2026Q4/sample/S01.csv",
        "2026Q4/online-2026Q4.csv",
    ] {
        assert!(a.dir.join("city/field").join(f).is_file(), "{f}");
    }
}

fn report_figures_are_those_of_rank_and_scores(backend: Backend) {
    let city = City::new(backend, "3");
    let rank = city.json(&["rank", "--year", "2026", "--level", "city", "--json"]);
    let scores = city.json(&["scores", "--year", "2026", "--json"]);
    let out = city.report(&["--year", "2026", "--lang", "en"]);
    for f in ["report.html", "report.xlsx", "summary.csv", "method.csv"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }

    let (header, rows) = read_csv(&out.join("community_ranking.csv"));
    assert_eq!(
        &header[..5],
        [
            "rank",
            "rank low",
            "rank high",
            "rank in street",
            "community"
        ]
    );
    let ranks = rank["ranks"].as_array().unwrap();
    assert_eq!(rows.len(), 12);
    assert_eq!(rows.len(), ranks.len());
    for (row, r) in rows.iter().zip(ranks) {
        assert_eq!(row["community"], r["community"].as_str().unwrap());
        assert_eq!(row["rank"], r["rank"].to_string());
        assert_eq!(row["rank low"], r["rank_low"].to_string());
        assert_eq!(row["rank high"], r["rank_high"].to_string());
        // JSON numbers are read back to within an ulp or so.
        let same = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
        let score: f64 = row["score"].parse().unwrap();
        assert!(
            same(score, r["score"].as_f64().unwrap()),
            "{}",
            row["community"]
        );
        // The estimate, its interval and n are `scores`' combined index.
        let e = scores["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| {
                e["community"] == r["community"]
                    && e["channel"] == "combined"
                    && e["measure"] == "index"
            })
            .unwrap();
        assert!(same(score, e["estimate"].as_f64().unwrap()));
        assert!(same(
            row["95% CI low"].parse().unwrap(),
            e["ci_low"].as_f64().unwrap()
        ));
        assert_eq!(row["n"], e["n"].to_string());
        let small = if e["small"].as_bool().unwrap() {
            "yes"
        } else {
            "no"
        };
        assert_eq!(row["small sample"], small);
    }
    // The small communities carry their shrunk estimate beside.
    assert!(
        rows.iter()
            .any(|r| r["small sample"] == "yes" && !r["shrunk estimate"].is_empty())
    );

    // Streets: three, ranked 1..3.
    let (_, streets) = read_csv(&out.join("street_ranking.csv"));
    let mut places: Vec<&str> = streets.iter().map(|r| r["rank"].as_str()).collect();
    places.sort_unstable();
    assert_eq!(streets.len(), 3);
    assert_eq!(places[0], "1");

    // Three weakest items per community; participation by community and
    // quarter with RR1 ≤ RR3; every department's orders.
    let (_, weak) = read_csv(&out.join("weakest_items.csv"));
    assert_eq!(weak.len(), 12 * 3);
    let (_, part) = read_csv(&out.join("participation_community.csv"));
    assert_eq!(part.len(), 12 * 4);
    for p in &part {
        let (rr1, rr3): (f64, f64) = (p["RR1"].parse().unwrap(), p["RR3"].parse().unwrap());
        assert!(rr1 > 0.0 && rr1 <= rr3 + 1e-12, "{p:?}");
    }
    let (_, rect) = read_csv(&out.join("rectification.csv"));
    assert!(rect.len() >= 3, "{rect:?}");
    let (_, method) = read_csv(&out.join("method.csv"));
    let hash = method
        .iter()
        .find(|m| m["item"].starts_with("settings hash"))
        .unwrap();
    assert_eq!(hash["value"], rank["settings_hash"].as_str().unwrap());
}

fn the_workbook_has_its_sheets_numbers_and_frozen_headers(backend: Backend) {
    let city = City::new(backend, "3");
    let rank = city.json(&["rank", "--quarter", "2026Q4", "--level", "city", "--json"]);
    let out = city.report(&["--quarter", "2026Q4"]);
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let names = wb.sheet_names();
    assert_eq!(
        &names[..7],
        [
            "总表",
            "街道排名",
            "社区排名",
            "指标",
            "环比",
            "整改工单",
            "方法说明"
        ]
    );
    let sheet = wb.worksheet_range("社区排名").unwrap();
    assert_eq!(sheet.get((0, 0)), Some(&Data::String("名次".into())));
    assert_eq!(sheet.get((0, 4)), Some(&Data::String("社区".into())));
    let first = &rank["ranks"][0];
    assert_eq!(
        sheet.get((1, 4)),
        Some(&Data::String(first["community"].as_str().unwrap().into()))
    );
    // Numbers are numbers.
    assert_eq!(sheet.get((1, 0)), Some(&Data::Float(1.0)));
    match sheet.get((1, 6)) {
        Some(Data::Float(v)) => assert!((v - first["score"].as_f64().unwrap()).abs() < 1e-9),
        other => panic!("score cell: {other:?}"),
    }
    // English sheet names with --lang en.
    let en = city.dir.join("en");
    city.cmd(&[
        "report",
        "--quarter",
        "2026Q4",
        "--lang",
        "en",
        "--out",
        en.to_str().unwrap(),
    ])
    .assert()
    .success();
    let wb: Xlsx<_> = open_workbook(en.join("report.xlsx")).unwrap();
    assert_eq!(
        &wb.sheet_names()[..7],
        [
            "Summary",
            "Streets",
            "Communities",
            "Indicators",
            "Changes",
            "Work orders",
            "Method"
        ]
    );
    // The frozen header row: the sheet's XML says so.
    let xml = unzip_entry(&out.join("report.xlsx"), "xl/worksheets/sheet3.xml");
    assert!(xml.contains("state=\"frozen\""), "{xml:.300}");
}

fn unzip_entry(path: &Path, name: &str) -> String {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys,zipfile;sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())",
        ])
        .arg(path)
        .arg(name)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

const HOSTILE: &str = "<script>alert(1)</script>\u{1b}[31m=cmd|' /C calc'!A0";

fn with_hostile_name(city: &City) {
    let name = HOSTILE.replace('\'', "''");
    city.sql(&format!(
        "UPDATE resident_periods SET community = '{name}' WHERE community = '翠竹社区';
         UPDATE interviews SET community = '{name}' WHERE community = '翠竹社区';
         UPDATE sample_members SET community = '{name}' WHERE community = '翠竹社区';
         UPDATE orders SET department = '{name}' WHERE department = '城管科';
         UPDATE orders SET department = '=HYPERLINK(\"http://x\")' WHERE department = '建设科';"
    ));
}

fn hostile_names_come_out_inert(backend: Backend) {
    let city = City::new(backend, "3");
    with_hostile_name(&city);
    let out = city.report(&["--year", "2026"]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "a script element in the page");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "the name is shown, escaped"
    );
    assert!(!html.contains('\u{1b}'), "an escape character in the page");
    // No resource from anywhere: no src, no href but the page's anchors.
    assert!(!html.contains(" src="));
    for href in html.split("href=\"").skip(1) {
        assert!(href.starts_with('#'), "a link out: {:.40}", href);
    }
    // CSV: the formula is defused, the escape character gone.
    let csv = fs::read_to_string(out.join("community_ranking.csv")).unwrap();
    assert!(!csv.contains('\u{1b}'));
    let (_, rows) = read_csv(&out.join("orders.csv"));
    assert!(
        rows.iter().any(|r| r["部门"].starts_with("<script>")),
        "{rows:?}"
    );
    assert!(
        rows.iter().all(|r| !r["部门"].contains('\u{1b}')),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r["部门"] == "'=HYPERLINK(\"http://x\")"),
        "{rows:?}"
    );
    // The workbook keeps it as text.
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let sheet = wb.worksheet_range("社区排名").unwrap();
    let names: Vec<String> = (1..sheet.height())
        .filter_map(|r| sheet.get((r, 4)).map(|d| d.to_string()))
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("<script>") && !n.contains('\u{1b}')),
        "{names:?}"
    );
}

fn the_page_renders_in_a_real_browser(backend: Backend) {
    if !crate::support::tools::have("chromium") {
        return;
    }
    let city = City::new(backend, "3");
    with_hostile_name(&city);
    let out = city.report(&["--year", "2026"]);
    let page = out.join("report.html");
    let url = format!("file://{}", page.display());
    let profile = city.dir.join("chromium-profile");
    let chromium = |args: &[&str]| {
        let o = std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args)
            .arg(&url)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let dom = String::from_utf8(chromium(&["--dump-dom"])).unwrap();
    // The ranking table: a row per community.
    let ranking = dom
        .split("<table class=\"t-community_ranking\">")
        .nth(1)
        .expect("the ranking table")
        .split("</table>")
        .next()
        .unwrap();
    assert_eq!(
        ranking.matches("<tr>").count(),
        1 + 12,
        "header and 12 rows"
    );
    // Every chart: an svg with drawn elements.
    for id in [
        "chart-ranking",
        "chart-heat",
        "chart-trend",
        "chart-response",
        "chart-orders",
    ] {
        let svg = dom
            .split(&format!("<svg id=\"{id}\""))
            .nth(1)
            .unwrap_or_else(|| panic!("{id} missing"))
            .split("</svg>")
            .next()
            .unwrap();
        let shapes = ["<rect", "<circle", "<line", "<polyline"]
            .iter()
            .map(|s| svg.matches(s).count())
            .sum::<usize>();
        assert!(shapes > 3, "{id}: {shapes} shapes");
    }
    // No script ran: the hostile name is text.
    assert!(!dom.contains("<script>alert"));
    // A screenshot that is not blank.
    let shot = city.dir.join("shot.png");
    chromium(&[
        &format!("--screenshot={}", shot.display()),
        "--window-size=1280,2000",
        "--hide-scrollbars",
    ]);
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let px = info.color_type.samples();
    let distinct: std::collections::BTreeSet<&[u8]> = bytes.chunks(px).collect();
    assert!(
        distinct.len() > 20,
        "{} distinct colours: blank?",
        distinct.len()
    );
    let non_white = bytes
        .chunks(px)
        .filter(|p| p[..3] != [255, 255, 255])
        .count();
    assert!(
        non_white * 100 > bytes.len() / px,
        "{non_white} non-white pixels"
    );
}

/// The report's own queries (participation, work orders) run on both
/// backends: the office app's small office (register, sample, signed
/// batches ingested, complaints as orders) reported for its quarter, the
/// ranking as `office rank` says it.
fn the_report_reads_either_backend(backend: Backend) {
    let o = crate::office_app::office_on(backend);
    let settings = o.dir.join("office.toml");
    let settings = settings.to_str().unwrap();
    let out = o
        .cmd(&[
            "--settings",
            settings,
            "rank",
            "--quarter",
            "2026Q4",
            "--level",
            "city",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rank: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ranks = rank["ranks"].as_array().unwrap();
    assert!(!ranks.is_empty(), "{rank}");
    let dir = o.dir.join("report");
    o.cmd(&[
        "--settings",
        settings,
        "report",
        "--quarter",
        "2026Q4",
        "--out",
        dir.to_str().unwrap(),
        "--lang",
        "en",
    ])
    .assert()
    .success();
    let (_, rows) = read_csv(&dir.join("community_ranking.csv"));
    assert_eq!(rows.len(), ranks.len());
    for (row, r) in rows.iter().zip(ranks) {
        assert_eq!(row["community"], r["community"].as_str().unwrap());
        assert_eq!(row["rank"], r["rank"].to_string());
    }
    let (_, participation) = read_csv(&dir.join("participation_community.csv"));
    assert_eq!(participation.len(), 2, "{participation:?}");
    let (_, orders) = read_csv(&dir.join("orders.csv"));
    assert!(!orders.is_empty());
}

/// `[scores] street_weighting = "population"`: a street's score weighs its
/// communities by register residents on the period's last day. The test
/// gives the first street's weakest community a hundred times its
/// residents from that day (the same people copied: its calibrated figures
/// stay the same), so under population weighting the street's score is
/// nearly that community's and the street drops from first place.
fn street_weighting_by_population_changes_the_street_ranking(backend: Backend) {
    let city = City::new(backend, "3");
    let equal = city.report(&["--year", "2026", "--lang", "en"]);
    let (_, streets_equal) = read_csv(&equal.join("street_ranking.csv"));
    let (_, communities) = read_csv(&equal.join("community_ranking.csv"));
    let (_, method_equal) = read_csv(&equal.join("method.csv"));
    let first = streets_equal.iter().find(|s| s["rank"] == "1").unwrap()["street"].clone();
    let score = |r: &BTreeMap<String, String>| r["score"].parse::<f64>().unwrap();
    let weakest = communities
        .iter()
        .filter(|c| c["street"] == first)
        .min_by(|a, b| score(a).total_cmp(&score(b)))
        .unwrap()["community"]
        .clone();
    city.sql(&format!(
        "INSERT INTO resident_periods
             (resident_id, community, street, district, attributes, valid_from, valid_to, load_from)
         WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 99)
         SELECT p.resident_id, p.community, p.street, p.district, p.attributes,
                '2026-12-31', '2027-01-01', p.load_from
         FROM resident_periods p, k
         WHERE p.community = '{}' AND p.valid_to IS NULL",
        weakest.replace('\'', "''")
    ));
    let settings = city.dir.join("city/office.toml");
    let text = fs::read_to_string(&settings).unwrap();
    assert!(!text.contains("[scores]"), "{text}");
    fs::write(
        &settings,
        format!("{text}\n[scores]\nstreet_weighting = \"population\"\n"),
    )
    .unwrap();
    let by_pop = city.report(&["--year", "2026", "--lang", "en"]);
    let (_, streets_pop) = read_csv(&by_pop.join("street_ranking.csv"));
    let (_, communities_pop) = read_csv(&by_pop.join("community_ranking.csv"));
    // The communities' figures are the same (to rounding: their weights
    // are a hundred times larger); only the streets' change.
    assert_eq!(communities.len(), communities_pop.len());
    for (a, b) in communities.iter().zip(&communities_pop) {
        assert_eq!(a["community"], b["community"]);
        for col in ["score", "SE"] {
            let (x, y): (f64, f64) = (a[col].parse().unwrap(), b[col].parse().unwrap());
            assert!((x - y).abs() < 1e-9, "{col}: {a:?} {b:?}");
        }
    }

    // By hand: each street's population-weighted mean and √(Σ w² SE²),
    // residents counted as the register stands on 2026-12-31.
    let db = open_db(&city.db);
    let population = |c: &str| -> f64 {
        db.query_row(
            "SELECT COUNT(*) FROM resident_periods WHERE community = ?1
             AND valid_from <= '2026-12-31' AND (valid_to IS NULL OR valid_to > '2026-12-31')",
            doorstep_office::params![c.to_string()],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as f64
    };
    for s in &streets_pop {
        let members: Vec<(f64, f64, f64)> = communities
            .iter()
            .filter(|c| c["street"] == s["street"])
            .map(|c| {
                (
                    population(&c["community"]),
                    score(c),
                    c["SE"].parse::<f64>().unwrap(),
                )
            })
            .collect();
        let total: f64 = members.iter().map(|m| m.0).sum();
        let expected: f64 = members.iter().map(|(p, e, _)| p / total * e).sum();
        let se: f64 = members
            .iter()
            .map(|(p, _, se)| (p / total * se).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!((score(s) - expected).abs() < 1e-9, "{s:?}: {expected}");
        assert!(
            (s["SE"].parse::<f64>().unwrap() - se).abs() < 1e-9,
            "{s:?}: {se}"
        );
    }
    let rank_of = |rows: &[BTreeMap<String, String>], street: &str| {
        rows.iter().find(|s| s["street"] == street).unwrap()["rank"].clone()
    };
    assert_eq!(rank_of(&streets_equal, &first), "1");
    assert_ne!(
        rank_of(&streets_pop, &first),
        "1",
        "{streets_equal:?}\n{streets_pop:?}"
    );
    // The method sheet says so, and the settings hash differs.
    let (_, method_pop) = read_csv(&by_pop.join("method.csv"));
    let value = |rows: &[BTreeMap<String, String>], item: &str| {
        rows.iter()
            .find(|m| m["item"].starts_with(item))
            .map(|m| m["value"].clone())
    };
    assert_eq!(value(&method_equal, "street score"), None);
    assert!(
        value(&method_pop, "street score")
            .unwrap()
            .contains("register residents")
    );
    assert_ne!(
        value(&method_equal, "settings hash"),
        value(&method_pop, "settings hash")
    );
}

on_both_backends!(
    the_demo_city_is_the_same_for_the_same_seed,
    report_figures_are_those_of_rank_and_scores,
    the_workbook_has_its_sheets_numbers_and_frozen_headers,
    hostile_names_come_out_inert,
    the_page_renders_in_a_real_browser,
    the_report_reads_either_backend,
    street_weighting_by_population_changes_the_street_ranking,
);
