//! The supervisor's inbox: every batch under a folder, verified, parsed and
//! summarised, with each trusted interview's quality flags and score.
//!
//! Only batches that verify contribute interviews, scores and rates: the
//! content of a batch whose signature fails is nobody's word. Such batches
//! are still listed (with their status), and their interview ids are kept
//! (read on a best-effort basis) so that a decision on one of them can be
//! refused with a precise message instead of "not found".
//!
//! A reopened interview's copy (see `BatchInterview::replaced_ids`)
//! supersedes the interview it names: the original leaves the list, the
//! counts, the scores and the flags, and is kept in `Inbox::superseded`.
//!
//! Scores count approved and undecided interviews, never rejected ones,
//! and leave out flagged ones on request (`Inbox::set_counting`); the
//! other figures (interviews, completed, rates) count the fieldwork as it
//! was done.
//!
//! Communities come from the batch records (`community`, written since
//! store schema 5). A resident counts in the community of their latest
//! record that names one; residents whose records name none (batches made
//! before, or residents listed without a community) are grouped under
//! `community: None`, shown as "(unknown)".

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Serialize;

use super::flags::{
    Flag, InterviewFacts, Thresholds, WorkedTimes, flag_interviews, overlap_flags, par_map,
};
use doorstep_batch::{
    BatchInterview, BatchStatus, BatchVerdict, Identities, InterviewOutcome, ParsedBatch,
    SequenceFinding, TrustedKeys, VisitRecord, parse_answer_key, parse_batch,
};
use doorstep_core::assignment::Disposition;
use doorstep_core::interview::Answer;
use doorstep_core::interview::paradata::{work_seconds, work_sessions};
use doorstep_core::questionnaire::{Questionnaire, hex_sha256};
use doorstep_core::scoring::{mean_scores, response_rate_rr1, score_interview};

/// What to open an inbox with.
pub struct InboxOptions<'a> {
    pub keys: &'a TrustedKeys,
    pub identities: Option<&'a Identities>,
    /// Questionnaires to read labels and score with (`--questionnaire`,
    /// and the bundled one), each matched to the batches by id, version
    /// and content hash; the first match wins. Parsed once by the caller.
    pub questionnaires: Vec<Questionnaire>,
    pub thresholds: Thresholds,
}

/// The three things a supervisor needs to know about a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signature {
    Valid,
    Invalid,
    UnknownKey,
}

impl Signature {
    pub fn label(self) -> &'static str {
        match self {
            Signature::Valid => "valid",
            Signature::Invalid => "INVALID",
            Signature::UnknownKey => "unknown key",
        }
    }
}

/// One batch file as the inbox shows it.
#[derive(Debug, Clone, Serialize)]
pub struct InboxBatch {
    pub path: PathBuf,
    pub signature: Signature,
    /// The verifier's precise status (`VALID`, `TAMPERED: ...`).
    pub status: String,
    /// Sequence gaps and duplicates found with the other batches.
    pub findings: Vec<String>,
    pub batch_id: Option<String>,
    pub surveyor_id: Option<String>,
    pub device_id: Option<String>,
    pub sequence: Option<u64>,
    /// The day the work was done: the local date (thresholds' UTC offset)
    /// of the batch's first visit or interview; a batch exported the next
    /// morning still belongs to the day before. The export date when the
    /// batch holds no records.
    pub day: Option<NaiveDate>,
    /// SHA-256 of the data file as it is on disk.
    pub sha256: String,
    pub visits: u64,
    pub interviews: u64,
    pub visit_dispositions: BTreeMap<String, u64>,
    /// Interview ids the file holds; for an invalid batch, what it claims.
    #[serde(skip)]
    pub interview_ids: Vec<String>,
    #[serde(skip)]
    pub verdict: BatchVerdict,
}

impl InboxBatch {
    pub fn is_valid(&self) -> bool {
        self.signature == Signature::Valid
    }
}

