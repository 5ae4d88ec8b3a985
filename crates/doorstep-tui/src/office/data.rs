//! What the office app reads and writes: the office database, its
//! settings and the questionnaires the interviews were made with. Every
//! read and write goes through `doorstep_office`; the screens hold what
//! was read, loaded when a tab opens or after a change, never per frame.

use chrono::{DateTime, Utc};
use doorstep_core::questionnaire::Questionnaire;
use doorstep_office::Db;
use doorstep_office::settings::Settings;

pub struct OfficeData {
    pub db: Db,
    pub settings: Settings,
    /// The questionnaires the interviews were made with (for scores).
    pub questionnaires: Vec<Questionnaire>,
    /// Who status changes are recorded as.
    pub who: String,
    /// The instant overdue orders are judged at; `None`: now (tests fix it).
    pub now: Option<DateTime<Utc>>,
}

impl OfficeData {
    pub fn new(
        db: Db,
        settings: Settings,
        questionnaires: Vec<Questionnaire>,
        who: String,
    ) -> Self {
        OfficeData {
            db,
            settings,
            questionnaires,
            who,
            now: None,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }
}
