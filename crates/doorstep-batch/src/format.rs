//! The batch file's lines: a manifest, then visits, then interviews, as
//! JSON Lines with deterministic bytes (fixed field order, BTreeMaps,
//! fixed timestamp format, records sorted).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::de::Visitor;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use super::BatchError;
use doorstep_core::answer::{Answer, AnswerValue};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::paradata::{EventKind, ParadataEvent};
use doorstep_core::timestamp as ts;

pub const FORMAT: &str = "doorstep-batch";
pub const VERSION: u32 = 1;

/// Dispositions are written by their stable `code()` (`"vacant"`, ...).
mod disposition_code {
    use super::*;
    use serde::Deserializer;
    use serde::de::Error;
    pub fn serialize<S: Serializer>(d: &Disposition, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(d.code())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Disposition, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Disposition::from_code(&s)
            .ok_or_else(|| D::Error::custom(format!("unknown disposition \"{s}\"")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionnaireRef {
    pub id: String,
    pub version: String,
    /// `hex_sha256` of the questionnaire source the interviews used.
    pub content_hash: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCounts {
    pub visits: u64,
    pub interviews: u64,
    /// Answers over all interviews, special responses included.
    pub answers: u64,
    /// Of which "don't know" / "refused".
    pub special_answers: u64,
    /// Visits by disposition code.
    pub visit_dispositions: BTreeMap<String, u64>,
    /// Interviews by disposition code.
    pub interview_dispositions: BTreeMap<String, u64>,
}

impl BatchCounts {
    pub fn add_visit(&mut self, v: &VisitRecord) {
        self.visits += 1;
        *self
            .visit_dispositions
            .entry(v.disposition.code().to_string())
            .or_default() += 1;
    }
    pub fn merge(&mut self, other: BatchCounts) {
        self.visits += other.visits;
        self.interviews += other.interviews;
        self.answers += other.answers;
        self.special_answers += other.special_answers;
        for (k, n) in other.visit_dispositions {
            *self.visit_dispositions.entry(k).or_default() += n;
        }
        for (k, n) in other.interview_dispositions {
            *self.interview_dispositions.entry(k).or_default() += n;
        }
    }
    pub fn add_interview(&mut self, i: &BatchInterview) {
        self.interviews += 1;
        self.answers += i.answers.len() as u64;
        self.special_answers += i
            .answers
            .values()
            .filter(|a| a.as_special().is_some())
            .count() as u64;
        *self
            .interview_dispositions
            .entry(i.disposition.code().to_string())
            .or_default() += 1;
    }
}

/// Line 1 of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchManifest {
    pub format: String,
    pub version: u32,
    pub batch_id: Uuid,
    pub surveyor_id: String,
    pub device_id: String,
    /// Per device: 1, 2, 3, ... with no gaps (assigned by the store).
    pub sequence: u64,
    #[serde(serialize_with = "ts::serialize")]
    pub created_at: DateTime<Utc>,
    pub questionnaires: Vec<QuestionnaireRef>,
    pub counts: BatchCounts,
}

/// One visit (door knock) and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitRecord {
    pub id: String,
    pub resident_id: String,
    /// The resident's community, as the assignment listed it when the batch
    /// was made. Absent (not `null`) when unknown, and in batches made
    /// before records carried it: those rewrite byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// 1 for the first knock at this resident's door, 2 for the next...
    pub attempt: u32,
    #[serde(serialize_with = "ts::serialize", deserialize_with = "ts::deserialize")]
    pub at: DateTime<Utc>,
    #[serde(with = "disposition_code")]
    pub disposition: Disposition,
    pub note: Option<String>,
    #[serde(default, with = "ts::opt")]
    pub appointment: Option<DateTime<Utc>>,
    pub interview_id: Option<String>,
}

/// How an interview ended, as the batch reports it (the store's
/// `InterviewStatus` plus the disposition, see `export`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterviewOutcome {
    Completed,
    Partial,
    BrokenOff,
}

/// One interview with its answers and paradata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchInterview {
    pub id: String,
    pub resident_id: String,
    /// As in `VisitRecord::community`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    pub questionnaire_id: String,
    pub questionnaire_version: String,
    pub surveyor_id: String,
    pub device_id: String,
    #[serde(serialize_with = "ts::serialize", deserialize_with = "ts::deserialize")]
    pub started_at: DateTime<Utc>,
    #[serde(default, with = "ts::opt")]
    pub ended_at: Option<DateTime<Utc>>,
    pub status: InterviewOutcome,
    #[serde(with = "disposition_code")]
    pub disposition: Disposition,
    /// Keyed by question id; a question inside a repeat is keyed
    /// `"<question_id>[<instance>]"`, instance 0-based (see `answer_key`).
    #[serde(deserialize_with = "de_answers")]
    pub answers: BTreeMap<String, Answer>,
    /// The surveyor's notes on questions, keyed like `answers`; absent when
    /// there are none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub notes: BTreeMap<String, String>,
    #[serde(serialize_with = "ser_paradata", deserialize_with = "de_paradata")]
    pub paradata: Vec<ParadataEvent>,
}

/// How a reopened interview's copy names the interview it replaces: the
/// detail of its `resumed` paradata event starts with this, then the
/// original's id (`reopened from <id>: rejected by <supervisor>[: <comment>]`,
/// written by the surveyor's store when it applies a supervisor's rejection).
pub const REOPENED_FROM: &str = "reopened from ";

impl BatchInterview {
    /// The interviews this record replaces, oldest first: the one it was
    /// reopened from last, and those that one replaced (a copy carries its
    /// original's paradata, reopening events included).
    pub fn replaced_ids(&self) -> impl Iterator<Item = &str> {
        self.paradata
            .iter()
            .filter(|e| e.kind == EventKind::Resumed)
            .filter_map(|e| e.detail.as_deref()?.strip_prefix(REOPENED_FROM))
            .filter_map(|rest| rest.split(':').next())
            .map(str::trim)
            .filter(|id| !id.is_empty())
    }
}

/// The key of an answer in `BatchInterview::answers`.
pub fn answer_key(question_id: &str, instance: Option<u32>) -> String {
    match instance {
        Some(i) => format!("{question_id}[{i}]"),
        None => question_id.to_string(),
    }
}

/// Splits an answer key back into question id and repeat instance.
pub fn parse_answer_key(key: &str) -> Option<(&str, Option<u32>)> {
    match key.strip_suffix(']') {
        Some(rest) => {
            let (q, i) = rest.split_once('[')?;
            Some((q, Some(i.parse().ok()?)))
        }
        None => Some((key, None)),
    }
}

/// Paradata with the same field names as `ParadataEvent`'s own serde (so it
/// reads back as `ParadataEvent`), but the batch's timestamp spelling.
fn ser_paradata<S: Serializer>(events: &[ParadataEvent], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Ev<'a> {
        #[serde(serialize_with = "ts::serialize")]
        at: &'a DateTime<Utc>,
        kind: EventKind,
        #[serde(skip_serializing_if = "Option::is_none")]
        question: &'a Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        detail: &'a Option<String>,
    }
    s.collect_seq(events.iter().map(|e| Ev {
        at: &e.at,
        kind: e.kind,
        question: &e.question,
        instance: e.instance,
        detail: &e.detail,
    }))
}

