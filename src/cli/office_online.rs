//! `doorstep office import-online FILE --questionnaire Q --quarter 2026Q4`:
//! an online questionnaire's export (or a phone centre's, `--channel
//! phone`) into the office store. The work is in
//! `doorstep_office::online`; the file format is in docs/office.md.

use std::path::PathBuf;
use std::process::ExitCode;

use doorstep::{errln, outln};
use doorstep_core::assignment::import::Encoding;
use doorstep_core::questionnaire;
use doorstep_office::online::{self, Channel, OnlineOptions, OnlineOutcome};
use doorstep_office::sample::Quarter;
use doorstep_office::settings::Settings;
use doorstep_office::{Db, orders};

#[derive(clap::Args, Debug)]
pub struct ImportOnlineArgs {
    /// The export: .csv (UTF-8 or GB18030) or .xlsx, one row per
    /// respondent: respondent_id, community, optionally submitted_at and
    /// the calibration variables, one column per question id.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The questionnaire the answers are checked against.
    #[arg(long, value_name = "FILE")]
    pub questionnaire: PathBuf,
    /// The quarter the answers belong to, e.g. 2026Q4.
    #[arg(long, value_name = "YYYYQn")]
    pub quarter: String,
    /// online, or phone for a phone centre's (CATI) export of the same shape.
    #[arg(long, value_enum, default_value = "online")]
    pub channel: ChannelArg,
    /// Force the CSV encoding: utf-8 or gb18030 (gbk).
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<Encoding>,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ChannelArg {
    Online,
    Phone,
}

pub(super) fn run(
    db: &mut Db,
    settings: &Settings,
    args: &ImportOnlineArgs,
) -> anyhow::Result<ExitCode> {
    let quarter: Quarter = args.quarter.parse()?;
    let q = questionnaire::load_file(&args.questionnaire)?;
    let opts = OnlineOptions {
        channel: match args.channel {
            ChannelArg::Online => Channel::Online,
            ChannelArg::Phone => Channel::Phone,
        },
        quarter,
        questionnaire: &q,
        calibration: &settings.scores.calibration,
        encoding: args.encoding,
    };
    let outcome = online::import(db, &args.file, &opts)?;
    let file = args.file.display();
    match &outcome {
        OnlineOutcome::Rejected { errors, total, .. } => {
            if args.json {
                outln!("{}", serde_json::to_string_pretty(&outcome)?)?;
            }
            for e in errors {
                errln!("{file}: {e}");
            }
            if *total > errors.len() {
                errln!("{file}: … and {} more errors", total - errors.len());
            }
            errln!("{file}: not imported ({total} errors): nothing changed");
            tracing::error!(file = %file, errors = total, "online export rejected");
            Ok(ExitCode::FAILURE)
        }
        OnlineOutcome::Imported(r) => {
            // Complaints in the new interviews become work orders, as after
            // an ingest.
            let new_orders = orders::sync(
                db,
                &settings.orders,
                settings.ingest.count,
                chrono::Utc::now(),
            )?;
            tracing::info!(
                file = %file,
                channel = opts.channel.code(),
                imported = r.imported,
                already = r.already,
                new_orders,
                "online export imported"
            );
            if args.json {
                let doc = serde_json::json!({
                    "outcome": "imported",
                    "file": r.file,
                    "channel": r.channel,
                    "quarter": r.quarter,
                    "rows": r.rows,
                    "imported": r.imported,
                    "already_imported": r.already,
                    "communities": r.communities,
                    "orders_created": new_orders,
                });
                outln!("{}", serde_json::to_string_pretty(&doc)?)?;
            } else {
                if new_orders > 0 {
                    outln!("{new_orders} new work orders")?;
                }
                outln!(
                    "{file}: {} rows: {} {} interviews of {} imported, {} already imported",
                    r.rows,
                    r.imported,
                    opts.channel.code(),
                    r.quarter,
                    r.already
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
