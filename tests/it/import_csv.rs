//! CSV resident lists: encodings, columns, bad rows and row numbers.

use std::path::{Path, PathBuf};

use doorstep_core::assignment::import::{
    Encoding, HeaderProblem, ImportError, ImportReport, ReadIntoError, RowProblem, read_residents,
    read_residents_into,
};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/residents")
        .join(name)
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

/// Writes `bytes` as `name` in a fresh temp dir (kept alive by the guard).
fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn gb18030(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn ids(report: &ImportReport) -> Vec<&str> {
    report
        .residents
        .iter()
        .map(|r| r.resident_id.as_str())
        .collect()
}

fn problem(row: usize, column: Option<&str>, message: &str) -> RowProblem {
    RowProblem {
        row,
        column: column.map(str::to_string),
        message: message.to_string(),
    }
}

#[test]
fn utf8_list_with_optional_and_attribute_columns() {
    let report = read_residents(&fixture("basic.csv"), None).unwrap();
    assert_eq!(report.encoding, Some(Encoding::Utf8));
    assert_eq!(report.rows_read, 3);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(ids(&report), ["R001", "R002", "R003"]);

    let r1 = &report.residents[0];
    assert_eq!(r1.name, "张伟");
    assert_eq!(r1.address, "幸福路1号");
    assert_eq!(r1.community.as_deref(), Some("阳光社区"));
    assert_eq!(r1.grid.as_deref(), Some("G1"));
    assert_eq!(r1.building.as_deref(), Some("3"));
    assert_eq!(r1.unit.as_deref(), Some("2"));
    assert_eq!(r1.room.as_deref(), Some("1203"));
    assert_eq!(r1.phone.as_deref(), Some("13812345678"));
    // Attribute keys are the lowercased headers.
    assert_eq!(
        r1.attributes.get("age_group").map(String::as_str),
        Some("60+")
    );
    assert_eq!(
        r1.attributes.get("tenure").map(String::as_str),
        Some("owner")
    );

    let r2 = &report.residents[1];
    assert_eq!(r2.address, "幸福路2号, 东门");
    assert_eq!(r2.phone, None, "empty optional values are absent");

    let r3 = &report.residents[2];
    assert_eq!(r3.address, "幸福路3号\n后楼");
    assert_eq!(r3.room, None);
    assert!(
        !r3.attributes.contains_key("tenure"),
        "empty attributes are absent"
    );
}

#[test]
fn utf8_bom_is_stripped() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(fixture_text("basic.csv").as_bytes());
    let (_d, path) = temp_file("bom.csv", &bytes);
    let report = read_residents(&path, None).unwrap();
    assert_eq!(report.encoding, Some(Encoding::Utf8));
    let plain = read_residents(&fixture("basic.csv"), None).unwrap();
    assert_eq!(report.residents, plain.residents);
}

#[test]
fn gb18030_is_detected_and_reads_like_utf8() {
    let (_d, path) = temp_file("gbk.csv", &gb18030(&fixture_text("basic.csv")));
    let report = read_residents(&path, None).unwrap();
    assert_eq!(report.encoding, Some(Encoding::Gb18030));
    let plain = read_residents(&fixture("basic.csv"), None).unwrap();
    assert_eq!(report.residents, plain.residents);
    assert_eq!(report.residents[0].name, "张伟");
}

#[test]
fn forcing_an_encoding_overrides_detection() {
    // ASCII is valid in both: detection says UTF-8, forcing says GB18030.
    let text = "resident_id,name,address\nR1,Li,Road 1\n";
    let (_d, path) = temp_file("ascii.csv", text.as_bytes());
    assert_eq!(
        read_residents(&path, None).unwrap().encoding,
        Some(Encoding::Utf8)
    );
    let forced = read_residents(&path, Some(Encoding::Gb18030)).unwrap();
    assert_eq!(forced.encoding, Some(Encoding::Gb18030));
    assert_eq!(ids(&forced), ["R1"]);

    let (_d2, gbk) = temp_file("gbk.csv", &gb18030(&fixture_text("basic.csv")));
    let forced = read_residents(&gbk, Some("GBK".parse().unwrap())).unwrap();
    assert_eq!(forced.encoding, Some(Encoding::Gb18030));
    assert_eq!(forced.residents[0].name, "张伟");
}

