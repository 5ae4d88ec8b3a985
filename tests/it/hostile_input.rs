//! Hostile and careless input (issue 14): closed and full outputs,
//! non-regular files, oversized and deeply nested inputs, escape sequences
//! in data, absurd numbers. `docs/hostile-input.md` lists every input tried
//! here with the behaviour expected and the test that checks it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

use crate::support;

/// The `doorstep` binary as a plain process (so its stdout can be pointed
/// at a closed pipe or /dev/full), confined to `dir` like
/// [`support::doorstep_in`].
fn raw(dir: &Path) -> Command {
    let mut c = support::doorstep_process(dir);
    c.stdin(Stdio::null());
    c
}

/// Runs `c` with its stdout the write end of a pipe whose read end is
/// already closed: every write fails with EPIPE, as after `| head -1`.
fn with_closed_stdout(mut c: Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    c.stdout(writer).stderr(Stdio::piped());
    c.output().unwrap()
}

/// Runs `c` with stdout on /dev/full: every write fails with ENOSPC.
fn with_full_stdout(mut c: Command) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    c.stdout(full).stderr(Stdio::piped());
    c.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn no_panic(o: &Output) {
    assert_ne!(o.status.code(), Some(101), "panicked: {}", stderr(o));
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
}

/// A laptop with the demo assignment, 3 simulated interviews and a key
/// without a password.
fn laptop() -> TempDir {
    let dir = TempDir::new().unwrap();
    support::doorstep_in(dir.path())
        .args(support::ASSIGN_DEMO)
        .assert()
        .success();
    support::doorstep_in(dir.path())
        .args(["simulate", "--interviews", "3", "--day", "2026-11-20"])
        .args(["--surveyor", "S1"])
        .assert()
        .success();
    support::doorstep_in(dir.path())
        .args(["keygen", "--surveyor", "S1", "--no-password"])
        .assert()
        .success();
    dir
}

/// `laptop()` exported into `dir/inbox`, its key in `dir/keys`.
fn inbox() -> TempDir {
    let dir = laptop();
    support::doorstep_in(dir.path())
        .args(["export", "--out"])
        .arg(dir.path().join("inbox"))
        .assert()
        .success();
    std::fs::create_dir_all(dir.path().join("keys")).unwrap();
    std::fs::copy(
        dir.path().join("data/keys/S1.pub"),
        dir.path().join("keys/S1.pub"),
    )
    .unwrap();
    dir
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| rd.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

// --- stdout closed or full --------------------------------------------

#[test]
fn status_to_a_closed_pipe_exits_quietly() {
    let dir = laptop();
    let mut c = raw(dir.path());
    c.arg("status");
    let o = with_closed_stdout(c);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "a closed pipe is not an error");
}

