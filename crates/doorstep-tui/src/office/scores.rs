//! The scores tab: the city ranking of a quarter or a year by the combined
//! index (`doorstep_office::scores::compute`, then the core's `rank`), with
//! each community's estimate, 95% interval, 90% rank interval, grade,
//! sample size and small-sample flag; Enter opens a community: the index
//! by channel, each dimension, the change on the period before and the
//! weakest items. Scored when the tab opens or the period changes; looking
//! records nothing (`scoring_runs` holds the runs of the commands).

use std::collections::BTreeMap;

use doorstep_core::assessment::{
    COMBINED, Change, INDEX, ItemFigure, Level, RankSettings, Ranked, Row, rank,
};
use doorstep_office::sample::Quarter;
use doorstep_office::scores::{self, Period};
use doorstep_office::views;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keys::OfficeAction;
use super::{OfficeApp, OfficeData, fit, moved, right, window_start};
use crate::i18n::{Lang, msg};

/// How many weakest items a community's detail shows.
const WEAKEST: usize = 3;

#[derive(Default)]
pub struct ScoresTab {
    quarters: Vec<Quarter>,
    by_year: bool,
    /// An index into `periods()` (the latest at first).
    period: Option<usize>,
    run: Option<Computed>,
    selected: usize,
    pub detail: Option<Detail>,
}

/// One scoring run, as the tab shows it.
struct Computed {
    label: String,
    ranked: Vec<Ranked>,
    /// The period's estimates.
    rows: Vec<Row>,
    changes: Vec<Change>,
    /// Calibrated weight per interview id (for the weakest items).
    weights: BTreeMap<String, f64>,
    /// Interviews left out and the method's problems, counted.
    notes: usize,
    draws: usize,
}

pub struct Detail {
    index: usize,
    weakest: Vec<ItemFigure>,
    scroll: usize,
    max_scroll: std::cell::Cell<usize>,
}

/// A channel in words.
pub fn channel_label(channel: &str, ui: Lang) -> String {
    let text = match channel {
        "home_visit" => msg!(ui, OfChannelHomeVisit),
        "phone" => msg!(ui, OfChannelPhone),
        "online" => msg!(ui, OfChannelOnline),
        COMBINED => msg!(ui, OfChannelCombined),
        other => return other.to_string(),
    };
    text.to_string()
}

impl ScoresTab {
    fn periods(&self) -> Vec<String> {
        if self.by_year {
            let mut years: Vec<String> = self.quarters.iter().map(|q| q.year.to_string()).collect();
            years.dedup();
            years
        } else {
            self.quarters.iter().map(Quarter::to_string).collect()
        }
    }

    pub fn load(&mut self, data: &mut OfficeData) -> Result<(), String> {
        let err = |e: doorstep_office::OfficeError| e.to_string();
        let shown = self.run.as_ref().map(|r| r.label.clone());
        self.quarters = views::interview_quarters(&data.db).map_err(err)?;
        let periods = self.periods();
        self.period = shown
            .and_then(|l| periods.iter().position(|p| *p == l))
            .or(periods.len().checked_sub(1));
        self.run = None;
        let Some(label) = self.period.map(|i| periods[i].clone()) else {
            return Ok(());
        };
        let period = Period::parse(&label).ok_or_else(|| label.clone())?;
        // Looking is not a run: computed, never recorded (only `office
        // scores`, `rank`, `report` and `export interviews` record one).
        let run = scores::compute(
            &data.db,
            data.settings.ingest.count,
            &data.settings.scores,
            &data.questionnaires,
            period,
            scores::Keep {
                ids: true,
                items: false,
            },
        )
        .map_err(err)?;
        let s = &data.settings.scores;
        let rank_settings = RankSettings {
            shrunk: s.rank_shrunk,
            draws: s.bootstrap_draws,
            seed: s.seed,
            ..RankSettings::default()
        };
        let ranked = rank(&run.assessment, &label, Level::City, &rank_settings);
        self.run = Some(Computed {
            ranked,
            rows: run
                .assessment
                .rows
                .iter()
                .filter(|r| r.period == label)
                .cloned()
                .collect(),
            changes: run
                .assessment
                .changes
                .iter()
                .filter(|c| c.period == label)
                .cloned()
                .collect(),
            weights: run
                .interviews
                .iter()
                .filter_map(|i| Some((i.interview_id()?.to_string(), i.weight()?)))
                .collect(),
            notes: run.left_out.len() + run.assessment.problems.len(),
            draws: rank_settings.draws,
            label,
        });
        let n = self.run.as_ref().map_or(0, |r| r.ranked.len());
        self.selected = self.selected.min(n.saturating_sub(1));
        Ok(())
    }

