//! `doorstep keygen`, `export` and `verify` as a surveyor and a supervisor
//! run them, on temporary directories; and an export interrupted at each
//! step leaves the store and the folder consistent.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::Utc;
use tempfile::TempDir;

use crate::support;

/// A doorstep command confined to `dir`, with the key password set.
fn doorstep(dir: &Path) -> Command {
    let mut c = support::doorstep_in(dir);
    c.env("DOORSTEP_KEY_PASSWORD", "correct horse");
    c
}

/// `doorstep export --out OUT` on the laptop in `dir`, which must succeed.
fn export_to(dir: &Path, out: impl AsRef<Path>) {
    doorstep(dir)
        .args(["export", "--out"])
        .arg(out.as_ref())
        .assert()
        .success();
}

/// A surveyor's laptop with a key and some finished work.
fn surveyor(id: &str, seed: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    doorstep(dir.path())
        .args(support::ASSIGN_DEMO)
        .assert()
        .success();
    doorstep(dir.path())
        .args([
            "simulate",
            "--interviews",
            "3",
            "--seed",
            seed,
            "--day",
            "2026-11-20",
            "--surveyor",
            id,
        ])
        .assert()
        .success();
    doorstep(dir.path())
        .args(["keygen", "--surveyor", id])
        .assert()
        .success();
    dir
}

fn batches(out: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    v.sort();
    v
}

fn trusted(dirs: &[(&TempDir, &str)]) -> TempDir {
    let keys = TempDir::new().unwrap();
    for (dir, id) in dirs {
        fs::copy(
            dir.path().join(format!("data/keys/{id}.pub")),
            keys.path().join(format!("{id}.pub")),
        )
        .unwrap();
    }
    keys
}

