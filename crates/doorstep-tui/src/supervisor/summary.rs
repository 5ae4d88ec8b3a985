//! The day summary tab: outcomes, response rates, mean scores and
//! interview lengths as charts, from figures computed once per change.

use std::collections::BTreeMap;

use crate::i18n::msg;
use crate::keys::ReviewAction;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

use super::{ReviewApp, push_wrapped};
use crate::review_text::{pad, rows_shown, width};
use crate::screens::check::truncate;
use doorstep_core::assignment::{Disposition, OutcomeGroup};
use doorstep_core::scoring::{mean_scores, score_interview};
use doorstep_review::figures::{completed_minutes, length_histogram};

/// Rows the day summary moves on PgUp and PgDn.
const SUMMARY_PAGE: usize = 5;

/// The day summary's figures that take work (scoring every counted
/// interview): computed when the inbox opens and when what counts
/// changes, read by every frame.
#[derive(Debug, Default)]
pub(super) struct SummaryFigures {
    /// Mean score per dimension, each dimension's name (cut to 14
    /// columns) in the interface language.
    dimensions: Vec<(String, f64)>,
    /// Per surveyor (as `inbox.surveyors`), residents by outcome group
    /// (as `OutcomeGroup::ALL`).
    outcomes: Vec<[u64; 5]>,
    /// Completed interviews' lengths in whole minutes.
    completed_minutes: Vec<i64>,
    /// How many times these figures were computed (a test checks that
    /// drawing never computes them).
    computed: u64,
}

impl ReviewApp {
    /// Computes the summary's figures again (on opening and after what
    /// counts changed).
    pub(super) fn compute_figures(&mut self) {
        let outcomes = self
            .inbox
            .surveyors
            .iter()
            .map(|s| {
                let mut c = [0u64; 5];
                for (code, n) in &s.final_dispositions {
                    let g = Disposition::from_code(code).map_or(OutcomeGroup::Other, |d| d.group());
                    c[OutcomeGroup::ALL.iter().position(|x| *x == g).unwrap_or(4)] += n;
                }
                c
            })
            .collect();
        self.figures = SummaryFigures {
            dimensions: self.dimension_means(),
            outcomes,
            completed_minutes: completed_minutes(&self.inbox.interviews),
            computed: self.figures.computed + 1,
        };
    }

    /// How many times the day summary's figures were computed: once on
    /// opening, once per change of what counts; drawing never adds one.
    pub fn figures_computed(&self) -> u64 {
        self.figures.computed
    }

    /// The day summary's lists scroll together, a row or a page at a time.
    /// An action on the day summary; false if it does nothing here.
    pub(super) fn summary_action(&mut self, action: ReviewAction) -> bool {
        let by: isize = match action {
            ReviewAction::Down => 1,
            ReviewAction::Up => -1,
            ReviewAction::PageDown => SUMMARY_PAGE as isize,
            ReviewAction::PageUp => -(SUMMARY_PAGE as isize),
            _ => return false,
        };
        let most = self.summary_max_scroll.get();
        self.summary_scroll = self
            .summary_scroll
            .min(most)
            .saturating_add_signed(by)
            .min(most);
        true
    }

