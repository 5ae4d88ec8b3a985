//! `doorstep office report`: the assessment as a self-contained HTML page,
//! a workbook and CSV files (docs/office.md), and `office demo`: a
//! simulated city to see it on.

use std::path::Path;
use std::process::ExitCode;

use doorstep::{errln, outln};
use doorstep_core::assessment::Quarter;
use doorstep_office::Db;
use doorstep_office::report::{self, Input, Lang, queries};
use doorstep_office::scores::{self, Period};
use doorstep_office::settings::Settings;

use super::office_scores::{PeriodArgs, QuestionnaireArgs};

/// The report's language: the global `--lang` (zh or en; default zh).
#[derive(Debug, Clone, Copy)]
pub enum LangArg {
    Zh,
    En,
}

impl LangArg {
    pub fn from_flag(lang: Option<&str>) -> LangArg {
        if lang == Some("en") {
            LangArg::En
        } else {
            LangArg::Zh
        }
    }
}

fn quarters(period: Period) -> Vec<Quarter> {
    match period {
        Period::Quarter(q) => vec![q],
        Period::Year(year) => (1..=4).map(|q| Quarter { year, q }).collect(),
    }
}

/// Scores the period and writes the report's files into `out`.
pub(super) fn write_report(
    db: &mut Db,
    settings: &Settings,
    period: Period,
    q: &QuestionnaireArgs,
    out: &Path,
    lang: LangArg,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let questionnaires = q.load()?;
    let started = std::time::Instant::now();
    let run = scores::run(
        db,
        settings.ingest.count,
        &settings.scores,
        &questionnaires,
        period,
        scores::Keep {
            ids: false,
            items: true,
        },
    )?;
    for line in &run.left_out {
        errln!("left out: {line}");
    }
    let scored = started.elapsed();
    let quarters = quarters(period);
    let cases = queries::sampled_cases(db, &quarters)?;
    let first = queries::quarter_days(quarters[0]).0;
    let last = queries::quarter_days(*quarters.last().expect("a quarter at least")).1;
    let orders = queries::orders(db, &first, &last)?;
    let population = if settings.scores.street_weighting.is_equal() {
        Default::default()
    } else {
        queries::population(db, &last)?
    };
    let read = started.elapsed();
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let report = report::build(&Input {
        run: &run,
        quarters,
        settings,
        questionnaires: &questionnaires,
        cases: &cases,
        orders: &orders,
        population: &population,
        now: &now,
        lang: match lang {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        },
    });
    let built = started.elapsed();
    let files = report::write_all(&report, out)?;
    let written = started.elapsed();
    let secs = |d: std::time::Duration| d.as_secs_f64();
    // The report stage apart from the scoring (scripts/bench-office-report.sh
    // prints this line).
    errln!(
        "scored in {:.2} s; report stage {:.2} s (sample and orders read {:.2} s, tables and charts built {:.2} s, HTML, XLSX and CSV written {:.2} s)",
        secs(scored),
        secs(written - scored),
        secs(read - scored),
        secs(built - read),
        secs(written - built)
    );
    tracing::info!(
        scored = secs(scored),
        read = secs(read - scored),
        built = secs(built - read),
        written = secs(written - built),
        "report written"
    );
    Ok(files)
}

pub(super) fn run_report(
    db: &mut Db,
    settings: &Settings,
    period: &PeriodArgs,
    q: &QuestionnaireArgs,
    out: &Path,
    lang: LangArg,
) -> anyhow::Result<ExitCode> {
    let period = period.period()?;
    let files = write_report(db, settings, period, q, out, lang)?;
    errln!(
        "{} report written to {} ({} files: report.html, report.xlsx and a CSV per table)",
        period.label(),
        out.display(),
        files.len()
    );
    for f in &files {
        outln!("{}", f.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `office demo` options.
#[derive(clap::Args, Debug, Clone)]
pub struct DemoArgs {
    /// The folder to build the city in (office.sqlite3, office.toml,
    /// report/).
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 3)]
    pub streets: usize,
    #[arg(long, default_value_t = 4)]
    pub communities_per_street: usize,
    /// Per community and quarter: residents sampled for home visits (about
    /// half end in an interview); online and phone respondents add 0.2 and
    /// 0.3 of it. With --direct: counted interviews over the three channels.
    #[arg(long, default_value_t = 60)]
    pub per_quarter: usize,
    #[arg(long, default_value_t = 2026)]
    pub year: i32,
    /// One community in this many is small (a quarter of the interviews);
    /// 0: none.
    #[arg(long, default_value_t = 6)]
    pub small_every: usize,
    /// Build the database only.
    #[arg(long)]
    pub no_report: bool,
    /// Write the rows straight into the database instead of going through
    /// sample, simulate, export, ingest and import-online: much faster, for
    /// benchmarks of a thousand communities.
    #[arg(long)]
    pub direct: bool,
}

pub(super) fn run_demo(
    args: &DemoArgs,
    db: Option<&str>,
    lang: LangArg,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;
    use doorstep_office::demo::{self, DemoOptions};
    let dir = &args.out;
    let db_path = dir.join("office.sqlite3");
    let spec = match db {
        Some(url) => doorstep_office::DbSpec::parse(url),
        None => {
            if db_path.exists() {
                anyhow::bail!(
                    "{}: already there; the demo builds a new city (remove it or choose another --out)",
                    db_path.display()
                );
            }
            doorstep_office::DbSpec::parse(
                db_path.to_str().context("the folder's name is not UTF-8")?,
            )
        }
    };
    if dir.join("field").exists() {
        anyhow::bail!(
            "{}: already there; the demo builds a new city (remove it or choose another --out)",
            dir.join("field").display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    let settings_path = dir.join("office.toml");
    std::fs::write(&settings_path, demo::SETTINGS)
        .with_context(|| settings_path.display().to_string())?;
    let settings = Settings::load(&settings_path)?;
    let mut db = Db::open(&spec)?;
    let q = doorstep_store::demo::questionnaire()?;
    let opts = DemoOptions {
        streets: args.streets,
        communities_per_street: args.communities_per_street,
        per_quarter: args.per_quarter,
        year: args.year,
        seed: args.seed,
        small_every: args.small_every,
    };
    let started = std::time::Instant::now();
    let summary = if args.direct {
        demo::build(&mut db, &q, &opts, &settings.orders)?
    } else {
        super::office_demo::build(
            dir,
            &mut db,
            &settings,
            &q,
            doorstep_store::demo::BUNDLED_QUESTIONNAIRE,
            &opts,
        )?
    };
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        direct = args.direct,
        "demo city built"
    );
    errln!(
        "demo city in {}: {} streets, {} communities, {} residents, {} sampled, {} interviews, {} work orders",
        dir.display(),
        summary.streets,
        summary.communities,
        summary.residents,
        summary.sampled,
        summary.interviews,
        summary.orders
    );
    if !args.no_report {
        let out = dir.join("report");
        let period = PeriodArgs {
            quarter: None,
            year: Some(args.year.to_string()),
        };
        let files = write_report(
            &mut db,
            &settings,
            period.period()?,
            &QuestionnaireArgs {
                questionnaires: vec![],
            },
            &out,
            lang,
        )?;
        errln!("report: {}", files[0].display());
    }
    errln!(
        "again, or another period: doorstep office --db {} --settings {} report --quarter {}Q4 --out DIR",
        spec,
        settings_path.display(),
        args.year
    );
    Ok(ExitCode::SUCCESS)
}
