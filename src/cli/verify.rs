//! `doorstep verify BATCH... --keys DIR [--identity FILE] [--json]`

use doorstep::{errln, outln};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use doorstep_batch::{Identities, TrustedKeys, verify_batches};

pub fn run(
    batches: &[PathBuf],
    keys: &Path,
    identity: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let trusted = TrustedKeys::load(keys)?;
    let identities = identity.map(Identities::from_file).transpose()?;
    let verdicts = verify_batches(batches, &trusted, identities.as_ref());
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
