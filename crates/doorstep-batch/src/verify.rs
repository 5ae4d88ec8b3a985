//! Checking batches: signature, trusted comment, content, and sequence
//! numbers across the batches given. Every batch gets a precise verdict.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use doorstep_core::lang::Lang;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::format::{BatchCounts, ContentProblem, ParsedBatch, claimed_counts, parse_batch};
use super::keys::{PublicKey, TrustedKeys};
use super::sign::{self, CommentProblem, MinisignSignature, TrustedComment};
use super::write::Identities;
use crate::fsutil::signature_path;

/// What is wrong with one batch, if anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BatchStatus {
    /// Signed by the named surveyor's trusted key, unchanged, and (unless
    /// encrypted without an identity) its content checks out.
    Valid,
    /// The signature fails for the named surveyor's key: content, trusted
    /// comment or signature changed after signing.
    Tampered { reason: Problem },
    /// The signature fails and the file is shorter than signed (or its last
    /// line is incomplete, or records are missing).
    Truncated { reason: Problem },
    /// The signature was made by a key other than the named surveyor's:
    /// `signer` is the trusted surveyor whose key it is, or none.
    SignedByAnotherKey {
        claimed_surveyor: String,
        key_id: String,
        signer: Option<String>,
    },
    /// No trusted key for the surveyor the batch names.
    UnknownKey { surveyor_id: String },
    /// Unreadable signature file, trusted comment or manifest.
    Malformed { what: Problem },
    /// A format version this build does not know.
    UnsupportedVersion { what: Problem },
}

/// What exactly is wrong with a batch, as data: `Display` says it in
/// English (the `verify` command, the JSON, the logs); the review app says
/// it in the interface language from the same fields
/// (`tui::review_text::problem_text`). Serialised as the English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The batch file cannot be read.
    BatchUnreadable { kind: io::ErrorKind, error: String },
    /// No `.minisig` beside the batch.
    NoSignatureFile { path: PathBuf },
    /// The `.minisig` exists but cannot be read.
    SignatureUnreadable {
        path: PathBuf,
        kind: io::ErrorKind,
        error: String,
    },
    /// The `.minisig` is not a minisign signature.
    SignatureInvalid { path: PathBuf, error: String },
    /// Authentic trusted comment, of a batch format version this build
    /// does not read.
    FormatVersion { version: u64 },
    /// Authentic trusted comment that is not a doorstep batch comment.
    CommentNotDoorstep,
    /// Authentic trusted comment that cannot be read.
    CommentMalformed { error: String },
    /// A trusted key's signature over a changed trusted comment.
    CommentChanged { key_id: String, surveyor: String },
    /// A trusted comment that cannot be read, signed with an unknown key.
    CommentUnreadable { problem: String, key_id: String },
    /// The signature file's key id field was altered.
    KeyIdChanged {
        key_id: String,
        surveyor: String,
        surveyor_key: String,
    },
    /// The signature file's unsigned parts were altered.
    SignatureFileLayoutChanged,
    /// The trusted comment names one surveyor; the file was signed with
    /// another's key.
    CommentNamesAnother { named: String, signer: String },
    /// The signature's key id is not the key its untrusted comment names.
    SignatureKeyIdAltered { key_id: String, named_key: String },
    /// The file verifies but its trusted comment does not.
    CommentOrSignatureChanged,
    /// Neither the file nor the comment verify with the surveyor's key.
    SignatureMismatch { surveyor: String },
    /// The file is not what was signed: `added` bytes more, or the same
    /// size with different bytes (`None`).
    ContentChanged {
        added: Option<u64>,
        signed_sha256: String,
    },
    /// The file is shorter than signed; what its lines show, if anything.
    Shorter {
        bytes: u64,
        signed_bytes: u64,
        evidence: Option<ContentProblem>,
    },
    /// The signed comment's size or checksum does not match the file.
    SizeOrHashMismatch,
    /// An encrypted batch the identity given cannot open.
    CannotDecrypt { error: String },
    /// The manifest names a format version this build does not read.
    ManifestVersion { format: String, version: u64 },
    /// Signed, but the lines do not hold together.
    ContentInvalid(ContentProblem),
    /// The manifest and the signed trusted comment disagree.
    ManifestDisagrees(Vec<Disagreement>),
}

