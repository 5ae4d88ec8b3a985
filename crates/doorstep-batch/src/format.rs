//! The batch file's lines: a manifest, then visits, then interviews, as
//! JSON Lines with deterministic bytes (fixed field order, BTreeMaps,
//! fixed timestamp format, records sorted).

/// Interview lines read without keeping their paradata (`verify`).
mod check_only;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use serde::de::Visitor;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use super::BatchError;
use doorstep_core::answer::{Answer, AnswerValue};
use doorstep_core::assignment::Disposition;
use doorstep_core::expr::Value;
use doorstep_core::interview::Interview;
use doorstep_core::interview::paradata::{EventKind, ParadataEvent};
use doorstep_core::timestamp as ts;

pub const FORMAT: &str = "doorstep-batch";
pub const VERSION: u32 = 1;

/// Dispositions are written by their stable `code()` (`"vacant"`, ...).
pub(crate) mod disposition_code {
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
    /// The values of the relevant calculates, keyed like `answers`, each as
    /// text (as a label shows it: see [`calculate_text`]); absent when there
    /// are none, and in records made before calculates were recorded.
    /// Computed by the app, never said by the resident: kept apart from
    /// `answers`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub calculates: BTreeMap<String, String>,
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

/// How a calculate's value is recorded (`BatchInterview::calculates`, the
/// store): the text a label shows for it (numbers without a needless
/// `.0`, dates `YYYY-MM-DD`, `true`/`false`). `None` for an empty value,
/// which is not recorded.
pub fn calculate_text(v: &Value) -> Option<String> {
    match v {
        Value::Empty => None,
        v => Some(doorstep_core::interview::display_value(v)),
    }
}

/// The values of an interview's relevant calculates as a record carries
/// them: keyed like `answers` (`"<id>[<instance>]"` inside a repeat),
/// empty values left out.
pub fn recorded_calculates(flow: &Interview<'_>) -> BTreeMap<String, String> {
    let q = flow.questionnaire();
    flow.calculated()
        .into_iter()
        .filter_map(|(slot, v)| {
            let text = calculate_text(&v)?;
            Some((
                answer_key(&q.questions[slot.question].id, slot.instance),
                text,
            ))
        })
        .collect()
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
pub(crate) fn de_answers<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, Answer>, D::Error> {
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

/// What a batch says about itself besides its records: the manifest's
/// fields other than the counts (which the records give).
#[derive(Debug, Clone, PartialEq)]
pub struct BatchHeader {
    pub batch_id: Uuid,
    pub surveyor_id: String,
    pub device_id: String,
    pub sequence: u64,
    pub created_at: DateTime<Utc>,
    pub questionnaires: Vec<QuestionnaireRef>,
}

impl BatchHeader {
    /// The manifest line's content, with the counts of the records.
    pub fn manifest(&self, counts: BatchCounts) -> BatchManifest {
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
            counts,
        }
    }

    /// `doorstep-<surveyor>-<seq, 6 digits>-<batch uuid>.jsonl`
    pub fn file_name(&self) -> String {
        batch_file_name(&self.surveyor_id, self.sequence, &self.batch_id)
    }

    pub(crate) fn validate(&self) -> Result<(), BatchError> {
        super::id::validate_id("surveyor id", &self.surveyor_id)?;
        super::id::validate_id("device id", &self.device_id)?;
        if self.sequence == 0 {
            return Err(BatchError::InvalidContent(
                "sequence numbers start at 1".into(),
            ));
        }
        Ok(())
    }
}

/// The record lines of a batch, one at a time, as `BatchContent::to_jsonl`
/// writes them: visits sorted by (`at`, `id`), then interviews sorted by
/// (`started_at`, `id`). The caller gives the records in that order (a
/// record out of order is refused, since the bytes would differ from the
/// in-memory writer's); the counts for the manifest add up on the way.
#[derive(Debug, Default)]
pub struct RecordLines {
    counts: BatchCounts,
    last_visit: Option<(DateTime<Utc>, String)>,
    last_interview: Option<(DateTime<Utc>, String)>,
}

#[derive(Serialize)]
struct Tagged<'a, T> {
    kind: &'static str,
    #[serde(flatten)]
    record: &'a T,
}

impl RecordLines {
    pub fn new() -> Self {
        Self::default()
    }

    /// The counts of the records given so far.
    pub fn counts(&self) -> &BatchCounts {
        &self.counts
    }

    pub fn into_counts(self) -> BatchCounts {
        self.counts
    }

