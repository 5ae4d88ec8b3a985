#!/usr/bin/env bash
# Start-up to the first drawn frame with 100,000 residents in the store.
#
#   scripts/bench-startup.sh [RESIDENTS]
#
# Builds the release binary, loads a generated assignment into a temporary
# data directory, then times `doorstep` in a pseudo-terminal (via `script`)
# with DOORSTEP_EXIT_AFTER_FIRST_FRAME=1, which quits right after the first
# frame is drawn. `script -qec true` is timed too: its cost is the harness,
# not the app. Needs hyperfine (apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin doorstep --example gen_residents
bin=target/release/doorstep
target/release/examples/gen_residents "$n" > "$work/residents.csv"
export DOORSTEP_DATA_DIR="$work/data" DOORSTEP_CONFIG="$work/config.toml"
/usr/bin/time -f "assign: %es, %MKB" "$bin" assign --residents "$work/residents.csv" \
  --questionnaire questionnaires/resident-satisfaction.toml
export DOORSTEP_EXIT_AFTER_FIRST_FRAME=1 TERM=xterm-256color
hyperfine --warmup 3 --runs 30 --shell=none \
  --command-name "harness only (script -qec true)" "script -qec true /dev/null" \
  --command-name "doorstep to first frame, $n residents" "script -qec $bin /dev/null"
# The app's own measure, from main() to the first frame drawn (excludes
# process creation and the harness):
for _ in 1 2 3 4 5; do script -qec "$bin 2>&1 >/dev/null" /dev/null | grep -a "first frame"; done
