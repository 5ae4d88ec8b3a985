#!/bin/sh
# Ingest benchmark (issue 12): N signed batches of PER interviews (40
# answers, 80 paradata events each) into a fresh SQLite office database;
# then the same folder again; and sha256sum over every batch file (the
# floor: reading and hashing every byte once). Prints seconds and peak
# memory (GNU time's maximum resident set size).
#
#   scripts/bench-office-ingest.sh [BATCHES [PER]]     default 5000 20
set -eu
BATCHES=${1:-5000}
PER=${2:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
cargo build --release -q --bin doorstep -p doorstep
cargo build --release -q -p doorstep-office --example office_bench_batches
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "generating $BATCHES batches x $PER interviews in $WORK ..."
target/release/examples/office_bench_batches "$WORK" "$BATCHES" "$PER"
du -sh "$WORK/batches"
run() {
    /usr/bin/time -f "%e s, peak %M KB" target/release/doorstep \
        --data-dir "$WORK/data" --config "$WORK/config.toml" \
        office --db "$WORK/office.sqlite3" ingest --keys "$WORK/keys" "$WORK/batches" \
        | tail -n 1
}
echo "ingest (fresh database):"
run
echo "ingest again (everything already in):"
run
echo "sha256sum of every batch file:"
/usr/bin/time -f "%e s" sh -c "find '$WORK/batches' -type f -name '*.jsonl' -print0 | xargs -0 sha256sum >/dev/null"