    pub(super) fn draw_summary(&self, frame: &mut Frame, area: Rect) {
        let t = &self.theme;
        // What the batches failing verification leave out, first.
        let mut note = Vec::new();
        if let Some(n) = self.uncounted_note() {
            push_wrapped(&mut note, "", &n, area.width as usize, t.warning());
        }
        let [note_area, area] =
            Layout::vertical([Constraint::Length(note.len() as u16), Constraint::Min(1)])
                .areas(area);
        frame.render_widget(Paragraph::new(note), note_area);
        // Outcomes (one line per surveyor and a legend), the two response
        // rate charts (one bar per surveyor or community), then scores and
        // lengths below; each band as tall as it needs, up to a third. A
        // band with more rows than it holds scrolls (↑↓ PgUp PgDn, all
        // bands together) and says which rows it shows.
        let cap = (area.height / 3).max(7);
        let n_surveyors = self.inbox.surveyors.len();
        let n_communities = self.inbox.communities.len();
        let [outcomes, rates, bottom] = Layout::vertical([
            Constraint::Length((n_surveyors as u16 + 3).min(cap)),
            Constraint::Length((n_surveyors.max(n_communities) as u16 + 2).min(cap)),
            Constraint::Min(5),
        ])
        .areas(area);
        let [by_surveyor, by_community] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(rates);
        let [dims, lengths] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        let dims_named = &self.figures.dimensions;
        let fit_outcomes = outcomes.height.saturating_sub(3) as usize;
        let fit_rates = rates.height.saturating_sub(2) as usize;
        let fit_dims = dims.height.saturating_sub(2) as usize;
        let most = [
            n_surveyors.saturating_sub(fit_outcomes),
            n_surveyors.saturating_sub(fit_rates),
            n_communities.saturating_sub(fit_rates),
            dims_named.len().saturating_sub(fit_dims),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        self.summary_max_scroll.set(most);
        let scroll = self.summary_scroll.min(most);
        // Each band's first row, and its rows shown ("1–4 of 6").
        let window = |n: usize, fit: usize| {
            let first = scroll.min(n.saturating_sub(fit));
            (first, first..(first + fit).min(n))
        };
        let block = |title: &str, first: usize, fit: usize, n: usize| {
            let mut b = Block::default()
                .borders(Borders::ALL)
                .border_style(t.border())
                .title(Span::styled(format!(" {title} "), t.heading()));
            if let Some(shown) = rows_shown(first, fit, n, self.ui) {
                b = b.title_bottom(
                    Line::from(Span::styled(format!(" {shown} "), t.heading())).right_aligned(),
                );
            }
            b
        };

        let (first, rows) = window(n_surveyors, fit_outcomes);
        let outcomes_block = block(
            msg!(self.ui, RvOutcomesBySurveyor),
            first,
            fit_outcomes,
            n_surveyors,
        );
        let inner = outcomes_block.inner(outcomes);
        frame.render_widget(outcomes_block, outcomes);
        frame.render_widget(Paragraph::new(self.outcome_lines(inner.width, rows)), inner);

        // Response rates: one horizontal bar each, labelled, in per cent.
        let rate_bars = |items: Vec<(String, Option<f64>)>| -> Vec<Bar<'static>> {
            items
                .into_iter()
                .map(|(label, rr1)| {
                    let v = rr1.map_or(0.0, |r| r * 100.0);
                    Bar::default()
                        .label(Line::from(truncate(&label, 12)))
                        .value(v.round() as u64)
                        .text_value(rr1.map_or("-".to_string(), |_| format!("{v:.0}%")))
                        .style(t.secondary())
                })
                .collect()
        };
        let rate_chart = |b: Block<'static>, bars: &[Bar<'static>]| {
            BarChart::default()
                .block(b)
                .direction(Direction::Horizontal)
                .bar_width(1)
                .bar_gap(0)
                .max(100)
                .data(BarGroup::default().bars(bars))
        };
        let (first, rows) = window(n_surveyors, fit_rates);
        let bars = rate_bars(
            self.inbox.surveyors[rows]
                .iter()
                .map(|s| (s.surveyor_id.clone(), s.rr1))
                .collect(),
        );
        frame.render_widget(
            rate_chart(
                block(
                    msg!(self.ui, RvRateBySurveyor),
                    first,
                    fit_rates,
                    n_surveyors,
                ),
                &bars,
            ),
            by_surveyor,
        );
        let (first, rows) = window(n_communities, fit_rates);
        let bars = rate_bars(
            self.inbox.communities[rows]
                .iter()
                .map(|c| {
                    let name = self.community_name(c.community.as_deref()).to_string();
                    (name, c.rr1)
                })
                .collect(),
        );
        frame.render_widget(
            rate_chart(
                block(
                    msg!(self.ui, RvRateByCommunity),
                    first,
                    fit_rates,
                    n_communities,
                ),
                &bars,
            ),
            by_community,
        );

