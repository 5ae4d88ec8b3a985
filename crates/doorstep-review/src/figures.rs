//! Small figures the review screens show that the inbox does not keep:
//! durations in whole minutes, the length histogram, refusals per
//! surveyor, and what the batches that fail verification hold. Pure
//! functions over the inbox's data.

use std::collections::BTreeMap;

use doorstep_core::assignment::{Disposition, OutcomeGroup};
use std::collections::HashMap;

use doorstep_batch::InterviewOutcome;
use doorstep_core::interview::paradata::{EventKind, ParadataEvent};

use super::inbox::{InboxBatch, InboxInterview};

pub use crate::flags::whole_minutes;

/// An interview's length in seconds, if it ended: its work sessions only
/// (a reopened copy is not measured across the night it waited).
pub fn length_secs(it: &InboxInterview) -> Option<f64> {
    it.ended_at.and(it.work_seconds).map(|s| s as f64)
}

/// One bar of the length histogram: interviews of `from..=to` whole
/// minutes (`to` `None`: `from` and longer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LengthBin {
    pub from: i64,
    pub to: Option<i64>,
    pub count: u64,
}

/// The lengths (whole minutes) in at most `max_bins` bins of 5, 10, 15,
/// 20, 30 or 60 minutes, the narrowest that fits, from the bin of the
/// shortest to that of the longest; when even hours do not fit, the last
/// bin takes the rest.
pub fn length_histogram(minutes: &[i64], max_bins: usize) -> Vec<LengthBin> {
    let max_bins = max_bins.max(1);
    let (Some(lo), Some(hi)) = (minutes.iter().min(), minutes.iter().max()) else {
        return Vec::new();
    };
    let (lo, hi) = ((*lo).max(0), (*hi).max(0));
    let step = [5, 10, 15, 20, 30, 60]
        .into_iter()
        .find(|s| (hi / s - lo / s + 1) as usize <= max_bins)
        .unwrap_or(60);
    let first = lo / step;
    let bins = ((hi / step - first + 1) as usize).min(max_bins);
    let mut out: Vec<LengthBin> = (0..bins as i64)
        .map(|i| LengthBin {
            from: (first + i) * step,
            to: Some((first + i) * step + step - 1),
            count: 0,
        })
        .collect();
    if (hi / step - first + 1) as usize > max_bins
        && let Some(last) = out.last_mut()
    {
        last.to = None;
    }
    for m in minutes {
        let i = (((*m).max(0) / step - first) as usize).min(bins - 1);
        out[i].count += 1;
    }
    out
}

/// The lengths of the completed interviews among `interviews`, in whole
/// minutes.
pub fn completed_minutes<'a>(interviews: impl IntoIterator<Item = &'a InboxInterview>) -> Vec<i64> {
    interviews
        .into_iter()
        .filter(|i| i.status == InterviewOutcome::Completed)
        .filter_map(length_secs)
        .map(whole_minutes)
        .collect()
}

/// Residents whose final disposition is a refusal or a break-off (AAPOR
/// 2.1x), from a summary's final dispositions by code.
pub fn refusals(final_dispositions: &BTreeMap<String, u64>) -> u64 {
    final_dispositions
        .iter()
        .filter(|(code, _)| {
            Disposition::from_code(code).is_some_and(|d| d.group() == OutcomeGroup::RefusalBreakOff)
        })
        .map(|(_, n)| n)
        .sum()
}

/// What the batches that fail verification hold, by their own unverified
/// manifests: none of it is in any figure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uncounted {
    pub batches: usize,
    pub interviews: u64,
    pub visits: u64,
    /// Failed batches whose manifest cannot be read (counts unknown).
    pub unreadable: usize,
}

pub fn uncounted(batches: &[InboxBatch]) -> Uncounted {
    let mut u = Uncounted::default();
    for b in batches.iter().filter(|b| !b.is_valid()) {
        u.batches += 1;
        match &b.verdict.claimed_counts {
            Some(c) => {
                u.interviews += c.interviews;
                u.visits += c.visits;
            }
            None => u.unreadable += 1,
        }
    }
    u
}

