//! CSV lists: encoding detection, delimiter detection, spreadsheet row numbers.

use std::path::Path;

use super::columns::{Cell, Collector, Header};
use super::{Encoding, ImportError, ImportReport};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub(super) fn read(
    path: &Path,
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<ImportReport, ImportError> {
    if let Some(kind) = workbook_magic(bytes) {
        return Err(ImportError::WrongContent {
            path: path.to_path_buf(),
            message: format!("this is {kind}, not a CSV file: give it the matching extension"),
        });
    }
    let has_bom = bytes.starts_with(UTF8_BOM);
    let encoding = forced.unwrap_or_else(|| {
        if has_bom || std::str::from_utf8(bytes).is_ok() {
            Encoding::Utf8
        } else {
            Encoding::Gb18030
        }
    });
    let body = if has_bom && encoding == Encoding::Utf8 {
        &bytes[UTF8_BOM.len()..]
    } else {
        bytes
    };
    // Parsing bytes and decoding field by field is sound for both encodings:
    // every byte of a GB18030 multi-byte character is >= 0x30, so none can be
    // mistaken for a comma, quote, tab, semicolon or line break. It also lets
    // a decoding failure be reported with its row and column.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(body))
        .from_reader(body);
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
    let mut collector: Option<Collector> = None;
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
        let row = spreadsheet_row(body, record.position(), embedded_breaks);
        embedded_breaks += record
            .iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
            .sum::<u64>();

        let mut fields = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            match decode(encoding, raw) {
                Some(s) => fields.push(s),
                None => {
                    let column = collector
                        .as_ref()
                        .and_then(|c| c.header().header_of(i))
                        .map(str::to_string);
                    return Err(decode_err(row, column));
                }
            }
        }
        let blank = fields.iter().all(|f| f.trim().is_empty());
        let Some(c) = collector.as_mut() else {
            // The first non-blank record is the header (normally row 1).
            if !blank {
                let header =
                    Header::parse(row, &fields).map_err(|problem| ImportError::Header {
                        path: path.to_path_buf(),
                        problem,
                    })?;
                collector = Some(Collector::new(header));
            }
            continue;
        };
        if blank {
            continue;
        }
        let width = c.header().width();
        // Extra trailing empty fields (a stray comma at the end) lose nothing;
        // any other mismatch likely means shifted values, so the row is refused.
        let extra_filled = fields.iter().skip(width).any(|f| !f.trim().is_empty());
        if fields.len() < width || extra_filled {
            c.reject(
                row,
                format!(
                    "has {} fields but the header has {width}; a value containing the delimiter must be in double quotes",
                    fields.len()
                ),
            );
            continue;
        }
        fields.truncate(width);
        c.add(row, fields.into_iter().map(Cell::Text).collect());
    }
    let Some(collector) = collector else {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    };
    let mut report = collector.finish();
    report.encoding = Some(encoding);
    Ok(report)
}

/// The csv crate positions a record where reading it began, which is before
/// any blank lines it skipped; a spreadsheet shows those as empty rows, so
/// they are counted here.
fn spreadsheet_row(body: &[u8], pos: Option<&csv::Position>, embedded_breaks: u64) -> usize {
    let Some(pos) = pos else { return 1 };
    let skipped = body
        .get(pos.byte() as usize..)
        .unwrap_or(&[])
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
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"a,b;c\n1;2"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1,2"), b';');
        assert_eq!(sniff_delimiter(b"a\tb;c\n"), b'\t');
        assert_eq!(sniff_delimiter(b"abc"), b',');
    }
}
