//! `office report`: the assessment as officials read it. [`build`] turns a
//! scoring run, the sample's outcomes and the work orders into a
//! [`Report`]: plain tables (the same ones in every format) and charts as
//! geometry. [`html`] renders them through a template (auto-escaped: names
//! are data and data is hostile), [`xlsx`] as a workbook, [`csv`] as one
//! file per table. The files: `docs/office.md`.

pub mod charts;
pub mod csv;
pub mod html;
pub mod queries;
pub mod text;
pub mod xlsx;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use doorstep_core::assessment::{
    COMBINED, INDEX, Level, Quarter, RankSettings, Ranked, Row, StreetWeighting,
    importance_performance_of, rank, street_scores, weakest,
};
use doorstep_core::estimate::rank_intervals;
use doorstep_core::questionnaire::Questionnaire;
use doorstep_core::scoring::{ResponseRates, response_rates};
use serde::Serialize;

use crate::OfficeError;
use crate::scores::{CountedInterview, ScoreRun};
use crate::settings::Settings;
pub use charts::Chart;
pub use queries::{OrderFacts, SampledCase};
pub use text::Lang;
use text::t;

/// One cell of a table. Numbers stay numbers (the workbook formats them;
/// CSV writes them in full).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A value with the decimals to show.
    Num(f64, u8),
    /// A share, 0–1, shown as a percentage.
    Pct(f64),
    Empty,
}

impl Cell {
    fn opt(v: Option<f64>, decimals: u8) -> Cell {
        v.filter(|v| v.is_finite())
            .map_or(Cell::Empty, |v| Cell::Num(v, decimals))
    }

    fn pct(v: Option<f64>) -> Cell {
        v.filter(|v| v.is_finite()).map_or(Cell::Empty, Cell::Pct)
    }

    fn text(s: &str) -> Cell {
        Cell::Text(clean(s))
    }

    /// As shown on a page.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(v, d) => format!("{v:.*}", usize::from(*d)),
            Cell::Pct(v) => format!("{:.1}%", v * 100.0),
            Cell::Empty => String::new(),
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Num(..) | Cell::Pct(_))
    }
}

/// A table of the report: the same in the page, the workbook and the CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The CSV file's stem and the page anchor.
    pub id: &'static str,
    pub title: String,
    /// The workbook's sheet name.
    pub sheet: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The report, ready to render.
#[derive(Debug, Clone)]
pub struct Report {
    pub lang: Lang,
    pub title: String,
    pub period: String,
    pub run_id: i64,
    pub settings_hash: String,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
}

impl Report {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// Control characters (terminal escape sequences among them) out of data
/// before it reaches any output; the template escapes the rest.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// What the report is made of.
pub struct Input<'a> {
    pub run: &'a ScoreRun,
    /// The quarters of the period (a year: its four; a quarter: itself).
    pub quarters: Vec<Quarter>,
    pub settings: &'a Settings,
    pub questionnaires: &'a [Questionnaire],
    pub cases: &'a [SampledCase],
    pub orders: &'a [OrderFacts],
    /// Register residents per community on the period's last day (what
    /// `street_weighting = "population"` weighs by; else may be empty).
    pub population: &'a BTreeMap<String, f64>,
    /// Now, RFC 3339: orders past their deadline are due.
    pub now: &'a str,
    pub lang: Lang,
}

/// How the report ranks: the scoring settings' draws and seed.
pub fn rank_settings(settings: &Settings) -> RankSettings {
    RankSettings {
        shrunk: settings.scores.rank_shrunk,
        draws: settings.scores.bootstrap_draws,
        seed: settings.scores.seed,
        ..RankSettings::default()
    }
}

/// A street's figure: its communities' combined index made into one
/// (`[scores] street_weighting`: the plain mean, or weighted by register
/// population), SE √(Σ wᵢ² SEᵢ²) (communities' samples are independent),
/// ranked with intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreetFigure {
    pub street: String,
    pub communities: usize,
    pub n: usize,
    pub score: f64,
    pub se: f64,
    pub rank: usize,
    pub rank_low: usize,
    pub rank_high: usize,
    pub grade: String,
}

