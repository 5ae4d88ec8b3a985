//! Problems found in a questionnaire file, located as `FILE:LINE:COLUMN`.

use std::fmt;
use std::ops::Range;

/// One problem, located by a byte range of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Range<usize>,
    pub message: String,
}

/// Every problem found in one file. Displays one `FILE:LINE:COLUMN: message`
/// line per problem, in source order.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub file: String,
    pub problems: Vec<Located>,
}

/// A problem with its 1-based line and column (in characters); line 0 means
/// the problem concerns the whole file (e.g. it cannot be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl LoadError {
    pub fn whole_file(file: &str, message: impl Into<String>) -> Self {
        LoadError {
            file: file.to_string(),
            problems: vec![Located {
                line: 0,
                column: 0,
                message: message.into(),
            }],
        }
    }

    pub fn from_diagnostics(file: &str, source: &str, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by_key(|d| d.span.start);
        diagnostics.dedup();
        let problems = diagnostics
            .into_iter()
            .map(|d| {
                let (line, column) = line_column(source, d.span.start);
                Located {
                    line,
                    column,
                    message: d.message,
                }
            })
            .collect();
        LoadError {
            file: file.to_string(),
            problems,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            if p.line == 0 {
                write!(f, "{}: {}", self.file, p.message)?;
            } else {
                write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, p.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// 1-based line and column (counted in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = "a = 1\n标题 = x";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 6), (2, 1));
        // "标题 " is 7 bytes, 3 characters.
        assert_eq!(line_column(src, 13), (2, 4));
        assert_eq!(line_column(src, 999), (2, 7));
    }
}
