//! `doorstep office <command>`: the city office's register, ingestion,
//! keys and status (see docs/office.md). The work is in doorstep-office.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use doorstep::{errln, outln};
use doorstep_batch::Identities;
use doorstep_core::assignment::import::Encoding;
use doorstep_office::ingest::{self, Outcome};
use doorstep_office::keys::{self, Added, KeySet};
use doorstep_office::orders;
use doorstep_office::register::{self, RegisterOutcome};
use doorstep_office::sample::{SampleOptions, Size};
use doorstep_office::settings::Settings;
use doorstep_office::{Db, DbSpec, batch_source, status};
use doorstep_store::config::{self, Config};

use super::Places;

/// Exit code when some files were quarantined (the rest went in).
const SOME_QUARANTINED: u8 = 2;

#[derive(clap::Args, Debug)]
pub struct OfficeArgs {
    /// The office database: a SQLite file or a postgres:// URL (default:
    /// the config's office_db, else DATA_DIR/office.sqlite3).
    #[arg(
        long,
        value_name = "PATH|URL",
        env = "DOORSTEP_OFFICE_DB",
        global = true
    )]
    pub db: Option<String>,
    /// The office settings (default: DATA_DIR/office.toml).
    #[arg(long, value_name = "FILE", global = true)]
    pub settings: Option<PathBuf>,
    /// Without a command: the office app (as `office app`).
    #[command(subcommand)]
    pub command: Option<OfficeCommand>,
}

