//! What exactly is wrong with a batch, in either interface language, from
//! the one language catalogue (`doorstep_core::lang`): `verify` prints the
//! English (`Display`), the review app either. The system's and the
//! parsers' own words (an I/O error, a minisign parse error) are English
//! and shown only in English; Chinese names their kind.

use std::io;

use doorstep_core::lang::{Lang, Msg};
use doorstep_core::msg;

use crate::format::{CalculateProblem, ContentProblem, MAX_ATTEMPT, RecordProblem, YEARS};
use crate::verify::{BatchStatus, ManifestField, Problem, RecordKind, SequenceFinding};

impl Problem {
    /// The problem in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        // The system's or a parser's English words, after `sep`, in English
        // only.
        let english = |sep: &str, words: &str| match lang {
            Lang::En => format!("{sep}{words}"),
            Lang::Zh => String::new(),
        };
        let io = |kind: &io::ErrorKind, error: &str| match lang {
            Lang::En => error.to_string(),
            Lang::Zh => match kind {
                io::ErrorKind::NotFound => msg!(lang, IoNotFound),
                io::ErrorKind::PermissionDenied => msg!(lang, IoPermissionDenied),
                _ => msg!(lang, IoOther),
            }
            .to_string(),
        };
        match self {
            Problem::BatchUnreadable { kind, error } => {
                msg!(lang, BatchUnreadable, detail = io(kind, error))
            }
            Problem::NoSignatureFile { path } => {
                msg!(lang, NoSignatureFile, path = path.display())
            }
            Problem::SignatureUnreadable { path, kind, error } => msg!(
                lang,
                SignatureUnreadable,
                path = path.display(),
                detail = io(kind, error)
            ),
            Problem::SignatureInvalid { path, error } => msg!(
                lang,
                SignatureInvalid,
                path = path.display(),
                detail = english(": ", error)
            ),
            Problem::FormatVersion { version } => msg!(lang, FormatVersion, version = version),
            Problem::CommentNotDoorstep => msg!(lang, CommentNotDoorstep).into(),
            Problem::CommentMalformed { error } => {
                msg!(lang, CommentMalformed, detail = english(": ", error))
            }
            Problem::CommentChanged { key_id, surveyor } => {
                msg!(lang, CommentChanged, key_id = key_id, surveyor = surveyor)
            }
            Problem::CommentUnreadable { problem, key_id } => msg!(
                lang,
                CommentUnreadable,
                detail = english(" ", &format!("({problem})")),
                key_id = key_id
            ),
            Problem::KeyIdChanged {
                key_id,
                surveyor,
                surveyor_key,
            } => msg!(
                lang,
                KeyIdChanged,
                key_id = key_id,
                surveyor = surveyor,
                surveyor_key = surveyor_key
            ),
            Problem::SignatureFileLayoutChanged => msg!(lang, SignatureFileLayoutChanged).into(),
            Problem::CommentNamesAnother { named, signer } => {
                msg!(lang, CommentNamesAnother, named = named, signer = signer)
            }
            Problem::SignatureKeyIdAltered { key_id, named_key } => msg!(
                lang,
                SignatureKeyIdAltered,
                key_id = key_id,
                named_key = named_key
            ),
            Problem::CommentOrSignatureChanged => msg!(lang, CommentOrSignatureChanged).into(),
            Problem::SignatureMismatch { surveyor } => {
                msg!(lang, SignatureMismatch, surveyor = surveyor)
            }
            Problem::ContentChanged {
                added,
                signed_sha256,
            } => {
                let what = match added {
                    Some(n) => msg!(lang, BytesAdded, n = n),
                    None => msg!(lang, SameSizeDifferentBytes).into(),
                };
                msg!(lang, ContentChanged, what = what, sha256 = signed_sha256)
            }
            Problem::Shorter {
                bytes,
                signed_bytes,
                evidence,
            } => {
                let mut t = msg!(lang, Shorter, bytes = bytes, signed = signed_bytes);
                if let Some(e) = evidence {
                    t.push_str(msg!(lang, Semicolon));
                    t.push_str(&content_text(e, lang));
                }
                t
            }
            Problem::SizeOrHashMismatch => msg!(lang, SizeOrHashMismatch).into(),
            Problem::CannotDecrypt { error } => {
                msg!(lang, CannotDecrypt, detail = english(": ", error))
            }
            Problem::ManifestVersion { format, version } => {
                msg!(lang, ManifestVersion, format = format, version = version)
            }
            Problem::ContentInvalid(p) => {
                msg!(lang, ContentInvalid, problem = content_text(p, lang))
            }
            Problem::ManifestDisagrees(list) => {
                let list: Vec<String> = list
                    .iter()
                    .map(|d| {
                        let field = match d.field {
                            ManifestField::Batch => Msg::FieldBatch,
                            ManifestField::Surveyor => Msg::FieldSurveyor,
                            ManifestField::Device => Msg::FieldDevice,
                            ManifestField::Sequence => Msg::FieldSequence,
                        };
                        msg!(
                            lang,
                            Disagreement,
                            field = field.text(lang),
                            manifest = d.manifest,
                            signed = d.signed
                        )
                    })
                    .collect();
                let list = list.join(msg!(lang, ListComma));
                msg!(lang, ManifestDisagrees, list = list)
            }
        }
    }
}

