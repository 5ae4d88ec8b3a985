//! Excel workbooks: the first sheet, cells converted to text as Excel shows them.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xls, Xlsx};

use super::columns::Cell;
use super::sink::{Residents, RowSink, Tables, header_error};
use super::{ImportError, ImportReport, ReadIntoError, Table};

/// Limits on a workbook, so that a small hostile file cannot take the
/// memory of the machine: a 1.6 KB file with one cell at XFD1048576 once
/// asked for 512 GB (a dense sheet), a 2 MB zip bomb for 9 GB.
pub mod limits {
    /// Everything inside the workbook, decompressed.
    pub const UNPACKED_BYTES: u64 = 256 << 20;
    /// Columns of a resident list (Excel allows 16,384).
    pub const COLUMNS: u32 = 256;
    /// Non-empty cells in the sheet (100,000 residents of 20 columns).
    pub const CELLS: usize = 2_000_000;
}

/// A sheet as its non-empty cells, row by row (0-based row, then the row's
/// cells as 0-based column and value, in column order).
type SparseRows = std::collections::BTreeMap<u32, Vec<(u32, Data)>>;

pub(super) fn read(path: &Path, bytes: Vec<u8>) -> Result<ImportReport, ImportError> {
    let mut residents = Vec::new();
    let mut keep = |r| {
        residents.push(r);
        Ok::<(), std::convert::Infallible>(())
    };
    let mut sink = Residents {
        collector: None,
        each: &mut keep,
    };
    let report = match read_into(path, bytes, &mut sink).and_then(|()| sink.finish(path)) {
        Ok(report) => report,
        Err(ReadIntoError::Import(e)) => return Err(e),
        Err(ReadIntoError::Target(never)) => match never {},
    };
    Ok(ImportReport {
        residents,
        ..report
    })
}

/// The first sheet as a plain table (see [`super::read_table`]).
pub(super) fn read_table(path: &Path, bytes: Vec<u8>) -> Result<Table, ImportError> {
    let mut sink = Tables::default();
    match read_into(path, bytes, &mut sink) {
        Ok(()) => {}
        Err(ReadIntoError::Import(e)) => return Err(e),
        Err(ReadIntoError::Target(never)) => match never {},
    }
    sink.table.ok_or_else(|| ImportError::Empty {
        path: path.to_path_buf(),
    })
}

fn read_into<E>(
    path: &Path,
    bytes: Vec<u8>,
    sink: &mut dyn RowSink<E>,
) -> Result<(), ReadIntoError<E>> {
    let workbook_err = |message: String| ImportError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    // Trust the content over the extension: an .xls renamed .xlsx (or the
    // reverse) still reads.
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        check_unpacked_size(&bytes, limits::UNPACKED_BYTES).map_err(workbook_err)?;
        let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| workbook_err(e.to_string()))?;
        first_sheet_cells(&mut wb).map_err(workbook_err)?
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        // An .xls sheet is at most 65,536 × 256 cells by its format.
        let mut wb = Xls::new(Cursor::new(bytes)).map_err(|e| {
            workbook_err(format!(
                "{e} (a password-protected workbook cannot be read: remove the password and save again)"
            ))
        })?;
        sparse(first_sheet(&mut wb).map_err(workbook_err)?)
    } else {
        return Err(ImportError::WrongContent {
            path: path.to_path_buf(),
            message:
                "this is not an Excel workbook; if it is a CSV file, give it the .csv extension"
                    .into(),
        }
        .into());
    };

    if rows.is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        }
        .into());
    }
    for (r, row_cells) in rows {
        let row = r as usize + 1;
        // Laid out from column A, so that column letters in messages match
        // what Excel shows.
        let width = row_cells.last().map_or(0, |(c, _)| *c as usize + 1);
        let mut cells: Vec<Cell> = (0..width).map(|_| Cell::Text(String::new())).collect();
        for (c, d) in &row_cells {
            cells[*c as usize] = cell_text(d);
        }
        if sink.started() {
            sink.add(row, cells).map_err(ReadIntoError::Target)?;
            continue;
        }
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
        sink.start(row, names).map_err(header_error(path))?;
    }
    Ok(())
}

