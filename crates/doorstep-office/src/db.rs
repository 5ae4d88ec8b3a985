//! Where the office keeps its data: one SQLite file (the default) or a
//! PostgreSQL database, behind one small API every module uses.
//!
//! [`DbSpec`] says which backend, [`Db`] holds the connection. Each backend
//! has its own numbered migrations under `migrations/<backend>/NNNN_*.sql`
//! (same versions and names), applied in one transaction and recorded in
//! `schema_migrations`; a database newer than the build is refused.
//!
//! # Writing a query (for both backends at once)
//!
//! The API keeps rusqlite's shapes, so a rusqlite query ports by changing
//! the receiver:
//!
//! ```ignore
//! use doorstep_office::params;
//! db.execute("INSERT INTO keys (key_id, owner_id) VALUES (?1, ?2)", params![id, owner])?;
//! let n: i64 = db.query_row("SELECT COUNT(*) FROM batches", params![], |r| r.get(0))?;
//! let found: Option<String> =
//!     db.query_opt("SELECT file FROM batches WHERE sha256 = ?1", params![sha], |r| r.get(0))?;
//! let rows: Vec<(String, i64)> = db.query_map(
//!     "SELECT community, COUNT(*) FROM resident_periods GROUP BY community ORDER BY community",
//!     params![],
//!     |r| Ok((r.get(0)?, r.get(1)?)),
//! )?;
//! // Large results: one row at a time, never all in memory.
//! db.query_each("SELECT resident_id FROM residents", params![], |r| { let _: String = r.get(0)?; Ok(()) })?;
//! // One transaction (IMMEDIATE on SQLite); dropped without commit = rolled back.
//! let tx = db.transaction()?;
//! let mut insert = tx.prepare("INSERT INTO visits (visit_id, batch_id) VALUES (?1, ?2)")?;
//! for v in visits { insert.execute(params![v.id, v.batch])?; }  // prepared once, reused
//! drop(insert);
//! let id: i64 = tx.query_row("INSERT INTO orders (...) VALUES (...) RETURNING order_id", params![..], |r| r.get(0))?;
//! tx.commit()?;
//! ```
//!
//! Rules that keep SQL portable:
//! - placeholders are `?1`, `?2`, … (written once; turned into `$1` for
//!   PostgreSQL); a placeholder that appears twice has one type;
//! - integers are 64-bit (`BIGINT` in the PostgreSQL migrations): bind
//!   `i64` and read `i64` (narrower integers convert, checked);
//! - timestamps and dates are TEXT (RFC 3339 / `YYYY-MM-DD`), compared as
//!   text; every PostgreSQL text column has `COLLATE "C"`, so `ORDER BY`
//!   sorts bytes as SQLite does;
//! - `ON CONFLICT … DO NOTHING / DO UPDATE`, `RETURNING`, `COALESCE`,
//!   `IS DISTINCT FROM`, window functions: both; the new row's id comes
//!   from `RETURNING`, never `last_insert_rowid`;
//! - a comparison read as a value is `bool` (PostgreSQL has a boolean type,
//!   SQLite gives 0/1: `r.get::<_, bool>(i)` reads both);
//! - where the dialects differ (JSON functions, temp tables), branch on
//!   [`Db::backend`] or use a helper here ([`Db::json_text`]);
//! - bulk loads of many rows into one table: [`Db::loader`] (a reused
//!   INSERT on SQLite, `COPY … FROM STDIN (FORMAT binary)` on PostgreSQL).
//!
//! While [`Db::query_each`] streams rows from PostgreSQL, its callback must
//! not use the database (collect first, then write): that is refused with
//! an error rather than deadlocking.

use std::cell::{RefCell, RefMut};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::OfficeError;

/// Which database: a SQLite file, or a PostgreSQL URL.
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
            // Never print a URL's password (nor a `password=` parameter).
            DbSpec::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

fn redact_url(url: &str) -> String {
    let mut shown = match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    };
    if let Some(q) = shown.find('?') {
        let (base, query) = shown.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|kv| {
                if kv.to_ascii_lowercase().starts_with("password=") {
                    "password=…".to_string()
                } else {
                    kv.to_string()
                }
            })
            .collect();
        shown = format!("{base}{}", query.join("&"));
    }
    shown
}

/// The two backends, for the few places where SQL must differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One backend's migrations, in order: (version, name, SQL).
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($backend:literal: $($version:literal $name:literal),* $(,)?) => {
        &[$(Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../migrations/", $backend, "/", $name, ".sql")),
        }),*]
    };
}

pub(crate) const SQLITE_MIGRATIONS: &[Migration] = migrations!("sqlite":
    1 "0001_init", 2 "0002_sample", 3 "0003_orders", 4 "0004_resident_index",
    5 "0005_scoring_runs", 6 "0006_quarantine_zh", 7 "0007_online_respondents",
);

pub(crate) const POSTGRES_MIGRATIONS: &[Migration] = migrations!("postgres":
    1 "0001_init", 2 "0002_sample", 3 "0003_orders", 4 "0004_resident_index",
    5 "0005_scoring_runs", 6 "0006_quarantine_zh", 7 "0007_online_respondents",
);

// ---------------------------------------------------------------- values

/// A value bound to a placeholder or read from a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Int(_) => "an integer",
            Value::Real(_) => "a real number",
            Value::Text(_) => "text",
            Value::Blob(_) => "a blob",
        }
    }
}

/// What can be bound to a placeholder: integers, floats, bool, text,
/// bytes, `Option` of those (None is NULL), and references to them.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(i64::try_from(*self).expect("an integer the database can hold"))
            }
        }
    )*};
}
int_to_value!(i8, i16, i32, i64, u8, u16, u32, u64, usize);

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}
impl ToValue for f32 {
    fn to_value(&self) -> Value {
        Value::Real(f64::from(*self))
    }
}
impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

/// The placeholders' values, `?1` first, as rusqlite takes them:
/// `params![a, b]`, `[]`, `[&a]`, `[a, b]` (one type) or `&[&a, &b]`.
pub trait Params {
    fn values(self) -> Vec<Value>;
}

