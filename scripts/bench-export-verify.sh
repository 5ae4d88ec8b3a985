#!/usr/bin/env bash
# `doorstep export` of a large store, end to end, and `doorstep verify` of
# the batch it writes against the stock `minisign -Vm` on the same file,
# side by side: wall time and peak memory (max RSS) of each, medians.
#
#   scripts/bench-export-verify.sh [INTERVIEWS] [ROUNDS]   (defaults: 10000, 5)
#
# The store is filled once with `simulate --interviews N` (data directory on
# a tmpfs: that many durable writes take long on a disk), kept as a copy,
# and each export round starts from that copy. DOORSTEP_BIN picks the binary
# (default: a release build of this checkout). STORE_CACHE=DIR keeps the
# simulated store in DIR (made on the first run, copied on later ones: to
# compare two binaries on the same store). Files go to a new directory
# under $BENCH_DIR (default: /dev/shm). Needs minisign and GNU time
# (/usr/bin/time); installs nothing.
#
# STORE_KIND picks the store: "encrypted" (the default: SQLCipher under
# DOORSTEP_STORE_PASSWORD, whose key derivation (scrypt, 128 MiB) and page
# encryption and authentication every export pays) or "plain": a store
# made before encryption, which doorstep still opens (the file is
# pre-created with the sqlite3 shell, as scripts/bench-assign.sh does; needs
# sqlite3), to show what doorstep's own work costs apart from those. Give
# each kind its own STORE_CACHE.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/peaks.sh
n="${1:-10000}"
rounds="${2:-5}"
kind="${STORE_KIND:-encrypted}"
tools=(minisign /usr/bin/time)
case "$kind" in
  encrypted) ;;
  plain) tools+=(sqlite3); unset DOORSTEP_STORE_PASSWORD ;;
  *) echo "STORE_KIND must be encrypted or plain, not $kind" >&2; exit 2 ;;
esac
for tool in "${tools[@]}"; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is not installed (apt-get install minisign time sqlite3): cannot compare" >&2
    exit 2
  fi
done
if [ -z "${DOORSTEP_BIN:-}" ]; then
  cargo build --release --quiet --bin doorstep
  bin="$PWD/target/release/doorstep"
else
  bin="$DOORSTEP_BIN"
fi
base="${BENCH_DIR:-/dev/shm}"
work="$(mktemp -d -p "$base" bench-export-verify.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export DOORSTEP_DATA_DIR="$work/data" DOORSTEP_CONFIG="$work/data/config.toml"
if [ -n "${STORE_CACHE:-}" ] && [ -d "$STORE_CACHE" ]; then
  echo "store ($kind): a copy of $STORE_CACHE"
  cp -a "$STORE_CACHE" "$work/data.orig"
else
  if [ "$kind" = plain ]; then
    mkdir -p "$work/data"
    sqlite3 "$work/data/doorstep.sqlite3" 'PRAGMA journal_mode=WAL;' > /dev/null
  fi
  "$bin" keygen --surveyor S1 --no-password > /dev/null
  # Residents enough for N interviews (some doors give none).
  awk -v n="$((n * 3))" 'BEGIN {
    print "resident_id,name,address,community,grid,building,unit,room,phone,age_group,gender"
    for (i = 1; i <= n; i++)
      printf "R%06d,居民%d,幸福路%d号,%s,G%d,%d,%d,%d,1380000%04d,%s,%s\n", i, i, i % 500,
        (i % 2 ? "东风社区" : "西湖社区"), i % 7, i % 40, i % 4 + 1, i % 30 + 101, i % 10000,
        (i % 4 == 0 ? "18-34" : i % 4 == 1 ? "35-49" : i % 4 == 2 ? "50-64" : "65+"),
        (i % 2 ? "男" : "女")
  }' > "$work/residents.csv"
  "$bin" assign --residents "$work/residents.csv" \
    --questionnaire questionnaires/resident-satisfaction.toml > /dev/null
  echo "simulating $n interviews in $work ($(stat -f -c %T "$work")) ..."
  /usr/bin/time -f "simulate: %e s" "$bin" simulate --interviews "$n" --seed 7 > /dev/null
  cp -a "$work/data" "$work/data.orig"
  if [ -n "${STORE_CACHE:-}" ]; then cp -a "$work/data" "$STORE_CACHE"; fi