/// One interview from a valid batch.
#[derive(Debug, Clone, Serialize)]
pub struct InboxInterview {
    pub id: String,
    pub batch_id: String,
    pub surveyor_id: String,
    pub resident_id: String,
    /// The resident's community (see the module notes); `None` unknown.
    pub community: Option<String>,
    pub questionnaire_id: String,
    pub questionnaire_version: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Seconds worked on it: its work sessions added up, pauses left out
    /// (`interview::paradata::work_sessions`); `None` without an end.
    pub work_seconds: Option<i64>,
    /// The interview this one replaces (a reopened interview's copy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
    /// For a superseded interview (`Inbox::superseded`): the one that
    /// replaces it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    pub status: InterviewOutcome,
    pub disposition: String,
    pub answers: usize,
    /// 0–100, `None` when nothing scored or the questionnaire is unknown.
    pub overall_score: Option<f64>,
    pub flags: Vec<Flag>,
    /// Index into `Inbox::batches`.
    #[serde(skip)]
    pub batch: usize,
    #[serde(skip)]
    pub record: BatchInterview,
}

/// Per surveyor, over their valid batches.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SurveyorSummary {
    pub surveyor_id: String,
    pub days: BTreeSet<NaiveDate>,
    pub batches: usize,
    pub invalid_batches: usize,
    pub visits: u64,
    pub residents: usize,
    pub interviews: usize,
    pub completed: usize,
    /// Completed interviews over interviews.
    pub completion_rate: Option<f64>,
    /// AAPOR RR1 over each resident's last disposition.
    pub rr1: Option<f64>,
    /// Mean overall score of the completed interviews that count
    /// (`Inbox::counting`).
    pub mean_overall_score: Option<f64>,
    /// How many interviews that mean is over.
    pub scored: usize,
    pub flagged: usize,
    /// Batches missing from their devices' sequences (see `Inbox::gaps`):
    /// the figures lack their work.
    pub missing_batches: usize,
    /// Final dispositions of their residents, by code.
    pub final_dispositions: BTreeMap<String, u64>,
}

/// Per community, over the valid batches.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CommunitySummary {
    /// `None`: residents whose records name no community.
    pub community: Option<String>,
    /// Residents visited (with at least one visit in the valid batches).
    pub residents: usize,
    pub visits: u64,
    pub interviews: usize,
    pub completed: usize,
    /// AAPOR RR1 over each resident's last disposition.
    pub rr1: Option<f64>,
    /// Mean overall score of the completed interviews that count
    /// (`Inbox::counting`).
    pub mean_overall_score: Option<f64>,
    /// How many interviews that mean is over.
    pub scored: usize,
    pub flagged: usize,
    /// Final dispositions of its residents, by code.
    pub final_dispositions: BTreeMap<String, u64>,
}

/// Batches missing from one device's sequence: the decisions file's type
/// (it lists the gaps handed over), named here for the inbox's users.
pub use doorstep_batch::decisions_file::SequenceGap;

/// Which interviews the scores count: approved and undecided ones, never
/// rejected ones; flagged ones too unless `leave_out_flagged`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counting {
    /// `approved_and_undecided`, or `approved_and_undecided_unflagged`.
    pub counted: &'static str,
    pub leave_out_flagged: bool,
    /// Interviews left out because the supervisor rejected them.
    pub left_out_rejected: usize,
    /// Interviews left out because they are flagged (not rejected).
    pub left_out_flagged: usize,
    #[serde(skip)]
    rejected: HashSet<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Inbox {
    pub folder: PathBuf,
    pub batches: Vec<InboxBatch>,
    /// One per resident interview: the latest version.
    pub interviews: Vec<InboxInterview>,
    /// Interviews a reopened copy in the folder replaces.
    pub superseded: Vec<InboxInterview>,
    /// Sequence gaps, per device: batches the figures lack.
    pub gaps: Vec<SequenceGap>,
    /// What the scores count.
    pub counting: Counting,
    pub surveyors: Vec<SurveyorSummary>,
    /// By community name, the unknown last.
    pub communities: Vec<CommunitySummary>,
    /// RR1 over all residents of the valid batches.
    pub rr1: Option<f64>,
    /// Things the supervisor should know that are not a batch's fault
    /// (a questionnaire not available for scoring and flags...).
    pub notes: Vec<String>,
    /// The visits of the valid batches, for each resident's history.
    #[serde(skip)]
    pub visits: Vec<VisitRecord>,
    /// The questionnaires found for the valid batches, by (id, version).
    #[serde(skip)]
    pub questionnaires: HashMap<(String, String), Questionnaire>,
}

impl Inbox {
    pub fn all_valid(&self) -> bool {
        self.batches.iter().all(InboxBatch::is_valid)
    }

    /// An interview of a valid batch, superseded ones included.
    pub fn interview(&self, id: &str) -> Option<&InboxInterview> {
        self.interviews
            .iter()
            .chain(&self.superseded)
            .find(|i| i.id == id)
    }