impl BatchStatus {
    /// The verdict's name in `lang` ("被篡改", "TAMPERED").
    pub fn name(&self, lang: Lang) -> &'static str {
        let id = match self {
            BatchStatus::Valid => Msg::BatchValid,
            BatchStatus::Tampered { .. } => Msg::BatchTampered,
            BatchStatus::Truncated { .. } => Msg::BatchTruncated,
            BatchStatus::SignedByAnotherKey { .. } => Msg::BatchSignedByAnotherKey,
            BatchStatus::UnknownKey { .. } => Msg::BatchUnknownKey,
            BatchStatus::Malformed { .. } => Msg::BatchMalformed,
            BatchStatus::UnsupportedVersion { .. } => Msg::BatchUnsupportedVersion,
        };
        id.text(lang)
    }

    /// What exactly is wrong in `lang`; `None` for a valid batch.
    pub fn detail_in(&self, lang: Lang) -> Option<String> {
        match self {
            BatchStatus::Valid => None,
            BatchStatus::Tampered { reason: p }
            | BatchStatus::Truncated { reason: p }
            | BatchStatus::Malformed { what: p }
            | BatchStatus::UnsupportedVersion { what: p } => Some(p.text(lang)),
            BatchStatus::SignedByAnotherKey {
                claimed_surveyor,
                key_id,
                signer,
            } => Some(match signer {
                Some(s) => msg!(
                    lang,
                    SignedByAnotherSurveyor,
                    claimed = claimed_surveyor,
                    signer = s,
                    key_id = key_id
                ),
                None => msg!(
                    lang,
                    SignedByUntrustedKey,
                    claimed = claimed_surveyor,
                    key_id = key_id
                ),
            }),
            BatchStatus::UnknownKey { surveyor_id } => {
                Some(msg!(lang, NoTrustedKey, surveyor = surveyor_id))
            }
        }
    }

    /// The verdict's name and, if any, what exactly is wrong, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let name = self.name(lang);
        match self.detail_in(lang) {
            Some(detail) => msg!(lang, VerdictWithDetail, name = name, detail = detail),
            None => name.to_string(),
        }
    }
}

impl SequenceFinding {
    /// The finding in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            SequenceFinding::Gap {
                device_id,
                after,
                before,
            } => msg!(
                lang,
                SequenceGap,
                device = device_id,
                after = after,
                before = before
            ),
            SequenceFinding::Duplicate {
                device_id,
                sequence,
                other,
                same_batch,
            } => {
                let same = if *same_batch {
                    msg!(lang, SameBatch)
                } else {
                    ""
                };
                msg!(
                    lang,
                    SequenceDuplicate,
                    device = device_id,
                    sequence = sequence,
                    other = other.display(),
                    same = same
                )
            }
            SequenceFinding::DuplicateRecords {
                kind,
                count,
                example,
                other,
            } => {
                // The same words, one or many, visits or interviews.
                let id = match (kind, *count == 1) {
                    (RecordKind::Visit, true) => Msg::DuplicateVisit,
                    (RecordKind::Visit, false) => Msg::DuplicateVisits,
                    (RecordKind::Interview, true) => Msg::DuplicateInterview,
                    (RecordKind::Interview, false) => Msg::DuplicateInterviews,
                };
                id.fill(
                    lang,
                    &[
                        ("count", count),
                        ("other", &other.display()),
                        ("example", example),
                    ],
                )
            }
            SequenceFinding::Conflict { batch_id, other } => msg!(
                lang,
                BatchConflict,
                batch = batch_id,
                other = other.display()
            ),
        }
    }
}

