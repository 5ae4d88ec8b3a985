//! `doorstep status [--json]`

use doorstep::outln;
use std::process::ExitCode;

use super::Places;

pub fn run(places: &Places, json: bool) -> anyhow::Result<ExitCode> {
    let opened = places.open()?;
    let c = opened.store.status()?;
    if json {
        doorstep::output::write_json(&c)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows = [
        ("residents in the assignment", c.residents),
        ("visited", c.visited),
        ("due for a revisit", c.due_for_revisit),
        ("appointments pending", c.appointments),
        ("interviews completed", c.completed),
        ("interviews in progress", c.in_progress),
        ("partial interviews", c.partial),
        ("break-offs", c.break_offs),
        ("refusals", c.refusals),
        ("no contact", c.no_contact),
        ("pending export (records)", c.pending_export),
        ("  interviews", c.pending_export_interviews),
        ("  visits without an interview", c.pending_export_visits),
        ("exported (records)", c.exported),
        ("  interviews", c.exported_interviews),
        ("  visits without an interview", c.exported_visits),
    ];
    for (label, n) in rows {
        outln!("{label:<30} {n:>7}")?;
    }
    // Only for a stratified list (`office sample`): reserves.
    if c.reserves_hidden + c.reserves_released > 0 {
        outln!("{:<30} {:>7}", "reserves released", c.reserves_released)?;
        outln!(
            "{:<30} {:>7}",
            "reserves not yet released",
            c.reserves_hidden
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
