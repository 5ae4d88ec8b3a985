//! A street's score made from its communities' scores (`docs/method.md`,
//! "Streets"): each community's estimate weighted equally, or by its
//! register population. Communities' samples are independent, so the
//! street's SE is √(Σ wᵢ² SEᵢ²) with the weights normalised to sum to 1.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Row;

/// How a street's score is made from its communities' (`office.toml`
/// `[scores] street_weighting`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StreetWeighting {
    /// Every community counts the same: the plain mean.
    #[default]
    Equal,
    /// Each community by its register residents on the period's last day.
    Population,
}

impl StreetWeighting {
    pub const NAMES: [&'static str; 2] = ["equal", "population"];

    pub fn parse(s: &str) -> Option<StreetWeighting> {
        match s {
            "equal" => Some(StreetWeighting::Equal),
            "population" => Some(StreetWeighting::Population),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            StreetWeighting::Equal => "equal",
            StreetWeighting::Population => "population",
        }
    }

    pub fn is_equal(&self) -> bool {
        *self == StreetWeighting::Equal
    }
}

/// One street's score from its communities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreetScore {
    pub street: String,
    pub communities: usize,
    /// Interviews over its communities.
    pub n: usize,
    pub score: f64,
    pub se: f64,
}

/// The street scores of `rows` (one row per community: a period's
/// combined index), sorted by street. `population`: register residents
/// per community, used with [`StreetWeighting::Population`]; a community
/// missing from it weighs 0, and a street whose communities all weigh 0
/// falls back to equal weights (a score is never NaN).
pub fn street_scores(
    rows: &[&Row],
    weighting: StreetWeighting,
    population: &BTreeMap<String, f64>,
) -> Vec<StreetScore> {
    let mut by_street: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        by_street.entry(r.street.as_str()).or_default().push(r);
    }
    by_street
        .into_iter()
        .map(|(street, members)| {
            let (score, se) = combine(&members, weighting, population);
            StreetScore {
                street: street.to_string(),
                communities: members.len(),
                n: members.iter().map(|r| r.n).sum(),
                score,
                se,
            }
        })
        .collect()
}

fn combine(
    members: &[&Row],
    weighting: StreetWeighting,
    population: &BTreeMap<String, f64>,
) -> (f64, f64) {
    let weights: Option<Vec<f64>> = match weighting {
        StreetWeighting::Equal => None,
        StreetWeighting::Population => {
            let w: Vec<f64> = members
                .iter()
                .map(|r| {
                    population
                        .get(&r.community)
                        .copied()
                        .filter(|p| p.is_finite() && *p > 0.0)
                        .unwrap_or(0.0)
                })
                .collect();
            let total: f64 = w.iter().sum();
            (total > 0.0).then(|| w.iter().map(|w| w / total).collect())
        }
    };
    match weights {
        // The plain mean, computed as it always was (the figures of
        // earlier reports stay the same to the last bit).
        None => {
            let k = members.len() as f64;
            let (e, v) = members
                .iter()
                .map(|r| (r.estimate, r.se * r.se))
                .fold((0.0, 0.0), |(a, b), (e, v)| (a + e, b + v));
            (e / k, v.sqrt() / k)
        }
        Some(w) => {
            let (e, v) = members.iter().zip(&w).fold((0.0, 0.0), |(a, b), (r, w)| {
                (a + w * r.estimate, b + w * w * r.se * r.se)
            });
            (e, v.sqrt())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(community: &str, street: &str, estimate: f64, se: f64, n: usize) -> Row {
        Row {
            community: community.into(),
            street: street.into(),
            district: "D".into(),
            period: "2026".into(),
            channel: super::super::COMBINED.into(),
            measure: super::super::INDEX.into(),
            estimate,
            se,
            ci_low: estimate - 2.0 * se,
            ci_high: estimate + 2.0 * se,
            n,
            n_eff: n as f64,
            small: false,
            shrunk: None,
            shrunk_se: None,
            notes: vec![],
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn equal_and_population_weights_by_hand() {
        // Street S: A 80 (SE 2, 1,000 residents), B 70 (SE 1, 3,000),
        // C 90 (SE 4, 1,000); street T: D alone.
        let rows = [
            row("A", "S", 80.0, 2.0, 100),
            row("B", "S", 70.0, 1.0, 120),
            row("C", "S", 90.0, 4.0, 40),
            row("D", "T", 60.0, 3.0, 50),
        ];
        let refs: Vec<&Row> = rows.iter().collect();
        let pop: BTreeMap<String, f64> = [("A", 1000.0), ("B", 3000.0), ("C", 1000.0)]
            .into_iter()
            .map(|(c, p)| (c.to_string(), p))
            .collect();

        // Equal: (80 + 70 + 90) / 3 = 80; SE √(4 + 1 + 16) / 3 = √21 / 3.
        let eq = street_scores(&refs, StreetWeighting::Equal, &pop);
        assert_eq!(eq.len(), 2);
        assert_eq!(
            (eq[0].street.as_str(), eq[0].communities, eq[0].n),
            ("S", 3, 260)
        );
        assert!(close(eq[0].score, 80.0));
        assert!(close(eq[0].se, 21f64.sqrt() / 3.0));

        // Population: weights 0.2, 0.6, 0.2 → 16 + 42 + 18 = 76;
        // SE √(0.04·4 + 0.36·1 + 0.04·16) = √1.16.
        let by_pop = street_scores(&refs, StreetWeighting::Population, &pop);
        assert!(close(by_pop[0].score, 76.0));
        assert!(close(by_pop[0].se, 1.16f64.sqrt()));
        // D has no register count: its street falls back to equal weights.
        assert_eq!(by_pop[1].street, "T");
        assert!(close(by_pop[1].score, 60.0));
        assert!(close(by_pop[1].se, 3.0));
    }

    #[test]
    fn names_parse_both_ways() {
        for name in StreetWeighting::NAMES {
            assert_eq!(StreetWeighting::parse(name).unwrap().name(), name);
        }
        assert_eq!(StreetWeighting::parse("Population"), None);
        assert!(StreetWeighting::default().is_equal());
    }
}
