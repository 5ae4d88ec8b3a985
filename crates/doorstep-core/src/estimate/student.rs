//! Student's t quantiles for confidence intervals (statrs: its inverse CDF
//! goes through the regularised incomplete beta function, accurate far
//! beyond the interval's printed digits).

use std::cell::RefCell;
use std::collections::HashMap;

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The `p` quantile of t with `df` degrees of freedom (df > 0).
///
/// An assessment asks the same few (0.975, n − 1) hundreds of thousands of
/// times and each answer costs an iterative inverse of the incomplete
/// beta function: answers are kept per thread (the same bits as computed
/// afresh) for the few thousand distinct questions a run asks.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    thread_local! {
        static KNOWN: RefCell<HashMap<(u64, u64), f64>> = RefCell::new(HashMap::new());
    }
    let key = (p.to_bits(), df.to_bits());
    if let Some(q) = KNOWN.with(|k| k.borrow().get(&key).copied()) {
        return q;
    }
    let q = match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => t.inverse_cdf(p),
        Err(_) => f64::NAN,
    };
    KNOWN.with(|k| {
        let mut k = k.borrow_mut();
        if k.len() >= 4096 {
            k.clear();
        }
        k.insert(key, q);
    });
    q
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
            // Asked again: the kept answer, the same bits.
            assert_eq!(t_quantile(0.975, df).to_bits(), got.to_bits());
        }
    }
}
