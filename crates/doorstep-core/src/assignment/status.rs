//! Where each resident stands in the day's work, decided from what was
//! recorded. Pure: the store keeps a copy of the result on each resident
//! (so lists can filter and sort without replaying visits) and calls
//! [`ResidentStatus::decide`] whenever a visit or interview changes it.

use crate::lang::{Lang, Msg};

use serde::{Deserialize, Serialize};

use super::Disposition;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidentStatus {
    /// Never visited.
    ToVisit,
    /// The last visit found no one to talk to: go back.
    RevisitDue,
    /// An appointment is pending: go back at the agreed time.
    Appointment,
    /// An interview has started and is not finished.
    InProgress,
    Completed,
    Partial,
    BrokenOff,
    Refused,
    /// No interview is possible: language barrier, unable, moved, vacant.
    Closed,
}

impl ResidentStatus {
    pub const ALL: [ResidentStatus; 9] = [
        ResidentStatus::ToVisit,
        ResidentStatus::RevisitDue,
        ResidentStatus::Appointment,
        ResidentStatus::InProgress,
        ResidentStatus::Completed,
        ResidentStatus::Partial,
        ResidentStatus::BrokenOff,
        ResidentStatus::Refused,
        ResidentStatus::Closed,
    ];

    /// Stable code, stored in the database: never change one.
    pub fn code(self) -> &'static str {
        match self {
            ResidentStatus::ToVisit => "to_visit",
            ResidentStatus::RevisitDue => "revisit_due",
            ResidentStatus::Appointment => "appointment",
            ResidentStatus::InProgress => "in_progress",
            ResidentStatus::Completed => "completed",
            ResidentStatus::Partial => "partial",
            ResidentStatus::BrokenOff => "broken_off",
            ResidentStatus::Refused => "refused",
            ResidentStatus::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The surveyor should go (back) to this resident.
    pub fn is_due(self) -> bool {
        matches!(
            self,
            ResidentStatus::ToVisit | ResidentStatus::RevisitDue | ResidentStatus::Appointment
        )
    }

    /// Label for lists: `zh` gives Chinese, anything else English.
    pub fn label(self, lang: &str) -> &'static str {
        let id = match self {
            ResidentStatus::ToVisit => Msg::StatusToVisit,
            ResidentStatus::RevisitDue => Msg::StatusRevisitDue,
            ResidentStatus::Appointment => Msg::StatusAppointment,
            ResidentStatus::InProgress => Msg::StatusInProgress,
            ResidentStatus::Completed => Msg::StatusCompleted,
            ResidentStatus::Partial => Msg::StatusPartial,
            ResidentStatus::BrokenOff => Msg::StatusBrokenOff,
            ResidentStatus::Refused => Msg::StatusRefused,
            ResidentStatus::Closed => Msg::StatusClosed,
        };
        id.text(Lang::from_code(lang))
    }

    /// The status after the latest visit outcome (`None`: never visited),
    /// given whether that visit left an appointment time and whether an
    /// interview is open. An open interview wins: it must be resumed
    /// before anything else happens at that door.
    pub fn decide(
        latest: Option<Disposition>,
        appointment_pending: bool,
        interview_in_progress: bool,
    ) -> Self {
        if interview_in_progress {
            return ResidentStatus::InProgress;
        }
        let Some(d) = latest else {
            return ResidentStatus::ToVisit;
        };
        // An agreed time beats "no one home": the surveyor knows when to come.
        if appointment_pending && d.needs_revisit() {
            return ResidentStatus::Appointment;
        }
        match d {
            Disposition::Complete => ResidentStatus::Completed,
            Disposition::Partial => ResidentStatus::Partial,
            Disposition::BreakOff => ResidentStatus::BrokenOff,
            Disposition::Refusal => ResidentStatus::Refused,
            Disposition::NoOneHome | Disposition::RespondentAway => ResidentStatus::RevisitDue,
            Disposition::Appointment => ResidentStatus::Appointment,
            Disposition::LanguageBarrier
            | Disposition::Unable
            | Disposition::Moved
            | Disposition::VacantOrNotResidence => ResidentStatus::Closed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for s in ResidentStatus::ALL {
            assert_eq!(ResidentStatus::from_code(s.code()), Some(s));
            assert!(seen.insert(s.code()));
            assert!(!s.label("zh").is_empty() && !s.label("en").is_empty());
        }
        assert_eq!(ResidentStatus::from_code("nope"), None);
    }

    #[test]
    fn never_visited_is_to_visit() {
        assert_eq!(
            ResidentStatus::decide(None, false, false),
            ResidentStatus::ToVisit
        );
    }

    #[test]
    fn open_interview_wins() {
        for d in Disposition::ALL {
            assert_eq!(
                ResidentStatus::decide(Some(d), true, true),
                ResidentStatus::InProgress
            );
        }
        assert_eq!(
            ResidentStatus::decide(None, false, true),
            ResidentStatus::InProgress
        );
    }

    #[test]
    fn outcomes_map_to_statuses() {
        use Disposition::*;
        use ResidentStatus as S;
        let expect = [
            (Complete, S::Completed),
            (Partial, S::Partial),
            (BreakOff, S::BrokenOff),
            (Refusal, S::Refused),
            (NoOneHome, S::RevisitDue),
            (RespondentAway, S::RevisitDue),
            (Appointment, S::Appointment),
            (LanguageBarrier, S::Closed),
            (Unable, S::Closed),
            (Moved, S::Closed),
            (VacantOrNotResidence, S::Closed),
        ];
        for (d, s) in expect {
            assert_eq!(ResidentStatus::decide(Some(d), false, false), s, "{d:?}");
            // Due for a revisit exactly when the disposition says so.
            assert_eq!(s.is_due(), d.needs_revisit(), "{d:?}");
        }
    }

    #[test]
    fn appointment_time_upgrades_no_contact_only() {
        assert_eq!(
            ResidentStatus::decide(Some(Disposition::NoOneHome), true, false),
            ResidentStatus::Appointment
        );
        // A refusal with a stray time is still a refusal.
        assert_eq!(
            ResidentStatus::decide(Some(Disposition::Refusal), true, false),
            ResidentStatus::Refused
        );
    }
}
