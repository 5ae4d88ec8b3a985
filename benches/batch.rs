//! Batch write+sign and verify for 10,000 interviews of 30 answers, and the
//! stock `minisign -Vm` on the same file for comparison.
//!
//! `CARGO_TARGET_DIR=/work/target-batch cargo bench --bench batch`

#[path = "../tests/it/support/batch.rs"]
mod support;

use std::fs;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use doorstep_batch::{SigningKey, TrustedKeys, keygen, verify_batches, write_batch};

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let made = keygen(tmp.path(), "S01", None, false).unwrap();
    let key = SigningKey::load(&made.secret_key_path, |_| unreachable!()).unwrap();
    let trusted = TrustedKeys::load(&tmp.path().join("keys")).unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let content = support::content("S01", "dev-1", 1, 10_000, 30);

    let w = write_batch(&out, &content, &key, &[]).unwrap();
    eprintln!(
        "batch: {} interviews, {} visits, {} answers, {:.1} MB",
        w.counts.interviews,
        w.counts.visits,
        w.counts.answers,
        w.bytes as f64 / 1e6
    );
    let paths = vec![w.data_path.clone()];
    // Keep the files for `hyperfine 'minisign -Vm …'` when asked.
    if let Some(keep) = std::env::var_os("DOORSTEP_BENCH_KEEP") {
        let keep = std::path::PathBuf::from(keep);
        fs::create_dir_all(&keep).unwrap();
        for p in [&w.data_path, &w.signature_path, &made.public_key_path] {
            fs::copy(p, keep.join(p.file_name().unwrap())).unwrap();
        }
    }

    let mut g = c.benchmark_group("batch_10k_interviews_30_answers");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("write_and_sign", |b| {
        b.iter(|| write_batch(&out, &content, &key, &[]).unwrap())
    });
    g.bench_function("verify", |b| {
        b.iter(|| {
            let v = verify_batches(&paths, &trusted, None);
            assert!(v[0].is_valid());
        })
    });
    // Signature and checksum only: an encrypted batch verified without an
    // identity (what `minisign -V` checks, plus SHA-256).
    let age_id = age::x25519::Identity::generate();
    let enc = write_batch(&out, &content, &key, &[age_id.to_public()]).unwrap();
    let enc_paths = vec![enc.data_path.clone()];
    g.bench_function("verify_signature_only_encrypted", |b| {
        b.iter(|| {
            let v = verify_batches(&enc_paths, &trusted, None);
            assert!(v[0].is_valid() && !v[0].content_checked);
        })
    });
    g.finish();

    // The stock CLI on the same file, timed as a process (start-up
    // included, as a supervisor would run it).
    for (what, file) in [("jsonl", &w.data_path), ("jsonl.age", &enc.data_path)] {
        minisign_timing(what, file, &made.public_key_path);
    }
}

fn minisign_timing(what: &str, file: &std::path::Path, public_key: &std::path::Path) {
    if Command::new("minisign").arg("-v").output().is_ok() {
        let runs = 10;
        let mut best = Duration::MAX;
        let mut total = Duration::ZERO;
        for _ in 0..runs {
            let t = Instant::now();
            let ok = Command::new("minisign")
                .arg("-Vm")
                .arg(file)
                .arg("-p")
                .arg(public_key)
                .arg("-q")
                .status()
                .unwrap()
                .success();
            let d = t.elapsed();
            assert!(ok);
            best = best.min(d);
            total += d;
        }
        eprintln!(
            "minisign -Vm {what} (process): mean {:.1} ms, best {:.1} ms over {runs} runs",
            total.as_secs_f64() * 1e3 / runs as f64,
            best.as_secs_f64() * 1e3
        );
    } else {
        eprintln!("minisign not installed: no CLI comparison");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
