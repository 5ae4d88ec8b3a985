//! The assignment list: merged in on import, never deleted.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Statement, Transaction, TransactionBehavior};

use super::schema::meta_set;
use super::{Result, Store, StoreError, parse_local_ts, questionnaires, ts};
use doorstep_core::assignment::Resident;
use doorstep_core::assignment::status::ResidentStatus;
use doorstep_core::questionnaire::Questionnaire;

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeCounts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A resident as the list screen shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentRow {
    pub resident: Resident,
    pub status: ResidentStatus,
    /// The pending appointment, if the latest visit made one.
    pub appointment: Option<NaiveDateTime>,
    /// Visits recorded so far.
    pub visits: u32,
}

/// Sort key for walking order: community, building, unit, room, compared
/// case-insensitively with digit runs compared as numbers ("3" < "12").
/// Each digit run becomes its length (two digits) then its digits without
/// leading zeros, so plain text order is numeric order; parts are joined
/// with U+0001 so a shorter part sorts before a longer one.
pub fn walk_key(r: &Resident) -> String {
    let mut key = String::with_capacity(64);
    for (i, part) in [&r.community, &r.building, &r.unit, &r.room]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            key.push('\u{1}');
        }
        push_natural(&mut key, part.as_deref().unwrap_or("").trim());
    }
    key
}

fn push_natural(out: &mut String, s: &str) {
    // Called for every resident of a list: no allocation per digit run.
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            let end = rest
                .find(|d: char| !d.is_ascii_digit())
                .unwrap_or(rest.len());
            let digits = rest[..end].trim_start_matches('0');
            let digits = if digits.is_empty() { "0" } else { digits };
            // Runs over 99 digits are not house numbers; cap the prefix.
            let len = digits.len().min(99) as u8;
            out.push(char::from(b'0' + len / 10));
            out.push(char::from(b'0' + len % 10));
            out.push_str(digits);
            rest = &rest[end..];
        } else {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
            rest = &rest[c.len_utf8()..];
        }
    }
}

fn attributes_json(a: &BTreeMap<String, String>) -> Result<String> {
    // A BTreeMap serialises in key order: equal maps give equal text.
    Ok(serde_json::to_string(a)?)
}

const ROW_COLUMNS: &str = "r.resident_id, r.name, r.address, r.community, r.grid, r.building, \
     r.unit, r.room, r.phone, r.attributes, r.status, r.appointment, \
     (SELECT count(*) FROM visits v WHERE v.resident_id = r.resident_id)";

pub(super) fn resident_from_row(row: &Row<'_>) -> rusqlite::Result<Resident> {
    resident_at(row, 0)
}

/// A resident from the row's columns `base..base + 10` (in the order of
/// `resident_from_row`'s: id, name, address, community, grid, building,
/// unit, room, phone, attributes).
pub(super) fn resident_at(row: &Row<'_>, base: usize) -> rusqlite::Result<Resident> {
    let attributes: String = row.get(base + 9)?;
    let attributes = serde_json::from_str(&attributes).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            base + 9,
            rusqlite::types::Type::Text,
            Box::new(e),
        )
    })?;
    Ok(Resident {
        resident_id: row.get(base)?,
        name: row.get(base + 1)?,
        address: row.get(base + 2)?,
        community: row.get(base + 3)?,
        grid: row.get(base + 4)?,
        building: row.get(base + 5)?,
        unit: row.get(base + 6)?,
        room: row.get(base + 7)?,
        phone: row.get(base + 8)?,
        attributes,
    })
}

fn row_from_row(row: &Row<'_>) -> rusqlite::Result<ResidentRow> {
    let status: String = row.get(10)?;
    let status = ResidentStatus::from_code(&status).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            10,
            rusqlite::types::Type::Text,
            format!("unknown resident status {status:?}").into(),
        )
    })?;
    let appointment: Option<String> = row.get(11)?;
    Ok(ResidentRow {
        resident: resident_from_row(row)?,
        status,
        appointment: appointment.as_deref().map(parse_local_ts).transpose()?,
        visits: row.get(12)?,
    })
}

/// The stored details of a resident, to tell an update from no change.
type Details = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

const INSERT_RESIDENT: &str = "INSERT INTO residents (resident_id, name, address, community,
         grid, building, unit, room, phone, attributes, walk_key, imported_at, updated_at,
         stratum, reserve, hidden)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14, ?14 > 0)
     ON CONFLICT (resident_id) DO NOTHING";

/// An assignment list being merged, one resident at a time, in one
/// transaction (see [`Store::merge_residents`]). Dropped without
/// [`ResidentMerge::commit`], it changes nothing.
pub struct ResidentMerge<'a> {
    tx: Option<Transaction<'a>>,
    conn: &'a Connection,
    /// The insert every new resident takes, prepared once: the statement
    /// cache's lookup (hashing the SQL text) cost more than the insert's
    /// binding.
    insert: Option<Statement<'a>>,
    now: String,
    counts: MergeCounts,
    /// Definitions of the indexes dropped for the load, built once at commit.
    deferred_indexes: Vec<String>,
    /// The page cache size to go back to.
    cache_size: i64,
}

