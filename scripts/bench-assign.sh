#!/usr/bin/env bash
# `doorstep assign` of a generated resident list against `sqlite3 .import` of
# the same CSV into a table with the same pragmas (WAL, synchronous=FULL),
# side by side, on the same disk: wall time and peak memory (max RSS) of each.
#
#   scripts/bench-assign.sh [RESIDENTS] [ROUNDS]
#
# Files go to a new directory under $BENCH_DIR (default: target/). Needs
# sqlite3 and GNU time (/usr/bin/time); installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
rounds="${2:-3}"
for tool in sqlite3 /usr/bin/time; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is not installed (apt-get install sqlite3 time): cannot compare" >&2
    exit 2
  fi
done
base="${BENCH_DIR:-target}"
mkdir -p "$base"
work="$(mktemp -d -p "$base" bench-assign.XXXXXX)"
trap 'rm -rf "$work"' EXIT
if [ "$(stat -f -c %T "$work")" = tmpfs ]; then
  echo "warning: $work is on a tmpfs: fsync costs nothing there" >&2
fi
cargo build --release --quiet --bin doorstep --example gen_residents
bin="${DOORSTEP_BIN:-target/release/doorstep}"
target/release/examples/gen_residents "$n" > "$work/residents.csv"
cat > "$work/import.sql" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE residents (resident_id TEXT PRIMARY KEY, name TEXT, address TEXT,
  community TEXT, grid TEXT, building TEXT, unit TEXT, room TEXT, phone TEXT,
  age_group TEXT, gender TEXT);
.import --csv --skip 1 $work/residents.csv residents
SQL

echo "dir: $work ($(stat -f -c %T "$work")), $n residents, $(du -h "$work/residents.csv" | cut -f1) CSV, sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
# "own MB": doorstep's peak after the store key's derivation (scrypt's
# 128 MiB comes first and is freed), as `assign` logs it with
# DOORSTEP_MEASURE_MEMORY=1; "doorstep MB" is the whole process's, the
# larger of the peak up to that point (logged too) and after it.
printf '%-6s %14s %12s %9s %14s %12s %8s\n' round "doorstep s" "doorstep MB" "own MB" "sqlite3 s" "sqlite3 MB" ratio
ratios=(); owns=()
for ((r = 1; r <= rounds; r++)); do
  rm -rf "$work/data" "$work/shell.sqlite3"*
  export DOORSTEP_DATA_DIR="$work/data" DOORSTEP_CONFIG="$work/config.toml"
  DOORSTEP_MEASURE_MEMORY=1 /usr/bin/time -f "%e %M" -o "$work/time-doorstep" "$bin" assign \
    --residents "$work/residents.csv" \
    --questionnaire questionnaires/resident-satisfaction.toml > /dev/null
  /usr/bin/time -f "%e %M" -o "$work/time-sqlite3" \
    sqlite3 "$work/shell.sqlite3" < "$work/import.sql" > /dev/null
  read -r ds dk < "$work/time-doorstep"
  logged=$( (cat "$work"/data/logs/*.log 2>/dev/null || true) \
    | (grep -o 'peak_rss_kib_key=[0-9]* peak_rss_kib_after_key=[0-9]*' || true) | tail -1)
  key_kib=$(echo "$logged" | sed -n 's/^peak_rss_kib_key=\([0-9]*\) .*/\1/p')
  own=$(echo "$logged" | sed -n 's/.*peak_rss_kib_after_key=\([0-9]*\)$/\1/p' \
    | awk '{ printf "%.1f", $1 / 1024 }')
  own="${own:-?}"
  if [ -n "$key_kib" ] && [ "$key_kib" -gt "$dk" ]; then dk="$key_kib"; fi
  read -r ss sk < "$work/time-sqlite3"
  line=$(awk -v ds="$ds" -v dk="$dk" -v ss="$ss" -v sk="$sk" 'BEGIN {
    printf "%.2f %.1f %.2f %.1f %.2f", ds, dk / 1024, ss, sk / 1024, ds / ss }')
  read -r a b c d ratio <<< "$line"
  ratios+=("$ratio"); owns+=("$own")
  printf '%-6s %14s %12s %9s %14s %12s %7sx\n' "$r" "$a" "$b" "$own" "$c" "$d" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
own_median=$(printf '%s\n' "${owns[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
echo "median time ratio: ${median}x; doorstep's own peak after the key derivation ${own_median} MB (goal: <= 2x, <= 64 MB peak)"
