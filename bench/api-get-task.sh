#!/usr/bin/env bash
# Throughput and latency of GET /api/task/{id} against a trivial endpoint (/healthz) of the same server, on the
# embedded store (SQLite) and on PostgreSQL, in one run.
#
# Build first (mvn -q -B package -DskipTests), then: bench/api-get-task.sh [seconds] [connections]
# PostgreSQL: $SPOOL_BENCH_POSTGRES_URL, else jdbc:postgresql://127.0.0.1:5432/test?user=postgres; the bench works
# in a schema of its own and drops it at the end. For each store it starts target/spool.jar on a free port (no
# workers), creates one task, loads each endpoint with wrk for the same time and connections (after a warm-up of
# each; twice each, the better run counts), stops the server, and then prints requests/s, p50/p99 and the ratio
# task/trivial per store.
set -euo pipefail

duration="${1:-30}"
connections="${2:-64}"
source "$(dirname "$0")/lib.sh"
postgres="${SPOOL_BENCH_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"

# measure STORE [VAR=value ...]: one server, both endpoints; appends "store task-rps p50 p99 trivial-rps p50 p99".
measure() {
    local store="$1" task_id
    shift
    start_spool "$store" SPOOL_WORKERS=0 "$@"
    task_id="$(curl -fsS -X POST "$base/api/task" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
        -d '{"type": "transcode-file", "params": {"transcode-file": {
              "input": {"url": "s3+https://KEY:SECRET@s3.example.com/bucket/in.mp4"},
              "storage": {"url": "s3+https://KEY:SECRET@s3.example.com/out"},
              "outputs": {"hls": {"path": "/out/hls"}, "mp4": {"path": "/out/mp4"}},
              "profiles": [{"name": "720p", "width": 1280, "height": 720, "bitrate": 3000000, "gop": "2"}]}}}' \
        | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')"
    [[ -n "$task_id" ]] || { echo "could not create a task on $store" >&2; exit 1; }
    local auth=(-H "Authorization: Bearer $key") task="$base/api/task/$task_id" trivial="$base/healthz"
    # A warm-up of each endpoint, so that both are measured with the JIT done; then each twice, in the order
    # task, trivial, trivial, task so that neither always runs first, and the better run of each counts.
    load "$task" 10 "${auth[@]}" >/dev/null
    load "$trivial" 10 "${auth[@]}" >/dev/null
    local url
    for url in "$task" "$trivial" "$trivial" "$task"; do
        load "$url" "$duration" "${auth[@]}" >>"$work/$store-$([[ "$url" == "$task" ]] && echo task || echo trivial)"
    done
    echo "$store $(sort -nr "$work/$store-task" | head -1) $(sort -nr "$work/$store-trivial" | head -1)" >>"$work/results"
    stop_spool
}

measure sqlite
scratch_postgres "$postgres"
measure postgres SPOOL_DATABASE_URL="$scratch_url"

echo "wrk -t$threads -c$connections -d${duration}s --latency, best of 2 each, server and wrk on the same" \
    "$(nproc)-core machine, one server at a time, no workers"
printf '%-9s %-20s %10s %10s %10s %8s\n' store endpoint 'req/s' 'p50 ms' 'p99 ms' ratio
while read -r store t_rps t_p50 t_p99 h_rps h_p50 h_p99; do
    ratio="$(awk -v t="$t_rps" -v h="$h_rps" 'BEGIN { printf "%.0f%%", 100 * t / h }')"
    printf '%-9s %-20s %10s %10s %10s %8s\n' "$store" "GET /api/task/{id}" "$t_rps" "$t_p50" "$t_p99" "$ratio"
    printf '%-9s %-20s %10s %10s %10s\n' "$store" "GET /healthz" "$h_rps" "$h_p50" "$h_p99"
done <"$work/results"
