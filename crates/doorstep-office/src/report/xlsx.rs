//! `report.xlsx`: one sheet per table (总表, 街道排名, 社区排名, 指标, 环比,
//! 整改工单, 方法说明 first, then the others), numbers written as numbers
//! with a display format, the header row bold and frozen.

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::{Cell, Report};
use crate::OfficeError;

/// The sheets officials look for, in this order; the other tables follow.
const FIRST: [&str; 7] = [
    "summary",
    "street_ranking",
    "community_ranking",
    "dimensions",
    "changes",
    "orders",
    "method",
];

pub fn write(report: &Report, path: &Path) -> Result<(), OfficeError> {
    let err = |e: XlsxError| OfficeError::Invalid(format!("{}: {e}", path.display()));
    let mut wb = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#F2F2F2");
    let formats = [
        Format::new().set_num_format("0"),
        Format::new().set_num_format("0.0"),
        Format::new().set_num_format("0.00"),
        Format::new().set_num_format("0.000"),
    ];
    let pct = Format::new().set_num_format("0.0%");
    let mut order: Vec<&super::Table> = FIRST.iter().filter_map(|id| report.table(id)).collect();
    order.extend(report.tables.iter().filter(|t| !FIRST.contains(&t.id)));
    for table in order {
        let ws = wb.add_worksheet();
        ws.set_name(&table.sheet).map_err(err)?;
        for (c, name) in table.columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, name, &header)
                .map_err(err)?;
            let widest = table
                .rows
                .iter()
                .filter_map(|r| r.get(c as usize))
                .map(|cell| cell.display().chars().count())
                .chain([name.chars().count()])
                .max()
                .unwrap_or(8);
            ws.set_column_width(c, (widest as f64 * 1.6 + 2.0).min(60.0))
                .map_err(err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                    Cell::Int(i) => ws
                        .write_number_with_format(r, c, *i as f64, &formats[0])
                        .map(|_| ()),
                    Cell::Num(v, d) => ws
                        .write_number_with_format(r, c, *v, &formats[usize::from(*d).min(3)])
                        .map(|_| ()),
                    Cell::Pct(v) => ws.write_number_with_format(r, c, *v, &pct).map(|_| ()),
                    Cell::Empty => Ok(()),
                }
                .map_err(err)?;
            }
        }
    }
    wb.save(path).map_err(err)
}
