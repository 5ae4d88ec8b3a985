//! `office import-online`: an online questionnaire's export (or a phone
//! centre's, same shape) into the office store, as interviews with their
//! channel.
//!
//! The file is read by the resident lists' reader
//! (`doorstep_core::assignment::import::read_table`: CSV in UTF-8 or
//! GB18030, or the first sheet of a workbook, regular files within the same
//! limits). Its columns: `respondent_id`, `community`, optionally
//! `submitted_at`, the calibration variables (`[scores] calibration`,
//! default `age_group`, `gender`) and one column per question id. Every row
//! is checked by the questionnaire's own rules through
//! `doorstep_core::interview::Interview` (types, ranges, options,
//! constraints, required questions, relevance: an answer to a question the
//! other answers make irrelevant is an error), and every error of the file
//! is reported by row and column. Nothing is written unless every row is
//! good, and then all of it in one transaction.
//!
//! How a row is stored (the tables ingest writes, so the scores, orders and
//! status treat it like a home visit):
//! - the interview `CHANNEL:QUARTER:RESPONDENT` in `interviews` (its primary
//!   key makes the import idempotent: the same row again is "already
//!   imported", the same respondent with other answers a conflict);
//! - the file as a batch `import-CHANNEL-SHA` of device `import-CHANNEL`
//!   (sequence 1, 2, … per channel), and as a decisions source approving the
//!   rows it brought (no supervisor reviews an online answer; a later
//!   signed rejection still wins);
//! - the respondent's place for the scores: a `resident_periods` entry from
//!   the day of the answer to the same day (so it is never part of the
//!   register's frame or margins) with the community, its street and
//!   district from the register, and the calibration variables given. No
//!   name, address or phone is stored.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use doorstep_core::assignment::import::{Encoding, read_table};
use doorstep_core::interview::{Answer, AnswerValue, Interview, SpecialResponse};
use doorstep_core::questionnaire::{QuestionKind, Questionnaire};
use serde::Serialize;

use crate::params;
use crate::sample::Quarter;
use crate::{Db, OfficeError};

/// The columns that are not questions.
pub const RESPONDENT_ID: &str = "respondent_id";
pub const COMMUNITY: &str = "community";
pub const SUBMITTED_AT: &str = "submitted_at";
/// A calibration variable's column may be written `register.VAR` (needed
/// when the questionnaire has a question of the same id, e.g. `gender`).
pub const REGISTER_PREFIX: &str = "register.";

/// At most this many errors are listed; the rest are counted.
pub const MAX_LISTED: usize = 50;

/// The channel a file's interviews arrive by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    /// A phone centre's (CATI) export of the same shape.
    Phone,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Phone => "phone",
        }
    }
}

/// What to import.
#[derive(Debug, Clone)]
pub struct OnlineOptions<'a> {
    pub channel: Channel,
    pub quarter: Quarter,
    pub questionnaire: &'a Questionnaire,
    /// The calibration variables (`[scores] calibration`): the columns of
    /// the respondent's group the file may carry.
    pub calibration: &'a [String],
    pub encoding: Option<Encoding>,
}

