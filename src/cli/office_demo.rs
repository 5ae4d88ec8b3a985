//! `office demo`: the simulated city built the way real data arrives.
//!
//! Register → each quarter's stratified sample (`office sample`) → per
//! surveyor (one per street, with their own key) `assign` the
//! sample file into a store of the quarter, `simulate` the field work,
//! `export` a signed batch → the
//! office trusts the keys and `ingest`s the batches, then a supervisor's
//! signed decisions file approving them; the online and phone channels as
//! generated exports through `office import-online`; then the work orders
//! moved along their states. Everything under DIR/field is what a real
//! quarter leaves behind (register.csv, the sample files, the surveyors'
//! stores, the batches and decisions files, the exports). The same options
//! and seed give the same interviews (ids are fresh UUIDs, as on a real
//! device). This lives in the binary because the field side (store,
//! simulate, export) is doorstep-store's, which the office crate does not
//! depend on.

use std::path::Path;

use anyhow::Context as _;
use chrono::{Duration, NaiveDate, Utc};
use doorstep_batch::decisions_file::{DecisionsFile, FORMAT, FileDecision, VERSION};
use doorstep_batch::{SigningKey, key_paths, keygen};
use doorstep_core::assessment::Quarter;
use doorstep_core::assignment::import::read_residents_into;
use doorstep_core::questionnaire::Questionnaire;
use doorstep_office::demo::{DemoCity, DemoOptions, DemoSummary};
use doorstep_office::online::{self, Channel, OnlineOptions, OnlineOutcome};
use doorstep_office::register::{self, RegisterOutcome};
use doorstep_office::sample::{self, SampleOptions, Size};
use doorstep_office::settings::Settings;
use doorstep_office::{Db, batch_source, ingest, keys, orders};
use doorstep_store::Store;
use doorstep_store::decisions::DecisionKind;
use doorstep_store::export::{Exported, export};
use doorstep_store::simulate::{SimulateOptions, simulate};

/// The supervisor who approves the home visits.
const SUPERVISOR: &str = "SV1";
/// Channel shares of the interviews (home visit, phone, online), as the
/// city's default channel proportions.
const PHONE_SHARE: f64 = 0.3;
const ONLINE_SHARE: f64 = 0.2;