/// Paradata as `Vec<ParadataEvent>` reads, but sized exactly: the events
/// go to a buffer kept per thread, then into a Vec of their number. (JSON
/// gives no length up front; growing each interview's Vec by doubling
/// cost a realloc chain and up to twice the memory, for tens of thousands
/// of interviews.)
fn de_paradata<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ParadataEvent>, D::Error> {
    struct Events;
    impl<'de> Visitor<'de> for Events {
        type Value = Vec<ParadataEvent>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            thread_local! {
                static BUF: std::cell::RefCell<Vec<ParadataEvent>> =
                    const { std::cell::RefCell::new(Vec::new()) };
            }
            BUF.with_borrow_mut(|buf| {
                buf.clear();
                while let Some(e) = seq.next_element()? {
                    buf.push(e);
                }
                // The buffer keeps its capacity for the next interview.
                let mut events = Vec::with_capacity(buf.len());
                events.append(buf);
                Ok(events)
            })
        }
    }
    d.deserialize_seq(Events)
}

/// Answers as `BTreeMap` reads them (a key given twice keeps its last
/// value), but built from all the entries at once: the writer gives them
/// sorted, and a map built in one go has full nodes where one inserted
/// into key by key has half-empty ones (a third less memory for the
/// answers, and fewer allocations to make and free).
fn de_answers<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Answer>, D::Error> {
    struct Entries;
    impl<'de> Visitor<'de> for Entries {
        type Value = BTreeMap<String, Answer>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            thread_local! {
                static BUF: std::cell::RefCell<Vec<(String, Answer)>> =
                    const { std::cell::RefCell::new(Vec::new()) };
            }
            BUF.with_borrow_mut(|buf| {
                buf.clear();
                while let Some(entry) = map.next_entry()? {
                    buf.push(entry);
                }
                // Sorts (stably: the last of equal keys is kept), then
                // builds the nodes.
                Ok(buf.drain(..).collect())
            })
        }
    }
    d.deserialize_map(Entries)
}

