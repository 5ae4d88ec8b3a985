//! The fuzz targets, one function per parser that reads outside input,
//! shared by two drivers:
//!
//! - `cargo fuzz` (libFuzzer, nightly): `fuzz/fuzz_targets/*.rs`, run by
//!   `scripts/fuzz.sh` for a million cases and more per target;
//! - proptest (stable, every `cargo test`): `tests/it/fuzz_targets.rs`
//!   includes this file and feeds each target 10,000 cases.
//!
//! Both drivers hand a target raw bytes; the target turns them into a
//! structured input with `arbitrary` (a questionnaire of sections,
//! questions and expressions; CSV rows of resident columns; batch lines of
//! the batch format's shapes...) so that most cases get past the first
//! syntax check and exercise the parser's later stages, then renders it as
//! the file a user or an attacker could hand doorstep. A target fails only
//! by panicking (or, under libFuzzer, by hanging or by running out of
//! memory); errors are the expected answer to bad input, but each must
//! name the file it is about.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Result, Unstructured};

/// A target: bytes in, a panic on failure.
pub type Target = fn(&[u8]);

/// Every target, by name (the names of `fuzz/fuzz_targets/*.rs`).
pub const TARGETS: &[(&str, Target)] = &[
    ("expr", expr),
    ("questionnaire", questionnaire),
    ("residents_csv", residents_csv),
    ("residents_xlsx", residents_xlsx),
    ("batch_lines", batch_lines),
    ("minisign_keys", minisign_keys),
    ("age_identity", age_identity),
    ("decisions_file", decisions_file),
    ("thresholds", thresholds),
    ("config", config),
    ("office_settings", office_settings),
    ("surveyors_file", surveyors_file),
    ("online_export", online_export),
];

/// Raw text half the time, structured text the other half: the raw side
/// finds what the structure never makes (odd bytes, cut-off files).
fn text_or<'a, T: Arbitrary<'a>>(
    u: &mut Unstructured<'a>,
    render: impl FnOnce(T) -> String,
) -> Result<String> {
    if u.arbitrary::<bool>()? {
        Ok(render(T::arbitrary(u)?))
    } else {
        let n = u.len();
        Ok(String::from_utf8_lossy(u.bytes(n)?).into_owned())
    }
}

fn pick<'a, T: Copy>(u: &mut Unstructured<'a>, from: &[T]) -> Result<T> {
    Ok(*u.choose(from)?)
}

/// Numbers a parser should meet: small, boundary and absurd.
fn number(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=9)? {
        0 => "0".into(),
        1 => "-1".into(),
        2 => i64::MAX.to_string(),
        3 => i64::MIN.to_string(),
        4 => "1e308".into(),
        5 => "nan".into(),
        6 => "inf".into(),
        7 => format!("{}.{}", u.arbitrary::<i16>()?, u.arbitrary::<u8>()?),
        _ => u.arbitrary::<i32>()?.to_string(),
    })
}

/// A bound of a range: usually a small integer, sometimes any number.
fn bound(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1, 4)? {
        number(u)
    } else {
        Ok(u.int_in_range(-3..=12i64)?.to_string())
    }
}

/// A short identifier, sometimes not one.
fn name(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(pick(
        u,
        &[
            "q1",
            "q2",
            "age",
            "members",
            "score",
            "s1",
            "x",
            "名字",
            "a-b",
            "_",
            "1bad",
            "",
            "../../evil",
            "q1.q2",
        ],
    )?
    .to_string())
}

/// A file for the targets whose parser takes a path: one per thread, in
/// the temp directory, rewritten each case.
fn temp_file(suffix: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("doorstep-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path =
        dir.join(format!("{:?}{suffix}", std::thread::current().id()).replace(['(', ')'], ""));
    let mut f = std::fs::File::create(&path).expect("the fuzz temp file");
    f.write_all(bytes).expect("the fuzz temp file");
    path
}

/// An error about a file must say which file.
fn names(err: &str, path: &Path) {
    let shown = path.display().to_string();
    let base = path.file_name().unwrap_or_default().to_string_lossy();
    assert!(
        err.contains(&shown) || err.contains(&*base),
        "the error does not name {shown}: {err}"
    );
}

// ----- expressions ------------------------------------------------------------

#[derive(Arbitrary, Debug)]
enum ExprTree {
    Question(u8),
    Resident(u8),
    Number(i32),
    Text(u8),
    Dot,
    Unary(Box<ExprTree>),
    Binary(u8, Box<ExprTree>, Box<ExprTree>),
    Call(u8, Vec<ExprTree>),
    Paren(Box<ExprTree>),
}

const OPS: &[&str] = &[
    "+", "-", "*", "div", "mod", "=", "!=", "<", "<=", ">", ">=", "and", "or", "|",
];
const FUNCTIONS: &[&str] = &[
    "selected",
    "count-selected",
    "string-length",
    "concat",
    "if",
    "coalesce",
    "regex",
    "int",
    "round",
    "sum",
    "count",
    "today",
    "date",
    "not",
    "position",
    "substr",
    "number",
    "nosuchfunction",
];

impl ExprTree {
    fn render(&self, out: &mut String, depth: usize) {
        if depth > 64 {
            out.push('1');
            return;
        }
        match self {
            ExprTree::Question(n) => out.push_str(&format!("${{q{}}}", n % 4)),
            ExprTree::Resident(n) => out.push_str(
                ["${resident.age_group}", "${resident.x}", "${resident.}"][*n as usize % 3],
            ),
            ExprTree::Number(n) => out.push_str(&n.to_string()),
            ExprTree::Text(n) => out.push_str(
                ["'a'", "\"b c\"", "''", "'(a|b)*c'", "'[", "'unterminated"][*n as usize % 6],
            ),
            ExprTree::Dot => out.push('.'),
            ExprTree::Unary(e) => {
                out.push('-');
                e.render(out, depth + 1);
            }
            ExprTree::Binary(op, a, b) => {
                a.render(out, depth + 1);
                out.push(' ');
                out.push_str(OPS[*op as usize % OPS.len()]);
                out.push(' ');
                b.render(out, depth + 1);
            }
            ExprTree::Call(f, args) => {
                out.push_str(FUNCTIONS[*f as usize % FUNCTIONS.len()]);
                out.push('(');
                for (i, a) in args.iter().take(6).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    a.render(out, depth + 1);
                }
                out.push(')');
            }
            ExprTree::Paren(e) => {
                out.push('(');
                e.render(out, depth + 1);
                out.push(')');
            }
        }
    }
}

