//! `doorstep simulate --interviews N [--seed S] [--day DATE] [--surveyor ID] [--careless]`

use doorstep::{errln, outln};
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::NaiveDate;
use doorstep_store::simulate::{SimulateOptions, simulate};

use super::{Places, active_questionnaire};

pub fn run(
    places: &Places,
    interviews: usize,
    seed: u64,
    day: Option<NaiveDate>,
    surveyor: Option<String>,
    careless: bool,
) -> anyhow::Result<ExitCode> {
    let opened = places.open()?;
    let q = active_questionnaire(&opened.store)?.context(
        "no assignment loaded: run `doorstep assign` (or `doorstep` once for the demo) first",
    )?;
    let opts = SimulateOptions {
        interviews,
        seed,
        surveyor_id: surveyor
            .or(opened.config.surveyor_id.clone())
            .unwrap_or_else(|| "simulated".into()),
        day: day.unwrap_or_else(|| chrono::Utc::now().date_naive()),
        careless,
    };
    let r = simulate(&opened.store, &q, &opts)?;
    tracing::info!(
        seed,
        day = %opts.day,
        surveyor_id = %opts.surveyor_id,
        visits = r.visits,
        interviews = r.interviews,
        answers = r.answers,
        "synthetic field work recorded"
    );
    outln!(
        "{} visits: {} interviews ({} completed, {} partial, {} broken off); refused {}, no contact {}, appointment {}, other {}; {} answers",
        r.visits,
        r.interviews,
        r.completed,
        r.partial,
        r.break_offs,
        r.refusals,
        r.no_contact,
        r.appointments,
        r.other,
        r.answers
    )?;
    if r.ran_out_of_residents {
        errln!(
            "note: every resident in the assignment has been visited; fewer interviews than asked"
        );
    }
    Ok(ExitCode::SUCCESS)
}