/// A batch's lines that do not hold together, in `lang`. A parser's own
/// message is English: in Chinese only the line it names is kept.
pub fn content_text(p: &ContentProblem, lang: Lang) -> String {
    match p {
        ContentProblem::IncompleteLastLine => msg!(lang, IncompleteLastLine).into(),
        ContentProblem::MissingRecords { expected, found } => msg!(
            lang,
            MissingRecords,
            visits = expected.0,
            interviews = expected.1,
            found_visits = found.0,
            found_interviews = found.1
        ),
        ContentProblem::Malformed(m) => match lang {
            Lang::En => m.clone(),
            Lang::Zh => {
                let line = m
                    .strip_prefix("line ")
                    .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                    .filter(|n| !n.is_empty());
                match line {
                    Some(n) => msg!(lang, MalformedLine, line = n),
                    None => msg!(lang, Malformed).into(),
                }
            }
        },
        ContentProblem::UnsupportedVersion { format, version } => {
            msg!(lang, ContentVersion, format = format, version = version)
        }
        ContentProblem::Record { line, id, problem } => msg!(
            lang,
            RecordLine,
            line = line,
            id = id,
            what = record_text(problem, lang)
        ),
    }
}

impl RecordProblem {
    /// What is wrong with one record, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        record_text(self, lang)
    }
}

fn record_text(p: &RecordProblem, lang: Lang) -> String {
    match p {
        RecordProblem::OtherSurveyor { surveyor, signer } => {
            msg!(
                lang,
                RecordOtherSurveyor,
                surveyor = surveyor,
                signer = signer
            )
        }
        RecordProblem::EmptyId { field } => msg!(lang, RecordEmptyId, field = field),
        RecordProblem::Attempt { attempt } => {
            msg!(lang, RecordAttempt, attempt = attempt, max = MAX_ATTEMPT)
        }
        RecordProblem::EndsBeforeStart => msg!(lang, RecordEndsBeforeStart).into(),
        RecordProblem::Year { field, year } => msg!(
            lang,
            RecordYear,
            field = field,
            year = year,
            first = YEARS.start(),
            last = YEARS.end()
        ),
        RecordProblem::Repeated { kind } => msg!(lang, RecordRepeated, kind = kind),
        RecordProblem::Calculate { key, problem } => match problem {
            CalculateProblem::Differs => msg!(lang, RecordCalculateDiffers, key = key),
            CalculateProblem::Missing => msg!(lang, RecordCalculateMissing, key = key),
            CalculateProblem::NotACalculate => msg!(lang, RecordNotACalculate, key = key),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records repeated across batches: one or many, visits or interviews.
    #[test]
    fn duplicate_records_say_one_or_many() {
        let text = |kind, count| {
            SequenceFinding::DuplicateRecords {
                kind,
                count,
                example: "R1".into(),
                other: "b.jsonl".into(),
            }
            .text(Lang::En)
        };
        assert_eq!(
            text(RecordKind::Visit, 1),
            "1 visit also in b.jsonl (e.g. R1): counted once"
        );
        assert_eq!(
            text(RecordKind::Visit, 2),
            "2 visits also in b.jsonl (e.g. R1): counted once"
        );
        assert_eq!(
            text(RecordKind::Interview, 1),
            "1 interview also in b.jsonl (e.g. R1): counted once"
        );
        assert_eq!(
            text(RecordKind::Interview, 3),
            "3 interviews also in b.jsonl (e.g. R1): counted once"
        );
    }
}
