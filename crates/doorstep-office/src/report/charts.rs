//! The report's charts as geometry: rectangles, lines, circles and text in
//! a view box. The template turns them into inline SVG (no script, no
//! network), escaping every text; nothing here writes markup.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub fill: String,
    pub tip: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub stroke: &'static str,
    pub width: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Polyline {
    pub points: String,
    pub stroke: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Circle {
    pub cx: f64,
    pub cy: f64,
    pub r: f64,
    pub fill: &'static str,
    pub tip: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Text {
    pub x: f64,
    pub y: f64,
    pub text: String,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    pub size: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub width: f64,
    pub height: f64,
    pub rects: Vec<Rect>,
    pub lines: Vec<Line>,
    pub polylines: Vec<Polyline>,
    pub circles: Vec<Circle>,
    pub texts: Vec<Text>,
}

const PALETTE: [&str; 9] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#17becf",
];

/// One decimal: coordinates need no more, and the page stays small.
fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

impl Chart {
    fn new(id: &'static str, title: &str, width: f64, height: f64) -> Chart {
        Chart {
            id,
            title: title.to_string(),
            width: r1(width),
            height: r1(height),
            ..Chart::default()
        }
    }

    fn text(&mut self, x: f64, y: f64, text: impl Into<String>, anchor: &'static str, size: f64) {
        self.texts.push(Text {
            x: r1(x),
            y: r1(y),
            text: text.into(),
            anchor,
            size,
        });
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &'static str, w: f64) {
        self.lines.push(Line {
            x1: r1(x1),
            y1: r1(y1),
            x2: r1(x2),
            y2: r1(y2),
            stroke,
            width: w,
        });
    }

    fn rect(&mut self, (x, y, w, h): (f64, f64, f64, f64), fill: String, tip: String) {
        self.rects.push(Rect {
            x: r1(x),
            y: r1(y),
            w: r1(w),
            h: r1(h),
            fill,
            tip,
        });
    }

    fn no_data(&mut self) {
        self.text(self.width / 2.0, self.height / 2.0, "–", "middle", 14.0);
    }

    /// Every drawn element, for tests and the "not empty" check.
    pub fn elements(&self) -> usize {
        self.rects.len() + self.lines.len() + self.polylines.len() + self.circles.len()
    }
}

/// Communities by rank (1 at the top), each with its rank interval as a
/// bar and its rank as a dot. `rows`: (name, rank, low, high) in rank order.
pub fn ranking(title: &str, rows: &[(String, usize, usize, usize)]) -> Chart {
    let (left, right, top, row_h) = (190.0, 20.0, 24.0, 14.0);
    let width = 900.0;
    let height = top + row_h * rows.len().max(1) as f64 + 10.0;
    let mut c = Chart::new("chart-ranking", title, width, height);
    let m = rows.iter().map(|r| r.3).max().unwrap_or(1).max(1) as f64;
    let x = |rank: f64| left + (rank - 1.0) / (m - 1.0).max(1.0) * (width - left - right);
    let ticks = 5.min(m as usize);
    for k in 0..ticks {
        let rank = 1.0 + (m - 1.0) * k as f64 / (ticks.max(2) - 1) as f64;
        let rank = rank.round();
        c.line((x(rank), top - 4.0), (x(rank), height - 6.0), "#ddd", 1.0);
        c.text(x(rank), top - 8.0, format!("{rank}"), "middle", 10.0);
    }
    for (k, (name, rank, low, high)) in rows.iter().enumerate() {
        let y = top + row_h * k as f64 + row_h / 2.0;
        c.text(left - 6.0, y + 4.0, short(name, 16), "end", 11.0);
        c.line((x(*low as f64), y), (x(*high as f64), y), "#7aa6d6", 4.0);
        c.circles.push(Circle {
            cx: r1(x(*rank as f64)),
            cy: r1(y),
            r: 3.5,
            fill: "#1f4e89",
            tip: format!("{name}: {rank} [{low}–{high}]"),
        });
    }
    if rows.is_empty() {
        c.no_data();
    }
    c
}

/// Red (50 and below) through yellow (75) to green (100).
fn heat_colour(score: f64) -> String {
    let hue = ((score - 50.0) / 50.0).clamp(0.0, 1.0) * 120.0;
    format!("hsl({:.0},70%,72%)", hue)
}

/// Up to this many communities, the heat map writes each value in its cell.
pub const LABELLED_ROWS: usize = 60;

/// A community × dimension grid coloured by score.
pub fn heat_map(title: &str, dims: &[String], rows: &[(String, Vec<Option<f64>>)]) -> Chart {
    let (left, top, cell_w, cell_h) = (190.0, 40.0, 78.0, 16.0);
    let width = left + cell_w * dims.len().max(1) as f64 + 10.0;
    let height = top + cell_h * rows.len().max(1) as f64 + 10.0;
    let mut c = Chart::new("chart-heat", title, width, height);
    for (j, d) in dims.iter().enumerate() {
        c.text(
            left + cell_w * (j as f64 + 0.5),
            top - 8.0,
            short(d, 7),
            "middle",
            11.0,
        );
    }
    for (i, (name, values)) in rows.iter().enumerate() {
        let y = top + cell_h * i as f64;
        c.text(left - 6.0, y + cell_h - 4.0, short(name, 16), "end", 11.0);
        for (j, v) in values.iter().enumerate() {
            let x = left + cell_w * j as f64;
            let (fill, label) = match v {
                Some(v) => (heat_colour(*v), format!("{v:.1}")),
                None => ("#eee".to_string(), String::new()),
            };
            c.rect(
                (x, y, cell_w - 1.0, cell_h - 1.0),
                fill,
                format!("{name} · {}: {label}", dims[j]),
            );
            // A large city: the colour and the tooltip (and the 指标
            // table) carry the value; a number in every cell would double
            // the page.
            if rows.len() <= LABELLED_ROWS {
                c.text(x + cell_w / 2.0, y + cell_h - 4.0, label, "middle", 10.0);
            }
        }
    }
    if rows.is_empty() || dims.is_empty() {
        c.no_data();
    }
    c
}

/// Lines over quarters: (label, value per quarter).
pub fn trend(title: &str, quarters: &[String], lines: &[(String, Vec<Option<f64>>)]) -> Chart {
    let (left, right, top, bottom) = (50.0, 170.0, 20.0, 40.0);
    let (width, height) = (760.0, 320.0);
    let mut c = Chart::new("chart-trend", title, width, height);
    let values: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.1.iter().flatten())
        .copied()
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if values.is_empty() {
        (0.0, 100.0)
    } else {
        (
            (lo - 2.0).floor().max(0.0),
            (hi + 2.0).ceil().min(100.0).max(lo + 1.0),
        )
    };
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let nq = quarters.len().max(1) as f64;
    let x = |k: usize| left + plot_w * (k as f64 + 0.5) / nq;
    let y = |v: f64| top + plot_h * (1.0 - (v - lo) / (hi - lo).max(1e-9));
    c.line((left, top), (left, top + plot_h), "#999", 1.0);
    c.line(
        (left, top + plot_h),
        (left + plot_w, top + plot_h),
        "#999",
        1.0,
    );
    for k in 0..=4 {
        let v = lo + (hi - lo) * k as f64 / 4.0;
        c.line((left, y(v)), (left + plot_w, y(v)), "#eee", 1.0);
        c.text(left - 6.0, y(v) + 4.0, format!("{v:.0}"), "end", 10.0);
    }
    for (k, q) in quarters.iter().enumerate() {
        c.text(x(k), top + plot_h + 18.0, q.clone(), "middle", 11.0);
    }
    for (n, (label, vals)) in lines.iter().enumerate() {
        let colour = PALETTE[n % PALETTE.len()];
        let points: Vec<String> = vals
            .iter()
            .enumerate()
            .filter_map(|(k, v)| v.map(|v| format!("{},{}", r1(x(k)), r1(y(v)))))
            .collect();
        if points.len() > 1 {
            c.polylines.push(Polyline {
                points: points.join(" "),
                stroke: colour,
            });
        }
        for (k, v) in vals.iter().enumerate() {
            if let Some(v) = v {
                c.circles.push(Circle {
                    cx: r1(x(k)),
                    cy: r1(y(*v)),
                    r: if n == 0 { 4.0 } else { 2.5 },
                    fill: colour,
                    tip: format!("{label} {}: {v:.1}", quarters[k]),
                });
            }
        }
        let ly = top + 14.0 * n as f64 + 6.0;
        c.line(
            (width - right + 10.0, ly),
            (width - right + 26.0, ly),
            colour,
            3.0,
        );
        c.text(
            width - right + 30.0,
            ly + 4.0,
            short(label, 12),
            "start",
            11.0,
        );
    }
    if values.is_empty() {
        c.no_data();
    }
    c
}

