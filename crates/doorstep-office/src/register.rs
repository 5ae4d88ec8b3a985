//! The resident register: every resident of every community, the frame the
//! quarterly sample is drawn from.
//!
//! A load reads the same files as `doorstep assign` (through the one reader,
//! `doorstep_core::assignment::import`), plus `street`, `district` and any
//! column usable as a stratum. It is all or nothing: any bad row rejects
//! the whole file, because a resident silently skipped would otherwise be
//! recorded as moved out. A reload merges by `resident_id` and keeps
//! history: each resident has periods (community, street, district,
//! attributes, from a date to a date), so the register as it stood on any
//! past date, and so any past quarter's frame, can be rebuilt.

use std::collections::BTreeMap;
use std::path::Path;

use crate::db::Backend;
use crate::params;
use chrono::NaiveDate;
use doorstep_core::assignment::Resident;
use doorstep_core::assignment::import::{Encoding, ReadIntoError, read_residents_into};
use serde::Serialize;

use crate::{Db, OfficeError};

/// Columns of the register with a place of their own (the rest are kept as
/// attributes, usable as strata).
pub const STREET: &str = "street";
pub const DISTRICT: &str = "district";

/// What a load changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterReport {
    pub load_id: i64,
    pub valid_from: NaiveDate,
    pub rows: u64,
    /// New residents, and residents back after moving out.
    pub moved_in: u64,
    /// Residents of the register missing from this list.
    pub moved_out: u64,
    /// Residents whose community, street, district or attributes changed.
    pub changed: u64,
    pub unchanged: u64,
}

/// A load either happens whole or not at all.
#[derive(Debug)]
pub enum RegisterOutcome {
    Loaded(RegisterReport),
    /// Nothing was loaded; each problem names the file and where.
    Rejected {
        problems: Vec<String>,
    },
}