    /// Appends the visit's line to `out`.
    pub fn visit(&mut self, out: &mut Vec<u8>, v: &VisitRecord) -> Result<(), BatchError> {
        if self.last_interview.is_some() {
            return Err(BatchError::InvalidContent(format!(
                "visit {} given after the interviews: visits come first",
                v.id
            )));
        }
        in_order(&mut self.last_visit, v.at, &v.id, "visit")?;
        push_line(
            out,
            &Tagged {
                kind: "visit",
                record: v,
            },
        )?;
        self.counts.add_visit(v);
        Ok(())
    }

    /// Appends the interview's line to `out`.
    pub fn interview(&mut self, out: &mut Vec<u8>, i: &BatchInterview) -> Result<(), BatchError> {
        check_interview(i)?;
        in_order(&mut self.last_interview, i.started_at, &i.id, "interview")?;
        push_line(
            out,
            &Tagged {
                kind: "interview",
                record: i,
            },
        )?;
        self.counts.add_interview(i);
        Ok(())
    }
}

fn in_order(
    last: &mut Option<(DateTime<Utc>, String)>,
    at: DateTime<Utc>,
    id: &str,
    what: &str,
) -> Result<(), BatchError> {
    if let Some((t, last_id)) = last.as_ref()
        && (at, id) < (*t, last_id.as_str())
    {
        return Err(BatchError::InvalidContent(format!(
            "{what} {id} given out of order (after {last_id}): records go by time, then id"
        )));
    }
    match last {
        Some((t, last_id)) => {
            *t = at;
            last_id.clear();
            last_id.push_str(id);
        }
        None => *last = Some((at, id.to_string())),
    }
    Ok(())
}

fn check_interview(i: &BatchInterview) -> Result<(), BatchError> {
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
    Ok(())
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
    /// Everything but the records.
    pub fn header(&self) -> BatchHeader {
        BatchHeader {
            batch_id: self.batch_id,
            surveyor_id: self.surveyor_id.clone(),
            device_id: self.device_id.clone(),
            sequence: self.sequence,
            created_at: self.created_at,
            questionnaires: self.questionnaires.clone(),
        }
    }

    /// The records in the order the file lists them (stable: records with
    /// the same time and id keep the order given).
    pub fn sorted_records(&self) -> (Vec<&VisitRecord>, Vec<&BatchInterview>) {
        let mut visits: Vec<&VisitRecord> = self.visits.iter().collect();
        visits.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        let mut interviews: Vec<&BatchInterview> = self.interviews.iter().collect();
        interviews.sort_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
        (visits, interviews)
    }

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

pub(crate) fn push_line<T: Serialize>(out: &mut Vec<u8>, v: &T) -> Result<(), BatchError> {
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
    /// A record that reads, but that no honest batch holds: line `line`
    /// (1-based), the record `id` (visit or interview).
    Record {
        line: u64,
        id: String,
        problem: RecordProblem,
    },
}

/// What is wrong with one record's contents (plain sense; the
/// questionnaire's ranges are the review's to check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordProblem {
    /// The interview names another surveyor than the batch's signer.
    OtherSurveyor { surveyor: String, signer: String },
    /// No resident id (or no record id).
    EmptyId { field: &'static str },
    /// A visit's attempt number outside 1..=`MAX_ATTEMPT`.
    Attempt { attempt: u32 },
    /// The interview ends before it starts.
    EndsBeforeStart,
    /// A timestamp outside the years `YEARS`.
    Year { field: &'static str, year: i32 },
    /// The same record id twice in the batch.
    Repeated { kind: &'static str },
    /// A calculate's recorded value (key as in `answers`) does not hold
    /// against the questionnaire: checked only when the verification was
    /// given the questionnaire (`KnownQuestionnaires`).
    Calculate {
        key: String,
        problem: CalculateProblem,
    },
}

/// How a recorded calculate fails its recomputation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalculateProblem {
    /// The answers give another value (or none: not relevant, or empty).
    Differs,
    /// The answers give a value; the record has none.
    Missing,
    /// The key names no calculate of the questionnaire.
    NotACalculate,
}

/// No line of a batch is longer (an interview with hundreds of answers
/// and its paradata is tens of kilobytes).
pub const MAX_LINE: usize = 16 << 20;

/// Visits to one door beyond this are not plausible.
pub const MAX_ATTEMPT: u32 = 99;
/// The years a batch's timestamps may fall in.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

impl std::fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(doorstep_core::lang::Lang::En))
    }
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
/// manifest's counts against the lines (see [`ContentReader`]).
pub fn parse_batch(bytes: &[u8]) -> Result<ParsedBatch, ContentProblem> {
    let mut visits = Vec::new();
    let mut interviews = Vec::new();
    let mut reader = ContentReader::new();
    reader.feed(bytes, &mut |line| match line {
        BatchLine::Visit(v) => visits.push(v),
        BatchLine::Interview(i) => interviews.push(i),
    });
    let manifest = reader.finish(&mut |_| {})?;
    Ok(ParsedBatch {
        manifest,
        visits,
        interviews,
    })
}

/// Reads and checks a batch's plaintext as a stream, in constant memory:
/// give it the bytes in pieces of any size (`feed`), then `finish`. Each
/// record goes to the caller's `each` as soon as its line is read and
/// checked (the caller keeps it or not); the first problem stops the
/// reading, and `finish` names it, with its line. What it checks: the
/// manifest (line 1), every line, the records' plain sense
/// ([`RecordProblem`]; every interview's surveyor must be the manifest's),
/// and the manifest's counts against the lines.
#[derive(Debug, Default)]
pub struct ContentReader {
    /// The incomplete line at the end of what was fed so far.
    carry: Vec<u8>,
    bytes: u64,
    line_no: u64,
    manifest: Option<BatchManifest>,
    claimed: Option<BatchCounts>,
    counts: BatchCounts,
    /// Line 2 was empty: an error unless it is the last line.
    empty_line_2: bool,
    error: Option<ContentProblem>,
    /// Record ids seen: a repeated one is a problem.
    visit_ids: std::collections::HashSet<String>,
    interview_ids: std::collections::HashSet<String>,
    /// When given: a further check of each interview (the recomputation
    /// of its calculates, `calculates::KnownQuestionnaires`).
    check: Option<std::sync::Arc<dyn InterviewCheck>>,
    /// Nobody keeps the records: interviews are read without their
    /// paradata (`check_only`), and `check` runs on a thread of its own.
    paradata_unkept: bool,
    /// `check` beside the reading, once the manifest was read.
    checker: Option<CheckThread>,
}

/// A check of an interview's contents beyond plain sense, which needs more
/// than the record (the questionnaire): given the questionnaires the
/// batch's manifest names.
pub trait InterviewCheck: std::fmt::Debug + Send + Sync {
    fn check(&self, refs: &[QuestionnaireRef], i: &BatchInterview) -> Option<RecordProblem>;
}

impl ContentReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// A reader that also gives each interview to `check` (e.g. the
    /// recomputation of its calculates).
    pub fn checking(check: Option<std::sync::Arc<dyn InterviewCheck>>) -> Self {
        ContentReader {
            check,
            ..Self::default()
        }
    }

