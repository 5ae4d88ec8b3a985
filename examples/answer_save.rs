//! Times durable answer saves through the real store, as the app makes
//! them when the surveyor confirms an answer: the answer, its history row,
//! the paradata (answered, next question shown) and the position after it,
//! in one `save_answer_step`. Used by `scripts/bench-answer-save.sh`:
//! `cargo run --release --example answer_save -- DIR [N]`
//! makes `DIR/answers.sqlite3` (removed first) and prints one line,
//! `answer_save N TOTAL_NS`. With `--three-transactions` after N it saves
//! as the app did before (`save_answer`, `save_events`, `save_position`),
//! for comparison; with `--encrypted` it saves into an encrypted store
//! (SQLCipher, as `doorstep` creates them). The data is synthetic: no
//! resident's data.

use std::path::PathBuf;
use std::time::Instant;

use chrono::Utc;
use doorstep_core::assignment::Resident;
use doorstep_core::interview::{Answer, AnswerValue, EventKind, ParadataEvent};
use doorstep_core::questionnaire::load_str;
use doorstep_store::{Progress, SavedPosition, Store};

const SOURCE: &str = include_str!("../tests/fixtures/household.toml");
/// Saves made before timing starts (the log file grows to size, caches fill).
const WARM_UP: u32 = 10;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: answer_save DIR [N]")?);
    let n: u32 = args.next().map_or(Ok(300), |a| a.parse())?;
    let rest: Vec<String> = args.collect();
    let three = rest.iter().any(|a| a == "--three-transactions");
    let encrypted = rest.iter().any(|a| a == "--encrypted");
    let path = dir.join("answers.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = if encrypted {
        let password = doorstep_store::at_rest::StorePassword::new("bench password".into())?;
        Store::open_encrypted(&path, password)?
    } else {
        Store::open(&path)?
    };
    store.register_questionnaire(&load_str(SOURCE, "household.toml")?, SOURCE)?;
    store.upsert_residents(&[Resident {
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
    }])?;
    let iid = store.start_interview("R1", "household", "1", "S01", Utc::now())?;

    let step = |i: u32| -> Result<(), Box<dyn std::error::Error>> {
        let question = format!("q{}", i % 40);
        let next = format!("q{}", (i + 1) % 40);
        let now = Utc::now();
        let event = |kind, question: &str| ParadataEvent {
            at: now,
            kind,
            question: Some(question.to_string()),
            instance: None,
            detail: None,
        };
        let events = [
            event(EventKind::Answered, &question),
            event(EventKind::Shown, &next),
        ];
        let position = SavedPosition::Question {
            question_id: next.clone(),
            instance: None,
        };
        let answer = Answer::Value(AnswerValue::Rating {
            value: i64::from(i % 5 + 1),
        });
        if three {
            store.save_answer(iid, &question, None, &answer, now)?;
            store.save_events(iid, &events)?;
            store.save_position(iid, Some(position), &[])?;
            return Ok(());
        }
        store.save_answer_step(
            iid,
            &question,
            None,
            Some(&answer),
            now,
            Progress {
                events: &events,
                position: Some(&position),
                added_instances: &[],
                calculates: None,
            },
        )?;
        Ok(())
    };
    for i in 0..WARM_UP {
        step(i)?;
    }
    let start = Instant::now();
    for i in WARM_UP..WARM_UP + n {
        step(i)?;
    }
    let total = start.elapsed();
    let name = if three {
        "three_transactions"
    } else {
        "answer_save"
    };
    println!("{name} {n} {}", total.as_nanos());
    Ok(())
}
