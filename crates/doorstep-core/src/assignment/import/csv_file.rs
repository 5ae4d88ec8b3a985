//! CSV lists: encoding detection, delimiter detection, spreadsheet row numbers.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::columns::Cell;
use super::sink::{Residents, RowSink, Tables, header_error};
use super::{Encoding, ImportError, ImportReport, ReadIntoError, Table};
use crate::assignment::Resident;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// How much of the start of a file the checks before parsing look at (the
/// workbook magic, the byte-order mark, the delimiter in the first line).
const START: u64 = 64 * 1024;

/// Reads CSV already in memory.
pub(super) fn read(
    path: &Path,
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<ImportReport, ImportError> {
    let (encoding, body) = prepare(path, bytes, forced, || {
        Ok(std::str::from_utf8(bytes).is_ok())
    })?;
    let body = &bytes[body..];
    let mut residents = Vec::new();
    let mut keep = |r| {
        residents.push(r);
        Ok::<(), std::convert::Infallible>(())
    };
    let mut sink = Residents {
        collector: None,
        each: &mut keep,
    };
    let mut report = match parse(
        path,
        body,
        sniff_delimiter(body),
        encoding,
        forced,
        &mut sink,
    )
    .and_then(|()| sink.finish(path))
    {
        Ok(report) => report,
        Err(ReadIntoError::Import(e)) => return Err(e),
        Err(ReadIntoError::Target(never)) => match never {},
    };
    report.encoding = Some(encoding);
    report.residents = residents;
    Ok(report)
}

/// Reads CSV already in memory as a plain table (see [`super::read_table`]).
pub(super) fn read_table(
    path: &Path,
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<Table, ImportError> {
    let (encoding, body) = prepare(path, bytes, forced, || {
        Ok(std::str::from_utf8(bytes).is_ok())
    })?;
    let body = &bytes[body..];
    let mut sink = Tables::default();
    match parse(
        path,
        body,
        sniff_delimiter(body),
        encoding,
        forced,
        &mut sink,
    ) {
        Ok(()) => {}
        Err(ReadIntoError::Import(e)) => return Err(e),
        Err(ReadIntoError::Target(never)) => match never {},
    }
    let mut table = sink.table.ok_or_else(|| ImportError::Empty {
        path: path.to_path_buf(),
    })?;
    table.encoding = Some(encoding);
    Ok(table)
}

/// Reads a CSV file a piece at a time, handing each good row to `each`
/// (see [`super::read_residents_into`]): the file is never whole in memory.
pub(super) fn read_file<E>(
    path: &Path,
    forced: Option<Encoding>,
    each: &mut dyn FnMut(Resident) -> Result<(), E>,
) -> Result<ImportReport, ReadIntoError<E>> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        error: source,
    };
    let mut file =
        crate::fs::open_regular(path, crate::fs::limits::RESIDENT_LIST, "a resident list")
            .map_err(ImportError::Unreadable)?;
    let mut start = Vec::new();
    (&mut file)
        .take(START)
        .read_to_end(&mut start)
        .map_err(io)?;
    let detect = || {
        // Detection needs the whole file: one pass, a piece at a time.
        file.seek(SeekFrom::Start(0))?;
        valid_utf8(&mut file)
    };
    let (encoding, body) = prepare(path, &start, forced, detect)?;
    let delimiter = sniff_delimiter(&start[body..]);
    file.seek(SeekFrom::Start(body as u64)).map_err(io)?;
    let mut sink = Residents {
        collector: None,
        each,
    };
    parse(path, file, delimiter, encoding, forced, &mut sink)?;
    let mut report = sink.finish(path)?;
    report.encoding = Some(encoding);
    Ok(report)
}

/// The checks made before parsing, on the first bytes of the file: the
/// encoding to read it with and where the text starts (after a BOM).
fn prepare(
    path: &Path,
    start: &[u8],
    forced: Option<Encoding>,
    detect_utf8: impl FnOnce() -> io::Result<bool>,
) -> Result<(Encoding, usize), ImportError> {
    if let Some(kind) = workbook_magic(start) {
        return Err(ImportError::WrongContent {
            path: path.to_path_buf(),
            message: format!("this is {kind}, not a CSV file: give it the matching extension"),
        });
    }
    let has_bom = start.starts_with(UTF8_BOM);
    let encoding = match forced {
        Some(e) => e,
        None if has_bom => Encoding::Utf8,
        None => {
            let utf8 = detect_utf8().map_err(|source| ImportError::Io {
                path: path.to_path_buf(),
                error: source,
            })?;
            if utf8 {
                Encoding::Utf8
            } else {
                Encoding::Gb18030
            }
        }
    };
    let body = if has_bom && encoding == Encoding::Utf8 {
        UTF8_BOM.len()
    } else {
        0
    };
    Ok((encoding, body))
}

