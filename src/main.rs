//! The `doorstep` command: parses arguments and calls into the library.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use doorstep_core::assignment::import::Encoding;
use doorstep_store::config;

mod cli;

/// Door-to-door resident satisfaction surveys: interviews, signed batches,
/// supervisor review. With no command, opens the surveyor's app.
#[derive(Parser)]
#[command(name = "doorstep", version, about)]
struct Cli {
    /// Data directory (database, keys, logs); default: the platform's data
    /// directory. Also DOORSTEP_DATA_DIR.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Config file (surveyor id, interface language). Also DOORSTEP_CONFIG.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Interface language: zh or en (default: the config, else zh).
    /// Checked for every command, even those that print no interface text.
    #[arg(long, global = true, value_name = "LANG", value_parser = ["zh", "en"])]
    lang: Option<String>,
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
    /// Load the day's assignment: a resident list and the questionnaire.
    Assign {
        /// Resident list: .csv (UTF-8 or GB18030) or .xlsx (first sheet).
        #[arg(long, value_name = "FILE", required_unless_present = "decisions")]
        residents: Option<PathBuf>,
        /// Questionnaire (TOML); needed the first time, optional after.
        #[arg(long, value_name = "FILE")]
        questionnaire: Option<PathBuf>,
        /// Force the CSV encoding: utf-8 or gb18030 (gbk).
        #[arg(long, value_name = "ENCODING")]
        encoding: Option<Encoding>,
        #[command(flatten)]
        decisions: cli::assign::DecisionsArgs,
    },
    /// Counts of the work in the store.
    Status {
        /// Print the counts as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Create the surveyor's (or the supervisor's) signing key (minisign
    /// format) in the data directory.
    Keygen {
        /// Surveyor id (stored in the config); default: the configured one.
        #[arg(long, value_name = "ID", conflicts_with = "supervisor")]
        surveyor: Option<String>,
        /// A supervisor's key instead (it signs the decisions files handed
        /// over and sent back to the surveyors), with the supervisor's id.
        #[arg(long, value_name = "ID")]
        supervisor: Option<String>,
        /// Leave the secret key without a password.
        #[arg(long)]
        no_password: bool,
        /// Replace an existing key.
        #[arg(long)]
        force: bool,
    },
    /// Write a signed batch of everything finished and not yet exported.
    Export {
        /// Folder for the batch files (default: DATA_DIR/outbox).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Rewrite an earlier batch, byte for byte the same.
        #[arg(long, value_name = "BATCH_ID")]
        again: Option<uuid::Uuid>,
        /// Encrypt with age to this X25519 recipient (age1...); repeatable.
        #[arg(long, value_name = "RECIPIENT")]
        encrypt_to: Vec<String>,
    },
    /// Check batch files: signatures, contents and sequence numbers.
    Verify {
        /// Batch files (.jsonl or .jsonl.age) or folders holding them.
        #[arg(required = true)]
        batches: Vec<PathBuf>,
        /// Folder of trusted public keys, one SURVEYOR_ID.pub per surveyor.
        #[arg(long, value_name = "DIR")]
        keys: PathBuf,
        /// age identity file, to check the contents of encrypted batches.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        /// Questionnaire the interviews used (repeatable), to recompute their
        /// calculates; the bundled one is found by itself.
        #[arg(long, value_name = "FILE")]
        questionnaire: Vec<PathBuf>,
        /// One JSON object per batch.
        #[arg(long)]
        json: bool,
    },
    /// Create synthetic visits and interviews (demos, training, benchmarks).
    Simulate {
        /// Interviews to create (other visits come in proportion).
        #[arg(long, value_name = "N")]
        interviews: usize,
        /// Random seed: the same seed and day give the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Day of the simulated work (YYYY-MM-DD, default today).
        #[arg(long, value_name = "DATE")]
        day: Option<NaiveDate>,
        /// Surveyor id recorded on the interviews (default: the config's, else "simulated").
        #[arg(long, value_name = "ID")]
        surveyor: Option<String>,
        /// A hurried, careless surveyor: seconds per question and the same
        /// value on every rating (speeding and straight-lining, for training).
        #[arg(long)]
        careless: bool,
    },
    /// Supervisor review of a folder of batches: --summary, --decide, --hand-over.
    Review(cli::review::ReviewArgs),
    /// The city office: resident register, ingestion of hand-overs, keys,
    /// status (see docs/office.md).
    Office(cli::office::OfficeArgs),
    /// The store's encryption at rest: encrypt an old plain store, change
    /// the password.
    Store {
        #[command(subcommand)]
        action: StoreAction,
    },
}

#[derive(Subcommand)]
enum StoreAction {
    /// Encrypt a plain store (written by an older doorstep) in place, with
    /// a new password (asked twice, or DOORSTEP_STORE_PASSWORD).
    Encrypt,
    /// Change the store's password (the current one: asked, or
    /// DOORSTEP_STORE_PASSWORD; the new one: asked twice, or
    /// DOORSTEP_NEW_STORE_PASSWORD).
    Password,
}

impl Command {
    /// The name the log records (never the arguments).
    fn name(&self) -> &'static str {
        match self {
            Command::Check { .. } => "check",
            Command::Assign { .. } => "assign",
            Command::Status { .. } => "status",
            Command::Keygen { .. } => "keygen",
            Command::Export { .. } => "export",
            Command::Verify { .. } => "verify",
            Command::Simulate { .. } => "simulate",
            Command::Review(_) => "review",
            Command::Office(_) => "office",
            Command::Store {
                action: StoreAction::Encrypt,
            } => "store encrypt",
            Command::Store {
                action: StoreAction::Password,
            } => "store password",
        }
    }
}

