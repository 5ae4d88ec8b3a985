//! Per-question notes, and small facts about the data directory.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::interviews::require_open;
use super::schema::{meta_get, meta_set};
use super::{Result, Store, instance_from_sql, instance_to_sql, ts};

impl Store {
    /// Saves (or, when empty, removes) the note on one question.
    pub fn save_note(
        &self,
        interview_id: Uuid,
        question_id: &str,
        instance: Option<u32>,
        note: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let iid = interview_id.to_string();
        let instance = instance_to_sql(instance);
        self.write(|tx| {
            require_open(tx, interview_id)?;
            if note.trim().is_empty() {
                tx.execute(
                    "DELETE FROM question_notes WHERE interview_id = ?1 AND question_id = ?2 AND instance = ?3",
                    (&iid, question_id, instance),
                )?;
            } else {
                tx.execute(
                    "INSERT INTO question_notes (interview_id, question_id, instance, note, at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (interview_id, question_id, instance)
                     DO UPDATE SET note = excluded.note, at = excluded.at",
                    (&iid, question_id, instance, note, ts(&at)),
                )?;
            }
            Ok(())
        })
    }

    /// The notes of an interview: (question id, instance, note).
    pub fn notes(&self, interview_id: Uuid) -> Result<Vec<super::batches::QuestionNote>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT question_id, instance, note FROM question_notes
             WHERE interview_id = ?1 ORDER BY question_id, instance",
        )?;
        let rows = stmt.query_map([interview_id.to_string()], |r| {
            Ok((r.get(0)?, instance_from_sql(r.get(1)?), r.get(2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A fact kept in the `meta` table (e.g. whether the demo is loaded).
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        meta_get(&self.conn, key)
    }

    pub fn set_meta(&self, key: &str, value: Option<&str>) -> Result<()> {
        self.write(|tx| match value {
            Some(v) => meta_set(tx, key, v),
            None => {
                tx.execute("DELETE FROM meta WHERE key = ?1", [key])?;
                Ok(())
            }
        })
    }
}
