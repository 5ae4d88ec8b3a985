//! `doorstep check FILE [--json]`

use doorstep::{errln, outln};
use std::path::Path;
use std::process::ExitCode;

use doorstep_core::questionnaire::{load_file, summary::Summary};

pub fn run(file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    match load_file(file) {
        Ok(q) => {
            let summary = Summary::of(&q);
            if json {
                doorstep::output::write_json(&summary)?;
            } else {
                for line in summary.to_text().lines() {
                    outln!("{line}")?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            errln!("{e}");
            let n = e.problems.len();
            errln!(
                "{}: {n} problem{} found",
                e.file,
                if n == 1 { "" } else { "s" }
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
