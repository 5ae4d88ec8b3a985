#!/usr/bin/env bash
# What `export` and `verify` of a large batch cannot go below on this
# machine, whatever doorstep does: the parts of their work that stock tools
# do alone, timed on the same store and batch. Beside the figures of
# scripts/bench-export-verify.sh, they say how much of a figure is doorstep's.
#
#   scripts/bench-export-floors.sh PLAIN_STORE_DIR ENCRYPTED_STORE_DIR [ROUNDS]
#
# The two directories are data directories as scripts/bench-export-verify.sh
# keeps them with STORE_CACHE (STORE_KIND=plain and the default), after
# `simulate`; the encrypted one's password is DOORSTEP_STORE_PASSWORD.
# Nothing in them is changed: each round works on a copy under $BENCH_DIR
# (default /dev/shm). Needs sqlite3, minisign, openssl and GNU time.
#
# Prints the median wall time of:
#   read     the sqlite3 shell running the export's bulk read (the same
#            queries, in the same order, with the same page cache) on the
#            plain store: SQLite's own share of every export;
#   key      `doorstep export` on the encrypted store once everything is
#            exported (nothing to read): the store key's derivation
#            (scrypt, 128 MiB) and the opening, which every command on the
#            encrypted store pays before reading anything;
#   blake2b  `minisign -Vm` of the batch (BLAKE2b-512 of the file and one
#            signature check): what verify must also do;
#   sha256   `openssl dgst -sha256` of the batch: the digest the trusted
#            comment names, which export and verify also compute.
set -euo pipefail
cd "$(dirname "$0")/.."
plain="${1:?plain store directory}"
encrypted="${2:?encrypted store directory}"
rounds="${3:-5}"
for tool in sqlite3 minisign openssl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done
: "${DOORSTEP_STORE_PASSWORD:?set it to the password of the encrypted store}"
if [ -z "${DOORSTEP_BIN:-}" ]; then
  cargo build --release --quiet --bin doorstep
  bin="$PWD/target/release/doorstep"
else
  bin="$DOORSTEP_BIN"
fi
work="$(mktemp -d -p "${BENCH_DIR:-/dev/shm}" bench-export-floors.XXXXXX)"
trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
timed() { /usr/bin/time -f "%e" -o "$work/t" "$@" > /dev/null; cat "$work/t"; }

# The bulk read of crates/doorstep-store/src/bulk.rs: the batch's
# interviews in file order (started at, id), then each table walked by that
# order. The sums make SQLite read every column without printing it.
cat > "$work/read.sql" <<'SQL'
PRAGMA cache_size = -16384;
CREATE TEMP TABLE export_order (ord INTEGER PRIMARY KEY, interview_id TEXT NOT NULL);
INSERT INTO temp.export_order (ord, interview_id)
  SELECT row_number() OVER (ORDER BY started_at, id) - 1, id FROM interviews
  WHERE status != 'in_progress';
SELECT count(*), sum(length(i.id) + length(i.resident_id) + length(i.started_at)
                     + length(r.name) + length(r.address) + length(r.attributes))
  FROM temp.export_order o CROSS JOIN interviews i ON i.id = o.interview_id
  LEFT JOIN residents r ON r.resident_id = i.resident_id ORDER BY o.ord;
SELECT count(*), sum(length(x.question_id) + x.instance + length(x.answer))
  FROM temp.export_order o CROSS JOIN answers x ON x.interview_id = o.interview_id
  ORDER BY o.ord, x.history_id;
SELECT count(*), sum(length(x.at) + length(x.kind) + length(x.question_id)
                     + coalesce(x.instance, 0) + length(x.detail))
  FROM temp.export_order o CROSS JOIN events x ON x.interview_id = o.interview_id
  ORDER BY o.ord, x.id;
SELECT count(*), sum(length(x.question_id) + x.instance + length(x.value))
  FROM temp.export_order o CROSS JOIN calculates x ON x.interview_id = o.interview_id
  ORDER BY o.ord;
SQL

cp -a "$plain" "$work/plain"
cp -a "$encrypted" "$work/encrypted"
# One batch to hash, exported from the plain store's copy.
env -u DOORSTEP_STORE_PASSWORD DOORSTEP_DATA_DIR="$work/plain" DOORSTEP_CONFIG="$work/plain/config.toml" \
  "$bin" export --out "$work/out" > /dev/null 2>&1
batch=$(ls "$work"/out/*.jsonl)
# Everything exported from the encrypted copy too: later exports read nothing.
DOORSTEP_DATA_DIR="$work/encrypted" DOORSTEP_CONFIG="$work/encrypted/config.toml" \
  "$bin" export --out "$work/out-encrypted" > /dev/null 2>&1
read_s=(); key_s=(); blake_s=(); sha_s=()
for ((r = 1; r <= rounds; r++)); do
  read_s+=("$(timed sqlite3 "$work/plain/doorstep.sqlite3" ".read $work/read.sql")")
  key_s+=("$(DOORSTEP_DATA_DIR="$work/encrypted" DOORSTEP_CONFIG="$work/encrypted/config.toml" \
    timed "$bin" export --out "$work/out-encrypted")")
  blake_s+=("$(timed minisign -Vm "$batch" -p "$work/plain/keys/S1.pub")")
  sha_s+=("$(timed openssl dgst -sha256 "$batch")")
done
echo "batch: $(basename "$batch"), $(du -m "$batch" | cut -f1) MB"
echo "median of $rounds: read $(printf '%s\n' "${read_s[@]}" | median) s," \
  "key $(printf '%s\n' "${key_s[@]}" | median) s," \
  "blake2b $(printf '%s\n' "${blake_s[@]}" | median) s," \
  "sha256 $(printf '%s\n' "${sha_s[@]}" | median) s"
