//! `doorstep office scores | rank | export interviews`: the assessment's
//! figures from the office store (the method: docs/method.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use doorstep::{errln, outln};
use doorstep_core::assessment::{INDEX, Level, RankSettings, rank};
use doorstep_core::questionnaire::{self, Questionnaire};
use doorstep_office::scores::{self, Keep, Period, ScoreRun};
use serde::Serialize;

use doorstep_office::Db;
use doorstep_office::settings::Settings;

/// Which period: `--quarter 2026Q4` or `--year 2026`.
#[derive(clap::Args, Debug, Clone)]
#[group(required = true, multiple = false)]
pub struct PeriodArgs {
    #[arg(long, value_name = "YYYYQn")]
    pub quarter: Option<String>,
    #[arg(long, value_name = "YYYY")]
    pub year: Option<String>,
}

impl PeriodArgs {
    pub(super) fn period(&self) -> anyhow::Result<Period> {
        let text = self
            .quarter
            .as_deref()
            .or(self.year.as_deref())
            .unwrap_or_default();
        let period = Period::parse(text)
            .with_context(|| format!("{text:?}: a quarter is written 2026Q4, a year 2026"))?;
        match (period, self.quarter.is_some()) {
            (Period::Quarter(_), true) | (Period::Year(_), false) => Ok(period),
            _ => anyhow::bail!("{text:?}: a quarter is written 2026Q4, a year 2026"),
        }
    }
}

/// The questionnaires the interviews were made with (default: the bundled
/// one).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct QuestionnaireArgs {
    /// A questionnaire file (repeat for several versions).
    #[arg(long = "questionnaire", value_name = "FILE")]
    pub questionnaires: Vec<PathBuf>,
}

impl QuestionnaireArgs {
    pub(super) fn load(&self) -> anyhow::Result<Vec<Questionnaire>> {
        if self.questionnaires.is_empty() {
            return Ok(vec![doorstep_store::demo::questionnaire()?]);
        }
        self.questionnaires
            .iter()
            .map(|p| questionnaire::load_file(p).map_err(anyhow::Error::from))
            .collect()
    }
}

fn score(
    db: &mut Db,
    settings: &Settings,
    period: Period,
    q: &QuestionnaireArgs,
    keep: Keep,
) -> anyhow::Result<ScoreRun> {
    let questionnaires = q.load()?;
    let run = scores::run(
        db,
        settings.ingest.count,
        &settings.scores,
        &questionnaires,
        period,
        keep,
    )?;
    for line in &run.left_out {
        errln!("left out: {line}");
    }
    for p in &run.assessment.problems {
        errln!("{}: {}", p.community, p.message);
    }
    Ok(run)
}

#[derive(Serialize)]
struct ScoresJson<'a> {
    run_id: Option<i64>,
    settings_hash: &'a str,
    period: &'a str,
    estimates: Vec<&'a doorstep_core::assessment::Row>,
    changes: Vec<&'a doorstep_core::assessment::Change>,
    problems: &'a [doorstep_core::assessment::Problem],
    left_out: &'a [String],
}

