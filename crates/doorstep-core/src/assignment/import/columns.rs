//! Header parsing and turning rows into residents; shared by CSV and Excel.

use std::collections::{BTreeMap, HashMap};

use super::{HeaderProblem, ImportReport, RowProblem, column_letter};
use crate::assignment::Resident;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Std {
    ResidentId,
    Name,
    Address,
    Community,
    Grid,
    Building,
    Unit,
    Room,
    Phone,
}

const STANDARD: [(&str, Std); 9] = [
    ("resident_id", Std::ResidentId),
    ("name", Std::Name),
    ("address", Std::Address),
    ("community", Std::Community),
    ("grid", Std::Grid),
    ("building", Std::Building),
    ("unit", Std::Unit),
    ("room", Std::Room),
    ("phone", Std::Phone),
];

const REQUIRED: [Std; 3] = [Std::ResidentId, Std::Name, Std::Address];

/// Chinese headers offices commonly use for the standard columns.
const ALIASES: [(&str, Std); 17] = [
    ("住户编号", Std::ResidentId),
    ("编号", Std::ResidentId),
    ("姓名", Std::Name),
    ("地址", Std::Address),
    ("住址", Std::Address),
    ("社区", Std::Community),
    ("网格", Std::Grid),
    ("楼栋", Std::Building),
    ("楼号", Std::Building),
    ("单元", Std::Unit),
    ("房号", Std::Room),
    ("门牌号", Std::Room),
    ("房间号", Std::Room),
    ("电话", Std::Phone),
    ("联系电话", Std::Phone),
    ("手机", Std::Phone),
    ("手机号", Std::Phone),
];

fn std_name(s: Std) -> &'static str {
    STANDARD
        .iter()
        .find(|(_, x)| *x == s)
        .expect("every Std is listed")
        .0
}

#[derive(Debug)]
enum Target {
    Std(Std),
    /// Key in `Resident::attributes` (lowercased header).
    Attr(String),
    /// Column without a header: its cells are not read.
    Ignored,
}

#[derive(Debug)]
struct Column {
    target: Target,
    /// Header as written (trimmed), used in messages so the office can find it.
    header: String,
}

/// Same rule as questionnaire identifiers, so every attribute can be
/// declared in `resident_attributes` and read as `${resident.KEY}`.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Parsed header row.
#[derive(Debug)]
pub(super) struct Header {
    columns: Vec<Column>,
}

impl Header {
    pub(super) fn parse(row: usize, cells: &[String]) -> Result<Header, HeaderProblem> {
        let mut columns = Vec::with_capacity(cells.len());
        // key → column index, to report duplicates by spreadsheet letter.
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, raw) in cells.iter().enumerate() {
            let header = raw.trim().trim_start_matches('\u{feff}').trim().to_string();
            let lower = header.to_lowercase();
            let target = if header.is_empty() {
                Target::Ignored
            } else if let Some((_, s)) = STANDARD.iter().find(|(n, _)| *n == lower) {
                Target::Std(*s)
            } else if let Some((_, s)) = ALIASES.iter().find(|(n, _)| *n == header) {
                Target::Std(*s)
            } else if is_identifier(&header) {
                Target::Attr(lower)
            } else {
                let guess = header
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join("_")
                    .to_lowercase();
                return Err(HeaderProblem::BadName {
                    row,
                    letter: column_letter(i),
                    header,
                    suggestion: is_identifier(&guess).then_some(guess),
                });
            };
            let key = match &target {
                Target::Std(s) => Some(std_name(*s).to_string()),
                Target::Attr(k) => Some(k.clone()),
                Target::Ignored => None,
            };
            if let Some(key) = key
                && let Some(first) = seen.insert(key.clone(), i)
            {
                return Err(HeaderProblem::DuplicateColumn {
                    row,
                    column: key,
                    first: column_letter(first),
                    second: column_letter(i),
                });
            }
            columns.push(Column { target, header });
        }
        for req in REQUIRED {
            if !columns
                .iter()
                .any(|c| matches!(c.target, Target::Std(s) if s == req))
            {
                let found: Vec<&str> = columns
                    .iter()
                    .filter(|c| !c.header.is_empty())
                    .map(|c| c.header.as_str())
                    .collect();
                return Err(HeaderProblem::MissingColumn {
                    row,
                    column: std_name(req).to_string(),
                    found: if found.is_empty() {
                        "none".into()
                    } else {
                        found.join(", ")
                    },
                });
            }
        }
        Ok(Header { columns })
    }

    pub(super) fn width(&self) -> usize {
        self.columns.len()
    }

    /// Header of column `i` as written, if it has one.
    pub(super) fn header_of(&self, i: usize) -> Option<&str> {
        self.columns
            .get(i)
            .map(|c| c.header.as_str())
            .filter(|h| !h.is_empty())
    }
}

/// One cell of a data row.
pub(super) enum Cell {
    Text(String),
    /// The cell cannot be read (e.g. an Excel error value); the message says why.
    Unreadable(String),
}

impl Cell {
    fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(s) if s.trim().is_empty())
    }
}

/// Accumulates rows into an [`ImportReport`].
pub(super) struct Collector {
    header: Header,
    report: ImportReport,
    /// resident_id → row where it first appeared (loaded or not).
    first_row: HashMap<String, usize>,
}

impl Collector {
    pub(super) fn new(header: Header) -> Collector {
        Collector {
            header,
            report: ImportReport {
                residents: Vec::new(),
                problems: Vec::new(),
                encoding: None,
                rows_read: 0,
                accepted: 0,
            },
            first_row: HashMap::new(),
        }
    }

    pub(super) fn header(&self) -> &Header {
        &self.header
    }

