//! Every kind of damage gets its own verdict, and nothing damaged is Valid.

use crate::support::batch as support;

use std::fs;
use std::path::{Path, PathBuf};

use doorstep_batch::sign::{TrustedComment, sign};
use doorstep_batch::{
    BatchStatus, SequenceFinding, SigningKey, TrustedKeys, WrittenBatch, keygen, verify_batches,
    write_batch,
};
use doorstep_core::questionnaire::hex_sha256;
use support::*;

struct World {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    out: PathBuf,
    trusted: TrustedKeys,
    s01: SigningKey,
    s02: SigningKey,
    /// Trusted folder does not have these.
    s03: SigningKey,
    outsider_s01: SigningKey,
}

fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let trusted_dir = dir.join("trusted");
    fs::create_dir(&trusted_dir).unwrap();
    let load = |d: &Path, s: &str, trust: bool| {
        let g = keygen(d, s, None, false).unwrap();
        if trust {
            fs::copy(&g.public_key_path, trusted_dir.join(format!("{s}.pub"))).unwrap();
        }
        SigningKey::load(&g.secret_key_path, |_| unreachable!()).unwrap()
    };
    let s01 = load(&dir, "S01", true);
    let s02 = load(&dir, "S02", true);
    let s03 = load(&dir, "S03", false);
    // A second "S01" key, e.g. made on another laptop and never registered.
    let outsider_s01 = load(&dir.join("elsewhere"), "S01", false);
    let out = dir.join("out");
    fs::create_dir(&out).unwrap();
    World {
        trusted: TrustedKeys::load(&trusted_dir).unwrap(),
        _tmp: tmp,
        dir,
        out,
        s01,
        s02,
        s03,
        outsider_s01,
    }
}

fn verdict(w: &World, path: &Path) -> BatchStatus {
    let v = verify_batches(&[path], &w.trusted, None);
    assert_eq!(v.len(), 1);
    v.into_iter().next().unwrap().status
}

fn small(w: &World) -> WrittenBatch {
    write_batch(&w.out, &content("S01", "dev-1", 1, 1, 2), &w.s01, &[]).unwrap()
}

#[test]
fn every_changed_byte_of_the_batch_is_tampering() {
    let w = world();
    let b = small(&w);
    let original = fs::read(&b.data_path).unwrap();
    assert!(
        original.len() < 2000,
        "keep the batch small: {}",
        original.len()
    );
    for i in 0..original.len() {
        // One change per position (debug-build verification is slow),
        // alternating a low-bit flip and a letter-case flip.
        {
            let flip = if i % 2 == 0 { 0x01u8 } else { 0x20 };
            let mut bytes = original.clone();
            bytes[i] ^= flip;
            fs::write(&b.data_path, &bytes).unwrap();
            match verdict(&w, &b.data_path) {
                BatchStatus::Tampered { reason } => {
                    assert!(
                        reason.to_string().contains("same size"),
                        "byte {i}: {reason}"
                    )
                }
                other => panic!("byte {i} ^ {flip:#x}: {other}"),
            }
        }
    }
    fs::write(&b.data_path, &original).unwrap();
    assert_eq!(verdict(&w, &b.data_path), BatchStatus::Valid);
}

#[test]
fn every_changed_byte_of_the_signature_is_detected() {
    let w = world();
    let b = small(&w);
    let original = fs::read(&b.signature_path).unwrap();
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for i in 0..original.len() {
        for flip in [0x01u8, 0x20] {
            let mut bytes = original.clone();
            bytes[i] ^= flip;
            fs::write(&b.signature_path, &bytes).unwrap();
            let status = verdict(&w, &b.data_path);
            // A changed signature file is either unreadable (malformed) or
            // fails: never valid, never blamed on another key.
            assert!(
                matches!(
                    status,
                    BatchStatus::Tampered { .. } | BatchStatus::Malformed { .. }
                ),
                "byte {i} ({:?}) ^ {flip:#x}: {status}",
                original[i] as char
            );
            *seen.entry(status.label()).or_default() += 1;
        }
    }
    eprintln!("signature byte changes: {seen:?}");
    fs::write(&b.signature_path, &original).unwrap();
    assert_eq!(verdict(&w, &b.data_path), BatchStatus::Valid);
}