    /// `checking`, for a caller that keeps no record (`verify`): the
    /// checks and the verdict are the same, but the interviews given to
    /// `each` come without their paradata (read and checked, not kept:
    /// most of a batch's bytes, spared their allocations), and `check`
    /// runs on a thread of its own beside the reading (the records reach
    /// `each` once checked, in order, a few lines behind the reading).
    pub fn checking_only(check: Option<std::sync::Arc<dyn InterviewCheck>>) -> Self {
        ContentReader {
            check,
            paradata_unkept: true,
            ..Self::default()
        }
    }

    /// The counts line 1 states, once it was read (whatever else is wrong).
    pub fn claimed_counts(&self) -> Option<&BatchCounts> {
        self.claimed.as_ref()
    }

    /// Whether a problem was found (the rest is not read).
    pub fn failed(&self) -> bool {
        self.error.is_some() || self.checker.as_ref().is_some_and(CheckThread::stopped)
    }

    /// The next bytes of the file.
    pub fn feed(&mut self, mut bytes: &[u8], each: &mut dyn FnMut(BatchLine)) {
        self.bytes += bytes.len() as u64;
        while !bytes.is_empty() && !self.failed() {
            match memchr::memchr(b'\n', bytes) {
                Some(i) => {
                    if self.carry.is_empty() {
                        self.line(&bytes[..i], false, each);
                    } else {
                        let mut line = std::mem::take(&mut self.carry);
                        line.extend_from_slice(&bytes[..i]);
                        self.line(&line, false, each);
                        line.clear();
                        self.carry = line;
                    }
                    bytes = &bytes[i + 1..];
                }
                None => {
                    self.carry.extend_from_slice(bytes);
                    if self.carry.len() > MAX_LINE {
                        // Memory stays bounded whatever the file holds.
                        self.error = Some(ContentProblem::Malformed(format!(
                            "line {}: longer than {} MB",
                            self.line_no + 1,
                            MAX_LINE >> 20
                        )));
                        self.carry = Vec::new();
                    }
                    break;
                }
            }
        }
    }

