//! `doorstep review DIR --keys KEYS ...`: the supervisor's non-interactive
//! review: summary (text or JSON), decisions, and the hand-over.

use doorstep::{errln, outln};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::Utc;
use doorstep_batch::{Identities, TrustedKeys};
use doorstep_core::assignment::Disposition;
use doorstep_core::questionnaire::{Questionnaire, load_file};
use doorstep_review::demo::{DemoFolder, build as build_demo};
use doorstep_review::flags::Thresholds;
use doorstep_review::handover::{HandOver, write_hand_over};
use doorstep_review::inbox::{Inbox, InboxOptions, open_inbox};
use doorstep_store::decisions::{Decision, DecisionKind, lacks_reason};
use serde_json::json;

use super::{Places, keys};

#[derive(clap::Args, Debug, Clone)]
pub struct ReviewArgs {
    /// Folder holding the day's batches (searched recursively).
    #[arg(required_unless_present = "demo", conflicts_with = "demo")]
    pub dir: Option<PathBuf>,
    /// Folder of trusted surveyor keys, one SURVEYOR_ID.pub each.
    #[arg(long, value_name = "DIR", required_unless_present = "demo")]
    pub keys: Option<PathBuf>,
    /// Review a simulated day of three surveyors instead (built once in
    /// DATA_DIR/review-demo, with its own supervisor store and key).
    #[arg(long, conflicts_with_all = ["keys", "identity"])]
    pub demo: bool,
    /// age identity file, to open encrypted batches.
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// Questionnaire the interviews used (repeatable); the bundled one is
    /// found by itself.
    #[arg(long, value_name = "FILE")]
    pub questionnaire: Vec<PathBuf>,
    /// Quality flag thresholds (TOML, see docs/quality-flags.md).
    #[arg(long, value_name = "FILE")]
    pub thresholds: Option<PathBuf>,
    /// Print the inbox, the flagged interviews, per-surveyor and per-community figures.
    #[arg(long)]
    pub summary: bool,
    /// With --summary: one JSON document (see docs/review.md).
    #[arg(long, requires = "summary")]
    pub json: bool,
    /// With --summary: leave flagged interviews out of the scores too
    /// (rejected ones never count).
    #[arg(long, requires = "summary")]
    pub leave_out_flagged: bool,
    /// Record a decision on this interview (with --approve or --reject).
    #[arg(long, value_name = "INTERVIEW_ID")]
    pub decide: Option<String>,
    #[arg(long, requires = "decide", conflicts_with = "reject")]
    pub approve: bool,
    #[arg(long, requires = "decide")]
    pub reject: bool,
    /// The supervisor's comment (shown to the surveyor on a rejection,
    /// which needs one).
    #[arg(long, value_name = "TEXT", requires = "decide")]
    pub comment: Option<String>,
    /// Copy the batches unchanged into OUT with the signed decisions file.
    #[arg(long, value_name = "OUT")]
    pub hand_over: Option<PathBuf>,
    /// With --hand-over: leave out batches that fail verification.
    #[arg(long, requires = "hand_over")]
    pub exclude_invalid: bool,
    /// With --hand-over: hand over although batches are missing from a
    /// device's sequence (the decisions file names them).
    #[arg(long, requires = "hand_over")]
    pub allow_gaps: bool,
}