        // Mean score per dimension; the bars start in one column: names
        // padded by display width.
        let name_w = dims_named.iter().map(|(n, _)| width(n)).max().unwrap_or(0);
        let (first, rows) = window(dims_named.len(), fit_dims);
        let dim_lines: Vec<Line> = dims_named[rows]
            .iter()
            .map(|(name, s)| {
                Line::from(vec![
                    Span::raw(format!("{} {s:>3.0} ", pad(name, name_w))),
                    Span::styled("█".repeat((s / 5.0).round() as usize), t.ok()),
                ])
            })
            .collect();
        frame.render_widget(
            Paragraph::new(dim_lines).block(block(
                if self.leave_out_flagged {
                    msg!(self.ui, RvMeansNotRejectedFlagged)
                } else {
                    msg!(self.ui, RvMeansNotRejected)
                },
                first,
                fit_dims,
                dims_named.len(),
            )),
            dims,
        );

        // Completed interviews by length: one bar per bin of minutes, the
        // bins as wide as the rows allow, each with its count.
        let length_block = block(msg!(self.ui, RvLengths), 0, 0, 0);
        let inner = length_block.inner(lengths);
        frame.render_widget(length_block, lengths);
        let bins = length_histogram(&self.figures.completed_minutes, inner.height as usize);
        let label = |b: &doorstep_review::figures::LengthBin| match b.to {
            Some(to) => format!("{}–{to}", b.from),
            None => format!("{}+", b.from),
        };
        let label_w = bins.iter().map(|b| width(&label(b))).max().unwrap_or(0);
        let count_w = bins
            .iter()
            .map(|b| b.count.to_string().len())
            .max()
            .unwrap_or(1);
        let bar_w = (inner.width as usize).saturating_sub(label_w + count_w + 2);
        let top = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1);
        let lines: Vec<Line> = bins
            .iter()
            .map(|b| {
                let mut n = (b.count as f64 * bar_w as f64 / top as f64).round() as usize;
                if b.count > 0 {
                    n = n.max(1);
                }
                Line::from(vec![
                    Span::raw(format!("{:>label_w$} ", label(b))),
                    Span::styled("█".repeat(n), t.secondary()),
                    Span::raw(format!(" {}", b.count)),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// Mean score per dimension over the completed interviews, each
    /// dimension's name (cut to 14 columns) in the interface language.
    fn dimension_means(&self) -> Vec<(String, f64)> {
        let mut per_q: BTreeMap<(String, String), Vec<doorstep_core::scoring::InterviewScores>> =
            BTreeMap::new();
        for it in self
            .inbox
            .interviews
            .iter()
            .filter(|i| i.disposition == "complete" && self.inbox.counts(i))
        {
            if let Some(q) = self.inbox.questionnaires.get(&(
                it.questionnaire_id.clone(),
                it.questionnaire_version.clone(),
            )) {
                per_q
                    .entry((
                        it.questionnaire_id.clone(),
                        it.questionnaire_version.clone(),
                    ))
                    .or_default()
                    .push(score_interview(
                        q,
                        it.record.answers.iter().map(|(k, a)| (k.as_str(), a)),
                    ));
            }
        }
        let mut dims_named: Vec<(String, f64)> = Vec::new();
        for (key, scores) in &per_q {
            let q = &self.inbox.questionnaires[key];
            let qlang = if q.languages.iter().any(|l| l == self.ui.code()) {
                self.ui.code()
            } else {
                q.default_language.as_str()
            };
            let g = mean_scores(scores.iter());
            for (d, s) in &g.dimensions {
                let name = q
                    .dimensions
                    .iter()
                    .find(|x| &x.id == d)
                    .map_or(d.as_str(), |x| x.label.get(qlang));
                dims_named.push((truncate(name, 14), *s));
            }
        }
        dims_named
    }

    /// The outcomes chart: a legend, then per surveyor their residents'
    /// final dispositions by AAPOR group as one bar of lettered segments
    /// (so it reads without colour) and the counts.
    fn outcome_lines(&self, width: u16, rows: std::ops::Range<usize>) -> Vec<Line<'static>> {
        let t = &self.theme;
        let lang = self.ui.code();
        let mut legend = Vec::new();
        for (i, g) in OutcomeGroup::ALL.iter().enumerate() {
            if i > 0 {
                legend.push(Span::raw("  "));
            }
            legend.push(Span::styled(g.letter().to_string(), t.series(i)));
            legend.push(Span::raw(format!(" {}", g.label(lang))));
        }
        let mut lines = vec![Line::from(legend)];
        let counts = &self.figures.outcomes;
        let label_w = self
            .inbox
            .surveyors
            .iter()
            .map(|s| Line::from(s.surveyor_id.as_str()).width())
            .max()
            .unwrap_or(0)
            .min(10);
        let digits = counts
            .iter()
            .flatten()
            .map(|n| n.to_string().len())
            .max()
            .unwrap_or(1);
        // "C12 P3 R4 N9 O1"
        let counts_w = 5 * (1 + digits) + 4;
        let bar_w = (width as usize).saturating_sub(label_w + counts_w + 2);
        let most = counts
            .iter()
            .map(|c| c.iter().sum::<u64>())
            .max()
            .unwrap_or(0);
        for (s, c) in self
            .inbox
            .surveyors
            .iter()
            .zip(counts)
            .skip(rows.start)
            .take(rows.len())
        {
            let label = truncate(&s.surveyor_id, label_w);
            let pad = label_w.saturating_sub(Line::from(label.as_str()).width());
            let mut spans = vec![Span::raw(format!("{label}{} ", " ".repeat(pad)))];
            let lengths = segment_lengths(c, most, bar_w);
            let used: usize = lengths.iter().sum();
            for (i, (g, len)) in OutcomeGroup::ALL.iter().zip(lengths).enumerate() {
                if len > 0 {
                    spans.push(Span::styled(
                        g.letter().to_string().repeat(len),
                        t.series(i),
                    ));
                }
            }
            let figures = OutcomeGroup::ALL
                .iter()
                .zip(c)
                .map(|(g, n)| format!("{}{n:<digits$}", g.letter()))
                .collect::<Vec<_>>()
                .join(" ");
            spans.push(Span::raw(format!(
                "{} {figures}",
                " ".repeat(bar_w.saturating_sub(used))
            )));
            lines.push(Line::from(spans));
        }
        lines
    }
}

/// Lengths of a stacked bar's segments: `counts` scaled so that `most`
/// fills `width`; a non-zero count gets at least one cell, and the whole
/// never exceeds `width` (the longest segments give way).
fn segment_lengths(counts: &[u64; 5], most: u64, width: usize) -> [usize; 5] {
    let mut out = [0usize; 5];
    if most == 0 || width == 0 {
        return out;
    }
    for (o, n) in out.iter_mut().zip(counts) {
        if *n > 0 {
            *o = ((*n as f64 * width as f64 / most as f64).round() as usize).max(1);
        }
    }
    while out.iter().sum::<usize>() > width {
        let Some(longest) = out.iter_mut().max() else {
            break;
        };
        if *longest <= 1 {
            break;
        }
        *longest -= 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::segment_lengths;

    #[test]
    fn segments_scale_keep_small_counts_visible_and_fit() {
        assert_eq!(
            segment_lengths(&[10, 0, 5, 5, 0], 20, 40),
            [20, 0, 10, 10, 0]
        );
        assert_eq!(segment_lengths(&[5, 0, 0, 0, 0], 20, 40), [10, 0, 0, 0, 0]);
        // One of 100 still shows; the total stays within the width.
        let l = segment_lengths(&[96, 1, 1, 1, 1], 100, 20);
        assert!(l.iter().all(|n| *n >= 1), "{l:?}");
        assert!(l.iter().sum::<usize>() <= 20, "{l:?}");
        assert_eq!(segment_lengths(&[0; 5], 0, 20), [0; 5]);
        assert_eq!(segment_lengths(&[3, 2, 0, 0, 0], 5, 0), [0; 5]);
    }
}