/// One problem of the file, by row and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}", self.row)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum OnlineOutcome {
    Imported(OnlineReport),
    /// Nothing was written. `errors` holds the first [`MAX_LISTED`];
    /// `total` counts them all.
    Rejected {
        file: PathBuf,
        errors: Vec<RowError>,
        total: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnlineReport {
    pub file: PathBuf,
    pub channel: Channel,
    pub quarter: String,
    /// Data rows read.
    pub rows: u64,
    /// Interviews new in the office.
    pub imported: u64,
    /// Rows whose respondent was already imported with the same answers.
    pub already: u64,
    /// New interviews per community.
    pub communities: BTreeMap<String, u64>,
}

/// One good row, ready to store.
struct Good {
    row: usize,
    respondent: String,
    interview_id: String,
    community: String,
    submitted: DateTime<Utc>,
    attributes: BTreeMap<String, String>,
    answers: BTreeMap<String, Answer>,
    status: &'static str,
    disposition: &'static str,
    hash: String,
}

/// A register community's place.
struct Place {
    street: Option<String>,
    district: Option<String>,
}

struct Errors {
    list: Vec<RowError>,
    total: usize,
}

impl Errors {
    fn push(&mut self, row: usize, column: Option<&str>, message: impl Into<String>) {
        self.total += 1;
        if self.list.len() < MAX_LISTED {
            self.list.push(RowError {
                row,
                column: column.map(str::to_string),
                message: message.into(),
            });
        }
    }
}

/// What a column of the file is.
#[derive(Clone, Copy)]
enum Col {
    Respondent,
    Community,
    Submitted,
    Calibration(usize),
    Question(usize),
    /// An empty header: its cells must be empty too.
    Unnamed,
    /// Reported once, at the header.
    Bad,
}

/// Imports `path`: all of it in one transaction, or nothing.
pub fn import(
    db: &mut Db,
    path: &Path,
    opts: &OnlineOptions<'_>,
) -> Result<OnlineOutcome, OfficeError> {
    let q = opts.questionnaire;
    let table = read_table(path, opts.encoding, "an online export")
        .map_err(|e| OfficeError::Invalid(e.to_string()))?;
    let file_sha = {
        let bytes = doorstep_core::fs::read_regular(
            path,
            doorstep_core::fs::limits::RESIDENT_LIST,
            "an online export",
        )
        .map_err(|e| {
            OfficeError::Invalid(format!(
                "{}: cannot read the file: {}",
                path.display(),
                e.reason()
            ))
        })?;
        doorstep_core::questionnaire::hex_sha256(&bytes)
    };
    let mut errors = Errors {
        list: Vec::new(),
        total: 0,
    };
    let hrow = table.header_row;

    // The header.
    let mut cols = Vec::with_capacity(table.header.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, name) in table.header.iter().enumerate() {
        if name.is_empty() {
            cols.push(Col::Unnamed);
            continue;
        }
        if seen.insert(name.clone(), i).is_some() {
            errors.push(hrow, Some(name), "the column appears twice");
            cols.push(Col::Bad);
            continue;
        }
        let col = if name == RESPONDENT_ID {
            Col::Respondent
        } else if name == COMMUNITY {
            Col::Community
        } else if name == SUBMITTED_AT {
            Col::Submitted
        } else if let Some(k) = calibration_column(opts.calibration, q, name) {
            Col::Calibration(k)
        } else if let Some(qi) = q.question_index(name) {
            let question = &q.questions[qi];
            if !question.kind.is_answerable() {
                errors.push(
                    hrow,
                    Some(name),
                    format!(
                        "question {name} is a {} and takes no answer",
                        question.kind.type_name()
                    ),
                );
                Col::Bad
            } else if q.repeat_of(qi).is_some() {
                errors.push(
                    hrow,
                    Some(name),
                    format!(
                        "question {name} is in a repeated section, which an online export \
                         cannot carry"
                    ),
                );
                Col::Bad
            } else {
                Col::Question(qi)
            }
        } else {
            errors.push(
                hrow,
                Some(name),
                format!(
                    "unknown column: neither {RESPONDENT_ID}, {COMMUNITY}, {SUBMITTED_AT}, a \
                     calibration variable ({}, or register.VARIABLE) nor a question of {} \
                     version {}",
                    opts.calibration.join(", "),
                    q.id,
                    q.version
                ),
            );
            Col::Bad
        };
        cols.push(col);
    }
    for required in [RESPONDENT_ID, COMMUNITY] {
        if !table.header.iter().any(|h| h == required) {
            errors.push(hrow, None, format!("required column {required} is missing"));
        }
    }

    let places = register_places(db)?;
    let levels = register_levels(db, opts.calibration)?;
    let quarter_start = opts.quarter.first_day();
    let quarter_end = opts.quarter.next().first_day();
    let channel = opts.channel.code();
    let prefix = format!("{channel}:{}:", opts.quarter);

    let mut good: Vec<Good> = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let r = row.row;
        let cells = match &row.cells {
            Ok(c) => c,
            Err(message) => {
                errors.push(r, None, message.clone());
                continue;
            }
        };
        let before = errors.total;
        let mut respondent = None;
        let mut community = None;
        let mut submitted = None;
        let mut attributes = BTreeMap::new();
        let mut answers: Vec<(usize, &str, usize)> = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            let col = cols.get(i).copied().unwrap_or(Col::Unnamed);
            let name = table.header.get(i).map(String::as_str).unwrap_or("");
            let text = match cell {
                Ok(t) => t.as_str(),
                Err(why) => {
                    errors.push(r, Some(name).filter(|n| !n.is_empty()), why.clone());
                    continue;
                }
            };
            match col {
                Col::Bad => {}
                Col::Unnamed => {
                    if !text.is_empty() {
                        errors.push(
                            r,
                            None,
                            format!(
                                "a value in column {}, which has no header",
                                column_letter(i)
                            ),
                        );
                    }
                }
                Col::Respondent => respondent = Some(text),
                Col::Community => community = Some(text),
                Col::Submitted => submitted = Some(text),
                Col::Calibration(k) => {
                    if text.is_empty() {
                        continue;
                    }
                    let var = &opts.calibration[k];
                    match levels.get(var) {
                        Some(known) if !known.contains(text) => errors.push(
                            r,
                            Some(name),
                            format!(
                                "{text:?} is not a level of {var} in the register ({})",
                                known.iter().cloned().collect::<Vec<_>>().join(", ")
                            ),
                        ),
                        _ => {
                            attributes.insert(var.clone(), text.to_string());
                        }
                    }
                }
                Col::Question(qi) => {
                    if !text.is_empty() {
                        answers.push((qi, text, i));
                    }
                }
            }
        }
        let respondent = respondent.unwrap_or("");
        if respondent.is_empty() {
            errors.push(r, Some(RESPONDENT_ID), "the respondent id is missing");
        } else if respondent.chars().count() > 200 || respondent.chars().any(char::is_control) {
            errors.push(
                r,
                Some(RESPONDENT_ID),
                "the respondent id is longer than 200 characters or holds control characters",
            );
        } else if let Some(first) = first_row.insert(respondent.to_string(), r) {
            errors.push(
                r,
                Some(RESPONDENT_ID),
                format!("respondent {respondent} is also in row {first}"),
            );
        }
        let community = community.unwrap_or("");
        if community.is_empty() {
            errors.push(r, Some(COMMUNITY), "the community is missing");
        } else if !places.contains_key(community) {
            errors.push(
                r,
                Some(COMMUNITY),
                format!("community {community:?} is not in the register"),
            );
        }
        let submitted = match submitted.filter(|s| !s.is_empty()) {
            None => {
                Some(Utc.from_utc_datetime(&quarter_start.and_hms_opt(0, 0, 0).expect("midnight")))
            }
            Some(s) => match parse_instant(s) {
                None => {
                    errors.push(
                        r,
                        Some(SUBMITTED_AT),
                        format!(
                            "{s:?} is not a time: write 2026-10-15T09:30:00+08:00, \
                             2026-10-15 09:30:00 (UTC) or 2026-10-15"
                        ),
                    );
                    None
                }
                Some(t) if t.date_naive() < quarter_start || t.date_naive() >= quarter_end => {
                    errors.push(
                        r,
                        Some(SUBMITTED_AT),
                        format!("{s} is not in {}", opts.quarter),
                    );
                    None
                }
                Some(t) => Some(t),
            },
        };
        let checked = check_answers(q, community, &attributes, &answers, &table.header);
        let (answers, status, disposition) = match checked {
            Ok(ok) => ok,
            Err(problems) => {
                for (column, message) in problems {
                    errors.push(r, Some(&column), message);
                }
                continue;
            }
        };
        if errors.total > before {
            continue;
        }
        let Some(submitted) = submitted else { continue };
        let interview_id = format!("{prefix}{respondent}");
        let hash = {
            let content = serde_json::json!({
                "community": community,
                "submitted_at": crate::time_text(submitted),
                "attributes": attributes,
                "answers": answers,
                "questionnaire": [&q.id, &q.version],
            });
            doorstep_core::questionnaire::hex_sha256(content.to_string().as_bytes())
        };
        good.push(Good {
            row: r,
            respondent: respondent.to_string(),
            interview_id,
            community: community.to_string(),
            submitted,
            attributes,
            answers,
            status,
            disposition,
            hash,
        });
    }
    let rows = table.rows.len() as u64;
    if errors.total > 0 {
        return Ok(OnlineOutcome::Rejected {
            file: path.to_path_buf(),
            errors: errors.list,
            total: errors.total,
        });
    }
    write(db, path, &file_sha, opts, &places, good, rows, &mut errors)
}