    /// Whether the figures lack batches (see `gaps`).
    pub fn has_gaps(&self) -> bool {
        !self.gaps.is_empty()
    }

    /// Whether `it`'s score counts in the figures (see `Counting`).
    pub fn counts(&self, it: &InboxInterview) -> bool {
        let flagged_out = self.counting.leave_out_flagged && !it.flags.is_empty();
        !flagged_out && !self.counting.rejected.contains(&it.id)
    }

    /// Sets what the scores count: `rejected` (the supervisor's rejected
    /// interview ids) never, flagged interviews unless `leave_out_flagged`;
    /// the surveyors' and communities' scores are computed again.
    pub fn set_counting<'a>(
        &mut self,
        rejected: impl IntoIterator<Item = &'a str>,
        leave_out_flagged: bool,
    ) {
        let rejected: HashSet<String> = rejected.into_iter().map(str::to_string).collect();
        let left_out_rejected = self
            .interviews
            .iter()
            .filter(|i| rejected.contains(&i.id))
            .count();
        let left_out_flagged = if leave_out_flagged {
            self.interviews
                .iter()
                .filter(|i| !rejected.contains(&i.id) && !i.flags.is_empty())
                .count()
        } else {
            0
        };
        self.counting = Counting {
            counted: if leave_out_flagged {
                "approved_and_undecided_unflagged"
            } else {
                "approved_and_undecided"
            },
            leave_out_flagged,
            left_out_rejected,
            left_out_flagged,
            rejected,
        };
        self.score_groups();
    }

    /// The mean overall score of each surveyor and community, over the
    /// completed interviews that count.
    fn score_groups(&mut self) {
        let mut by_surveyor: BTreeMap<&str, Vec<doorstep_core::scoring::InterviewScores>> =
            BTreeMap::new();
        let mut by_community: BTreeMap<Option<&str>, Vec<doorstep_core::scoring::InterviewScores>> =
            BTreeMap::new();
        for iv in &self.interviews {
            if iv.status != InterviewOutcome::Completed || !self.counts(iv) {
                continue;
            }
            let Some(o) = iv.overall_score else { continue };
            let s = doorstep_core::scoring::InterviewScores {
                dimensions: BTreeMap::new(),
                overall: Some(o),
            };
            by_surveyor
                .entry(iv.surveyor_id.as_str())
                .or_default()
                .push(s.clone());
            by_community
                .entry(iv.community.as_deref())
                .or_default()
                .push(s);
        }
        for e in &mut self.surveyors {
            let scores = by_surveyor.get(e.surveyor_id.as_str());
            e.scored = scores.map_or(0, Vec::len);
            e.mean_overall_score = scores.and_then(|s| mean_scores(s.iter()).overall);
        }
        for e in &mut self.communities {
            let scores = by_community.get(&e.community.as_deref());
            e.scored = scores.map_or(0, Vec::len);
            e.mean_overall_score = scores.and_then(|s| mean_scores(s.iter()).overall);
        }
    }

    /// The invalid batch claiming to hold interview `id`, if any.
    pub fn invalid_batch_of(&self, id: &str) -> Option<&InboxBatch> {
        self.batches
            .iter()
            .find(|b| !b.is_valid() && b.interview_ids.iter().any(|i| i == id))
    }
}

/// The batch files under a folder, recursively: the same walk as `verify`.
pub use doorstep_batch::verify::find_batch_files;

/// Reads (decrypting when possible) and parses a batch, without trusting it.
fn read_parsed(path: &Path, identities: Option<&Identities>) -> (String, Option<ParsedBatch>) {
    let Ok(data) =
        doorstep_core::fs::read_regular(path, doorstep_core::fs::limits::BATCH, "a batch")
    else {
        return (String::new(), None);
    };
    let sha = hex_sha256(&data);
    let plain = if path.extension().is_some_and(|e| e == "age") {
        match identities.map(|ids| ids.decrypt(&data)) {
            Some(Ok(p)) => p,
            _ => return (sha, None),
        }
    } else {
        data
    };
    (sha, parse_batch(&plain).ok())
}