impl Params for &[&dyn ToValue] {
    fn values(self) -> Vec<Value> {
        self.iter().map(|p| p.to_value()).collect()
    }
}

impl<const N: usize> Params for &[&dyn ToValue; N] {
    fn values(self) -> Vec<Value> {
        self.iter().map(|p| p.to_value()).collect()
    }
}

impl Params for Vec<Value> {
    fn values(self) -> Vec<Value> {
        self
    }
}

impl Params for [&dyn ToValue; 0] {
    fn values(self) -> Vec<Value> {
        Vec::new()
    }
}

macro_rules! array_params {
    ($($n:literal)*) => {$(
        impl<T: ToValue> Params for [T; $n] {
            fn values(self) -> Vec<Value> {
                self.iter().map(ToValue::to_value).collect()
            }
        }
    )*};
}
array_params!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

/// What [`Stmt::query_map`] gives: the rows, mapped, each an `Ok` (the
/// shape of rusqlite's, so `.collect::<Result<_, _>>()` and `row?` work).
pub type MappedRows<T> = std::vec::IntoIter<Result<T, OfficeError>>;

/// `params![a, b, c]`: the values for `?1`, `?2`, `?3` (like rusqlite's).
#[macro_export]
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::db::ToValue]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::db::ToValue),+] as &[&dyn $crate::db::ToValue]
    };
}

/// What a column can be read as (see [`Row::get`]).
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Result<Self, String>;
}

fn int_of(v: &Value) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => Ok(*f as i64),
        other => Err(format!("expected an integer, found {}", other.kind())),
    }
}

macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> Result<Self, String> {
                let i = int_of(v)?;
                <$t>::try_from(i).map_err(|_| format!("{i} is out of range for {}", stringify!($t)))
            }
        }
    )*};
}
int_from_value!(i16, i32, i64, u8, u16, u32, u64, usize);

impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Real(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            other => Err(format!("expected a number, found {}", other.kind())),
        }
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, String> {
        Ok(int_of(v)? != 0)
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            other => Err(format!("expected text, found {}", other.kind())),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            other => Err(format!("expected bytes, found {}", other.kind())),
        }
    }
}
impl FromValue for Value {
    fn from_value(v: &Value) -> Result<Self, String> {
        Ok(v.clone())
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// A column index (only `usize`; the type parameter keeps rusqlite's
/// `r.get::<_, i64>(0)` shape).
pub trait RowIndex {
    fn index(&self) -> usize;
}
impl RowIndex for usize {
    fn index(&self) -> usize {
        *self
    }
}

/// One result row, read with `r.get(i)` (columns from 0).
#[derive(Debug, Clone)]
pub struct Row {
    values: Vec<Value>,
}

impl Row {
    pub fn get<I: RowIndex, T: FromValue>(&self, i: I) -> Result<T, OfficeError> {
        let i = i.index();
        let v = self.values.get(i).ok_or_else(|| OfficeError::Db {
            what: format!(
                "office database: column {i} asked of a row of {}",
                self.values.len()
            ),
        })?;
        T::from_value(v).map_err(|e| OfficeError::Db {
            what: format!("office database: column {i}: {e}"),
        })
    }

    /// Column `i` as borrowed text (`None` for NULL): no copy, for rows
    /// read by the million.
    pub fn text(&self, i: usize) -> Result<Option<&str>, OfficeError> {
        match self.values.get(i) {
            Some(Value::Text(s)) => Ok(Some(s)),
            Some(Value::Null) => Ok(None),
            Some(other) => Err(OfficeError::Db {
                what: format!(
                    "office database: column {i}: expected text, found {}",
                    other.kind()
                ),
            }),
            None => Err(OfficeError::Db {
                what: format!(
                    "office database: column {i} asked of a row of {}",
                    self.values.len()
                ),
            }),
        }
    }

    /// Column `i`'s text taken out of the row (`None` for NULL; the
    /// column reads as NULL afterwards): no copy.
    pub fn take_text(&mut self, i: usize) -> Result<Option<String>, OfficeError> {
        self.text(i)?;
        match std::mem::replace(&mut self.values[i], Value::Null) {
            Value::Text(s) => Ok(Some(s)),
            _ => Ok(None),
        }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn from_sqlite(r: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Row> {
        use rusqlite::types::ValueRef;
        let mut values = Vec::with_capacity(n);
        for i in 0..n {
            values.push(match r.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) => Value::Int(i),
                ValueRef::Real(f) => Value::Real(f),
                // Checked on the fast path (valid text, nearly always),
                // replaced character by character only where it is not.
                ValueRef::Text(t) => Value::Text(match std::str::from_utf8(t) {
                    Ok(s) => s.to_owned(),
                    Err(_) => String::from_utf8_lossy(t).into_owned(),
                }),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            });
        }
        Ok(Row { values })
    }

    fn from_pg(r: &postgres::Row) -> Result<Row, postgres::Error> {
        let mut values = Vec::with_capacity(r.len());
        for i in 0..r.len() {
            values.push(r.try_get::<_, pg::AnyValue>(i)?.0);
        }
        Ok(Row { values })
    }
}

// ---------------------------------------------------------------- errors

fn sqlite_err(e: rusqlite::Error) -> OfficeError {
    OfficeError::from(e)
}

/// A PostgreSQL error in words: the server's message (and detail) for a
/// database error, else the client's.
fn pg_err(e: postgres::Error) -> OfficeError {
    let what = match e.as_db_error() {
        Some(db) => {
            let mut s = format!(
                "office database (PostgreSQL): {} ({})",
                db.message(),
                db.code().code()
            );
            if let Some(d) = db.detail() {
                s.push_str(": ");
                s.push_str(d);
            }
            s
        }
        None => format!("office database (PostgreSQL): {e}"),
    };
    OfficeError::Db { what }
}

// ---------------------------------------------------------------- Db

// One per process: the size of the larger variant does not matter.
#[allow(clippy::large_enum_variant)]
enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres {
        client: RefCell<postgres::Client>,
        /// Prepared statements by their (translated) SQL.
        cache: RefCell<HashMap<String, postgres::Statement>>,
    },
}

/// An open office database.
pub struct Db {
    conn: Conn,
    spec: DbSpec,
}

impl fmt::Debug for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Db({})", self.spec)
    }
}

