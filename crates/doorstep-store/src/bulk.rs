//! A batch's interviews read in bulk, for `export`: a handful of queries
//! over the whole batch (records with their residents, answers, repeat
//! instances, paradata, calculates, notes), each ordered by the batch's
//! interview order, merged into one interview at a time.
//!
//! One query per interview and table (seven or eight per interview) cost
//! more than the rows they read: 10,000 interviews made ~80,000 statement
//! runs. Here each table is read once, in order, and memory holds one
//! interview's rows at a time.
//!
//! The order is fixed in a temporary table (`temp.export_order`: ordinal,
//! interview id), filled with the batch's interviews sorted by
//! (started at, id) as the file lists them; each query walks it by
//! ordinal (`CROSS JOIN` keeps it the outer loop) and reads the table's
//! rows of that interview through its index.

use std::collections::BTreeMap;

use doorstep_batch::answer_key;
use doorstep_core::assignment::Resident;
use doorstep_core::interview::{Answer, EventKind, ParadataEvent};
use rusqlite::Row;
use uuid::Uuid;

use crate::answers::decode_answer;
use crate::interviews::{INTERVIEW_COLUMNS, interview_from_row};
use crate::residents::resident_at;
use crate::{
    QuestionNote, Result, SavedInterview, SavedPosition, Store, instance_from_sql, parse_ts,
};

/// One interview of a batch, as `for_each_batch_interview` gives it.
pub struct BulkInterview {
    pub saved: SavedInterview,
    pub notes: Vec<QuestionNote>,
    /// The resident as the batch was reserved with (`batch_residents`),
    /// else as the store has them now; `None` if neither has them.
    pub resident: Option<Resident>,
}

/// A query's rows, each tagged with its interview's ordinal (column 0),
/// read ahead by one: `take(ord)` gives the rows of interview `ord`.
struct Merge<'s, T> {
    rows: rusqlite::Rows<'s>,
    read: fn(&Row<'_>) -> rusqlite::Result<T>,
    pending: Option<(i64, T)>,
    done: bool,
}

impl<'s, T> Merge<'s, T> {
    fn new(rows: rusqlite::Rows<'s>, read: fn(&Row<'_>) -> rusqlite::Result<T>) -> Self {
        Merge {
            rows,
            read,
            pending: None,
            done: false,
        }
    }

    fn take(&mut self, ord: i64, mut each: impl FnMut(T)) -> rusqlite::Result<()> {
        loop {
            if self.pending.is_none() {
                if self.done {
                    return Ok(());
                }
                match self.rows.next()? {
                    Some(row) => self.pending = Some((row.get(0)?, (self.read)(row)?)),
                    None => {
                        self.done = true;
                        return Ok(());
                    }
                }
            }
            match &self.pending {
                Some((o, _)) if *o > ord => return Ok(()),
                Some((o, _)) if *o == ord => {
                    let (_, v) = self.pending.take().expect("pending");
                    each(v);
                }
                // Rows of an ordinal already passed: none (every query is
                // ordered by ordinal); dropped.
                _ => self.pending = None,
            }
        }
    }
}

fn read_answer(r: &Row<'_>) -> rusqlite::Result<(String, Option<u32>, Answer)> {
    let json: rusqlite::types::ValueRef<'_> = r.get_ref(3)?;
    let json = json.as_str()?;
    Ok((
        r.get(1)?,
        instance_from_sql(r.get(2)?),
        decode_answer(json)?,
    ))
}

fn read_added(r: &Row<'_>) -> rusqlite::Result<(String, u32)> {
    Ok((r.get(1)?, r.get(2)?))
}

fn read_event(r: &Row<'_>) -> rusqlite::Result<ParadataEvent> {
    let at = r.get_ref(1)?.as_str()?;
    let kind = r.get_ref(2)?.as_str()?;
    Ok(ParadataEvent {
        at: parse_ts(at)?,
        kind: EventKind::from_code(kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                format!("unknown event kind {kind:?}").into(),
            )
        })?,
        question: r.get(3)?,
        instance: r.get(4)?,
        detail: r.get(5)?,
    })
}