/// Two bars per group: RR1 and RR3 (0–1).
/// A group's name with its RR1 and RR3.
pub type GroupRates = (String, (Option<f64>, Option<f64>));

pub fn response_rates(title: &str, groups: &[GroupRates]) -> Chart {
    let (left, top, bottom, group_w) = (50.0, 30.0, 50.0, 56.0);
    let width = (left + group_w * groups.len().max(1) as f64 + 20.0).max(420.0);
    let height = 280.0;
    let plot_h = height - top - bottom;
    let mut c = Chart::new("chart-response", title, width, height);
    let y = |v: f64| top + plot_h * (1.0 - v);
    c.line((left, top), (left, top + plot_h), "#999", 1.0);
    c.line(
        (left, top + plot_h),
        (width - 10.0, top + plot_h),
        "#999",
        1.0,
    );
    for k in 0..=4 {
        let v = k as f64 / 4.0;
        c.text(
            left - 6.0,
            y(v) + 4.0,
            format!("{:.0}%", v * 100.0),
            "end",
            10.0,
        );
    }
    let colours = ["#1f77b4", "#9ecae1"];
    for (k, name) in ["RR1", "RR3"].iter().enumerate() {
        let lx = left + 10.0 + 60.0 * k as f64;
        c.rect((lx, 8.0, 10.0, 10.0), colours[k].into(), (*name).into());
        c.text(lx + 14.0, 17.0, *name, "start", 11.0);
    }
    for (g, (name, (rr1, rr3))) in groups.iter().enumerate() {
        let x0 = left + group_w * g as f64 + 8.0;
        for (k, v) in [rr1, rr3].iter().enumerate() {
            if let Some(v) = v {
                let v = v.clamp(0.0, 1.0);
                c.rect(
                    (x0 + 20.0 * k as f64, y(v), 18.0, plot_h * v),
                    colours[k].into(),
                    format!("{name} {}: {:.1}%", ["RR1", "RR3"][k], v * 100.0),
                );
            }
        }
        c.text(
            x0 + 19.0,
            top + plot_h + 16.0,
            short(name, 8),
            "middle",
            10.0,
        );
    }
    if groups.is_empty() {
        c.no_data();
    }
    c
}

