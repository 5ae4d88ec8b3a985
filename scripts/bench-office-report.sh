#!/bin/sh
# Office assessment and report benchmark (issue 13): a simulated city of
# 1,000 communities (20 streets x 50) x 4 quarters x 100 counted interviews
# over three channels (400,000 interviews, 600,000 residents, approvals,
# work orders), built once with `office demo` into an office SQLite
# database and cached; then timed (GNU time: seconds, peak memory):
#   1. `office rank --year 2026`: the store read, every estimate, the
#      shrinkage and the ranking with 1,000 bootstrap draws;
#   2. `office report --year 2026`: the same plus participation, orders,
#      report.html, report.xlsx and the CSV files; the HTML's size.
#
#   scripts/bench-office-report.sh [STREETS [PER_STREET [PER_QUARTER]]]   default 20 50 100
#   (small sizes while developing: scripts/bench-office-report.sh 3 4 30)
#
# The database is kept in target/bench-office-report/ (remove it to rebuild).
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
D="$B office --db $CACHE/office.sqlite3 --settings $CACHE/office.toml"
echo "counted interviews: $($D status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["interviews"]["counted"])')"
echo "office rank --year 2026 (every estimate, shrinkage, ranking, 1,000 draws):"
/usr/bin/time -f "%e s, peak %M KB" $D rank --year 2026 --json > "$WORK/rank.json"
echo "office report --year 2026 (HTML + XLSX + CSV):"
/usr/bin/time -f "%e s, peak %M KB" $D report --year 2026 --out "$WORK/report" > /dev/null
ls -l "$WORK/report/report.html" "$WORK/report/report.xlsx" | awk '{ printf "%s %.2f MB\n", $NF, $5 / 1048576 }'