fi

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# Wall time and CPU time (user + system): on a busy machine the wall time
# is mostly waiting for a core, the CPU time is the work done.
echo "export: $bin ($kind store)"
# "own MB": the peak after the store key's derivation (scrypt's 128 MiB
# comes first and is freed), as the export logs it with
# DOORSTEP_MEASURE_MEMORY=1; "peak MB" is the whole process's, the larger of
# the peak up to that point (logged too) and after it.
printf '%-6s %10s %10s %10s %10s\n' round "export s" "cpu s" "peak MB" "own MB"
ex_s=(); ex_cpu=(); ex_mb=(); ex_own=()
for ((r = 1; r <= rounds; r++)); do
  rm -rf "$work/data" "$work/out"
  cp -a "$work/data.orig" "$work/data"
  DOORSTEP_MEASURE_MEMORY=1 /usr/bin/time -f "%e %M %U %S" -o "$work/time-export" \
    "$bin" export --out "$work/out" > /dev/null
  read -r s k u y < "$work/time-export"
  peaks "$work/data" "$k"
  own="$own_mb"
  k="$whole_kib"
  line=$(awk -v k="$k" -v u="$u" -v y="$y" 'BEGIN { printf "%.1f %.2f", k / 1024, u + y }')
  read -r mb cpu <<< "$line"
  ex_s+=("$s"); ex_cpu+=("$cpu"); ex_mb+=("$mb"); ex_own+=("$own")
  printf '%-6s %10s %10s %10s %10s\n' "$r" "$s" "$cpu" "$mb" "$own"
done
batch=$(ls "$work"/out/*.jsonl)
answers=$(head -c 4096 "$batch" | grep -o '"answers":[0-9]*' | head -1 | cut -d: -f2)
echo "batch: $(basename "$batch"), $(du -m "$batch" | cut -f1) MB, $answers answers"
echo "median export: $(printf '%s\n' "${ex_s[@]}" | median) s wall, $(printf '%s\n' "${ex_cpu[@]}" | median) s CPU, $(printf '%s\n' "${ex_mb[@]}" | median) MB peak, $(printf '%s\n' "${ex_own[@]}" | median) MB of it after the key derivation (goal: < 1 s, < 64 MB)"

mkdir -p "$work/keys"
cp "$work/data/keys/S1.pub" "$work/keys/"
printf '%-6s %9s %9s %9s %11s %11s %9s %7s %7s\n' round "verify s" "cpu s" "MB" "minisign s" "cpu s" "MB" "wall x" "cpu x"
ratios=(); cratios=(); v_mb=()
for ((r = 1; r <= rounds; r++)); do
  /usr/bin/time -f "%e %M %U %S" -o "$work/time-verify" "$bin" verify "$batch" --keys "$work/keys" > /dev/null
  /usr/bin/time -f "%e %M %U %S" -o "$work/time-minisign" minisign -Vm "$batch" -p "$work/keys/S1.pub" > /dev/null
  read -r vs vk vu vy < "$work/time-verify"
  read -r ms mk mu my < "$work/time-minisign"
  line=$(awk -v vs="$vs" -v vk="$vk" -v vu="$vu" -v vy="$vy" -v ms="$ms" -v mk="$mk" -v mu="$mu" -v my="$my" 'BEGIN {
    vc = vu + vy; mc = mu + my
    printf "%.2f %.1f %.2f %.1f %.2f %.2f", vc, vk / 1024, mc, mk / 1024,
      (ms > 0 ? vs / ms : 0), (mc > 0 ? vc / mc : 0) }')
  read -r vc vmb mc mmb ratio cratio <<< "$line"
  ratios+=("$ratio"); cratios+=("$cratio"); v_mb+=("$vmb")
  printf '%-6s %9s %9s %9s %11s %11s %9s %6sx %6sx\n' "$r" "$vs" "$vc" "$vmb" "$ms" "$mc" "$mmb" "$ratio" "$cratio"
done
echo "median verify/minisign: $(printf '%s\n' "${ratios[@]}" | median)x wall, $(printf '%s\n' "${cratios[@]}" | median)x CPU; verify peak $(printf '%s\n' "${v_mb[@]}" | median) MB (goal: <= 1.5x, < 64 MB)"
