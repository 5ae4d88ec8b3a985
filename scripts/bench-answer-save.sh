#!/usr/bin/env bash
# One confirmed answer, durable, against one INSERT in the sqlite3 shell with
# the same pragmas, side by side in one run, on the same disk.
#
#   scripts/bench-answer-save.sh [N] [ROUNDS]     (defaults: 300, 9)
#
# doorstep: N `save_answer_step` calls through the real store (answer +
# history + two paradata events + position, WAL, synchronous=FULL), timed
# inside examples/answer_save.rs after 10 warm-up saves.
# sqlite3: the same pragmas on a file in the same directory, 10 warm-up
# INSERTs, then N single-INSERT transactions (autocommit), timed by the
# shell's own clock.
# The way the app saved before (three transactions per answer) is timed
# too, for comparison, and the same saves into an encrypted store
# (SQLCipher, as doorstep creates stores now). Rounds alternate them. Files go to a new directory under
# $BENCH_DIR (default: target/, so on the project's disk; a tmpfs would hide
# the fsyncs and the script says so). Needs sqlite3; installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-300}"
rounds="${2:-9}"
warm=10
if ! command -v sqlite3 >/dev/null; then
  echo "sqlite3 is not installed (apt-get install sqlite3): cannot compare" >&2
  exit 2
fi
base="${BENCH_DIR:-target}"
mkdir -p "$base"
work="$(mktemp -d -p "$base" bench-answer-save.XXXXXX)"
trap 'rm -rf "$work"' EXIT
if [ "$(stat -f -c %T "$work")" = tmpfs ]; then
  echo "warning: $work is on a tmpfs: fsync costs nothing there" >&2
fi
cargo build --release --quiet --example answer_save
exe=target/release/examples/answer_save

# The shell reads the clock (millisecond precision) right before the
# first timed INSERT and right after the last: N inserts without the shell's
# start-up.
clock="SELECT printf('CLOCK %.3f', (julianday('now') - 2440587.5) * 86400.0);"
{
  echo "PRAGMA journal_mode=WAL;"
  echo "PRAGMA synchronous=FULL;"
  echo "CREATE TABLE answers (id INTEGER PRIMARY KEY, interview_id TEXT NOT NULL,
        question_id TEXT NOT NULL, instance INTEGER NOT NULL, answer TEXT NOT NULL);"
  for ((i = 0; i < warm + n; i++)); do
    if ((i == warm)); then echo "$clock"; fi
    echo "INSERT INTO answers (interview_id, question_id, instance, answer)
          VALUES ('01a22bf6-c43a-729f-aa8b-63b7fa16b322', 'q$((i % 40))', -1, '{\"rating\":{\"value\":3}}');"
  done
  echo "$clock"
} > "$work/inserts.sql"

# Nanoseconds the N timed inserts took, on a fresh file.
shell_ns() {
  rm -f "$work/shell.sqlite3" "$work/shell.sqlite3-wal" "$work/shell.sqlite3-shm"
  sqlite3 "$work/shell.sqlite3" < "$work/inserts.sql" |
    awk '/^CLOCK/ { t[++k] = $2 } END { printf "%d\n", (t[2] - t[1]) * 1e9 }'
}

echo "dir: $work ($(stat -f -c %T "$work")), N = $n, sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
printf '%-6s %18s %18s %8s %22s %18s\n' round "doorstep ms/answer" "sqlite3 ms/insert" ratio "(3 transactions: ms)" "encrypted ms"
ours_ms=() shell_ms=() three_ms=() enc_ms=()
for ((r = 1; r <= rounds; r++)); do
  ours=$("$exe" "$work" "$n" | awk '{print $3}')
  three=$("$exe" "$work" "$n" --three-transactions | awk '{print $3}')
  enc=$("$exe" "$work" "$n" --encrypted | awk '{print $3}')
  shell=$(shell_ns)
  line=$(awk -v o="$ours" -v h="$three" -v t="$shell" -v n="$n" 'BEGIN {
    a = o / n / 1e6; b = t / n / 1e6; c = h / n / 1e6;
    printf "%.3f %.3f %.2f %.3f %.2f", a, b, a / b, c, c / b }')
  read -r a b ratio c cratio <<< "$line"
  e=$(awk -v t="$enc" -v n="$n" 'BEGIN { printf "%.3f", t / n / 1e6 }')
  ours_ms+=("$a") shell_ms+=("$b") three_ms+=("$c") enc_ms+=("$e")
  printf '%-6s %18s %18s %7sx %13s (%sx) %18s\n' "$r" "$a" "$b" "$ratio" "$c" "$cratio" "$e"
done
# Noise from other work on the machine only adds time: the medians and the
# best rounds of each side are compared.
summary() { sort -g | awk '{v[NR] = $1} END {printf "%s %s\n", v[int((NR + 1) / 2)], v[1]}'; }
read -r med_ours min_ours < <(printf '%s\n' "${ours_ms[@]}" | summary)
read -r med_shell min_shell < <(printf '%s\n' "${shell_ms[@]}" | summary)
read -r med_three min_three < <(printf '%s\n' "${three_ms[@]}" | summary)
read -r med_enc min_enc < <(printf '%s\n' "${enc_ms[@]}" | summary)
awk -v a="$med_ours" -v b="$med_shell" -v c="$med_three" -v d="$min_ours" -v e="$min_shell" -v f="$min_three" 'BEGIN {
  printf "median: doorstep %.3f ms, sqlite3 %.3f ms: %.2fx (3 transactions: %.3f ms, %.2fx)\n", a, b, a / b, c, c / b
  printf "best:   doorstep %.3f ms, sqlite3 %.3f ms: %.2fx (3 transactions: %.3f ms, %.2fx)\n", d, e, d / e, f, f / e
  print "goal: <= 1.3x" }'
awk -v a="$med_ours" -v b="$med_enc" -v c="$min_ours" -v d="$min_enc" 'BEGIN {
  printf "encrypted store: median %.3f ms (%.2fx the plain store), best %.3f ms (%.2fx)\n", b, b / a, d, d / c }'
