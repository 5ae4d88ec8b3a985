//! Crash test: a child process saves answers as the app does (each with its
//! paradata event and the position after it, one `save_answer_step`) and
//! reports each id once the call has returned; we SIGKILL it at random
//! moments, reopen the store and check that every reported answer is there,
//! intact, with its paradata, that the answer, paradata and position last
//! committed belong to the same step (so the app resumes at the question
//! after it), and that the file passes `PRAGMA integrity_check`.
//!
//! The child is this test binary itself, re-run on the ignored test `crash_writer_child`
//! with `DOORSTEP_CRASH_WRITER` set.
//!
//! The same test runs on a plain store and on an encrypted one (SQLCipher:
//! every page of the file and of its write-ahead log encrypted), with fewer
//! kills there as each reopen derives the key again.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use doorstep_core::assignment::Resident;
use doorstep_core::interview::{Answer, AnswerValue, EventKind, ParadataEvent};
use doorstep_core::questionnaire::load_str;
use doorstep_store::{Progress, SavedPosition, Store};
use uuid::Uuid;

const WRITER_ENV: &str = "DOORSTEP_CRASH_WRITER";
const KILLS: u32 = 200;
const KILLS_ENCRYPTED: u32 = 20;
/// Set for the child when the store is encrypted.
const PASSWORD_ENV: &str = "CRASH_STORE_PASSWORD";
const PASSWORD: &str = "crash test password";

/// Opens the store, with the password when `encrypted`.
fn open(path: &Path, encrypted: bool) -> doorstep_store::Result<Store> {
    if encrypted {
        let password = doorstep_store::at_rest::StorePassword::new(PASSWORD.into())?;
        Store::open_encrypted(path, password)
    } else {
        Store::open(path)
    }
}
const QUESTIONS: u32 = 7;

fn question(n: u32) -> (String, Option<u32>) {
    // Reuse a few slots so answers are overwritten and history grows.
    let q = n % QUESTIONS;
    (
        format!("q{q}"),
        if q.is_multiple_of(2) {
            None
        } else {
            Some(q / 2)
        },
    )
}

fn answer(round: u32, n: u32) -> Answer {
    Answer::Value(AnswerValue::Text {
        value: format!(
            "round {round} answer {n} {}",
            "x".repeat((n % 5 * 40) as usize)
        ),
    })
}

/// The paradata of step `n`: says which save it belongs to.
fn step_event(round: u32, n: u32) -> ParadataEvent {
    let (q, instance) = question(n);
    ParadataEvent {
        at: Utc::now(),
        kind: EventKind::Answered,
        question: Some(q),
        instance,
        detail: Some(format!("{round} {n}")),
    }
}

/// Where the app stands after step `n`: the next question.
fn position_after(n: u32) -> SavedPosition {
    let (question_id, instance) = question(n + 1);
    SavedPosition::Question {
        question_id,
        instance,
    }
}

fn added_after(n: u32) -> Vec<(String, u32)> {
    vec![("members".to_string(), n % 4 + 1)]
}