/// The store side, in one transaction.
#[allow(clippy::too_many_arguments)]
fn write(
    db: &mut Db,
    path: &Path,
    file_sha: &str,
    opts: &OnlineOptions<'_>,
    places: &HashMap<String, Place>,
    good: Vec<Good>,
    rows: u64,
    errors: &mut Errors,
) -> Result<OnlineOutcome, OfficeError> {
    let channel = opts.channel.code();
    let q = opts.questionnaire;
    let source = format!("import-{channel}");
    let mut report = OnlineReport {
        file: path.to_path_buf(),
        channel: opts.channel,
        quarter: opts.quarter.to_string(),
        rows,
        imported: 0,
        already: 0,
        communities: BTreeMap::new(),
    };
    let tx = db.transaction()?;
    // What is in already: the same answers, or a conflict.
    let mut new = Vec::new();
    {
        let mut known = tx.prepare(
            "SELECT i.content_sha256, o.file, o.row_number
             FROM online_respondents o JOIN interviews i ON i.interview_id = o.interview_id
             WHERE o.channel = ?1 AND o.quarter = ?2 AND o.respondent_id = ?3",
        )?;
        let quarter = opts.quarter.to_string();
        for g in good {
            let found: Option<(String, String, i64)> = known
                .query_opt(params![channel, quarter, g.respondent], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
            match found {
                None => new.push(g),
                Some((sha, _, _)) if sha == g.hash => report.already += 1,
                Some((_, file, row)) => errors.push(
                    g.row,
                    Some(RESPONDENT_ID),
                    format!(
                        "respondent {} of {channel} {quarter} was already imported from {file} \
                         row {row} with other answers: a conflict, not overwritten",
                        g.respondent
                    ),
                ),
            }
        }
    }
    if errors.total > 0 {
        drop(tx);
        return Ok(OnlineOutcome::Rejected {
            file: path.to_path_buf(),
            errors: std::mem::take(&mut errors.list),
            total: errors.total,
        });
    }
    if new.is_empty() {
        drop(tx);
        return Ok(OnlineOutcome::Imported(report));
    }
    let now = crate::now_text();
    let load: Option<i64> =
        tx.query_row("SELECT MAX(load_id) FROM register_loads", [], |r| r.get(0))?;
    let load = load.ok_or_else(|| {
        OfficeError::Invalid("the register is empty: load it first (office register)".into())
    })?;
    let batch_id = format!("{source}-{}", &file_sha[..16]);
    let sequence: i64 = tx.query_row(
        "SELECT COALESCE(MAX(sequence), 0) + 1 FROM batches WHERE device_id = ?1",
        params![source],
        |r| r.get(0),
    )?;
    let inserted = tx.execute(
        "INSERT INTO batches (batch_id, sha256, surveyor_id, device_id, sequence, created_at,
                              file, visits, interviews, ingested_at)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, 0, ?7, ?5)
         ON CONFLICT DO NOTHING",
        params![
            batch_id,
            file_sha,
            source,
            sequence,
            now,
            path.display().to_string(),
            new.len() as i64
        ],
    )?;
    if inserted == 0 {
        return Err(OfficeError::Invalid(format!(
            "{}: this file's batch {batch_id} is already in the office, yet rows of it are not: \
             another import is running?",
            path.display()
        )));
    }
    tx.execute(
        "INSERT INTO decision_files (sha256, file, supervisor_id, date, ingested_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        params![
            file_sha,
            path.display().to_string(),
            source,
            now.get(..10).unwrap_or_default(),
            now
        ],
    )?;
    {
        let mut resident = tx.prepare(
            "INSERT INTO residents (resident_id, name, address) VALUES (?1, '', '')
             ON CONFLICT (resident_id) DO NOTHING",
        )?;
        let mut period = tx.prepare(
            "INSERT INTO resident_periods (resident_id, community, street, district, attributes,
                                           valid_from, valid_to, load_from, load_to)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?7)",
        )?;
        let mut interview = tx.prepare(
            "INSERT INTO interviews (interview_id, batch_id, content_sha256, channel,
                 resident_id, community, surveyor_id, device_id, questionnaire_id,
                 questionnaire_version, started_at, ended_at, status, disposition,
                 answers, notes, paradata)
             VALUES (?1, ?2, ?3, ?4, ?1, ?5, ?6, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, NULL, '[]')",
        )?;
        let mut respondent = tx.prepare(
            "INSERT INTO online_respondents (channel, quarter, respondent_id, interview_id, file,
                                             file_sha256, row_number, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut decision = tx.prepare(
            "INSERT INTO decisions (interview_id, decided_at, supervisor_id, decision, comment,
                                    file_sha256)
             VALUES (?1, ?2, ?3, 'approved', ?4, ?5)",
        )?;
        for g in &new {
            let place = &places[&g.community];
            let day = g.submitted.date_naive().to_string();
            resident.execute(params![g.interview_id])?;
            period.execute(params![
                g.interview_id,
                g.community,
                place.street,
                place.district,
                serde_json::to_string(&g.attributes).expect("attributes serialise"),
                day,
                load
            ])?;
            interview.execute(params![
                g.interview_id,
                batch_id,
                g.hash,
                channel,
                g.community,
                source,
                q.id,
                q.version,
                crate::time_text(g.submitted),
                g.status,
                g.disposition,
                serde_json::to_string(&g.answers).expect("answers serialise")
            ])?;
            respondent.execute(params![
                channel,
                opts.quarter.to_string(),
                g.respondent,
                g.interview_id,
                path.display().to_string(),
                file_sha,
                g.row as i64,
                now
            ])?;
            decision.execute(params![
                g.interview_id,
                now,
                source,
                format!("checked by office import-online at row {}", g.row),
                file_sha
            ])?;
            *report.communities.entry(g.community.clone()).or_default() += 1;
        }
    }
    tx.commit()?;
    report.imported = new.len() as u64;
    Ok(OnlineOutcome::Imported(report))
}

