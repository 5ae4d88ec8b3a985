//! One CSV file per table (`summary.csv`, `community_ranking.csv`, …):
//! UTF-8 with a byte-order mark, which is how Excel knows the file is UTF-8
//! (without it, Chinese text opens garbled). Numbers in full precision;
//! a text cell that a spreadsheet would take for a formula (`=`, `+`, `@`,
//! `-x`) is written with a leading `'`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Cell, Report};
use crate::OfficeError;

pub const BOM: &str = "\u{FEFF}";

fn field(c: &Cell) -> String {
    match c {
        Cell::Text(s) => {
            let risky = s.starts_with(['=', '+', '@'])
                || (s.starts_with('-') && s.chars().nth(1).is_some_and(|c| !c.is_ascii_digit()));
            if risky { format!("'{s}") } else { s.clone() }
        }
        Cell::Int(i) => i.to_string(),
        Cell::Num(v, _) | Cell::Pct(v) => v.to_string(),
        Cell::Empty => String::new(),
    }
}

pub fn write(report: &Report, dir: &Path) -> Result<Vec<PathBuf>, OfficeError> {
    let mut files = Vec::new();
    for table in &report.tables {
        let path = dir.join(format!("{}.csv", table.id));
        let io = |source: std::io::Error| OfficeError::Io {
            path: path.clone(),
            source,
        };
        let mut bytes = BOM.as_bytes().to_vec();
        {
            let mut w = ::csv::Writer::from_writer(&mut bytes);
            let csv_err =
                |e: ::csv::Error| OfficeError::Invalid(format!("{}: {e}", path.display()));
            w.write_record(&table.columns).map_err(csv_err)?;
            for row in &table.rows {
                w.write_record(row.iter().map(field)).map_err(csv_err)?;
            }
            w.flush().map_err(io)?;
        }
        let mut f = std::fs::File::create(&path).map_err(io)?;
        f.write_all(&bytes).map_err(io)?;
        files.push(path);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_numbers_are_not() {
        assert_eq!(field(&Cell::Text("=HYPERLINK(1)".into())), "'=HYPERLINK(1)");
        assert_eq!(field(&Cell::Text("-x".into())), "'-x");
        assert_eq!(field(&Cell::Text("-".into())), "-");
        assert_eq!(field(&Cell::Text("18-34/f".into())), "18-34/f");
        assert_eq!(field(&Cell::Num(-1.25, 1)), "-1.25");
        assert_eq!(field(&Cell::Pct(0.5)), "0.5");
    }
}