    /// The end of the file: the manifest, or the first problem.
    pub fn finish(
        mut self,
        each: &mut dyn FnMut(BatchLine),
    ) -> Result<BatchManifest, ContentProblem> {
        if self.bytes == 0 {
            return Err(ContentProblem::Malformed("the file is empty".into()));
        }
        let incomplete = !self.carry.is_empty();
        if incomplete && !self.failed() {
            let line = std::mem::take(&mut self.carry);
            self.line(&line, true, each);
        }
        // The checker's problem is on a line before any the reading found
        // (it is given only lines read and found sound).
        if let Some(checker) = self.checker.take()
            && let Some(problem) = checker.finish(each)
        {
            return Err(problem);
        }
        if let Some(e) = self.error {
            return Err(e);
        }
        if incomplete {
            return Err(ContentProblem::IncompleteLastLine);
        }
        let manifest = self.manifest.expect("line 1 was read");
        let counts = self.counts;
        if counts.visits + counts.interviews < manifest.counts.visits + manifest.counts.interviews {
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
        Ok(manifest)
    }

    /// One line, without its newline; `last_partial`: the file's last
    /// line, with no newline after it.
    fn line(&mut self, line: &[u8], last_partial: bool, each: &mut dyn FnMut(BatchLine)) {
        self.line_no += 1;
        let result = if self.line_no == 1 {
            self.manifest_line(line, last_partial)
        } else {
            if self.empty_line_2 {
                // Line 2 was empty and is not the last: what it reads as.
                self.empty_line_2 = false;
                let e = parse_line(b"").expect_err("an empty line is not a record");
                self.error = Some(ContentProblem::Malformed(format!("line 2: {e}")));
                return;
            }
            if self.line_no == 2 && line.is_empty() && !last_partial {
                // An empty line after the manifest that ends the file is
                // no record (as it always read).
                self.empty_line_2 = true;
                return;
            }
            self.record_line(line, last_partial, each)
        };
        if let Err(e) = result {
            self.error = Some(e);
        }
    }

    fn manifest_line(&mut self, line: &[u8], last_partial: bool) -> Result<(), ContentProblem> {
        #[derive(Deserialize)]
        struct Head {
            format: Option<String>,
            version: Option<u64>,
        }
        self.claimed = serde_json::from_slice::<BatchManifest>(line)
            .ok()
            .map(|m| m.counts);
        let head: Head = serde_json::from_slice(line).map_err(|e| {
            if last_partial {
                ContentProblem::IncompleteLastLine
            } else {
                ContentProblem::Malformed(format!("line 1 (manifest): {e}"))
            }
        })?;
        let format = head.format.unwrap_or_default();
        let version = head.version.unwrap_or(0);
        if format != FORMAT {
            return Err(ContentProblem::Malformed(format!(
                "line 1: format is \"{format}\", expected \"{FORMAT}\""
            )));
        }
        if version != VERSION as u64 {
            return Err(ContentProblem::UnsupportedVersion { format, version });
        }
        let manifest: BatchManifest = serde_json::from_slice(line)
            .map_err(|e| ContentProblem::Malformed(format!("line 1 (manifest): {e}")))?;
        let created = manifest.created_at.year();
        if !YEARS.contains(&created) {
            return Err(ContentProblem::Malformed(format!(
                "line 1 (manifest): created_at is in the year {created}, outside {}..={}",
                YEARS.start(),
                YEARS.end()
            )));
        }
        if self.paradata_unkept
            && let Some(check) = &self.check
        {
            self.checker = Some(CheckThread::start(
                std::sync::Arc::clone(check),
                manifest.questionnaires.clone(),
            ));
        }
        self.manifest = Some(manifest);
        Ok(())
    }

    fn record_line(
        &mut self,
        line: &[u8],
        last_partial: bool,
        each: &mut dyn FnMut(BatchLine),
    ) -> Result<(), ContentProblem> {
        let unkept = self
            .paradata_unkept
            .then(|| check_only::interview_without_paradata(line))
            .flatten();
        let record = match unkept {
            Some(i) => Ok(BatchLine::Interview(i)),
            // Visits, and whatever does not read there, in its own words.
            None => parse_line(line),
        }
        .map_err(|e| {
            if last_partial {
                ContentProblem::IncompleteLastLine
            } else {
                ContentProblem::Malformed(format!("line {}: {e}", self.line_no))
            }
        })?;
        let manifest = self.manifest.as_ref().expect("line 1 was read");
        let signer = &manifest.surveyor_id;
        // With a checker thread, `check` is its to run.
        let check = self.check.as_ref().filter(|_| self.checker.is_none());
        let (id, problem) = match &record {
            BatchLine::Visit(v) => (&v.id, visit_problem(v, &mut self.visit_ids)),
            BatchLine::Interview(i) => (
                &i.id,
                interview_problem(i, signer, &mut self.interview_ids)
                    .or_else(|| check?.check(&manifest.questionnaires, i)),
            ),
        };
        if let Some(problem) = problem {
            return Err(ContentProblem::Record {
                line: self.line_no,
                id: id.clone(),
                problem,
            });
        }
        match &record {
            BatchLine::Visit(v) => self.counts.add_visit(v),
            BatchLine::Interview(i) => self.counts.add_interview(i),
        }
        match &mut self.checker {
            Some(checker) => checker.give(self.line_no, record, each),
            None => each(record),
        }
        Ok(())
    }
}

/// `InterviewCheck` on a thread of its own (the recomputation of the
/// calculates costs about as much as reading the line): the records read
/// and found sound go to it in order, `BATCH` at a time (one wake-up per
/// record cost more than it saved); it checks the interviews and gives the
/// records back in order, or stops at the first problem. At most
/// `AHEAD` batches wait for it: memory stays flat.
struct CheckThread {
    to_check: Option<std::sync::mpsc::SyncSender<Vec<(u64, BatchLine)>>>,
    /// Read, not yet sent: (line number, record).
    pending: Vec<(u64, BatchLine)>,
    checked: std::sync::mpsc::Receiver<Vec<BatchLine>>,
    problem: Option<std::thread::JoinHandle<Option<ContentProblem>>>,
}

impl std::fmt::Debug for CheckThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckThread")
    }
}

