//! `doorstep check FILE [--json]`

use std::path::Path;
use std::process::ExitCode;

use doorstep_core::questionnaire::{load_file, summary::Summary};

pub fn run(file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    match load_file(file) {
        Ok(q) => {
            let summary = Summary::of(&q);
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                print!("{}", summary.to_text());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            let n = e.problems.len();
            eprintln!(
                "{}: {n} problem{} found",
                e.file,
                if n == 1 { "" } else { "s" }
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