#[test]
fn truncation_and_additions() {
    let w = world();
    let b = write_batch(&w.out, &content("S01", "dev-1", 1, 3, 4), &w.s01, &[]).unwrap();
    let original = fs::read(&b.data_path).unwrap();
    let newlines: Vec<usize> = original
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == b'\n')
        .map(|(i, _)| i)
        .collect();
    // Cut after each complete line (records missing) and mid-line.
    let mut cuts: Vec<usize> = newlines.iter().map(|i| i + 1).collect();
    cuts.pop(); // the full file
    cuts.extend(newlines.iter().map(|i| i.saturating_sub(5)));
    cuts.push(0);
    for cut in cuts {
        fs::write(&b.data_path, &original[..cut]).unwrap();
        match verdict(&w, &b.data_path) {
            BatchStatus::Truncated { reason } => {
                let reason = reason.to_string();
                assert!(reason.contains(&format!("{cut} bytes")), "{reason}");
                if cut > 0 && original[cut - 1] != b'\n' {
                    assert!(reason.contains("incomplete"), "cut {cut}: {reason}");
                }
            }
            other => panic!("cut at {cut}: {other}"),
        }
    }
    let mut longer = original.clone();
    longer.extend_from_slice(b"{\"kind\":\"visit\"}\n");
    fs::write(&b.data_path, &longer).unwrap();
    assert!(
        matches!(verdict(&w, &b.data_path), BatchStatus::Tampered { reason } if reason.to_string().contains("added"))
    );
    // A missing signature file.
    fs::write(&b.data_path, &original).unwrap();
    fs::remove_file(&b.signature_path).unwrap();
    assert!(
        matches!(verdict(&w, &b.data_path), BatchStatus::Malformed { what } if what.to_string().contains("no signature file"))
    );
}

/// Re-signs a batch's file (unchanged, with its trusted comment) with `key`.
fn resign(b: &WrittenBatch, key: &SigningKey) {
    let data = fs::read(&b.data_path).unwrap();
    let sig = fs::read_to_string(&b.signature_path).unwrap();
    let tc = sig
        .lines()
        .nth(2)
        .unwrap()
        .strip_prefix("trusted comment: ")
        .unwrap();
    fs::write(&b.signature_path, sign(key, &data, tc).to_text()).unwrap();
}

/// A batch that fails still says what its manifest claims to hold (for the
/// supervisor: "it held 2 interviews, unverified"), truncated ones too.
#[test]
fn a_failed_batch_keeps_what_its_manifest_claims() {
    let w = world();
    let b = write_batch(&w.out, &content("S01", "dev-1", 1, 3, 4), &w.s01, &[]).unwrap();
    let valid = verify_batches(&[&b.data_path], &w.trusted, None).remove(0);
    let counts = valid.counts.clone().unwrap();
    assert!(counts.visits > 0 && counts.interviews > 0, "{counts:?}");
    assert_eq!(valid.claimed_counts, Some(counts.clone()));
    let original = fs::read(&b.data_path).unwrap();
    // Changed, then cut after the manifest and one more line.
    let mut changed = original.clone();
    let last = changed.len() - 3;
    changed[last] ^= 0x01;
    let second_line = original.iter().position(|c| *c == b'\n').unwrap() + 1;
    let cut = second_line
        + original[second_line..]
            .iter()
            .position(|c| *c == b'\n')
            .unwrap();
    for bytes in [changed, original[..cut].to_vec()] {
        fs::write(&b.data_path, &bytes).unwrap();
        let v = verify_batches(&[&b.data_path], &w.trusted, None).remove(0);
        assert!(!v.is_valid(), "{v}");
        assert_eq!(v.counts, None);
        assert_eq!(v.claimed_counts.as_ref(), Some(&counts), "{v}");
    }
    // No readable manifest: nothing claimed.
    fs::write(&b.data_path, b"not a batch\n").unwrap();
    let v = verify_batches(&[&b.data_path], &w.trusted, None).remove(0);
    assert_eq!(v.claimed_counts, None);
}