/// Opens every batch under `folder` into the inbox model.
pub fn open_inbox(folder: &Path, opts: &InboxOptions<'_>) -> std::io::Result<Inbox> {
    let files = find_batch_files(folder)?;
    // Verification hashes and parses each file once, on every core; a
    // sound batch comes back parsed. Only for the others do we read what
    // the file claims (to say which interviews an invalid batch holds).
    // The interviews' calculates are recomputed with the questionnaires
    // given, as `doorstep verify` does: a forged value fails the batch here too.
    let mut known = doorstep_batch::KnownQuestionnaires::new();
    known.extend(opts.questionnaires.iter().cloned());
    let mut verdicts =
        doorstep_batch::verify_batches_checking(&files, opts.keys, opts.identities, &known, true);
    let parsed: Vec<(String, Option<ParsedBatch>)> = verdicts
        .iter_mut()
        .map(|v| match (v.parsed.take(), v.sha256.clone()) {
            (Some(p), Some(sha)) => (sha, Some(*p)),
            _ => read_parsed(&v.path, opts.identities),
        })
        .collect();
    let offset = FixedOffset::east_opt(opts.thresholds.utc_offset_hours * 3600)
        .unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));

    let mut batches = Vec::with_capacity(files.len());
    let mut contents: Vec<Option<ParsedBatch>> = Vec::with_capacity(files.len());
    for (verdict, (sha256, parsed)) in verdicts.into_iter().zip(parsed) {
        // Two different batches under one batch id: neither is believed
        // until someone finds out which is the surveyor's.
        let conflict = verdict
            .findings
            .iter()
            .any(|f| matches!(f, SequenceFinding::Conflict { .. }));
        let signature = match &verdict.status {
            BatchStatus::Valid if conflict => Signature::Invalid,
            BatchStatus::Valid => Signature::Valid,
            BatchStatus::UnknownKey { .. } => Signature::UnknownKey,
            _ => Signature::Invalid,
        };
        // A valid batch without content (encrypted, no identity) shows its
        // counts from the signed manifest only.
        let trusted = (signature == Signature::Valid)
            .then_some(parsed.as_ref())
            .flatten();
        let claimed = parsed.as_ref();
        let mut visit_dispositions = BTreeMap::new();
        if let Some(p) = trusted {
            for v in &p.visits {
                *visit_dispositions
                    .entry(v.disposition.code().to_string())
                    .or_default() += 1;
            }
        }
        batches.push(InboxBatch {
            path: verdict.path.clone(),
            signature,
            status: verdict.status.to_string(),
            findings: verdict
                .findings
                .iter()
                .map(SequenceFinding::to_string)
                .collect(),
            batch_id: verdict
                .batch_id
                .or(claimed.map(|p| p.manifest.batch_id))
                .map(|b| b.to_string()),
            surveyor_id: verdict
                .surveyor_id
                .clone()
                .or(claimed.map(|p| p.manifest.surveyor_id.clone())),
            device_id: verdict.device_id.clone(),
            sequence: verdict.sequence,
            day: claimed.map(|p| work_day(p).with_timezone(&offset).date_naive()),
            sha256,
            visits: verdict.counts.as_ref().map_or(0, |c| c.visits),
            interviews: verdict.counts.as_ref().map_or(0, |c| c.interviews),
            visit_dispositions,
            interview_ids: claimed
                .map(|p| p.interviews.iter().map(|i| i.id.clone()).collect())
                .unwrap_or_default(),
            verdict,
        });
        contents.push(if signature == Signature::Valid {
            parsed
        } else {
            None
        });
    }

    let mut notes = Vec::new();
    drop_repeated_records(&mut contents, &mut notes);
    let questionnaires = questionnaires_for(&contents, opts, &mut notes);
    // A batch with an answer outside its question's range (which the
    // surveyor's app never records) is not believed, whole.
    for (b, content) in batches.iter_mut().zip(contents.iter_mut()) {
        let problem = content
            .as_ref()
            .and_then(|p| answer_out_of_range(p, &questionnaires));
        if let Some(problem) = problem {
            b.signature = Signature::Invalid;
            b.findings.push(problem);
            *content = None;
        }
    }

    let community_of = resident_communities(&contents);
    // Interviews of the valid batches, in batch order.
    let mut interviews: Vec<InboxInterview> = Vec::new();
    for (bi, content) in contents.iter_mut().enumerate() {
        let Some(p) = content else { continue };
        for rec in std::mem::take(&mut p.interviews) {
            interviews.push(InboxInterview {
                id: rec.id.clone(),
                batch_id: p.manifest.batch_id.to_string(),
                surveyor_id: rec.surveyor_id.clone(),
                resident_id: rec.resident_id.clone(),
                community: community_of.get(&rec.resident_id).cloned(),
                questionnaire_id: rec.questionnaire_id.clone(),
                questionnaire_version: rec.questionnaire_version.clone(),
                started_at: rec.started_at,
                ended_at: rec.ended_at,
                work_seconds: rec
                    .ended_at
                    .map(|e| work_seconds(rec.started_at, Some(e), &rec.paradata)),
                replaces: rec.replaced_ids().last().map(str::to_string),
                superseded_by: None,
                status: rec.status,
                disposition: rec.disposition.code().to_string(),
                answers: rec.answers.len(),
                overall_score: None,
                flags: Vec::new(),
                batch: bi,
                record: rec,
            });
        }
    }
    let (mut interviews, superseded) = supersede(interviews, &mut notes);
    score_and_flag(&mut interviews, &questionnaires, &opts.thresholds);
    flag_overlaps(&mut interviews, &questionnaires, &opts.thresholds);

    let visits: Vec<(&str, &VisitRecord)> = contents
        .iter()
        .flatten()
        .flat_map(|p| {
            p.visits
                .iter()
                .map(move |v| (p.manifest.surveyor_id.as_str(), v))
        })
        .collect();
    let gaps = sequence_gaps(&batches);
    let mut surveyors = summarise(&batches, &interviews, &visits);
    for g in &gaps {
        if let Some(s) = surveyors
            .iter_mut()
            .find(|s| s.surveyor_id == g.surveyor_id)
        {
            s.missing_batches += g.missing.len();
        }
    }
    let communities = summarise_communities(&interviews, &visits, &community_of);
    let rr1 = response_rate_rr1(last_dispositions(visits.iter().map(|(_, v)| *v)).into_values());
    let visits = visits.into_iter().map(|(_, v)| v.clone()).collect();
    let mut inbox = Inbox {
        folder: folder.to_path_buf(),
        batches,
        interviews,
        superseded,
        gaps,
        counting: Counting::default(),
        surveyors,
        communities,
        rr1,
        notes,
        visits,
        questionnaires,
    };
    inbox.set_counting([], false);
    Ok(inbox)
}

