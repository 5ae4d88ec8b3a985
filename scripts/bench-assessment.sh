#!/usr/bin/env bash
# The assessment's estimates: doorstep against R's survey package on the
# same synthetic city (default 1,000 communities x 4 quarters x 100
# interviews over three channels = 400,000 interviews).
# Usage: scripts/bench-assessment.sh [COMMUNITIES] [PER_QUARTER]
set -euo pipefail
cd "$(dirname "$0")/.."
communities=${1:-1000}
per_quarter=${2:-100}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --release --example assessment -q
./target/release/examples/assessment "$communities" "$per_quarter" --csv "$dir"
if command -v Rscript >/dev/null; then
  Rscript benches/assessment.R "$dir"
else
  echo "Rscript not installed (apt-get install -y r-cran-survey): R side skipped"
fi
