#!/usr/bin/env bash
# HTTP benchmarks with wrk on loopback (docs/benchmarks.md, section HTTP). Needs wrk and a built
# Maven (it compiles maas-http and its tests first). Usage: maas-http/bench/wrk.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
(cd .. && mvn -B -q -pl maas-http -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp") > "$work/mvn.log" 2>&1 || { cat "$work/mvn.log" >&2; exit 1; }
cp="target/test-classes:target/classes:../maas-core/target/classes:$(cat "$work/cp")"
java -cp "$cp" dev.maas.http.HttpBenchServer bodies "$work"

start() { # mode port [args]: starts a server and waits for "ready"
  java -Xms256m -Xmx256m -cp "$cp" dev.maas.http.HttpBenchServer "$@" > "$work/server.$2" 2>&1 &
  for _ in $(seq 200); do grep -q ready "$work/server.$2" 2>/dev/null && return; sleep 0.1; done
  echo "server $1 did not start" >&2; exit 1
}
run() { # label connections url body [header-length]
  BODY=$4 HEADER_LENGTH=${5:-} wrk -t "$(( $2 < 2 ? 1 : 2 ))" -c "$2" -d "${secs}s" --latency -s post.lua.tmp "$3" \
    > "$work/out" 2>&1
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/out")
  p50=$(awk '$1=="50%" {print $2}' "$work/out"); p99=$(awk '$1=="99%" {print $2}' "$work/out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$work/out")
  printf '%-34s c=%-4s %10s req/s  p50 %8s  p99 %8s  non-2xx %s\n' "$1" "$2" "$rps" "$p50" "$p99" "${non2xx:-0}"
}
cp bench/post.lua post.lua.tmp
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work" post.lua.tmp' EXIT
start noop 18080; start model 18081 64; start model 18082 64 batch; start model 18083 16
for c in 1 16 64; do
  run "no-op HttpServer handler" $c http://127.0.0.1:18080/ "$work/request.json"
  run "InferenceServer, JSON" $c http://127.0.0.1:18081/v2/models/m/infer "$work/request.json"
  run "InferenceServer, binary" $c http://127.0.0.1:18081/v2/models/m/infer "$work/request.bin" \
    "$(cat "$work/request.bin.header")"
done
for c in 1 16 64; do
  run "InferenceServer, JSON, batching" $c http://127.0.0.1:18082/v2/models/m/infer "$work/request.json"
done
for c in 8 16 64 256; do
  run "InferenceServer, JSON (limit 16)" $c http://127.0.0.1:18083/v2/models/m/infer "$work/request.json"
done