/// Loads `path` as the register valid from `valid_from`, in one
/// transaction.
pub fn load(
    db: &mut Db,
    path: &Path,
    encoding: Option<Encoding>,
    valid_from: NaiveDate,
) -> Result<RegisterOutcome, OfficeError> {
    let file = path.display().to_string();
    let bytes_hash = {
        // Bounded like every input: a FIFO or a device must not hang here.
        let bytes = doorstep_core::fs::read_regular(
            path,
            doorstep_core::fs::limits::RESIDENT_LIST,
            "a resident list",
        )?;
        doorstep_core::questionnaire::hex_sha256(&bytes)
    };
    let tx = db.transaction()?;
    let last: Option<String> =
        tx.query_row("SELECT MAX(loaded_on) FROM register_loads", [], |r| {
            r.get(0)
        })?;
    let day = valid_from.to_string();
    if let Some(last) = last.filter(|l| *l > day) {
        return Ok(RegisterOutcome::Rejected {
            problems: vec![format!(
                "{file}: the register already holds a load valid from {last}; a load valid \
                 from the earlier {day} would rewrite its history (give --date {last} or later)"
            )],
        });
    }
    // The new list goes to a temp table first (`staging`: unqualified, a
    // temp table is found first on both backends), by bulk load.
    let (text, rowid) = match tx.backend() {
        Backend::Sqlite => ("TEXT", " WITHOUT ROWID"),
        Backend::Postgres => ("TEXT COLLATE \"C\"", ""),
    };
    tx.execute_batch(&format!(
        "DROP TABLE IF EXISTS staging;
         CREATE TEMP TABLE staging (
             resident_id {text} PRIMARY KEY, name {text} NOT NULL, address {text} NOT NULL,
             grid {text}, building {text}, unit {text}, room {text}, phone {text},
             community {text} NOT NULL, street {text}, district {text}, attributes {text} NOT NULL
         ){rowid};"
    ))?;
    let mut own_problems = Vec::new();
    let read = {
        let mut insert = tx.loader(
            "staging",
            &[
                "resident_id",
                "name",
                "address",
                "grid",
                "building",
                "unit",
                "room",
                "phone",
                "community",
                "street",
                "district",
                "attributes",
            ],
        )?;
        let read = read_residents_into(path, encoding, &mut |r: &Resident| {
            let Some(community) = r.community.clone() else {
                // The reader hands on only good rows, without their row
                // number: the resident id locates it.
                own_problems.push(format!(
                    "{file}: resident {}, column community: missing value (every resident of \
                     the register belongs to a community)",
                    r.resident_id
                ));
                return Ok(());
            };
            let mut attributes: BTreeMap<String, String> = r.attributes.clone();
            let street = attributes.remove(STREET);
            let district = attributes.remove(DISTRICT);
            let attributes = serde_json::to_string(&attributes).expect("a map of strings");
            insert.add(params![
                &r.resident_id,
                &r.name,
                &r.address,
                &r.grid,
                &r.building,
                &r.unit,
                &r.room,
                &r.phone,
                community,
                street,
                district,
                attributes
            ])
        });
        match read {
            Ok(report) => insert
                .finish()
                .map(|_| report)
                .map_err(ReadIntoError::Target),
            Err(e) => Err(e),
        }
    };
    let report = match read {
        Ok(report) => report,
        Err(ReadIntoError::Import(e)) => {
            return Ok(RegisterOutcome::Rejected {
                problems: vec![e.to_string()],
            });
        }
        Err(ReadIntoError::Target(e)) => return Err(e),
    };
    let mut problems: Vec<String> = report
        .problems
        .iter()
        .map(|p| format!("{file}: {p}"))
        .collect();
    problems.extend(own_problems);
    if !problems.is_empty() {
        // Dropping the transaction rolls the staging rows back.
        return Ok(RegisterOutcome::Rejected { problems });
    }
    let rows = report.rows_read as u64;
    let load_id: i64 = tx.query_row(
        "INSERT INTO register_loads
             (loaded_on, loaded_at, file, sha256, rows, moved_in, moved_out, changed, unchanged)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, 0) RETURNING load_id",
        params![day, crate::now_text(), file, bytes_hash, rows as i64],
        |r| r.get(0),
    )?;
    let moved_out = tx.execute(
        "UPDATE resident_periods SET valid_to = ?1, load_to = ?2
         WHERE valid_to IS NULL
           AND NOT EXISTS (SELECT 1 FROM staging s
                           WHERE s.resident_id = resident_periods.resident_id)",
        params![day, load_id],
    )? as u64;
    let changed = tx.execute(
        "UPDATE resident_periods SET valid_to = ?1, load_to = ?2
         WHERE valid_to IS NULL
           AND EXISTS (SELECT 1 FROM staging s
                       WHERE s.resident_id = resident_periods.resident_id
                         AND (s.community IS DISTINCT FROM resident_periods.community
                              OR s.street IS DISTINCT FROM resident_periods.street
                              OR s.district IS DISTINCT FROM resident_periods.district
                              OR s.attributes IS DISTINCT FROM resident_periods.attributes))",
        params![day, load_id],
    )? as u64;
    // Contact details are the latest list's; they carry no history.
    tx.execute(
        "INSERT INTO residents (resident_id, name, address, grid, building, unit, room, phone)
         SELECT resident_id, name, address, grid, building, unit, room, phone
         FROM staging WHERE true
         ON CONFLICT (resident_id) DO UPDATE SET
             name = excluded.name, address = excluded.address, grid = excluded.grid,
             building = excluded.building, unit = excluded.unit, room = excluded.room,
             phone = excluded.phone",
        [],
    )?;
    let opened = tx.execute(
        "INSERT INTO resident_periods
             (resident_id, community, street, district, attributes, valid_from, load_from)
         SELECT s.resident_id, s.community, s.street, s.district, s.attributes, ?1, ?2
         FROM staging s
         WHERE NOT EXISTS (SELECT 1 FROM resident_periods p
                           WHERE p.resident_id = s.resident_id AND p.valid_to IS NULL)",
        params![day, load_id],
    )? as u64;
    let moved_in = opened - changed;
    let unchanged = rows - opened;
    tx.execute(
        "UPDATE register_loads SET moved_in = ?1, moved_out = ?2, changed = ?3, unchanged = ?4
         WHERE load_id = ?5",
        params![
            moved_in as i64,
            moved_out as i64,
            changed as i64,
            unchanged as i64,
            load_id
        ],
    )?;
    tx.execute_batch("DROP TABLE staging")?;
    tx.commit()?;
    Ok(RegisterOutcome::Loaded(RegisterReport {
        load_id,
        valid_from,
        rows,
        moved_in,
        moved_out,
        changed,
        unchanged,
    }))
}

/// One resident of the register as it stood on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameEntry {
    pub resident_id: String,
    pub community: String,
    pub street: Option<String>,
    pub district: Option<String>,
    pub attributes: BTreeMap<String, String>,
}

/// The register as it stood on `day` (the periods open that day), sorted
/// by community and resident id.
pub fn as_of(db: &Db, day: NaiveDate) -> Result<Vec<FrameEntry>, OfficeError> {
    let mut stmt = db.prepare(
        "SELECT resident_id, community, street, district, attributes FROM resident_periods
         WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)
         ORDER BY community, resident_id",
    )?;
    let rows = stmt.query_map([day.to_string()], |r| {
        let attributes: String = r.get(4)?;
        Ok(FrameEntry {
            resident_id: r.get(0)?,
            community: r.get(1)?,
            street: r.get(2)?,
            district: r.get(3)?,
            attributes: serde_json::from_str(&attributes).unwrap_or_default(),
        })
    })?;
    rows.collect()
}

