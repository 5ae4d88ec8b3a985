//! Everything the commands print goes through here.
//!
//! `println!` panics (exit 101) when stdout is closed or full:
//! `doorstep status >/dev/full`, `doorstep review … --summary | head -1`.
//! [`outln!`](crate::outln) returns the write error instead, as an
//! [`OutputError`]; `main` turns a broken pipe into a quiet exit (the reader
//! went away: nothing is wrong) and anything else, such as a full disk, into
//! a plain error. Both streams pass the text through
//! [`doorstep_core::text::terminal_safe`], so escape sequences hidden in
//! data (community names, comments) are shown, never obeyed.

use std::fmt;
use std::io::{self, Write};

use doorstep_core::text::terminal_safe;

/// Writing to standard output failed.
#[derive(Debug)]
pub struct OutputError(pub io::Error);

impl OutputError {
    /// The reader closed the pipe (`| head -1`): stop quietly.
    pub fn is_broken_pipe(&self) -> bool {
        self.0.kind() == io::ErrorKind::BrokenPipe
    }
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot write to standard output: {}",
            doorstep_core::fs::os_message(&self.0)
        )
    }
}

impl std::error::Error for OutputError {}

/// Writes `args` and a newline to stdout, made terminal-safe.
pub fn write_line(args: fmt::Arguments<'_>) -> Result<(), OutputError> {
    let text = args.to_string();
    let mut out = io::stdout().lock();
    out.write_all(terminal_safe(&text).as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(OutputError)
}

/// Writes `text` to stdout as it is: for JSON, whose strings serde_json
/// has already escaped (controls as `\u001b`). C1 controls and bidi
/// overrides, which JSON allows raw, are escaped the JSON way.
pub fn write_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let mut safe = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if doorstep_core::text::is_unsafe_char(c) && c != '\n' {
            safe.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            safe.push(c);
        }
    }
    safe.push('\n');
    io::stdout()
        .lock()
        .write_all(safe.as_bytes())
        .map_err(OutputError)?;
    Ok(())
}

/// Flushes stdout; called once by `main` after the command, so a failure
/// of the last buffered write is reported too.
pub fn flush() -> Result<(), OutputError> {
    io::stdout().lock().flush().map_err(OutputError)
}

/// Writes `args` and a newline to stderr, made terminal-safe (per line; the
/// newlines of a multi-line message are kept). A failure to write to stderr
/// is ignored: there is nowhere left to report it.
pub fn write_err_line(args: fmt::Arguments<'_>) {
    let text = args.to_string();
    let mut err = io::stderr().lock();
    let _ = err
        .write_all(terminal_safe(&text).as_bytes())
        .and_then(|()| err.write_all(b"\n"));
}

/// `println!` that returns `Result<(), OutputError>` instead of panicking.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::write_line(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics and escapes control characters.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::write_err_line(format_args!($($arg)*))
    };
}