/// What every SQLite connection of the office sets, the writer's and a
/// reader's alike (the writer also sets the journal and its durability).
fn session_settings(conn: &rusqlite::Connection) -> Result<(), OfficeError> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // The office reads whole registers and quarters: with SQLite's 2 MB
    // default every look-up re-read its index pages from the OS (a fifth
    // of `sample`'s time). 64 MiB at most, grown only as pages are read.
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

impl Db {
    /// Opens (creating a SQLite file if needed) and migrates the database.
    pub fn open(spec: &DbSpec) -> Result<Db, OfficeError> {
        match spec {
            DbSpec::Sqlite(path) => Self::open_sqlite(path, spec),
            DbSpec::Postgres(url) => Self::open_postgres(url, spec),
        }
    }

    fn open_sqlite(path: &Path, spec: &DbSpec) -> Result<Db, OfficeError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| OfficeError::Io {
                path: dir.to_path_buf(),
                source: e,
            })?;
        }
        let conn = rusqlite::Connection::open(path).map_err(|e| OfficeError::Db {
            what: format!("{}: cannot open the office database: {e}", path.display()),
        })?;
        // WAL lets `status` read while `ingest` writes; FULL makes every
        // committed batch survive a power cut, not only a crash.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        session_settings(&conn)?;
        let db = Db {
            conn: Conn::Sqlite(conn),
            spec: spec.clone(),
        };
        db.migrate(SQLITE_MIGRATIONS)?;
        Ok(db)
    }

    fn open_postgres(url: &str, spec: &DbSpec) -> Result<Db, OfficeError> {
        let client = pg::connect(url, spec)?;
        let db = Db {
            conn: Conn::Postgres {
                client: RefCell::new(client),
                cache: RefCell::new(HashMap::new()),
            },
            spec: spec.clone(),
        };
        db.migrate(POSTGRES_MIGRATIONS)?;
        Ok(db)
    }

    /// A second connection to the same database, for reading on another
    /// thread while this one reads too (SQLite in WAL mode lets readers run
    /// side by side; PostgreSQL gets a connection of its own). Not
    /// migrated again: this one already was. Refused on SQLite inside a
    /// transaction (the second connection would not see its writes).
    pub fn reader(&self) -> Result<Db, OfficeError> {
        if let Conn::Sqlite(c) = &self.conn
            && !c.is_autocommit()
        {
            return Err(OfficeError::Db {
                what: "office database: a second connection was asked for inside a transaction"
                    .into(),
            });
        }
        let conn = match &self.spec {
            DbSpec::Sqlite(path) => {
                let conn = rusqlite::Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|e| OfficeError::Db {
                    what: format!("{}: cannot open the office database: {e}", path.display()),
                })?;
                session_settings(&conn)?;
                Conn::Sqlite(conn)
            }
            DbSpec::Postgres(url) => Conn::Postgres {
                client: RefCell::new(pg::connect(url, &self.spec)?),
                cache: RefCell::new(HashMap::new()),
            },
        };
        Ok(Db {
            conn,
            spec: self.spec.clone(),
        })
    }

    pub fn spec(&self) -> &DbSpec {
        &self.spec
    }

    pub fn backend(&self) -> Backend {
        match self.conn {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres { .. } => Backend::Postgres,
        }
    }

    /// SQL for the text at `key` of the JSON object in `column` (NULL when
    /// absent): `json_extract` on SQLite, `->>` on PostgreSQL.
    pub fn json_text(&self, column: &str, key: &str) -> String {
        match self.backend() {
            Backend::Sqlite => format!(
                "json_extract({column}, '$.\"{}\"')",
                key.replace('\'', "''").replace('"', "\\\"")
            ),
            Backend::Postgres => format!("({column}::jsonb ->> '{}')", key.replace('\'', "''")),
        }
    }

    /// The highest migration applied.
    pub fn schema_version(&self) -> Result<i64, OfficeError> {
        Ok(self
            .query_row(
                "SELECT MAX(version) FROM schema_migrations",
                params![],
                |r| r.get::<_, Option<i64>>(0),
            )?
            .unwrap_or(0))
    }

    fn migrate(&self, migrations: &[Migration]) -> Result<(), OfficeError> {
        let tx = self.transaction()?;
        if self.backend() == Backend::Postgres {
            // Two processes opening a new database at once: one migrates,
            // the other waits and then finds nothing to do.
            tx.query_row("SELECT pg_advisory_xact_lock(7244617)", params![], |_| {
                Ok(())
            })?;
        }
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        let current: i64 = tx
            .query_row(
                "SELECT MAX(version) FROM schema_migrations",
                params![],
                |r| r.get::<_, Option<i64>>(0),
            )?
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
                params![m.version, m.name, crate::now_text()],
            )?;
        }
        tx.commit()
    }

    fn pg(&self) -> Result<RefMut<'_, postgres::Client>, OfficeError> {
        match &self.conn {
            Conn::Postgres { client, .. } => client.try_borrow_mut().map_err(|_| OfficeError::Db {
                what: "office database: a query was used while another one's rows were being \
                       read (collect the rows first)"
                    .into(),
            }),
            Conn::Sqlite(_) => unreachable!("pg() on SQLite"),
        }
    }

    /// Runs several statements (no parameters, no results): DDL.
    pub fn execute_batch(&self, sql: &str) -> Result<(), OfficeError> {
        match &self.conn {
            Conn::Sqlite(c) => c.execute_batch(sql).map_err(sqlite_err),
            Conn::Postgres { cache, .. } => {
                // Tables may change shape: prepared statements are re-made.
                cache.borrow_mut().clear();
                self.pg()?.batch_execute(sql).map_err(pg_err)
            }
        }
    }

    /// Prepares a statement to run many times (cached: preparing the same
    /// SQL again is cheap).
    pub fn prepare(&self, sql: &str) -> Result<Stmt<'_>, OfficeError> {
        let inner = match &self.conn {
            Conn::Sqlite(c) => StmtInner::Sqlite(c.prepare_cached(sql).map_err(sqlite_err)?),
            Conn::Postgres { cache, .. } => {
                let sql = pg::placeholders(sql);
                if let Some(s) = cache.borrow().get(&sql) {
                    return Ok(Stmt {
                        db: self,
                        inner: StmtInner::Postgres(s.clone()),
                    });
                }
                let s = self.pg()?.prepare(&sql).map_err(pg_err)?;
                let mut cache = cache.borrow_mut();
                if cache.len() >= 256 {
                    cache.clear();
                }
                cache.insert(sql, s.clone());
                StmtInner::Postgres(s)
            }
        };
        Ok(Stmt { db: self, inner })
    }

    /// Runs one statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> Result<usize, OfficeError> {
        self.prepare(sql)?.execute(params)
    }

    /// The first row, mapped; an error when there is none.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row) -> Result<T, OfficeError>,
    ) -> Result<T, OfficeError> {
        self.prepare(sql)?.query_row(params, f)
    }

    /// The first row, mapped, or None.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row) -> Result<T, OfficeError>,
    ) -> Result<Option<T>, OfficeError> {
        self.prepare(sql)?.query_opt(params, f)
    }

    /// Every row, mapped (read whole: see [`Db::query_each`] for many).
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnMut(&Row) -> Result<T, OfficeError>,
    ) -> Result<MappedRows<T>, OfficeError> {
        self.prepare(sql)?.query_map(params, f)
    }

    /// Every row in turn, without holding them all.
    pub fn query_each(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnMut(&Row) -> Result<(), OfficeError>,
    ) -> Result<(), OfficeError> {
        self.prepare(sql)?.query_each(params, f)
    }

    /// Begins a transaction (on SQLite `BEGIN IMMEDIATE`: the write lock
    /// at once). Commit with [`Tx::commit`]; dropped, it rolls back.
    pub fn transaction(&self) -> Result<Tx<'_>, OfficeError> {
        match &self.conn {
            Conn::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE").map_err(sqlite_err)?,
            Conn::Postgres { .. } => self.pg()?.batch_execute("BEGIN").map_err(pg_err)?,
        }
        Ok(Tx {
            db: self,
            done: false,
        })
    }

    /// A bulk loader of rows into `table (columns…)`: a reused INSERT on
    /// SQLite, `COPY … FROM STDIN (FORMAT binary)` on PostgreSQL (sent in
    /// chunks, so memory stays bounded). Plain inserts: no `ON CONFLICT`
    /// (load into a temp table and `INSERT … SELECT` for that).
    pub fn loader(&self, table: &str, columns: &[&str]) -> Result<Loader<'_>, OfficeError> {
        let cols = columns.join(", ");
        let inner = match &self.conn {
            Conn::Sqlite(_) => {
                let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                LoaderInner::Sqlite(self.prepare(&format!(
                    "INSERT INTO {table} ({cols}) VALUES ({})",
                    marks.join(", ")
                ))?)
            }
            Conn::Postgres { .. } => {
                let types = self
                    .pg()?
                    .prepare(&format!("SELECT {cols} FROM {table} LIMIT 0"))
                    .map_err(pg_err)?
                    .columns()
                    .iter()
                    .map(|c| c.type_().clone())
                    .collect();
                LoaderInner::Postgres {
                    copy: format!("COPY {table} ({cols}) FROM STDIN (FORMAT binary)"),
                    types,
                    rows: Vec::new(),
                }
            }
        };
        Ok(Loader {
            db: self,
            inner,
            width: columns.len(),
            count: 0,
        })
    }
}