#[test]
fn export_then_verify_with_doorstep_and_the_stock_minisign() {
    let s = surveyor("wang01", "1");
    let secret = s.path().join("data/keys/wang01.key");
    assert_eq!(
        fs::metadata(&secret).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let out = s.path().join("out");
    let run = doorstep(s.path())
        .args(["export", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.contains("(sequence 1)"), "{text}");
    // Exporting again with nothing new writes nothing.
    let again = doorstep(s.path())
        .args(["export", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(again.stdout).unwrap().trim(),
        "nothing new to export"
    );
    let files = batches(&out);
    assert_eq!(files.len(), 1);
    assert_eq!(
        fs::read_dir(&out).unwrap().count(),
        2,
        "data and signature only"
    );

    let keys = trusted(&[(&s, "wang01")]);
    let v = doorstep(s.path())
        .arg("verify")
        .arg(&out)
        .arg("--keys")
        .arg(keys.path())
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    assert!(String::from_utf8_lossy(&v.stdout).contains("VALID surveyor wang01"));

    if support::tools::have("minisign") {
        let m = std::process::Command::new("minisign")
            .arg("-Vm")
            .arg(&files[0])
            .arg("-p")
            .arg(keys.path().join("wang01.pub"))
            .output()
            .unwrap();
        assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
    }

    // --again rewrites the lost batch byte for byte.
    let id = files[0].file_stem().unwrap().to_string_lossy();
    let id = &id[id.len() - 36..];
    let lost = s.path().join("rewritten");
    doorstep(s.path())
        .args(["export", "--again", id, "--out"])
        .arg(&lost)
        .assert()
        .success();
    let rewritten = batches(&lost);
    assert_eq!(
        fs::read(&files[0]).unwrap(),
        fs::read(&rewritten[0]).unwrap()
    );
    let sig = |p: &Path| fs::read(format!("{}.minisig", p.display())).unwrap();
    assert_eq!(sig(&files[0]), sig(&rewritten[0]));
}

/// The batch id at the end of a batch file name.
fn batch_id(p: &Path) -> String {
    let stem = p.file_stem().unwrap().to_string_lossy().to_string();
    stem[stem.len() - 36..].to_string()
}

fn records(p: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(p)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// New batches carry each resident's community, as it was when the batch
/// was made; a batch from before communities (its store row says so) is
/// rewritten without them, byte for byte, by `--again` and by the
/// completion of an interrupted export.
#[test]
fn new_batches_carry_communities_and_earlier_batches_are_rewritten_without() {
    let s = surveyor("lin07", "7");
    let data = s.path().join("data");
    let out = s.path().join("out");
    export_to(s.path(), &out);
    let first = batches(&out).remove(0);
    let first_bytes = fs::read(&first).unwrap();
    let lines = records(&first);
    assert!(!lines.is_empty());
    for r in &lines {
        let c = r["community"].as_str().unwrap_or_else(|| panic!("{r}"));
        assert!(["翠竹园社区", "梧桐里社区"].contains(&c), "{r}");
    }

    // The assignment is loaded again with 翠竹园 renamed: the batch made
    // before still rewrites byte for byte; the next one has the new name.
    let renamed = s.path().join("renamed.csv");
    fs::write(
        &renamed,
        fs::read_to_string("examples/demo-residents.csv")
            .unwrap()
            .replace(",翠竹园社区,", ",翠竹园东区,"),
    )
    .unwrap();
    doorstep(s.path())
        .args(["assign", "--residents"])
        .arg(&renamed)
        .assert()
        .success();
    let again = s.path().join("again");
    doorstep(s.path())
        .args(["export", "--again", &batch_id(&first), "--out"])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(
        fs::read(again.join(first.file_name().unwrap())).unwrap(),
        first_bytes
    );
    doorstep(s.path())
        .args([
            "simulate",
            "--interviews",
            "3",
            "--seed",
            "17",
            "--surveyor",
            "lin07",
        ])
        .assert()
        .success();
    export_to(s.path(), &out);
    let second = batches(&out).pop().unwrap();
    assert_ne!(second, first);
    let seen: std::collections::BTreeSet<String> = records(&second)
        .iter()
        .map(|r| r["community"].as_str().unwrap().to_string())
        .collect();
    assert!(
        seen.iter().all(|c| c == "翠竹园东区" || c == "梧桐里社区"),
        "{seen:?}"
    );

    // A batch exported before records carried communities: the same
    // records without the field, signed with the same key (what that
    // doorstep wrote), and a store row as migration 5 leaves it.
    let parsed = doorstep_batch::parse_batch(&first_bytes).unwrap();
    let mut old = doorstep_batch::BatchContent {
        batch_id: parsed.manifest.batch_id,
        surveyor_id: parsed.manifest.surveyor_id.clone(),
        device_id: parsed.manifest.device_id.clone(),
        sequence: parsed.manifest.sequence,
        created_at: parsed.manifest.created_at,
        questionnaires: parsed.manifest.questionnaires.clone(),
        visits: parsed.visits,
        interviews: parsed.interviews,
    };
    old.visits.iter_mut().for_each(|v| v.community = None);
    old.interviews.iter_mut().for_each(|i| i.community = None);
    let key = doorstep_batch::SigningKey::load(&data.join("keys/lin07.key"), |_| {
        Ok("correct horse".into())
    })
    .unwrap();
    let old_dir = s.path().join("old");
    fs::create_dir_all(&old_dir).unwrap();
    let written = doorstep_batch::write_batch(&old_dir, &old, &key, &[]).unwrap();
    let old_bytes = fs::read(&written.data_path).unwrap();
    let old_sig = fs::read(&written.signature_path).unwrap();
    assert!(!String::from_utf8_lossy(&old_bytes).contains(r#""community":"#));
    {
        let store = support::open_store(&data);
        let id = batch_id(&first);
        let conn = store.connection();
        conn.execute("DELETE FROM batch_communities WHERE batch_id = ?1", [&id])
            .unwrap();
        conn.execute("UPDATE batches SET communities = 0 WHERE id = ?1", [&id])
            .unwrap();
    }
    let sig = |p: &Path| fs::read(format!("{}.minisig", p.display())).unwrap();
    let again = s.path().join("again-old");
    doorstep(s.path())
        .args(["export", "--again", &batch_id(&first), "--out"])
        .arg(&again)
        .assert()
        .success();
    let rewritten = again.join(first.file_name().unwrap());
    assert_eq!(fs::read(&rewritten).unwrap(), old_bytes);
    assert_eq!(sig(&rewritten), old_sig);

    // Interrupted before the store marked it written: finished the same way.
    support::open_store(&data)
        .connection()
        .execute(
            "UPDATE batches SET state = 'pending' WHERE sequence = 1",
            [],
        )
        .unwrap();
    let finish = s.path().join("finish");
    export_to(s.path(), &finish);
    let finished = finish.join(first.file_name().unwrap());
    assert_eq!(fs::read(&finished).unwrap(), old_bytes);
    assert_eq!(sig(&finished), old_sig);
}

#[test]
fn verify_names_tampered_unknown_and_gapped_batches_and_fails() {
    let a = surveyor("li02", "2");
    let b = surveyor("zhao03", "3");
    let out = TempDir::new().unwrap();
    export_to(a.path(), out.path());
    export_to(b.path(), out.path());
    // A second batch of li02 exported and then lost: li02 has 1 and 3.
    doorstep(a.path())
        .args([
            "simulate",
            "--interviews",
            "1",
            "--seed",
            "9",
            "--surveyor",
            "li02",
        ])
        .assert()
        .success();
    let lost = TempDir::new().unwrap();
    export_to(a.path(), lost.path());
    doorstep(a.path())
        .args([
            "simulate",
            "--interviews",
            "1",
            "--seed",
            "10",
            "--surveyor",
            "li02",
        ])
        .assert()
        .success();
    export_to(a.path(), out.path());

    // Only li02 is trusted: zhao03's batch is from an unknown key.
    let keys = trusted(&[(&a, "li02")]);
    let check = || {
        let v = doorstep(a.path())
            .arg("verify")
            .arg(out.path())
            .arg("--keys")
            .arg(keys.path())
            .output()
            .unwrap();
        (v.status.code(), String::from_utf8(v.stdout).unwrap())
    };
    let (code, text) = check();
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("UNKNOWN-KEY") || text.contains("unknown key"),
        "{text}"
    );
    assert!(text.contains("gap"), "{text}");

    // One byte changed in li02's first batch.
    let first = batches(out.path())
        .into_iter()
        .find(|p| p.to_string_lossy().contains("li02-000001"))
        .unwrap();
    let mut bytes = fs::read(&first).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    fs::write(&first, bytes).unwrap();
    let (_, text) = check();
    let line = text.lines().find(|l| l.contains("li02-000001")).unwrap();
    assert!(line.contains("TAMPERED"), "{line}");
}

#[test]
fn keygen_refuses_to_replace_a_key_and_signing_refuses_a_readable_key() {
    let s = surveyor("chen04", "4");
    let again = doorstep(s.path())
        .args(["keygen", "--surveyor", "chen04"])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let secret = s.path().join("data/keys/chen04.key");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).unwrap();
    let e = doorstep(s.path()).arg("export").output().unwrap();
    assert!(!e.status.success());
    assert!(String::from_utf8_lossy(&e.stderr).contains("chmod 600"));
    let e = doorstep(s.path())
        .arg("export")
        .env("DOORSTEP_KEY_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert!(!e.status.success());
    // Nothing was marked exported by the failed attempts.
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    let store = support::open_store(&s.path().join("data"));
    assert!(store.batches().unwrap().is_empty());
    assert!(store.status().unwrap().pending_export > 0);
}

#[test]
fn an_export_interrupted_before_or_after_writing_is_finished_by_the_next_one() {
    let s = surveyor("sun05", "5");
    let out = s.path().join("out");
    // Interrupted after the store reserved the batch, before any file:
    let reserved = {
        let store = support::open_store(&s.path().join("data"));
        let row = store.reserve_batch("sun05", Utc::now()).unwrap().unwrap();
        assert_eq!(
            store.status().unwrap().exported,
            0,
            "reserved is not exported"
        );
        row
    };
    export_to(s.path(), &out);
    let files = batches(&out);
    assert_eq!(files.len(), 1);
    assert!(
        files[0]
            .to_string_lossy()
            .contains(&reserved.id.to_string())
    );
    assert!(files[0].to_string_lossy().contains("sun05-000001"));
    let first = fs::read(&files[0]).unwrap();

    // Interrupted after the files were renamed into place, before the store
    // marked the batch written: the next export writes the same bytes again.
    {
        let store = support::open_store(&s.path().join("data"));
        store
            .connection()
            .execute(
                "UPDATE batches SET state = 'pending' WHERE sequence = 1",
                [],
            )
            .unwrap();
        assert!(store.status().unwrap().pending_export > 0);
    }
    export_to(s.path(), &out);
    assert_eq!(batches(&out).len(), 1, "no second batch, no gap");
    assert_eq!(fs::read(&files[0]).unwrap(), first);
    let store = support::open_store(&s.path().join("data"));
    assert_eq!(store.status().unwrap().pending_export, 0);
    assert!(
        fs::read_dir(&out).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp"))
    );
}

#[test]
fn an_encrypted_batch_is_checked_before_and_after_decryption() {
    let s = surveyor("zhou06", "6");
    let identity = age::x25519::Identity::generate();
    let id_file = s.path().join("office.key");
    use age::secrecy::ExposeSecret;
    fs::write(
        &id_file,
        format!("{}\n", identity.to_string().expose_secret()),
    )
    .unwrap();
    let out = s.path().join("out");
    doorstep(s.path())
        .args(["export", "--out"])
        .arg(&out)
        .arg("--encrypt-to")
        .arg(identity.to_public().to_string())
        .assert()
        .success();
    let keys = trusted(&[(&s, "zhou06")]);
    let v = doorstep(s.path())
        .arg("verify")
        .arg(&out)
        .arg("--keys")
        .arg(keys.path())
        .output()
        .unwrap();
    let text = String::from_utf8(v.stdout).unwrap();
    assert!(v.status.success(), "{text}");
    assert!(text.contains("content not"), "{text}");
    let v = doorstep(s.path())
        .arg("verify")
        .arg(&out)
        .arg("--keys")
        .arg(keys.path())
        .arg("--identity")
        .arg(&id_file)
        .output()
        .unwrap();
    let text = String::from_utf8(v.stdout).unwrap();
    assert!(v.status.success(), "{text}");
    assert!(
        text.contains("VALID") && !text.contains("content not"),
        "{text}"
    );
}
