//! The questionnaire registry: every questionnaire an interview may refer
//! to, with its full source text, keyed by id and version.

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension};

use super::schema::{meta_get, meta_set};
use super::{Result, Store, StoreError, ts};
use doorstep_core::questionnaire::{Questionnaire, hex_sha256};

/// The questionnaire the current assignment uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveQuestionnaire {
    pub id: String,
    pub version: String,
    pub content_hash: String,
    pub source: String,
}

pub(super) fn check_source(q: &Questionnaire, source: &str) -> Result<()> {
    if hex_sha256(source.as_bytes()) != q.content_hash {
        return Err(StoreError::Other(format!(
            "questionnaire {} version {}: the source text given is not the one it was loaded from",
            q.id, q.version
        )));
    }
    Ok(())
}

/// Inside the caller's transaction: see [`Store::register_questionnaire`].
pub(super) fn register(tx: &Connection, q: &Questionnaire, source: &str) -> Result<()> {
    let stored: Option<String> = tx
        .query_row(
            "SELECT content_hash FROM questionnaires WHERE id = ?1 AND version = ?2",
            (&q.id, &q.version),
            |r| r.get(0),
        )
        .optional()?;
    match stored {
        Some(hash) if hash == q.content_hash => Ok(()),
        Some(_) => Err(StoreError::QuestionnaireChanged {
            id: q.id.clone(),
            version: q.version.clone(),
        }),
        None => {
            tx.execute(
                "INSERT INTO questionnaires (id, version, content_hash, source, registered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                (&q.id, &q.version, &q.content_hash, source, ts(&Utc::now())),
            )?;
            Ok(())
        }
    }
}

/// Inside the caller's transaction: see [`Store::set_active_questionnaire`].
pub(super) fn set_active(tx: &Connection, id: &str, version: &str) -> Result<()> {
    let known: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM questionnaires WHERE id = ?1 AND version = ?2)",
        (id, version),
        |r| r.get(0),
    )?;
    if !known {
        return Err(StoreError::NotFound(format!(
            "questionnaire {id} version {version}"
        )));
    }
    meta_set(tx, "active_questionnaire_id", id)?;
    meta_set(tx, "active_questionnaire_version", version)?;
    Ok(())
}

impl Store {
    /// Stores `q` with its `source`. The same content again is a no-op;
    /// different content under the same id and version is refused, since
    /// interviews already taken must keep pointing at the text they used.
    pub fn register_questionnaire(&self, q: &Questionnaire, source: &str) -> Result<()> {
        check_source(q, source)?;
        self.write(|tx| register(tx, q, source))
    }

    /// The stored source of a questionnaire version.
    pub fn questionnaire_source(&self, id: &str, version: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT source FROM questionnaires WHERE id = ?1 AND version = ?2",
                (id, version),
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Makes a registered questionnaire the active one (the one the last
    /// assignment came with).
    pub fn set_active_questionnaire(&self, id: &str, version: &str) -> Result<()> {
        self.write(|tx| set_active(tx, id, version))
    }

    pub fn active_questionnaire(&self) -> Result<Option<ActiveQuestionnaire>> {
        let (Some(id), Some(version)) = (
            meta_get(&self.conn, "active_questionnaire_id")?,
            meta_get(&self.conn, "active_questionnaire_version")?,
        ) else {
            return Ok(None);
        };
        Ok(self
            .conn
            .query_row(
                "SELECT content_hash, source FROM questionnaires WHERE id = ?1 AND version = ?2",
                (&id, &version),
                |r| {
                    Ok(ActiveQuestionnaire {
                        id: id.clone(),
                        version: version.clone(),
                        content_hash: r.get(0)?,
                        source: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }
}