// ---------------------------------------------------------------- Tx

/// A transaction: every [`Db`] method works on it (through `Deref`).
/// Dropped without [`Tx::commit`], it rolls back.
pub struct Tx<'a> {
    db: &'a Db,
    done: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<(), OfficeError> {
        self.done = true;
        match &self.db.conn {
            Conn::Sqlite(c) => c.execute_batch("COMMIT").map_err(sqlite_err),
            Conn::Postgres { .. } => self.db.pg()?.batch_execute("COMMIT").map_err(pg_err),
        }
    }

    pub fn rollback(mut self) -> Result<(), OfficeError> {
        self.done = true;
        self.db.rollback()
    }
}

impl Db {
    fn rollback(&self) -> Result<(), OfficeError> {
        match &self.conn {
            Conn::Sqlite(c) => c.execute_batch("ROLLBACK").map_err(sqlite_err),
            Conn::Postgres { .. } => self.pg()?.batch_execute("ROLLBACK").map_err(pg_err),
        }
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.db.rollback();
        }
    }
}

// ---------------------------------------------------------------- Stmt

enum StmtInner<'a> {
    Sqlite(rusqlite::CachedStatement<'a>),
    Postgres(postgres::Statement),
}

/// A prepared statement, reused in loops.
pub struct Stmt<'a> {
    db: &'a Db,
    inner: StmtInner<'a>,
}

fn sqlite_params(v: &[Value]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value as V;
    v.iter()
        .map(|v| match v {
            Value::Null => V::Null,
            Value::Int(i) => V::Integer(*i),
            Value::Real(f) => V::Real(*f),
            Value::Text(s) => V::Text(s.clone()),
            Value::Blob(b) => V::Blob(b.clone()),
        })
        .collect()
}

