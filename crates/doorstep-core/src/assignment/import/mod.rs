//! Reading the day's resident list (CSV or Excel) prepared by the office.
//!
//! The whole file is read and checked before anything is returned: a file
//! that cannot be used at all is an [`ImportError`] and nothing is imported;
//! individual bad rows become [`RowProblem`]s and the good rows still load.
//! [`read_residents_into`] hands the good rows on as they are read instead
//! (a CSV file a piece at a time), for a caller that can undo them if the
//! file turns out unusable part-way (`assign` merges them in one transaction).
//! Messages name files, rows, columns and resident ids only, never personal
//! data (names, phones, addresses), since they end up on screens and in logs.
//!
//! The file format is described for users in `docs/resident-list.md`.

mod beside;
mod columns;
mod csv_file;
mod sink;
mod xlsx;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::Resident;

/// Text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark ("CSV UTF-8" in Excel).
    Utf8,
    /// GB18030, a superset of GBK and GB2312: what Excel writes as "CSV"
    /// on Chinese Windows.
    Gb18030,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gb18030 => "GB18030",
        })
    }
}

/// An `--encoding` value that names no supported encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown encoding '{0}': use utf-8 or gb18030 (gbk and gb2312 are read as gb18030)")]
pub struct UnknownEncoding(pub String);

impl FromStr for Encoding {
    type Err = UnknownEncoding;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            // GBK and GB2312 are subsets of GB18030, so one decoder reads all
            // three; cp936 is the Windows name for GBK.
            "gb18030" | "gbk" | "gb2312" | "cp936" => Ok(Encoding::Gb18030),
            _ => Err(UnknownEncoding(s.to_string())),
        }
    }
}

/// One data row that could not be imported; the row was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// Row number as a spreadsheet shows it: the header is row 1.
    pub row: usize,
    /// Column header as written in the file, when one column is at fault.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.row)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What a resident list yielded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Good rows, in file order.
    pub residents: Vec<Resident>,
    /// Skipped rows, in file order (a row may have several problems).
    pub problems: Vec<RowProblem>,
    /// The encoding used to read a CSV file (detected or forced); `None`
    /// for Excel workbooks.
    pub encoding: Option<Encoding>,
    /// Non-empty data rows read (header and empty rows not counted).
    pub rows_read: usize,
    /// Good rows: `residents.len()`, or those handed on by
    /// [`read_residents_into`].
    accepted: usize,
}

impl ImportReport {
    /// Number of rows skipped because of problems.
    pub fn rows_skipped(&self) -> usize {
        self.rows_read - self.accepted
    }
}

/// Why [`read_residents_into`] stopped: the list cannot be used, or the
/// one taking the rows failed.
#[derive(Debug)]
pub enum ReadIntoError<E> {
    Import(ImportError),
    Target(E),
}

impl<E> From<ImportError> for ReadIntoError<E> {
    fn from(e: ImportError) -> Self {
        ReadIntoError::Import(e)
    }
}

/// The file cannot be used at all; nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    // The OS error is in the message, not a `source` (which `{:#}` would
    // print a second time).
    #[error("{}: cannot read the file: {}", path.display(), crate::fs::os_message(error))]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Not a regular file, too large, or an OS error.
    #[error("{}: cannot read the file: {}", .0.path().display(), .0.reason())]
    Unreadable(crate::fs::ReadError),
    #[error(
        "{}: unsupported file type{}: {what} must be a .csv (or .txt) file or an Excel workbook (.xlsx, .xls)",
        path.display(),
        extension_note(path)
    )]
    UnsupportedFormat {
        path: PathBuf,
        /// What the file should have been: "a resident list", "an online export".
        what: &'static str,
    },
    #[error("{}: {message}", path.display())]
    WrongContent { path: PathBuf, message: String },
    #[error("{}: not a readable Excel workbook: {message}", path.display())]
    Workbook { path: PathBuf, message: String },
    #[error("{}: the list is empty: row 1 must hold the column names", path.display())]
    Empty { path: PathBuf },
    #[error("{}: row {row}{}: {message}", path.display(), column_note(column))]
    Encoding {
        path: PathBuf,
        row: usize,
        column: Option<String>,
        message: String,
    },
    #[error("{}: row {row}: {message}", path.display())]
    Csv {
        path: PathBuf,
        row: usize,
        message: String,
    },
    #[error("{}: {problem}", path.display())]
    Header {
        path: PathBuf,
        problem: HeaderProblem,
    },
}

/// Why a header row (row 1) is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderProblem {
    #[error("row {row}: required column '{column}' is missing (columns found: {found})")]
    MissingColumn {
        row: usize,
        column: String,
        found: String,
    },
    #[error(
        "row {row}: column '{column}' appears twice, in columns {first} and {second}: nothing was imported"
    )]
    DuplicateColumn {
        row: usize,
        column: String,
        first: String,
        second: String,
    },
    #[error(
        "row {row}, column {letter}: '{header}' cannot be used as a column name: rename it with ASCII letters, digits, '_' or '-', starting with a letter or '_'{}",
        suggestion.as_ref().map(|s| format!(" (e.g. {s})")).unwrap_or_default()
    )]
    BadName {
        row: usize,
        letter: String,
        header: String,
        suggestion: Option<String>,
    },
}

fn extension_note(path: &Path) -> String {
    match path.extension() {
        Some(e) => format!(" '.{}'", e.to_string_lossy()),
        None => " (no extension)".into(),
    }
}

fn column_note(column: &Option<String>) -> String {
    column
        .as_ref()
        .map(|c| format!(", column {c}"))
        .unwrap_or_default()
}

