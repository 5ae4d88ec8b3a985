//! The bundled demo: a questionnaire and about 60 residents compiled into
//! the binary, loaded on a data directory that has no assignment yet.

use std::path::Path;

use crate::Store;
use doorstep_core::assignment::Resident;
use doorstep_core::assignment::import::read_csv_bytes;
use doorstep_core::questionnaire::{Questionnaire, load_str};

/// The questionnaire compiled into the binary.
pub const BUNDLED_QUESTIONNAIRE: &str =
    include_str!("../../../questionnaires/resident-satisfaction.toml");
const DEMO_RESIDENTS: &[u8] = include_bytes!("../../../examples/demo-residents.csv");
/// Set in the store's meta table while the demo is what is loaded.
pub const DEMO_KEY: &str = "demo";

/// The bundled questionnaire, checked.
pub fn questionnaire() -> Result<Questionnaire, doorstep_core::questionnaire::LoadError> {
    load_str(
        BUNDLED_QUESTIONNAIRE,
        "questionnaires/resident-satisfaction.toml",
    )
}

/// The demo residents compiled into the binary.
pub fn residents() -> anyhow::Result<Vec<Resident>> {
    Ok(read_csv_bytes(
        Path::new("examples/demo-residents.csv"),
        DEMO_RESIDENTS,
        None,
    )?
    .residents)
}

/// Loads the demo into a store; returns its questionnaire.
pub fn load(store: &Store) -> anyhow::Result<Questionnaire> {
    load_residents(store, &residents()?)
}

/// Loads the bundled questionnaire and `residents` as the assignment of a
/// demo store; returns the questionnaire.
pub fn load_residents(store: &Store, residents: &[Resident]) -> anyhow::Result<Questionnaire> {
    let q = questionnaire()?;
    store.register_questionnaire(&q, BUNDLED_QUESTIONNAIRE)?;
    store.upsert_residents(residents)?;
    store.set_active_questionnaire(&q.id, &q.version)?;
    store.set_meta(DEMO_KEY, Some("1"))?;
    Ok(q)
}