/// Everything a batch holds, as the caller (the store) passes it.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchContent {
    pub batch_id: Uuid,
    pub surveyor_id: String,
    pub device_id: String,
    pub sequence: u64,
    pub created_at: DateTime<Utc>,
    pub questionnaires: Vec<QuestionnaireRef>,
    pub visits: Vec<VisitRecord>,
    pub interviews: Vec<BatchInterview>,
}

impl BatchContent {
    pub fn counts(&self) -> BatchCounts {
        let mut c = BatchCounts::default();
        self.visits.iter().for_each(|v| c.add_visit(v));
        self.interviews.iter().for_each(|i| c.add_interview(i));
        c
    }

    pub fn manifest(&self) -> BatchManifest {
        let mut questionnaires = self.questionnaires.clone();
        questionnaires.sort_by(|a, b| (&a.id, &a.version).cmp(&(&b.id, &b.version)));
        BatchManifest {
            format: FORMAT.to_string(),
            version: VERSION,
            batch_id: self.batch_id,
            surveyor_id: self.surveyor_id.clone(),
            device_id: self.device_id.clone(),
            sequence: self.sequence,
            created_at: self.created_at,
            questionnaires,
            counts: self.counts(),
        }
    }

    /// `doorstep-<surveyor>-<seq, 6 digits>-<batch uuid>.jsonl`
    pub fn file_name(&self) -> String {
        batch_file_name(&self.surveyor_id, self.sequence, &self.batch_id)
    }

    fn validate(&self) -> Result<(), BatchError> {
        super::id::validate_id("surveyor id", &self.surveyor_id)?;
        super::id::validate_id("device id", &self.device_id)?;
        if self.sequence == 0 {
            return Err(BatchError::InvalidContent(
                "sequence numbers start at 1".into(),
            ));
        }
        for i in &self.interviews {
            for (k, a) in &i.answers {
                if let Answer::Value(AnswerValue::Decimal { value }) = a
                    && !value.is_finite()
                {
                    return Err(BatchError::InvalidContent(format!(
                        "interview {}: answer {k} is not a finite number",
                        i.id
                    )));
                }
            }
        }
        Ok(())
    }

    /// The JSON Lines bytes: the same content always gives the same bytes,
    /// whatever order the caller passed the records in.
    pub fn to_jsonl(&self) -> Result<Vec<u8>, BatchError> {
        self.validate()?;
        #[derive(Serialize)]
        struct Tagged<'a, T> {
            kind: &'static str,
            #[serde(flatten)]
            record: &'a T,
        }
        let mut visits: Vec<&VisitRecord> = self.visits.iter().collect();
        visits.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        let mut interviews: Vec<&BatchInterview> = self.interviews.iter().collect();
        interviews.sort_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));

        let mut out = Vec::with_capacity(256 + 2048 * self.interviews.len());
        push_line(&mut out, &self.manifest())?;
        for v in visits {
            push_line(
                &mut out,
                &Tagged {
                    kind: "visit",
                    record: v,
                },
            )?;
        }
        for i in interviews {
            push_line(
                &mut out,
                &Tagged {
                    kind: "interview",
                    record: i,
                },
            )?;
        }
        Ok(out)
    }
}