#[test]
fn signed_by_another_key() {
    let w = world();
    let b = small(&w);
    resign(&b, &w.s02);
    assert_eq!(
        verdict(&w, &b.data_path),
        BatchStatus::SignedByAnotherKey {
            claimed_surveyor: "S01".into(),
            key_id: w.s02.key_id.to_string(),
            signer: Some("S02".into()),
        }
    );
    resign(&b, &w.outsider_s01);
    assert_eq!(
        verdict(&w, &b.data_path),
        BatchStatus::SignedByAnotherKey {
            claimed_surveyor: "S01".into(),
            key_id: w.outsider_s01.key_id.to_string(),
            signer: None,
        }
    );
    let text = verify_batches(&[&b.data_path], &w.trusted, None)[0].to_string();
    assert!(text.contains("not in the trusted keys"), "{text}");
    resign(&b, &w.s01);
    assert_eq!(verdict(&w, &b.data_path), BatchStatus::Valid);
}

#[test]
fn unknown_surveyor() {
    let w = world();
    let b = write_batch(&w.out, &content("S03", "dev-3", 1, 1, 1), &w.s03, &[]).unwrap();
    assert_eq!(
        verdict(&w, &b.data_path),
        BatchStatus::UnknownKey {
            surveyor_id: "S03".into()
        }
    );
}

/// Writes `jsonl` signed by `key` with a matching trusted comment.
fn write_signed(
    w: &World,
    name: &str,
    jsonl: &[u8],
    key: &SigningKey,
    tc: TrustedComment,
) -> PathBuf {
    let path = w.dir.join(name);
    fs::write(&path, jsonl).unwrap();
    let tc = TrustedComment {
        bytes: jsonl.len() as u64,
        sha256: hex_sha256(jsonl),
        ..tc
    };
    fs::write(
        w.dir.join(format!("{name}.minisig")),
        sign(key, jsonl, &tc.to_string()).to_text(),
    )
    .unwrap();
    path
}

#[test]
fn authentic_but_wrong_content_is_malformed_or_unsupported() {
    let w = world();
    let c = content("S01", "dev-1", 5, 2, 3);
    let tc = TrustedComment {
        version: 1,
        batch_id: c.batch_id,
        surveyor_id: "S01".into(),
        device_id: "dev-1".into(),
        sequence: 5,
        encrypted: false,
        bytes: 0,
        sha256: String::new(),
    };
    let good = String::from_utf8(c.to_jsonl().unwrap()).unwrap();
    let p = write_signed(&w, "good.jsonl", good.as_bytes(), &w.s01, tc.clone());
    assert_eq!(verdict(&w, &p), BatchStatus::Valid);

    let cases: Vec<(&str, String, &str)> = vec![
        (
            "version",
            good.replacen("\"version\":1", "\"version\":2", 1),
            "UNSUPPORTED-VERSION",
        ),
        (
            "line",
            good.replacen(
                "{\"kind\":\"visit\",",
                "{\"kind\":\"visit\",\"attempt\":\"x\",",
                1,
            ),
            "MALFORMED",
        ),
        (
            "kind",
            good.replacen("{\"kind\":\"visit\",", "{\"kind\":\"phone\",", 1),
            "MALFORMED",
        ),
        (
            "counts",
            good.replacen("\"interviews\":2", "\"interviews\":3", 1),
            "MALFORMED",
        ),
        (
            "manifest",
            good.replacen("\"sequence\":5", "\"sequence\":6", 1),
            "MALFORMED",
        ),
        ("garbage", "not json\n".into(), "MALFORMED"),
    ];
    for (name, text, expect) in cases {
        assert_ne!(text, good, "{name}: the replacement did nothing");
        let p = write_signed(
            &w,
            &format!("{name}.jsonl"),
            text.as_bytes(),
            &w.s01,
            tc.clone(),
        );
        let status = verdict(&w, &p);
        assert_eq!(status.label(), expect, "{name}: {status}");
    }
    // A future version named in the signed trusted comment itself.
    let p = write_signed(&w, "v2.jsonl", good.as_bytes(), &w.s01, tc.clone());
    let sig_path = w.dir.join("v2.jsonl.minisig");
    let tc2 = TrustedComment {
        bytes: good.len() as u64,
        sha256: hex_sha256(good.as_bytes()),
        ..tc
    }
    .to_string()
    .replace("version=1", "version=2");
    fs::write(&sig_path, sign(&w.s01, good.as_bytes(), &tc2).to_text()).unwrap();
    assert_eq!(verdict(&w, &p).label(), "UNSUPPORTED-VERSION");
}

