//! Excel workbooks: the first sheet, cells converted to text as Excel shows them.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xls, Xlsx};

use super::columns::{Cell, Collector, Header};
use super::{ImportError, ImportReport};

pub(super) fn read(path: &Path, bytes: Vec<u8>) -> Result<ImportReport, ImportError> {
    let workbook_err = |message: String| ImportError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    // Trust the content over the extension: an .xls renamed .xlsx (or the
    // reverse) still reads.
    let range = if bytes.starts_with(b"PK\x03\x04") {
        let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| workbook_err(e.to_string()))?;
        first_sheet(&mut wb).map_err(workbook_err)?
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        let mut wb = Xls::new(Cursor::new(bytes)).map_err(|e| {
            workbook_err(format!(
                "{e} (a password-protected workbook cannot be read: remove the password and save again)"
            ))
        })?;
        first_sheet(&mut wb).map_err(workbook_err)?
    } else {
        return Err(ImportError::WrongContent {
            path: path.to_path_buf(),
            message:
                "this is not an Excel workbook; if it is a CSV file, give it the .csv extension"
                    .into(),
        });
    };

    let Some((start_row, start_col)) = range.start() else {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    };
    let mut collector: Option<Collector> = None;
    let mut residents = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let row = start_row as usize + i + 1;
        // Leading empty columns are padded back so that column letters in
        // messages match what Excel shows.
        let pad = (0..start_col).map(|_| Cell::Text(String::new()));
        let cells: Vec<Cell> = pad.chain(cells.iter().map(cell_text)).collect();
        match collector.as_mut() {
            Some(c) => residents.extend(c.add(row, cells)),
            None => {
                if cells
                    .iter()
                    .all(|c| matches!(c, Cell::Text(s) if s.trim().is_empty()))
                {
                    continue;
                }
                // The header's own error cells simply give unusable names.
                let names: Vec<String> = cells
                    .into_iter()
                    .map(|c| match c {
                        Cell::Text(s) => s,
                        Cell::Unreadable(_) => "#ERROR".into(),
                    })
                    .collect();
                let header = Header::parse(row, &names).map_err(|problem| ImportError::Header {
                    path: path.to_path_buf(),
                    problem,
                })?;
                collector = Some(Collector::new(header));
            }
        }
    }
    match collector {
        Some(c) => {
            let mut report = c.finish();
            report.residents = residents;
            Ok(report)
        }
        None => Err(ImportError::Empty {
            path: path.to_path_buf(),
        }),
    }
}

fn first_sheet<R, RS>(wb: &mut R) -> Result<calamine::Range<Data>, String>
where
    R: Reader<RS>,
    RS: std::io::Read + std::io::Seek,
    R::Error: std::fmt::Display,
{
    match wb.worksheet_range_at(0) {
        None => Err("the workbook has no sheet".into()),
        Some(r) => r.map_err(|e| e.to_string()),
    }
}

fn cell_text(d: &Data) -> Cell {
    Cell::Text(match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_duration() => {
            let secs = (dt.as_f64() * 86_400.0).round() as i64;
            format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
        }
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if dt.as_f64() < 1.0 {
                // A time of day without a date.
                format!("{h:02}:{mi:02}:{s:02}")
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => {
            return Cell::Unreadable(format!(
                "the cell shows the error {e}; replace it with a value"
            ));
        }
    })
}

/// Numbers as Excel displays them in a General cell: room 1203 stays "1203"
/// and phone 13812345678 does not turn into 1.38e10.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    // Excel keeps 15 significant digits; rounding there drops binary noise
    // such as 0.30000000000000004 from computed cells.
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    format!("{rounded}")
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_look_like_excel() {
        assert_eq!(number(1203.0), "1203");
        assert_eq!(number(13812345678.0), "13812345678");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(2.5), "2.5");
    }
}
