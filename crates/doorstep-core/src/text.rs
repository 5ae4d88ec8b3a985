//! Text from outside (resident lists, questionnaires, batches, supervisor
//! comments, config) made safe to show on a terminal.
//!
//! A community named `ESC ]0;…` or `ESC [2J` would retitle or clear the
//! supervisor's terminal if printed raw. Every place where data reaches a
//! terminal (the CLI's stdout and stderr, the TUI's cells) passes it through
//! [`terminal_safe`] or [`terminal_safe_line`]: control characters become a
//! visible `\u{1b}` escape, so nothing is lost and nothing is obeyed.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Is `c` a character a terminal could obey rather than show: C0 and C1
/// controls, DEL, and the bidirectional overrides and isolates (which can
/// make text read differently from what it is).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character (see [`is_unsafe_char`]) written as a
/// visible `\u{XX}` escape, except newlines and tabs, which are kept (for
/// multi-line command output). Borrowed when nothing had to change.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

/// Like [`terminal_safe`], but newlines and tabs are escaped too: for one
/// line of a screen (a TUI cell, a table column).
pub fn terminal_safe_line(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// At most `max` characters of `s`: longer text keeps its start and says
/// how much was left out, so that an error about a 2 MB expression does not
/// echo it whole (the error's line and column say where it is).
pub fn shorten(s: &str, max: usize) -> Cow<'_, str> {
    let total = s.chars().count();
    if total <= max {
        return Cow::Borrowed(s);
    }
    let head: String = s.chars().take(max).collect();
    Cow::Owned(format!("{head}… ({} more characters)", total - max))
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let needs = |c: char| is_unsafe_char(c) && !keep(c);
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_text() {
        let hostile = "A\u{1b}]0;pwned\u{7}B\u{1b}[2J\u{9b}31m";
        assert_eq!(
            terminal_safe(hostile),
            "A\\u{1b}]0;pwned\\u{7}B\\u{1b}[2J\\u{9b}31m"
        );
    }

    #[test]
    fn plain_text_is_borrowed_and_chinese_kept() {
        assert!(matches!(terminal_safe("幸福里 3-2-401"), Cow::Borrowed(_)));
    }

    #[test]
    fn newlines_kept_for_output_but_not_for_a_line() {
        assert_eq!(terminal_safe("a\nb\tc\rd"), "a\nb\tc\\u{d}d");
        assert_eq!(terminal_safe_line("a\nb"), "a\\u{a}b");
    }

    #[test]
    fn long_text_is_shortened_with_a_count() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcdef", 3), "abc… (3 more characters)");
        assert_eq!(shorten("张伟张伟", 2), "张伟… (2 more characters)");
    }

    #[test]
    fn bidi_overrides_are_escaped() {
        assert_eq!(terminal_safe("x\u{202E}y"), "x\\u{202e}y");
    }
}