fn pg_refs(v: &[Value]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    v.iter()
        .map(|v| v as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

fn no_row() -> OfficeError {
    OfficeError::Db {
        what: "office database: the query returned no row".into(),
    }
}

impl Stmt<'_> {
    /// Runs it; the number of rows it changed.
    pub fn execute(&mut self, params: impl Params) -> Result<usize, OfficeError> {
        let v = params.values();
        match &mut self.inner {
            StmtInner::Sqlite(s) => s
                .execute(rusqlite::params_from_iter(sqlite_params(&v)))
                .map_err(sqlite_err),
            StmtInner::Postgres(s) => {
                Ok(self.db.pg()?.execute(&*s, &pg_refs(&v)).map_err(pg_err)? as usize)
            }
        }
    }

    pub fn query_each(
        &mut self,
        params: impl Params,
        mut f: impl FnMut(&Row) -> Result<(), OfficeError>,
    ) -> Result<(), OfficeError> {
        self.query_each_owned(params, |r| f(&r))
    }

    /// Every row in turn, handed over: its text can be taken
    /// ([`Row::take_text`]) rather than copied.
    pub fn query_each_owned(
        &mut self,
        params: impl Params,
        mut f: impl FnMut(Row) -> Result<(), OfficeError>,
    ) -> Result<(), OfficeError> {
        let v = params.values();
        match &mut self.inner {
            StmtInner::Sqlite(s) => {
                let n = s.column_count();
                let mut rows = s
                    .query(rusqlite::params_from_iter(sqlite_params(&v)))
                    .map_err(sqlite_err)?;
                while let Some(r) = rows.next().map_err(sqlite_err)? {
                    f(Row::from_sqlite(r, n).map_err(sqlite_err)?)?;
                }
                Ok(())
            }
            StmtInner::Postgres(s) => {
                use postgres::fallible_iterator::FallibleIterator;
                let mut client = self.db.pg()?;
                let mut rows = client
                    .query_raw(&*s, pg_refs(&v).iter().copied())
                    .map_err(pg_err)?;
                while let Some(r) = rows.next().map_err(pg_err)? {
                    f(Row::from_pg(&r).map_err(pg_err)?)?;
                }
                Ok(())
            }
        }
    }

    pub fn query_map<T>(
        &mut self,
        params: impl Params,
        mut f: impl FnMut(&Row) -> Result<T, OfficeError>,
    ) -> Result<MappedRows<T>, OfficeError> {
        let mut out = Vec::new();
        self.query_each(params, |r| {
            out.push(Ok(f(r)?));
            Ok(())
        })?;
        Ok(out.into_iter())
    }

    pub fn query_opt<T>(
        &mut self,
        params: impl Params,
        f: impl FnOnce(&Row) -> Result<T, OfficeError>,
    ) -> Result<Option<T>, OfficeError> {
        let v = params.values();
        let row = match &mut self.inner {
            StmtInner::Sqlite(s) => {
                let n = s.column_count();
                let mut rows = s
                    .query(rusqlite::params_from_iter(sqlite_params(&v)))
                    .map_err(sqlite_err)?;
                match rows.next().map_err(sqlite_err)? {
                    Some(r) => Some(Row::from_sqlite(r, n).map_err(sqlite_err)?),
                    None => None,
                }
            }
            StmtInner::Postgres(s) => {
                let rows = self.db.pg()?.query(&*s, &pg_refs(&v)).map_err(pg_err)?;
                match rows.first() {
                    Some(r) => Some(Row::from_pg(r).map_err(pg_err)?),
                    None => None,
                }
            }
        };
        row.as_ref().map(f).transpose()
    }

    pub fn query_row<T>(
        &mut self,
        params: impl Params,
        f: impl FnOnce(&Row) -> Result<T, OfficeError>,
    ) -> Result<T, OfficeError> {
        self.query_opt(params, f)?.ok_or_else(no_row)
    }
}

// ---------------------------------------------------------------- Loader

/// Rows sent per `COPY` on PostgreSQL.
const COPY_CHUNK: usize = 20_000;

enum LoaderInner<'a> {
    Sqlite(Stmt<'a>),
    Postgres {
        copy: String,
        types: Vec<postgres::types::Type>,
        rows: Vec<Vec<Value>>,
    },
}

/// See [`Db::loader`]: `add` each row, then `finish`.
pub struct Loader<'a> {
    db: &'a Db,
    inner: LoaderInner<'a>,
    width: usize,
    count: u64,
}

impl Loader<'_> {
    pub fn add(&mut self, params: impl Params) -> Result<(), OfficeError> {
        let v = params.values();
        assert_eq!(v.len(), self.width, "one value per column");
        self.count += 1;
        match &mut self.inner {
            LoaderInner::Sqlite(s) => s.execute(v).map(|_| ()),
            LoaderInner::Postgres { rows, .. } => {
                rows.push(v);
                if rows.len() >= COPY_CHUNK {
                    self.flush()?;
                }
                Ok(())
            }
        }
    }

    fn flush(&mut self) -> Result<(), OfficeError> {
        let LoaderInner::Postgres { copy, types, rows } = &mut self.inner else {
            return Ok(());
        };
        if rows.is_empty() {
            return Ok(());
        }
        let mut client = self.db.pg()?;
        let sink = client.copy_in(copy.as_str()).map_err(pg_err)?;
        let mut w = postgres::binary_copy::BinaryCopyInWriter::new(sink, types);
        for row in rows.drain(..) {
            w.write(&pg_refs(&row)).map_err(pg_err)?;
        }
        w.finish().map_err(pg_err)?;
        Ok(())
    }

    /// Sends what is left; the number of rows loaded.
    pub fn finish(mut self) -> Result<u64, OfficeError> {
        self.flush()?;
        Ok(self.count)
    }
}

// ---------------------------------------------------------------- PostgreSQL

mod pg {
    use std::error::Error;

    use bytes::BytesMut;
    use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

    use super::{DbSpec, Value};
    use crate::OfficeError;

    type BoxErr = Box<dyn Error + Sync + Send>;

