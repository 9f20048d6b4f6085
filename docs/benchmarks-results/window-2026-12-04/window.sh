#!/usr/bin/env bash
# The quiet benchmark window: run from /work/main after `mvn -B -q -pl maas-benchmarks -am package -DskipTests`.
set -uo pipefail
cd /work/main
out=/work/bench/window-$(date -u +%H%M)
mkdir -p "$out"
jar=maas-benchmarks/target/benchmarks.jar
load() { echo "$(date -u +%H:%M:%S) $1: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"; }
jmh() { # name args...
  local name=$1; shift
  load "before $name"
  java -jar "$jar" "$@" -rf json -rff "$out/$name.json" > "$out/$name.log" 2>&1
  load "after $name"
}
jmh hostile HostileBodyBenchmark -f 1 -wi 2 -i 5
jmh fit LinearFitScalingBenchmark -f 1 -wi 2 -i 5   # every shape (the parameter is 'shape')
load "before numpy"
python3 maas-benchmarks/scripts/numpy-linear-fit.py --jmh "$out/fit.json" --shapes 1000000x8,1000000x64,1000000x256 --stream none > "$out/numpy.log" 2>&1
load "after numpy"
jmh monitor-local 'MonitorBenchmark.(predict|observe)' -f 1
jmh monitor-http 'MonitorBenchmark.http' -f 3 -wi 3 -i 8
jmh cache ModelCacheBenchmark -f 1
load "before wrk"
maas-http/bench/wrk.sh 10 > "$out/wrk.log" 2>&1
load "after wrk"
# after the decoder's tensor cap (a rebuild in between):
jmh hostile2 HostileBodyBenchmark -f 1 -wi 2 -i 5
jmh quant-mlp QuantizedMlpBenchmark -f 2 -wi 5 -i 5
echo done > "$out/done"
