#!/usr/bin/env bash
# Batch scoring vs training on the same CSV file, as docs/benchmarks.md ("Batch scoring") reports:
# writes a seeded ROWS-row CSV (4 features + target), then alternates `maas train` and
# `maas predict` on it RUNS times each and prints the wall times and their ratio.
# MAAS_JAR names the jar to measure (default: maas-cli/target/maas.jar); BASELINE_JAR, when set,
# names a second jar (for example an earlier build) whose `maas predict` runs in the same loop, so
# that before and after are measured side by side, each as a ratio to the same `maas train` run.
# Usage: [MAAS_JAR=...] [BASELINE_JAR=...] maas-benchmarks/scripts/batch-scoring.sh [ROWS] [RUNS] [WORKDIR]
set -euo pipefail
rows="${1:-10000000}"
runs="${2:-3}"
work="${3:-$(mktemp -d)}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${MAAS_JAR:-$here/maas-cli/target/maas.jar}"
baseline="${BASELINE_JAR:-}"
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
  if [[ -n "$baseline" ]]; then
    t3=$(now)
    java -jar "$baseline" predict bench:1 --store "$store" --input "$csv" --output "$work/scores-baseline.csv" --quiet > /dev/null
    t4=$(now)
    awk -v tr="$(echo "$t1 - $t0" | bc)" -v pr="$(echo "$t4 - $t3" | bc)" -v n="$rows" -v i="$i" \
      'BEGIN { printf "run %d: baseline predict %.2f s (%.0f rows/s), baseline predict/train time %.2f\n", i, pr, n / pr, pr / tr }'
  fi
done
