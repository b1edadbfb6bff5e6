#!/usr/bin/env bash
# Segment serving for a public asset and for a jwt-protected one, side by side in one run: requests/s and latency
# of the same HLS segment of two assets made from the same video, the protected one fetched with a playback token
# in its URL as a player given a tokenized playlist does.
#
# Build first (mvn -q -B package -DskipTests), then: bench/playback.sh [seconds] [connections]
# Starts target/spool.jar with a temporary data dir on a free port (one worker, to make the two assets), makes a
# signing key, mints a token with openssl, then loads each segment URL with wrk, in the order public, jwt, jwt,
# public, twice, and prints the best run of each and the ratio protected/public.
set -euo pipefail

duration="${1:-20}"
connections="${2:-64}"
source "$(dirname "$0")/lib.sh"
for tool in openssl xxd; do
    command -v "$tool" >/dev/null || { echo "this bench needs $tool" >&2; exit 1; }
done

start_spool playback SPOOL_WORKERS=1 SPOOL_X264_PRESET=ultrafast
api() { curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -1; }

# A small 10-second test video (small segments put the cost per request, not per byte, in front), made with the ffmpeg that Spool extracted into its data directory.
ffmpeg="$(find "$work/playback/cache" -type f -name ffmpeg | head -1)"
LD_LIBRARY_PATH="$(dirname "$ffmpeg")" "$ffmpeg" -hide_banner -nostdin -v error -y \
    -f lavfi -i testsrc2=size=320x240:rate=25:duration=10 -f lavfi -i sine=frequency=440:duration=10 \
    -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest "$work/video.mp4"

# Uploads the video as a new asset with the given playback policy (JSON or empty) and prints its id.
upload() {
    local body="{\"name\": \"bench\"${1:+, \"playbackPolicy\": $1}}" answer url
    answer="$(api -X POST "$base/api/asset/request-upload" -d "$body")"
    # The answer's URL is built from SPOOL_PUBLIC_URL, which knows no port chosen at start: use the one bound.
    url="$(field url <<<"$answer")"
    curl -fsS -X PUT --data-binary "@$work/video.mp4" "$base/${url#*://*/}" >/dev/null
    sed -n 's/.*"asset":{"id":"\([^"]*\)".*/\1/p' <<<"$answer"
}
# Waits for an asset to be ready and prints its playback id.
ready() {
    local asset
    for _ in $(seq 1 600); do
        asset="$(api "$base/api/asset/$1")"
        case "$(sed -n 's/.*"phase":"\([a-z]*\)".*/\1/p' <<<"$asset")" in
            ready) field playbackId <<<"$asset"; return ;;
            failed) echo "asset $1 failed: $asset" >&2; exit 1 ;;
        esac
        sleep 0.5
    done
    echo "asset $1 was not ready in time" >&2; exit 1
}
# The URL of the first segment of the first rendition, following the playlists with the query given.
segment() {
    local dir="$base/asset/$1/" query="${2:+?$2}" child
    child="$(curl -fsS "${dir}index.m3u8$query" | grep -v '^#' | head -1 | cut -d'?' -f1)"
    dir="$dir$(dirname "$child")/"
    child="$(curl -fsS "$dir$(basename "$child")$query" | grep -v '^#' | head -1 | cut -d'?' -f1)"
    echo "$dir$child$query"
}
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

signing_key="$(api -X POST "$base/api/access-control/signing-key" -d '{"name": "bench"}')"
field privateKey <<<"$signing_key" | base64 -d >"$work/private.pem"
public_key="$(field publicKey <<<"$signing_key")"
public_id="$(ready "$(upload '')")"
gated_id="$(ready "$(upload '{"type": "jwt"}')")"

# An ES256 JWT as any library makes it: openssl signs in DER, JWS wants R and S as two 32-byte numbers.
header="$(printf '{"alg":"ES256","typ":"JWT"}' | b64url)"
payload="$(printf '{"sub":"%s","pub":"%s","action":"pull","exp":%d}' "$gated_id" "$public_key" \
    "$(( $(date +%s) + 3600 ))" | b64url)"
signature="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$work/private.pem" \
    | openssl asn1parse -inform DER | sed -n 's/.*INTEGER *://p' \
    | while read -r n; do printf '%064s' "${n: -64}" | tr ' ' 0; done | xxd -r -p | b64url)"
token="$header.$payload.$signature"

public_url="$(segment "$public_id" '')"
gated_url="$(segment "$gated_id" "jwt=$token")"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "${gated_url%%\?*}")" == 401 ]] \
    || { echo "the protected segment is served without a token" >&2; exit 1; }

load "$public_url" 5 >/dev/null
load "$gated_url" 5 >/dev/null
for _ in 1 2; do
    load "$public_url" "$duration" >>"$work/public.runs"
    load "$gated_url" "$duration" >>"$work/gated.runs"
    load "$gated_url" "$duration" >>"$work/gated.runs"
    load "$public_url" "$duration" >>"$work/public.runs"
done
read -r public_rps public_p50 public_p99 < <(sort -nr "$work/public.runs" | head -1)
read -r gated_rps gated_p50 gated_p99 < <(sort -nr "$work/gated.runs" | head -1)

public_size="$(curl -fsS -o /dev/null -w '%{size_download}' "$public_url")"
gated_size="$(curl -fsS -o /dev/null -w '%{size_download}' "$gated_url")"
echo "wrk -t$threads -c$connections -d${duration}s --latency, best of 4 each, server and wrk on the same" \
    "$(nproc)-core machine; segments of $public_size (public) and $gated_size (jwt) bytes"
printf '%-26s %10s %10s %10s\n' asset 'req/s' 'p50 ms' 'p99 ms'
printf '%-26s %10s %10s %10s\n' "public" "$public_rps" "$public_p50" "$public_p99"
printf '%-26s %10s %10s %10s\n' "jwt (token in the URL)" "$gated_rps" "$gated_p50" "$gated_p99"
awk -v g="$gated_rps" -v p="$public_rps" 'BEGIN { printf "ratio jwt/public: %.0f%%\n", 100 * g / p }'
