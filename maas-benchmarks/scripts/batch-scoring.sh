#!/usr/bin/env bash
# Batch scoring vs training on the same CSV file, as docs/benchmarks.md ("Batch scoring") reports:
# writes a seeded ROWS-row CSV (4 features + target), then alternates `maas train` and
# `maas predict` on it RUNS times each and prints the wall times and their ratio.
# Usage: maas-benchmarks/scripts/batch-scoring.sh [ROWS] [RUNS] [WORKDIR]
set -euo pipefail
rows="${1:-10000000}"
runs="${2:-3}"
work="${3:-$(mktemp -d)}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$here/maas-cli/target/maas.jar"
[[ -f "$jar" ]] || { echo "build first: mvn -B -q -pl maas-cli -am package -DskipTests" >&2; exit 1; }
mkdir -p "$work"
csv="$work/data.csv"
if [[ ! -f "$csv" ]]; then
  awk -v n="$rows" 'BEGIN { srand(42); print "a,b,c,d,y";
    for (i = 0; i < n; i++) { a = rand() * 100; b = rand() * 10; c = rand(); d = rand() * 1000;
      printf "%.4f,%.4f,%.6f,%.3f,%.4f\n", a, b, c, d, 3 + 2 * a - 0.5 * b + 7 * c + 0.01 * d + rand() - 0.5 } }' > "$csv"
fi
echo "file: $csv, $(wc -l < "$csv") lines, $(du -h "$csv" | cut -f1); cores: $(nproc)"
store="$work/store"
java -jar "$jar" train --data "$csv" --target y --store "$store" --name bench > /dev/null
now() { date +%s.%N; }
for i in $(seq "$runs"); do
  t0=$(now); java -jar "$jar" train --data "$csv" --target y --store "$store" --name bench > /dev/null; t1=$(now)
  java -jar "$jar" predict bench:1 --store "$store" --input "$csv" --output "$work/scores.csv" --quiet > /dev/null
  t2=$(now)
  awk -v tr="$(echo "$t1 - $t0" | bc)" -v pr="$(echo "$t2 - $t1" | bc)" -v n="$rows" -v i="$i" \
    'BEGIN { printf "run %d: train %.2f s (%.0f rows/s), predict %.2f s (%.0f rows/s), predict/train time %.2f\n", i, tr, n / tr, pr, n / pr, pr / tr }'
done
