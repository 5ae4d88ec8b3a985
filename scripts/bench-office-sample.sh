#!/bin/sh
# Sampling benchmark (issue 12): a register of 1,000,000 residents in 2,000
# communities (age_group x gender strata), 100 surveyors; then
# `office sample --per-community 40 --reserve 2`. Prints the register load
# time and the sample time (GNU time: seconds, peak memory).
#
#   scripts/bench-office-sample.sh [RESIDENTS [COMMUNITIES]]   default 1000000 2000
set -eu
RESIDENTS=${1:-1000000}
COMMUNITIES=${2:-2000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
cargo build --release -q --bin doorstep -p doorstep
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
awk -v n="$RESIDENTS" -v c="$COMMUNITIES" 'BEGIN {
    print "resident_id,name,address,community,street,district,age_group,gender";
    split("18-34 35-59 60+", ages, " ");
    for (i = 0; i < n; i++) {
        k = i % c;
        printf "R%07d,Name%d,Addr %d,C%04d,Street%02d,District%d,%s,%s\n", i, i, i, k, k % 50, k % 5, ages[(i * 7) % 3 + 1], (i % 2 ? "m" : "f");
    }
}' > "$WORK/register.csv"
awk -v c="$COMMUNITIES" 'BEGIN { print "surveyor_id,community"; for (k = 0; k < c; k++) printf "S%03d,C%04d\n", k % 100, k }' > "$WORK/surveyors.csv"
D="target/release/doorstep --data-dir $WORK/data --config $WORK/config.toml office --db $WORK/office.sqlite3"
echo "register $RESIDENTS residents:"
/usr/bin/time -f "%e s, peak %M KB" $D register --residents "$WORK/register.csv" --date 2026-07-01
echo "sample 40 per community, 2 reserves per stratum:"
/usr/bin/time -f "%e s, peak %M KB" $D sample --quarter 2026Q4 --per-community 40 \
    --strata age_group,gender --reserve 2 --surveyors "$WORK/surveyors.csv" --seed 1 --out "$WORK/out"
ls "$WORK/out" | wc -l
