//! `doorstep review` end to end on temporary folders: two surveyors export
//! batches with the real binary, a supervisor reviews, decides and hands
//! over, and the decisions go back to a surveyor.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

use crate::support::tools;
use doorstep_core::assignment::Disposition;
use doorstep_store::decisions::DecisionKind;
use doorstep_store::{InterviewStatus, ResidentStatus};
use serde_json::Value;
use tempfile::TempDir;

const Q: &str = "questionnaires/resident-satisfaction.toml";
const RESIDENTS: &str = "examples/demo-residents.csv";

/// A doorstep command on `root/<who>` (data) and `root/<who>.toml` (config).
fn doorstep(root: &Path, who: &str) -> Command {
    let mut c = Command::cargo_bin("doorstep").unwrap();
    c.arg("--data-dir")
        .arg(root.join(who))
        .arg("--config")
        .arg(root.join(format!("{who}.toml")))
        .env_remove("DOORSTEP_DATA_DIR")
        .env_remove("DOORSTEP_CONFIG")
        .env_remove("DOORSTEP_KEY_PASSWORD")
        .env("DOORSTEP_STORE_PASSWORD", crate::support::STORE_PASSWORD);
    c
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn run(root: &Path, who: &str, args: &[&str]) -> Output {
    doorstep(root, who).args(args).output().unwrap()
}

/// A surveyor with a key and an assignment.
fn surveyor(root: &Path, id: &str) {
    ok(run(
        root,
        id,
        &["assign", "--residents", RESIDENTS, "--questionnaire", Q],
    ));
    ok(run(
        root,
        id,
        &["keygen", "--surveyor", id, "--no-password"],
    ));
    let keys = root.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::copy(
        root.join(id).join("keys").join(format!("{id}.pub")),
        keys.join(format!("{id}.pub")),
    )
    .unwrap();
}

fn work(root: &Path, id: &str, n: usize, seed: u64) -> PathBuf {
    let day = format!("2026-11-{:02}", 2 + seed % 20);
    ok(run(
        root,
        id,
        &[
            "simulate",
            "--interviews",
            &n.to_string(),
            "--seed",
            &seed.to_string(),
            "--surveyor",
            id,
            "--day",
            &day,
        ],
    ));
    let inbox = root.join("inbox").join(id);
    ok(run(root, id, &["export", "--out", inbox.to_str().unwrap()]));
    newest_batch(&inbox)
}

fn newest_batch(dir: &Path) -> PathBuf {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    v.sort();
    v.pop().unwrap()
}

fn interview_ids(batch: &Path) -> Vec<String> {
    std::fs::read_to_string(batch)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["kind"] == "interview")
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

fn review(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "review".to_string(),
        root.join("inbox").display().to_string(),
        "--keys".into(),
        root.join("keys").display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    doorstep(root, "sup").args(&args).output().unwrap()
}

/// S01: one good batch. S02: batches 1 and 3 (2 is missing: a gap).
fn two_surveyors(root: &Path) -> (PathBuf, PathBuf) {
    surveyor(root, "S01");
    surveyor(root, "S02");
    let s1 = work(root, "S01", 10, 1);
    work(root, "S02", 6, 2);
    let s2b2 = work(root, "S02", 2, 3);
    work(root, "S02", 2, 4);
    std::fs::remove_file(&s2b2).unwrap();
    std::fs::remove_file(format!("{}.minisig", s2b2.display())).unwrap();
    ok(run(
        root,
        "sup",
        &["keygen", "--surveyor", "SUP1", "--no-password"],
    ));
    (s1, s2b2)
}

fn tamper(batch: &Path) {
    let text = std::fs::read_to_string(batch).unwrap();
    // Change one rating: same size, different bytes.
    let pat = r#""type":"rating","value":"#;
    let at = text.find(pat).unwrap() + pat.len();
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'3' { b'4' } else { b'3' };
    std::fs::write(batch, bytes).unwrap();
}

/// Without a mode the review app opens; before any terminal is touched the
/// folder and keys are checked, and their problems named.
#[test]
fn without_a_mode_the_review_app_first_checks_folder_and_keys() {
    let tmp = TempDir::new().unwrap();
    std::fs::create_dir_all(tmp.path().join("inbox")).unwrap();
    std::fs::create_dir_all(tmp.path().join("keys")).unwrap();
    let out = review(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no trusted keys"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn summary_json_shows_tampering_gaps_flags_and_surveyors() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let (s1, _) = two_surveyors(root);
    // Text and JSON agree before tampering: all valid, but S02's batch 2
    // is missing, which fails the summary (see
    // `a_missing_batch_is_a_finding_everywhere`).
    let out = review(root, &["--summary"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("surveyors:"), "{text}");
    assert!(text.contains("gap between 1 and 3"), "{text}");
    // Each surveyor's and community's final dispositions; communities by
    // name (the demo list has two), never a resident's name or address.
    assert!(
        text.contains("      final dispositions: complete "),
        "{text}"
    );
    let communities = text.split("communities:\n").nth(1).unwrap();
    assert!(
        communities.starts_with("  梧桐里社区 residents ")
            || communities.starts_with("  翠竹园社区 residents "),
        "{text}"
    );
    assert!(!text.contains("(unknown)"), "{text}");
    let csv = std::fs::read_to_string(RESIDENTS).unwrap();
    for row in csv.lines().skip(1) {
        let cols: Vec<&str> = row.split(',').collect();
        for personal in [cols[1], cols[2], cols[8]] {
            assert!(!text.contains(personal), "{personal} printed: {text}");
        }
    }

    tamper(&s1);
    let out = review(root, &["--summary", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a tampered batch fails the review"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["all_valid"], false);
    let batches = v["batches"].as_array().unwrap();
    assert_eq!(batches.len(), 3);
    let s1b = &batches[0];
    assert_eq!(s1b["signature"], "invalid");
    assert!(
        s1b["status"].as_str().unwrap().starts_with("TAMPERED"),
        "{s1b}"
    );
    assert_eq!(batches[1]["signature"], "valid");
    assert_eq!(batches[2]["sequence"], 3);
    assert!(
        batches[2]["findings"][0]
            .as_str()
            .unwrap()
            .contains("gap between 1 and 3"),
        "{}",
        batches[2]
    );
    // Only S02's valid batches count; S01 shows its invalid batch.
    let surveyors = v["surveyors"].as_array().unwrap();
    let s1s = surveyors
        .iter()
        .find(|s| s["surveyor_id"] == "S01")
        .unwrap();
    assert_eq!(s1s["interviews"], 0);
    assert_eq!(s1s["invalid_batches"], 1);
    let s2s = surveyors
        .iter()
        .find(|s| s["surveyor_id"] == "S02")
        .unwrap();
    assert_eq!(s2s["batches"], 2);
    assert_eq!(s2s["interviews"], 8);
    let rr1 = s2s["rr1"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&rr1));
    assert!(s2s["mean_overall_score"].as_f64().is_some());
    assert!(s2s["completion_rate"].as_f64().unwrap() > 0.0);
    assert_eq!(v["interviews"], 8);
    for f in v["flagged"].as_array().unwrap() {
        assert_eq!(f["surveyor_id"], "S02");
        assert!(f["flags"][0]["reason"].as_str().is_some());
    }
    // Communities over the valid batches (S02's): they add up to S02.
    let communities = v["communities"].as_array().unwrap();
    assert!(!communities.is_empty());
    let sum = |k: &str| {
        communities
            .iter()
            .map(|c| c[k].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(sum("residents"), s2s["residents"].as_u64().unwrap());
    assert_eq!(sum("interviews"), 8);
    assert_eq!(sum("visits"), s2s["visits"].as_u64().unwrap());
    for c in communities {
        let name = c["community"].as_str().unwrap();
        assert!(["翠竹园社区", "梧桐里社区"].contains(&name), "{c}");
        assert!(c["final_dispositions"].as_object().is_some(), "{c}");
        assert!(c.get("rr1").is_some() && c.get("mean_overall_score").is_some());
    }
}

#[test]
fn decisions_survive_restarts_and_invalid_batches_cannot_be_approved() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let (s1, _) = two_surveyors(root);
    let s2 = newest_batch(&root.join("inbox/S02"));
    let good = interview_ids(&s2)[0].clone();
    ok(review(
        root,
        &["--decide", &good, "--reject", "--comment", "re-ask Q3"],
    ));
    // Changing one's mind replaces the decision.
    let bad_one = interview_ids(&s1)[0].clone();
    tamper(&s1);
    let out = review(root, &["--decide", &bad_one, "--approve"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("fails verification") && err.contains("cannot be approved"),
        "{err}"
    );
    let out = review(root, &["--decide", "no-such-interview", "--approve"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no interview no-such-interview"));

    // A new process, a new connection: the decision is there.
    let store = crate::support::open_store(&root.join("sup"));
    let d = store.decision(&good).unwrap().expect("kept");
    assert_eq!(d.decision, DecisionKind::Rejected);
    assert_eq!(d.comment.as_deref(), Some("re-ask Q3"));
    assert_eq!(d.supervisor_id, "SUP1");
    assert_eq!(d.surveyor_id, "S02");
    assert!(store.decision(&bad_one).unwrap().is_none());
    drop(store);
    ok(review(root, &["--decide", &good, "--approve"]));
    let store = crate::support::open_store(&root.join("sup"));
    assert_eq!(store.decisions().unwrap().len(), 1);
    assert_eq!(
        store.decision(&good).unwrap().unwrap().decision,
        DecisionKind::Approved
    );
}

/// A batch damaged so badly that its records cannot be read: deciding on
/// one of its interviews names the batch that failed verification, not
/// only "no interview" (the hostile-input report).
#[test]
fn deciding_on_an_interview_of_an_unreadable_batch_names_the_failed_batch() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let (s1, _) = two_surveyors(root);
    let id = interview_ids(&s1)[0].clone();
    // Every line after the header cut to its first half: nothing parses.
    let text = std::fs::read_to_string(&s1).unwrap();
    let damaged: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 0 { l } else { &l[..l.len() / 2] })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&s1, damaged).unwrap();
    for verb in ["--approve", "--reject"] {
        let mut args = vec!["--decide", id.as_str(), verb];
        if verb == "--reject" {
            args.extend(["--comment", "ask again"]);
        }
        let out = review(root, &args);
        assert_eq!(out.status.code(), Some(1), "{verb}");
        let err = String::from_utf8_lossy(&out.stderr);
        let name = s1.file_name().unwrap().to_string_lossy();
        assert!(
            err.contains("failed verification") && err.contains(&*name),
            "{verb}: {err}"
        );
    }
}

fn decisions_file(out: &Path) -> PathBuf {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("decisions-SUP1-") && n.ends_with(".json")
        })
        .expect("a decisions file")
}

#[test]
fn hand_over_copies_batches_untouched_and_signs_the_decisions() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let (s1, _) = two_surveyors(root);
    let ids = interview_ids(&s1);
    ok(review(
        root,
        &["--decide", &ids[0], "--reject", "--comment", "speeding"],
    ));
    ok(review(root, &["--decide", &ids[1], "--approve"]));
    let out_dir = root.join("handover");
    ok(review(
        root,
        &["--hand-over", out_dir.to_str().unwrap(), "--allow-gaps"],
    ));

    for dir in ["inbox/S01", "inbox/S02"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            let copy = out_dir.join(p.file_name().unwrap());
            assert_eq!(
                std::fs::read(&p).unwrap(),
                std::fs::read(&copy).unwrap(),
                "{} is not byte-identical",
                copy.display()
            );
        }
    }
    let file = decisions_file(&out_dir);
    let v: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(v["format"], "doorstep-decisions");
    assert_eq!(v["supervisor_id"], "SUP1");
    assert_eq!(v["batches"].as_array().unwrap().len(), 3);
    let sha = &v["batches"][0]["sha256"];
    let data = std::fs::read(&s1).unwrap();
    assert_eq!(
        sha,
        &Value::from(doorstep_core::questionnaire::hex_sha256(&data))
    );
    let decisions = v["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 2);
    assert!(decisions.iter().any(|d| d["decision"] == "rejected"
        && d["comment"] == "speeding"
        && d["interview_id"] == ids[0].as_str()));

    let pubkey = root.join("sup/keys/SUP1.pub");
    if tools::have("minisign") {
        let o = std::process::Command::new("minisign")
            .arg("-Vm")
            .arg(&file)
            .arg("-p")
            .arg(&pubkey)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains("doorstep decisions supervisor:SUP1"));
    }

    // A tampered batch stops the hand-over unless it is excluded.
    tamper(&s1);
    let out2 = root.join("handover2");
    let o = review(
        root,
        &["--hand-over", out2.to_str().unwrap(), "--allow-gaps"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--exclude-invalid"));
    assert!(!out2.exists());
    ok(review(
        root,
        &[
            "--hand-over",
            out2.to_str().unwrap(),
            "--exclude-invalid",
            "--allow-gaps",
        ],
    ));
    let v: Value = serde_json::from_slice(&std::fs::read(decisions_file(&out2)).unwrap()).unwrap();
    assert_eq!(v["batches"].as_array().unwrap().len(), 2);
    assert_eq!(v["excluded_batches"].as_array().unwrap().len(), 1);
    assert!(!out2.join(s1.file_name().unwrap()).exists());
}

#[test]
fn rejected_interview_goes_back_to_the_surveyor_and_out_again() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let (s1, _) = two_surveyors(root);
    let rejected = interview_ids(&s1)[0].clone();
    ok(review(
        root,
        &[
            "--decide",
            &rejected,
            "--reject",
            "--comment",
            "please re-ask",
        ],
    ));
    let out_dir = root.join("handover");
    ok(review(
        root,
        &["--hand-over", out_dir.to_str().unwrap(), "--allow-gaps"],
    ));
    let file = decisions_file(&out_dir);
    let file = file.to_str().unwrap();

    // Refused without a key, or with a key that is not the supervisor's.
    let o = run(root, "S01", &["assign", "--decisions", file]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--unverified"));
    let wrong = root.join("keys"); // surveyors' keys, no SUP1.pub
    let o = run(
        root,
        "S01",
        &[
            "assign",
            "--decisions",
            file,
            "--keys",
            wrong.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no trusted key for supervisor SUP1"));

    let supkeys = root.join("supkeys");
    std::fs::create_dir_all(&supkeys).unwrap();
    std::fs::copy(root.join("sup/keys/SUP1.pub"), supkeys.join("SUP1.pub")).unwrap();
    let text = ok(run(
        root,
        "S01",
        &[
            "assign",
            "--decisions",
            file,
            "--keys",
            supkeys.to_str().unwrap(),
        ],
    ));
    assert!(text.contains("1 reopened"), "{text}");
    // Applying it again changes nothing.
    let again = ok(run(
        root,
        "S01",
        &[
            "assign",
            "--decisions",
            file,
            "--keys",
            supkeys.to_str().unwrap(),
        ],
    ));
    assert!(again.contains("1 already reopened"), "{again}");

    let store = crate::support::open_store(&root.join("S01"));
    let original = uuid::Uuid::parse_str(&rejected).unwrap();
    let orig = store.interview(original).unwrap().unwrap();
    assert_eq!(
        orig.status,
        InterviewStatus::Completed,
        "the original is untouched"
    );
    let resident = orig.resident_id.clone();
    let copy = store
        .in_progress_interview(&resident)
        .unwrap()
        .expect("reopened");
    assert_ne!(copy, original);
    let row = store.resident_row(&resident).unwrap().unwrap();
    assert_eq!(row.status, ResidentStatus::InProgress);
    let note = store.reopen_note(&resident).unwrap().unwrap();
    assert_eq!(note.comment.as_deref(), Some("please re-ask"));
    assert_eq!(note.original_id, original);
    // The surveyor's app shows why on the resident's screen.
    let screen = doorstep_tui::data::resident_screen(&store, &resident).unwrap();
    assert_eq!(screen.supervisor_comment.as_deref(), Some("please re-ask"));
    let answers_before = store.load_interview(original).unwrap().answers;
    assert_eq!(store.load_interview(copy).unwrap().answers, answers_before);

    // The old batch is still reproducible byte for byte.
    let old_batch_id = {
        let name = s1.file_name().unwrap().to_string_lossy().to_string();
        name["doorstep-S01-000001-".len()..name.len() - ".jsonl".len()].to_string()
    };
    let again_dir = root.join("again");
    ok(run(
        root,
        "S01",
        &[
            "export",
            "--again",
            &old_batch_id,
            "--out",
            again_dir.to_str().unwrap(),
        ],
    ));
    assert_eq!(
        std::fs::read(again_dir.join(s1.file_name().unwrap())).unwrap(),
        std::fs::read(&s1).unwrap()
    );

    // The surveyor corrects and finishes the copy; the next batch has it.
    store
        .finish_interview(
            copy,
            InterviewStatus::Completed,
            Disposition::Complete,
            chrono::Utc::now(),
        )
        .unwrap();
    drop(store);
    let next_dir = root.join("next");
    ok(run(
        root,
        "S01",
        &["export", "--out", next_dir.to_str().unwrap()],
    ));
    let next = newest_batch(&next_dir);
    let text = std::fs::read_to_string(&next).unwrap();
    assert_eq!(interview_ids(&next), [copy.to_string()]);
    assert!(
        text.contains(&format!(
            "reopened from {rejected}: rejected by SUP1: please re-ask"
        )),
        "the paradata ties the copy to the original"
    );

    // Issue 10, review item 2: back in the supervisor's inbox, the copy
    // supersedes the original: one interview per resident, no duplicate.
    let before: Value =
        serde_json::from_slice(&review(root, &["--summary", "--json"]).stdout).unwrap();
    std::fs::copy(
        &next,
        root.join("inbox/S01").join(next.file_name().unwrap()),
    )
    .unwrap();
    std::fs::copy(
        format!("{}.minisig", next.display()),
        root.join("inbox/S01").join(format!(
            "{}.minisig",
            next.file_name().unwrap().to_string_lossy()
        )),
    )
    .unwrap();
    let after: Value =
        serde_json::from_slice(&review(root, &["--summary", "--json"]).stdout).unwrap();
    assert_eq!(after["interviews"], before["interviews"], "{after}");
    let s01 = |v: &Value| {
        v["surveyors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["surveyor_id"] == "S01")
            .unwrap()
            .clone()
    };
    assert_eq!(s01(&after)["completed"], s01(&before)["completed"]);
    // (S01 and S02 work the same list: their residents in common are
    // duplicates, rightly; the corrected resident is not.)
    for f in after["flagged"].as_array().unwrap() {
        if f["resident_id"] == resident.as_str() {
            for flag in f["flags"].as_array().unwrap() {
                assert_ne!(flag["flag"], "duplicate_resident", "{f}");
            }
        }
    }
    assert_eq!(after["superseded"][0]["interview_id"], rejected.as_str());
    assert_eq!(after["superseded"][0]["superseded_by"], copy.to_string());
    // The hand-over lists it as superseded, not as undecided.
    let out3 = root.join("handover3");
    ok(review(
        root,
        &["--hand-over", out3.to_str().unwrap(), "--allow-gaps"],
    ));
    let v: Value = serde_json::from_slice(&std::fs::read(decisions_file(&out3)).unwrap()).unwrap();
    let undecided: Vec<&str> = v["undecided"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(!undecided.contains(&rejected.as_str()), "{v}");
    assert!(undecided.contains(&copy.to_string().as_str()), "{v}");
    assert_eq!(v["superseded"][0]["interview_id"], rejected.as_str());
}

/// Issue 10, review item 3: S02's batch 2 is missing. The summary (text
/// and JSON) says so and fails; the hand-over refuses it unless told, and
/// then the decisions file names the device and the missing numbers.
#[test]
fn a_missing_batch_is_a_finding_everywhere() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    two_surveyors(root);
    let out = review(root, &["--summary"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("MISSING batches"), "{text}");
    let s02 = text
        .lines()
        .find(|l| l.starts_with("  S02 interviews"))
        .unwrap();
    assert!(
        s02.contains("1 batches MISSING: figures incomplete"),
        "{s02}"
    );

    let out = review(root, &["--summary", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gaps = v["gaps"].as_array().expect("gaps");
    assert_eq!(gaps.len(), 1, "{v}");
    assert_eq!(gaps[0]["surveyor_id"], "S02");
    assert_eq!(gaps[0]["missing"], serde_json::json!([2]));
    let device = gaps[0]["device_id"].as_str().unwrap().to_string();

    let out_dir = root.join("handover");
    let o = review(root, &["--hand-over", out_dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--allow-gaps") && err.contains("batch 2 missing"),
        "{err}"
    );
    assert!(!out_dir.exists());
    ok(review(
        root,
        &["--hand-over", out_dir.to_str().unwrap(), "--allow-gaps"],
    ));
    let v: Value =
        serde_json::from_slice(&std::fs::read(decisions_file(&out_dir)).unwrap()).unwrap();
    assert_eq!(v["gaps"][0]["surveyor_id"], "S02");
    assert_eq!(v["gaps"][0]["device_id"], device.as_str());
    assert_eq!(v["gaps"][0]["missing"], serde_json::json!([2]));
}

/// Issue 10, review item 6: a rejection from the command line needs a
/// reason, as in the app; refusing it changes nothing. A decision without
/// a comment keeps the comment of an earlier decision of the same kind.
#[test]
fn a_rejection_needs_a_reason_and_no_comment_wipes_nothing() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let (s1, _) = two_surveyors(root);
    let ids = interview_ids(&s1);
    ok(review(
        root,
        &["--decide", &ids[0], "--reject", "--comment", "re-ask Q3"],
    ));
    for extra in [&[][..], &["--comment", "  "][..]] {
        let mut args = vec!["--decide", ids[0].as_str(), "--reject"];
        args.extend_from_slice(extra);
        let o = review(root, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("a rejection needs a reason"), "{err}");
    }
    let o = review(root, &["--decide", ids[1].as_str(), "--reject"]);
    assert_eq!(o.status.code(), Some(1));
    let store = crate::support::open_store(&root.join("sup"));
    let d = store.decision(&ids[0]).unwrap().unwrap();
    assert_eq!(
        (d.decision, d.comment.as_deref()),
        (DecisionKind::Rejected, Some("re-ask Q3"))
    );
    assert!(
        store.decision(&ids[1]).unwrap().is_none(),
        "nothing recorded"
    );
    drop(store);
    // Approving twice, the second time without a comment, keeps it.
    ok(review(
        root,
        &[
            "--decide",
            &ids[1],
            "--approve",
            "--comment",
            "checked by phone",
        ],
    ));
    ok(review(root, &["--decide", &ids[1], "--approve"]));
    let store = crate::support::open_store(&root.join("sup"));
    let d = store.decision(&ids[1]).unwrap().unwrap();
    assert_eq!(d.comment.as_deref(), Some("checked by phone"));
}

/// Issue 10, review item 1: scores count approved and undecided
/// interviews, never rejected ones, and leave flagged ones out on request;
/// the JSON says what was counted.
#[test]
fn rejected_interviews_leave_the_scores_and_the_summary_says_so() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let (s1, _) = two_surveyors(root);
    let s01 = |v: &Value| {
        v["surveyors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["surveyor_id"] == "S01")
            .unwrap()
            .clone()
    };
    let summary = |extra: &[&str]| -> Value {
        let mut args = vec!["--summary", "--json"];
        args.extend_from_slice(extra);
        serde_json::from_slice(&review(root, &args).stdout).unwrap()
    };
    let before = summary(&[]);
    assert_eq!(before["counted"], "approved_and_undecided");
    assert_eq!(before["left_out"]["rejected"], 0);
    let scored = s01(&before)["scored"].as_u64().expect("scored");
    assert!(scored > 1, "{before}");
    // Reject a completed interview of S01.
    let text = std::fs::read_to_string(&s1).unwrap();
    let completed = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["kind"] == "interview" && v["status"] == "completed")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(review(
        root,
        &["--decide", &completed, "--reject", "--comment", "made up"],
    ));
    let after = summary(&[]);
    assert_eq!(after["left_out"]["rejected"], 1);
    assert_eq!(s01(&after)["scored"].as_u64(), Some(scored - 1));
    assert_eq!(s01(&after)["completed"], s01(&before)["completed"]);
    let flagged_out = summary(&["--leave-out-flagged"]);
    assert_eq!(flagged_out["counted"], "approved_and_undecided_unflagged");
    assert!(flagged_out["left_out"]["flagged"].as_u64().is_some());
}

#[test]
fn the_review_demo_is_built_once_and_keeps_to_its_own_folder() {
    let root = tempfile::tempdir().unwrap();
    let first = run(
        root.path(),
        "sup",
        &["review", "--demo", "--summary", "--json"],
    );
    assert!(
        String::from_utf8_lossy(&first.stderr).contains("building the review demo"),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let v: Value = serde_json::from_str(&ok(first)).unwrap();
    assert_eq!(v["all_valid"], true);
    assert_eq!(v["batches"].as_array().unwrap().len(), 4);
    let surveyors: Vec<&str> = v["surveyors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["surveyor_id"].as_str().unwrap())
        .collect();
    assert_eq!(surveyors, ["S01", "S02", "S03"]);
    // The careless surveyor's work is flagged.
    let flagged = v["flagged"].as_array().unwrap();
    assert!(!flagged.is_empty());
    assert!(
        flagged.iter().all(|f| f["surveyor_id"] == "S03"),
        "{flagged:?}"
    );
    let id = flagged[0]["interview_id"].as_str().unwrap().to_string();

    // A decision in the demo lands in the demo's supervisor store, and the
    // second run reuses the same batches.
    let out = run(
        root.path(),
        "sup",
        &[
            "review",
            "--demo",
            "--decide",
            &id,
            "--reject",
            "--comment",
            "too fast",
        ],
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("building"));
    ok(out);
    let demo_store = crate::support::open_store(&root.path().join("sup/review-demo/supervisor"));
    let d = demo_store.decision(&id).unwrap().expect("the decision");
    assert_eq!(d.decision, DecisionKind::Rejected);
    assert_eq!(d.supervisor_id, "demo-supervisor");
    // The real supervisor store, if any, is untouched.
    let real = crate::support::open_store(&root.path().join("sup"));
    assert!(real.decision(&id).unwrap().is_none());

    // DIR and --demo do not mix.
    let out = run(root.path(), "sup", &["review", "somewhere", "--demo"]);
    assert!(!out.status.success());
}

/// Issue 10, minor: `verify DIR` looks in subfolders, as `review` does
/// (one folder walk): the inbox of per-surveyor folders is checked whole.
#[test]
fn verify_finds_batches_in_subfolders_as_review_does() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let (s1, _) = two_surveyors(root);
    let out = run(
        root,
        "sup",
        &[
            "verify",
            root.join("inbox").to_str().unwrap(),
            "--keys",
            root.join("keys").to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains(&format!("{}: VALID", s1.display())), "{text}");
    assert!(text.contains("gap between 1 and 3"), "{text}");
    assert_eq!(out.status.code(), Some(1), "the gap fails verification");
}

/// Issue 10, minor: the supervisor's key is made with `keygen
/// --supervisor`, and worded for a supervisor: its public key goes to the
/// surveyors, not "to your supervisor".
#[test]
fn keygen_for_a_supervisor_says_to_give_the_key_to_the_surveyors() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let out = run(
        root,
        "sup",
        &["keygen", "--supervisor", "SUP9", "--no-password"],
    );
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    ok(out);
    assert!(err.contains("give this file to your surveyors"), "{err}");
    assert!(!err.contains("to your supervisor"), "{err}");
    assert!(root.join("sup/keys/SUP9.pub").exists());
    let config = std::fs::read_to_string(root.join("sup.toml")).unwrap();
    assert!(config.contains("SUP9"), "{config}");
    // A surveyor's key still goes to the supervisor.
    let out = run(
        root,
        "S01",
        &["keygen", "--surveyor", "S01", "--no-password"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("give this file to your supervisor"));
}

/// Issue 14, replays: one batch id signed twice with different content is a
/// CONFLICT: `verify` exits 1 naming it, and `review --summary` does not
/// say all valid; records repeated in a second batch are a finding too.
#[test]
fn a_batch_id_signed_twice_with_different_content_is_a_conflict_everywhere() {
    use crate::support::batch::content;
    use doorstep_batch::{SigningKey, keygen, write_batch};
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let made = keygen(&root.join("S01"), "S01", None, false).unwrap();
    let key = SigningKey::load(&made.secret_key_path, |_| Ok(String::new())).unwrap();
    let keys = root.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::copy(&made.public_key_path, keys.join("S01.pub")).unwrap();
    let (a, b) = (root.join("inbox/a"), root.join("inbox/b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    write_batch(&a, &content("S01", "dev-1", 1, 3, 2), &key, &[]).unwrap();
    let mut changed = content("S01", "dev-1", 1, 3, 2);
    changed.interviews.pop();
    write_batch(&b, &changed, &key, &[]).unwrap();

    let out = run(
        root,
        "sup",
        &[
            "verify",
            root.join("inbox").to_str().unwrap(),
            "--keys",
            keys.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("CONFLICT: batch").count(), 2, "{text}");

    let out = review(root, &["--summary", "--json"]);
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["all_valid"], false, "{v}");
    assert_eq!(v["interviews"], 0, "{v}");
}
