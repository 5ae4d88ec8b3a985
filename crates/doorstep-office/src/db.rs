//! Where the office keeps its data, behind one type so a second backend
//! (PostgreSQL, for an office where several people share one database)
//! can slot in: [`DbSpec`] says which, [`Db`] holds the connection, and
//! each backend has its own numbered migrations under
//! `migrations/<backend>/NNNN_*.sql`, applied in order and recorded in
//! `schema_migrations`.

use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::OfficeError;

/// Which database: a SQLite file, or (not yet in this build) a
/// PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbSpec {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DbSpec {
    /// `postgres://…` or `postgresql://…` is PostgreSQL; anything else a
    /// SQLite file path.
    pub fn parse(s: &str) -> DbSpec {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            DbSpec::Postgres(s.to_string())
        } else {
            DbSpec::Sqlite(PathBuf::from(s))
        }
    }

    /// The default: `DATA_DIR/office.sqlite3`.
    pub fn default_in(data_dir: &Path) -> DbSpec {
        DbSpec::Sqlite(data_dir.join("office.sqlite3"))
    }
}

impl fmt::Display for DbSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbSpec::Sqlite(p) => write!(f, "{}", p.display()),
            // Never print a URL's password.
            DbSpec::Postgres(url) => {
                let shown = match (url.find("://"), url.rfind('@')) {
                    (Some(s), Some(at)) if at > s => {
                        format!("{}://…@{}", &url[..s], &url[at + 1..])
                    }
                    _ => url.clone(),
                };
                f.write_str(&shown)
            }
        }
    }
}

/// One backend's migrations, in order: (version, name, SQL).
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub(crate) const SQLITE_MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init",
        sql: include_str!("../migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_sample",
        sql: include_str!("../migrations/sqlite/0002_sample.sql"),
    },
    Migration {
        version: 3,
        name: "0003_orders",
        sql: include_str!("../migrations/sqlite/0003_orders.sql"),
    },
    Migration {
        version: 4,
        name: "0004_resident_index",
        sql: include_str!("../migrations/sqlite/0004_resident_index.sql"),
    },
    Migration {
        version: 5,
        name: "0005_scoring_runs",
        sql: include_str!("../migrations/sqlite/0005_scoring_runs.sql"),
    },
];

/// An open office database.
pub struct Db {
    pub(crate) conn: Connection,
    spec: DbSpec,
}

impl fmt::Debug for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Db({})", self.spec)
    }
}

impl Db {
    /// Opens (creating if needed) and migrates the database.
    pub fn open(spec: &DbSpec) -> Result<Db, OfficeError> {
        match spec {
            DbSpec::Sqlite(path) => Self::open_sqlite(path, spec),
            DbSpec::Postgres(_) => Err(OfficeError::Unsupported(format!(
                "{spec}: PostgreSQL is not supported by this build yet; use a SQLite file \
                 (the default, DATA_DIR/office.sqlite3)"
            ))),
        }
    }

    fn open_sqlite(path: &Path, spec: &DbSpec) -> Result<Db, OfficeError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| OfficeError::Io {
                path: dir.to_path_buf(),
                source: e,
            })?;
        }
        let conn = Connection::open(path).map_err(|e| OfficeError::Db {
            what: format!("{}: cannot open the office database: {e}", path.display()),
        })?;
        // WAL lets `status` read while `ingest` writes; FULL makes every
        // committed batch survive a power cut, not only a crash.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let mut db = Db {
            conn,
            spec: spec.clone(),
        };
        db.migrate(SQLITE_MIGRATIONS)?;
        Ok(db)
    }

    pub fn spec(&self) -> &DbSpec {
        &self.spec
    }

    /// The highest migration applied.
    pub fn schema_version(&self) -> Result<i64, OfficeError> {
        Ok(self
            .conn
            .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
                r.get::<_, Option<i64>>(0)
            })?
            .unwrap_or(0))
    }

    fn migrate(&mut self, migrations: &[Migration]) -> Result<(), OfficeError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        let current: i64 = tx
            .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
                r.get::<_, Option<i64>>(0)
            })
            .optional()?
            .flatten()
            .unwrap_or(0);
        let newest = migrations.last().map_or(0, |m| m.version);
        if current > newest {
            return Err(OfficeError::Db {
                what: format!(
                    "{}: the office database is at schema version {current}, newer than this \
                     build knows ({newest}): use a newer doorstep",
                    self.spec
                ),
            });
        }
        for m in migrations.iter().filter(|m| m.version > current) {
            tx.execute_batch(m.sql).map_err(|e| OfficeError::Db {
                what: format!("migration {} failed: {e}", m.name),
            })?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![m.version, m.name, crate::now_text()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend() {
        assert_eq!(
            DbSpec::parse("postgres://u:p@h/db"),
            DbSpec::Postgres("postgres://u:p@h/db".into())
        );
        assert_eq!(
            DbSpec::parse("/tmp/o.sqlite3"),
            DbSpec::Sqlite("/tmp/o.sqlite3".into())
        );
        assert_eq!(
            DbSpec::parse("postgresql://u:secret@h:5432/db").to_string(),
            "postgresql://…@h:5432/db"
        );
    }

    #[test]
    fn migrations_apply_once_and_record_their_version() {
        let dir = tempfile::tempdir().unwrap();
        let spec = DbSpec::Sqlite(dir.path().join("o.sqlite3"));
        let db = Db::open(&spec).unwrap();
        assert_eq!(db.schema_version().unwrap(), 5);
        let mode: String = db
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(db);
        let db = Db::open(&spec).unwrap();
        let n: i64 = db
            .conn
            .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 5);
    }

    #[test]
    fn postgres_is_refused_clearly_for_now() {
        let e = Db::open(&DbSpec::parse("postgres://u:secret@h/db")).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("PostgreSQL is not supported"), "{text}");
        assert!(!text.contains("secret"), "{text}");
    }
}