pub(super) fn run_scores(
    db: &mut Db,
    settings: &Settings,
    period: &PeriodArgs,
    q: &QuestionnaireArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let period = period.period()?;
    let run = score(db, settings, period, q, Keep::default())?;
    let label = period.label();
    let estimates: Vec<_> = run
        .assessment
        .rows
        .iter()
        .filter(|r| r.period == label)
        .collect();
    if json {
        let out = ScoresJson {
            run_id: run.run_id,
            settings_hash: &run.settings_hash,
            period: &label,
            estimates,
            changes: run
                .assessment
                .changes
                .iter()
                .filter(|c| c.period == label)
                .collect(),
            problems: &run.assessment.problems,
            left_out: &run.left_out,
        };
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = format!(
        "{label}: scoring run {} (settings {})\n{:<16} {:<12} {:<8} {:>7} {:>6} {:>15} {:>6}\n",
        run.run_id.unwrap_or_default(),
        &run.settings_hash[..12],
        "community",
        "channel",
        "measure",
        "score",
        "se",
        "95% ci",
        "n"
    );
    for r in estimates.iter().filter(|r| r.measure == INDEX) {
        text.push_str(&format!(
            "{:<16} {:<12} {:<8} {:>7.1} {:>6.2} {:>7.1}–{:<7.1} {:>6}{}\n",
            r.community,
            r.channel,
            r.measure,
            r.estimate,
            r.se,
            r.ci_low,
            r.ci_high,
            r.n,
            if r.small { "  small" } else { "" }
        ));
    }
    outln!("{}", text.trim_end_matches('\n'))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum LevelArg {
    Street,
    District,
    City,
}

pub(super) fn run_rank(
    db: &mut Db,
    settings: &Settings,
    period: &PeriodArgs,
    level: LevelArg,
    q: &QuestionnaireArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let period = period.period()?;
    let run = score(db, settings, period, q, Keep::default())?;
    let s = &settings.scores;
    let settings = RankSettings {
        shrunk: s.rank_shrunk,
        draws: s.bootstrap_draws,
        seed: s.seed,
        ..RankSettings::default()
    };
    let level = match level {
        LevelArg::Street => Level::Street,
        LevelArg::District => Level::District,
        LevelArg::City => Level::City,
    };
    let ranked = rank(&run.assessment, &period.label(), level, &settings);
    if json {
        let out = serde_json::json!({
            "run_id": run.run_id,
            "settings_hash": run.settings_hash,
            "period": period.label(),
            "level": level,
            "ranks": ranked,
        });
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = format!(
        "{} ranking by the combined index (90% rank intervals, {} draws)\n",
        period.label(),
        settings.draws
    );
    for r in &ranked {
        text.push_str(&format!(
            "{:<12} {:>3} [{:>3}–{:<3}] {:<16} {:>6.1} ±{:<5.2} {}{}\n",
            r.within,
            r.rank,
            r.rank_low,
            r.rank_high,
            r.community,
            r.score,
            r.se,
            r.grade,
            match (r.change, r.change_significant) {
                (Some(c), Some(true)) => format!("  change {c:+.1} (significant)"),
                (Some(c), _) => format!("  change {c:+.1}"),
                _ => String::new(),
            }
        ));
    }
    outln!("{}", text.trim_end_matches('\n'))?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn run_export_interviews(
    db: &mut Db,
    settings: &Settings,
    quarter: &str,
    out: &Path,
    q: &QuestionnaireArgs,
) -> anyhow::Result<ExitCode> {
    let period = PeriodArgs {
        quarter: Some(quarter.to_string()),
        year: None,
    }
    .period()?;
    let keep = Keep {
        ids: true,
        items: false,
    };
    let run = score(db, settings, period, q, keep)?;
    let calibration = &settings.scores.calibration;
    let dimensions: std::collections::BTreeSet<&str> = run
        .interviews
        .iter()
        .flat_map(|i| i.dimensions().map(|(d, _)| d))
        .collect();
    let mut w = csv::Writer::from_path(out).with_context(|| out.display().to_string())?;
    let mut header = vec![
        "interview_id",
        "resident_id",
        "community",
        "street",
        "quarter",
        "channel",
    ];
    header.extend(calibration.iter().map(String::as_str));
    header.extend(["base_weight", "weight", "index"]);
    header.extend(dimensions.iter().copied());
    w.write_record(&header)?;
    let label = period.label();
    let mut rows = 0;
    for i in run
        .interviews
        .iter()
        .filter(|i| i.quarter().to_string() == label)
    {
        let num = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
        let mut record = vec![
            i.interview_id().unwrap_or_default().to_string(),
            i.resident_id().unwrap_or_default().to_string(),
            i.community().to_string(),
            i.street().to_string(),
            i.quarter().to_string(),
            i.channel().to_string(),
        ];
        record.extend(i.calibration().map(str::to_string));
        record.extend([num(i.base_weight()), num(i.weight()), num(i.index())]);
        record.extend(dimensions.iter().map(|d| num(i.dimension(d))));
        w.write_record(&record)?;
        rows += 1;
    }
    w.flush().with_context(|| out.display().to_string())?;
    errln!(
        "{rows} counted interviews of {label} written to {} (scoring run {})",
        out.display(),
        run.run_id.unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}
