//! Raking: calibrating base weights to the register's margins.
//!
//! Iterative proportional fitting: each sweep scales the weights so that,
//! one margin after the other, every level's weighted count equals the
//! register's. The fixed point is the raking (exponential) calibration R's
//! `calibrate(..., calfun = "raking")` solves for by Newton's method: the
//! same weights, since both are d·exp(xᵀλ) meeting the same totals.

use std::fmt;

/// One calibration variable: its levels in the declared order (the order
/// collapsing follows) and the register's count of each.
#[derive(Debug, Clone, PartialEq)]
pub struct Margin {
    pub name: String,
    pub levels: Vec<String>,
    pub totals: Vec<f64>,
}

/// A level merged into its neighbour because no respondent (or no
/// registered resident) was in it: raking cannot reach a total with no one
/// to carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collapse {
    pub margin: String,
    pub level: String,
    pub into: String,
}

/// Calibrated weights and what the variance estimator needs of the
/// calibration.
#[derive(Debug, Clone)]
pub struct Calibration {
    pub base: Vec<f64>,
    pub weights: Vec<f64>,
    /// Sweeps of proportional fitting until the weights stopped changing.
    pub iterations: usize,
    pub collapsed: Vec<Collapse>,
    /// The calibration's model matrix by columns: an intercept and one
    /// indicator per (collapsed) level but the first of each margin, as
    /// R's `model.matrix(~a + b)` builds it.
    pub(crate) model: Vec<Vec<f64>>,
}

impl Calibration {
    /// g-weights: calibrated over base.
    pub fn g(&self) -> impl Iterator<Item = f64> + '_ {
        self.weights.iter().zip(&self.base).map(|(w, d)| w / d)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RakeError {
    NoRespondents,
    /// A base weight that is zero, negative or not a number.
    BadBaseWeight {
        respondent: usize,
    },
    /// A respondent's level index beyond the margin's levels.
    BadLevel {
        margin: String,
        respondent: usize,
    },
    /// Margins whose totals do not add up to the same population.
    InconsistentTotals {
        margin: String,
        total: f64,
        expected: f64,
    },
    BadTotal {
        margin: String,
        level: String,
    },
    NoConvergence {
        sweeps: usize,
    },
    /// The weights settled without meeting this level's total: the
    /// respondents' combinations of levels cannot carry the register's
    /// margins (say, every young respondent is a man while the register
    /// has more young residents than men).
    Unreachable {
        margin: String,
        level: String,
    },
}

impl fmt::Display for RakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RakeError::NoRespondents => write!(f, "no respondents to calibrate"),
            RakeError::BadBaseWeight { respondent } => {
                write!(f, "respondent {respondent}: base weight must be positive")
            }
            RakeError::BadLevel { margin, respondent } => {
                write!(f, "respondent {respondent}: no such level of {margin}")
            }
            RakeError::InconsistentTotals {
                margin,
                total,
                expected,
            } => write!(
                f,
                "margin {margin} adds up to {total}, the first margin to {expected}"
            ),
            RakeError::BadTotal { margin, level } => {
                write!(f, "margin {margin}, level {level}: total must be ≥ 0")
            }
            RakeError::NoConvergence { sweeps } => {
                write!(f, "raking did not converge in {sweeps} sweeps")
            }
            RakeError::Unreachable { margin, level } => write!(
                f,
                "margin {margin}, level {level}: the respondents cannot carry the register's total"
            ),
        }
    }
}

impl std::error::Error for RakeError {}

/// Largest relative change of any weight in a sweep below which raking
/// has converged (`docs/method.md`).
pub const TOLERANCE: f64 = 1e-10;
const MAX_SWEEPS: usize = 10_000;