/// Page cache for a merge: big enough that SQLite does not re-read the
/// pages it has just written (the default 2 MB holds a few thousand
/// residents), small enough for a laptop. In KiB.
const MERGE_CACHE_KIB: i64 = 24 * 1024;

impl Store {
    /// Merges an assignment list by `resident_id`, in one transaction:
    /// new residents are added, changed details updated; nobody is
    /// deleted, and status, visits, interviews and answers are untouched.
    /// A resident listed twice counts once per listing; the last one wins.
    pub fn upsert_residents(&self, residents: &[Resident]) -> Result<MergeCounts> {
        let mut merge = self.merge_residents()?;
        for r in residents {
            merge.add(r)?;
        }
        merge.commit()
    }

    /// Starts merging an assignment list as [`Store::upsert_residents`]
    /// does, for a list read one row at a time: [`ResidentMerge::add`] each
    /// resident, then [`ResidentMerge::commit`]. The page cache is enlarged
    /// for the job, and into an empty table the walking-order indexes are
    /// built once at the end rather than row by row.
    pub fn merge_residents(&self) -> Result<ResidentMerge<'_>> {
        let conn = &self.conn;
        let cache_size: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", -MERGE_CACHE_KIB)?;
        let tx = match Transaction::new_unchecked(conn, TransactionBehavior::Immediate) {
            Ok(tx) => tx,
            Err(e) => {
                conn.pragma_update(None, "cache_size", cache_size)?;
                return Err(e.into());
            }
        };
        let mut merge = ResidentMerge {
            tx: None,
            conn,
            insert: None,
            now: ts(&Utc::now()),
            counts: MergeCounts::default(),
            deferred_indexes: Vec::new(),
            cache_size,
        };
        let empty: bool = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM residents)", [], |r| {
            r.get(0)
        })?;
        if empty {
            let indexes: Vec<(String, String)> = tx
                .prepare(
                    "SELECT name, sql FROM sqlite_schema
                     WHERE type = 'index' AND tbl_name = 'residents' AND sql IS NOT NULL
                     ORDER BY name",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (name, sql) in indexes {
                tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
                merge.deferred_indexes.push(sql);
            }
        }
        // After the indexes were dropped: prepared against the schema the
        // rows go into.
        merge.insert = Some(conn.prepare(INSERT_RESIDENT)?);
        merge.tx = Some(tx);
        Ok(merge)
    }

    pub fn resident(&self, resident_id: &str) -> Result<Option<Resident>> {
        Ok(self.resident_row(resident_id)?.map(|r| r.resident))
    }

    pub fn resident_row(&self, resident_id: &str) -> Result<Option<ResidentRow>> {
        let sql = format!("SELECT {ROW_COLUMNS} FROM residents r WHERE r.resident_id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([resident_id], row_from_row)
            .optional()?)
    }

    pub fn resident_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM residents", [], |r| r.get(0))?;
        Ok(n.unsigned_abs())
    }

    /// Residents in walking order, optionally only those with one status.
    /// Reserves not yet released are left out (see `doorstep_core::assignment::reserves`).
    /// Both orders are served by an index, so a page costs its rows.
    pub fn residents_page(
        &self,
        filter: Option<ResidentStatus>,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ResidentRow>> {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM residents r WHERE r.hidden = 0 {} \
             ORDER BY r.walk_key, r.resident_id LIMIT ?1 OFFSET ?2",
            if filter.is_some() {
                "AND r.status = ?3"
            } else {
                ""
            }
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = match filter {
            Some(s) => stmt
                .query_map((limit, offset, s.code()), row_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            None => stmt
                .query_map((limit, offset), row_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?,
        };
        Ok(rows)
    }

    /// How many residents have each status (statuses with none omitted),
    /// hidden reserves left out.
    pub fn status_histogram(&self) -> Result<Vec<(ResidentStatus, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT status, count(*) FROM residents WHERE hidden = 0 GROUP BY status",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.unsigned_abs()))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (code, n) = row?;
            let status = ResidentStatus::from_code(&code).ok_or_else(|| {
                super::StoreError::Corrupt(format!("unknown resident status {code:?}"))
            })?;
            out.push((status, n));
        }
        Ok(out)
    }
}

impl ResidentMerge<'_> {
    fn tx(&self) -> &Transaction<'_> {
        self.tx.as_ref().expect("a merge is open until commit")
    }

    /// Adds or updates one resident (see [`Store::upsert_residents`]).
    pub fn add(&mut self, r: &Resident) -> Result<()> {
        let attributes = attributes_json(&r.attributes)?;
        let walk = walk_key(r);
        let slot = r.sample_slot().map_err(StoreError::Other)?;
        let (stratum, reserve) = match &slot {
            Some(s) => (Some(s.stratum.as_str()), s.reserve),
            None => (None, 0),
        };
        let params = (
            &r.resident_id,
            &r.name,
            &r.address,
            &r.community,
            &r.grid,
            &r.building,
            &r.unit,
            &r.room,
            &r.phone,
            &attributes,
            &walk,
            &self.now,
            stratum,
            reserve,
        );
        // New residents (most rows of a first import) cost one statement.
        let inserted = self
            .insert
            .as_mut()
            .expect("prepared with the merge")
            .execute(params)?;
        if inserted == 1 {
            self.counts.added += 1;
            return Ok(());
        }
        let tx = self.tx();
        let s: Details = tx
            .prepare_cached(
                "SELECT name, address, community, grid, building, unit, room, phone, attributes
                 FROM residents WHERE resident_id = ?1",
            )?
            .query_row([&r.resident_id], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                    row.get(7)?,
                    row.get(8)?,
                ))
            })?;
        if s.0 == r.name
            && s.1 == r.address
            && s.2 == r.community
            && s.3 == r.grid
            && s.4 == r.building
            && s.5 == r.unit
            && s.6 == r.room
            && s.7 == r.phone
            && s.8 == attributes
        {
            self.counts.unchanged += 1;
        } else {
            tx.prepare_cached(
                "UPDATE residents SET name = ?2, address = ?3, community = ?4, grid = ?5,
                     building = ?6, unit = ?7, room = ?8, phone = ?9, attributes = ?10,
                     walk_key = ?11, updated_at = ?12, stratum = ?13, reserve = ?14,
                     hidden = CASE WHEN ?14 > 0 THEN hidden ELSE 0 END
                 WHERE resident_id = ?1",
            )?
            .execute(params)?;
            self.counts.updated += 1;
        }
        Ok(())
    }

    /// Registers a questionnaire in the merge's transaction (see
    /// [`Store::register_questionnaire`]).
    pub fn register_questionnaire(&self, q: &Questionnaire, source: &str) -> Result<()> {
        questionnaires::check_source(q, source)?;
        questionnaires::register(self.tx(), q, source)
    }

    /// Makes a questionnaire the active one, in the merge's transaction.
    pub fn set_active_questionnaire(&self, id: &str, version: &str) -> Result<()> {
        questionnaires::set_active(self.tx(), id, version)
    }

    /// Sets (or with `None` removes) a fact in the `meta` table, in the
    /// merge's transaction.
    pub fn set_meta(&self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(v) => meta_set(self.tx(), key, v),
            None => {
                self.tx()
                    .execute("DELETE FROM meta WHERE key = ?1", [key])?;
                Ok(())
            }
        }
    }

    /// Builds the deferred indexes and commits: the whole list is durable
    /// when this returns, or (on error) nothing of it is.
    pub fn commit(mut self) -> Result<MergeCounts> {
        let tx = self.tx.take().expect("a merge is open until commit");
        drop(self.insert.take());
        for sql in &self.deferred_indexes {
            tx.execute_batch(sql)?;
        }
        tx.commit()?;
        Ok(self.counts)
    }
}