pub fn street_figures(
    rows: &[&Row],
    weighting: StreetWeighting,
    population: &BTreeMap<String, f64>,
    rs: &RankSettings,
) -> Vec<StreetFigure> {
    let streets = street_scores(rows, weighting, population);
    let scored: Vec<(f64, f64)> = streets.iter().map(|s| (s.score, s.se)).collect();
    let ranks = rank_intervals(&scored, rs.draws, rs.level, rs.seed);
    let mut out: Vec<StreetFigure> = streets
        .into_iter()
        .zip(ranks)
        .map(|(s, rk)| StreetFigure {
            grade: rs.grades.grade(s.score).to_string(),
            street: s.street,
            communities: s.communities,
            n: s.n,
            score: s.score,
            se: s.se,
            rank: rk.rank,
            rank_low: rk.low,
            rank_high: rk.high,
        })
        .collect();
    out.sort_by(|a, b| a.rank.cmp(&b.rank).then(a.street.cmp(&b.street)));
    out
}

/// The labels of dimensions and items, in the report's language.
struct Labels {
    dimensions: BTreeMap<String, String>,
    items: BTreeMap<String, String>,
    /// Dimension order as the questionnaire declares it.
    order: Vec<String>,
}

fn labels(qs: &[Questionnaire], lang: Lang) -> Labels {
    let code = lang.code();
    let mut l = Labels {
        dimensions: BTreeMap::new(),
        items: BTreeMap::new(),
        order: Vec::new(),
    };
    for q in qs {
        for d in &q.dimensions {
            if !l.dimensions.contains_key(&d.id) {
                l.order.push(d.id.clone());
            }
            l.dimensions
                .entry(d.id.clone())
                .or_insert_with(|| d.label.get(code).to_string());
        }
        for question in &q.questions {
            l.items
                .entry(question.id.clone())
                .or_insert_with(|| question.label.get(code).to_string());
        }
    }
    l
}

fn grade_text(grade: &str, lang: Lang) -> String {
    if lang == Lang::Zh {
        return grade.to_string();
    }
    match grade {
        "优秀" => "excellent",
        "良好" => "good",
        "尚可" => "fair",
        "一般" => "average",
        "较差" => "poor",
        other => other,
    }
    .to_string()
}

fn yes_no(b: bool, lang: Lang) -> Cell {
    Cell::Text(t(lang, if b { "yes" } else { "no" }).to_string())
}

