#!/usr/bin/env bash
# Crash loop on PostgreSQL and S3 (s3proxy): one API process and two worker processes import real videos while,
# each round, one of them is killed with SIGKILL at a random moment and restarted. Checks at the end: every task
# finished, every completed asset playable, no ffmpeg of the run and no work directory left. Exits 1 otherwise.
#
# Usage: bench/crash-loop.sh [rounds] [seed] [postgres-jdbc-url]
# Defaults: 20 rounds, a fresh seed (printed), $SPOOL_BENCH_POSTGRES_URL or
# jdbc:postgresql://127.0.0.1:5432/test?user=postgres. The run works in a schema of its own and drops it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${1:-20}"
seed="${2:-$(date +%s%N)}"
postgres="${3:-${SPOOL_BENCH_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

mvn -q -B test-compile
classpath_file="$(mktemp)"
trap 'rm -f "$classpath_file"' EXIT
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$classpath_file" >/dev/null
"$java" -cp "target/test-classes:target/classes:$(cat "$classpath_file")" dev.spool.bench.CrashLoop "$postgres" \
    "$rounds" "$seed" 2> >(grep -v '^WARNING' >&2) | grep -v ' INFO \| WARN '