/// One field on which the manifest and the trusted comment disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub field: ManifestField,
    pub manifest: String,
    pub signed: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestField {
    Batch,
    Surveyor,
    Device,
    Sequence,
}

/// In English, as `verify` prints it (the words: `problem_text.rs`).
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl BatchStatus {
    /// The verdict's name as `verify` prints it ("TAMPERED"; the words:
    /// `problem_text.rs`).
    pub fn label(&self) -> &'static str {
        self.name(Lang::En)
    }

    /// What exactly is wrong, after the label; `None` for a valid batch.
    pub fn detail(&self) -> Option<String> {
        self.detail_in(Lang::En)
    }
}

impl fmt::Display for BatchStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.label())?;
        match self.detail() {
            Some(d) => write!(f, ": {d}"),
            None => Ok(()),
        }
    }
}

/// A finding about sequence numbers across the batches verified together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum SequenceFinding {
    /// Batches `after + 1 ..= before - 1` of the device were not given.
    Gap {
        device_id: String,
        after: u64,
        before: u64,
    },
    /// Another batch given has the same device and sequence.
    Duplicate {
        device_id: String,
        sequence: u64,
        other: PathBuf,
        /// The same batch (same id) given twice, e.g. a copy.
        same_batch: bool,
    },
}

impl fmt::Display for SequenceFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// The verdict on one batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchVerdict {
    /// The data file (`.jsonl` or `.jsonl.age`).
    pub path: PathBuf,
    #[serde(flatten)]
    pub status: BatchStatus,
    /// From the trusted comment once it verified (and the manifest agrees).
    pub batch_id: Option<Uuid>,
    pub surveyor_id: Option<String>,
    pub device_id: Option<String>,
    pub sequence: Option<u64>,
    pub encrypted: bool,
    /// False when the batch is encrypted and no identity was given: only
    /// the signature and checksum were checked.
    pub content_checked: bool,
    pub counts: Option<BatchCounts>,
    /// The manifest's counts as the file states them, whether or not it
    /// verified: for a batch that fails, what it claims to hold
    /// (unverified). `None` when its manifest cannot be read.
    #[serde(skip)]
    pub claimed_counts: Option<BatchCounts>,
    pub findings: Vec<SequenceFinding>,
    /// SHA-256 of the data file as read, once its trusted comment was read.
    #[serde(skip)]
    pub sha256: Option<String>,
    /// The content, when it was checked and found sound: readers (the
    /// supervisor's inbox) need not parse the file a second time.
    #[serde(skip)]
    pub parsed: Option<Box<ParsedBatch>>,
}

impl BatchVerdict {
    fn new(path: &Path, status: BatchStatus) -> Self {
        BatchVerdict {
            path: path.to_path_buf(),
            status,
            batch_id: None,
            surveyor_id: None,
            device_id: None,
            sequence: None,
            encrypted: path.extension().is_some_and(|e| e == "age"),
            content_checked: false,
            counts: None,
            claimed_counts: None,
            findings: Vec::new(),
            sha256: None,
            parsed: None,
        }
    }

    pub fn is_valid(&self) -> bool {
        self.status == BatchStatus::Valid
    }

    /// Valid and no sequence finding.
    pub fn is_ok(&self) -> bool {
        self.is_valid() && self.findings.is_empty()
    }
}

impl fmt::Display for BatchVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.status)?;
        if self.is_valid() {
            if let (Some(s), Some(d), Some(q)) = (&self.surveyor_id, &self.device_id, self.sequence)
            {
                write!(f, " surveyor {s} device {d} seq {q}")?;
            }
            if let Some(c) = &self.counts {
                write!(f, " ({} visits, {} interviews)", c.visits, c.interviews)?;
            }
            if !self.content_checked {
                write!(
                    f,
                    " (encrypted: signature checked, content not; give --identity to check it)"
                )?;
            }
        }
        for finding in &self.findings {
            write!(f, "; {finding}")?;
        }
        Ok(())
    }
}