/// Builds the city into `db` (empty) through the real commands' library
/// calls; the files go to `dir/field`.
pub(super) fn build(
    dir: &Path,
    db: &mut Db,
    settings: &Settings,
    q: &Questionnaire,
    q_source: &str,
    opts: &DemoOptions,
) -> anyhow::Result<DemoSummary> {
    let existing: i64 = db.query_row(
        "SELECT COUNT(*) FROM resident_periods",
        doorstep_office::params![],
        |r| r.get(0),
    )?;
    anyhow::ensure!(
        existing == 0,
        "the demo is built into an empty office database; this one has a register"
    );
    let field = dir.join("field");
    std::fs::create_dir_all(&field).with_context(|| field.display().to_string())?;
    let city = DemoCity::new(q, opts);

    // The register, valid from the year's first day.
    let register_csv = field.join("register.csv");
    write(&register_csv, &city.register_csv(opts))?;
    let start = NaiveDate::from_ymd_opt(opts.year, 1, 1).context("the year")?;
    if let RegisterOutcome::Rejected { problems } = register::load(db, &register_csv, None, start)?
    {
        anyhow::bail!("demo register refused: {}", problems.join("; "));
    }
    let surveyors_csv = field.join("surveyors.csv");
    write(&surveyors_csv, &city.surveyors_csv())?;

    // Keys: one per surveyor and the supervisor, trusted by the office.
    let keys_dir = field.join("keys");
    let mut surveyors: Vec<String> = city.surveyors.iter().map(|(s, _)| s.clone()).collect();
    surveyors.dedup();
    for id in surveyors.iter().map(String::as_str).chain([SUPERVISOR]) {
        let g = keygen(&keys_dir, id, None, false)?;
        keys::add(db, &g.public_key_path)?;
    }
    let key = |id: &str| -> anyhow::Result<SigningKey> {
        let (secret, _) = key_paths(&keys_dir, id);
        Ok(SigningKey::load(&secret, |_| {
            Err(std::io::Error::other("the demo's keys have no password"))
        })?)
    };
    let signing: Vec<(String, SigningKey)> = surveyors
        .iter()
        .map(|s| Ok((s.clone(), key(s)?)))
        .collect::<anyhow::Result<_>>()?;
    let supervisor = key(SUPERVISOR)?;

    // Home visits are half of the interviews; about half the sampled
    // residents end in one.
    let per_quarter = opts.per_quarter.max(4);
    let sample_size = per_quarter as u32;
    let mut summary = DemoSummary {
        streets: opts.streets,
        communities: city.communities.len(),
        ..DemoSummary::default()
    };
    summary.residents = register::counts_by_community(db)?
        .iter()
        .map(|(_, n)| *n as usize)
        .sum();
    for qn in 1..=4u8 {
        let quarter = Quarter {
            year: opts.year,
            q: qn,
        };
        let label = quarter.to_string();
        let qdir = field.join(&label);
        let sample_dir = qdir.join("sample");
        let r = sample::sample(
            db,
            &SampleOptions {
                quarter: label.parse()?,
                as_of: None,
                size: Size::PerCommunity(sample_size),
                strata: vec!["age_group".into(), "gender".into()],
                reserve: 0,
                surveyors_file: surveyors_csv.clone(),
                seed: opts.seed.wrapping_mul(31).wrapping_add(u64::from(qn)),
                out: sample_dir.clone(),
                exclude_quarters: settings.sample.exclude_quarters,
                sizing: settings.sample.sizing(),
                history: Default::default(),
            },
        )?;
        summary.sampled += r.sampled as usize;

        // The field work, surveyor by surveyor, and the batches.
        let handover = qdir.join("handover");
        let day = NaiveDate::from_ymd_opt(opts.year, u32::from(qn) * 3 - 2, 3).context("a day")?;
        for (k, (s, key)) in signing.iter().enumerate() {
            let list = sample_dir.join(format!("{s}.csv"));
            if !list.exists() {
                continue;
            }
            // The surveyor's store for the quarter: a resident sampled
            // again is visited again, not found already visited.
            let path = qdir.join(s).join("doorstep.sqlite3");
            std::fs::create_dir_all(path.parent().expect("a folder"))?;
            let store = Store::open(&path)?;
            // Synthetic data: no fsync per answer (the simulated field
            // work would otherwise wait on the disk for most of its time).
            store
                .connection()
                .pragma_update(None, "synchronous", "OFF")?;
            let store = &store;
            assign(store, q, q_source, &list)?;
            simulate(
                store,
                q,
                &SimulateOptions {
                    interviews: usize::MAX,
                    seed: opts
                        .seed
                        .wrapping_mul(1_000_003)
                        .wrapping_add(u64::from(qn) * 101 + k as u64),
                    surveyor_id: s.clone(),
                    day,
                    careless: false,
                },
            )?;
            if let Exported::Nothing = export(store, key, &handover, &[])? {
                continue;
            }
        }
        let keyset = keys::KeySet::load(db, None)?;
        let inputs = batch_source::find_inputs(std::slice::from_ref(&handover))?;
        let report = ingest::ingest(db, &inputs, &keyset, None, &mut |_| {})?;
        anyhow::ensure!(
            report.quarantined() == 0,
            "demo batches quarantined: {:?}",
            report.batches
        );
        // The supervisor approves what came in (a few rejected).
        let file = decisions(db, &supervisor, &handover)?;
        if let ingest::Outcome::Quarantined { reason, .. } =
            ingest::ingest_decisions(db, &file, &keyset)?
        {
            anyhow::bail!("demo decisions quarantined: {reason}");
        }

        // Online and phone, as exports.
        for (channel, share, code) in [
            (Channel::Online, ONLINE_SHARE, "online"),
            (Channel::Phone, PHONE_SHARE, "phone"),
        ] {
            let n = ((per_quarter as f64) * share).round() as usize;
            let path = qdir.join(format!("{code}-{label}.csv"));
            write(
                &path,
                &city.channel_export(q, quarter, u32::from(qn), code, n)?,
            )?;
            let outcome = online::import(
                db,
                &path,
                &OnlineOptions {
                    channel,
                    quarter: label.parse()?,
                    questionnaire: q,
                    calibration: &settings.scores.calibration,
                    encoding: None,
                },
            )?;
            if let OnlineOutcome::Rejected { errors, .. } = outcome {
                anyhow::bail!(
                    "{}: demo export refused: {}",
                    path.display(),
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
        }
    }
    summary.interviews = db.query_row(
        "SELECT COUNT(*) FROM interviews WHERE status = 'completed'",
        doorstep_office::params![],
        |r| r.get::<_, i64>(0),
    )? as usize;
    summary.orders = orders::sync(db, &settings.orders, settings.ingest.count, Utc::now())?;
    doorstep_office::demo::move_orders_seeded(db, opts.seed)?;
    Ok(summary)
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| path.display().to_string())
}

/// `doorstep assign --residents LIST --questionnaire Q` on `store`.
fn assign(store: &Store, q: &Questionnaire, source: &str, list: &Path) -> anyhow::Result<()> {
    let mut merge = store.merge_residents()?;
    let report = read_residents_into(list, None, &mut |r| merge.add(r))
        .map_err(|e| anyhow::anyhow!("{}: {e:?}", list.display()))?;
    anyhow::ensure!(
        report.problems.is_empty(),
        "{}: {:?}",
        list.display(),
        report.problems
    );
    merge.register_questionnaire(q, source)?;
    merge.set_active_questionnaire(&q.id, &q.version)?;
    merge.set_meta(doorstep_store::demo::DEMO_KEY, None)?;
    merge.commit()?;
    Ok(())
}

/// The supervisor's signed decisions on the home visits not yet decided:
/// completed ones approved (one in thirty rejected), two days after.
fn decisions(db: &Db, key: &SigningKey, dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    let rows: Vec<(String, String, String, Option<String>)> = db
        .query_map(
            "SELECT i.interview_id, i.batch_id, i.surveyor_id, i.ended_at FROM interviews i
             WHERE i.channel = 'home_visit'
               AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.interview_id = i.interview_id)
             ORDER BY i.interview_id",
            doorstep_office::params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?
        .collect::<Result<_, _>>()?;
    let mut latest = Utc::now();
    let decisions: Vec<FileDecision> = rows
        .into_iter()
        .enumerate()
        .map(|(k, (interview_id, batch_id, surveyor_id, ended))| {
            let ended = ended
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(Utc::now);
            let decided_at = ended + Duration::days(2);
            latest = decided_at;
            FileDecision {
                interview_id,
                batch_id,
                surveyor_id,
                decision: if k % 30 == 29 {
                    DecisionKind::Rejected
                } else {
                    DecisionKind::Approved
                },
                comment: (k % 30 == 29).then(|| "录音与答案不符（模拟）".to_string()),
                decided_at,
            }
        })
        .collect();
    let file = DecisionsFile {
        format: FORMAT.into(),
        version: VERSION,
        supervisor_id: SUPERVISOR.into(),
        date: latest.date_naive(),
        created_at: latest,
        batches: vec![],
        excluded_batches: vec![],
        decisions,
        undecided: vec![],
        gaps: vec![],
        superseded: vec![],
    };
    let (bytes, sig) = file.signed(key);
    std::fs::create_dir_all(dir)?;
    let path = dir.join(file.file_name());
    std::fs::write(doorstep_batch::fsutil::signature_path(&path), sig)?;
    std::fs::write(&path, bytes)?;
    Ok(path)
}