fn push_line<T: Serialize>(out: &mut Vec<u8>, v: &T) -> Result<(), BatchError> {
    serde_json::to_writer(&mut *out, v).map_err(|e| BatchError::InvalidContent(e.to_string()))?;
    out.push(b'\n');
    Ok(())
}

pub fn batch_file_name(surveyor_id: &str, sequence: u64, batch_id: &Uuid) -> String {
    format!("doorstep-{surveyor_id}-{sequence:06}-{batch_id}.jsonl")
}

/// A parsed content line.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchLine {
    Visit(VisitRecord),
    Interview(BatchInterview),
}

/// Parses one content line (not the manifest). The writer always puts
/// `"kind"` first, so the common case needs no second pass.
pub fn parse_line(line: &[u8]) -> Result<BatchLine, String> {
    let kind = if line.starts_with(br#"{"kind":"interview","#) {
        "interview".to_string()
    } else if line.starts_with(br#"{"kind":"visit","#) {
        "visit".to_string()
    } else {
        #[derive(Deserialize)]
        struct KindOnly {
            kind: String,
        }
        serde_json::from_slice::<KindOnly>(line)
            .map_err(|e| e.to_string())?
            .kind
    };
    // Record structs ignore the unknown "kind" field.
    match kind.as_str() {
        "interview" => from_line(line).map(BatchLine::Interview),
        "visit" => from_line(line).map(BatchLine::Visit),
        other => Err(format!("unknown record kind \"{other}\"")),
    }
}

/// Reading bytes, serde_json checks every string's UTF-8 on its own; a line
/// checked as a whole once reads as text. A line that is not UTF-8 is read
/// as bytes, for the same error as before.
fn from_line<T: serde::de::DeserializeOwned>(line: &[u8]) -> Result<T, String> {
    match std::str::from_utf8(line) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(line),
    }
    .map_err(|e| e.to_string())
}

/// A parsed batch: manifest and records.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedBatch {
    pub manifest: BatchManifest,
    pub visits: Vec<VisitRecord>,
    pub interviews: Vec<BatchInterview>,
}

/// Why a batch's lines do not hold together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentProblem {
    /// The file does not end with a newline: the last line is incomplete.
    IncompleteLastLine,
    /// Fewer records than the manifest counts: (visits, interviews) the
    /// manifest counts and the lines found.
    MissingRecords {
        expected: (u64, u64),
        found: (u64, u64),
    },
    /// Any other inconsistency.
    Malformed(String),
    UnsupportedVersion {
        format: String,
        version: u64,
    },
}

/// The counts a batch's manifest (its first line) states, read without
/// checking anything else: what a batch that fails verification claims to
/// hold. `None` when the first line is not a readable manifest.
pub fn claimed_counts(plaintext: &[u8]) -> Option<BatchCounts> {
    let first = plaintext.split(|b| *b == b'\n').next()?;
    serde_json::from_slice::<BatchManifest>(first)
        .ok()
        .map(|m| m.counts)
}