/// Rakes `base` weights to `margins`. `levels[m][i]` is respondent `i`'s
/// level (an index into `margins[m].levels`).
pub fn rake(
    base: &[f64],
    levels: &[Vec<usize>],
    margins: &[Margin],
) -> Result<Calibration, RakeError> {
    let n = base.len();
    if n == 0 {
        return Err(RakeError::NoRespondents);
    }
    if let Some(i) = base.iter().position(|d| !(d.is_finite() && *d > 0.0)) {
        return Err(RakeError::BadBaseWeight { respondent: i });
    }
    check_totals(margins)?;
    // Each margin's levels after collapsing: group index per respondent,
    // total per group.
    let mut collapsed = Vec::new();
    let mut groups: Vec<(Vec<usize>, Vec<f64>, Vec<usize>)> = Vec::new();
    for (m, margin) in margins.iter().enumerate() {
        let own = levels.get(m).map(Vec::as_slice).unwrap_or(&[]);
        if own.len() != n {
            return Err(RakeError::BadLevel {
                margin: margin.name.clone(),
                respondent: own.len().min(n),
            });
        }
        if let Some(i) = own.iter().position(|&l| l >= margin.levels.len()) {
            return Err(RakeError::BadLevel {
                margin: margin.name.clone(),
                respondent: i,
            });
        }
        let (map, totals) = collapse(margin, own, &mut collapsed);
        groups.push((own.iter().map(|&l| map[l]).collect(), totals, map));
    }

    let mut weights = base.to_vec();
    let mut sweeps = 0;
    loop {
        sweeps += 1;
        let before = weights.clone();
        for (group_of, totals, _) in &groups {
            let mut sums = vec![0.0; totals.len()];
            for (w, &g) in weights.iter().zip(group_of) {
                sums[g] += w;
            }
            for (w, &g) in weights.iter_mut().zip(group_of) {
                *w *= totals[g] / sums[g];
            }
        }
        let change = weights
            .iter()
            .zip(&before)
            .map(|(a, b)| (a / b - 1.0).abs())
            .fold(0.0, f64::max);
        if change < TOLERANCE || groups.is_empty() {
            break;
        }
        if sweeps >= MAX_SWEEPS || !change.is_finite() {
            return Err(RakeError::NoConvergence { sweeps });
        }
    }

    // A limit cycle also stops changing from sweep to sweep: only met
    // totals make a calibration.
    for ((group_of, totals, map), margin) in groups.iter().zip(margins) {
        let mut sums = vec![0.0; totals.len()];
        for (w, &g) in weights.iter().zip(group_of) {
            sums[g] += w;
        }
        if let Some(g) =
            (0..totals.len()).find(|&g| (sums[g] - totals[g]).abs() > 1e-7 * totals[g].max(1.0))
        {
            let level = (0..margin.levels.len())
                .find(|&l| map[l] == g)
                .map(|l| margin.levels[l].clone())
                .unwrap_or_default();
            return Err(RakeError::Unreachable {
                margin: margin.name.clone(),
                level,
            });
        }
    }

    let mut model = vec![vec![1.0; n]];
    for (group_of, totals, _) in &groups {
        for g in 1..totals.len() {
            model.push(group_of.iter().map(|&x| f64::from(x == g)).collect());
        }
    }
    Ok(Calibration {
        base: base.to_vec(),
        weights,
        iterations: sweeps,
        collapsed,
        model,
    })
}

