//! Reserves of a stratified sample (`doorstep office sample`): which
//! resident of the list is sampled and which is a reserve, when a reserve is
//! released, and each stratum's progress. Pure: the store keeps the state
//! and calls [`releases`] after each recorded outcome.
//!
//! The rule: a list whose residents carry a `stratum` column (and a
//! `reserve` column: `0` sampled, `1`, `2`, … the reserves in order) keeps
//! its reserves hidden. When a sampled resident (or a released reserve)
//! ends as a refusal, or as a final non-contact (no one reached at the
//! latest visit after `max_attempts` visits), the next hidden reserve of the
//! same community and stratum is released to replace them, in the list's
//! order. Each member is replaced at most once. A list without a `stratum`
//! column has no reserves and nothing is hidden.

use std::collections::BTreeMap;

use super::Resident;
use super::status::ResidentStatus;

/// The list column naming a resident's stratum.
pub const STRATUM_COLUMN: &str = "stratum";
/// The list column with the reserve rank: `0` (or empty) for a sampled
/// resident, `1`, `2`, … for the reserves in order.
pub const RESERVE_COLUMN: &str = "reserve";
/// Visits without contact after which a non-contact is final, when the
/// config does not say (`max_attempts`).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// The largest attempt limit a config may set.
pub const MAX_ATTEMPTS_LIMIT: u32 = 20;

/// A resident's place in a stratified sample, from the list's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleSlot {
    pub stratum: String,
    /// 0: sampled; n ≥ 1: the n-th reserve of the stratum.
    pub reserve: u32,
}

impl Resident {
    /// The resident's stratum and reserve rank; `Ok(None)` when the list
    /// has no (or an empty) `stratum` column. A `reserve` that is not a
    /// whole number is an error naming the value.
    pub fn sample_slot(&self) -> Result<Option<SampleSlot>, String> {
        let Some(stratum) = self
            .attributes
            .get(STRATUM_COLUMN)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        else {
            return Ok(None);
        };
        let reserve = match self.attributes.get(RESERVE_COLUMN).map(|s| s.trim()) {
            None | Some("") => 0,
            Some(v) => v.parse::<u32>().map_err(|_| {
                format!(
                    "resident {}: reserve '{v}' is not a whole number (0 for a sampled \
                     resident, 1, 2, … for the reserves)",
                    self.resident_id
                )
            })?,
        };
        Ok(Some(SampleSlot {
            stratum: stratum.to_string(),
            reserve,
        }))
    }
}

/// Whether an outcome leaves a sampled resident to be replaced: a refusal,
/// or no contact at the latest of at least `max_attempts` visits.
pub fn needs_replacement(status: ResidentStatus, visits: u32, max_attempts: u32) -> bool {
    match status {
        ResidentStatus::Refused => true,
        ResidentStatus::RevisitDue => visits >= max_attempts.max(1),
        _ => false,
    }
}

/// One resident of a stratified list, as [`releases`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub resident_id: String,
    pub community: String,
    pub stratum: String,
    /// 0: sampled; n ≥ 1: a reserve.
    pub reserve: u32,
    /// A reserve already released (sampled residents are never hidden).
    pub released: bool,
    /// A replacement was already released for this member.
    pub replaced: bool,
    pub status: ResidentStatus,
    pub visits: u32,
}

impl Member {
    /// In the work: sampled, or a released reserve.
    pub fn active(&self) -> bool {
        self.reserve == 0 || self.released
    }
}

/// A reserve to release, and the member it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub reserve: String,
    pub replaces: String,
    pub community: String,
    pub stratum: String,
}

/// The reserves to release now. `members` are in the list's order (the
/// order matters only among reserves of one stratum: the first hidden one
/// goes first). Each active member that needs a replacement and has none
/// takes the next hidden reserve of its community and stratum, in the
/// order the members needing one appear; when a stratum runs out of
/// reserves the rest wait (nothing is released across strata).
pub fn releases(members: &[Member], max_attempts: u32) -> Vec<Release> {
    type Key<'a> = (&'a str, &'a str);
    let mut waiting: BTreeMap<Key<'_>, Vec<&Member>> = BTreeMap::new();
    let mut hidden: BTreeMap<Key<'_>, Vec<&Member>> = BTreeMap::new();
    let mut order: Vec<Key<'_>> = Vec::new();
    for m in members {
        let key = (m.community.as_str(), m.stratum.as_str());
        if !waiting.contains_key(&key) && !hidden.contains_key(&key) {
            order.push(key);
        }
        if m.active() {
            if !m.replaced && needs_replacement(m.status, m.visits, max_attempts) {
                waiting.entry(key).or_default().push(m);
            } else {
                waiting.entry(key).or_default();
            }
        } else {
            hidden.entry(key).or_default().push(m);
        }
    }
    let mut out = Vec::new();
    for key in order {
        let (Some(w), Some(h)) = (waiting.get(&key), hidden.get(&key)) else {
            continue;
        };
        for (gone, reserve) in w.iter().zip(h.iter()) {
            out.push(Release {
                reserve: reserve.resident_id.clone(),
                replaces: gone.resident_id.clone(),
                community: key.0.to_string(),
                stratum: key.1.to_string(),
            });
        }
    }
    out
}

/// One stratum's progress, for the list: completed interviews of its
/// active members against its target (its sampled residents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StratumProgress {
    pub community: String,
    pub stratum: String,
    pub target: u32,
    pub completed: u32,
    /// Reserves released so far.
    pub released: u32,
    /// Reserves still hidden.
    pub hidden: u32,
}

