#!/usr/bin/env bash
# `doorstep assign` of a generated resident list against `sqlite3 .import` of
# the same CSV into a table with the same pragmas (WAL, synchronous=FULL),
# side by side, on the same disk: wall time and peak memory (max RSS) of
# each, into a plain store and (with DOORSTEP_STORE_PASSWORD) an encrypted one.
#
#   scripts/bench-assign.sh [RESIDENTS] [ROUNDS]
#
# Files go to a new directory under $BENCH_DIR (default: target/). Needs
# sqlite3 and GNU time (/usr/bin/time); installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/peaks.sh
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
# Each round runs three loads one after the other on the same disk:
# - "plain": doorstep into a plain (unencrypted) store, the same engine as
#   the shell's (a store made before encryption, which doorstep still
#   opens; created here with the shell), so the ratio is doorstep's own
#   work against `.import`'s;
# - "encrypted": doorstep into a new encrypted store, the default, when
#   DOORSTEP_STORE_PASSWORD is set: the same plus the key's derivation
#   (scrypt, 128 MiB, once per start) and SQLCipher's page encryption;
# - "sqlite3": the shell's `.import`.
# "own MB": the encrypted run's peak after the key's derivation (scrypt's
# 128 MiB comes first and is freed), as `assign` logs it with
# DOORSTEP_MEASURE_MEMORY=1; "enc MB" is that run's whole process, the
# larger of the peak up to that point (logged too) and after it.
load() { # load DATA_DIR TIME_FILE
  DOORSTEP_DATA_DIR="$1" DOORSTEP_CONFIG="$work/config.toml" DOORSTEP_MEASURE_MEMORY=1 \
    /usr/bin/time -f "%e %M" -o "$2" "$bin" assign \
    --residents "$work/residents.csv" \
    --questionnaire questionnaires/resident-satisfaction.toml > /dev/null 2> "$work/stderr" \
    || { cat "$work/stderr" >&2; exit 1; }
}
printf '%-6s %8s %8s %10s %8s %8s %10s %10s %10s\n' round "plain s" "plain MB" "enc s" "enc MB" "own MB" "sqlite3 s" "plain/sh" "enc/sh"
plains=(); encs=(); owns=()
for ((r = 1; r <= rounds; r++)); do
  rm -rf "$work/plain" "$work/data" "$work/shell.sqlite3"*
  mkdir -p "$work/plain"
  sqlite3 "$work/plain/doorstep.sqlite3" 'PRAGMA journal_mode=WAL;' > /dev/null
  (unset DOORSTEP_STORE_PASSWORD; load "$work/plain" "$work/time-plain")
  read -r ps pk < "$work/time-plain"
  es="-"; ek="-"; own="-"
  if [ -n "${DOORSTEP_STORE_PASSWORD:-}" ]; then
    load "$work/data" "$work/time-enc"
    read -r es ek < "$work/time-enc"
    peaks "$work/data" "$ek"
    own="$own_mb"
    ek=$(awk -v k="$whole_kib" 'BEGIN { printf "%.1f", k / 1024 }')
  fi
  /usr/bin/time -f "%e %M" -o "$work/time-sqlite3" \
    sqlite3 "$work/shell.sqlite3" < "$work/import.sql" > /dev/null
  read -r ss sk < "$work/time-sqlite3"
  pr=$(awk -v a="$ps" -v b="$ss" 'BEGIN { printf "%.2f", a / b }')
  er="-"
  if [ "$es" != "-" ]; then er=$(awk -v a="$es" -v b="$ss" 'BEGIN { printf "%.2f", a / b }'); encs+=("$er"); owns+=("$own"); fi
  plains+=("$pr")
  printf '%-6s %8s %8s %10s %8s %8s %10s %9sx %9sx\n' "$r" "$ps" "$(awk -v k="$pk" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$es" "$ek" "$own" "$ss" "$pr" "$er"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "median time ratio, plain store: $(median "${plains[@]}")x (goal: <= 2x, <= 64 MB peak)"
if [ "${#encs[@]}" -gt 0 ]; then
  echo "median time ratio, encrypted store: $(median "${encs[@]}")x; its own peak after the key derivation $(median "${owns[@]}") MB"
else
  echo "encrypted store not run: set DOORSTEP_STORE_PASSWORD to compare it too"
fi
