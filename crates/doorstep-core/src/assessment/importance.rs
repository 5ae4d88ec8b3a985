//! Which items to fix first: each item's mean score against how strongly
//! it moves with the index (importance–performance analysis), and each
//! community's weakest items.

use std::collections::BTreeMap;

use serde::Serialize;

/// One interview's item scores (0–100), its index and its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub items: BTreeMap<String, f64>,
    pub index: f64,
    pub weight: f64,
}

/// An item's performance (weighted mean score) and importance (weighted
/// correlation of its score with the index over the interviews that
/// scored it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemFigure {
    pub item: String,
    pub score: f64,
    /// `None` when the item or the index does not vary.
    pub importance: Option<f64>,
    pub n: usize,
}

/// Every item's figure, in item order.
pub fn importance_performance(interviews: &[Scored]) -> Vec<ItemFigure> {
    importance_performance_of(interviews.iter().map(|i| {
        (
            i.items.iter().map(|(k, v)| (k.as_str(), *v)),
            i.index,
            i.weight,
        )
    }))
}

/// [`importance_performance`] of interviews given as (item scores, index,
/// weight), without a map per interview: the same figures, in item order.
pub fn importance_performance_of<'a, I>(
    interviews: impl IntoIterator<Item = (I, f64, f64)>,
) -> Vec<ItemFigure>
where
    I: IntoIterator<Item = (&'a str, f64)>,
{
    let mut by_item: BTreeMap<&str, Vec<(f64, f64, f64)>> = BTreeMap::new();
    for (items, index, weight) in interviews {
        if !(weight.is_finite() && weight > 0.0 && index.is_finite()) {
            continue;
        }
        for (item, score) in items {
            if score.is_finite() {
                match by_item.get_mut(item) {
                    Some(points) => points.push((score, index, weight)),
                    None => {
                        by_item.insert(item, vec![(score, index, weight)]);
                    }
                }
            }
        }
    }
    by_item
        .into_iter()
        .map(|(item, points)| {
            let w: f64 = points.iter().map(|p| p.2).sum();
            let mx = points.iter().map(|p| p.0 * p.2).sum::<f64>() / w;
            let my = points.iter().map(|p| p.1 * p.2).sum::<f64>() / w;
            let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
            for (x, y, wi) in &points {
                sxy += wi * (x - mx) * (y - my);
                sxx += wi * (x - mx).powi(2);
                syy += wi * (y - my).powi(2);
            }
            let importance = (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt());
            ItemFigure {
                item: item.to_string(),
                score: mx,
                importance,
                n: points.len(),
            }
        })
        .collect()
}

/// The `k` items with the lowest mean score (ties by item id).
pub fn weakest(figures: &[ItemFigure], k: usize) -> Vec<&ItemFigure> {
    let mut sorted: Vec<&ItemFigure> = figures.iter().collect();
    sorted.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.item.cmp(&b.item)));
    sorted.truncate(k);
    sorted
}

/// An interview's index: the weighted mean of its dimension scores, with
/// `weights` per dimension (missing = 1); `None` without any dimension.
pub fn index(dimensions: &BTreeMap<String, f64>, weights: &BTreeMap<String, f64>) -> Option<f64> {
    let (mut sum, mut total) = (0.0, 0.0);
    for (d, score) in dimensions {
        let w = weights.get(d).copied().unwrap_or(1.0);
        if w > 0.0 && score.is_finite() {
            sum += w * score;
            total += w;
        }
    }
    (total > 0.0).then(|| sum / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(items: &[(&str, f64)], index: f64) -> Scored {
        Scored {
            items: items.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            index,
            weight: 1.0,
        }
    }

    #[test]
    fn an_item_that_moves_with_the_index_is_important() {
        let data = [
            scored(&[("clean", 20.0), ("noise", 50.0)], 30.0),
            scored(&[("clean", 60.0), ("noise", 50.0)], 60.0),
            scored(&[("clean", 100.0), ("noise", 50.0)], 90.0),
            scored(&[("clean", 40.0)], 45.0),
        ];
        let f = importance_performance(&data);
        assert_eq!(f[0].item, "clean");
        assert_eq!(f[0].n, 4);
        assert!((f[0].score - 55.0).abs() < 1e-12);
        assert!((f[0].importance.unwrap() - 1.0).abs() < 1e-9, "{:?}", f[0]);
        // An item everyone rates the same says nothing about the index.
        assert_eq!(f[1].importance, None);
        let weak: Vec<&str> = weakest(&f, 3).iter().map(|f| f.item.as_str()).collect();
        assert_eq!(weak, ["noise", "clean"]);
    }

    #[test]
    fn the_index_weighs_dimensions() {
        let dims: BTreeMap<String, f64> = [("env".into(), 80.0), ("safety".into(), 50.0)].into();
        assert_eq!(index(&dims, &BTreeMap::new()), Some(65.0));
        let w: BTreeMap<String, f64> = [("env".into(), 3.0)].into();
        assert_eq!(index(&dims, &w), Some(72.5));
        assert_eq!(index(&BTreeMap::new(), &w), None);
    }
}
