#!/usr/bin/env bash
# Batch scoring vs training on the same CSV file, as docs/benchmarks.md ("Batch scoring") reports:
# writes a seeded ROWS-row CSV (4 features + target), then alternates `maas train` and
# `maas predict` on it RUNS times each and prints the wall and CPU (user + system) times and their ratios.
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
# Runs a command and prints "wall user sys" in seconds (bash's own timer), its output discarded.
timed() { local TIMEFORMAT='%R %U %S'; { time "$@" > /dev/null; } 2>&1 | tail -1; }
report() { # run label seconds(wall user sys) train(wall user sys)
  awk -v i="$1" -v what="$2" -v w="$3" -v u="$4" -v s="$5" -v tw="$6" -v tu="$7" -v ts="$8" -v n="$rows" \
    'BEGIN { printf "run %d: %s %.2f s (%.0f rows/s, CPU %.2f s), time / train time %.2f, CPU / train CPU %.2f\n",
      i, what, w, n / w, u + s, w / tw, (u + s) / (tu + ts) }'
}
for i in $(seq "$runs"); do
  read -r tw tu ts < <(timed java -jar "$jar" train --data "$csv" --target y --store "$store" --name bench)
  read -r pw pu ps < <(timed java -jar "$jar" predict bench:1 --store "$store" --input "$csv" \
    --output "$work/scores.csv" --quiet)
  awk -v i="$i" -v w="$tw" -v u="$tu" -v s="$ts" -v n="$rows" \
    'BEGIN { printf "run %d: train %.2f s (%.0f rows/s, CPU %.2f s)\n", i, w, n / w, u + s }'
  report "$i" predict "$pw" "$pu" "$ps" "$tw" "$tu" "$ts"
  if [[ -n "$baseline" ]]; then
    read -r bw bu bs < <(timed java -jar "$baseline" predict bench:1 --store "$store" --input "$csv" \
      --output "$work/scores-baseline.csv" --quiet)
    report "$i" "baseline predict" "$bw" "$bu" "$bs" "$tw" "$tu" "$ts"
  fi
done