impl CheckThread {
    const BATCH: usize = 32;
    const AHEAD: usize = 4;

    fn start(check: std::sync::Arc<dyn InterviewCheck>, refs: Vec<QuestionnaireRef>) -> Self {
        let (to_check, batches) =
            std::sync::mpsc::sync_channel::<Vec<(u64, BatchLine)>>(Self::AHEAD);
        // Unbounded, yet never longer than `AHEAD` and the few the reader
        // has not taken back yet: it takes them at every batch it sends.
        let (give_back, checked) = std::sync::mpsc::channel();
        let problem = std::thread::spawn(move || {
            for batch in batches {
                let mut sound = Vec::with_capacity(batch.len());
                for (line, record) in batch {
                    if let BatchLine::Interview(i) = &record
                        && let Some(problem) = check.check(&refs, i)
                    {
                        return Some(ContentProblem::Record {
                            line,
                            id: i.id.clone(),
                            problem,
                        });
                    }
                    sound.push(record);
                }
                if give_back.send(sound).is_err() {
                    return None;
                }
            }
            None
        });
        CheckThread {
            to_check: Some(to_check),
            pending: Vec::with_capacity(Self::BATCH),
            checked,
            problem: Some(problem),
        }
    }

    /// The record of line `line`, read and found sound, to check; the
    /// records checked so far go to `each`.
    fn give(&mut self, line: u64, record: BatchLine, each: &mut dyn FnMut(BatchLine)) {
        self.pending.push((line, record));
        if self.pending.len() >= Self::BATCH {
            self.send(each);
        }
    }

    fn send(&mut self, each: &mut dyn FnMut(BatchLine)) {
        self.checked.try_iter().flatten().for_each(&mut *each);
        let batch = std::mem::replace(&mut self.pending, Vec::with_capacity(Self::BATCH));
        if let Some(to_check) = &self.to_check
            && to_check.send(batch).is_err()
        {
            // It stopped at a problem: `finish` says which.
            self.to_check = None;
        }
    }

    /// It stopped at a problem: nothing more need be read.
    fn stopped(&self) -> bool {
        self.to_check.is_none() || self.problem.as_ref().is_some_and(|p| p.is_finished())
    }

