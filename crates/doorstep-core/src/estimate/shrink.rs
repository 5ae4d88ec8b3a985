//! Small-area shrinkage: the Fay–Herriot area-level model with a
//! method-of-moments (Prasad–Rao) variance, shrinking each community's
//! direct estimate toward its street's mean in proportion to its noise.

use serde::Serialize;

/// A direct estimate and its sampling variance (SE²).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Direct {
    pub estimate: f64,
    pub variance: f64,
}

/// The shrunk estimate of one area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Shrunk {
    pub estimate: f64,
    /// √(g₁ + g₂): the model's mean squared error without the term for
    /// estimating σ²ᵥ (Prasad–Rao's g₃), so slightly optimistic with few
    /// areas.
    pub se: f64,
    /// γ = σ²ᵥ/(σ²ᵥ + ψ): the weight on the direct estimate.
    pub gamma: f64,
}

/// The model's fit over a group of areas (a street's communities).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FayHerriot {
    /// Between-area variance σ²ᵥ (method of moments, floored at 0).
    pub between: f64,
    /// The group mean μ (weighted by 1/(σ²ᵥ + ψᵢ)).
    pub mean: f64,
    pub areas: Vec<Shrunk>,
}

/// Fits the model with an intercept only (the group mean) and shrinks
/// every area. `None` with fewer than three areas (no between-area
/// variance to estimate) or a non-finite input; areas whose variance is 0
/// keep their direct estimate.
pub fn fay_herriot(areas: &[Direct]) -> Option<FayHerriot> {
    let m = areas.len();
    if m < 3
        || areas
            .iter()
            .any(|a| !a.estimate.is_finite() || !a.variance.is_finite() || a.variance < 0.0)
    {
        return None;
    }
    let mf = m as f64;
    let ols = areas.iter().map(|a| a.estimate).sum::<f64>() / mf;
    // E[Σ(ŷ − ȳ)²] = (m − 1)σ²ᵥ + Σψᵢ(1 − 1/m) for the intercept-only model.
    let spread: f64 = areas.iter().map(|a| (a.estimate - ols).powi(2)).sum();
    let noise: f64 = areas.iter().map(|a| a.variance * (1.0 - 1.0 / mf)).sum();
    let between = ((spread - noise) / (mf - 1.0)).max(0.0);
    let precision: Vec<f64> = areas
        .iter()
        .map(|a| {
            let total = between + a.variance;
            if total > 0.0 { 1.0 / total } else { 0.0 }
        })
        .collect();
    let sum_p: f64 = precision.iter().sum();
    let mean = if sum_p > 0.0 {
        areas
            .iter()
            .zip(&precision)
            .map(|(a, p)| a.estimate * p)
            .sum::<f64>()
            / sum_p
    } else {
        ols
    };
    let shrunk = areas
        .iter()
        .map(|a| {
            let total = between + a.variance;
            let gamma = if total > 0.0 { between / total } else { 1.0 };
            if a.variance == 0.0 {
                return Shrunk {
                    estimate: a.estimate,
                    se: 0.0,
                    gamma: 1.0,
                };
            }
            let g1 = gamma * a.variance;
            let g2 = if sum_p > 0.0 {
                (1.0 - gamma).powi(2) / sum_p
            } else {
                0.0
            };
            Shrunk {
                estimate: gamma * a.estimate + (1.0 - gamma) * mean,
                se: (g1 + g2).sqrt(),
                gamma,
            }
        })
        .collect();
    Some(FayHerriot {
        between,
        mean,
        areas: shrunk,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(estimate: f64, variance: f64) -> Direct {
        Direct { estimate, variance }
    }

    #[test]
    fn noisy_areas_move_toward_the_mean_and_precise_ones_stay() {
        let fit = fay_herriot(&[d(70.0, 1.0), d(80.0, 1.0), d(90.0, 1.0), d(95.0, 400.0)]).unwrap();
        assert!(fit.between > 0.0);
        let [a, _, c, noisy] = fit.areas[..] else {
            panic!()
        };
        assert!((a.estimate - 70.0).abs() < 1.0 && (c.estimate - 90.0).abs() < 1.0);
        assert!(noisy.gamma < 0.5 && noisy.estimate < 95.0 && noisy.estimate > fit.mean);
        assert!(noisy.se < 20.0, "shrinking borrows strength: {noisy:?}");
    }

    #[test]
    fn no_spread_beyond_noise_shrinks_everything_to_the_mean() {
        // Direct estimates closer together than their noise: σ²ᵥ = 0.
        let fit = fay_herriot(&[d(79.0, 25.0), d(80.0, 25.0), d(81.0, 25.0)]).unwrap();
        assert_eq!(fit.between, 0.0);
        for a in &fit.areas {
            assert!((a.estimate - 80.0).abs() < 1e-12 && a.gamma == 0.0);
        }
    }

    /// Worked by hand: ŷ = (60, 70, 80), ψ = (4, 4, 16). ȳ = 70;
    /// spread = 200; noise = 24·(2/3) = 16; σ²ᵥ = (200 − 16)/2 = 92.
    #[test]
    fn method_of_moments_by_hand() {
        let fit = fay_herriot(&[d(60.0, 4.0), d(70.0, 4.0), d(80.0, 16.0)]).unwrap();
        assert!((fit.between - 92.0).abs() < 1e-12);
        let p = [1.0 / 96.0, 1.0 / 96.0, 1.0 / 108.0];
        let mean = (60.0 * p[0] + 70.0 * p[1] + 80.0 * p[2]) / p.iter().sum::<f64>();
        assert!((fit.mean - mean).abs() < 1e-12);
        let gamma = 92.0 / 108.0;
        assert!((fit.areas[2].estimate - (gamma * 80.0 + (1.0 - gamma) * mean)).abs() < 1e-12);
    }

    #[test]
    fn too_few_areas_or_bad_input_fit_nothing() {
        assert!(fay_herriot(&[d(1.0, 1.0), d(2.0, 1.0)]).is_none());
        assert!(fay_herriot(&[d(1.0, 1.0), d(2.0, 1.0), d(f64::NAN, 1.0)]).is_none());
        assert!(fay_herriot(&[d(1.0, 1.0), d(2.0, -1.0), d(3.0, 1.0)]).is_none());
    }
}