/// The gaps the verifier found in each device's sequence, with the
/// missing numbers spelled out.
fn sequence_gaps(batches: &[InboxBatch]) -> Vec<SequenceGap> {
    let mut out = Vec::new();
    for b in batches {
        for f in &b.verdict.findings {
            if let SequenceFinding::Gap {
                device_id,
                after,
                before,
            } = f
            {
                out.push(SequenceGap {
                    surveyor_id: b.surveyor_id.clone().unwrap_or_else(|| "?".into()),
                    device_id: device_id.clone(),
                    missing: (after + 1..*before).collect(),
                });
            }
        }
    }
    out
}

/// Splits off the interviews that a later record of the folder replaces
/// (`BatchInterview::replaced_ids`): (current, superseded). Only a record
/// of the same resident can replace an interview; another claim is not
/// believed, and noted.
fn supersede(
    interviews: Vec<InboxInterview>,
    notes: &mut Vec<String>,
) -> (Vec<InboxInterview>, Vec<InboxInterview>) {
    let resident_of: HashMap<&str, &str> = interviews
        .iter()
        .map(|i| (i.id.as_str(), i.resident_id.as_str()))
        .collect();
    let mut by: HashMap<String, String> = HashMap::new();
    for iv in &interviews {
        for old in iv.record.replaced_ids() {
            match resident_of.get(old) {
                Some(r) if *r == iv.resident_id && old != iv.id => {
                    by.insert(old.to_string(), iv.id.clone());
                }
                Some(_) => notes.push(format!(
                    "interview {} says it replaces interview {old} of another resident: not believed",
                    iv.id
                )),
                None => {}
            }
        }
    }
    if by.is_empty() {
        return (interviews, Vec::new());
    }
    let (mut current, mut old) = (Vec::new(), Vec::new());
    for mut iv in interviews {
        match by.remove(&iv.id) {
            Some(newer) => {
                iv.superseded_by = Some(newer);
                old.push(iv);
            }
            None => current.push(iv),
        }
    }
    (current, old)
}