/// Each stratum's progress, in order of community then stratum.
pub fn progress(members: &[Member]) -> Vec<StratumProgress> {
    let mut by: BTreeMap<(&str, &str), StratumProgress> = BTreeMap::new();
    for m in members {
        let p = by
            .entry((m.community.as_str(), m.stratum.as_str()))
            .or_insert_with(|| StratumProgress {
                community: m.community.clone(),
                stratum: m.stratum.clone(),
                target: 0,
                completed: 0,
                released: 0,
                hidden: 0,
            });
        if m.reserve == 0 {
            p.target += 1;
        } else if m.released {
            p.released += 1;
        } else {
            p.hidden += 1;
        }
        if m.active() && m.status == ResidentStatus::Completed {
            p.completed += 1;
        }
    }
    by.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, stratum: &str, reserve: u32) -> Member {
        Member {
            resident_id: id.into(),
            community: "East".into(),
            stratum: stratum.into(),
            reserve,
            released: false,
            replaced: false,
            status: ResidentStatus::ToVisit,
            visits: 0,
        }
    }

    fn resident(attrs: &[(&str, &str)]) -> Resident {
        Resident {
            resident_id: "R1".into(),
            name: String::new(),
            address: String::new(),
            community: Some("East".into()),
            grid: None,
            building: None,
            unit: None,
            room: None,
            phone: None,
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn slot_comes_from_the_stratum_and_reserve_columns() {
        assert_eq!(resident(&[]).sample_slot(), Ok(None));
        assert_eq!(
            resident(&[("stratum", " "), ("reserve", "1")]).sample_slot(),
            Ok(None)
        );
        assert_eq!(
            resident(&[("stratum", "18-34/f")]).sample_slot(),
            Ok(Some(SampleSlot {
                stratum: "18-34/f".into(),
                reserve: 0
            }))
        );
        assert_eq!(
            resident(&[("stratum", "a"), ("reserve", "2")])
                .sample_slot()
                .unwrap()
                .unwrap()
                .reserve,
            2
        );
        let e = resident(&[("stratum", "a"), ("reserve", "yes")])
            .sample_slot()
            .unwrap_err();
        assert!(e.contains("R1") && e.contains("'yes'"), "{e}");
    }

    #[test]
    fn refusal_and_final_non_contact_need_a_replacement() {
        use ResidentStatus as S;
        assert!(needs_replacement(S::Refused, 1, 3));
        assert!(!needs_replacement(S::RevisitDue, 2, 3));
        assert!(needs_replacement(S::RevisitDue, 3, 3));
        // Contact was made: an appointment is not a final non-contact.
        assert!(!needs_replacement(S::Appointment, 5, 3));
        for s in [
            S::ToVisit,
            S::Completed,
            S::Partial,
            S::InProgress,
            S::Closed,
        ] {
            assert!(!needs_replacement(s, 9, 3), "{s:?}");
        }
    }

    #[test]
    fn nothing_is_released_while_the_sample_holds() {
        let m = vec![member("A", "x", 0), member("B", "x", 1)];
        assert!(releases(&m, 3).is_empty());
    }

    #[test]
    fn a_refusal_releases_the_first_reserve_of_its_stratum() {
        let mut m = vec![
            member("A", "x", 0),
            member("B", "y", 0),
            member("Y1", "y", 1),
            member("X1", "x", 1),
            member("X2", "x", 2),
        ];
        m[0].status = ResidentStatus::Refused;
        let r = releases(&m, 3);
        assert_eq!(
            r,
            vec![Release {
                reserve: "X1".into(),
                replaces: "A".into(),
                community: "East".into(),
                stratum: "x".into()
            }]
        );
        // Once recorded, the same refusal releases nothing more.
        m[0].replaced = true;
        m[3].released = true;
        assert!(releases(&m, 3).is_empty());
        // The released reserve refuses too: the next one comes.
        m[3].status = ResidentStatus::Refused;
        let r = releases(&m, 3);
        assert_eq!(r.len(), 1);
        assert_eq!(
            (r[0].reserve.as_str(), r[0].replaces.as_str()),
            ("X2", "X1")
        );
    }

    #[test]
    fn non_contact_is_final_at_the_attempt_limit_and_strata_are_per_community() {
        let mut m = vec![member("A", "x", 0), member("W1", "x", 1)];
        m[1].community = "West".into();
        m[0].status = ResidentStatus::RevisitDue;
        m[0].visits = 3;
        // The only reserve of stratum x is in another community.
        assert!(releases(&m, 3).is_empty());
        m.push(member("E1", "x", 1));
        assert!(releases(&m, 4).is_empty());
        let r = releases(&m, 3);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].reserve, "E1");
    }

    #[test]
    fn progress_counts_targets_completions_and_reserves() {
        let mut m = vec![
            member("A", "x", 0),
            member("B", "x", 0),
            member("X1", "x", 1),
            member("X2", "x", 2),
        ];
        m[0].status = ResidentStatus::Refused;
        m[0].replaced = true;
        m[1].status = ResidentStatus::Completed;
        m[2].released = true;
        m[2].status = ResidentStatus::Completed;
        let p = progress(&m);
        assert_eq!(
            p,
            vec![StratumProgress {
                community: "East".into(),
                stratum: "x".into(),
                target: 2,
                completed: 2,
                released: 1,
                hidden: 1
            }]
        );
    }
}
