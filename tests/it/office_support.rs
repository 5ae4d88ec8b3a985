//! Builders for the office tests: signed batches of several surveyors and
//! devices, decisions files, the `doorstep office` command in a temp dir.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use doorstep_batch::decisions_file::{DecisionsFile, FORMAT, FileDecision, VERSION};
use doorstep_batch::{BatchContent, SigningKey, keygen, write_batch};
use doorstep_store::decisions::DecisionKind;
use serde_json::Value;

use crate::support::batch::{content, t0};

/// Which backend an office test runs on (see [`on_both_backends`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// `on_both_backends!(name, …)`: for each `fn name(backend: Backend)`, the
/// tests `name::sqlite` and `name::postgres` (which skips with a message
/// when there is no PostgreSQL, unless DOORSTEP_REQUIRE_TOOLS is set).
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name($crate::office_support::Backend::Sqlite)
            }
            #[test]
            fn postgres() {
                if $crate::office_support::postgres_available() {
                    super::$name($crate::office_support::Backend::Postgres)
                }
            }
        }
    )*};
}
pub(crate) use on_both_backends;

/// Is there a PostgreSQL server for the tests? (Skip message or failure
/// as `support::pg` says.)
pub fn postgres_available() -> bool {
    match doorstep_office::testing::server_url() {
        Ok(_) => true,
        Err(why) => {
            assert!(
                std::env::var_os("DOORSTEP_REQUIRE_TOOLS").is_none(),
                "no PostgreSQL for the tests and DOORSTEP_REQUIRE_TOOLS is set: {why}"
            );
            eprintln!("SKIPPED (PostgreSQL): {why}");
            false
        }
    }
}

/// A temp dir with keys for surveyors S01, S02 and supervisor SV1, their
/// `.pub` files in `pubs/`, and an office database: `office.sqlite3` in
/// the dir, or a fresh PostgreSQL database (`db` is what `--db` gets).
pub struct Office {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub pubs: PathBuf,
    pub db: String,
    pub backend: Backend,
}

impl Office {
    /// On SQLite.
    pub fn new() -> Office {
        Office::on(Backend::Sqlite)
    }

    pub fn on(backend: Backend) -> Office {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let pubs = dir.join("pubs");
        fs::create_dir_all(&pubs).unwrap();
        for id in ["S01", "S02", "SV1"] {
            let g = keygen(&dir.join("secret"), id, None, false).unwrap();
            fs::copy(&g.public_key_path, pubs.join(format!("{id}.pub"))).unwrap();
        }
        let db = match backend {
            Backend::Sqlite => dir.join("office.sqlite3").display().to_string(),
            Backend::Postgres => crate::support::pg::database().expect("PostgreSQL available"),
        };
        Office {
            db,
            backend,
            tmp,
            dir,
            pubs,
        }
    }

    /// Another empty database on the same backend (`name` names the
    /// SQLite file).
    pub fn another_db(&self, name: &str) -> String {
        match self.backend {
            Backend::Sqlite => self.dir.join(name).display().to_string(),
            Backend::Postgres => crate::support::pg::database().expect("PostgreSQL available"),
        }
    }

    /// The office database, opened (and migrated) directly.
    pub fn open_db(&self) -> doorstep_office::Db {
        open_db(&self.db)
    }

    pub fn key(&self, id: &str) -> SigningKey {
        let (sk, _) = doorstep_batch::key_paths(&self.dir.join("secret"), id);
        SigningKey::load(&sk, |_| unreachable!()).unwrap()
    }

    /// Loads `csv` as the register valid from `date` (`office register`),
    /// written to `name` in the temp dir; it must load.
    pub fn register(&self, name: &str, csv: &str, date: &str) {
        let path = self.dir.join(name);
        fs::write(&path, csv).unwrap();
        self.cmd(&[
            "register",
            "--residents",
            path.to_str().unwrap(),
            "--date",
            date,
        ])
        .assert()
        .success();
    }

