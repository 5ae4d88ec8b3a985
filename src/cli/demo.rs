//! The bundled demo: a questionnaire and about 60 residents compiled into
//! the binary, loaded on a data directory that has no assignment yet.

use std::path::Path;

use anyhow::Context as _;
use doorstep::assignment::import::read_csv_bytes;
use doorstep::questionnaire::{Questionnaire, load_str};
use doorstep::store::Store;

/// The questionnaire compiled into the binary.
pub const BUNDLED_QUESTIONNAIRE: &str =
    include_str!("../../questionnaires/resident-satisfaction.toml");
const DEMO_RESIDENTS: &[u8] = include_bytes!("../../examples/demo-residents.csv");
/// Set in the store's meta table while the demo is what is loaded.
pub const DEMO_KEY: &str = "demo";

/// Loads the demo into an empty store; returns its questionnaire.
pub fn load(store: &Store) -> anyhow::Result<Questionnaire> {
    let q = load_str(
        BUNDLED_QUESTIONNAIRE,
        "questionnaires/resident-satisfaction.toml",
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = read_csv_bytes(
        Path::new("examples/demo-residents.csv"),
        DEMO_RESIDENTS,
        None,
    )
    .context("the bundled demo resident list")?;
    store.register_questionnaire(&q, BUNDLED_QUESTIONNAIRE)?;
    store.upsert_residents(&report.residents)?;
    store.set_active_questionnaire(&q.id, &q.version)?;
    store.set_meta(DEMO_KEY, Some("1"))?;
    Ok(q)
}