/// Parses and checks a batch's plaintext: the manifest, every line, and the
/// manifest's counts against the lines.
pub fn parse_batch(bytes: &[u8]) -> Result<ParsedBatch, ContentProblem> {
    if bytes.is_empty() {
        return Err(ContentProblem::Malformed("the file is empty".into()));
    }
    let incomplete = !bytes.ends_with(b"\n");
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let mut lines = body.split(|b| *b == b'\n');
    let first = lines.next().unwrap_or_default();

    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        version: Option<u64>,
    }
    let head: Head = serde_json::from_slice(first).map_err(|e| {
        if incomplete && !body.contains(&b'\n') {
            ContentProblem::IncompleteLastLine
        } else {
            ContentProblem::Malformed(format!("line 1 (manifest): {e}"))
        }
    })?;
    let format = head.format.unwrap_or_default();
    let version = head.version.unwrap_or(0);
    if format != FORMAT || version != VERSION as u64 {
        if format != FORMAT {
            return Err(ContentProblem::Malformed(format!(
                "line 1: format is \"{format}\", expected \"{FORMAT}\""
            )));
        }
        return Err(ContentProblem::UnsupportedVersion { format, version });
    }
    let manifest: BatchManifest = serde_json::from_slice(first)
        .map_err(|e| ContentProblem::Malformed(format!("line 1 (manifest): {e}")))?;

    let total = 1 + manifest.counts.visits + manifest.counts.interviews;
    let rest = body.get(first.len() + 1..).unwrap_or_default();
    let (visits, interviews, counts) = match parse_records_parallel(rest) {
        Ok(r) => r,
        Err((offset, e)) => {
            let line_start = first.len() + 1 + offset;
            if incomplete && !body[line_start..].contains(&b'\n') {
                return Err(ContentProblem::IncompleteLastLine);
            }
            let line_no = 2 + rest[..offset].iter().filter(|b| **b == b'\n').count();
            return Err(ContentProblem::Malformed(format!("line {line_no}: {e}")));
        }
    };
    if incomplete {
        return Err(ContentProblem::IncompleteLastLine);
    }
    let found_lines = 1 + counts.visits + counts.interviews;
    if found_lines < total {
        return Err(ContentProblem::MissingRecords {
            expected: (manifest.counts.visits, manifest.counts.interviews),
            found: (counts.visits, counts.interviews),
        });
    }
    if counts != manifest.counts {
        return Err(ContentProblem::Malformed(format!(
            "the manifest's counts do not match the lines (manifest: {}; lines: {})",
            describe_counts(&manifest.counts),
            describe_counts(&counts)
        )));
    }
    Ok(ParsedBatch {
        manifest,
        visits,
        interviews,
    })
}

type Records = (Vec<VisitRecord>, Vec<BatchInterview>, BatchCounts);

/// Parses newline-separated records; an error gives the byte offset of the
/// bad line in `lines`.
fn parse_records(lines: &[u8]) -> Result<Records, (usize, String)> {
    let mut visits = Vec::new();
    let mut interviews = Vec::new();
    let mut counts = BatchCounts::default();
    let mut offset = 0;
    if lines.is_empty() {
        return Ok((visits, interviews, counts));
    }
    for line in split_lines(lines) {
        match parse_line(line) {
            Ok(BatchLine::Visit(v)) => {
                counts.add_visit(&v);
                visits.push(v);
            }
            Ok(BatchLine::Interview(i)) => {
                counts.add_interview(&i);
                interviews.push(i);
            }
            Err(e) => return Err((offset, e)),
        }
        offset += line.len() + 1;
    }
    Ok((visits, interviews, counts))
}

/// `lines.split(|b| *b == b'\n')` with memchr: splitting byte by byte took
/// about 5% of the parse.
fn split_lines(lines: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(lines);
    std::iter::from_fn(move || {
        let r = rest?;
        Some(match memchr::memchr(b'\n', r) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                &r[..i]
            }
            None => {
                rest = None;
                r
            }
        })
    })
}

