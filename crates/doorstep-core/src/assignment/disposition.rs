//! Visit outcomes: the AAPOR final and temporary disposition codes for
//! in-person household surveys, reduced to what a surveyor records.

use crate::lang::{Lang, Msg};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// AAPOR 1.1 complete interview.
    Complete,
    /// AAPOR 1.2 partial interview (enough answered to count).
    Partial,
    /// AAPOR 2.12 break-off: started, then stopped.
    BreakOff,
    /// AAPOR 2.11/2.111 refusal (household or respondent).
    Refusal,
    /// AAPOR 2.24 no one at home.
    NoOneHome,
    /// AAPOR 2.25 respondent away / unavailable.
    RespondentAway,
    /// Appointment made (a temporary disposition: revisit).
    Appointment,
    /// AAPOR 2.33 language barrier.
    LanguageBarrier,
    /// AAPOR 2.32 physically or mentally unable / incompetent.
    Unable,
    /// Moved away (not eligible at this address any more).
    Moved,
    /// AAPOR 4.6/4.5 vacant or not a residence.
    VacantOrNotResidence,
}

impl Disposition {
    pub const ALL: [Disposition; 11] = [
        Disposition::Complete,
        Disposition::Partial,
        Disposition::BreakOff,
        Disposition::Refusal,
        Disposition::NoOneHome,
        Disposition::RespondentAway,
        Disposition::Appointment,
        Disposition::LanguageBarrier,
        Disposition::Unable,
        Disposition::Moved,
        Disposition::VacantOrNotResidence,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Disposition::Complete => "complete",
            Disposition::Partial => "partial",
            Disposition::BreakOff => "break_off",
            Disposition::Refusal => "refusal",
            Disposition::NoOneHome => "no_one_home",
            Disposition::RespondentAway => "respondent_away",
            Disposition::Appointment => "appointment",
            Disposition::LanguageBarrier => "language_barrier",
            Disposition::Unable => "unable",
            Disposition::Moved => "moved",
            Disposition::VacantOrNotResidence => "vacant",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The AAPOR code, for reports.
    pub fn aapor_code(self) -> &'static str {
        match self {
            Disposition::Complete => "1.1",
            Disposition::Partial => "1.2",
            Disposition::BreakOff => "2.12",
            Disposition::Refusal => "2.11",
            Disposition::NoOneHome => "2.24",
            Disposition::RespondentAway => "2.25",
            Disposition::Appointment => "2.21",
            Disposition::LanguageBarrier => "2.33",
            Disposition::Unable => "2.32",
            Disposition::Moved => "4.8",
            Disposition::VacantOrNotResidence => "4.6",
        }
    }

    /// No contact was made: the resident should be visited again.
    pub fn is_no_contact(self) -> bool {
        matches!(self, Disposition::NoOneHome | Disposition::RespondentAway)
    }

    /// The resident is due for another visit after this outcome.
    pub fn needs_revisit(self) -> bool {
        self.is_no_contact() || self == Disposition::Appointment
    }

    /// An interview took place, wholly or in part.
    pub fn is_interview(self) -> bool {
        matches!(
            self,
            Disposition::Complete | Disposition::Partial | Disposition::BreakOff
        )
    }

    /// The outcome group of this disposition as a final one, after the
    /// AAPOR code's class (see `OutcomeGroup`).
    pub fn group(self) -> OutcomeGroup {
        match self {
            // 1.1
            Disposition::Complete => OutcomeGroup::Complete,
            // 1.2
            Disposition::Partial => OutcomeGroup::Partial,
            // 2.1x
            Disposition::Refusal | Disposition::BreakOff => OutcomeGroup::RefusalBreakOff,
            // 2.2x (a pending appointment is 2.21)
            Disposition::NoOneHome | Disposition::RespondentAway | Disposition::Appointment => {
                OutcomeGroup::NonContact
            }
            // 2.3x other non-interviews, 4.x not eligible
            Disposition::LanguageBarrier
            | Disposition::Unable
            | Disposition::Moved
            | Disposition::VacantOrNotResidence => OutcomeGroup::Other,
        }
    }

