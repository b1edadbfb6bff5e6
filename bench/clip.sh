#!/usr/bin/env bash
# Times a 10 s clip of a 10-minute 720p30 asset against importing a 10 s 720p30 file, in one run, and prints
# the ratio: a clip decodes only its range, so it should cost about what the short import costs.
# Knobs: BENCH_CLIP_SECONDS (10), BENCH_LONG_SECONDS (600), BENCH_PRESET (medium), BENCH_REPEAT (1, keeps the
# fastest), BENCH_DIR (target/bench: sources are kept and reused, the 600 s one is shared with bench/ladder.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ ! -f target/spool.jar ] || [ ! -f target/test-classes/dev/spool/media/ClipBench.class ]; then
  mvn -q -B package -DskipTests
fi
# target/classes first: the freshest compile wins over a jar packaged earlier
exec "$java" -cp "target/classes:target/test-classes:target/spool.jar" dev.spool.media.ClipBench "$@"