/// When a batch's work began: its first visit or interview, else its export.
fn work_day(p: &ParsedBatch) -> DateTime<Utc> {
    p.visits
        .iter()
        .map(|v| v.at)
        .chain(p.interviews.iter().map(|i| i.started_at))
        .min()
        .unwrap_or(p.manifest.created_at)
}

type QKey = (String, String);

/// The questionnaire of each (id, version) the valid batches name, matched
/// on the content hash: a different text under the same version would
/// score other questions.
fn questionnaires_for(
    contents: &[Option<ParsedBatch>],
    opts: &InboxOptions<'_>,
    notes: &mut Vec<String>,
) -> HashMap<QKey, Questionnaire> {
    let mut wanted: BTreeMap<QKey, String> = BTreeMap::new();
    for p in contents.iter().flatten() {
        for r in &p.manifest.questionnaires {
            wanted.insert((r.id.clone(), r.version.clone()), r.content_hash.clone());
        }
    }
    let mut out = HashMap::new();
    for ((id, version), hash) in wanted {
        let found = opts
            .questionnaires
            .iter()
            .find(|q| q.id == id && q.version == version && q.content_hash == hash);
        match found {
            Some(q) => {
                out.insert((id, version), q.clone());
            }
            None => notes.push(format!(
                "questionnaire {id} {version} (sha256 {hash}) not available: its interviews are \
                 neither scored nor flagged; give the file with --questionnaire FILE"
            )),
        }
    }
    out
}

/// Scores every interview and flags them, per questionnaire, over all the
/// folder's interviews of that questionnaire (speeding compares with the
/// median, duplicates look across surveyors).
fn score_and_flag(
    interviews: &mut [InboxInterview],
    questionnaires: &HashMap<QKey, Questionnaire>,
    t: &Thresholds,
) {
    let mut groups: HashMap<QKey, Vec<usize>> = HashMap::new();
    for (i, iv) in interviews.iter().enumerate() {
        groups
            .entry((
                iv.questionnaire_id.clone(),
                iv.questionnaire_version.clone(),
            ))
            .or_default()
            .push(i);
    }
    for (key, members) in groups {
        let Some(q) = questionnaires.get(&key) else {
            continue;
        };
        // Borrowed from the records: scores and flags are set once all are
        // computed.
        let ivs = &*interviews;
        let answers: Vec<Vec<(&str, Option<u32>, &Answer)>> = par_map(&members, |&i| {
            let answers = &ivs[i].record.answers;
            let mut v = Vec::with_capacity(answers.len());
            v.extend(answers.iter().filter_map(|(k, a)| {
                let (qid, inst) = parse_answer_key(k)?;
                Some((qid, inst, a))
            }));
            v
        });
        let flags = {
            let facts: Vec<InterviewFacts<'_>> = members
                .iter()
                .zip(&answers)
                .map(|(&i, a)| {
                    let r = &ivs[i].record;
                    InterviewFacts {
                        id: r.id.clone(),
                        resident_id: r.resident_id.clone(),
                        started_at: r.started_at,
                        ended_at: r.ended_at,
                        answers: a,
                        events: &r.paradata,
                        completed: r.status == InterviewOutcome::Completed,
                    }
                })
                .collect();
            flag_interviews(q, &facts, t)
        };
        let overall: Vec<Option<f64>> = par_map(&answers, |a| {
            score_interview(
                q,
                a.iter()
                    .filter(|(_, inst, _)| inst.is_none())
                    .map(|(id, _, ans)| (*id, *ans)),
            )
            .overall
        });
        drop(answers);
        for ((&i, f), o) in members.iter().zip(flags).zip(overall) {
            interviews[i].overall_score = o;
            interviews[i].flags = f;
        }
    }
}

/// One surveyor's interviews worked on at the same time, across
/// questionnaires (those with the questionnaire at hand: the others are
/// not flagged at all).
fn flag_overlaps(
    interviews: &mut [InboxInterview],
    questionnaires: &HashMap<QKey, Questionnaire>,
    t: &Thresholds,
) {
    let members: Vec<usize> = (0..interviews.len())
        .filter(|&i| {
            let iv = &interviews[i];
            questionnaires.contains_key(&(
                iv.questionnaire_id.clone(),
                iv.questionnaire_version.clone(),
            ))
        })
        .collect();
    let worked: Vec<WorkedTimes<'_>> = members
        .iter()
        .map(|&i| {
            let iv = &interviews[i];
            WorkedTimes {
                surveyor_id: &iv.surveyor_id,
                started_at: iv.started_at,
                // Without an end, the last event ends the last session.
                sessions: work_sessions(iv.started_at, iv.ended_at, &iv.record.paradata),
            }
        })
        .collect();
    let flags = overlap_flags(&worked, t);
    drop(worked);
    for (i, f) in members.into_iter().zip(flags) {
        interviews[i].flags.extend(f);
    }
}

