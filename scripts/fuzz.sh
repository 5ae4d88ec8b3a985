#!/usr/bin/env bash
# Runs every fuzz target (fuzz/src/lib.rs) under libFuzzer for RUNS cases
# each (default 1,000,000), outside CI; prints one line per target: cases,
# time, crashes, peak memory. The same targets run in `cargo test` on stable
# with proptest, 10,000 cases each (tests/it/fuzz_targets.rs).
#
#   scripts/fuzz.sh [RUNS] [TARGET...]
#   FUZZ_SECONDS=60 scripts/fuzz.sh ...   (also stop each target after 60 s)
#
# Needs a nightly toolchain (rustup toolchain install nightly); uses
# `cargo fuzz` when it is installed, else builds the same way by hand
# (libFuzzer comes from the libfuzzer-sys crate either way). No sanitizer:
# the parsers are safe Rust, and without one a case runs several times faster.
# Limits per case: 10 s (a hang), 2 GB of memory (-rss_limit_mb), inputs up
# to 64 KiB. Crashes go to fuzz/artifacts/TARGET/, the corpus grows in
# fuzz/corpus/TARGET/ (both ignored by git); a log per target in
# fuzz/logs/. Exit status 1 if any target crashed, hung or ran out of memory.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
runs="${1:-1000000}"
shift || true
all=(expr questionnaire residents_csv residents_xlsx batch_lines minisign_keys age_identity decisions_file thresholds config office_settings surveyors_file online_export)
targets=("${@:-${all[@]}}")
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "no nightly toolchain: rustup toolchain install nightly (or run the stable driver: cargo test --test it fuzz_targets::)" >&2
  exit 2
fi
triple=$(rustc -vV | sed -n 's/^host: //p')
if cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo +nightly fuzz build --sanitizer none --debug-assertions >&2
  bin="target/$triple/release"
else
  # What cargo-fuzz passes to rustc (cargo-fuzz 0.12, no sanitizer).
  export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
  cargo +nightly build --release --target "$triple" --bins >&2
  bin="target/$triple/release"
fi
mkdir -p logs
# Targets that read a path write each case to a temp file: on ext4,
# rewriting a file through truncation forces it to disk at close (the
# auto_da_alloc heuristic), which took a third of residents_xlsx's time.
# A tmpfs keeps it in memory.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm
fi
printf '%-16s %10s %9s %8s %8s %12s\n' target cases seconds crashes exec/s "peak MB"
failed=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="logs/$t.log"
  start=$(date +%s)
  status=0
  "$bin/$t" "corpus/$t" -runs="$runs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
    ${FUZZ_SECONDS:+-max_total_time="$FUZZ_SECONDS"} >"$log" 2>&1 || status=$?
  secs=$(( $(date +%s) - start ))
  done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  crashes=$(find "artifacts/$t" -type f | wc -l)
  rate=$(( ${done_runs:-0} / (secs > 0 ? secs : 1) ))
  printf '%-16s %10s %9s %8s %8s %12s\n' "$t" "${done_runs:-?}" "$secs" "$crashes" "$rate" "${peak:-?}"
  if [ "$status" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    failed=1
    grep -m3 -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | sed 's/^/    /' || true
  fi
done
exit "$failed"
