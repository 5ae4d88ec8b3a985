//! A day of field work to review without going into the field
//! (`doorstep review --demo`): three simulated surveyors on the bundled
//! questionnaire, each with their own part of the demo residents, store and
//! signing key, exporting signed batches into one inbox; plus a supervisor
//! with a key of their own, so that decisions and the hand-over can be
//! tried too. For training supervisors and for trying the review.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::NaiveDate;

use doorstep_batch::{SigningKey, keygen};
use doorstep_store::Store;
use doorstep_store::config::Config;
use doorstep_store::simulate::{SimulateOptions, simulate};

/// The supervisor's id in the demo.
pub const DEMO_SUPERVISOR: &str = "demo-supervisor";

/// Where a demo lives under its root folder.
#[derive(Debug, Clone)]
pub struct DemoFolder {
    /// The surveyors' batches.
    pub inbox: PathBuf,
    /// Their public keys, as a supervisor would keep them.
    pub keys: PathBuf,
    /// The supervisor's own data directory (store, key, config).
    pub supervisor: PathBuf,
}

impl DemoFolder {
    pub fn at(root: &Path) -> Self {
        DemoFolder {
            inbox: root.join("inbox"),
            keys: root.join("keys"),
            supervisor: root.join("supervisor"),
        }
    }

    /// Whether a demo was built here before (it is then reused, with the
    /// decisions taken on it).
    pub fn exists(&self) -> bool {
        self.supervisor.join("config.toml").is_file()
    }
}

/// Builds the demo under `root` (which should be empty): the work happens
/// on `day`. Surveyor S01 exports twice, so the inbox shows a sequence;
/// S03 rushes through the interviews, so the flags have work to do.
pub fn build(root: &Path, day: NaiveDate) -> anyhow::Result<DemoFolder> {
    let folder = DemoFolder::at(root);
    for d in [&folder.inbox, &folder.keys, &folder.supervisor] {
        std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    let residents = doorstep_store::demo::residents()?;
    // One community for S03, the other split in two halves for S01, S02.
    let first = residents
        .first()
        .and_then(|r| r.community.clone())
        .unwrap_or_default();
    let (big, small): (Vec<_>, Vec<_>) = residents
        .into_iter()
        .partition(|r| r.community.as_deref() == Some(first.as_str()));
    let half = big.len() / 2;
    let parts = [
        ("S01", big[..half].to_vec(), 11, 2, false),
        ("S02", big[half..].to_vec(), 12, 1, false),
        ("S03", small, 13, 1, true),
    ];
    for (id, part, seed, exports, careless) in parts {
        let dir = root.join("surveyors").join(id);
        std::fs::create_dir_all(&dir)?;
        let store = Store::open_in_dir(&dir)?;
        let q = doorstep_store::demo::load_residents(&store, &part)?;
        let made = keygen(&dir, id, None, false)?;
        std::fs::copy(&made.public_key_path, folder.keys.join(format!("{id}.pub")))?;
        let key = SigningKey::load(&made.secret_key_path, |_| Ok(String::new()))?;
        // Enough interviews to visit everyone; the rest are not at home,
        // refuse, make appointments...
        let per_export = part.len().div_ceil(exports);
        for n in 0..exports {
            let opts = SimulateOptions {
                interviews: per_export,
                seed: seed * 10 + n as u64,
                surveyor_id: id.into(),
                day,
                // One of them rushes: their interviews should be flagged.
                careless: careless && n == 0,
            };
            simulate(&store, &q, &opts)?;
            doorstep_store::export::export(&store, &key, &folder.inbox, &[])?;
        }
    }
    keygen(&folder.supervisor, DEMO_SUPERVISOR, None, false)?;
    Config {
        surveyor_id: Some(DEMO_SUPERVISOR.into()),
        ..Config::default()
    }
    .save(&folder.supervisor.join("config.toml"))?;
    Ok(folder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::Thresholds;
    use crate::inbox::{InboxOptions, open_inbox};
    use doorstep_batch::TrustedKeys;

    #[test]
    fn the_demo_inbox_holds_three_surveyors_signed_work() {
        let root = tempfile::tempdir().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let folder = build(root.path(), day).unwrap();
        assert!(folder.exists());
        let keys = TrustedKeys::load(&folder.keys).unwrap();
        let opts = InboxOptions {
            keys: &keys,
            identities: None,
            questionnaires: vec![doorstep_store::demo::questionnaire().unwrap()],
            thresholds: Thresholds::default(),
        };
        let inbox = open_inbox(&folder.inbox, &opts).unwrap();
        assert_eq!(inbox.batches.len(), 4);
        assert!(inbox.all_valid(), "{:?}", inbox.batches);
        assert!(inbox.batches.iter().all(|b| b.findings.is_empty()));
        let surveyors: Vec<_> = inbox.surveyors.iter().map(|s| &s.surveyor_id).collect();
        assert_eq!(surveyors, ["S01", "S02", "S03"]);
        assert!(inbox.surveyors.iter().all(|s| s.completed > 0));
        // The careless surveyor's completed interviews are flagged, and the
        // careful ones' are not.
        for iv in &inbox.interviews {
            let codes: Vec<&str> = iv.flags.iter().map(|f| f.code()).collect();
            let careless = iv.surveyor_id == "S03";
            if iv.status == doorstep_batch::InterviewOutcome::Completed {
                assert_eq!(codes.contains(&"speeding"), careless, "{codes:?}");
                assert_eq!(codes.contains(&"straight_lining"), careless, "{codes:?}");
            }
        }
        // Each surveyor has their own residents: nobody is interviewed twice.
        assert!(
            inbox
                .interviews
                .iter()
                .flat_map(|i| &i.flags)
                .all(|f| f.code() != "duplicate_resident")
        );
        // Simulated work keeps to working hours.
        assert!(
            inbox
                .interviews
                .iter()
                .flat_map(|i| &i.flags)
                .all(|f| f.code() != "outside_working_hours")
        );
        assert!(inbox.notes.is_empty(), "{:?}", inbox.notes);
    }
}