    pub fn label(self, lang: &str) -> &'static str {
        let id = match self {
            Disposition::Complete => Msg::DispositionComplete,
            Disposition::Partial => Msg::DispositionPartial,
            Disposition::BreakOff => Msg::DispositionBreakOff,
            Disposition::Refusal => Msg::DispositionRefusal,
            Disposition::NoOneHome => Msg::DispositionNoOneHome,
            Disposition::RespondentAway => Msg::DispositionRespondentAway,
            Disposition::Appointment => Msg::DispositionAppointment,
            Disposition::LanguageBarrier => Msg::DispositionLanguageBarrier,
            Disposition::Unable => Msg::DispositionUnable,
            Disposition::Moved => Msg::DispositionMoved,
            Disposition::VacantOrNotResidence => Msg::DispositionVacant,
        };
        id.text(Lang::from_code(lang))
    }
}

/// Final outcomes in the AAPOR classes a supervisor reads an outcome chart
/// by: interviews (1.1 complete, 1.2 partial), eligible non-interviews
/// (2.1 refusal and break-off, 2.2 non-contact), and the rest (2.3 other,
/// 4 not eligible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeGroup {
    Complete,
    Partial,
    RefusalBreakOff,
    NonContact,
    Other,
}

impl OutcomeGroup {
    pub const ALL: [OutcomeGroup; 5] = [
        OutcomeGroup::Complete,
        OutcomeGroup::Partial,
        OutcomeGroup::RefusalBreakOff,
        OutcomeGroup::NonContact,
        OutcomeGroup::Other,
    ];

    /// One letter for charts, so groups read without colour too.
    pub fn letter(self) -> char {
        match self {
            OutcomeGroup::Complete => 'C',
            OutcomeGroup::Partial => 'P',
            OutcomeGroup::RefusalBreakOff => 'R',
            OutcomeGroup::NonContact => 'N',
            OutcomeGroup::Other => 'O',
        }
    }

    pub fn label(self, lang: &str) -> &'static str {
        let id = match self {
            OutcomeGroup::Complete => Msg::GroupComplete,
            OutcomeGroup::Partial => Msg::GroupPartial,
            OutcomeGroup::RefusalBreakOff => Msg::GroupRefusalBreakOff,
            OutcomeGroup::NonContact => Msg::GroupNonContact,
            OutcomeGroup::Other => Msg::GroupOther,
        };
        id.text(Lang::from_code(lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for d in Disposition::ALL {
            assert_eq!(Disposition::from_code(d.code()), Some(d));
            assert!(seen.insert(d.code()));
        }
    }

    #[test]
    fn outcome_groups_follow_the_aapor_classes() {
        for d in Disposition::ALL {
            let code = d.aapor_code();
            let expected = match code {
                "1.1" => OutcomeGroup::Complete,
                "1.2" => OutcomeGroup::Partial,
                c if c.starts_with("2.1") => OutcomeGroup::RefusalBreakOff,
                c if c.starts_with("2.2") => OutcomeGroup::NonContact,
                _ => OutcomeGroup::Other,
            };
            assert_eq!(d.group(), expected, "{d:?} ({code})");
        }
        let letters: std::collections::HashSet<char> =
            OutcomeGroup::ALL.iter().map(|g| g.letter()).collect();
        assert_eq!(letters.len(), OutcomeGroup::ALL.len());
    }

    #[test]
    fn revisits_follow_no_contact_and_appointments() {
        let due: Vec<_> = Disposition::ALL
            .into_iter()
            .filter(|d| d.needs_revisit())
            .collect();
        assert_eq!(
            due,
            [
                Disposition::NoOneHome,
                Disposition::RespondentAway,
                Disposition::Appointment
            ]
        );
    }
}