    pub fn act(&mut self, action: OfficeAction, data: &mut OfficeData) -> Result<bool, String> {
        use OfficeAction as O;
        if let Some(d) = &mut self.detail {
            let max = d.max_scroll.get();
            match action {
                O::Up => d.scroll = d.scroll.saturating_sub(1),
                O::Down => d.scroll = (d.scroll + 1).min(max),
                O::PageUp => d.scroll = d.scroll.saturating_sub(10),
                O::PageDown => d.scroll = (d.scroll + 10).min(max),
                O::Back => self.detail = None,
                _ => return Ok(false),
            }
            return Ok(true);
        }
        let n = self.run.as_ref().map_or(0, |r| r.ranked.len());
        if let Some(s) = moved(self.selected, action, n, 10) {
            self.selected = s;
            return Ok(true);
        }
        match action {
            O::Open => {
                let Some(run) = &self.run else {
                    return Ok(false);
                };
                let Some(r) = run.ranked.get(self.selected) else {
                    return Ok(false);
                };
                let quarters: Vec<Quarter> = match Period::parse(&run.label) {
                    Some(Period::Year(y)) => self
                        .quarters
                        .iter()
                        .filter(|q| q.year == y)
                        .copied()
                        .collect(),
                    _ => run.label.parse().ok().into_iter().collect(),
                };
                let weakest = views::weakest_items(
                    &data.db,
                    data.settings.ingest.count,
                    &data.questionnaires,
                    &data.settings.scores.dimension_weights,
                    &r.community,
                    &quarters,
                    &run.weights,
                    WEAKEST,
                )
                .map_err(|e| e.to_string())?;
                self.detail = Some(Detail {
                    index: self.selected,
                    weakest,
                    scroll: 0,
                    max_scroll: std::cell::Cell::new(usize::MAX),
                });
            }
            O::PrevPeriod | O::NextPeriod => {
                let Some(i) = self.period else {
                    return Ok(false);
                };
                let periods = self.periods();
                let to = if action == O::PrevPeriod {
                    i.saturating_sub(1)
                } else {
                    (i + 1).min(periods.len() - 1)
                };
                if to != i {
                    self.run = Some(self.placeholder(periods[to].clone()));
                    self.selected = 0;
                    self.load(data)?;
                }
            }
            O::QuarterOrYear => {
                // The year of the quarter shown, or that year's last quarter.
                let label = self.run.as_ref().map(|r| r.label.clone());
                self.by_year = !self.by_year;
                let wanted = label.and_then(|l| match Period::parse(&l)? {
                    Period::Quarter(q) => Some(q.year.to_string()),
                    Period::Year(y) => self
                        .quarters
                        .iter()
                        .rfind(|q| q.year == y)
                        .map(Quarter::to_string),
                });
                self.run = wanted.map(|w| self.placeholder(w));
                self.selected = 0;
                self.load(data)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// An empty run that only says which period to load next.
    fn placeholder(&self, label: String) -> Computed {
        Computed {
            label,
            ranked: Vec::new(),
            rows: Vec::new(),
            changes: Vec::new(),
            weights: BTreeMap::new(),
            notes: 0,
            draws: 0,
        }
    }

    // ----- drawing ------------------------------------------------------------

    pub fn draw(&self, frame: &mut Frame, area: Rect, app: &OfficeApp) {
        let Some(run) = &self.run else {
            frame.render_widget(Paragraph::new(msg!(app.ui, OfNoScores)), area);
            return;
        };
        match &self.detail {
            Some(d) => self.draw_detail(frame, area, app, run, d),
            None => self.draw_table(frame, area, app, run),
        }
    }

    fn draw_table(&self, frame: &mut Frame, area: Rect, app: &OfficeApp, run: &Computed) {
        let ui = app.ui;
        let t = &app.theme;
        let [title, head, list, legend] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let mut title_text = msg!(ui, OfScoresTitle, period = run.label, draws = run.draws);
        if run.notes > 0 {
            title_text.push_str(&msg!(ui, OfScoresNotes, n = run.notes));
        }
        frame.render_widget(
            Paragraph::new(Span::styled(title_text, t.secondary())),
            title,
        );
        const W: [usize; 8] = [5, 9, 16, 7, 13, 7, 6, 10];
        let row = |cells: [&str; 8]| -> String {
            cells
                .iter()
                .zip(W)
                .enumerate()
                .map(|(i, (c, w))| match i {
                    2 | 5 => fit(c, w),
                    _ => right(c, w - 1) + " ",
                })
                .collect()
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                row([
                    msg!(ui, OfColRank),
                    msg!(ui, OfColRankInterval),
                    msg!(ui, OfColCommunity),
                    msg!(ui, OfColScore),
                    "95% CI",
                    msg!(ui, OfColGrade),
                    // Over the numbers, not their marks.
                    "n ",
                    &format!("{} ", msg!(ui, OfColChange)),
                ]),
                t.heading(),
            )),
            head,
        );
        if run.ranked.is_empty() {
            frame.render_widget(Paragraph::new(msg!(ui, OfNoScores)), list);
        }
        let rows = list.height as usize;
        let first = window_start(self.selected, rows, run.ranked.len());
        let lines: Vec<Line> = run
            .ranked
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, r)| {
                let est = index_row(run, &r.community, COMBINED);
                let ci = est.map_or(String::new(), |e| {
                    format!("{:.1}–{:.1}", e.ci_low, e.ci_high)
                });
                // A mark, or a blank in its place, so that numbers with
                // and without one stay aligned.
                let n = est.map_or(String::new(), |e| {
                    format!("{}{}", e.n, if e.small { "!" } else { " " })
                });
                let change = match (r.change, r.change_significant) {
                    (Some(c), Some(true)) => format!("{c:+.1}*"),
                    (Some(c), _) => format!("{c:+.1} "),
                    _ => "– ".into(),
                };
                let text = row([
                    &r.rank.to_string(),
                    &format!("{}–{}", r.rank_low, r.rank_high),
                    &r.community,
                    &format!("{:.1}", r.score),
                    &ci,
                    &grade_label(&r.grade, ui),
                    &n,
                    &change,
                ]);
                let style = if i == self.selected {
                    t.selected()
                } else if est.is_some_and(|e| e.small) {
                    t.warning()
                } else {
                    t.text()
                };
                Line::from(Span::styled(text, style))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
        frame.render_widget(
            Paragraph::new(Span::styled(msg!(ui, OfScoresLegend), t.secondary())),
            legend,
        );
    }

    fn draw_detail(
        &self,
        frame: &mut Frame,
        area: Rect,
        app: &OfficeApp,
        run: &Computed,
        d: &Detail,
    ) {
        let ui = app.ui;
        let t = &app.theme;
        let Some(r) = run.ranked.get(d.index) else {
            return;
        };
        let mut lines: Vec<Line> = Vec::new();
        let combined = index_row(run, &r.community, COMBINED);
        let place = combined.map_or(String::new(), |e| {
            [e.street.as_str(), e.district.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| format!(" · {s}"))
                .collect()
        });
        lines.push(Line::from(Span::styled(
            format!("{}{place} · {}", r.community, run.label),
            t.title(),
        )));
        lines.push(Line::from(msg!(
            ui,
            OfDetailRank,
            rank = r.rank,
            low = r.rank_low,
            high = r.rank_high,
            of = run.ranked.len(),
            grade = grade_label(&r.grade, ui)
        )));
        if let Some(e) = combined {
            lines.push(Line::from(msg!(
                ui,
                OfDetailIndex,
                score = format!("{:.1}", e.estimate),
                low = format!("{:.1}", e.ci_low),
                high = format!("{:.1}", e.ci_high),
                n = e.n,
                n_eff = format!("{:.1}", e.n_eff)
            )));
            if e.small {
                let shrunk = e.shrunk.map_or("–".to_string(), |s| format!("{s:.1}"));
                lines.push(Line::from(Span::styled(
                    msg!(ui, OfDetailSmall, shrunk = shrunk),
                    t.warning(),
                )));
            }
        }
        let change = run
            .changes
            .iter()
            .find(|c| c.community == r.community && c.channel == COMBINED && c.measure == INDEX);
        lines.push(Line::from(match change {
            Some(c) => msg!(
                ui,
                OfDetailChange,
                change = format!("{:+.1}", c.change),
                low = format!("{:+.1}", c.change - 1.96 * c.se),
                high = format!("{:+.1}", c.change + 1.96 * c.se),
                verdict = if c.significant {
                    msg!(ui, OfSignificant)
                } else {
                    msg!(ui, OfNotSignificant)
                }
            ),
            None => msg!(ui, OfDetailNoChange).to_string(),
        }));
        let table_row = |label: &str, e: &Row| -> Line<'static> {
            Line::from(format!(
                "  {}{}{}{}",
                fit(label, 38),
                right(&format!("{:.1}", e.estimate), 7),
                right(&format!("{:.1}–{:.1}", e.ci_low, e.ci_high), 14),
                right(&e.n.to_string(), 6)
            ))
        };
        let header = |title: &str| -> Line<'static> {
            Line::from(Span::styled(
                format!(
                    "{}{}{}{}",
                    fit(title, 40),
                    right(msg!(ui, OfColScore), 7),
                    right("95% CI", 14),
                    right("n", 6)
                ),
                t.heading(),
            ))
        };
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!(
                "{}{}{}",
                fit(msg!(ui, OfWeakest), 52),
                right(msg!(ui, OfColScore), 7),
                right(msg!(ui, OfImportance), 9)
            ),
            t.heading(),
        )));
        if d.weakest.is_empty() {
            lines.push(Line::from(format!("  {}", msg!(ui, OfNoItems))));
        }
        for f in &d.weakest {
            lines.push(Line::from(format!(
                "  {}{}{}",
                fit(&item_label(app, &f.item), 50),
                right(&format!("{:.1}", f.score), 7),
                right(&f.importance.map_or("–".into(), |v| format!("{v:.2}")), 9)
            )));
        }
        lines.push(Line::default());
        lines.push(header(msg!(ui, OfByChannel)));
        for e in run
            .rows
            .iter()
            .filter(|e| e.community == r.community && e.measure == INDEX)
        {
            lines.push(table_row(&channel_label(&e.channel, ui), e));
        }
        lines.push(Line::default());
        lines.push(header(msg!(ui, OfByDimension)));
        for e in run
            .rows
            .iter()
            .filter(|e| e.community == r.community && e.measure != INDEX && e.channel == COMBINED)
        {
            lines.push(table_row(&dimension_label(app, &e.measure), e));
        }
        let max = lines.len().saturating_sub(area.height as usize);
        d.max_scroll.set(max);
        let first = d.scroll.min(max);
        frame.render_widget(Paragraph::new(lines).scroll((first as u16, 0)), area);
    }
}

/// The community's index estimate on `channel`.
fn index_row<'a>(run: &'a Computed, community: &str, channel: &str) -> Option<&'a Row> {
    run.rows
        .iter()
        .find(|e| e.community == community && e.channel == channel && e.measure == INDEX)
}

/// A grade band (the settings name them in Chinese) in the interface
/// language.
pub fn grade_label(grade: &str, ui: Lang) -> String {
    if ui == Lang::Zh {
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

/// A dimension's name from the questionnaires, else its id.
fn dimension_label(app: &OfficeApp, id: &str) -> String {
    app.data
        .questionnaires
        .iter()
        .flat_map(|q| q.dimensions.iter())
        .find(|d| d.id == id)
        .map_or(id.to_string(), |d| d.label.get(app.ui.code()).to_string())
}

/// An item's question text from the questionnaires, else its id.
fn item_label(app: &OfficeApp, id: &str) -> String {
    app.data
        .questionnaires
        .iter()
        .find_map(|q| q.question(id))
        .map_or(id.to_string(), |q| q.label.get(app.ui.code()).to_string())
}