fn expr_source(tree: ExprTree) -> String {
    let mut s = String::new();
    tree.render(&mut s, 0);
    s
}

/// Evaluation reads nothing: every question empty, today fixed.
struct NoAnswers;

impl doorstep_core::expr::Env for NoAnswers {
    fn question(&self, _: &str) -> doorstep_core::expr::Value {
        doorstep_core::expr::Value::Empty
    }
    fn resident(&self, _: &str) -> doorstep_core::expr::Value {
        doorstep_core::expr::Value::Empty
    }
    fn current(&self) -> doorstep_core::expr::Value {
        doorstep_core::expr::Value::Empty
    }
    fn choice_field(&self, _: &str) -> doorstep_core::expr::Value {
        doorstep_core::expr::Value::Empty
    }
    fn aggregate(&self, _: &str) -> Vec<doorstep_core::expr::Value> {
        Vec::new()
    }
    fn position(&self) -> Option<usize> {
        None
    }
    fn today(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default()
    }
}

/// The expression language: parse, print, parse again (the same tree),
/// evaluate.
pub fn expr(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(src) = text_or(&mut u, expr_source) else {
        return;
    };
    if let Ok(e) = doorstep_core::expr::parse(&src) {
        let printed = e.to_string();
        assert_eq!(
            doorstep_core::expr::parse(&printed).as_ref(),
            Ok(&e),
            "printing {src:?} as {printed:?} changed it"
        );
        let _ = e.eval(&NoAnswers);
        let _ = e.references();
    }
}

// ----- questionnaires ------------------------------------------------------------

#[derive(Arbitrary, Debug)]
struct QuestionnaireInput {
    sections: Vec<SectionInput>,
    choice_lists: Vec<Vec<u8>>,
    languages: u8,
}

#[derive(Arbitrary, Debug)]
struct SectionInput {
    repeat: Option<Option<ExprTree>>,
    relevant: Option<ExprTree>,
    questions: Vec<QuestionInput>,
}

#[derive(Arbitrary, Debug)]
struct QuestionInput {
    kind: u8,
    relevant: Option<ExprTree>,
    constraint: Option<ExprTree>,
    calculation: Option<ExprTree>,
    choices: u8,
    range: Option<(bool, bool)>,
    required: Option<bool>,
}

const KINDS: &[&str] = &[
    "text",
    "integer",
    "decimal",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "rating",
    "date",
    "time",
    "calculate",
    "note",
    "no_such_type",
];

fn toml_str(s: &str) -> String {
    format!("{s:?}")
}

