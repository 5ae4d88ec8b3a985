//! The calibrated weighted mean and its linearisation standard error.

use serde::Serialize;

use super::lsq::Qr;
use super::rake::Calibration;
use super::student::t_quantile;

/// A mean with its uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub estimate: f64,
    pub se: f64,
    /// 95% confidence interval, t with n − 1 degrees of freedom.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Respondents with a value.
    pub n: usize,
    /// Kish's effective sample size, (Σw)² / Σw², over those respondents.
    pub n_eff: f64,
    /// Kish's design effect of the weighting, n / n_eff.
    pub deff: f64,
}

/// The mean of `y` (one value or `None` per calibrated respondent) under
/// `cal`'s weights. Respondents without a value stay in the calibration
/// and drop out of the mean (a domain estimate, R's `na.rm = TRUE`).
/// `None` when nobody has a value.
///
/// The variance is the with-replacement estimator of a one-stage design
/// (`ids = ~1`) applied to the influence values after projecting out the
/// calibration model, as `survey::svyrecvar` does for a `calibrate`d
/// design: z = w(y − ȳ)/Σw, then z ← g√d · resid(z / (g√d) ~ X√d),
/// v = n/(n − 1) Σ(z − z̄)².
pub fn calibrated_mean(cal: &Calibration, y: &[Option<f64>]) -> Option<Estimate> {
    let rows = cal.weights.len();
    assert_eq!(y.len(), rows, "one value per calibrated respondent");
    let present: Vec<(usize, f64)> = y
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i, v)))
        .collect();
    let n = present.len();
    if n == 0 {
        return None;
    }
    let sum_w: f64 = present.iter().map(|&(i, _)| cal.weights[i]).sum();
    let sum_w2: f64 = present.iter().map(|&(i, _)| cal.weights[i].powi(2)).sum();
    let mean = present
        .iter()
        .map(|&(i, v)| cal.weights[i] * v)
        .sum::<f64>()
        / sum_w;

    let mut z = vec![0.0; rows];
    for &(i, v) in &present {
        z[i] = cal.weights[i] * (v - mean) / sum_w;
    }
    let scale: Vec<f64> = cal.g().zip(&cal.base).map(|(g, d)| g * d.sqrt()).collect();
    let columns: Vec<Vec<f64>> = cal
        .model
        .iter()
        .map(|c| c.iter().zip(&cal.base).map(|(x, d)| x * d.sqrt()).collect())
        .collect();
    let scaled: Vec<f64> = z.iter().zip(&scale).map(|(z, s)| z / s).collect();
    let residual = Qr::new(rows, &columns).residual(&scaled);
    let z: Vec<f64> = residual.iter().zip(&scale).map(|(r, s)| r * s).collect();
    let z_mean = z.iter().sum::<f64>() / rows as f64;
    let variance = if rows > 1 {
        z.iter().map(|v| (v - z_mean).powi(2)).sum::<f64>() * rows as f64 / (rows - 1) as f64
    } else {
        0.0
    };
    let se = variance.sqrt();
    let half = if n > 1 {
        t_quantile(0.975, (n - 1) as f64) * se
    } else {
        f64::INFINITY
    };
    let n_eff = sum_w * sum_w / sum_w2;
    Some(Estimate {
        estimate: mean,
        se,
        ci_low: mean - half,
        ci_high: mean + half,
        n,
        n_eff,
        deff: n as f64 / n_eff,
    })
}

#[cfg(test)]
mod tests {
    use super::super::rake::{Margin, rake};
    use super::*;

    /// Six respondents, post-stratified on gender: worked by hand.
    /// Register: 60 men, 40 women. Men answer 80 and 60; women 90, 70, 50, 70.
    /// Weights: men 30, women 10. Mean = (30·140 + 10·280)/100 = 70.
    /// Post-stratification projects out the stratum means (men 70, women
    /// 70), so z = w(y − ȳ_h)/N: men ±0.3·10 = ±3, women 10·(20, 0, −20,
    /// 0)/100 = (2, 0, −2, 0). v = 6/5 · (9 + 9 + 4 + 4) = 31.2.
    #[test]
    fn six_respondents_post_stratified_by_hand() {
        let base = [100.0 / 6.0; 6];
        let cal = rake(
            &base,
            &[vec![0, 0, 1, 1, 1, 1]],
            &[Margin {
                name: "gender".into(),
                levels: vec!["m".into(), "f".into()],
                totals: vec![60.0, 40.0],
            }],
        )
        .unwrap();
        let y = [80.0, 60.0, 90.0, 70.0, 50.0, 70.0].map(Some);
        let e = calibrated_mean(&cal, &y).unwrap();
        assert!((e.estimate - 70.0).abs() < 1e-9, "{e:?}");
        assert!((e.se - 31.2f64.sqrt()).abs() < 1e-9, "{e:?}");
        assert_eq!(e.n, 6);
        // Σw = 100, Σw² = 2·900 + 4·100 = 2200.
        assert!((e.n_eff - 10000.0 / 2200.0).abs() < 1e-9);
        // t(0.975, 5) = 2.570581835636314.
        assert!((e.ci_high - (70.0 + 2.570581835636314 * 31.2f64.sqrt())).abs() < 1e-7);
    }

    #[test]
    fn a_missing_value_leaves_the_mean_but_not_the_calibration() {
        let base = [10.0; 4];
        let cal = rake(
            &base,
            &[vec![0, 0, 1, 1]],
            &[Margin {
                name: "g".into(),
                levels: vec!["a".into(), "b".into()],
                totals: vec![20.0, 20.0],
            }],
        )
        .unwrap();
        let e = calibrated_mean(&cal, &[Some(1.0), None, Some(3.0), Some(5.0)]).unwrap();
        assert!((e.estimate - 3.0).abs() < 1e-12);
        assert_eq!(e.n, 3);
        assert!(e.se.is_finite() && e.se > 0.0);
        assert!(calibrated_mean(&cal, &[None; 4]).is_none());
        let one = calibrated_mean(&cal, &[Some(4.0), None, None, None]).unwrap();
        assert_eq!(one.estimate, 4.0);
        assert!(one.se.is_finite() && !one.se.is_nan());
    }
}