    /// Records a row rejected before its cells were looked at.
    pub(super) fn reject(&mut self, row: usize, message: String) {
        self.report.rows_read += 1;
        self.report.problems.push(RowProblem {
            row,
            column: None,
            message,
        });
    }

    /// Adds one data row: the resident when the row is good (the caller
    /// keeps it or passes it on), `None` when it was rejected or blank
    /// (blank rows are skipped without a trace).
    pub(super) fn add(&mut self, row: usize, cells: Vec<Cell>) -> Option<Resident> {
        let named = |i: usize| {
            !matches!(
                self.header.columns.get(i).map(|c| &c.target),
                None | Some(Target::Ignored)
            )
        };
        if cells
            .iter()
            .enumerate()
            .all(|(i, c)| !named(i) || c.is_blank())
        {
            return None;
        }
        self.report.rows_read += 1;
        let mut problems = Vec::new();
        let mut r = Resident {
            resident_id: String::new(),
            name: String::new(),
            address: String::new(),
            community: None,
            grid: None,
            building: None,
            unit: None,
            room: None,
            phone: None,
            attributes: BTreeMap::new(),
        };
        let mut cells = cells.into_iter();
        for col in &self.header.columns {
            let cell = cells.next().unwrap_or(Cell::Text(String::new()));
            if matches!(col.target, Target::Ignored) {
                continue;
            }
            let value = match cell {
                Cell::Unreadable(message) => {
                    problems.push(RowProblem {
                        row,
                        column: Some(col.header.clone()),
                        message,
                    });
                    continue;
                }
                Cell::Text(s) => trimmed(s),
            };
            let chars = value.chars().count();
            if chars > MAX_VALUE_CHARS {
                problems.push(RowProblem {
                    row,
                    column: Some(col.header.clone()),
                    message: format!(
                        "{chars} characters: longer than the limit of {MAX_VALUE_CHARS} for one value"
                    ),
                });
                continue;
            }
            if value.is_empty() {
                if matches!(col.target, Target::Std(s) if REQUIRED.contains(&s)) {
                    problems.push(RowProblem {
                        row,
                        column: Some(col.header.clone()),
                        message: "missing value".into(),
                    });
                }
                // Empty optional values stay absent, so expressions see them
                // as empty rather than as an empty text.
                continue;
            }
            match &col.target {
                Target::Std(Std::ResidentId) => r.resident_id = value,
                Target::Std(Std::Name) => r.name = value,
                Target::Std(Std::Address) => r.address = value,
                Target::Std(Std::Community) => r.community = Some(value),
                Target::Std(Std::Grid) => r.grid = Some(value),
                Target::Std(Std::Building) => r.building = Some(value),
                Target::Std(Std::Unit) => r.unit = Some(value),
                Target::Std(Std::Room) => r.room = Some(value),
                Target::Std(Std::Phone) => r.phone = Some(value),
                Target::Attr(k) => {
                    r.attributes.insert(k.clone(), value);
                }
                Target::Ignored => {}
            }
        }
        if !r.resident_id.is_empty() {
            // The first row with an id claims it even if that row was bad:
            // two rows with one id are ambiguous, and guessing which one is
            // meant could send a surveyor to the wrong door.
            if let Some(first) = self.first_row.get(&r.resident_id) {
                let id_col = self
                    .header
                    .columns
                    .iter()
                    .find(|c| matches!(c.target, Target::Std(Std::ResidentId)))
                    .map(|c| c.header.clone());
                problems.push(RowProblem {
                    row,
                    column: id_col,
                    message: format!(
                        "resident_id {} is already used in row {first}",
                        r.resident_id
                    ),
                });
            } else {
                self.first_row.insert(r.resident_id.clone(), row);
            }
        }
        if problems.is_empty() {
            self.report.accepted += 1;
            Some(r)
        } else {
            self.report.problems.extend(problems);
            None
        }
    }

    pub(super) fn finish(self) -> ImportReport {
        self.report
    }
}

/// The longest value one cell may hold (names, addresses and notes are far
/// shorter; a megabyte "name" is an error, not a resident).
pub const MAX_VALUE_CHARS: usize = 1000;

fn trimmed(s: String) -> String {
    let t = s.trim();
    if t.len() == s.len() { s } else { t.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(cells: &[&str]) -> Result<Header, HeaderProblem> {
        let cells: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
        Header::parse(1, &cells)
    }

    #[test]
    fn header_names_are_case_insensitive_and_trimmed() {
        let h = parse(&["\u{feff}Resident_ID", " NAME ", "Address", "Age_Group", ""]).unwrap();
        assert!(matches!(h.columns[0].target, Target::Std(Std::ResidentId)));
        assert!(matches!(&h.columns[3].target, Target::Attr(k) if k == "age_group"));
        assert!(matches!(h.columns[4].target, Target::Ignored));
    }

    #[test]
    fn bad_names_get_a_suggestion() {
        let e = parse(&["resident_id", "name", "address", "Age Group"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 1, column D: 'Age Group' cannot be used as a column name: rename it with ASCII letters, digits, '_' or '-', starting with a letter or '_' (e.g. age_group)"
        );
        let e = parse(&["resident_id", "name", "address", "年龄段"]).unwrap_err();
        assert!(matches!(
            e,
            HeaderProblem::BadName {
                suggestion: None,
                ..
            }
        ));
    }

    #[test]
    fn alias_and_standard_name_collide() {
        let e = parse(&["resident_id", "姓名", "address", "name"]).unwrap_err();
        assert_eq!(
            e,
            HeaderProblem::DuplicateColumn {
                row: 1,
                column: "name".into(),
                first: "B".into(),
                second: "D".into()
            }
        );
    }
}
