//! Student's t quantiles for confidence intervals (statrs: its inverse CDF
//! goes through the regularised incomplete beta function, accurate far
//! beyond the interval's printed digits).

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The `p` quantile of t with `df` degrees of freedom (df > 0).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => t.inverse_cdf(p),
        Err(_) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_r_qt() {
        // R: qt(0.975, c(1, 5, 29, 99)).
        for (df, want) in [
            (1.0, 12.706204736174698),
            (5.0, 2.570581835636314),
            (29.0, 2.045229642132703),
            (99.0, 1.984216951835843),
        ] {
            let got = t_quantile(0.975, df);
            assert!((got - want).abs() < 1e-9 * want, "df {df}: {got}");
        }
    }
}
