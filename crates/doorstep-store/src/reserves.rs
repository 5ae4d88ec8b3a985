//! Reserves of a stratified list (`office sample`'s `stratum` and `reserve`
//! columns): hidden from the list and the counts until released, released
//! by the rule of [`doorstep_core::assignment::reserves`] in the same
//! transaction as the outcome that calls for it, and each release recorded
//! with the resident it replaces (the table `reserve_releases`), so it
//! survives a restart.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::{Result, Store, StoreError, parse_ts, ts};
use doorstep_core::assignment::reserves::{self, Member, Release, StratumProgress};
use doorstep_core::assignment::status::ResidentStatus;

/// A recorded release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReserveRelease {
    /// The reserve released.
    pub resident_id: String,
    /// The resident it replaces.
    pub replaces: String,
    pub community: String,
    pub stratum: String,
    pub released_at: DateTime<Utc>,
}

/// Every resident of the list that has a stratum, reserves in the list's
/// order (rank, then the order they were first imported in).
fn members(conn: &Connection) -> Result<Vec<Member>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.resident_id, coalesce(r.community, ''), r.stratum, r.reserve, r.hidden,
                r.status,
                (SELECT count(*) FROM visits v WHERE v.resident_id = r.resident_id),
                EXISTS (SELECT 1 FROM reserve_releases x WHERE x.replaces = r.resident_id)
         FROM residents r WHERE r.stratum IS NOT NULL
         ORDER BY r.reserve, r.rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, u32>(3)?,
            r.get::<_, bool>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, u32>(6)?,
            r.get::<_, bool>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (resident_id, community, stratum, reserve, hidden, status, visits, replaced) = row?;
        let status = ResidentStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown resident status {status:?}")))?;
        out.push(Member {
            resident_id,
            community,
            stratum,
            reserve,
            released: reserve > 0 && !hidden,
            replaced,
            status,
            visits,
        });
    }
    Ok(out)
}

/// Inside the caller's transaction: releases the reserves the recorded
/// outcomes call for, and records each release. Cheap when no reserve is
/// hidden (one look at a partial index).
pub(super) fn release_due(
    conn: &Connection,
    max_attempts: u32,
    now: &DateTime<Utc>,
) -> Result<Vec<Release>> {
    let any_hidden: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM residents WHERE hidden = 1)")?
        .query_row([], |r| r.get(0))?;
    if !any_hidden {
        return Ok(Vec::new());
    }
    let due = reserves::releases(&members(conn)?, max_attempts);
    for r in &due {
        conn.prepare_cached("UPDATE residents SET hidden = 0 WHERE resident_id = ?1")?
            .execute([&r.reserve])?;
        conn.prepare_cached(
            "INSERT INTO reserve_releases (resident_id, replaces, community, stratum, released_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute((&r.reserve, &r.replaces, &r.community, &r.stratum, ts(now)))?;
        tracing::info!(stratum = %r.stratum, "reserve released");
    }
    Ok(due)
}

impl Store {
    /// The number of visits without contact after which a non-contact is
    /// final and a reserve replaces the resident (config `max_attempts`).
    pub fn set_attempt_limit(&mut self, max_attempts: u32) {
        self.options.attempt_limit = max_attempts;
    }

    pub fn attempt_limit(&self) -> u32 {
        self.options.attempt_limit
    }

    /// Each stratum's target and progress; empty for a list without strata.
    pub fn stratum_progress(&self) -> Result<Vec<StratumProgress>> {
        Ok(reserves::progress(&members(&self.conn)?))
    }

    /// The releases recorded so far, oldest first.
    pub fn reserve_releases(&self) -> Result<Vec<ReserveRelease>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT resident_id, replaces, community, stratum, released_at
             FROM reserve_releases ORDER BY released_at, rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            let at: String = r.get(4)?;
            Ok(ReserveRelease {
                resident_id: r.get(0)?,
                replaces: r.get(1)?,
                community: r.get(2)?,
                stratum: r.get(3)?,
                released_at: parse_ts(&at)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many reserves are still hidden.
    pub fn hidden_reserves(&self) -> Result<u64> {
        let n: i64 =
            self.conn
                .query_row("SELECT count(*) FROM residents WHERE hidden = 1", [], |r| {
                    r.get(0)
                })?;
        Ok(n.unsigned_abs())
    }
}