    /// `doorstep office --db DB ARGS…` confined to the temp dir.
    pub fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = crate::support::doorstep_in(&self.dir);
        c.env_remove("DOORSTEP_OFFICE_DB")
            .arg("office")
            .arg("--db")
            .arg(&self.db)
            .args(args);
        c
    }

    /// Trusts S01, S02 and SV1.
    pub fn trust_all(&self) {
        for id in ["S01", "S02", "SV1"] {
            let p = self.pubs.join(format!("{id}.pub"));
            self.cmd(&["keys", "add", p.to_str().unwrap()])
                .assert()
                .success();
        }
    }

    pub fn status(&self) -> Value {
        let out = self.cmd(&["status", "--json"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Runs `ingest --json PATHS`, returning the exit code and the document.
    pub fn ingest(&self, paths: &[&Path]) -> (i32, Value) {
        let mut args = vec!["ingest".to_string(), "--json".to_string()];
        args.extend(paths.iter().map(|p| p.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.cmd(&args).output().unwrap();
        let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), doc)
    }
}

/// `--db`'s value, opened directly.
pub fn open_db(db: &str) -> doorstep_office::Db {
    doorstep_office::Db::open(&doorstep_office::DbSpec::parse(db)).unwrap()
}

/// One integer from `sql`.
pub fn count(db: &doorstep_office::Db, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A batch of `surveyor` on `device` numbered `seq` with `n` interviews
/// (ids unique across surveyors and devices), in community `community`.
pub fn batch(surveyor: &str, device: &str, seq: u64, n: usize) -> BatchContent {
    let mut c = content(surveyor, device, seq, n, 6);
    let tag = format!("{surveyor}-{device}-{seq}");
    let hash = doorstep_core::questionnaire::hex_sha256(tag.as_bytes());
    c.batch_id = uuid::Uuid::from_u128(u128::from_str_radix(&hash[..32], 16).unwrap());
    for v in &mut c.visits {
        v.id = format!("{tag}-{}", v.id);
        v.community = Some("翠竹".into());
        if let Some(i) = &mut v.interview_id {
            *i = format!("{tag}-{i}");
        }
    }
    for i in &mut c.interviews {
        i.id = format!("{tag}-{}", i.id);
        i.community = Some("翠竹".into());
    }
    c
}

/// Writes `content` signed by its surveyor's key into `dir`.
pub fn write(o: &Office, dir: &Path, content: &BatchContent) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    let key = o.key(&content.surveyor_id);
    write_batch(dir, content, &key, &[]).unwrap().data_path
}

/// A decisions file of SV1 deciding `decisions` (interview id, approved?,
/// minutes after t0), signed, written into `dir`.
pub fn decisions(o: &Office, dir: &Path, day: u32, decisions: &[(&str, bool, i64)]) -> PathBuf {
    let created: DateTime<Utc> = t0() + Duration::days(day as i64);
    let file = DecisionsFile {
        format: FORMAT.into(),
        version: VERSION,
        supervisor_id: "SV1".into(),
        date: created.date_naive(),
        created_at: created,
        batches: vec![],
        excluded_batches: vec![],
        decisions: decisions
            .iter()
            .map(|(id, ok, minutes)| FileDecision {
                interview_id: id.to_string(),
                batch_id: String::new(),
                surveyor_id: "S01".into(),
                decision: if *ok {
                    DecisionKind::Approved
                } else {
                    DecisionKind::Rejected
                },
                comment: None,
                decided_at: t0() + Duration::minutes(*minutes),
            })
            .collect(),
        undecided: vec![],
        gaps: vec![],
        superseded: vec![],
    };
    let (bytes, sig) = file.signed(&o.key("SV1"));
    fs::create_dir_all(dir).unwrap();
    let path = dir.join(file.file_name());
    fs::write(doorstep_batch::fsutil::signature_path(&path), sig).unwrap();
    fs::write(&path, bytes).unwrap();
    path
}

/// The outcome of `file` in an ingest document.
pub fn outcome_of(doc: &Value, file: &Path) -> Value {
    let name = file.display().to_string();
    doc["batches"]
        .as_array()
        .unwrap()
        .iter()
        .chain(doc["decisions"].as_array().unwrap())
        .find(|o| o["file"] == name.as_str())
        .unwrap_or_else(|| panic!("{name} not in {doc:#}"))
        .clone()
}
