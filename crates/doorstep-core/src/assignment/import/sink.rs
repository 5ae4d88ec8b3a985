//! Where the CSV and workbook readers hand what they read: the header row,
//! then each non-blank data row as cells. Residents ([`Residents`]: the
//! columns of a resident list) and plain tables ([`super::read_table`]: any
//! columns, for the office's online exports) share the readers, so both get
//! the same encodings, limits and row numbers.

use std::path::Path;

use super::columns::{Cell, Collector, Header};
use super::{HeaderProblem, ImportError, ImportReport, ReadIntoError, Table, TableRow};
use crate::assignment::Resident;

pub(super) trait RowSink<E> {
    /// Whether the header has been read.
    fn started(&self) -> bool;
    /// The header row (the first non-blank one).
    fn start(&mut self, row: usize, names: Vec<String>) -> Result<(), HeaderProblem>;
    /// The header of column `i`, once known, for messages.
    fn header_of(&self, i: usize) -> Option<&str>;
    /// Columns of the header.
    fn width(&self) -> usize;
    /// A CSV row whose field count does not match the header.
    fn reject(&mut self, row: usize, message: String);
    /// One non-blank data row.
    fn add(&mut self, row: usize, cells: Vec<Cell>) -> Result<(), E>;
}

/// The header problem as the file's error.
pub(super) fn header_error(path: &Path) -> impl Fn(HeaderProblem) -> ImportError + '_ {
    move |problem| ImportError::Header {
        path: path.to_path_buf(),
        problem,
    }
}

/// Residents, each good row handed to `each`.
pub(super) struct Residents<'a, E> {
    pub(super) collector: Option<Collector>,
    pub(super) each: &'a mut dyn FnMut(Resident) -> Result<(), E>,
}

impl<E> Residents<'_, E> {
    pub(super) fn finish(self, path: &Path) -> Result<ImportReport, ReadIntoError<E>> {
        match self.collector {
            Some(c) => Ok(c.finish()),
            None => Err(ImportError::Empty {
                path: path.to_path_buf(),
            }
            .into()),
        }
    }
}

impl<E> RowSink<E> for Residents<'_, E> {
    fn started(&self) -> bool {
        self.collector.is_some()
    }
    fn start(&mut self, row: usize, names: Vec<String>) -> Result<(), HeaderProblem> {
        self.collector = Some(Collector::new(Header::parse(row, &names)?));
        Ok(())
    }
    fn header_of(&self, i: usize) -> Option<&str> {
        self.collector
            .as_ref()
            .and_then(|c| c.header().header_of(i))
    }
    fn width(&self) -> usize {
        self.collector.as_ref().map_or(0, |c| c.header().width())
    }
    fn reject(&mut self, row: usize, message: String) {
        if let Some(c) = self.collector.as_mut() {
            c.reject(row, message);
        }
    }
    fn add(&mut self, row: usize, cells: Vec<Cell>) -> Result<(), E> {
        if let Some(r) = self.collector.as_mut().and_then(|c| c.add(row, cells)) {
            (self.each)(r)?;
        }
        Ok(())
    }
}

/// Every row as it is.
#[derive(Default)]
pub(super) struct Tables {
    pub(super) table: Option<Table>,
}

impl RowSink<std::convert::Infallible> for Tables {
    fn started(&self) -> bool {
        self.table.is_some()
    }
    fn start(&mut self, row: usize, names: Vec<String>) -> Result<(), HeaderProblem> {
        let header = names
            .into_iter()
            .map(|n| n.trim().trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        self.table = Some(Table {
            header_row: row,
            header,
            rows: Vec::new(),
            encoding: None,
        });
        Ok(())
    }
    fn header_of(&self, i: usize) -> Option<&str> {
        self.table
            .as_ref()
            .and_then(|t| t.header.get(i))
            .map(String::as_str)
            .filter(|h| !h.is_empty())
    }
    fn width(&self) -> usize {
        self.table.as_ref().map_or(0, |t| t.header.len())
    }
    fn reject(&mut self, row: usize, message: String) {
        if let Some(t) = self.table.as_mut() {
            t.rows.push(TableRow {
                row,
                cells: Err(message),
            });
        }
    }
    fn add(&mut self, row: usize, cells: Vec<Cell>) -> Result<(), std::convert::Infallible> {
        let blank = cells
            .iter()
            .all(|c| matches!(c, Cell::Text(s) if s.trim().is_empty()));
        if let Some(t) = self.table.as_mut().filter(|_| !blank) {
            let cells = cells
                .into_iter()
                .map(|c| match c {
                    Cell::Text(s) => Ok(s.trim().to_string()),
                    Cell::Unreadable(why) => Err(why),
                })
                .collect();
            t.rows.push(TableRow {
                row,
                cells: Ok(cells),
            });
        }
        Ok(())
    }
}
