//! Answers, their history, paradata and the resume point of an interview.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use uuid::Uuid;

use super::interviews::{
    InterviewRecord, InterviewStatus, load_record, require_open, write_finish,
};
use super::visits::Visit;
use super::{Result, Store, StoreError, instance_from_sql, instance_to_sql, parse_ts, ts};
use doorstep_batch::{answer_key, parse_answer_key};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::{Answer, EventKind, ParadataEvent, Slot, Step};
use doorstep_core::questionnaire::Questionnaire;

/// Where the surveyor stood, by ids (indexes change between questionnaire
/// versions; ids are what the answers are keyed by too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedPosition {
    Question {
        question_id: String,
        instance: Option<u32>,
    },
    /// The "add another?" prompt of a repeat section.
    AddAnother { section_id: String },
}

impl SavedPosition {
    pub fn from_step(q: &Questionnaire, step: Step) -> Option<SavedPosition> {
        match step {
            Step::Question(slot) => Some(SavedPosition::Question {
                question_id: q.questions.get(slot.question)?.id.clone(),
                instance: slot.instance,
            }),
            Step::AddAnother(section) => Some(SavedPosition::AddAnother {
                section_id: q.sections.get(section)?.id.clone(),
            }),
        }
    }

    /// The step in `q`, if it still has that question or section.
    pub fn to_step(&self, q: &Questionnaire) -> Option<Step> {
        match self {
            SavedPosition::Question {
                question_id,
                instance,
            } => Some(Step::Question(Slot {
                question: q.question_index(question_id)?,
                instance: *instance,
            })),
            SavedPosition::AddAnother { section_id } => {
                Some(Step::AddAnother(q.section_index(section_id)?))
            }
        }
    }
}

/// Everything needed to resume an interview exactly where it stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedInterview {
    pub record: InterviewRecord,
    /// Current answers: (question id, repeat instance, answer), in the
    /// order they were last saved.
    pub answers: Vec<(String, Option<u32>, Answer)>,
    /// (repeat section id, instances added through "add another?").
    pub added_instances: Vec<(String, u32)>,
    pub position: Option<SavedPosition>,
    pub events: Vec<ParadataEvent>,
    /// The values of the relevant calculates as last saved, by key
    /// (`answer_key`: `"<id>[<instance>]"` inside a repeat).
    pub calculates: BTreeMap<String, String>,
}

/// One save or clear, as appended to the history.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerHistoryEntry {
    pub id: i64,
    pub question_id: String,
    pub instance: Option<u32>,
    /// `None`: the answer was cleared.
    pub answer: Option<Answer>,
    pub at: DateTime<Utc>,
}

/// Where an interview stands after a step: the paradata recorded since the
/// last save, the resume position, the repeat instances added and the
/// calculates' values. Saved with the answer it follows (or the finish), in
/// the same transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress<'a> {
    pub events: &'a [ParadataEvent],
    pub position: Option<&'a SavedPosition>,
    pub added_instances: &'a [(String, u32)],
    /// The values of the interview's relevant calculates now, by key
    /// (`doorstep_batch::recorded_calculates` of the flow): they replace
    /// those saved before (a calculate no longer listed is cleared).
    /// `None` leaves the saved ones as they are.
    pub calculates: Option<&'a BTreeMap<String, String>>,
}