pub fn run(places: &Places, a: &ReviewArgs) -> anyhow::Result<ExitCode> {
    if a.demo {
        return run_demo(places, a);
    }
    if !a.summary && a.decide.is_none() && a.hand_over.is_none() {
        // The app shows times in the thresholds' local time, as the flags
        // and the batch days are.
        let offset = thresholds(a)?.utc_offset_hours;
        return super::review_app::run(places, load(a)?, offset);
    }
    if a.decide.is_some() && !a.approve && !a.reject {
        bail!("--decide needs --approve or --reject");
    }
    if a.reject && lacks_reason(DecisionKind::Rejected, a.comment.as_deref()) {
        bail!(
            "a rejection needs a reason: the surveyor sees it. Give --comment TEXT; nothing was recorded"
        );
    }
    let mut inbox = load(a)?;
    let mut code = ExitCode::SUCCESS;
    if a.summary {
        let decisions = stored_decisions(places)?;
        inbox.set_counting(
            decisions
                .iter()
                .filter(|d| d.decision == DecisionKind::Rejected)
                .map(|d| d.interview_id.as_str()),
            a.leave_out_flagged,
        );
        if a.json {
            doorstep::output::write_json(&summary_json(&inbox))?;
        } else {
            print_summary(&inbox)?;
        }
        if !inbox.all_valid() || inbox.has_gaps() {
            code = ExitCode::FAILURE;
        }
    }
    if let Some(id) = &a.decide {
        decide(places, &inbox, id, a.approve, a.comment.as_deref())?;
    }
    if let Some(out) = &a.hand_over {
        hand_over(places, &inbox, out, a.exclude_invalid, a.allow_gaps)?;
    }
    Ok(code)
}

/// The decisions in the supervisor's store, if there is one yet (a summary
/// creates no store).
fn stored_decisions(places: &Places) -> anyhow::Result<Vec<Decision>> {
    let data_dir = doorstep_store::config::resolve_data_dir(places.data_dir.clone())?;
    let path = doorstep_store::config::database_path(&data_dir);
    match super::store::open_existing(&path)? {
        Some(store) => Ok(store.decisions()?),
        None => Ok(Vec::new()),
    }
}

/// `--demo`: the same review over a simulated day, in a world of its own
/// (batches, keys and the supervisor's store under DATA_DIR/review-demo),
/// so that nothing of the real work is touched.
fn run_demo(places: &Places, a: &ReviewArgs) -> anyhow::Result<ExitCode> {
    let data_dir = doorstep_store::config::resolve_data_dir(places.data_dir.clone())?;
    let root = data_dir.join("review-demo");
    let mut folder = DemoFolder::at(&root);
    if !folder.exists() {
        errln!("building the review demo in {} ...", root.display());
        folder = build_demo(&root, chrono::Local::now().date_naive())
            .with_context(|| format!("cannot build the review demo in {}", root.display()))?;
    }
    let demo_places = Places {
        data_dir: Some(folder.supervisor.clone()),
        config: Some(folder.supervisor.join("config.toml")),
        lang: places.lang.clone(),
    };
    let demo_args = ReviewArgs {
        dir: Some(folder.inbox.clone()),
        keys: Some(folder.keys.clone()),
        demo: false,
        ..a.clone()
    };
    let code = run(&demo_places, &demo_args)?;
    if !a.summary {
        errln!(
            "review demo: batches in {}, surveyor keys in {}; remove {} to start afresh",
            folder.inbox.display(),
            folder.keys.display(),
            root.display()
        );
    }
    Ok(code)
}

/// The quality flag thresholds: `--thresholds FILE` or the defaults.
fn thresholds(a: &ReviewArgs) -> anyhow::Result<Thresholds> {
    Ok(match &a.thresholds {
        Some(p) => Thresholds::load(p).map_err(|e| anyhow::anyhow!(e))?,
        None => Thresholds::default(),
    })
}

