//! `doorstep verify BATCH... --keys DIR [--identity FILE] [--questionnaire FILE]... [--json]`

use doorstep::{errln, outln};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use doorstep_batch::{Identities, KnownQuestionnaires, TrustedKeys, verify_batches_checking};
use doorstep_core::questionnaire::load_file;

pub fn run(
    batches: &[PathBuf],
    keys: &Path,
    identity: Option<&Path>,
    questionnaires: &[PathBuf],
    json: bool,
) -> anyhow::Result<ExitCode> {
    let trusted = TrustedKeys::load(keys)?;
    let identities = identity.map(Identities::from_file).transpose()?;
    // The calculates of interviews of these questionnaires (matched by
    // content hash) are recomputed from their answers.
    let mut known = KnownQuestionnaires::new();
    for path in questionnaires {
        known.add(load_file(path).map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    known.extend(doorstep_store::demo::questionnaire().ok());
    let verdicts = verify_batches_checking(batches, &trusted, identities.as_ref(), &known, false);
    for v in &verdicts {
        if v.is_ok() {
            tracing::info!("verified {v}");
        } else {
            tracing::warn!("verified {v}");
        }
    }
    if json {
        doorstep::output::write_json(&verdicts)?;
    } else {
        for v in &verdicts {
            outln!("{v}")?;
        }
    }
    let all_ok = !verdicts.is_empty() && verdicts.iter().all(|v| v.is_ok());
    if verdicts.is_empty() {
        errln!("no batch files found in the paths given");
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