fn read_calculate(r: &Row<'_>) -> rusqlite::Result<(String, String)> {
    let qid = r.get_ref(1)?.as_str()?;
    Ok((answer_key(qid, instance_from_sql(r.get(2)?)), r.get(3)?))
}

fn read_note(r: &Row<'_>) -> rusqlite::Result<QuestionNote> {
    Ok((r.get(1)?, instance_from_sql(r.get(2)?), r.get(3)?))
}

/// The interview columns (`INTERVIEW_COLUMNS`) of table alias `i`.
fn interview_columns() -> String {
    INTERVIEW_COLUMNS
        .split(',')
        .map(|c| format!("i.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Page cache for the bulk read, in KiB (see `for_each_batch_interview`).
const BULK_CACHE_KIB: i64 = 16 * 1024;

const RESIDENT_COLUMNS: [&str; 10] = [
    "resident_id",
    "name",
    "address",
    "community",
    "grid",
    "building",
    "unit",
    "room",
    "phone",
    "attributes",
];

impl Store {
    /// Gives each interview of batch `batch_id` to `each`, in the batch
    /// file's order (started at, then id), with its notes and resident;
    /// see the module's description. Run it inside a read transaction
    /// (one snapshot for all the queries).
    pub fn for_each_batch_interview<E: From<crate::StoreError>>(
        &self,
        batch_id: Uuid,
        each: &mut dyn FnMut(BulkInterview) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut keys: Vec<(chrono::DateTime<chrono::Utc>, String)> = self
            .batch_interview_keys(batch_id)?
            .into_iter()
            .map(|(id, started)| (started, id.to_string()))
            .collect();
        keys.sort();
        let conn = &self.conn;
        let fill = || -> Result<()> {
            conn.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS export_order
                     (ord INTEGER PRIMARY KEY, interview_id TEXT NOT NULL);
                 DELETE FROM temp.export_order;",
            )?;
            let mut insert =
                conn.prepare("INSERT INTO temp.export_order (ord, interview_id) VALUES (?1, ?2)")?;
            for (ord, (_, id)) in keys.iter().enumerate() {
                insert.execute((ord as i64, id))?;
            }
            Ok(())
        };
        fill()?;
        drop(keys);
        // The queries walk six cursors at once, and the records' query
        // looks each interview's resident up at random: with the default
        // 2 MB page cache, pages were read (decrypted and authenticated)
        // again and again. Enlarged for the read, then set back.
        let cache_size: i64 = conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .map_err(crate::StoreError::from)?;
        conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)
            .map_err(crate::StoreError::from)?;
        let result = self.merge_batch_interviews(batch_id, each);
        let _ = conn.pragma_update(None, "cache_size", cache_size);
        // The order is the export's only: gone once read.
        let _ = conn.execute_batch("DELETE FROM temp.export_order");
        result
    }

    fn merge_batch_interviews<E: From<crate::StoreError>>(
        &self,
        batch_id: Uuid,
        each: &mut dyn FnMut(BulkInterview) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let conn = &self.conn;
        let cols = interview_columns();
        let br: Vec<String> = RESIDENT_COLUMNS.iter().map(|c| format!("br.{c}")).collect();
        let rr: Vec<String> = RESIDENT_COLUMNS.iter().map(|c| format!("r.{c}")).collect();
        // Columns: 0..=11 the record, 12..=14 the position, 15 the
        // ordinal, 16..=25 the kept resident, 26..=35 the current one.
        let sql = format!(
            "SELECT {cols}, i.position_kind, i.position_id, i.position_instance, o.ord,
                    {}, {}
             FROM temp.export_order o CROSS JOIN interviews i ON i.id = o.interview_id
             LEFT JOIN batch_residents br ON br.batch_id = ?1 AND br.resident_id = i.resident_id
             LEFT JOIN residents r ON r.resident_id = i.resident_id
             ORDER BY o.ord",
            br.join(", "),
            rr.join(", ")
        );
        let mut records = conn.prepare(&sql).map_err(crate::StoreError::from)?;
        let by_ord = |table: &str, cols: &str, order: &str| {
            format!(
                "SELECT o.ord, {cols} FROM temp.export_order o
                 CROSS JOIN {table} x ON x.interview_id = o.interview_id
                 ORDER BY o.ord{order}"
            )
        };
        let prep = |sql: String| conn.prepare(&sql).map_err(crate::StoreError::from);
        let mut answers = prep(by_ord(
            "answers",
            "x.question_id, x.instance, x.answer",
            ", x.history_id",
        ))?;
        let mut added = prep(by_ord(
            "added_instances",
            "x.section_id, x.count",
            ", x.section_id",
        ))?;
        let mut events = prep(by_ord(
            "events",
            "x.at, x.kind, x.question_id, x.instance, x.detail",
            ", x.id",
        ))?;
        let mut calculates = prep(by_ord(
            "calculates",
            "x.question_id, x.instance, x.value",
            "",
        ))?;
        let mut notes = prep(by_ord(
            "question_notes",
            "x.question_id, x.instance, x.note",
            ", x.question_id, x.instance",
        ))?;
        let st = |e: rusqlite::Error| E::from(crate::StoreError::from(e));
        let mut answers = Merge::new(answers.query([]).map_err(st)?, read_answer);
        let mut added = Merge::new(added.query([]).map_err(st)?, read_added);
        let mut events = Merge::new(events.query([]).map_err(st)?, read_event);
        let mut calculates = Merge::new(calculates.query([]).map_err(st)?, read_calculate);
        let mut notes = Merge::new(notes.query([]).map_err(st)?, read_note);
        let mut rows = records.query([batch_id.to_string()]).map_err(st)?;
        while let Some(row) = rows.next().map_err(st)? {
            let record = interview_from_row(row).map_err(st)?;
            let ord: i64 = row.get(15).map_err(st)?;
            let position = position_at(row, 12).map_err(st)?;
            let resident =
                if row.get_ref(16).map_err(st)?.data_type() != rusqlite::types::Type::Null {
                    Some(resident_at(row, 16).map_err(st)?)
                } else if row.get_ref(26).map_err(st)?.data_type() != rusqlite::types::Type::Null {
                    Some(resident_at(row, 26).map_err(st)?)
                } else {
                    None
                };
            let mut saved = SavedInterview {
                record,
                answers: Vec::new(),
                added_instances: Vec::new(),
                position,
                events: Vec::new(),
                calculates: BTreeMap::new(),
            };
            answers.take(ord, |a| saved.answers.push(a)).map_err(st)?;
            added
                .take(ord, |a| saved.added_instances.push(a))
                .map_err(st)?;
            events.take(ord, |e| saved.events.push(e)).map_err(st)?;
            calculates
                .take(ord, |(k, v)| {
                    saved.calculates.insert(k, v);
                })
                .map_err(st)?;
            let mut its_notes = Vec::new();
            notes.take(ord, |n| its_notes.push(n)).map_err(st)?;
            each(BulkInterview {
                saved,
                notes: its_notes,
                resident,
            })?;
        }
        Ok(())
    }
}

fn position_at(row: &Row<'_>, base: usize) -> rusqlite::Result<Option<SavedPosition>> {
    let kind: Option<String> = row.get(base)?;
    let id: Option<String> = row.get(base + 1)?;
    let instance: Option<u32> = row.get(base + 2)?;
    Ok(match (kind.as_deref(), id) {
        (Some("question"), Some(question_id)) => Some(SavedPosition::Question {
            question_id,
            instance,
        }),
        (Some("add_another"), Some(section_id)) => Some(SavedPosition::AddAnother { section_id }),
        _ => None,
    })
}