/// Builds the report.
pub fn build(input: &Input) -> Report {
    let lang = input.lang;
    let run = input.run;
    let a = &run.assessment;
    let label = run.period.as_str();
    let rs = rank_settings(input.settings);
    let labels = labels(input.questionnaires, lang);
    let combined: Vec<&Row> = a
        .rows
        .iter()
        .filter(|r| r.period == label && r.channel == COMBINED && r.measure == INDEX)
        .collect();
    let weighting = input.settings.scores.street_weighting;
    // The three rankings (each with its bootstrap) are independent: one
    // thread each.
    let (city, street_ranks, streets) = std::thread::scope(|scope| {
        let in_streets = scope.spawn(|| rank(a, label, Level::Street, &rs));
        let streets = scope.spawn(|| street_figures(&combined, weighting, input.population, &rs));
        let city = rank(a, label, Level::City, &rs);
        (city, joined(in_streets), joined(streets))
    });
    let in_street: BTreeMap<&str, &Ranked> = street_ranks
        .iter()
        .map(|r| (r.community.as_str(), r))
        .collect();
    let rows_by_community: BTreeMap<&str, &Row> = combined
        .iter()
        .map(|r| (r.community.as_str(), *r))
        .collect();
    let quarter_labels: BTreeSet<String> = input.quarters.iter().map(|q| q.to_string()).collect();
    let in_period = |quarter: &str| quarter_labels.contains(quarter);

    let mut tables = Vec::new();

    // Street ranking.
    tables.push(Table {
        id: "street_ranking",
        title: t(lang, "street_ranking").into(),
        sheet: t(lang, "sheet_streets").into(),
        columns: cols(
            lang,
            &[
                "rank",
                "rank_low",
                "rank_high",
                "street",
                "score",
                "se",
                "grade",
                "communities",
                "n",
            ],
        ),
        rows: streets
            .iter()
            .map(|s| {
                vec![
                    Cell::Int(s.rank as i64),
                    Cell::Int(s.rank_low as i64),
                    Cell::Int(s.rank_high as i64),
                    Cell::text(&s.street),
                    Cell::Num(s.score, 1),
                    Cell::Num(s.se, 2),
                    Cell::Text(grade_text(&s.grade, lang)),
                    Cell::Int(s.communities as i64),
                    Cell::Int(s.n as i64),
                ]
            })
            .collect(),
    });

    // Community ranking (city), with the place in the street.
    tables.push(Table {
        id: "community_ranking",
        title: t(lang, "community_ranking").into(),
        sheet: t(lang, "sheet_communities").into(),
        columns: cols(
            lang,
            &[
                "rank",
                "rank_low",
                "rank_high",
                "rank_in_street",
                "community",
                "street",
                "score",
                "se",
                "ci_low",
                "ci_high",
                "grade",
                "change",
                "change_significant",
                "n",
                "n_eff",
                "small",
                "shrunk",
                "shrunk_se",
            ],
        ),
        rows: city
            .iter()
            .map(|r| {
                let row = rows_by_community.get(r.community.as_str());
                let street = in_street.get(r.community.as_str());
                vec![
                    Cell::Int(r.rank as i64),
                    Cell::Int(r.rank_low as i64),
                    Cell::Int(r.rank_high as i64),
                    street.map_or(Cell::Empty, |s| {
                        Cell::Text(format!("{} [{}–{}]", s.rank, s.rank_low, s.rank_high))
                    }),
                    Cell::text(&r.community),
                    row.map_or(Cell::Empty, |x| Cell::text(&x.street)),
                    Cell::Num(r.score, 1),
                    Cell::Num(r.se, 2),
                    Cell::opt(row.map(|x| x.ci_low), 1),
                    Cell::opt(row.map(|x| x.ci_high), 1),
                    Cell::Text(grade_text(&r.grade, lang)),
                    Cell::opt(r.change, 1),
                    r.change_significant
                        .map_or(Cell::Empty, |b| yes_no(b, lang)),
                    Cell::Int(row.map_or(0, |x| x.n as i64)),
                    Cell::opt(row.map(|x| x.n_eff), 1),
                    yes_no(row.is_some_and(|x| x.small), lang),
                    Cell::opt(row.and_then(|x| x.shrunk), 1),
                    Cell::opt(row.and_then(|x| x.shrunk_se), 2),
                ]
            })
            .collect(),
    });

    // Dimension scores by community (combined channels).
    let dims: Vec<String> = {
        let present: BTreeSet<&str> = a
            .rows
            .iter()
            .filter(|r| r.period == label && r.channel == COMBINED && r.measure != INDEX)
            .map(|r| r.measure.as_str())
            .collect();
        let mut d: Vec<String> = labels
            .order
            .iter()
            .filter(|d| present.contains(d.as_str()))
            .cloned()
            .collect();
        d.extend(
            present
                .iter()
                .filter(|p| !labels.order.iter().any(|o| o == *p))
                .map(|p| p.to_string()),
        );
        d
    };
    let dim_label = |d: &str| clean(labels.dimensions.get(d).map_or(d, String::as_str));
    let mut dim_values: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for r in &a.rows {
        if r.period == label && r.channel == COMBINED && r.measure != INDEX {
            dim_values.insert((r.community.as_str(), r.measure.as_str()), r.estimate);
        }
    }
    let ranked_communities: Vec<(&str, &str)> = city
        .iter()
        .map(|r| {
            (
                r.community.as_str(),
                rows_by_community
                    .get(r.community.as_str())
                    .map_or("", |x| x.street.as_str()),
            )
        })
        .collect();
    let mut dim_columns = cols(lang, &["community", "street", "score"]);
    dim_columns.extend(dims.iter().map(|d| dim_label(d)));
    tables.push(Table {
        id: "dimensions",
        title: t(lang, "dimensions").into(),
        sheet: t(lang, "sheet_dimensions").into(),
        columns: dim_columns,
        rows: ranked_communities
            .iter()
            .map(|(c, street)| {
                let mut row = vec![
                    Cell::text(c),
                    Cell::text(street),
                    Cell::opt(rows_by_community.get(c).map(|r| r.estimate), 1),
                ];
                row.extend(
                    dims.iter()
                        .map(|d| Cell::opt(dim_values.get(&(*c, d.as_str())).copied(), 1)),
                );
                row
            })
            .collect(),
    });

    // Changes from the quarter before (combined index).
    let mut changes: Vec<_> = a
        .changes
        .iter()
        .filter(|c| c.channel == COMBINED && c.measure == INDEX && in_period(&c.period))
        .collect();
    changes.sort_by(|x, y| x.period.cmp(&y.period).then(x.community.cmp(&y.community)));
    tables.push(Table {
        id: "changes",
        title: t(lang, "changes").into(),
        sheet: t(lang, "sheet_changes").into(),
        columns: cols(
            lang,
            &["quarter", "community", "change", "se", "change_significant"],
        ),
        rows: changes
            .iter()
            .map(|c| {
                vec![
                    Cell::text(&c.period),
                    Cell::text(&c.community),
                    Cell::Num(c.change, 1),
                    Cell::Num(c.se, 2),
                    yes_no(c.significant, lang),
                ]
            })
            .collect(),
    });

    // Items: the three weakest per community; importance–performance.
    let mut per_community: BTreeMap<&str, Vec<(CountedInterview, f64, f64)>> = BTreeMap::new();
    let mut all_scored = Vec::new();
    for i in run.interviews.iter() {
        let (Some(index), Some(weight)) = (i.index(), i.weight()) else {
            continue;
        };
        if !input.quarters.contains(&i.quarter()) || i.items().next().is_none() {
            continue;
        }
        per_community
            .entry(i.community())
            .or_default()
            .push((i, index, weight));
        all_scored.push((i, index, weight));
    }
    let figures_of = |scored: &[(CountedInterview, f64, f64)]| {
        importance_performance_of(scored.iter().map(|(i, x, w)| (i.items(), *x, *w)))
    };
    let item_label = |id: &str| clean(labels.items.get(id).map_or(id, String::as_str));
    // The city's figures on another thread while the communities' are
    // made here.
    let (weak_rows, city_figures) = std::thread::scope(|scope| {
        let city_figures = scope.spawn(|| figures_of(&all_scored));
        let mut weak_rows = Vec::new();
        for (c, _) in &ranked_communities {
            let Some(scored) = per_community.get(c) else {
                continue;
            };
            let figures = figures_of(scored);
            for (k, f) in weakest(&figures, 3).into_iter().enumerate() {
                weak_rows.push(vec![
                    Cell::text(c),
                    Cell::Int(k as i64 + 1),
                    Cell::text(&f.item),
                    Cell::Text(item_label(&f.item)),
                    Cell::Num(f.score, 1),
                    Cell::Int(f.n as i64),
                ]);
            }
        }
        (weak_rows, joined(city_figures))
    });
    tables.push(Table {
        id: "weakest_items",
        title: t(lang, "weakest_items").into(),
        sheet: t(lang, "sheet_weakest").into(),
        columns: cols(lang, &["community", "place", "item", "label", "score", "n"]),
        rows: weak_rows,
    });
    let mean_score = mean(city_figures.iter().map(|f| f.score));
    let mean_importance = mean(city_figures.iter().filter_map(|f| f.importance));
    tables.push(Table {
        id: "importance",
        title: t(lang, "importance").into(),
        sheet: t(lang, "sheet_importance").into(),
        columns: cols(
            lang,
            &["item", "label", "score", "importance_col", "quadrant", "n"],
        ),
        rows: city_figures
            .iter()
            .map(|f| {
                let quadrant = match (f.importance, mean_score, mean_importance) {
                    (Some(i), Some(ms), Some(mi)) => t(
                        lang,
                        match (i >= mi, f.score >= ms) {
                            (true, false) => "q_fix_first",
                            (true, true) => "q_keep_up",
                            (false, false) => "q_low_priority",
                            (false, true) => "q_possible_overkill",
                        },
                    ),
                    _ => "",
                };
                vec![
                    Cell::text(&f.item),
                    Cell::Text(item_label(&f.item)),
                    Cell::Num(f.score, 1),
                    Cell::opt(f.importance, 3),
                    Cell::Text(quadrant.into()),
                    Cell::Int(f.n as i64),
                ]
            })
            .collect(),
    });

    // Participation.
    let rates_rows = |key: &dyn Fn(&SampledCase) -> String| {
        let mut groups: BTreeMap<
            (String, String),
            Vec<Option<doorstep_core::assignment::Disposition>>,
        > = BTreeMap::new();
        for c in input.cases {
            groups
                .entry((c.quarter.to_string(), key(c)))
                .or_default()
                .push(c.outcome);
        }
        groups
            .into_iter()
            .map(|((q, g), finals)| {
                let r = response_rates(finals.iter().copied());
                (q, g, finals.len(), r)
            })
            .collect::<Vec<_>>()
    };
    let rate_cells = |q: &str, g: &str, n: usize, r: &ResponseRates| {
        vec![
            Cell::text(q),
            Cell::text(g),
            Cell::Int(n as i64),
            Cell::Int(r.complete as i64),
            Cell::Int(r.refusal as i64),
            Cell::Int(r.non_contact as i64),
            Cell::Int(r.unknown as i64),
            Cell::Int(r.ineligible as i64),
            Cell::pct(r.rr1),
            Cell::pct(r.rr3),
        ]
    };
    let part_cols = |group: &str| {
        cols(
            lang,
            &[
                "quarter",
                group,
                "sampled",
                "complete",
                "refusal",
                "non_contact",
                "unknown",
                "ineligible",
                "rr1",
                "rr3",
            ],
        )
    };
    let by_community = rates_rows(&|c| c.community.clone());
    let by_stratum = rates_rows(&|c| c.stratum.clone());
    tables.push(Table {
        id: "participation_community",
        title: t(lang, "participation_community").into(),
        sheet: t(lang, "sheet_part_community").into(),
        columns: part_cols("community"),
        rows: by_community
            .iter()
            .map(|(q, g, n, r)| rate_cells(q, g, *n, r))
            .collect(),
    });
    tables.push(Table {
        id: "participation_stratum",
        title: t(lang, "participation_stratum").into(),
        sheet: t(lang, "sheet_part_stratum").into(),
        columns: part_cols("stratum"),
        rows: by_stratum
            .iter()
            .map(|(q, g, n, r)| rate_cells(q, g, *n, r))
            .collect(),
    });

    // Mode differences: each channel's index, and its difference from
    // home visits.
    let channels: Vec<String> = {
        let mut c: Vec<String> = input.settings.scores.channels.keys().cloned().collect();
        c.sort_by_key(|c| (c != "home_visit", c.clone()));
        c
    };
    let mut by_channel: BTreeMap<(&str, &str), &Row> = BTreeMap::new();
    for r in &a.rows {
        if r.period == label && r.measure == INDEX && r.channel != COMBINED {
            by_channel.insert((r.community.as_str(), r.channel.as_str()), r);
        }
    }
    let mut mode_columns = cols(lang, &["community"]);
    for c in &channels {
        mode_columns.push(format!("{} ({})", t(lang, "score"), channel_text(c, lang)));
    }
    for c in channels.iter().skip(1) {
        mode_columns.push(format!(
            "{} − {}",
            channel_text(c, lang),
            channel_text(&channels[0], lang)
        ));
    }
    let mode_row = |name: Cell, value: &dyn Fn(&str) -> Option<f64>| {
        let mut row = vec![name];
        let values: Vec<Option<f64>> = channels.iter().map(|c| value(c)).collect();
        row.extend(values.iter().map(|v| Cell::opt(*v, 1)));
        for v in values.iter().skip(1) {
            row.push(Cell::opt(v.zip(values[0]).map(|(x, y)| x - y), 1));
        }
        row
    };
    let mut mode_rows = vec![mode_row(Cell::Text(t(lang, "city_mean").into()), &|ch| {
        mean(
            by_channel
                .iter()
                .filter(|((_, c), _)| *c == ch)
                .map(|(_, r)| r.estimate),
        )
    })];
    for (c, _) in &ranked_communities {
        mode_rows.push(mode_row(Cell::text(c), &|ch| {
            by_channel.get(&(*c, ch)).map(|r| r.estimate)
        }));
    }
    tables.push(Table {
        id: "modes",
        title: t(lang, "modes").into(),
        sheet: t(lang, "sheet_modes").into(),
        columns: mode_columns,
        rows: mode_rows,
    });

    // Rectification.
    let mut by_state: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut by_department: BTreeMap<&str, Vec<&OrderFacts>> = BTreeMap::new();
    for o in input.orders {
        *by_state
            .entry((o.department.as_str(), o.status.as_str()))
            .or_default() += 1;
        by_department
            .entry(o.department.as_str())
            .or_default()
            .push(o);
    }
    let departments: Vec<&str> = by_department.keys().copied().collect();
    tables.push(Table {
        id: "orders",
        title: t(lang, "orders").into(),
        sheet: t(lang, "sheet_orders").into(),
        columns: cols(lang, &["department", "state", "order_count"]),
        rows: by_state
            .iter()
            .map(|((d, s), n)| {
                vec![
                    Cell::text(d),
                    Cell::Text(state_text(s, lang)),
                    Cell::Int(*n as i64),
                ]
            })
            .collect(),
    });
    let rect = |orders: &[&OrderFacts]| rectification(orders, input.now);
    let mut rect_rows: Vec<Vec<Cell>> = by_department
        .iter()
        .map(|(d, orders)| rect(orders).cells(Cell::text(d)))
        .collect();
    let all_orders: Vec<&OrderFacts> = input.orders.iter().collect();
    rect_rows.push(rect(&all_orders).cells(Cell::Text(t(lang, "all").into())));
    tables.push(Table {
        id: "rectification",
        title: t(lang, "rectification").into(),
        sheet: t(lang, "sheet_rectification").into(),
        columns: cols(
            lang,
            &[
                "department",
                "order_count",
                "open",
                "overdue",
                "on_time_rate",
                "substantiated_share",
                "satisfied_share",
            ],
        ),
        rows: rect_rows,
    });

    // Summary, first.
    let city_mean = mean(combined.iter().map(|r| r.estimate));
    let counted = run
        .interviews
        .iter()
        .filter(|i| input.quarters.contains(&i.quarter()))
        .count();
    let all_rates = response_rates(input.cases.iter().map(|c| c.outcome));
    let significant = changes.iter().filter(|c| c.significant).count();
    let summary: Vec<(&str, Cell)> = vec![
        ("period", Cell::text(label)),
        ("communities", Cell::Int(combined.len() as i64)),
        ("streets", Cell::Int(streets.len() as i64)),
        ("interviews", Cell::Int(counted as i64)),
        ("city_mean", Cell::opt(city_mean, 1)),
        (
            "best",
            city.first()
                .map_or(Cell::Empty, |r| Cell::text(&r.community)),
        ),
        (
            "worst",
            city.last()
                .map_or(Cell::Empty, |r| Cell::text(&r.community)),
        ),
        (
            "small_communities",
            Cell::Int(combined.iter().filter(|r| r.small).count() as i64),
        ),
        ("significant_changes", Cell::Int(significant as i64)),
        ("rr1", Cell::pct(all_rates.rr1)),
        ("rr3", Cell::pct(all_rates.rr3)),
        ("order_count", Cell::Int(input.orders.len() as i64)),
        ("on_time_rate", Cell::pct(rect(&all_orders).on_time_rate)),
    ];
    tables.insert(
        0,
        Table {
            id: "summary",
            title: t(lang, "summary").into(),
            sheet: t(lang, "sheet_summary").into(),
            columns: cols(lang, &["item", "value"]),
            rows: summary
                .into_iter()
                .map(|(k, v)| vec![Cell::Text(t(lang, k).into()), v])
                .collect(),
        },
    );

    // Method notes, last.
    let s = &input.settings.scores;
    let mut notes: Vec<(String, String)> = vec![
        (
            t(lang, "scoring_run").into(),
            run.run_id.unwrap_or_default().to_string(),
        ),
        (t(lang, "settings_hash").into(), run.settings_hash.clone()),
        (
            t(lang, "counting").into(),
            format!("{:?}", input.settings.ingest.count).to_lowercase(),
        ),
        (t(lang, "calibration").into(), s.calibration.join(", ")),
        (
            t(lang, "channel_weights").into(),
            s.channels
                .iter()
                .map(|(c, p)| format!("{c} {p}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (t(lang, "min_n").into(), s.min_n.to_string()),
        (t(lang, "annual").into(), s.annual.clone()),
        (
            t(lang, "ranked_by").into(),
            t(lang, if s.rank_shrunk { "shrunk" } else { "score" }).into(),
        ),
        (
            t(lang, "bootstrap").into(),
            format!("{} (seed {}, 90%)", s.bootstrap_draws, s.seed),
        ),
        (t(lang, "method_text").into(), t(lang, "method_body").into()),
    ];
    if !weighting.is_equal() {
        // Only when it is not the plain mean, so earlier reports' method
        // sheets stay as they were.
        notes.insert(
            notes.len() - 1,
            (
                t(lang, "street_weighting").into(),
                t(lang, "street_weighting_population").into(),
            ),
        );
    }
    for p in &a.problems {
        notes.push((
            t(lang, "problem").into(),
            format!("{}: {}", p.community, p.message),
        ));
    }
    for l in &run.left_out {
        notes.push((t(lang, "left_out").into(), l.clone()));
    }
    tables.push(Table {
        id: "method",
        title: t(lang, "method").into(),
        sheet: t(lang, "sheet_method").into(),
        columns: cols(lang, &["item", "value"]),
        rows: notes
            .into_iter()
            .map(|(k, v)| vec![Cell::Text(k), Cell::text(&v)])
            .collect(),
    });

    // Charts.
    let heat_rows: Vec<(String, Vec<Option<f64>>)> = ranked_communities
        .iter()
        .map(|(c, _)| {
            (
                clean(c),
                dims.iter()
                    .map(|d| dim_values.get(&(*c, d.as_str())).copied())
                    .collect(),
            )
        })
        .collect();
    let trend = trend_lines(a, input, &combined, lang);
    let stratum_rates: BTreeMap<String, (Option<f64>, Option<f64>)> = {
        let mut g: BTreeMap<String, Vec<_>> = BTreeMap::new();
        for c in input.cases {
            g.entry(clean(&c.stratum)).or_default().push(c.outcome);
        }
        g.into_iter()
            .map(|(k, v)| {
                let r = response_rates(v);
                (k, (r.rr1, r.rr3))
            })
            .collect()
    };
    let states: Vec<String> = crate::orders::STATUSES
        .iter()
        .map(|s| s.to_string())
        .collect();
    let order_counts: Vec<(String, Vec<usize>)> = departments
        .iter()
        .map(|d| {
            (
                clean(d),
                states
                    .iter()
                    .map(|s| by_state.get(&(*d, s.as_str())).copied().unwrap_or(0))
                    .collect(),
            )
        })
        .collect();
    let charts = vec![
        charts::ranking(
            t(lang, "chart_ranking"),
            &city
                .iter()
                .map(|r| (clean(&r.community), r.rank, r.rank_low, r.rank_high))
                .collect::<Vec<_>>(),
        ),
        charts::heat_map(
            t(lang, "chart_heat"),
            &dims.iter().map(|d| dim_label(d)).collect::<Vec<_>>(),
            &heat_rows,
        ),
        charts::trend(t(lang, "chart_trend"), &trend.0, &trend.1),
        charts::response_rates(
            t(lang, "chart_response"),
            &stratum_rates.into_iter().collect::<Vec<_>>(),
        ),
        charts::orders(
            t(lang, "chart_orders"),
            &states
                .iter()
                .map(|s| state_text(s, lang))
                .collect::<Vec<_>>(),
            &order_counts,
        ),
    ];

    Report {
        lang,
        title: format!("{} {label}", t(lang, "title")),
        period: label.to_string(),
        run_id: run.run_id.unwrap_or_default(),
        settings_hash: run.settings_hash.clone(),
        tables,
        charts,
    }
}

/// Quarter labels, and per line (the city, then each street when there
/// are at most twelve) its mean combined index per quarter.
type Trend = (Vec<String>, Vec<(String, Vec<Option<f64>>)>);

fn trend_lines(
    a: &doorstep_core::assessment::Assessment,
    input: &Input,
    combined: &[&Row],
    lang: Lang,
) -> Trend {
    let quarters: Vec<String> = input.quarters.iter().map(|q| q.to_string()).collect();
    let mut sums: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    let streets: BTreeSet<&str> = combined.iter().map(|r| r.street.as_str()).collect();
    for r in &a.rows {
        if r.channel == COMBINED && r.measure == INDEX && quarters.contains(&r.period) {
            sums.entry((String::new(), r.period.clone()))
                .or_default()
                .push(r.estimate);
            sums.entry((r.street.clone(), r.period.clone()))
                .or_default()
                .push(r.estimate);
        }
    }
    let line = |key: &str| -> Vec<Option<f64>> {
        quarters
            .iter()
            .map(|q| {
                sums.get(&(key.to_string(), q.clone()))
                    .and_then(|v| mean(v.iter().copied()))
            })
            .collect()
    };
    let mut lines = vec![(t(lang, "city_mean").to_string(), line(""))];
    if streets.len() <= 12 {
        for s in streets {
            lines.push((clean(s), line(s)));
        }
    }
    (quarters, lines)
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (s, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| s / n as f64)
}

fn cols(lang: Lang, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| t(lang, k).to_string()).collect()
}

fn channel_text(c: &str, lang: Lang) -> String {
    match c {
        "home_visit" | "phone" | "online" => t(lang, c).to_string(),
        other => clean(other),
    }
}

fn state_text(s: &str, lang: Lang) -> String {
    let key = format!("state_{s}");
    let text = t(lang, &key);
    if text == key {
        clean(s)
    } else {
        text.to_string()
    }
}

/// A department's rectification figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Rectification {
    pub orders: usize,
    pub open: usize,
    pub overdue: usize,
    /// Done by the deadline, of those done or past their deadline.
    pub on_time_rate: Option<f64>,
    /// Substantiated, of those verified.
    pub substantiated_share: Option<f64>,
    /// Satisfied at the latest call-back, of those called back.
    pub satisfied_share: Option<f64>,
}

impl Rectification {
    fn cells(&self, name: Cell) -> Vec<Cell> {
        vec![
            name,
            Cell::Int(self.orders as i64),
            Cell::Int(self.open as i64),
            Cell::Int(self.overdue as i64),
            Cell::pct(self.on_time_rate),
            Cell::pct(self.substantiated_share),
            Cell::pct(self.satisfied_share),
        ]
    }
}

pub fn rectification(orders: &[&OrderFacts], now: &str) -> Rectification {
    let share = |k: usize, n: usize| (n > 0).then(|| k as f64 / n as f64);
    let mut r = Rectification {
        orders: orders.len(),
        open: 0,
        overdue: 0,
        on_time_rate: None,
        substantiated_share: None,
        satisfied_share: None,
    };
    let (mut due, mut on_time, mut verified, mut subst, mut called, mut sat) = (0, 0, 0, 0, 0, 0);
    for o in orders {
        match &o.done_at {
            Some(done) => {
                due += 1;
                if done.as_str() <= o.deadline.as_str() {
                    on_time += 1;
                }
            }
            None => {
                r.open += 1;
                if o.deadline.as_str() < now {
                    r.overdue += 1;
                    due += 1;
                }
            }
        }
        if o.ever_substantiated || o.ever_not_substantiated {
            verified += 1;
            subst += usize::from(o.ever_substantiated);
        }
        if let Some(s) = o.satisfied {
            called += 1;
            sat += usize::from(s);
        }
    }
    r.on_time_rate = share(on_time, due);
    r.substantiated_share = share(subst, verified);
    r.satisfied_share = share(sat, called);
    r
}

/// A scoped thread's result; its panic goes on in the caller.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// Writes `report.html`, `report.xlsx` and one CSV per table into `dir`;
/// returns the files written (in that order). The three are independent
/// renderings of the same tables, so each is made on its own thread.
pub fn write_all(report: &Report, dir: &Path) -> Result<Vec<std::path::PathBuf>, OfficeError> {
    std::fs::create_dir_all(dir).map_err(|source| OfficeError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let html_path = dir.join("report.html");
    let xlsx_path = dir.join("report.xlsx");
    let (html, xlsx, csvs) = std::thread::scope(|scope| {
        let html = scope.spawn(|| {
            let page = html::render(report)?;
            std::fs::write(&html_path, page).map_err(|source| OfficeError::Io {
                path: html_path.clone(),
                source,
            })
        });
        let xlsx = scope.spawn(|| xlsx::write(report, &xlsx_path));
        let csvs = csv::write(report, dir);
        (joined(html), joined(xlsx), csvs)
    });
    html?;
    xlsx?;
    let mut files = vec![html_path, xlsx_path];
    files.extend(csvs?);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(done: Option<&str>, deadline: &str) -> OrderFacts {
        OrderFacts {
            department: "d".into(),
            status: "new".into(),
            deadline: deadline.into(),
            done_at: done.map(str::to_string),
            ever_substantiated: false,
            ever_not_substantiated: false,
            satisfied: None,
        }
    }

    #[test]
    fn rectification_counts_on_time_against_what_is_due() {
        let mut a = order(Some("2026-10-05T00:00:00Z"), "2026-10-10T00:00:00Z");
        a.ever_substantiated = true;
        a.satisfied = Some(true);
        let mut b = order(Some("2026-10-12T00:00:00Z"), "2026-10-10T00:00:00Z");
        b.ever_not_substantiated = true;
        let c = order(None, "2026-10-01T00:00:00Z"); // overdue
        let d = order(None, "2027-01-01T00:00:00Z"); // not yet due
        let r = rectification(&[&a, &b, &c, &d], "2026-11-30T00:00:00Z");
        assert_eq!((r.orders, r.open, r.overdue), (4, 2, 1));
        assert_eq!(r.on_time_rate, Some(1.0 / 3.0));
        assert_eq!(r.substantiated_share, Some(0.5));
        assert_eq!(r.satisfied_share, Some(1.0));
        let none = rectification(&[], "2026-11-30T00:00:00Z");
        assert_eq!(none.on_time_rate, None);
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(clean("a\u{1b}[31mb\n"), "a\u{FFFD}[31mb\u{FFFD}");
        assert_eq!(Cell::Pct(0.1234).display(), "12.3%");
        assert_eq!(Cell::Num(1.23456, 2).display(), "1.23");
    }
}