fn load(a: &ReviewArgs) -> anyhow::Result<Inbox> {
    let (Some(dir), Some(keys)) = (&a.dir, &a.keys) else {
        bail!("give the folder of batches and --keys DIR (or --demo)");
    };
    let keys = TrustedKeys::load(keys)?;
    let identities = a
        .identity
        .as_deref()
        .map(Identities::from_file)
        .transpose()?;
    let thresholds = thresholds(a)?;
    let mut questionnaires = a
        .questionnaire
        .iter()
        .map(|p| load_file(p).map_err(|e| anyhow::anyhow!("{e}")))
        .collect::<anyhow::Result<Vec<Questionnaire>>>()?;
    // The bundled questionnaire too (used when a batch names it by hash),
    // after the ones given, which take precedence.
    questionnaires.extend(doorstep_store::demo::questionnaire().ok());
    let opts = InboxOptions {
        keys: &keys,
        identities: identities.as_ref(),
        questionnaires,
        thresholds,
    };
    let inbox = open_inbox(dir, &opts)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?;
    for b in &inbox.batches {
        let line = format!(
            "batch {} surveyor {} seq {} {}: {}",
            b.batch_id.as_deref().unwrap_or("?"),
            b.surveyor_id.as_deref().unwrap_or("?"),
            b.sequence.map_or("?".into(), |s| s.to_string()),
            b.path.display(),
            b.status
        );
        if b.is_valid() {
            tracing::info!("reviewed {line}");
        } else {
            tracing::warn!("reviewed {line}");
        }
    }
    if inbox.batches.is_empty() {
        bail!(
            "no batch files (*.jsonl, *.jsonl.age) under {}",
            dir.display()
        );
    }
    Ok(inbox)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.1}%", v * 100.0))
}

fn print_summary(inbox: &Inbox) -> Result<(), doorstep::output::OutputError> {
    outln!("batches ({}):", inbox.batches.len())?;
    for b in &inbox.batches {
        let name = b.path.file_name().map(|n| n.to_string_lossy().to_string());
        outln!(
            "  {:<11} {} {} seq {} {} visits, {} interviews  {}",
            b.signature.label(),
            b.surveyor_id.as_deref().unwrap_or("?"),
            b.day.map_or("?".to_string(), |d| d.to_string()),
            b.sequence.map_or("?".to_string(), |s| s.to_string()),
            b.visits,
            b.interviews,
            name.unwrap_or_default()
        )?;
        if !b.is_valid() {
            outln!("      {}", b.status)?;
        }
        for f in &b.findings {
            outln!("      {f}")?;
        }
    }
    if inbox.has_gaps() {
        outln!("MISSING batches (the figures lack their work):")?;
        for g in &inbox.gaps {
            outln!(
                "  {} device {} sequence {}",
                g.surveyor_id,
                g.device_id,
                seq_list(&g.missing)
            )?;
        }
    }
    for i in &inbox.superseded {
        outln!(
            "superseded: {} {} replaced by {}",
            i.id,
            i.surveyor_id,
            i.superseded_by.as_deref().unwrap_or("?")
        )?;
    }
    let c = &inbox.counting;
    outln!(
        "scores count {} interviews (left out: {} rejected, {} flagged)",
        if c.leave_out_flagged {
            "approved and undecided unflagged"
        } else {
            "approved and undecided"
        },
        c.left_out_rejected,
        c.left_out_flagged
    )?;
    let flagged: Vec<_> = inbox
        .interviews
        .iter()
        .filter(|i| !i.flags.is_empty())
        .collect();
    outln!(
        "flags ({} of {} interviews):",
        flagged.len(),
        inbox.interviews.len()
    )?;
    for i in flagged {
        for f in &i.flags {
            outln!("  {} {} {} {}", i.id, i.surveyor_id, f.code(), f.reason())?;
        }
    }
    outln!("surveyors:")?;
    for s in &inbox.surveyors {
        outln!(
            "  {} interviews {} completed {} completion {} RR1 {} mean score {} (of {}) flagged {}{}{}",
            s.surveyor_id,
            s.interviews,
            s.completed,
            pct(s.completion_rate),
            pct(s.rr1),
            s.mean_overall_score
                .map_or("-".into(), |v| format!("{v:.1}")),
            s.scored,
            s.flagged,
            if s.invalid_batches > 0 {
                format!(" ({} INVALID batches)", s.invalid_batches)
            } else {
                String::new()
            },
            if s.missing_batches > 0 {
                format!(
                    " ({} batches MISSING: figures incomplete)",
                    s.missing_batches
                )
            } else {
                String::new()
            }
        )?;
        if !s.final_dispositions.is_empty() {
            outln!(
                "      final dispositions: {}",
                finals(&s.final_dispositions)
            )?;
        }
    }
    outln!("all residents: RR1 {}", pct(inbox.rr1))?;
    outln!("communities:")?;
    for c in &inbox.communities {
        outln!(
            "  {} residents {} visits {} interviews {} completed {} RR1 {} mean score {} (of {}) flagged {}",
            c.community.as_deref().unwrap_or("(unknown)"),
            c.residents,
            c.visits,
            c.interviews,
            c.completed,
            pct(c.rr1),
            c.mean_overall_score
                .map_or("-".into(), |v| format!("{v:.1}")),
            c.scored,
            c.flagged
        )?;
        if !c.final_dispositions.is_empty() {
            outln!(
                "      final dispositions: {}",
                finals(&c.final_dispositions)
            )?;
        }
    }
    for n in &inbox.notes {
        outln!("note: {n}")?;
    }
    Ok(())
}