/// The writer, run only by `answers_survive_sigkill` (hence `#[ignore]`).
#[test]
#[ignore = "the child process of answers_survive_sigkill"]
fn crash_writer_child() {
    let Ok(db) = std::env::var(WRITER_ENV) else {
        return;
    };
    let interview: Uuid = std::env::var("CRASH_INTERVIEW").unwrap().parse().unwrap();
    let round: u32 = std::env::var("CRASH_ROUND").unwrap().parse().unwrap();
    let encrypted = std::env::var_os(PASSWORD_ENV).is_some();
    let store = open(Path::new(&db), encrypted).expect("writer opens the store");
    let mut out = std::io::stdout().lock();
    for n in 0..100_000 {
        let (q, instance) = question(n);
        let event = step_event(round, n);
        let position = position_after(n);
        let added = added_after(n);
        let id = store
            .save_answer_step(
                interview,
                &q,
                instance,
                Some(&answer(round, n)),
                Utc::now(),
                Progress {
                    events: std::slice::from_ref(&event),
                    position: Some(&position),
                    added_instances: &added,
                    calculates: None,
                },
            )
            .expect("save_answer_step")
            .expect("a saved answer has a history row");
        // Only now is the answer promised to be safe.
        writeln!(out, "SAVED {id} {round} {n}").unwrap();
        out.flush().unwrap();
    }
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn setup(path: &Path, encrypted: bool) -> Uuid {
    let source = include_str!("../fixtures/household.toml");
    let store = open(path, encrypted).unwrap();
    store
        .register_questionnaire(&load_str(source, "household.toml").unwrap(), source)
        .unwrap();
    store
        .upsert_residents(&[Resident {
            resident_id: "R1".into(),
            name: "Resident".into(),
            address: "1-1-101".into(),
            community: None,
            grid: None,
            building: None,
            unit: None,
            room: None,
            phone: None,
            attributes: Default::default(),
        }])
        .unwrap();
    store
        .start_interview("R1", "household", "1", "S01", Utc::now())
        .unwrap()
}

/// A reported save: history id, round, answer number.
type Saved = (i64, u32, u32);

fn parse(line: &str) -> Option<Saved> {
    let mut it = line.strip_prefix("SAVED ")?.split(' ');
    Some((
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.trim_end().parse().ok()?,
    ))
}

fn verify(path: &Path, encrypted: bool, interview: Uuid, saved: &[Saved], device: Uuid) {
    let store = open(path, encrypted).expect("reopen after kill");
    assert_eq!(store.device_id(), device, "device id changed");
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    let history: HashMap<i64, _> = store
        .answer_history(interview)
        .unwrap()
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let current: HashMap<(String, Option<u32>), i64> = {
        let conn = store.connection();
        let mut stmt = conn
            .prepare("SELECT question_id, instance, history_id FROM answers")
            .unwrap();
        stmt.query_map([], |r| {
            let instance: i64 = r.get(1)?;
            Ok(((r.get(0)?, u32::try_from(instance).ok()), r.get(2)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let mut latest: HashMap<(String, Option<u32>), i64> = HashMap::new();
    for &(id, round, n) in saved {
        let h = history.get(&id).unwrap_or_else(|| {
            panic!("answer {id} (round {round}, #{n}) was reported saved but is gone")
        });
        let (q, instance) = question(n);
        assert_eq!((&h.question_id, h.instance), (&q, instance), "answer {id}");
        assert_eq!(h.answer.as_ref(), Some(&answer(round, n)), "answer {id}");
        let e = latest.entry((q, instance)).or_insert(id);
        *e = (*e).max(id);
    }
    // Each reported answer came with its paradata.
    let saved_now = store.load_interview(interview).unwrap();
    let details: std::collections::HashSet<&str> = saved_now
        .events
        .iter()
        .filter_map(|e| e.detail.as_deref())
        .collect();
    for &(id, round, n) in saved {
        assert!(
            details.contains(format!("{round} {n}").as_str()),
            "answer {id} (round {round}, #{n}) was reported saved but its paradata is gone"
        );
    }
    // The last step committed is whole: its answer is the newest in the
    // history, its event the newest event, and the app resumes after it.
    match saved_now.events.last() {
        None => {
            assert!(history.is_empty(), "answers saved without their paradata");
            assert_eq!(saved_now.position, None, "a position without its step");
        }
        Some(last) => {
            let detail = last.detail.as_deref().expect("every event says its step");
            let (round, n) = detail
                .split_once(' ')
                .map(|(r, n)| (r.parse::<u32>().unwrap(), n.parse::<u32>().unwrap()))
                .unwrap();
            let newest = history.keys().max().map(|id| &history[id]);
            assert_eq!(
                newest.and_then(|h| h.answer.as_ref()),
                Some(&answer(round, n)),
                "the newest answer is not the one of the newest paradata ({detail})"
            );
            assert_eq!(
                saved_now.position,
                Some(position_after(n)),
                "the app would not resume after step {detail}"
            );
            assert_eq!(saved_now.added_instances, added_after(n), "step {detail}");
            if let Some(&(id, ..)) = saved.last() {
                assert!(
                    newest.is_some_and(|h| h.id >= id),
                    "the last reported save {id} is not committed"
                );
            }
        }
    }
    // The current answer is the last reported save or a later one (a save
    // may commit and the process die before it reports).
    for (key, id) in latest {
        let now = current.get(&key).copied().unwrap_or(-1);
        assert!(
            now >= id,
            "{key:?}: current answer {now} is older than saved {id}"
        );
    }
}

#[test]
fn answers_survive_sigkill() {
    survive_sigkill(false, KILLS);
}

#[test]
fn answers_survive_sigkill_on_the_encrypted_store() {
    survive_sigkill(true, KILLS_ENCRYPTED);
}

fn survive_sigkill(encrypted: bool, kills: u32) {
    if std::env::var_os(WRITER_ENV).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doorstep.sqlite3");
    let interview = setup(&path, encrypted);
    let device = open(&path, encrypted).unwrap().device_id();
    assert_eq!(
        doorstep_store::at_rest::file_state(&path).unwrap(),
        if encrypted {
            doorstep_store::at_rest::FileState::Encrypted
        } else {
            doorstep_store::at_rest::FileState::Plain
        }
    );
    let exe = std::env::current_exe().unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let mut saved: Vec<Saved> = Vec::new();
    let started = Instant::now();
    let mut killed_mid_write = 0;
    for round in 0..kills {
        let mut child = Command::new(&exe);
        if encrypted {
            child.env(PASSWORD_ENV, "1");
        }
        let mut child = child
            .args([
                "--exact",
                "store_crash::crash_writer_child",
                "--ignored",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(WRITER_ENV, &path)
            .env("CRASH_INTERVIEW", interview.to_string())
            .env("CRASH_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        // Every other round, wait until the writer is saving so the kill
        // lands among writes; otherwise it may land during start-up/open.
        if round % 2 == 0 {
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 {
                    break;
                }
                let first = line.starts_with("SAVED ");
                lines.push(line);
                if first {
                    killed_mid_write += 1;
                    break;
                }
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(15_000)));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            lines.push(line);
        }
        if status.signal() != Some(9) {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            panic!("writer exited on its own ({status}):\n{err}");
        }
        // A line cut short by the kill was never a promise.
        saved.extend(
            lines
                .iter()
                .filter(|l| l.ends_with('\n'))
                .filter_map(|l| parse(l)),
        );
        verify(&path, encrypted, interview, &saved, device);
    }
    eprintln!(
        "{kills} kills ({killed_mid_write} while saving), {} answers reported saved, {:.1?}",
        saved.len(),
        started.elapsed()
    );
    assert!(
        saved.len() >= kills as usize / 2,
        "too few saves to mean anything"
    );
}