fn check_totals(margins: &[Margin]) -> Result<(), RakeError> {
    let mut expected = None;
    for margin in margins {
        if let Some(i) = margin
            .totals
            .iter()
            .position(|t| !(t.is_finite() && *t >= 0.0))
        {
            return Err(RakeError::BadTotal {
                margin: margin.name.clone(),
                level: margin.levels.get(i).cloned().unwrap_or_default(),
            });
        }
        let total: f64 = margin.totals.iter().sum();
        match expected {
            None => expected = Some(total),
            Some(e) if (total - e).abs() > 1e-9 * e.abs().max(1.0) => {
                return Err(RakeError::InconsistentTotals {
                    margin: margin.name.clone(),
                    total,
                    expected: e,
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Merges every level with no respondent or no registered resident into
/// its neighbour in the declared order (the next one; the last merges into
/// the one before). Returns each level's group and each group's total.
fn collapse(margin: &Margin, own: &[usize], notes: &mut Vec<Collapse>) -> (Vec<usize>, Vec<f64>) {
    let k = margin.levels.len();
    let mut count = vec![0usize; k];
    for &l in own {
        count[l] += 1;
    }
    // Runs of levels, each run one group; start with one run per level.
    let mut runs: Vec<(Vec<usize>, usize, f64)> = (0..k)
        .map(|l| {
            (
                vec![l],
                count[l],
                margin.totals.get(l).copied().unwrap_or(0.0),
            )
        })
        .collect();
    while let Some(empty) = runs
        .iter()
        .position(|(_, c, t)| *c == 0 || *t <= 0.0)
        .filter(|_| runs.len() > 1)
    {
        let into = if empty + 1 < runs.len() {
            empty + 1
        } else {
            empty - 1
        };
        let (members, c, t) = runs.remove(empty);
        let target = if into > empty { into - 1 } else { into };
        notes.push(Collapse {
            margin: margin.name.clone(),
            level: members
                .iter()
                .map(|&l| margin.levels[l].as_str())
                .collect::<Vec<_>>()
                .join("+"),
            into: margin.levels[runs[target].0[0]].clone(),
        });
        runs[target].0.extend(members);
        runs[target].0.sort_unstable();
        runs[target].1 += c;
        runs[target].2 += t;
    }
    let mut map = vec![0; k];
    for (g, (members, _, _)) in runs.iter().enumerate() {
        for &l in members {
            map[l] = g;
        }
    }
    (map, runs.iter().map(|r| r.2).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn margin(name: &str, totals: &[f64]) -> Margin {
        Margin {
            name: name.into(),
            levels: (0..totals.len()).map(|i| format!("{name}{i}")).collect(),
            totals: totals.to_vec(),
        }
    }

    #[test]
    fn one_margin_is_post_stratification() {
        // Two men, four women; the register has 60 men and 40 women.
        let base = [100.0 / 6.0; 6];
        let levels = vec![vec![0, 0, 1, 1, 1, 1]];
        let cal = rake(&base, &levels, &[margin("g", &[60.0, 40.0])]).unwrap();
        for (i, w) in cal.weights.iter().enumerate() {
            let want = if i < 2 { 30.0 } else { 10.0 };
            assert!((w - want).abs() < 1e-9, "{i}: {w}");
        }
        assert!(cal.collapsed.is_empty());
    }

    #[test]
    fn two_margins_meet_both_sets_of_totals() {
        let base = [10.0; 8];
        let age = vec![0, 0, 1, 1, 2, 2, 2, 0];
        let sex = vec![0, 1, 0, 1, 0, 1, 1, 1];
        let margins = [
            margin("age", &[30.0, 30.0, 40.0]),
            margin("sex", &[45.0, 55.0]),
        ];
        let cal = rake(&base, &[age.clone(), sex.clone()], &margins).unwrap();
        for (levels, m) in [(&age, &margins[0]), (&sex, &margins[1])] {
            for (l, total) in m.totals.iter().enumerate() {
                let sum: f64 = (0..8)
                    .filter(|&i| levels[i] == l)
                    .map(|i| cal.weights[i])
                    .sum();
                assert!((sum - total).abs() < 1e-8, "{} {l}: {sum}", m.name);
            }
        }
    }

    #[test]
    fn a_level_nobody_answered_in_merges_into_its_neighbour() {
        let base = [5.0; 4];
        // Nobody in level 1 of three; the last level is empty too.
        let age = vec![0, 0, 2, 2];
        let m = margin("age", &[10.0, 6.0, 4.0]);
        let cal = rake(&base, &[age], &[m]).unwrap();
        assert_eq!(
            cal.collapsed,
            vec![Collapse {
                margin: "age".into(),
                level: "age1".into(),
                into: "age2".into(),
            }]
        );
        assert!((cal.weights[0] - 5.0).abs() < 1e-9 && (cal.weights[2] - 5.0).abs() < 1e-9);
        let m = margin("age", &[10.0, 6.0, 4.0]);
        let cal = rake(&base, &[vec![0, 0, 1, 1]], &[m]).unwrap();
        assert_eq!(cal.collapsed[0].level, "age2");
        assert_eq!(cal.collapsed[0].into, "age1");
        assert!(cal.weights.iter().all(|w| w.is_finite()));
    }

    #[test]
    fn margins_the_respondents_cannot_carry_are_an_error() {
        // Every young respondent is a man, and the register has more young
        // residents (60) than men (40): no positive weights meet both.
        let base = [25.0; 4];
        let age = vec![0, 0, 1, 1];
        let sex = vec![0, 0, 0, 1];
        let margins = [margin("age", &[60.0, 40.0]), margin("sex", &[40.0, 60.0])];
        let err = rake(&base, &[age, sex], &margins).unwrap_err();
        assert!(matches!(err, RakeError::Unreachable { .. }), "{err:?}");
    }

    #[test]
    fn bad_inputs_are_errors_not_nan() {
        assert_eq!(rake(&[], &[], &[]).unwrap_err(), RakeError::NoRespondents);
        assert!(matches!(
            rake(&[1.0, 0.0], &[vec![0, 0]], &[margin("g", &[2.0])]),
            Err(RakeError::BadBaseWeight { respondent: 1 })
        ));
        assert!(matches!(
            rake(&[1.0], &[vec![3]], &[margin("g", &[2.0])]),
            Err(RakeError::BadLevel { .. })
        ));
        assert!(matches!(
            rake(
                &[1.0, 1.0],
                &[vec![0, 1], vec![0, 1]],
                &[margin("a", &[1.0, 1.0]), margin("b", &[5.0, 5.0])]
            ),
            Err(RakeError::InconsistentTotals { .. })
        ));
        assert!(matches!(
            rake(&[1.0], &[vec![0]], &[margin("a", &[f64::NAN])]),
            Err(RakeError::BadTotal { .. })
        ));
    }
}
