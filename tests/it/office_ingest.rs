//! `doorstep office ingest`: verified batches go in once, whole; every bad
//! file is quarantined by name with nothing of it ingested; decisions
//! (latest signed wins) and the counting setting; killed at any moment,
//! a rerun reaches exactly the figures of an uninterrupted run.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use serde_json::Value;

use crate::office_support::*;
use crate::support::batch::t0;

fn a_hand_over_goes_in_once_and_again_is_already_ingested(backend: Backend) {
    let o = Office::on(backend);
    o.trust_all();
    let h = o.dir.join("handover");
    let a = batch("S01", "D1", 1, 3);
    let ids: Vec<String> = a.interviews.iter().map(|i| i.id.clone()).collect();
    write(&o, &h, &a);
    write(&o, &h, &batch("S01", "D1", 2, 3));
    write(&o, &h, &batch("S02", "D2", 1, 2));
    decisions(&o, &h, 1, &[(&ids[0], true, 10), (&ids[1], false, 10)]);

    let (code, doc) = o.ingest(&[&h]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["ingested"], 3);
    assert_eq!(doc["summary"]["interviews"], 8);
    assert_eq!(doc["summary"]["quarantined"], 0);
    assert_eq!(doc["decisions"][0]["outcome"], "decisions_ingested");
    assert_eq!(doc["decisions"][0]["decisions"], 2);

    let s = o.status();
    assert_eq!(s["batches"]["ingested"], 3);
    assert_eq!(s["interviews"]["total"], 8);
    assert_eq!(s["interviews"]["by_channel"]["home_visit"], 8);
    assert_eq!(s["interviews"]["by_decision"]["approved"], 1);
    assert_eq!(s["interviews"]["by_decision"]["rejected"], 1);
    assert_eq!(s["interviews"]["by_decision"]["undecided"], 6);
    assert_eq!(s["interviews"]["counted"], 1);
    assert!(s["missing"].as_array().unwrap().is_empty());

    // The same folder again, and a copy of it elsewhere: already in.
    let copy = o.dir.join("copy");
    fs::create_dir_all(&copy).unwrap();
    for e in fs::read_dir(&h).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    let (code, doc) = o.ingest(&[&h, &copy]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["ingested"], 0);
    assert_eq!(doc["summary"]["already_ingested"], 6);
    assert!(
        doc["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["outcome"] == "already_ingested")
    );
    assert_eq!(o.status(), s);
}

/// Flips one byte in the middle of the file (same length).
fn flip_middle(p: &Path) {
    let mut b = fs::read(p).unwrap();
    let i = b.len() / 2;
    b[i] = if b[i] == b'7' { b'8' } else { b'7' };
    fs::write(p, b).unwrap();
}

fn every_bad_file_is_quarantined_by_name_and_none_of_it_goes_in(backend: Backend) {
    let o = Office::on(backend);
    o.trust_all();
    doorstep_batch::keygen(&o.dir.join("secret"), "S09", None, false).unwrap();
    let good = batch("S01", "D1", 1, 3);
    let good_path = write(&o, &o.dir.join("good"), &good);

    let bad = o.dir.join("bad");
    let tampered = write(&o, &bad.join("t"), &batch("S01", "D1", 2, 3));
    flip_middle(&tampered);
    let truncated = write(&o, &bad.join("u"), &batch("S01", "D1", 3, 3));
    let len = fs::metadata(&truncated).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&truncated)
        .unwrap()
        .set_len(len - 40)
        .unwrap();
    let unknown = write(&o, &bad.join("k"), &batch("S09", "D9", 1, 2));
    // Same batch id as the good one, other content.
    let mut same_id = good.clone();
    same_id.interviews.pop();
    same_id.visits.retain(|v| {
        v.interview_id.as_deref() != Some(good.interviews[2].id.as_str())
            && v.resident_id != good.interviews[2].resident_id
    });
    let same_id = write(&o, &bad.join("c1"), &same_id);
    // Another batch whose first interview reuses a good interview's id.
    let mut reused = batch("S01", "D1", 4, 2);
    reused.interviews[0].id = good.interviews[0].id.clone();
    reused.interviews[0].ended_at = None;
    let reused = write(&o, &bad.join("c2"), &reused);
    // S02's key revoked from noon: a batch created after is refused, one
    // created before goes in.
    let mut before = batch("S02", "D2", 1, 2);
    before.created_at = t0();
    let before = write(&o, &o.dir.join("good"), &before);
    let after = write(&o, &bad.join("r"), &batch("S02", "D2", 2, 2));
    o.cmd(&["keys", "revoke", "S02", "--from", "2026-11-03T12:00:00Z"])
        .assert()
        .success();
    // A decision changed after signing (still a well-formed file).
    let forged = decisions(&o, &bad.join("d"), 1, &[(&good.interviews[0].id, true, 5)]);
    let text = fs::read_to_string(&forged).unwrap();
    fs::write(&forged, text.replace("\"approved\"", "\"rejected\"")).unwrap();

    let (code, doc) = o.ingest(&[&o.dir.join("good"), &bad]);
    assert_eq!(code, 2, "{doc:#}");
    for (file, kind) in [
        (&tampered, "tampered"),
        (&truncated, "truncated"),
        (&unknown, "unknown_key"),
        (&same_id, "conflict"),
        (&reused, "conflict"),
        (&after, "revoked_key"),
        (&forged, "decisions_bad_signature"),
    ] {
        let out = outcome_of(&doc, file);
        assert_eq!(out["outcome"], "quarantined", "{}: {out:#}", file.display());
        assert_eq!(out["kind"], kind, "{}: {out:#}", file.display());
        assert!(!out["reason"].as_str().unwrap().is_empty());
    }
    assert_eq!(outcome_of(&doc, &good_path)["outcome"], "ingested");
    assert_eq!(outcome_of(&doc, &before)["outcome"], "ingested");
    let reason = outcome_of(&doc, &reused)["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reason.contains(&good.interviews[0].id), "{reason}");

    let s = o.status();
    assert_eq!(s["batches"]["ingested"], 2);
    assert_eq!(s["interviews"]["total"], 5, "{s:#}");
    assert_eq!(s["batches"]["quarantined"], 7);
    assert_eq!(s["batches"]["conflicts"], 2);
    assert_eq!(s["interviews"]["by_decision"]["undecided"], 5);
    // Nothing of the refused batches is in the database.
    let visits_of_good = count(&o.open_db(), "SELECT COUNT(*) FROM visits");
    assert_eq!(
        visits_of_good as usize,
        good.visits.len() + batch("S02", "D2", 1, 2).visits.len()
    );

    // Quarantine is recorded once per file however often it is retried.
    let (code, _) = o.ingest(&[&bad]);
    assert_eq!(code, 2);
    assert_eq!(o.status()["batches"]["quarantined"], 7);

    // The plain-text summary names each file.
    let out = o.cmd(&["ingest", bad.to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for f in [&tampered, &truncated, &unknown, &after, &forged] {
        assert!(text.contains(&f.display().to_string()), "{text}");
    }
}

fn missing_sequences_are_listed_until_they_arrive(backend: Backend) {
    let o = Office::on(backend);
    o.trust_all();
    let d = o.dir.join("in");
    write(&o, &d, &batch("S01", "D1", 1, 1));
    let third = batch("S01", "D1", 4, 1);
    write(&o, &d, &third);
    let (_, doc) = o.ingest(&[&d]);
    assert_eq!(
        doc["missing"],
        serde_json::json!([{"surveyor_id": "S01", "device_id": "D1", "sequences": [2, 3]}])
    );
    let later = o.dir.join("later");
    write(&o, &later, &batch("S01", "D1", 2, 1));
    write(&o, &later, &batch("S01", "D1", 3, 1));
    let (_, doc) = o.ingest(&[&later]);
    assert_eq!(doc["missing"], serde_json::json!([]));
    let out = o.cmd(&["status"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("missing"));
}

fn the_latest_signed_decision_wins_and_the_setting_says_what_counts(backend: Backend) {
    let o = Office::on(backend);
    o.trust_all();
    let d = o.dir.join("in");
    let b = batch("S01", "D1", 1, 3);
    let ids: Vec<&str> = b.interviews.iter().map(|i| i.id.as_str()).collect();
    write(&o, &d, &b);
    decisions(&o, &d, 1, &[(ids[0], true, 10), (ids[1], false, 10)]);
    // A later file: the first rejected after all, the second approved on
    // a second look.
    decisions(&o, &d, 2, &[(ids[0], false, 20), (ids[1], true, 30)]);
    o.ingest(&[&d]);
    let s = o.status();
    assert_eq!(s["interviews"]["by_decision"]["approved"], 1);
    assert_eq!(s["interviews"]["by_decision"]["rejected"], 1);
    assert_eq!(s["interviews"]["by_decision"]["undecided"], 1);
    assert_eq!(s["interviews"]["counting"], "approved");
    assert_eq!(s["interviews"]["counted"], 1);

    let settings = o.dir.join("office.toml");
    fs::write(&settings, "[ingest]\ncount = \"approved_and_undecided\"\n").unwrap();
    let out = o
        .cmd(&["--settings", settings.to_str().unwrap(), "status", "--json"])
        .output()
        .unwrap();
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["interviews"]["counted"], 2, "rejected never counts");

    fs::write(&settings, "[ingest]\ncount = \"everything\"\n").unwrap();
    o.cmd(&["--settings", settings.to_str().unwrap(), "status"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("office.toml:2:"));
}

fn a_reopened_interview_supersedes_the_one_it_names(backend: Backend) {
    use doorstep_core::interview::paradata::{EventKind, ParadataEvent};
    let o = Office::on(backend);
    o.trust_all();
    let d = o.dir.join("in");
    let first = batch("S01", "D1", 1, 2);
    let old = first.interviews[0].id.clone();
    let mut second = batch("S01", "D1", 2, 1);
    second.interviews[0].paradata.push(ParadataEvent {
        at: t0() + Span::days(1),
        kind: EventKind::Resumed,
        question: None,
        instance: None,
        detail: Some(format!("reopened from {old}: rejected by SV1")),
    });
    // The copy arrives first; the order does not matter.
    write(&o, &o.dir.join("early"), &second);
    o.ingest(&[&o.dir.join("early")]);
    write(&o, &d, &first);
    o.ingest(&[&d]);
    let s = o.status();
    assert_eq!(s["interviews"]["total"], 3);
    assert_eq!(s["interviews"]["by_decision"]["superseded"], 1);
    assert_eq!(s["interviews"]["by_decision"]["undecided"], 2);
}

fn keys_are_listed_and_an_unknown_revocation_is_an_error(backend: Backend) {
    let o = Office::on(backend);
    o.trust_all();
    // Adding one again says so.
    let p = o.pubs.join("S01.pub");
    o.cmd(&["keys", "add", p.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicates::str::contains("already trusted"));
    let out = o.cmd(&["keys", "list", "--json"]).output().unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let owners: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["owner_id"].as_str().unwrap())
        .collect();
    assert_eq!(owners, ["S01", "S02", "SV1"]);
    o.cmd(&["keys", "revoke", "S77", "--from", "2026-11-01"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("S77"));
    o.cmd(&["keys", "revoke", "S01", "--from", "yesterday"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("not a date"));
}

/// A small xorshift: the kill moments, reproducible from the seed printed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn counts(db: &str) -> Value {
    let c = open_db(db);
    let q = |sql: &str| -> i64 { count(&c, sql) };
    // Every batch present is whole.
    assert_eq!(
        q("SELECT COUNT(*) FROM batches b WHERE interviews !=
             (SELECT COUNT(*) FROM interviews i WHERE i.batch_id = b.batch_id)"),
        0,
        "a batch is in only in part"
    );
    assert_eq!(
        q("SELECT COUNT(*) FROM batches b WHERE visits !=
             (SELECT COUNT(*) FROM visits v WHERE v.batch_id = b.batch_id)"),
        0,
        "a batch's visits are in only in part"
    );
    serde_json::json!({
        "batches": q("SELECT COUNT(*) FROM batches"),
        "interviews": q("SELECT COUNT(*) FROM interviews"),
        "visits": q("SELECT COUNT(*) FROM visits"),
        "decisions": q("SELECT COUNT(*) FROM decisions"),
        "answers_bytes": q("SELECT COALESCE(SUM(LENGTH(answers)), 0) FROM interviews"),
    })
}

fn killed_at_random_moments_a_rerun_reaches_the_uninterrupted_figures(backend: Backend) {
    let o = Office::on(backend);
    o.trust_all();
    let d = o.dir.join("in");
    let mut ids = Vec::new();
    for seq in 1..=30 {
        let b = batch("S01", "D1", seq, 8);
        ids.extend(b.interviews.iter().take(2).map(|i| i.id.clone()));
        write(&o, &d, &b);
    }
    let picks: Vec<(&str, bool, i64)> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| (id.as_str(), n % 3 != 0, n as i64))
        .collect();
    decisions(&o, &d, 1, &picks);

    // The uninterrupted run, and how long it takes.
    let started = Instant::now();
    let (code, _) = o.ingest(&[&d]);
    let full = started.elapsed();
    assert_eq!(code, 0);
    let expected_status = o.status();
    let expected = counts(&o.db);

    let mut killed_db = o.another_db("killed.sqlite3");
    let bin = assert_cmd::cargo::cargo_bin("doorstep");
    let run = |killed_db: &str| {
        let mut c = std::process::Command::new(&bin);
        c.arg("--data-dir")
            .arg(o.dir.join("data"))
            .arg("--config")
            .arg(o.dir.join("config.toml"))
            .env_remove("DOORSTEP_OFFICE_DB")
            .args(["office", "--db"])
            .arg(killed_db)
            .args(["ingest", "--keys"])
            .arg(&o.pubs)
            .arg(&d);
        c
    };
    let seed = 0x5eed_0ff1_ce00_0001u64;
    eprintln!("kill seed {seed:#x}, uninterrupted run {full:?}");
    let mut rng = Rng(seed);
    let (mut kills, mut completed) = (0, 0);
    let window = full.as_micros().max(1000) as u64;
    // Kill at a random moment; a run that finishes first is a rerun: its
    // figures must be the uninterrupted ones, and the next round starts
    // from an empty database.
    for _ in 0..400 {
        if kills >= 50 {
            break;
        }
        let mut child = run(&killed_db)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.next() % window));
        // SIGKILL on Unix.
        let killed = child.try_wait().unwrap().is_none();
        if killed {
            child.kill().unwrap();
        }
        let status = child.wait().unwrap();
        if killed {
            kills += 1;
            if o.backend == Backend::Postgres || Path::new(&killed_db).exists() {
                counts(&killed_db);
            }
            continue;
        }
        assert!(status.success(), "ingest failed by itself: {status:?}");
        assert_eq!(counts(&killed_db), expected);
        completed += 1;
        for suffix in ["", "-wal", "-shm"] {
            let _ = fs::remove_file(format!("{killed_db}{suffix}"));
        }
        if o.backend == Backend::Postgres {
            killed_db = o.another_db("");
        }
    }
    eprintln!("{kills} kills, {completed} completed reruns");
    assert!(
        kills >= 50,
        "only {kills} runs were killed before they finished"
    );
    let out = run(&killed_db).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(counts(&killed_db), expected);
    let out = std::process::Command::new(&bin)
        .arg("--data-dir")
        .arg(o.dir.join("data"))
        .arg("--config")
        .arg(o.dir.join("config.toml"))
        .args(["office", "--db"])
        .arg(&killed_db)
        .args(["status", "--json"])
        .output()
        .unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status, expected_status);
}

on_both_backends!(
    a_hand_over_goes_in_once_and_again_is_already_ingested,
    every_bad_file_is_quarantined_by_name_and_none_of_it_goes_in,
    missing_sequences_are_listed_until_they_arrive,
    the_latest_signed_decision_wins_and_the_setting_says_what_counts,
    a_reopened_interview_supersedes_the_one_it_names,
    keys_are_listed_and_an_unknown_revocation_is_an_error,
    killed_at_random_moments_a_rerun_reaches_the_uninterrupted_figures,
);