/// Big batches are parsed on all cores: the records are cut into chunks at
/// line boundaries and the results joined in order.
fn parse_records_parallel(lines: &[u8]) -> Result<Records, (usize, String)> {
    const MIN_CHUNK: usize = 4 << 20;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8)
        .min(lines.len() / MIN_CHUNK)
        .max(1);
    if threads == 1 {
        return parse_records(lines);
    }
    let mut bounds = vec![0];
    for t in 1..threads {
        let target = (lines.len() * t / threads).max(*bounds.last().unwrap());
        match lines[target..].iter().position(|b| *b == b'\n') {
            Some(p) => bounds.push(target + p + 1),
            None => break,
        }
    }
    bounds.push(lines.len() + 1);
    let results: Vec<Result<Records, (usize, String)>> = std::thread::scope(|s| {
        let handles: Vec<_> = bounds
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1] - 1);
                s.spawn(move || parse_records(&lines[a..b]).map_err(|(o, e)| (a + o, e)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("parser thread"))
            .collect()
    });
    let mut all: Records = Default::default();
    for r in results {
        let (v, i, c) = r?;
        all.0.extend(v);
        all.1.extend(i);
        all.2.merge(c);
    }
    Ok(all)
}

fn describe_counts(c: &BatchCounts) -> String {
    format!(
        "{} visits, {} interviews, {} answers ({} special)",
        c.visits, c.interviews, c.answers, c.special_answers
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn chrono_reads(s: &str) -> Result<DateTime<Utc>, String> {
        serde_json::from_value::<DateTime<Utc>>(serde_json::Value::String(s.into()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn timestamps_read_as_chrono_reads_them() {
        let mut t = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap();
        for i in 0..20_000 {
            let s = ts::fmt(&t);
            assert_eq!(ts::parse(&s).unwrap(), t, "{s}");
            assert_eq!(ts::parse(&s).map_err(|e| e.to_string()), chrono_reads(&s));
            t += Duration::milliseconds(7_919 * 1_000_003 + i);
        }
        for s in [
            "2026-11-03T09:15:00.000Z",
            "2024-02-29T00:00:00.999Z",
            "2026-11-03T09:15:00Z",
            "2026-11-03T09:15:00.5Z",
            "2026-11-03T09:15:00.123456789Z",
            "2026-11-03T17:15:00.000+08:00",
            "2026-11-03t09:15:00.000z",
            "2026-11-03 09:15:00.000Z",
            "2016-12-31T23:59:60.000Z",
            // Not timestamps.
            "2026-02-29T09:15:00.000Z",
            "2026-11-03T24:00:00.000Z",
            "2026-11-03T09:60:00.000Z",
            "2026-13-03T09:15:00.000Z",
            "2026-11-03T09:15:00.00xZ",
            "+026-11-03T09:15:00.000Z",
            "2026-11-03T09:15:00.000",
            "",
        ] {
            assert_eq!(
                ts::parse(s).map_err(|e| e.to_string()),
                chrono_reads(s),
                "{s}"
            );
        }
    }

    #[test]
    fn paradata_reads_exactly_sized_and_lines_split_as_before() {
        let line = |paradata: &str| {
            format!(
                r#"{{"kind":"interview","id":"I1","resident_id":"R1","questionnaire_id":"q","questionnaire_version":"1","surveyor_id":"S","device_id":"D","started_at":"2026-11-03T09:15:00.000Z","ended_at":null,"status":"completed","disposition":"complete","answers":{{}},"paradata":{paradata}}}"#
            )
        };
        let events: Vec<String> = (0..37)
            .map(|i| {
                format!(
                    r#"{{"at":"2026-11-03T09:15:{:02}.000Z","kind":"shown","question":"q{i}"}}"#,
                    i % 60
                )
            })
            .collect();
        let BatchLine::Interview(i) =
            parse_line(line(&format!("[{}]", events.join(","))).as_bytes()).unwrap()
        else {
            panic!("an interview");
        };
        assert_eq!(i.paradata.len(), 37);
        assert_eq!(i.paradata.capacity(), 37);
        assert_eq!(i.paradata[36].question.as_deref(), Some("q36"));
        let e = parse_line(line("{}").as_bytes()).unwrap_err();
        assert!(e.contains("expected a sequence"), "{e}");
        let e = parse_line(line(r#"[{"at":"2026-11-03T09:15:00.000Z"}]"#).as_bytes()).unwrap_err();
        assert!(e.contains("missing field `kind`"), "{e}");

        // Lines split as `split(b'\n')` splits them, empty ones included;
        // a line that is not UTF-8 is refused as serde_json refuses it.
        for text in [&b""[..], b"\n", b"a\nb", b"a\n\nb\n", b"\n\n"] {
            assert_eq!(
                split_lines(text).collect::<Vec<_>>(),
                text.split(|b| *b == b'\n').collect::<Vec<_>>()
            );
        }
        let mut bad = line("[]").into_bytes();
        let at = bad.windows(2).position(|w| w == b"I1").unwrap();
        bad[at] = 0xff;
        let e = parse_line(&bad).unwrap_err();
        assert_eq!(
            e,
            serde_json::from_slice::<BatchInterview>(&bad)
                .unwrap_err()
                .to_string()
        );
    }

    #[test]
    fn answers_read_as_a_btreemap_reads_them() {
        let json = r#"{"b":{"type":"rating","value":1},"a":{"special":"refused"},"b":{"type":"rating","value":2},"c[1]":{"type":"text","value":"x"}}"#;
        #[derive(Deserialize)]
        struct Ours {
            #[serde(deserialize_with = "de_answers")]
            answers: BTreeMap<String, Answer>,
        }
        #[derive(Deserialize)]
        struct Derived {
            answers: BTreeMap<String, Answer>,
        }
        for json in [json, "{}"] {
            let ours: Ours = serde_json::from_str(&format!(r#"{{"answers":{json}}}"#)).unwrap();
            let derived: Derived =
                serde_json::from_str(&format!(r#"{{"answers":{json}}}"#)).unwrap();
            assert_eq!(ours.answers, derived.answers);
        }
        let ours: Ours = serde_json::from_str(&format!(r#"{{"answers":{json}}}"#)).unwrap();
        assert_eq!(
            ours.answers["b"],
            Answer::Value(AnswerValue::Rating { value: 2 })
        );
        for bad in ["[]", r#"{"a":{"special":"maybe"}}"#] {
            let ours = serde_json::from_str::<Ours>(&format!(r#"{{"answers":{bad}}}"#));
            let derived = serde_json::from_str::<Derived>(&format!(r#"{{"answers":{bad}}}"#));
            assert_eq!(
                ours.err().map(|e| e.to_string()),
                derived.err().map(|e| e.to_string())
            );
        }
    }

    #[test]
    fn record_timestamps_read_as_before() {
        let line = r#"{"kind":"visit","id":"V1","resident_id":"R1","attempt":1,"at":"2026-11-03T09:15:00.000Z","disposition":"complete","note":null,"appointment":null,"interview_id":null}"#;
        let BatchLine::Visit(v) = parse_line(line.as_bytes()).unwrap() else {
            panic!("a visit");
        };
        assert_eq!(v.at, Utc.with_ymd_and_hms(2026, 11, 3, 9, 15, 0).unwrap());
        assert_eq!(v.appointment, None);
        // An absent optional timestamp is none, as the derive had it; a
        // present one is read like the others.
        let absent = line.replace(r#","appointment":null"#, "");
        let BatchLine::Visit(w) = parse_line(absent.as_bytes()).unwrap() else {
            panic!("a visit");
        };
        assert_eq!(w, v);
        let set = line.replace(
            r#""appointment":null"#,
            r#""appointment":"2026-11-04T10:00:00+08:00""#,
        );
        let BatchLine::Visit(w) = parse_line(set.as_bytes()).unwrap() else {
            panic!("a visit");
        };
        assert_eq!(
            w.appointment,
            Some(Utc.with_ymd_and_hms(2026, 11, 4, 2, 0, 0).unwrap())
        );
        for bad in [r#""at":"yesterday""#, r#""at":5"#] {
            let e = parse_line(
                line.replace(r#""at":"2026-11-03T09:15:00.000Z""#, bad)
                    .as_bytes(),
            )
            .unwrap_err();
            assert!(
                e.contains("input contains invalid characters")
                    || e.contains("expected an RFC 3339 formatted date and time string"),
                "{e}"
            );
        }
    }
}
