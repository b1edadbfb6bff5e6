#!/usr/bin/env bash
# Throughput and latency of GET /api/task/{id} against a trivial endpoint (/healthz), on the embedded store.
#
# Build first (mvn -q -B package -DskipTests), then: bench/api-get-task.sh [seconds] [connections]
# Starts target/spool.jar with a temporary data dir on a free port, creates one task, then loads each endpoint
# with wrk for the same time and connections, and prints requests/s, the ratio task/trivial and p50/p99.
set -euo pipefail

duration="${1:-30}"
connections="${2:-64}"
threads=2
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/target/spool.jar"

[[ -f "$jar" ]] || { echo "no $jar: build it first with 'mvn -q -B package -DskipTests'" >&2; exit 1; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
java_major="$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
(( java_major >= 21 )) || { echo "Spool needs Java 21 or later; '$java' is $java_major (set JAVA_HOME)" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
    apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Port 0: the server binds a free port and logs which one.
SPOOL_PORT=0 SPOOL_DATA_DIR="$work/data" SPOOL_WORKERS=0 "$java" -jar "$jar" serve >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 120); do
    port="$(sed -n 's/.*Spool is listening on port \([0-9]*\).*/\1/p' "$work/server.log")"
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.5
done
[[ -n "$port" ]] || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
base="http://127.0.0.1:$port"
key="$(cat "$work/data/admin-api-key")"

task_id="$(curl -fsS -X POST "$base/api/task" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"type": "transcode-file", "params": {"transcode-file": {
          "input": {"url": "s3+https://KEY:SECRET@s3.example.com/bucket/in.mp4"},
          "storage": {"url": "s3+https://KEY:SECRET@s3.example.com/out"},
          "outputs": {"hls": {"path": "/out/hls"}, "mp4": {"path": "/out/mp4"}},
          "profiles": [{"name": "720p", "width": 1280, "height": 720, "bitrate": 3000000, "gop": "2"}]}}}' \
    | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')"
[[ -n "$task_id" ]] || { echo "could not create a task" >&2; exit 1; }

# Runs wrk and prints "requests/s p50 p99" (latencies in ms).
load() {
    local url="$1" seconds="$2" out
    out="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $key" "$url")"
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }' <<<"$out"
}

# A short warm-up of each endpoint, so that both are measured with the JIT done.
load "$base/api/task/$task_id" 5 >/dev/null
load "$base/healthz" 5 >/dev/null
read -r task_rps task_p50 task_p99 < <(load "$base/api/task/$task_id" "$duration")
read -r trivial_rps trivial_p50 trivial_p99 < <(load "$base/healthz" "$duration")

echo "wrk -t$threads -c$connections -d${duration}s --latency, server and wrk on the same $(nproc)-core machine"
printf '%-22s %10s %10s %10s\n' endpoint 'req/s' 'p50 ms' 'p99 ms'
printf '%-22s %10s %10s %10s\n' "GET /api/task/{id}" "$task_rps" "$task_p50" "$task_p99"
printf '%-22s %10s %10s %10s\n' "GET /healthz" "$trivial_rps" "$trivial_p50" "$trivial_p99"
awk -v t="$task_rps" -v h="$trivial_rps" 'BEGIN { printf "ratio task/trivial: %.0f%%\n", 100 * t / h }'
