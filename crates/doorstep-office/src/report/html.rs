//! `report.html`: the report through the template
//! `templates/report.html` (minijinja, auto-escaping on for `.html`):
//! community, street and department names are data from files the office
//! does not control, so every value is escaped; the charts are drawn by the
//! template from [`super::charts`] geometry. Self-contained: inline CSS and
//! SVG, no script, a Content-Security-Policy that forbids loading anything.

use minijinja::Environment;
use serde::Serialize;

use super::text::t;
use super::{Cell, Chart, Report};
use crate::OfficeError;

const TEMPLATE: &str = include_str!("../../templates/report.html");

#[derive(Serialize)]
struct CellView {
    t: String,
    n: bool,
}

#[derive(Serialize)]
struct TableView<'a> {
    id: &'a str,
    title: &'a str,
    columns: &'a [String],
    rows: Vec<Vec<CellView>>,
}

#[derive(Serialize)]
struct Words {
    generated: &'static str,
    contents: &'static str,
    charts: &'static str,
    no_rows: &'static str,
}

#[derive(Serialize)]
struct Page<'a> {
    lang: &'a str,
    title: &'a str,
    run_id: i64,
    settings_hash: &'a str,
    words: Words,
    tables: Vec<TableView<'a>>,
    charts: &'a [Chart],
}

fn view(c: &Cell) -> CellView {
    CellView {
        t: c.display(),
        n: c.is_number(),
    }
}

/// The page as text.
pub fn render(report: &Report) -> Result<String, OfficeError> {
    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| OfficeError::Invalid(format!("report template: {e}")))?;
    let lang = report.lang;
    let page = Page {
        lang: lang.code(),
        title: &report.title,
        run_id: report.run_id,
        settings_hash: &report.settings_hash,
        words: Words {
            generated: t(lang, "generated"),
            contents: t(lang, "contents"),
            charts: t(lang, "charts"),
            no_rows: t(lang, "no_rows"),
        },
        tables: report
            .tables
            .iter()
            .map(|tb| TableView {
                id: tb.id,
                title: &tb.title,
                columns: &tb.columns,
                rows: tb
                    .rows
                    .iter()
                    .map(|r| r.iter().map(view).collect())
                    .collect(),
            })
            .collect(),
        charts: &report.charts,
    };
    env.get_template("report.html")
        .and_then(|tmpl| tmpl.render(minijinja::value::Serde(&page)))
        .map_err(|e| OfficeError::Invalid(format!("report template: {e}")))
}
