//! `doorstep assign --residents FILE [--questionnaire FILE] [--encoding E]`

use doorstep::{errln, outln};
use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use doorstep_core::assignment::import::{
    Encoding, ImportError, ReadIntoError, read_residents_into,
};
use doorstep_core::questionnaire::{STANDARD_RESIDENT_FIELDS, load_file};

use doorstep_store::demo;

use super::{Places, active_questionnaire};

/// Exit code when the list loaded but some rows were rejected.
const SOME_ROWS_REJECTED: u8 = 2;

pub fn run(
    places: &Places,
    residents: &Path,
    questionnaire: Option<&Path>,
    encoding: Option<Encoding>,
) -> anyhow::Result<ExitCode> {
    // Read and check both files before anything is written: a file that
    // cannot be used changes nothing.
    let new_questionnaire = match questionnaire {
        Some(path) => {
            match load_file(path) {
                Ok(q) => {
                    // Read again as it is stored: load_file has checked it
                    // is a regular UTF-8 file within the limit.
                    let source = doorstep_core::fs::read_regular_string(
                        path,
                        doorstep_core::fs::limits::QUESTIONNAIRE,
                        "a questionnaire",
                    )?;
                    Some((q, source))
                }
                Err(e) => {
                    let problems = e.problems.len();
                    tracing::error!(file = %path.display(), problems, "questionnaire rejected");
                    errln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        None => None,
    };
    // The list streams into one transaction with the questionnaire and
    // the active setting: a list found unusable part-way (or a refused
    // questionnaire) rolls it all back, and nothing changes.
    let opened = places.open()?;
    // The assignment's own memory, apart from the store key's derivation
    // (logged when DOORSTEP_MEASURE_MEMORY=1).
    let peak = super::export::PeakRss::after_key_derivation();
    let store = &opened.store;
    let mut merge = store.merge_residents()?;
    let mut first_attributes = None;
    let read = read_residents_into(residents, encoding, &mut |r| {
        if first_attributes.is_none() {
            first_attributes = Some(r.attributes.keys().cloned().collect::<Vec<String>>());
        }
        merge.add(r)
    });
    let report = match read {
        Ok(r) => r,
        Err(ReadIntoError::Target(e)) => return Err(e.into()),
        Err(ReadIntoError::Import(e)) => {
            match e {
                // These quote row 1, which may be a resident's row.
                ImportError::Header { .. } => tracing::error!(
                    file = %residents.display(),
                    "resident list rejected: unusable header row"
                ),
                _ => tracing::error!("resident list rejected: {e}"),
            }
            errln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };

    let q = match new_questionnaire {
        Some((q, source)) => {
            merge.register_questionnaire(&q, &source)?;
            q
        }
        None => match active_questionnaire(store)? {
            Some(q) if store.meta(demo::DEMO_KEY)?.is_none() => q,
            _ => bail!("no questionnaire loaded yet: give one with --questionnaire FILE"),
        },
    };

    for p in &report.problems {
        errln!("{}: {p}", residents.display());
    }
    merge.set_active_questionnaire(&q.id, &q.version)?;
    merge.set_meta(demo::DEMO_KEY, None)?;
    let merge = merge.commit()?;

    // Attributes the questionnaire reads but the list does not carry read as
    // empty: say so now rather than at the door.
    if let Some(first) = first_attributes {
        let missing: Vec<&String> = q
            .resident_attributes
            .iter()
            .filter(|a| !STANDARD_RESIDENT_FIELDS.contains(&a.as_str()) && !first.contains(*a))
            .collect();
        if !missing.is_empty() {
            errln!(
                "{}: note: the questionnaire reads resident attributes the list lacks: {}",
                residents.display(),
                missing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    let rejected = report.rows_skipped();
    tracing::info!(
        file = %residents.display(),
        rows = report.rows_read,
        added = merge.added,
        updated = merge.updated,
        unchanged = merge.unchanged,
        rejected,
        questionnaire = %q.id,
        version = %q.version,
        peak_rss_kib_key = peak.key_kib(),
        peak_rss_kib_after_key = peak.kib(),
        "assignment loaded"
    );
    outln!(
        "{} residents: {} added, {} updated, {} unchanged, {} rejected; questionnaire {} {}",
        report.rows_read,
        merge.added,
        merge.updated,
        merge.unchanged,
        rejected,
        q.id,
        q.version
    )?;
    Ok(if rejected > 0 {
        ExitCode::from(SOME_ROWS_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

/// `doorstep assign --decisions FILE [--keys DIR | --unverified]`: the
/// surveyor's side of the supervisor review.
#[derive(clap::Args, Debug, Default)]
pub struct DecisionsArgs {
    /// A supervisor's decisions file: reopen this store's rejected interviews.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["residents", "questionnaire", "encoding"])]
    pub decisions: Option<std::path::PathBuf>,
    /// Folder holding the supervisor's public key (SUPERVISOR_ID.pub).
    #[arg(long, value_name = "DIR", requires = "decisions")]
    pub keys: Option<std::path::PathBuf>,
    /// Apply a decisions file without checking its signature.
    #[arg(long, requires = "decisions", conflicts_with = "keys")]
    pub unverified: bool,
}

/// Each rejected interview of this store is reopened as a copy (see
/// `store::decisions`): the rejected one, and so every batch already
/// exported, stays as it was.
pub fn run_decisions(places: &Places, args: &DecisionsArgs) -> anyhow::Result<ExitCode> {
    use doorstep_batch::decisions_file;
    use doorstep_store::decisions::Reopened;
    let Some(file) = args.decisions.as_deref() else {
        bail!("give --residents FILE or --decisions FILE");
    };
    let decisions = match (&args.keys, args.unverified) {
        (Some(dir), _) => {
            let keys = doorstep_batch::TrustedKeys::load(dir)?;
            decisions_file::read_verified(file, &keys)?
        }
        (None, true) => {
            errln!(
                "{}: warning: applying decisions WITHOUT checking their signature",
                file.display()
            );
            tracing::warn!(file = %file.display(), "decisions applied without checking their signature");
            let bytes = doorstep_core::fs::read_regular(
                file,
                doorstep_core::fs::limits::BATCH,
                "a decisions file",
            )?;
            decisions_file::parse(file, &bytes)?
        }
        (None, false) => bail!(
            "{}: refusing unverified decisions: give --keys DIR holding the supervisor's .pub \
             (or --unverified to skip the check)",
            file.display()
        ),
    };
    let opened = places.open()?;
    let store = &opened.store;
    let (mut reopened, mut already, mut elsewhere, mut failed) = (0, 0, 0, 0);
    for d in decisions.rejected() {
        let Ok(id) = uuid::Uuid::parse_str(&d.interview_id) else {
            elsewhere += 1;
            continue;
        };
        if store.interview(id)?.is_none() {
            // Another surveyor's interview.
            elsewhere += 1;
            continue;
        }
        match store.reopen_interview(
            id,
            &decisions.supervisor_id,
            d.comment.as_deref(),
            d.decided_at,
            chrono::Utc::now(),
        ) {
            Ok(Reopened::Opened { copy }) => {
                reopened += 1;
                tracing::info!(interview_id = %id, copy = %copy, "rejected interview reopened");
                outln!(
                    "reopened interview {id} as {copy}: {}",
                    d.comment.as_deref().unwrap_or("(no comment)")
                )?;
            }
            Ok(Reopened::Already { copy }) => {
                already += 1;
                outln!("interview {id} was already reopened as {copy}")?;
            }
            Err(e) => {
                failed += 1;
                tracing::error!(interview_id = %id, "rejected interview not reopened: {e}");
                errln!("interview {id}: {e}");
            }
        }
    }
    tracing::info!(
        file = %file.display(),
        supervisor_id = %decisions.supervisor_id,
        date = %decisions.date,
        approved = decisions.approved().count(),
        rejected = decisions.rejected().count(),
        reopened,
        already,
        elsewhere,
        failed,
        "decisions applied"
    );
    outln!(
        "decisions of supervisor {} ({}): {} approved, {} rejected: {reopened} reopened, \
         {already} already reopened, {elsewhere} not in this store, {failed} failed",
        decisions.supervisor_id,
        decisions.date,
        decisions.approved().count(),
        decisions.rejected().count()
    )?;
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