impl Drop for ResidentMerge<'_> {
    fn drop(&mut self) {
        // Rolls back first when not committed.
        drop(self.insert.take());
        drop(self.tx.take());
        let _ = self.conn.pragma_update(None, "cache_size", self.cache_size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(building: &str, unit: &str, room: &str) -> Resident {
        Resident {
            resident_id: String::new(),
            name: String::new(),
            address: String::new(),
            community: Some("East".into()),
            grid: None,
            building: Some(building.into()),
            unit: Some(unit.into()),
            room: Some(room.into()),
            phone: None,
            attributes: BTreeMap::new(),
        }
    }

    #[test]
    fn digit_runs_sort_numerically() {
        let mut keys = [
            walk_key(&at("10", "1", "12")),
            walk_key(&at("2", "1", "3")),
            walk_key(&at("2", "1", "12")),
            walk_key(&at("2", "1", "003")),
            walk_key(&at("2", "1", "3a")),
        ];
        keys.sort();
        let expect = [
            walk_key(&at("2", "1", "3")),
            walk_key(&at("2", "1", "003")),
            walk_key(&at("2", "1", "3a")),
            walk_key(&at("2", "1", "12")),
            walk_key(&at("10", "1", "12")),
        ];
        assert_eq!(keys, expect);
    }

    #[test]
    fn walk_keys_keep_their_stored_form() {
        // Keys already in stores must compare with new ones: the bytes are fixed.
        assert_eq!(
            walk_key(&at("007", "B-12", "Apt 0")),
            "east\u{1}017\u{1}b-0212\u{1}apt 010"
        );
        assert_eq!(
            walk_key(&at("三号楼", "Ä2", "")),
            "east\u{1}三号楼\u{1}ä012\u{1}"
        );
        let long = "1".repeat(120);
        assert_eq!(
            walk_key(&at(&long, "0", "00")),
            format!("east\u{1}99{long}\u{1}010\u{1}010")
        );
    }

    #[test]
    fn shorter_part_sorts_first_and_case_is_ignored() {
        assert!(walk_key(&at("A", "1", "1")) < walk_key(&at("A-2", "1", "1")));
        assert_eq!(walk_key(&at("b", "1", "1")), walk_key(&at("B", "1", "1")));
    }
}
