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
    paths.push(write_batch(&w.out, &dup, &w.s01, &[]).unwrap().data_path);
    // Another device's sequence is independent.
    paths.push(
        write_batch(&w.out, &content("S02", "dev-2", 1, 1, 1), &w.s02, &[])
            .unwrap()
            .data_path,
    );
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