impl QuestionnaireInput {
    /// The format of docs/questionnaire-format.md: inline-table labels,
    /// `[choices]` lists of inline tables, `[[sections.questions]]`.
    fn render(self, u: &mut Unstructured<'_>) -> Result<String> {
        let mut out = String::new();
        // Mostly the title's two languages; sometimes one or an odd third.
        let langs = ["zh", "en", "fr", ""];
        let n_lang = match self.languages % 8 {
            0 => 1,
            1 => 3,
            _ => 2,
        };
        out.push_str("id = \"fuzz\"\nversion = \"1\"\n");
        out.push_str("title = { zh = \"标题\", en = \"Title\" }\n");
        out.push_str(&format!(
            "languages = [{}]\ndefault_language = \"zh\"\n",
            langs[..n_lang]
                .iter()
                .map(|l| toml_str(l))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        out.push_str("special_responses = [\"dont_know\", \"refused\"]\n\n[choices]\n");
        for (i, list) in self.choice_lists.iter().take(4).enumerate() {
            let items: Vec<String> = list
                .iter()
                .take(8)
                .chain(std::iter::once(&0).filter(|_| list.is_empty()))
                .enumerate()
                .map(|(j, c)| {
                    format!(
                        "{{ value = {}, label = {{ zh = \"选{j}\", en = \"c{j}\" }} }}",
                        toml_str(&format!("v{}", c % 5))
                    )
                })
                .collect();
            out.push_str(&format!("list{i} = [{}]\n", items.join(", ")));
        }
        let mut q = 0;
        let mut sections = self.sections;
        if sections.is_empty() {
            sections.push(SectionInput {
                repeat: None,
                relevant: None,
                questions: Vec::new(),
            });
        }
        for (s, mut section) in sections.into_iter().take(6).enumerate() {
            if section.questions.is_empty() {
                section.questions.push(QuestionInput {
                    kind: 0,
                    relevant: None,
                    constraint: None,
                    calculation: None,
                    choices: 0,
                    range: None,
                    required: None,
                });
            }
            out.push_str(&format!(
                "\n[[sections]]\nid = \"s{s}\"\ntitle = {{ zh = \"节\", en = \"S\" }}\n"
            ));
            if let Some(repeat) = section.repeat {
                let count = match repeat {
                    Some(e) => toml_str(&expr_source(e)),
                    None => toml_str(&format!("${{q{}}}", u.int_in_range(0..=9u8)?)),
                };
                out.push_str(&format!(
                    "repeat = {{ count = {count}, max = {} }}\n",
                    number(u)?
                ));
            }
            if let Some(r) = section.relevant {
                out.push_str(&format!("relevant = {}\n", toml_str(&expr_source(r))));
            }
            for question in section.questions.into_iter().take(12) {
                let kind = KINDS[question.kind as usize % KINDS.len()];
                out.push_str(&format!(
                    "\n[[sections.questions]]\nid = \"q{q}\"\ntype = \"{kind}\"\nlabel = {{ zh = \"问题\", en = \"Q\" }}\n"
                ));
                q += 1;
                if kind.ends_with("_choice") {
                    out.push_str(&format!("choices = \"list{}\"\n", question.choices % 5));
                }
                if let Some((lo, hi)) = question.range {
                    if lo {
                        out.push_str(&format!("min = {}\n", bound(u)?));
                    }
                    if hi {
                        out.push_str(&format!("max = {}\n", bound(u)?));
                    }
                } else if kind == "rating" {
                    out.push_str("min = 1\nmax = 5\n");
                }
                if let Some(r) = question.required {
                    out.push_str(&format!("required = {r}\n"));
                }
                let calculation = match (kind, question.calculation) {
                    (_, Some(e)) => Some(e),
                    ("calculate", None) => Some(ExprTree::Number(1)),
                    _ => None,
                };
                for (key, e) in [
                    ("relevant", question.relevant),
                    ("constraint", question.constraint),
                    ("calculation", calculation),
                ] {
                    if let Some(e) = e {
                        out.push_str(&format!("{key} = {}\n", toml_str(&expr_source(e))));
                    }
                }
            }
        }
        Ok(out)
    }
}

/// A structured questionnaire from `data`.
pub fn questionnaire_text(data: &[u8]) -> Option<String> {
    let mut u = Unstructured::new(data);
    QuestionnaireInput::arbitrary(&mut u)
        .and_then(|q| q.render(&mut u))
        .ok()
}

/// Questionnaire TOML, as `check` and `assign --questionnaire` read it.
pub fn questionnaire(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let src = if u.arbitrary::<bool>().unwrap_or(false) {
        match questionnaire_text(u.take_rest()) {
            Some(s) => s,
            None => return,
        }
    } else {
        String::from_utf8_lossy(u.take_rest()).into_owned()
    };
    if let Err(e) = doorstep_core::questionnaire::load_str(&src, "fuzz.toml") {
        names(&e.to_string(), Path::new("fuzz.toml"));
    }
}

// ----- resident lists ------------------------------------------------------------

const COLUMNS: &[&str] = &[
    "resident_id",
    "name",
    "address",
    "community",
    "grid",
    "building",
    "unit",
    "room",
    "phone",
    "age_group",
    "gender",
    "姓名",
    "",
    "resident_id",
];

#[derive(Arbitrary, Debug)]
struct TableInput {
    columns: Vec<u8>,
    rows: Vec<Vec<CellInput>>,
    gbk: bool,
    bom: bool,
    crlf: bool,
}

#[derive(Arbitrary, Debug)]
enum CellInput {
    Id(u16),
    Chinese(u8),
    Text(String),
    Number(i64),
    Float(f64),
    Quoted(String),
    Empty,
}

impl CellInput {
    fn text(&self) -> String {
        match self {
            CellInput::Id(n) => format!("CZ-{n:06}"),
            CellInput::Chinese(n) => {
                ["张伟", "王秀英", "梧桐里", "1栋", "", "男"][*n as usize % 6].into()
            }
            CellInput::Text(s) => s.clone(),
            CellInput::Number(n) => n.to_string(),
            CellInput::Float(f) => f.to_string(),
            CellInput::Quoted(s) => format!("\"{s}\""),
            CellInput::Empty => String::new(),
        }
    }
}

impl TableInput {
    fn header(&self) -> Vec<String> {
        let mut cols: Vec<String> = self
            .columns
            .iter()
            .take(16)
            .map(|c| COLUMNS[*c as usize % COLUMNS.len()].to_string())
            .collect();
        if cols.is_empty() || self.columns.first().is_some_and(|c| c % 4 != 0) {
            // Usually a usable header, so the rows get read.
            cols = COLUMNS[..11].iter().map(|s| s.to_string()).collect();
        }
        cols
    }

    fn csv(&self) -> Vec<u8> {
        let nl = if self.crlf { "\r\n" } else { "\n" };
        let mut text = self.header().join(",");
        text.push_str(nl);
        for row in self.rows.iter().take(64) {
            let cells: Vec<String> = row.iter().take(20).map(CellInput::text).collect();
            text.push_str(&cells.join(","));
            text.push_str(nl);
        }
        let mut bytes = Vec::new();
        if self.bom {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        if self.gbk {
            bytes.extend_from_slice(&encoding_rs::GBK.encode(&text).0);
        } else {
            bytes.extend_from_slice(text.as_bytes());
        }
        bytes
    }
}

/// Resident lists as CSV (UTF-8 or GB18030 detected, or forced).
pub fn residents_csv(data: &[u8]) {
    use doorstep_core::assignment::import::{Encoding, read_csv_bytes};
    let mut u = Unstructured::new(data);
    let forced = match u.int_in_range(0..=2u8).unwrap_or(0) {
        0 => None,
        1 => Some(Encoding::Utf8),
        _ => Some(Encoding::Gb18030),
    };
    let bytes = if u.arbitrary::<bool>().unwrap_or(false) {
        match TableInput::arbitrary(&mut u) {
            Ok(t) => t.csv(),
            Err(_) => return,
        }
    } else {
        u.take_rest().to_vec()
    };
    let path = Path::new("fuzz-residents.csv");
    if let Err(e) = read_csv_bytes(path, &bytes, forced) {
        names(&e.to_string(), path);
    }
}

/// Resident lists as XLSX: a workbook written from structured cells (at
/// any position a sheet allows), or raw bytes as a `.xlsx`.
pub fn residents_xlsx(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let bytes = if u.arbitrary::<bool>().unwrap_or(false) {
        let Ok(t) = TableInput::arbitrary(&mut u) else {
            return;
        };
        let far: Option<(u32, u16)> = u.arbitrary().unwrap_or(None);
        let inline = u.arbitrary().unwrap_or(false);
        let lie = u.ratio(1, 8).unwrap_or(false);
        match workbook(&t, far, inline, lie) {
            Some(b) => b,
            None => return,
        }
    } else {
        u.take_rest().to_vec()
    };
    let path = temp_file(".xlsx", &bytes);
    if let Err(e) = doorstep_core::assignment::import::read_residents(&path, None) {
        names(&e.to_string(), &path);
    }
}

/// How far from A1 the one far cell of a generated workbook may be: up to
/// the last cell a sheet has (XFD1048576), which once made `assign` ask for
/// 512 GB (issue 14); the reader now bounds a sheet's size.
const FAR_ROWS: u32 = 1_048_576;
const FAR_COLUMNS: u16 = 16_384;

/// A minimal workbook (the five parts a reader needs), written by hand into
/// a zip: rust_xlsxwriter walks every row up to the last one, so a cell at
/// XFD1048576 cost it a million rows per case and held the fuzzer to about
/// 100 cases a second. Strings go to the shared-string table or inline, as
/// `inline` says; the sheet's `<dimension>` is the true one or, when `lie`,
/// the largest a sheet allows (readers must not trust it).
fn workbook(t: &TableInput, far: Option<(u32, u16)>, inline: bool, lie: bool) -> Option<Vec<u8>> {
    let mut cells: BTreeMap<(u32, u16), Cell> = BTreeMap::new();
    for (c, h) in t.header().iter().enumerate() {
        cells.insert((0, c as u16), Cell::Text(h.clone()));
    }
    for (r, row) in t.rows.iter().take(64).enumerate() {
        for (c, cell) in row.iter().take(20).enumerate() {
            let at = (r as u32 + 1, c as u16);
            match cell {
                CellInput::Number(n) => cells.insert(at, Cell::Number(*n as f64)),
                CellInput::Float(f) => cells.insert(at, Cell::Number(*f)),
                CellInput::Empty => None,
                other => cells.insert(at, Cell::Text(other.text())),
            };
        }
    }
    if let Some((r, c)) = far {
        cells.insert((r % FAR_ROWS, c % FAR_COLUMNS), Cell::Text("far".into()));
    }
    xlsx_bytes(&cells, inline, lie)
}

/// A workbook cell.
enum Cell {
    Text(String),
    Number(f64),
}

/// The `.xlsx` bytes of one sheet holding `cells` (see [`workbook`]).
fn xlsx_bytes(cells: &BTreeMap<(u32, u16), Cell>, inline: bool, lie: bool) -> Option<Vec<u8>> {
    let last = cells
        .keys()
        .fold((0, 0), |(r, c), &(cr, cc)| (r.max(cr), c.max(cc)));
    let dimension = if lie {
        "A1:XFD1048576".to_string()
    } else {
        format!("A1:{}", cell_ref(last.0, last.1))
    };
    let mut shared: Vec<&str> = Vec::new();
    let mut sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>"#
    );
    let mut row_open = None;
    for (&(r, c), cell) in cells {
        if row_open != Some(r) {
            if row_open.is_some() {
                sheet.push_str("</row>");
            }
            sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
            row_open = Some(r);
        }
        let at = cell_ref(r, c);
        match cell {
            Cell::Number(n) => sheet.push_str(&format!(r#"<c r="{at}"><v>{n}</v></c>"#)),
            Cell::Text(s) if inline => sheet.push_str(&format!(
                r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#,
                xml_text(s)
            )),
            Cell::Text(s) => {
                sheet.push_str(&format!(r#"<c r="{at}" t="s"><v>{}</v></c>"#, shared.len()));
                shared.push(s);
            }
        }
    }
    if row_open.is_some() {
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let mut sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">"#,
        shared.len()
    );
    for s in &shared {
        sst.push_str(&format!("<si><t>{}</t></si>", xml_text(s)));
    }
    sst.push_str("</sst>");
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts: [(&str, String); 6] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
            ),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        zip.start_file(name, stored).ok()?;
        zip.write_all(text.as_bytes()).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

/// `A1`-style reference of a zero-based row and column.
fn cell_ref(row: u32, col: u16) -> String {
    let mut letters = Vec::new();
    let mut n = col as u32 + 1;
    while n > 0 {
        n -= 1;
        letters.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// Text as XML character data; characters XML 1.0 cannot hold are dropped,
/// as a spreadsheet program would never write them.
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

// ----- batches ------------------------------------------------------------

#[derive(Arbitrary, Debug)]
enum LineInput {
    Visit {
        id: u8,
        resident: CellInput,
        attempt: i64,
        disposition: u8,
        at: u8,
    },
    Interview {
        id: u8,
        resident: CellInput,
        answers: Vec<(u8, CellInput)>,
        status: u8,
        started: u8,
        ended: u8,
        extra: Option<String>,
    },
    Manifest {
        count: i64,
    },
    Raw(String),
}

const TIMES: &[&str] = &[
    "2026-11-30T09:00:00.000000Z",
    "2026-11-30T10:00:00Z",
    "0000-01-01T00:00:00Z",
    "2026-13-40T99:00:00Z",
    "",
    "yesterday",
];

fn uuid_of(n: u8) -> String {
    format!("0192f0c0-0000-7000-8000-0000000000{n:02x}")
}

impl LineInput {
    fn render(&self) -> String {
        match self {
            LineInput::Visit {
                id,
                resident,
                attempt,
                disposition,
                at,
            } => format!(
                r#"{{"kind":"visit","id":"{}","resident_id":{:?},"attempt":{attempt},"disposition":{:?},"at":"{}","surveyor_id":"S1","device_id":"{}"}}"#,
                uuid_of(*id),
                resident.text(),
                ["1.1", "2.11", "3.1", "x", ""][*disposition as usize % 5],
                TIMES[*at as usize % TIMES.len()],
                uuid_of(0)
            ),
            LineInput::Interview {
                id,
                resident,
                answers,
                status,
                started,
                ended,
                extra,
            } => {
                let answers: Vec<String> = answers
                    .iter()
                    .take(16)
                    .map(|(q, v)| format!("\"q{}\":{:?}", q % 8, v.text()))
                    .collect();
                format!(
                    r#"{{"kind":"interview","id":"{}","resident_id":{:?},"status":{:?},"started_at":"{}","ended_at":"{}","surveyor_id":"S1","device_id":"{}","questionnaire":{{"id":"q","version":"1","content_hash":"00"}},"answers":{{{}}}{}}}"#,
                    uuid_of(*id),
                    resident.text(),
                    ["complete", "partial", "break_off", "??"][*status as usize % 4],
                    TIMES[*started as usize % TIMES.len()],
                    TIMES[*ended as usize % TIMES.len()],
                    uuid_of(0),
                    answers.join(","),
                    extra
                        .as_deref()
                        .map(|e| format!(",{e:?}:1"))
                        .unwrap_or_default()
                )
            }
            LineInput::Manifest { count } => format!(
                r#"{{"format":"doorstep-batch","version":1,"batch_id":"{}","sequence":{count},"counts":{{"visits":{count},"interviews":0,"answers":0}}}}"#,
                uuid_of(1)
            ),
            LineInput::Raw(s) => s.clone(),
        }
    }
}

/// Batch lines one at a time, and whole batch plaintexts (manifest first).
pub fn batch_lines(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let bytes = if u.arbitrary::<bool>().unwrap_or(false) {
        let Ok(lines) = Vec::<LineInput>::arbitrary(&mut u) else {
            return;
        };
        let mut text: String = lines.iter().take(32).map(|l| l.render() + "\n").collect();
        if u.arbitrary::<bool>().unwrap_or(false) {
            text.pop();
        }
        text.into_bytes()
    } else {
        u.take_rest().to_vec()
    };
    for line in bytes.split(|b| *b == b'\n') {
        let _ = doorstep_batch::format::parse_line(line);
    }
    let _ = doorstep_batch::format::parse_batch(&bytes);
}

// ----- keys ------------------------------------------------------------

#[derive(Arbitrary, Debug)]
struct KeyFileInput {
    comment: Option<String>,
    algorithm: [u8; 2],
    body: Vec<u8>,
    right_algorithm: bool,
    trailing: Option<String>,
}

impl KeyFileInput {
    fn render(&self) -> String {
        use base64::Engine as _;
        let mut raw = Vec::new();
        raw.extend_from_slice(if self.right_algorithm {
            b"Ed"
        } else {
            &self.algorithm
        });
        raw.extend_from_slice(&self.body);
        let mut text = String::new();
        if let Some(c) = &self.comment {
            text.push_str("untrusted comment: ");
            text.push_str(c);
            text.push('\n');
        }
        text.push_str(&base64::engine::general_purpose::STANDARD.encode(&raw));
        text.push('\n');
        if let Some(t) = &self.trailing {
            text.push_str(t);
        }
        text
    }
}

/// minisign public and secret key files (the secret one with an empty
/// and with a wrong password).
pub fn minisign_keys(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(text) = text_or(&mut u, |k: KeyFileInput| k.render()) else {
        return;
    };
    let origin = Path::new("fuzz.pub");
    if let Err(e) = doorstep_batch::PublicKey::parse("S1", &text, origin) {
        names(&e.to_string(), origin);
    }
    let origin = Path::new("fuzz.key");
    for password in ["", "password"] {
        if let Err(e) =
            doorstep_batch::SigningKey::parse("S1", &text, origin, |_| Ok(password.into()))
        {
            names(&e.to_string(), origin);
        }
    }
}

#[derive(Arbitrary, Debug)]
struct IdentityInput {
    lines: Vec<IdentityLine>,
}

#[derive(Arbitrary, Debug)]
enum IdentityLine {
    Comment(String),
    Key(Vec<u8>),
    Valid,
    Blank,
}

impl IdentityInput {
    fn render(&self) -> String {
        let mut out = String::new();
        for line in self.lines.iter().take(8) {
            match line {
                IdentityLine::Comment(c) => out.push_str(&format!("# {c}")),
                IdentityLine::Key(b) => {
                    let mut s = String::from("AGE-SECRET-KEY-1");
                    s.extend(
                        b.iter()
                            .take(80)
                            .map(|b| b"qpzry9x8gf2tvdw0s3jn54khce6mua7l"[*b as usize % 32] as char),
                    );
                    out.push_str(&s.to_uppercase());
                }
                IdentityLine::Valid => out.push_str(
                    "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX",
                ),
                IdentityLine::Blank => {}
            }
            out.push('\n');
        }
        out
    }
}

/// age identity files (`--identity`).
pub fn age_identity(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(text) = text_or(&mut u, |i: IdentityInput| i.render()) else {
        return;
    };
    let path = temp_file(".age-identity", text.as_bytes());
    if let Err(e) = doorstep_batch::write::Identities::from_file(&path) {
        names(&e.to_string(), &path);
    }
    let _ = doorstep_batch::parse_recipient(text.trim());
}

// ----- the supervisor's files ------------------------------------------------------------

#[derive(Arbitrary, Debug)]
struct DecisionsInput {
    version: u8,
    decisions: Vec<(u8, bool, Option<String>)>,
    missing: Vec<(u8, i64)>,
    extra: Option<String>,
}

impl DecisionsInput {
    fn render(&self) -> String {
        let decisions: Vec<String> = self
            .decisions
            .iter()
            .take(16)
            .map(|(id, approve, comment)| {
                format!(
                    r#"{{"interview_id":"{}","decision":"{}","comment":{},"decided_at":"2026-11-30T10:00:00Z"}}"#,
                    uuid_of(*id),
                    if *approve { "approved" } else { "rejected" },
                    comment.as_deref().map_or("null".into(), |c| format!("{c:?}"))
                )
            })
            .collect();
        let missing: Vec<String> = self
            .missing
            .iter()
            .take(8)
            .map(|(d, s)| format!(r#"{{"device_id":"{}","sequence":{s}}}"#, uuid_of(*d)))
            .collect();
        format!(
            r#"{{"format":"doorstep-decisions","version":{},"supervisor_id":"SUP","created_at":"2026-11-30T12:00:00Z","decisions":[{}],"missing_batches":[{}]{}}}"#,
            self.version % 3,
            decisions.join(","),
            missing.join(","),
            self.extra
                .as_deref()
                .map(|e| format!(",{e:?}:[]"))
                .unwrap_or_default()
        )
    }
}

/// The supervisor's decisions files, as `assign --decisions` reads them.
pub fn decisions_file(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(text) = text_or(&mut u, |d: DecisionsInput| d.render()) else {
        return;
    };
    let path = Path::new("decisions-SUP-2026-11-30.json");
    if let Err(e) = doorstep_batch::decisions_file::parse(path, text.as_bytes()) {
        names(&e.to_string(), path);
    }
}

#[derive(Arbitrary, Debug)]
struct SettingsInput {
    entries: Vec<(u8, u8)>,
}

const THRESHOLD_KEYS: &[&str] = &[
    "working_hours_start",
    "working_hours_end",
    "utc_offset_hours",
    "min_seconds_per_question",
    "straight_line_min_items",
    "min_overlap_minutes",
    "weight",
    "unknown_key",
];
const CONFIG_KEYS: &[&str] = &["surveyor_id", "ui_language", "office_recipient", "unknown"];

impl SettingsInput {
    fn render(&self, keys: &[&str], u: &mut Unstructured<'_>) -> Result<String> {
        let mut out = String::new();
        for (k, v) in self.entries.iter().take(12) {
            let value = match v % 5 {
                0 => number(u)?,
                1 => "\"09:00\"".into(),
                2 => "\"25:61\"".into(),
                3 => format!("{:?}", name(u)?),
                _ => "[1, 2]".into(),
            };
            out.push_str(&format!("{} = {value}\n", keys[*k as usize % keys.len()]));
        }
        Ok(out)
    }
}

fn settings_text(data: &[u8], keys: &[&str]) -> Option<String> {
    let mut u = Unstructured::new(data);
    if u.arbitrary::<bool>().ok()? {
        let s = SettingsInput::arbitrary(&mut u).ok()?;
        s.render(keys, &mut u).ok()
    } else {
        Some(String::from_utf8_lossy(u.take_rest()).into_owned())
    }
}

/// The review's thresholds file (`--thresholds`).
pub fn thresholds(data: &[u8]) {
    let Some(text) = settings_text(data, THRESHOLD_KEYS) else {
        return;
    };
    let path = temp_file(".thresholds.toml", text.as_bytes());
    if let Err(e) = doorstep_core::flags::Thresholds::load(&path) {
        names(&e, &path);
    }
}

/// The surveyor's config file.
pub fn config(data: &[u8]) {
    let Some(text) = settings_text(data, CONFIG_KEYS) else {
        return;
    };
    let path = Path::new("fuzz-config.toml");
    if let Err(e) = doorstep_store::config::Config::parse(&text, path) {
        names(&e.to_string(), path);
    }
}

// ----- the office's inputs ------------------------------------------------

/// `office.toml`: its sections with known and unknown keys, routes and
/// street overrides, values of every kind (numbers at the limits, `nan`,
/// strings, arrays, inline tables).
#[derive(Arbitrary, Debug)]
struct OfficeSettingsInput {
    sections: Vec<(u8, Vec<(u8, u8)>)>,
    routes: Vec<(u8, Option<u8>)>,
    streets: Vec<(u8, u8)>,
}

const OFFICE_SECTIONS: &[(&str, &[&str])] = &[
    ("ingest", &["count", "unknown"]),
    (
        "sample",
        &[
            "exclude_quarters",
            "index_sd",
            "design_effect",
            "response_rate",
        ],
    ),
    (
        "scores",
        &[
            "calibration",
            "channels",
            "dimension_weights",
            "min_n",
            "annual",
            "rank_shrunk",
            "bootstrap_draws",
            "seed",
        ],
    ),
    ("orders", &["default_department", "default_deadline_days"]),
    (
        "orders.questions",
        &[
            "trigger", "category", "location", "text", "consent", "phone",
        ],
    ),
    ("nonsense", &["x"]),
];

fn office_value(u: &mut Unstructured<'_>, v: u8) -> Result<String> {
    Ok(match v % 9 {
        0 => number(u)?,
        1 => format!("{:?}", name(u)?),
        2 => "\"approved_and_undecided\"".into(),
        3 => "[\"age_group\", \"gender\"]".into(),
        4 => format!(
            "{{ home_visit = {}, phone = {}, online = {} }}",
            number(u)?,
            number(u)?,
            number(u)?
        ),
        5 => "true".into(),
        6 => "{}".into(),
        7 => format!("{{ {} = {} }}", name(u)?, number(u)?),
        _ => "\"by_interviews\"".into(),
    })
}

impl OfficeSettingsInput {
    fn render(&self, u: &mut Unstructured<'_>) -> Result<String> {
        let mut out = String::new();
        for (section, entries) in self.sections.iter().take(8) {
            let (title, keys) = OFFICE_SECTIONS[*section as usize % OFFICE_SECTIONS.len()];
            out.push_str(&format!("[{title}]\n"));
            for (k, v) in entries.iter().take(10) {
                let key = keys[*k as usize % keys.len()];
                out.push_str(&format!("{key} = {}\n", office_value(u, *v)?));
            }
        }
        for (category, days) in self.routes.iter().take(6) {
            out.push_str(&format!(
                "[orders.categories.{}]\ndepartment = {:?}\n",
                name(u)?,
                ["城管科", "", "派出所"][*category as usize % 3]
            ));
            if let Some(d) = days {
                out.push_str(&format!("deadline_days = {}\n", office_value(u, *d)?));
            }
        }
        for (street, category) in self.streets.iter().take(6) {
            out.push_str(&format!(
                "[[orders.streets]]\nstreet = {:?}\ncategory = {:?}\ndepartment = \"所\"\n",
                ["玄武街道", "", "x"][*street as usize % 3],
                ["environment", "safety", ""][*category as usize % 3]
            ));
        }
        Ok(out)
    }
}

/// The office's settings (`office.toml`).
pub fn office_settings(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let text = if u.arbitrary::<bool>().unwrap_or(false) {
        let Ok(s) = OfficeSettingsInput::arbitrary(&mut u) else {
            return;
        };
        match s.render(&mut u) {
            Ok(t) => t,
            Err(_) => return,
        }
    } else {
        String::from_utf8_lossy(u.take_rest()).into_owned()
    };
    let path = Path::new("fuzz-office.toml");
    if let Err(e) = doorstep_office::settings::Settings::parse(&text, path) {
        names(&e.to_string(), path);
    }
}

/// The surveyors file of `office sample` (surveyor_id,community): known
/// and odd headers, ids that are not ids, a community given twice, blank
/// cells, quotes and odd bytes.
pub fn surveyors_file(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let bytes = if u.arbitrary::<bool>().unwrap_or(false) {
        let Ok(rows) = Vec::<(u8, CellInput)>::arbitrary(&mut u) else {
            return;
        };
        let header = [
            "surveyor_id,community",
            "community,surveyor_id",
            "surveyor_id",
            "\u{feff}surveyor_id,community,extra",
        ][rows.len() % 4];
        let mut text = format!("{header}\n");
        for (s, c) in rows.iter().take(64) {
            let id = ["S1", "S2", "", "../x", "S 1", "张"][*s as usize % 6];
            text.push_str(&format!("{id},{}\n", c.text()));
        }
        text.into_bytes()
    } else {
        u.take_rest().to_vec()
    };
    let path = temp_file(".surveyors.csv", &bytes);
    if let Err(e) = doorstep_office::sample::read_surveyors(&path) {
        names(&e.to_string(), &path);
    }
}

/// Columns an online export may have: the fixed ones, the calibration
/// variables, questions of every type of the bundled questionnaire, a
/// question in a repeat, a note, unknown names.
const ONLINE_COLUMNS: &[&str] = &[
    "respondent_id",
    "community",
    "submitted_at",
    "age_group",
    "register.gender",
    "consent",
    "gender",
    "respondent_age_group",
    "years_in_community",
    "household_size",
    "service_needs",
    "member_age_group",
    "env_garbage_sorting",
    "safety_patrol",
    "property_repair",
    "workers_attitude",
    "overall_satisfaction",
    "has_complaint",
    "complaint_category",
    "complaint_detail",
    "callback_phone",
    "intro_note",
    "no_such_question",
    "",
];

/// Cell values an online export holds: option codes, ratings, special
/// responses, times, and whatever else `CellInput` makes.
fn online_cell(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=11)? {
        0 => u.int_in_range(-1..=7i64)?.to_string(),
        1 => pick(u, &["yes", "no", "true", "1", "0"])?.into(),
        2 => pick(u, &["m", "f", "18-34", "35-59", "60+"])?.into(),
        3 => pick(u, &["dont_know", "refused", "not_applicable", "DK"])?.into(),
        4 => pick(u, &["environment", "safety", "other", "environment safety"])?.into(),
        5 => pick(
            u,
            &[
                "2026-11-30T09:00:00+08:00",
                "2026-11-30 09:00",
                "2026-02-30T25:00:00Z",
                "",
            ],
        )?
        .into(),
        6 => pick(u, &["翠竹", "梧桐里社区", "R001", "R002"])?.into(),
        7 => number(u)?,
        _ => CellInput::arbitrary(u)?.text(),
    })
}

thread_local! {
    /// One office database per fuzzing thread, kept across cases: imports
    /// that succeed stay, so later cases meet "already imported" and
    /// conflicts too.
    static ONLINE_DB: std::cell::RefCell<Option<(doorstep_office::Db, doorstep_core::questionnaire::Questionnaire)>> =
        const { std::cell::RefCell::new(None) };
}

/// An online (or phone-centre) export for `office import-online`, checked
/// against the bundled questionnaire and imported into a SQLite office.
pub fn online_export(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let xlsx = u.ratio(1, 8).unwrap_or(false);
    let bytes = if u.arbitrary::<bool>().unwrap_or(false) {
        let (Ok(columns), Ok(n)) = (Vec::<u8>::arbitrary(&mut u), u.int_in_range(0..=12usize))
        else {
            return;
        };
        // Usually the two required columns first, so rows get checked.
        let mut header: Vec<&str> = if columns.first().is_some_and(|c| c % 8 != 0) {
            vec!["respondent_id", "community"]
        } else {
            Vec::new()
        };
        for c in columns.iter().take(24) {
            let name = ONLINE_COLUMNS[*c as usize % ONLINE_COLUMNS.len()];
            if !header.contains(&name) || columns.len() % 5 == 0 {
                header.push(name);
            }
        }
        let mut table = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
        for r in 0..n {
            let mut row = Vec::new();
            for name in &header {
                let cell = match *name {
                    "respondent_id" if r % 7 != 6 => Ok(format!("W{:03}", r % 5)),
                    "community" if r % 7 != 5 => Ok("翠竹".to_string()),
                    _ => online_cell(&mut u),
                };
                match cell {
                    Ok(c) => row.push(c),
                    Err(_) => return,
                }
            }
            table.push(row);
        }
        if xlsx {
            match grid_workbook(&table, n % 2 == 0) {
                Some(b) => b,
                None => return,
            }
        } else {
            let mut w = csv::Writer::from_writer(Vec::new());
            for row in &table {
                if w.write_record(row).is_err() {
                    return;
                }
            }
            match w.into_inner() {
                Ok(b) => b,
                Err(_) => return,
            }
        }
    } else {
        u.take_rest().to_vec()
    };
    let path = temp_file(if xlsx { ".online.xlsx" } else { ".online.csv" }, &bytes);
    ONLINE_DB.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let file = std::env::temp_dir().join(format!(
                "doorstep-fuzz-{}/office-{:?}.sqlite3",
                std::process::id(),
                std::thread::current().id()
            ));
            let mut db = doorstep_office::Db::open(&doorstep_office::DbSpec::parse(
                &file.display().to_string(),
            ))
            .expect("the fuzz office database");
            // A register, so that rows of its community get past that check.
            let register = file.with_extension("register.csv");
            std::fs::write(
                &register,
                "resident_id,name,address,community,street,district,age_group,gender\n\
                 R1,某,1号,翠竹,玄武街道,玄武区,18-34,m\nR2,某,2号,翠竹,玄武街道,玄武区,60+,f\n",
            )
            .expect("the fuzz register");
            let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date");
            doorstep_office::register::load(&mut db, &register, None, day)
                .expect("the fuzz register loads");
            let q = doorstep_store::demo::questionnaire().expect("the bundled questionnaire");
            *slot = Some((db, q));
        }
        let (db, q) = slot.as_mut().expect("opened above");
        let calibration = ["age_group".to_string(), "gender".to_string()];
        let opts = doorstep_office::online::OnlineOptions {
            channel: doorstep_office::online::Channel::Online,
            quarter: "2026Q4".parse().expect("a quarter"),
            questionnaire: q,
            calibration: &calibration,
            encoding: None,
        };
        if let Err(e) = doorstep_office::online::import(db, &path, &opts) {
            let text = e.to_string();
            // A database error is the office's, not the file's.
            if !text.starts_with("office database") {
                names(&text, &path);
            }
        }
    });
}

/// A workbook of `rows` (the first row the header); numbers as numbers.
fn grid_workbook(rows: &[Vec<String>], inline: bool) -> Option<Vec<u8>> {
    let mut cells: BTreeMap<(u32, u16), Cell> = BTreeMap::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate().take(64) {
            let cell = match text.parse::<f64>() {
                Ok(n) if r > 0 && n.is_finite() => Cell::Number(n),
                _ => Cell::Text(text.clone()),
            };
            cells.insert((r as u32, c as u16), cell);
        }
    }
    xlsx_bytes(&cells, inline, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written workbook is one the reader reads, in both string
    /// styles and with a lying dimension: otherwise the target would only
    /// ever fuzz the reader's error paths.
    #[test]
    fn a_generated_workbook_reads_back() {
        let row = |n: u16| {
            vec![
                CellInput::Id(n),
                CellInput::Chinese(0),
                CellInput::Text("幸福路 1号".into()),
                CellInput::Chinese(2),
                CellInput::Number(3),
                CellInput::Chinese(3),
                CellInput::Empty,
                CellInput::Number(301),
                CellInput::Empty,
                CellInput::Text("35-44".into()),
                CellInput::Chinese(5),
            ]
        };
        let table = TableInput {
            columns: vec![],
            rows: vec![row(1), row(2), row(3)],
            gbk: false,
            bom: false,
            crlf: false,
        };
        for (inline, lie) in [(false, false), (true, false), (false, true)] {
            let bytes = workbook(&table, None, inline, lie).expect("a workbook");
            let path = temp_file(".xlsx", &bytes);
            let report = doorstep_core::assignment::import::read_residents(&path, None)
                .unwrap_or_else(|e| panic!("inline {inline}, lie {lie}: {e}"));
            assert_eq!(report.residents.len(), 3, "inline {inline}, lie {lie}");
            assert!(report.problems.is_empty(), "{:?}", report.problems);
        }
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_ref(9, 26), "AA10");
    }
}