#[test]
fn sequence_gaps_and_duplicates_across_batches() {
    let w = world();
    let mut paths = Vec::new();
    for seq in [1u64, 2, 4, 5] {
        let b = write_batch(&w.out, &content("S01", "dev-1", seq, 1, 1), &w.s01, &[]).unwrap();
        paths.push(b.data_path);
    }
    // A second, different batch numbered 4 on the same device.
    let mut dup = content("S01", "dev-1", 4, 2, 1);
    dup.batch_id = uuid::Uuid::from_u128(42);
    // Records of its own (the same records twice are another finding).
    for v in &mut dup.visits {
        v.id.push('b');
    }
    for i in &mut dup.interviews {
        i.id.push('b');
    }
    paths.push(write_batch(&w.out, &dup, &w.s01, &[]).unwrap().data_path);
    // Another device's sequence is independent (its batch and records
    // have ids of their own).
    let mut s02 = content("S02", "dev-2", 1, 1, 1);
    s02.batch_id = uuid::Uuid::from_u128(43);
    for v in &mut s02.visits {
        v.id.push_str("-S02");
    }
    for i in &mut s02.interviews {
        i.id.push_str("-S02");
    }
    paths.push(write_batch(&w.out, &s02, &w.s02, &[]).unwrap().data_path);
    let v = verify_batches(&paths, &w.trusted, None);
    assert!(v.iter().all(|v| v.is_valid()));
    let findings: Vec<String> = v
        .iter()
        .flat_map(|v| v.findings.iter().map(|f| f.to_string()))
        .collect();
    assert!(
        findings.contains(&"gap between 2 and 4 on device dev-1".to_string()),
        "{findings:?}"
    );
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.starts_with("duplicate sequence 4 on device dev-1"))
            .count(),
        2,
        "{findings:?}"
    );
    assert_eq!(findings.len(), 3, "{findings:?}");
    assert!(v[0].is_ok() && v[1].is_ok() && v[3].is_ok() && v[5].is_ok());
    assert!(matches!(
        v[2].findings[..],
        [
            SequenceFinding::Gap {
                after: 2,
                before: 4,
                ..
            },
            SequenceFinding::Duplicate { .. }
        ]
    ));
    // The same batch given twice (a copy) is named as such.
    let copy_dir = w.dir.join("copy");
    fs::create_dir(&copy_dir).unwrap();
    let name = paths[0].file_name().unwrap();
    fs::copy(&paths[0], copy_dir.join(name)).unwrap();
    let mut sig = name.to_os_string();
    sig.push(".minisig");
    fs::copy(w.out.join(&sig), copy_dir.join(&sig)).unwrap();
    let v = verify_batches(&[&paths[0], &copy_dir], &w.trusted, None);
    assert_eq!(v.len(), 2);
    assert!(v[0].to_string().contains("the same batch"), "{}", v[0]);
    // Display: one line per batch; JSON for --json.
    let line = v[0].to_string();
    assert!(!line.contains('\n'));
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json[0]["findings"][0]["finding"], "duplicate");
}