/// Refuses a workbook (a zip archive) that decompresses to more than
/// `limit` bytes ([`limits::UNPACKED_BYTES`]). Every entry is actually decompressed (into
/// nothing), so sizes declared falsely in the archive do not matter; it
/// stops at the limit, so a bomb costs a fraction of a second.
fn check_unpacked_size(bytes: &[u8], limit: u64) -> Result<(), String> {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| e.to_string())?;
        let left = limit - total;
        let n = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|e| e.to_string())?;
        total += n;
        if total > limit {
            return Err(format!(
                "it unpacks to more than {} (the limit for a resident list workbook); \
                 is it a zip bomb? Save the list again from Excel or as CSV",
                crate::fs::human_bytes(limit)
            ));
        }
    }
    Ok(())
}

/// The first sheet's non-empty cells, read one at a time (never as a dense
/// rectangle, whose size a single far cell decides), within
/// [`limits::COLUMNS`] and [`limits::CELLS`].
fn first_sheet_cells<RS>(wb: &mut Xlsx<RS>) -> Result<SparseRows, String>
where
    RS: std::io::Read + std::io::Seek,
{
    let Some(name) = wb.sheet_names().into_iter().next() else {
        return Err("the workbook has no sheet".into());
    };
    let mut reader = wb
        .worksheet_cells_reader(&name)
        .map_err(|e| e.to_string())?;
    let mut rows = SparseRows::new();
    let mut count = 0usize;
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let (r, c) = cell.get_position();
        let value: Data = cell.get_value().clone().into();
        if matches!(value, Data::Empty) {
            continue;
        }
        if c >= limits::COLUMNS {
            return Err(format!(
                "cell {}{} is beyond column {}: a resident list has at most {} columns; \
                 delete what is far to the right and save again",
                column_letters(c),
                u64::from(r) + 1,
                column_letters(limits::COLUMNS - 1),
                limits::COLUMNS
            ));
        }
        count += 1;
        if count > limits::CELLS {
            return Err(format!(
                "more than {} non-empty cells: split the list",
                limits::CELLS
            ));
        }
        rows.entry(r).or_default().push((c, value));
    }
    for cells in rows.values_mut() {
        cells.sort_by_key(|(c, _)| *c);
    }
    Ok(rows)
}

/// A dense range (from an .xls sheet) as sparse rows.
fn sparse(range: calamine::Range<Data>) -> SparseRows {
    let mut rows = SparseRows::new();
    let Some((r0, c0)) = range.start() else {
        return rows;
    };
    for (i, cells) in range.rows().enumerate() {
        let kept: Vec<(u32, Data)> = cells
            .iter()
            .enumerate()
            .filter(|(_, d)| !matches!(d, Data::Empty))
            .map(|(j, d)| (c0 + j as u32, d.clone()))
            .collect();
        if !kept.is_empty() {
            rows.insert(r0 + i as u32, kept);
        }
    }
    rows
}

/// Excel's column letters: 0 → A, 25 → Z, 26 → AA, 16383 → XFD.
fn column_letters(mut c: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
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
    use super::{check_unpacked_size, column_letters, number};

    /// A zip whose one entry is `size` zero bytes (deflated to almost
    /// nothing: the shape of a zip bomb).
    fn zip_of_zeros(size: usize) -> Vec<u8> {
        use std::io::Write as _;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file(
            "xl/sharedStrings.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        let chunk = vec![0u8; 64 * 1024];
        for _ in 0..size / chunk.len() {
            w.write_all(&chunk).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_unpacking_past_the_limit_is_refused_with_the_limit() {
        let bomb = zip_of_zeros(4 << 20);
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        let e = check_unpacked_size(&bomb, 1 << 20).unwrap_err();
        assert!(e.contains("more than 1 MiB"), "{e}");
        assert!(check_unpacked_size(&bomb, 8 << 20).is_ok());
    }

    #[test]
    fn column_letters_are_excel_s() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(255), "IV");
        assert_eq!(column_letters(16383), "XFD");
    }

    #[test]
    fn numbers_look_like_excel() {
        assert_eq!(number(1203.0), "1203");
        assert_eq!(number(13812345678.0), "13812345678");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(2.5), "2.5");
    }
}
