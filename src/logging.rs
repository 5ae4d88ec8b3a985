//! The data directory's log: plain text in `DATA_DIR/logs/`, one file per
//! UTC day (`doorstep.2026-11-29.log`), the last [`KEEP_FILES`] kept.
//!
//! The level comes from `DOORSTEP_LOG` (an `EnvFilter` directive such as
//! `warn` or `doorstep_store::export=debug`; default `info`). Lines go straight to
//! the file (no buffer, no background thread), so nothing is lost when the
//! process exits or panics, and never to stdout or stderr, which belong to
//! the commands and the full-screen app.
//!
//! What is logged: commands, ids, counts, statuses and errors. Never names,
//! addresses, phone numbers, answers, notes, comments or key material:
//! resident ids are pseudonymous and may appear.
//!
//! Only the `doorstep` binary calls [`init`]; elsewhere (tests, benches,
//! other users of the library) the `tracing` calls cost nothing and write
//! nothing.

use std::cell::Cell;
use std::panic::PanicHookInfo;
use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// The environment variable holding the level (an `EnvFilter` directive).
pub const LOG_ENV: &str = "DOORSTEP_LOG";
/// The folder inside the data directory.
pub const LOGS_DIR: &str = "logs";
/// Daily files kept; older ones are deleted when logging starts.
pub const KEEP_FILES: usize = 30;

/// `DATA_DIR/logs`.
pub fn logs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(LOGS_DIR)
}

/// Starts logging into `DATA_DIR/logs` for the rest of the process and
/// logs panics from then on. Returns what the user should be told once on
/// stderr (empty when all is well): logging is off, or `DOORSTEP_LOG` was
/// not understood. Never fails: a command must not fail over its log.
pub fn init(data_dir: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    let default = || {
        EnvFilter::builder()
            .with_default_directive(LevelFilter::INFO.into())
            .with_env_var(LOG_ENV)
    };
    let filter = match default().from_env() {
        Ok(filter) => filter,
        Err(e) => {
            notes.push(format!("{LOG_ENV}: {e}; logging at info instead"));
            default().parse_lossy("")
        }
    };
    if filter.max_level_hint() == Some(LevelFilter::OFF) {
        return notes;
    }
    let dir = logs_dir(data_dir);
    // Created here rather than by the appender, which would print its own
    // message on stderr first.
    if let Err(e) = std::fs::create_dir_all(&dir) {
        notes.push(format!(
            "logging is off: cannot create {}: {e}",
            dir.display()
        ));
        return notes;
    }
    let appender = match RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("doorstep")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(&dir)
    {
        Ok(appender) => appender,
        Err(e) => {
            notes.push(format!("logging is off: {}: {e}", dir.display()));
            return notes;
        }
    };
    let installed = tracing_subscriber::fmt()
        .with_writer(appender)
        .with_ansi(false)
        .with_target(true)
        .with_env_filter(filter)
        // A write that fails (disk full) is dropped quietly: the terminal
        // belongs to the app.
        .log_internal_errors(false)
        .try_init();
    if let Err(e) = installed {
        notes.push(format!("logging is off: {e}"));
        return notes;
    }
    install_panic_hook();
    notes
}

thread_local! {
    /// Set while this thread's panic has been logged, so that the panic
    /// hooks chained on top of each other (the terminal's, this one) log it
    /// once.
    static PANIC_LOGGED: Cell<bool> = const { Cell::new(false) };
}

/// Logs a panic's message and location (once per panic, however many
/// hooks call this).
pub fn log_panic(info: &PanicHookInfo<'_>) {
    if PANIC_LOGGED.replace(true) {
        return;
    }
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    let location = info.location().map_or_else(String::new, |l| {
        format!("{}:{}:{}", l.file(), l.line(), l.column())
    });
    let thread = std::thread::current();
    tracing::error!(
        thread = thread.name().unwrap_or("unnamed"),
        location,
        "panic: {message}"
    );
}

/// Logs every panic, then hands it to the hook that was there before (the
/// standard one prints it on stderr).
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        log_panic(info);
        PANIC_LOGGED.set(false);
        previous(info);
    }));
}
