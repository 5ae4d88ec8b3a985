//! The day's assignment: who to visit, and what happened at each visit.

pub mod disposition;
pub mod import;
pub mod reserves;
pub mod search;
pub mod status;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use disposition::{Disposition, OutcomeGroup};

/// One sampled resident from the assignment list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resident {
    pub resident_id: String,
    pub name: String,
    pub address: String,
    pub community: Option<String>,
    pub grid: Option<String>,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub room: Option<String>,
    pub phone: Option<String>,
    /// Every other column of the list, readable as `${resident.COLUMN}`.
    pub attributes: BTreeMap<String, String>,
}

impl Resident {
    /// Building, unit and room as the list shows them: `5-2-301` (the
    /// parts present, joined by `-`).
    pub fn place(&self) -> String {
        [&self.building, &self.unit, &self.room]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("-")
    }

    /// All fields as expressions see them (`${resident.name}`, ...).
    pub fn expression_fields(&self) -> std::collections::HashMap<String, String> {
        let mut out: std::collections::HashMap<String, String> = self
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.insert("resident_id".into(), self.resident_id.clone());
        out.insert("name".into(), self.name.clone());
        out.insert("address".into(), self.address.clone());
        for (k, v) in [
            ("community", &self.community),
            ("grid", &self.grid),
            ("building", &self.building),
            ("unit", &self.unit),
            ("room", &self.room),
            ("phone", &self.phone),
        ] {
            if let Some(v) = v {
                out.insert(k.into(), v.clone());
            }
        }
        out
    }
}