/// Seconds spent on each question (and repeat instance): from each time
/// it was shown to whatever was shown next, added up over every visit to
/// it (going back to a question adds its second look).
pub fn seconds_per_slot(events: &[ParadataEvent]) -> HashMap<(String, Option<u32>), f64> {
    let mut out: HashMap<(String, Option<u32>), f64> = HashMap::new();
    let shown: Vec<&ParadataEvent> = events
        .iter()
        .filter(|e| e.kind == EventKind::Shown)
        .collect();
    for w in shown.windows(2) {
        if let Some(q) = &w[0].question {
            let secs = (w[1].at - w[0].at).num_milliseconds() as f64 / 1000.0;
            *out.entry((q.clone(), w[0].instance)).or_default() += secs.max(0.0);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_per_slot_adds_each_look_at_a_question() {
        let t0 = chrono::Utc::now();
        let ev = |s: i64, q: &str, inst: Option<u32>| ParadataEvent {
            at: t0 + chrono::Duration::seconds(s),
            kind: EventKind::Shown,
            question: Some(q.into()),
            instance: inst,
            detail: None,
        };
        let events = [
            ev(0, "a", None),
            ev(10, "b", Some(0)),
            ev(15, "b", Some(1)),
            ev(18, "a", None),
            ev(20, "c", None),
        ];
        let t = seconds_per_slot(&events);
        assert_eq!(t[&("a".to_string(), None)], 12.0);
        assert_eq!(t[&("b".to_string(), Some(0))], 5.0);
        assert_eq!(t[&("b".to_string(), Some(1))], 3.0);
        // The last one shown has no end.
        assert!(!t.contains_key(&("c".to_string(), None)));
    }

    #[test]
    fn minutes_round_half_up() {
        assert_eq!(whole_minutes(0.0), 0);
        assert_eq!(whole_minutes(29.9), 0);
        assert_eq!(whole_minutes(30.0), 1);
        assert_eq!(whole_minutes(89.0), 1);
        assert_eq!(whole_minutes(90.0), 2);
        assert_eq!(whole_minutes(1121.0), 19);
        assert_eq!(whole_minutes(-5.0), 0);
    }

    #[test]
    fn the_histogram_takes_the_narrowest_bins_that_fit() {
        let bins = length_histogram(&[2, 12, 13, 17], 8);
        assert_eq!(
            bins,
            [
                LengthBin {
                    from: 0,
                    to: Some(4),
                    count: 1
                },
                LengthBin {
                    from: 5,
                    to: Some(9),
                    count: 0
                },
                LengthBin {
                    from: 10,
                    to: Some(14),
                    count: 2
                },
                LengthBin {
                    from: 15,
                    to: Some(19),
                    count: 1
                },
            ]
        );
        // 12 to 58 minutes in 4 rows: 15-minute bins from 0.
        let bins = length_histogram(&[12, 20, 58], 4);
        assert_eq!(
            bins.iter().map(|b| b.from).collect::<Vec<_>>(),
            [0, 15, 30, 45]
        );
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 3);
        // Too long a spread even for hours: the last bin is open.
        let bins = length_histogram(&[1, 500], 3);
        assert_eq!(bins.len(), 3);
        assert_eq!(bins[2].to, None);
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 2);
        assert!(length_histogram(&[], 5).is_empty());
    }

    #[test]
    fn refusals_count_refusals_and_break_offs() {
        let d: BTreeMap<String, u64> = [
            ("complete", 4),
            ("refusal", 2),
            ("break_off", 1),
            ("no_one_home", 9),
        ]
        .into_iter()
        .map(|(c, n)| (c.to_string(), n))
        .collect();
        assert_eq!(refusals(&d), 3);
    }
}