/// Each resident's last disposition: the latest visit (time, then attempt).
fn last_dispositions<'a>(
    visits: impl Iterator<Item = &'a VisitRecord>,
) -> BTreeMap<&'a str, Disposition> {
    let mut last: BTreeMap<&str, &VisitRecord> = BTreeMap::new();
    for v in visits {
        let e = last.entry(v.resident_id.as_str()).or_insert(v);
        if (v.at, v.attempt) > (e.at, e.attempt) {
            *e = v;
        }
    }
    last.into_iter().map(|(r, v)| (r, v.disposition)).collect()
}

fn summarise(
    batches: &[InboxBatch],
    interviews: &[InboxInterview],
    visits: &[(&str, &VisitRecord)],
) -> Vec<SurveyorSummary> {
    let mut by: BTreeMap<String, SurveyorSummary> = BTreeMap::new();
    fn entry<'m>(
        by: &'m mut BTreeMap<String, SurveyorSummary>,
        s: &str,
    ) -> &'m mut SurveyorSummary {
        by.entry(s.to_string()).or_insert_with(|| SurveyorSummary {
            surveyor_id: s.to_string(),
            ..Default::default()
        })
    }
    for b in batches {
        let s = b.surveyor_id.as_deref().unwrap_or("?");
        let e = entry(&mut by, s);
        if b.is_valid() {
            e.batches += 1;
            // The visits read are counted below, each once; a batch whose
            // content was not read (encrypted, no identity) by its
            // signed manifest.
            if !b.verdict.content_checked {
                e.visits += b.visits;
            }
            e.days.extend(b.day);
        } else {
            e.invalid_batches += 1;
        }
    }
    for iv in interviews {
        let e = entry(&mut by, &iv.surveyor_id);
        e.interviews += 1;
        if iv.status == InterviewOutcome::Completed {
            e.completed += 1;
        }
        if !iv.flags.is_empty() {
            e.flagged += 1;
        }
    }
    let mut per_surveyor: BTreeMap<&str, Vec<&VisitRecord>> = BTreeMap::new();
    for (s, v) in visits {
        per_surveyor.entry(s).or_default().push(v);
    }
    for (s, vs) in per_surveyor {
        let vs_len = vs.len() as u64;
        let last = last_dispositions(vs.into_iter());
        if let Some(e) = by.get_mut(s) {
            e.visits += vs_len;
            e.residents = last.len();
            for d in last.values() {
                *e.final_dispositions
                    .entry(d.code().to_string())
                    .or_default() += 1;
            }
            e.rr1 = response_rate_rr1(last.into_values());
        }
    }
    for e in by.values_mut() {
        e.completion_rate = (e.interviews > 0).then(|| e.completed as f64 / e.interviews as f64);
    }
    by.into_values().collect()
}

/// Each resident's community: the one named by their latest record (visit
/// or interview of a valid batch) that names one.
fn resident_communities(contents: &[Option<ParsedBatch>]) -> HashMap<String, String> {
    let records = contents.iter().flatten().flat_map(|p| {
        let visits = p
            .visits
            .iter()
            .map(|v| (&v.resident_id, v.at, &v.community));
        let interviews = p
            .interviews
            .iter()
            .map(|i| (&i.resident_id, i.started_at, &i.community));
        visits.chain(interviews)
    });
    let mut latest: HashMap<&str, (DateTime<Utc>, &str)> = HashMap::new();
    for (resident, at, community) in records {
        let Some(c) = community.as_deref() else {
            continue;
        };
        let e = latest.entry(resident.as_str()).or_insert((at, c));
        if (at, c) > *e {
            *e = (at, c);
        }
    }
    latest
        .into_iter()
        .map(|(r, (_, c))| (r.to_string(), c.to_string()))
        .collect()
}

