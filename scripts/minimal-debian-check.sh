#!/usr/bin/env bash
# Starts Spool on a minimal Debian: a fresh `debootstrap --variant=minbase` root with no package
# added, a JDK >= 21 copied in from this machine, then the bundled ffmpeg/ffprobe (version, an x264
# encode and a probe) and `spool serve` until it says it is listening.
#
#   sudo scripts/minimal-debian-check.sh [path/to/spool.jar] [suite, default bookworm]
#
# Needs root (debootstrap, chroot), network access to deb.debian.org and a built jar
# (mvn -q -B package -DskipTests). JAVA_HOME, or else the first JDK >= 21 under /usr/lib/jvm, is
# copied into the root.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=$(realpath "${1:-target/spool.jar}")
suite=${2:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[[ -f "$jar" ]] || { echo "no $jar: build it with 'mvn -q -B package -DskipTests'" >&2; exit 1; }
(( EUID == 0 )) || { echo "run as root (debootstrap and chroot need it)" >&2; exit 1; }

java_major() {
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
}
jdk=""
for candidate in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    if [[ -x "$candidate/bin/java" ]] && (( $(java_major "$candidate") >= 21 )); then
        jdk=$(realpath "$candidate")
        break
    fi
done
[[ -n "$jdk" ]] || { echo "no JDK >= 21 found (set JAVA_HOME)" >&2; exit 1; }

command -v debootstrap >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

root=$(mktemp -d /tmp/spool-minbase.XXXXXX)
cleanup() {
    [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    umount "$root/proc" 2>/dev/null || true
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT

echo "== debootstrap --variant=minbase $suite into $root"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log"; exit 1; }
rm -f "$root.log"

echo "== system libraries the bundled ffmpeg links for capture devices, in the fresh root:"
for soname in libpulse.so.0 libasound.so.2 libxcb.so.1 libxcb-shm.so.0 libudev.so.1; do
    if chroot "$root" /sbin/ldconfig -p | grep -q "$soname"; then
        echo "   $soname: part of this root (Spool loads its stand-in all the same)"
    else
        echo "   $soname: absent"
    fi
done

mkdir -p "$root/opt/spool"
cp -a "$jdk" "$root/opt/jdk"
cp "$jar" "$root/opt/spool/spool.jar"
mount -t proc proc "$root/proc"

echo "== spool serve inside the root"
log="$root/opt/spool/serve.log"
chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root \
    /opt/jdk/bin/java -jar /opt/spool/spool.jar serve --data-dir /opt/spool/data --port 18080 >"$log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
    grep -q "Spool is listening" "$log" && break
    kill -0 "$server" 2>/dev/null || break
    sleep 1
done
if ! grep -q "Spool is listening" "$log"; then
    echo "FAILED: spool serve did not start:" >&2
    cat "$log" >&2
    exit 1
fi
grep -E "using ffmpeg|Spool is listening" "$log"
kill "$server"
wait "$server" || true
server=""

echo "== the extracted ffmpeg and ffprobe inside the root, every symbol bound at start (LD_BIND_NOW=1)"
ffdir=$(cd "$root" && ls -d opt/spool/data/cache/ffmpeg-* | head -1)
run() {
    chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin LD_BIND_NOW=1 LD_LIBRARY_PATH="/$ffdir" "$@"
}
run LD_TRACE_LOADED_OBJECTS=1 "/$ffdir/ffmpeg" | grep -E 'libpulse|libasound|libxcb|libudev|not found'
run "/$ffdir/ffmpeg" -hide_banner -version | head -1
run "/$ffdir/ffprobe" -hide_banner -version | head -1
run "/$ffdir/ffmpeg" -hide_banner -nostdin -v error -f lavfi -i testsrc2=size=640x360:rate=25:duration=2 \
    -c:v libx264 -y /opt/spool/x264.mp4
run "/$ffdir/ffprobe" -v error -show_entries stream=codec_name,width,height -of csv=p=0 /opt/spool/x264.mp4
echo "OK: Spool and its ffmpeg start on a minimal Debian $suite with no package added"