/// A stacked bar per department, one segment per state.
pub fn orders(title: &str, states: &[String], departments: &[(String, Vec<usize>)]) -> Chart {
    let (left, top, row_h, right) = (190.0, 50.0, 22.0, 20.0);
    let width = 900.0;
    let height = top + row_h * departments.len().max(1) as f64 + 10.0;
    let mut c = Chart::new("chart-orders", title, width, height);
    for (k, s) in states.iter().enumerate() {
        let lx = 10.0 + 96.0 * (k % 9) as f64;
        c.rect(
            (lx, 8.0, 10.0, 10.0),
            PALETTE[k % PALETTE.len()].into(),
            s.clone(),
        );
        c.text(lx + 14.0, 17.0, short(s, 6), "start", 10.0);
    }
    let max = departments
        .iter()
        .map(|d| d.1.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let scale = (width - left - right) / max;
    for (i, (name, counts)) in departments.iter().enumerate() {
        let y = top + row_h * i as f64;
        c.text(
            left - 6.0,
            y + row_h / 2.0 + 4.0,
            short(name, 16),
            "end",
            11.0,
        );
        let mut x = left;
        for (k, n) in counts.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let w = *n as f64 * scale;
            c.rect(
                (x, y + 3.0, w, row_h - 6.0),
                PALETTE[k % PALETTE.len()].into(),
                format!("{name} · {}: {n}", states[k]),
            );
            x += w;
        }
        let total: usize = counts.iter().sum();
        c.text(
            x + 4.0,
            y + row_h / 2.0 + 4.0,
            total.to_string(),
            "start",
            10.0,
        );
    }
    if departments.is_empty() {
        c.no_data();
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_draw_something_even_without_data() {
        let r = ranking("r", &[("a".into(), 1, 1, 2), ("b".into(), 2, 1, 2)]);
        assert_eq!(r.circles.len(), 2);
        assert!(r.elements() > 0);
        let empty = ranking("r", &[]);
        assert_eq!(empty.texts.len(), 2); // the tick "1" and the dash
        let h = heat_map("h", &["env".into()], &[("a".into(), vec![Some(90.0)])]);
        assert_eq!(h.rects[0].fill, "hsl(96,70%,72%)");
        assert!(h.texts.iter().any(|t| t.text == "90.0"));
        let many: Vec<(String, Vec<Option<f64>>)> = (0..=LABELLED_ROWS)
            .map(|k| (format!("c{k}"), vec![Some(70.0)]))
            .collect();
        let big = heat_map("h", &["env".into()], &many);
        assert_eq!(big.rects.len(), LABELLED_ROWS + 1);
        assert!(!big.texts.iter().any(|t| t.text == "70.0"));
        let t = trend(
            "t",
            &["2026Q1".into(), "2026Q2".into()],
            &[("city".into(), vec![Some(80.0), Some(82.0)])],
        );
        assert_eq!(t.polylines.len(), 1);
        assert_eq!(short("abcdefgh", 4), "abc…");
    }
}