fn summarise_communities(
    interviews: &[InboxInterview],
    visits: &[(&str, &VisitRecord)],
    community_of: &HashMap<String, String>,
) -> Vec<CommunitySummary> {
    // Named communities in order, then the unknown.
    type Key = (bool, String);
    let key = |c: Option<&String>| c.map_or((true, String::new()), |c| (false, c.clone()));
    let mut by: BTreeMap<Key, CommunitySummary> = BTreeMap::new();
    let mut visits_of: BTreeMap<Key, Vec<&VisitRecord>> = BTreeMap::new();
    for (_, v) in visits {
        visits_of
            .entry(key(community_of.get(&v.resident_id)))
            .or_default()
            .push(v);
    }
    for (k, vs) in visits_of {
        let e = by.entry(k).or_default();
        e.visits = vs.len() as u64;
        let last = last_dispositions(vs.into_iter());
        e.residents = last.len();
        for d in last.values() {
            *e.final_dispositions
                .entry(d.code().to_string())
                .or_default() += 1;
        }
        e.rr1 = response_rate_rr1(last.into_values());
    }
    for iv in interviews {
        let e = by.entry(key(iv.community.as_ref())).or_default();
        e.interviews += 1;
        if iv.status == InterviewOutcome::Completed {
            e.completed += 1;
        }
        if !iv.flags.is_empty() {
            e.flagged += 1;
        }
    }
    by.into_iter()
        .map(|(k, mut e)| {
            e.community = (!k.0).then_some(k.1);
            e
        })
        .collect()
}

/// A record that more than one valid batch holds (work sent twice, a
/// replay, a copy of a batch) counts once: in the first batch that holds
/// it. The verifier names each such batch (`SequenceFinding::
/// DuplicateRecords`); a note says how many were left out.
fn drop_repeated_records(contents: &mut [Option<ParsedBatch>], notes: &mut Vec<String>) {
    let mut interviews: HashSet<String> = HashSet::new();
    let mut visits: HashSet<String> = HashSet::new();
    let (mut dropped_interviews, mut dropped_visits) = (0usize, 0usize);
    for p in contents.iter_mut().flatten() {
        let before = (p.interviews.len(), p.visits.len());
        p.interviews.retain(|i| interviews.insert(i.id.clone()));
        p.visits.retain(|v| visits.insert(v.id.clone()));
        dropped_interviews += before.0 - p.interviews.len();
        dropped_visits += before.1 - p.visits.len();
    }
    if dropped_interviews + dropped_visits > 0 {
        notes.push(format!(
            "{dropped_interviews} interviews and {dropped_visits} visits appear in more than one batch: each is counted once"
        ));
    }
}

/// The first answer of `p` outside its question's range, as a finding:
/// a rating outside the scale, a number outside its `min`/`max`, a decimal
/// that is not finite. Questions of a questionnaire not available are not
/// checked.
fn answer_out_of_range(
    p: &ParsedBatch,
    questionnaires: &HashMap<QKey, Questionnaire>,
) -> Option<String> {
    use doorstep_core::answer::{Answer, AnswerValue};
    use doorstep_core::questionnaire::QuestionKind;
    for i in &p.interviews {
        let key = (i.questionnaire_id.clone(), i.questionnaire_version.clone());
        let Some(q) = questionnaires.get(&key) else {
            continue;
        };
        for (k, a) in &i.answers {
            let Answer::Value(value) = a else { continue };
            let Some(question) = parse_answer_key(k)
                .and_then(|(qid, _)| q.question_index(qid))
                .map(|ix| &q.questions[ix])
            else {
                continue;
            };
            let out = match (&question.kind, value) {
                (QuestionKind::Rating { min, max, .. }, AnswerValue::Rating { value }) => {
                    (!(min..=max).contains(&value))
                        .then(|| format!("{value}, outside {min}..={max}"))
                }
                (QuestionKind::Integer { min, max }, AnswerValue::Integer { value }) => {
                    (min.is_some_and(|m| *value < m) || max.is_some_and(|m| *value > m))
                        .then(|| format!("{value}, outside its min/max"))
                }
                (QuestionKind::Decimal { min, max }, AnswerValue::Decimal { value }) => (!value
                    .is_finite()
                    || min.is_some_and(|m| *value < m)
                    || max.is_some_and(|m| *value > m))
                .then(|| format!("{value}, outside its min/max")),
                _ => None,
            };
            if let Some(what) = out {
                return Some(format!(
                    "interview {}: answer {k} is {what}: the batch is not counted",
                    i.id
                ));
            }
        }
    }
    None
}