#[derive(clap::Subcommand, Debug)]
pub enum OfficeCommand {
    /// The office app in the terminal: ingestion, work orders, sample
    /// progress, scores, keys (also `doorstep office` alone).
    App {
        #[command(flatten)]
        questionnaires: super::office_scores::QuestionnaireArgs,
    },
    /// Load the resident register (every resident of every community);
    /// a reload merges by resident_id and keeps history.
    Register {
        /// Resident list: .csv (UTF-8 or GB18030) or .xlsx, the columns of
        /// `assign` plus street, district and any stratum column.
        #[arg(long, value_name = "FILE")]
        residents: PathBuf,
        /// Force the CSV encoding: utf-8 or gb18030 (gbk).
        #[arg(long, value_name = "ENCODING")]
        encoding: Option<Encoding>,
        /// The date the list is valid from: who moved in or out is dated
        /// by it (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Verify and ingest hand-over folders (batches + the supervisor's
    /// signed decisions file) or plain batch folders.
    Ingest {
        /// Folders, batch files or decisions files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Also trust the OWNER.pub keys in this folder.
        #[arg(long, value_name = "DIR")]
        keys: Option<PathBuf>,
        /// age identity file, to open encrypted batches.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Import an online questionnaire's export (CSV/XLSX), or a phone
    /// centre's with --channel phone: every row checked against the
    /// questionnaire, all or nothing, idempotent by respondent id.
    ImportOnline(super::office_online::ImportOnlineArgs),
    /// The keys the office trusts.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Draw the quarter's stratified sample: one assignment file per
    /// surveyor (SURVEYOR.csv, loaded as is by `doorstep assign`).
    Sample {
        /// The quarter, e.g. 2026Q4.
        #[arg(long, value_name = "YYYYQn")]
        quarter: String,
        /// Residents sampled per community.
        #[arg(
            long,
            value_name = "N",
            required_unless_present = "target_margin",
            conflicts_with = "target_margin"
        )]
        per_community: Option<u32>,
        /// Size each community's sample for a 95% CI half-width of about M
        /// index points instead, from the previous quarter's counted
        /// interviews and visits per community (office.toml [sample] where
        /// there is no history).
        #[arg(long, value_name = "M")]
        target_margin: Option<f64>,
        /// With --target-margin: the questionnaires the previous quarter's
        /// interviews were made with (default: the bundled one).
        #[command(flatten)]
        questionnaires: super::office_scores::QuestionnaireArgs,
        /// Register columns that make the strata, comma-separated.
        #[arg(long, value_name = "COLUMNS", value_delimiter = ',')]
        strata: Vec<String>,
        /// Reserves per stratum.
        #[arg(long, value_name = "R", default_value_t = 0)]
        reserve: u32,
        /// CSV of surveyor_id,community: who works where.
        #[arg(long, value_name = "FILE")]
        surveyors: PathBuf,
        #[arg(long, value_name = "S")]
        seed: u64,
        /// The register as of this date (default: the quarter's first day).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<chrono::NaiveDate>,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Rectification work orders: list (filters), show, update, export.
    Orders(OrdersArgs),
    /// Counts: register, batches, quarantine, missing batches, interviews.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Calibrated scores per community, channel and measure, with SEs and
    /// 95% intervals (docs/method.md); each run is recorded.
    Scores {
        #[command(flatten)]
        period: super::office_scores::PeriodArgs,
        #[command(flatten)]
        questionnaires: super::office_scores::QuestionnaireArgs,
        #[arg(long)]
        json: bool,
    },
    /// Rank communities by the combined index, with 90% rank intervals.
    Rank {
        #[command(flatten)]
        period: super::office_scores::PeriodArgs,
        #[arg(long, value_enum, default_value = "city")]
        level: super::office_scores::LevelArg,
        #[command(flatten)]
        questionnaires: super::office_scores::QuestionnaireArgs,
        #[arg(long)]
        json: bool,
    },
    /// The assessment as a report: report.html (self-contained), report.xlsx
    /// and a CSV per table, in DIR.
    Report {
        #[command(flatten)]
        period: super::office_scores::PeriodArgs,
        #[command(flatten)]
        questionnaires: super::office_scores::QuestionnaireArgs,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Build a simulated city (register, four quarters of samples and
    /// interviews over three channels, work orders) in DIR and write its
    /// year's report into DIR/report.
    Demo(super::office_report::DemoArgs),
    /// Export what the figures are made of.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum ExportWhat {
    /// One row per counted interview of a quarter: ids, community, street,
    /// channel, calibration variables, base and calibrated weight, index
    /// and each dimension's score.
    Interviews {
        #[arg(long, value_name = "YYYYQn")]
        quarter: String,
        #[arg(long, value_name = "FILE.csv")]
        out: PathBuf,
        #[command(flatten)]
        questionnaires: super::office_scores::QuestionnaireArgs,
    },
}

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OrdersArgs {
    #[command(subcommand)]
    pub action: Option<OrdersAction>,
    /// Only this department's orders.
    #[arg(long, value_name = "D")]
    pub department: Option<String>,
    /// Only orders in this state (new, substantiated, not_substantiated,
    /// in_rectification, rectified, satisfied, not_satisfied, closed, reopened).
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// Only orders past their deadline and not yet done.
    #[arg(long)]
    pub overdue: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum OrdersAction {
    /// One order with its history.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Move an order to another state, with a note.
    Update {
        id: i64,
        #[arg(long, value_name = "S")]
        status: String,
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// Who makes the change (default: $USER).
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
    },
    /// A department's orders as an XLSX workbook (no names or addresses;
    /// the call-back number only where the resident agreed).
    Export {
        #[arg(long, value_name = "D")]
        department: String,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum KeysCommand {
    /// Trust a surveyor's or supervisor's public key (OWNER.pub).
    Add {
        #[arg(value_name = "FILE.pub")]
        file: PathBuf,
    },
    /// List the keys, with their revocation dates.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Refuse batches created with this key from a date on.
    Revoke {
        /// Key id, or the owner's id when the owner has one key.
        id: String,
        /// YYYY-MM-DD (midnight UTC) or an RFC 3339 instant.
        #[arg(long, value_name = "DATE")]
        from: String,
    },
}

struct Office {
    db: Db,
    settings: Settings,
}

fn open(places: &Places, args: &OfficeArgs) -> anyhow::Result<Office> {
    let data_dir = config::resolve_data_dir(places.data_dir.clone())?;
    let config_path = config::resolve_config_path(places.config.clone())?;
    let config = Config::load(&config_path)?;
    let spec = match args.db.as_deref().or(config.office_db.as_deref()) {
        Some(s) => DbSpec::parse(s),
        None => DbSpec::default_in(&data_dir),
    };
    let settings_path = args
        .settings
        .clone()
        .unwrap_or_else(|| data_dir.join("office.toml"));
    let settings = Settings::load(&settings_path)?;
    let db = Db::open(&spec)?;
    Ok(Office { db, settings })
}

pub fn run(places: &Places, args: &OfficeArgs) -> anyhow::Result<ExitCode> {
    if let Some(OfficeCommand::Demo(demo)) = &args.command {
        // Its own database and settings, in its folder.
        let lang = super::office_report::LangArg::from_flag(places.lang.as_deref());
        return super::office_report::run_demo(demo, args.db.as_deref(), lang);
    }
    let mut office = open(places, args)?;
    let Some(command) = &args.command else {
        return super::office_app::run(places, office.db, office.settings, &Default::default());
    };
    match command {
        OfficeCommand::App { questionnaires } => {
            super::office_app::run(places, office.db, office.settings, questionnaires)
        }
        OfficeCommand::Register {
            residents,
            encoding,
            date,
            json,
        } => run_register(&mut office, residents, *encoding, *date, *json),
        OfficeCommand::Ingest {
            paths,
            keys,
            identity,
            json,
        } => run_ingest(
            &mut office,
            paths,
            keys.as_deref(),
            identity.as_deref(),
            *json,
        ),
        OfficeCommand::ImportOnline(a) => {
            super::office_online::run(&mut office.db, &office.settings, a)
        }
        OfficeCommand::Keys { command } => run_keys(&mut office, command),
        OfficeCommand::Status { json } => run_status(&office, *json),
        OfficeCommand::Scores {
            period,
            questionnaires,
            json,
        } => super::office_scores::run_scores(
            &mut office.db,
            &office.settings,
            period,
            questionnaires,
            *json,
        ),
        OfficeCommand::Rank {
            period,
            level,
            questionnaires,
            json,
        } => super::office_scores::run_rank(
            &mut office.db,
            &office.settings,
            period,
            *level,
            questionnaires,
            *json,
        ),
        OfficeCommand::Report {
            period,
            questionnaires,
            out,
        } => super::office_report::run_report(
            &mut office.db,
            &office.settings,
            period,
            questionnaires,
            out,
            super::office_report::LangArg::from_flag(places.lang.as_deref()),
        ),
        OfficeCommand::Export {
            what:
                ExportWhat::Interviews {
                    quarter,
                    out,
                    questionnaires,
                },
        } => super::office_scores::run_export_interviews(
            &mut office.db,
            &office.settings,
            quarter,
            out,
            questionnaires,
        ),
        OfficeCommand::Orders(args) => run_orders(&mut office, args),
        OfficeCommand::Demo(demo) => super::office_report::run_demo(
            demo,
            args.db.as_deref(),
            super::office_report::LangArg::from_flag(places.lang.as_deref()),
        ),
        OfficeCommand::Sample {
            quarter,
            per_community,
            target_margin,
            strata,
            reserve,
            surveyors,
            seed,
            as_of,
            out,
            json,
            questionnaires,
        } => {
            let size = match (per_community, target_margin) {
                (Some(n), _) => Size::PerCommunity(*n),
                (None, Some(m)) if *m > 0.0 && m.is_finite() => Size::TargetMargin(*m),
                _ => anyhow::bail!("--target-margin must be a positive number of index points"),
            };
            let quarter: doorstep_office::sample::Quarter = quarter.parse()?;
            // The previous quarter's figures, only when they size the sample.
            let history = match size {
                Size::TargetMargin(_) => doorstep_office::history::of_quarter(
                    &office.db,
                    office.settings.ingest.count,
                    &office.settings.scores,
                    &questionnaires.load()?,
                    quarter.minus(1),
                )?,
                Size::PerCommunity(_) => Default::default(),
            };
            let opts = SampleOptions {
                history,
                quarter,
                as_of: *as_of,
                size,
                strata: strata.clone(),
                reserve: *reserve,
                surveyors_file: surveyors.clone(),
                seed: *seed,
                out: out.clone(),
                exclude_quarters: office.settings.sample.exclude_quarters,
                sizing: office.settings.sample.sizing(),
            };
            run_sample(&mut office, &opts, *json)
        }
    }
}

fn run_register(
    office: &mut Office,
    residents: &Path,
    encoding: Option<Encoding>,
    date: Option<chrono::NaiveDate>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let day = date.unwrap_or_else(|| chrono::Local::now().date_naive());
    match register::load(&mut office.db, residents, encoding, day)? {
        RegisterOutcome::Rejected { problems } => {
            for p in &problems {
                errln!("{p}");
            }
            errln!(
                "{}: register not loaded ({} problems): nothing changed",
                residents.display(),
                problems.len()
            );
            tracing::error!(file = %residents.display(), problems = problems.len(), "register rejected");
            Ok(ExitCode::FAILURE)
        }
        RegisterOutcome::Loaded(r) => {
            tracing::info!(
                file = %residents.display(),
                rows = r.rows,
                moved_in = r.moved_in,
                moved_out = r.moved_out,
                changed = r.changed,
                "register loaded"
            );
            if json {
                outln!("{}", serde_json::to_string_pretty(&r)?)?;
            } else {
                outln!(
                    "register valid from {}: {} residents; {} moved in, {} moved out, {} changed, {} unchanged",
                    r.valid_from,
                    r.rows,
                    r.moved_in,
                    r.moved_out,
                    r.changed,
                    r.unchanged
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run_ingest(
    office: &mut Office,
    paths: &[PathBuf],
    keys_dir: Option<&Path>,
    identity: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let inputs = batch_source::find_inputs(paths)?;
    if inputs.batches.is_empty() && inputs.decisions.is_empty() {
        anyhow::bail!("no batch or decisions files found in the paths given");
    }
    let keys = KeySet::load(&office.db, keys_dir)?;
    let identities = identity
        .map(Identities::from_file)
        .transpose()
        .context("cannot read the age identity")?;
    let total = (inputs.batches.len() + inputs.decisions.len()) as u64;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                .expect("a valid template"),
        );
        bar
    });
    let started = std::time::Instant::now();
    let report = ingest::ingest(
        &mut office.db,
        &inputs,
        &keys,
        identities.as_ref(),
        &mut |p| {
            if let Some(b) = &bar {
                b.set_position(p.done as u64);
            }
        },
    )?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let missing = status::missing_batches(&office.db)?;
    let new_orders = orders::sync(
        &mut office.db,
        &office.settings.orders,
        office.settings.ingest.count,
        chrono::Utc::now(),
    )?;
    tracing::info!(
        new_orders,
        ingested = report.ingested(),
        already = report.already(),
        quarantined = report.quarantined(),
        interviews = report.interviews(),
        seconds = started.elapsed().as_secs_f64(),
        "ingest finished"
    );
    if json {
        let doc = serde_json::json!({
            "batches": report.batches,
            "decisions": report.decisions,
            "missing": missing,
            "orders_created": new_orders,
            "summary": {
                "ingested": report.ingested(),
                "already_ingested": report.already(),
                "quarantined": report.quarantined(),
                "interviews": report.interviews(),
            },
        });
        outln!("{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        for o in report.batches.iter().chain(&report.decisions) {
            if let Outcome::Quarantined { kind, reason } = &o.outcome {
                outln!("QUARANTINED {} [{kind}]: {reason}", o.file.display())?;
            }
        }
        for m in &missing {
            outln!(
                "missing batches of surveyor {} device {}: {}",
                m.surveyor_id,
                m.device_id,
                m.sequences
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        let decisions: u64 = report
            .decisions
            .iter()
            .map(|o| match o.outcome {
                Outcome::DecisionsIngested { decisions } => decisions,
                _ => 0,
            })
            .sum();
        if new_orders > 0 {
            outln!("{new_orders} new work orders")?;
        }
        outln!(
            "{} batches: {} ingested ({} interviews), {} already ingested, {} quarantined; \
             {} decisions files ({} new decisions)",
            report.batches.len(),
            report.ingested(),
            report.interviews(),
            report.already(),
            report.quarantined(),
            report.decisions.len(),
            decisions
        )?;
    }
    Ok(if report.quarantined() > 0 {
        ExitCode::from(SOME_QUARANTINED)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_keys(office: &mut Office, command: &KeysCommand) -> anyhow::Result<ExitCode> {
    match command {
        KeysCommand::Add { file } => match keys::add(&mut office.db, file)? {
            Added::New(k) => outln!("trusted key {} of {}", k.key_id, k.owner_id)?,
            Added::Already(k) => outln!("key {} of {} was already trusted", k.key_id, k.owner_id)?,
        },
        KeysCommand::List { json } => {
            let list = keys::list(&office.db)?;
            if *json {
                outln!("{}", serde_json::to_string_pretty(&list)?)?;
            } else {
                for k in list {
                    outln!(
                        "{:<18} {:<16} added {}{}",
                        k.key_id,
                        k.owner_id,
                        k.added_at,
                        k.revoked_from
                            .map(|r| format!(", revoked from {r}"))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
        KeysCommand::Revoke { id, from } => {
            let from = keys::parse_instant(from)?;
            let k = keys::revoke(&mut office.db, id, from)?;
            tracing::warn!(key_id = %k.key_id, owner = %k.owner_id, "key revoked");
            outln!(
                "key {} of {} revoked: batches created from {} on are refused",
                k.key_id,
                k.owner_id,
                k.revoked_from.unwrap_or_default()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_sample(office: &mut Office, opts: &SampleOptions, json: bool) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let r = doorstep_office::sample::sample(&mut office.db, opts)?;
    tracing::info!(
        quarter = %r.quarter,
        communities = r.communities,
        sampled = r.sampled,
        reserves = r.reserves,
        seconds = started.elapsed().as_secs_f64(),
        "sample drawn"
    );
    if json {
        outln!("{}", serde_json::to_string_pretty(&r)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(a) = &r.assumptions {
        outln!("sizing: {a}")?;
    }
    for s in &r.short {
        outln!(
            "short: community {} stratum {}: target {} but {} eligible",
            s.community,
            s.stratum,
            s.target,
            s.eligible
        )?;
    }
    outln!(
        "{} sample (register as of {}): {} communities, {} residents sampled, {} reserves, \
         {} left out as interviewed recently; {} surveyor files and sample-summary.csv in {}",
        r.quarter,
        r.as_of,
        r.communities,
        r.sampled,
        r.reserves,
        r.excluded_recently_interviewed,
        r.files.len(),
        opts.out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn run_orders(office: &mut Office, args: &OrdersArgs) -> anyhow::Result<ExitCode> {
    let now = chrono::Utc::now();
    // Decisions may have changed what counts since the last ingest.
    orders::sync(
        &mut office.db,
        &office.settings.orders,
        office.settings.ingest.count,
        now,
    )?;
    match &args.action {
        None => {
            let filter = orders::Filter {
                department: args.department.clone(),
                status: args.status.clone(),
                overdue: args.overdue,
            };
            let list = orders::list(&office.db, &filter, now)?;
            if args.json {
                outln!("{}", serde_json::to_string_pretty(&list)?)?;
            } else {
                for o in &list {
                    outln!(
                        "{:>6}  {:<18} {:<16} {:<14} due {}{}  {}",
                        o.order_id,
                        o.status,
                        o.department,
                        o.category,
                        &o.deadline[..10.min(o.deadline.len())],
                        if o.overdue { " OVERDUE" } else { "" },
                        o.community.as_deref().unwrap_or("-")
                    )?;
                }
                outln!("{} work orders", list.len())?;
            }
        }
        Some(OrdersAction::Show { id, json }) => {
            let filter = orders::Filter::default();
            let Some(o) = orders::list(&office.db, &filter, now)?
                .into_iter()
                .find(|o| o.order_id == *id)
            else {
                anyhow::bail!("no work order {id}");
            };
            let history = orders::history(&office.db, *id)?;
            if *json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"order": o, "history": history})
                    )?
                )?;
            } else {
                outln!(
                    "work order {}: {} ({}), {} → {}, due {}{}",
                    o.order_id,
                    o.status,
                    o.category,
                    o.street.as_deref().unwrap_or("-"),
                    o.department,
                    o.deadline,
                    if o.overdue { " OVERDUE" } else { "" }
                )?;
                for h in history {
                    outln!(
                        "  {} {}: {} → {}{}",
                        h.at,
                        h.who,
                        h.from_status.as_deref().unwrap_or("-"),
                        h.to_status,
                        h.note.map(|n| format!(" ({n})")).unwrap_or_default()
                    )?;
                }
            }
        }
        Some(OrdersAction::Update {
            id,
            status,
            note,
            by,
        }) => {
            let who = by
                .clone()
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "office".into());
            orders::update(&mut office.db, *id, status, &who, note.as_deref(), now)?;
            tracing::info!(order_id = id, status = %status, "work order updated");
            outln!("work order {id}: {status}")?;
        }
        Some(OrdersAction::Export { department, out }) => {
            let filter = orders::Filter {
                department: Some(department.clone()),
                ..Default::default()
            };
            let list = orders::list(&office.db, &filter, now)?;
            orders::export_xlsx(&list, out)?;
            outln!(
                "{} work orders of {department} written to {}",
                list.len(),
                out.display()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_status(office: &Office, json: bool) -> anyhow::Result<ExitCode> {
    let s = status::status(&office.db, office.settings.ingest.count)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&s)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "register: {} residents in {} communities ({} loads, latest valid from {})",
        s.register.residents,
        s.register.communities.len(),
        s.register.loads,
        s.register.valid_from.as_deref().unwrap_or("-")
    )?;
    for (c, n) in &s.register.communities {
        outln!("  {c:<24} {n:>8}")?;
    }
    outln!(
        "batches: {} ingested, {} quarantined ({} conflicts), {} decisions files",
        s.batches.ingested,
        s.batches.quarantined,
        s.batches.conflicts,
        s.batches.decisions_files
    )?;
    for (k, n) in &s.batches.quarantined_by_kind {
        outln!("  quarantined {k:<22} {n:>6}")?;
    }
    for m in &s.missing {
        outln!(
            "missing: surveyor {} device {}: sequences {}",
            m.surveyor_id,
            m.device_id,
            m.sequences
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    outln!(
        "interviews: {} ({} counted, counting {:?})",
        s.interviews.total,
        s.interviews.counted,
        s.interviews.counting
    )?;
    for (c, n) in &s.interviews.by_channel {
        outln!("  channel {c:<20} {n:>8}")?;
    }
    for (d, n) in &s.interviews.by_decision {
        outln!("  {d:<28} {n:>8}")?;
    }
    if !s.orders.is_empty() {
        outln!("work orders: {}", s.orders.values().sum::<u64>())?;
        for (st, n) in &s.orders {
            outln!("  {st:<28} {n:>8}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