#[test]
fn forced_utf8_reports_the_row_and_column_of_bad_bytes() {
    // Rows 2-3 are ASCII, so the first non-UTF-8 bytes are in row 4, column name.
    let text = "resident_id,name,address\nR1,Li,Road 1\nR2,Wang,Road 2\nR3,张伟,Road 3\n";
    let (_d, path) = temp_file("gbk.csv", &gb18030(text));
    let err = read_residents(&path, Some(Encoding::Utf8)).unwrap_err();
    match &err {
        ImportError::Encoding { row, column, .. } => {
            assert_eq!(*row, 4);
            assert_eq!(column.as_deref(), Some("name"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}: row 4, column name: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("--encoding gb18030"), "{msg}");
}

#[test]
fn bytes_that_are_neither_utf8_nor_gb18030_are_refused_with_their_row() {
    // 0xFF cannot start a GB18030 character either.
    let (_d, path) = temp_file(
        "bad.csv",
        b"resident_id,name,address\nR1,Li,Road 1\nR2,\xFF\xFF,Road 2\n",
    );
    let err = read_residents(&path, None).unwrap_err();
    assert!(
        matches!(&err, ImportError::Encoding { row: 3, column: Some(c), .. } if c == "name"),
        "{err:?}"
    );
    assert!(err.to_string().contains("neither UTF-8 nor GB18030"));
}

#[test]
fn chinese_header_aliases_map_to_standard_columns() {
    for bytes in [
        fixture_text("chinese_headers.csv").into_bytes(),
        gb18030(&fixture_text("chinese_headers.csv")),
    ] {
        let (_d, path) = temp_file("zh.csv", &bytes);
        let report = read_residents(&path, None).unwrap();
        assert!(report.problems.is_empty());
        let r = &report.residents[0];
        assert_eq!(r.resident_id, "R001");
        assert_eq!(r.name, "张伟");
        assert_eq!(r.address, "幸福路1号");
        assert_eq!(r.community.as_deref(), Some("阳光社区"));
        assert_eq!(r.grid.as_deref(), Some("G1"));
        assert_eq!(r.building.as_deref(), Some("3"));
        assert_eq!(r.unit.as_deref(), Some("2"));
        assert_eq!(r.room.as_deref(), Some("1203"));
        assert_eq!(r.phone.as_deref(), Some("13812345678"));
        assert_eq!(r.attributes.len(), 1);
    }
}

#[test]
fn bad_rows_are_skipped_with_spreadsheet_row_numbers() {
    let path = fixture("bad_rows.csv");
    let report = read_residents(&path, None).unwrap();
    assert_eq!(ids(&report), ["R001", "R003", "R008"]);
    // Rows 2,3,4,6,7,8,10,11: row 5 (",,,") and row 9 (blank line) are empty.
    assert_eq!(report.rows_read, 8);
    assert_eq!(report.rows_skipped(), 5);
    assert_eq!(
        report.problems,
        [
            problem(3, Some("name"), "missing value"),
            // Row 4 spans two lines of the file but is one spreadsheet row.
            problem(
                6,
                Some("resident_id"),
                "resident_id R001 is already used in row 2"
            ),
            problem(
                7,
                None,
                "has 3 fields but the header has 4; a value containing the delimiter must be in double quotes"
            ),
            problem(10, Some("address"), "missing value"),
            problem(
                11,
                None,
                "has 5 fields but the header has 4; a value containing the delimiter must be in double quotes"
            ),
        ]
    );
    assert_eq!(
        report.problems[0].to_string(),
        "row 3, column name: missing value"
    );
    // Messages never carry personal data.
    for p in &report.problems {
        let text = p.to_string();
        for private in ["张伟", "赵敏", "钱七", "幸福路", "吴十一", "周十"] {
            assert!(!text.contains(private), "{text}");
        }
    }
}

#[test]
fn crlf_line_ends_and_leading_blank_lines_keep_row_numbers() {
    let lf = read_residents(&fixture("bad_rows.csv"), None).unwrap();
    let crlf = fixture_text("bad_rows.csv").replace('\n', "\r\n");
    let (_d, path) = temp_file("crlf.csv", crlf.as_bytes());
    let report = read_residents(&path, None).unwrap();
    assert_eq!(report.problems, lf.problems);
    // The address spanning two lines keeps its own line break as written.
    assert_eq!(report.residents[1].address, "幸福路3号\r\n后楼");

    // Blank lines before the header are rows too, as Excel shows them.
    let (_d2, path) = temp_file(
        "late.csv",
        "\n\nresident_id,name,address\nR1,,Road\n".as_bytes(),
    );
    let report = read_residents(&path, None).unwrap();
    assert_eq!(report.problems, [problem(4, Some("name"), "missing value")]);
}

#[test]
fn missing_required_column_imports_nothing() {
    let path = fixture("missing_address.csv");
    let err = read_residents(&path, None).unwrap_err();
    assert!(matches!(
        &err,
        ImportError::Header { problem: HeaderProblem::MissingColumn { column, .. }, .. } if column == "address"
    ));
    assert_eq!(
        err.to_string(),
        format!(
            "{}: row 1: required column 'address' is missing (columns found: resident_id, name, room)",
            path.display()
        )
    );
}

#[test]
fn duplicated_header_imports_nothing() {
    let (_d, path) = temp_file(
        "dup.csv",
        "resident_id,Name,address,name\nR1,a,b,c\n".as_bytes(),
    );
    let err = read_residents(&path, None).unwrap_err();
    assert!(
        err.to_string().ends_with(
            "row 1: column 'name' appears twice, in columns B and D: nothing was imported"
        ),
        "{err}"
    );
}

#[test]
fn unusable_header_name_is_refused() {
    let (_d, path) = temp_file("zh.csv", "编号,姓名,地址,年龄段\nR1,a,b,c\n".as_bytes());
    let err = read_residents(&path, None).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("row 1, column D: '年龄段' cannot be used as a column name"),
        "{msg}"
    );
}

#[test]
fn unnamed_columns_are_ignored() {
    let (_d, path) = temp_file(
        "trailing.csv",
        "resident_id,name,address,,\nR1,a,b,,\nR2,c,d,note,\n".as_bytes(),
    );
    let report = read_residents(&path, None).unwrap();
    assert_eq!(ids(&report), ["R1", "R2"]);
    assert!(report.residents[1].attributes.is_empty());
}

#[test]
fn semicolon_and_tab_delimiters_are_detected() {
    for text in [
        "resident_id;name;address\nR1;Li;Road 1, east\n",
        "resident_id\tname\taddress\nR1\tLi\tRoad 1, east\n",
    ] {
        let (_d, path) = temp_file("list.txt", text.as_bytes());
        let report = read_residents(&path, None).unwrap();
        assert_eq!(report.residents[0].address, "Road 1, east");
    }
}

#[test]
fn values_and_headers_are_trimmed_and_case_insensitive() {
    let (_d, path) = temp_file(
        "list.CSV",
        " Resident_ID , NAME ,Address\n R1 ,\u{3000}Li ,Road 1\n".as_bytes(),
    );
    let r = &read_residents(&path, None).unwrap().residents[0];
    assert_eq!((r.resident_id.as_str(), r.name.as_str()), ("R1", "Li"));
}

#[test]
fn unreadable_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();

    let json = dir.path().join("list.json");
    std::fs::write(&json, "{}").unwrap();
    let err = read_residents(&json, None).unwrap_err();
    assert!(matches!(err, ImportError::UnsupportedFormat { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("list.json: unsupported file type '.json'"),
        "{msg}"
    );
    assert!(msg.contains(".csv") && msg.contains(".xlsx"), "{msg}");

    let missing = dir.path().join("missing.csv");
    let err = read_residents(&missing, None).unwrap_err();
    assert!(matches!(err, ImportError::Unreadable(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("missing.csv: cannot read the file")
    );

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "\n\n").unwrap();
    assert!(matches!(
        read_residents(&empty, None),
        Err(ImportError::Empty { .. })
    ));

    let disguised = dir.path().join("book.csv");
    std::fs::write(&disguised, b"PK\x03\x04rest of a zip").unwrap();
    let err = read_residents(&disguised, None).unwrap_err();
    assert!(
        err.to_string()
            .contains("Excel workbook (.xlsx), not a CSV file"),
        "{err}"
    );
}

/// `read_residents_into` (the file read a piece at a time, rows handed on
/// as they come), collected: it must give what `read_residents` gives.
fn read_streamed(path: &Path, forced: Option<Encoding>) -> Result<ImportReport, ImportError> {
    let mut residents = Vec::new();
    let read = read_residents_into(path, forced, &mut |r| {
        residents.push(r.clone());
        Ok::<(), ()>(())
    });
    match read {
        Ok(mut report) => {
            assert!(report.residents.is_empty());
            report.residents = residents;
            Ok(report)
        }
        Err(ReadIntoError::Import(e)) => Err(e),
        Err(ReadIntoError::Target(())) => unreachable!("the target never fails"),
    }
}

fn assert_same_when_streamed(path: &Path, forced: Option<Encoding>) {
    match (read_residents(path, forced), read_streamed(path, forced)) {
        (Ok(whole), Ok(streamed)) => assert_eq!(streamed, whole, "{}", path.display()),
        (Err(whole), Err(streamed)) => {
            assert_eq!(
                streamed.to_string(),
                whole.to_string(),
                "{}",
                path.display()
            )
        }
        (whole, streamed) => panic!("{}: {whole:?} vs {streamed:?}", path.display()),
    }
}

#[test]
fn streamed_reading_matches_reading_whole() {
    for name in [
        "basic.csv",
        "bad_rows.csv",
        "chinese_headers.csv",
        "missing_address.csv",
    ] {
        for forced in [None, Some(Encoding::Utf8), Some(Encoding::Gb18030)] {
            assert_same_when_streamed(&fixture(name), forced);
        }
    }
    let text = fixture_text("bad_rows.csv");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    for (name, bytes) in [
        ("bom.csv", bom),
        ("gb.csv", gb18030(&text)),
        (
            "crlf.csv",
            format!("\r\n\r\n{}", text.replace('\n', "\r\n")).into_bytes(),
        ),
        ("empty.csv", Vec::new()),
        ("book.csv", b"PK\x03\x04rest".to_vec()),
    ] {
        let (_d, path) = temp_file(name, &bytes);
        assert_same_when_streamed(&path, None);
    }
}

/// The list is read on a thread of its own while the caller stores each
/// resident: a failing caller stops the reading and its error is the one
/// returned, after exactly the residents it took.
#[test]
fn a_failing_caller_stops_the_reading_with_its_own_error() {
    let mut text = String::from("resident_id,name,address\n");
    for i in 0..5000 {
        text += &format!("R{i},王五{i},和平街{i}号\n");
    }
    let (_d, path) = temp_file("long.csv", text.as_bytes());
    let mut taken = Vec::new();
    let read = read_residents_into(&path, None, &mut |r| {
        if taken.len() == 1234 {
            return Err("disk full");
        }
        taken.push(r.resident_id.clone());
        Ok(())
    });
    assert!(matches!(read, Err(ReadIntoError::Target("disk full"))));
    let expected: Vec<String> = (0..1234).map(|i| format!("R{i}")).collect();
    assert_eq!(taken, expected);
}

/// A list found unusable part-way (bytes that are not UTF-8 at row 3001,
/// with UTF-8 forced): every good row before it was handed on, in order,
/// before the error, as when the file is read on one thread.
#[test]
fn rows_before_an_unusable_part_are_all_handed_on_first() {
    let mut bytes = b"resident_id,name,address\n".to_vec();
    for i in 0..5000 {
        if i == 2999 {
            bytes.extend_from_slice(b"R2999,\xD5\xC5,x\n");
        } else {
            bytes.extend_from_slice(format!("R{i},name{i},street {i}\n").as_bytes());
        }
    }
    let (_d, path) = temp_file("bad-late.csv", &bytes);
    let mut taken = Vec::new();
    let read = read_residents_into(&path, Some(Encoding::Utf8), &mut |r| {
        taken.push(r.resident_id.clone());
        Ok::<(), ()>(())
    });
    match read {
        Err(ReadIntoError::Import(ImportError::Encoding { row, .. })) => assert_eq!(row, 3001),
        other => panic!("{other:?}"),
    }
    let expected: Vec<String> = (0..2999).map(|i| format!("R{i}")).collect();
    assert_eq!(taken, expected);
}

/// Longer than the pieces the file is read in, with blank lines, values
/// over several lines and bad rows throughout: the same rows, row numbers
/// and problems as when the file is read whole, in both encodings.
#[test]
fn a_long_list_streams_with_the_same_rows_and_row_numbers() {
    let mut text = String::from("\n\nresident_id,name,address,note\n");
    for i in 0..6000 {
        if i % 97 == 0 {
            text.push_str("\n\n");
        }
        if i % 31 == 0 {
            text += &format!("R{i},张三{i},\"幸福路\n{i}号\",多行\n");
        } else if i % 53 == 0 {
            text += &format!("R{i},,幸福路{i}号,缺姓名\n");
        } else {
            text += &format!("R{i},王五{i},和平街{i}号,备注{i}\n");
        }
    }
    assert!(text.len() > 200_000);
    for (name, bytes) in [
        ("long.csv", text.as_bytes().to_vec()),
        ("long-gb.csv", gb18030(&text)),
        ("long-crlf.csv", text.replace('\n', "\r\n").into_bytes()),
    ] {
        let (_d, path) = temp_file(name, &bytes);
        let whole = read_residents(&path, None).unwrap();
        assert!(whole.problems.len() > 50 && whole.residents.len() > 5000);
        assert_eq!(read_streamed(&path, None).unwrap(), whole, "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_bytes(
        prefix in prop::sample::select(vec!["", "resident_id,name,address\n", "\u{feff}编号,姓名,地址,x\n"]),
        body in prop::collection::vec(any::<u8>(), 0..400),
        forced in prop::option::of(prop::sample::select(vec![Encoding::Utf8, Encoding::Gb18030])),
    ) {
        let mut bytes = prefix.as_bytes().to_vec();
        bytes.extend_from_slice(&body);
        let (_d, path) = temp_file("fuzz.csv", &bytes);
        let streamed = read_streamed(&path, forced);
        match read_residents(&path, forced) {
            Ok(report) => {
                prop_assert_eq!(report.rows_read, report.residents.len() + report.rows_skipped());
                prop_assert!(report.problems.iter().all(|p| p.row >= 2));
                prop_assert_eq!(streamed.ok(), Some(report));
            }
            Err(e) => prop_assert_eq!(streamed.err().map(|s| s.to_string()), Some(e.to_string())),
        }
    }
}
