//! Versioned migrations through `PRAGMA user_version`: migration N takes
//! the schema from version N-1 to N. Append new files; never edit one
//! that has shipped.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use uuid::Uuid;

use super::{Result, StoreError, ts};

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_notes.sql"),
    include_str!("../migrations/0003_batches.sql"),
    include_str!("../migrations/0004_decisions.sql"),
    include_str!("../migrations/0005_batch_communities.sql"),
    include_str!("../migrations/0006_batch_residents.sql"),
    include_str!("../migrations/0007_calculates.sql"),
    include_str!("../migrations/0008_reserves.sql"),
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuses a schema newer than this binary, and a version no doorstep ever
/// wrote (`PRAGMA user_version = -1` once panicked, indexing the
/// migrations with it).
fn check_not_newer(found: i64) -> Result<()> {
    if found < 0 {
        return Err(StoreError::Corrupt(format!(
            "the schema version (PRAGMA user_version) is {found}, which no doorstep writes: \
             the database is damaged or not doorstep's"
        )));
    }
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Brings the schema up to date; returns how many migrations ran.
pub(super) fn migrate(conn: &Connection, read_only: bool) -> Result<i64> {
    let found = user_version(conn)?;
    check_not_newer(found)?;
    if found == SCHEMA_VERSION {
        return Ok(0);
    }
    if read_only {
        return Err(StoreError::ReadOnly);
    }
    // All pending migrations, the version bump and (for a new store) the
    // device id commit together: a crash leaves the old schema or the new.
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    // Another process may have migrated while we waited for the lock.
    let found = user_version(&tx)?;
    check_not_newer(found)?;
    let from = usize::try_from(found).unwrap_or(0).min(MIGRATIONS.len());
    for sql in &MIGRATIONS[from..] {
        tx.execute_batch(sql)?;
    }
    if found == 0 {
        let now = ts(&chrono::Utc::now());
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('device_id', ?1), ('created_at', ?2)",
            (Uuid::now_v7().to_string(), now),
        )?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(SCHEMA_VERSION - found)
}

pub(super) fn device_id(conn: &Connection) -> Result<Uuid> {
    let id: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| {
            r.get(0)
        })
        .optional()?;
    let id = id.ok_or_else(|| StoreError::Corrupt("the device id is missing".into()))?;
    Uuid::parse_str(&id).map_err(|e| StoreError::Corrupt(format!("the device id {id:?}: {e}")))
}

pub(super) fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub(super) fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )?;
    Ok(())
}