/// Current residents per community, sorted by community.
pub fn counts_by_community(db: &Db) -> Result<Vec<(String, u64)>, OfficeError> {
    let mut stmt = db.prepare(
        "SELECT community, COUNT(*) FROM resident_periods WHERE valid_to IS NULL
         GROUP BY community ORDER BY community",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DbSpec;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const HEAD: &str = "resident_id,name,address,community,street,district,age_group,gender\n";

    fn loaded(o: RegisterOutcome) -> RegisterReport {
        match o {
            RegisterOutcome::Loaded(r) => r,
            RegisterOutcome::Rejected { problems } => panic!("rejected: {problems:?}"),
        }
    }

    #[test]
    fn reload_keeps_history_so_past_dates_are_reproducible() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DbSpec::Sqlite(dir.path().join("o.sqlite3"))).unwrap();
        let first = write(
            dir.path(),
            "r1.csv",
            &format!(
                "{HEAD}R1,A,addr,翠竹,玄武街道,玄武区,18-34,f\nR2,B,addr,翠竹,玄武街道,玄武区,35-59,m\nR3,C,addr,梅园,玄武街道,玄武区,60+,f\n"
            ),
        );
        let r = loaded(load(&mut db, &first, None, day("2026-07-01")).unwrap());
        assert_eq!((r.rows, r.moved_in, r.moved_out, r.changed), (3, 3, 0, 0));

        // R2 moves out, R3 moves to another community, R4 moves in.
        let second = write(
            dir.path(),
            "r2.csv",
            &format!(
                "{HEAD}R1,A,addr,翠竹,玄武街道,玄武区,18-34,f\nR3,C,addr,翠竹,玄武街道,玄武区,60+,f\nR4,D,addr,梅园,玄武街道,玄武区,18-34,m\n"
            ),
        );
        let r = loaded(load(&mut db, &second, None, day("2026-10-01")).unwrap());
        assert_eq!(
            (r.rows, r.moved_in, r.moved_out, r.changed, r.unchanged),
            (3, 1, 1, 1, 1)
        );

        let ids = |d: &str| -> Vec<(String, String)> {
            as_of(&db, day(d))
                .unwrap()
                .into_iter()
                .map(|e| (e.resident_id, e.community))
                .collect()
        };
        assert_eq!(
            ids("2026-09-30"),
            [("R3", "梅园"), ("R1", "翠竹"), ("R2", "翠竹")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(
            ids("2026-10-01"),
            [("R4", "梅园"), ("R1", "翠竹"), ("R3", "翠竹")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert!(ids("2026-06-30").is_empty());
        let e = &as_of(&db, day("2026-10-01")).unwrap()[1];
        assert_eq!(e.street.as_deref(), Some("玄武街道"));
        assert_eq!(e.attributes["age_group"], "18-34");
        assert!(!e.attributes.contains_key("street"));

        // The same list again changes nothing.
        let r = loaded(load(&mut db, &second, None, day("2026-10-02")).unwrap());
        assert_eq!(
            (r.moved_in, r.moved_out, r.changed, r.unchanged),
            (0, 0, 0, 3)
        );
    }

    #[test]
    fn one_bad_row_loads_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DbSpec::Sqlite(dir.path().join("o.sqlite3"))).unwrap();
        let good = write(
            dir.path(),
            "good.csv",
            &format!("{HEAD}R1,A,addr,翠竹,s,d,18-34,f\n"),
        );
        loaded(load(&mut db, &good, None, day("2026-07-01")).unwrap());
        let bad = write(
            dir.path(),
            "bad.csv",
            &format!(
                "{HEAD}R2,B,addr,翠竹,s,d,18-34,f\nR3,,addr,翠竹,s,d,18-34,f\nR4,D,addr,,s,d,60+,m\n"
            ),
        );
        let RegisterOutcome::Rejected { problems } =
            load(&mut db, &bad, None, day("2026-10-01")).unwrap()
        else {
            panic!("a bad row must reject the file");
        };
        let text = problems.join("\n");
        assert!(
            text.contains("bad.csv: row 3, column name: missing value"),
            "{text}"
        );
        assert!(
            text.contains("bad.csv: resident R4, column community"),
            "{text}"
        );
        // Nothing changed: R1 is still there, R2 never arrived.
        let ids: Vec<String> = as_of(&db, day("2026-10-01"))
            .unwrap()
            .into_iter()
            .map(|e| e.resident_id)
            .collect();
        assert_eq!(ids, ["R1"]);
        let loads: i64 = db
            .query_row("SELECT COUNT(*) FROM register_loads", [], |r| r.get(0))
            .unwrap();
        assert_eq!(loads, 1);
    }

    #[test]
    fn a_load_for_an_earlier_date_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DbSpec::Sqlite(dir.path().join("o.sqlite3"))).unwrap();
        let f = write(
            dir.path(),
            "r.csv",
            &format!("{HEAD}R1,A,addr,翠竹,s,d,18-34,f\n"),
        );
        loaded(load(&mut db, &f, None, day("2026-10-01")).unwrap());
        let RegisterOutcome::Rejected { problems } =
            load(&mut db, &f, None, day("2026-07-01")).unwrap()
        else {
            panic!("must be refused");
        };
        assert!(problems[0].contains("rewrite its history"), "{problems:?}");
    }
}