#[test]
fn status_to_a_full_disk_is_a_plain_error() {
    let dir = laptop();
    for json in [false, true] {
        let mut c = raw(dir.path());
        c.arg("status");
        if json {
            c.arg("--json");
        }
        let o = with_full_stdout(c);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("cannot write to standard output: No space left on device"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn export_to_a_closed_pipe_still_succeeds_after_writing_the_batch() {
    let dir = laptop();
    let out = dir.path().join("out");
    let mut c = raw(dir.path());
    c.args(["export", "--out"]).arg(&out);
    let o = with_closed_stdout(c);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files_in(&out).len(), 2, "the batch and its signature");
    // Recorded as exported: nothing new the second time.
    let again = support::doorstep_in(dir.path())
        .arg("export")
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing new to export"));
}

#[test]
fn every_printing_command_survives_closed_and_full_stdout() {
    let dir = inbox();
    let p = dir.path();
    let inbox = p.join("inbox").display().to_string();
    let keys = p.join("keys").display().to_string();
    let runs: Vec<Vec<String>> = vec![
        vec!["status".into()],
        vec!["status".into(), "--json".into()],
        vec![
            "check".into(),
            "questionnaires/resident-satisfaction.toml".into(),
        ],
        vec![
            "check".into(),
            "questionnaires/resident-satisfaction.toml".into(),
            "--json".into(),
        ],
        vec![
            "verify".into(),
            inbox.clone(),
            "--keys".into(),
            keys.clone(),
        ],
        vec![
            "verify".into(),
            inbox.clone(),
            "--keys".into(),
            keys.clone(),
            "--json".into(),
        ],
        vec![
            "review".into(),
            inbox.clone(),
            "--keys".into(),
            keys.clone(),
            "--summary".into(),
        ],
        vec![
            "review".into(),
            inbox.clone(),
            "--keys".into(),
            keys.clone(),
            "--summary".into(),
            "--json".into(),
        ],
    ];
    for args in runs {
        let mut c = raw(p);
        c.args(&args);
        let o = with_closed_stdout(c);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let mut c = raw(p);
        c.args(&args);
        let o = with_full_stdout(c);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&o).contains("cannot write to standard output"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

// --- files that are not regular files ---------------------------------

/// Runs `doorstep ARGS` in `dir` with a time limit: a read that blocks
/// (a FIFO with no writer) shows up as a timeout, not a hung suite.
fn run_limited(dir: &Path, args: &[&std::ffi::OsStr]) -> Output {
    support::doorstep_in(dir)
        .args(args)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap()
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}

/// Fails (exit 1, not a timeout or a panic) with a message naming `name`
/// and `what`.
fn refused(o: &Output, name: &str, what: &str) {
    no_panic(o);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(o));
    let err = stderr(o);
    assert!(err.contains(name), "{name} not named: {err}");
    assert!(err.contains(what), "'{what}' not said: {err}");
}

#[test]
fn a_fifo_device_or_directory_as_an_input_file_is_refused_at_once() {
    let dir = TempDir::new().unwrap();
    let p = dir.path();
    let fifo_csv = p.join("list.csv");
    mkfifo(&fifo_csv);
    let fifo_toml = p.join("q.toml");
    mkfifo(&fifo_toml);
    let dir_csv = p.join("folder.csv");
    std::fs::create_dir(&dir_csv).unwrap();
    let os = |s: &Path| s.as_os_str().to_owned();
    for (args, name, what) in [
        (
            vec![os(Path::new("assign")), "--residents".into(), os(&fifo_csv)],
            "list.csv",
            "not a regular file (a FIFO)",
        ),
        (
            vec![os(Path::new("assign")), "--residents".into(), os(&dir_csv)],
            "folder.csv",
            "not a regular file (a directory)",
        ),
        (
            vec!["check".into(), os(&fifo_toml)],
            "q.toml",
            "not a regular file (a FIFO)",
        ),
        (
            vec!["check".into(), "/dev/zero".into()],
            "/dev/zero",
            "not a regular file (a character device)",
        ),
        (
            vec![
                "assign".into(),
                "--residents".into(),
                "examples/demo-residents.csv".into(),
                "--questionnaire".into(),
                os(&fifo_toml),
            ],
            "q.toml",
            "not a regular file (a FIFO)",
        ),
    ] {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let o = run_limited(p, &args);
        refused(&o, name, what);
    }
}

/// The office's own inputs are read the same bounded way: a FIFO as the
/// register, the surveyors file or office.toml is refused at once.
#[test]
fn a_fifo_as_an_office_input_is_refused_at_once() {
    let dir = TempDir::new().unwrap();
    let p = dir.path();
    let fifo = p.join("pipe.csv");
    mkfifo(&fifo);
    let fifo_toml = p.join("office.toml");
    mkfifo(&fifo_toml);
    let db = p.join("office.sqlite3");
    let os = |s: &Path| s.as_os_str().to_owned();
    let office = |rest: &[&std::ffi::OsStr]| -> Vec<std::ffi::OsString> {
        let mut v = vec!["office".into(), "--db".into(), os(&db)];
        v.extend(rest.iter().map(|a| a.to_os_string()));
        v
    };
    let out = p.join("out");
    for (args, name) in [
        (
            office(&[
                "register".as_ref(),
                "--residents".as_ref(),
                fifo.as_os_str(),
            ]),
            "pipe.csv",
        ),
        (
            office(&[
                "sample".as_ref(),
                "--quarter".as_ref(),
                "2026Q4".as_ref(),
                "--per-community".as_ref(),
                "4".as_ref(),
                "--surveyors".as_ref(),
                fifo.as_os_str(),
                "--seed".as_ref(),
                "1".as_ref(),
                "--out".as_ref(),
                out.as_os_str(),
            ]),
            "pipe.csv",
        ),
        (
            office(&[
                "--settings".as_ref(),
                fifo_toml.as_os_str(),
                "status".as_ref(),
            ]),
            "office.toml",
        ),
    ] {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let o = run_limited(p, &args);
        refused(&o, name, "not a regular file (a FIFO)");
    }
}

#[test]
fn a_config_that_is_a_fifo_or_directory_is_refused() {
    let dir = TempDir::new().unwrap();
    mkfifo(&dir.path().join("config.toml"));
    let o = run_limited(dir.path(), &["status".as_ref()]);
    refused(&o, "config.toml", "not a regular file (a FIFO)");
}

#[test]
fn a_fifo_among_batches_or_keys_is_a_finding_not_a_hang() {
    let dir = inbox();
    let p = dir.path();
    mkfifo(&p.join("inbox/zz-fifo.jsonl"));
    let inbox = p.join("inbox");
    let keys = p.join("keys");
    let o = run_limited(
        p,
        &[
            "verify".as_ref(),
            inbox.as_os_str(),
            "--keys".as_ref(),
            keys.as_os_str(),
        ],
    );
    no_panic(&o);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("zz-fifo.jsonl"), "{out}");
    let o = run_limited(
        p,
        &[
            "review".as_ref(),
            inbox.as_os_str(),
            "--keys".as_ref(),
            keys.as_os_str(),
            "--summary".as_ref(),
        ],
    );
    no_panic(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("zz-fifo.jsonl"), "{out}");

    // A FIFO posing as a trusted key.
    mkfifo(&keys.join("S9.pub"));
    let o = run_limited(
        p,
        &[
            "verify".as_ref(),
            inbox.as_os_str(),
            "--keys".as_ref(),
            keys.as_os_str(),
        ],
    );
    refused(&o, "S9.pub", "not a regular file (a FIFO)");
    // And as an age identity.
    let o = run_limited(
        p,
        &[
            "verify".as_ref(),
            inbox.as_os_str(),
            "--keys".as_ref(),
            p.join("keys-none").as_os_str(),
            "--identity".as_ref(),
            "/dev/zero".as_ref(),
        ],
    );
    no_panic(&o);
    assert_eq!(o.status.code(), Some(1));
}

// --- workbooks -----------------------------------------------------------

#[test]
fn a_workbook_cell_at_xfd1048576_is_refused_quickly_by_name() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("far.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["resident_id", "name", "address"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "R1").unwrap();
    ws.write_string(1, 1, "张伟").unwrap();
    ws.write_string(1, 2, "幸福路 1 号").unwrap();
    ws.write_string(1_048_575, 16_383, "far").unwrap();
    wb.save(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 20_000);
    let started = std::time::Instant::now();
    let o = run_limited(
        dir.path(),
        &[
            "assign".as_ref(),
            "--residents".as_ref(),
            path.as_os_str(),
            "--questionnaire".as_ref(),
            "questionnaires/resident-satisfaction.toml".as_ref(),
        ],
    );
    refused(&o, "far.xlsx", "cell XFD1048576 is beyond column IV");
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

// --- questionnaires that would overflow the stack -------------------------

const HEADER: &str = "id = \"deep\"\nversion = \"1\"\ntitle = { zh = \"测试\", en = \"Test\" }\nlanguages = [\"zh\", \"en\"]\ndefault_language = \"zh\"\n\n[[sections]]\nid = \"s\"\ntitle = { zh = \"节\", en = \"Section\" }\n";

/// `n` calculates, each reading the one before.
fn calculate_chain(n: usize) -> String {
    let mut s = String::from(HEADER);
    s.push_str(
        "\n[[sections.questions]]\nid = \"c0\"\ntype = \"calculate\"\ncalculation = \"1\"\n",
    );
    for i in 1..n {
        s.push_str(&format!(
            "\n[[sections.questions]]\nid = \"c{i}\"\ntype = \"calculate\"\ncalculation = \"${{c{}}} + 1\"\n",
            i - 1
        ));
    }
    s.push_str(&format!(
        "\n[[sections.questions]]\nid = \"shown\"\ntype = \"integer\"\nlabel = {{ zh = \"数\", en = \"N ${{c{}}}\" }}\n",
        n - 1
    ));
    s
}

/// `n` questions, each relevant only if the next one (later in the form)
/// was answered: evaluating the first walks the whole chain.
fn reversed_relevance_chain(n: usize) -> String {
    let mut s = String::from(HEADER);
    for i in 0..n {
        s.push_str(&format!(
            "\n[[sections.questions]]\nid = \"q{i}\"\ntype = \"integer\"\nlabel = {{ zh = \"问\", en = \"Q\" }}\n"
        ));
        if i + 1 < n {
            s.push_str(&format!("relevant = \"${{q{}}} != ''\"\n", i + 1));
        }
    }
    s
}

#[test]
fn check_refuses_dependency_chains_too_deep_to_evaluate() {
    let dir = TempDir::new().unwrap();
    for (name, text) in [
        ("calc-10000.toml", calculate_chain(10_000)),
        ("calc-35000.toml", calculate_chain(35_000)),
        ("relevance-10000.toml", reversed_relevance_chain(10_000)),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let o = run_limited(dir.path(), &["check".as_ref(), path.as_os_str()]);
        refused(&o, name, "too deep to evaluate");
    }
}

#[test]
fn a_chain_that_passes_check_evaluates_without_overflow() {
    let dir = TempDir::new().unwrap();
    for (name, text) in [
        ("calc-900.toml", calculate_chain(900)),
        ("relevance-600.toml", reversed_relevance_chain(600)),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let o = run_limited(dir.path(), &["check".as_ref(), path.as_os_str()]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let data = TempDir::new().unwrap();
        support::doorstep_in(data.path())
            .args(["assign", "--residents", "examples/demo-residents.csv"])
            .arg("--questionnaire")
            .arg(&path)
            .assert()
            .success();
        let o = run_limited(
            data.path(),
            &[
                "simulate".as_ref(),
                "--interviews".as_ref(),
                "2".as_ref(),
                "--day".as_ref(),
                "2026-11-20".as_ref(),
            ],
        );
        no_panic(&o);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
    }
}

// --- the store ----------------------------------------------------------

#[test]
fn a_negative_schema_version_is_an_error_not_a_panic() {
    // A plain store (as older doorsteps wrote): its header can be edited
    // with plain SQLite.
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("data/doorstep.sqlite3");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    drop(doorstep_store::Store::open(&db).unwrap());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", -1).unwrap();
    drop(conn);
    let o = support::doorstep_in(dir.path())
        .env_remove("DOORSTEP_STORE_PASSWORD")
        .arg("status")
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    refused(&o, "", "schema version (PRAGMA user_version) is -1");
}

// --- encodings ------------------------------------------------------------

#[test]
fn a_csv_mixing_utf8_and_gbk_is_refused_with_the_row() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("mixed.csv");
    let mut bytes = b"resident_id,name,address\n".to_vec();
    let (gbk, _, _) = encoding_rs::GBK.encode("R1,李娜,幸福路 1 号\n");
    bytes.extend_from_slice(&gbk);
    bytes.extend_from_slice("R2,张伟,幸福路 2 号\n".as_bytes());
    std::fs::write(&path, bytes).unwrap();
    let o = run_limited(
        dir.path(),
        &[
            "assign".as_ref(),
            "--residents".as_ref(),
            path.as_os_str(),
            "--questionnaire".as_ref(),
            "questionnaires/resident-satisfaction.toml".as_ref(),
        ],
    );
    refused(&o, "mixed.csv: row 3, column name", "mixes two encodings");
    // Nothing was imported.
    let status = support::doorstep_in(dir.path())
        .args(["status", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["residents"], 0, "{v}");
}

// --- escape sequences in data ---------------------------------------------

#[test]
fn escape_sequences_in_data_are_shown_not_obeyed() {
    let dir = TempDir::new().unwrap();
    let p = dir.path();
    let list = p.join("list.csv");
    let evil = "\u{1b}]0;pwned\u{7}幸福里\u{1b}[2J";
    let mut csv = String::from("resident_id,name,address,community\n");
    for i in 0..20 {
        csv.push_str(&format!("R{i},居民{i},幸福路 {i} 号,\"{evil}\"\n"));
    }
    std::fs::write(&list, csv).unwrap();
    support::doorstep_in(p)
        .args(["assign", "--residents"])
        .arg(&list)
        .args([
            "--questionnaire",
            "questionnaires/resident-satisfaction.toml",
        ])
        .assert()
        .success();
    support::doorstep_in(p)
        .args(["simulate", "--interviews", "3", "--day", "2026-11-20"])
        .args(["--surveyor", "S1"])
        .assert()
        .success();
    support::doorstep_in(p)
        .args(["keygen", "--surveyor", "S1", "--no-password"])
        .assert()
        .success();
    support::doorstep_in(p)
        .args(["export", "--out"])
        .arg(p.join("inbox"))
        .assert()
        .success();
    std::fs::create_dir_all(p.join("keys")).unwrap();
    std::fs::copy(p.join("data/keys/S1.pub"), p.join("keys/S1.pub")).unwrap();
    for json in [false, true] {
        let mut c = support::doorstep_in(p);
        c.arg("review")
            .arg(p.join("inbox"))
            .arg("--keys")
            .arg(p.join("keys"))
            .arg("--summary");
        if json {
            c.arg("--json");
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            !o.stdout.contains(&0x1b) && !o.stderr.contains(&0x1b),
            "raw ESC printed"
        );
        let out = String::from_utf8_lossy(&o.stdout);
        let shown = if json {
            "\\u001b]0;pwned"
        } else {
            "\\u{1b}]0;pwned"
        };
        assert!(out.contains(shown), "{out}");
    }
}

// --- numbers and ids in settings -------------------------------------------

#[test]
fn absurd_thresholds_are_refused_with_file_and_line() {
    let dir = inbox();
    let p = dir.path();
    for (text, line, key) in [
        ("utc_offset_hours = 1000000\n", 1, "utc_offset_hours"),
        (
            "straight_line_run = 10\nmax_special_share = nan\n",
            2,
            "max_special_share",
        ),
        ("min_overlap_minutes = -5.0\n", 1, "min_overlap_minutes"),
        (
            "min_share_of_median_length = inf\n",
            1,
            "min_share_of_median_length",
        ),
    ] {
        let t = p.join("t.toml");
        std::fs::write(&t, text).unwrap();
        let o = support::doorstep_in(p)
            .arg("review")
            .arg(p.join("inbox"))
            .arg("--keys")
            .arg(p.join("keys"))
            .arg("--summary")
            .arg("--thresholds")
            .arg(&t)
            .output()
            .unwrap();
        refused(&o, &format!("t.toml:{line}:1: {key}"), "out of range");
    }
}

#[test]
fn a_surveyor_id_like_a_path_in_the_config_is_refused_where_it_is() {
    let dir = laptop();
    std::fs::write(
        dir.path().join("config.toml"),
        "surveyor_id = \"../../evil\"\n",
    )
    .unwrap();
    let o = support::doorstep_in(dir.path())
        .env("DOORSTEP_KEY_PASSWORD", "x")
        .arg("export")
        .output()
        .unwrap();
    refused(&o, "config.toml:1:15", "invalid surveyor id \"../../evil\"");
}

#[test]
fn keygen_with_a_data_dir_writes_the_config_beside_it_not_the_user_wide_one() {
    let home = TempDir::new().unwrap();
    let data = home.path().join("elsewhere");
    let o = Command::new(assert_cmd::cargo::cargo_bin("doorstep"))
        .env_remove("DOORSTEP_CONFIG")
        .env_remove("DOORSTEP_DATA_DIR")
        .env("DOORSTEP_STORE_PASSWORD", support::STORE_PASSWORD)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .arg("--data-dir")
        .arg(&data)
        .args(["keygen", "--surveyor", "S7", "--no-password"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let beside = std::fs::read_to_string(data.join("config.toml")).unwrap();
    assert!(beside.contains("S7"), "{beside}");
    assert!(
        !home.path().join(".config/doorstep/config.toml").exists(),
        "the user-wide config was written"
    );
}

#[test]
fn an_unknown_interface_language_is_refused_by_every_command() {
    let dir = TempDir::new().unwrap();
    for args in [
        vec!["--lang", "fr", "status"],
        vec![
            "--lang",
            "fr",
            "check",
            "questionnaires/resident-satisfaction.toml",
        ],
        vec!["status", "--lang", "fr"],
    ] {
        let o = support::doorstep_in(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("'fr'"), "{}", stderr(&o));
    }
}

#[test]
fn an_empty_key_password_is_refused() {
    let dir = TempDir::new().unwrap();
    let o = support::doorstep_in(dir.path())
        .env("DOORSTEP_KEY_PASSWORD", "")
        .args(["keygen", "--surveyor", "S1"])
        .output()
        .unwrap();
    refused(
        &o,
        "DOORSTEP_KEY_PASSWORD",
        "empty password protects nothing",
    );
    assert!(!dir.path().join("data/keys/S1.key").exists());
}

#[test]
fn os_errors_are_said_once() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = assert_cmd::Command::cargo_bin("doorstep")
        .unwrap()
        .arg("--data-dir")
        .arg(&file)
        .arg("--config")
        .arg(dir.path().join("c.toml"))
        .arg("status")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("a-file: File exists"), "{err}");
    assert_eq!(err.matches("File exists").count(), 1, "{err}");
    assert!(!err.contains("os error"), "{err}");
}

/// A 300 KB workbook whose shared strings unpack to 300 MiB (made with
/// Python's zipfile at level 9; see docs/hostile-input.md).
#[test]
fn a_zip_bomb_workbook_is_refused_quickly_naming_file_and_limit() {
    let dir = TempDir::new().unwrap();
    let started = std::time::Instant::now();
    let o = run_limited(
        dir.path(),
        &[
            "assign".as_ref(),
            "--residents".as_ref(),
            "tests/fixtures/residents/zip-bomb.xlsx".as_ref(),
            "--questionnaire".as_ref(),
            "questionnaires/resident-satisfaction.toml".as_ref(),
        ],
    );
    refused(&o, "zip-bomb.xlsx", "unpacks to more than 256 MiB");
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn an_expression_error_does_not_echo_a_huge_expression() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("huge.toml");
    let expr = format!("{} +", "1 + ".repeat(500_000));
    std::fs::write(
        &path,
        format!(
            "{HEADER}\n[[sections.questions]]\nid = \"c\"\ntype = \"calculate\"\ncalculation = \"{expr}\"\n"
        ),
    )
    .unwrap();
    let o = run_limited(dir.path(), &["check".as_ref(), path.as_os_str()]);
    refused(&o, "huge.toml:14:", "more characters");
    assert!(o.stderr.len() < 2000, "{} bytes of error", o.stderr.len());
}

/// Without a terminal (setsid: no controlling tty) and without
/// DOORSTEP_KEY_PASSWORD, export says what to do, not "No such device or
/// address (os error 6)".
#[test]
fn export_without_a_terminal_or_password_says_what_to_do() {
    if !Command::new("setsid")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return;
    }
    let dir = TempDir::new().unwrap();
    let p = dir.path();
    support::doorstep_in(p)
        .args(support::ASSIGN_DEMO)
        .assert()
        .success();
    support::doorstep_in(p)
        .args(["simulate", "--interviews", "1", "--surveyor", "S1"])
        .assert()
        .success();
    support::doorstep_in(p)
        .env("DOORSTEP_KEY_PASSWORD", "correct horse")
        .args(["keygen", "--surveyor", "S1"])
        .assert()
        .success();
    let o = Command::new("setsid")
        .env("DOORSTEP_STORE_PASSWORD", support::STORE_PASSWORD)
        .arg("--wait")
        .arg(assert_cmd::cargo::cargo_bin("doorstep"))
        .arg("--data-dir")
        .arg(p.join("data"))
        .arg("--config")
        .arg(p.join("config.toml"))
        .arg("export")
        .env_remove("DOORSTEP_KEY_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    refused(&o, "S1.key", "set DOORSTEP_KEY_PASSWORD");
}

#[test]
fn an_id_like_a_path_cannot_be_recorded_on_an_interview() {
    let dir = TempDir::new().unwrap();
    support::doorstep_in(dir.path())
        .args(support::ASSIGN_DEMO)
        .assert()
        .success();
    let o = support::doorstep_in(dir.path())
        .args(["simulate", "--interviews", "2", "--surveyor", "../../evil"])
        .output()
        .unwrap();
    refused(&o, "../../evil", "invalid surveyor id");
    let status = support::doorstep_in(dir.path())
        .args(["status", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["completed"], 0, "{v}");
    assert_eq!(v["visited"], 0, "nothing recorded before the refusal: {v}");
}

/// The surveyor's list and the resident's screen with escape sequences in
/// a resident's name and community: no cell of the drawn screen holds a
/// control character (ratatui drops them; the data itself is kept).
#[test]
fn escape_sequences_in_data_never_reach_a_tui_cell() {
    use doorstep_core::assignment::Resident;
    use doorstep_tui::app::App;
    use doorstep_tui::i18n::Lang;
    use ratatui::crossterm::event::KeyCode;

    let dir = TempDir::new().unwrap();
    let store = doorstep_store::Store::open_in_dir(dir.path()).unwrap();
    let q = doorstep_store::demo::load(&store).unwrap();
    let q: &'static _ = Box::leak(Box::new(q));
    let evil = Resident {
        resident_id: "AAA-ESC".into(),
        name: "\u{1b}]0;pwned\u{7}张\u{1b}[2J伟".into(),
        address: "\u{1b}[31m幸福路 1 号".into(),
        community: Some("\u{9b}2J梧桐里".into()),
        grid: None,
        building: None,
        unit: None,
        room: None,
        phone: None,
        attributes: Default::default(),
    };
    store.upsert_residents(&[evil]).unwrap();
    let first = doorstep_tui::data::first_page(&store, 200).unwrap();
    let mut app = App::new(store, q, Lang::En, "tester".into(), true, first);
    let mut screens = Vec::new();
    let mut draw = |app: &mut App| {
        let t = support::surveyor::draw(app, 80, 24);
        screens.push(t.backend().buffer().clone());
    };
    draw(&mut app);
    support::keys(&mut app, "/AAA");
    support::press(&mut app, KeyCode::Enter);
    draw(&mut app);
    support::press(&mut app, KeyCode::Enter);
    draw(&mut app);
    for buffer in &screens {
        for cell in buffer.content.iter() {
            assert!(
                !cell.symbol().chars().any(char::is_control),
                "control character in a cell: {:?}",
                cell.symbol()
            );
        }
    }
    let text = support::text_of(&screens[0]);
    assert!(text.contains("张") || text.contains("AAA"), "{text}");
}

#[test]
fn invalid_utf8_in_a_questionnaire_or_config_is_located_by_line() {
    let dir = TempDir::new().unwrap();
    let q = dir.path().join("q.toml");
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"# \xff\xfe\n");
    std::fs::write(&q, bytes).unwrap();
    let o = run_limited(dir.path(), &["check".as_ref(), q.as_os_str()]);
    refused(&o, "q.toml", "line 10, column 3: not valid UTF-8");
    std::fs::write(dir.path().join("config.toml"), b"ui_language = \"\xff\"\n").unwrap();
    let o = run_limited(dir.path(), &["status".as_ref()]);
    refused(&o, "config.toml", "line 1, column 16: not valid UTF-8");
}
