#!/usr/bin/env bash
# The task engine with a no-op handler, on SQLite and (when reachable) PostgreSQL, in one run: tasks/s through
# claim -> run -> complete with 4 handlers (3,000 tasks timed after 1,000 that warm the server up), the statements
# and transactions each task costs, and create-to-running latency p50/p99 for idle workers; beside it, in the same
# run, the database's own single-row commit rate (4 clients, autocommit UPDATEs through Spool's pool and settings)
# and the ratio of the two.
#
# Usage: bench/engine.sh [postgres-jdbc-url]
# Default PostgreSQL URL: $SPOOL_BENCH_POSTGRES_URL, else jdbc:postgresql://127.0.0.1:5432/test?user=postgres;
# pass "" to measure SQLite only. The bench works in a schema of its own and drops it at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
postgres="${1-${SPOOL_BENCH_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

mvn -q -B test-compile
classpath_file="$(mktemp)"
trap 'rm -f "$classpath_file"' EXIT
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$classpath_file" >/dev/null
"$java" -cp "target/test-classes:target/classes:$(cat "$classpath_file")" dev.spool.bench.EngineBench "$postgres" \
    2> >(grep -v '^WARNING' >&2) | grep -v ' INFO \| WARN '