/// The calibration variable column `name` holds: `register.VAR`, or
/// `VAR` itself unless the questionnaire has a question of that id (then
/// the column is the question's answer, in the questionnaire's codes).
fn calibration_column(calibration: &[String], q: &Questionnaire, name: &str) -> Option<usize> {
    if let Some(var) = name.strip_prefix(REGISTER_PREFIX) {
        return calibration.iter().position(|c| c == var);
    }
    if q.question_index(name).is_some() {
        return None;
    }
    calibration.iter().position(|c| c == name)
}

/// Each register community's street and district (as last registered).
fn register_places(db: &Db) -> Result<HashMap<String, Place>, OfficeError> {
    let mut out = HashMap::new();
    let mut stmt = db.prepare(
        "SELECT community, street, district FROM resident_periods
         WHERE valid_to IS NULL OR valid_to > valid_from
         ORDER BY valid_from, period_id",
    )?;
    stmt.query_each([], |r| {
        out.insert(
            r.get::<_, String>(0)?,
            Place {
                street: r.get(1)?,
                district: r.get(2)?,
            },
        );
        Ok(())
    })?;
    Ok(out)
}

/// The levels each calibration variable takes in the register.
fn register_levels(
    db: &Db,
    calibration: &[String],
) -> Result<HashMap<String, BTreeSet<String>>, OfficeError> {
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    for var in calibration {
        let mut stmt = db.prepare(&format!(
            "SELECT DISTINCT {} FROM resident_periods
             WHERE valid_to IS NULL OR valid_to > valid_from",
            db.json_text("attributes", var)
        ))?;
        let mut levels = BTreeSet::new();
        stmt.query_each([], |r| {
            if let Some(v) = r.get::<_, Option<String>>(0)? {
                levels.insert(v);
            }
            Ok(())
        })?;
        if !levels.is_empty() {
            out.insert(var.clone(), levels);
        }
    }
    Ok(out)
}