impl ImportError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ImportError::Io { path, .. }
            | ImportError::UnsupportedFormat { path, .. }
            | ImportError::WrongContent { path, .. }
            | ImportError::Workbook { path, .. }
            | ImportError::Empty { path }
            | ImportError::Encoding { path, .. }
            | ImportError::Csv { path, .. }
            | ImportError::Header { path, .. } => path,
            ImportError::Unreadable(e) => e.path(),
        }
    }
}

/// Reads a resident list: `.csv`/`.txt` as CSV (encoding detected unless
/// `encoding` forces one), `.xlsx`/`.xls` as the first sheet of a workbook.
pub fn read_residents(
    path: &Path,
    encoding: Option<Encoding>,
) -> Result<ImportReport, ImportError> {
    let kind = kind_of(path, "a resident list")?;
    // One read for every format keeps I/O errors uniform and lets the
    // content be sniffed before it is parsed.
    let bytes = read_list(path)?;
    match kind {
        Kind::Csv => csv_file::read(path, &bytes, encoding),
        Kind::Workbook => xlsx::read(path, bytes),
    }
}

/// Reads a resident list as [`read_residents`] does, handing each good row
/// to `each` as soon as it is read instead of collecting them; the report's
/// `residents` stays empty. A CSV file is read a piece at a time, so memory
/// does not grow with the list (a workbook is read whole, as before). When
/// the list turns out unusable part-way, rows already handed on must be
/// undone by the caller (e.g. by not committing them). A CSV file is
/// parsed and checked on a thread of its own while `each` runs on the
/// caller's (where a database connection lives), residents lent to it in
/// file order; `each` failing stops the reading.
pub fn read_residents_into<E>(
    path: &Path,
    encoding: Option<Encoding>,
    each: &mut dyn FnMut(&Resident) -> Result<(), E>,
) -> Result<ImportReport, ReadIntoError<E>> {
    match kind_of(path, "a resident list")? {
        Kind::Csv => beside::read_csv(path, encoding, each),
        Kind::Workbook => {
            let bytes = read_list(path)?;
            let mut report = xlsx::read(path, bytes)?;
            for r in std::mem::take(&mut report.residents) {
                each(&r).map_err(ReadIntoError::Target)?;
            }
            Ok(report)
        }
    }
}

/// A file of any columns, read as [`read_residents`] reads a resident list
/// (same formats, encodings and limits), for callers that check the
/// columns themselves (the office's online exports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The row the header is on (1 unless blank rows come first).
    pub header_row: usize,
    /// Column names as written, trimmed.
    pub header: Vec<String>,
    /// The non-blank data rows, in file order.
    pub rows: Vec<TableRow>,
    /// The encoding a CSV file was read with; `None` for a workbook.
    pub encoding: Option<Encoding>,
}

/// One data row of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// Row number as a spreadsheet shows it.
    pub row: usize,
    /// Each cell's text (trimmed), or why it cannot be read; `Err` for the
    /// whole row when a CSV row's field count does not match the header.
    pub cells: Result<Vec<Result<String, String>>, String>,
}

/// Reads `path` (CSV or workbook, by extension) as a [`Table`]: a regular
/// file within [`crate::fs::limits::RESIDENT_LIST`]; `what` names it in the
/// messages ("an online export").
pub fn read_table(
    path: &Path,
    encoding: Option<Encoding>,
    what: &'static str,
) -> Result<Table, ImportError> {
    let kind = kind_of(path, what)?;
    let bytes = crate::fs::read_regular(path, crate::fs::limits::RESIDENT_LIST, what)
        .map_err(ImportError::Unreadable)?;
    match kind {
        Kind::Csv => csv_file::read_table(path, &bytes, encoding),
        Kind::Workbook => xlsx::read_table(path, bytes),
    }
}

/// The bytes of a resident list: a regular file within
/// [`crate::fs::limits::RESIDENT_LIST`].
fn read_list(path: &Path) -> Result<Vec<u8>, ImportError> {
    crate::fs::read_regular(path, crate::fs::limits::RESIDENT_LIST, "a resident list")
        .map_err(ImportError::Unreadable)
}

fn kind_of(path: &Path, what: &'static str) -> Result<Kind, ImportError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("csv" | "txt") => Ok(Kind::Csv),
        Some("xlsx" | "xls") => Ok(Kind::Workbook),
        _ => Err(ImportError::UnsupportedFormat {
            path: path.to_path_buf(),
            what,
        }),
    }
}

/// Reads CSV already in memory (e.g. the demo list compiled into the
/// binary); `path` only names it in messages.
pub fn read_csv_bytes(
    path: &Path,
    bytes: &[u8],
    encoding: Option<Encoding>,
) -> Result<ImportReport, ImportError> {
    csv_file::read(path, bytes, encoding)
}

enum Kind {
    Csv,
    Workbook,
}

/// Spreadsheet column letter for a 0-based column index (0 → A, 26 → AA).
pub(crate) fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of the wrong type is named as what it should have been.
    #[test]
    fn an_unsupported_type_says_what_the_file_should_be() {
        let err = read_table(Path::new("answers.pdf"), None, "an online export").unwrap_err();
        assert!(
            err.to_string()
                .contains("answers.pdf: unsupported file type '.pdf': an online export must be"),
            "{err}"
        );
        let err = read_residents(Path::new("list.json"), None).unwrap_err();
        assert!(err.to_string().contains("a resident list must be"), "{err}");
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn encoding_names() {
        for (s, e) in [
            ("utf-8", Encoding::Utf8),
            ("UTF8", Encoding::Utf8),
            ("GBK", Encoding::Gb18030),
            ("gb2312", Encoding::Gb18030),
            (" Gb18030 ", Encoding::Gb18030),
        ] {
            assert_eq!(s.parse::<Encoding>(), Ok(e));
        }
        assert!("latin1".parse::<Encoding>().is_err());
    }
}