/// Issue 14: a record credited to another surveyor than the signer, and
/// records no honest batch holds, are refused by verification (MALFORMED,
/// naming the line and the record), though validly signed.
#[test]
fn records_of_another_surveyor_or_against_plain_sense_are_malformed() {
    let w = world();
    let tc = |c: &doorstep_batch::BatchContent| TrustedComment {
        version: 1,
        batch_id: c.batch_id,
        surveyor_id: c.surveyor_id.clone(),
        device_id: c.device_id.clone(),
        sequence: c.sequence,
        encrypted: false,
        bytes: 0,
        sha256: String::new(),
    };
    // S02 signs a batch whose second interview says S01 did it.
    let mut c = content("S02", "dev-2", 1, 3, 2);
    let good = c.to_jsonl().unwrap();
    assert_eq!(
        verdict(&w, &write_signed(&w, "good.jsonl", &good, &w.s02, tc(&c))),
        BatchStatus::Valid
    );
    c.interviews[1].surveyor_id = "S01".into();
    let forged = c.to_jsonl().unwrap();
    let p = write_signed(&w, "forged.jsonl", &forged, &w.s02, tc(&c));
    let v = verify_batches(&[&p], &w.trusted, None).remove(0);
    assert_eq!(v.status.label(), "MALFORMED", "{v}");
    let text = v.to_string();
    assert!(text.contains("forged.jsonl"), "{text}");
    // Line 1 the manifest, lines 2-4 the visits, then the interviews.
    assert!(
        text.contains(
            "line 6: record I1-00001: names surveyor S01, but the batch is surveyor S02's"
        ),
        "{text}"
    );
    // The writer refuses to sign such a batch in the first place.
    let e = write_batch(&w.out, &c, &w.s02, &[]).unwrap_err();
    assert!(e.to_string().contains("surveyor S01's"), "{e}");

    // Plain sense, each in a batch of its own, validly signed.
    let base = content("S01", "dev-1", 2, 2, 2);
    let text = String::from_utf8(base.to_jsonl().unwrap()).unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "empty resident",
            text.replacen("\"resident_id\":\"R00000\"", "\"resident_id\":\"\"", 1),
            "resident_id is empty",
        ),
        (
            "empty interview resident",
            {
                let at = text.find("{\"kind\":\"interview\"").unwrap();
                let (a, b) = text.split_at(at);
                format!(
                    "{a}{}",
                    b.replacen("\"resident_id\":\"R00001\"", "\"resident_id\":\" \"", 1)
                )
            },
            "resident_id is empty",
        ),
        (
            "attempt",
            text.replacen("\"attempt\":1", "\"attempt\":4294967295", 1),
            "attempt 4294967295 is outside 1..=99",
        ),
        (
            "ends before it starts",
            text.replacen(
                "\"ended_at\":\"2026-11-03T09:12",
                "\"ended_at\":\"2026-11-03T08:12",
                1,
            ),
            "ended_at is before started_at",
        ),
        (
            "year 0",
            text.replacen(
                "\"at\":\"2026-11-03T09:00:00.123Z\"",
                "\"at\":\"0000-11-03T09:00:00.123Z\"",
                1,
            ),
            "at is in the year 0",
        ),
        (
            "year 9999",
            text.replacen(
                "\"started_at\":\"2026-11-03T09:20",
                "\"started_at\":\"9999-11-03T09:20",
                1,
            ),
            "started_at is in the year 9999",
        ),
        (
            "repeated",
            {
                let first = text.lines().nth(1).unwrap();
                text.replacen(first, &format!("{first}\n{first}"), 1)
                    .replacen("\"visits\":2", "\"visits\":3", 1)
                    .replacen("\"complete\":2", "\"complete\":3", 1)
            },
            "the same visit id appears twice",
        ),
    ];
    for (name, forged, expect) in cases {
        assert_ne!(forged, text, "{name}: the replacement did nothing");
        let file = format!("{}.jsonl", name.replace(' ', "-"));
        let p = write_signed(&w, &file, forged.as_bytes(), &w.s01, tc(&base));
        let v = verify_batches(&[&p], &w.trusted, None).remove(0);
        assert_eq!(v.status.label(), "MALFORMED", "{name}: {v}");
        assert!(v.to_string().contains(expect), "{name}: {v}");
        assert!(v.to_string().contains("line "), "{name}: {v}");
    }
}