/// `2026-10-15T09:30:00+08:00`, `2026-10-15 09:30[:00]` (UTC) or a date.
fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?));
        }
    }
    None
}

type Checked = (BTreeMap<String, Answer>, &'static str, &'static str);

/// The row's answers through the questionnaire's own rules: each answer in
/// questionnaire order (its type, range, options, constraint, and whether
/// it is relevant given the answers before it), then the whole (required
/// questions, constraints and relevance that read later answers). Errors
/// as (column, message).
fn check_answers(
    q: &Questionnaire,
    community: &str,
    attributes: &BTreeMap<String, String>,
    answers: &[(usize, &str, usize)],
    header: &[String],
) -> Result<Checked, Vec<(String, String)>> {
    let mut fields: HashMap<String, String> = attributes
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    fields.insert(COMMUNITY.into(), community.to_string());
    let mut flow = Interview::new(q, fields);
    if q.languages.iter().any(|l| l == "en") {
        flow.set_language("en");
    }
    let mut problems = Vec::new();
    let mut sorted: Vec<&(usize, &str, usize)> = answers.iter().collect();
    sorted.sort_by_key(|(qi, _, _)| *qi);
    let mut given = Vec::new();
    for &&(qi, text, col) in &sorted {
        let column = header[col].clone();
        let slot = doorstep_core::interview::Slot::top(qi);
        if !flow.is_relevant(slot) {
            problems.push((
                column,
                "answered, but the question does not apply given the other answers (its \
                 relevance condition is false)"
                    .to_string(),
            ));
            continue;
        }
        let answer = match parse_cell(&q.questions[qi].kind, text) {
            Ok(a) => a,
            Err(why) => {
                problems.push((column, why));
                continue;
            }
        };
        if let Err(e) = flow.set_answer(slot, answer) {
            problems.push((column, format!("{text:?}: {}", e.message)));
            continue;
        }
        given.push((slot, column));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Later answers may change what applies, or what a constraint says.
    for (slot, column) in &given {
        if !flow.is_relevant(*slot) {
            problems.push((
                column.clone(),
                "answered, but the question does not apply given the other answers (its \
                 relevance condition is false)"
                    .to_string(),
            ));
        }
    }
    let ending = flow.ending();
    if ending.is_none() {
        // A repeated section cannot be in the export (refused at the
        // header): its required questions are not asked for.
        for p in flow
            .problems()
            .into_iter()
            .filter(|p| p.slot.instance.is_none())
        {
            problems.push((q.questions[p.slot.question].id.clone(), p.message));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let answers = flow
        .finished_answers()
        .into_iter()
        .map(|(slot, a)| (q.questions[slot.question].id.clone(), a))
        .collect();
    Ok(match ending {
        None => (answers, "completed", "complete"),
        Some(e) => (answers, "abandoned", e.outcome.code()),
    })
}

/// A cell's text as an answer of the question's type; the range, option
/// and constraint checks are the flow's.
fn parse_cell(kind: &QuestionKind, text: &str) -> Result<Answer, String> {
    let special = match text {
        "dont_know" | "不知道" => Some(SpecialResponse::DontKnow),
        "refused" | "拒绝回答" | "拒答" => Some(SpecialResponse::Refused),
        _ => None,
    };
    if let Some(s) = special {
        return Ok(Answer::special(s));
    }
    let int = |what: &str| {
        let t = text.strip_suffix(".0").unwrap_or(text);
        t.parse::<i64>()
            .map_err(|_| format!("{text:?} is not {what}"))
    };
    let value = match kind {
        QuestionKind::SingleChoice(_) => AnswerValue::Choice {
            value: text.to_string(),
            other: None,
        },
        QuestionKind::MultipleChoice(_) => AnswerValue::Choices {
            values: text
                .split([' ', ',', ';', '，', '；', '|'])
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .collect(),
            other: None,
        },
        QuestionKind::Rating { .. } => AnswerValue::Rating {
            value: int("a whole number (a rating)")?,
        },
        QuestionKind::YesNo => AnswerValue::YesNo {
            value: match text.to_lowercase().as_str() {
                "yes" | "y" | "true" | "1" | "是" => true,
                "no" | "n" | "false" | "0" | "否" => false,
                _ => return Err(format!("{text:?} is not yes or no (yes/no, 1/0, 是/否)")),
            },
        },
        QuestionKind::Integer { .. } => AnswerValue::Integer {
            value: int("a whole number")?,
        },
        QuestionKind::Decimal { .. } => AnswerValue::Decimal {
            value: text
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| format!("{text:?} is not a number"))?,
        },
        QuestionKind::Text { .. } => AnswerValue::Text {
            value: text.to_string(),
        },
        QuestionKind::Date => AnswerValue::Date {
            value: NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD)"))?,
        },
        QuestionKind::Time => AnswerValue::Time {
            value: chrono::NaiveTime::parse_from_str(text, "%H:%M")
                .or_else(|_| chrono::NaiveTime::parse_from_str(text, "%H:%M:%S"))
                .map_err(|_| format!("{text:?} is not a time (HH:MM)"))?,
        },
        QuestionKind::Note | QuestionKind::Calculate { .. } => {
            return Err("this question takes no answer".into());
        }
    };
    Ok(Answer::Value(value))
}

/// Spreadsheet column letter for a 0-based index.
fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_in_the_forms_exports_use() {
        let t = |s: &str| parse_instant(s).map(crate::time_text);
        assert_eq!(
            t("2026-10-15T09:30:00+08:00").as_deref(),
            Some("2026-10-15T01:30:00.000Z")
        );
        assert_eq!(
            t("2026-10-15 09:30").as_deref(),
            Some("2026-10-15T09:30:00.000Z")
        );
        assert_eq!(t("2026/10/15").as_deref(), Some("2026-10-15T00:00:00.000Z"));
        assert_eq!(t("15.10.2026"), None);
    }

    #[test]
    fn a_calibration_column_shadowed_by_a_question_takes_the_register_prefix() {
        let q = doorstep_core::questionnaire::load_str(
            include_str!("../../../questionnaires/resident-satisfaction.toml"),
            "q.toml",
        )
        .unwrap();
        let cal = vec!["age_group".to_string(), "gender".to_string()];
        assert_eq!(calibration_column(&cal, &q, "age_group"), Some(0));
        // The questionnaire asks `gender` itself: that column is its answer.
        assert_eq!(calibration_column(&cal, &q, "gender"), None);
        assert_eq!(calibration_column(&cal, &q, "register.gender"), Some(1));
        assert_eq!(calibration_column(&cal, &q, "register.street"), None);
    }

    #[test]
    fn cells_become_answers_of_the_question_type() {
        let rating = QuestionKind::Rating {
            min: 1,
            max: 5,
            min_label: None,
            max_label: None,
            scoring: None,
        };
        assert_eq!(
            parse_cell(&rating, "4.0"),
            Ok(Answer::Value(AnswerValue::Rating { value: 4 }))
        );
        assert!(parse_cell(&rating, "four").is_err());
        assert_eq!(
            parse_cell(&QuestionKind::YesNo, "是"),
            Ok(Answer::Value(AnswerValue::YesNo { value: true }))
        );
        assert_eq!(
            parse_cell(&rating, "拒答"),
            Ok(Answer::special(SpecialResponse::Refused))
        );
    }
}