/// `2, 3` (sequence numbers).
fn seq_list(v: &[u64]) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
}

/// `complete 10, no_one_home 4`: in the order of `Disposition::ALL`.
fn finals(counts: &BTreeMap<String, u64>) -> String {
    let rank = |code: &str| {
        Disposition::ALL
            .iter()
            .position(|d| d.code() == code)
            .unwrap_or(usize::MAX)
    };
    let mut v: Vec<(&String, &u64)> = counts.iter().collect();
    v.sort_by_key(|(code, _)| rank(code));
    v.iter()
        .map(|(code, n)| format!("{code} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary_json(inbox: &Inbox) -> serde_json::Value {
    let flagged: Vec<_> = inbox
        .interviews
        .iter()
        .filter(|i| !i.flags.is_empty())
        .map(|i| {
            json!({
                "interview_id": i.id,
                "batch_id": i.batch_id,
                "surveyor_id": i.surveyor_id,
                "resident_id": i.resident_id,
                "overall_score": i.overall_score,
                "flags": i.flags,
            })
        })
        .collect();
    let superseded: Vec<_> = inbox
        .superseded
        .iter()
        .map(|i| {
            json!({
                "interview_id": i.id,
                "batch_id": i.batch_id,
                "surveyor_id": i.surveyor_id,
                "resident_id": i.resident_id,
                "superseded_by": i.superseded_by,
            })
        })
        .collect();
    json!({
        "folder": inbox.folder,
        "all_valid": inbox.all_valid(),
        "gaps": inbox.gaps,
        "batches": inbox.batches,
        "interviews": inbox.interviews.len(),
        "superseded": superseded,
        "counted": inbox.counting.counted,
        "left_out": {
            "rejected": inbox.counting.left_out_rejected,
            "flagged": inbox.counting.left_out_flagged,
        },
        "flagged": flagged,
        "surveyors": inbox.surveyors,
        "rr1": inbox.rr1,
        "communities": inbox.communities,
        "notes": inbox.notes,
    })
}

pub(super) fn supervisor_id(config: &doorstep_store::config::Config) -> anyhow::Result<String> {
    config
        .surveyor_id
        .clone()
        .context("no supervisor id configured: run `doorstep keygen --supervisor YOUR_ID` first")
}

fn decide(
    places: &Places,
    inbox: &Inbox,
    id: &str,
    approve: bool,
    comment: Option<&str>,
) -> anyhow::Result<()> {
    let (batch_id, surveyor_id) = match inbox.interview(id) {
        Some(i) => (i.batch_id.clone(), i.surveyor_id.clone()),
        None => match inbox.invalid_batch_of(id) {
            Some(b) if approve => bail!(
                "interview {id} comes from {}, which fails verification ({}): it cannot be approved",
                b.path.display(),
                b.status
            ),
            // Rejecting what an unverified batch claims is harmless and
            // lets the supervisor ask for the interview again.
            Some(b) => (
                b.batch_id.clone().unwrap_or_default(),
                b.surveyor_id.clone().unwrap_or_default(),
            ),
            None => {
                // A batch that fails verification may hold it, unreadably:
                // name those, rather than only "not found".
                let failed: Vec<String> = inbox
                    .batches
                    .iter()
                    .filter(|b| !b.is_valid())
                    .map(|b| format!("{} ({})", b.path.display(), b.status))
                    .collect();
                if failed.is_empty() {
                    bail!(
                        "no interview {id} in the batches under {}",
                        inbox.folder.display()
                    );
                }
                bail!(
                    "no interview {id} in the verified batches under {}; {} batch{} failed \
                     verification and may hold it: {}",
                    inbox.folder.display(),
                    failed.len(),
                    if failed.len() == 1 { "" } else { "es" },
                    failed.join("; ")
                );
            }
        },
    };
    let opened = places.open()?;
    let decision = Decision {
        interview_id: id.to_string(),
        batch_id,
        surveyor_id,
        decision: if approve {
            DecisionKind::Approved
        } else {
            DecisionKind::Rejected
        },
        comment: comment.map(str::to_string),
        decided_at: Utc::now(),
        supervisor_id: supervisor_id(&opened.config)?,
    };
    opened.store.record_decision(&decision)?;
    outln!(
        "{} interview {id} (surveyor {}, batch {})",
        decision.decision.code(),
        decision.surveyor_id,
        decision.batch_id
    )?;
    Ok(())
}

fn hand_over(
    places: &Places,
    inbox: &Inbox,
    out: &Path,
    exclude_invalid: bool,
    allow_gaps: bool,
) -> anyhow::Result<()> {
    let invalid: Vec<_> = inbox.batches.iter().filter(|b| !b.is_valid()).collect();
    if !invalid.is_empty() && !exclude_invalid {
        for b in &invalid {
            errln!("{}: {}", b.path.display(), b.status);
        }
        bail!(
            "{} batch(es) fail verification: nothing handed over (use --exclude-invalid to leave them out)",
            invalid.len()
        );
    }
    if inbox.has_gaps() && !allow_gaps {
        for g in &inbox.gaps {
            errln!(
                "surveyor {} device {}: batch {} missing",
                g.surveyor_id,
                g.device_id,
                seq_list(&g.missing)
            );
        }
        bail!(
            "batches are missing: nothing handed over (get them from the surveyors, or use --allow-gaps to hand over without them; the decisions file names them)"
        );
    }
    // The key first: a locked key must not leave half a hand-over behind.
    let opened = places.open()?;
    let supervisor = supervisor_id(&opened.config)?;
    let key = keys::signing_key(&opened.data_dir, &opened.config)?;
    let decisions = opened.store.decisions()?;
    let HandOver { file, path } =
        write_hand_over(inbox, out, supervisor, &key, decisions, Utc::now())?;
    tracing::info!(
        out = %out.display(),
        batches = file.batches.len(),
        excluded = file.excluded_batches.len(),
        decisions_file = %path.display(),
        approved = file.approved().count(),
        rejected = file.rejected().count(),
        undecided = file.undecided.len(),
        missing = file.gaps.iter().map(|g| g.missing.len()).sum::<usize>(),
        "batches handed over"
    );
    outln!(
        "handed over {} batches ({} excluded) to {}",
        file.batches.len(),
        file.excluded_batches.len(),
        out.display()
    )?;
    outln!(
        "  {}: {} approved, {} rejected, {} undecided",
        path.display(),
        file.approved().count(),
        file.rejected().count(),
        file.undecided.len()
    )?;
    for g in &file.gaps {
        outln!(
            "  MISSING: surveyor {} device {} batch {}",
            g.surveyor_id,
            g.device_id,
            seq_list(&g.missing)
        )?;
    }
    Ok(())
}
