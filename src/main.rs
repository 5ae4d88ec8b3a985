//! The `doorstep` command: parses arguments and calls into the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

/// Door-to-door resident satisfaction surveys: interviews, signed batches,
/// supervisor review.
#[derive(Parser)]
#[command(name = "doorstep", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a questionnaire file and print a short summary.
    Check {
        /// The questionnaire (TOML).
        file: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Check { file, json }) => cli::check::run(&file, json),
        None => cli::demo::run(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("doorstep: {e:#}");
            ExitCode::FAILURE
        }
    }
}