    /// `?N` → `$N` outside quotes; a bare `?` takes the next number.
    pub(super) fn placeholders(sql: &str) -> String {
        let mut out = String::with_capacity(sql.len() + 8);
        let mut chars = sql.chars().peekable();
        let mut quote: Option<char> = None;
        let mut next = 1;
        while let Some(c) = chars.next() {
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                    out.push(c);
                }
                None if c == '\'' || c == '"' => {
                    quote = Some(c);
                    out.push(c);
                }
                None if c == '?' => {
                    let mut digits = String::new();
                    while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                        digits.push(*d);
                        chars.next();
                    }
                    if digits.is_empty() {
                        digits = next.to_string();
                    }
                    next = digits.parse::<usize>().unwrap_or(next) + 1;
                    out.push('$');
                    out.push_str(&digits);
                }
                None => out.push(c),
            }
        }
        out
    }

    /// Where the URL points (never its password): `host:port/db as user`.
    pub(super) fn server(cfg: &postgres::Config) -> String {
        let host = cfg
            .get_hosts()
            .first()
            .map(|h| match h {
                postgres::config::Host::Tcp(h) => h.clone(),
                postgres::config::Host::Unix(p) => p.display().to_string(),
            })
            .unwrap_or_else(|| "localhost".into());
        let port = cfg.get_ports().first().copied().unwrap_or(5432);
        let user = cfg.get_user().unwrap_or("?");
        let db = cfg.get_dbname().unwrap_or(user);
        format!("{host}:{port}/{db} as {user}")
    }

    pub(super) fn connect(url: &str, spec: &DbSpec) -> Result<postgres::Client, OfficeError> {
        let mut cfg: postgres::Config = url.parse().map_err(|e| OfficeError::Invalid(format!(
            "{spec}: not a PostgreSQL URL ({e}); expected postgres://USER:PASSWORD@HOST:PORT/DATABASE"
        )))?;
        if cfg.get_connect_timeout().is_none() {
            cfg.connect_timeout(std::time::Duration::from_secs(10));
        }
        if cfg.get_application_name().is_none() {
            cfg.application_name("doorstep office");
        }
        let server = server(&cfg);
        let client = cfg.connect(postgres::NoTls).map_err(|e| {
            let why = match e.as_db_error() {
                Some(db) => {
                    let code = db.code().code();
                    match code {
                        "28P01" => "the server refused the password (wrong password for this user?)"
                            .to_string(),
                        "28000" => format!("the server refused this user: {}", db.message()),
                        "3D000" => format!(
                            "{} (create it first, e.g. `createdb`, and let this user create tables in it)",
                            db.message()
                        ),
                        _ => format!("{} ({code})", db.message()),
                    }
                }
                None => {
                    let mut s = e.to_string();
                    let mut src = e.source();
                    while let Some(inner) = src {
                        s.push_str(&format!(": {inner}"));
                        src = inner.source();
                    }
                    if s.contains("Connection refused") {
                        s.push_str(" (is the server running and listening there?)");
                    }
                    s
                }
            };
            OfficeError::Db {
                what: format!("cannot connect to the office database at {server}: {why}"),
            }
        })?;
        Ok(client)
    }

    impl ToSql for Value {
        fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxErr> {
            let text_like = |t: &Type| {
                matches!(
                    *t,
                    Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
                )
            };
            match self {
                Value::Null => Ok(IsNull::Yes),
                Value::Int(i) => match *ty {
                    Type::INT8 => i.to_sql(ty, out),
                    Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                    Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                    Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                    Type::FLOAT4 => (*i as f32).to_sql(ty, out),
                    Type::BOOL => (*i != 0).to_sql(ty, out),
                    ref t if text_like(t) => i.to_string().as_str().to_sql(&Type::TEXT, out),
                    ref t => Err(format!("an integer cannot go into a {t} column").into()),
                },
                Value::Real(f) => match *ty {
                    Type::FLOAT8 => f.to_sql(ty, out),
                    Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                    ref t if text_like(t) => f.to_string().as_str().to_sql(&Type::TEXT, out),
                    ref t => Err(format!("a real number cannot go into a {t} column").into()),
                },
                Value::Text(s) => match *ty {
                    Type::JSONB => {
                        out.extend_from_slice(&[1]);
                        out.extend_from_slice(s.as_bytes());
                        Ok(IsNull::No)
                    }
                    Type::JSON => {
                        out.extend_from_slice(s.as_bytes());
                        Ok(IsNull::No)
                    }
                    ref t if text_like(t) => s.as_str().to_sql(&Type::TEXT, out),
                    ref t => Err(format!("text cannot go into a {t} column").into()),
                },
                Value::Blob(b) => match *ty {
                    Type::BYTEA => b.as_slice().to_sql(ty, out),
                    ref t => Err(format!("bytes cannot go into a {t} column").into()),
                },
            }
        }

        fn accepts(_: &Type) -> bool {
            true
        }

        to_sql_checked!();
    }

    /// Any column, as a [`Value`].
    pub(super) struct AnyValue(pub Value);

    impl<'a> FromSql<'a> for AnyValue {
        fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxErr> {
            let v = match *ty {
                Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
                Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
                Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
                Type::OID => Value::Int(u32::from_sql(ty, raw)?.into()),
                Type::BOOL => Value::Int(bool::from_sql(ty, raw)?.into()),
                Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
                Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
                Type::NUMERIC => numeric(raw)?,
                Type::BYTEA => Value::Blob(raw.to_vec()),
                Type::JSONB => {
                    Value::Text(std::str::from_utf8(raw.get(1..).unwrap_or(&[]))?.into())
                }
                // TEXT, VARCHAR, NAME, JSON, …: UTF-8 text on the wire.
                _ => Value::Text(std::str::from_utf8(raw)?.to_string()),
            };
            Ok(AnyValue(v))
        }

        fn from_sql_null(_: &Type) -> Result<Self, BoxErr> {
            Ok(AnyValue(Value::Null))
        }

        fn accepts(_: &Type) -> bool {
            true
        }
    }

    /// NUMERIC's binary form (what `SUM(bigint)` gives): an integer when it
    /// has no fraction and fits, else a float.
    fn numeric(raw: &[u8]) -> Result<Value, BoxErr> {
        let word = |i: usize| -> Result<u16, BoxErr> {
            raw.get(i..i + 2)
                .map(|b| u16::from_be_bytes([b[0], b[1]]))
                .ok_or_else(|| "short NUMERIC".into())
        };
        let ndigits = word(0)? as usize;
        let weight = word(2)? as i16 as i32;
        let sign = word(4)?;
        let dscale = word(6)?;
        if sign == 0xC000 {
            return Ok(Value::Real(f64::NAN));
        }
        let mut int: i128 = 0;
        let mut float = 0.0f64;
        let mut exact = dscale == 0;
        for k in 0..ndigits {
            let d = word(8 + 2 * k)? as i128;
            let power = weight - k as i32;
            float += d as f64 * 10000f64.powi(power);
            if power >= 0 {
                match 10000i128
                    .checked_pow(power as u32)
                    .and_then(|p| d.checked_mul(p))
                    .and_then(|x| int.checked_add(x))
                {
                    Some(x) => int = x,
                    None => exact = false,
                }
            } else if d != 0 {
                exact = false;
            }
        }
        let neg = sign == 0x4000;
        if exact && let Ok(i) = i64::try_from(if neg { -int } else { int }) {
            return Ok(Value::Int(i));
        }
        Ok(Value::Real(if neg { -float } else { float }))
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn placeholders_become_dollars_outside_quotes() {
            assert_eq!(
                super::placeholders("SELECT '?1', \"a?\" FROM t WHERE a = ?1 AND b = ?12 OR c = ?"),
                "SELECT '?1', \"a?\" FROM t WHERE a = $1 AND b = $12 OR c = $13"
            );
        }

        #[test]
        fn numeric_decodes() {
            // 123456789 = 1,2345,6789 base 10000, weight 2.
            let raw = [0, 3, 0, 2, 0, 0, 0, 0, 0, 1, 0x09, 0x29, 0x1A, 0x85];
            assert_eq!(
                super::numeric(&raw).unwrap(),
                super::Value::Int(123_456_789)
            );
            // -1.5 = 1 . 5000, weight 0, dscale 1.
            let raw = [0, 2, 0, 0, 0x40, 0, 0, 1, 0, 1, 0x13, 0x88];
            assert_eq!(super::numeric(&raw).unwrap(), super::Value::Real(-1.5));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fresh database on each backend there is: SQLite always,
    /// PostgreSQL when a test server can be had (else a skip message, or
    /// a failure under DOORSTEP_REQUIRE_TOOLS). The temp dir lives as long
    /// as the returned value.
    pub(crate) fn each_backend() -> Vec<(tempfile::TempDir, DbSpec)> {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = DbSpec::Sqlite(dir.path().join("o.sqlite3"));
        let mut out = vec![(dir, sqlite)];
        match crate::testing::fresh_database() {
            Ok(url) => out.push((tempfile::tempdir().unwrap(), DbSpec::Postgres(url))),
            Err(why) => {
                assert!(
                    std::env::var_os("DOORSTEP_REQUIRE_TOOLS").is_none(),
                    "no PostgreSQL for the tests and DOORSTEP_REQUIRE_TOOLS is set: {why}"
                );
                eprintln!("SKIPPED (PostgreSQL): {why}");
            }
        }
        out
    }

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
        assert_eq!(
            DbSpec::parse("postgres://h/db?user=u&password=secret&sslmode=disable").to_string(),
            "postgres://h/db?user=u&password=…&sslmode=disable"
        );
    }

    #[test]
    fn migrations_apply_once_and_record_their_version() {
        let names_of = |m: &[Migration]| m.iter().map(|m| m.name.to_string()).collect::<Vec<_>>();
        let newest = SQLITE_MIGRATIONS.last().unwrap().version;
        for (_dir, spec) in each_backend() {
            let db = Db::open(&spec).unwrap();
            assert_eq!(db.schema_version().unwrap(), newest, "{spec}");
            if let DbSpec::Sqlite(_) = spec {
                let mode: String = db
                    .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                    .unwrap();
                assert_eq!(mode, "wal");
            }
            drop(db);
            let db = Db::open(&spec).unwrap();
            let n: i64 = db
                .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, SQLITE_MIGRATIONS.len() as i64, "{spec}");
            let names: Vec<String> = db
                .query_map(
                    "SELECT name FROM schema_migrations ORDER BY version",
                    [],
                    |r| r.get(0),
                )
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(names, names_of(SQLITE_MIGRATIONS), "{spec}");
        }
    }

    #[test]
    fn both_backends_have_the_same_migrations() {
        let names = |m: &[Migration]| -> Vec<(i64, &str)> {
            m.iter().map(|m| (m.version, m.name)).collect()
        };
        assert_eq!(names(SQLITE_MIGRATIONS), names(POSTGRES_MIGRATIONS));
    }

    #[test]
    fn a_reader_on_another_thread_sees_what_was_committed() {
        for (_dir, spec) in each_backend() {
            let db = Db::open(&spec).unwrap();
            db.execute_batch("CREATE TABLE t_reader (k BIGINT PRIMARY KEY, v TEXT)")
                .unwrap();
            db.execute(
                "INSERT INTO t_reader (k, v) VALUES (?1, ?2)",
                params![1i64, "一"],
            )
            .unwrap();
            let reader = db.reader().unwrap();
            let got = std::thread::spawn(move || {
                let mut out = Vec::new();
                reader
                    .prepare("SELECT k, v FROM t_reader")
                    .unwrap()
                    .query_each_owned(params![], |mut r| {
                        let k: i64 = r.get(0)?;
                        // Taken, the text is gone from the row.
                        out.push((k, r.take_text(1)?, r.text(1)?.map(str::to_string)));
                        Ok(())
                    })
                    .unwrap();
                out
            })
            .join()
            .unwrap();
            assert_eq!(got, [(1, Some("一".to_string()), None)], "{spec}");
            if let DbSpec::Sqlite(_) = spec {
                // Inside a transaction a second connection would not see
                // its writes: refused.
                let tx = db.transaction().unwrap();
                assert!(tx.reader().is_err());
            }
        }
    }

    #[test]
    fn a_newer_schema_is_refused() {
        for (_dir, spec) in each_backend() {
            let db = Db::open(&spec).unwrap();
            db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![99, "9999_future", "2030-01-01T00:00:00Z"],
            )
            .unwrap();
            drop(db);
            let e = Db::open(&spec).unwrap_err().to_string();
            assert!(
                e.contains("schema version 99, newer than this build"),
                "{e}"
            );
        }
    }

    #[test]
    fn values_round_trip_and_transactions_roll_back() {
        for (_dir, spec) in each_backend() {
            let db = Db::open(&spec).unwrap();
            db.execute_batch(
                "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, x DOUBLE PRECISION, b BIGINT)",
            )
            .unwrap();
            let tx = db.transaction().unwrap();
            {
                let mut ins = tx
                    .prepare("INSERT INTO t (id, name, x, b) VALUES (?1, ?2, ?3, ?4)")
                    .unwrap();
                for i in 0..3i64 {
                    ins.execute(params![i, format!("n{i}"), i as f64 / 2.0, i % 2 == 0])
                        .unwrap();
                }
                ins.execute(params![3i64, None::<String>, 1.0, false])
                    .unwrap();
            }
            tx.commit().unwrap();
            {
                let tx = db.transaction().unwrap();
                tx.execute("DELETE FROM t", []).unwrap();
                // dropped: rolled back
            }
            let rows: Vec<(i64, Option<String>, f64, bool)> = db
                .query_map("SELECT id, name, x, b FROM t ORDER BY id", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(rows.len(), 4, "{spec}");
            assert_eq!(rows[1], (1, Some("n1".into()), 0.5, false));
            assert_eq!(rows[3], (3, None, 1.0, false));
            // SUM is NUMERIC on PostgreSQL; a comparison is a bool there.
            let (sum, cmp): (i64, bool) = db
                .query_row("SELECT SUM(id), MAX(id) > ?1 FROM t", [2i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            assert_eq!((sum, cmp), (6, true));
            let missing: Option<i64> = db
                .query_opt("SELECT id FROM t WHERE id = ?1", [42i64], |r| r.get(0))
                .unwrap();
            assert_eq!(missing, None);
            let e = db
                .query_row("SELECT id FROM t WHERE id = ?1", [42i64], |r| {
                    r.get::<_, i64>(0)
                })
                .unwrap_err();
            assert!(e.to_string().contains("no row"), "{e}");
            // RETURNING gives the new row's values on both.
            let id: i64 = db
                .query_row(
                    "INSERT INTO t (id, name) VALUES (?1, 'r') RETURNING id",
                    [10i64],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(id, 10);
            // ON CONFLICT DO NOTHING changes nothing, and says so.
            let n = db
                .execute(
                    "INSERT INTO t (id) VALUES (?1) ON CONFLICT DO NOTHING",
                    [10i64],
                )
                .unwrap();
            assert_eq!(n, 0);
            // A bulk load, larger than one COPY chunk.
            db.execute_batch("CREATE TABLE bulk (k BIGINT, v TEXT)")
                .unwrap();
            let tx = db.transaction().unwrap();
            let mut l = tx.loader("bulk", &["k", "v"]).unwrap();
            for k in 0..(COPY_CHUNK as i64 + 5) {
                l.add(params![k, format!("v{k}")]).unwrap();
            }
            assert_eq!(l.finish().unwrap(), COPY_CHUNK as u64 + 5);
            tx.commit().unwrap();
            let mut n = 0;
            db.query_each("SELECT k, v FROM bulk ORDER BY k", [], |r| {
                let (k, v): (i64, String) = (r.get(0)?, r.get(1)?);
                assert_eq!(v, format!("v{k}"));
                n += 1;
                Ok(())
            })
            .unwrap();
            assert_eq!(n, COPY_CHUNK + 5, "{spec}");
            // Text sorts by bytes on both.
            let order: Vec<String> = db
                .query_map(
                    "SELECT v FROM bulk WHERE k IN (1, 10, 2) ORDER BY v",
                    [],
                    |r| r.get(0),
                )
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(order, ["v1", "v10", "v2"]);
        }
    }

    #[test]
    fn postgres_failures_name_the_server_and_never_the_password() {
        let Ok(url) = crate::testing::server_url() else {
            eprintln!("SKIPPED (PostgreSQL): no test server");
            return;
        };
        let cfg: postgres::Config = url.parse().unwrap();
        let host = match &cfg.get_hosts()[0] {
            postgres::config::Host::Tcp(h) => h.clone(),
            postgres::config::Host::Unix(p) => p.display().to_string(),
        };
        let port = cfg.get_ports().first().copied().unwrap_or(5432);
        let user = cfg.get_user().unwrap_or("postgres");
        // A wrong password.
        let wrong = format!("postgres://{user}:not-the-s3cret@{host}:{port}/postgres");
        match Db::open(&DbSpec::parse(&wrong)) {
            Ok(_) => eprintln!("SKIPPED: the test server does not check passwords"),
            Err(e) => {
                let e = e.to_string();
                assert!(e.contains("refused the password"), "{e}");
                assert!(e.contains(&format!("{host}:{port}/postgres")), "{e}");
                assert!(!e.contains("not-the-s3cret"), "{e}");
            }
        }
        // A database that is not there.
        let missing = crate::testing::with_database(&url, "no_such_db");
        let e = Db::open(&DbSpec::parse(&missing)).unwrap_err().to_string();
        assert!(
            e.contains("no_such_db") && e.contains("does not exist"),
            "{e}"
        );
        // Nobody listening.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let spec = DbSpec::parse(&format!("postgres://u:s3cret@127.0.0.1:{port}/db"));
        let e = Db::open(&spec).unwrap_err().to_string();
        assert!(e.contains(&format!("127.0.0.1:{port}/db")), "{e}");
        assert!(!e.contains("s3cret"), "{e}");
    }
}
