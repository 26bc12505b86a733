#!/usr/bin/env bash
# Requests per second and p99 latency of `aides serve` against an HTTP floor built in the repository on
# the same stack (examples/serve_floor.rs: axum on tokio, parses the JSON body with serde_json and
# writes it back), with wrk on loopback; and the cold start of `aides check` and `aides validate`,
# which the server must not slow down (its code is only reached by `serve`).
#
# Usage:  bash benches/serve.sh [SECONDS]     (default 10 s per measure, after 2 s of warm-up)
#         CONNECTIONS=n (default 16), THREADS=n wrk threads (default 2)
# What it measures, one run each, side by side:
#   floor        POST /                       one profile (JSON) parsed and written back
#   aides serve  POST /api/check?format=ndjson the Loiret GP's profile, answered in the compact shape
# Both servers listen on 127.0.0.1, on free ports, and are stopped on exit (they also stop by
# themselves: the floor after 120 s, aides serve through `timeout`). When run as root, a missing wrk or
# hyperfine is installed with apt-get. Numbers depend on the machine and its load: compare the ratios.
set -euo pipefail

SECONDS_EACH=${1:-10}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}

cd "$(dirname "$0")/.."

need() { # need COMMAND DEBIAN_PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing $2" >&2
        if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >&2; APT_UPDATED=1; fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
    fi
    command -v "$1" >/dev/null 2>&1 || { echo "error: $1 missing (install package $2)" >&2; exit 2; }
}
need wrk wrk
need hyperfine hyperfine

echo "== cargo build --release (aides and the HTTP floor)" >&2
cargo build --release --quiet --bin aides --example serve_floor --example floor
BIN=$PWD/target/release/aides
FLOOR=$PWD/target/release/examples/serve_floor
LINE_FLOOR=$PWD/target/release/examples/floor

TMP=$(mktemp -d -t aides-serve-bench.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT

PROFILE='{"departement":"45","zone":"ZIP","secteur":1,"exercice":"liberal","specialite":"medecine_generale","projet":"installation","primo_installation":true,"date_installation":"2026-03-02","aide_installation_10_ans":false}'
cat > "$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$PROFILE'
wrk.headers["Content-Type"] = "application/json"
LUA

# start NAME COMMAND…: runs a server in the background, waits for its address on stderr and sets URL.
start() {
    local name=$1; shift
    "$@" >/dev/null 2>"$TMP/$name.log" &
    PIDS+=($!)
    for _ in $(seq 100); do
        grep -q 'http://' "$TMP/$name.log" && break
        sleep 0.05
    done
    URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$TMP/$name.log" | head -1)
}

start floor "$FLOOR" 127.0.0.1:0
FLOOR_URL=$URL
start aides timeout 300 "$BIN" serve --listen 127.0.0.1:0 --date 02/03/2026
AIDES_URL=$URL
[ -n "$FLOOR_URL" ] && [ -n "$AIDES_URL" ] || { echo "error: a server did not start" >&2; cat "$TMP"/*.log >&2; exit 1; }

# The answer is the CLI's, before measuring it.
curl -sf -X POST -H 'content-type: application/json' --data "$PROFILE" "$AIDES_URL/api/check?format=ndjson" >"$TMP/api.txt"
printf '%s\n' "$PROFILE" | "$BIN" check --input - --format ndjson --date 2026-03-02 -q >"$TMP/cli.txt" || true
cmp -s "$TMP/api.txt" "$TMP/cli.txt" || { echo "error: the API's answer is not the CLI's" >&2; exit 1; }

# wrk's latency ("812.00us", "1.20ms", "1.01s") in milliseconds.
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }; printf "%.2f", v }'; }

# measure NAME URL: wrk after a warm-up; prints "req/s p50_ms p99_ms".
measure() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$TMP/post.lua" "$2" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s "$TMP/post.lua" "$2" >"$TMP/$1.wrk"
    if grep -q 'Non-2xx' "$TMP/$1.wrk"; then echo "error: $1 answered errors" >&2; cat "$TMP/$1.wrk" >&2; exit 1; fi
    local rps p50 p99
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$TMP/$1.wrk")
    p50=$(ms "$(awk '$1 == "50%" {print $2}' "$TMP/$1.wrk")")
    p99=$(ms "$(awk '$1 == "99%" {print $2}' "$TMP/$1.wrk")")
    echo "$rps $p50 $p99"
}

echo "== wrk: ${CONNECTIONS} connections, ${THREADS} threads, ${SECONDS_EACH} s each" >&2
read -r FLOOR_RPS FLOOR_P50 FLOOR_P99 < <(measure floor "$FLOOR_URL/")
read -r AIDES_RPS AIDES_P50 AIDES_P99 < <(measure aides "$AIDES_URL/api/check?format=ndjson")
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done

echo "== cold start (hyperfine)" >&2
printf '%s\n' "$PROFILE" >"$TMP/one.ndjson"
hyperfine -N -w 3 -r 30 --export-json "$TMP/cold.json" \
    "$LINE_FLOOR $TMP/one.ndjson" \
    "$BIN check --zone ZIP --secteur 1 --date 02/03/2026" \
    "$BIN validate -q" >/dev/null
read -r COLD_FLOOR COLD_CHECK COLD_VALIDATE < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(" ".join("%.1f" % (x["mean"] * 1000) for x in r))' "$TMP/cold.json")

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
echo
echo "Load average during the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (compare the ratios)"
echo
echo "| ${CONNECTIONS} connections, one profile | requests/s | p50 | p99 |"
echo "|---|---:|---:|---:|"
echo "| floor (axum, parse and write back the JSON) | $FLOOR_RPS | $FLOOR_P50 ms | $FLOOR_P99 ms |"
echo "| aides serve, POST /api/check?format=ndjson | $AIDES_RPS | $AIDES_P50 ms | $AIDES_P99 ms |"
echo "| ratio aides / floor | $(ratio "$AIDES_RPS" "$FLOOR_RPS")× | $(ratio "$AIDES_P50" "$FLOOR_P50")× | $(ratio "$AIDES_P99" "$FLOOR_P99")× |"
echo
echo "Target: requests/s at least 0.5× the floor's, and p99 under 5 ms."
echo
echo "| cold start | mean |"
echo "|---|---:|"
echo "| floor, one line | $COLD_FLOOR ms |"
echo "| aides check (flags) | $COLD_CHECK ms ($(ratio "$COLD_CHECK" "$COLD_FLOOR")×) |"
echo "| aides validate | $COLD_VALIDATE ms ($(ratio "$COLD_VALIDATE" "$COLD_FLOOR")×) |"