    /// Waits for the last records; the first problem found, if any.
    fn finish(mut self, each: &mut dyn FnMut(BatchLine)) -> Option<ContentProblem> {
        if !self.pending.is_empty() {
            self.send(each);
        }
        self.to_check = None;
        self.checked.iter().flatten().for_each(&mut *each);
        self.problem
            .take()
            .and_then(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    }
}

fn year_problem(field: &'static str, at: &DateTime<Utc>) -> Option<RecordProblem> {
    let year = at.year();
    (!YEARS.contains(&year)).then_some(RecordProblem::Year { field, year })
}

fn visit_problem(
    v: &VisitRecord,
    seen: &mut std::collections::HashSet<String>,
) -> Option<RecordProblem> {
    if v.id.trim().is_empty() {
        return Some(RecordProblem::EmptyId { field: "id" });
    }
    if v.resident_id.trim().is_empty() {
        return Some(RecordProblem::EmptyId {
            field: "resident_id",
        });
    }
    if !(1..=MAX_ATTEMPT).contains(&v.attempt) {
        return Some(RecordProblem::Attempt { attempt: v.attempt });
    }
    if let Some(p) = year_problem("at", &v.at) {
        return Some(p);
    }
    if let Some(p) = v
        .appointment
        .as_ref()
        .and_then(|a| year_problem("appointment", a))
    {
        return Some(p);
    }
    if !seen.insert(v.id.clone()) {
        return Some(RecordProblem::Repeated { kind: "visit" });
    }
    None
}

fn interview_problem(
    i: &BatchInterview,
    signer: &str,
    seen: &mut std::collections::HashSet<String>,
) -> Option<RecordProblem> {
    if i.id.trim().is_empty() {
        return Some(RecordProblem::EmptyId { field: "id" });
    }
    if i.resident_id.trim().is_empty() {
        return Some(RecordProblem::EmptyId {
            field: "resident_id",
        });
    }
    if i.surveyor_id != signer {
        return Some(RecordProblem::OtherSurveyor {
            surveyor: i.surveyor_id.clone(),
            signer: signer.to_string(),
        });
    }
    if let Some(p) = year_problem("started_at", &i.started_at) {
        return Some(p);
    }
    if let Some(end) = &i.ended_at {
        if let Some(p) = year_problem("ended_at", end) {
            return Some(p);
        }
        if *end < i.started_at {
            return Some(RecordProblem::EndsBeforeStart);
        }
    }
    if !seen.insert(i.id.clone()) {
        return Some(RecordProblem::Repeated { kind: "interview" });
    }
    None
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

        // A line that is not UTF-8 is refused as serde_json refuses it.
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
    fn a_line_longer_than_the_limit_is_refused_in_bounded_memory() {
        let mut r = ContentReader::new();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..(MAX_LINE >> 20) + 2 {
            r.feed(&chunk, &mut |_| panic!("no record"));
        }
        assert!(r.failed());
        assert!(r.carry.capacity() < MAX_LINE);
        assert_eq!(
            r.finish(&mut |_| {}),
            Err(ContentProblem::Malformed(
                "line 1: longer than 16 MB".into()
            ))
        );
    }

    /// The streamed reader gives what parsing the whole text gives,
    /// whatever the pieces it is fed in.
    #[test]
    fn content_reads_the_same_in_pieces_of_any_size() {
        let manifest = r#"{"format":"doorstep-batch","version":1,"batch_id":"01900000-0000-7000-8000-000000000001","surveyor_id":"S","device_id":"D","sequence":1,"created_at":"2026-11-03T19:00:00.000Z","questionnaires":[],"counts":{"visits":1,"interviews":0,"answers":0,"special_answers":0,"visit_dispositions":{"no_one_home":1},"interview_dispositions":{}}}"#;
        let visit = r#"{"kind":"visit","id":"V1","resident_id":"R1","attempt":1,"at":"2026-11-03T09:15:00.000Z","disposition":"no_one_home","note":null,"appointment":null,"interview_id":null}"#;
        let texts = [
            format!("{manifest}\n{visit}\n"),
            format!("{manifest}\n{visit}"),
            format!("{manifest}\n\n"),
            format!("{manifest}\n\n{visit}\n"),
            format!("{manifest}\n{visit}\n{visit}\n"),
            format!("{manifest}\n"),
            manifest.to_string(),
            "\n".to_string(),
            String::new(),
        ];
        for text in &texts {
            let whole = parse_batch(text.as_bytes());
            for size in [1, 2, 7, 64, 1000] {
                let mut r = ContentReader::new();
                let mut n = 0;
                for piece in text.as_bytes().chunks(size) {
                    r.feed(piece, &mut |_| n += 1);
                }
                let got = r.finish(&mut |_| n += 1);
                assert_eq!(
                    got.map(|m| (m, n)),
                    whole.clone().map(|p| (p.manifest, p.visits.len())),
                    "{text:?} in pieces of {size}"
                );
            }
        }
    }

    /// Flags a calculate recorded as "bad": a stand-in for the
    /// recomputation, to see where its problem lands.
    #[derive(Debug)]
    struct BadCalculates;
    impl InterviewCheck for BadCalculates {
        fn check(&self, _: &[QuestionnaireRef], i: &BatchInterview) -> Option<RecordProblem> {
            let (key, _) = i.calculates.iter().find(|(_, v)| *v == "bad")?;
            Some(RecordProblem::Calculate {
                key: key.clone(),
                problem: CalculateProblem::Differs,
            })
        }
    }

    /// What a reader gives: the verdict and the records in order (the
    /// interviews without their paradata).
    fn read_with(reader: ContentReader, text: &[u8], piece: usize) -> String {
        let mut reader = reader;
        let mut records = Vec::new();
        let mut each = |line: BatchLine| {
            records.push(match line {
                BatchLine::Interview(mut i) => {
                    i.paradata.clear();
                    BatchLine::Interview(i)
                }
                visit => visit,
            })
        };
        for chunk in text.chunks(piece) {
            if !reader.failed() {
                reader.feed(chunk, &mut each);
            }
        }
        let verdict = reader.finish(&mut each);
        match verdict {
            // On a problem the records read are nobody's: only the verdict.
            Err(e) => format!("{e:?}"),
            Ok(m) => format!("{m:?} {records:?}"),
        }
    }

    /// `verify`'s reading (paradata not kept, the check on a thread of its
    /// own) gives the verdict and the records of the reading that keeps
    /// them, on batches changed in every way tried.
    #[test]
    fn checking_only_reads_mutated_batches_as_checking_does() {
        let manifest = r#"{"format":"doorstep-batch","version":1,"batch_id":"01900000-0000-7000-8000-000000000001","surveyor_id":"S","device_id":"D","sequence":1,"created_at":"2026-11-03T19:00:00.000Z","questionnaires":[],"counts":{"visits":2,"interviews":3,"answers":5,"special_answers":1,"visit_dispositions":{"complete":1,"no_one_home":1},"interview_dispositions":{"complete":3}}}"#;
        let visit = |id: &str, d: &str| {
            format!(
                r#"{{"kind":"visit","id":"{id}","resident_id":"R1","attempt":1,"at":"2026-11-03T09:15:00.000Z","disposition":"{d}","note":null,"appointment":null,"interview_id":null}}"#
            )
        };
        let interview = |id: &str, answers: &str, calc: &str| {
            format!(
                r#"{{"kind":"interview","id":"{id}","resident_id":"R1","questionnaire_id":"q","questionnaire_version":"1","surveyor_id":"S","device_id":"D","started_at":"2026-11-03T09:15:00.000Z","ended_at":"2026-11-03T09:30:00.000Z","status":"completed","disposition":"complete","answers":{answers},"calculates":{{"k":"{calc}"}},"paradata":[{{"at":"2026-11-03T09:15:00.000Z","kind":"shown","question":"a"}},{{"at":"2026-11-03T09:16:00.000Z","kind":"answered","question":"a","detail":"x"}}]}}"#
            )
        };
        let lines = [
            manifest.to_string(),
            visit("V1", "complete"),
            visit("V2", "no_one_home"),
            interview("I1", r#"{"a":{"type":"rating","value":4}}"#, "1"),
            interview(
                "I2",
                r#"{"a":{"special":"refused"},"b":{"type":"text","value":"t"}}"#,
                "2",
            ),
            interview(
                "I3",
                r#"{"a":{"type":"integer","value":1},"c":{"type":"yes_no","value":true}}"#,
                "3",
            ),
        ];
        let text = |lines: &[String]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        let mut batches = vec![text(&lines)];
        let replacements: &[(&str, &str)] = &[
            (r#""k":"1""#, r#""k":"bad""#),
            (r#""k":"2""#, r#""k":"bad""#),
            (r#""k":"3""#, r#""k":"bad""#),
            (
                r#""surveyor_id":"S","device"#,
                r#""surveyor_id":"X","device"#,
            ),
            (r#""id":"I2""#, r#""id":"I1""#),
            (r#""id":"V2""#, r#""id":"V1""#),
            (r#""id":"I3""#, r#""id":" ""#),
            (r#""kind":"shown""#, r#""kind":"hidden""#),
            (r#""kind":"answered","#, ""),
            (r#""question":"a","detail""#, r#""question":1,"detail""#),
            (
                r#""question":"a","detail""#,
                r#""question":"\ud800","detail""#,
            ),
            (
                r#""at":"2026-11-03T09:16:00.000Z""#,
                r#""at":"1999-01-01T00:00:00.000Z""#,
            ),
            (r#""at":"2026-11-03T09:16:00.000Z""#, r#""at":"2026-11-03""#),
            (
                r#""ended_at":"2026-11-03T09:30:00.000Z""#,
                r#""ended_at":"2026-11-03T09:00:00.000Z""#,
            ),
            (r#""paradata":["#, r#""paradata":{"x":1},"p":["#),
            (r#","paradata":[{"#, r#","paradata":[],"paradata":[{"#),
            (
                r#""disposition":"complete","answers""#,
                r#""disposition":"vacant","answers""#,
            ),
            (r#"{"special":"refused"}"#, r#"{"special":"maybe"}"#),
            (
                r#""b":{"type":"text","value":"t"}"#,
                r#""a":{"type":"text","value":"t"}"#,
            ),
            (
                r#"{"kind":"interview","id":"I2","#,
                r#"{"id":"I2","kind":"interview","#,
            ),
            (r#""answers":5"#, r#""answers":6"#),
            (r#""interviews":3"#, r#""interviews":4"#),
        ];
        for (from, to) in replacements {
            for (n, line) in lines.iter().enumerate() {
                if line.contains(from) {
                    let mut changed = lines.clone();
                    changed[n] = line.replacen(from, to, 1);
                    batches.push(text(&changed));
                }
            }
        }
        for n in 1..lines.len() {
            let mut without = lines.to_vec();
            without.remove(n);
            batches.push(text(&without));
            let mut twice = lines.to_vec();
            twice.insert(n, lines[n].clone());
            batches.push(text(&twice));
            let mut moved = lines.to_vec();
            moved.swap(n, lines.len() - n.min(lines.len() - 1));
            batches.push(text(&moved));
        }
        // Two problems: the first line's wins, whoever finds it.
        let mut two = lines.to_vec();
        two[3] = two[3].replacen(r#""k":"1""#, r#""k":"bad""#, 1);
        two[5] = two[5].replacen(r#""surveyor_id":"S","#, r#""surveyor_id":"X","#, 1);
        batches.push(text(&two));
        let whole = text(&lines);
        for at in (0..whole.len()).step_by(97) {
            batches.push(whole[..at].to_string());
        }
        let check =
            || Some(std::sync::Arc::new(BadCalculates) as std::sync::Arc<dyn InterviewCheck>);
        // Longer than the checker's batches: problems found while reading.
        let many = 150;
        let mut long = vec![
            manifest
                .replace(
                    r#""visits":2,"interviews":3,"answers":5,"special_answers":1"#,
                    &format!(
                        r#""visits":0,"interviews":{many},"answers":{many},"special_answers":0"#
                    ),
                )
                .replace(r#"{"complete":1,"no_one_home":1}"#, "{}")
                .replace(r#"{"complete":3}"#, &format!(r#"{{"complete":{many}}}"#)),
        ];
        long.extend((0..many).map(|n| {
            interview(
                &format!("I{n}"),
                r#"{"a":{"type":"rating","value":4}}"#,
                "1",
            )
        }));
        batches.push(text(&long));
        for (bad_calc, bad_plain) in [(70, 140), (140, 70), (5, 6), (149, 148), (100, 0)] {
            let mut changed = long.clone();
            changed[bad_calc] = changed[bad_calc].replacen(r#""k":"1""#, r#""k":"bad""#, 1);
            if bad_plain > 0 {
                changed[bad_plain] = changed[bad_plain].replacen(
                    r#""surveyor_id":"S","#,
                    r#""surveyor_id":"X","#,
                    1,
                );
            }
            batches.push(text(&changed));
        }
        let sound = read_with(ContentReader::checking(check()), batches[0].as_bytes(), 100);
        let long_sound = read_with(
            ContentReader::checking(check()),
            text(&long).as_bytes(),
            100,
        );
        assert!(long_sound.starts_with("BatchManifest"), "{long_sound}");
        assert!(sound.starts_with("BatchManifest"), "{sound}");
        let mut problems = 0;
        for batch in &batches {
            for piece in [3, 100, 1 << 20] {
                let keeping = read_with(ContentReader::checking(check()), batch.as_bytes(), piece);
                let only = read_with(
                    ContentReader::checking_only(check()),
                    batch.as_bytes(),
                    piece,
                );
                assert_eq!(only, keeping, "{batch}");
                problems += usize::from(!keeping.starts_with("BatchManifest"));
            }
        }
        assert!(problems > 100, "{problems}");
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
