//! `doorstep assign --residents FILE [--questionnaire FILE] [--encoding E]`

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use doorstep::assignment::import::{Encoding, read_residents};
use doorstep::questionnaire::{STANDARD_RESIDENT_FIELDS, load_file};

use doorstep::demo;

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
            let source = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read the file: {e}", path.display()))?;
            match load_file(path) {
                Ok(q) => Some((q, source)),
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        None => None,
    };
    let report = match read_residents(residents, encoding) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };

    let opened = places.open()?;
    let store = &opened.store;
    let q = match new_questionnaire {
        Some((q, source)) => {
            store.register_questionnaire(&q, &source)?;
            q
        }
        None => match active_questionnaire(store)? {
            Some(q) if store.meta(demo::DEMO_KEY)?.is_none() => q,
            _ => bail!("no questionnaire loaded yet: give one with --questionnaire FILE"),
        },
    };

    for p in &report.problems {
        eprintln!("{}: {p}", residents.display());
    }
    let merge = store.upsert_residents(&report.residents)?;
    store.set_active_questionnaire(&q.id, &q.version)?;
    store.set_meta(demo::DEMO_KEY, None)?;

    // Attributes the questionnaire reads but the list does not carry read as
    // empty: say so now rather than at the door.
    if let Some(first) = report.residents.first() {
        let missing: Vec<&String> = q
            .resident_attributes
            .iter()
            .filter(|a| {
                !STANDARD_RESIDENT_FIELDS.contains(&a.as_str())
                    && !first.attributes.contains_key(*a)
            })
            .collect();
        if !missing.is_empty() {
            eprintln!(
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
    println!(
        "{} residents: {} added, {} updated, {} unchanged, {} rejected; questionnaire {} {}",
        report.rows_read, merge.added, merge.updated, merge.unchanged, rejected, q.id, q.version
    );
    Ok(if rejected > 0 {
        ExitCode::from(SOME_ROWS_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}
