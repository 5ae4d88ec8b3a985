//! Least-squares residuals by Householder QR, as R's `qr.resid` gives them.
//! The calibration's model matrices are small (an intercept and a few
//! dummies) and tall (one row per respondent); QR keeps the residuals
//! accurate where the normal equations would square the condition number.

/// A Householder QR factorisation of a tall matrix stored by columns.
pub struct Qr {
    rows: usize,
    /// The Householder vectors, one per column kept (each `rows` long,
    /// zero above its diagonal position).
    reflectors: Vec<Vec<f64>>,
}

impl Qr {
    /// Factorises `columns` (each `rows` long). Columns that are (nearly)
    /// linear combinations of earlier ones are skipped, as R's pivoting QR
    /// leaves them out of the rank.
    pub fn new(rows: usize, columns: &[Vec<f64>]) -> Qr {
        let mut reflectors: Vec<Vec<f64>> = Vec::new();
        for column in columns {
            debug_assert_eq!(column.len(), rows);
            let scale = column.iter().map(|v| v.abs()).fold(0.0, f64::max);
            let mut v = column.clone();
            for h in &reflectors {
                reflect(h, &mut v);
            }
            let k = reflectors.len();
            if k >= rows {
                break;
            }
            let norm = v[k..].iter().map(|x| x * x).sum::<f64>().sqrt();
            // Rank deficient: what is left of the column is rounding noise.
            if norm <= 1e-9 * scale.max(f64::MIN_POSITIVE) || norm == 0.0 {
                continue;
            }
            let alpha = if v[k] > 0.0 { -norm } else { norm };
            let mut h = vec![0.0; rows];
            h[k] = v[k] - alpha;
            h[k + 1..].copy_from_slice(&v[k + 1..]);
            let hn = h.iter().map(|x| x * x).sum::<f64>().sqrt();
            for x in &mut h {
                *x /= hn;
            }
            reflectors.push(h);
        }
        Qr { rows, reflectors }
    }

    /// The residual of `y` after projecting it on the columns' span.
    pub fn residual(&self, y: &[f64]) -> Vec<f64> {
        debug_assert_eq!(y.len(), self.rows);
        let mut r = y.to_vec();
        for h in &self.reflectors {
            reflect(h, &mut r);
        }
        // Qᵀy: the first k entries are the fitted part; zero them and map
        // back with Q.
        for x in r.iter_mut().take(self.reflectors.len()) {
            *x = 0.0;
        }
        for h in self.reflectors.iter().rev() {
            reflect(h, &mut r);
        }
        r
    }
}

/// Applies I − 2hhᵀ (h of unit length) to `v`.
fn reflect(h: &[f64], v: &mut [f64]) {
    let dot: f64 = h.iter().zip(v.iter()).map(|(a, b)| a * b).sum();
    for (x, hi) in v.iter_mut().zip(h) {
        *x -= 2.0 * dot * hi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residual_of_a_line_fit() {
        // y = 1 + 2x exactly except the last point, 1 above the line.
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = [1.0, 3.0, 5.0, 8.0];
        let qr = Qr::new(4, &[vec![1.0; 4], x.to_vec()]);
        let r = qr.residual(&y);
        // OLS on these points: slope 2.3, intercept 0.8.
        let fitted: Vec<f64> = x.iter().map(|x| 0.8 + 2.3 * x).collect();
        for i in 0..4 {
            assert!((r[i] - (y[i] - fitted[i])).abs() < 1e-12, "{r:?}");
        }
        // Residuals are orthogonal to every column.
        assert!(r.iter().sum::<f64>().abs() < 1e-12);
    }

    #[test]
    fn a_repeated_column_does_not_change_the_residual() {
        let x = vec![0.0, 1.0, 0.0, 1.0, 1.0];
        let y = [2.0, 4.0, 3.0, 5.0, 9.0];
        let once = Qr::new(5, &[vec![1.0; 5], x.clone()]).residual(&y);
        let twice = Qr::new(5, &[vec![1.0; 5], x.clone(), x]).residual(&y);
        for (a, b) in once.iter().zip(&twice) {
            assert!((a - b).abs() < 1e-12);
        }
        // Group means are 2.5 and 6: the residuals are the deviations.
        assert!((once[0] + 0.5).abs() < 1e-12 && (once[4] - 3.0).abs() < 1e-12);
    }
}