pub(crate) fn decode_answer(json: &str) -> rusqlite::Result<Answer> {
    serde_json::from_str(json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn append_history(
    conn: &Connection,
    interview_id: &str,
    question_id: &str,
    instance: i64,
    answer: Option<&str>,
    at: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO answer_history (interview_id, question_id, instance, answer, at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((interview_id, question_id, instance, answer, at))?;
    Ok(conn.last_insert_rowid())
}

/// Inside the caller's transaction: the answer and its history row.
fn write_answer(
    conn: &Connection,
    interview_id: Uuid,
    question_id: &str,
    instance: Option<u32>,
    json: &str,
    at: &str,
) -> Result<i64> {
    let iid = interview_id.to_string();
    let instance = instance_to_sql(instance);
    let history_id = append_history(conn, &iid, question_id, instance, Some(json), at)?;
    conn.prepare_cached(
        "INSERT INTO answers (interview_id, question_id, instance, answer, history_id)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (interview_id, question_id, instance)
         DO UPDATE SET answer = excluded.answer, history_id = excluded.history_id",
    )?
    .execute((&iid, question_id, instance, json, history_id))?;
    Ok(history_id)
}

/// Inside the caller's transaction: removes an answer, recording the
/// clear in the history. `None` when there was no answer.
fn write_clear(
    conn: &Connection,
    interview_id: Uuid,
    question_id: &str,
    instance: Option<u32>,
    at: &str,
) -> Result<Option<i64>> {
    let iid = interview_id.to_string();
    let instance = instance_to_sql(instance);
    let removed = conn
        .prepare_cached(
            "DELETE FROM answers
             WHERE interview_id = ?1 AND question_id = ?2 AND instance = ?3",
        )?
        .execute((&iid, question_id, instance))?;
    if removed == 0 {
        return Ok(None);
    }
    append_history(conn, &iid, question_id, instance, None, at).map(Some)
}

fn write_events(conn: &Connection, interview_id: Uuid, events: &[ParadataEvent]) -> Result<()> {
    let iid = interview_id.to_string();
    let mut insert = conn.prepare_cached(
        "INSERT INTO events (interview_id, at, kind, question_id, instance, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for e in events {
        insert.execute((
            &iid,
            ts(&e.at),
            e.kind.code(),
            &e.question,
            e.instance,
            &e.detail,
        ))?;
    }
    Ok(())
}

fn write_position(
    conn: &Connection,
    interview_id: Uuid,
    position: Option<&SavedPosition>,
    added_instances: &[(String, u32)],
) -> Result<()> {
    let iid = interview_id.to_string();
    let (kind, id, instance) = match position {
        None => (None, None, None),
        Some(SavedPosition::Question {
            question_id,
            instance,
        }) => (Some("question"), Some(question_id.as_str()), *instance),
        Some(SavedPosition::AddAnother { section_id }) => {
            (Some("add_another"), Some(section_id.as_str()), None)
        }
    };
    conn.prepare_cached(
        "UPDATE interviews SET position_kind = ?2, position_id = ?3, position_instance = ?4
         WHERE id = ?1",
    )?
    .execute((&iid, kind, id, instance))?;
    conn.prepare_cached("DELETE FROM added_instances WHERE interview_id = ?1")?
        .execute([&iid])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO added_instances (interview_id, section_id, count) VALUES (?1, ?2, ?3)
         ON CONFLICT (interview_id, section_id) DO UPDATE SET count = excluded.count",
    )?;
    for (section, count) in added_instances {
        insert.execute((&iid, section, count))?;
    }
    Ok(())
}

/// Replaces the interview's saved calculate values with `values`.
fn write_calculates(
    conn: &Connection,
    interview_id: Uuid,
    values: &BTreeMap<String, String>,
) -> Result<()> {
    let iid = interview_id.to_string();
    conn.prepare_cached("DELETE FROM calculates WHERE interview_id = ?1")?
        .execute([&iid])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO calculates (interview_id, question_id, instance, value)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (interview_id, question_id, instance) DO UPDATE SET value = excluded.value",
    )?;
    for (key, value) in values {
        let (question_id, instance) = parse_answer_key(key)
            .ok_or_else(|| StoreError::Other(format!("not a calculate key: {key:?}")))?;
        insert.execute((&iid, question_id, instance_to_sql(instance), value))?;
    }
    Ok(())
}

/// Inside the caller's transaction (which has checked the interview is
/// open): the paradata, then the position and repeat instances, then the
/// calculates' values.
fn write_progress(conn: &Connection, interview_id: Uuid, progress: Progress<'_>) -> Result<()> {
    write_events(conn, interview_id, progress.events)?;
    write_position(
        conn,
        interview_id,
        progress.position,
        progress.added_instances,
    )?;
    if let Some(values) = progress.calculates {
        write_calculates(conn, interview_id, values)?;
    }
    Ok(())
}

impl Store {
    /// Saves one answer durably: when this returns `Ok(id)`, the answer is
    /// committed and fsynced, and `id` is its row in the answer history.
    pub fn save_answer(
        &self,
        interview_id: Uuid,
        question_id: &str,
        instance: Option<u32>,
        answer: &Answer,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        let json = serde_json::to_string(answer)?;
        let at = ts(&at);
        self.write(|tx| {
            require_open(tx, interview_id)?;
            write_answer(tx, interview_id, question_id, instance, &json, &at)
        })
    }

    /// Removes an answer (keeping it in the history). `None` when there
    /// was no answer to clear.
    pub fn clear_answer(
        &self,
        interview_id: Uuid,
        question_id: &str,
        instance: Option<u32>,
        at: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let at = ts(&at);
        self.write(|tx| {
            require_open(tx, interview_id)?;
            write_clear(tx, interview_id, question_id, instance, &at)
        })
    }

    /// One confirmed answer as one unit of work: the answer (`None`: the
    /// answer is cleared), its history row, the paradata and the resume
    /// position, in one transaction and one fsync. When this returns, all
    /// of it is on disk; when it fails, none of it is. `Some(id)`: the
    /// answer's row in the history (`None` when there was nothing to clear).
    pub fn save_answer_step(
        &self,
        interview_id: Uuid,
        question_id: &str,
        instance: Option<u32>,
        answer: Option<&Answer>,
        at: DateTime<Utc>,
        progress: Progress<'_>,
    ) -> Result<Option<i64>> {
        let json = answer.map(serde_json::to_string).transpose()?;
        let at = ts(&at);
        self.write(|tx| {
            require_open(tx, interview_id)?;
            let id = match &json {
                Some(json) => Some(write_answer(
                    tx,
                    interview_id,
                    question_id,
                    instance,
                    json,
                    &at,
                )?),
                None => write_clear(tx, interview_id, question_id, instance, &at)?,
            };
            write_progress(tx, interview_id, progress)?;
            Ok(id)
        })
    }

    /// The paradata, resume position and repeat instances of an interview,
    /// in one transaction (a move without a new answer).
    pub fn save_progress(&self, interview_id: Uuid, progress: Progress<'_>) -> Result<()> {
        self.write(|tx| {
            require_open(tx, interview_id)?;
            write_progress(tx, interview_id, progress)
        })
    }

    /// Ends an interview as [`Store::finish_interview`] does, with the
    /// paradata and position not yet saved written first, in the same
    /// transaction: one finish, one fsync, all of it or none.
    pub fn finish_interview_step(
        &self,
        id: Uuid,
        status: InterviewStatus,
        disposition: Disposition,
        ended_at: DateTime<Utc>,
        progress: Progress<'_>,
    ) -> Result<Visit> {
        self.write(|tx| {
            require_open(tx, id)?;
            write_progress(tx, id, progress)?;
            let visit = write_finish(tx, self.device_id, id, status, disposition, ended_at)?;
            super::reserves::release_due(tx, self.options.attempt_limit, &ended_at)?;
            Ok(visit)
        })
    }

    /// Appends paradata events, in one transaction.
    pub fn save_events(&self, interview_id: Uuid, events: &[ParadataEvent]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            if load_record(tx, interview_id)?.is_none() {
                return Err(StoreError::NotFound(format!("interview {interview_id}")));
            }
            write_events(tx, interview_id, events)
        })
    }

    /// Records where the interview stands and the repeat instances added,
    /// replacing what was saved before.
    pub fn save_position(
        &self,
        interview_id: Uuid,
        position: Option<SavedPosition>,
        added_instances: &[(String, u32)],
    ) -> Result<()> {
        self.write(|tx| {
            require_open(tx, interview_id)?;
            write_position(tx, interview_id, position.as_ref(), added_instances)
        })
    }

    /// An interview with everything needed to resume it.
    pub fn load_interview(&self, interview_id: Uuid) -> Result<SavedInterview> {
        let conn = &self.conn;
        let iid = interview_id.to_string();
        let record = load_record(conn, interview_id)?
            .ok_or_else(|| StoreError::NotFound(format!("interview {interview_id}")))?;

        let mut stmt = conn.prepare_cached(
            "SELECT question_id, instance, answer FROM answers WHERE interview_id = ?1
             ORDER BY history_id",
        )?;
        let answers = stmt
            .query_map([&iid], |r| {
                let json: String = r.get(2)?;
                Ok((
                    r.get::<_, String>(0)?,
                    instance_from_sql(r.get(1)?),
                    decode_answer(&json)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        let mut stmt = conn.prepare_cached(
            "SELECT section_id, count FROM added_instances WHERE interview_id = ?1
             ORDER BY section_id",
        )?;
        let added_instances = stmt
            .query_map([&iid], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        let (kind, id, instance): (Option<String>, Option<String>, Option<u32>) = conn
            .prepare_cached(
                "SELECT position_kind, position_id, position_instance FROM interviews WHERE id = ?1",
            )?
            .query_row([&iid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let position = match (kind.as_deref(), id) {
            (Some("question"), Some(question_id)) => Some(SavedPosition::Question {
                question_id,
                instance,
            }),
            (Some("add_another"), Some(section_id)) => {
                Some(SavedPosition::AddAnother { section_id })
            }
            _ => None,
        };

        let mut stmt = conn.prepare_cached(
            "SELECT at, kind, question_id, instance, detail FROM events WHERE interview_id = ?1
             ORDER BY id",
        )?;
        let events = stmt
            .query_map([&iid], |r| {
                let at: String = r.get(0)?;
                let kind: String = r.get(1)?;
                Ok(ParadataEvent {
                    at: parse_ts(&at)?,
                    kind: EventKind::from_code(&kind).ok_or_else(|| {
                        rusqlite::Error::FromSqlConversionFailure(
                            1,
                            rusqlite::types::Type::Text,
                            format!("unknown event kind {kind:?}").into(),
                        )
                    })?,
                    question: r.get(2)?,
                    instance: r.get(3)?,
                    detail: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        let mut stmt = conn.prepare_cached(
            "SELECT question_id, instance, value FROM calculates WHERE interview_id = ?1",
        )?;
        let calculates = stmt
            .query_map([&iid], |r| {
                let qid: String = r.get(0)?;
                Ok((
                    answer_key(&qid, instance_from_sql(r.get(1)?)),
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<BTreeMap<_, _>>>()?;

        Ok(SavedInterview {
            record,
            answers,
            added_instances,
            position,
            events,
            calculates,
        })
    }

    /// Every save and clear of an interview, oldest first.
    pub fn answer_history(&self, interview_id: Uuid) -> Result<Vec<AnswerHistoryEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, question_id, instance, answer, at FROM answer_history
             WHERE interview_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([interview_id.to_string()], |r| {
            let answer: Option<String> = r.get(3)?;
            let at: String = r.get(4)?;
            Ok(AnswerHistoryEntry {
                id: r.get(0)?,
                question_id: r.get(1)?,
                instance: instance_from_sql(r.get(2)?),
                answer: answer.as_deref().map(decode_answer).transpose()?,
                at: parse_ts(&at)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
