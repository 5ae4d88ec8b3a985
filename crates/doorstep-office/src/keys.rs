//! The public keys the office trusts, kept in its database: surveyors'
//! (they sign batches) and supervisors' (they sign decisions files).
//! `office keys add FILE.pub` (the owner id is the file stem, as in a
//! supervisor's keys folder), `office keys list`, `office keys revoke ID
//! --from DATE`: a batch created at or after that instant is refused.
//!
//! The revocation reads the batch's signed creation time: it protects
//! against a key that leaks after the date, not against a thief who
//! back-dates a batch (for that, revoke from an earlier date).

use std::collections::BTreeMap;
use std::path::Path;

use crate::db::Row;
use crate::params;
use chrono::{DateTime, NaiveDate, Utc};
use doorstep_batch::{PublicKey, TrustedKeys};
use serde::Serialize;

use crate::{Db, OfficeError};

/// One key as `office keys list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    pub key_id: String,
    pub owner_id: String,
    pub added_at: String,
    pub revoked_from: Option<String>,
}

/// What `add` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    New(KeyInfo),
    Already(KeyInfo),
}

fn bad(msg: String) -> OfficeError {
    OfficeError::Invalid(msg)
}

/// Adds the key in `path` (`OWNER.pub`).
pub fn add(db: &mut Db, path: &Path) -> Result<Added, OfficeError> {
    let key = PublicKey::from_file(path).map_err(|e| bad(e.to_string()))?;
    let text = key.to_file_text();
    let key_id = key.key_id.to_string();
    if let Some(existing) = get(db, &key_id)? {
        if existing.owner_id != key.surveyor_id {
            return Err(bad(format!(
                "{}: key {key_id} is already trusted as the key of {}",
                path.display(),
                existing.owner_id
            )));
        }
        return Ok(Added::Already(existing));
    }
    db.execute(
        "INSERT INTO keys (key_id, owner_id, public_key, added_at) VALUES (?1, ?2, ?3, ?4)",
        params![key_id, key.surveyor_id, text, crate::now_text()],
    )?;
    Ok(Added::New(get(db, &key_id)?.expect("just inserted")))
}

fn get(db: &Db, key_id: &str) -> Result<Option<KeyInfo>, OfficeError> {
    db.query_opt(
        "SELECT key_id, owner_id, added_at, revoked_from FROM keys WHERE key_id = ?1",
        [key_id],
        row_info,
    )
}

fn row_info(r: &Row) -> Result<KeyInfo, OfficeError> {
    Ok(KeyInfo {
        key_id: r.get(0)?,
        owner_id: r.get(1)?,
        added_at: r.get(2)?,
        revoked_from: r.get(3)?,
    })
}

/// Every key, by owner then date added.
pub fn list(db: &Db) -> Result<Vec<KeyInfo>, OfficeError> {
    let mut stmt = db.prepare(
        "SELECT key_id, owner_id, added_at, revoked_from FROM keys ORDER BY owner_id, added_at, key_id",
    )?;
    let rows = stmt.query_map([], row_info)?;
    rows.collect()
}

/// `--from`: a date (midnight UTC) or an RFC 3339 instant.
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, OfficeError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = s.parse::<NaiveDate>() {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    }
    Err(bad(format!(
        "'{s}' is not a date (YYYY-MM-DD) or an instant (2026-11-30T08:00:00Z)"
    )))
}

/// Revokes the key `id` (a key id, or the owner id when the owner has one
/// key not yet revoked) from `from` on.
pub fn revoke(db: &mut Db, id: &str, from: DateTime<Utc>) -> Result<KeyInfo, OfficeError> {
    let key_id = match get(db, id)? {
        Some(k) => k.key_id,
        None => {
            let owned: Vec<KeyInfo> = list(db)?
                .into_iter()
                .filter(|k| k.owner_id == id && k.revoked_from.is_none())
                .collect();
            match owned.as_slice() {
                [one] => one.key_id.clone(),
                [] => return Err(bad(format!("no trusted key has the id or owner '{id}'"))),
                _ => {
                    return Err(bad(format!(
                        "'{id}' has {} keys: give the key id ({})",
                        owned.len(),
                        owned
                            .iter()
                            .map(|k| k.key_id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
    };
    db.execute(
        "UPDATE keys SET revoked_from = ?1, revoked_at = ?2 WHERE key_id = ?3",
        params![crate::time_text(from), crate::now_text(), key_id],
    )?;
    Ok(get(db, &key_id)?.expect("exists"))
}

/// The keys an ingest checks against. A surveyor may own several keys over
/// time (a new laptop), but a `TrustedKeys` holds one per owner: the keys
/// are laid out in generations (newest first per owner) and a signature
/// is tried against each generation in turn.
#[derive(Debug, Default)]
pub struct KeySet {
    pub generations: Vec<TrustedKeys>,
    /// Key id → from when it is revoked.
    pub revoked: BTreeMap<String, DateTime<Utc>>,
}

impl KeySet {
    /// The database's keys, plus those of `extra_dir` (`OWNER.pub` files)
    /// not already in it.
    pub fn load(db: &Db, extra_dir: Option<&Path>) -> Result<KeySet, OfficeError> {
        let mut by_owner: BTreeMap<String, Vec<PublicKey>> = BTreeMap::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut revoked = BTreeMap::new();
        if let Some(dir) = extra_dir {
            let folder = TrustedKeys::load(dir).map_err(|e| bad(e.to_string()))?;
            for k in folder.iter() {
                seen.insert(k.key_id.to_string());
                by_owner
                    .entry(k.surveyor_id.clone())
                    .or_default()
                    .push(k.clone());
            }
        }
        let mut stmt = db.prepare(
            "SELECT key_id, owner_id, public_key, revoked_from FROM keys ORDER BY added_at DESC, key_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for row in rows {
            let (key_id, owner, text, revoked_from) = row?;
            if let Some(from) = revoked_from {
                revoked.insert(key_id.clone(), parse_instant(&from)?);
            }
            if !seen.insert(key_id.clone()) {
                continue;
            }
            let origin = Path::new("office database");
            let key = PublicKey::parse(&owner, &text, origin).map_err(|e| bad(e.to_string()))?;
            by_owner.entry(owner).or_default().push(key);
        }
        let depth = by_owner.values().map(Vec::len).max().unwrap_or(0);
        let mut generations = Vec::with_capacity(depth);
        for g in 0..depth {
            let mut keys = TrustedKeys::default();
            for list in by_owner.values() {
                if let Some(k) = list.get(g) {
                    keys.insert(k.clone()).map_err(|e| bad(e.to_string()))?;
                }
            }
            generations.push(keys);
        }
        Ok(KeySet {
            generations,
            revoked,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.generations.is_empty()
    }

    /// The key id `owner` has in generation `g`.
    pub(crate) fn key_id(&self, g: usize, owner: &str) -> Option<String> {
        self.generations
            .get(g)?
            .get(owner)
            .map(|k| k.key_id.to_string())
    }
}
