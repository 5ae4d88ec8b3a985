# Sourced by the bench scripts (bench-assign.sh, bench-export-verify.sh).
#
# peaks DATA_DIR PROCESS_KIB reads the peaks a command logged in
# DATA_DIR/logs with DOORSTEP_MEASURE_MEMORY=1 (`peak_rss_kib_key=…
# peak_rss_kib_after_key=…`: the peak up to the store key's derivation,
# then the peak after it, which the command reset) and sets
#   own_mb     the peak after the key's derivation, in MB ("?" if not logged);
#   whole_kib  the whole process's peak: the larger of PROCESS_KIB (time's
#              %M, which sees only the part after the reset) and the peak
#              logged up to the key.
peaks() {
  local logged key_kib own_kib
  logged=$( (cat "$1"/logs/*.log 2>/dev/null || true) \
    | (grep -o 'peak_rss_kib_key=[0-9]* peak_rss_kib_after_key=[0-9]*' || true) | tail -1)
  key_kib=$(echo "$logged" | sed -n 's/^peak_rss_kib_key=\([0-9]*\) .*/\1/p')
  own_kib=$(echo "$logged" | sed -n 's/.*peak_rss_kib_after_key=\([0-9]*\)$/\1/p')
  if [ -n "$own_kib" ]; then
    own_mb=$(awk -v k="$own_kib" 'BEGIN { printf "%.1f", k / 1024 }')
  else
    own_mb="?"
  fi
  whole_kib=$2
  if [ -n "$key_kib" ] && [ "$key_kib" -gt "$whole_kib" ]; then whole_kib=$key_kib; fi
}
