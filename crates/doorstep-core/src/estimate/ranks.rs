//! Ranks with their uncertainty: a seeded parametric bootstrap draws every
//! area's score from N(estimate, SE²) and ranks each draw; an area's rank
//! interval holds the middle share of its ranks.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// An area's rank (1 = best) and its interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rank {
    pub rank: usize,
    pub low: usize,
    pub high: usize,
}

/// Ranks areas by `estimate` (higher is better; ties share the better
/// rank), with `level` (e.g. 0.9) rank intervals from `draws` bootstrap
/// draws seeded by `seed`: the same inputs give the same intervals.
pub fn rank_intervals(estimates: &[(f64, f64)], draws: usize, level: f64, seed: u64) -> Vec<Rank> {
    let m = estimates.len();
    let rank_of = |scores: &[f64], i: usize| 1 + scores.iter().filter(|s| **s > scores[i]).count();
    let points: Vec<f64> = estimates.iter().map(|e| e.0).collect();
    let mut seen: Vec<Vec<usize>> = vec![Vec::with_capacity(draws); m];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut draw = vec![0.0; m];
    // Ranks of one draw by sorting: m log m per draw rather than m².
    let mut order: Vec<usize> = (0..m).collect();
    for _ in 0..draws {
        for (x, (est, se)) in draw.iter_mut().zip(estimates) {
            let se = if se.is_finite() && *se > 0.0 {
                *se
            } else {
                0.0
            };
            *x = est + se * normal(&mut rng);
        }
        order.sort_by(|a, b| draw[*b].total_cmp(&draw[*a]));
        let mut k = 0;
        while k < m {
            // A run of equal draws shares the better rank.
            let mut j = k;
            while j + 1 < m && draw[order[j + 1]] == draw[order[k]] {
                j += 1;
            }
            for &i in &order[k..=j] {
                seen[i].push(k + 1);
            }
            k = j + 1;
        }
    }
    let tail = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
    (0..m)
        .map(|i| {
            let rank = rank_of(&points, i);
            let ranks = &mut seen[i];
            if ranks.is_empty() {
                return Rank {
                    rank,
                    low: rank,
                    high: rank,
                };
            }
            ranks.sort_unstable();
            let n = ranks.len();
            let lo = ((tail * n as f64).floor() as usize).min(n - 1);
            let hi = (((1.0 - tail) * n as f64).ceil() as usize).clamp(1, n) - 1;
            Rank {
                rank,
                low: ranks[lo],
                high: ranks[hi],
            }
        })
        .collect()
}

/// A standard normal draw (Box–Muller; the sine half is dropped to keep
/// the stream simple).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precise_and_far_apart_means_certain_ranks() {
        let r = rank_intervals(&[(90.0, 0.1), (70.0, 0.1), (80.0, 0.1)], 1000, 0.9, 7);
        assert_eq!(
            r[0],
            Rank {
                rank: 1,
                low: 1,
                high: 1
            }
        );
        assert_eq!(
            r[1],
            Rank {
                rank: 3,
                low: 3,
                high: 3
            }
        );
        assert_eq!(
            r[2],
            Rank {
                rank: 2,
                low: 2,
                high: 2
            }
        );
    }

    #[test]
    fn close_noisy_scores_have_wide_intervals_and_the_seed_repeats() {
        let e = [(80.0, 3.0), (80.5, 3.0), (81.0, 3.0), (60.0, 0.5)];
        let a = rank_intervals(&e, 1000, 0.9, 42);
        assert_eq!(a, rank_intervals(&e, 1000, 0.9, 42));
        assert_eq!(a[2].rank, 1);
        assert!(a[2].low == 1 && a[2].high == 3, "{:?}", a[2]);
        assert_eq!(
            a[3],
            Rank {
                rank: 4,
                low: 4,
                high: 4
            }
        );
        for r in &a {
            assert!(r.low <= r.high && r.high <= 4, "{r:?}");
        }
    }

    #[test]
    fn ties_share_the_better_rank_and_nothing_is_nan() {
        let r = rank_intervals(&[(75.0, 0.0), (75.0, 0.0), (70.0, f64::NAN)], 10, 0.9, 1);
        assert_eq!(r[0].rank, 1);
        assert_eq!(r[1].rank, 1);
        assert_eq!(
            r[2],
            Rank {
                rank: 3,
                low: 3,
                high: 3
            }
        );
        assert!(rank_intervals(&[], 10, 0.9, 1).is_empty());
    }
}
