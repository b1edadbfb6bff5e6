#!/usr/bin/env bash
# Times Spool end to end as an import task does it (fetch from a URL while probe and encode read what has
# arrived, package, hashes, publish) against the best single ffmpeg command for the same default ladder (1080p30 source, same
# presets, 6 s segments, MP4s), each rendition encoded at the video bitrate Spool's measured (VOD VBV:
# peak 1.1x, buffer 2x), and prints both sides' bitrate and PSNR (VMAF with a libvmaf ffmpeg); then
# the chunked path against one process on a long 720p source (chunked above 120 s). Shorter check: BENCH_SECONDS=10 BENCH_LONG_SECONDS=180 bench/ladder.sh
# Other knobs: BENCH_PRESET (medium), BENCH_LONG_PRESET (veryfast), BENCH_REPEAT (1, keeps the fastest),
# BENCH_DIR (target/bench: sources are kept and reused), BENCH_INDEX (first: a fast-start 1080p source; last: its
# index at the end, which must be downloaded whole before anything reads it), BENCH_WARM_UP_SECONDS (6: one short
# import first, untimed, as a server has imported before; 0 times the JVM's first import), BENCH_ANCHOR_GRAPH (plain:
# the command scales each rendition from the source with the scale filter; spool: it uses Spool's own filter graph, so
# only the work around the encode differs); 0 seconds skips that part.
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ ! -f target/spool.jar ] || [ ! -f target/test-classes/dev/spool/media/LadderBench.class ]; then
  mvn -q -B package -DskipTests
fi
# target/classes first: the freshest compile wins over a jar packaged earlier
exec "$java" -cp "target/classes:target/test-classes:target/spool.jar" dev.spool.media.LadderBench "$@"
