//! `doorstep export [--out DIR] [--again BATCH_ID] [--encrypt-to RECIPIENT]...`

use doorstep::outln;
use std::path::PathBuf;
use std::process::ExitCode;

use doorstep_batch::parse_recipient;
use doorstep_store::export::{Exported, export, export_again};
use uuid::Uuid;

use super::{Places, keys};

pub fn run(
    places: &Places,
    out: Option<PathBuf>,
    again: Option<Uuid>,
    encrypt_to: &[String],
) -> anyhow::Result<ExitCode> {
    let opened = places.open()?;
    // The store's key derivation (scrypt, 128 MiB) is done: what follows
    // is the export's own memory, logged with the batch when asked.
    let peak = PeakRss::after_key_derivation();
    // Named on the command line, else the office's from the config: once
    // `office_recipient` is set, batches are encrypted by default.
    let recipients = if encrypt_to.is_empty() {
        opened.config.office_recipients(&opened.config_path)?
    } else {
        encrypt_to
            .iter()
            .map(|r| parse_recipient(r))
            .collect::<Result<Vec<_>, _>>()?
    };
    let out = out.unwrap_or_else(|| opened.data_dir.join("outbox"));
    let key = keys::signing_key(&opened.data_dir, &opened.config)?;
    let result = match again {
        Some(id) => export_again(&opened.store, id, &key, &out, &recipients)?,
        None => export(&opened.store, &key, &out, &recipients)?,
    };
    match result {
        Exported::Nothing => {
            tracing::info!("nothing new to export");
            outln!("nothing new to export")?
        }
        Exported::Batch { row, written } => {
            tracing::info!(
                batch_id = %row.id,
                sequence = row.sequence,
                again = again.is_some(),
                encrypted = !recipients.is_empty(),
                visits = written.counts.visits,
                interviews = written.counts.interviews,
                answers = written.counts.answers,
                path = %written.data_path.display(),
                peak_rss_kib_key = peak.key_kib(),
                peak_rss_kib_after_key = peak.kib(),
                "batch exported"
            );
            outln!(
                "batch {} (sequence {}): {} visits, {} interviews, {} answers",
                row.id,
                row.sequence,
                written.counts.visits,
                written.counts.interviews,
                written.counts.answers
            )?;
            outln!("  {}", written.data_path.display())?;
            outln!("  {}", written.signature_path.display())?;
            outln!("  sha256 {}", written.sha256)?;
            if recipients.is_empty() {
                outln!(
                    "  NOT encrypted: anyone who gets the file can read the residents' data \
                     (set office_recipient in {} to encrypt batches to the office)",
                    opened.config_path.display()
                )?;
            } else {
                outln!("  encrypted (age) to {} recipient(s)", recipients.len())?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Asks `export` and `assign` to log their own peak memory apart from the
/// store key's derivation (benchmarks: scripts/bench-*.sh set it).
pub(super) const MEASURE_MEMORY_ENV: &str = "DOORSTEP_MEASURE_MEMORY";

/// The process's peak resident memory before and after a point, when
/// `DOORSTEP_MEASURE_MEMORY=1` (Linux: the peak so far is read as `VmHWM`,
/// then reset through `/proc/self/clear_refs`, and read again at the end):
/// the command's own memory apart from the store key's derivation before
/// it (scrypt's 128 MiB, freed once the key is made). The process's true
/// peak is the larger of the two; the reset also lowers what
/// `getrusage`/`time` report, hence opt-in. Both `None` otherwise.
pub(super) struct PeakRss {
    before: Option<u64>,
}

impl PeakRss {
    pub(super) fn after_key_derivation() -> Self {
        let wanted = std::env::var_os(MEASURE_MEMORY_ENV).is_some_and(|v| v == "1");
        let before = wanted.then(vm_hwm_kib).flatten();
        // Writing "5" resets the peak to the current resident size.
        let reset = before.is_some() && std::fs::write("/proc/self/clear_refs", "5").is_ok();
        PeakRss {
            before: before.filter(|_| reset),
        }
    }

    /// The peak up to `after_key_derivation` (the key's derivation).
    pub(super) fn key_kib(&self) -> Option<u64> {
        self.before
    }

    /// The peak since `after_key_derivation`.
    pub(super) fn kib(&self) -> Option<u64> {
        self.before.and_then(|_| vm_hwm_kib())
    }
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
