#!/bin/sh
# Office assessment and report benchmark (issue 13): a simulated city of
# 1,000 communities (20 streets x 50) x 4 quarters x 100 counted interviews
# over three channels (400,000 interviews, 600,000 residents, approvals,
# work orders), built once with `office demo` into an office SQLite
# database and cached; then timed (GNU time: seconds, peak memory):
#   1. `office rank --year 2026`: the store read, every estimate, the
#      shrinkage and the ranking with 1,000 bootstrap draws;
#   2. `office report --year 2026`: the same plus participation, orders,
#      report.html, report.xlsx and the CSV files; the HTML's size; and
#      the command's own line with the scoring apart from the report stage
#      (its reads, building the tables and charts, writing the files).
#
#   scripts/bench-office-report.sh [STREETS [PER_STREET [PER_QUARTER]]]   default 20 50 100
#   (small sizes while developing: scripts/bench-office-report.sh 3 4 30)
#
# The database is kept in target/bench-office-report/ (remove it to rebuild).
# The load average is printed before each timing: on a shared machine the
# wall clock says more about the load than about doorstep (compare CPU).
#
# OFFICE_BENCH_REPORT=0: time `office rank` only.
#
# OFFICE_BENCH_DB=postgres: the same city copied (table by table, CSV
# through psql's \copy) into a throwaway PostgreSQL cluster (default
# durability) and timed there; OFFICE_BENCH_DB=postgres://… uses that
# (empty) database instead. The copy is not timed.
set -eu
STREETS=${1:-20}
PER_STREET=${2:-50}
PER_QUARTER=${3:-100}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
cargo build --release -q --bin doorstep -p doorstep
CACHE="target/bench-office-report/city-$STREETS-$PER_STREET-$PER_QUARTER"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
B="target/release/doorstep --data-dir $WORK/data --config $WORK/config.toml"
if [ ! -f "$CACHE/office.sqlite3" ]; then
    rm -rf "$CACHE"
    echo "building the city (once):"
    /usr/bin/time -f "%e s, peak %M KB" $B office demo --direct --out "$CACHE" --streets "$STREETS" \
        --communities-per-street "$PER_STREET" --per-quarter "$PER_QUARTER" --small-every 0 --no-report
fi
DB="$CACHE/office.sqlite3"
case "${OFFICE_BENCH_DB:-sqlite}" in
sqlite) ;;
postgres | postgres://* | postgresql://*)
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    if [ "$OFFICE_BENCH_DB" = postgres ]; then
        as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
        chmod o+x "$WORK"      # mktemp -d is 0700: let postgres reach its dir
        mkdir "$WORK/pg"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
        as_pg "$PGBIN/initdb" -D "$WORK/pg/data" -U doorstep -A trust -E UTF8 --locale=C >/dev/null
        PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
            -o "-p $PORT -c listen_addresses=127.0.0.1 -k $WORK/pg" start >/dev/null
        trap 'as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1; rm -rf "$WORK"' EXIT
        DB="postgres://doorstep@127.0.0.1:$PORT/postgres"
    else
        DB=$OFFICE_BENCH_DB
    fi
    echo "PostgreSQL: $("$PGBIN/postgres" --version); copying the city (not timed):"
    $B office --db "$DB" status > /dev/null     # the schema
    S="$CACHE/office.sqlite3"
    for t in register_loads residents resident_periods keys batches interviews supersessions \
        visits decision_files decisions quarantine sample_members orders order_history; do
        pgcols=",$("$PGBIN/psql" -qtA "$DB" -c "SELECT string_agg(column_name, ',') FROM information_schema.columns WHERE table_name = '$t'"),"
        cols=$(sqlite3 "$S" "SELECT name FROM pragma_table_info('$t')" | while read -r c; do
            case "$pgcols" in *",$c,"*) printf '%s,' "$c" ;; esac; done | sed 's/,$//')
        sqlite3 -csv "$S" "SELECT $cols FROM $t" |
            "$PGBIN/psql" -q "$DB" -c "\\copy $t ($cols) FROM STDIN WITH (FORMAT csv)"
    done
    for tc in register_loads.load_id resident_periods.period_id quarantine.quarantine_id \
        orders.order_id order_history.entry_id; do
        t=${tc%.*} c=${tc#*.}
        "$PGBIN/psql" -qtA "$DB" -c "SELECT setval(pg_get_serial_sequence('$t', '$c'), COALESCE(max($c), 0) + 1, false) FROM $t" > /dev/null
    done
    "$PGBIN/psql" -q "$DB" -c "ANALYZE" ;;
*) echo "OFFICE_BENCH_DB: sqlite, postgres or a postgres:// URL" >&2; exit 2 ;;
esac
D="$B office --db $DB --settings $CACHE/office.toml"
echo "counted interviews: $($D status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["interviews"]["counted"])')"
echo "office rank --year 2026 (every estimate, shrinkage, ranking, 1,000 draws); $(uptime | sed 's/.*load/load/'):"
/usr/bin/time -f "%e s (CPU user %U s, sys %S s), peak %M KB" $D rank --year 2026 --json > "$WORK/rank.json"
[ "${OFFICE_BENCH_REPORT:-1}" = 0 ] && exit 0
echo "office report --year 2026 (HTML + XLSX + CSV); $(uptime | sed 's/.*load/load/'):"
/usr/bin/time -f "%e s (CPU user %U s, sys %S s), peak %M KB" $D report --year 2026 --out "$WORK/report" \
    > /dev/null 2> "$WORK/report.err" || { cat "$WORK/report.err" >&2; exit 1; }
# The time, then the command's own line: the scoring apart from the report
# stage (the report's reads, building the tables and charts, writing).
tail -n 1 "$WORK/report.err"
grep '^scored in' "$WORK/report.err"
ls -l "$WORK/report/report.html" "$WORK/report/report.xlsx" | awk '{ printf "%s %.2f MB\n", $NF, $5 / 1048576 }'
