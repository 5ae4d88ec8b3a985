//! Excel resident lists, generated with rust_xlsxwriter in a temp dir.

use std::path::PathBuf;

use doorstep_core::assignment::import::{ImportError, RowProblem, read_residents};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

fn save(name: &str, fill: impl FnOnce(&mut Worksheet)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let mut wb = Workbook::new();
    fill(wb.add_worksheet());
    // A second sheet must not be read.
    wb.add_worksheet().write_string(0, 0, "ignored").unwrap();
    wb.save(&path).unwrap();
    (dir, path)
}

fn row(ws: &mut Worksheet, r: u32, cells: &[&str]) {
    for (c, v) in cells.iter().enumerate() {
        if !v.is_empty() {
            ws.write_string(r, c as u16, *v).unwrap();
        }
    }
}

#[test]
fn cells_become_text_as_excel_shows_them() {
    let (_d, path) = save("list.xlsx", |ws| {
        row(
            ws,
            0,
            &[
                "resident_id",
                "name",
                "address",
                "room",
                "phone",
                "moved_in",
                "owner",
                "score",
            ],
        );
        // Row 2: numbers where offices usually type them.
        ws.write_number(1, 0, 1001).unwrap();
        row(ws, 1, &["", "张伟", "幸福路1号"]);
        ws.write_number(1, 3, 1203).unwrap();
        ws.write_number(1, 4, 13812345678_f64).unwrap();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        ws.write_datetime_with_format(1, 5, ExcelDateTime::from_ymd(2019, 3, 7).unwrap(), &date)
            .unwrap();
        ws.write_boolean(1, 6, true).unwrap();
        ws.write_number(1, 7, 4.5).unwrap();
        // Row 3 is empty; row 4 has only strings and blanks.
        row(ws, 3, &["R1004", " 李娜 ", "幸福路4号", "502A"]);
    });
    let report = read_residents(&path, None).unwrap();
    assert_eq!(report.encoding, None);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.rows_read, 2);

    let r = &report.residents[0];
    assert_eq!(r.resident_id, "1001");
    assert_eq!(r.room.as_deref(), Some("1203"));
    assert_eq!(r.phone.as_deref(), Some("13812345678"));
    assert_eq!(r.attributes["moved_in"], "2019-03-07");
    assert_eq!(r.attributes["owner"], "true");
    assert_eq!(r.attributes["score"], "4.5");

    let r = &report.residents[1];
    assert_eq!(r.name, "李娜");
    assert_eq!(r.room.as_deref(), Some("502A"));
    assert_eq!(r.phone, None);
}

#[test]
fn bad_rows_are_reported_with_sheet_row_numbers() {
    let (_d, path) = save("bad.xlsx", |ws| {
        row(ws, 0, &["编号", "姓名", "地址", "房号", "age_group"]);
        row(ws, 1, &["R1", "张伟", "幸福路1号", "101", "60+"]);
        row(ws, 2, &["R2", "", "幸福路2号", "102"]);
        // Row 4 holds an error value, as Excel saves =1/0.
        row(ws, 3, &["R3", "王芳", "幸福路3号"]);
        ws.write_formula(3, 3, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
        // Row 5 empty, row 6 repeats R1.
        row(ws, 5, &["R1", "赵敏", "幸福路6号", "106"]);
        row(ws, 6, &["R7", "钱七", "幸福路7号", "107"]);
    });
    let report = read_residents(&path, None).unwrap();
    let ids: Vec<_> = report
        .residents
        .iter()
        .map(|r| r.resident_id.as_str())
        .collect();
    assert_eq!(ids, ["R1", "R7"]);
    assert_eq!(report.residents[0].attributes["age_group"], "60+");
    let p = |row, col: &str, msg: &str| RowProblem {
        row,
        column: Some(col.into()),
        message: msg.into(),
    };
    assert_eq!(
        report.problems,
        [
            p(3, "姓名", "missing value"),
            p(
                4,
                "房号",
                "the cell shows the error #DIV/0!; replace it with a value"
            ),
            p(6, "编号", "resident_id R1 is already used in row 2"),
        ]
    );
    assert_eq!(report.rows_read, 5);
}

#[test]
fn header_may_start_below_and_right_of_a1() {
    // Rows 1-2 and column A empty: letters and row numbers still match Excel.
    let (_d, path) = save("offset.xlsx", |ws| {
        ws.write_string(2, 1, "resident_id").unwrap();
        ws.write_string(2, 2, "name").unwrap();
        ws.write_string(2, 3, "address").unwrap();
        ws.write_string(2, 4, "Age Group").unwrap();
    });
    let err = read_residents(&path, None).unwrap_err();
    assert!(
        err.to_string()
            .contains("row 3, column E: 'Age Group' cannot be used as a column name"),
        "{err}"
    );

    let (_d, path) = save("offset2.xlsx", |ws| {
        row(ws, 2, &["", "resident_id", "name", "address"]);
        row(ws, 4, &["", "R1", "", "Road"]);
    });
    let report = read_residents(&path, None).unwrap();
    assert_eq!(
        report.problems[0].to_string(),
        "row 5, column name: missing value"
    );
}

#[test]
fn workbook_problems_are_errors() {
    let (_d, path) = save("empty.xlsx", |_| {});
    assert!(matches!(
        read_residents(&path, None),
        Err(ImportError::Empty { .. })
    ));

    let (_d, path) = save("nohead.xlsx", |ws| row(ws, 0, &["resident_id", "name"]));
    let err = read_residents(&path, None).unwrap_err();
    assert!(
        err.to_string()
            .contains("required column 'address' is missing"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("list.XLSX");
    std::fs::write(&fake, "resident_id,name,address\n").unwrap();
    let err = read_residents(&fake, None).unwrap_err();
    assert!(err.to_string().contains("not an Excel workbook"), "{err}");

    let broken = dir.path().join("broken.xlsx");
    std::fs::write(&broken, b"PK\x03\x04 truncated").unwrap();
    assert!(matches!(
        read_residents(&broken, None),
        Err(ImportError::Workbook { .. })
    ));
}
