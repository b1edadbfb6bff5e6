#!/usr/bin/env bash
# What the HTTP benches share: the checks, starting target/spool.jar on a free port, loading a URL with wrk, and
# cleaning up (servers stopped, scratch PostgreSQL schemas dropped, temporary files removed) however the bench ends.
#
# Source it from a bench after 'set -euo pipefail'; it sets root, jar, java, work (a temporary directory) and
# threads/connections defaults for wrk. SPOOL_BENCH_JAR measures another build (e.g. an older one) instead.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${SPOOL_BENCH_JAR:-$root/target/spool.jar}"
threads="${threads:-2}"
connections="${connections:-64}"

[[ -f "$jar" ]] || { echo "no $jar: build it first with 'mvn -q -B package -DskipTests'" >&2; exit 1; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
java_major="$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
(( java_major >= 21 )) || { echo "Spool needs Java 21 or later; '$java' is $java_major (set JAVA_HOME)" >&2; exit 1; }
command -v curl >/dev/null || { echo "this bench needs curl" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
    apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
fi

work="$(mktemp -d)"
bench_servers=()
bench_schemas=()
bench_cleanup() {
    local pid schema
    for pid in "${bench_servers[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for schema in "${bench_schemas[@]}"; do
        psql -q "${schema%% *}" -c "DROP SCHEMA IF EXISTS ${schema#* } CASCADE" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap bench_cleanup EXIT

# scratch_postgres JDBC_URL: makes a throw-away schema on that server (dropped at exit) and sets scratch_url, a JDBC
# URL that works in it. Needs psql.
scratch_postgres() {
    local server="$1" libpq schema
    command -v psql >/dev/null || { echo "measuring PostgreSQL needs psql" >&2; exit 1; }
    libpq="${server#jdbc:}"
    schema="bench_$$_${#bench_schemas[@]}"
    psql -q "$libpq" -c "CREATE SCHEMA $schema" >/dev/null || { echo "cannot reach PostgreSQL at $server" >&2; exit 1; }
    bench_schemas+=("$libpq $schema")
    scratch_url="$server$([[ "$server" == *\?* ]] && echo '&' || echo '?')currentSchema=$schema"
}

# start_spool NAME [VAR=value ...]: starts 'spool serve' with its own data directory $work/NAME and the given
# environment, on a free port, and sets server_pid, base (its URL) and key (its admin API key).
start_spool() {
    local name="$1" log="$work/$1.log"
    shift
    # Port 0: the server binds a free port and logs which one.
    env SPOOL_PORT=0 SPOOL_DATA_DIR="$work/$name" "$@" "$java" -jar "$jar" serve >"$log" 2>&1 &
    server_pid=$!
    bench_servers+=("$server_pid")
    local port=""
    for _ in $(seq 1 240); do
        port="$(sed -n 's/.*Spool is listening on port \([0-9]*\).*/\1/p' "$log")"
        [[ -n "$port" ]] && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.5
    done
    [[ -n "$port" ]] || { echo "the server did not start:" >&2; cat "$log" >&2; exit 1; }
    base="http://127.0.0.1:$port"
    key="$(cat "$work/$name/admin-api-key")"
}

# stop_spool: stops the server start_spool started last, so that the next one runs on a quiet machine.
stop_spool() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}

# load URL SECONDS [wrk options...]: loads the URL with wrk ($threads threads, $connections connections) and
# prints "requests/s p50 p99" (latencies in ms); fails if any answer was not a 2xx.
load() {
    local url="$1" seconds="$2" out
    shift 2
    out="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$@" "$url")"
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        /Non-2xx/ { bad = $NF }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        END { if (bad > 0) { print "wrk saw " bad " failed answers" > "/dev/stderr"; exit 1 }
              printf "%.0f %.2f %.2f\n", rps, p50, p99 }' <<<"$out"
}