/// Logs go to `DATA_DIR/logs`. The commands that do not use a data
/// directory (check, verify) log only into one that already exists.
fn start_logging(cli: &Cli) {
    let data_dir = match &cli.command {
        Some(Command::Check { .. } | Command::Verify { .. }) => {
            config::existing_data_dir(cli.data_dir.clone())
        }
        // A data directory that cannot be made is the command's error to report.
        _ => config::resolve_data_dir(cli.data_dir.clone()).ok(),
    };
    if let Some(dir) = data_dir {
        for note in doorstep::logging::init(&dir) {
            doorstep::errln!("doorstep: {note}");
        }
    }
}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let cli = Cli::parse();
    start_logging(&cli);
    doorstep_tui::terminal::set_panic_logger(doorstep::logging::log_panic);
    let command = cli.command.as_ref().map_or("app", Command::name);
    tracing::info!(
        command,
        version = env!("CARGO_PKG_VERSION"),
        "command started"
    );
    let places = cli::Places {
        data_dir: cli.data_dir,
        config: cli.config,
        lang: cli.lang,
    };
    let result = match cli.command {
        None => cli::app::run(&places, started),
        Some(Command::Check { file, json }) => cli::check::run(&file, json),
        Some(Command::Assign {
            residents,
            questionnaire,
            encoding,
            decisions,
        }) => match residents {
            Some(residents) => {
                cli::assign::run(&places, &residents, questionnaire.as_deref(), encoding)
            }
            None => cli::assign::run_decisions(&places, &decisions),
        },
        Some(Command::Status { json }) => cli::status::run(&places, json),
        Some(Command::Keygen {
            surveyor,
            supervisor,
            no_password,
            force,
        }) => cli::keys::run(&places, surveyor, supervisor, no_password, force),
        Some(Command::Export {
            out,
            again,
            encrypt_to,
        }) => cli::export::run(&places, out, again, &encrypt_to),
        Some(Command::Verify {
            batches,
            keys,
            identity,
            questionnaire,
            json,
        }) => cli::verify::run(&batches, &keys, identity.as_deref(), &questionnaire, json),
        Some(Command::Simulate {
            interviews,
            seed,
            day,
            surveyor,
            careless,
        }) => cli::simulate::run(&places, interviews, seed, day, surveyor, careless),
        Some(Command::Review(args)) => cli::review::run(&places, &args),
        Some(Command::Office(args)) => cli::office::run(&places, &args),
        Some(Command::Store { action }) => match action {
            StoreAction::Encrypt => cli::store::encrypt(&places),
            StoreAction::Password => cli::store::change_password(&places),
        },
    };
    // The last buffered output is written now, so its failure is reported.
    let result = result.and_then(|code| {
        doorstep::output::flush()?;
        Ok(code)
    });
    match result {
        Err(e)
            if e.downcast_ref::<doorstep::output::OutputError>()
                .is_some_and(|o| o.is_broken_pipe()) =>
        {
            // The reader went away (`| head -1`): what was asked for is
            // done and nothing is wrong, as with any Unix filter.
            tracing::info!(command, "stdout closed by the reader");
            ExitCode::SUCCESS
        }
        Ok(code) => {
            let success = code == ExitCode::SUCCESS;
            tracing::info!(command, success, "command finished");
            code
        }
        Err(e) => {
            tracing::error!(command, "command failed: {e:#}");
            doorstep::errln!("doorstep: {e:#}");
            ExitCode::FAILURE
        }
    }
}