/// Issue 14: the same records in two validly signed batches are a finding
/// on the later one (verify fails); the same batch id with different
/// content is a CONFLICT on both; a plain copy is neither.
#[test]
fn replayed_records_and_a_changed_batch_under_a_known_id() {
    let w = world();
    let first = write_batch(&w.out, &content("S01", "dev-1", 1, 3, 2), &w.s01, &[]).unwrap();
    // Batch 2 replays batch 1's interviews (and visits) under a new id.
    let mut replay = content("S01", "dev-1", 1, 3, 2);
    replay.batch_id = uuid::Uuid::from_u128(7);
    replay.sequence = 2;
    let other = w.dir.join("other");
    fs::create_dir(&other).unwrap();
    let second = write_batch(&other, &replay, &w.s01, &[]).unwrap();
    let v = verify_batches(&[&first.data_path, &second.data_path], &w.trusted, None);
    assert!(v[0].is_ok(), "{}", v[0]);
    assert!(v[1].is_valid() && !v[1].is_ok(), "{}", v[1]);
    let text = v[1].to_string();
    assert!(text.contains("3 interviews also in"), "{text}");
    assert!(text.contains("3 visits also in"), "{text}");
    assert!(matches!(
        v[1].findings[..],
        [
            SequenceFinding::DuplicateRecords {
                kind: doorstep_batch::RecordKind::Visit,
                count: 3,
                ..
            },
            SequenceFinding::DuplicateRecords {
                kind: doorstep_batch::RecordKind::Interview,
                count: 3,
                ..
            }
        ]
    ));

    // The same batch id and sequence, one interview fewer: a conflict.
    let mut changed = content("S01", "dev-1", 1, 3, 2);
    changed.interviews.pop();
    let third = w.dir.join("third");
    fs::create_dir(&third).unwrap();
    let changed = write_batch(&third, &changed, &w.s01, &[]).unwrap();
    let v = verify_batches(&[&first.data_path, &changed.data_path], &w.trusted, None);
    for (me, other) in [(0, &changed.data_path), (1, &first.data_path)] {
        assert!(!v[me].is_ok());
        assert!(
            v[me].findings.contains(&SequenceFinding::Conflict {
                batch_id: first.batch_id,
                other: other.clone(),
            }),
            "{}",
            v[me]
        );
        assert!(v[me].to_string().contains("CONFLICT"), "{}", v[me]);
    }

    // A copy of batch 1: "the same batch", its records not duplicates.
    let copy = w.dir.join("copy");
    fs::create_dir(&copy).unwrap();
    let again = write_batch(&copy, &content("S01", "dev-1", 1, 3, 2), &w.s01, &[]).unwrap();
    let v = verify_batches(&[&first.data_path, &again.data_path], &w.trusted, None);
    for v in &v {
        assert!(
            matches!(
                v.findings[..],
                [SequenceFinding::Duplicate {
                    same_batch: true,
                    ..
                }]
            ),
            "{v}"
        );
    }
}
