//! What `doorstep` with no subcommand does until the terminal app exists:
//! describe the bundled demo questionnaire.

use std::process::ExitCode;

use doorstep::questionnaire::{load_str, summary::Summary};

/// The questionnaire compiled into the binary.
pub const BUNDLED_QUESTIONNAIRE: &str =
    include_str!("../../questionnaires/resident-satisfaction.toml");

pub fn run() -> anyhow::Result<ExitCode> {
    let q = load_str(
        BUNDLED_QUESTIONNAIRE,
        "questionnaires/resident-satisfaction.toml",
    )?;
    println!("doorstep — demo data (bundled questionnaire)\n");
    print!("{}", Summary::of(&q).to_text());
    println!("\nThe terminal app is not built yet; try `doorstep check FILE`.");
    Ok(ExitCode::SUCCESS)
}