/// The data files named by `paths`: a `.minisig` stands for its data file;
/// a folder stands for the batches in it and in its subfolders
/// (`find_batch_files`).
pub fn batch_files<P: AsRef<Path>>(paths: &[P]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths.iter().map(|p| p.as_ref()) {
        if p.is_dir() {
            // An unreadable folder finds nothing: "no batch files found".
            out.extend(find_batch_files(p).unwrap_or_default());
        } else {
            let s = p.to_string_lossy();
            match s.strip_suffix(".minisig") {
                Some(data) => out.push(PathBuf::from(data)),
                None => out.push(p.to_path_buf()),
            }
        }
    }
    out
}

/// `*.jsonl` and `*.jsonl.age` under `dir`, recursively (a supervisor's
/// inbox has a folder per surveyor), sorted; hidden files and folders
/// (unfinished writes are `.NAME.tmp`) are skipped. `verify` and the
/// review's inbox walk folders with this one function.
pub fn find_batch_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if name.ends_with(".jsonl") || name.ends_with(".jsonl.age") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Verifies each batch, then the sequence numbers across them. One verdict
/// per batch file, in the order given.
pub fn verify_batches<P: AsRef<Path>>(
    paths: &[P],
    keys: &TrustedKeys,
    identities: Option<&Identities>,
) -> Vec<BatchVerdict> {
    let files = batch_files(paths);
    // Batches are independent: verify them on every core, keeping order.
    // Each thread takes the next file when done with one (a fixed share
    // left a core idle when the other was slowed), and reads every file
    // into one buffer (a fresh one per file cost page faults).
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let mut verdicts: Vec<(usize, BatchVerdict)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut buf = Vec::new();
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(p) = files.get(i) else { break done };
                        done.push((i, verify_one_with(p, keys, identities, &mut buf)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    verdicts.sort_by_key(|(i, _)| *i);
    let mut verdicts: Vec<BatchVerdict> = verdicts.into_iter().map(|(_, v)| v).collect();
    sequence_findings(&mut verdicts);
    verdicts
}

/// Verifies the batch whose data file is `path`.
pub fn verify_one(
    path: &Path,
    keys: &TrustedKeys,
    identities: Option<&Identities>,
) -> BatchVerdict {
    verify_one_with(path, keys, identities, &mut Vec::new())
}

/// `verify_one`, reading the file into `buf`; with what the manifest
/// claims to hold.
fn verify_one_with(
    path: &Path,
    keys: &TrustedKeys,
    identities: Option<&Identities>,
    buf: &mut Vec<u8>,
) -> BatchVerdict {
    let mut v = check_one(path, keys, identities, buf);
    v.claimed_counts = match &v.counts {
        Some(c) => Some(c.clone()),
        None if buf.is_empty() => None,
        None if v.encrypted => identities
            .and_then(|ids| ids.decrypt(buf).ok())
            .and_then(|p| claimed_counts(&p)),
        None => claimed_counts(buf),
    };
    v
}

/// The checks of `verify_one`, reading the file into `buf`.
fn check_one(
    path: &Path,
    keys: &TrustedKeys,
    identities: Option<&Identities>,
    buf: &mut Vec<u8>,
) -> BatchVerdict {
    let sig_path = signature_path(path);
    let malformed = |what: Problem| BatchVerdict::new(path, BatchStatus::Malformed { what });

    buf.clear();
    // Sized from the file's length first: growing by doubling while reading
    // a 40 MB batch costs more than the hashing that follows.
    let read = doorstep_core::fs::open_regular(path, doorstep_core::fs::limits::BATCH, "a batch")
        .map_err(io::Error::from)
        .and_then(|mut f| {
            let len = f.metadata().map_or(0, |m| m.len() as usize);
            buf.reserve(len.saturating_add(1));
            f.read_to_end(buf)
        });
    if let Err(e) = read {
        return malformed(Problem::BatchUnreadable {
            kind: e.kind(),
            error: e.to_string(),
        });
    }
    let data: &[u8] = buf;
    let sig_bytes = match doorstep_core::fs::read_regular(
        &sig_path,
        doorstep_core::fs::limits::SMALL_FILE,
        "a signature",
    )
    .map_err(io::Error::from)
    {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return malformed(Problem::NoSignatureFile { path: sig_path });
        }
        Err(e) => {
            return malformed(Problem::SignatureUnreadable {
                path: sig_path,
                kind: e.kind(),
                error: e.to_string(),
            });
        }
    };
    let sig = match MinisignSignature::parse(&sig_bytes) {
        Ok(s) => s,
        Err(error) => {
            return malformed(Problem::SignatureInvalid {
                path: sig_path,
                error,
            });
        }
    };
    let (prehash, sha256) = hashes(data);
    let key_id = sig.key_id.to_string();
    // The trusted key whose id the signature carries, and what it verifies.
    let by_id: Option<&PublicKey> = keys.iter().find(|k| k.key_id == sig.key_id);
    let by_id_check = by_id.map(|k| sig.check(k, &prehash));

    let tc = match TrustedComment::parse(&sig.trusted_comment) {
        Ok(tc) => tc,
        Err(problem) => {
            // Only an authentic comment's problem is the signer's; otherwise
            // the comment was changed or is not ours.
            let authentic = matches!(by_id_check, Some((_, true)));
            let status = match (problem, authentic) {
                (CommentProblem::UnsupportedVersion(v), true) => BatchStatus::UnsupportedVersion {
                    what: Problem::FormatVersion { version: v },
                },
                (CommentProblem::NotDoorstep, true) => BatchStatus::Malformed {
                    what: Problem::CommentNotDoorstep,
                },
                (CommentProblem::Malformed(m), true) => BatchStatus::Malformed {
                    what: Problem::CommentMalformed { error: m },
                },
                (_, false) if by_id.is_some() => BatchStatus::Tampered {
                    reason: Problem::CommentChanged {
                        key_id: key_id.clone(),
                        surveyor: by_id
                            .map(|k| k.surveyor_id.as_str())
                            .unwrap_or("?")
                            .to_string(),
                    },
                },
                (p, false) => BatchStatus::Malformed {
                    what: Problem::CommentUnreadable {
                        problem: match p {
                            CommentProblem::NotDoorstep => "not a doorstep batch comment".into(),
                            CommentProblem::UnsupportedVersion(v) => format!("version {v}"),
                            CommentProblem::Malformed(m) => m,
                        },
                        key_id: key_id.clone(),
                    },
                },
            };
            return BatchVerdict::new(path, status);
        }
    };

    let mut verdict = BatchVerdict::new(path, BatchStatus::Valid);
    verdict.encrypted = tc.encrypted;
    verdict.sha256 = Some(sha256.clone());
    let named = keys.get(&tc.surveyor_id);
    let named_check = match (named, by_id) {
        (Some(k), Some(m)) if k.key_id == m.key_id => by_id_check,
        (Some(k), _) => Some(sig.check(k, &prehash)),
        (None, _) => None,
    };
    let fail = |mut v: BatchVerdict, status: BatchStatus| {
        v.status = status;
        v
    };

    match (named, named_check) {
        (Some(k), Some((true, true))) => {
            // Authentic. The parts minisign does not sign must still be
            // exactly as doorstep writes them.
            if sig.key_id != k.key_id {
                return fail(
                    verdict,
                    BatchStatus::Tampered {
                        reason: Problem::KeyIdChanged {
                            key_id: key_id.clone(),
                            surveyor: k.surveyor_id.clone(),
                            surveyor_key: k.key_id.to_string(),
                        },
                    },
                );
            }
            let canonical = MinisignSignature {
                untrusted_comment: sign::untrusted_comment(&k.surveyor_id, k.key_id),
                ..sig.clone()
            }
            .to_text();
            if canonical.as_bytes() != sig_bytes.as_slice() {
                return fail(
                    verdict,
                    BatchStatus::Tampered {
                        reason: Problem::SignatureFileLayoutChanged,
                    },
                );
            }
        }
        (None, _) => {
            let status = match (by_id, by_id_check) {
                (Some(m), Some((true, false))) => BatchStatus::Tampered {
                    reason: Problem::CommentNamesAnother {
                        named: tc.surveyor_id.clone(),
                        signer: m.surveyor_id.clone(),
                    },
                },
                _ => BatchStatus::UnknownKey {
                    surveyor_id: tc.surveyor_id.clone(),
                },
            };
            return fail(verdict, status);
        }
        (Some(k), Some((file_ok, comment_ok))) => {
            let status = match (by_id, by_id_check) {
                (Some(m), Some((true, true))) if m.surveyor_id != k.surveyor_id => {
                    BatchStatus::SignedByAnotherKey {
                        claimed_surveyor: tc.surveyor_id.clone(),
                        key_id: key_id.clone(),
                        signer: Some(m.surveyor_id.clone()),
                    }
                }
                (Some(m), Some((true, false))) if m.surveyor_id != k.surveyor_id => {
                    BatchStatus::Tampered {
                        reason: Problem::CommentNamesAnother {
                            named: tc.surveyor_id.clone(),
                            signer: m.surveyor_id.clone(),
                        },
                    }
                }
                // Our untrusted comment names the signing key: if it names
                // this surveyor's key, the key id field itself was altered.
                (None, _)
                    if !file_ok
                        && !comment_ok
                        && sig.untrusted_comment
                            == sign::untrusted_comment(&k.surveyor_id, k.key_id) =>
                {
                    BatchStatus::Tampered {
                        reason: Problem::SignatureKeyIdAltered {
                            key_id: key_id.clone(),
                            named_key: k.key_id.to_string(),
                        },
                    }
                }
                (None, _) if !file_ok && !comment_ok => BatchStatus::SignedByAnotherKey {
                    claimed_surveyor: tc.surveyor_id.clone(),
                    key_id: key_id.clone(),
                    signer: None,
                },
                _ if comment_ok && !file_ok => content_changed(data, &tc),
                _ if file_ok && !comment_ok => BatchStatus::Tampered {
                    reason: Problem::CommentOrSignatureChanged,
                },
                _ => BatchStatus::Tampered {
                    reason: Problem::SignatureMismatch {
                        surveyor: k.surveyor_id.clone(),
                    },
                },
            };
            return fail(verdict, status);
        }
        (Some(_), None) => unreachable!("a named key is always checked"),
    }

    // From here the trusted comment is the named surveyor's own word.
    verdict.batch_id = Some(tc.batch_id);
    verdict.surveyor_id = Some(tc.surveyor_id.clone());
    verdict.device_id = Some(tc.device_id.clone());
    verdict.sequence = Some(tc.sequence);
    if tc.bytes != data.len() as u64 || tc.sha256 != sha256 {
        return fail(
            verdict,
            BatchStatus::Malformed {
                what: Problem::SizeOrHashMismatch,
            },
        );
    }
    let plaintext;
    let content: &[u8] = if tc.encrypted {
        match identities {
            None => return verdict,
            Some(ids) => match ids.decrypt(data) {
                Ok(p) => {
                    plaintext = p;
                    &plaintext
                }
                Err(e) => {
                    return fail(
                        verdict,
                        BatchStatus::Malformed {
                            what: Problem::CannotDecrypt {
                                error: e.to_string(),
                            },
                        },
                    );
                }
            },
        }
    } else {
        data
    };
    verdict.content_checked = true;
    let parsed = match parse_batch(content) {
        Ok(p) => p,
        Err(problem) => {
            let status = match problem {
                ContentProblem::UnsupportedVersion { format, version } => {
                    BatchStatus::UnsupportedVersion {
                        what: Problem::ManifestVersion { format, version },
                    }
                }
                other => BatchStatus::Malformed {
                    what: Problem::ContentInvalid(other),
                },
            };
            return fail(verdict, status);
        }
    };
    let m = &parsed.manifest;
    let differ = |field, manifest: String, signed: String| {
        (manifest != signed).then_some(Disagreement {
            field,
            manifest,
            signed,
        })
    };
    let disagreements: Vec<Disagreement> = [
        differ(
            ManifestField::Batch,
            m.batch_id.to_string(),
            tc.batch_id.to_string(),
        ),
        differ(
            ManifestField::Surveyor,
            m.surveyor_id.clone(),
            tc.surveyor_id.clone(),
        ),
        differ(
            ManifestField::Device,
            m.device_id.clone(),
            tc.device_id.clone(),
        ),
        differ(
            ManifestField::Sequence,
            m.sequence.to_string(),
            tc.sequence.to_string(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !disagreements.is_empty() {
        return fail(
            verdict,
            BatchStatus::Malformed {
                what: Problem::ManifestDisagrees(disagreements),
            },
        );
    }
    verdict.counts = Some(parsed.manifest.counts.clone());
    verdict.parsed = Some(Box::new(parsed));
    verdict
}

/// The comment is authentic but the file is not what was signed. The
/// signed comment gives the signed size, so a shorter file is named
/// truncated (with the structural evidence when the plaintext shows it);
/// anything else is tampering.
fn content_changed(data: &[u8], tc: &TrustedComment) -> BatchStatus {
    let len = data.len() as u64;
    if len < tc.bytes {
        let evidence = match parse_batch(data) {
            Err(
                p @ (ContentProblem::IncompleteLastLine | ContentProblem::MissingRecords { .. }),
            ) if !tc.encrypted => Some(p),
            _ => None,
        };
        return BatchStatus::Truncated {
            reason: Problem::Shorter {
                bytes: len,
                signed_bytes: tc.bytes,
                evidence,
            },
        };
    }
    BatchStatus::Tampered {
        reason: Problem::ContentChanged {
            added: (len > tc.bytes).then(|| len - tc.bytes),
            signed_sha256: tc.sha256.clone(),
        },
    }
}

/// BLAKE2b-512 (minisign's prehash) and SHA-256, on two threads for big
/// files.
fn hashes(data: &[u8]) -> ([u8; 64], String) {
    let sha = || -> String {
        Sha256::digest(data)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect()
    };
    if data.len() < (1 << 20) {
        return (sign::prehash(data), sha());
    }
    std::thread::scope(|s| {
        let h = s.spawn(sha);
        let b = sign::prehash(data);
        (b, h.join().expect("sha256 thread"))
    })
}

/// Per device: gaps between the sequence numbers given, and duplicates.
/// Only valid batches count: an unverified trusted comment proves nothing.
fn sequence_findings(verdicts: &mut [BatchVerdict]) {
    let mut by_device: BTreeMap<String, Vec<(u64, usize)>> = BTreeMap::new();
    for (i, v) in verdicts.iter().enumerate() {
        if let (true, Some(d), Some(s)) = (v.is_valid(), &v.device_id, v.sequence) {
            by_device.entry(d.clone()).or_default().push((s, i));
        }
    }
    for (device, mut seqs) in by_device {
        seqs.sort();
        for w in seqs.windows(2) {
            let ((a, ia), (b, ib)) = (w[0], w[1]);
            if a == b {
                let same = verdicts[ia].batch_id == verdicts[ib].batch_id;
                for (me, other) in [(ia, ib), (ib, ia)] {
                    let other_path = verdicts[other].path.clone();
                    verdicts[me].findings.push(SequenceFinding::Duplicate {
                        device_id: device.clone(),
                        sequence: a,
                        other: other_path,
                        same_batch: same,
                    });
                }
            } else if b > a + 1 {
                verdicts[ib].findings.push(SequenceFinding::Gap {
                    device_id: device.clone(),
                    after: a,
                    before: b,
                });
            }
        }
    }
}
