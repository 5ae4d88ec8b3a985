#!/bin/sh
# Ingest benchmark (issue 12): N signed batches of PER interviews (40
# answers, 80 paradata events each) into a fresh SQLite office database;
# then the same folder again; and sha256sum over every batch file (the
# floor: reading and hashing every byte once). Prints seconds and peak
# memory (GNU time's maximum resident set size).
#
#   scripts/bench-office-ingest.sh [BATCHES [PER]]     default 5000 20
#
# The database: SQLite by default; OFFICE_BENCH_DB=postgres starts a
# throwaway PostgreSQL cluster (Debian's package, default durability:
# fsync and synchronous_commit on) for the run; OFFICE_BENCH_DB=postgres://…
# uses that server's (empty) database.
set -eu
BATCHES=${1:-5000}
PER=${2:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
cargo build --release -q --bin doorstep -p doorstep
cargo build --release -q -p doorstep-office --example office_bench_batches
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# BENCH_BATCHES=DIR keeps the generated batches (and their keys) in DIR
# for the next run (e.g. the PostgreSQL one), made only when missing.
GEN=${BENCH_BATCHES:-$WORK}
if [ ! -e "$GEN/.complete-$BATCHES-$PER" ]; then
    echo "generating $BATCHES batches x $PER interviews in $GEN ..."
    rm -rf "$GEN/batches" "$GEN/keys"
    mkdir -p "$GEN"
    target/release/examples/office_bench_batches "$GEN" "$BATCHES" "$PER"
    touch "$GEN/.complete-$BATCHES-$PER"
fi
if [ "$GEN" != "$WORK" ]; then
    ln -s "$GEN/batches" "$WORK/batches"
    ln -s "$GEN/keys" "$WORK/keys"
fi
du -shL "$WORK/batches"
DB="$WORK/office.sqlite3"
case "${OFFICE_BENCH_DB:-sqlite}" in
sqlite) ;;
postgres://* | postgresql://*) DB=$OFFICE_BENCH_DB ;;
postgres)
    BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    chmod o+x "$WORK"      # mktemp -d is 0700: let postgres reach its dir
    mkdir "$WORK/pg"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
    as_pg "$BIN/initdb" -D "$WORK/pg/data" -U doorstep -A trust -E UTF8 --locale=C >/dev/null
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg "$BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -k $WORK/pg" start >/dev/null
    trap 'as_pg "$BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1; rm -rf "$WORK"' EXIT
    DB="postgres://doorstep@127.0.0.1:$PORT/postgres"
    echo "PostgreSQL: $("$BIN/postgres" --version), fsync on"
    ;;
*) echo "OFFICE_BENCH_DB: sqlite, postgres or a postgres:// URL" >&2; exit 2 ;;
esac
run() {
    /usr/bin/time -f "%e s, peak %M KB" target/release/doorstep \
        --data-dir "$WORK/data" --config "$WORK/config.toml" \
        office --db "$DB" ingest --keys "$WORK/keys" "$WORK/batches" \
        | tail -n 1
}
echo "ingest (fresh database):"
run
echo "ingest again (everything already in):"
run
echo "sha256sum of every batch file:"
/usr/bin/time -f "%e s" sh -c "find '$WORK/batches/' -type f -name '*.jsonl' -print0 | xargs -0 sha256sum >/dev/null"
