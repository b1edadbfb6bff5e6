#!/usr/bin/env bash
# The cost of C2PA signing: the media pipeline on a generated source (default ladder with static MP4s), then the
# signing of every MP4, and signing as a share of the task. Knobs: BENCH_SECONDS (60), BENCH_SIZE (1280x720),
# BENCH_PRESET (veryfast), BENCH_DIR (target/bench-c2pa).
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -q -B test-compile
classpath_file="$(mktemp)"
trap 'rm -f "$classpath_file"' EXIT
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$classpath_file" >/dev/null
"$java" -cp "target/test-classes:target/classes:$(cat "$classpath_file")" dev.spool.c2pa.SigningBench \
    2> >(grep -v '^WARNING' >&2) | grep -v ' INFO \| WARN '