/// Whether `raw` is UTF-8 whose non-ASCII characters are all Chinese (CJK
/// ideographs and punctuation, full-width forms). GBK bytes read as UTF-8
/// almost never give that: a lone "女" (C5 AE) is valid UTF-8, but as "Ů".
fn looks_like_utf8_chinese(raw: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(raw) else {
        return false;
    };
    let mut any = false;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        any = true;
        if !matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
        {
            return false;
        }
    }
    any
}

/// Whether everything `r` yields is UTF-8, read in pieces.
fn valid_utf8(mut r: impl Read) -> io::Result<bool> {
    let mut buf = vec![0u8; 64 * 1024];
    // Bytes of a character cut at the end of the previous piece.
    let mut carry = 0;
    loop {
        let n = match r.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let end = carry + n;
        if n == 0 {
            return Ok(carry == 0);
        }
        match std::str::from_utf8(&buf[..end]) {
            Ok(_) => carry = 0,
            // Cut short at the end of the piece: keep the bytes for the next.
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..end, 0);
                carry = end - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// Passes the bytes through to the CSV reader and keeps the recent ones, so
/// that the blank lines before a record can be counted (see
/// [`spreadsheet_row`]) without the whole file in memory.
struct Tap<R> {
    inner: R,
    kept: Vec<u8>,
    /// File offset (after any BOM) of `kept[0]`.
    kept_from: u64,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

impl<R> Tap<R> {
    /// The bytes read from offset `at` on.
    fn from(&self, at: u64) -> &[u8] {
        let i = at.saturating_sub(self.kept_from) as usize;
        self.kept.get(i..).unwrap_or(&[])
    }

    /// Forgets the bytes before offset `at` (now and then, not per call).
    fn forget_before(&mut self, at: u64) {
        let i = at.saturating_sub(self.kept_from) as usize;
        if i >= 64 * 1024 && i <= self.kept.len() {
            self.kept.drain(..i);
            self.kept_from = at;
        }
    }
}

fn parse<E>(
    path: &Path,
    input: impl Read,
    delimiter: u8,
    encoding: Encoding,
    forced: Option<Encoding>,
    sink: &mut dyn RowSink<E>,
) -> Result<(), ReadIntoError<E>> {
    // Parsing bytes and decoding field by field is sound for both encodings:
    // every byte of a GB18030 multi-byte character is >= 0x30, so none can be
    // mistaken for a comma, quote, tab, semicolon or line break. It also lets
    // a decoding failure be reported with its row and column.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(64 * 1024)
        .from_reader(Tap {
            inner: input,
            kept: Vec::new(),
            kept_from: 0,
        });
    let decode_err = |row: usize, column: Option<String>| {
        ImportError::Encoding {
        path: path.to_path_buf(),
        row,
        column,
        message: match (forced, encoding) {
            (Some(Encoding::Utf8), _) => "the bytes are not valid UTF-8; if Excel saved the file as plain \"CSV\" on Chinese Windows, use --encoding gb18030".into(),
            (Some(Encoding::Gb18030), _) => "the bytes are not valid GB18030/GBK; if the file was saved as \"CSV UTF-8\", use --encoding utf-8".into(),
            _ => "the file is neither UTF-8 nor GB18030/GBK text; in Excel, save it as \"CSV UTF-8\"".into(),
        },
    }
    };

    let mut record = csv::ByteRecord::new();
    // Line breaks inside quoted values seen so far: a spreadsheet shows such a
    // record as one row, so they are subtracted from the file line number.
    let mut embedded_breaks: u64 = 0;
    loop {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| ImportError::Csv {
                path: path.to_path_buf(),
                row: e
                    .position()
                    .map_or(0, |p| (p.line().saturating_sub(embedded_breaks)) as usize),
                message: e.to_string(),
            })?;
        if !more {
            break;
        }
        let row = spreadsheet_row(reader.get_ref(), record.position(), embedded_breaks);
        if let Some(pos) = record.position() {
            reader.get_mut().forget_before(pos.byte());
        }
        embedded_breaks += record
            .iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
            .sum::<u64>();

        let mut fields = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            // Detected as GB18030 because some bytes are not UTF-8, yet this
            // value is UTF-8 Chinese: the file mixes encodings (rows pasted
            // from two files). Decoding it as GB18030 would garble it
            // silently (张伟 → 寮犱紵), so the file is refused, row named.
            if forced.is_none() && encoding == Encoding::Gb18030 && looks_like_utf8_chinese(raw) {
                let column = sink.header_of(i).map(str::to_string);
                return Err(ImportError::Encoding {
                    path: path.to_path_buf(),
                    row,
                    column,
                    message: "this value is UTF-8 but other rows are GB18030/GBK: the file mixes \
                              two encodings; save it again as \"CSV UTF-8\" (or force one with \
                              --encoding)"
                        .into(),
                }
                .into());
            }
            match decode(encoding, raw) {
                Some(s) => fields.push(s),
                None => {
                    let column = sink.header_of(i).map(str::to_string);
                    return Err(decode_err(row, column).into());
                }
            }
        }
        let blank = fields.iter().all(|f| f.trim().is_empty());
        if !sink.started() {
            // The first non-blank record is the header (normally row 1).
            if !blank {
                sink.start(row, fields).map_err(header_error(path))?;
            }
            continue;
        }
        if blank {
            continue;
        }
        let width = sink.width();
        // Extra trailing empty fields (a stray comma at the end) lose nothing;
        // any other mismatch likely means shifted values, so the row is refused.
        let extra_filled = fields.iter().skip(width).any(|f| !f.trim().is_empty());
        if fields.len() < width || extra_filled {
            sink.reject(
                row,
                format!(
                    "has {} fields but the header has {width}; a value containing the delimiter must be in double quotes",
                    fields.len()
                ),
            );
            continue;
        }
        fields.truncate(width);
        sink.add(row, fields.into_iter().map(Cell::Text).collect())
            .map_err(ReadIntoError::Target)?;
    }
    Ok(())
}

/// The csv crate positions a record where reading it began, which is before
/// any blank lines it skipped; a spreadsheet shows those as empty rows, so
/// they are counted here.
fn spreadsheet_row<R>(tap: &Tap<R>, pos: Option<&csv::Position>, embedded_breaks: u64) -> usize {
    let Some(pos) = pos else { return 1 };
    let skipped = tap
        .from(pos.byte())
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count() as u64;
    (pos.line() + skipped)
        .saturating_sub(embedded_breaks)
        .max(1) as usize
}

fn decode(encoding: Encoding, raw: &[u8]) -> Option<String> {
    match encoding {
        Encoding::Utf8 => std::str::from_utf8(raw).ok().map(str::to_string),
        Encoding::Gb18030 => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(raw)
            .map(|c| c.into_owned()),
    }
}

/// Comma unless the first line has none but has a tab or semicolon
/// (European Excel writes `;`, "Unicode text" exports use tabs).
fn sniff_delimiter(body: &[u8]) -> u8 {
    let first = body.split(|&b| b == b'\n').next().unwrap_or(&[]);
    if first.contains(&b',') {
        b','
    } else if first.contains(&b'\t') {
        b'\t'
    } else if first.contains(&b';') {
        b';'
    } else {
        b','
    }
}

/// Recognises workbooks saved under a CSV name, for a clearer message.
fn workbook_magic(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some("an Excel workbook (.xlsx)")
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Some("an old-style Excel workbook (.xls)")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn utf8_chinese_is_told_from_gbk_read_as_utf8() {
        assert!(super::looks_like_utf8_chinese("张伟".as_bytes()));
        // "女" in GBK is the valid UTF-8 "Ů", which is not Chinese.
        assert!(!super::looks_like_utf8_chinese(b"\xC5\xAE"));
        assert!(!super::looks_like_utf8_chinese(b"\xD5\xC5\xCE\xB0"));
        assert!(!super::looks_like_utf8_chinese(b"abc"));
    }
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"a,b;c\n1;2"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1,2"), b';');
        assert_eq!(sniff_delimiter(b"a\tb;c\n"), b'\t');
        assert_eq!(sniff_delimiter(b"abc"), b',');
    }
}
